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
    mult = _multipliers(words.shape[1])
    with np.errstate(over="ignore"):
        for s in range(0, n, chunk):
            w = words[s : s + chunk].astype(np.uint64)
            w += np.uint64(0x9E3779B97F4A7C15)  # so that zero words still contribute
            out[s : s + chunk, 0] = (w * mult[0]).sum(axis=1)
            out[s : s + chunk, 1] = ((w ^ np.uint64(0xBF58476D1CE4E5B9)) * mult[1]).sum(axis=1)
    return out.view(np.dtype((np.void, 16))).ravel()


def _multipliers(d: int) -> np.ndarray:
    if d > _FP_WORDS.shape[1]:
        return np.random.default_rng(d).integers(1, 2**63, size=(2, d), dtype=np.uint64) | np.uint64(1)
    return _FP_WORDS[:, :d]


def masked_fingerprints(X: np.ndarray, keys: np.ndarray, sl: slice, chunk: int = 65536) -> np.ndarray:
    """`row_fingerprints` of X with the coordinates `sl` set to 0.0, computed from X's fingerprints `keys`: every
    coordinate adds its own term (mod 2**64), so only the slice's terms are exchanged for those of 0.0. Equal, bit for
    bit, to `row_fingerprints(Y)` where Y = X.copy(); Y[:, sl] = 0.0 (tested), at the cost of the slice alone."""
    n, d = X.shape
    mult = _multipliers(d)[:, sl]
    k = keys.view(np.uint64).reshape(n, 2).copy()
    if n == 0 or mult.shape[1] == 0:
        return k.view(np.dtype((np.void, 16))).ravel()
    words = np.ascontiguousarray(X[:, sl], dtype=np.float32).view(np.uint32)
    c, x = np.uint64(0x9E3779B97F4A7C15), np.uint64(0xBF58476D1CE4E5B9)
    with np.errstate(over="ignore"):
        zero0 = (c * mult[0]).sum()  # the terms of a 0.0 word (bit pattern 0)
        zero1 = ((c ^ x) * mult[1]).sum()
        for s in range(0, n, chunk):
            w = words[s : s + chunk].astype(np.uint64)
            w += c
            k[s : s + chunk, 0] += zero0 - (w * mult[0]).sum(axis=1)
            k[s : s + chunk, 1] += zero1 - ((w ^ x) * mult[1]).sum(axis=1)
    return k.view(np.dtype((np.void, 16))).ravel()


def slice_terms(X: np.ndarray, sl: slice, chunk: int = 65536) -> np.ndarray:
    """(n, 2) uint64: the terms the coordinates `sl` add to each row's `row_fingerprints` (mod 2**64). The terms of
    all coordinates add up to the fingerprint, so a row whose slice is taken from another row has the fingerprint
    `key - terms[row] + terms[other]` (mod 2**64), bit for bit that of the row built and fingerprinted (tested)."""
    n, d = X.shape
    mult = _multipliers(d)[:, sl]
    out = np.zeros((n, 2), dtype=np.uint64)
    if n == 0 or mult.shape[1] == 0:
        return out
    words = np.ascontiguousarray(X[:, sl], dtype=np.float32).view(np.uint32)
    c, x = np.uint64(0x9E3779B97F4A7C15), np.uint64(0xBF58476D1CE4E5B9)
    with np.errstate(over="ignore"):
        for s in range(0, n, chunk):
            w = words[s : s + chunk].astype(np.uint64)
            w += c
            out[s : s + chunk, 0] = (w * mult[0]).sum(axis=1)
            out[s : s + chunk, 1] = ((w ^ x) * mult[1]).sum(axis=1)
    return out


class RowLookup:
    """Exact lookup of encoded rows in a table: fingerprints sorted once, every hit confirmed on the rows.

    `ignore`: coordinates left out of the comparison (the rows are compared as if they were 0.0 in both; the keys
    must then be `masked_fingerprints` with the same slice)."""

    def __init__(self, Xb: np.ndarray, keys_b: np.ndarray, ignore: slice | None = None) -> None:
        self.Xb = Xb
        self.n = len(keys_b)
        # the table's rows by the first 64-bit word of their fingerprint (integer sorts and searches, several times
        # faster than on 16-byte keys): the distinct first words and the lowest row holding each; when two different
        # fingerprints of the table share a first word, the whole 16-byte keys instead (same answers either way:
        # whether the key occurs, and the lowest row holding it)
        k = np.ascontiguousarray(keys_b).view(np.uint64).reshape(-1, 2)
        self.first_words, self.first_row, inv = np.unique(k[:, 0], return_index=True, return_inverse=True)
        self.second_word = k[self.first_row, 1]
        self.words = (self.second_word[inv.ravel()] == k[:, 1]).all()
        if not self.words:
            self.order = np.argsort(keys_b, kind="stable")
            self.sorted = keys_b[self.order]
        self.keep = None
        if ignore is not None:
            self.keep = np.ones(Xb.shape[1], dtype=bool)
            self.keep[ignore] = False

    def contains(self, Xq: np.ndarray, keys_q: np.ndarray) -> np.ndarray:
        """Whether each row of Xq equals some row of the table."""
        return self.contains_rows(keys_q, Xq.__getitem__)

    def contains_rows(self, keys_q: np.ndarray, rows_at=None, same_at=None) -> np.ndarray:
        """`contains` for query rows given by their fingerprints `keys_q` and `rows_at(idx)` -> the rows `idx` (an
        int array) as an array: only the rows whose fingerprint is found are asked for, to be compared. Or
        `same_at(idx, b)` -> whether query row idx[i] equals row b[i] of the table (bool array), instead of
        `rows_at`, for a caller that can tell without building the rows."""
        if len(keys_q) == 0 or self.n == 0:
            return np.zeros(len(keys_q), dtype=bool)
        if self.words:
            kq = np.ascontiguousarray(keys_q).view(np.uint64).reshape(-1, 2)
            pos = np.minimum(np.searchsorted(self.first_words, kq[:, 0]), len(self.first_words) - 1)
            hit = (self.first_words[pos] == kq[:, 0]) & (self.second_word[pos] == kq[:, 1])
            idx = np.flatnonzero(hit)
            rows_b = self.first_row[pos[idx]]
        else:
            pos = np.clip(np.searchsorted(self.sorted, keys_q), 0, len(self.sorted) - 1)
            hit = self.sorted[pos] == keys_q
            idx = np.flatnonzero(hit)
            rows_b = self.order[pos[idx]]
        if len(idx):
            b = rows_b
            if same_at is not None:
                same = same_at(idx, b)
            else:
                Xq = rows_at(idx)
                if self.keep is None:
                    same = (Xq == self.Xb[b]).all(axis=1)
                else:
                    same = (Xq[:, self.keep] == self.Xb[b][:, self.keep]).all(axis=1)
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
