"""Speed changes in `privsynth.detect.phones` that must not change a detection (issue 14): the parses
the region loop skips (`_nsns`: a region where the number cannot be possible, or can no longer raise
the score), the numbers it builds instead of parsing (`_unchanged`: digits `parse` would keep as they
are) and the matcher read for its first match only (`_grouped_as_in`). Each test compares the
fast path with the straightforward one (every region parsed, every match read), not a time."""

from __future__ import annotations

import phonenumbers as pn
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from privsynth.detect import phones
from privsynth.detect.phones import (ALL_REGIONS, REGIONS, _grouped_as_in, _may_be_possible, _may_be_valid, _nsns, _parsed_score,
                                     _unchanged)

ALL = sorted(set(ALL_REGIONS).union(*REGIONS.values()))

# how numbers are written in the texts: national prefixes, country codes without `+`, IDD prefixes
# (00, 011, AU's 0011), carrier and trunk prefixes, then groups of digits with the usual separators
LEADS = ["", "0", "1", "00", "011", "0011", "1831", "180020", "15", "44", "49", "33", "353", "61", "41", "32",
         "31", "39", "34", "43", "352", "52", "1 800", "0044", "01"]
SEPARATORS = [" ", "-", ".", "/", " - ", ""]


@st.composite
def written_numbers(draw) -> str:
    groups = draw(st.lists(st.text(alphabet="0123456789", min_size=1, max_size=5), min_size=1, max_size=6))
    sep = draw(st.sampled_from(SEPARATORS))
    lead = draw(st.sampled_from(LEADS))
    body = sep.join(groups)
    if draw(st.booleans()) and len(groups) > 1:
        body = f"({groups[0]}) " + sep.join(groups[1:])  # an area code in brackets
    return f"{lead} {body}" if lead and draw(st.booleans()) else lead + body


def _all_region_score(cand: str, typed: str, lang: str) -> float:
    regions = REGIONS[lang] + tuple(r for r in ALL_REGIONS if r not in REGIONS[lang])
    return _parsed_score(pn, cand, typed, regions, len(REGIONS[lang]), shortcut=False)


@settings(max_examples=300, deadline=None)
@given(written_numbers(), st.sampled_from(sorted(REGIONS)))
def test_the_region_loop_with_skipped_parses_scores_as_the_loop_over_every_region(cand, lang):
    regions = REGIONS[lang] + tuple(r for r in ALL_REGIONS if r not in REGIONS[lang])
    fast = _parsed_score(pn, cand, cand.strip(), regions, len(REGIONS[lang]))
    assert fast == _all_region_score(cand, cand.strip(), lang)


@settings(max_examples=400, deadline=None)
@given(written_numbers(), st.sampled_from(ALL))
def test_a_region_ruled_out_by_the_metadata_gives_no_possible_or_valid_number(cand, region):
    digits = "".join(ch for ch in cand if ch.isdigit())
    known = _nsns(pn, digits, region)
    try:
        num = pn.parse(cand, region)
    except pn.NumberParseException:
        return
    if known is None:
        return
    nsn = pn.national_significant_number(num)
    assert nsn in known[0]
    if not _may_be_possible(*known):
        assert not pn.is_possible_number(num) and not pn.is_valid_number(num)
    if not _may_be_valid(*known):
        assert not pn.is_valid_number(num)


@settings(max_examples=400, deadline=None)
@given(written_numbers(), st.sampled_from(ALL))
def test_a_number_built_from_digits_parse_keeps_equals_the_parsed_number(cand, region):
    digits = "".join(ch for ch in cand if ch.isdigit())
    known = _nsns(pn, digits, region)
    if known is None or known[0] != {digits}:
        return
    built = _unchanged(pn, digits, known[1], cand)
    if built is None:
        assert not 3 <= len(digits) <= 17  # left to parse: never a candidate of find_phones (7-15 digits)
        return
    parsed = pn.parse(cand, region)
    assert built == parsed
    assert pn.national_significant_number(built) == digits == pn.national_significant_number(parsed)


