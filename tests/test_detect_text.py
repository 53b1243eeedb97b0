"""Spans in free text with the full offline engine."""

import pytest

from privsynth.detect import analyze_texts, build_analyzer, scan_texts
from privsynth.policy.models import PatternSpec, Policy, RecognizerSpec


@pytest.fixture(scope="module")
def analyzer():
    return build_analyzer(Policy())


def _found(text, spans):
    return {(text[s.start:s.end], s.entity_type) for s in spans}


@pytest.mark.parametrize("text,piece,entity", [
    ("Please write to anna.berg@example.org today.", "anna.berg@example.org", "EMAIL_ADDRESS"),
    ("Transfer to GB82 WEST 1234 5698 7654 32 by Friday.", "GB82 WEST 1234 5698 7654 32", "IBAN_CODE"),
    ("Her NHS number is 943 476 5919.", "943 476 5919", "UK_NHS"),
    ("Codice fiscale RSSMRA85T10A562S allegato.", "RSSMRA85T10A562S", "IT_FISCAL_CODE"),
    ("Call me on +44 20 7946 0958 after six.", "+44 20 7946 0958", "PHONE_NUMBER"),
    ("The server at 192.168.10.1 logged the request.", "192.168.10.1", "IP_ADDRESS"),
    ("Device MAC 00:1A:2B:3C:4D:5E was blocked.", "00:1A:2B:3C:4D:5E", "MAC_ADDRESS"),
    ("Please update my address to 24 Clarke Avenue, Springfield.", "24 Clarke Avenue, Springfield", "STREET_ADDRESS"),
    ("Mr. Ferko Takáts asked for a refund.", "Ferko Takáts", "PERSON"),
    ("She was born on 11/22/2000 in Oslo.", "11/22/2000", "DATE_OF_BIRTH"),
    ("Geburtsdatum: 03.04.1981", "03.04.1981", "DATE_OF_BIRTH"),
    ("The meeting is on 11/22/2024.", "11/22/2024", "DATE_TIME"),
    ("He is 37 years old.", "37", "AGE"),
])
def test_identifiers_in_sentences_are_found_with_their_type(analyzer, text, piece, entity):
    spans = analyze_texts([text])[0]
    assert (piece, entity) in _found(text, spans)


def test_checksum_failures_are_not_reported(analyzer):
    text = "Reference 943 476 5918 and RSSMRA85T10A562T."
    types = {s.entity_type for s in analyze_texts([text])[0]}
    assert "UK_NHS" not in types and "IT_FISCAL_CODE" not in types


def test_empty_none_and_plain_texts_give_no_spans(analyzer):
    out = analyze_texts(["", "   ", None, "The weather was mild and nothing happened."])
    assert out[:3] == [[], [], []]
    assert all(s.entity_type != "PERSON" for s in out[3])


def test_spans_do_not_overlap_and_are_sorted(analyzer):
    text = "John Smith (john.smith@example.com, +1 212-555-0187) lives at 350 Fifth Avenue, New York."
    spans = analyze_texts([text])[0]
    for a, b in zip(spans, spans[1:]):
        assert a.end <= b.start


def test_long_texts_are_analysed_in_windows_with_correct_offsets(analyzer):
    from privsynth.detect import text as textmod

    filler = "lorem ipsum " * 10
    text = filler + "Contact: anna.berg@example.org. " + filler
    old = textmod.MAX_CHARS
    textmod.MAX_CHARS = 64
    try:
        spans = analyze_texts([text])[0]
    finally:
        textmod.MAX_CHARS = old
    # a window may cut the address; whatever is found must point at the right characters
    for s in spans:
        if s.entity_type == "EMAIL_ADDRESS":
            assert "@" in text[s.start:s.end]


def test_scan_texts_keeps_ids_and_has_the_public_shape(analyzer):
    res = scan_texts(["Mail bob@example.com", "nothing here"], ["a-1", 7], Policy())
    dumped = res.model_dump(mode="json")
    assert [d["id"] for d in dumped["documents"]] == ["a-1", 7]
    assert set(dumped["documents"][0]["spans"][0]) == {"start", "end", "entity_type", "score"}


def test_policy_recognizer_adds_a_custom_entity_to_text(analyzer):
    pol = Policy(scan={"recognizers": [RecognizerSpec(name="ticket", entity_type="TICKET_ID",
                                                       patterns=[PatternSpec(regex=r"\bTK-\d{6}\b", score=0.7)])]})
    spans = analyze_texts(["Your ticket TK-123456 is open."], pol)[0]
    assert ("TK-123456", "TICKET_ID") in _found("Your ticket TK-123456 is open.", spans)


def test_analyzer_is_cached_per_recognizer_configuration():
    assert build_analyzer(Policy()) is build_analyzer(Policy())
    pol = Policy(scan={"recognizers": [RecognizerSpec(name="t", entity_type="T_ID", patterns=[PatternSpec(regex=r"\bT\d{5}\b")])]})
    assert build_analyzer(pol) is not build_analyzer(Policy())


def test_email_detection_does_not_touch_the_network_or_cache(analyzer):
    import tldextract.tldextract as tx

    assert tx.TLD_EXTRACTOR.suffix_list_urls == () and tx.TLD_EXTRACTOR._cache.enabled is False
    spans = analyze_texts(["write to x@example.co.uk"])[0]
    assert spans and spans[0].entity_type == "EMAIL_ADDRESS"


def test_cli_scans_jsonl_and_txt_documents_into_the_public_shape(tmp_path, analyzer):
    import json

    from click.testing import CliRunner

    from privsynth.cli import cli

    f = tmp_path / "notes.jsonl"
    f.write_text('{"id": "n1", "text": "Mail anna.berg@example.org"}\n{"id": "n2", "text": "All quiet."}\n', encoding="utf-8")
    res = CliRunner().invoke(cli, ["scan", str(f), "--text-field", "text", "--id-field", "id", "--format", "json"])
    assert res.exit_code == 0, res.output
    docs = json.loads(res.stdout)["documents"]
    assert [d["id"] for d in docs] == ["n1", "n2"]
    assert docs[0]["spans"][0]["entity_type"] == "EMAIL_ADDRESS" and docs[1]["spans"] == []
    t = tmp_path / "notes.txt"
    t.write_text("call +44 20 7946 0958\nnothing\n", encoding="utf-8")
    res = CliRunner().invoke(cli, ["scan", str(t), "--format", "json"])
    assert res.exit_code == 0 and json.loads(res.stdout)["documents"][0]["spans"][0]["entity_type"] == "PHONE_NUMBER"


def test_a_missing_spacy_model_is_a_one_line_error_not_a_download():
    from privsynth.errors import PrivsynthError

    with pytest.raises(PrivsynthError) as e:
        build_analyzer(Policy(scan={"model": "en_core_web_nonexistent"}))
    assert "not installed" in str(e.value) and "\n" not in str(e.value)
