"""Secret keys for the keyed operators (pseudonymize, tokenize, encrypt, surrogate text rewriting).

A key is 32 random bytes, stored as 64 hex characters on one line in a file of mode 600, or given
in an environment variable (hex or base64). Every operator uses its own subkey derived from the
master key with a domain-separation label (HMAC-SHA256(master, "privsynth/v1/" + purpose)), so
that no two purposes ever use the same key material, and the fingerprint reveals nothing usable.

Nothing in this module ever puts key material into an exception message or a return value other
than the key itself (`load_key`, `generate_key`).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import os
import re
import secrets
import stat
from pathlib import Path
from typing import Optional

from privsynth.errors import KeyMaterialError, OutputError
from privsynth.io.files import read_text_file
from privsynth import interrupts

KEY_BYTES = 32
MIN_KEY_BYTES = 16
_DOMAIN = b"privsynth/v1/"


def generate_key() -> bytes:
    """A new random master key (32 bytes from the OS CSPRNG)."""
    return secrets.token_bytes(KEY_BYTES)


def derive_key(key: bytes, purpose: str, length: int = 32) -> bytes:
    """A subkey for one purpose (HMAC-SHA256 in counter mode over a domain-separated label)."""
    out = b""
    counter = 1
    while len(out) < length:
        out += hmac.new(key, _DOMAIN + purpose.encode("utf-8") + bytes([counter]), hashlib.sha256).digest()
        counter += 1
    return out[:length]


def key_fingerprint(key: bytes) -> str:
    """A public identifier of a key: "sha256:" + 16 hex of SHA-256 over a derived, domain-separated value.

    It lets a DPO tell which key was used without revealing anything that helps to recompute a
    pseudonym (the fingerprint is a hash of a subkey that no operator uses).
    """
    return "sha256:" + hashlib.sha256(derive_key(key, "fingerprint")).hexdigest()[:16]


_HEX = re.compile(r"^[0-9a-fA-F]+$")


def parse_key(text: str, source: str) -> bytes:
    """Decode a key given as hex or base64 (standard or URL-safe); `source` names it in errors."""
    s = "".join(text.split())
    if not s:
        raise KeyMaterialError(f"{source}: the key is empty")
    raw: Optional[bytes] = None
    if _HEX.match(s) and len(s) % 2 == 0:
        raw = bytes.fromhex(s)
    else:
        # strict decoding: a lenient decoder silently drops characters outside its alphabet
        # ("-" and "_" of URL-safe base64) and would yield a different key
        padded = s + "=" * (-len(s) % 4)
        for candidate in (padded, padded.replace("-", "+").replace("_", "/")):
            try:
                raw = base64.b64decode(candidate, validate=True)
                break
            except (binascii.Error, ValueError):
                continue
    if raw is None:
        raise KeyMaterialError(f"{source}: malformed key (expected hex or base64, as written by `privsynth keygen`)")
    if len(raw) < MIN_KEY_BYTES:
        raise KeyMaterialError(f"{source}: key too short ({len(raw)} bytes; at least {MIN_KEY_BYTES} required, `privsynth keygen` writes {KEY_BYTES})")
    return raw


def load_key(key_file: Optional[Path], env_var: str = "PRIVSYNTH_KEY") -> bytes:
    """The key from `key_file` if given, else from the environment variable `env_var`.

    Raises KeyMaterialError (one line, naming the file or variable, never the key) when neither
    is available or the material is malformed.
    """
    if key_file is not None:
        p = Path(key_file)
        text = read_text_file(p, what="key file", error=KeyMaterialError, encoding="ascii", not_found_hint=f"create one with `privsynth keygen --out {p}`", max_bytes=64 * 1024)
        return parse_key(text, str(p))
    val = os.environ.get(env_var)
    if val is None or not val.strip():
        raise KeyMaterialError(f"no key: give --key-file or set the environment variable {env_var} (see `privsynth keygen`)")
    return parse_key(val, f"environment variable {env_var}")


def write_new_key(path: Path, force: bool = False) -> str:
    """Create a key file (64 hex chars, mode 600) and return its fingerprint.

    Refuses to replace an existing file unless `force`. The file is created with mode 600 from
    the start (no window in which it is world-readable).
    """
    p = Path(path)
    if p.exists() and not force:
        raise OutputError(f"{p}: key file exists; refusing to overwrite (use --force to replace it)")
    if p.exists() and p.is_dir():
        raise OutputError(f"{p}: is a directory")
    if p.parent and not p.parent.exists():
        p.parent.mkdir(parents=True, exist_ok=True)
    key = generate_key()
    tmp = p.with_name(f".{p.name}.{secrets.token_hex(4)}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, stat.S_IRUSR | stat.S_IWUSR)
    try:
        with os.fdopen(fd, "w", encoding="ascii") as fh:
            fh.write(key.hex() + "\n")
        os.chmod(tmp, stat.S_IRUSR | stat.S_IWUSR)
        interrupts.check()
        os.replace(tmp, p)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise
    return key_fingerprint(key)
