"""A sorted fingerprint file looked up by reading only the blocks a look-up needs.

The Dask engine's reserve (`privsynth.engine.anonymize._union_reserves`) is one sorted array of
distinct 64-bit fingerprints per set, 8 bytes an entry, in a `.npy` file. Memory-mapped and
searched with `np.searchsorted`, a partition's look-ups touch nearly every page of it, and each
touched page counts in the worker's resident set (page cache, but Dask's memory monitor and the
per-worker limit count it): about 8 bytes an entry of the whole dataset's reserve per worker.

`FingerprintFile` instead keeps in memory only the first fingerprint of every block of
`BLOCK` entries (4 KiB; the index, written beside the file by `_merge_by_range`: 1/512 of the
file) and answers `contains` by reading, with `os.pread`, only the spans of blocks the sorted
queries fall in, one window of at most `WINDOW` blocks (1 MiB) at a time. Reads go through the
page cache into a buffer freed after the window, so a worker's memory for the reserve is the
index plus one window, whatever the dataset size. The answers are `np.searchsorted`'s on the
whole array (tests/test_engine_reserve.py).
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np

from privsynth.transform.reserve import FingerprintSet

BLOCK = 512  # entries a block (4 KiB of uint64)
WINDOW = 256  # blocks read at most in one `os.pread` (1 MiB)


def npy_data(path: Path) -> tuple[int, int]:
    """(byte offset of the data, entries) of a 1-D uint64 `.npy` file written by `FingerprintSet.save`.
    Raises ValueError for any other array."""
    with open(path, "rb") as fh:
        version = np.lib.format.read_magic(fh)
        read = np.lib.format.read_array_header_1_0 if version == (1, 0) else np.lib.format.read_array_header_2_0
        shape, _, dtype = read(fh)
        if dtype != np.dtype("<u8") or len(shape) != 1:
            raise ValueError(f"{Path(path).name}: not a 1-D uint64 fingerprint array")
        return fh.tell(), int(shape[0])


def index_path(path: Path) -> Path:
    """Where the block index of the fingerprint file `path` is (`values.npy` -> `values.index.npy`)."""
    path = Path(path)
    return path.with_name(path.stem + ".index.npy")


class FingerprintFile(FingerprintSet):
    """A file-backed `FingerprintSet` (a sorted distinct uint64 `.npy` and its block index,
    `index_path`) whose `contains` reads only the blocks it needs. Pickles as the file's path;
    attached by reference by `FingerprintSet.update` like any file-backed set. `len` and `array`
    read the memory-mapped file (the latter copies it all: not used on the look-up path)."""

    __slots__ = ("_index", "_offset", "_n", "_fd")

    def __init__(self, path) -> None:
        super().__init__()
        self._open(str(path))

    def _open(self, path: str) -> None:
        self._path = path
        self._offset, self._n = npy_data(Path(path))
        self._sorted = np.load(path, mmap_mode="r") if self._n else np.empty(0, dtype=np.uint64)  # for len(): no page is read
        self._index = np.load(index_path(Path(path)))
        if len(self._index) != -(-self._n // BLOCK):
            raise ValueError(f"{index_path(Path(path)).name}: the block index does not match {Path(path).name}")
        self._fd = None

    def contains(self, fps: np.ndarray) -> np.ndarray:
        fps = np.asarray(fps, dtype=np.uint64)
        out = np.zeros(len(fps), dtype=bool)
        if not len(fps) or not self._n:
            return out
        if self._fd is None:
            self._fd = os.open(self._path, os.O_RDONLY)
        order = np.argsort(fps, kind="stable")
        q = fps[order]
        blk = np.searchsorted(self._index, q, side="right").astype(np.int64) - 1  # -1: below the first entry, absent
        k0 = int(np.searchsorted(blk, 0))  # q is sorted, so blk is too
        if k0 == len(q):
            return out
        found = np.zeros(len(q), dtype=bool)
        win = blk[k0:] // WINDOW
        cuts = np.concatenate([[0], np.flatnonzero(win[1:] != win[:-1]) + 1, [len(win)]]) + k0
        for s, e in zip(cuts[:-1].tolist(), cuts[1:].tolist()):
            lo = int(blk[s]) * BLOCK
            hi = min(self._n, (int(blk[e - 1]) + 1) * BLOCK)
            raw = os.pread(self._fd, (hi - lo) * 8, self._offset + lo * 8)
            if len(raw) != (hi - lo) * 8:
                raise OSError(f"{Path(self._path).name}: short read (the file changed while it was in use)")
            buf = np.frombuffer(raw, dtype="<u8")
            qq = q[s:e]
            i = np.searchsorted(buf, qq)
            np.minimum(i, len(buf) - 1, out=i)
            found[s:e] = buf[i] == qq
        out[order] = found
        return out

    def __getstate__(self):
        return {"file": self._path}

    def __setstate__(self, state) -> None:
        self._chunks, self._attached = [], []
        self._open(state["file"])

    def __del__(self) -> None:
        fd = getattr(self, "_fd", None)
        if fd is not None:
            try:
                os.close(fd)
            except OSError:
                pass
