"""Read tables and text robustly. Every failure becomes a one-line InputError naming the file.

Values are always read as strings first (`dtype=str`, empty -> NaN) for CSV so that IDs with
leading zeros, phone numbers and card numbers are not mangled; numeric and date columns are
then inferred column by column (see `infer_types`).
"""

from __future__ import annotations

import codecs
import csv
import hashlib
import json
from pathlib import Path
from typing import Iterator, Optional

import pandas as pd

from privsynth.errors import InputError

TABLE_SUFFIXES = {".csv": "csv", ".tsv": "csv", ".parquet": "parquet", ".pq": "parquet", ".jsonl": "jsonl", ".ndjson": "jsonl", ".json": "json"}
_SNIFF_BYTES = 64 * 1024


def table_format(path: str | Path) -> str:
    suf = Path(path).suffix.lower()
    if suf not in TABLE_SUFFIXES:
        raise InputError(f"{path}: unsupported file type {suf or '(none)'!r} (use .csv, .tsv, .parquet or .jsonl)")
    return TABLE_SUFFIXES[suf]


def sha256_file(path: str | Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def _check_file(path: Path) -> None:
    if not path.exists():
        raise InputError(f"{path}: file not found")
    if path.is_dir():
        raise InputError(f"{path}: is a directory, expected a file")
    if path.stat().st_size == 0:
        raise InputError(f"{path}: file is empty")


def detect_encoding(path: Path) -> str:
    """UTF-8 (with or without BOM) when it decodes; otherwise charset-normalizer's best guess."""
    with open(path, "rb") as f:
        head = f.read(_SNIFF_BYTES)
    if b"\x00" in head and not (head.startswith(b"\xff\xfe") or head.startswith(b"\xfe\xff")):
        raise InputError(f"{path}: looks like a binary file, not text")
    if head.startswith(b"\xef\xbb\xbf"):
        return "utf-8-sig"
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "utf-16"
    try:
        # decode the whole file incrementally; cheap compared with parsing
        with open(path, "rb") as f:
            d = codecs.getincrementaldecoder("utf-8")()
            for block in iter(lambda: f.read(1 << 20), b""):
                d.decode(block)
            d.decode(b"", final=True)
        return "utf-8"
    except UnicodeDecodeError:
        pass
    from charset_normalizer import from_path

    best = from_path(str(path)).best()
    if best is None:
        raise InputError(f"{path}: cannot determine the text encoding (not UTF-8); re-save it as UTF-8")
    return best.encoding


def _dedupe_columns(cols: list[str], path: Path) -> list[str]:
    seen: dict[str, int] = {}
    out = []
    for c in cols:
        c = str(c).strip() if c is not None else ""
        if not c or c.startswith("Unnamed: "):
            raise InputError(f"{path}: a column has no name (empty header cell)")
        if c in seen:
            raise InputError(f"{path}: duplicate column name {c!r}")
        seen[c] = 1
        out.append(c)
    return out


def _csv_kwargs(path: Path, encoding: str) -> dict:
    sep = "\t" if path.suffix.lower() == ".tsv" else None
    if sep is None:
        with open(path, "r", encoding=encoding, errors="replace", newline="") as f:
            sample = f.read(_SNIFF_BYTES)
        try:
            sep = csv.Sniffer().sniff(sample, delimiters=",;\t|").delimiter
        except csv.Error:
            sep = ","
    return dict(sep=sep, encoding=encoding, dtype=str, keep_default_na=False, na_values=[""], engine="c")


def read_table(path: str | Path, *, nrows: Optional[int] = None, infer: bool = True) -> pd.DataFrame:
    """Read a whole table. Raises InputError with a one-line message on any problem."""
    p = Path(path)
    fmt = table_format(p)
    _check_file(p)
    try:
        if fmt == "csv":
            enc = detect_encoding(p)
            # read the header ourselves so duplicates are reported, not silently renamed
            with open(p, "r", encoding=enc, newline="") as f:
                kw = _csv_kwargs(p, enc)
                header = next(csv.reader(f, delimiter=kw["sep"]), None)
            if not header:
                raise InputError(f"{p}: no header row")
            names = _dedupe_columns(header, p)
            df = pd.read_csv(p, header=0, names=names, nrows=nrows, **kw)
        elif fmt == "parquet":
            df = pd.read_parquet(p)
            df.columns = _dedupe_columns([str(c) for c in df.columns], p)
        else:  # jsonl / json
            enc = detect_encoding(p)
            df = pd.read_json(p, lines=(fmt == "jsonl"), encoding=enc, dtype=False, nrows=nrows if fmt == "jsonl" else None)
            df.columns = _dedupe_columns([str(c) for c in df.columns], p)
    except InputError:
        raise
    except pd.errors.ParserError as e:
        msg = str(e).strip().splitlines()[-1] if str(e).strip() else "malformed"
        raise InputError(f"{p}: malformed {fmt.upper()}: {msg}") from None
    except pd.errors.EmptyDataError:
        raise InputError(f"{p}: no data (empty table)") from None
    except UnicodeDecodeError as e:
        raise InputError(f"{p}: cannot decode as {e.encoding} at byte {e.start}; re-save it as UTF-8") from None
    except (ValueError, OSError) as e:
        first = str(e).strip().splitlines()[0] if str(e).strip() else type(e).__name__
        raise InputError(f"{p}: cannot read {fmt.upper()}: {first[:200]}") from None
    except Exception as e:  # pyarrow and friends raise their own types
        raise InputError(f"{p}: cannot read {fmt.upper()} ({type(e).__name__})") from None
    if df.shape[1] == 0:
        raise InputError(f"{p}: no columns")
    if len(df) == 0:
        raise InputError(f"{p}: table has a header but no rows")
    return infer_types(df) if infer else df


def iter_csv_chunks(path: str | Path, chunksize: int = 50_000) -> Iterator[pd.DataFrame]:
    """Stream a CSV in chunks of strings (for scans of tables larger than memory)."""
    p = Path(path)
    _check_file(p)
    enc = detect_encoding(p)
    kw = _csv_kwargs(p, enc)
    with open(p, "r", encoding=enc, newline="") as f:
        header = next(csv.reader(f, delimiter=kw["sep"]), None)
    if not header:
        raise InputError(f"{p}: no header row")
    names = _dedupe_columns(header, p)
    try:
        yield from pd.read_csv(p, header=0, names=names, chunksize=chunksize, **kw)
    except pd.errors.ParserError as e:
        msg = str(e).strip().splitlines()[-1] if str(e).strip() else "malformed"
        raise InputError(f"{p}: malformed CSV: {msg}") from None


def infer_types(df: pd.DataFrame) -> pd.DataFrame:
    """Turn all-numeric string columns into numbers. Identifiers that look numeric but carry
    leading zeros, a plus sign or more than 15 digits stay strings (phones, IBANs, IDs).
    Dates stay strings here; stages that need datetimes parse them explicitly.
    """
    out = df.copy()
    for col in out.columns:
        s = out[col]
        if s.dtype != object:
            continue
        nn = s.dropna()
        if nn.empty:
            continue
        st = nn.astype(str).str.strip()
        if st.str.match(r"^[+]|^0\d").any() or (st.str.len() > 15).any():
            continue
        num = pd.to_numeric(st, errors="coerce")
        if num.notna().all():
            conv = pd.to_numeric(s.astype("string").str.strip(), errors="coerce")
            if (conv.dropna() % 1 == 0).all() and conv.notna().all():
                out[col] = conv.astype("int64")
            else:
                out[col] = conv.astype("float64")
    return out


def read_text_documents(path: str | Path, text_field: str = "text", id_field: Optional[str] = None) -> tuple[list, list[str]]:
    """Read `.txt` (one document per line) or `.jsonl` (a text field per object)."""
    p = Path(path)
    _check_file(p)
    enc = detect_encoding(p)
    ids: list = []
    texts: list[str] = []
    suf = p.suffix.lower()
    with open(p, "r", encoding=enc) as f:
        if suf == ".txt":
            for i, line in enumerate(f):
                ids.append(i)
                texts.append(line.rstrip("\n"))
        elif suf in (".jsonl", ".ndjson"):
            for i, line in enumerate(f, start=1):
                if not line.strip():
                    continue
                try:
                    obj = json.loads(line)
                except json.JSONDecodeError as e:
                    raise InputError(f"{p}: line {i}: malformed JSON ({e.msg})") from None
                if not isinstance(obj, dict) or text_field not in obj:
                    raise InputError(f"{p}: line {i}: no field {text_field!r}")
                t = obj[text_field]
                texts.append("" if t is None else str(t))
                ids.append(obj.get(id_field, i - 1) if id_field else i - 1)
        else:
            raise InputError(f"{p}: text input must be .txt or .jsonl")
    if not texts:
        raise InputError(f"{p}: no documents")
    return ids, texts
