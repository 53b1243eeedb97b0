"""Optional signatures over the evidence digest (`privsynth sign`, `privsynth gate --verify`).

Two schemes (docs/evidence.md, "Signature"):

- `hmac-sha256`: HMAC-SHA256 (RFC 2104) of the digest under a subkey derived from the project key
  (`privsynth keygen`; the key keyed operators use, via HKDF with purpose "evidence-signature", so
  the signature never reveals or reuses pseudonymization key material). Whoever holds the project
  key can sign and verify.
- `ed25519`: an Ed25519 signature (RFC 8032, `cryptography`) with a private key in PEM (PKCS#8);
  anyone with the public key can verify, only the private key holder can sign.

The signed content is `evidence_digest(ev)`: SHA-256 over the canonical JSON without `signature`
and `signoff`, so a DPO can fill the sign-off block without breaking the signature.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from pathlib import Path
from typing import Optional

from privsynth.gate.integrity import EvidenceError, evidence_digest
from privsynth.results import Evidence, Signature

HMAC_PURPOSE = "evidence-signature"


def _hmac_key(key: bytes) -> bytes:
    from privsynth.transform.keys import derive_key

    return derive_key(key, HMAC_PURPOSE)


def _read_pem(path: Path, what: str) -> bytes:
    try:
        return Path(path).read_bytes()
    except FileNotFoundError:
        raise EvidenceError(f"{path}: {what} not found") from None
    except OSError as e:
        raise EvidenceError(f"{path}: cannot read {what} ({type(e).__name__})") from None


def _ed25519_private(path: Path):
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
    from cryptography.hazmat.primitives.serialization import load_pem_private_key

    try:
        key = load_pem_private_key(_read_pem(path, "Ed25519 private key"), password=None)
    except (ValueError, TypeError):
        raise EvidenceError(f"{path}: not an unencrypted PEM private key") from None
    if not isinstance(key, Ed25519PrivateKey):
        raise EvidenceError(f"{path}: not an Ed25519 private key")
    return key


def _ed25519_public(path: Path):
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
    from cryptography.hazmat.primitives.serialization import load_pem_private_key, load_pem_public_key

    data = _read_pem(path, "Ed25519 public key")
    try:
        key = load_pem_public_key(data)
    except ValueError:
        try:  # a private key file also holds the public key
            key = load_pem_private_key(data, password=None)
        except (ValueError, TypeError):
            raise EvidenceError(f"{path}: not a PEM public key") from None
        if isinstance(key, Ed25519PrivateKey):
            key = key.public_key()
    if not isinstance(key, Ed25519PublicKey):
        raise EvidenceError(f"{path}: not an Ed25519 public key")
    return key


def check_ed25519_private_key(path: Path) -> str:
    """Read an Ed25519 private key (PEM) now, so a bad key fails before any work; returns its key id.
    Raises `EvidenceError` (one line) when it is missing, unreadable or not Ed25519."""
    return _public_id(_ed25519_private(Path(path)).public_key())


def _public_id(public_key) -> str:
    from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

    raw = public_key.public_bytes(Encoding.Raw, PublicFormat.Raw)
    return "ed25519:" + hashlib.sha256(raw).hexdigest()[:16]


def sign_evidence(ev: Evidence, *, hmac_key: Optional[bytes] = None, ed25519_private_key: Optional[Path] = None) -> Evidence:
    """A copy of `ev` carrying a `Signature` over its digest (exactly one of the two keys)."""
    if (hmac_key is None) == (ed25519_private_key is None):
        raise EvidenceError("sign with either the project key (HMAC) or an Ed25519 private key, not both or neither")
    out = ev.model_copy(deep=True)
    out.signature = None
    digest = evidence_digest(out)
    if hmac_key is not None:
        from privsynth.transform.keys import key_fingerprint

        value = hmac.new(_hmac_key(hmac_key), digest.encode("ascii"), hashlib.sha256).hexdigest()
        out.signature = Signature(algorithm="hmac-sha256", digest=digest, value=value, key_id=key_fingerprint(hmac_key))
    else:
        key = _ed25519_private(Path(ed25519_private_key))  # type: ignore[arg-type]
        value = base64.b64encode(key.sign(digest.encode("ascii"))).decode("ascii")
        out.signature = Signature(algorithm="ed25519", digest=digest, value=value, key_id=_public_id(key.public_key()))
    return out


def verify_signature(ev: Evidence, source: str, *, hmac_key: Optional[bytes] = None, ed25519_public_key: Optional[Path] = None) -> str:
    """Check the evidence's signature; return a one-line description. Raises `EvidenceError` when
    the evidence is unsigned, was changed after signing, or the signature does not verify."""
    sig = ev.signature
    if sig is None:
        raise EvidenceError(f"{source}: evidence refused: it carries no signature (sign it with `privsynth sign`)")
    if sig.digest != evidence_digest(ev):
        raise EvidenceError(f"{source}: evidence refused: its content changed after it was signed")
    if sig.algorithm == "hmac-sha256":
        if hmac_key is None:
            raise EvidenceError(f"{source}: the signature is HMAC-SHA256: give the project key (--key-file or --key-env)")
        want = hmac.new(_hmac_key(hmac_key), sig.digest.encode("ascii"), hashlib.sha256).hexdigest()
        if not hmac.compare_digest(want, sig.value):
            raise EvidenceError(f"{source}: evidence refused: the HMAC signature does not verify with this key")
        return f"signature verified: hmac-sha256, key {sig.key_id}, digest {sig.digest}"
    if ed25519_public_key is None:
        raise EvidenceError(f"{source}: the signature is Ed25519: give the public key (--ed25519-public)")
    from cryptography.exceptions import InvalidSignature

    pub = _ed25519_public(Path(ed25519_public_key))
    try:
        pub.verify(base64.b64decode(sig.value, validate=True), sig.digest.encode("ascii"))
    except (InvalidSignature, ValueError):
        raise EvidenceError(f"{source}: evidence refused: the Ed25519 signature does not verify with this public key") from None
    return f"signature verified: ed25519, key {_public_id(pub)}, digest {sig.digest}"
