"""Scan a dataset of shards on Dask: column decisions from a sample drawn across all partitions,
and text corpora scanned per partition in parallel.

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

Text (JSONL): each shard is cut into byte ranges of about `block_bytes` (4 MiB; smaller for small
corpora, so that each worker gets about four) at line ends; a first
cheap pass counts the lines of each block (for document ids), then every block is analysed by
`detect.analyze_texts` on a worker (its analyzers are cached per worker process), and documents come back in
corpus order.
"""

from __future__ import annotations

import zlib
from pathlib import Path
from typing import Any, Iterator, Optional

import numpy as np
import pandas as pd

from privsynth.engine import partitions as P
from privsynth.engine.dataset import Schema
from privsynth.engine.tasks import Progress, map_parts
from privsynth.results import DocumentSpans, ScanResult

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


# --------------------------------------------------------------------------- text corpora


def _blocks(path: Path, block_bytes: int) -> list[tuple[int, int]]:
    size = path.stat().st_size
    cuts = [0]
    with open(path, "rb") as f:
        pos = block_bytes
        while pos < size:
            f.seek(pos)
            f.readline()
            nxt = f.tell()
            if nxt >= size:
                break
            if nxt > cuts[-1]:
                cuts.append(nxt)
            pos = nxt + block_bytes
    cuts.append(size)
    return [(a, b) for a, b in zip(cuts[:-1], cuts[1:]) if b > a]


def _read_block(path: str, start: int, end: int) -> list[bytes]:
    with open(path, "rb") as f:
        f.seek(start)
        return f.read(end - start).splitlines()


def _count_task(block: tuple[str, int, int], text_field: Optional[str] = None) -> tuple[int, int, Optional[tuple[int, str]]]:
    """(lines, documents, first problem as (line within the block, message) or None). With
    `text_field`, every line is parsed and checked as `_text_task` would (the corpus pass)."""
    lines = _read_block(*block)
    if text_field is None:
        return len(lines), len(lines), None
    from privsynth.io.readers import DocumentError, parse_text_document

    docs = 0
    for j, raw in enumerate(lines):
        if not raw.strip():
            continue
        try:
            parse_text_document(raw, text_field, None, default_id=None)
        except DocumentError as e:
            return len(lines), docs, (j, str(e))
        docs += 1
    return len(lines), docs, None


def _text_task(block: tuple[str, int, int], first_line: int, text_field: str, id_field: Optional[str], policy, only: Optional[np.ndarray] = None) -> list[DocumentSpans]:
    """Spans of the block's documents (or only of its documents numbered `only`, 0-based among the
    block's documents)."""
    from privsynth.detect.text import analyze_texts
    from privsynth.errors import InputError
    from privsynth.io.readers import DocumentError, parse_text_document

    path = block[0]
    ids: list = []
    texts: list[str] = []
    wanted = None if only is None else set(int(x) for x in only)
    doc = -1
    for j, raw in enumerate(_read_block(*block)):
        line_no = first_line + j + 1
        if wanted is not None:
            if not raw.strip():
                continue
            doc += 1
            if doc not in wanted:
                continue
        line = raw.decode("utf-8-sig" if line_no == 1 else "utf-8", errors="replace")
        if not line.strip():
            continue
        try:
            doc_id, text = parse_text_document(line, text_field, id_field, default_id=line_no - 1)
        except DocumentError as e:
            raise InputError(f"{path}: line {line_no}: {e}") from None
        texts.append(text)
        ids.append(doc_id)
    spans = analyze_texts(texts, policy) if texts else []  # the detect stage caches its analyzers per worker process
    return [DocumentSpans(id=i, spans=s) for i, s in zip(ids, spans)]


def scan_corpus(client, shards: list[Path], text_field: str, id_field: Optional[str], policy, *, block_bytes: int = 4 << 20,
                progress: Progress = None, sample: Optional[int] = None, summary: Optional[dict] = None) -> Iterator[DocumentSpans]:
    """Spans per document of a JSONL corpus (one or more shards), in corpus order, yielded block
    by block (the driver holds one block's results at a time, plus blocks finished early).

    Document ids are the `id_field` value, else the line number - 1 within its shard (as
    `privsynth.io.read_text_documents` numbers them).

    `sample`: span detection (Presidio, the costly part) runs on `sample` documents drawn
    uniformly without replacement among all documents of all shards (numpy Generator seeded with
    `scan.seed`, the positions the table scan's `_sample_index` draws); every document is still
    read, parsed and checked in a first pass over all blocks, so a malformed line anywhere stops
    the scan. `summary` (a dict, if given) receives {"documents", "sampled", "seed"}."""
    from privsynth.errors import InputError

    blocks: list[tuple[str, int, int]] = []
    # small corpora: blocks small enough that every worker gets about four (64 KiB .. block_bytes)
    workers = max(1, len(client.scheduler_info(n_workers=-1).get("workers", {})))
    total = sum(s.stat().st_size for s in shards)
    block_bytes = int(min(block_bytes, max(64 << 10, total // (4 * workers) + 1)))
    for s in shards:
        if s.suffix.lower() not in (".jsonl", ".ndjson"):
            raise InputError(f"{s}: a text corpus for the dask engine is .jsonl shards")
        blocks.extend((str(s), a, b) for a, b in _blocks(s, block_bytes))
    if not blocks:
        raise InputError(f"{shards[0] if shards else 'corpus'}: no documents")
    counts = map_parts(client, _count_task, blocks, stage="scan-lines", progress=progress, text_field=text_field if sample is not None else None)
    firsts: list[int] = []
    line = {}
    for (path, _, _), (n, _, bad) in zip(blocks, counts):
        firsts.append(line.get(path, 0))
        if bad is not None:
            raise InputError(f"{path}: line {firsts[-1] + bad[0] + 1}: {bad[1]}")
        line[path] = line.get(path, 0) + n
    per_block: list[dict] = [{"first_line": f} for f in firsts]
    todo = list(range(len(blocks)))
    if sample is not None:
        from privsynth.detect.columns import _sample_index

        docs = np.array([c[1] for c in counts], dtype=np.int64)
        total_docs = int(docs.sum())
        idx = np.sort(_sample_index(total_docs, int(sample), policy.scan.seed))
        starts = np.concatenate([[0], np.cumsum(docs)])
        which = np.searchsorted(starts, idx, side="right") - 1
        todo = [int(i) for i in np.unique(which)]
        for i in todo:
            per_block[i]["only"] = idx[which == i] - starts[i]
        if summary is not None:
            summary.update({"documents": total_docs, "sampled": int(len(idx)), "seed": policy.scan.seed})
        blocks = [blocks[i] for i in todo]
        per_block = [per_block[i] for i in todo]
    pending: dict[int, list[DocumentSpans]] = {}
    nxt = [0]
    ready: list[DocumentSpans] = []

    def take(i: int, docs: list[DocumentSpans]) -> None:
        pending[i] = docs

    # results may finish out of order; yield in order after all are done for simplicity of error handling
    map_parts(client, _text_task, blocks, stage="scan-text", progress=progress, per_part=per_block,
              on_result=take, text_field=text_field, id_field=id_field, policy=policy)
    while nxt[0] in pending:
        ready = pending.pop(nxt[0])
        nxt[0] += 1
        yield from ready
