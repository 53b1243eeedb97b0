"""Dates written as text: the formats privsynth recognizes and a value-by-value parser.

Used by synthesis (to model date columns as datetimes) and by evaluation (so that a date column
is a number in the distance, not a category with one level per day).
"""

from __future__ import annotations

import pandas as pd

DATE_FORMATS: tuple[str, ...] = (
    "%Y-%m-%d",
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%dT%H:%M:%S",
    "%Y-%m-%dT%H:%M:%SZ",
    "%Y-%m-%d %H:%M:%S.%f",
    "%Y-%m-%dT%H:%M:%S.%f",
    "%Y-%m-%d %H:%M",
    "%Y/%m/%d",
    "%d.%m.%Y",
    "%m/%d/%Y",
    "%d/%m/%Y",
    "%m/%d/%Y %H:%M",
    "%d/%m/%Y %H:%M",
    "%d-%m-%Y",
    "%d %b %Y",
    "%b %d, %Y",
)
_DATE_SHAPE = r"^\s*(\d{1,4}[-/.]\d{1,2}[-/.]\d{1,4}|\d{1,2} [A-Za-z]{3} \d{4}|[A-Za-z]{3} \d{1,2}, \d{4})([ T]\d{1,2}:\d{2}(:\d{2}(\.\d+)?)?Z?)?\s*$"


def date_shaped(s: pd.Series) -> pd.Series:
    """Per value: does it have the shape of one of DATE_FORMATS? A cheap regex test before parsing."""
    return s.astype(str).str.match(_DATE_SHAPE)


def parse_dates(s: pd.Series) -> tuple[pd.Series, dict[str, int]]:
    """Parse a text column value by value with DATE_FORMATS; returns (datetimes, format counts)."""
    st = s.astype("string").str.strip()
    order = list(DATE_FORMATS)
    # decide day-first vs month-first for slash dates from values only one of them can parse
    md = pd.to_datetime(st, format="%m/%d/%Y", errors="coerce")
    dm = pd.to_datetime(st, format="%d/%m/%Y", errors="coerce")
    only_dm = int((dm.notna() & md.isna()).sum())
    only_md = int((md.notna() & dm.isna()).sum())
    if only_dm > 0 and only_md == 0:
        for a, b in (("%d/%m/%Y", "%m/%d/%Y"), ("%d/%m/%Y %H:%M", "%m/%d/%Y %H:%M")):
            i, j = order.index(a), order.index(b)
            order[i], order[j] = order[j], order[i]
    out = pd.Series(pd.NaT, index=s.index, dtype="datetime64[ns]")
    counts: dict[str, int] = {}
    for fmt in order:
        todo = out.isna() & st.notna()
        if not todo.any():
            break
        parsed = pd.to_datetime(st[todo], format=fmt, errors="coerce")
        hit = parsed.notna()
        if hit.any():
            out.loc[parsed.index[hit]] = parsed[hit]
            counts[fmt] = int(hit.sum())
    return out, counts


def parse_dates_generalized(s: pd.Series) -> pd.Series:
    """Like `parse_dates`, and also reads generalized dates of an anonymized release: a year
    ("1947") as 1 July of that year, a year-month ("1947-09") as the 15th of that month."""
    out, _ = parse_dates(s)
    st = s.astype("string").str.strip()
    todo = out.isna() & st.notna()
    if todo.any():
        year = pd.to_datetime(st[todo], format="%Y", errors="coerce") + pd.Timedelta(days=181)
        month = pd.to_datetime(st[todo], format="%Y-%m", errors="coerce") + pd.Timedelta(days=14)
        out.loc[todo] = year.fillna(month)
    return out
