"""Read one small file (policy YAML, evidence JSON, key file) and fail with one line naming it.

The policy loader, the evidence loader and the key loader all read through `read_text_file`,
so a missing file, a directory, an unreadable file or undecodable bytes give the same kind of
one-line message, raised as the caller's own `PrivsynthError` subclass (PolicyError,
InputError, KeyMaterialError), and never quote the file's content.
"""

from __future__ import annotations

from pathlib import Path
from privsynth.errors import PrivsynthError

MAX_SMALL_FILE_BYTES = 64 * 1024 * 1024  # a policy, an evidence document or a key is far smaller


def read_text_file(
    path: str | Path,
    *,
    what: str,
    error: type[PrivsynthError],
    encoding: str = "utf-8",
    not_found_hint: str = "",
    max_bytes: int = MAX_SMALL_FILE_BYTES,
) -> str:
    """The whole text of `path`, decoded with `encoding` (a UTF-8 BOM is dropped).

    `what` names the file's kind in messages ("policy file", "evidence file", "key file").
    Raises `error` with one line "<path>: <problem>" when the file is missing, a directory,
    unreadable, larger than `max_bytes` or not decodable; `not_found_hint` is appended to the
    not-found message (e.g. how to create the file).
    """
    p = Path(path)
    if not p.exists():
        hint = f" ({not_found_hint})" if not_found_hint else ""
        raise error(f"{p}: {what} not found{hint}")
    if p.is_dir():
        raise error(f"{p}: is a directory, expected {_a(what)} {what}")
    try:
        size = p.stat().st_size
        if size > max_bytes:
            raise error(f"{p}: {what} is too large ({size} bytes; at most {max_bytes})")
        data = p.read_bytes()
    except PrivsynthError:
        raise
    except OSError as e:
        raise error(f"{p}: cannot read {what} ({type(e).__name__}{_errno(e)})") from None
    if data.startswith(b"\xef\xbb\xbf") and encoding.replace("_", "-").lower() in ("utf-8", "utf8", "ascii"):
        data = data[3:]
    if b"\x00" in data:
        raise error(f"{p}: {what} is binary, not text")
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as e:
        raise error(f"{p}: {what} is not {_enc_name(encoding)} text (undecodable byte at offset {e.start})") from None


def _a(noun: str) -> str:
    return "an" if noun[:1].lower() in "aeiou" else "a"


def _errno(e: OSError) -> str:
    return f": {e.strerror}" if getattr(e, "strerror", None) else ""


def _enc_name(encoding: str) -> str:
    return {"utf-8": "UTF-8", "ascii": "ASCII"}.get(encoding.lower(), encoding)

