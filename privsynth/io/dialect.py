"""CSV dialect (delimiter, quote character) and number format (decimal and thousands separators).

Delimiter: of `, ; TAB |`, the one that splits the header into more than one field and gives
the most sample records the header's field count (quote-aware parsing of the first lines; ties
go in that order). `csv.Sniffer` alone picks wrong delimiters on short or quoted samples.

Decimal separator: "," when sampled values have the unambiguous shape of decimal-comma numbers
(`826,71`, `7.590,29`, `-0,5`) and none the shape of decimal-point numbers (`826.71`,
`7,590.29`); otherwise ".". Values such as `1,234` or `7.590` are ambiguous and not counted.
Thousands separator: the other of "." and "," (or a space) when grouped values are seen.

`infer_types` then parses all-numeric columns with that format; `inf`, `nan`, `NA`, `null`
and empty cells in a numeric column are missing values (counted per column).
"""

from __future__ import annotations

import csv
import io
import re
from typing import Optional

import numpy as np
import pandas as pd

DELIMITERS = (",", ";", "\t", "|")
MISSING_TOKENS = frozenset({
    "", "nan", "NaN", "NAN", "-nan", "inf", "-inf", "+inf", "Inf", "-Inf", "+Inf", "INF", "-INF",
    "infinity", "-infinity", "Infinity", "-Infinity", "INFINITY", "NA", "N/A", "n/a", "#N/A",
    "null", "NULL", "Null", "None", "#NUM!", "#DIV/0!", "#VALUE!",
})
_COMMA_DECIMAL = re.compile(r"^[+-]?(?:\d{1,3}(?:\.\d{3})+,\d+|\d+,(?:\d{1,2}|\d{4,}))$")
_POINT_DECIMAL = re.compile(r"^[+-]?(?:\d{1,3}(?:,\d{3})+\.\d+|\d+\.(?:\d{1,2}|\d{4,}))$")
_DOT_GROUPS = re.compile(r"^[+-]?\d{1,3}(?:\.\d{3})+(?:,\d+)?$")
_COMMA_GROUPS = re.compile(r"^[+-]?\d{1,3}(?:,\d{3})+(?:\.\d+)?$")
_SPACE_GROUPS = re.compile(r"^[+-]?\d{1,3}(?:[ \u00a0\u202f]\d{3})+(?:[.,]\d+)?$")


def sniff_delimiter(sample: str, quotechar: str = '"') -> str:
    """The delimiter of a CSV sample (see the module docstring); "," for a single column."""
    best, best_score = ",", (-1.0, 0)
    for d in DELIMITERS:
        try:
            rows = [r for r in csv.reader(io.StringIO(sample), delimiter=d, quotechar=quotechar) if r]
        except csv.Error:
            continue
        rows = rows[:200]
        if len(rows) > 1 and not sample.endswith(("\n", "\r")):
            rows = rows[:-1]  # the sample may cut the last record
        if not rows or len(rows[0]) < 2:
            continue
        n = len(rows[0])
        body = rows[1:] or rows
        share = sum(len(r) == n for r in body) / len(body)
        score = (share, n)
        if score > best_score:
            best, best_score = d, score
    return best


def sniff_quotechar(sample: str) -> str:
    """'"' unless the sample has no double quote and csv.Sniffer finds single-quoted fields."""
    if '"' in sample or "'" not in sample:
        return '"'
    try:
        q = csv.Sniffer().sniff(sample[:20000], delimiters="".join(DELIMITERS)).quotechar
    except csv.Error:
        return '"'
    return q if q in ('"', "'") else '"'


def sniff_number_format(values: list[str], delimiter: str) -> tuple[str, Optional[str]]:
    """(decimal, thousands) from sample cell values; see the module docstring."""
    comma = point = 0
    for v in values:
        v = v.strip()
        if not v or len(v) > 30:
            continue
        if _COMMA_DECIMAL.match(v):
            comma += 1
        elif _POINT_DECIMAL.match(v):
            point += 1
    decimal = "," if comma and not point else "."
    return decimal, sniff_thousands(values, decimal)


def sniff_thousands(values: list[str], decimal: str) -> Optional[str]:
    """The thousands separator seen in `values` given the decimal mark: "." or ",", " " or None."""
    groups = _DOT_GROUPS if decimal == "," else _COMMA_GROUPS
    seen_group = seen_space = False
    for v in values:
        v = v.strip()
        if groups.match(v):
            seen_group = True
        elif _SPACE_GROUPS.match(v):
            seen_space = True
    if seen_group:
        return "." if decimal == "," else ","
    if seen_space:
        return " "
    return None


