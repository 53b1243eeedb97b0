"""Compare like with like: when a released column is coarser than the original, coarsen the real tables the same way.

A release made with generalization (dates to years, postcodes truncated, numbers binned or rounded) holds
values of another granularity than the original and the holdout. Compared as they are, a released year
"1966" read as mid-1966 sits at a distance from a real birth date that depends on where in 1966 the person
was born, a truncated postcode never equals a real one, and distance and copy tests measure that artefact
instead of closeness: a verbatim copy of a real record (generalized like every other row) is not found,
and chance differences between training and holdout records' positions inside a period show up as "near
copies". So before any distance or match test the original and the holdout are coarsened to the release's
granularity, column by column.

The granularity is read from the **values** of the release (defence in depth: the transform's own evidence
is not needed, so a release generalized elsewhere is handled the same way):

* dates: every released value is a year (``1966``, or a datetime on 1 January), a year-month (``1966-09``,
  or a datetime on the 1st) or a decade (``1960s``) while the original holds finer dates -> the real dates
  are floored to that period;
* truncated codes: the released text values are at most L characters (after removing a trailing pad of
  ``*``/``#``/``X``), the original's are longer, and at least 95% of released values are L-character
  prefixes of original values (under 50% equal an original value) -> real values cut to L characters;
* binned numbers: at least 95% of released values are bands (``30-39``, ``[0.5, 1)``, ``30s``, ``90+``,
  ``<18``; see `parse_band`) -> a real number becomes the representative of the released band that holds it
  (the encoding reads a band as that number);
* rounded numbers: every released value is a multiple of a step s (10^k, 2*10^k or 5*10^k) that under half
  of the original's values are multiples of -> real numbers rounded to s.

What was coarsened, and why, goes to ``evaluation.distance.notes.columns_coarsened_to_release``.
"""

from __future__ import annotations

import math
import re
from typing import Optional

import numpy as np
import pandas as pd

#: share of released values that must have the coarser shape
SHAPE_SHARE = 0.99
PREFIX_SHARE = 0.95
PAD = "*#X"
_YEAR = re.compile(r"^\d{4}$")
_MONTH = re.compile(r"^\d{4}-\d{2}$")
_DECADE = re.compile(r"^\d{3}0s$")
_NUM = r"(-?\d+(?:\.\d+)?)"
_INTERVAL = re.compile(r"^\s*([\[(]?)\s*" + _NUM + r"\s*(?:-|–|,|\.\.)\s*" + _NUM + r"\s*([\])]?)\s*$")
_DECADE_BAND = re.compile(r"^\s*(\d*0)'?s\s*$")  # "30s", "30's": [30, 40)
_AT_LEAST = re.compile(r"^\s*(?:" + _NUM + r"\s*\+|(?:>=|≥|>)\s*" + _NUM + r")\s*$")  # "90+", ">=90", ">90"
_BELOW = re.compile(r"^\s*(?:<|<=|≤)\s*" + _NUM + r"\s*$")  # "<18", "<=17"


def parse_band(value: str) -> Optional[tuple[float, float, bool, float]]:
    """A generalized number of an anonymized release as (low, high, high inclusive, representative), or None.

    Shapes (SDC global recoding, e.g. Hundepool et al., *Statistical Disclosure Control*, 2012, ch. 3):
    intervals ``30-39`` / ``[30, 40)`` / ``30..39`` (representative: the midpoint), decade bands ``30s``
    (= [30, 40), midpoint 35), top codes ``90+`` / ``>=90`` / ``>90`` (= [90, inf), representative 90) and
    bottom codes ``<18`` / ``<=17`` (= (-inf, 18), representative 18). The representative is the one number the
    encoding reads the band as; the original is coarsened to the same number (`to_midpoints`), so only equality
    of bands matters, not where inside a band the representative lies."""
    m = _INTERVAL.match(value)
    if m:
        a, b = float(m.group(2)), float(m.group(3))
        return (a, b, m.group(4) != ")", (a + b) / 2) if b >= a else None
    m = _DECADE_BAND.match(value)
    if m and m.group(1):
        a = float(m.group(1))
        return a, a + 10, False, a + 5
    m = _AT_LEAST.match(value)
    if m:
        a = float(m.group(1) or m.group(2))
        return a, math.inf, True, a
    m = _BELOW.match(value)
    if m:
        b = float(m.group(1))
        return -math.inf, b, value.strip().startswith(("<=", "≤")), b
    return None


