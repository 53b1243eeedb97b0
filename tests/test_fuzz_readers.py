"""Fuzzing the readers with hypothesis: whatever the bytes, the table reader, the text reader,
the policy loader and the evidence loader return a result or raise the project's one-line error
(a PrivsynthError subclass) — never another exception. Bounded: a few dozen examples each."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from privsynth.errors import InputError, KeyMaterialError, PolicyError, PrivsynthError
from privsynth.io import read_table, read_text_documents

FUZZ = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large], derandomize=True)

# CSV-ish text: the characters that break CSV readers, plus letters, digits and accented letters
CSV_ALPHABET = st.sampled_from(list(',;\t|"\'\n\r ') + list("abcxyz0123456789.-+eE") + list("åäöŁ€“”\u00a0") + ["\x00", "\ufeff"])
ENCODINGS = st.sampled_from(["utf-8", "utf-8-sig", "latin-1", "cp1252", "utf-16", "utf-16-be", "utf-16-le", "cp1250"])


def _one_line(e: BaseException) -> None:
    assert "\n" not in str(e) and str(e).strip()


def _write(suffix: str, data: bytes) -> Path:
    d = Path(tempfile.mkdtemp(prefix="privsynth-fuzz-"))
    p = d / f"f{suffix}"
    p.write_bytes(data)
    return p


def _read_or_refuse(fn, *args, err=PrivsynthError):
    try:
        return fn(*args)
    except err as e:
        _one_line(e)
        return None


@FUZZ
@given(st.binary(max_size=2048), st.sampled_from([".csv", ".tsv", ".jsonl", ".parquet", ".json"]))
def test_any_bytes_give_a_table_or_a_one_line_input_error(data, suffix):
    df = _read_or_refuse(read_table, _write(suffix, data), err=InputError)
    if df is not None:
        assert len(df) > 0 and df.shape[1] > 0
        assert all(isinstance(c, str) and c for c in df.columns)


@FUZZ
@given(st.text(CSV_ALPHABET, max_size=600), ENCODINGS)
def test_csv_like_text_in_any_encoding_gives_a_table_or_a_one_line_input_error(text, encoding):
    try:
        data = text.encode(encoding)
    except UnicodeEncodeError:
        data = text.encode("utf-8")
    df = _read_or_refuse(read_table, _write(".csv", data), err=InputError)
    if df is not None:
        assert len(df.columns) == len(set(df.columns))


@FUZZ
@given(st.lists(st.lists(st.text(st.characters(blacklist_categories=["Cs"]), max_size=12), min_size=1, max_size=5), min_size=2, max_size=12), st.sampled_from([",", ";", "\t", "|"]))
def test_well_formed_csv_is_read_back_cell_for_cell(rows, sep):
    """Any table written by Python's csv module (quoting what needs it) reads back the same
    strings, or is refused in one line (e.g. empty or duplicate header names)."""
    import csv
    import io

    width = len(rows[0])
    rows = [r[:width] + [""] * (width - len(r)) for r in rows]
    buf = io.StringIO()
    csv.writer(buf, delimiter=sep, quoting=csv.QUOTE_ALL, lineterminator="\n").writerows(rows)
    from privsynth.io import ReadOptions

    try:
        df = read_table(_write(".csv", buf.getvalue().encode("utf-8")), infer=False, options=ReadOptions(delimiter=sep))
    except InputError as e:
        _one_line(e)
        return
    body = [r for r in rows[1:] if not (len(r) == 1 and not r[0].strip())]
    got = df.fillna("").astype(str).values.tolist()
    assert [c for c in df.columns] == [h.strip() for h in rows[0]]
    assert got == [[v for v in r] for r in body if any(True for _ in r)][: len(got)]
    assert len(got) == len(body)


@FUZZ
@given(st.binary(max_size=1024), st.sampled_from([".txt", ".jsonl"]))
def test_any_bytes_give_text_documents_or_a_one_line_input_error(data, suffix):
    _read_or_refuse(read_text_documents, _write(suffix, data), "text", None, err=InputError)


# --------------------------------------------------------------------------- policies

POLICY_KEYS = ["name", "extends", "scan", "columns", "transform", "synthesize", "evaluate", "gate", "sources", "thresholds",
               "operator", "k_min", "mia_auc_max", "default_operators", "direct_identifier", "model", "seed", "params", "category"]
SCALARS = st.one_of(st.none(), st.booleans(), st.integers(-10, 10**6), st.floats(allow_nan=True), st.text(max_size=12),
                    st.sampled_from(["internal-ci", "rot13", "drop", "public-release", "../x.yaml", "gaussian_copula"]))
YAML_TREES = st.recursive(SCALARS, lambda kids: st.one_of(st.lists(kids, max_size=4), st.dictionaries(st.sampled_from(POLICY_KEYS) | st.text(max_size=8), kids, max_size=5)), max_leaves=25)


@FUZZ
@given(YAML_TREES)
def test_any_yaml_tree_gives_a_policy_or_a_one_line_policy_error(tree):
    from privsynth.policy import load_policy

    _read_or_refuse(load_policy, str(_write(".yaml", yaml.safe_dump(tree, allow_unicode=True).encode("utf-8"))), err=PolicyError)


@FUZZ
@given(st.binary(max_size=1024))
def test_any_bytes_as_a_policy_give_a_policy_or_a_one_line_policy_error(data):
    from privsynth.policy import load_policy

    _read_or_refuse(load_policy, str(_write(".yaml", data)), err=PolicyError)


# --------------------------------------------------------------------------- evidence

JSON_TREES = st.recursive(st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False), st.text(max_size=10)),
                          lambda kids: st.one_of(st.lists(kids, max_size=4), st.dictionaries(st.text(max_size=10), kids, max_size=5)), max_leaves=30)


@pytest.fixture(scope="module")
def evidence_doc() -> dict:
    import report_evidence as R

    return json.loads(json.dumps(R.finalize(R.synthesis_evidence()).model_dump(mode="json")))


def _paths(doc, prefix=()):
    yield prefix
    if isinstance(doc, dict):
        for k, v in doc.items():
            yield from _paths(v, prefix + (k,))
    elif isinstance(doc, list):
        for i, v in enumerate(doc):
            yield from _paths(v, prefix + (i,))


@FUZZ
@given(JSON_TREES)
def test_any_json_gives_evidence_or_a_one_line_input_error(tree):
    from privsynth.report import load_evidence

    _read_or_refuse(load_evidence, _write(".json", json.dumps(tree).encode()), err=PrivsynthError)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture], derandomize=True)
@given(st.data())
def test_valid_evidence_with_one_value_replaced_gives_evidence_or_a_one_line_error(evidence_doc, data):
    """Mutations of a real evidence document: one node anywhere replaced by any JSON value."""
    import copy

    from privsynth.report import load_evidence

    doc = copy.deepcopy(evidence_doc)
    paths = [p for p in _paths(doc) if p]
    path = data.draw(st.sampled_from(paths))
    node = doc
    for k in path[:-1]:
        node = node[k]
    node[path[-1]] = data.draw(JSON_TREES)
    _read_or_refuse(load_evidence, _write(".json", json.dumps(doc).encode()), err=PrivsynthError)


@FUZZ
@given(st.binary(max_size=256))
def test_any_bytes_as_a_key_file_give_a_key_or_a_one_line_key_error(data):
    from privsynth.transform.keys import load_key

    key = _read_or_refuse(load_key, _write(".key", data), err=KeyMaterialError)
    assert key is None or len(key) >= 16
