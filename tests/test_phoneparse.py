"""privsynth.phoneparse: one phonenumbers.parse per distinct (text, region), with the library's own
results and errors."""

from __future__ import annotations

import phonenumbers
import pytest

from privsynth import phoneparse


@pytest.mark.parametrize("text, region", [
    ("+44 116 4960642", None),
    ("(0808)1570482", "GB"),
    ("030 1234 5678", "DE"),
    ("+1 (212) 555-0142", "GB"),
])
def test_a_cached_parse_equals_the_librarys_parse_and_is_computed_once(text, region):
    first = phoneparse.parse(text, region)
    assert first == phonenumbers.parse(text, region)
    assert phoneparse.parse(text, region) is first


@pytest.mark.parametrize("text, region", [("not a number", "GB"), ("12", None), ("", "US")])
def test_a_text_the_library_refuses_raises_the_librarys_error_every_time(text, region):
    for _ in range(2):
        with pytest.raises(phonenumbers.NumberParseException):
            phoneparse.parse(text, region)


def test_the_cache_is_bounded():
    assert phoneparse._parsed.cache_info().maxsize == phoneparse.MAX_ENTRIES
    for i in range(10):
        assert phoneparse.parse(f"+44 116 496 06{i:02d}", None).country_code == 44
    info = phoneparse._parsed.cache_info()
    assert 0 < info.currsize <= info.maxsize
