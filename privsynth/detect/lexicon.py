"""Word lists for free-text detection, all from packages installed with privsynth (no download).

* given names with a frequency class (`given_names`): the US Census Bureau's 1990 given-name
  shares (public domain, shipped in `data/given_names_us_census_1990.tsv`) and Faker's first-name
  lists of 39 locales (MIT), weighted by their shares where Faker has them and by how many of
  privsynth's languages list a name.
* surnames: Faker's person providers for 39 locales (the en_US list carries US census shares).
* stop words: spaCy's language data (`spacy.lang.<xx>.stop_words`) for en, de, fr, es, nl, it,
  which needs no trained model.
* street-type words: a list per language (street, Straße, rue, calle, straat, via, ...) plus
  Faker's street prefixes/suffixes for the same locales.

Everything is built lazily once per process.
"""

from __future__ import annotations

import importlib
from functools import lru_cache
from pathlib import Path

LANGUAGES = ("en", "de", "fr", "es", "nl", "it")

# Words that are given names somewhere but ordinary words in running text (any of our languages).
COMMON_NAME_WORDS = frozenset("""
will may june april august mark rose grace hope faith joy dawn summer winter autumn bill art don guy ray rich frank
earl young long white black brown green gray grey king little love page price best bell hall hill wood more house park
street new north south east west man day week per sun dear hi hello thanks please sir madam card bank number phone email
address name date city state country christian major golden lake river field star stone church case cook miller smith
baker carter mason porter turner walker ward wells liberty unity harmony ocean sky angel honey ivy lily violet holly iris
jade pearl ruby amber crystal destiny heaven justice sunny storm rain forest apt suite unit box flat room floor apple happy
lucky noble royal sterling victory january march monday friday tel fax mobile tél tele handy info team service support
customer client patient doctor nurse admin user guest sales office desk ticket order invoice iban bic swift visa master
can said see saw son sun sole ben bene say sin con per pour par sur sous tout bon bien gut herr frau mme mlle monsieur
madame señor señora signor signora heer mevrouw lieve beste caro cara querido querida liebe lieber cher chère appelez
appel appeler rappeler rufen anruf bitte danke merci gracias grazie bedankt dank hola ciao salut hoi hey bonjour hallo
buongiorno buenos dias good morning evening night today tomorrow yesterday mañana domani morgen demain heute hoy oggi
vandaag ok okay yes no oui non sí si ja nee nein my mine our your their his her its the this that these those
february september october november december
""".split())

TITLES = (
    "mr", "mrs", "ms", "miss", "mx", "dr", "prof", "sir", "dame", "lord", "lady", "herr", "frau", "fräulein", "mme", "mlle",
    "m", "monsieur", "madame", "mademoiselle", "sr", "sra", "srta", "don", "doña", "señor", "señora", "señorita", "sig",
    "sig.ra", "sigra", "signor", "signore", "signora", "signorina", "dott", "dott.ssa", "dottssa", "avv", "ing", "heer",
    "meneer", "mevrouw", "mevr", "dhr", "mw", "mej", "doctor", "docteur", "doktor", "professor", "professeur", "profesor",
    "professore", "rev", "fr", "capt", "col", "gen", "lt", "sgt",
)