@pytest.mark.parametrize("cand, region", [
    ("030 1234 5678", "ES"),     # ES has no national prefix: the 0 stays, one leading zero
    ("0012 345 678", "US"),      # two leading zeros kept by number_of_leading_zeros (US dials out with 011)
    ("000 000 0001", "US"),
    ("0 00", "US"),              # all zeros: the last one is the number
    ("(555) 123-4567", "GB"),
])
def test_leading_zeros_are_recorded_as_parse_records_them(cand, region):
    digits = "".join(ch for ch in cand if ch.isdigit())
    known = _nsns(pn, digits, region)
    assert known is not None and known[0] == {digits}
    assert _unchanged(pn, digits, known[1], cand) == pn.parse(cand, region)


def test_a_tab_or_too_many_digits_is_left_to_parse():
    known = _nsns(pn, "5551234567", "GB")
    assert _unchanged(pn, "5551234567", known[1], "555\t123 4567") is None
    assert _unchanged(pn, "5" * 18, known[1], "5" * 18) is None
    assert _unchanged(pn, "55", known[1], "5 5") is None  # two separated digits: parse refuses them


@pytest.mark.parametrize("cand, region, may_be_possible, may_be_valid", [
    ("(212) 555-0142", "US", True, True),       # valid where written
    ("0176 12345678", "FR", False, False),      # 11 digits, FR numbers have 9 after the 0
    ("030 1234 5678", "DE", True, True),
    ("020 7946 0958", "ES", False, False),      # ES has no national prefix: 11 digits, never 9
    ("732 829 320 00074", "CH", False, False),  # 14 digits: no Swiss length
    ("(055) 123-4567", "US", True, False),      # 10 digits, but no NANPA area code starts with 0
])
def test_when_the_metadata_rules_a_region_out_then_parse_agrees(cand, region, may_be_possible, may_be_valid):
    digits = "".join(ch for ch in cand if ch.isdigit())
    known = _nsns(pn, digits, region)
    assert known is not None
    assert (_may_be_possible(*known), _may_be_valid(*known)) == (may_be_possible, may_be_valid)
    num = pn.parse(cand, region)
    if not may_be_possible:
        assert not pn.is_possible_number(num)
    if not may_be_valid:
        assert not pn.is_valid_number(num)


def test_an_idd_prefix_or_a_plus_leaves_the_region_to_parse():
    assert _nsns(pn, "011442079460958", "US") is None  # 011 is the US international prefix
    assert _parsed_score(pn, "+44 20 7946 0958", "+44 20 7946 0958", ("US",), 1) == phones.VALID_SCORE


def test_the_shortcut_skips_parses_on_a_number_foreign_to_most_regions(monkeypatch):
    regions = REGIONS["en"] + tuple(r for r in ALL_REGIONS if r not in REGIONS["en"])
    counts = []
    for shortcut in (True, False):
        calls = []
        real = phones._parse
        monkeypatch.setattr(phones, "_parse", lambda p, c, r: calls.append(r) or real(p, c, r))
        score = _parsed_score(pn, "06 12 34 56 78", "06 12 34 56 78", regions, 5, shortcut=shortcut)
        monkeypatch.setattr(phones, "_parse", real)
        counts.append((score, len(calls)))
    (fast, n_fast), (slow, n_slow) = counts
    assert fast == slow and 0 < n_fast < n_slow


def _grouped_reference(typed: str, region: str) -> bool:
    """`_grouped_as_in` as written before: every match of the matcher read, as many tries as it likes."""
    return any(m.start == 0 and m.end == len(typed)
               for m in pn.PhoneNumberMatcher(typed, region, leniency=pn.Leniency.STRICT_GROUPING))


@settings(max_examples=300, deadline=None)
@given(written_numbers(), st.sampled_from(ALL))
def test_the_first_match_with_one_try_tells_the_grouping_as_every_match_does(typed, region):
    typed = typed.strip()
    assert _grouped_as_in(pn, typed, region) == _grouped_reference(typed, region)


@pytest.mark.parametrize("typed, region, grouped", [
    ("030 1234 5678", "DE", True),
    ("732 829 320 00074", "FR", False),
    ("0176 12345678 / 0176 12345679", "DE", False),  # a second number after the first
])
def test_grouping_examples_match_the_reference(typed, region, grouped):
    assert _grouped_as_in(pn, typed, region) is grouped
    assert _grouped_reference(typed, region) is grouped
