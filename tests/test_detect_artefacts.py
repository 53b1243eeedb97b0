"""Look-up data cached between processes (privsynth.detect.artefacts) and the column scan's pattern prefilter:
the same data and the same matches as building or analysing without them."""

from __future__ import annotations

import numpy as np
import pytest

from privsynth.detect import artefacts


@pytest.fixture
def cache(tmp_path, monkeypatch):
    d = tmp_path / "cache"
    monkeypatch.setenv(artefacts.CACHE_ENV, str(d))
    return d


@pytest.mark.parametrize("built", [{"Köln", "São Paulo", "a b", " leading", "trailing\t", "=x", "x" * 300}, {"", "ok"}, {""}, set()])
def test_a_cached_string_set_reads_back_exactly_what_was_built(cache, built):
    first = artefacts.cached_strings("t", ("faker",), (), lambda: built)
    files = list(cache.iterdir())
    again = artefacts.cached_strings("t", ("faker",), (), lambda: pytest.fail("built twice"))
    assert first == again == frozenset(built)
    assert len(files) == 1


def test_an_entry_is_rebuilt_when_a_builder_source_changes(cache, tmp_path):
    src = tmp_path / "builder.py"
    src.write_text("v1")
    assert artefacts.cached_strings("t", (), (str(src),), lambda: {"old"}) == {"old"}
    src.write_text("v2")
    assert artefacts.cached_strings("t", (), (str(src),), lambda: {"new"}) == {"new"}


@pytest.mark.parametrize("built", [{"line\nbreak", "ok"}, {"carriage\rreturn"}])
def test_sets_a_text_file_cannot_hold_exactly_are_returned_as_built_and_not_cached(cache, built):
    assert artefacts.cached_strings("t", (), (), lambda: built) == frozenset(built)
    assert artefacts.cached_strings("t", (), (), lambda: {"rebuilt"}) == {"rebuilt"}


def test_caching_off_builds_every_time_and_writes_nothing(tmp_path, monkeypatch):
    monkeypatch.setenv(artefacts.CACHE_ENV, "off")
    monkeypatch.setenv("HOME", str(tmp_path))
    assert artefacts.cache_dir() is None
    assert artefacts.cached_strings("t", (), (), lambda: {"a"}) == {"a"}
    assert artefacts.cached_strings("t", (), (), lambda: {"b"}) == {"b"}
    assert not any(tmp_path.iterdir())


def test_an_unwritable_cache_directory_only_costs_the_rebuild(tmp_path, monkeypatch):
    blocker = tmp_path / "file"
    blocker.write_text("not a directory")
    monkeypatch.setenv(artefacts.CACHE_ENV, str(blocker / "cache"))
    assert artefacts.cached_strings("t", (), (), lambda: {"a"}) == {"a"}


def test_place_and_name_gazetteers_from_the_cache_equal_the_ones_built_from_the_packages(cache):
    from privsynth.detect import gazetteer, lexicon, values, vocab

    for fn, build in ((values.places, values._build_places), (values.job_titles, values._build_job_titles),
                      (values._street_suffixes, values._build_street_suffixes),
                      (gazetteer.first_names, lambda: gazetteer._collect("person", ("first_names", "first_names_male", "first_names_female"))),
                      (lexicon.surnames, lexicon._build_surnames), (vocab.countries, vocab._build_countries),
                      (values._faker_places, lambda: {values.fold(p) for p in gazetteer.places()})):
        fn.cache_clear()
        try:
            assert fn() == frozenset(build())  # built and stored
            fn.cache_clear()
            assert fn() == frozenset(build())  # read back
        finally:
            fn.cache_clear()
    assert any(p.name.startswith("places-") for p in cache.iterdir())
    lexicon.given_names.cache_clear()
    try:
        assert lexicon.given_names() == lexicon._build_given_names()
        lexicon.given_names.cache_clear()
        assert lexicon.given_names() == lexicon._build_given_names()
    finally:
        lexicon.given_names.cache_clear()


def test_the_language_model_read_from_the_cache_equals_py3langids_own_load(cache):
    from py3langid.langid import MODEL_DIR, MODEL_FILE, _load_model_file

    from privsynth.detect import language

    ours = language._load_model_file()  # decompresses into the cache
    again = language._load_model_file()  # reads the cached npz
    theirs = _load_model_file(MODEL_DIR / MODEL_FILE)
    for a, b, c in zip(ours, again, theirs):
        if isinstance(c, np.ndarray):
            assert a.dtype == b.dtype == c.dtype and np.array_equal(a, c) and np.array_equal(b, c)
        else:
            assert type(a) is type(b) is type(c) and a == b == c
    assert any(p.name.startswith("py3langid-model") for p in cache.iterdir())


@pytest.mark.parametrize("value", [
    "max.mustermann@example.org", "DE89 3704 0044 0532 0130 00", "+44 (20) 7946 0321", "2024-01-02", "12.03.1987",
    "Hauptstraße 12", "SW1A 1AA", "123-45-6789", "4111 1111 1111 1111", "192.168.0.1", "no digits here", "x",
    "KD-000123", "7.590,29", "https://example.org/a?b=c", "M", "",
])
def test_the_pattern_prefilter_never_changes_what_a_value_matches(value):
    from privsynth.detect.columns import _compiled_patterns, _match_value
    from privsynth.detect.engine import pattern_recognizers
    from privsynth.policy.models import Policy

    recs = pattern_recognizers(Policy())
    prefilter: dict = {}
    assert _match_value(value, recs, prefilter) == _match_value(value, recs)
    assert all(prefilter[id(r)] == _compiled_patterns(r) for r in recs if id(r) in prefilter)
    assert sum(_compiled_patterns(r) is not None for r in recs) >= 40  # Presidio's pattern recognizers are prefiltered
