"""Where a table or text comes from: a file path or standard input, and how to read it.

A `Source` names the input in every message ("<stdin>" for `-`), opens it as bytes, hashes it,
and carries the user's read options (`--encoding`, `--delimiter`, `--decimal`,
`--input-format`). Readers accept a `Source` or a plain path.
"""

from __future__ import annotations

import hashlib
import io
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO, Optional

from privsynth.errors import InputError

TABLE_SUFFIXES = {".csv": "csv", ".tsv": "tsv", ".tab": "tsv", ".parquet": "parquet", ".pq": "parquet", ".jsonl": "jsonl", ".ndjson": "jsonl", ".json": "json"}
TEXT_SUFFIXES = {".txt": "txt", ".jsonl": "jsonl", ".ndjson": "jsonl"}
INPUT_FORMATS = ("csv", "tsv", "parquet", "jsonl", "json", "txt")
STDIN_NAME = "<stdin>"
MAX_STDIN_BYTES = 2 << 30


@dataclass(frozen=True)
class ReadOptions:
    """User overrides of what the reader would detect; None means detect.

    `delimiter` is one character (or "\\t"); `decimal` is "." or ","; `encoding` a Python codec
    name (e.g. "cp1252", "utf-16-be"); `input_format` one of INPUT_FORMATS.
    """

    encoding: Optional[str] = None
    delimiter: Optional[str] = None
    decimal: Optional[str] = None
    input_format: Optional[str] = None

    def given(self) -> list[str]:
        return [k for k in ("encoding", "delimiter", "decimal", "input_format") if getattr(self, k)]


@dataclass
class Source:
    """A readable input: a file (`path`) or bytes already read from standard input (`data`)."""

    name: str
    path: Optional[Path] = None
    data: Optional[bytes] = field(default=None, repr=False)
    options: ReadOptions = field(default_factory=ReadOptions)

    def __str__(self) -> str:
        return self.name

    @property
    def is_stdin(self) -> bool:
        return self.path is None

    def open(self) -> BinaryIO:
        if self.data is not None:
            return io.BytesIO(self.data)
        assert self.path is not None
        return open(self.path, "rb")

    def size(self) -> int:
        if self.data is not None:
            return len(self.data)
        assert self.path is not None
        return self.path.stat().st_size

    def sha256(self) -> str:
        if self.data is not None:
            return hashlib.sha256(self.data).hexdigest()
        assert self.path is not None
        return sha256_path(self.path)

    def table_format(self) -> str:
        """csv, tsv, parquet, jsonl or json: from --input-format, else from the file suffix."""
        fmt = self.options.input_format
        if fmt:
            if fmt == "txt":
                raise InputError(f"{self.name}: --input-format txt is for text documents (scan --text-field), not tables")
            return fmt
        if self.path is None:
            raise InputError(f"{self.name}: give --input-format (csv, tsv, parquet, jsonl or json) when reading standard input")
        suf = self.path.suffix.lower()
        if suf not in TABLE_SUFFIXES:
            raise InputError(f"{self.name}: unsupported file type {suf or '(none)'!r} (use .csv, .tsv, .parquet or .jsonl, or give --input-format)")
        return TABLE_SUFFIXES[suf]

    def text_format(self) -> str:
        """txt or jsonl, for text documents."""
        fmt = self.options.input_format
        if fmt:
            if fmt not in ("txt", "jsonl"):
                raise InputError(f"{self.name}: text documents must be txt or jsonl, not {fmt}")
            return fmt
        if self.path is None:
            raise InputError(f"{self.name}: give --input-format (txt or jsonl) when reading standard input")
        suf = self.path.suffix.lower()
        if suf not in TEXT_SUFFIXES:
            raise InputError(f"{self.name}: text input must be .txt or .jsonl")
        return TEXT_SUFFIXES[suf]

    def check(self) -> None:
        """Raise InputError when the file is missing, a directory or empty."""
        if self.path is not None:
            if not self.path.exists():
                raise InputError(f"{self.name}: file not found")
            if self.path.is_dir():
                raise InputError(f"{self.name}: is a directory, expected a file")
        if self.size() == 0:
            raise InputError(f"{self.name}: {'standard input is empty' if self.is_stdin else 'file is empty'}")


def sha256_path(path: str | Path) -> str:
    """SHA-256 (64 hex characters) of a file, read in 1 MiB blocks."""
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def is_stdin_name(path: object) -> bool:
    """True for "-", the name of standard input on the command line."""
    return isinstance(path, (str, Path)) and str(path) == "-"


def as_source(path: "str | Path | Source", options: Optional[ReadOptions] = None) -> Source:
    """A `Source` for a path ("-" reads standard input now), or `path` itself when it is one.

    Raises InputError when standard input holds more than 2 GiB.
    """
    if isinstance(path, Source):
        return path
    opts = options or ReadOptions()
    if is_stdin_name(path):
        return stdin_source(opts)
    return Source(name=str(path), path=Path(path), options=opts)


def stdin_source(options: ReadOptions, stream: Optional[BinaryIO] = None) -> Source:
    """Read all of standard input (binary) into a `Source` named "<stdin>".

    Raises InputError when it holds more than MAX_STDIN_BYTES (2 GiB): write it to a file.
    """
    s = stream if stream is not None else sys.stdin.buffer
    data = s.read(MAX_STDIN_BYTES + 1)
    if len(data) > MAX_STDIN_BYTES:
        raise InputError(f"{STDIN_NAME}: more than {MAX_STDIN_BYTES} bytes on standard input; write it to a file")
    return Source(name=STDIN_NAME, data=data, options=options)
