"""Leak checker: finds real identifier values of an input table anywhere in an output table.

Written independently of the redaction it measures (it shares no code with
privsynth/transform/record.py). A leak is one of:

- ``cell``: an output cell (any column) whose normalised form (case-folded letters and digits,
  `privsynth.matching.normalize`) equals a real identifier value's;
- ``phone`` / ``card`` / ``iban`` / ``id``: inside any output text, a run of digit groups whose digits
  (separators " -./()" removed) equal a real value's digits, or for phones its national
  number with or without the trunk 0, its international digits or its subscriber number
  (national number minus the area code, at least 6 digits); IBAN and IDs also as written or
  with separators removed, at word boundaries;
- ``email``: a real e-mail address anywhere in a text (case-insensitive);
- ``local_part``: a real e-mail local part (at least 3 characters) as a whole token;
- ``name``: a real given or family name (at least 3 letters) as a whole word starting with a
  capital letter (a lower-case "will" or "rose" is a word, not a mention). Names that are also
  common words (stop words, month and weekday names: `COMMON_WORDS`) count only in their own
  row's texts, where they are a mention of that person; elsewhere "Mai" is a month. Surname
  particles (`PARTICLES`: "van", "de", "Dos", "von" ...) are not names: thousands share them.
- ``full_name``: a real full name (any case).

Values shorter than the minimums are not looked for (1-2 characters cannot be told from
ordinary text). `check` returns a `LeakReport` with counts per kind and examples (real values
are fictitious in the tables this is run on; never print a real table's leaks to a log).
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from typing import Iterable, Optional

import pandas as pd

from privsynth.matching import normalize as cell_norm

COMMON_WORDS = {
    # months and weekdays (de/en/fr) and short function words that are also surnames or given names
    "januar", "februar", "märz", "april", "mai", "juni", "juli", "august", "september", "oktober", "november", "dezember",
    "january", "february", "march", "may", "june", "july", "october", "december",
    "janvier", "février", "mars", "avril", "juin", "juillet", "août", "septembre", "octobre", "novembre", "décembre",
    "montag", "dienstag", "mittwoch", "donnerstag", "freitag", "samstag", "sonntag",
    "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday",
    "lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche",
    "will", "long", "young", "petit", "blanc", "fort", "lange", "klein", "rose", "grand", "white", "black", "brown",
    "green", "king", "bell", "hill", "wood", "baker", "frank", "mark", "bill", "grace", "hope", "joy", "faith",
}

PARTICLES = {
    "van", "von", "vom", "der", "den", "de", "del", "della", "dei", "des", "du", "di", "da", "dos", "das", "do",
    "la", "le", "lo", "ten", "ter", "te", "zu", "zum", "zur", "bin", "ibn", "al", "el", "saint",
}

_WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)?", re.UNICODE)
_DIGITS = re.compile(r"\d(?:[ \-./()]{0,3}\d)*")
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+", re.UNICODE)
_DATE = re.compile(r"\d{4}[-/.]\d{1,2}(?:[-/.]\d{1,2})?|\d{1,2}[-/.]\d{1,2}[-/.]\d{2,4}")
_TOKEN = re.compile(r"[\w][\w.+-]*[\w]", re.UNICODE)


def _fold(s: str) -> str:
    return unicodedata.normalize("NFC", s).casefold()


@dataclass
class Leak:
    kind: str
    row: int
    column: str
    value: str  # the matched text in the output


@dataclass
class LeakReport:
    counts: Counter = field(default_factory=Counter)
    leaks: list[Leak] = field(default_factory=list)
    rows_with_leaks: int = 0

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    def summary(self) -> dict:
        return {"total": self.total, "rows_with_leaks": self.rows_with_leaks, **dict(sorted(self.counts.items()))}


def _digit_runs(text: str) -> Iterable[tuple[str, str]]:
    """(digits, matched text) of every contiguous range of digit groups inside each digit run."""
    for m in _DIGITS.finditer(text):
        run = m.group(0)
        groups = [(g.start(), g.end()) for g in re.finditer(r"\d+", run)]
        for i in range(len(groups)):
            for j in range(i, min(len(groups), i + 8)):
                s, e = groups[i][0], groups[j][1]
                yield re.sub(r"\D", "", run[s:e]), run[s:e]


def check(original: pd.DataFrame, output: pd.DataFrame, id_columns: dict[str, Optional[str]],
          region: str = "DE", rows_aligned: bool = True, max_examples: int = 50) -> LeakReport:
    """Every place where a real identifier value of `original[id_columns]` shows in `output`.

    `id_columns`: column -> entity type (PERSON, FIRST_NAME, LAST_NAME, EMAIL_ADDRESS,
    PHONE_NUMBER, CREDIT_CARD, IBAN_CODE, anything else = an ID or address compared as text).
    `region`: the country national phone numbers are read in. `rows_aligned`: output row i is
    input row i (anonymize mode), so a common-word name counts in its own row.
    """
    whole: set[str] = set()
    digits: dict[str, str] = {}  # digits -> kind
    names: set[str] = set()
    full_names: set[str] = set()
    emails: set[str] = set()
    locals_: set[str] = set()
    texts_exact: dict[str, str] = {}  # folded value -> kind (IBAN / ID / address as written, compact too)
    own_names: list[set[str]] = [set() for _ in range(len(original))]
    for col, et in id_columns.items():
        et = (et or "").upper()
        for i, v in enumerate(original[col].tolist()):
            if v is None or (isinstance(v, float) and pd.isna(v)):
                continue
            s = str(v).strip()
            if not s:
                continue
            n = cell_norm(s)
            if len(n) >= 3:
                whole.add(n)
            if et in ("PERSON", "FIRST_NAME", "LAST_NAME"):
                toks = [t for t in _WORD.findall(s) if len(t) >= 3]
                names |= {_fold(t) for t in toks}
                own_names[i] |= {_fold(t) for t in toks}
                if len(toks) > 1:
                    full_names.add(_fold(" ".join(s.split())))
            elif et == "EMAIL_ADDRESS":
                emails.add(_fold(s))
                local = s.rsplit("@", 1)[0]
                if len(local) >= 3:
                    locals_.add(_fold(local))
            elif et == "PHONE_NUMBER":
                for d in _phone_variants_region(s, region):
                    digits.setdefault(d, "phone")
            elif et in ("CREDIT_CARD", "CREDIT_CARD_DAMAGED"):
                d = re.sub(r"\D", "", s)
                if len(d) >= 6:
                    digits.setdefault(d, "card")
            else:
                kind = "iban" if et == "IBAN_CODE" else "id"
                texts_exact.setdefault(_fold(" ".join(s.split())), kind)
                compact = re.sub(r"[\W_]", "", _fold(s))
                if len(compact) >= 4:
                    texts_exact.setdefault(compact, kind)
                d = re.sub(r"\D", "", s)
                if len(d) >= 6 and len(d) >= 0.6 * len(compact):
                    digits.setdefault(d, kind)
                if kind == "iban" and len(d) >= 8:
                    digits.setdefault(d, kind)  # the BBAN digits of a numeric IBAN
    rep = LeakReport()
    rows_hit: set[int] = set()
    exact_rx = None
    if texts_exact:
        alts = sorted(texts_exact, key=len, reverse=True)
        exact_rx = re.compile(r"(?<![\w])(" + "|".join(re.escape(a) for a in alts) + r")(?![\w])")

    def add(kind: str, row: int, col: str, val: str) -> None:
        rep.counts[kind] += 1
        rows_hit.add(row)
        if len(rep.leaks) < max_examples:
            rep.leaks.append(Leak(kind, row, col, val))

    for col in output.columns:
        vals = output[col].tolist()
        for i, v in enumerate(vals):
            if v is None or (isinstance(v, float) and pd.isna(v)):
                continue
            s = str(v)
            if cell_norm(s) in whole:
                add("cell", i, str(col), s)
                continue
            if not isinstance(v, str) or not s.strip():
                continue
            low = _fold(s)
            for m in _EMAIL.finditer(s):
                if _fold(m.group(0)) in emails:
                    add("email", i, str(col), m.group(0))
            for m in _TOKEN.finditer(s):
                tok = m.group(0)
                if _fold(tok) in locals_ and _fold(tok) not in emails:
                    add("local_part", i, str(col), tok)
                elif "@" in tok:
                    local = tok.split("@")[0]
                    if _fold(local) in locals_ and _fold(tok) not in emails:
                        add("local_part", i, str(col), local)
            for fn in full_names:
                if fn in low and re.search(r"(?<!\w)" + re.escape(fn) + r"(?!\w)", low):
                    add("full_name", i, str(col), fn)
            for m in _WORD.finditer(s):
                w = m.group(0)
                base = re.split(r"['’]", w)[0]
                f = _fold(base)
                if len(base) >= 3 and base[0].isupper() and f in names and f not in PARTICLES:
                    if f in COMMON_WORDS and not (rows_aligned and i < len(own_names) and f in own_names[i]):
                        continue
                    add("name", i, str(col), base)
            seen_spans: set[str] = set()
            for d, txt in _digit_runs(s):
                kind = digits.get(d)
                if kind == "id" and _DATE.fullmatch(txt):
                    continue  # "2005-06" of a birth date is not the ID "KD-200506"
                if kind and txt not in seen_spans:
                    seen_spans.add(txt)
                    add(kind, i, str(col), txt)
            if exact_rx is not None:
                for m in exact_rx.finditer(low):
                    add(texts_exact[m.group(1)], i, str(col), m.group(1))
                compact_low = re.sub(r"(?<=\w)[ \-](?=\w)", "", low)
                if compact_low != low:
                    for m in exact_rx.finditer(compact_low):
                        if m.group(1) not in low:
                            add(texts_exact[m.group(1)], i, str(col), m.group(1))
    rep.rows_with_leaks = len(rows_hit)
    return rep


def _phone_variants_region(v: str, region: str) -> set[str]:
    import phonenumbers

    digits = re.sub(r"\D", "", v)
    out = {digits}
    try:
        num = phonenumbers.parse(v, region)
    except phonenumbers.NumberParseException:
        return {d for d in out if len(d) >= 6}
    nsn = phonenumbers.national_significant_number(num)
    cc = str(num.country_code)
    out |= {nsn, "0" + nsn, cc + nsn, "00" + cc + nsn}
    ndc = phonenumbers.length_of_national_destination_code(num)
    if ndc <= 0:
        ndc = phonenumbers.length_of_geographical_area_code(num)
    if 0 < ndc < len(nsn) and len(nsn) - ndc >= 6:
        out.add(nsn[ndc:])
    return {d for d in out if len(d) >= 6}