def date_period(values: pd.Series) -> Optional[str]:
    """The period every value of a date column is given at: "decade", "year", "month" or None (finer, or mixed).

    Text values: ``1960s`` / ``1966`` / ``1966-09``; datetimes: all on 1 January (year) or on the 1st (month),
    at midnight. Needs at least 10 present values."""
    v = values.dropna()
    if len(v) < 10:
        return None
    if pd.api.types.is_datetime64_any_dtype(v):
        if ((v.dt.hour == 0) & (v.dt.minute == 0) & (v.dt.second == 0)).mean() < SHAPE_SHARE:
            return None
        if ((v.dt.month == 1) & (v.dt.day == 1)).mean() >= SHAPE_SHARE:
            return "decade" if (v.dt.year % 10 == 0).mean() >= SHAPE_SHARE and v.dt.year.nunique() > 1 else "year"
        if (v.dt.day == 1).mean() >= SHAPE_SHARE:
            return "month"
        return None
    s = v.astype(str).str.strip()
    for name, rx in (("decade", _DECADE), ("year", _YEAR), ("month", _MONTH)):
        if s.str.match(rx).mean() >= SHAPE_SHARE:
            return name
    return None


_RANK = {None: 0, "month": 1, "year": 2, "decade": 3}


def floor_dates(dt: pd.Series, period: str) -> pd.Series:
    """Datetimes floored to the start of their month, year or decade (missing stays missing)."""
    dt = pd.to_datetime(dt, errors="coerce")
    ok = dt.notna()
    out = pd.Series(pd.NaT, index=dt.index, dtype="datetime64[ns]")
    if not ok.any():
        return out
    d = dt[ok]
    year = d.dt.year
    if period == "decade":
        year = year // 10 * 10
    month = d.dt.month if period == "month" else 1
    out[ok] = pd.to_datetime(pd.DataFrame({"year": year, "month": month, "day": 1}))
    return out


def coarser_dates(raw_release: pd.Series, original: pd.Series) -> Optional[str]:
    """The release's date period when it is coarser than the original's (None otherwise)."""
    p = date_period(raw_release)
    return p if _RANK[p] > _RANK[date_period(original)] else None


def _strip_pad(s: pd.Series) -> pd.Series:
    return s.str.rstrip(PAD)


def truncation_length(release: pd.Series, original: pd.Series) -> Optional[int]:
    """L when the released text values are the original's values cut to L characters (see module doc)."""
    # every string test is run once per distinct value and counted per value (`codes`): the same shares
    r_codes, r = _distinct_stripped(release)
    o_codes, o = _distinct_stripped(original)
    if len(r_codes) < 10 or len(o_codes) < 10:
        return None
    r = _strip_pad(r)
    L = int(r.str.len().max())
    if L <= 0 or (o.str.len() > L).to_numpy()[o_codes].mean() < 0.5:
        return None
    if r.isin(set(o)).to_numpy()[r_codes].mean() >= 0.5:
        return None
    if r.isin(set(o.str[:L])).to_numpy()[r_codes].mean() < PREFIX_SHARE:
        return None
    return L


def _distinct_stripped(s: pd.Series) -> tuple[np.ndarray, pd.Series]:
    """(per present value the number of its distinct string, the distinct strings stripped of white space)."""
    codes, uniq = pd.factorize(s.dropna().astype(str))
    return codes, pd.Series(uniq, dtype=object).str.strip()


def truncate(s: pd.Series, L: int) -> pd.Series:
    return s.where(s.isna(), s.astype(str).str.strip().str[:L])


def release_intervals(release: pd.Series) -> Optional[list[tuple[float, float, bool, float]]]:
    """Distinct released bands (low, high, high inclusive, representative; see `parse_band`) when >= 95% of the
    values are bands."""
    if pd.api.types.is_numeric_dtype(release):
        return None
    r = release.dropna().astype(str).str.strip()
    if len(r) < 10:
        return None
    bands = {v: parse_band(v) for v in pd.unique(r)}
    ok = r.map(bands).notna()
    if ok.mean() < PREFIX_SHARE:
        return None
    return sorted({b for b in bands.values() if b is not None})


