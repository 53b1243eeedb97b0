"""Value profiles: what a column's sampled values look like, before anyone reads its name.

`profile_values(strings, sample, kind, uniqueness)` returns a `ValueProfile`: lengths and
character classes, distinctness, the numeric distribution (also of numbers written as text in
any European convention, "7.590,29"), identifier support (fixed width, sequential, prefixed
shape), the date storage (privsynth.dates.date_storage), the share of values each value
recognizer of privsynth.detect.values accepts, and the language of text cells (py3langid).

`ValueProfile.evidence()` is what goes into a scan's evidence: counts, shares and flags only,
never a value (not even a minimum or maximum, which would be a real record's value).
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from typing import Any, Optional

import numpy as np
import pandas as pd

from privsynth.detect import values as V

GAZETTEER_SAMPLE = 200  # values checked against gazetteers / vocabularies (cost bound)
# Placeholders (trial finding F-C3: a contact column holding a real name for one row in three and "keine Angabe", "-",
# "selbst", "n/a", "unknown" for the others): at most PLACEHOLDER_MAX_VALUES values, each at least PLACEHOLDER_MIN_SHARE
# of the sampled values (and PLACEHOLDER_MIN_COUNT times), together at least PLACEHOLDER_MIN_COVER of them, while the
# other values (the column's core) are at least CORE_MIN_VALUES values of which CORE_MIN_DISTINCT are distinct: a few
# very frequent values covering many rows are fillers or categories, not people, and the column is also judged on its
# core (privsynth.detect.decide). A person's name or e-mail repeated in 2% of a sample is not a person's value.
PLACEHOLDER_MAX_VALUES = 12
PLACEHOLDER_MIN_SHARE = 0.02
PLACEHOLDER_MIN_COUNT = 3
PLACEHOLDER_MIN_COVER = 0.2
CORE_MIN_VALUES = 10
CORE_MIN_DISTINCT = 0.5


@dataclass
class Placeholders:
    """Repeated placeholder values of a column's sample and the rest (the core). Never in evidence as values."""

    values: frozenset  # the placeholder strings (record values: kept out of evidence)
    share: float  # share of the sampled values that are placeholders
    core: list  # the sampled values that are not placeholders, in sample order

    def evidence(self) -> dict[str, Any]:
        return {"placeholder_values": len(self.values), "placeholder_share": round(self.share, 3),
                "core_values": len(self.core), "core_distinct": len(set(self.core))}


def placeholders(strings: list[str]) -> Optional[Placeholders]:
    """The repeated placeholders of a sample of strings (see PLACEHOLDER_MAX_VALUES), or None when it has none, when
    they cover less than PLACEHOLDER_MIN_COVER of the values, or when the rest is too small or too repetitive to be
    judged on its own (a category column with a long tail is not a column of people's values)."""
    n = len(strings)
    if n == 0:
        return None
    counts = Counter(strings)
    floor = max(PLACEHOLDER_MIN_COUNT, PLACEHOLDER_MIN_SHARE * n)
    frequent = [v for v, c in counts.most_common(PLACEHOLDER_MAX_VALUES + 1) if c >= floor]
    if not frequent or len(frequent) > PLACEHOLDER_MAX_VALUES:
        return None
    ph = frozenset(frequent)
    covered = sum(counts[v] for v in ph)
    core = [s for s in strings if s not in ph]
    if covered < PLACEHOLDER_MIN_COVER * n or len(core) < CORE_MIN_VALUES or len(set(core)) < CORE_MIN_DISTINCT * len(core):
        return None
    return Placeholders(ph, covered / n, core)


@dataclass
class NumericProfile:
    """Distribution of a numeric column (numbers or numbers written as text)."""

    parsed_share: float  # share of values that are numbers
    integer_share: float
    decimals_2_share: float  # share with exactly two decimals as written (money-like)
    decimals_max: int  # most decimals seen as written
    negative_share: float
    fixed_width: Optional[int]  # digits of every integer value when all have the same number (>= 0.95 share)
    sequential: bool  # sorted distinct integers step by one constant (record numbers)
    median: float
    spread: float  # max - min (a range, not a value)
    in_age_range: bool  # all integers 0-120 with a median 18-80 and a range >= 25 (enough to be ages)
    from_text: bool  # values were text ("7.590,29")

    def evidence(self) -> dict[str, Any]:
        return {"parsed_share": round(self.parsed_share, 3), "integer_share": round(self.integer_share, 3),
                "two_decimals_share": round(self.decimals_2_share, 3), "decimals_max": self.decimals_max,
                "negative_share": round(self.negative_share, 3), "fixed_width": self.fixed_width,
                "sequential": self.sequential, "age_range": self.in_age_range, "from_text": self.from_text}


