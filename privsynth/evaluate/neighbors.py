"""Nearest-neighbour search under L1 on Gower-encoded rows.

* FAISS `IndexFlat(METRIC_L1)`: exact (default).
* above `approximate_above` base rows an approximate FAISS index, flagged `approximate` in the evidence:
  `IndexIVFFlat(METRIC_L1)` (default; nlist = min(1024, 4*sqrt(n)), nprobe = 32, trained on <= 50,000 rows; a verbatim copy always falls in its
  own list, so copies are still found) or `IndexHNSWFlat(METRIC_L1)`. A returned neighbour may not be the
  true nearest; the distance is exact for the neighbour returned, so distances are never underestimated.
* scikit-learn `NearestNeighbors(metric="manhattan", algorithm="brute")`: exact fallback that
  returns the same distances as the exact FAISS index (tested against each other).

Returned distances are the L1 sums divided by `n_columns` (Gower distance, 0..1).

The exact FAISS search runs over the base in blocks of about `BLOCK_BYTES` (`faiss.knn`, the very
`knn_extra_metrics` kernel `IndexFlat.search` calls, so every distance is bit-identical) and keeps, per
query, the k smallest (distance, base row) pairs, as `IndexFlat.search` does: FAISS scans a query's base
rows in order and keeps an earlier row on a tie, so a block's rows win ties only over later blocks. A block
stays in the core's cache while all the queries of a batch stream past it; streaming the whole base once
per query (several MB on Adult) was 2-2.5x the CPU for the same answer (docs/benchmarks/evaluate.md).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

import numpy as np

try:  # pragma: no cover - import guard
    import faiss  # type: ignore

    HAVE_FAISS = True
except Exception:  # pragma: no cover
    faiss = None
    HAVE_FAISS = False


#: bytes of encoded base rows searched at once by the exact index: fits a core's L2 cache with its queries
BLOCK_BYTES = 1 << 20


@dataclass
class SearchInfo:
    backend: str
    approximate: bool
    index: str

    def as_dict(self) -> dict:
        return {"backend": self.backend, "approximate": self.approximate, "index": self.index}


class NeighborIndex:
    """An index over `base` answering k-nearest queries with Gower distances."""

    def __init__(self, base: np.ndarray, n_columns: int, backend: str = "faiss", approximate_above: int = 200_000,
                 hnsw_m: int = 32, ef_search: int = 128, seed: int = 0, kind: str = "ivf", nprobe: int = 32) -> None:
        self.n = len(base)
        self.n_columns = max(1, n_columns)
        base = np.ascontiguousarray(base, dtype=np.float32)
        self.dim = base.shape[1] if base.ndim == 2 else 0
        use_faiss = backend == "faiss" and HAVE_FAISS
        approximate = self.n > approximate_above
        if use_faiss:
            if approximate and kind == "hnsw":
                idx = faiss.IndexHNSWFlat(self.dim, hnsw_m, faiss.METRIC_L1)
                idx.hnsw.efConstruction = 40
                idx.hnsw.efSearch = ef_search
                self.info = SearchInfo("faiss", True, f"IndexHNSWFlat(M={hnsw_m}, efSearch={ef_search}, METRIC_L1)")
            elif approximate:
                nlist = int(min(1024, max(64, 4 * np.sqrt(self.n))))
                quantizer = faiss.IndexFlat(self.dim, faiss.METRIC_L1)
                idx = faiss.IndexIVFFlat(quantizer, self.dim, nlist, faiss.METRIC_L1)
                rng = np.random.default_rng(seed)
                train = base[rng.choice(self.n, size=min(self.n, 50_000), replace=False)]
                idx.train(train)
                idx.nprobe = nprobe
                self._quantizer = quantizer  # keep alive
                self.info = SearchInfo("faiss", True, f"IndexIVFFlat(nlist={nlist}, nprobe={nprobe}, METRIC_L1)")
            else:
                idx = faiss.IndexFlat(self.dim, faiss.METRIC_L1)
                self.info = SearchInfo("faiss", False, "IndexFlat(METRIC_L1)")
                self._base = base  # searched block by block (`_search_blocks`), same answer as idx.search
            if self.n:
                idx.add(base)
            self._faiss = idx
            self._sk = None
        else:
            from sklearn.neighbors import NearestNeighbors

            self._faiss = None
            self._sk = NearestNeighbors(metric="manhattan", algorithm="brute", n_jobs=1)
            if self.n:
                self._sk.fit(base)
            self.info = SearchInfo("sklearn", False, "NearestNeighbors(manhattan, brute)")

    def search(self, query: np.ndarray, k: int = 1, batch: int = 4096) -> tuple[np.ndarray, np.ndarray]:
        """(distances, indices), both shaped (len(query), k); missing neighbours have index -1, distance inf."""
        m = len(query)
        kk = min(k, self.n)
        dist = np.full((m, k), np.inf, dtype=np.float64)
        ind = np.full((m, k), -1, dtype=np.int64)
        if m == 0 or kk == 0:
            return dist, ind
        query = np.ascontiguousarray(query, dtype=np.float32)
        for s in range(0, m, batch):
            q = query[s : s + batch]
            base = getattr(self, "_base", None)
            if base is not None:
                D, I = _search_blocks(base, q, kk)
            elif self._faiss is not None:
                D, I = self._faiss.search(q, kk)
            else:
                D, I = self._sk.kneighbors(q, n_neighbors=kk)
            dist[s : s + len(q), :kk] = D
            ind[s : s + len(q), :kk] = I
        dist[:, :kk] = np.maximum(dist[:, :kk], 0.0) / self.n_columns
        return dist, ind


def _search_blocks(base: np.ndarray, q: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    """Exact L1 k-nearest of the rows of `q` in `base` (float32, C-contiguous), `IndexFlat(METRIC_L1).search`'s
    answer bit for bit: the same kernel per block of base rows, and per query the k lexicographically smallest
    (distance, row) pairs kept across blocks (a stable sort puts an earlier block first on a tie)."""
    n, d = base.shape
    rows = max(256, BLOCK_BYTES // max(1, 4 * d))
    if n <= rows + rows // 2:
        return faiss.knn(q, base, k, metric=faiss.METRIC_L1)
    D = I = None
    for s in range(0, n, rows):
        e = n if n - (s + rows) < k else min(n, s + rows)  # every block holds at least k rows
        Db, Ib = faiss.knn(q, base[s:e], k, metric=faiss.METRIC_L1)
        Ib += s
        if D is None:
            D, I = Db, Ib
        else:
            D, I = np.hstack([D, Db]), np.hstack([I, Ib])
            o = np.argsort(D, axis=1, kind="stable")[:, :k]
            D, I = np.take_along_axis(D, o, 1), np.take_along_axis(I, o, 1)
        if e == n:
            break
    return D, I


def set_threads(n: Optional[int]) -> None:
    if HAVE_FAISS and n:
        faiss.omp_set_num_threads(int(n))