def _number_regex(decimal: str, thousands: Optional[str]) -> re.Pattern[str]:
    d = re.escape(decimal)
    if thousands == " ":
        t = "[ \u00a0\u202f]"
    elif thousands:
        t = re.escape(thousands)
    else:
        t = None
    integer = rf"(?:\d+|\d{{1,3}}(?:{t}\d{{3}})+)" if t else r"\d+"
    return re.compile(rf"^[+-]?(?:{integer}(?:{d}\d*)?|{d}\d+)(?:[eE][+-]?\d+)?$")


def parse_numbers(values: pd.Series, decimal: str = ".", thousands: Optional[str] = None) -> Optional[pd.Series]:
    """`values` (strings, stripped, no missing tokens) as floats, or None if one is not a number."""
    rx = _number_regex(decimal, thousands)
    if not values.str.match(rx).all():
        return None
    norm = values
    if thousands:
        norm = norm.str.replace(r"[ \u00a0\u202f]" if thousands == " " else re.escape(thousands), "", regex=True)
    if decimal != ".":
        norm = norm.str.replace(decimal, ".", regex=False)
    return pd.to_numeric(norm, errors="coerce")


def _may_be_numeric(head: pd.Series, decimal: str, thousands: Optional[str]) -> bool:
    st = head.astype(str).str.strip()
    st = st[~st.isin(MISSING_TOKENS)]
    if st.empty:
        return True
    if st.str.match(r"^[+]|^0\d").any() or (st.str.len() > 15).any():
        return False
    return parse_numbers(st, decimal, thousands) is not None


def _numbers_of(cells: pd.Series, decimal: str, thousands: Optional[str]) -> Optional[tuple[np.ndarray, np.ndarray]]:
    """The numbers of `cells` (non-missing values of one column) when every one is a number or a
    missing token: (float64 per cell, NaN for a token; bool per cell, True for a token), else None.
    Identifiers that look numeric (a leading plus or zero, more than 15 characters) are not numbers."""
    st = cells.astype(str).str.strip()
    tokens = st.isin(MISSING_TOKENS)
    vals = st[~tokens]
    if vals.empty or vals.str.match(r"^[+]|^0\d").any() or (vals.str.len() > 15).any():
        return None
    num = parse_numbers(vals, decimal, thousands)
    if num is None or num.isna().any():
        return None
    out = np.full(len(cells), np.nan)
    out[~tokens.to_numpy()] = num.to_numpy(dtype="float64")
    return out, tokens.to_numpy()


def infer_types(df: pd.DataFrame, decimal: str = ".", thousands: Optional[str] = None, missing: Optional[dict[str, int]] = None) -> pd.DataFrame:
    """Turn all-numeric string columns into numbers, in the file's number format.

    Identifiers that look numeric but carry leading zeros, a plus sign or more than 15
    characters stay strings (phones, IBANs, IDs). `inf`/`nan`/`NA`/`null` tokens in an
    otherwise numeric column become missing values, and so do ±inf in float columns; their
    count per column is added to `missing` when given. Dates stay strings here; stages that
    need datetimes parse them explicitly.
    """
    out = df.copy()
    for col in out.columns:
        s = out[col]
        if pd.api.types.is_float_dtype(s.dtype):
            inf = np.isinf(s.to_numpy(dtype="float64", na_value=np.nan))
            if inf.any():
                out[col] = s.mask(inf)
                if missing is not None:
                    missing[str(col)] = missing.get(str(col), 0) + int(inf.sum())
            continue
        if s.dtype != object:
            continue
        nn = s.dropna()
        kind = None if nn.empty else pd.api.types.infer_dtype(nn, skipna=True)
        if kind not in ("string", "integer", "floating", "mixed-integer-float"):
            continue
        if not _may_be_numeric(nn.iloc[:200], decimal, thousands):  # most text columns end here, cheaply
            continue
        if kind == "string":
            # every step below is a function of the cell's text alone: work on the distinct texts and
            # spread the result back (the same numbers; a column of 39k cells has a few hundred texts)
            codes, uniques = pd.factorize(nn, sort=False)
            parsed = _numbers_of(pd.Series(uniques, dtype=object), decimal, thousands)
            if parsed is None:
                continue
            numbers, tokens = parsed[0][codes], parsed[1][codes]
        else:
            parsed = _numbers_of(nn, decimal, thousands)
            if parsed is None:
                continue
            numbers, tokens = parsed
        values = np.full(len(s), np.nan)
        values[s.notna().to_numpy()] = numbers
        values[np.isinf(values)] = np.nan
        conv = pd.Series(values, index=s.index, dtype="float64")
        n_missing = int(tokens.sum()) + int(np.isinf(numbers).sum())
        if n_missing and missing is not None:
            missing[str(col)] = missing.get(str(col), 0) + n_missing
        if conv.notna().all() and (conv % 1 == 0).all() and (conv.abs() < 2**53).all():
            out[col] = conv.astype("int64")
        else:
            out[col] = conv
    return out
