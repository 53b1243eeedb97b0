"""Partitions of a dataset: one per shard, or per group of Parquet row groups for large shards.

A partition is what one Dask task reads, transforms and writes, so a worker's memory is bounded
by the partition size (`engine.partition_rows`, default 250 000 rows), not the dataset size.
CSV and JSONL shards are one partition each (shard a large CSV to bound memory).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Optional

import pandas as pd

from privsynth.engine.dataset import Dataset, Schema, check_declared_types, conform, read_shard


@dataclass(frozen=True)
class Part:
    index: int
    shard: str
    row_groups: Optional[tuple[int, ...]] = None  # None: the whole shard

    @property
    def label(self) -> str:
        return self.shard if self.row_groups is None else f"{self.shard} (row groups {self.row_groups[0]}-{self.row_groups[-1]})"


def plan(ds: Dataset, partition_rows: int) -> list[Part]:
    """The partitions of `ds`; raises InputError first when Parquet shards declare a column with
    different types (privsynth.engine.dataset.check_declared_types)."""
    check_declared_types(ds)
    parts: list[Part] = []
    for shard in ds.shards:
        groups: list[tuple[int, ...]] = []
        if ds.fmt == "parquet" and shard.stat().st_size > 0:
            import pyarrow.parquet as pq

            md = pq.ParquetFile(shard).metadata
            if md.num_rows > partition_rows and md.num_row_groups > 1:
                cur: list[int] = []
                n = 0
                for g in range(md.num_row_groups):
                    cur.append(g)
                    n += md.row_group(g).num_rows
                    if n >= partition_rows:
                        groups.append(tuple(cur))
                        cur, n = [], 0
                if cur:
                    groups.append(tuple(cur))
        if len(groups) > 1:
            parts.extend(Part(len(parts) + i, str(shard), g) for i, g in enumerate(groups))
        else:
            parts.append(Part(len(parts), str(shard)))
    return parts


def load(part: Part, schema: Optional[Schema] = None) -> pd.DataFrame:
    """The partition's rows, read as `privsynth.io.read_table` reads a file (types inferred), and
    conformed to `schema` when given (InputError naming the shard if it does not fit)."""
    if part.row_groups is None:
        df = read_shard(part.shard)
    else:
        import pyarrow.parquet as pq

        from privsynth.io.readers import _dedupe_columns, infer_types

        df = pq.ParquetFile(part.shard).read_row_groups(list(part.row_groups)).to_pandas()
        df.columns = _dedupe_columns([str(c) for c in df.columns], Path(part.shard))
        df = infer_types(df.reset_index(drop=True))
    return df if schema is None else conform(df, schema, Path(part.shard))
