"""Read tables and text robustly. Every failure becomes a one-line InputError naming the file.

CSV is read with one parser (Python's `csv`, strict quoting) so that every record is tied to
the physical lines it came from: ragged rows, quotes that run to the end of the file and quotes
that swallow whole records are refused naming the line; short rows, rows padded with empty
trailing fields and records that span several lines are read with a warning naming the lines.
Values are read as strings first (empty -> missing) so that IDs with leading zeros, phone
numbers and card numbers are not mangled; numeric columns are then inferred in the file's
number format (`privsynth.io.dialect.infer_types`).

How each file was read (encoding, dialect, counts, warnings) is an `InputRead`, attached to the
returned frame as `frame.attrs["privsynth.read"]` and recorded in the evidence. Warnings are
also logged on the `privsynth.io` logger (the CLI prints them on stderr as "warning: ...").
"""

from __future__ import annotations

import csv
import io
import json
import logging
import sys
from pathlib import Path
from typing import Any, Iterator, Optional

import numpy as np
import pandas as pd

from privsynth.errors import InputError
from privsynth.io import dialect as _dialect
from privsynth.io.encoding import SNIFF_BYTES, EncodingGuess, detect_encoding as _detect
from privsynth.io.source import ReadOptions, Source, as_source, sha256_path
from privsynth.results import InputRead

log = logging.getLogger("privsynth.io")
READ_ATTR = "privsynth.read"
_MAX_LINES_LISTED = 5
_NUMBER_SAMPLE_RECORDS = 2000
csv.field_size_limit(min(sys.maxsize, 2**31 - 1))  # one free-text cell may be megabytes


def table_format(path: "str | Path | Source") -> str:
    """csv, parquet, jsonl or json (TSV is CSV with a tab delimiter), from the suffix or --input-format.

    Raises InputError naming the file for an unsupported suffix (or standard input without a format).
    """
    fmt = as_source(path).table_format() if isinstance(path, Source) else Source(str(path), Path(path)).table_format()
    return "csv" if fmt == "tsv" else fmt


def sha256_file(path: "str | Path | Source") -> str:
    """SHA-256 (64 hex characters) of a file's bytes, or of the bytes read from standard input."""
    return path.sha256() if isinstance(path, Source) else sha256_path(path)


def read_info(df: pd.DataFrame) -> Optional[InputRead]:
    """How `df` was read (`InputRead`), when it came from `read_table`; None otherwise."""
    info = df.attrs.get(READ_ATTR)
    return info if isinstance(info, InputRead) else None


def _warn(info: InputRead, name: str, msg: str) -> None:
    line = f"{name}: {msg}"
    info.warnings.append(line)
    log.warning(line)


def _lines(nums: list[Any]) -> str:
    shown = ", ".join(str(n) for n in nums[:_MAX_LINES_LISTED])
    return shown + (f" and {len(nums) - _MAX_LINES_LISTED} more" if len(nums) > _MAX_LINES_LISTED else "")


def detect_encoding(path: "str | Path | Source", override: Optional[str] = None) -> str:
    """The Python codec name of a text file (see `privsynth.io.encoding`).

    Raises InputError naming the file when it is binary or no encoding fits.
    """
    src = as_source(path)
    return _encoding(src, override or src.options.encoding).encoding


def _encoding(src: Source, override: Optional[str]) -> EncodingGuess:
    return _detect(src.name, src.open, override)


def _record_encoding(info: InputRead, src: Source, guess: EncodingGuess) -> None:
    info.encoding = guess.encoding
    info.encoding_method = guess.method
    info.encoding_confident = guess.confident
    info.encoding_alternatives = list(guess.alternatives)
    if not guess.confident:
        _warn(info, src.name, f"encoding guessed as {guess.encoding} (low confidence; also fits: {', '.join(guess.alternatives[:2])}); if letters look wrong, pass --encoding")


