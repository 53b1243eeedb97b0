"""The reserve: real identifier values a pseudonym or surrogate must never equal.

A keyed surrogate is drawn from Faker's lists (names, streets, cities) or from the value's
format (IDs, phones, cards). Nothing stops it from being a real value: on a 3,000-row German
table 955 pseudonymized name cells were another real customer's name, so a reader attached
records to the wrong real person. The reserve holds every real identifier value of the input
(direct-identifier columns and columns whose operator replaces values), normalised the way the
residual-PII test compares values (`privsynth.matching.normalize`: case-folded letters and
digits), and every given and family name token of the name and e-mail columns.
`SurrogateFactory(key, locale, reserve)` re-derives a surrogate that falls in it (the next
element of the keyed name permutation, the next format-preserving permutation step, or a salted
digest), so the same key, locale and reserve always give the same surrogate.

Across files: pseudonyms stay joinable when every file is pseudonymized with the same key and
the same reserve. `privsynth anonymize A.csv --reserve B.csv` adds B's identifier values (B is
scanned with the same policy), so `anonymize A --reserve B` and `anonymize B --reserve A` both
use the union of A's and B's identifier values (the tables given together). A file pseudonymized
alone uses its own values only: a value whose first-choice surrogate is a real value of the other
file then gets a different surrogate in the two runs, and the join misses it.

Representation: the normalised values and digit variants are held as 64-bit fingerprints in a
sorted numpy array (`FingerprintSet`, 8 bytes an entry instead of a Python string of 50-130), and
looked up with `np.searchsorted`. A real value's fingerprint is always in the set, so a
surrogate equal to a real value is always found: a fingerprint collision can only make a
surrogate that is no real value look reserved, which forces a redraw (another fake); it can never
let a real value through. With n entries the chance that a given surrogate collides is about
n / 2**64 (1e-12 for 6.5 million entries). The array can be written to a file once and
memory-mapped by every process that uses it (`Reserve.save`, `Reserve.load`): the Dask engine
does so, so a worker does not unpickle a dataset-sized set per task.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Optional, Sequence

import numpy as np
import pandas as pd

from privsynth import entities as E
from privsynth.matching import normalize as match_key

_ANY_DIGIT = re.compile(r"\d")
_DIGIT_RUN = re.compile(r"\d(?:[ \-./()]{0,3}\d)*")
_DIGIT_GROUP = re.compile(r"\d+")
_NON_ALNUM = re.compile(r"[\W_]+", re.UNICODE)
_NON_DIGIT = re.compile(r"\D+")
_TOKENS = re.compile(r"[^\W\d_]{2,}", re.UNICODE)
# operators whose output replaces a value (the values of such columns are identifiers to avoid)
REPLACING = frozenset({"pseudonymize", "tokenize", "encrypt", "redact", "mask", "drop"})

# SipHash-2-4 (pandas' C implementation, the one behind `pd.util.hash_array`) with a fixed, public
# 16-byte key: the same fingerprint in every process, so a reserve can be built in one and used in another.
_FP_KEY = "privsynth-rsv-v1"
try:
    from pandas._libs.hashing import hash_object_array as _hash_object_array
except ImportError:  # pragma: no cover - a pandas without the module: its public wrapper (slower per call)
    def _hash_object_array(arr, key, encoding):
        return pd.util.hash_array(arr, encoding=encoding, hash_key=key, categorize=False)


def sorted_distinct(a: np.ndarray) -> np.ndarray:
    """The sorted distinct entries of the 1-D uint64 array `a` (what `np.unique(a)` returns), sorting
    `a` itself in place (pass a copy to keep it): each run of equal entries is kept once. Not
    `np.unique`: numpy 2.3+ de-duplicates through a hash table first (`_unique_hash`), which on
    uniformly spread 64-bit fingerprints costs about 100x a sort (12.7 vs 0.11 CPU s for 7 million
    entries, numpy 2.4)."""
    a.sort()
    if len(a) > 1:
        keep = np.empty(len(a), dtype=bool)
        keep[0] = True
        np.not_equal(a[1:], a[:-1], out=keep[1:])
        if not keep.all():
            a = a[keep]
    return a


def fingerprints(values) -> np.ndarray:
    """64-bit fingerprints (uint64 array of the same length) of `values`, a sequence or 1-D object
    array of `str`: SipHash-2-4 of the UTF-8 bytes with the fixed key `_FP_KEY`."""
    if isinstance(values, np.ndarray) and values.dtype == object:
        arr = values
    else:
        arr = np.empty(len(values), dtype=object)
        arr[:] = values
    if not len(arr):
        return np.empty(0, dtype=np.uint64)
    return _hash_object_array(arr, _FP_KEY, "utf8")


class FingerprintSet:
    """A set of strings held as their sorted, distinct 64-bit fingerprints (`fingerprints`).

    `add` collects arrays; the first lookup sorts them once (`sorted_distinct`). `contains` has no false
    negatives and false positives with probability about len(self) / 2**64 per lookup. A set
    loaded with `load(path)` is memory-mapped read-only and pickles as its path; `update` with
    such a set attaches it by reference (looked up in place, never copied)."""

    __slots__ = ("_chunks", "_sorted", "_path", "_attached")

    def __init__(self) -> None:
        self._chunks: list[np.ndarray] = []
        self._sorted: np.ndarray = np.empty(0, dtype=np.uint64)
        self._path: Optional[str] = None
        self._attached: list["FingerprintSet"] = []  # file-backed sets looked up in place

    def add(self, fps: np.ndarray) -> None:
        if len(fps):
            self._chunks.append(np.asarray(fps, dtype=np.uint64))

    def add_strings(self, values) -> None:
        self.add(fingerprints(values))

    def update(self, other: "FingerprintSet") -> None:
        if other._path is not None and not other._chunks:  # memory-mapped: attached, not copied
            self._attached.append(other)
            return
        self._attached.extend(other._attached)
        if len(other.array):
            self._chunks.append(other.array)

    @property
    def file_backed(self) -> bool:
        return self._path is not None and not self._chunks

    @property
    def array(self) -> np.ndarray:
        """The sorted distinct fingerprints (uint64), attached sets included (they are copied in
        only here: `contains` looks them up in place)."""
        if self._attached:
            self._chunks.extend(np.asarray(a.array) for a in self._attached)
            self._attached = []
        return self._own()

    def _own(self) -> np.ndarray:
        if self._chunks:
            parts = ([self._sorted] if len(self._sorted) else []) + self._chunks
            a = sorted_distinct(np.concatenate(parts) if len(parts) > 1 else np.array(parts[0], dtype=np.uint64))
            self._sorted, self._chunks, self._path = a, [], None
        return self._sorted

    def contains(self, fps: np.ndarray) -> np.ndarray:
        """Bool array: which of the fingerprints `fps` are in the set."""
        fps = np.asarray(fps, dtype=np.uint64)
        out = np.zeros(len(fps), dtype=bool)
        if not len(fps):
            return out
        order = None
        if len(fps) > 4096:  # sorted queries walk the array in order: ~9x fewer cache misses on a large reserve
            order = np.argsort(fps)
            fps = fps[order]
        a = self._own()
        if len(a):
            i = np.searchsorted(a, fps)
            np.minimum(i, len(a) - 1, out=i)
            out |= a[i] == fps
        for x in self._attached:  # each attached set answers for itself (a file-backed subclass may read its file its own way)
            out |= x.contains(fps)
        if order is not None:
            res = np.empty_like(out)
            res[order] = out
            return res
        return out

    def contains_strings(self, values) -> np.ndarray:
        return self.contains(fingerprints(values))

    def __len__(self) -> int:
        return len(self._own()) + sum(len(x._own()) for x in self._attached)

    def __bool__(self) -> bool:
        return len(self) > 0

    def __eq__(self, other: object) -> bool:
        return isinstance(other, FingerprintSet) and np.array_equal(self.array, other.array)

    def save(self, path: Path) -> None:
        """Write the sorted array to `path` (`.npy`) atomically, and use the file from now on."""
        path = Path(path)
        tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        with open(tmp, "wb") as fh:
            np.save(fh, self.array, allow_pickle=False)
        os.replace(tmp, path)
        self._sorted, self._path = np.load(path, mmap_mode="r"), str(path)

    @classmethod
    def load(cls, path) -> "FingerprintSet":
        """The set saved at `path`, memory-mapped read-only (pages shared by every process that maps it)."""
        out = cls()
        out._sorted, out._path = np.load(path, mmap_mode="r"), str(path)
        return out

    def __getstate__(self):
        if self._path is not None and not self._chunks and not self._attached:
            return {"path": self._path}
        return {"array": self.array}

    def __setstate__(self, state) -> None:
        self._chunks, self._attached = [], []
        if "path" in state:
            self._sorted, self._path = np.load(state["path"], mmap_mode="r"), state["path"]
        else:
            self._sorted, self._path = state["array"], None


# Byte classes of the ASCII kernels (`_Utf8Batch.byte_mask`), after lowering: (first byte, number of bytes) ranges
# of digits, letters, both. Tested with subtraction and comparison, not a 256-entry table: numpy indexes a table
# with uint8 bytes by widening them to 8-byte indices first (3x the time on 30 MB of e-mails).
_B_DIGIT = ((48, 10),)
_B_LETTER = ((97, 26),)
_B_ALNUM = _B_LETTER + _B_DIGIT


def _in_range(a: np.ndarray, first: int, count: int) -> np.ndarray:
    """Bool per byte of the uint8 array `a`: first <= byte < first + count (uint8 wrap-around)."""
    return np.subtract(a, first, dtype=np.uint8) < count

# Character classes of the Unicode kernel (`_Utf8Batch.char_classes`), one entry per code point, each decided by the
# very expressions `Reserve.hit` applies (so the kernel answers as `hit` does whatever Python's Unicode version):
# a name-token letter (`[^\W\d_]`, as in `_TOKENS`), kept in the match key (no `[\W_]`, as in `_NON_ALNUM`), a decimal
# digit (`\d`), and "fold-safe": case folding maps the character to one or more characters, none of them an ASCII
# capital, a decimal digit when it is one (then to itself) and none when it is not, so that the digit runs of a
# case-folded string are those of the string. Filled the first time a batch holds the code point.
_C_LETTER, _C_KEY, _C_DIGIT, _C_FOLD_SAFE, _C_KNOWN = 1, 2, 4, 8, 128
_CP_CLASS = np.zeros(0x110000, dtype=np.uint8)
_ONE_LETTER = re.compile(r"[^\W\d_]")
_ONE_DIGIT = re.compile(r"\d")


def _classify(cps: Iterable[int]) -> None:
    """Fill `_CP_CLASS` for the code points `cps`."""
    for c in cps:
        ch = chr(c)
        f = ch.casefold()
        digit = _ONE_DIGIT.fullmatch(ch) is not None
        safe = bool(f) and not any("A" <= x <= "Z" for x in f) and (f == ch if digit else not _ANY_DIGIT.search(f))
        _CP_CLASS[c] = (_C_KNOWN | (_C_LETTER if _ONE_LETTER.fullmatch(ch) else 0) | (0 if _NON_ALNUM.fullmatch(ch) else _C_KEY)
                        | (_C_DIGIT if digit else 0) | (_C_FOLD_SAFE if safe else 0))


_classify(range(128))
_B_CLASS = np.where(np.arange(256) < 128, _CP_CLASS[:256], 0).astype(np.uint8)  # per byte: an ASCII character's class


class _Utf8Batch:
    """A batch of strings as one UTF-8 byte buffer and its offsets (the buffers of a pyarrow
    `large_string` array), with the few string operations the reserve needs done on the whole
    buffer with numpy: ASCII lower case, keeping a class of bytes (the match key: letters and
    digits; the digits), and the maximal runs of a class (name tokens: letters; digit groups).

    For ASCII strings these give what the regular-expression kernels they replace gave
    (`[^a-z0-9]+` removed, `[^0-9]+` removed, split on `[^a-z]+` / `[^0-9]+`), in about a tenth
    of their time; for other strings the results are not meaningful and callers use Python's
    Unicode rules instead (`is_ascii`)."""

    __slots__ = ("arr", "n", "off", "low", "is_ascii")

    def __init__(self, values) -> None:
        import pyarrow as pa
        import pyarrow.compute as pc

        arr = values if isinstance(values, pa.Array) else pa.array(values, type=pa.large_string())
        if arr.type != pa.large_string():
            arr = arr.cast(pa.large_string())
        self.arr, self.n = arr, len(arr)
        bufs = arr.buffers()
        off = np.frombuffer(bufs[1], dtype=np.int64, count=self.n + 1, offset=arr.offset * 8)
        end = int(off[-1]) if self.n else 0
        data = np.frombuffer(bufs[2], dtype=np.uint8, count=end) if bufs[2] is not None and end else np.empty(0, dtype=np.uint8)
        if self.n and off[0]:
            data, off = data[off[0]:], off - off[0]
        self.off = off
        self.low = data | (_in_range(data, 65, 26).view(np.uint8) << 5)  # A-Z lowered (+32); the other bytes kept
        self.is_ascii = pc.string_is_ascii(arr).to_numpy(zero_copy_only=False) if self.n else np.zeros(0, dtype=bool)

    def byte_mask(self, ranges: tuple[tuple[int, int], ...], rows: Optional[np.ndarray] = None) -> np.ndarray:
        """Bool per byte: the lowered byte is in one of the byte `ranges` (`_B_DIGIT`, `_B_LETTER`, `_B_ALNUM`) and
        its string is one of `rows` (a bool per string)."""
        m = _in_range(self.low, *ranges[0])
        for r in ranges[1:]:
            m |= _in_range(self.low, *r)
        if rows is not None and not rows.all():
            m &= np.repeat(rows, np.diff(self.off))
        return m

    def per_string(self, mask: np.ndarray) -> np.ndarray:
        """Int64 per string: how many of its bytes are in `mask` (no byte-length temporary)."""
        out = np.zeros(self.n, dtype=np.int64)
        starts = self.off[:-1]
        nonempty = np.flatnonzero(self.off[1:] > starts)
        if len(nonempty):
            # consecutive non-empty strings: each sum runs from one string's first byte to the next one's; summed in
            # int32 (a string holds fewer than 2**31 bytes): numpy's reduceat of uint8 into int64 took 7x as long
            out[nonempty] = np.add.reduceat(mask.view(np.uint8), starts[nonempty], dtype=np.int32)
        return out

    def kept(self, mask: np.ndarray):
        """(pyarrow array of each string with only the bytes of `mask`, their lengths in bytes)."""
        import pyarrow as pa

        lens = self.per_string(mask)
        off = np.zeros(self.n + 1, dtype=np.int64)
        np.cumsum(lens, out=off[1:])
        data = np.ascontiguousarray(self.low[mask])
        return pa.LargeStringArray.from_buffers(self.n, pa.py_buffer(off), pa.py_buffer(data)), lens

    def char_classes(self) -> tuple[np.ndarray, np.ndarray]:
        """(uint8 per byte: the `_C_*` class bits of the character the byte belongs to; bool per
        byte: the byte starts a character). The multi-byte characters are decoded from their UTF-8
        bytes with numpy (a pyarrow array holds valid UTF-8) and classified once per code point."""
        low = self.low  # bytes >= 0x80 are the buffer's own (only A-Z are lowered)
        cls = _B_CLASS[low]
        heads = np.flatnonzero(low >= 0xC0)  # the first byte of each multi-byte character
        if len(heads):
            b0 = low[heads].astype(np.uint32)
            cp = ((b0 & 0x1F) << 6) | (low[heads + 1] & 0x3F)
            three = np.flatnonzero(b0 >= 0xE0)
            if len(three):
                h3 = heads[three]
                b03 = b0[three]
                c3 = ((b03 & 0x0F) << 12) | ((low[h3 + 1] & 0x3F).astype(np.uint32) << 6) | (low[h3 + 2] & 0x3F)
                four = np.flatnonzero(b03 >= 0xF0)
                if len(four):
                    h4 = h3[four]
                    c3[four] = (((b03[four] & 0x07) << 18) | ((low[h4 + 1] & 0x3F).astype(np.uint32) << 12)
                                | ((low[h4 + 2] & 0x3F).astype(np.uint32) << 6) | (low[h4 + 3] & 0x3F))
                cp[three] = c3
            c = _CP_CLASS[cp]
            new = cp[(c & _C_KNOWN) == 0]
            if len(new):
                _classify(set(new.tolist()))
                c = _CP_CLASS[cp]
            cls[heads] = c
            cls[heads + 1] = c
            if len(three):
                cls[h3 + 2] = c[three]
                if len(four):
                    cls[h4 + 3] = c[three][four]
        return cls, (low & 0xC0) != 0x80

    def runs(self, mask: np.ndarray, min_len: int = 1, before: Optional[np.ndarray] = None, chars: Optional[np.ndarray] = None):
        """(pyarrow array of the maximal runs of `mask` bytes inside each string, at least
        `min_len` bytes long (characters: with `chars`, a bool per byte saying where a character
        starts); the index of each run's string). `before` (int64 per string, a byte position of
        the buffer): only the runs that start before it."""
        import pyarrow as pa

        nb = len(mask)
        if not nb or not mask.any():
            return pa.array([], type=pa.large_string()), np.empty(0, dtype=np.int64)
        # a run starts at a mask byte whose predecessor is none (or that starts its string), ends at one whose
        # successor is none (or that ends its string): two comparisons of shifted views, then the string edges
        start = np.empty(nb, dtype=bool)
        start[0] = mask[0]
        np.greater(mask[1:], mask[:-1], out=start[1:])
        end = np.empty(nb, dtype=bool)
        end[-1] = mask[-1]
        np.greater(mask[:-1], mask[1:], out=end[:-1])
        edge = self.off[1:-1]
        edge = edge[(edge > 0) & (edge < nb)]  # the first byte of every string but the first (empty strings: repeated)
        start[edge] = mask[edge]
        end[edge - 1] = mask[edge - 1]
        del edge
        si = np.flatnonzero(start)
        del start
        ei = np.flatnonzero(end) + 1
        del end
        rlen = ei - si
        roff = np.zeros(len(si) + 1, dtype=np.int64)
        np.cumsum(rlen, out=roff[1:])  # the runs are the mask's bytes, in order
        runs = pa.LargeStringArray.from_buffers(len(si), pa.py_buffer(roff), pa.py_buffer(np.ascontiguousarray(self.low[mask])))
        parent = np.searchsorted(self.off, si, side="right") - 1
        if chars is not None:  # characters per run: the character starts among the run's bytes
            keep = np.add.reduceat(chars[mask].view(np.uint8), roff[:-1], dtype=np.int32) >= min_len
        else:
            keep = rlen >= min_len
        if before is not None:
            keep &= si < before[parent]
        if not keep.all():
            idx = np.flatnonzero(keep)
            runs, parent = runs.take(pa.array(idx)), parent[idx]
        return runs, parent


def _last_at(b: _Utf8Batch) -> np.ndarray:
    """Int64 per string of `b`: the byte position of its last "@" (its end when it has none)."""
    out = b.off[1:].copy()
    at = np.flatnonzero(b.low == 64)
    if len(at):
        owner = np.searchsorted(b.off, at, side="right") - 1
        out[owner] = at  # positions ascend: the last write for a string is its last "@"
    return out


def _normalised(values: list[str], kind: str) -> tuple[np.ndarray, np.ndarray, np.ndarray, set[str]]:
    """(match keys of `values` (object array), the indices of the values with 6 or more digits (int
    array) and those digits (object array, aligned), name tokens).

    The key is `privsynth.matching.normalize` (case-folded letters and digits), the digits every
    decimal digit, the name tokens (kinds "name" and "email": of the value or of the e-mail's
    local part) the case-folded runs of two or more letters. ASCII values go through numpy
    byte kernels (`_Utf8Batch`: numpy on the UTF-8 buffer; for ASCII, lower case is case folding,
    [^a-z0-9] is Python's [\\W_] and [a-z]{2,} is `_TOKENS`); other values through the same
    Python expressions as before."""
    import pyarrow.compute as pc

    b = _Utf8Batch(values)
    is_ascii = b.is_ascii
    keys_a, _ = b.kept(b.byte_mask(_B_ALNUM))
    keys = keys_a.to_numpy(zero_copy_only=False)
    if not keys.flags.writeable:
        keys = keys.copy()
    dig_a, dig_len = b.kept(b.byte_mask(_B_DIGIT))
    idx = np.flatnonzero((dig_len >= 6) & is_ascii)
    digits = dig_a.take(idx).to_numpy(zero_copy_only=False) if len(idx) else np.empty(0, dtype=object)
    tokens: set[str] = set()
    if kind in ("name", "email"):
        # the e-mail's local part: the letter runs before each string's last "@" ("@" is no letter)
        words, _ = b.runs(b.byte_mask(_B_LETTER, is_ascii), 2, _last_at(b) if kind == "email" else None)
        tokens.update(pc.unique(words).to_pylist())
    if not is_ascii.all():
        more_i: list[int] = []
        more_d: list[str] = []
        for i in np.flatnonzero(~is_ascii).tolist():
            v = values[i]
            f = v.casefold()
            keys[i] = _NON_ALNUM.sub("", f)
            d = _NON_DIGIT.sub("", v)
            if len(d) >= 6:
                more_i.append(i)
                more_d.append(d)
            if kind == "name":
                tokens.update(_TOKENS.findall(f))
            elif kind == "email":
                tokens.update(_TOKENS.findall(f.rsplit("@", 1)[0]))
        if more_i:
            extra = np.empty(len(more_d), dtype=object)
            extra[:] = more_d
            idx, digits = np.concatenate([idx, np.asarray(more_i, dtype=idx.dtype)]), np.concatenate([digits, extra])
    return keys, idx, digits, tokens


def _digit_candidates(value: str) -> list[str]:
    """The digit sequences of `value` to look up in the reserve's digits: each run of digit groups
    ("+44 117 100 071": separators of up to 3 characters) gives every concatenation of 1 to 8
    consecutive groups that has 6 or more digits."""
    cands: list[str] = []
    for m in _DIGIT_RUN.finditer(value):
        run = m.group(0)
        if run.isdigit():  # one group (the usual case): the group itself
            if len(run) >= 6:
                cands.append(run)
            continue
        groups = _DIGIT_GROUP.findall(run)
        for i in range(len(groups)):
            d = ""
            for g in groups[i:i + 8]:
                d += g
                if len(d) >= 6:
                    cands.append(d)
    return cands


@dataclass
class Reserve:
    """`values`: fingerprints of the normalised real identifier values; `digits`: fingerprints of
    their digit variants (6 or more digits: phone national/subscriber numbers, card/IBAN/ID
    digits); `name_tokens`: case-folded name tokens (a set of strings: bounded by the names'
    vocabulary, not by the rows). See the module docstring for why fingerprints are safe."""

    values: FingerprintSet = field(default_factory=FingerprintSet)
    name_tokens: set[str] = field(default_factory=set)
    digits: FingerprintSet = field(default_factory=FingerprintSet)
    region: str = "US"  # where national phone numbers are read

    def add(self, entity_type: Optional[str], cells: Iterable) -> None:
        """Reserve the non-missing `cells` of a column of `entity_type` (each distinct value once,
        about 1-2 µs per value).

        Digit variants (values with 6 or more digits): the digits; for phones also, for numbers
        written with `+` or `00`, the digits after a 1-3 digit country code with and without a
        trunk 0; the digits without leading zeros; the last 6, 7 and 8 digits (subscriber
        numbers): a superset of what
        `phonenumbers` would derive for most numbers (a few more fakes are redrawn)."""
        kind = E.surrogate_kind((entity_type or "").upper())
        s = pd.Series(list(cells) if not isinstance(cells, (list, pd.Series)) else cells, dtype=object)
        s = s[s.notna()]
        if s.empty:
            return
        # distinct values first; ASCII values through Arrow's vectorised string kernels, the others in Python
        distinct = pd.unique(s)
        if pd.api.types.infer_dtype(distinct, skipna=False) == "string":  # all str: already distinct texts
            uniq = distinct.tolist()
        else:
            raw = [v if isinstance(v, str) else (str(int(v)) if isinstance(v, float) and v.is_integer() else str(v))
                   for v in distinct]
            uniq = list(dict.fromkeys(raw)) if len(raw) != len(set(raw)) else raw
        keys, digit_idx, digit_str, tokens = _normalised(uniq, kind)
        self.values.add_strings(keys[keys != ""])
        if len(digit_idx) and (kind in ("phone", "card", "iban") or len(digit_idx) * 2 >= len(uniq)):
            # the digits themselves are 6 or more decimal digits (`_normalised`); only the variants below need the check
            self.digits.add_strings(digit_str)
            new: set[str] = set()
            if kind == "phone":
                for i, d in zip(digit_idx.tolist(), digit_str.tolist()):
                    if uniq[i].lstrip().startswith("+") or d.startswith("00"):
                        intl = d[2:] if d.startswith("00") else d
                        for k in (1, 2, 3):  # after a 1-3 digit country code, with and without a trunk 0
                            nat = intl[k:]
                            new.add(nat)
                            new.add("0" + nat)
                    new.add(d.lstrip("0"))
                    new.update((d[-6:], d[-7:], d[-8:]))  # subscriber numbers
            elif kind == "iban":
                new.update(_NON_ALNUM.sub("", uniq[i])[4:] for i in digit_idx.tolist())
            self.digits.add_strings([x for x in new if len(x) >= 6 and x.isdigit()])
        self.name_tokens.update(tokens)

    def update(self, other: "Reserve") -> "Reserve":
        self.values.update(other.values)
        self.name_tokens |= other.name_tokens
        self.digits.update(other.digits)
        return self

    def save(self, directory: Path, parents: bool = True) -> "Reserve":
        """Write the fingerprint arrays to `directory` (`values.npy`, `digits.npy`, created
        atomically) and memory-map them from now on: pickled, the reserve is then the two paths
        plus its name tokens, and each process that unpickles it maps the same file pages.
        `parents=False`: the directory's parent must exist (FileNotFoundError otherwise), so a task
        still running after its run failed and removed its staging directory cannot recreate it."""
        directory = Path(directory)
        directory.mkdir(parents=parents, exist_ok=True)
        self.values.save(directory / "values.npy")
        self.digits.save(directory / "digits.npy")
        return self

    def __contains__(self, value: object) -> bool:
        k = match_key(value)
        return bool(k) and bool(self.values.contains_strings([k])[0])

    def contains_many(self, values: Sequence[str]) -> np.ndarray:
        """`value in self` for every value of `values` (bool array), with one fingerprint pass."""
        keys = [match_key(v) for v in values]
        out = self.values.contains_strings(keys)
        out &= np.fromiter((bool(k) for k in keys), dtype=bool, count=len(keys))
        return out

    def _candidates(self, value: str, digits: Optional[bool] = None) -> tuple[str, bool, list[str]]:
        """(match key, holds a real name token as a word, digit sequences to look up) of `value`.
        `digits`: whether the reserve holds digit sequences (`len(self.digits) > 0`, when the caller has it)."""
        folded = value.casefold()
        k = folded if folded.isalnum() and folded.isascii() else _NON_ALNUM.sub("", folded)  # = matching.normalize
        # letters of a surrogate (an IBAN's bank code, an ID's letters) that spell a real name
        tok = bool(self.name_tokens) and not self.name_tokens.isdisjoint(_TOKENS.findall(folded))
        if digits is None:
            digits = len(self.digits) > 0
        return k, tok, (_digit_candidates(value) if digits and _ANY_DIGIT.search(value) else [])

    def hit(self, value: str) -> bool:
        """True when `value` equals a reserved value (normalised), holds a real name token as a
        word, or holds a reserved digit sequence as a run of whole digit groups ("+44 117 100 071"
        holds "100071")."""
        k, tok, cands = self._candidates(value)
        if tok:
            return True
        if k and self.values.contains_strings([k])[0]:
            return True
        return bool(cands) and bool(self.digits.contains_strings(cands).any())

    def _hits_slow(self, values: Sequence[str], idx: list[int], out: np.ndarray) -> None:
        """`hit` of `values[i]` for every i of `idx`, written into `out`, with one fingerprint pass per set."""
        keys: list[str] = []
        key_of: list[int] = []
        cands: list[str] = []
        cand_of: list[int] = []
        nt = self.name_tokens
        has_digits = len(self.digits) > 0
        for i in idx:
            v = values[i]
            folded = v.casefold()
            if nt and not nt.isdisjoint(_TOKENS.findall(folded)):  # `_candidates`, in line: most values are decided here
                out[i] = True
                continue
            k = folded if folded.isalnum() and folded.isascii() else _NON_ALNUM.sub("", folded)
            if k:
                keys.append(k)
                key_of.append(i)
            if has_digits and _ANY_DIGIT.search(v):
                cs = _digit_candidates(v)
                cands.extend(cs)
                cand_of.extend([i] * len(cs))
        if keys:
            out[np.asarray(key_of)[self.values.contains_strings(keys)]] = True
        if cands:
            out[np.asarray(cand_of)[self.digits.contains_strings(cands)]] = True

    def hits(self, values: Sequence[str]) -> np.ndarray:
        """`hit` of every value of `values` (bool array of the same length), vectorised.

        ASCII values whose digit runs are single digit groups go through numpy kernels on their
        UTF-8 buffer (`_Utf8Batch`: match key, name tokens, digit groups) and one fingerprint
        lookup per key and group; the others (non-ASCII letters, digits spread over separators as in "+44 117 100 071") through
        `hit`'s own candidates, so the answer is `hit`'s for every value."""
        import pyarrow as pa
        import pyarrow.compute as pc

        n = len(values)
        out = np.zeros(n, dtype=bool)
        if not n:
            return out
        has_digits = len(self.digits) > 0
        b = _Utf8Batch(values)
        sep = np.zeros(n, dtype=bool)
        if has_digits:
            sep = pc.match_substring_regex(b.arr, pattern="[0-9][ \\-./()]{1,3}[0-9]").to_numpy(zero_copy_only=False)
        slow = ~b.is_ascii | sep
        keys_a, key_len = b.kept(b.byte_mask(_B_ALNUM))
        fast = np.flatnonzero((key_len > 0) & ~slow)
        if len(fast):
            keys = keys_a.take(fast).to_numpy(zero_copy_only=False)
            out[fast[self.values.contains_strings(keys)]] = True
        if self.name_tokens:
            words, parent = b.runs(b.byte_mask(_B_LETTER), 2)
            if len(words):
                tokens = pa.array(sorted(self.name_tokens), type=pa.large_string())
                found = pc.is_in(words, value_set=tokens).to_numpy(zero_copy_only=False)
                out[parent[found]] = True
        if has_digits:
            groups, parent = b.runs(b.byte_mask(_B_DIGIT), 6)
            if len(groups):
                found = self.digits.contains_strings(groups.to_numpy(zero_copy_only=False))
                out[parent[found]] = True
        out[slow] = False  # the kernels above read these differently ("Ä" is no letter to them): decided below
        rest = np.flatnonzero(sep)
        uni = np.flatnonzero(~b.is_ascii & ~sep)
        if len(uni):
            got, by_hit = self._hits_unicode([values[i] for i in uni.tolist()], has_digits)
            out[uni] = got
            if by_hit.any():
                rest = np.union1d(rest, uni[by_hit])
        if len(rest):  # digits spread over separators, or a character the Unicode kernel leaves to `hit`
            out[rest] = False
            self._hits_slow(values, rest.tolist(), out)
        return out

    def _hits_unicode(self, values: list[str], has_digits: bool) -> tuple[np.ndarray, np.ndarray]:
        """`hit` of non-ASCII `values` (none holds digits spread over separators) with numpy: (bool per value: `hit`'s answer; bool per value: left to `hit`
        itself, the answer then meaningless). The values are case-folded in Python (`str.casefold`,
        per character), their UTF-8 bytes classified per code point with `hit`'s own expressions
        (`_CP_CLASS`): the match key keeps the key characters, the name tokens are the runs of two
        or more letters, the digit candidates the runs of six or more ASCII digits. A value that
        holds a non-ASCII decimal digit or a character whose case folding is not fold-safe (see
        `_CP_CLASS`) is left to `hit`."""
        import pyarrow as pa
        import pyarrow.compute as pc

        n = len(values)
        res = np.zeros(n, dtype=bool)
        # the originals' characters: a non-ASCII decimal digit, or one whose case folding is not fold-safe
        o = _Utf8Batch(values)
        ocls, _ = o.char_classes()
        by_hit = o.per_string(((ocls & _C_FOLD_SAFE) == 0) | (((ocls & _C_DIGIT) != 0) & (o.low >= 0x80))) > 0
        del o, ocls
        u = _Utf8Batch([v.casefold() for v in values])
        cls, starts = u.char_classes()
        keys_a, key_len = u.kept((cls & _C_KEY) != 0)
        k = np.flatnonzero(key_len > 0)
        if len(k):
            res[k[self.values.contains_strings(keys_a.take(pa.array(k)).to_numpy(zero_copy_only=False))]] = True
        if self.name_tokens:
            words, parent = u.runs((cls & _C_LETTER) != 0, 2, chars=starts)
            if len(words):
                tokens = pa.array(sorted(self.name_tokens), type=pa.large_string())
                res[parent[pc.is_in(words, value_set=tokens).to_numpy(zero_copy_only=False)]] = True
        if has_digits:
            groups, parent = u.runs(u.byte_mask(_B_DIGIT), 6)
            if len(groups):
                res[parent[self.digits.contains_strings(groups.to_numpy(zero_copy_only=False))]] = True
        return res, by_hit

    def __len__(self) -> int:
        return len(self.values)


def identifier_columns(df: pd.DataFrame, scan, policy) -> dict[str, Optional[str]]:
    """Column -> entity type of the identifier columns of `df`: category direct_identifier (from
    the scan or the policy's `columns.<name>.category`) or an operator that replaces values."""
    by_name = scan.by_name() if scan is not None else {}
    out: dict[str, Optional[str]] = {}
    for col in df.columns:
        c = str(col)
        rule = policy.columns.get(c) if policy is not None else None
        cs = by_name.get(c)
        category = (rule.category if rule is not None and rule.category else None) or (cs.category if cs else None)
        entity = (rule.entity_type if rule is not None and rule.entity_type else None) or (cs.entity_type if cs else None)
        op = rule.operator if rule is not None else None
        if category == "free_text":
            continue
        if category == "direct_identifier" or op in REPLACING:
            out[c] = entity
    return out


def reserve_of(df: pd.DataFrame, scan, policy) -> Reserve:
    """The reserve of one table: its identifier columns' values (see `identifier_columns`)."""
    from privsynth.transform.record import region_of

    r = Reserve(region=region_of(policy.transform.locale) if policy is not None else "US")
    for col, et in identifier_columns(df, scan, policy).items():
        r.add(et, df[col])
    return r
