"""Exact row lookup: a 16-byte fingerprint per encoded row, sorted once, every hit confirmed on the rows."""

from __future__ import annotations

import numpy as np

_FP_WORDS = np.random.default_rng(20261127).integers(1, 2**63, size=(2, 4096), dtype=np.uint64) | np.uint64(1)


def row_fingerprints(X: np.ndarray, chunk: int = 65536) -> np.ndarray:
    """A 16-byte fingerprint per encoded row (two 64-bit multiply-add hashes of its float32 bit patterns),
    as a compact, sortable stand-in for the row itself; `rows_in` confirms every match on the rows."""
    n = len(X)
    out = np.zeros((n, 2), dtype=np.uint64)
    if n == 0:
        return out.view(np.dtype((np.void, 16))).ravel()
    X = np.ascontiguousarray(X, dtype=np.float32)
    words = X.view(np.uint32)
    d = words.shape[1]
    if d > _FP_WORDS.shape[1]:
        mult = np.random.default_rng(d).integers(1, 2**63, size=(2, d), dtype=np.uint64) | np.uint64(1)
    else:
        mult = _FP_WORDS[:, :d]
    with np.errstate(over="ignore"):
        for s in range(0, n, chunk):
            w = words[s : s + chunk].astype(np.uint64)
            w += np.uint64(0x9E3779B97F4A7C15)  # so that zero words still contribute
            out[s : s + chunk, 0] = (w * mult[0]).sum(axis=1)
            out[s : s + chunk, 1] = ((w ^ np.uint64(0xBF58476D1CE4E5B9)) * mult[1]).sum(axis=1)
    return out.view(np.dtype((np.void, 16))).ravel()


class RowLookup:
    """Exact lookup of encoded rows in a table: fingerprints sorted once, every hit confirmed on the rows."""

    def __init__(self, Xb: np.ndarray, keys_b: np.ndarray) -> None:
        self.Xb = Xb
        self.order = np.argsort(keys_b, kind="stable")
        self.sorted = keys_b[self.order]

    def contains(self, Xq: np.ndarray, keys_q: np.ndarray) -> np.ndarray:
        """Whether each row of Xq equals some row of the table."""
        if len(Xq) == 0 or len(self.sorted) == 0:
            return np.zeros(len(Xq), dtype=bool)
        pos = np.clip(np.searchsorted(self.sorted, keys_q), 0, len(self.sorted) - 1)
        hit = self.sorted[pos] == keys_q
        idx = np.flatnonzero(hit)
        if len(idx):
            same = (Xq[idx] == self.Xb[self.order[pos[idx]]]).all(axis=1)
            hit[idx[~same]] = False
        return hit


def rows_in(Xq: np.ndarray, keys_q: np.ndarray, Xb: np.ndarray, keys_b: np.ndarray) -> np.ndarray:
    """Exact: whether each row of Xq equals some row of Xb (fingerprint lookup, then the rows compared)."""
    return RowLookup(Xb, keys_b).contains(Xq, keys_q)


def multiplicity(keys: np.ndarray) -> np.ndarray:
    """For each row, how many rows of the same table share its fingerprint (its encoded row)."""
    if len(keys) == 0:
        return np.zeros(0, dtype=np.int64)
    _, inv, cnt = np.unique(keys, return_inverse=True, return_counts=True)
    return cnt[inv.ravel()]
