"""Nested JSON objects of a JSON-lines/JSON table as flat columns, and back.

`read_table` turns a cell holding a JSON object into its JSON text (one free-text column, e.g.
`meta` = '{"lang": "pt", "author": {"name": "Ivan Cardoso"}}'). For `anonymize` that hides the
record's own identifiers from the per-column scan and from record-aware redaction: the note in
`text` still names "Cardoso" while `meta` is only free text. `unnest_objects` spreads every
column whose non-missing cells were all JSON objects into one column per leaf path
(`meta.lang`, `meta.author.name`), so the scan classifies each leaf like a flat column and the
transform treats it as one (a PERSON leaf is pseudonymized and its values are looked for in the
same record's text). `nest_objects` puts the transformed leaves back into objects for writing,
with each record's own keys (a key absent from a record stays absent) and integer leaves as
integers.

Only objects are spread: lists stay JSON text. A column is left as JSON text when a leaf path
equals an existing column name or when its cells are not all objects.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any, Optional

import numpy as np
import pandas as pd

OBJECT_COLUMNS_ATTR = "privsynth.object_columns"  # DataFrame.attrs: the columns whose cells were JSON objects


@dataclass
class NestedColumn:
    """One spread column: its name, position, leaf paths (tuples of keys) with their flat column
    names, and per leaf which rows had it and whether every present value was an integer."""

    name: str
    position: int
    paths: list[tuple[tuple[str, ...], str]] = field(default_factory=list)
    present: dict[str, np.ndarray] = field(default_factory=dict)
    integer: dict[str, bool] = field(default_factory=dict)
    missing: Optional[np.ndarray] = None  # rows where the whole object was missing


def _leaves(obj: dict, prefix: tuple[str, ...], out: dict[tuple[str, ...], Any]) -> None:
    for k, v in obj.items():
        p = prefix + (str(k),)
        if isinstance(v, dict) and v:
            _leaves(v, p, out)
        else:
            out[p] = v


def unnest_objects(df: pd.DataFrame, keep: "set[str] | frozenset[str]" = frozenset()) -> tuple[pd.DataFrame, list[NestedColumn]]:
    """(`df` with every object column spread into dotted leaf columns, the spec for `nest_objects`).

    `df.attrs[OBJECT_COLUMNS_ATTR]` (set by `read_table` for JSON input) names the candidate
    columns; without it nothing is spread; `keep` names columns left as JSON text (a policy names
    them). Leaf values: strings, numbers, booleans, null as they
    came; a list or an empty object as its JSON text. Raises nothing."""
    cands = [c for c in df.attrs.get(OBJECT_COLUMNS_ATTR, ()) if c in df.columns and c not in keep]
    if not cands:
        return df, []
    existing = set(map(str, df.columns))
    specs: list[NestedColumn] = []
    new_cols: dict[str, pd.Series] = {}
    order: list[str] = []
    for c in cands:
        s = df[c]
        rows: list[Optional[dict]] = []
        ok = True
        for v in s.tolist():
            if v is None or (isinstance(v, float) and np.isnan(v)):
                rows.append(None)
                continue
            try:
                o = json.loads(v) if isinstance(v, str) else v
            except ValueError:
                ok = False
                break
            if not isinstance(o, dict):
                ok = False
                break
            leaves: dict[tuple[str, ...], Any] = {}
            _leaves(o, (), leaves)
            rows.append(leaves)
        if not ok:
            continue
        paths: dict[tuple[str, ...], None] = {}
        for r in rows:
            if r:
                for p in r:
                    paths.setdefault(p, None)
        flat = {p: ".".join((str(c),) + p) for p in paths}
        prefixes = {p[:i] for p in paths for i in range(1, len(p))}
        if not flat or prefixes & set(paths) or any(n in existing for n in flat.values()) or len(set(flat.values())) != len(flat):
            continue
        spec = NestedColumn(str(c), list(df.columns).index(c), missing=np.array([r is None for r in rows]))
        for p, name in flat.items():
            vals, pres = [], []
            for r in rows:
                if r is not None and p in r:
                    v = r[p]
                    pres.append(True)
                    vals.append(json.dumps(v, ensure_ascii=False) if isinstance(v, (list, dict)) else v)
                else:
                    pres.append(False)
                    vals.append(None)
            spec.paths.append((p, name))
            spec.present[name] = np.array(pres)
            spec.integer[name] = all(isinstance(v, int) and not isinstance(v, bool) for v, q in zip(vals, pres) if q and v is not None)
            col = pd.Series(vals, index=df.index, dtype=object, name=name)
            if all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in col.dropna()) and col.notna().any():
                col = pd.to_numeric(col)
            new_cols[name] = col
            existing.add(name)
        specs.append(spec)
        order.append(str(c))
    if not specs:
        return df, []
    pieces: list[pd.Series] = []
    spread = {s.name: s for s in specs}
    for c in df.columns:
        if str(c) in spread:
            pieces.extend(new_cols[n] for _, n in spread[str(c)].paths)
        else:
            pieces.append(df[c])
    out = pd.concat(pieces, axis=1)
    out.attrs.update(df.attrs)
    return out, specs


def _plain(v: Any, integer: bool) -> Any:
    if v is None:
        return None
    if isinstance(v, float) and np.isnan(v):
        return None
    if isinstance(v, np.generic):
        v = v.item()
    if integer and isinstance(v, float) and v.is_integer():
        return int(v)
    return v


def nest_objects(df: pd.DataFrame, specs: list[NestedColumn], as_text: bool = False) -> pd.DataFrame:
    """The inverse of `unnest_objects` on a transformed table: each spread column's leaves (those
    still present; a dropped leaf column is left out) put back into one object per row at the
    column's place. `as_text`: objects as JSON text (for CSV/Parquet output) instead of dicts."""
    if not specs:
        return df
    out = df.copy()
    for spec in specs:
        names = [n for _, n in spec.paths if n in out.columns]
        if not names:
            continue
        cols = {n: out[n].tolist() for n in names}
        objs: list[Any] = []
        for i in range(len(out)):
            if spec.missing is not None and spec.missing[i]:
                objs.append(None)
                continue
            o: dict = {}
            for p, n in spec.paths:
                if n not in cols or not spec.present[n][i]:
                    continue
                d = o
                for k in p[:-1]:
                    d = d.setdefault(k, {})
                d[p[-1]] = _plain(cols[n][i], spec.integer[n])
            objs.append(json.dumps(o, ensure_ascii=False) if as_text else o)
        first = min(list(out.columns).index(n) for n in names)
        out = out.drop(columns=names)
        out.insert(min(first, len(out.columns)), spec.name, pd.Series(objs, index=out.index, dtype=object))
    return out
