"""Evaluation searches over partitions: nearest neighbours (DCR) and exact-match fingerprints.

- `fit_encoder(client, parts, columns)`: the evaluation's Gower encoder (privsynth.evaluate.encoding)
  fitted on a summary of the dataset -- per column its distinct values in order of first
  appearance, or its minimum, maximum and whether it has missing values -- gathered from the
  partitions; the encoder is the one `GowerEncoder.fit` builds on the whole table.
- `nearest(client, index_base, release_parts, encoder, k)`: a FAISS index is built once on the
  encoded original (privsynth.evaluate.neighbors.NeighborIndex, exact `IndexFlat(METRIC_L1)`
  below `approximate_above` rows), serialized with `faiss.serialize_index`, broadcast to every
  worker once, and each release partition is encoded and queried on a worker. Distances and
  indices come back in release order, as the local search returns them.
- `exact_matches(client, original_parts, release_parts, encoder)`: 128-bit fingerprints of the
  encoded rows (two pandas 64-bit row hashes with different keys) as Dask DataFrames, joined by a
  hash-partitioned merge (`shuffle_method="tasks"`): release rows identical to some original
  row, and original records that appear in the release. A fingerprint collision (probability
  about n^2 / 2^129) would count as a match; rows are not re-compared.

Memory: the driver holds the encoded original for the index (n x dim float32) only in
`nearest`; a worker holds one release partition and the index.
"""

from __future__ import annotations

from typing import Any, Optional, Sequence

import numpy as np
import pandas as pd

from privsynth.engine import partitions as P
from privsynth.engine.dataset import Schema
from privsynth.engine.tasks import Progress, collect, engine_error, map_parts, submit_one, submit_parts


# --------------------------------------------------------------------------- encoder


def _summary_task(part: P.Part, schema: Optional[Schema], columns: Sequence[str]) -> dict[str, Any]:
    from privsynth.evaluate.encoding import _is_numeric

    df = P.load(part, schema)
    out: dict[str, Any] = {}
    for c in columns:
        s = df[c]
        if _is_numeric(s):
            x = pd.to_numeric(s, errors="coerce").astype(float)
            fin = x[np.isfinite(x)]
            out[c] = ("num", float(fin.min()) if len(fin) else None, float(fin.max()) if len(fin) else None, bool(x.isna().any()), s.dtype)
        else:
            out[c] = ("cat", pd.unique(s), s.dtype)
    return out


def summary_frame(client, parts: list[P.Part], columns: Sequence[str], schema: Optional[Schema] = None, progress: Progress = None) -> pd.DataFrame:
    """A small table on which `GowerEncoder.fit` gives the encoder of the whole dataset."""
    got = [g for g in map_parts(client, _summary_task, parts, stage="evaluate-summary", progress=progress, schema=schema, columns=list(columns)) if g]
    cols: dict[str, pd.Series] = {}
    for c in columns:
        kinds = [g[c] for g in got]
        if kinds and kinds[0][0] == "num":
            lo = [k[1] for k in kinds if k[1] is not None]
            hi = [k[2] for k in kinds if k[2] is not None]
            vals: list = ([min(lo), max(hi)] if lo else []) + ([np.nan] if any(k[3] for k in kinds) else [])
            cols[c] = pd.Series(vals or [np.nan], dtype=float)
        else:
            uniq = pd.unique(pd.concat([pd.Series(k[1], dtype=object) for k in kinds], ignore_index=True)) if kinds else np.array([], dtype=object)
            cols[c] = pd.Series(uniq, dtype=object)
    n = max([len(s) for s in cols.values()] + [1])
    # pad by repeating the last value: neither the distinct values, their order, nor min/max change
    padded = {c: pd.concat([s, pd.Series([s.iloc[-1]] * (n - len(s)), dtype=s.dtype)], ignore_index=True) if len(s) else s for c, s in cols.items()}
    return pd.DataFrame(padded)