STREET_WORDS = {
    "en": ("street", "st", "avenue", "ave", "road", "rd", "lane", "ln", "drive", "boulevard", "blvd", "way", "court",
           "ct", "place", "pl", "square", "sq", "terrace", "close", "crescent", "parkway", "highway", "alley", "grove",
           "gardens", "mews", "row", "walk", "hill", "loop", "trail", "circle", "plaza", "path", "ridge", "point", "pike"),
    "de": ("straße", "strasse", "str", "weg", "gasse", "platz", "allee", "ring", "damm", "ufer", "steig", "pfad", "chaussee",
           "markt", "hof", "berg", "graben", "kamp", "stieg", "wall", "zeile", "anger"),
    "fr": ("rue", "avenue", "boulevard", "bd", "chemin", "place", "allée", "impasse", "quai", "route", "square", "cours",
           "passage", "voie", "sentier", "faubourg", "rond-point", "esplanade", "cité", "résidence", "lotissement"),
    "es": ("calle", "c/", "avenida", "avda", "plaza", "paseo", "carrera", "carretera", "camino", "callejón", "pasaje",
           "pasadizo", "ronda", "rambla", "glorieta", "travesía", "urbanización", "alameda", "cañada", "acceso", "vía",
           "vial", "cuesta", "bajada", "subida", "costanilla", "sector", "polígono", "muelle", "arroyo", "partida",
           "ctra", "rua", "travessa", "largo", "praça", "estrada", "alameda", "rodovia"),
    "nl": ("straat", "laan", "weg", "plein", "gracht", "kade", "singel", "dreef", "hof", "pad", "ring", "steeg", "baan",
           "dijk", "boulevard", "markt", "park", "wal", "veld", "erf"),
    "it": ("via", "viale", "piazza", "piazzale", "corso", "largo", "vicolo", "strada", "borgo", "contrada", "rotonda",
           "incrocio", "stretto", "canale", "lungomare", "lungotevere", "salita", "traversa", "calle", "località", "frazione"),
}
# ranks and offices written before a person's name ("Brigadier General Ross G. Hoyt", "Judge
# Jones", "Bischof Müller"): a model's PERSON is trimmed of them, and they introduce a name as TITLES do
RANKS = (
    "general", "brigadier", "colonel", "captain", "lieutenant", "sergeant", "corporal", "admiral", "commander", "marshal",
    "bishop", "archbishop", "cardinal", "pope", "reverend", "pastor", "rabbi", "imam", "judge", "justice", "senator",
    "governor", "president", "chancellor", "mayor", "sheriff", "congressman", "congresswoman", "ambassador", "prince",
    "princess", "duke", "duchess", "earl", "baron", "baroness", "emperor", "empress", "saint",
    "bürgermeister", "bürgermeisterin", "bischof", "kanzler", "kanzlerin", "präsident", "präsidentin", "richter",
    "richterin", "hauptmann", "oberst", "général", "colonel", "capitaine", "évêque", "juge", "maire", "président",
    "présidente", "général", "alcalde", "alcaldesa", "presidente", "obispo", "juez", "jueza", "capitán", "coronel",
    "burgemeester", "bisschop", "rechter", "kapitein", "kolonel", "sindaco", "vescovo", "giudice", "capitano",
    "colonnello", "generale",
)
# head words of organisations, places, buildings, events and works: a run of capitalised words that
# holds or is followed by one ("George Washington University Hospital", "Max Planck Institute",
# "Madina Lake", "Davis Gym", "Boy Scouts Association") is not a person's name
ORG_WORDS = frozenset("""
university universities college school academy institute institution laboratory laboratories lab hospital clinic
center centre foundation trust association society union league club federation council committee commission
board agency authority organisation organization chair department ministry bureau office corporation corp company co inc ltd llc plc gmbh ag sa
srl bv nv group holdings industries enterprises partners bank insurance airlines airline airways railway railroad
railways station airport port harbor harbour dock docks bridge tunnel canal river lake mountain mountains mount
valley island islands bay beach coast forest park garden gardens zoo museum gallery library theatre theater
cinema stadium arena gym hall church cathedral chapel abbey temple mosque synagogue diocese parish castle palace
tower building hotel motel inn restaurant cafe bar pub casino mall market store shop factory mill farm ranch
field county district province region state republic kingdom empire city town village borough township
force forces army navy regiment battalion division brigade squadron corps fleet police
band orchestra choir ensemble quartet trio records recordings studio studios productions pictures films
entertainment music media press news times post herald gazette journal magazine tribune sentinel review
radio tv television channel network broadcasting
festival awards award prize cup cups championship championships tournament games olympics open trophy
series season tour war battle campaign revolution treaty act law code
party movement alliance coalition church ministries
album single song ep
street road avenue boulevard lane highway square
scouts scout guides
hochschule universität schule institut klinik krankenhaus stiftung verein verband gesellschaft bahnhof
flughafen kirche dom rathaus museum theater straße strasse platz
université école lycée collège institut hôpital fondation société association compagnie gare aéroport église
musée théâtre rue place
universidad escuela colegio instituto hospital fundación sociedad asociación compañía estación aeropuerto iglesia
museo teatro calle plaza
universiteit hogeschool school instituut ziekenhuis stichting vereniging maatschappij station luchthaven kerk
museum schouwburg straat plein
università scuola istituto ospedale fondazione società associazione compagnia stazione aeroporto chiesa museo
teatro via piazza
""".split())
# particles inside surnames: "van der Veiver", "de la Fuente", "di Stefano", "von Stein", "ter Horst"
SURNAME_PARTICLES = frozenset({"van", "von", "der", "den", "de", "del", "della", "dal", "dalla", "degli", "dei", "des", "du", "di", "da",
                               "dos", "das", "do", "la", "le", "lo", "ten", "ter", "te", "zu", "zum", "zur", "y", "i",
                               "al", "el", "bin", "ibn", "mac", "st", "saint", "vom", "op", "in", "het", "'t"})


