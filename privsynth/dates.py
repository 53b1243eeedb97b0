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


# --------------------------------------------------------------------------- dates in any storage
#
# Spreadsheets and exports store dates as numbers: YYYYMMDD integers (19750630), Excel serial day
# numbers (27575 = 1975-06-30, 1900 date system: day 0 is 1899-12-30 because Excel counts the
# fictitious 29 Feb 1900), Unix epoch seconds or milliseconds. `date_storage` finds the storage of
# a column from its values, `to_datetimes` reads it, and `from_datetimes` writes datetimes back in
# that same storage, so a synthesized or generalized column keeps its original representation and
# never holds an invalid date.

import datetime as _dt  # noqa: E402
from dataclasses import dataclass  # noqa: E402
from typing import Optional  # noqa: E402

import numpy as np  # noqa: E402

EXCEL_EPOCH = pd.Timestamp("1899-12-30")
_MIN_YEAR, _MAX_YEAR = 1900, 2100


@dataclass(frozen=True)
class DateStorage:
    """How a column stores its dates.

    kind: "yyyymmdd" | "excel" | "epoch_s" | "epoch_ms" | "text" | "datetime"
    fmt: the strftime format of a text column (the most frequent one), else None.
    share: share (0-1) of the non-missing values that read as valid dates in this storage.
    needs_name: True when the values alone are not enough to call the column a date (Excel
    serials and day-precision epoch values look like ordinary counts): the scan then needs a
    date-like column name as well.
    """

    kind: str
    fmt: Optional[str] = None
    share: float = 1.0
    needs_name: bool = False


def _numbers(s: pd.Series) -> Optional[pd.Series]:
    """Integer-valued numbers of a column (numeric dtype or digit strings), or None."""
    nn = s.dropna()
    if nn.empty:
        return None
    if pd.api.types.is_bool_dtype(nn):
        return None
    if pd.api.types.is_numeric_dtype(nn):
        x = pd.to_numeric(nn, errors="coerce").astype(float)
    else:
        st = nn.astype(str).str.strip()
        if not st.str.fullmatch(r"-?\d{1,13}(?:\.0+)?").all():
            return None
        x = pd.to_numeric(st, errors="coerce").astype(float)
    x = x[np.isfinite(x)]
    if x.empty or not (np.mod(x, 1) == 0).all():
        return None
    return x


def _valid_yyyymmdd(x: pd.Series) -> pd.Series:
    v = x.astype("int64")
    y, m, d = v // 10000, (v // 100) % 100, v % 100
    ok = (y >= _MIN_YEAR) & (y <= _MAX_YEAR) & (m >= 1) & (m <= 12) & (d >= 1) & (d <= 31)
    parsed = pd.to_datetime(v.where(ok).astype("Int64").astype(str), format="%Y%m%d", errors="coerce")
    return ok & parsed.notna().to_numpy()


def date_storage(s: pd.Series, named_as_date: bool = False) -> Optional[DateStorage]:
    """The date storage of a column, or None when its values are not dates in any storage.

    Args: s: the column (any dtype); named_as_date: the column name says it holds dates, which
    admits storages that values alone cannot tell from counts (Excel serials, epoch values).
    Returns: a DateStorage when at least 95% of the non-missing values read as dates between
    1900 and 2100 in one storage.
    """
    if pd.api.types.is_numeric_dtype(s) and not pd.api.types.is_bool_dtype(s):
        a = np.asarray(s.to_numpy(), dtype=float)
        a = a[np.isfinite(a)]
        # fast exit (wide tables): no YYYYMMDD or epoch value is below 1e7, Excel serials need a name
        if not len(a) or (not named_as_date and float(np.mean(np.abs(a) < 1e7)) > 0.05):
            return None
    nn = s.dropna()
    if nn.empty:
        return None
    if pd.api.types.is_datetime64_any_dtype(nn):
        return DateStorage("datetime")
    x = _numbers(nn)
    if x is not None:
        n = len(x)
        ok8 = _valid_yyyymmdd(x[(x >= 19000101) & (x <= 21001231)]).sum() if ((x >= 19000101) & (x <= 21001231)).any() else 0
        if ok8 / n >= 0.95:
            return DateStorage("yyyymmdd", share=round(float(ok8) / n, 4))
        lo, hi = x.min(), x.max()
        # epoch seconds 1900..2100 = -2.21e9 .. 4.1e9 and milliseconds x1000; values of at least
        # 1e7 in magnitude (a count rarely is). Day-precision values (multiples of 60 s) can be told
        # from values; others need a date-like name.
        if -2.21e9 <= lo and hi <= 4.11e9 and (x.abs() >= 1e7).mean() >= 0.95:
            round_minutes = float((np.mod(x, 60) == 0).mean())
            if round_minutes >= 0.95 or named_as_date:
                return DateStorage("epoch_s", share=1.0, needs_name=round_minutes < 0.95)
        if -2.21e12 <= lo and hi <= 4.11e12 and (x.abs() >= 1e10).mean() >= 0.95:
            round_minutes = float((np.mod(x, 60_000) == 0).mean())
            if round_minutes >= 0.95 or named_as_date:
                return DateStorage("epoch_ms", share=1.0, needs_name=round_minutes < 0.95)
        # Excel serials 1900-01-01 .. 2100-12-31 = 1 .. 73415; plausible only with a date-like name
        if named_as_date and lo >= 1 and hi <= 73415 and x.median() >= 10000:
            return DateStorage("excel", share=1.0, needs_name=True)
        return None
    st = nn.astype(str).str.strip()
    shaped = date_shaped(st)
    if shaped.mean() < 0.95:
        return None
    parsed, counts = parse_dates(st[shaped])
    share = float(parsed.notna().sum()) / len(st)
    if share < 0.95 or not counts:
        return None
    return DateStorage("text", fmt=max(counts, key=counts.get), share=round(share, 4))