def fit_encoder(client, original_parts: list[P.Part], columns: Sequence[str], other_parts: Sequence[list[P.Part]] = (), schema: Optional[Schema] = None, progress: Progress = None):
    from privsynth.evaluate.encoding import GowerEncoder

    orig = summary_frame(client, original_parts, columns, schema, progress)
    others = [summary_frame(client, p, columns, None, progress) for p in other_parts]
    return GowerEncoder.fit(orig, columns, others)


def encode_parts(client, parts: list[P.Part], encoder, table: str, progress: Progress = None) -> np.ndarray:
    """The encoded rows of every partition, concatenated on the driver (n x encoder.dim float32)."""
    got = map_parts(client, _encode_task, parts, stage="evaluate-encode", progress=progress, encoder=encoder, table=table)
    return np.concatenate([g for g in got if g is not None]) if got else np.zeros((0, encoder.dim), dtype=np.float32)


def _encode_task(part: P.Part, encoder, table: str) -> np.ndarray:
    return encoder.transform(P.load(part), table=table)


# --------------------------------------------------------------------------- nearest neighbours


_INDEX: dict[str, Any] = {}


def _query_task(part: P.Part, blob_ref: Any, encoder, k: int, n_columns: int, table: str) -> tuple[np.ndarray, np.ndarray]:
    import faiss

    token, blob = blob_ref
    if token not in _INDEX:  # deserialized once per worker process
        _INDEX.clear()
        _INDEX[token] = faiss.deserialize_index(blob)
    idx = _INDEX[token]
    X = np.ascontiguousarray(encoder.transform(P.load(part), table=table), dtype=np.float32)
    kk = min(k, idx.ntotal)
    dist = np.full((len(X), k), np.inf)
    ind = np.full((len(X), k), -1, dtype=np.int64)
    if len(X) and kk:
        for s in range(0, len(X), 4096):
            D, I = idx.search(X[s:s + 4096], kk)
            dist[s:s + len(D), :kk] = np.maximum(D, 0.0) / max(1, n_columns)
            ind[s:s + len(D), :kk] = I
    return dist, ind


def nearest(client, base: np.ndarray, release_parts: list[P.Part], encoder, k: int = 1, *, approximate_above: int = 200_000, seed: int = 0,
            progress: Progress = None) -> tuple[np.ndarray, np.ndarray, dict]:
    """(distances, indices into `base`, index description) for every release row, in release order.

    The index is `NeighborIndex(base, ...)` (the local engine's), built once on the driver and
    shared with every worker."""
    import secrets

    import faiss

    from privsynth.evaluate.neighbors import NeighborIndex

    ni = NeighborIndex(base, encoder.n_columns, backend="faiss", approximate_above=approximate_above, seed=seed)
    blob = faiss.serialize_index(ni._faiss)
    ref = client.scatter([(secrets.token_hex(8), blob)], broadcast=True, hash=False)[0]
    got = map_parts(client, _query_task, release_parts, stage="evaluate-search", progress=progress, blob_ref=ref, encoder=encoder, k=k,
                    n_columns=encoder.n_columns, table="release")
    dist = np.concatenate([g[0] for g in got]) if got else np.zeros((0, k))
    ind = np.concatenate([g[1] for g in got]) if got else np.zeros((0, k), dtype=np.int64)
    return dist, ind, ni.info.as_dict()


# --------------------------------------------------------------------------- exact matches


def fingerprints(X: np.ndarray) -> pd.DataFrame:
    """Two 64-bit hashes per encoded row (pandas row hashing of the float32 bit patterns)."""
    words = pd.DataFrame(np.ascontiguousarray(X, dtype=np.float32).view(np.uint32))
    h1 = pd.util.hash_pandas_object(words, index=False, hash_key="privsynth-fp-one").to_numpy()
    h2 = pd.util.hash_pandas_object(words, index=False, hash_key="privsynth-fp-two").to_numpy()
    return pd.DataFrame({"h1": h1.view(np.int64), "h2": h2.view(np.int64)})


def _fp_task(part: P.Part, encoder, table: str, offset: int) -> pd.DataFrame:
    fp = fingerprints(encoder.transform(P.load(part), table=table))
    fp["row"] = np.arange(offset, offset + len(fp), dtype=np.int64)
    return fp


