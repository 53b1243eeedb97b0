"""Gower-equivalent encoding: the plain L1 distance between two encoded rows equals the Gower sum.

Rules (fitted once on the ORIGINAL table and applied to every table in a comparison, so that every
distance uses one scaling):

* numeric column with range R = max - min of the original (R = 1 when constant): a present value x
  becomes u = clip((x - min) / R, 0, 1) and is written as two coordinates (u/2, (1-u)/2); the L1
  distance of two present values is then |u - v| (the Gower term, clipped to 1).
* a missing numeric value is written as (-1/4, -1/4): its L1 distance to any present value is
  exactly 1 (the maximum mismatch) and to another missing value 0.
* categorical column: one-hot scaled by 1/2 over the categories seen in any of the fitted tables,
  so two different categories are at distance 1 and equal ones at 0. A missing categorical value
  is its own category ("missing" = "missing", "missing" != any value).
* datetimes are numeric (nanoseconds); booleans are categorical.

The Gower distance reported everywhere is the L1 sum divided by the number of columns (0..1).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Optional, Sequence

import numpy as np
import pandas as pd

from privsynth.errors import InputError

MISSING = "\x00missing"
SUPPRESSED = {"*", "", "nan", "NaN", "None"}
_INTERVAL = r"^\s*[\[(]?\s*(-?\d+(?:\.\d+)?)\s*(?:-|–|,|\.\.)\s*(-?\d+(?:\.\d+)?)\s*[\])]?\s*$"


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
    # generalised numbers of an anonymized release ("20-39", "[20, 40)") count as their interval's midpoint
    todo = conv.isna() & s.notna()
    if todo.any():
        m = s[todo].astype(str).str.extract(_INTERVAL)
        mid = (pd.to_numeric(m[0], errors="coerce") + pd.to_numeric(m[1], errors="coerce")) / 2
        conv = conv.astype(float)
        conv[todo] = mid
    bad = int((conv.isna() & s.notna()).sum())
    present = int(s.notna().sum())
    if strict and present and bad > 0.5 * present:
        raise InputError(
            f"{table}: column {column!r} is numeric in the original but {bad} of {present} values in "
            f"the {table} are not numbers (dtype mismatch)"
        )
    return conv.astype(float).to_numpy()


def _as_category(s: pd.Series) -> np.ndarray:
    """Normalise categorical values to strings (1.0 and "1" are the same category)."""

    def norm(v: object) -> str:
        if v is None or (isinstance(v, float) and np.isnan(v)) or v is pd.NA or v is pd.NaT:
            return MISSING
        if isinstance(v, (float, np.floating)) and float(v).is_integer():
            return str(int(v))
        return str(v).strip()

    return np.array([norm(v) for v in s.to_numpy(dtype=object)], dtype=object)


@dataclass
class GowerEncoder:
    columns: list[str]
    numeric: dict[str, tuple[float, float]] = field(default_factory=dict)  # column -> (min, range)
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
            else:
                cats: dict[str, int] = {}
                for df in (original, *others):
                    if c in df.columns:
                        for v in pd.unique(_as_category(df[c])):
                            cats.setdefault(v, len(cats))
                enc.categories[c] = cats
        enc.dim = 2 * len(enc.numeric) + sum(len(v) for v in enc.categories.values())
        return enc

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
                a = np.where(miss, -0.25, u / 2.0)
                b = np.where(miss, -0.25, (1.0 - u) / 2.0)
                out[:, pos] = a
                out[:, pos + 1] = b
                pos += 2
            else:
                cats = self.categories[c]
                vals = _as_category(df[c])
                idx = np.fromiter((cats.get(v, -1) for v in vals), dtype=np.int64, count=n)
                unseen = idx < 0
                if unseen.any():
                    raise InputError(f"{table}: column {c!r} has categories the encoder was not fitted on")
                out[np.arange(n), pos + idx] = 0.5
                pos += len(cats)
        return out

    def slices(self) -> dict[str, slice]:
        """Encoded coordinates of each column."""
        out, pos = {}, 0
        for c in self.columns:
            w = 2 if c in self.numeric else len(self.categories[c])
            out[c] = slice(pos, pos + w)
            pos += w
        return out

    def dims_of(self, columns: Sequence[str]) -> np.ndarray:
        sl = self.slices()
        return np.concatenate([np.arange(sl[c].start, sl[c].stop) for c in columns]) if columns else np.zeros(0, int)

    def row_keys(self, df: pd.DataFrame, table: str = "table") -> np.ndarray:
        """One hashable key per row: equal keys <=> Gower distance 0 on the used columns."""
        enc = self.transform(df, table)
        if len(enc) == 0:
            return np.array([], dtype=object)
        view = np.ascontiguousarray(enc).view(np.dtype((np.void, enc.dtype.itemsize * enc.shape[1])))
        return view.ravel()

    def describe(self) -> dict:
        return {
            "metric": "gower (L1 on encoded rows, divided by the number of columns)",
            "numeric_columns": sorted(self.numeric),
            "categorical_columns": sorted(self.categories),
            "encoded_dimensions": self.dim,
            "scaling": "ranges of the original table, values clipped to [0, 1]",
            "missing_rule": "missing vs present = 1 (maximal), missing vs missing = 0",
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


def fit_encoder(original: pd.DataFrame, columns: Sequence[str], others: Sequence[Optional[pd.DataFrame]]) -> GowerEncoder:
    return GowerEncoder.fit(original, columns, [o for o in others if o is not None])
