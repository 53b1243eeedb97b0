"""Execution of the detect stage (issue 14, throughput): what the speed work may change (imports,
models read once, recognizers built without a spaCy pipeline) and what it must not (the answers)."""

import json
import subprocess
import sys

import pytest
from _ner_sentences import ner_sentences

from privsynth.policy.models import PatternSpec, Policy, RecognizerSpec

_CHILD = """
import json, sys
from privsynth.detect import analyze_texts, scan_table
import pandas as pd
spans = analyze_texts(["Call Anna Berg on +44 20 7946 0958 in Leeds.", "mail anna.berg@example.org"])
scan = scan_table(pd.DataFrame({"email": ["anna.berg@example.org", "tom.li@example.com"] * 20,
                                "note": ["Anna Berg called about her invoice twice this week."] * 40}))
hidden = "torch" in sys.modules
cli_loaded = "spacy.cli" in sys.modules
import spacy, spacy.cli  # the stand-in is gone: spaCy's command-line package imports as usual
cli_works = callable(spacy.cli.download) and callable(spacy.info)
import torch  # the hiding is over: SDV's import of torch still works
print(json.dumps({"torch_imported_by_detection": hidden, "torch_works": bool(torch.zeros(1).shape[0] == 1),
                  "spacy_cli_imported_by_detection": cli_loaded, "spacy_cli_works": cli_works,
                  "types": [[s.entity_type for s in d] for d in spans], "email": scan.columns[0].category}))
"""


