"""One `phonenumbers.parse` per distinct (text, region) in a process, shared by every step that parses.

`privsynth anonymize` parses the same phone numbers several times: the phone column's keyed
pseudonyms (`transform.surrogates.SurrogateFactory._phone`, once more for each re-derivation when a
surrogate equals a reserved real value) and the record-aware redaction's digit variants
(`transform.record._phone_digit_variants`). On the 10,000-row example that was ~59,000 parses of
~10,000 distinct numbers. `parse` returns what `phonenumbers.parse(text, region)` returns, or raises
the same `NumberParseException`, from a dictionary after the first call.

The returned `PhoneNumber` is shared between callers: read it, never modify it. The cache holds at
most MAX_ENTRIES results and is emptied when full (a plain bound on memory; a result is the same
whether it came from the cache or not).
"""

from __future__ import annotations

from typing import Optional

MAX_ENTRIES = 1 << 18

_cache: dict[tuple[str, Optional[str]], object] = {}


def parse(text: str, region: Optional[str]):
    """`phonenumbers.parse(text, region)`, memoised (returned number or raised NumberParseException)."""
    k = (text, region)
    hit = _cache.get(k)
    if hit is None:
        import phonenumbers

        try:
            hit = phonenumbers.parse(text, region)
        except phonenumbers.NumberParseException as exc:
            hit = exc
        if len(_cache) >= MAX_ENTRIES:
            _cache.clear()
        _cache[k] = hit
    if isinstance(hit, Exception):
        raise hit
    return hit
