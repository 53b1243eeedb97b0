"""Atomic writers: write to a temporary file beside the target, then rename. A failed run leaves
no partial file, and no output may overwrite an input."""

from __future__ import annotations

import contextlib
import json
import os
import tempfile
from pathlib import Path
from typing import Any, Iterable, Iterator

import pandas as pd

from privsynth.errors import OutputError
from privsynth import interrupts


def check_not_input(out: str | Path, inputs: Iterable[Any]) -> None:
    """Raise OutputError when `out` is one of `inputs` (paths, `Source`s or None)."""
    o = Path(out).resolve()
    for i in inputs:
        i = getattr(i, "path", i)  # a Source: its file, None for standard input
        if i is None:
            continue
        if Path(i).resolve() == o:
            raise OutputError(f"{out}: output path is the same as an input; refusing to overwrite it")


@contextlib.contextmanager
def atomic_output(path: str | Path, mode: str = "w", perms: int | None = None) -> Iterator[Any]:
    """A file object for `path` written to a temporary file beside it and renamed on success.

    Any exception (also KeyboardInterrupt) removes the temporary file, so no partial output is
    left. `perms` sets the mode before anything is written. Raises OutputError for a directory.
    """
    p = Path(path)
    if p.is_dir():
        raise OutputError(f"{p}: is a directory")
    p.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{p.name}.", suffix=".tmp", dir=p.parent)
    try:
        if perms is not None:
            os.chmod(tmp, perms)
        with os.fdopen(fd, mode, encoding=None if "b" in mode else "utf-8", newline=None if "b" in mode else "") as f:
            yield f
        interrupts.check()  # a Ctrl-C a library swallowed still stops the commit
        os.replace(tmp, p)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise


def write_text(path: str | Path, text: str, perms: int | None = None) -> None:
    """Write `text` (UTF-8) atomically; raises OutputError for a directory."""
    with atomic_output(path, "w", perms=perms) as f:
        f.write(text)


def write_json(path: str | Path, obj: Any) -> None:
    """Write `obj` as indented UTF-8 JSON atomically."""
    write_text(path, json.dumps(obj, indent=2, ensure_ascii=False, default=str) + "\n")


def write_table(path: str | Path, df: pd.DataFrame, perms: int | None = None) -> None:
    """Write `df` atomically as Parquet, JSON lines, CSV or TSV, by suffix; `perms` (e.g. 0o600) is the file's mode.

    Raises OutputError for another suffix.
    """
    p = Path(path)
    suf = p.suffix.lower()
    if suf in (".parquet", ".pq"):
        with atomic_output(p, "wb", perms=perms) as f:
            df.to_parquet(f, index=False)
    elif suf in (".jsonl", ".ndjson"):
        with atomic_output(p, "w", perms=perms) as f:
            df.to_json(f, orient="records", lines=True, force_ascii=False, date_format="iso")
    elif suf in (".csv", ".tsv"):
        with atomic_output(p, "w", perms=perms) as f:
            df.to_csv(f, index=False, sep="\t" if suf == ".tsv" else ",", lineterminator="\n")
    else:
        raise OutputError(f"{p}: unsupported output type {suf or '(none)'!r} (use .csv, .parquet or .jsonl)")


TABLE_SUFFIXES = (".parquet", ".pq", ".jsonl", ".ndjson", ".csv", ".tsv")


def check_output_table(path: str | Path) -> None:
    """Raise OutputError, before anything is computed or written, when `write_table` could not
    write a table to `path` (a suffix it does not know, or a directory)."""
    p = Path(path)
    if p.suffix.lower() not in TABLE_SUFFIXES:
        raise OutputError(f"{p}: unsupported output type {p.suffix.lower() or '(none)'!r} (use .csv, .parquet or .jsonl)")
    if p.is_dir():
        raise OutputError(f"{p}: is a directory")


class StagedOutputs:
    """Several output files that appear together or not at all.

    `stage(path)` gives a temporary path beside `path` (same suffix, so the writers pick the same
    format) to write to; leaving the `with` block without an error renames every staged file onto
    its target, in the order staged; an error (also KeyboardInterrupt) removes every staged file
    and leaves the targets as they were. Used by `anonymize`: a failed mapping no longer leaves a
    release without its mapping (new-user trial 14, finding m6)."""

    def __init__(self) -> None:
        self._staged: list[tuple[Path, Path]] = []

    def stage(self, path: str | Path) -> Path:
        p = Path(path)
        if p.is_dir():
            raise OutputError(f"{p}: is a directory")
        p.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{p.stem}.", suffix=f".staged{p.suffix}", dir=p.parent)
        os.close(fd)
        self._staged.append((Path(tmp), p))
        return Path(tmp)

    def __enter__(self) -> "StagedOutputs":
        return self

    def __exit__(self, exc_type, exc, tb) -> None:
        if exc_type is None:
            try:
                interrupts.check()
                for tmp, target in self._staged:
                    os.replace(tmp, target)
                return
            except BaseException:
                self._discard()
                raise
        self._discard()

    def _discard(self) -> None:
        for tmp, _ in self._staged:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(tmp)
