"""JSON lines with nested objects and small integer ids through `anonymize` (issue 15, new-user F11/F12).

F11: a note's subject was named only in a nested field (`meta.author.name`); record-aware redaction
used flat identifier columns only, so "Spoke with <Surname>" stayed in the text while the nested
name itself was replaced. F12: the integer `id` 0..1199 got same-length pseudonyms: 1,200 ids became
322 distinct values, some equal to real ids, and ints/objects came back as strings.

Fictitious people (Faker, fixed seeds); real Presidio, spaCy and the keyed transform run.
"""

from __future__ import annotations

import json
import re

import pandas as pd
import pytest
from click.testing import CliRunner
from faker import Faker

from privsynth.cli import cli
from privsynth.io.nested import OBJECT_COLUMNS_ATTR, nest_objects, unnest_objects
from privsynth.transform.reserve import Reserve
from privsynth.transform.surrogates import SurrogateFactory

# notes naming the record's own person by surname only (the text detector alone misses many)
TEMPLATES = [
    ("en_GB", "Spoke with {last} this morning about the refund."),
    ("pl_PL", "Pan {last} dzwonił w sprawie faktury."),
    ("nl_NL", "Mevrouw van {last} belde over haar rekening."),
    ("fr_FR", "Appel de {last} ({first}) ce matin."),
]


def _records(n: int = 40, seed: int = 7) -> list[dict]:
    out = []
    for i in range(n):
        loc, tpl = TEMPLATES[i % len(TEMPLATES)]
        f = Faker(loc)
        f.seed_instance(seed + i)
        first, last = f.first_name(), f.last_name()
        out.append({"id": i, "text": tpl.format(first=first, last=last),
                    "meta": {"lang": loc[:2], "author": {"name": f"{first} {last}"}}})
    return out


def _write(path, recs):
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in recs), encoding="utf-8")


def _anonymize(tmp_path, recs):
    src, out, key = tmp_path / "notes.jsonl", tmp_path / "notes_ps.jsonl", tmp_path / "k.key"
    _write(src, recs)
    key.write_text("01" * 32 + "\n")
    r = CliRunner().invoke(cli, ["anonymize", str(src), "--out", str(out), "--key-file", str(key)], catch_exceptions=False)
    assert r.exit_code == 0, r.output
    return r, [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]


def test_anonymize_jsonl_removes_the_surname_of_the_nested_author_from_the_records_own_text(tmp_path):
    recs = _records()
    r, got = _anonymize(tmp_path, recs)
    assert len(got) == len(recs)
    left = []
    for a, b in zip(recs, got):
        first, last = a["meta"]["author"]["name"].split(" ", 1)[0], a["meta"]["author"]["name"].rsplit(" ", 1)[-1]
        if re.search(r"\b" + re.escape(last) + r"\b", b["text"]) or a["meta"]["author"]["name"] in json.dumps(b, ensure_ascii=False):
            left.append(a["id"])
    assert left == []
    assert "meta.author.name" in r.stdout  # the nested leaf is a column of the plan


def test_anonymize_jsonl_writes_objects_back_as_objects_and_integer_ids_as_integers(tmp_path):
    recs = _records(12)
    _, got = _anonymize(tmp_path, recs)
    for a, b in zip(recs, got):
        assert isinstance(b["meta"], dict) and isinstance(b["meta"]["author"], dict)
        assert b["meta"]["lang"] == a["meta"]["lang"]  # a non-identifying leaf is kept as it came
        assert b["meta"]["author"]["name"] != a["meta"]["author"]["name"]
        assert isinstance(b["id"], int)


@pytest.mark.parametrize("key", [b"\x02" * 32, b"\x03" * 32])
def test_twelve_hundred_small_integer_ids_get_twelve_hundred_distinct_pseudonyms_none_a_real_id(key):
    ids = [str(i) for i in range(1200)]
    reserve = Reserve()
    reserve.add("RECORD_ID", ids)
    fac = SurrogateFactory(key, reserve=reserve)
    out = fac.widened_ids("RECORD_ID", ids)
    assert out is not None and len(set(out)) == 1200
    assert not set(out) & set(ids)
    again = SurrogateFactory(key, reserve=reserve).widened_ids("RECORD_ID", ids)
    assert again == out  # consistent under the key
    assert SurrogateFactory(b"\x09" * 32, reserve=reserve).widened_ids("RECORD_ID", ids) != out


@pytest.mark.parametrize("values", [
    [str(100000 + 7 * i) for i in range(500)],  # six-digit customer numbers: the same-length rule is kept
    ["007", "1", "2"],                          # leading zeros: not canonical integers
    ["C1001", "C1002"],                         # not numbers
])
def test_ids_that_fit_their_own_length_keep_the_same_length_rule(values):
    assert SurrogateFactory(b"\x02" * 32).widened_ids("RECORD_ID", values) is None


def test_anonymize_jsonl_small_ids_are_one_to_one_and_never_a_real_id(tmp_path):
    recs = [{"id": i, "text": "ok", "meta": {"lang": "en"}} for i in range(300)]
    _, got = _anonymize(tmp_path, recs)
    ids = [g["id"] for g in got]
    assert len(set(ids)) == 300
    assert not set(ids) & set(range(300))


def test_spread_and_nest_round_trip_keeps_each_records_own_keys():
    df = pd.DataFrame({"id": [1, 2, 3], "meta": [json.dumps({"a": {"b": "x"}, "n": 3}), None, json.dumps({"a": {"b": "y"}})]})
    df.attrs[OBJECT_COLUMNS_ATTR] = ["meta"]
    flat, spec = unnest_objects(df)
    assert list(flat.columns) == ["id", "meta.a.b", "meta.n"]
    back = nest_objects(flat, spec)
    assert back["meta"].tolist() == [{"a": {"b": "x"}, "n": 3}, None, {"a": {"b": "y"}}]
    assert unnest_objects(df, keep={"meta"})[1] == []  # a column the policy names stays JSON text