def _child(env_extra=None):
    import os

    env = dict(os.environ, **(env_extra or {}))
    out = subprocess.run([sys.executable, "-c", _CHILD], capture_output=True, text=True, env=env, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def test_text_and_column_detection_run_without_importing_torch_and_torch_still_imports_afterwards():
    pytest.importorskip("torch")
    got = _child()
    assert got["torch_imported_by_detection"] is False
    assert got["torch_works"] is True
    assert got["types"] == [["PERSON", "PHONE_NUMBER", "LOCATION"], ["EMAIL_ADDRESS"]]
    assert got["email"] == "direct_identifier"


def test_text_detection_does_not_import_spacys_command_line_package_and_it_still_imports_afterwards():
    got = _child()
    assert got["spacy_cli_imported_by_detection"] is False
    assert got["spacy_cli_works"] is True


def test_privsynth_torch_1_keeps_torch_importable_by_spacy_and_presidio():
    pytest.importorskip("torch")
    got = _child({"PRIVSYNTH_TORCH": "1"})
    assert got["torch_imported_by_detection"] is True
    assert got["types"] == [["PERSON", "PHONE_NUMBER", "LOCATION"], ["EMAIL_ADDRESS"]]


@pytest.mark.parametrize("policy", [None, Policy(scan={"recognizers": [RecognizerSpec(
    name="member", entity_type="MEMBER_ID", category="direct_identifier", patterns=[PatternSpec(regex=r"\bMB-\d{6}\b", score=0.9)])]})],
    ids=["default", "with a policy recognizer"])
def test_cell_recognizers_are_the_analyzers_recognizers(policy):
    from presidio_analyzer.predefined_recognizers import SpacyRecognizer

    from privsynth.detect.engine import build_analyzer, pattern_recognizers

    cells = pattern_recognizers(policy)
    full = [r for r in build_analyzer(policy).registry.recognizers
            if not isinstance(r, SpacyRecognizer) and r.name not in ("PhoneRecognizer", "PhoneNumbersIntl")]
    assert [(r.name, type(r).__name__, r.supported_entities) for r in cells[:-1]] == \
           [(r.name, type(r).__name__, r.supported_entities) for r in full]
    assert cells[-1].name == "PhoneCell"


@pytest.mark.parametrize("text", ["Bonjour, je voudrais un rendez-vous demain matin.", "Hallo, wie geht es dir heute?",
                                  "No issues reported. Customer happy with the delivery.", "x", ""])
def test_the_shared_language_model_answers_as_py3langid_classify(text):
    import py3langid

    from privsynth.detect.language import classify_any_language

    assert classify_any_language(text) == py3langid.classify(text)


def test_repeated_cell_values_count_once_per_row_in_pattern_evidence():
    from privsynth.detect.columns import pattern_evidence
    from privsynth.detect.engine import pattern_recognizers

    recs = pattern_recognizers(None)
    values = ["anna.berg@example.org", "no mail", "tom.li@example.com"] * 70 + ["anna.berg@example.org"] * 10
    full, by_rec, partial, n = pattern_evidence(values, recs)
    assert n == 220 and full["EMAIL_ADDRESS"] == 150
    assert by_rec["EmailRecognizer:EMAIL_ADDRESS"] == 150


# texts that make every kind of recognizer fire (and some that make none fire)
_RECOGNIZER_TEXTS = [
    "Card 4111 1111 1111 1111 and 4111-1111-1111-1111, SSN 078-05-1120, ITIN 912-70-1234, NHS 943 476 5919.",
    "Visit https://www.example.com/a?b=1 or example.org, mail anna.berg@example.org; IP 192.168.0.1 and ::1, 2001:db8::ff00:42:8329.",
    "IBAN DE89 3704 0044 0532 0130 00, GB82WEST12345698765432; BSN 111222333, DNI 12345678Z, NIE X1234567L, NIR 1 84 12 76 451 089 46.",
    "Born 1982-04-04, on 12/03/1990, 3 March 2001; age 42; passport 912803456; driver licence A1234567; MAC 00:1A:2B:3C:4D:5E.",
    "Lives at 22 Talga Court, SW1A 1AA London, 75008 Paris; GPS 48.8584, 2.2945; 48°51'29.5\"N; IMEI 490154203237518.",
    "Steuer-ID 65929970489, PESEL 44051401359, personnummer 811228-9874, rijksregister 85.07.30-033.28, codice RSSMRA85T10A562S.",
    "VAT DE123456789, FR40303265045; UUID 123e4567-e89b-12d3-a456-426614174000; wallet 1BoatSLRHtKNngkdXEeobR76b53LETtpyT.",
    "no digits here at all, nor any address", "", "0", "1e+15 looks like 4.111111111111111e+15",
]


@pytest.mark.parametrize("policy", [None, Policy(scan={"recognizers": [RecognizerSpec(
    name="member", entity_type="MEMBER_ID", category="direct_identifier", patterns=[PatternSpec(regex=r"\bMB-\d{6}\b", score=0.9)],
    context=["member"])]})], ids=["default", "with a policy recognizer"])
def test_the_lean_pattern_loop_gives_what_presidios_analyze_gives_for_every_recognizer(policy):
    from privsynth.detect.engine import _pattern_results, text_recognizers

    texts = _RECOGNIZER_TEXTS + ["member MB-123456 joined"]
    recs = [r for r in text_recognizers(policy) if r._privsynth_lean]
    assert len(recs) >= 30
    fired = set()
    for r in recs:
        for t in texts:
            want = [(x.entity_type, x.start, x.end, x.score) for x in r.analyze(t, r.supported_entities, None)]
            got = [(x.entity_type, x.start, x.end, x.score) for x in _pattern_results(r, t)]
            assert got == want, (r.name, t)
            fired |= {r.name} if want else set()
    assert len(fired) >= 20  # the table above does exercise most recognizers


@pytest.mark.parametrize("pattern, fewest", [
    (r"\d{3}-\d{2}-\d{4}", 9), (r"[2-6]\d{3}", 4), (r"a|\d", 0), (r"(?:\d{2}){3}", 6), (r"[^\d]{3}", 0),
    (r"\d?", 0), (r"\d+x|\d{4}", 1), (r"[0-9a-f]{4}", 0), (r"(?=\d{5})\w+", 0), (r"(\d)\1", 1), (r"\b19\d\d\b", 4),
    (r"\d{2,}?[ -]\d*", 2), (r"(?:ab|cd)", 0),
])
def test_min_digits_counts_the_digits_every_match_must_hold(pattern, fewest):
    from privsynth.detect.engine import min_digits

    assert min_digits(pattern) == fewest


def test_no_recognizer_match_holds_fewer_digits_than_its_min_digits():
    import re

    from privsynth.detect.engine import text_recognizers

    for r in text_recognizers(None):
        for p in getattr(r, "patterns", None) or ():
            rx = re.compile(p.regex, r.global_regex_flags & 0xFF)
            for t in _RECOGNIZER_TEXTS:
                for m in rx.finditer(t):
                    assert sum(map(str.isdigit, m.group(0))) >= r._privsynth_min_digits, (r.name, m.group(0))
        assert r._privsynth_min_digits == 0 or r._privsynth_gate is not None


def test_presidios_recognizer_configuration_reads_the_same_with_libyaml():
    import os

    import presidio_analyzer
    import yaml

    from privsynth.detect.engine import _libyaml_safe_load

    conf = os.path.join(os.path.dirname(presidio_analyzer.__file__), "conf", "default_recognizers.yaml")
    with open(conf, encoding="utf-8") as f:
        plain = yaml.safe_load(f)
    with _libyaml_safe_load(), open(conf, encoding="utf-8") as f:
        fast = yaml.safe_load(f)
    assert fast == plain and len(plain["recognizers"]) > 20
    assert yaml.safe_load is not None and yaml.safe_load.__module__ == "yaml"  # restored




def test_ner_docs_gives_the_entities_and_token_tags_of_spacys_own_pipe():
    from privsynth.detect.engine import DEFAULT_MODEL, _greedy_ner, ner_docs, spacy_ner

    nlp = spacy_ner(DEFAULT_MODEL)
    assert _greedy_ner(nlp) is not None  # the stepped loop is the one under test, not the fallback
    texts = ner_sentences()

    def tags(docs):
        return [[(t.idx, t.text, t.ent_iob_, t.ent_type_) for t in d] for d in docs]

    for batch_size in (256, 7):
        want = list(nlp.pipe(texts, batch_size=batch_size))
        got = list(ner_docs(nlp, iter(texts), batch_size))
        assert [d.text for d in got] == texts
        assert tags(got) == tags(want)
        assert sum(len(d.ents) for d in got) > 300


def test_ner_docs_falls_back_to_spacys_pipe_when_asked(monkeypatch):
    from privsynth.detect.engine import DEFAULT_MODEL, _greedy_ner, spacy_ner

    monkeypatch.setenv("PRIVSYNTH_SPACY_NER_LOOP", "spacy")
    assert _greedy_ner(spacy_ner(DEFAULT_MODEL)) is None


@pytest.mark.parametrize("start, enabled, inside", [
    ((700, 10, 10), True, (50_000, 10, 10)),      # the default: raised for the block
    ((100_000, 10, 10), True, (100_000, 10, 10)),  # already less eager: left alone
    ((700, 10, 10), False, (700, 10, 10)),         # collector off: left alone
])
def test_fewer_gc_passes_raises_the_young_threshold_only_inside_the_block(start, enabled, inside):
    import gc

    from privsynth.detect.text import fewer_gc_passes

    saved, was_enabled = gc.get_threshold(), gc.isenabled()
    try:
        gc.set_threshold(*start)
        (gc.enable if enabled else gc.disable)()
        with fewer_gc_passes():
            assert gc.get_threshold() == inside
        assert gc.get_threshold() == start
    finally:
        gc.set_threshold(*saved)
        (gc.enable if was_enabled else gc.disable)()


def test_analyze_texts_restores_the_garbage_collectors_threshold():
    import gc

    from privsynth.detect import analyze_texts

    before = gc.get_threshold()
    assert [s.entity_type for s in analyze_texts(["Call Anna Berg on +44 20 7946 0958."])[0]] == ["PERSON", "PHONE_NUMBER"]
    assert gc.get_threshold() == before


@pytest.mark.parametrize("pattern, required", [
    (r"(?i)(?:https?://)example", ("://",)), (r"\d{3}-\d{2}-\d{4}", ("-",)), (r"[\w.]+[@]\w+\.\w+", ("@", ".")),
    (r"a|b", ()), (r"(?:x-)?y", ()), (r"\b(\d{4}/(?:1|2))\b", ("/",)), (r"(ab)+::", ("::",)), (r"x(?=-)", ()),
    (r"\b9\d{2}[- ]", ("9",)), (r"(?<=\bage )\d", ()), (r"[-.]\d", ()), (r"A\b-", ("-",)),
])
def test_required_literals_are_the_caseless_strings_every_match_holds(pattern, required):
    from privsynth.detect.engine import required_literals

    assert required_literals(pattern) == required


def test_every_recognizer_match_holds_its_patterns_required_literals():
    import re

    from privsynth.detect.engine import required_literals, text_recognizers

    seen = 0
    for r in text_recognizers(None):
        for p in getattr(r, "patterns", None) or ():
            req = required_literals(p.regex, r.global_regex_flags & ~re.IGNORECASE & 0xFF)
            rx = re.compile(p.regex, r.global_regex_flags & 0xFF) if req else None
            for t in _RECOGNIZER_TEXTS if rx is not None else ():
                for m in rx.finditer(t):
                    assert all(x in m.group(0) for x in req), (r.name, p.name, m.group(0))
                    seen += 1
    assert seen >= 20


@pytest.mark.parametrize("pattern, strings", [
    (r"(?:road|lane)\.?", {"road", "lane"}), (r"(?:street|st)\.?", {"st"}), (r"\d{1,3}(?=\s*years)", {"years"}), (r"\d+", None), (r"a|\d", None),
    (r"(?<=\bage )\d{1,3}", {"age "}), (r"(?i:\b\w*(?:weg|Gasse))\s+\d", {"weg", "gasse"}), (r"Straße\b 5", {"strasse 5"}),
    (r"x(?:ab|cd)+y", {"ab", "cd"}), (r"(?:Mr|Dr)?\s[A-Z]", None), (r"\bDOB:\s*\d", {"dob:"}),
])
def test_necessary_strings_are_the_case_folded_strings_one_of_which_every_match_holds(pattern, strings):
    from privsynth.detect.engine import necessary_strings

    assert necessary_strings(pattern) == (frozenset(strings) if strings is not None else None)


def _gated_patterns():
    """(recognizer, pattern, its keywords) for every text recognizer pattern that has keywords."""
    from privsynth.detect.engine import _GATE_FLAGS, necessary_strings, text_recognizers

    out = []
    for r in text_recognizers(None):
        for p in getattr(r, "patterns", None) or ():
            kws = necessary_strings(p.regex, _GATE_FLAGS)
            if kws:
                out.append((r, p, kws))
    return out


def test_every_recognizer_match_is_in_a_text_holding_one_of_its_patterns_keywords():
    import regex

    seen = 0
    for r, p, kws in _gated_patterns():
        rx = regex.compile(p.regex, flags=r.global_regex_flags)
        for t in _RECOGNIZER_TEXTS + [t.upper() for t in _RECOGNIZER_TEXTS]:
            if rx.search(t):
                assert any(k in t.casefold() for k in kws), (r.name, p.name, t)
                seen += 1
    assert seen >= 40


def test_case_insensitive_matching_pairs_only_characters_with_equal_case_folds():
    """Every code point that `re` or the `regex` module (Presidio's engine) matches, case-insensitively,
    to a character `necessary_strings` may read (below FOLD_VERIFIED_BELOW) has that character's
    `fold_case`: so a keyword a case-insensitive regex finds is in the case-folded text."""
    import re
    import sys
    import unicodedata

    import regex

    from privsynth.detect.engine import FOLD_VERIFIED_BELOW, fold_case

    read = [chr(i) for i in range(FOLD_VERIFIED_BELOW) if not unicodedata.category(chr(i)).startswith("C")]
    every = "".join(chr(i) for i in range(sys.maxunicode + 1) if not 0xD800 <= i <= 0xDFFF)
    checked = 0
    for engine in (re, regex):
        others: dict[str, object] = {}  # fold -> the read characters with another fold, as one class
        for m in engine.finditer("[" + "".join(map(engine.escape, read)) + "]", every, engine.IGNORECASE):
            f = fold_case(m.group(0))
            if f not in others:
                others[f] = engine.compile("[" + "".join(engine.escape(c) for c in read if fold_case(c) != f) + "]", engine.IGNORECASE)
            assert not others[f].fullmatch(m.group(0)), (engine.__name__, m.group(0), hex(ord(m.group(0))))
            checked += 1
    assert checked > 2 * len(read)


def _texts_around(pattern: str):
    from hypothesis import strategies as st

    pieces = st.text(alphabet=st.sampled_from(list(" ,.:;-/()@#\n\tabcxyzABCXYZ0123456789éßİſK")), max_size=12)
    return st.tuples(pieces, st.from_regex(pattern), pieces).map("".join)


def test_the_regex_gates_never_skip_a_recognizer_that_would_report_something():
    """Property (hypothesis): texts made of each pattern's own matches (`from_regex`) between
    random pieces give the same results with the gates (`_pattern_gate`: keywords, unions) as
    without them, for every text recognizer; and `_pattern_results` (with its literal and keyword
    skips) gives what Presidio's `analyze` gives."""
    import re

    from hypothesis import HealthCheck, given, settings
    from hypothesis import strategies as st

    from privsynth.detect.engine import _pattern_results, run_recognizers, text_recognizers

    recs = [r for r in text_recognizers(None) if r._privsynth_gate is not None]
    assert len(recs) >= 30

    def spans(rs, t, **kw):
        return [(x.entity_type, x.start, x.end, x.score) for x in run_recognizers(rs, t, **kw)]

    for r in recs:
        for p in r.patterns:
            @settings(max_examples=25, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck))
            @given(st.one_of(_texts_around(re.compile(p.regex, r.global_regex_flags & 0xFF)),
                             _texts_around(re.compile(p.regex, r.global_regex_flags & 0xFF)).map(str.upper)))
            def same(t):
                assert spans([r], t) == spans([r], t, gates=False), (r.name, p.name, t)
                if r._privsynth_lean:  # the lean loop's literal and keyword skips: what Presidio gives
                    want = [(x.entity_type, x.start, x.end, x.score) for x in r.analyze(t, r.supported_entities, None)]
                    assert [(x.entity_type, x.start, x.end, x.score) for x in _pattern_results(r, t)] == want, (r.name, t)
                assert spans(recs, t, identifiers_only=True) == spans(recs, t, identifiers_only=True, gates=False)

            same()