def exact_matches(client, original_parts: list[P.Part], original_rows: list[int], release_parts: list[P.Part], release_rows: list[int], encoder,
                  npartitions: Optional[int] = None) -> dict[str, int]:
    """Counts from a hash-partitioned join of fingerprints: release rows identical to an original
    row, and original records (rows) that appear in the release."""
    import dask.dataframe as dd

    meta = pd.DataFrame({"h1": pd.Series([], dtype=np.int64), "h2": pd.Series([], dtype=np.int64), "row": pd.Series([], dtype=np.int64)})
    o_off = np.concatenate([[0], np.cumsum(original_rows)]).astype(np.int64)
    r_off = np.concatenate([[0], np.cumsum(release_rows)]).astype(np.int64)
    orig = dd.from_map(_fp_task, original_parts, [encoder] * len(original_parts), ["original"] * len(original_parts), list(o_off[:-1]), meta=meta,
                       enforce_metadata=False, label="privsynth-fp-original")
    rel = dd.from_map(_fp_task, release_parts, [encoder] * len(release_parts), ["release"] * len(release_parts), list(r_off[:-1]), meta=meta,
                      enforce_metadata=False, label="privsynth-fp-release")
    n = npartitions or max(orig.npartitions, rel.npartitions)
    okeys = orig[["h1", "h2"]].drop_duplicates(split_out=n)
    rkeys = rel[["h1", "h2"]].drop_duplicates(split_out=n)
    rel_hit = rel.merge(okeys, on=["h1", "h2"], how="inner", npartitions=n, shuffle_method="tasks")
    orig_hit = orig.merge(rkeys, on=["h1", "h2"], how="inner", npartitions=n, shuffle_method="tasks")
    a, b = client.compute([rel_hit["row"].count(), orig_hit["row"].count()], sync=True)
    return {"release_rows_identical_to_an_original_row": int(a), "original_records_in_release": int(b),
            "release_rows": int(sum(release_rows)), "original_rows": int(sum(original_rows))}


# --------------------------------------------------------------------------- the verifier's searches on a cluster


def _hold(blob: bytes) -> bytes:
    """The serialized index as a task result: shipped to each worker once, recomputed from the task
    (which holds the bytes) if the worker holding it dies -- unlike scattered data."""
    return blob


def _search_task(query: np.ndarray, blob: bytes, token: str, n: int, n_columns: int, info: tuple, params: dict, k: int) -> tuple[np.ndarray, np.ndarray]:
    """`NeighborIndex.search` of one block of queries, on a worker, with the driver's index."""
    import faiss

    from privsynth.evaluate.neighbors import NeighborIndex, SearchInfo

    if token not in _INDEX:  # deserialized once per worker process
        _INDEX.clear()
        idx = faiss.deserialize_index(np.frombuffer(blob, dtype=np.uint8))
        if "nprobe" in params:
            faiss.extract_index_ivf(idx).nprobe = params["nprobe"]
        if "efSearch" in params:
            faiss.downcast_index(idx).hnsw.efSearch = params["efSearch"]
        ni = object.__new__(NeighborIndex)  # the index as the driver built it, so search() is the local code
        ni.n, ni.n_columns, ni.dim, ni._faiss, ni._sk, ni.info = n, n_columns, idx.d, idx, None, SearchInfo(*info)
        _INDEX[token] = ni
    return _INDEX[token].search(query, k)


