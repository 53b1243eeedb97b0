"""Phone numbers in free text, validated with `phonenumbers` (the library Presidio itself uses).

Candidates are runs of digits with the separators people type (space, dash, dot, slash,
brackets) and an optional `+`/`00` international prefix. Each candidate is
  * cleaned: a national trunk prefix written after the country code (`+49 (0)30 ...`,
    `0049 (0)30 ...`) is dropped before parsing, `00` becomes `+`;
  * rejected when it is a date, a year range, or sits in a code context (form, error, invoice,
    order numbers: `privsynth.detect.codes`); a grouped amount or an IPv4-shaped run of dotted
    groups is rejected unless it is a valid number of the language's main region grouped as that
    region writes it (`912.345.678`, `91.234.56.78` in Spanish text: then a phone scored 0.95, so
    it outranks DATE_TIME `10.20.42` or IP_ADDRESS on the same digits);
  * parsed with the regions of the document's language first (`REGIONS`), then every region
    privsynth supports. A valid number scores 0.95 (it then outranks DATE_TIME on the same
    digits), a possible one 0.45-0.6, plus 0.3 with a phone word nearby. A region whose metadata
    rules the number out (no national significant number `parse` could derive has a possible length
    there, or, once a score is set, matches the region's general pattern) is not parsed: it could not
    change the score (`_nsns`; tests/test_phones_fast_path.py compares with parsing every region).
A number glued to a word (`contact:testdata630-555-0199`) is kept only when it is valid.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Optional

from privsynth import entities as E
from privsynth.detect.codes import code_context, not_a_phone, phone_context, plausible_date

REGIONS = {
    "en": ("US", "GB", "CA", "AU", "IE"),
    "de": ("DE", "AT", "CH"),
    "fr": ("FR", "BE", "CH", "LU"),
    "es": ("ES", "MX"),
    "nl": ("NL", "BE"),
    "it": ("IT", "CH"),
}
ALL_REGIONS = ("US", "GB", "DE", "FR", "ES", "IT", "NL", "BE", "CH")  # tried after the document's own regions
VALID_SCORE = 0.95

_CAND = re.compile(r"(?<![\d+])(?:\+[ \t]?|\([ \t]?\+?)?\d[\d \t().\-/]{4,24}\d\)?(?:[ \t]*(?:x|ext\.?|extension)[ \t]*\d{1,5})?(?!\d)", re.I)
_TRUNK = re.compile(r"^(\+\d{1,3}|00\d{1,3})[ \t]*\(0\)[ \t]*")
_YEAR_RANGE = re.compile(r"^(?:19|20)\d\d[ \t]*[-/][ \t]*(?:(?:19|20)?\d\d)$")
_AMOUNT = re.compile(r"^\d{1,3}(?:[.,']\d{3})+(?:[.,]\d{1,2})?$")
_IPV4 = re.compile(r"^\d{1,3}(?:\.\d{1,3}){3}$")
_DATE_PREFIX = re.compile(r"^(?:\d{4}[-/.]\d{1,2}[-/.]\d{1,2}|\d{1,2}[-/.]\d{1,2}[-/.]\d{4})(?:[ T]|$)")
_IN_CODE = re.compile(r"\d[A-Za-z]{1,3}$")
_TIME_RANGE = re.compile(r"^\d{1,2}[.:]\d{2}[ \t]*-[ \t]*\d{1,2}[.:]\d{2}$")
_EXTENSION = re.compile(r"(?i)x|ext")  # the number is what comes before
_NON_DIGIT = re.compile(r"\D")
_SEPARATOR = re.compile(r"[ \t().\-/]")
_NANP_WRITTEN = re.compile(r"\(?\d{3}\)?[ .-]\d{3}[ .-]\d{4}")  # (212) 555-0142, 212.555.0142


def _trim(s: str) -> str:
    s = s.rstrip(" \t.-/")
    if s.count("(") < s.count(")") and s.endswith(")"):
        s = s[:-1]
    if s.count("(") > s.count(")") and s.endswith("("):
        s = s[:-1].rstrip(" \t.-/")
    return s


def _parse(pn, cand: str, region: Optional[str]):
    try:
        return pn.parse(cand, region)
    except pn.NumberParseException:
        return None


# a candidate written with ASCII digits and these separators only: phonenumbers reads no `+`, no letter
# (vanity digits) and no extension in it, so the digits it parses are exactly the candidate's digits
_PLAIN = re.compile(r"[0-9 \t().\-/]+")


@lru_cache(maxsize=None)
def _nsn_rule(pn, region: str):
    """How `phonenumbers.parse(national, region)` can read a national-format number, from the library's
    public metadata (read from phonenumbers 9.0's parse, is_possible_number and is_valid_number):
    (country code digits, international (IDD) prefix pattern, national prefix patterns, possible NSN
    lengths, ((general pattern, general lengths) of each region of the country code)), or None when
    no sound bound is known for `region`.

    Without an IDD prefix at its start, `parse` gives the number `region`'s country code and a national
    significant number (NSN) that is the digits with at most the country code (when they start with
    it) and then national prefixes (`national_prefix_for_parsing` of `region` or of the country code's
    main region, matched at the start) removed; a `national_prefix_transform_rule`, which could rewrite
    digits, gives None. `is_possible_number` needs the NSN's length among the general possible lengths
    (`possible_length`, `possible_length_local_only`); `is_valid_number` needs the general description
    of the region it finds (one of the country code's) to match: length among its `possible_length`
    and `national_number_pattern` matching in full. A region without lengths or pattern gives None."""
    meta = pn.PhoneMetadata.metadata_for_region(region)
    if meta is None or not meta.international_prefix:
        return None
    cc = meta.country_code
    regions = pn.region_codes_for_country_code(cc)
    metas = [pn.PhoneMetadata.metadata_for_region(r) for r in regions]
    parsing = (meta, pn.PhoneMetadata.metadata_for_region(pn.region_code_for_country_code(cc)))
    if (region not in regions
            or any(m is None or not m.general_desc.possible_length or not m.general_desc.national_number_pattern for m in metas)
            or any(m is None or m.national_prefix_transform_rule for m in parsing)):
        return None
    prefixes = tuple(re.compile(p) for p in sorted({m.national_prefix_for_parsing for m in parsing if m.national_prefix_for_parsing}))
    lengths = frozenset(n for m in metas for n in m.general_desc.possible_length + m.general_desc.possible_length_local_only)
    general = {}
    for m in metas:  # regions sharing a pattern are checked once, with the union of their lengths
        general.setdefault(m.general_desc.national_number_pattern, set()).update(m.general_desc.possible_length)
    return (str(cc), re.compile(meta.international_prefix), prefixes, lengths,
            tuple((re.compile(p), frozenset(ls)) for p, ls in general.items()))


def _nsns(pn, digits: str, region: str) -> Optional[tuple[set, tuple]]:
    """(every NSN `phonenumbers.parse` can derive from the national-format `digits` (ASCII digits only)
    for `region`, its `_nsn_rule`), or None when unsure (an IDD prefix at the start, no rule)."""
    rule = _nsn_rule(pn, region)
    if rule is None or rule[1].match(digits):
        return None
    cc, prefixes = rule[0], rule[2]
    todo = [digits, digits[len(cc):]] if digits.startswith(cc) else [digits]
    seen = set()
    while todo:
        nsn = todo.pop()
        if nsn not in seen:
            seen.add(nsn)
            for p in prefixes:
                m = p.match(nsn)
                if m:
                    todo.append(nsn[m.end():])
    return seen, rule


def _unchanged(pn, nsn: str, rule: tuple, cand: str):
    """The PhoneNumber `phonenumbers.parse(cand, region)` returns when its only derivable NSN is the
    candidate's digits `nsn` themselves (`_nsns` gives {nsn}: no IDD prefix, country code or national
    prefix at the start), built without parsing: `region`'s country code, the digits as the national
    number and their leading zeros as `parse` records them (italian_leading_zero, number_of_leading_zeros,
    the last digit never counted). None (parse it) unless the candidate is one `parse` surely accepts:
    3-17 digits (2 only when unseparated: not worth the case), only separators from its punctuation (no
    tab) and at most 250 characters."""
    if "\t" in cand or len(cand) > 250 or not 3 <= len(nsn) <= 17:
        return None
    num = pn.PhoneNumber(country_code=int(rule[0]), national_number=int(nsn))
    if len(nsn) > 1 and nsn[0] == "0":
        num.italian_leading_zero = True
        zeros = min(len(nsn) - len(nsn.lstrip("0")), len(nsn) - 1)
        if zeros != 1:
            num.number_of_leading_zeros = zeros
    return num


def _may_be_possible(nsns: set, rule: tuple) -> bool:
    return any(len(n) in rule[3] for n in nsns)


def _may_be_valid(nsns: set, rule: tuple) -> bool:
    return any(len(n) in lengths and pattern.fullmatch(n) for n in nsns for pattern, lengths in rule[4])


@lru_cache(maxsize=1 << 14)  # a number met again (in another text) is checked once
def _grouped_as_in(pn, typed: str, region: str) -> bool:
    """True when `typed` (a national number without prefix) is grouped the way `region` writes
    it: phonenumbers' STRICT_GROUPING leniency finds it whole (no separators at all also passes).

    Only the matcher's first match is read, with one try (`max_tries=1`): the matcher reports matches
    in text order, so a match spanning the whole of `typed` can only be the first one, found on the
    first candidate (the whole text) before any try is spent; the tries it would go on to make are
    inner parts and later text, which can never span the whole."""
    try:
        first = next(iter(pn.PhoneNumberMatcher(typed, region, leniency=pn.Leniency.STRICT_GROUPING, max_tries=1)), None)
        return first is not None and first.start == 0 and first.end == len(typed)
    except Exception:  # pragma: no cover - defensive: phonenumbers' matcher on odd input
        return False


def _parsed_score(pn, cand: str, typed: str, regions: tuple, own: int, shortcut: bool = True) -> float:
    """Score of the cleaned candidate `cand` (`typed`: as written, without extension) from phonenumbers:
    parsed as international when it starts with `+`, else for each of `regions` in turn (the first
    `own` of them the text's language's). VALID_SCORE when valid for an own region (or international),
    0.9 when valid in a foreign region and grouped as that region writes (`_grouped_as_in`), else 0.6
    (written with separators or a leading 0/+/parenthesis) or 0.45 when possible somewhere or valid in
    a foreign region only; 0.0 when none of that.

    `shortcut` skips the parses that cannot change the score (`_nsns`: a region where the number cannot
    be possible, or, once a score is set, cannot be valid) and builds the number `parse` would return
    when it can only keep the digits as they are (`_unchanged`); `shortcut=False` parses every region,
    the reference the tests compare with."""
    intl = cand.startswith("+")
    plain = None if intl or not shortcut or not _PLAIN.fullmatch(cand) else _NON_DIGIT.sub("", cand)
    score = 0.0
    for i, region in enumerate([None] if intl else regions):
        known = None if plain is None else _nsns(pn, plain, region)
        if known is not None and (not _may_be_possible(*known) or (score > 0.0 and not _may_be_valid(*known))):
            continue  # not valid there, and possible only where it no longer matters: nothing would change
        num = _unchanged(pn, plain, known[1], cand) if known is not None and known[0] == {plain} else None
        if num is None:
            num = _parse(pn, cand, region)
        if num is None:
            continue
        if pn.is_valid_number(num):
            if not intl and i >= own and not _grouped_as_in(pn, typed, region):
                # valid only in a region foreign to the text's language, and not grouped as that
                # region writes its numbers (a SIRET `732 829 320 00074` in French text): possible at most
                score = max(score, 0.45)
                continue
            return VALID_SCORE if intl or i < own else 0.9
        if score == 0.0 and pn.is_possible_number(num):
            formatted = bool(_SEPARATOR.search(typed)) or typed.startswith(("0", "+", "("))
            score = 0.6 if formatted else 0.45
    return score


# a candidate met again (in another text, with the same regions) is scored once: `_parsed_score` reads
# nothing but its arguments and phonenumbers' metadata (on the 5,000 held-out English sentences, 9% of
# the candidates scored are repeats)
_score = lru_cache(maxsize=1 << 14)(_parsed_score)


def _national_number(pn, typed: str, lang: str) -> bool:
    """`typed` is a valid number of the main region of `lang` (its first in REGIONS: ES for es),
    grouped the way that region groups it (`912.345.678`, `612.34.56.78` in Spanish text)."""
    region = REGIONS.get(lang, ("",))[0]
    num = _parse(pn, typed, region) if region else None
    return num is not None and pn.is_valid_number(num) and _grouped_as_in(pn, typed, region)


def find_phones(text: str, lang: str = "en") -> list[tuple[int, int, str, float]]:
    """(start, end, entity type PHONE_NUMBER, score) for each phone number in `text`."""
    if sum(map(str.isdigit, text)) < 7:
        return []
    import phonenumbers as pn

    # keep every compiled metadata pattern: the library's documented remedy when numbers are parsed for
    # many regions (here up to 12 per candidate), which otherwise recompile as they fall out of re's cache
    pn.enable_pattern_cache()
    out = []
    regions = REGIONS.get(lang, ()) + tuple(r for r in ALL_REGIONS if r not in REGIONS.get(lang, ()))
    for m in _CAND.finditer(text):
        raw = _trim(m.group(0))
        s = m.start()
        if raw.startswith("(") and raw.count("(") > raw.count(")"):
            raw, s = raw[1:].lstrip(), s + 1 + (len(raw) - 1 - len(raw[1:].lstrip()))
        e = s + len(raw)
        main = _EXTENSION.split(raw, 1)[0]
        digits = _NON_DIGIT.sub("", main)
        if not 7 <= len(digits) <= 15 or len(set(digits)) < 3:
            continue
        compact = main.strip()
        if plausible_date(compact) or _YEAR_RANGE.match(compact) or _TIME_RANGE.match(compact):
            continue
        # dotted groups shaped like an amount or an IPv4 address (`912.345.678`, `91.234.56.78`): a phone only
        # when valid in the language's main region and grouped as that region groups its numbers (checked
        # last of the rejections below: it parses, they are string tests, and none depends on another)
        home = (_AMOUNT.match(compact) or _IPV4.match(compact)) is not None
        if _DATE_PREFIX.match(compact) or (s > 0 and text[s - 1] == ":" and s > 1 and text[s - 2].isdigit()):
            continue  # 2011-11-03 13:53:56 / the seconds of a time
        if not_a_phone(text, s, e):
            continue  # an amount (1 250 000 euros) or a version (10.0.19045)
        glued = s > 0 and text[s - 1].isalpha()
        if glued and _IN_CODE.search(text, max(0, s - 12), s):
            continue  # the tail of a code mixing digits and letters (tracking `1Z925RR9078877609`)
        if code_context(text, s):
            continue
        if home and not _national_number(pn, compact, lang):
            continue
        cand = _TRUNK.sub(r"\1 ", raw)
        if cand.startswith("00"):
            cand = "+" + cand[2:]
        intl = cand.startswith("+")
        score = _score(pn, cand, compact, regions, len(REGIONS.get(lang, ())))
        if score == 0.0 and phone_context(text, s, 25) and 8 <= len(digits) <= 13 and not glued:
            score = 0.5  # labelled as a phone but not parseable in any region we know
        if score == 0.0 or (glued and score < 0.9):
            continue
        ctx = phone_context(text, s)
        if score < 0.9 and ctx:
            score = min(0.9, score + 0.3)
        elif score >= 0.9 and not (intl or ctx or home or len(digits) >= 10 or (len(digits) >= 9 and main.strip().startswith(("0", "(")))
                                   or _NANP_WRITTEN.fullmatch(compact)):
            score = 0.6  # a short number that happens to parse: not enough to beat an address or a date
        out.append((s, e, E.PHONE_NUMBER.name, score))
    return out