CENSUS_GIVEN_NAMES = Path(__file__).parent / "data" / "given_names_us_census_1990.tsv"
# Faker locales per language privsynth reads (a name listed for more of these languages is more common)
_LANGUAGE_LOCALES = {
    "en": ("en_US", "en_GB", "en_IE"), "de": ("de_DE", "de_AT", "de_CH"), "fr": ("fr_FR", "fr_CH", "fr_BE"),
    "es": ("es_ES", "es_MX"), "nl": ("nl_NL", "nl_BE"), "it": ("it_IT",),
}


FAKER_SHARE_OFFSET = 2


def frequency_class(percent: float) -> int:
    """Frequency class of a given name borne by `percent` % of people: round(12 + log2(percent)),
    clamped to 2..12 (3.3 % -> 12, 1 % -> 12, 0.1 % -> 9, 0.01 % -> 5, 0.001 % -> 2). The classes
    follow the logarithmic 1..13 scale of name dictionaries (1 = isolated cases, 13 = extremely
    common); 1 is left for names listed without a frequency."""
    import math

    if percent <= 0:
        return 1
    return max(2, min(12, round(12 + math.log2(percent))))


@lru_cache(maxsize=1)
def given_names() -> dict[str, int]:
    """Lower-cased given name -> frequency class (1 rare .. 12 extremely common), the highest of:

    * the US Census Bureau's 1990 given-name shares (public domain; `CENSUS_GIVEN_NAMES`, 5,163
      names), through `frequency_class`;
    * Faker's first-name lists (MIT) of 39 locales: 3 for a listed name, 2 + the number of
      privsynth's six languages whose locales list it (`_LANGUAGE_LOCALES`; `Maria` -> 7), and
      `frequency_class` of the name's share where Faker gives weights (en_US, fr_BE, nl_BE, ...)
      less FAKER_SHARE_OFFSET (a share among a few hundred listed names overstates the population's);
    * Faker's other person locales (en_NZ, sr_RS, pl_PL's neighbours, ...), Latin script only: 2
      (they continue a name and start one before a surname, but are not evidence alone).

    Kept between processes (privsynth.detect.artefacts): building it imports 40+ Faker locales.
    """
    from privsynth.detect import artefacts

    lines = artefacts.cached_strings("given-names", ("faker",), (__file__, str(CENSUS_GIVEN_NAMES)),
                                     lambda: (f"{k}\t{v}" for k, v in _build_given_names().items()))
    out: dict[str, int] = {}
    for line in lines:
        name, _, cls = line.rpartition("\t")
        out[name] = int(cls)
    return out