def to_datetimes(s: pd.Series, storage: DateStorage) -> pd.Series:
    """Read a column stored as `storage` into datetime64 (invalid values become NaT)."""
    if storage.kind == "datetime":
        return pd.to_datetime(s, errors="coerce")
    if storage.kind == "text":
        out, _ = parse_dates(s.astype("string"))
        return out
    x = pd.to_numeric(s, errors="coerce")
    if storage.kind == "yyyymmdd":
        txt = x.astype("Int64").astype("string")
        return pd.to_datetime(txt, format="%Y%m%d", errors="coerce")
    if storage.kind == "excel":
        return EXCEL_EPOCH + pd.to_timedelta(x, unit="D")
    if storage.kind == "epoch_s":
        return pd.to_datetime(x, unit="s", errors="coerce")
    if storage.kind == "epoch_ms":
        return pd.to_datetime(x, unit="ms", errors="coerce")
    raise ValueError(f"unknown date storage {storage.kind!r}")


def from_datetimes(d: pd.Series, storage: DateStorage, like: Optional[pd.Series] = None) -> pd.Series:
    """Write datetimes back in `storage` (the inverse of `to_datetimes`). Values are clipped to
    1900-01-01..2100-12-31 first, so the output never holds an invalid date; missing stays missing.
    `like`: the original column, whose dtype (int or text digits) the output follows."""
    d = pd.to_datetime(d, errors="coerce")
    d = d.where(d.isna(), d.clip(pd.Timestamp(_MIN_YEAR, 1, 1), pd.Timestamp(_MAX_YEAR, 12, 31)))
    textual = like is not None and not pd.api.types.is_numeric_dtype(like) and storage.kind not in ("text", "datetime")
    if storage.kind == "datetime":
        return d
    if storage.kind == "text":
        return d.dt.strftime(storage.fmt or "%Y-%m-%d").astype(object).where(d.notna(), np.nan)
    if storage.kind == "yyyymmdd":
        v = d.dt.strftime("%Y%m%d")
    elif storage.kind == "excel":
        v = (d.dt.normalize() - EXCEL_EPOCH).dt.days.astype("Int64").astype("string")
    elif storage.kind == "epoch_s":
        v = (d.astype("int64") // 10**9).astype("string")
    else:
        v = (d.astype("int64") // 10**6).astype("string")
    v = v.where(d.notna(), pd.NA)
    if textual:
        return v.astype(object).where(d.notna(), np.nan)
    out = pd.to_numeric(v, errors="coerce")
    return out.astype("int64") if out.notna().all() else out.astype("Int64")


def period_middle(d: pd.Series, level: str) -> pd.Series:
    """Each date replaced by the middle day of its period, for generalized dates kept in a numeric storage.

    level: "month" (the 15th), "year" (1 July) or "decade" (1 July of the decade's fifth year, 1975-07-01 for
    the 1970s); missing stays missing. These are the days `parse_dates_generalized` reads generalized text
    dates as ("1947-09" -> 15 Sep, "1947" -> 1 July), so a release compares alike whichever storage it uses.
    Raises ValueError for another level."""
    d = pd.to_datetime(d, errors="coerce")
    y, m = d.dt.year, d.dt.month
    if level == "month":
        parts = pd.DataFrame({"year": y, "month": m, "day": 15})
    elif level == "year":
        parts = pd.DataFrame({"year": y, "month": 7, "day": 1})
    elif level == "decade":
        parts = pd.DataFrame({"year": (y // 10) * 10 + 5, "month": 7, "day": 1})
    else:
        raise ValueError(f"unknown date level {level!r} (month, year or decade)")
    out = pd.to_datetime(parts.where(d.notna()), errors="coerce")
    return out.where(d.notna(), pd.NaT)


def numeric_date_storage(s: pd.Series) -> Optional[DateStorage]:
    """The storage of a column that a policy or a scan says holds dates, when the dates are numbers (YYYYMMDD,
    Excel serial, epoch seconds or milliseconds; as numbers or digit strings), else None. Text dates and
    datetime columns are read with DATE_FORMATS by their callers."""
    if not pd.api.types.is_numeric_dtype(s) and not pd.api.types.is_datetime64_any_dtype(s):
        # text: a numeric storage needs every value to be digits (`_numbers`); one value that is not
        # ("1975-06-30") settles it without parsing the whole column as text dates first
        nn = s.dropna()
        head = nn.iloc[:1000]
        if nn.empty or _numbers(head) is None or _numbers(nn) is None:
            return None
    st = date_storage(s, named_as_date=True)
    return st if st is not None and st.kind not in ("text", "datetime") else None


def date_from_storage_ok(value: object, storage: DateStorage) -> bool:
    """One value: is it a valid date in `storage`? (used by tests and checks)"""
    r = to_datetimes(pd.Series([value]), storage).iloc[0]
    return r is not pd.NaT and not pd.isna(r) and _dt.date(_MIN_YEAR, 1, 1) <= r.date() <= _dt.date(_MAX_YEAR, 12, 31)