def _dedupe_columns(cols: list[Any], name: str) -> list[str]:
    seen: set[str] = set()
    out = []
    for i, c in enumerate(cols, start=1):
        c = str(c).strip() if c is not None else ""
        if not c or c.startswith("Unnamed: "):
            raise InputError(f"{name}: column {i} has no name (empty header cell)")
        if c in seen:
            raise InputError(f"{name}: duplicate column name {c!r}")
        seen.add(c)
        out.append(c)
    return out


# --------------------------------------------------------------------------- CSV


class CsvTable:
    """A CSV file opened for reading: encoding and dialect sniffed, header read.

    `chunks(n)` yields DataFrames of strings (missing = NaN) of at most n records each,
    checking the structure as it goes; `info` is complete once the chunks are exhausted.
    """

    def __init__(self, src: Source, tsv: bool = False) -> None:
        self.src = src
        opts = src.options
        self.info = InputRead(format="tsv" if tsv else "csv", overrides=opts.given())
        guess = _encoding(src, opts.encoding)
        _record_encoding(self.info, src, guess)
        self.encoding = guess.encoding
        sample = self._sample()
        quote = _dialect.sniff_quotechar(sample)
        if opts.delimiter:
            delim = "\t" if opts.delimiter in ("\\t", "tab", "TAB") else opts.delimiter
            if len(delim) != 1:
                raise InputError(f"{src.name}: --delimiter must be one character, not {opts.delimiter!r}")
        else:
            delim = "\t" if tsv else _dialect.sniff_delimiter(sample, quote)
        self.info.delimiter, self.info.quotechar = delim, quote
        self.header: list[str] = []
        self._short: list[int] = []
        self._padded: list[int] = []
        self._multi: list[str] = []
        self._records = self._iter_records()
        for first, _last, fields in self._records:
            if _is_blank(fields):
                continue
            self.header = _dedupe_columns(fields, src.name)
            self.header_line = first
            break
        if not self.header:
            raise InputError(f"{src.name}: no header row")
        self._pending: list[tuple[int, list[str]]] = []
        if opts.decimal:
            if opts.decimal not in (".", ","):
                raise InputError(f"{src.name}: --decimal must be '.' or ',', not {opts.decimal!r}")
            self._prefetch(_NUMBER_SAMPLE_RECORDS)
            vals = [v for _, r in self._pending for v in r]
            self.info.decimal, self.info.thousands = opts.decimal, _dialect.sniff_thousands(vals, opts.decimal)
        else:
            self._prefetch(_NUMBER_SAMPLE_RECORDS)
            vals = [v for _, r in self._pending for v in r]
            self.info.decimal, self.info.thousands = _dialect.sniff_number_format(vals, delim)

    # -- reading ------------------------------------------------------------
    def _text(self) -> io.TextIOWrapper:
        return io.TextIOWrapper(self.src.open(), encoding=self.encoding, newline="")

    def _sample(self) -> str:
        with self._text() as f:
            s = f.read(SNIFF_BYTES // 4)
        if s.startswith("\ufeff"):
            s = s[1:]
        return s

    def _iter_records(self) -> Iterator[tuple[int, int, list[str]]]:
        """(first line, last line, fields) per record; structure errors raise InputError."""
        name = self.src.name
        raw: list[str] = []

        def lines(f: io.TextIOWrapper) -> Iterator[str]:
            first = True
            for ln in f:
                if first:
                    ln = ln.lstrip("\ufeff")
                    first = False
                if "\x00" in ln:
                    raise InputError(f"{name}: line {reader.line_num + 1}: contains a NUL byte (binary data in a text file)")
                raw.append(ln)
                yield ln

        with self._text() as f:
            reader = csv.reader(lines(f), delimiter=self.info.delimiter, quotechar=self.info.quotechar, strict=True)
            last = 0
            while True:
                raw.clear()
                try:
                    fields = next(reader)
                except StopIteration:
                    break
                except UnicodeDecodeError as e:
                    raise InputError(f"{name}: line {last + 1}: cannot decode as {self.encoding} (byte {e.start} of that block); pass --encoding") from None
                except csv.Error as e:
                    raise InputError(_csv_error(name, str(e), last + 1, reader.line_num)) from None
                first, last = last + 1, reader.line_num
                if last > first:
                    self._check_multiline(first, last, list(raw))
                yield first, last, fields
            self.info.physical_lines = reader.line_num

    def _check_multiline(self, first: int, last: int, raw: list[str]) -> None:
        """A quoted value spanning lines first..last: refuse it when a line inside it reads as a
        whole record of its own (a stray quote merging records); otherwise note it for a warning."""
        n = len(self.header)
        q, d = self.info.quotechar, self.info.delimiter
        if n >= 2:
            counts = [len(ln.rstrip("\r\n").split(d)) for ln in raw]
            if all(c == n for c in counts):
                raise InputError(
                    f"{self.src.name}: line {first}: a quote opened on line {first} joins lines {first}-{last} into one record, "
                    f"though each line has the header's {n} fields on its own (a stray quote?); fix or escape the quote"
                )
            for i, ln in enumerate(raw[1:-1], start=first + 1):
                body = ln.rstrip("\r\n")
                if q not in body and len(body.split(d)) == n:
                    raise InputError(
                        f"{self.src.name}: line {first}: a quote opened on line {first} runs to line {last} and swallows line {i}, "
                        f"which reads as a whole record (a stray quote?); fix or escape the quote"
                    )
        self._multi.append(f"{first}-{last}")

    def _prefetch(self, k: int) -> None:
        for first, _last, fields in self._records:
            if _is_blank(fields):
                self.info.blank_lines += 1
                continue
            self._pending.append((first, fields))
            if len(self._pending) >= k:
                break

    def _rows(self) -> Iterator[list[str]]:
        n = len(self.header)
        name = self.src.name

        def fix(first: int, fields: list[str]) -> list[str]:
            if len(fields) == n:
                return fields
            if len(fields) < n:
                self._short.append(first)
                return fields + [""] * (n - len(fields))
            if all(not v.strip() for v in fields[n:]):
                self._padded.append(first)
                return fields[:n]
            raise InputError(
                f"{name}: line {first}: {len(fields)} fields where the header has {n} (a ragged row, or an unquoted "
                f"delimiter {self.info.delimiter!r} inside a value); quote the value or fix the row"
            )

        pending, self._pending = self._pending, []
        for first, fields in pending:
            yield fix(first, fields)
        for first, _last, fields in self._records:
            if _is_blank(fields):
                self.info.blank_lines += 1
                continue
            yield fix(first, fields)

    def chunks(self, chunksize: int = 50_000) -> Iterator[pd.DataFrame]:
        buf: list[list[str]] = []
        total = 0
        for row in self._rows():
            buf.append(row)
            if len(buf) >= chunksize:
                total += len(buf)
                yield self._frame(buf)
                buf = []
        if buf:
            total += len(buf)
            yield self._frame(buf)
        self.info.records = total
        self._finish()

    def _frame(self, rows: list[list[str]]) -> pd.DataFrame:
        df = pd.DataFrame(rows, columns=self.header, dtype=object)
        return df.mask(df == "")  # empty cell -> missing, as before

    def _finish(self) -> None:
        info, name = self.info, self.src.name
        info.short_rows, info.padded_rows, info.multiline_records = len(self._short), len(self._padded), len(self._multi)
        if self._short:
            _warn(info, name, f"{len(self._short)} row(s) with fewer fields than the header, read with the missing fields empty: line {_lines(self._short)}")
        if self._padded:
            _warn(info, name, f"{len(self._padded)} row(s) with extra empty trailing fields, dropped: line {_lines(self._padded)}")
        if self._multi:
            _warn(info, name, f"{len(self._multi)} record(s) span several lines (quoted line breaks): lines {_lines(self._multi)}; "
                              f"{info.physical_lines} physical lines, {info.records} records")


def _is_blank(fields: list[str]) -> bool:
    return not fields or (len(fields) == 1 and not fields[0].strip())


def _csv_error(name: str, msg: str, first: int, last: int) -> str:
    if "unexpected end of data" in msg or "EOF" in msg:
        return f"{name}: line {first}: a quote opened on line {first} is never closed (it runs to the end of the file, line {last}); fix or escape the quote"
    if "expected after" in msg:
        return f"{name}: line {last}: text after a closing quote (a record starting on line {first}); a stray quote? fix or escape it"
    if "field larger than field limit" in msg:
        return f"{name}: line {first}: a value is larger than the field limit"
    return f"{name}: line {first}: malformed CSV ({msg[:120]})"


def open_csv(path: "str | Path | Source", options: Optional[ReadOptions] = None) -> CsvTable:
    """A CSV/TSV opened for streaming (`CsvTable.chunks`), encoding and dialect sniffed, header read.

    Raises InputError naming the file (missing, empty, not text, no header, bad options).
    """
    src = as_source(path, options)
    src.check()
    fmt = src.table_format()
    return CsvTable(src, tsv=fmt == "tsv")


def iter_csv_chunks(path: "str | Path | Source", chunksize: int = 50_000, options: Optional[ReadOptions] = None) -> Iterator[pd.DataFrame]:
    """Stream a CSV in DataFrames of at most `chunksize` rows of strings (for tables larger than memory).

    Raises InputError naming the file and line on a structure problem (see `CsvTable`).
    """
    yield from open_csv(path, options).chunks(chunksize)


# --------------------------------------------------------------------------- JSON lines, JSON, Parquet


def _read_jsonl(src: Source, info: InputRead) -> pd.DataFrame:
    guess = _encoding(src, src.options.encoding)
    _record_encoding(info, src, guess)
    rows: list[dict[str, Any]] = []
    n = 0
    with io.TextIOWrapper(src.open(), encoding=guess.encoding, newline=None) as f:
        for n, line in enumerate(f, start=1):
            if not line.strip():
                info.blank_lines += 1
                continue
            try:
                obj = json.loads(line)
            except json.JSONDecodeError as e:
                raise InputError(f"{src.name}: line {n}: malformed JSON ({e.msg} at column {e.colno})") from None
            except UnicodeDecodeError:
                raise InputError(f"{src.name}: line {n}: cannot decode as {guess.encoding}; pass --encoding") from None
            if not isinstance(obj, dict):
                raise InputError(f"{src.name}: line {n}: expected a JSON object per line, got {type(obj).__name__}")
            rows.append(obj)
    info.physical_lines = n
    cols: dict[str, None] = {}
    for r in rows:
        for k in r:
            cols.setdefault(k, None)
    _dedupe_columns(list(cols), src.name)
    return pd.DataFrame.from_records(rows, columns=list(cols)) if rows else pd.DataFrame(columns=list(cols))


def _read_json(src: Source, info: InputRead) -> pd.DataFrame:
    guess = _encoding(src, src.options.encoding)
    _record_encoding(info, src, guess)
    with src.open() as f:
        text = f.read().decode(guess.encoding)
    try:
        data = json.loads(text)
    except json.JSONDecodeError as e:
        raise InputError(f"{src.name}: malformed JSON (line {e.lineno}, column {e.colno}: {e.msg})") from None
    if isinstance(data, list) and all(isinstance(r, dict) for r in data):
        return pd.DataFrame.from_records(data)
    if isinstance(data, dict) and all(isinstance(v, (list, dict)) for v in data.values()):
        try:
            return pd.DataFrame(data)
        except ValueError as e:
            raise InputError(f"{src.name}: a JSON object of columns must have columns of equal length ({str(e)[:80]})") from None
    raise InputError(f"{src.name}: expected a JSON array of objects (one per record) or an object of columns")


def _read_parquet(src: Source, info: InputRead) -> pd.DataFrame:
    with src.open() as f:
        head = f.read(4)
    if head != b"PAR1":
        raise InputError(f"{src.name}: not a Parquet file (no PAR1 magic bytes)")
    try:
        with src.open() as f:
            return pd.read_parquet(f)
    except MemoryError:
        raise
    except Exception as e:  # pyarrow raises its own types for corrupt files
        first = str(e).strip().splitlines()[0][:160] if str(e).strip() else type(e).__name__
        raise InputError(f"{src.name}: cannot read Parquet ({first})") from None


def _flatten_nested(df: pd.DataFrame, src: Source, info: InputRead) -> pd.DataFrame:
    """Lists, dicts and arrays in cells become their JSON text (with a warning naming the column)."""
    nested = []
    objects: list = []
    for c in df.columns:
        s = df[c]
        if s.dtype != object or pd.api.types.infer_dtype(s, skipna=True) in ("string", "empty"):
            continue  # only text and missing values (checked in C): nothing nested, nothing binary
        mask = s.map(lambda v: isinstance(v, (list, dict, tuple, set, np.ndarray)))
        if mask.any() and bool(s.map(lambda v: isinstance(v, dict) or v is None or (isinstance(v, float) and np.isnan(v))).all()):
            objects.append(c)  # every cell an object (or missing): `privsynth.io.nested` can spread it
        if mask.any():
            df[c] = s.where(~mask, s[mask].map(lambda v: json.dumps(v.tolist() if isinstance(v, np.ndarray) else v, ensure_ascii=False, default=str)))
            nested.append(str(c))
        bmask = s.map(lambda v: isinstance(v, (bytes, bytearray)))
        if bmask.any():
            raise InputError(f"{src.name}: column {c!r} holds binary values; privsynth reads text and numbers only")
    if nested:
        _warn(info, src.name, f"nested values (lists/objects) read as JSON text in column(s) {', '.join(repr(c) for c in nested)}")
    if objects:
        from privsynth.io.nested import OBJECT_COLUMNS_ATTR

        df.attrs[OBJECT_COLUMNS_ATTR] = [str(c) for c in objects]
    return df


# --------------------------------------------------------------------------- tables


def read_table(path: "str | Path | Source", *, nrows: Optional[int] = None, infer: bool = True, options: Optional[ReadOptions] = None) -> pd.DataFrame:
    """Read a whole table (CSV/TSV, Parquet, JSON lines, JSON) from a path, "-" or a `Source`.

    Returns a DataFrame (strings for text, int64/float64 for numeric columns when `infer`) with
    `attrs["privsynth.read"]` holding the `InputRead`. Raises InputError with a one-line message
    naming the file (and the line, for structure problems) on any problem.
    """
    src = as_source(path, options)
    fmt = src.table_format()
    src.check()
    info: InputRead
    try:
        if fmt in ("csv", "tsv"):
            t = CsvTable(src, tsv=fmt == "tsv")
            info = t.info
            parts = []
            got = 0
            for chunk in t.chunks(50_000 if nrows is None else max(1, min(nrows, 50_000))):
                parts.append(chunk)
                got += len(chunk)
                if nrows is not None and got >= nrows:
                    break
            df = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=t.header, dtype=object)
            if nrows is not None:
                df = df.iloc[:nrows]
        else:
            info = InputRead(format=fmt, overrides=src.options.given())
            if fmt == "parquet":
                df = _read_parquet(src, info)
            elif fmt == "jsonl":
                df = _read_jsonl(src, info)
            else:
                df = _read_json(src, info)
            if nrows is not None:
                df = df.iloc[:nrows]
            df.columns = _dedupe_columns([str(c) for c in df.columns], src.name)
            df = _flatten_nested(df, src, info)
            info.records = len(df)
    except InputError:
        raise
    except UnicodeDecodeError as e:
        raise InputError(f"{src.name}: cannot decode as {e.encoding} at byte {e.start}; pass --encoding") from None
    except (ValueError, OSError, csv.Error) as e:
        first = str(e).strip().splitlines()[0] if str(e).strip() else type(e).__name__
        raise InputError(f"{src.name}: cannot read {fmt.upper()}: {first[:200]}") from None
    if df.shape[1] == 0:
        raise InputError(f"{src.name}: no columns")
    if len(df) == 0:
        raise InputError(f"{src.name}: table has a header but no rows")
    objects = df.attrs.get("privsynth.object_columns")
    if infer:
        df = infer_types(df, info.decimal or ".", info.thousands, info.numeric_missing)
    if objects:
        df.attrs["privsynth.object_columns"] = objects
    df.attrs[READ_ATTR] = info
    return df


