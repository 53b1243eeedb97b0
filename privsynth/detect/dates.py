"""Dates with the month written out, in the document's language (en, de, fr, es, nl, it).

Month names come from Unicode CLDR (`data/month_names_cldr.tsv`, derived with
tools/derive_cldr_month_names.py from Babel's CLDR data: wide and abbreviated forms, format and
stand-alone contexts). Forms found, per language (D = day 1-31, M = a month name or its
abbreviation with an optional full stop, Y = a 4-digit year 1800-2199):

  en  D M Y (`9 March 1936`, `9th of March 1936`), M D, Y is already found by `recognizers.DateOfBirthRecognizer`
  de  D. M Y (`5. Dezember 1986`, `5 Dez. 1986`), D. M (`am 5. Dezember`), M Y (`Dezember 1986`)
  fr  D M Y (`14 février 1952`, `1er févr. 1952`), D M (`le 14 février`), M Y
  es  D de M de Y (`16 de abril de 1955`), D M Y, D de M (`el 16 de abril`), M de Y
  nl  D M Y (`21 augustus 1947`, `21 aug. 1947`), D M, M Y
  it  D M Y (`14 aprile 1974`, `1° aprile 1974`), D M, M Y

A day + month without a year, or a month + year, is kept only with the full month name (`gen`,
`mar`, `set` are words too). Every date is DATE_TIME; text.py marks it DATE_OF_BIRTH after a
birth word (`geb.`, `né le`, `nacido el`, `nato il`, `geboren`). The score (0.9) beats a model's
PERSON/STREET_ADDRESS label on the same words (`geb. 4. Juni 1955` -> `Juni` PERSON before).
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

from privsynth import entities as E

MONTH_NAMES_FILE = Path(__file__).parent / "data" / "month_names_cldr.tsv"
LANGS = ("en", "de", "fr", "es", "nl", "it")
SCORE = 0.9

_DAY = r"(?:0?[1-9]|[12]\d|3[01])"
_YEAR = r"(?:1[89]|2[01])\d\d"
# ordinal marks after the day: 1st, 1er/1re (fr), 1° / 1º (it, es)
_ORD = {"en": r"(?:st|nd|rd|th)?", "de": r"\.?", "fr": r"(?:er|re|e)?", "es": r"[º°]?", "nl": r"(?:e|ste|de)?", "it": r"[º°]?"}
# the words between day, month and year
_OF = {"en": r"[ \t]+(?:of[ \t]+)?", "es": r"[ \t]+(?:de[ \t]+)?", "it": r"[ \t]+", "fr": r"[ \t]+", "nl": r"[ \t]+", "de": r"[ \t]*"}
_OF_YEAR = {"es": r",?[ \t]+(?:de(?:l)?[ \t]+)?", "en": r",?[ \t]+"}


@lru_cache(maxsize=None)
def month_names(lang: str) -> dict[str, tuple[int, str]]:
    """{lower-case month name or abbreviation: (month 1-12, 'wide'|'abbreviated')} for `lang`,
    from CLDR (MONTH_NAMES_FILE); {} for a language it does not cover."""
    out: dict[str, tuple[int, str]] = {}
    for line in MONTH_NAMES_FILE.read_text(encoding="utf-8").splitlines():
        if not line or line.startswith("#") or line.startswith("lang\t"):
            continue
        lg, month, width, name = line.split("\t")
        if lg == lang and name not in out:
            out[name] = (int(month), width)
    return out


@lru_cache(maxsize=None)
def _patterns(lang: str) -> tuple[re.Pattern, re.Pattern]:
    names = month_names(lang)
    wide = sorted((n for n, (_, w) in names.items() if w == "wide"), key=len, reverse=True)
    abbr = sorted((n for n, (_, w) in names.items() if w == "abbreviated" and n not in wide), key=len, reverse=True)
    any_m = "(?:" + "|".join([re.escape(n) for n in wide] + [re.escape(n) + r"\.?" for n in abbr]) + ")"
    wide_m = "(?:" + "|".join(re.escape(n) for n in wide) + ")"
    of, of_year, ordinal = _OF.get(lang, r"[ \t]+"), _OF_YEAR.get(lang, r"[ \t]+"), _ORD.get(lang, "")
    day = rf"(?<![\w.,]){_DAY}{ordinal}"
    full = rf"{day}{of}{any_m}{of_year}{_YEAR}(?!\d)"
    partial = rf"{day}{of}{wide_m}(?![\w])|(?<![\w]){wide_m}{of_year}{_YEAR}(?!\d)"
    flags = re.IGNORECASE
    return re.compile(rf"(?:{full})(?![\w])", flags), re.compile(rf"(?:{partial})", flags)


def find_written_dates(text: str, lang: str = "en") -> list[tuple[int, int, str, float]]:
    """(start, end, DATE_TIME, score) for each date with a written month in `text`, in the month
    names of `lang` (any of LANGS; others: none). A day + month + year scores SCORE; a day + full
    month name or a full month name + year (not in English) scores SCORE - 0.05, level with NER's 0.85."""
    if lang not in LANGS or not any(map(str.isdigit, text)):
        return []
    full, partial = _patterns(lang)
    out = []
    taken: list[tuple[int, int]] = []
    for m in full.finditer(text):
        out.append((m.start(), m.end(), E.DATE_TIME.name, SCORE))
        taken.append((m.start(), m.end()))
    if lang != "en":  # English partial dates: recognizers.DateOfBirthRecognizer
        for m in partial.finditer(text):
            if not any(m.start() < b and a < m.end() for a, b in taken):
                out.append((m.start(), m.end(), E.DATE_TIME.name, SCORE - 0.05))
    return out


def is_written_date(s: str, lang: str = "en") -> bool:
    """`s` is a whole day + month name + year date of `lang` (`9 March 1936`, also with the
    sentence's full stop after it)."""
    return lang in LANGS and _patterns(lang)[0].fullmatch(s.strip().rstrip(".")) is not None
