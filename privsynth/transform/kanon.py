"""k-anonymization by greedy full-domain generalization with suppression.

Algorithm (a variant of Sweeney's Datafly, documented in docs/operators.md):
1. Every quasi-identifier gets a generalization ladder, level 0 = the value itself, the top level
   = "*" (one class): category hierarchies from the policy (climbed until they stop changing),
   numeric bins of growing width, dates -> month -> year -> decade, short codes (postcodes) by
   truncation, other strings straight to "*".
2. Full-domain: a QI is generalized to the same level for every row.
3. While more rows sit in equivalence classes smaller than k than the suppression budget
   (`transform.max_suppression` x rows) allows, raise by one level the QI whose step removes
   the most such rows per unit of precision lost (1 / height of its ladder).
4. Refinement: lower again, one level at a time, any QI whose last steps are no longer needed
   to stay within the budget.
5. The rows still in classes smaller than k are suppressed (removed).

Information loss is reported as Sweeney's precision loss (mean over QIs of level / height) and
the discernibility metric, with the chosen level per QI and the number of suppressed rows.
"""

from __future__ import annotations

from typing import Any, Optional

import numpy as np
import pandas as pd

from privsynth.transform.base import as_text, map_unique


def _nice(x: float) -> float:
    if x <= 0:
        return 1.0
    e = 10 ** np.floor(np.log10(x))
    for m in (1, 2, 5, 10):
        if m * e >= x:
            return float(m * e)
    return float(10 * e)


def _numeric_levels(x: pd.Series) -> list[pd.Series]:
    from privsynth.transform.operators import numeric_bins

    vals = x.dropna()
    levels = [map_unique(x, lambda uv: [as_text(v) for v in uv])]
    if vals.empty:
        return levels
    span = float(vals.max() - vals.min()) or 1.0
    widths: list[float] = []
    for div in (64, 32, 16, 8, 4, 2):
        w = _nice(span / div)
        if not widths or w > widths[-1]:
            widths.append(w)
    for w in widths:
        levels.append(numeric_bins(x, w))
    return levels


