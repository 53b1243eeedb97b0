"""Readers and writers: robust reading, one-line errors naming the file, atomic writes."""

from __future__ import annotations

from pathlib import Path

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
