"""Name pseudonyms are one-to-one under one key even when every listed name is a real one (issue 15).

A 1,000,000-row table of en_US customers holds every given and family name of Faker's en_US
lists, so every pseudonym must come from outside the real names; before the fix two real given
names of different groups (female "Candice", male "Jason") could be matched to the same name of
another locale: 0-1,770 name collisions per million-row run, depending on the key.
"""
from collections import defaultdict

import pytest

from privsynth.transform.reserve import Reserve
from privsynth.transform.surrogates import SurrogateFactory, _extra_names, _pools


def _every_en_us_name_is_real() -> tuple[Reserve, list[str], list[str]]:
    p = _pools("en_US")
    firsts, lasts = sorted(set(p["first"])), sorted(set(p["last"]))
    r = Reserve()
    r.add("PERSON", [f"{f} {lasts[i % len(lasts)]}" for i, f in enumerate(firsts)])
    r.add("LAST_NAME", lasts)
    return r, firsts, lasts


@pytest.mark.parametrize("key", [bytes([k]) * 32 for k in range(5)])
def test_when_every_listed_name_is_real_then_distinct_real_names_get_distinct_pseudonyms(key):
    reserve, firsts, lasts = _every_en_us_name_is_real()
    fac = SurrogateFactory(key, "en_US", reserve=reserve)
    for role, names in (("first", firsts), ("last", lasts)):
        images = defaultdict(list)
        for n in names:
            images[fac.name_token(n, role).casefold()].append(n)
        shared = {img: srcs for img, srcs in images.items() if len(srcs) > 1}
        assert not shared, list(shared.items())[:5]
        assert not any(fac._reserved_token(img) for img in images)  # and none is a real name
    full = [f"{f} {lasts[(i * 7) % len(lasts)]}" for i, f in enumerate(firsts)]
    out = [fac.surrogate("PERSON", v) for v in full]
    assert len(set(out)) == len(full)


def test_the_other_locales_given_names_are_split_into_disjoint_groups():
    groups = {g: set(_extra_names(g)) for g in ("female", "male", "unisex")}
    assert not groups["female"] & groups["male"]
    assert not (groups["female"] | groups["male"]) & groups["unisex"]
    assert "Jean" in groups["unisex"]  # female in en_US, male in fr_FR