@dataclass
class ValueProfile:
    n: int
    kind: str
    uniqueness: float
    distinct_in_sample: int
    mean_length: float
    mean_words: float
    text_share: float  # cells that read as sentences (>= 5 words, >= 3 of them lower-case words)
    shape_share: float  # share of values with the most common character-class shape (AA-9999)
    no_space_share: float
    letter_prefix_share: float  # values like KD-123 / P2023-0042 (letters then digits)
    numeric: Optional[NumericProfile] = None
    date_storage: Any = None  # privsynth.dates.DateStorage or None (values alone)
    shares: dict[str, float] = field(default_factory=dict)  # value recognizer -> share of values
    language: Optional[str] = None
    placeholders: Optional[Placeholders] = None  # repeated fillers and the core (string columns; see placeholders())

    def evidence(self) -> dict[str, Any]:
        ev: dict[str, Any] = {"distinct_in_sample": self.distinct_in_sample, "text_share": round(self.text_share, 3),
                              "shape_share": round(self.shape_share, 3),
                              "letter_prefix_share": round(self.letter_prefix_share, 3)}
        if self.numeric is not None:
            ev["numeric"] = self.numeric.evidence()
        if self.date_storage is not None:
            ev["date_storage"] = {"kind": self.date_storage.kind, "format": self.date_storage.fmt,
                                  "share": float(self.date_storage.share), "needs_name": self.date_storage.needs_name}
        if self.shares:
            ev["value_shares"] = {k: round(v, 3) for k, v in sorted(self.shares.items(), key=lambda kv: -kv[1]) if v > 0}
        if self.language:
            ev["language"] = self.language
        return ev  # placeholders: in the evidence only when the decision used them (privsynth.detect.decide)


_WORD = re.compile(r"[^\W\d_]+", re.UNICODE)


def is_sentence(s: str) -> bool:
    """A cell that reads as a sentence: at least 5 words and 25 characters, 3 or more of the words lower-case
    (the free-text cue of the column scan, and the anonymize text worker's guess of a text column)."""
    words = _WORD.findall(s)
    if len(words) < 5 or len(s) < 25:
        return False
    return sum(w[0].islower() for w in words) >= 3


def _shape(s: str) -> str:
    return re.sub(r"[^\W\d_]+", "A", re.sub(r"\d+", "9", s))


def _decimals_written(s: str) -> int:
    m = re.search(r"[.,](\d+)\s*\D*$", s.strip())
    return len(m.group(1)) if m else 0


def numeric_profile(strings: list[str], sample: pd.Series, kind: str) -> Optional[NumericProfile]:
    """The numeric profile when at least 95% of the values are numbers (or amounts as text)."""
    if not strings:
        return None
    from_text = kind not in ("int", "float")
    if kind in ("int", "float"):
        x = np.asarray(sample.to_numpy(), dtype=float)
        x = x[np.isfinite(x)]
        written = strings
        share = len(x) / max(1, len(strings))
    else:
        vals = [V.parse_amount(s) for s in strings]
        ok = [v for v in vals if v is not None]
        share = len(ok) / len(strings)
        if share < 0.95:
            return None
        x = np.array(ok, dtype=float)
        written = [s for s, v in zip(strings, vals) if v is not None]
    if not len(x) or share < 0.95:
        return None
    ints = np.mod(x, 1) == 0
    dec = [_decimals_written(s) for s in written]
    fixed = None
    if ints.mean() >= 0.99:
        widths = Counter(sum(ch.isdigit() for ch in w) for w in written) if from_text else Counter(len(str(int(abs(v)))) for v in x)
        top, cnt = widths.most_common(1)[0]
        if cnt / sum(widths.values()) >= 0.95:
            fixed = int(top)
    seq = False
    if ints.all() and len(x) >= 3:
        u = np.unique(x)
        if len(u) >= 3:
            steps = np.diff(u)
            seq = bool((steps == steps.min()).mean() >= 0.9 and steps.min() > 0)
    med = float(np.median(x))
    spread = float(x.max() - x.min())
    age = bool(ints.all() and x.min() >= 0 and x.max() <= 120 and 18 <= med <= 80 and spread >= 25)
    return NumericProfile(parsed_share=share, integer_share=float(ints.mean()),
                          decimals_2_share=float(np.mean([d == 2 for d in dec])) if dec else 0.0,
                          decimals_max=int(max(dec) if dec else 0), negative_share=float((x < 0).mean()),
                          fixed_width=fixed, sequential=seq, median=med, spread=spread, in_age_range=age, from_text=from_text)


def _language(strings: list[str]) -> Optional[str]:
    from privsynth.detect.language import classify_any_language  # py3langid.classify, model read once

    text = " ".join(strings[:50])[:5000]
    if not text.strip():
        return None
    lang, _ = classify_any_language(text)
    return str(lang)


