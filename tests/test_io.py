"""Readers and writers: robust reading, one-line errors naming the file, atomic writes."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from privsynth.errors import InputError, OutputError
from privsynth.io import check_not_input, read_table, read_text_documents, write_table
from privsynth.io.writers import atomic_output


def write(tmp_path: Path, name: str, data: bytes) -> Path:
    p = tmp_path / name
    p.write_bytes(data)
    return p


@pytest.mark.parametrize(
    "name,data,fragment",
    [
        ("empty.csv", b"", "file is empty"),
        ("header_only.csv", b"a,b,c\n", "no rows"),
        ("ragged.csv", b"a,b\n1,2\n3,4,5,6\n", "line 3: 4 fields where the header has 2"),
        ("dup.csv", b"a,b,a\n1,2,3\n", "duplicate column name 'a'"),
        ("binary.csv", b"\x00\x01\x02PK\x03\x04" * 100, "binary"),
        ("noheader.csv", b",b\n1,2\n", "no name"),
        ("data.xlsx", b"PK", "unsupported file type"),
    ],
)
def test_when_a_table_is_unusable_then_the_error_names_the_file(tmp_path, name, data, fragment):
    p = write(tmp_path, name, data)
    with pytest.raises(InputError) as e:
        read_table(p)
    msg = str(e.value)
    assert str(p) in msg and fragment in msg and "\n" not in msg


def test_when_the_file_is_missing_then_input_error(tmp_path):
    with pytest.raises(InputError, match="file not found"):
        read_table(tmp_path / "nope.csv")


def test_when_csv_has_bom_then_first_column_name_is_clean(tmp_path):
    p = write(tmp_path, "bom.csv", "\ufeffname,age\nAnna,30\n".encode("utf-8"))
    df = read_table(p)
    assert list(df.columns) == ["name", "age"]
    assert df["age"].tolist() == [30]


def test_when_csv_is_latin1_then_it_is_decoded(tmp_path):
    p = write(tmp_path, "latin.csv", "name,city\nJosé,Köln\nRené,Zürich\n".encode("latin-1"))
    df = read_table(p)
    assert df["city"].tolist() == ["Köln", "Zürich"]


def test_when_values_look_numeric_but_carry_leading_zeros_or_plus_then_they_stay_strings(tmp_path):
    p = write(tmp_path, "ids.csv", b"zip,phone,n,x\n01234,+4412345,1,1.5\n98765,+4454321,2,2\n")
    df = read_table(p)
    assert df["zip"].tolist() == ["01234", "98765"]
    assert df["phone"].dtype == object
    assert df["n"].dtype == "int64" and df["x"].dtype == "float64"


def test_when_semicolon_separated_then_sniffed(tmp_path):
    p = write(tmp_path, "semi.csv", b"a;b\n1;x\n2;y\n")
    assert list(read_table(p).columns) == ["a", "b"]


def test_parquet_and_jsonl_round_trip(tmp_path):
    df = pd.DataFrame({"a": [1, 2], "b": ["x", None]})
    for name in ("t.parquet", "t.jsonl", "t.csv"):
        write_table(tmp_path / name, df)
        back = read_table(tmp_path / name)
        assert back["a"].tolist() == [1, 2]


def test_when_output_equals_input_then_refused(tmp_path):
    p = write(tmp_path, "a.csv", b"a\n1\n")
    with pytest.raises(OutputError, match="same as an input"):
        check_not_input(tmp_path / "." / "a.csv", [p])


def test_when_writing_fails_midway_then_no_partial_file_is_left(tmp_path):
    target = tmp_path / "out.txt"
    with pytest.raises(RuntimeError):
        with atomic_output(target) as f:
            f.write("half")
            raise RuntimeError("boom")
    assert not target.exists()
    assert list(tmp_path.iterdir()) == []


def test_text_documents_from_jsonl_and_txt(tmp_path):
    j = write(tmp_path, "d.jsonl", b'{"id": "a", "text": "hello"}\n{"id": "b", "text": "world"}\n')
    ids, texts = read_text_documents(j, "text", "id")
    assert ids == ["a", "b"] and texts == ["hello", "world"]
    t = write(tmp_path, "d.txt", b"one\ntwo\n")
    assert read_text_documents(t)[1] == ["one", "two"]
    bad = write(tmp_path, "bad.jsonl", b'{"id": 1, "text": "ok"}\n{oops\n')
    with pytest.raises(InputError, match="line 2"):
        read_text_documents(bad)


# --------------------------------------------------------------------------- encoding, dialect, numbers, stdin

import json as _json
import logging as _logging

from click.testing import CliRunner as _Runner

from privsynth.io import ReadOptions, read_info


@pytest.mark.parametrize(
    "name,data,options,column,want",
    [
        ("latin1.csv", "id,name\n1,Gåärd\n2,Åsa\n".encode("latin-1"), ReadOptions(), "name", "Gåärd"),
        ("utf16be_no_bom.csv", "id,name\n1,Gåärd\n2,Åsa\n".encode("utf-16-be"), ReadOptions(), "name", "Gåärd"),
        ("decimal_comma.csv", "id;amount\n1;826,71\n2;7.590,29\n".encode(), ReadOptions(), "amount", 826.71),
        ("thousands.csv", "id;amount\n1;826,71\n2;7.590,29\n".encode(), ReadOptions(), "amount", 826.71),
        ("ambiguous_default.csv", b"id;amount\n1;1,234\n2;5,000\n", ReadOptions(), "amount", 1234),
        ("ambiguous_decimal_override.csv", b"id;amount\n1;1,234\n2;5,000\n", ReadOptions(decimal=","), "amount", 1.234),
        ("delimiter_override.csv", b"id|name;x\n1|a;b\n2|c;d\n", ReadOptions(delimiter=";"), "x", "b"),
        ("encoding_override.csv", "id,name\n1,Łódź\n2,Kraków\n".encode("cp1250"), ReadOptions(encoding="cp1250"), "name", "Łódź"),
    ],
)
def test_when_a_file_is_read_then_values_come_out_right(tmp_path, name, data, options, column, want):
    df = read_table(write(tmp_path, name, data), options=options)
    assert df[column].iloc[0] == want


def test_when_the_encoding_is_a_low_confidence_guess_then_a_warning_names_the_file_and_the_guess(tmp_path, caplog):
    p = write(tmp_path, "latin.csv", "id,name\n1,Gåärd\n".encode("latin-1"))
    with caplog.at_level(_logging.WARNING, logger="privsynth.io"):
        df = read_table(p)
    info = read_info(df)
    assert info.encoding == "cp1252" and not info.encoding_confident and info.encoding_method == "detected"
    assert any(str(p) in r.getMessage() and "cp1252" in r.getMessage() for r in caplog.records)
    assert read_info(read_table(p, options=ReadOptions(encoding="latin-1"))).encoding_method == "override"


def test_when_inf_nan_or_empty_sit_in_a_numeric_column_then_they_are_missing_and_counted(tmp_path):
    df = read_table(write(tmp_path, "n.csv", b"id,x\n1,inf\n2,nan\n3,\n4,2.5\n5,-inf\n"))
    assert df["x"].dtype == "float64" and df["x"].isna().sum() == 4 and df["x"].iloc[3] == 2.5
    assert read_info(df).numeric_missing == {"x": 3}


@pytest.mark.parametrize(
    "data,fragment",
    [
        (b'id,name,email\n1,Ana,a@example.org\n2,"Bo,b@example.org\n3,Cy",c@example.org\n4,Di,d@example.org\n', "line 3: a quote opened on line 3 joins lines 3-4"),
        (b'id,name\n1,"Ana\n2,Bo\n3,Cy\n4,"Di, Jr",x\n', "stray quote"),
        (b'id,name\n1,Ana\n2,"Bo\n', "never closed"),
        (b"id,name\n1,Ana\n2,Bo,extra\n", "line 3: 3 fields where the header has 2"),
    ],
)
def test_when_quotes_or_rows_are_broken_then_the_file_is_refused_naming_the_line(tmp_path, data, fragment):
    with pytest.raises(InputError) as e:
        read_table(write(tmp_path, "broken.csv", data))
    assert fragment in str(e.value) and "broken.csv" in str(e.value)


def test_when_a_quoted_note_spans_lines_then_it_is_read_with_a_warning_and_lines_are_counted(tmp_path):
    df = read_table(write(tmp_path, "notes.csv", b'id,note,n\n1,"Called.\nWill retry, maybe",3\n2,ok,4\n'))
    info = read_info(df)
    assert df["note"].iloc[0] == "Called.\nWill retry, maybe"
    assert (info.physical_lines, info.records, info.multiline_records) == (4, 2, 1)
    assert "lines 2-3" in info.warnings[0]


@pytest.mark.parametrize("data", [bytes(range(256)) * 8, b"\x89PNG\r\n\x1a\n" + b"\x00" * 50, __import__("random").Random(7).randbytes(3000)])
def test_when_bytes_are_not_text_then_they_are_refused_as_not_text(tmp_path, data):
    with pytest.raises(InputError, match="binary|not a text file|PNG"):
        read_table(write(tmp_path, "x.csv", data))


def test_when_data_comes_on_stdin_then_anonymize_reads_it_and_the_evidence_names_stdin(tmp_path):
    from privsynth.cli import cli

    data = "id,city,amount\n" + "".join(f"{i},Lund,{i}\n" for i in range(1, 30))
    out, ev = tmp_path / "out.csv", tmp_path / "ev.json"
    args = ["anonymize", "-", "--input-format", "csv", "--out", str(out), "--evidence", str(ev), "--quiet"]
    res = _Runner().invoke(cli, args, input=data.encode(), env={"PRIVSYNTH_KEY": "3c" * 32}, catch_exceptions=False)
    assert res.exit_code == 0, res.stderr
    doc = _json.loads(ev.read_text())
    assert doc["inputs"][0]["path"] == "<stdin>" and doc["inputs"][0]["read"]["encoding"] == "utf-8"
    assert doc["inputs"][0]["read"]["records"] == 29 and out.exists()


def test_when_stdin_has_no_input_format_then_one_line_error_exit_2(tmp_path):
    from privsynth.cli import cli

    res = _Runner().invoke(cli, ["scan", "-"], input=b"a,b\n1,2\n", catch_exceptions=False)
    assert res.exit_code == 2 and res.stdout == ""
    assert res.stderr.strip() == "error: <stdin>: give --input-format (csv, tsv, parquet, jsonl or json) when reading standard input"


@pytest.mark.parametrize("cells", [
    ["1", "2", "2", "1", "inf", None, "3.5"],          # numbers, a token, a missing cell
    [" 7", "7 ", "7", "NA", "-inf", "1e3"],            # the same number written three ways
    ["1", "01", "1"],                                  # a leading zero: stays text
    ["1,5", "2,5", "1,5"],                             # another decimal mark
    ["nan", "NA", "null"],                             # tokens only: stays text
])
def test_when_a_column_of_texts_is_parsed_through_its_distinct_texts_then_it_equals_the_cell_by_cell_parse(cells):
    from privsynth.io.dialect import _numbers_of, infer_types

    for decimal in (".", ","):
        s = pd.Series(cells, dtype=object)
        fast, missing = infer_types(pd.DataFrame({"c": s}), decimal), {}
        infer_types(pd.DataFrame({"c": s}), decimal, missing=missing)
        parsed = _numbers_of(s.dropna(), decimal, None)  # every cell on its own
        if parsed is None:
            assert fast["c"].dtype == object and fast["c"].equals(s)
            continue
        want = np.full(len(s), np.nan)
        want[s.notna().to_numpy()] = parsed[0]
        want[np.isinf(want)] = np.nan
        np.testing.assert_array_equal(fast["c"].to_numpy(dtype="float64"), want)
        assert missing.get("c", 0) == int(parsed[1].sum()) + int(np.isinf(parsed[0]).sum())
