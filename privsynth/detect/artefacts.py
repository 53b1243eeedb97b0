"""Derived look-up data cached on disk, so a fresh process does not rebuild it from packages.

A cold scan used to spend most of its extra time rebuilding the same data from installed packages
in every process: py3langid's model (an LZMA-compressed npz, ~0.7 CPU s to decompress), the folded
GeoNames and Faker place names (~0.5 s), Faker's name and job lists. Each is a pure function of
the installed package versions and of privsynth's own builder code, so it is built once and kept
in a cache directory; a later process reads it back (a few milliseconds).

Nothing is downloaded: the cache holds only what the builders derive from installed packages, and
every entry is rebuilt (same result) when it is missing, unreadable, or its key changes. The key
of an entry is a SHA-256 over the versions of the packages it is built from and the bytes of the
privsynth source files whose code builds it, so upgrading a package or editing a builder never
reads a stale entry.

Where: `$PRIVSYNTH_CACHE_DIR`, else `$XDG_CACHE_HOME/privsynth`, else `~/.cache/privsynth`.
`PRIVSYNTH_CACHE_DIR=off` (or a directory that cannot be written) disables writing; the data are
then built in memory as before. Entries are written atomically (a temporary file, then rename).
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from importlib import metadata
from pathlib import Path
from typing import Callable, Iterable, Optional, Sequence

CACHE_ENV = "PRIVSYNTH_CACHE_DIR"
FORMAT = "2"  # bump when the layout of an entry changes


def cache_dir() -> Optional[Path]:
    """The cache directory (see module docstring), or None when caching is off."""
    env = os.environ.get(CACHE_ENV)
    if env is not None:
        return None if env.strip().lower() in ("", "off", "0", "none") else Path(env)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "privsynth"


def _version(dist: str) -> str:
    try:
        return metadata.version(dist)
    except metadata.PackageNotFoundError:
        return "absent"


def entry_key(name: str, packages: Sequence[str], sources: Sequence[str]) -> str:
    """SHA-256 (hex, 16 characters) over the entry name, FORMAT, the installed versions of `packages`
    (distribution names) and the bytes of `sources` (file paths: the privsynth modules that build it)."""
    h = hashlib.sha256(f"{FORMAT}\0{name}".encode())
    for p in packages:
        h.update(f"\0{p}={_version(p)}".encode())
    for s in sources:
        try:
            h.update(b"\0" + Path(s).read_bytes())
        except OSError:
            h.update(b"\0?")
    return h.hexdigest()[:16]


def _path(name: str, key: str, suffix: str) -> Optional[Path]:
    d = cache_dir()
    return None if d is None else d / f"{name}-{key}{suffix}"


def _write_atomic(path: Path, data: bytes) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
        try:
            with os.fdopen(fd, "wb") as f:
                f.write(data)
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
    except OSError:  # read-only home, full disk: the data were built in memory, go on without caching
        pass


def cached_strings(name: str, packages: Sequence[str], sources: Sequence[str],
                   build: Callable[[], Iterable[str]]) -> frozenset[str]:
    """`frozenset(build())`, read from the cache when an entry with the same key exists, else built and
    stored (UTF-8, sorted, one string a line after a "=" so that the empty string is a line too). A set
    with a string holding a line break is never cached (it is returned as built)."""
    path = _path(name, entry_key(name, packages, sources), ".txt")
    if path is not None:
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            pass
        else:
            return frozenset(line[1:] for line in text.split("\n")) if text else frozenset()
    out = frozenset(build())
    if path is not None and not any(("\n" in s or "\r" in s) for s in out):
        _write_atomic(path, "\n".join("=" + s for s in sorted(out)).encode("utf-8"))
    return out


def cached_decompressed_xz(name: str, xz_file: Path, packages: Sequence[str]) -> Optional[Path]:
    """A decompressed copy of `xz_file` (a file shipped inside an installed package) in the cache, or
    None when caching is off or the copy cannot be written. The key also covers the file's size and
    modification time."""
    import lzma

    st = xz_file.stat()
    key = entry_key(f"{name}:{xz_file}:{st.st_size}:{st.st_mtime_ns}", packages, ())
    path = _path(name, key, "")
    if path is None:
        return None
    if path.exists():
        return path
    with lzma.open(xz_file) as src:
        data = src.read()
    _write_atomic(path, data)
    return path if path.exists() else None
