"""One `phonenumbers.parse` per distinct (text, region) in a process, shared by every step that parses.

`privsynth anonymize` parses the same phone numbers several times: the phone column's keyed
pseudonyms (`transform.surrogates.SurrogateFactory._phone`, once more for each re-derivation when a
surrogate equals a reserved real value) and the record-aware redaction's digit variants
(`transform.record._phone_digit_variants`). On the 10,000-row example that was ~59,000 parses of
~10,000 distinct numbers. `parse` returns what `phonenumbers.parse(text, region)` returns, or raises
the same `NumberParseException`, from a dictionary after the first call.

The returned `PhoneNumber` is shared between callers: read it, never modify it. The cache is a
`functools.lru_cache` of at most MAX_ENTRIES results (a plain bound on memory; a result is the same
whether it came from the cache or not).
"""

from __future__ import annotations

from functools import lru_cache
from typing import Optional

MAX_ENTRIES = 1 << 18


@lru_cache(maxsize=MAX_ENTRIES)
def _parsed(text: str, region: Optional[str]):
    """The library's number, or the NumberParseException it raised (kept, so a refusal is computed once too)."""
    import phonenumbers

    try:
        return phonenumbers.parse(text, region)
    except phonenumbers.NumberParseException as exc:
        return exc


def parse(text: str, region: Optional[str]):
    """`phonenumbers.parse(text, region)`, memoised (returned number or raised NumberParseException)."""
    hit = _parsed(text, region)
    if isinstance(hit, Exception):
        raise hit
    return hit
