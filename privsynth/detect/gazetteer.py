"""Name and place gazetteers built offline from Faker's bundled locale data (no download).

Used in free text to catch person names and places spaCy's small model misses. Faker ships
first/last names and city/region/country names for dozens of locales; we union the European ones
plus English. Built lazily once per process (a fraction of a second).
"""

from __future__ import annotations

import importlib
from functools import lru_cache

LOCALES = (
    "en_US", "en_GB", "en_IE", "en_AU", "en_CA", "de_DE", "de_AT", "de_CH", "fr_FR", "fr_CH", "es_ES", "es_MX", "it_IT",
    "pt_PT", "pt_BR", "nl_NL", "nl_BE", "pl_PL", "cs_CZ", "sk_SK", "sl_SI", "hr_HR", "hu_HU", "ro_RO", "bg_BG", "el_GR",
    "da_DK", "sv_SE", "no_NO", "fi_FI", "is_IS", "et_EE", "lv_LV", "lt_LT", "ru_RU", "uk_UA", "tr_TR", "ka_GE", "hy_AM",
)
_PLACE_ATTRS = ("cities", "real_city_names", "city_names", "states", "regions", "provinces", "counties", "countries",
                "distritos", "concelhos", "departments")

# Capitalised words that Faker lists as names but that are ordinary English words in text.
COMMON_WORDS = {
    "will", "may", "june", "april", "august", "mark", "rose", "grace", "hope", "faith", "joy", "dawn", "summer", "winter",
    "autumn", "bill", "art", "don", "guy", "ray", "rich", "frank", "earl", "young", "long", "white", "black", "brown",
    "green", "gray", "grey", "king", "little", "love", "page", "price", "rich", "best", "bell", "hall", "hill", "wood",
    "more", "house", "park", "street", "new", "north", "south", "east", "west", "the", "and", "for", "but", "she", "he",
    "her", "his", "they", "this", "that", "with", "from", "have", "has", "was", "are", "not", "all", "any", "can", "our",
    "you", "your", "who", "what", "when", "where", "why", "how", "one", "two", "man", "men", "day", "week", "may", "per",
    "sun", "mon", "tue", "wed", "thu", "fri", "sat", "dear", "hi", "hello", "thanks", "please", "sir", "madam", "card",
    "bank", "number", "phone", "email", "address", "name", "date", "city", "state", "country", "christian", "major",
    "golden", "lake", "river", "field", "fields", "star", "stone", "church", "chapel", "case", "cook", "miller", "smith",
    "baker", "carter", "mason", "porter", "turner", "walker", "ward", "wells", "west", "will", "a", "i", "o", "so", "do",
    "liberty", "unity", "harmony", "ocean", "sky", "angel", "honey", "ivy", "lily", "violet", "holly", "iris", "jade",
    "pearl", "ruby", "amber", "crystal", "destiny", "heaven", "justice", "sunny", "storm", "rain", "river", "forest",
    "apt", "suite", "unit", "box", "st", "rd", "ave", "flat", "room", "floor", "po", "psc", "apo", "fpo", "dpo", "nan",
    "apple", "happy", "lucky", "noble", "royal", "sterling", "victory", "april", "january", "march", "monday", "friday",
}


def _names_from(obj) -> list[str]:
    if obj is None:
        return []
    if isinstance(obj, dict):
        return [str(k) for k in obj.keys()]
    if isinstance(obj, (list, tuple, set)):
        return [str(x) for x in obj]
    return []


def _cached(name: str, kind: str, attrs) -> frozenset[str]:
    # kept between processes (privsynth.detect.artefacts): a cold scan no longer imports 39 Faker locales
    from privsynth.detect import artefacts

    return artefacts.cached_strings(name, ("faker",), (__file__,), lambda: _collect(kind, attrs))


@lru_cache(maxsize=1)
def first_names() -> frozenset[str]:
    return _cached("faker-first-names", "person", ("first_names", "first_names_male", "first_names_female"))


@lru_cache(maxsize=1)
def last_names() -> frozenset[str]:
    return _cached("faker-last-names", "person", ("last_names", "last_names_male", "last_names_female"))


@lru_cache(maxsize=1)
def places() -> frozenset[str]:
    return _cached("faker-places", "address", _PLACE_ATTRS)


def _collect(kind: str, attrs) -> set[str]:
    out: set[str] = set()
    for loc in LOCALES:
        try:
            mod = importlib.import_module(f"faker.providers.{kind}.{loc}")
        except Exception:
            continue
        prov = getattr(mod, "Provider", None)
        for a in attrs:
            for name in _names_from(getattr(prov, a, None)):
                name = name.strip()
                if len(name) >= 2 and name.lower() not in COMMON_WORDS and name[0].isupper():
                    out.add(name)
    return out