def infer_types(df: pd.DataFrame, decimal: str = ".", thousands: Optional[str] = None, missing: Optional[dict[str, int]] = None) -> pd.DataFrame:
    """Numeric columns parsed in the file's number format; see `privsynth.io.dialect.infer_types`."""
    return _dialect.infer_types(df, decimal, thousands, missing)


# --------------------------------------------------------------------------- text documents


class DocumentError(ValueError):
    """A JSONL document line that cannot be read; the message names the problem, not the place
    (the caller prefixes file and line)."""


def parse_text_document(line: "str | bytes", text_field: str, id_field: Optional[str], default_id: Any) -> tuple[Any, str]:
    """One non-blank JSONL line of a text corpus as (id, text): the object's `text_field` as a
    string ("" for null) and its `id_field` (else `default_id`). The one rule for the local reader
    and the dask engine's corpus scan.

    Raises DocumentError: malformed JSON, not an object, no `text_field`, a nested text or id field.
    """
    try:
        obj = json.loads(line)
    except json.JSONDecodeError as e:
        raise DocumentError(f"malformed JSON ({e.msg})") from None
    except UnicodeDecodeError:
        raise DocumentError("malformed JSON (not UTF-8)") from None
    if not isinstance(obj, dict) or text_field not in obj:
        raise DocumentError(f"no field {text_field!r}")
    t = obj[text_field]
    if isinstance(t, (dict, list)):
        raise DocumentError(f"field {text_field!r} is a {type(t).__name__}, not text")
    if id_field and id_field in obj and isinstance(obj[id_field], (dict, list)):
        raise DocumentError(f"field {id_field!r} is a {type(obj[id_field]).__name__}, not an id")
    return (obj.get(id_field, default_id) if id_field else default_id), ("" if t is None else str(t))


