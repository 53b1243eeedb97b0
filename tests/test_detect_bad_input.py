"""Bad input through `privsynth scan` and the streaming `scan_file`: a correct result or a
one-line error with exit code 2, never a traceback or a hang."""

import json

import pytest
from click.testing import CliRunner

from privsynth.cli import cli
from privsynth.detect import build_analyzer, scan_file
from privsynth.errors import PrivsynthError
from privsynth.policy.models import Policy


@pytest.fixture(scope="module", autouse=True)
def analyzer():
    return build_analyzer(Policy())


def _write(path, data: bytes):
    path.write_bytes(data)
    return path


ROWS = "".join(f"{i},Ana Souza {i},ana{i}@example.org\n" for i in range(30))

CASES = {
    # name: (file bytes, expected: "ok" or a substring of the one-line error)
    "latin1": (("id,name,email\n" + ROWS).replace("Souza", "Souzaé").encode("latin-1"), "ok"),
    "bom": (b"\xef\xbb\xbf" + ("id,name,email\n" + ROWS).encode(), "ok"),
    "ragged_long_row": (("id,name,email\n" + ROWS + "31,x,y,EXTRA\n").encode(), "ragged row"),
    "ragged_short_row": (("id,name,email\n" + ROWS + "31,x\n").encode(), "ok"),
    "duplicate_columns": (("id,name,name\n" + ROWS).encode(), "duplicate column"),
    "empty_file": (b"", "empty"),
    "header_only": (b"id,name,email\n", "no rows"),
    "all_null_column": (("id,name,email,blank\n" + ROWS.replace("\n", ",\n")).encode(), "ok"),
    "binary": (bytes(range(256)) * 64, "binary"),
    "ten_mb_cell": (("id,name,notes\n" + "".join(f"{i},Ana {i},short note {i}\n" for i in range(20))
                     + "21,Bo," + "word " * 2_000_000 + "\n").encode(), "ok"),
    # the bad-input list: a decision with its reason for every column, never a crash
    "constant_column": (("id,name,country\n" + "".join(f"{i},Ana Souza {i},Portugal\n" for i in range(30))).encode(), "ok"),
    "mixed_type_column": (("id,name,misc\n" + "".join(f"{i},Ana Souza {i},{v}\n" for i, v in
                                                       zip(range(30), ["1", "two", "3.5", "", "2020-01-01", "true", "\"4,5\"", "-1", "ü", "x@y"] * 3))).encode(), "ok"),
    "unique_free_text": (("id,notes\n" + "".join(f"{i},Customer {i} called on day {i} to change the delivery address and phone number\n"
                                                  for i in range(30))).encode(), "ok"),
    "single_row": (b"id,name,email\n1,Ana Souza,ana@example.org\n", "ok"),
}


@pytest.mark.parametrize("case", list(CASES))
def test_cli_scan_gives_a_result_or_a_one_line_error_with_exit_2(tmp_path, case):
    data, expect = CASES[case]
    f = _write(tmp_path / f"{case}.csv", data)
    res = CliRunner().invoke(cli, ["scan", str(f), "--format", "json", "--quiet"])
    if expect == "ok":
        assert res.exit_code == 0, res.output
        out = json.loads(res.stdout)
        names = [c["name"] for c in out["columns"]]
        assert names[0] == "id"  # BOM stripped, header intact
        assert set(out["columns"][0]) == {"name", "entity_type", "category", "confidence", "coverage", "evidence"}
        assert all(c["evidence"]["reason"] for c in out["columns"])  # every column decided, with its reason
    else:
        assert res.exit_code == 2, res.output
        err = res.stderr.strip()
        assert "\n" not in err and expect in err and "internal error" not in err and "Traceback" not in res.output


@pytest.mark.parametrize("case", list(CASES))
def test_streaming_scan_file_agrees_on_bad_input(tmp_path, case):
    data, expect = CASES[case]
    f = _write(tmp_path / f"{case}.csv", data)
    if expect == "ok":
        res = scan_file(f, Policy())
        assert res.columns[0].name == "id" and res.rows >= (1 if case == "single_row" else 20)
        assert all(c.evidence["reason"] for c in res.columns)
    else:
        with pytest.raises(PrivsynthError) as e:
            scan_file(f, Policy())
        assert "\n" not in str(e.value) and expect in str(e.value)


def test_all_null_column_is_non_personal_and_latin1_names_are_people(tmp_path):
    f = _write(tmp_path / "n.csv", ("id,name,email,blank\n" + ROWS.replace("\n", ",\n")).encode())
    cols = scan_file(f, Policy()).by_name()
    assert cols["blank"].category == "non_personal" and cols["blank"].evidence["sampled"] == 0
    assert cols["email"].entity_type == "EMAIL_ADDRESS"


def test_scan_file_streams_in_chunks_and_matches_in_memory_scan(tmp_path, monkeypatch):
    from privsynth.detect import scan_table
    from privsynth.detect import stream
    from privsynth.io import read_table

    monkeypatch.setattr(stream, "WHOLE_TABLE_BYTES", 0)  # stream this small file (larger files are streamed)

    rows = "".join(f"{i},Person {i},p{i}@example.org,{20 + i % 50}\n" for i in range(2500))
    f = _write(tmp_path / "big.csv", ("id,name,email,age\n" + rows).encode())
    streamed = stream.scan_file(f, Policy(), chunksize=300)
    whole = scan_table(read_table(f), Policy())
    assert streamed.rows == whole.rows == 2500
    for a, b in zip(streamed.columns, whole.columns):
        assert (a.name, a.category, a.entity_type) == (b.name, b.category, b.entity_type)
    assert streamed.by_name()["id"].evidence["stats"]["uniqueness"] == 1.0
