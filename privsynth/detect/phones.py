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
    digits), a possible one 0.45-0.6, plus 0.3 with a phone word nearby.
A number glued to a word (`contact:testdata630-555-0199`) is kept only when it is valid.
"""

from __future__ import annotations

import re
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


def _grouped_as_in(pn, typed: str, region: str) -> bool:
    """True when `typed` (a national number without prefix) is grouped the way `region` writes
    it: phonenumbers' STRICT_GROUPING leniency finds it whole (no separators at all also passes)."""
    try:
        return any(m.start == 0 and m.end == len(typed)
                   for m in pn.PhoneNumberMatcher(typed, region, leniency=pn.Leniency.STRICT_GROUPING))
    except Exception:  # pragma: no cover - defensive: phonenumbers' matcher on odd input
        return False


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
        main = re.split(r"(?i)x|ext", raw)[0]
        digits = re.sub(r"\D", "", main)
        if not 7 <= len(digits) <= 15 or len(set(digits)) < 3:
            continue
        compact = main.strip()
        if plausible_date(compact) or _YEAR_RANGE.match(compact) or _TIME_RANGE.match(compact):
            continue
        # dotted groups shaped like an amount or an IPv4 address (`912.345.678`, `91.234.56.78`): a phone only
        # when valid in the language's main region and grouped as that region groups its numbers
        home = (_AMOUNT.match(compact) or _IPV4.match(compact)) is not None
        if home and not _national_number(pn, compact, lang):
            continue
        if _DATE_PREFIX.match(compact) or (s > 0 and text[s - 1] == ":" and s > 1 and text[s - 2].isdigit()):
            continue  # 2011-11-03 13:53:56 / the seconds of a time
        if not_a_phone(text, s, e):
            continue  # an amount (1 250 000 euros) or a version (10.0.19045)
        glued = s > 0 and text[s - 1].isalpha()
        if glued and _IN_CODE.search(text, max(0, s - 12), s):
            continue  # the tail of a code mixing digits and letters (tracking `1Z925RR9078877609`)
        if code_context(text, s):
            continue
        cand = _TRUNK.sub(r"\1 ", raw)
        if cand.startswith("00"):
            cand = "+" + cand[2:]
        intl = cand.startswith("+")
        score = 0.0
        for i, region in enumerate([None] if intl else regions):
            num = _parse(pn, cand, region)
            if num is None:
                continue
            if pn.is_valid_number(num):
                own = intl or i < len(REGIONS.get(lang, ()))
                if not own and not _grouped_as_in(pn, main.strip(), region):
                    # valid only in a region foreign to the text's language, and not grouped as that
                    # region writes its numbers (a SIRET `732 829 320 00074` in French text): possible at most
                    score = max(score, 0.45)
                    continue
                score = VALID_SCORE if own else 0.9
                break
            if score == 0.0 and pn.is_possible_number(num):
                formatted = bool(re.search(r"[ \t().\-/]", main.strip())) or main.strip().startswith(("0", "+", "("))
                score = 0.6 if formatted else 0.45
        if score == 0.0 and phone_context(text, s, 25) and 8 <= len(digits) <= 13 and not glued:
            score = 0.5  # labelled as a phone but not parseable in any region we know
        if score == 0.0 or (glued and score < 0.9):
            continue
        ctx = phone_context(text, s)
        if score < 0.9 and ctx:
            score = min(0.9, score + 0.3)
        elif score >= 0.9 and not (intl or ctx or home or len(digits) >= 10 or (len(digits) >= 9 and main.strip().startswith(("0", "(")))
                                   or re.fullmatch(r"\(?\d{3}\)?[ .-]\d{3}[ .-]\d{4}", compact)):
            score = 0.6  # a short number that happens to parse: not enough to beat an address or a date
        out.append((s, e, E.PHONE_NUMBER.name, score))
    return out