def test_the_street_rules_keywords_never_skip_a_rule_that_would_match():
    """Property (hypothesis): wherever a street rule of `addresses` matches (texts made of its own
    matches between random pieces, in their casing and upper case), the case-folded text holds
    one of the rule's street words (`rule_keywords`), so `find_addresses` skips no rule that matches."""
    from hypothesis import HealthCheck, given, settings
    from hypothesis import strategies as st

    from privsynth.detect import addresses
    from privsynth.detect.engine import fold_case

    kept = [(rx, kws) for rx, kws in zip(addresses._rules(), addresses.rule_keywords()) if kws]
    assert len(kept) == 3
    for rx, kws in kept:
        @settings(max_examples=60, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck))
        @given(st.one_of(_texts_around(rx), _texts_around(rx).map(str.upper)))
        def holds(t):
            if rx.search(t):
                assert any(k in fold_case(t) for k in kws), (rx.pattern[:40], t)

        holds()


@pytest.mark.parametrize("keywords, text, found", [
    ({"weg", "strasse"}, "hauptstrasse 5", True), ({"weg", "strasse"}, "norwegian 5", True), ({"weg", "strasse"}, "str. 5", False),
    ({":"}, "ip ::1", True), ({"aged ", "age of "}, "at the age of 7", True), ({"aged ", "age of "}, "aged7", False), ({"x"}, "", False),
    ({"mañana"}, "hasta mañana 🙂", True),
])
def test_keyword_search_tells_whether_the_text_holds_one_of_the_keywords(keywords, text, found):
    from privsynth.detect.engine import keyword_search

    assert keyword_search(frozenset(keywords))(text) is found


def test_a_uk_address_block_is_only_found_in_a_text_holding_a_uk_postcode():
    """Property (hypothesis): `find_addresses` looks for UK address blocks only where the postcode
    every block ends in is found."""
    from hypothesis import HealthCheck, given, settings

    from privsynth.detect import addresses

    @settings(max_examples=80, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck))
    @given(_texts_around(addresses._UK_BLOCK))
    def holds(t):
        if addresses._UK_BLOCK.search(t):
            assert addresses._UK_POSTCODE_RX.search(t), t

    holds()
    assert [a[2] for a in addresses.find_addresses("Flat 29b, Janet Circle, North Dawn, BA3V 3FG", "de")] == ["STREET_ADDRESS"]
