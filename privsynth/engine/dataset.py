"""Datasets of shards: a directory or glob of Parquet, CSV or JSONL files read as one table.

- `resolve(path)` lists the shards of a dataset (sorted by name; one format; empty files kept and
  read as zero rows); a plain file is a dataset of one shard.
- `read_shard(path, schema)` reads one shard with the same reader as a single-file table
  (`privsynth.io.read_table`), then checks it against the dataset's schema: a shard whose columns
  or dtypes differ raises InputError naming the shard. Integer and float columns are reconciled
  to float64 (a shard of whole numbers next to one with decimals), as one file holding both would
  have been read.
- `check_declared_types(ds)`: Parquet shards must declare each column in one family of types
  (numbers, text, ...), read from their footers before any data.
- `write_dataset_atomically(out_dir)` is the output side: shards are written into a hidden
  temporary directory beside `out_dir`, the manifest (file names, rows, SHA-256) last, and the
  directory is renamed into place only when everything succeeded. A failure leaves no directory
  that looks complete.
"""

from __future__ import annotations

import contextlib
import glob as _glob
import hashlib
import json
import os
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator, Optional, Sequence

import pandas as pd

from privsynth.errors import InputError, OutputError
from privsynth.io.readers import read_table, sha256_file
from privsynth.io.source import TABLE_SUFFIXES
from privsynth import interrupts

MANIFEST = "manifest.json"
_GLOB_CHARS = set("*?[")


def is_dataset(path: str | Path) -> bool:
    """True when `path` names a directory or a glob pattern (a dataset of shards), not one file."""
    s = str(path)
    return Path(s).is_dir() or any(ch in s for ch in _GLOB_CHARS) and not Path(s).exists()


@dataclass
class Dataset:
    """The shards of one dataset, in read order, and their common format."""

    source: str
    shards: list[Path]
    fmt: str  # csv | parquet | jsonl

    @property
    def suffix(self) -> str:
        return {"csv": ".csv", "tsv": ".tsv", "parquet": ".parquet", "jsonl": ".jsonl"}[self.fmt]


def resolve(path: str | Path) -> Dataset:
    """The shards of a directory (its table files, not recursive), a glob, or one file.

    Raises InputError: nothing matched, files of mixed formats, an unsupported file type.
    """
    s = str(path)
    p = Path(s)
    if p.is_file():
        files = [p]
    elif p.is_dir():
        files = sorted(f for f in p.iterdir() if f.is_file() and not f.name.startswith((".", "_")) and f.name != MANIFEST)
        files = [f for f in files if f.suffix.lower() in TABLE_SUFFIXES]
        if not files:
            raise InputError(f"{p}: directory holds no .csv, .parquet or .jsonl shards")
    elif any(ch in s for ch in _GLOB_CHARS):
        files = sorted(Path(f) for f in _glob.glob(s) if Path(f).is_file())
        if not files:
            raise InputError(f"{s}: no file matches this pattern")
    else:
        raise InputError(f"{p}: file not found")
    fmts = {}
    for f in files:
        suf = f.suffix.lower()
        if suf not in TABLE_SUFFIXES or TABLE_SUFFIXES[suf] == "json":
            raise InputError(f"{f}: unsupported shard type {suf or '(none)'!r} (use .csv, .parquet or .jsonl)")
        fmts.setdefault(TABLE_SUFFIXES[suf], f)
    if len(fmts) > 1:
        a, b = list(fmts.values())[:2]
        raise InputError(f"{b}: shard format differs from {a.name} (one dataset holds one format)")
    return Dataset(source=s, shards=files, fmt=next(iter(fmts)))


# --------------------------------------------------------------------------- schema


NULL = "null"  # Schema dtype of a column with no value in a shard: fits any other shard's dtype


def _kind(dtype) -> str:
    if dtype == NULL:
        return NULL
    if isinstance(dtype, pd.CategoricalDtype) or dtype == "category":
        return "object"  # dictionary-encoded text read as pandas' category: the same text as object
    if pd.api.types.is_bool_dtype(dtype):
        return "bool"
    if pd.api.types.is_integer_dtype(dtype) or pd.api.types.is_float_dtype(dtype):
        return "number"
    if pd.api.types.is_datetime64_any_dtype(dtype):
        return "datetime"
    return "object"