def _build_given_names() -> dict[str, int]:
    out: dict[str, int] = {}
    with open(CENSUS_GIVEN_NAMES, encoding="utf-8") as f:
        for line in f:
            if line.startswith("#") or "\t" not in line:
                continue
            name, pct = line.rstrip("\n").split("\t")
            low = name.lower()
            out[low] = max(out.get(low, 0), frequency_class(float(pct)))
    langs_of: dict[str, set] = {}
    for lang, locs in _LANGUAGE_LOCALES.items():
        for n in _faker_names(("first_names", "first_names_male", "first_names_female"), locs):
            langs_of.setdefault(n.lower(), set()).add(lang)
    for n in _faker_names(("first_names", "first_names_male", "first_names_female")):
        low = n.lower()
        out[low] = max(out.get(low, 0), 3, 2 + len(langs_of.get(low, ())))
    for n in _faker_names(("first_names", "first_names_male", "first_names_female"), _other_person_locales()):
        if all(ord(c) < 0x250 for c in n):  # Latin script: names of people from everywhere, rarer here
            out.setdefault(n.lower(), 2)
    for low, share in _faker_weights().items():
        # a share among a locale's few hundred listed names, not of the population: two classes less
        out[low] = max(out.get(low, 0), frequency_class(100.0 * share) - FAKER_SHARE_OFFSET)
    return out


def _other_person_locales() -> tuple[str, ...]:
    """Faker's person locales beyond _FAKER_LOCALES (en_NZ, sr_RS, fil_PH, sw, ...)."""
    import pkgutil

    import faker.providers.person as person

    return tuple(m.name for m in pkgutil.iter_modules(person.__path__) if m.name not in _FAKER_LOCALES)


def _faker_weights() -> dict[str, float]:
    """Lower-cased first name -> its share among the weighted first names of a Faker locale
    (the largest share over locales that give weights)."""
    out: dict[str, float] = {}
    for loc in _FAKER_LOCALES:
        try:
            prov = importlib.import_module(f"faker.providers.person.{loc}").Provider
        except ModuleNotFoundError:  # a locale this Faker version does not ship
            continue
        for a in ("first_names_male", "first_names_female", "first_names"):
            v = getattr(prov, a, None)
            if not isinstance(v, dict) or not v:
                continue
            vals = [x for x in v.values() if isinstance(x, (int, float))]
            total = float(sum(vals))
            if total <= 0 or len(vals) != len(v):
                continue
            for n, w in v.items():
                low = str(n).strip().lower()
                out[low] = max(out.get(low, 0.0), float(w) / total)
    return out


_FAKER_LOCALES = ("en_US", "en_GB", "en_IE", "en_AU", "en_CA", "de_DE", "de_AT", "de_CH", "fr_FR", "fr_CH", "fr_BE",
                  "es_ES", "es_MX", "it_IT", "nl_NL", "nl_BE", "pt_PT", "pt_BR", "pl_PL", "cs_CZ", "sv_SE", "da_DK",
                  "no_NO", "fi_FI", "hu_HU", "ro_RO", "hr_HR", "sk_SK", "sl_SI", "el_GR", "bg_BG", "lt_LT", "lv_LV",
                  "et_EE", "tr_TR", "ru_RU", "uk_UA", "ga_IE", "is_IS")


def _faker_names(attrs, locales=None) -> set[str]:
    out: set[str] = set()
    for loc in locales or _FAKER_LOCALES:
        try:
            prov = importlib.import_module(f"faker.providers.person.{loc}").Provider
        except ModuleNotFoundError:  # a locale this Faker version does not ship
            continue
        for a in attrs:
            v = getattr(prov, a, None)
            if isinstance(v, dict):
                v = v.keys()
            if not isinstance(v, (list, tuple, set, frozenset, type({}.keys()))):
                continue  # absent, or a property of the class (computed per instance)
            for n in v or ():
                n = str(n).strip()
                if len(n) >= 2 and n[0].isupper():
                    out.add(n)
    return out


