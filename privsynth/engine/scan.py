"""Scan a dataset of shards on Dask: column decisions from a sample drawn across all partitions
(text corpora: privsynth.engine.corpus).

Tables (two passes over the partitions, each task reading one partition):
1. per partition: its schema (checked against the others: a shard that differs is named), its
   row count, and per column the non-null count, the hashes of its distinct values and its kind;
2. the sample: per column, `scan.sample_size` positions are drawn among the column's non-null
   values of the *whole dataset* (numpy Generator, seed `scan.seed` + CRC-32 of the column name,
   the same draw as the local engine), mapped to (partition, position) and fetched.
Column decisions are then made by the same code as the local scan (`detect.columns`) on these
samples and dataset-wide statistics, so for a dataset that fits in memory the scan is the local
scan's, value for value. Distinct counts are exact up to 2 000 000 per column (hashes), a lower
bound beyond (as in the streaming CSV scan).
"""

from __future__ import annotations

import zlib
from pathlib import Path
from typing import Any, Optional

import numpy as np
import pandas as pd

from privsynth.engine import partitions as P
from privsynth.engine.dataset import Schema
from privsynth.engine.tasks import Progress, map_parts
from privsynth.results import ScanResult

MAX_DISTINCT_TRACKED = 2_000_000


def _non_null(s: pd.Series) -> pd.Series:
    nn = s.dropna()
    if s.dtype == object:
        nn = nn[nn.astype(str).str.strip() != ""]
    return nn


def _hashes(nn: pd.Series) -> np.ndarray:
    try:
        return np.unique(pd.util.hash_pandas_object(nn, index=False).to_numpy())
    except TypeError:  # unhashable cells (lists from JSON)
        return np.unique(pd.util.hash_pandas_object(nn.astype(str), index=False).to_numpy())


def _stats_task(part: P.Part) -> dict[str, Any]:
    from privsynth.detect.columns import column_kind

    df = P.load(part)
    cols = {}
    for c in df.columns:
        nn = _non_null(df[c])
        cols[str(c)] = {"non_null": len(nn), "hashes": _hashes(nn), "kind": column_kind(df[c]) if len(nn) else None}
    return {"rows": len(df), "schema": Schema.of(df) if df.shape[1] else None, "columns": cols}


def _sample_task(part: P.Part, schema: Schema, positions: dict[str, np.ndarray]) -> dict[str, pd.Series]:
    df = P.load(part, schema)
    return {c: _non_null(df[c]).iloc[pos] for c, pos in positions.items() if len(pos)}


def dataset_stats(client, parts: list[P.Part], progress: Progress = None) -> tuple[Schema, list[int], dict[str, dict]]:
    """Pass 1: (schema, rows per partition, per column {non_null per partition, distinct, kind})."""
    from privsynth.engine.dataset import dataset_schema

    results: list[Optional[dict]] = [None] * len(parts)
    merged: dict[str, dict[str, Any]] = {}

    def take(i: int, r: dict) -> None:
        small = {"rows": r["rows"], "schema": r["schema"], "non_null": {c: v["non_null"] for c, v in r["columns"].items()}, "kind": {c: v["kind"] for c, v in r["columns"].items()}}
        results[i] = small
        for c, v in r["columns"].items():
            m = merged.setdefault(c, {"hashes": np.array([], dtype=np.uint64), "capped": False})
            if not m["capped"]:
                m["hashes"] = np.union1d(m["hashes"], v["hashes"])
                if len(m["hashes"]) >= MAX_DISTINCT_TRACKED:
                    m["capped"] = True

    map_parts(client, _stats_task, parts, stage="scan-stats", progress=progress, on_result=take)
    frames = [r["schema"] if r["rows"] else None for r in results]  # type: ignore[index]
    schema = dataset_schema([Path(p.shard) for p in parts], frames)
    # an empty shard with a header must still have the dataset's columns
    for p, r in zip(parts, results):
        if r["rows"] == 0 and r["schema"] is not None and r["schema"].columns != schema.columns:  # type: ignore[index]
            schema.merge(Schema(r["schema"].columns, {c: schema.dtypes.get(c, "object") for c in r["schema"].columns}), Path(p.shard))  # type: ignore[index]
    rows = [r["rows"] for r in results]  # type: ignore[index]
    cols: dict[str, dict] = {}
    for c in schema.columns:
        nn = [int(r["non_null"].get(c, 0)) for r in results]  # type: ignore[index]
        kinds = {r["kind"].get(c) for r in results if r["kind"].get(c)}  # type: ignore[index]
        if not kinds:
            from privsynth.detect.columns import column_kind

            kind = column_kind(pd.Series([], dtype=schema.dtypes[c]))
        elif "float" in kinds:
            kind = "float"
        else:
            kind = sorted(kinds)[0]
        cols[c] = {"non_null": nn, "distinct": int(len(merged.get(c, {}).get("hashes", []))), "kind": kind}
    return schema, rows, cols


def scan_dataset(client, parts: list[P.Part], policy, progress: Progress = None) -> tuple[ScanResult, Schema, list[int]]:
    """Decide every column of a dataset of shards (module docstring); also returns its schema and
    the rows of each partition for the stages after the scan."""
    from privsynth.detect.columns import ColumnStats, _sample_index, decide_columns

    schema, rows, cols = dataset_stats(client, parts, progress)
    k = policy.scan.sample_size
    seed = policy.scan.seed
    per_part: list[dict] = [{"positions": {}} for _ in parts]
    for c in schema.columns:
        nn = np.asarray(cols[c]["non_null"], dtype=np.int64)
        idx = _sample_index(int(nn.sum()), k, seed + zlib.crc32(c.encode()) % 100_000)
        starts = np.concatenate([[0], np.cumsum(nn)])
        which = np.searchsorted(starts, idx, side="right") - 1
        for i in np.unique(which):
            per_part[i]["positions"][c] = idx[which == i] - starts[i]
    needed = [i for i, pp in enumerate(per_part) if pp["positions"]]
    got = map_parts(client, _sample_task, [parts[i] for i in needed], stage="scan-sample", progress=progress,
                    per_part=[per_part[i] for i in needed], schema=schema)
    samples: dict[str, pd.Series] = {}
    for c in schema.columns:
        pieces = [g[c] for g in got if c in g]
        samples[c] = pd.concat(pieces, ignore_index=True) if pieces else pd.Series([], dtype=schema.dtypes[c])
    total = int(sum(rows))
    stats = {c: ColumnStats(rows=total, non_null=int(sum(cols[c]["non_null"])), distinct=cols[c]["distinct"], kind=cols[c]["kind"]) for c in schema.columns}
    decided = decide_columns(schema.columns, samples, stats, dict(schema.dtypes), policy, progress)
    return ScanResult(columns=decided, rows=total, rows_sampled=min(total, k), seed=seed), schema, rows