@dataclass
class Schema:
    """Column names (in order) and dtypes the shards of a dataset must share."""

    columns: list[str]
    dtypes: dict[str, str] = field(default_factory=dict)

    @classmethod
    def of(cls, df: pd.DataFrame) -> "Schema":
        """The shard's columns and dtypes; a column of a non-empty shard without any value (an
        object column of None, e.g. a Parquet `null` column) is "null": it fits any dtype."""
        return cls([str(c) for c in df.columns],
                   {str(c): NULL if len(df) and df[c].dtype == object and not df[c].notna().any() else str(t)
                    for c, t in df.dtypes.items()})

    def final(self) -> "Schema":
        """The schema with columns that no shard gave a value ("null") as object."""
        return Schema(self.columns, {c: "object" if t == NULL else t for c, t in self.dtypes.items()})

    def merge(self, other: "Schema", shard: Path) -> "Schema":
        """The schema both fit (int + float -> float64); InputError naming `shard` otherwise."""
        if other.columns != self.columns:
            extra = [c for c in other.columns if c not in self.columns]
            missing = [c for c in self.columns if c not in other.columns]
            what = (f"has column {extra[0]!r} that other shards lack" if extra else
                    f"lacks column {missing[0]!r}" if missing else "has the columns in a different order")
            raise InputError(f"{shard}: shard {what}")
        out = dict(self.dtypes)
        for c in self.columns:
            a, b = self.dtypes[c], other.dtypes[c]
            if a == b or b == NULL and not pd.api.types.is_integer_dtype(a):
                continue
            if NULL in (a, b):  # missing values next to whole numbers are floats, as in one file holding both
                o = b if a == NULL else a
                out[c] = "float64" if pd.api.types.is_integer_dtype(o) else o
                continue
            if _kind(a) == _kind(b) == "number":
                out[c] = "float64"
                continue
            if _kind(a) == _kind(b) == "object":  # category (dictionary-encoded text) next to object text
                out[c] = "object"
                continue
            raise InputError(f"{shard}: column {c!r} has dtype {b} here but {a} in other shards")
        return Schema(self.columns, out)


def conform(df: pd.DataFrame, schema: Schema, shard: Path) -> pd.DataFrame:
    """`df` cast to `schema` (number columns to float64 where the schema says so); a shard whose
    columns or dtypes do not fit raises InputError naming it. An empty shard takes the schema."""
    if len(df) == 0:  # an empty shard: its header (if any) must name the same columns; dtypes are the dataset's
        if df.shape[1]:
            schema.merge(Schema([str(c) for c in df.columns], {str(c): schema.dtypes.get(str(c), "object") for c in df.columns}), shard)
        return pd.DataFrame({c: pd.Series([], dtype=schema.dtypes[c]) for c in schema.columns})
    merged = schema.merge(Schema.of(df), shard)
    if merged.dtypes != schema.dtypes:
        c = next(c for c in schema.columns if merged.dtypes[c] != schema.dtypes[c])
        raise InputError(f"{shard}: column {c!r} has dtype {df[c].dtype} here but {schema.dtypes[c]} in other shards")
    if len(df) == 0:
        return pd.DataFrame({c: pd.Series([], dtype=schema.dtypes[c]) for c in schema.columns})
    casts = {c: t for c, t in schema.dtypes.items() if str(df[c].dtype) != t}
    return df.astype(casts) if casts else df


def read_shard(path: str | Path, *, infer: bool = True) -> pd.DataFrame:
    """One shard as a DataFrame; an empty shard (no bytes, or a header and no rows) has 0 rows."""
    p = Path(path)
    if p.stat().st_size == 0:
        return pd.DataFrame()
    try:
        return read_table(p, infer=infer)
    except InputError as e:
        if str(e).endswith("table has a header but no rows") or str(e).endswith("no data (empty table)"):
            return _empty_with_header(p)
        raise


def _empty_with_header(p: Path) -> pd.DataFrame:
    if p.suffix.lower() in (".parquet", ".pq"):
        return pd.read_parquet(p)
    if p.suffix.lower() in (".csv", ".tsv"):
        import csv

        with open(p, newline="", encoding="utf-8-sig", errors="replace") as f:
            header = next(csv.reader(f), [])
        return pd.DataFrame({c: pd.Series([], dtype=object) for c in header})
    return pd.DataFrame()


def dataset_schema(shards: Sequence[Path], frames: Sequence["Optional[pd.DataFrame | Schema]"]) -> Schema:
    """The common schema of the shards' frames, or of their schemas (None and empty frames: empty
    shards, which do not vote); InputError names the first shard that does not fit, or says that
    every shard is empty."""
    schema: Optional[Schema] = None
    for shard, df in zip(shards, frames):
        if df is None or (isinstance(df, pd.DataFrame) and len(df) == 0):
            continue
        this = df if isinstance(df, Schema) else Schema.of(df)
        schema = this if schema is None else schema.merge(this, shard)
    if schema is None:
        raise InputError(f"{shards[0].parent if len(shards) > 1 else shards[0]}: every shard is empty (no rows)")
    return schema.final()