@lru_cache(maxsize=1)
def surnames() -> frozenset[str]:
    """Lower-cased surnames from Faker's person providers (every part of a multi-word surname); kept
    between processes (privsynth.detect.artefacts)."""
    from privsynth.detect import artefacts

    return artefacts.cached_strings("surnames", ("faker",), (__file__,), _build_surnames)


def _build_surnames() -> set[str]:
    out = set()
    for n in _faker_names(("last_names", "last_names_male", "last_names_female")):
        for part in n.replace("-", " ").split():
            if len(part) >= 2 and part.lower() not in SURNAME_PARTICLES:
                out.add(part.lower())
    return out


@lru_cache(maxsize=8)
def stop_words(lang: str | None = None) -> frozenset[str]:
    """COMMON_NAME_WORDS plus spaCy's stop words of `lang` and English (of every language in
    LANGUAGES when `lang` is None), lower case."""
    if lang is not None:
        return frozenset(COMMON_NAME_WORDS | _spacy_stop(lang) | _spacy_stop("en"))
    out = set(COMMON_NAME_WORDS)
    for lg in LANGUAGES:
        out |= _spacy_stop(lg)
    return frozenset(out)


@lru_cache(maxsize=1)
def function_words() -> frozenset[str]:
    """spaCy's stop words of every language in LANGUAGES (articles, pronouns, prepositions ...)."""
    out: set[str] = set()
    for lg in LANGUAGES:
        out |= _spacy_stop(lg)
    return frozenset(out)


@lru_cache(maxsize=16)
def function_words_of(lang: str) -> frozenset[str]:
    """spaCy's stop words of `lang` and of English (all of LANGUAGES' when `lang` is not one of them)."""
    return (_spacy_stop(lang) | _spacy_stop("en")) if lang in LANGUAGES else function_words()


@lru_cache(maxsize=16)
def _spacy_stop(lg: str) -> frozenset[str]:
    import importlib.util

    out: set[str] = set()
    if lg not in LANGUAGES:
        return frozenset()
    base = Path(importlib.util.find_spec("spacy").origin).parent / "lang"
    # the stop-word module alone: importing spacy.lang.<xx> would build its whole language class
    spec = importlib.util.spec_from_file_location(f"_privsynth_stop_{lg}", base / lg / "stop_words.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    out |= {w.lower() for w in mod.STOP_WORDS}
    return frozenset(out)


@lru_cache(maxsize=1)
def street_words() -> frozenset[str]:
    """Lower-cased street words (`STREET_WORDS` and Faker's street prefixes and suffixes of five
    locales); kept between processes (privsynth.detect.artefacts: building it imports Faker, a few
    tenths of a CPU second of every text scan)."""
    from privsynth.detect import artefacts

    return artefacts.cached_strings("street-words", ("faker",), (__file__,), _build_street_words)


def _build_street_words() -> set[str]:
    out = {w for ws in STREET_WORDS.values() for w in ws}
    for loc in ("es_ES", "it_IT", "fr_FR", "nl_NL", "en_US"):
        try:
            prov = importlib.import_module(f"faker.providers.address.{loc}").Provider
        except Exception:
            continue
        for a in ("street_prefixes", "street_suffixes"):
            out |= {str(w).lower() for w in getattr(prov, a, ()) or ()}
    return out


def is_given_name(word: str, min_class: int = 1) -> bool:
    low = word.lower()
    return given_names().get(low, 0) >= min_class and low not in stop_words()


def given_name_class(word: str) -> int:
    low = word.lower()
    if low in stop_words():
        return 0
    return given_names().get(low, 0)


def is_surname(word: str) -> bool:
    low = word.lower()
    return low in surnames() and low not in stop_words()
