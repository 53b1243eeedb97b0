"""`text._augment`'s cheap pre-tests (an address rule is skipped when a string each of its matches
holds is absent, or a digit when every match needs one; a capitalised word no listed place starts
with tries no place keys) only skip work that finds nothing: `_augment` with them gives what it
gives without them. Fictitious values."""

from privsynth.detect import text as T
from privsynth.detect.engine import min_digits, necessary_strings

TEXTS = [
    "Meet me at the corner of Elm Road and Birch Lane tomorrow.",
    "meet me at the corner of elm road and birch lane",
    "Ship it to Apt 4 or Apartment 12, Suite 300, Unit #7, Flat 2, Room 101, Box 55, PSC 1234, Postbox 9.",
    "ship it to apt 4, suite 300 please",
    "Mail: APO AE 09012 or FPO AP 96601; the USNS Comfort and USNV Ranger wait.",
    "Send it to 22 Talga Court, 87645 22 Talga Court or 6750 Koskikatu 25.",
    "send it to 6750 koskikatu 25 and 903 83 dora creek",
    "From New York to Paris via SAN FRANCISCO, then from MIDDLETOWN to PUCH BEI HALLEIN.",
    "Grüße aus München und Zürich, später nach Saint-Étienne.",
    "She moved from Perth to St. Louis in 2019, then to Rio de Janeiro.",
    "No digits here, nor any address at all.",
    "ÉCOLE DE PARIS in Paris, LONDON and Sydney.",
]


def _always(*_a, **_k):
    class Everything:
        def __contains__(self, _):
            return True
    return Everything()


def test_augment_prefilters_skip_only_work_that_finds_nothing(monkeypatch):
    fast = [T._augment(t, "en") for t in TEXTS]
    monkeypatch.setattr(T, "_RULE_NEEDS", {})
    monkeypatch.setattr(T, "_NO_DIGIT_RULES", tuple(T._ADDRESS_RULES + T._ADDRESS_RULES_LOWER))
    monkeypatch.setattr(T, "_place_first_words", _always)
    slow = [T._augment(t, "en") for t in TEXTS]
    assert fast == slow
    assert any(fast)  # the texts do hold places and addresses


def test_rule_needs_are_in_every_match():
    """Each match of a pre-tested rule on the texts holds one of its strings; the strings are read
    from the rules' own sources (a rule edited without its pre-test fails here)."""
    for rx, needs in T._RULE_NEEDS.items():
        assert not rx.flags & 2  # case-sensitive: the substring tests are too
        # each of the rule's own necessary strings (parse tree, case-folded) holds a pre-test string
        kws = necessary_strings(rx.pattern)
        assert kws and all(any(n.casefold().strip() in k for n in needs) for k in kws)
        assert all(n.strip() in rx.pattern for n in needs)
        for t in TEXTS:
            for m in rx.finditer(t):
                assert any(n in t[m.start():m.end() + 1] for n in needs)
    for rx in T._ADDRESS_RULES + T._ADDRESS_RULES_LOWER:
        if rx not in T._NO_DIGIT_RULES:
            assert min_digits(rx.pattern) >= 1  # read from the regex's parse tree


def test_place_first_words_are_the_first_tokens():
    places = frozenset({"New York", "Paris", "Rio de Janeiro", "St. Louis"})
    assert T._place_first_words(places) == {"New", "Paris", "Rio", "St"}


AGE_TEXTS = ["She is 42, he is 7 and she is 30 years old.", "Patient age 67, aged 8.", "Il est âgé de 80 ans, elle âgée de 79.",
             "Paciente de edad de 33 años.", "Patient im alter 50.", "This is 2024, his 3 dogs, Curtis 4.", "no digits here"]


def test_age_after_is_cue_skips_only_texts_without_matches(monkeypatch):
    import re

    fast = [T._find_rules(t) for t in AGE_TEXTS]
    monkeypatch.setattr(T, "_AGE_AFTER_IS_CUE", re.compile(""))  # matches every text
    slow = [T._find_rules(t) for t in AGE_TEXTS]
    assert fast == slow
    assert sum(1 for out in fast for a in out if a[2] == "AGE") >= 6
    # every look-behind word of _AGE_AFTER_IS is one of the cue's words
    behind = re.findall(r"\(\?<=\\b([^)]*?) \)", T._AGE_AFTER_IS.pattern)
    assert behind and all(T._AGE_AFTER_IS_CUE.search(f"{w} 5") for w in behind)


def test_min_digit_run_reads_the_run_every_match_holds():
    import re

    from privsynth.detect.engine import min_digit_run

    cases = {r"\b\d{9}\b": 9, r"\d{3}-\d{4}": 4, r"[A-Z]\d{8}|\d{9}": 8, r"\d+": 1, r"[a-z]+": 0,
             r"(?<=NIF )\d{2}\d{7}": 9, r"\d{2}(?:\s?\d{2}){3}": 2, r"[0-9]{4}[ -]?[0-9]{4}": 4}
    for pattern, want in cases.items():
        assert min_digit_run(pattern) == want, pattern
    # sound on examples: each match holds a run of that many \d characters
    for pattern, sample in [(r"\b\d{9}\b", "id 123456789 x"), (r"\d{2}(?:\s?\d{2}){3}", "06 12 34 56"),
                            (r"[0-9]{4}[ -]?[0-9]{4}", "1234-5678"), (r"(?<=NIF )\d{2}\d{7}", "NIF ١٢٣٤٥٦٧٨٩")]:
        m = re.search(pattern, sample)
        assert m and max(map(len, re.findall(r"\d+", m.group(0)))) >= min_digit_run(pattern)


def test_run_recognizers_same_with_and_without_the_digit_run_skip():
    from privsynth.detect.engine import run_recognizers, text_recognizers

    recs = text_recognizers(None)
    texts = ["SSN 123-45-6789, passport 912803456, card 4111 1111 1111 1111, BSN 111222333.",
             "PESEL 44051401359 and 4405140135 and IBAN DE89 3704 0044 0532 0130 00.",
             "Tel 06 12 34 56 78, NIR 1 84 12 76 451 089 46, NHS 943 476 5919.", "only 12 and 3 digits",
             "IMEI 49-015420-323751-8, GPS 48.8584, 2.2945, DNI 12345678Z, NIE X1234567L."]
    for t in texts:
        fast = [(x.entity_type, x.start, x.end, x.score) for x in run_recognizers(recs, t)]
        slow = [(x.entity_type, x.start, x.end, x.score) for x in run_recognizers(recs, t, gates=False)]
        assert fast == slow, t