def _declared_kind(t) -> str:
    """The family of a Parquet (Arrow) type that shards must agree on: number (integers, floats,
    decimals), text (string, large_string, dictionary-encoded text), bool, datetime (timestamp,
    date), binary, null (an all-null column: fits any), else the type itself (time, nested)."""
    import pyarrow.types as pat

    if pat.is_dictionary(t):
        t = t.value_type
    if pat.is_null(t):
        return "null"
    if pat.is_boolean(t):
        return "bool"
    if pat.is_integer(t) or pat.is_floating(t) or pat.is_decimal(t):
        return "number"
    if pat.is_string(t) or pat.is_large_string(t) or str(t) == "string_view":
        return "text"
    if pat.is_timestamp(t) or pat.is_date(t):
        return "datetime"
    if pat.is_binary(t) or pat.is_large_binary(t) or pat.is_fixed_size_binary(t):
        return "binary"
    return str(t)


def check_declared_types(ds: Dataset) -> None:
    """Parquet shards must declare the same family of type for each column they share (`_declared_kind`):
    int64 here and double there (a missing value makes pandas write floats) is one column; a string
    column here and a number column there is two schemas, refused even when the text holds only
    digits ("007" and 7 are different values). Reads only each file's footer. CSV and JSONL declare
    no types: their inferred dtypes are checked by `Schema.merge` after reading.

    Raises InputError naming the first shard (and column) whose declared type differs from the
    first shard that declares one.
    """
    if ds.fmt != "parquet" or len(ds.shards) < 2:
        return
    import pyarrow as pa
    import pyarrow.parquet as pq

    seen: dict[str, tuple[str, str, Path]] = {}  # column -> (kind, Arrow type, first shard declaring it)
    for shard in ds.shards:
        if shard.stat().st_size == 0:
            continue
        try:
            schema = pq.read_schema(shard)
        except (pa.ArrowException, OSError):
            continue  # not a readable Parquet file: the reader names it
        for f in schema:
            if f.name.startswith("__index_level_"):
                continue
            kind = _declared_kind(f.type)
            if kind == "null":
                continue
            first = seen.setdefault(f.name, (kind, str(f.type), shard))
            if first[0] != kind:
                raise InputError(f"{shard}: column {f.name!r} is stored as {f.type} here but as {first[1]} in {first[2].name} "
                                 "(Parquet shards must store a column as numbers in every shard, or as text in every shard)")


def read_dataset(path: str | Path, *, infer: bool = True) -> pd.DataFrame:
    """All shards of a dataset concatenated in shard order (the local engine; must fit in memory)."""
    ds = resolve(path)
    check_declared_types(ds)
    frames = [read_shard(s, infer=infer) for s in ds.shards]
    if len(frames) == 1 and len(frames[0]):
        return frames[0]
    schema = dataset_schema(ds.shards, frames)
    parts = [conform(f, schema, s) for f, s in zip(frames, ds.shards) if len(f)]
    # an empty shard whose header disagrees is still an error naming it
    for f, s in zip(frames, ds.shards):
        if len(f) == 0 and f.shape[1]:
            schema.merge(Schema(list(map(str, f.columns)), {str(c): schema.dtypes.get(str(c), "object") for c in f.columns}), s)
    return pd.concat(parts, ignore_index=True)


def read_any(path: str | Path, *, infer: bool = True) -> pd.DataFrame:
    """One table file (`read_table`) or a dataset of shards (`read_dataset`)."""
    return read_dataset(path, infer=infer) if is_dataset(path) else read_table(path, infer=infer)


# --------------------------------------------------------------------------- manifests


def manifest_entries(files: Sequence[Path], rows: Sequence[int], root: Optional[Path] = None) -> list[dict]:
    return [{"file": str(f.relative_to(root)) if root else f.name, "rows": int(n), "sha256": sha256_file(f)} for f, n in zip(files, rows)]


def manifest_digest(entries: Sequence[dict]) -> str:
    """SHA-256 of the canonical JSON of the manifest entries: the dataset's fingerprint."""
    canon = json.dumps(list(entries), sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canon.encode("utf-8")).hexdigest()