def _person_name_share(vals: list[str]) -> float:
    """Share of values whose first word is a known first name or last word a known surname (Faker lists)."""
    from privsynth.detect import gazetteer

    firsts, lasts = gazetteer.first_names(), gazetteer.last_names()
    hit = 0
    for v in vals:
        parts = v.strip().title().split()
        hit += bool(parts) and (parts[0] in firsts or parts[-1] in lasts)
    return hit / max(1, len(vals))


def _vocab_decides(values: list[str]) -> bool:
    """Would the vocabulary rule of privsynth.detect.decide decide these values (a share of 0.6, titles 0.9)?"""
    from privsynth.detect.columns import vocab_evidence
    from privsynth import entities as E

    voc = vocab_evidence(values)
    return any(v >= (0.9 if e == E.TITLE.name else 0.6) for e, v in voc.items())


def profile_values(strings: list[str], sample: pd.Series, kind: str, uniqueness: float) -> ValueProfile:
    """Profile one column from its sampled values (clean strings) and its whole-column uniqueness."""
    from privsynth.dates import date_storage

    n = len(strings)
    if n == 0:
        return ValueProfile(0, kind, 0.0, 0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0)
    lens = [len(s) for s in strings]
    words = [len(s.split()) for s in strings]
    shapes = Counter(_shape(s) for s in strings)
    prof = ValueProfile(
        n=n, kind=kind, uniqueness=uniqueness, distinct_in_sample=len(set(strings)),
        mean_length=float(np.mean(lens)), mean_words=float(np.mean(words)),
        text_share=sum(is_sentence(s) for s in strings[:GAZETTEER_SAMPLE]) / min(n, GAZETTEER_SAMPLE),
        shape_share=shapes.most_common(1)[0][1] / n,
        no_space_share=sum(" " not in s for s in strings) / n,
        letter_prefix_share=sum(bool(re.fullmatch(r"[A-Za-z]{1,6}[-_/ ]?\d[\d\-_/]*", s)) for s in strings) / n,
    )
    prof.numeric = numeric_profile(strings, sample, kind)
    if kind == "string" and prof.numeric is None:
        prof.placeholders = placeholders(strings)
    if kind == "datetime":
        from privsynth.dates import DateStorage

        prof.date_storage = DateStorage("datetime")
    elif kind in ("int", "float", "string"):
        try:
            prof.date_storage = date_storage(pd.Series(strings) if kind == "string" else sample)
        except Exception:  # a malformed column must never break the scan
            prof.date_storage = None
    if prof.text_share >= 0.5:
        prof.language = _language(strings)
        return prof
    head = strings[:GAZETTEER_SAMPLE]
    m = len(head)
    sh: dict[str, float] = {}
    if kind == "string":
        sh["calling_code"] = sum(V.is_calling_code(s) for s in head) / m
    if kind == "string" and prof.numeric is None:
        has_digit = [any(ch.isdigit() for ch in s) for s in head]
        pk = [V.postcode_kind(s) for s in head]
        sh["postcode_strong"] = sum(k in V.STRONG_POSTCODE for k in pk) / m
        sh["street"] = sum(V.is_street(s) for s, d in zip(head, has_digit) if d) / m
        sh["money"] = sum(V.is_money(s) for s, d in zip(head, has_digit) if d) / m
        alpha = [s for s, d in zip(head, has_digit) if not d]
        # a vocabulary column (gender, marital status...) is decided before diagnoses, jobs and places: skip those
        # (and the lists they load on a cold scan)
        voc = _vocab_decides(head)
        if alpha and not voc:
            # ICD-10-CM terms (70,000; a second to load) only when codes or medical stems already hit 10% of the values
            sh["diagnosis"] = sum(V.is_diagnosis(s, terms=False) for s in head) / m
            if sh["diagnosis"] >= 0.1:
                sh["diagnosis"] = sum(V.is_diagnosis(s) for s in head) / m
            sh["job"] = sum(V.is_job(s) for s in alpha) / m
            # GeoNames (a second to load) only when Faker's lists and place-name shapes are not enough
            sh["place"] = sum(V.is_place(s, geonames=False) for s in alpha) / m
            if sh["place"] < 0.6 and _person_name_share(alpha) < 0.5:
                sh["place"] = sum(V.is_place(s) for s in alpha) / m
        else:
            sh["diagnosis"] = sum(V.is_icd10(s) for s in head) / m
    if kind == "string" or (prof.numeric is not None and prof.numeric.integer_share == 1.0):
        pk = [V.postcode_kind(s) for s in head]
        sh["postcode_digits"] = sum(k in ("4D", "5D") for k in pk) / m
        if kind == "string" and prof.numeric is not None:
            sh["money"] = sum(V.is_money(s) for s in head) / m
    prof.shares = {k: v for k, v in sh.items() if v > 0}
    return prof