def read_text_documents(path: "str | Path | Source", text_field: str = "text", id_field: Optional[str] = None, options: Optional[ReadOptions] = None) -> tuple[list, list[str]]:
    """Read `.txt` (one document per line) or `.jsonl` (a text field per object).

    Returns (ids, texts). Raises InputError naming the file and line.
    """
    src = as_source(path, options)
    fmt = src.text_format()
    src.check()
    guess = _encoding(src, src.options.encoding)
    info = InputRead(format=fmt)
    _record_encoding(info, src, guess)
    ids: list = []
    texts: list[str] = []
    with io.TextIOWrapper(src.open(), encoding=guess.encoding, newline=None) as f:
        try:
            if fmt == "txt":
                for i, line in enumerate(f):
                    ids.append(i)
                    texts.append(line.rstrip("\n").lstrip("\ufeff") if i == 0 else line.rstrip("\n"))
            else:
                for i, line in enumerate(f, start=1):
                    if not line.strip():
                        continue
                    try:
                        doc_id, text = parse_text_document(line, text_field, id_field, default_id=i - 1)
                    except DocumentError as e:
                        raise InputError(f"{src.name}: line {i}: {e}") from None
                    ids.append(doc_id)
                    texts.append(text)
        except UnicodeDecodeError as e:
            raise InputError(f"{src.name}: cannot decode as {e.encoding}; pass --encoding") from None
    if not texts:
        raise InputError(f"{src.name}: no documents")
    return ids, texts