def input_record(role: str, path: str | Path, df: Optional[pd.DataFrame] = None):
    """An evidence `InputFile` for a file or a dataset of shards (then with every shard listed)."""
    from privsynth.results import InputFile, ShardEntry

    if not is_dataset(path):
        return InputFile(role=role, path=str(path), sha256=sha256_file(path), rows=None if df is None else len(df), columns=None if df is None else df.shape[1])
    ds = resolve(path)
    entries = []
    for s in ds.shards:
        entries.append({"file": str(s), "rows": -1, "sha256": sha256_file(s)})
    if df is not None and len(ds.shards) == 1:
        entries[0]["rows"] = len(df)
    else:
        for e, s in zip(entries, ds.shards):
            e["rows"] = _count_rows(s)
    return InputFile(role=role, path=str(path), sha256=manifest_digest(entries), rows=sum(e["rows"] for e in entries),
                     columns=None if df is None else df.shape[1], shards=[ShardEntry(**e) for e in entries])


def _count_rows(p: Path) -> int:
    if p.stat().st_size == 0:
        return 0
    if p.suffix.lower() in (".parquet", ".pq"):
        import pyarrow.parquet as pq

        return int(pq.ParquetFile(p).metadata.num_rows)
    return len(read_shard(p, infer=False))


def output_record(out_dir: Path):
    """An evidence `InputFile` (role "release") for a written directory of shards, from its manifest."""
    from privsynth.results import InputFile, ShardEntry

    m = json.loads((Path(out_dir) / MANIFEST).read_text(encoding="utf-8"))
    return InputFile(role="release", path=str(out_dir), sha256=manifest_digest(m["shards"]), rows=m["rows"],
                     columns=len(m.get("columns", [])) or None, shards=[ShardEntry(**e) for e in m["shards"]])


# --------------------------------------------------------------------------- output directories


def shard_name(i: int, suffix: str) -> str:
    return f"part-{i:05d}{suffix}"


def write_shard(df: pd.DataFrame, path: Path) -> dict:
    """Write one shard (atomically, via privsynth.io.write_table) and return its manifest line."""
    from privsynth.io import write_table

    write_table(path, df)
    return {"file": path.name, "rows": int(len(df)), "sha256": sha256_file(path)}


def _looks_like_ours(d: Path) -> bool:
    return (d / MANIFEST).is_file()


@contextlib.contextmanager
def atomic_directory(out_dir: str | Path, inputs: Sequence[str | Path | None] = ()) -> Iterator[Path]:
    """Yield a fresh hidden directory beside `out_dir`; on success it replaces `out_dir` by rename.

    `out_dir` may not exist, be empty, or be an earlier privsynth output (it has a manifest);
    anything else is refused (OutputError), as is an `out_dir` that holds or is an input. On any
    exception the temporary directory is removed and `out_dir` is left as it was.
    """
    out = Path(out_dir)
    if out.suffix.lower() in TABLE_SUFFIXES:
        raise OutputError(f"{out}: a dataset output is a directory of shards; give a directory name without a table suffix")
    ro = out.resolve()
    for i in inputs:
        if i is None:
            continue
        for f in (resolve(i).shards if is_dataset(i) else [Path(i)]):
            fr = Path(f).resolve()
            if fr == ro or ro in fr.parents:
                raise OutputError(f"{out}: output directory holds an input ({f}); refusing to overwrite it")
    if out.exists():
        if not out.is_dir():
            raise OutputError(f"{out}: exists and is not a directory")
        if any(out.iterdir()) and not _looks_like_ours(out):
            raise OutputError(f"{out}: exists, is not empty and is not a privsynth output (no {MANIFEST}); refusing to overwrite it")
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}.", suffix=".tmp", dir=out.parent))
    try:
        yield tmp
        if not (tmp / MANIFEST).is_file():
            raise OutputError(f"{out}: internal error: no manifest written")
        interrupts.check()  # before the old output is moved aside
        old = None
        if out.exists():
            old = out.with_name(f".{out.name}.{os.getpid()}.old")
            os.replace(out, old)
        os.replace(tmp, out)
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise


def write_manifest(tmp_dir: Path, entries: Sequence[dict], fmt: str, columns: Sequence[str], engine: str) -> dict:
    """The manifest, written last (its presence marks a complete directory)."""
    from privsynth.io import write_json

    m = {"format": fmt, "engine": engine, "rows": int(sum(e["rows"] for e in entries)), "columns": list(columns),
         "shards": list(entries), "sha256": manifest_digest(entries)}
    write_json(Path(tmp_dir) / MANIFEST, m)
    return m
