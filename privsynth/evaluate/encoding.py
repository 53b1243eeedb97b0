"""Gower-equivalent encoding: the plain L1 distance between two encoded rows equals the Gower sum.

Rules (fitted once on the ORIGINAL table and applied to every table in a comparison, so that every
distance uses one scaling):

* numeric column with range R = max - min of the original (R = 1 when constant): a present value x
  becomes u = clip((x - min) / R, 0, 1). When no fitted table has a missing value in the column, u
  is one coordinate and the L1 distance of two values is |u - v| (the Gower term, clipped to 1).
  Otherwise the column takes two coordinates (u/2, (1-u)/2), still |u - v| apart, and a missing
  value is (-1/4, -1/4): exactly 1 (the maximum mismatch) from any present value, 0 from another
  missing value.
* categorical column with k categories (seen in any of the fitted tables): category j is the point
  +1/2 or -1/2 (by the parity of j) on axis j // 2 of ceil(k/2) coordinates. Any two of these
  cross-polytope vertices are exactly 1 apart in L1, equal ones 0, so the column adds its Gower term
  with half the coordinates of a one-hot code (fewer coordinates = a faster exact search). A
  missing categorical value is its own category ("missing" = "missing", "missing" != any value).
* datetimes are numeric (nanoseconds); booleans are categorical.

The Gower distance reported everywhere is the L1 sum divided by the number of columns (0..1).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Sequence

import numpy as np
import pandas as pd

from privsynth.errors import InputError

MISSING = "\x00missing"
SUPPRESSED = {"*", "", "nan", "NaN", "None"}


def _is_numeric(s: pd.Series) -> bool:
    return (pd.api.types.is_numeric_dtype(s) and not pd.api.types.is_bool_dtype(s)) or pd.api.types.is_datetime64_any_dtype(s)


def _as_float(s: pd.Series, column: str, table: str, strict: bool) -> np.ndarray:
    if pd.api.types.is_datetime64_any_dtype(s):
        out = s.astype("int64").astype(float).to_numpy()
        out[s.isna().to_numpy()] = np.nan
        return out
    if pd.api.types.is_numeric_dtype(s) and not pd.api.types.is_bool_dtype(s):
        return s.astype(float).to_numpy()
    s = s.astype(object).where(~s.astype(str).str.strip().isin(SUPPRESSED), None)
    conv = pd.to_numeric(s, errors="coerce")
    # generalised numbers of an anonymized release ("20-39", "[20, 40)", "30s", "90+") count as their band's
    # representative number (granularity.parse_band; the original is coarsened to the same numbers)
    todo = conv.isna() & s.notna()
    if todo.any():
        from privsynth.evaluate.granularity import parse_band

        text = s[todo].astype(str)
        reps = {v: (b[3] if b is not None else np.nan) for v in pd.unique(text) for b in (parse_band(v),)}
        conv = conv.astype(float)
        conv[todo] = text.map(reps).astype(float)
    bad = int((conv.isna() & s.notna()).sum())
    present = int(s.notna().sum())
    if strict and present and bad > 0.5 * present:
        raise InputError(
            f"{table}: column {column!r} is numeric in the original but {bad} of {present} values in "
            f"the {table} are not numbers (dtype mismatch)"
        )
    return conv.astype(float).to_numpy()


def _norm_category(v: object) -> str:
    if isinstance(v, (float, np.floating)) and np.isfinite(v) and float(v).is_integer():
        return str(int(v))
    return str(v).strip()


def _as_category(s: pd.Series) -> np.ndarray:
    """Normalise categorical values to strings (1.0 and "1" are the same category; missing is its own)."""
    values = s.to_numpy(dtype=object)
    codes, uniques = pd.factorize(values, use_na_sentinel=True)
    kinds = {type(v) for v in uniques}
    if any(issubclass(k, (bool, np.bool_)) for k in kinds) and len(kinds) > 1:
        # factorize holds True == 1 and False == 0 as one value; keep them apart value by value
        miss = pd.isna(s).to_numpy()
        return np.array([MISSING if m else _norm_category(v) for v, m in zip(values, miss)], dtype=object)
    names = np.array([_norm_category(v) for v in uniques] + [MISSING], dtype=object)
    return names[codes]  # code -1 (missing) picks the last name


@dataclass
class GowerEncoder:
    columns: list[str]
    numeric: dict[str, tuple[float, float]] = field(default_factory=dict)  # column -> (min, range)
    numeric_with_missing: set[str] = field(default_factory=set)  # numeric columns written with 2 coordinates
    categories: dict[str, dict[str, int]] = field(default_factory=dict)  # column -> category -> slot
    dim: int = 0

    @classmethod
    def fit(cls, original: pd.DataFrame, columns: Sequence[str], others: Sequence[pd.DataFrame] = ()) -> "GowerEncoder":
        enc = cls(columns=list(columns))
        for c in enc.columns:
            s = original[c]
            if _is_numeric(s):
                x = _as_float(s, c, "original", strict=False)
                finite = x[np.isfinite(x)]
                lo = float(finite.min()) if finite.size else 0.0
                rng = float(finite.max() - lo) if finite.size else 1.0
                enc.numeric[c] = (lo, rng if rng > 0 else 1.0)
                others_x = [_as_float(df[c], c, "table", strict=False) for df in others if c in df.columns]
                if any(np.isnan(v).any() for v in [x, *others_x]):
                    enc.numeric_with_missing.add(c)
            else:
                cats: dict[str, int] = {}
                for df in (original, *others):
                    if c in df.columns:
                        for v in pd.unique(_as_category(df[c])):
                            cats.setdefault(v, len(cats))
                enc.categories[c] = cats
        enc.dim = sum(enc._width(c) for c in enc.columns)
        return enc

    @classmethod
    def concat(cls, encoders: Sequence["GowerEncoder"]) -> "GowerEncoder":
        """One encoder over the columns of `encoders` (disjoint, in order): equal to fitting them together, since
        every column is fitted on its own; its transform is the encoders' transforms side by side."""
        enc = cls(columns=[c for e in encoders for c in e.columns])
        for e in encoders:
            enc.numeric.update(e.numeric)
            enc.numeric_with_missing |= e.numeric_with_missing
            enc.categories.update(e.categories)
        enc.dim = sum(e.dim for e in encoders)
        return enc

    def _width(self, c: str) -> int:
        if c in self.numeric:
            return 2 if c in self.numeric_with_missing else 1
        return (len(self.categories[c]) + 1) // 2

    @property
    def n_columns(self) -> int:
        return len(self.columns)

    def transform(self, df: pd.DataFrame, table: str = "table") -> np.ndarray:
        n = len(df)
        out = np.zeros((n, self.dim), dtype=np.float32)
        pos = 0
        for c in self.columns:
            if c in self.numeric:
                lo, rng = self.numeric[c]
                x = _as_float(df[c], c, table, strict=True)
                u = np.clip((x - lo) / rng, 0.0, 1.0)
                miss = ~np.isfinite(x)
                if c in self.numeric_with_missing:
                    out[:, pos] = np.where(miss, -0.25, u / 2.0)
                    out[:, pos + 1] = np.where(miss, -0.25, (1.0 - u) / 2.0)
                elif miss.any():
                    raise InputError(f"{table}: column {c!r} has missing values the encoder was not fitted on")
                else:
                    out[:, pos] = u
            else:
                cats = self.categories[c]
                codes = pd.Series(_as_category(df[c])).map(cats)
                if codes.isna().any():
                    raise InputError(f"{table}: column {c!r} has categories the encoder was not fitted on")
                idx = codes.to_numpy(dtype=np.int64)
                # category j: +1/2 (j even) or -1/2 (j odd) on axis j // 2 -- any two are 1 apart in L1
                out[np.arange(n), pos + idx // 2] = np.where(idx % 2 == 0, 0.5, -0.5)
            pos += self._width(c)
        return out

    def slices(self) -> dict[str, slice]:
        """Encoded coordinates of each column."""
        out, pos = {}, 0
        for c in self.columns:
            w = self._width(c)
            out[c] = slice(pos, pos + w)
            pos += w
        return out

    def decode(self, X: np.ndarray) -> dict[str, np.ndarray]:
        """Column arrays recovered from encoded rows: numeric u in [0, 1] (nan = missing), categorical codes
        (the slot numbers of `categories`)."""
        out = {}
        for c, sl in self.slices().items():
            block = X[:, sl]
            if c in self.numeric:
                if c in self.numeric_with_missing:
                    a = block[:, 0].astype(np.float64)
                    out[c] = np.where(a < 0, np.nan, 2 * a)
                else:
                    out[c] = block[:, 0].astype(np.float64)
            elif block.shape[1]:
                j = np.abs(block).argmax(axis=1)
                sign = block[np.arange(len(X)), j]
                out[c] = 2 * j + (sign < 0)
            else:
                out[c] = np.zeros(len(X), int)
        return out

    def categorical_slices(self, columns: Sequence[str] | None = None) -> list[slice]:
        """Coordinates of each categorical column (two distinct categories are exactly 1 apart in L1), in the encoded
        rows, or with `columns` in the rows cut to `dims_of(columns)`."""
        out, pos = [], 0
        for c in self.columns if columns is None else columns:
            w = self._width(c)
            if c in self.categories:
                out.append(slice(pos, pos + w))
            pos += w
        return out

    def dims_of(self, columns: Sequence[str]) -> np.ndarray:
        sl = self.slices()
        return np.concatenate([np.arange(sl[c].start, sl[c].stop) for c in columns]) if columns else np.zeros(0, int)

    def describe(self) -> dict:
        return {
            "metric": "gower (L1 on encoded rows, divided by the number of columns)",
            "numeric_columns": sorted(self.numeric),
            "categorical_columns": sorted(self.categories),
            "encoded_dimensions": self.dim,
            "scaling": "ranges of the original table, values clipped to [0, 1]",
            "missing_rule": "missing vs present = 1 (maximal), missing vs missing = 0",
            "categorical_code": "cross-polytope vertices (+-1/2 on ceil(k/2) axes; any two categories 1 apart)",
        }


def gower_reference(a: pd.DataFrame, b: pd.DataFrame, enc: GowerEncoder) -> np.ndarray:
    """Slow, direct Gower distances (all pairs) from the definition, for tests."""
    out = np.zeros((len(a), len(b)))
    for c in enc.columns:
        if c in enc.numeric:
            lo, rng = enc.numeric[c]
            x = np.clip((_as_float(a[c], c, "a", True) - lo) / rng, 0, 1)
            y = np.clip((_as_float(b[c], c, "b", True) - lo) / rng, 0, 1)
            xm, ym = np.isnan(x)[:, None], np.isnan(y)[None, :]
            d = np.abs(x[:, None] - y[None, :])
            d = np.where(xm & ym, 0.0, np.where(xm | ym, 1.0, d))
        else:
            x, y = _as_category(a[c]), _as_category(b[c])
            d = (x[:, None] != y[None, :]).astype(float)
        out += d
    return out / max(1, enc.n_columns)


def columns_with_no_real_values(cols: Sequence[str], original: pd.DataFrame, release: pd.DataFrame) -> list[str]:
    """The text columns of `cols` whose released values (stripped, as strings) equal an original value
    less than 1% of the time: regenerated fakes or values rewritten into another form. Numeric and
    datetime columns of the original are never listed, nor columns with no released value.

    Such a column can never make a released record equal a real one, so the distance and copy tests
    leave it out (they say so in their notes)."""
    out = []
    for c in cols:
        o, r = original[c], release[c]
        if pd.api.types.is_numeric_dtype(o) or pd.api.types.is_datetime64_any_dtype(o):
            continue
        # stripped once per distinct value (the same strings as stripping every value)
        codes, uniq = pd.factorize(r.dropna().astype(str))
        if not len(codes):
            continue
        ov = pd.unique(o.dropna().astype(str))
        real = set(pd.Series(ov, dtype=object).str.strip())
        hit = pd.Series(uniq, dtype=object).str.strip().isin(real).to_numpy()
        if hit[codes].mean() < 0.01:
            out.append(c)
    return out
