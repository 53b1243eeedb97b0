"""Residual PII: direct-identifier values of the original found verbatim in the release.

Values are compared after normalisation (casefold, every character that is not a letter or digit
removed: "+44 20 7946-0958" and "442079460958" are the same phone number). Numbers are compared as
numbers first (`number_key`): 12345678901, 12345678901.0, "12345678901.0" and "1.2345678901E+10" are
one value (an exact integer, its digits); a number with a fractional part ("1.5") is never read as the
digits "15". A value counts when
it appears as a whole cell of ANY release column or as a run of 1 to 4 consecutive words inside
a cell. Only counts leave this module.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from typing import Callable, Optional

import numpy as np
import pandas as pd

from privsynth import entities as E
from privsynth.evaluate import stats
from privsynth.evaluate.prepared import Prepared, finish
from privsynth.matching import cell_candidates, normalize
from privsynth.evaluate.families import Family, register
from privsynth.results import Span, TestResult

FAMILY = "residual_pii"

# entity types whose values are common words/names: a coincidental match with a regenerated value is
# expected, so they are compared against the holdout's rate instead of counted one by one
WEAK_TYPES = {E.FIRST_NAME.name, E.LAST_NAME.name, E.CITY.name, E.LOCATION.name, E.POSTCODE.name, E.GENDER.name,
              E.NATIONALITY.name, E.OCCUPATION.name, E.AGE.name, E.DATE_TIME.name, E.DATE_OF_BIRTH.name}
MIN_LEN = 4

TEXTS = {
    "residual_pii.values": dict(
        name="Residual direct identifiers",
        measures="Number of distinct direct-identifier values of the original (e-mails, phone numbers, IDs, full names, ...) found verbatim, after normalisation, anywhere in the release. Common-word identifiers (first names, last names, cities, ...) are compared with the rate at which the holdout's values appear (Fisher exact test), since a regenerated value can coincide with a real one.",
        how_to_read="0 means no original identifier value survived. Any other count is a leak of a direct identifier (the count is given, never the values); details.release_columns_with_values names the release columns where they were found. Columns the scan's values called direct identifiers are searched even when a policy override gave them another category (details.direct_identifier_columns_despite_policy_override).",
        threat_model="Anyone reading the release.",
    ),
    "residual_pii.text": dict(
        name="Residual PII in free-text columns",
        measures="The release's free-text columns, and every other column whose values look like text (multi-word strings) whatever the scan called it, are scanned with the PII detector; the value counts detected spans whose text is a direct-identifier value of the original, plus the distinct phone numbers of the original's own text (found by phonenumbers in every region of the supported languages, without the detector) whose digits are still in the release's text of the same column. Detected spans of each type are reported as counts (replacement identifiers are expected to be detected too).",
        how_to_read="0 means no original identifier was found in the release's text. Any other count is a leak; details.columns_with_leaks names the columns (never the values).",
        threat_model="Anyone reading the release's text.",
    ),
}


# a number written with a decimal point and/or an exponent: "12345678901.0", "1.2345678901E+10", "-3.5e2"
_NUMBER_LITERAL = re.compile(r"[+-]?(?:\d+\.\d*|\.\d+|\d+(?=[eE]))(?:[eE][+-]?\d+)?")
NOT_INTEGER = ""  # number_key of a number with a fractional part: matches nothing


def number_key(v: object) -> Optional[str]:
    """The comparison key of a number, or None when `v` is not one (then `normalize` applies).

    Floats and numeric strings with a decimal point or an exponent are read exactly (`decimal.Decimal` on the
    text, so "1.2345678901E+10" is 12345678901 without float rounding); an exact integer gives its digits
    (12345678901.0 -> "12345678901", what `normalize` gives the int 12345678901), any other number NOT_INTEGER
    ("1.5" is not "15"). Integers and digit strings without a point are left to `normalize` (leading zeros kept)."""
    if isinstance(v, (bool, np.bool_)):
        return None
    if isinstance(v, (float, np.floating)):
        f = float(v)
        if not np.isfinite(f):
            return None
        return str(abs(int(f))) if f.is_integer() else NOT_INTEGER
    if isinstance(v, str):
        t = v.strip()
        if not _NUMBER_LITERAL.fullmatch(t):
            return None
        try:
            d = Decimal(t)
        except InvalidOperation:  # pragma: no cover - the pattern admits only valid literals
            return None
        if not d.is_finite() or abs(d.adjusted()) > 40:
            return None
        return str(abs(int(d))) if d == d.to_integral_value() else NOT_INTEGER
    return None


def value_key(v: object) -> str:
    """`number_key` for a number, else `normalize`."""
    k = number_key(v)
    return normalize(v) if k is None else k


def cell_keys(v: object):
    """The keys of one cell: the whole cell (`value_key`) and every run of 1 to 4 of its words (numbers among
    single words read by `number_key`); `privsynth.matching.cell_candidates` with numbers compared as numbers."""
    k = number_key(v)
    if k is not None:
        if k:
            yield k
        return
    yield from cell_candidates("" if v is None else str(v), word_key=value_key)


def _values(df: pd.DataFrame, col: str) -> set[str]:
    return {x for x in (value_key(v) for v in pd.unique(df[col].dropna())) if len(x) >= MIN_LEN}


def _short_numbers(vals: set[str]) -> bool:
    """A column of short numbers (>= 90% of its values are at most 6 digits: record numbers, counters). A generator
    reproduces such values by chance (a clean release's record numbers fall in the same range), so they are compared
    with the holdout's rate like common words, not counted one by one."""
    if not vals:
        return False
    return sum(v.isdigit() and len(v) <= 6 for v in vals) >= 0.9 * len(vals)


def _found(release: pd.DataFrame, targets: set[str], per_column: Optional[dict[str, int]] = None,
           counted: Optional[set[str]] = None) -> set[str]:
    """Target values found in any release column; `per_column` (when given) receives column name -> distinct values
    found there (only those in `counted` when given)."""
    hit: set[str] = set()
    if not targets:
        return hit
    for c in release.columns:
        here: set[str] = set()
        for v in pd.unique(release[c].dropna()):
            for cand in cell_keys(v):
                if cand in targets:
                    here.add(cand)
        hit |= here
        n_here = len(here if counted is None else here & counted)
        if per_column is not None and n_here:
            per_column[str(c)] = n_here
    return hit


MIN_PHONE_DIGITS = 7
_TRUNK_AFTER_CC = re.compile(r"(\+\d{1,3}|00\d{1,3})[ \t]*\(0\)[ \t]*")
_DIGITS = re.compile(r"\D+")


def phone_regions() -> tuple[str, ...]:
    """Every region of every language privsynth detects (`privsynth.detect.phones.REGIONS`, declared there
    once): the phone check below tries them all, so it does not depend on which language a text was
    identified as."""
    from privsynth.detect.phones import REGIONS

    return tuple(dict.fromkeys(r for regions in REGIONS.values() for r in regions))


def text_phone_numbers(texts, regions: Optional[tuple[str, ...]] = None) -> set[frozenset[str]]:
    """Every phone number that `phonenumbers.PhoneNumberMatcher` (leniency VALID) finds in `texts` for ANY
    of `regions` (default: `phone_regions()`), as the set of its national significant numbers (one per
    region that reads it; digit strings of >= MIN_PHONE_DIGITS): the free-text phone check of
    residual_pii.text, independent of privsynth's own detector and of its language identification. A
    trunk prefix after a country code (`+49 (0)30 ...`) is dropped first."""
    import phonenumbers as pn

    regions = phone_regions() if regions is None else regions

    found: set[frozenset[str]] = set()
    for text in texts:
        if sum(ch.isdigit() for ch in text) < MIN_PHONE_DIGITS:
            continue
        t = _TRUNK_AFTER_CC.sub(r"\1 ", text)
        at: dict[tuple[int, int], set[str]] = {}  # the number at these offsets, as each region reads it
        for region in regions:
            for m in pn.PhoneNumberMatcher(t, region, leniency=pn.Leniency.VALID):
                nsn = pn.national_significant_number(m.number)
                if len(nsn) >= MIN_PHONE_DIGITS:
                    at.setdefault((m.start, m.end), set()).add(nsn)
        # a region that reads only part of a number (`496 0562` of `+44 131 496 0562`) adds no number
        spans = sorted(at, key=lambda se: (se[0], -se[1]))
        for a, b in spans:
            if not any(a2 <= a and b <= b2 and (a2, b2) != (a, b) for a2, b2 in spans):
                found.add(frozenset(set().union(*(at[x] for x in spans if x[0] == a))))
    return found


def _phones_in(texts, numbers: set[frozenset[str]]) -> set[frozenset[str]]:
    """The members of `numbers` one of whose readings occurs among the digits of one of `texts`
    (separators ignored)."""
    hit: set[frozenset[str]] = set()
    if not numbers:
        return hit
    for text in texts:
        digits = _DIGITS.sub("", text)
        if len(digits) >= MIN_PHONE_DIGITS:
            hit |= {n for n in numbers if n not in hit and any(x in digits for x in n)}
    return hit


# a release column is scanned as text when its values look like text, whatever the scan called it (defence in depth:
# a short note naming another customer's phone was called non_personal by the scan, and its leak went unseen here).
# At least half the values have two or more words and the values have three or more words on average: looser than
# the column scan's multi-word rule (privsynth.detect.decide.INSIDE_TEXT_*, which counts values of four or more
# words), so a column that rule misses is still read here.
TEXT_MULTIWORD_SHARE = 0.5
TEXT_MIN_WORDS = 3.0
TEXT_PROBE = 1000  # values read to decide whether a column looks like text


def looks_like_text(col: pd.Series) -> bool:
    """True when a column's values are multi-word strings (see TEXT_MULTIWORD_SHARE, TEXT_MIN_WORDS); numbers,
    dates and single tokens are not text. Reads at most TEXT_PROBE non-null values."""
    if col.dtype != object and not pd.api.types.is_string_dtype(col):
        return False
    vals = [v for v in col.dropna().head(TEXT_PROBE * 2).tolist() if isinstance(v, str) and v.strip()][:TEXT_PROBE]
    if not vals:
        return False
    words = [len(v.split()) for v in vals]
    return sum(w >= 2 for w in words) >= TEXT_MULTIWORD_SHARE * len(vals) and sum(words) / len(vals) >= TEXT_MIN_WORDS


def _detected(ctx: Prepared, col: str) -> dict:
    """The scan's own decision for `col` before a policy `columns:` override (ColumnScan.overridden;
    privsynth.detect.columns._apply_override keeps it as evidence["detected"]); {} when not overridden."""
    cs = ctx.scan.by_name().get(col)
    return (cs.evidence.get("detected") or {}) if cs is not None and cs.overridden else {}


def _entity(ctx: Prepared, col: str) -> str:
    cs = ctx.scan.by_name().get(col)
    if cs is None:
        return ""
    if cs.category != "direct_identifier" and _detected(ctx, col).get("category") == "direct_identifier":
        return _detected(ctx, col).get("entity_type") or cs.entity_type or ""
    return cs.entity_type or ""


def identifier_columns(ctx: Prepared) -> tuple[list[str], list[str]]:
    """(every original column whose values are searched for, those among them searched only because the
    scan's own decision said direct identifier and a policy `columns:` override said otherwise).

    Defence in depth: an override decides how a column is transformed, not what the verifier looks for. Values
    outrank headers, and an override is a header-like input: a column the scan's value evidence called a direct
    identifier is searched for in the release whatever category the policy gave it."""
    ids = [c for c in ctx.names("direct_identifier") if c in ctx.original.columns]
    despite = [cs.name for cs in ctx.scan.columns if cs.name not in ids and cs.name in ctx.original.columns
               and _detected(ctx, cs.name).get("category") == "direct_identifier"]
    return ids + despite, despite


#: an original column whose values identify its records: at least this share of its non-missing rows have a value
#: no other row has, and at least RECORD_UNIQUE_MIN such values
RECORD_UNIQUE_SHARE = 0.95
RECORD_UNIQUE_MIN = 20
_DATE_TYPES = {E.DATE_TIME.name, E.DATE_OF_BIRTH.name}


def record_unique_columns(ctx: Prepared, exclude: list[str]) -> list[str]:
    """Original columns (not in `exclude`, not free text, not dates) whose values identify their records (see
    RECORD_UNIQUE_SHARE): a reference number the scan called non_personal is still one person's value. Numbers with a
    fractional part (amounts) and short numbers (counters) are left out: a release reproduces them by chance."""
    out = []
    by_name = ctx.scan.by_name()
    for c in ctx.original.columns:
        cs = by_name.get(c)
        if c in exclude or (cs is not None and (cs.category == "free_text" or cs.entity_type in _DATE_TYPES)):
            continue
        col = ctx.original[c].dropna()
        if len(col) < RECORD_UNIQUE_MIN or pd.api.types.is_bool_dtype(col) or pd.api.types.is_datetime64_any_dtype(col):
            continue
        keys = col.map(value_key)
        keys = keys[keys.str.len() >= MIN_LEN]
        counts = keys.value_counts()
        n_unique = int((counts == 1).sum())
        if n_unique >= RECORD_UNIQUE_MIN and n_unique >= RECORD_UNIQUE_SHARE * len(col) and not _short_numbers(set(counts.index)):
            out.append(c)
    return out


def values_test(ctx: Prepared, holdout_full: Optional[pd.DataFrame]) -> TestResult:
    ids, despite = identifier_columns(ctx)
    extra = [c for c in ctx.release.columns if c not in ctx.original.columns]
    unique_cols = record_unique_columns(ctx, exclude=ids) if extra else []
    if not ids and not unique_cols:
        return finish(TestResult(id="residual_pii.values", family=FAMILY, **TEXTS["residual_pii.values"], value=0.0,
                                 threshold=float(ctx.thresholds.residual_pii_max), comparator="<=", passed=True,
                                 details={"note": "the scan found no direct-identifier column in the original"}))
    strong, weak = set(), set()
    per_col = {}
    for c in ids:
        vals = _values(ctx.original, c)
        et = _entity(ctx, c)
        if et == E.PERSON.name:
            s = {value_key(v) for v in pd.unique(ctx.original[c].dropna()) if len(str(v).split()) >= 2}
            strong |= {x for x in s if len(x) >= MIN_LEN}
            weak |= vals - s
        elif et in WEAK_TYPES or _short_numbers(vals):
            weak |= vals
        else:
            strong |= vals
        per_col[c] = et or "unknown"
    where: dict[str, int] = {}
    found = _found(ctx.release, strong | weak, where, strong)
    # release columns the original does not have (a renamed or added column): also searched for the values of every
    # original column whose values identify its records (unique), whatever the scan called that column
    extra_targets: set[str] = set()
    for c in unique_cols:
        extra_targets |= _values(ctx.original, c)
    extra_targets -= strong | weak
    extra_where: dict[str, int] = {}
    found_extra = _found(ctx.release[extra], extra_targets, extra_where) if extra_targets else set()
    for c, n in extra_where.items():
        where[c] = where.get(c, 0) + n
    strong = strong | found_extra
    found = found | found_extra
    fs, fw = len(found & strong), len(found & weak)
    det = {"direct_identifier_columns": per_col,
           # columns a policy override took out of direct_identifier, searched because the scan's values said so
           "direct_identifier_columns_despite_policy_override": [str(c) for c in despite],
           "strong_values_checked": len(strong), "strong_values_found": fs,
           "common_word_values_checked": len(weak), "common_word_values_found": fw,
           "release_columns_searched": len(ctx.release.columns),
           # column names only: release columns absent from the original (searched for every identifier value above
           # and for the values of the original's record-unique columns)
           "release_columns_not_in_original": [str(c) for c in extra],
           "record_unique_columns_searched_in_new_columns": [str(c) for c in unique_cols],
           "record_unique_values_found_in_new_columns": len(found_extra),
           # column names only (never values): where the strong identifier values were found
           "release_columns_with_values": dict(sorted(where.items(), key=lambda kv: -kv[1]))}
    p = None
    weak_ok = True
    if weak and holdout_full is not None and all(c in holdout_full.columns for c in ids):
        hw = set()
        for c in ids:
            if _entity(ctx, c) in WEAK_TYPES or _entity(ctx, c) == E.PERSON.name or _short_numbers(_values(ctx.original, c)):
                hw |= _values(holdout_full, c)
        hw -= weak  # values present in both real tables say nothing
        only_t = weak - {x for c in ids for x in _values(holdout_full, c)}
        x = len(found & only_t)
        hf = _found(ctx.release, hw)
        p = stats.fisher_greater(x, max(1, len(only_t)), len(hf), max(1, len(hw)))
        det.update({"common_word_train_only_found": x, "common_word_train_only_checked": len(only_t),
                    "common_word_holdout_only_found": len(hf), "common_word_holdout_only_checked": len(hw),
                    "common_word_p_value": p})
        weak_ok = p >= ctx.alpha
        det["alpha"] = ctx.alpha
    elif weak:
        det["common_word_note"] = "no holdout with the same identifier columns: common-word matches are reported, not judged"
    passed = fs <= ctx.thresholds.residual_pii_max and weak_ok
    # what it failed on (the gate's table shows that quantity, not a count of 0 within its threshold)
    det["failed_on"] = ([] if fs <= ctx.thresholds.residual_pii_max else ["strong_values_found"]) + ([] if weak_ok else ["common_word_p_value"])
    return finish(TestResult(id="residual_pii.values", family=FAMILY, **TEXTS["residual_pii.values"], value=float(fs),
                             p_value=p, threshold=float(ctx.thresholds.residual_pii_max), comparator="<=",
                             passed=passed, details=det))


def text_test(ctx: Prepared, text_detector: Optional[Callable[[list[str]], list[list[Span]]]],
              max_texts: int = 2000) -> TestResult:
    cols = [c for c in ctx.names("free_text") if c in ctx.release.columns]
    extra = [c for c in ctx.release.columns if c not in ctx.scan.by_name() and ctx.release[c].dtype == object
             and ctx.release[c].dropna().astype(str).str.len().mean() > 40]
    cols += [c for c in extra if c not in cols]
    # defence in depth: every column whose values look like text, whatever the scan called it
    not_free_text = [c for c in ctx.release.columns if c not in cols and looks_like_text(ctx.release[c])]
    cols += not_free_text
    if not cols:
        return finish(TestResult(id="residual_pii.text", family=FAMILY, **TEXTS["residual_pii.text"], value=0.0,
                                 threshold=float(ctx.thresholds.residual_pii_max), comparator="<=", passed=True,
                                 details={"note": "the release has no free-text column"}))
    if text_detector is None:  # the caller builds it (privsynth.pipeline.text_detector)
        return TestResult(id="residual_pii.text", family=FAMILY, **TEXTS["residual_pii.text"], status="not_run",
                          reason_not_run="no PII text detector was given to the evaluation (text_detector=None)")
    targets = set()
    for c in identifier_columns(ctx)[0]:
        targets |= _values(ctx.original, c)
    counts: dict[str, int] = {}
    leaked = 0
    by_col: dict[str, int] = {}
    n_texts = 0
    rng = ctx.rng(61)
    for c in cols:
        texts = [str(v) for v in ctx.release[c].dropna().tolist() if str(v).strip()]
        if len(texts) > max_texts:
            texts = [texts[i] for i in rng.choice(len(texts), size=max_texts, replace=False)]
        n_texts += len(texts)
        spans = text_detector(texts)
        for text, ss in zip(texts, spans):
            for s in ss:
                counts[s.entity_type] = counts.get(s.entity_type, 0) + 1
                if value_key(text[s.start : s.end]) in targets:
                    leaked += 1
                    by_col[str(c)] = by_col.get(str(c), 0) + 1
    # defence in depth: the original text's own phone numbers, found by phonenumbers in every region of the
    # supported languages (not by the detector above, which may share a blind spot with the transform)
    phones_checked = phones_found = 0
    for c in [c for c in cols if c in ctx.original.columns]:
        numbers = text_phone_numbers(str(v) for v in ctx.original[c].dropna().tolist())
        hit = _phones_in((str(v) for v in ctx.release[c].dropna().tolist()), numbers)
        phones_checked += len(numbers)
        phones_found += len(hit)
        if hit:
            by_col[str(c)] = by_col.get(str(c), 0) + len(hit)
    leaked += phones_found
    return finish(TestResult(id="residual_pii.text", family=FAMILY, **TEXTS["residual_pii.text"], value=float(leaked),
                             threshold=float(ctx.thresholds.residual_pii_max), comparator="<=",
                             passed=leaked <= ctx.thresholds.residual_pii_max,
                             details={"text_columns": cols, "texts_scanned": n_texts, "spans_by_type": counts,
                                      "text_phone_numbers_checked": phones_checked,
                                      "text_phone_numbers_found": phones_found,
                                      # columns scanned because their values look like text though the scan did not call them free_text
                                      "text_columns_not_free_text_in_scan": [str(c) for c in not_free_text],
                                      # column names only (never values): where original identifiers were found in text
                                      "columns_with_leaks": dict(sorted(by_col.items(), key=lambda kv: -kv[1]))}))


def run(ctx: Prepared, holdout_full: Optional[pd.DataFrame], text_detector) -> list[TestResult]:
    return [values_test(ctx, holdout_full), text_test(ctx, text_detector)]


@register
class ResidualPII(Family):
    id = "residual_pii"
    title = "Residual direct identifiers"
    verdict_role = "required"
    threshold_keys = ('residual_pii_max',)
    order = 60

    def run(self, prepared: Prepared) -> list[TestResult]:
        return run(prepared, prepared.holdout_table, prepared.text_detector)