class ClusterIndex:
    """A `NeighborIndex` built once on the driver and searched on the workers: the queries are cut
    into blocks of `block_rows`, each block is a task that searches the broadcast index, and the
    results come back in query order -- the local index's answer, row for row."""

    def __init__(self, client, local, block_rows: int) -> None:
        import faiss

        self.client, self.local, self.block_rows = client, local, block_rows
        self.info, self.n = local.info, local.n
        self._params: dict = {}
        idx = local._faiss
        if "IVF" in local.info.index:
            self._params["nprobe"] = int(faiss.extract_index_ivf(idx).nprobe)
        if "HNSW" in local.info.index:
            self._params["efSearch"] = int(idx.hnsw.efSearch)
        self._blob = submit_one(client, _hold, faiss.serialize_index(idx).tobytes(), stage="evaluate-index")
        import secrets

        self._token = secrets.token_hex(8)

    def search(self, query: np.ndarray, k: int = 1) -> tuple[np.ndarray, np.ndarray]:
        m = len(query)
        if m == 0 or self.n == 0:
            return self.local.search(query, k)
        query = np.ascontiguousarray(query, dtype=np.float32)
        blocks = [query[s:s + self.block_rows] for s in range(0, m, self.block_rows)]
        futs = submit_parts(self.client, _search_task, blocks, stage="evaluate-search", blob=self._blob, token=self._token, n=self.n,
                            n_columns=self.local.n_columns, info=(self.info.backend, self.info.approximate, self.info.index), params=self._params, k=k)
        got = collect(self.client, futs, stage="evaluate-search")
        return np.concatenate([g[0] for g in got]), np.concatenate([g[1] for g in got])


def _key_frame(keys: np.ndarray, name: str) -> pd.DataFrame:
    k = np.ascontiguousarray(keys).view(np.int64).reshape(-1, 2)
    return pd.DataFrame({"h1": k[:, 0], "h2": k[:, 1], name: np.arange(len(k), dtype=np.int64)})


class ClusterSearch:
    """The verifier's searches on a Dask cluster (`evaluate_release(searcher=...)`), equal to the
    in-process ones (privsynth.evaluate.prepared):

    - `index(base, n_columns, **options)`: the `NeighborIndex` the verifier would build (same
      backend, same exact/approximate choice, same training sample), searched on the workers
      (`ClusterIndex`). The scikit-learn backend has no serializable index: it is searched here.
    - `rows_in(Xq, keys_q, Xb, keys_b)`: which query rows equal some base row, by a hash-partitioned
      join of the 128-bit row fingerprints (`privsynth.evaluate.fingerprints.row_fingerprints`,
      Dask DataFrame merge, `shuffle_method="tasks"`), every matched pair then confirmed on the
      encoded rows -- the in-process `RowLookup` answer.
    """

    def __init__(self, client, block_rows: int = 20_000, join_rows: int = 250_000) -> None:
        self.client, self.block_rows, self.join_rows = client, block_rows, join_rows

    def index(self, base: np.ndarray, n_columns: int, **options):
        from privsynth.evaluate.neighbors import NeighborIndex

        local = NeighborIndex(base, n_columns, **options)
        if local._faiss is None:
            return local
        return ClusterIndex(self.client, local, self.block_rows)

    def rows_in(self, Xq: np.ndarray, keys_q: np.ndarray, Xb: np.ndarray, keys_b: np.ndarray) -> np.ndarray:
        import dask.dataframe as dd

        hit = np.zeros(len(Xq), dtype=bool)
        if len(Xq) == 0 or len(Xb) == 0:
            return hit
        n = max(2, -(-max(len(Xq), len(Xb)) // self.join_rows))
        q = dd.from_pandas(_key_frame(keys_q, "q"), npartitions=n, sort=False)
        # one base row per fingerprint (the first, as RowLookup's stable sort finds it): duplicates
        # in both tables would otherwise multiply into every pair
        b = dd.from_pandas(_key_frame(keys_b, "b").drop_duplicates(["h1", "h2"], keep="first"), npartitions=n, sort=False)
        pairs = q.merge(b, on=["h1", "h2"], how="inner", npartitions=n, shuffle_method="tasks")[["q", "b"]]
        try:
            got = self.client.compute(pairs, sync=True)
        except Exception as e:
            raise engine_error(e, "evaluate-join") from None
        if len(got):
            qi, bi = got["q"].to_numpy(), got["b"].to_numpy()
            same = (Xq[qi] == Xb[bi]).all(axis=1)
            hit[qi[same]] = True
        return hit
