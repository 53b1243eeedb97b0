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

Given the coordinates of the categorical columns (`categorical`: any two distinct categories are exactly
1 apart in L1, equal ones 0), a large exact search first looks among the base rows that share the query's
categories, then among those that differ in at most one categorical column, and keeps such an answer only
when its k-th distance is below 1 (resp. 2) minus a float32 rounding bound: every other base row differs in
more categorical columns and so lies at least that far (its float32 sum too), so the answer, ties included,
is the full search's.
The other queries are searched over the whole base. Same kernel, same pairs kept: bit-identical.
The rows may be grouped by a subset of the categorical columns (`_grouping_columns`: those of fewest categories,
when that is estimated much cheaper): a base row outside a query's group still differs in at least one (resp. two)
of the grouping columns, so the same bounds hold and the answer is the same; fewer, larger groups cost fewer FAISS
calls on a small base (Adult's control set: 2x less CPU).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Optional, Sequence

import numpy as np

try:  # pragma: no cover - import guard
    import faiss  # type: ignore

    HAVE_FAISS = True
except Exception:  # pragma: no cover
    faiss = None
    HAVE_FAISS = False


#: bytes of encoded base rows searched at once by the exact index: fits a core's L2 cache with its queries
BLOCK_BYTES = 1 << 20
#: below this many query x base x coordinate terms a search is not worth grouping by categories (Python overhead per
#: group); Adult's linkability halves (2,000 x 10,000 x 29: 6e8) take 5x less CPU grouped, same answer (session 7)
PRUNE_ABOVE_TERMS = 300_000_000
#: the fixed cost of one group's search (Python, FAISS call, copying its rows) in coordinate terms (~100 us)
GROUP_COST_TERMS = 300_000
#: group by fewer categorical columns only when that is estimated at less than this share of grouping by all of them
#: (the estimate counts the first step only; measured on Adult's 22 searches, session 8)
FEWER_COLUMNS_BELOW = 0.4


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
                 hnsw_m: int = 32, ef_search: int = 128, seed: int = 0, kind: str = "ivf", nprobe: int = 32,
                 categorical: Sequence[slice] = ()) -> None:
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
                self._categorical = [sl for sl in categorical if sl.stop > sl.start]
                self._codes: Optional[np.ndarray] = None
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
        if getattr(self, "_categorical", None) and m * self.n * max(1, self.dim) > PRUNE_ABOVE_TERMS:
            D, I = self._search_by_categories(query, kk)
            dist[:, :kk] = D
            ind[:, :kk] = I
            dist[:, :kk] = np.maximum(dist[:, :kk], 0.0) / self.n_columns
            return dist, ind
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

    def _search_by_categories(self, query: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
        """`_search_blocks(self._base, query, k)`'s answer (raw float32 L1 sums and rows), looking first among the
        base rows within 0, then 1, categorical mismatches of each query (see the module docstring)."""
        base, m = self._base, len(query)
        if self._codes is None:
            self._codes = _category_codes(base, self._categorical)
        cb, cq = self._codes, _category_codes(query, self._categorical)
        if cb is None or cq is None:
            return _search_blocks(base, query, k)
        D = np.full((m, k), np.inf, dtype=np.float32)
        I = np.full((m, k), -1, dtype=np.int64)
        todo = np.ones(m, dtype=bool)
        # a float32 sum of d non-negative terms (each |x - y| rounded once) whose exact total is t is at least
        # t * (1 - (d + 1) * 2**-24): a row that differs in c categorical columns (exact total >= c) computes >= c * (1 - rel)
        rel = max(5e-4, 4.0 * (base.shape[1] + 1) * 2.0 ** -24)
        threads = faiss.omp_get_max_threads()
        faiss.omp_set_num_threads(1)  # thousands of small searches: a thread team per call costs more than it saves
        try:
            cols = _grouping_columns(cb, cq, base.shape[1])
            self._search_groups(query, k, cb[:, cols], cq[:, cols], D, I, todo, rel)
        finally:
            faiss.omp_set_num_threads(threads)
        left = np.flatnonzero(todo)
        self.last_search = {"queries": m, "answered_within_categories": int(m - len(left))}  # for tests
        if len(left):
            D[left], I[left] = _search_blocks(base, query[left], k)
        return D, I

    def _search_groups(self, query, k, cb, cq, D, I, todo, rel) -> None:
        base = self._base
        try:
            cb, cq, kb, kq, place = _signatures(cb, cq)
        except OverflowError:
            return
        # within one mismatch only with 3+ categorical columns (with fewer, most of the base is a candidate)
        phases = [(1.0, [None])] + ([(2.0, list(range(cb.shape[1])))] if cb.shape[1] >= 3 else [])
        for bound, masks in phases:
            left = np.flatnonzero(todo)
            if len(left) == 0:
                break
            # per query, the base rows equal on every categorical column (but the masked one)
            groups = [_groups(kb, kq[left]) if c is None else
                      _groups(kb - cb[:, c] * place[c] - place[c], kq[left] - cq[left, c] * place[c] - place[c])
                      for c in masks]
            qsig = np.unique(kq[left], return_inverse=True)[1].ravel()
            # worth it? the candidate pairs (an upper bound in the second step) and a fixed cost per group, against
            # searching these queries over the whole base
            pairs = sum(int((ends - starts).sum()) for _, starts, ends in groups)
            if len(masks) > 1:  # each masked group holds the rows with the query's very categories: counted once
                _, starts, ends = _groups(kb, kq[left])
                pairs -= (len(masks) - 1) * int((ends - starts).sum())
            n_groups = int(qsig.max()) + 1
            group_cost = GROUP_COST_TERMS * (1 + len(masks) / 3)
            if n_groups * group_cost + pairs * base.shape[1] > 0.5 * len(left) * len(base) * base.shape[1]:
                break
            order = np.argsort(qsig, kind="stable")
            cuts = np.flatnonzero(np.diff(qsig[order])) + 1
            for qs in np.split(order, cuts):
                first = qs[0]
                parts = [rows[starts[first]:ends[first]] for rows, starts, ends in groups]
                cand = parts[0] if len(parts) == 1 else np.unique(np.concatenate(parts))
                if len(cand) < k or len(cand) > len(base) // 4:  # too few to answer, or too many to gain
                    continue
                qi = left[qs]
                Dc, Ic = faiss.knn(query[qi], base[cand], k, metric=faiss.METRIC_L1)
                ok = Dc[:, k - 1] < bound * (1.0 - rel)
                if ok.any():
                    D[qi[ok]], I[qi[ok]] = Dc[ok], cand[Ic[ok]]
                    todo[qi[ok]] = False


def _grouping_columns(cb: np.ndarray, cq: np.ndarray, dim: int) -> np.ndarray:
    """Which categorical columns to group the rows by (indices into the columns of `cb`/`cq`): every column, unless
    the columns of the fewest categories, as many as give the smallest estimated cost, are estimated at less than
    `FEWER_COLUMNS_BELOW` of every column's cost. The estimate is the first step's: GROUP_COST_TERMS per distinct
    query key plus `dim` terms per query x base row sharing its key (a choice whose average group holds more than an
    eighth of the base is left out).

    Any subset gives the same answer (a base row outside a query's group differs in at least one of the grouping
    columns, hence lies at least 1 away; see the module docstring); the choice only trades the fixed cost of many
    small searches against the terms of fewer, larger ones. On Adult's 4,879-row control set the 9 categorical
    columns make ~4,200 groups of ~7 rows and the step within one mismatch is not worth its cost; 5 columns make
    ~240 groups and answer 85% of the queries within their categories: 2x less CPU, same answer (session 8)."""
    n, m, c = len(cb), len(cq), cb.shape[1]
    everything = np.arange(c)
    if c < 2 or n == 0 or m == 0:
        return everything
    both = np.vstack([cb, cq])
    dense = np.empty_like(both)
    card = np.empty(c, dtype=np.int64)
    for j in range(c):  # codes renumbered 0..card-1 (they are small non-negative integers)
        seen = np.zeros(int(both[:, j].max()) + 1, dtype=np.int64)
        seen[both[:, j]] = 1
        card[j] = seen.sum()
        dense[:, j] = (np.cumsum(seen) - 1)[both[:, j]]
    order = np.argsort(card, kind="stable")
    key = np.zeros(n + m, dtype=np.int64)
    radix = 1
    best, best_cost, cost = everything, None, 0.0
    for size, j in enumerate(order, start=1):
        key = key * card[j] + dense[:, j]
        radix *= int(card[j])
        if radix > 1 << 22:  # keys renumbered densely (no more distinct keys than rows)
            key = np.unique(key, return_inverse=True)[1].ravel().astype(np.int64)
            radix = int(key.max()) + 1
        pairs = int(np.bincount(key[:n], minlength=radix)[key[n:]].sum())
        groups = int(np.count_nonzero(np.bincount(key[n:], minlength=radix)))
        cost = groups * GROUP_COST_TERMS + pairs * dim
        if size < c and pairs <= m * n / 8 and (best_cost is None or cost < best_cost):
            best, best_cost = order[:size], cost
    if best_cost is None or best_cost >= FEWER_COLUMNS_BELOW * cost:
        return everything
    return np.sort(best)


def _category_codes(X: np.ndarray, slices: Sequence[slice]) -> Optional[np.ndarray]:
    """(rows, categorical columns) int64: each column's category slot read back from its cross-polytope vertex;
    None when some row of a block is not such a vertex (one coordinate +-1/2, the others 0), for then two codes
    that differ need not be 1 apart."""
    out = np.empty((len(X), len(slices)), dtype=np.int64)
    for j, sl in enumerate(slices):
        block = np.abs(X[:, sl])
        if not ((block.max(axis=1) == 0.5) & (block.sum(axis=1) == 0.5)).all():
            return None
        a = block.argmax(axis=1)
        out[:, j] = 2 * a + (X[np.arange(len(X)), sl.start + a] < 0)
    return out


def _signatures(cb: np.ndarray, cq: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """(base codes, query codes, base keys, query keys, per-column place values): one int64 key per row naming its
    categories, a column's term being (code + 1) x its place value, so leaving column j out subtracts that term.
    Each column's codes are renumbered densely (np.unique) when the place values would overflow."""
    both = np.vstack([cb, cq])
    radix = both.max(axis=0) + 2
    if np.sum(np.log2(radix.astype(np.float64))) > 62:
        both = np.stack([np.unique(both[:, j], return_inverse=True)[1].ravel() for j in range(both.shape[1])], axis=1)
        radix = both.max(axis=0) + 2
        if np.sum(np.log2(radix.astype(np.float64))) > 62:
            raise OverflowError("too many category combinations to number")
    place = np.concatenate([[1], np.cumprod(radix[:-1])]).astype(np.int64)
    keys = (both + 1) @ place
    return both[: len(cb)], both[len(cb):], keys[: len(cb)], keys[len(cb):], place


def _groups(kb: np.ndarray, kq: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(base rows sorted by key, then row; per query the start and end of the base rows with its key)."""
    rows = np.argsort(kb, kind="stable")
    sorted_keys = kb[rows]
    return rows, np.searchsorted(sorted_keys, kq, "left"), np.searchsorted(sorted_keys, kq, "right")


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