def _date_levels(dt: pd.Series, raw: pd.Series) -> list[pd.Series]:
    ok = dt.notna()
    month = dt.dt.strftime("%Y-%m").astype(object).where(ok, None)
    year = dt.dt.year.astype("Int64").astype("string").astype(object).where(ok, None)
    decade = (((dt.dt.year // 10) * 10).astype("Int64").astype("string") + "s").astype(object).where(ok, None)
    return [map_unique(raw, lambda uv: [as_text(v) for v in uv]), month, year, decade]


def ladder(series: pd.Series, hierarchy: Optional[dict[str, str]], weights: Optional[np.ndarray] = None) -> list[pd.Series]:
    """Generalization levels of one QI; the last is all "*". `weights`: rows each entry stands for
    (the Dask engine passes distinct QI combinations with their counts)."""
    from privsynth.transform.operators import is_datetime_column, is_numeric_column, detect_date_format

    if hierarchy:
        cur = map_unique(series, lambda uv: [as_text(v) for v in uv])
        levels = [cur]
        for _ in range(16):
            nxt = cur.map(lambda v: hierarchy.get(v, v) if isinstance(v, str) else v)
            if nxt.equals(cur):
                break
            levels.append(nxt)
            cur = nxt
    elif is_numeric_column(series):
        levels = _numeric_levels(series.astype(float))
    elif is_datetime_column(series):
        levels = _date_levels(series, series)
    else:
        fmt = detect_date_format(series)
        if fmt is not None:
            levels = _date_levels(pd.to_datetime(series.astype("string").str.strip(), format=fmt, errors="coerce"), series)
        else:
            s = map_unique(series, lambda uv: [as_text(v) for v in uv])
            lens = s.dropna().str.len()
            has_digit = s.dropna().str.contains(r"\d")
            share = has_digit.mean() if weights is None else float(np.average(has_digit, weights=weights[s.notna().to_numpy()])) if len(has_digit) else 0.0
            looks_code = not lens.empty and lens.max() <= 10 and share > 0.5
            levels = [s]
            if looks_code:
                for n in range(int(lens.max()) - 1, 0, -1):
                    levels.append(s.str.slice(0, n) + "*")
    top = pd.Series("*", index=series.index, dtype=object)
    levels.append(top)
    return levels


def _codes(levels: list[pd.Series]) -> list[np.ndarray]:
    return [pd.factorize(lv.astype(object).where(lv.notna(), "\x00NA"))[0].astype(np.int64) for lv in levels]


def _violators(code_sets: list[np.ndarray], k: int, weights: Optional[np.ndarray] = None) -> tuple[int, np.ndarray]:
    key = code_sets[0]
    for c in code_sets[1:]:
        key = key * (int(c.max()) + 1) + c
        key = pd.factorize(key)[0].astype(np.int64)
    sizes = np.bincount(key, weights=weights)
    small = sizes[key] < k
    return int(small.sum() if weights is None else weights[small].sum()), small


def k_anonymize(
    df: pd.DataFrame, qis: list[str], k: int, hierarchies: dict[str, Optional[dict[str, str]]], max_suppression: float,
    weights: Optional[np.ndarray] = None,
) -> tuple[pd.DataFrame, dict[str, Any]]:
    """k-anonymize `df` on `qis` (module docstring). `weights`: how many rows each row of `df`
    stands for (the Dask engine passes the distinct QI combinations of a dataset with their
    counts, in order of first appearance); the levels, suppressed rows and statistics are then
    those of the full dataset. Returns (kept rows generalized, statistics)."""
    w = None if weights is None else np.asarray(weights, dtype=np.int64)
    n = len(df) if w is None else int(w.sum())
    ladders = {c: ladder(df[c], hierarchies.get(c), w) for c in qis}
    codes = {c: _codes(ladders[c]) for c in qis}
    level = {c: 0 for c in qis}
    height = {c: len(ladders[c]) - 1 for c in qis}
    budget = int(np.floor(max_suppression * n))

    def current(lv: dict[str, int]) -> list[np.ndarray]:
        return [codes[c][lv[c]] for c in qis]

    viol, small = _violators(current(level), k, w)
    steps = 0
    while viol > budget:
        best = None
        for c in qis:
            if level[c] >= height[c]:
                continue
            trial = dict(level)
            trial[c] += 1
            v, sm = _violators(current(trial), k, w)
            gain = (viol - v) / (1.0 / height[c])  # violating rows removed per unit of precision lost
            cand = (-gain, v, c, sm)
            if best is None or cand[:2] < best[:2]:
                best = cand
        if best is None:
            break
        _, viol, c, small = best
        level[c] += 1
        steps += 1
    # refinement: undo generalization steps that are no longer needed (highest relative level first)
    changed = True
    while changed:
        changed = False
        for c in sorted(qis, key=lambda q: -(level[q] / height[q] if height[q] else 0)):
            if level[c] == 0:
                continue
            trial = dict(level)
            trial[c] -= 1
            v, sm = _violators(current(trial), k, w)
            if v <= budget:
                level, viol, small = trial, v, sm
                changed = True
    out = df.copy()
    for c in qis:
        if level[c] > 0:  # level 0 keeps the column (and its dtype) as it is
            out[c] = ladders[c][level[c]].to_numpy()
    out = out.loc[~small]
    # class sizes after suppression
    key_cols = [codes[c][level[c]][~small] for c in qis]
    sizes = np.array([], dtype=np.int64)
    if len(out):
        key = key_cols[0]
        for cc in key_cols[1:]:
            key = pd.factorize(key * (int(cc.max()) + 1) + cc)[0]
        sizes = np.bincount(pd.factorize(key)[0], weights=None if w is None else w[~small]).astype(np.int64)
    suppressed = int(small.sum() if w is None else w[small].sum())
    stats = {
        "algorithm": "greedy full-domain generalization with suppression",
        "k": k,
        "quasi_identifiers": list(qis),
        "levels": {c: level[c] for c in qis},
        "heights": {c: height[c] for c in qis},
        "precision_loss": round(float(np.mean([level[c] / height[c] if height[c] else 0.0 for c in qis])), 4),
        "discernibility": int((sizes.astype(np.int64) ** 2).sum() + suppressed * n),
        "suppressed_rows": suppressed,
        "max_suppression": max_suppression,
        "equivalence_classes": int(len(sizes)),
        "min_class_size": int(sizes.min()) if len(sizes) else 0,
        "mean_class_size": round(float(sizes.mean()), 2) if len(sizes) else 0.0,
        "steps": steps,
    }
    return out, stats
