"""The key as it travels to Dask workers.

A keyed operator needs the key bytes on the worker that transforms a partition. `SecretKey` wraps
them so that nothing Dask shows or derives from task arguments carries them:

- `repr`/`str` give `SecretKey(<redacted>)` (task reprs, the dashboard's task info, logs);
- `__dask_tokenize__` returns a fixed label, so task key names (tokens hashed from the arguments)
  are not even a function of the key;
- pickling carries the bytes (workers must have them), so a remote scheduler must be reached over
  TLS (`tls://`) when the network is not trusted: see docs/engine.md.
"""

from __future__ import annotations

from typing import Optional


class SecretKey:
    __slots__ = ("_b",)

    def __init__(self, key: bytes) -> None:
        self._b = bytes(key)

    def reveal(self) -> bytes:
        return self._b

    def __repr__(self) -> str:
        return "SecretKey(<redacted>)"

    __str__ = __repr__

    def __dask_tokenize__(self) -> str:
        return "privsynth-secret-key"

    def __reduce__(self):
        return (SecretKey, (self._b,))


def wrap(key: Optional[bytes]) -> Optional[SecretKey]:
    return None if key is None else SecretKey(key)


def unwrap(secret: Optional[SecretKey]) -> Optional[bytes]:
    return None if secret is None else secret.reveal()