def to_midpoints(x: pd.Series, intervals: list[tuple[float, float, bool, float]]) -> pd.Series:
    """Numbers replaced by the midpoint of the (first) released interval holding them; others unchanged."""
    v = pd.to_numeric(x, errors="coerce").astype(float).to_numpy()
    out = v.copy()
    done = np.zeros(len(v), bool)
    for lo, hi, inclusive, mid in intervals:
        inside = ~done & (v >= lo) & ((v <= hi) if inclusive else (v < hi))
        out[inside] = mid
        done |= inside
    return pd.Series(out, index=x.index)


def _multiple_share(v: np.ndarray, step: float) -> float:
    # the tolerance absorbs float rounding only (about 1e-16 of |q|): at 1e-6 of |q| every 11-digit number counted
    # as a multiple of 200,000, so regenerated IDs "rounded" the original's real IDs (and residual_pii searched those)
    q = v / step
    return float((np.abs(q - np.round(q)) <= 1e-12 * np.maximum(1.0, np.abs(q))).mean())


def rounding_step(release: pd.Series, original: pd.Series) -> Optional[float]:
    """The largest step s (10^k, 2*10^k, 5*10^k) every released number is a multiple of, when under half of the
    original's numbers are (so the release was rounded); None otherwise."""
    if not (pd.api.types.is_numeric_dtype(release) and pd.api.types.is_numeric_dtype(original)):
        return None
    if pd.api.types.is_bool_dtype(release) or pd.api.types.is_bool_dtype(original):
        return None
    r = release.dropna().to_numpy(dtype=float)
    o = original.dropna().to_numpy(dtype=float)
    r, o = r[np.isfinite(r)], o[np.isfinite(o)]
    if len(r) < 10 or len(o) < 10 or len(np.unique(r)) < 3:
        return None
    span = float(np.abs(o).max()) or 1.0
    for k in range(int(math.floor(math.log10(span))), -4, -1):
        for m in (5, 2, 1):
            s = m * 10.0 ** k
            if _multiple_share(r, s) >= SHAPE_SHARE:
                return s if _multiple_share(o, s) < 0.5 else None
    return None


def match_granularity(original: pd.DataFrame, release: pd.DataFrame, holdout: Optional[pd.DataFrame],
                      columns: list[str], notes: dict):
    """Coarsen the original and holdout (copies) to the release's granularity, column by column (text and numbers;
    dates are handled where they are parsed, see `coarser_dates`). Returns (original, release, holdout)."""
    done: dict[str, str] = dict(notes.get("columns_coarsened_to_release", {}))
    copied = False

    def own():
        nonlocal original, holdout, release, copied
        if not copied:
            original, release = original.copy(), release.copy()
            holdout = holdout.copy() if holdout is not None else None
            copied = True

    for c in columns:
        if c in done or c not in release.columns:
            continue
        o, r = original[c], release[c]
        if pd.api.types.is_datetime64_any_dtype(o):
            continue
        o_num = pd.api.types.is_numeric_dtype(o) and not pd.api.types.is_bool_dtype(o)
        if o_num:
            iv = release_intervals(r)
            if iv:
                own()
                original[c] = to_midpoints(original[c], iv)
                if holdout is not None and c in holdout:
                    holdout[c] = to_midpoints(holdout[c], iv)
                done[c] = f"numbers binned into the release's {len(iv)} intervals (real values -> the midpoint of theirs)"
                continue
            step = rounding_step(r, o)
            if step is not None:
                own()
                original[c] = (o / step).round() * step
                if holdout is not None and c in holdout:
                    holdout[c] = (pd.to_numeric(holdout[c], errors="coerce") / step).round() * step
                done[c] = f"numbers rounded to multiples of {step:g}, as every released value is"
            continue
        L = truncation_length(r, o)
        if L is not None:
            own()
            original[c] = truncate(o, L)
            release[c] = r.where(r.isna(), _strip_pad(r.astype(str).str.strip()))
            if holdout is not None and c in holdout:
                holdout[c] = truncate(holdout[c], L)
            done[c] = f"text cut to its first {L} characters, as the released values are"
    if done:
        notes["columns_coarsened_to_release"] = done
    return original, release, holdout
