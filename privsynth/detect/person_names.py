"""Person names in any casing, from name-frequency lists plus context (no model needed).

Evidence, strongest first:
  1. a title or form label before the words (`Dr.`, `Frau`, `Mme`, `Sra.`, `sig.`, `mevrouw`,
     `Name:`, `Patient:`, ...): the following 1-3 name-shaped words are a name;
  2. a given name (frequency classes from US Census 1990 shares and Faker, `lexicon.given_names`) followed by
     further name words: surnames from Faker's lists, other given names, initials, particles
     (`van der`, `de la`, `di`), hyphenated parts (`delacroix-hale`) and, in the casing of the
     given name, unknown words that are not stop words;
  3. a frequent given name alone, capitalised mid-sentence or after a cue word (`by`, `from`,
     `c'est`, `hier ist`, `soy`, `sono`, `met` ...) or a role noun of the text's language
     (`ROLE_NOUNS`: `Empfänger`, `destinatario`, `verzekerde`, `Io sottoscritto` ...), or right after
     a line's label or a chat time stamp (`Fahrer: Utz nicht ...`, `[09:14] frank: ...`);
  4. a title followed by initials and a surname (`Frau V. Köster`, `Sig. G.F. Fantozzi`);
  5. a surname found after a title, again elsewhere in the same text in any casing
     (`Pat. wulff ... Hausarzt Frau Wulff`).
Casing: a name is matched in lower case (`rosalind ketteridge`), upper case (`ROSALIND
KETTERIDGE`, `DR. OSWIN FAIRWEATHER`) and title case; all parts of one name share a casing. In a
text that capitalises, a lower-case name without a cue needs a listed given name and a listed
surname, neither a stop word or name-like common word of any of the six languages, and not right
after a function word ("the song soon" stays words); it ends at its last listed word
("marianne mude abgeholt" -> "marianne mude"). Month names (Faker's de/fr/es/nl/it lists) next to a day or
year are never a given name alone ("geb. 4. Juni 1955"; "con Abril" still is). Soft hyphens (U+00AD) inside a word are part of it.
Sentence-initial capitals and capitalised German nouns are never evidence on their own: only
words in the name lists (or after a title or label) start a name.
"""

from __future__ import annotations

import re
from functools import lru_cache

from privsynth import entities as E
from privsynth.detect import lexicon

# a word may hold soft hyphens (U+00AD, invisible hyphenation points from word processors): "Daw\u00adson"
_W = r"[^\W\d_]+(?:\u00ad[^\W\d_]+)*"
_TOKEN = re.compile(rf"{_W}(?:['’]{_W})*(?:-{_W}(?:['’]{_W})*)*\.?")
_SOFT_HYPHEN = "\u00ad"
_LABEL = re.compile(
    r"(?im)(?:^|(?<=[\n;|])|(?<=[.!?][ ]))[ \t>*-]*(?:full[ ]name|name|first[ ]name|last[ ]name|surname|nom|prénom|nombre|apellidos?|naam|"
    r"voornaam|achternaam|nome|cognome|vorname|nachname|patient|patiente|paciente|paziente|patiënt|employee|employé|employée|"
    r"empleado|empleada|medewerker|dipendente|mitarbeiter|mitarbeiterin|customer|kunde|kundin|client|cliente|klant|applicant|"
    r"antragsteller|demandeur|solicitante|richiedente|aanvrager|next[ ]of[ ]kin|contact|contact[ ]person|ansprechpartner|"
    r"visitor|besucher|signed|unterschrift|firmado|firmato|signé|ondertekend)[ \t]*:[ \t]*")
_CUES = frozenset("""by from with for to called named contact customer client patient employee caller spoke name is am
son daughter wife husband mother father brother sister friend colleague partner mum mom dad
von mit für an bei namens heißt ist bin de par avec pour chez appelle suis est por con para soy llamo llama es van met
voor bij heet ben da di con per sono chiamo è thanks thank regards merci gracias grazie danke bedankt gruß grüße
groeten saluti saludos cordialement cordiali atentamente""".split())
# Nouns for the role a person plays in a form or note, written right before that person's name
# ("Empfänger christine eberth", "asegurado rené blanch", "Io sottoscritto ernesto corbo"): cue words
# like `_CUES`, per language, so that a lower-case or single given name after them is a name. Compiled
# by privsynth from everyday vocabulary of delivery notes, insurance claims, referrals, school and HR
# forms (meanings checked against Wiktionary's entries of each language); masculine, feminine and
# the forms used as nouns ("Angehörige", "assuré"). Role nouns are cues only, never titles: the word
# after them must still be a listed given name.
ROLE_NOUNS = {
    "en": ("recipient", "addressee", "policyholder", "insured", "claimant", "pupil", "student", "sender", "tenant",
           "witness", "undersigned", "beneficiary", "kin", "caller", "resident", "guardian", "parent"),
    "de": ("empfänger", "empfängerin", "versicherungsnehmer", "versicherungsnehmerin", "versicherte", "versicherter",
           "schüler", "schülerin", "patientin", "notfallkontakt", "kontaktperson", "angehörige", "angehöriger",
           "absender", "absenderin", "mieter", "mieterin", "zeuge", "zeugin", "unterzeichnete", "unterzeichneter",
           "ansprechpartnerin", "bewohner", "bewohnerin", "besucherin", "erziehungsberechtigte", "ich"),
    "fr": ("destinataire", "assuré", "assurée", "élève", "expéditeur", "expéditrice", "locataire", "témoin",
           "soussigné", "soussignée", "prévenir", "bénéficiaire", "salarié", "salariée", "titulaire", "moi"),
    "es": ("destinatario", "destinataria", "asegurado", "asegurada", "alumno", "alumna", "remitente", "inquilino",
           "inquilina", "testigo", "suscrito", "suscrita", "beneficiario", "beneficiaria", "titular", "empleado",
           "empleada", "contacto", "emergencia", "yo", "a"),
    "nl": ("ontvanger", "verzekerde", "leerling", "patiënt", "contactpersoon", "afzender", "huurder", "getuige",
           "ondergetekende", "begunstigde", "klant", "medewerker", "medewerkster", "ik"),
    "it": ("destinatario", "destinataria", "assicurato", "assicurata", "alunno", "alunna", "paziente", "mittente",
           "inquilino", "inquilina", "testimone", "sottoscritto", "sottoscritta", "beneficiario", "beneficiaria",
           "titolare", "dipendente", "contatto", "io"),
}
_CUES_BY_LANG = {lg: _CUES | frozenset(ws) for lg, ws in ROLE_NOUNS.items()}
# role nouns of every language, for trimming a model's PERSON span ("Pupil Megan Coleman")
_ALL_ROLES = frozenset().union(*ROLE_NOUNS.values(), {"customer", "client", "patient", "employee", "caller", "contact"})
# Honorifics beyond lexicon.TITLES: the inflected, feminine and abbreviated forms each language writes
# before a surname (trial finding F-T1: a lone surname after "Herrn", "la sig.ra", "la dottoressa",
# "dokter", "la doctora" was missed). Sources:
#   de  Duden, "Herr": weak noun, genitive/dative/accusative singular "Herrn", plural "Herren"; Duden's
#       list of abbreviations: Hr., Hrn., Fr., Frl.; "Doktorin", "Professorin"; "Familie" (family name
#       after the noun, as in "Familie Müller");
#   fr  Lexique des règles typographiques en usage à l'Imprimerie nationale: M., MM., Mme, Mmes, Mlle,
#       Mlles, Me (Maître), Mes, Dr, Pr (Professeur), Mgr; feminine "docteure", "professeure"; "famille";
#   es  RAE, Diccionario panhispánico de dudas, apéndice 2 (abreviaturas): Sr., Sra., Srta., D. (don),
#       D.ª / Dña. (doña), Dr., Dra., Lic., Lcdo., Lcda., Prof., Profa., Ing.; "doctora", "licenciado/a",
#       "profesora", "ingeniero/a"; "familia";
#   it  Treccani / Accademia della Crusca on titles and their abbreviations: sig., sig.ra, sig.na, sigg.,
#       dott., dott.ssa, dr.ssa, prof., prof.ssa, avv., ing., arch., geom., rag.; "dottoressa",
#       "professoressa", "avvocata", "avvocatessa", "ingegnere", "dottore"/"dottor"; "famiglia";
#   nl  Taalunie, "Aanspreekvormen" and its abbreviation list: de heer / dhr., mevrouw / mevr. / mw.,
#       meneer / mijnheer, juffrouw / juf., dokter, dr., prof., mr. (meester), ir., ing., drs.; "familie".
# Compound abbreviations ("sig.ra", "dott.ssa", "D.ª") are split by the tokenizer after the dot: the
# glued feminine ending is absorbed by `_title_end`. Short forms that are ordinary words elsewhere
# ("Me", "Pr", "D.", "ir") count only in their own language.
HONORIFICS = {
    "de": ("herrn", "herren", "hr", "hrn", "frl", "doktorin", "professorin", "familie"),
    "fr": ("mmes", "mlles", "maître", "me", "mes", "pr", "mgr", "docteure", "professeure", "messieurs", "mesdames",
           "mesdemoiselles", "famille"),
    "es": ("d", "dña", "dra", "sras", "sres", "srtas", "doctora", "lic", "lcdo", "lcda", "licenciado", "licenciada",
           "profa", "profesora", "ingeniero", "ingeniera", "familia"),
    "it": ("sigg", "dottore", "dottor", "dottoressa", "professoressa", "avvocato", "avvocata", "avvocatessa",
           "ingegnere", "ingegner", "arch", "architetto", "geom", "geometra", "rag", "ragioniere", "ragioniera", "famiglia"),
    "nl": ("mijnheer", "juffrouw", "juf", "dokter", "ir", "drs", "familie"),
    "en": ("revd",),
}
_LOCAL_ONLY = frozenset({"me", "mes", "pr", "d", "ir", "hr", "juf"})
_TITLES = frozenset(lexicon.TITLES) | frozenset(w for ws in HONORIFICS.values() for w in ws if w not in _LOCAL_ONLY)
_TITLES_BY_LANG = {lg: _TITLES | frozenset(ws) for lg, ws in HONORIFICS.items()}
# feminine or plural endings glued to an abbreviation after its dot: "sig.ra", "sig.na", "dott.ssa", "D.ª"
_GLUED_ENDINGS = frozenset({"ra", "na", "ssa", "a", "ª"})
_ELISION = re.compile(r"^[^\W\d_]{1,4}['’](?=[^\W\d_])")  # "l'avv.", "dell'ing.", "d'"


@lru_cache(maxsize=1 << 16)  # a pure function of the word, asked for every token
def _title_key(lw: str) -> str:
    """A lower-cased token as a title look-up key: dots removed, an elided article dropped ("l'avv." -> "avv")."""
    return _ELISION.sub("", lw).replace(".", "")
_RANKS = frozenset(lexicon.RANKS)
_ORG = lexicon.ORG_WORDS
# articles right before a run of capitalised words mark a thing, not a person ("the Orlando Sentinel",
# "a Parker Fly", "an Aria Pro II"); only English, where names do not take an article
_ARTICLES = {"en": frozenset({"the", "a", "an"})}
_GREETINGS = frozenset("""hello hi hey dear regards thanks cheers hallo liebe lieber geehrte geehrter bonjour salut cher chère
cordialement hola querido querida estimado estimada saludos ciao caro cara gentile saluti hoi beste geachte groet
groeten""".split())
_STOP_AFTER = frozenset({"street", "road", "avenue"})
# the start of a line, then a chat time stamp ("[09:14] ", "09:14 <") or one or two words and a colon
# ("Fahrer: ", "Driver note: "): what follows is often a name alone
_LINE_LABEL = re.compile(r"(?m)^[ \t>*-]*(?:(?P<chat>\[\d{1,2}:\d{2}(?::\d{2})?\][ \t]*<?|\d{1,2}:\d{2}[ \t]+<?|<)"
                         r"|[^\W\d_]+(?:[ \t][^\W\d_]+)?[ \t]*:[ \t]*)")


@lru_cache(maxsize=1)
def month_names() -> frozenset[str]:
    """Month names of de/fr/es/nl/it, lower case, from Faker's date_time providers (`MONTH_NAMES` of
    de_DE, fr_FR, es_ES, nl_NL, it_IT; English months are in lexicon.COMMON_NAME_WORDS): "geb. 4. Juni
    1955" holds no name, though "Juni" is a given name somewhere."""
    import importlib

    out: set[str] = set()
    for loc in ("de_DE", "fr_FR", "es_ES", "nl_NL", "it_IT"):
        names = getattr(importlib.import_module(f"faker.providers.date_time.{loc}").Provider, "MONTH_NAMES", {})
        out.update(n.lower() for n in names.values())
    return frozenset(out)


# labels of an address, a place or a thing: the given name after them names a street or a place
_NOT_PERSON_LABEL = re.compile(r"(?i)\b(?:address|adresse|anschrift|direcci[oó]n|indirizzo|adres|street|straße|strasse|rue|calle|"
                               r"via|straat|city|town|ort|stadt|ville|ciudad|citt[aà]|plaats|country|land|pays|pa[ií]s|paese|"
                               r"subject|betreff|objet|asunto|oggetto|onderwerp|product|produkt|produit|producto|prodotto)\b")


def _places_cap(word: str) -> bool:
    from privsynth.detect import gazetteer

    return word in gazetteer.places()


@lru_cache(maxsize=1 << 16)  # a pure function of the word; the same words recur in every document
def _shape(w: str) -> str:
    letters = list(filter(str.isalpha, w))
    if not letters:
        return "?"
    if all(map(str.isupper, letters)):
        return "U" if len(letters) > 1 else "I"
    if all(map(str.islower, letters)):
        return "L"
    return "T" if letters[0].isupper() else "?"


def _sentence_initial(text: str, start: int) -> bool:
    j = start - 1
    while j >= 0 and text[j] in " \t\"'«“(¡¿-*>":
        j -= 1
    return j < 0 or text[j] in ".!?:\n;|…"


def _rank(lw: str) -> bool:
    """A rank or office (lexicon.RANKS) that is not itself a frequent given name (`Earl`, `Duke`);
    a surname like `Judge` or `Bishop` before a name is the office."""
    return lw in _RANKS and lexicon.given_names().get(lw, 0) < 3


def _thing_not_person(text: str, toks, i: int, j: int, lang: str) -> bool:
    """Tokens i..j-1 (a capitalised run) name an organisation, place, building, event or work:
    one of them after the first, or the word right after the run, is an ORG_WORDS head word
    ("Max Planck Institute", "Madina Lake"), or an English article stands right before it
    ("the Orlando Sentinel"). Possessives and "of" after the run do not matter."""
    sur = lexicon.surnames()
    for k in range(i + 1, j):
        lw = toks[k][2].rstrip(".").lower()
        if lw in _ORG and not (k == j - 1 and lw in sur):  # "Tom Hall" keeps its surname
            return True
    if j < len(toks) and not text[toks[j - 1][1]:toks[j][0]].strip(" \t"):
        nxt = toks[j][2].rstrip(".")
        if nxt.lower() in _ORG and nxt[:1].isupper():
            return True
    if i > 0 and not text[toks[i - 1][1]:toks[i][0]].strip(" \t"):
        prev = toks[i - 1][2].lower()
        if prev in _ARTICLES.get(lang, ()) or prev in _SAINT:
            return True  # "the Orlando Sentinel", "St. Louis Eagles"
    return False


_SAINT = frozenset({"st.", "st", "ste.", "ste", "saint", "sainte", "san", "santa", "santo", "são", "sankt", "sint"})


def find_names(text: str, lang: str = "en") -> list[tuple[int, int, str, float]]:
    """(start, end, 'PERSON', score) spans."""
    toks = [(m.start(), m.end(), m.group(0)) for m in _TOKEN.finditer(text)]
    if not toks:
        return []
    given = lexicon.given_names()
    sur = lexicon.surnames()
    stop = lexicon.stop_words(lang)
    titles = _TITLES_BY_LANG.get(lang, _TITLES)
    # function words of the text's language (and English): "Familie Bien" is a surname in German
    local_function_words = lexicon.function_words_of(lang)
    streets = lexicon.street_words()
    cues = _CUES_BY_LANG.get(lang, _CUES)
    stop_any = lexicon.stop_words()  # stop words of every language: a lower-case name word is none of them
    months = month_names()
    letters = list(filter(str.isalpha, text))
    upper_doc = bool(letters) and sum(map(str.isupper, letters)) >= 0.8 * len(letters)
    lower_doc = not any(map(str.isupper, letters))
    out: list[tuple[int, int, str, float]] = []

    # each token without its trailing dot, and that lower-cased without soft hyphens (read many times per token)
    words = [t[2].rstrip(".") for t in toks]
    lows = [(w.replace(_SOFT_HYPHEN, "") if _SOFT_HYPHEN in w else w).lower() for w in words]
    word = words.__getitem__
    low = lows.__getitem__

    def listed(i) -> bool:
        """Every part of token i is a listed surname or given name."""
        return all(p in sur or given.get(p, 0) > 0 for p in low(i).replace("'", "-").replace("’", "-").split("-") if p)

    def name_word(i, shape, allow_unknown) -> bool:
        """Can token i continue a name whose first word had `shape`?"""
        w, lw = words[i], lows[i]
        if not w:
            return False
        sh = _shape(w)
        if sh == "I" and shape == "T" and len(w) == 1 and i + 1 < len(toks) and _shape(words[i + 1]) == "T" \
                and not text[toks[i][1]:toks[i + 1][0]].strip(" \t."):
            return True  # a middle initial: "Estrid A Andreasson"
        if shape == "T" and i > 0 and "-" in w and w.split("-", 1)[0].lower() in lexicon.SURNAME_PARTICLES \
                and _shape(w.split("-", 1)[1]) == "T":
            return True  # "Freya Dussen van-Kabus": a particle glued to the surname, after a name word
        if sh == "I" and shape in ("T", "U") and toks[i][2].endswith("."):
            return True  # an initial with its dot, even when the letter is a word ("I.", "A.", "Y.")
        if lw in stop and not (sh == "T" and lw in sur and lw not in lexicon.function_words()):
            return False
        if sh == "I":  # an initial
            return shape in ("T", "U") and (toks[i][2].endswith(".") or len(w) == 1)
        if shape == "L" and sh != "L":
            return False
        if shape in ("T",) and sh not in ("T", "U"):
            return False
        if shape == "U" and sh != "U":
            return False
        parts = lw.replace("'", "-").replace("’", "-").split("-")
        known = all(p in sur or given.get(p, 0) > 0 for p in parts if p)
        if lw in streets and not known and re.match(r"[ \t]*\d", text[toks[i][1]:toks[i][1] + 4]):
            return False  # "Lexring 2": a street, not a surname
        return known or allow_unknown

    def extend(i, shape, allow_unknown, max_len=4, joined_to_previous=True):
        """Tokens i.. that continue a name; particles only between name words. With
        `joined_to_previous` token i must follow token i-1 with nothing but spaces between."""
        j = i
        while j < len(toks) and j - i < max_len:
            if (j > i or (joined_to_previous and j > 0)) and text[toks[j - 1][1]:toks[j][0]].strip(" \t") not in ("",):
                break  # punctuation or a line break between the words
            lw = lows[j]
            if lw in lexicon.SURNAME_PARTICLES and _shape(words[j]) in ("L", "T", "U") and j + 1 < len(toks) and j > i - 1:
                k = j
                while k < len(toks) and lows[k] in lexicon.SURNAME_PARTICLES and k - j < 3:
                    k += 1
                after = "T" if shape == "L" and lower_doc is False and _shape(words[k]) == "T" else shape
                # after a particle a capitalised word is the surname even when it is also a word
                # ("Lemonnier de Dias"): the particle is the evidence
                # German capitalises every noun ("Otto Becker zur Abklärung"): there the word after the
                # particle must be a listed name
                if k < len(toks) and k > j and (lang != "de" or listed(k)) \
                        and (name_word(k, after, True) or (after == "T" and j > i and _shape(word(k)) == "T"
                                                           and (low(k) in sur or low(k) not in lexicon.function_words()))) \
                        and not text[toks[k - 1][1]:toks[k][0]].strip(" \t"):
                    j = k + 1
                    continue
                break
            if name_word(j, shape, allow_unknown):
                j += 1
                continue
            break
        return j

    def _lower_name_end(k0: int, j: int, cue: bool = False) -> int:
        """End of a lower-case name in a text that capitalises, whose first name word is token k0-1 or
        k0: listed names and particles only, except one unlisted word right at k0 ("rosalind
        ketteridge") or right after particles ("jari van orleans"); after a cue word the word at k0 may
        be a listed surname that is also a common word ("from catherine carter"); a particle does not
        end a name ("marianne mude abgeholt" -> "marianne mude")."""
        k = k0
        while k < j and ((listed(k) and low(k) not in stop_any) or low(k) in lexicon.SURNAME_PARTICLES
                         or (k == k0 and cue and low(k) in sur and low(k) not in lexicon.function_words())):
            k += 1
        if k < j and (k == k0 or low(k - 1) in lexicon.SURNAME_PARTICLES) and low(k) not in lexicon.function_words():
            k += 1
        while k > k0 and low(k - 1) in lexicon.SURNAME_PARTICLES:
            k -= 1
        return k

    titled: list[tuple[int, int]] = []  # token ranges of names found after a title

    def cue_before(k):
        p = low(k - 1) if k > 0 else ""
        return p in cues or p in _GREETINGS or (k > 1 and f"{low(k - 2)} {p}" in ("c'est", "hier ist", "ik ben", "je suis", "my name", "name is"))

    i = 0
    n = len(toks)
    while i < n:
        s, e, raw = toks[i]
        w, lw = words[i], lows[i]
        sh = _shape(w)
        prev = lows[i - 1] if i > 0 else ""
        # 1. a title before the name: "Dr. Oswin Fairweather", "DR. OSWIN FAIRWEATHER", "Frau Kreusel"
        is_title = _title_key(lw) in titles or (_rank(lw) and sh in ("T", "U"))
        if is_title and raw.endswith(".") and i + 1 < n and lows[i + 1] in _GLUED_ENDINGS and e == toks[i + 1][0]:
            # "sig.ra", "dott.ssa", "D.ª": the glued ending belongs to the title
            i += 1
            s, e, raw = toks[i]
            w, lw, sh = words[i], lows[i], _shape(words[i - 1])
            lw = _title_key(lows[i - 1])
        if is_title and i + 1 < n and not text[e:toks[i + 1][0]].strip(" \t.") \
                and (_title_key(low(i + 1)) in titles or _rank(low(i + 1))) \
                and (len(word(i + 1)) > 1 or low(i + 1) in HONORIFICS.get(lang, ())):
            # "Brigadier General Ross G. Hoyt", "Sr. D. Solano" (D. = don in Spanish): the name follows the
            # last title; a one-letter title of another language after a title is an initial ("Sra. M. Ortega")
            i += 1
            continue
        if is_title and i + 1 < n and not text[e:toks[i + 1][0]].strip(" \t."):
            # an upper-case title in a mixed-case text introduces only an upper-case name ("MS Windows" is no name)
            # a lower-case short title counts when written as an abbreviation ("mw. Jansen", "sig. Rossi")
            if not (lw == "m" and w != "M") and not (len(lw) <= 2 and sh == "L" and not lower_doc and not raw.endswith(".")) \
                    and not (sh == "U" and not upper_doc and _shape(words[i + 1]) != "U"):
                nsh = _shape(words[i + 1])
                k1 = i + 1
                # particles after a title, in lower case or capitalised ("Mme Da Costa", "Mevrouw de Mol")
                while k1 < n - 1 and lows[k1] in lexicon.SURNAME_PARTICLES and _shape(words[k1]) in ("L", "T") and k1 - i <= 3 \
                        and not text[toks[k1][1]:toks[k1 + 1][0]].strip(" \t"):
                    k1 += 1
                if k1 > i + 1 and _shape(words[k1]) in ("T", "U"):
                    j = extend(k1, _shape(words[k1]), True, 3, joined_to_previous=False)
                    if j == k1 and lows[k1] not in local_function_words and len(words[k1]) > 1:
                        j = k1 + 1  # after a title and a particle a capitalised word is the surname
                    if j > k1 and not _thing_not_person(text, toks, k1, j, lang):
                        # an honorific + particle + surname outranks a listed place after a place cue (0.9:
                        # "da", "de" are also prepositions) and a model's place label: "Mme Da Costa",
                        # "Mevrouw de Mol"; after a rank it stays 0.8 ("President in March" is a date)
                        honorific = _title_key(lw) in titles
                        out.append((toks[i + 1][0], toks[j - 1][0] + len(word(j - 1)), E.PERSON.name, 0.92 if honorific else 0.8))
                        titled.append((i + 1, j))
                        i = j
                        continue
                # an initial after a title ("Frau V. Köster", "Sig. G.F. Fantozzi", "Dr. V. de Boer"): the name
                # must end in a word that is not an initial; a lower-case title before a lower-case listed name
                # ("frau steffen kraus", "sig. maurizio antonini", "mevr. van buuren")
                initial = nsh == "I" and (toks[i + 1][2].endswith(".") or len(word(i + 1)) == 1)
                lower_after_lower = nsh == "L" and sh == "L" and low(i + 1) not in stop_any \
                    and (listed(i + 1) or low(i + 1) in lexicon.SURNAME_PARTICLES)
                if nsh in ("T", "U") or (nsh == "L" and lower_doc) or initial or lower_after_lower:
                    j = extend(i + 1, nsh if nsh != "I" else "T", True, 3, joined_to_previous=False)
                    if initial and _shape(word(j - 1)) == "I":
                        j = i + 1  # "Herr V. hat": initials alone are no name
                    if lower_after_lower and not lower_doc:
                        j = _lower_name_end(i + 1, j)
                    if j == i + 1 and nsh == "T" and len(word(i + 1)) > 1 and low(i + 1) not in local_function_words \
                            and _title_key(low(i + 1)) not in titles:
                        # "Herrn Baum", "Mrs June Burgess": after a title a capitalised word that is also a noun
                        # or a stop word is a name word; the name goes on over the words after it
                        j = extend(i + 2, nsh, True, 2) if i + 2 < n else i + 2
                    if j > i + 1 and not _thing_not_person(text, toks, i + 1, j, lang):
                        # honorific + initials + surname outranks a place label on the surname ("Dr. V. de Boer")
                        sc = 0.92 if initial and _title_key(lw) in titles else 0.8
                        out.append((toks[i + 1][0], toks[j - 1][0] + len(word(j - 1)), E.PERSON.name, sc))
                        titled.append((i + 1, j))
                        i = j
                        continue
        cls = given.get(lw, 0) if lw not in stop else 0
        if not cls and sh == "T" and "-" in lw:
            # a double given name shortened to an initial ("Hans-H. Beer", "Anna-M. Weber")
            head, *rest = lw.split("-")
            if head not in stop and all(len(p) == 1 or given.get(p, 0) for p in rest):
                cls = given.get(head, 0)
        if not cls and sh == "T" and lw in lexicon.COMMON_NAME_WORDS and lw not in lexicon.function_words() \
                and given.get(lw, 0) >= 3 and not _sentence_initial(text, s) and i + 1 < n \
                and _shape(words[i + 1]) == "T" and lows[i + 1] in sur and not text[e:toks[i + 1][0]].strip(" \t"):
            j = extend(i + 1, "T", True)
            if not _thing_not_person(text, toks, i, j, lang):
                out.append((s, toks[j - 1][0] + len(words[j - 1]), E.PERSON.name, 0.55))
                i = j
                continue
        if cls and sh in ("T", "U", "L"):
            eff = sh
            if upper_doc and sh == "U":
                eff = "T"  # an all-caps document: caps carry no signal
            allow_unknown = eff == "T" or (eff == "U" and not upper_doc) or eff == "L"
            if raw.endswith(".") and len(w) > 1 and len(w.rsplit("-", 1)[-1]) > 1:
                j = i + 1  # "Pat. Eckbauer-Holt": a given name's spelling with a dot is an abbreviation or ends a sentence
            else:
                j = extend(i + 1, sh, allow_unknown)
            if eff == "L" and j == i + 1 and i + 1 < n and cue_before(i) and _shape(word(i + 1)) == "L" \
                    and low(i + 1) in sur and low(i + 1) not in lexicon.function_words() and low(i + 1) not in months \
                    and not text[e:toks[i + 1][0]].strip(" \t"):
                j = i + 2  # after a cue, a listed surname that is also a common word: "from catherine carter"
            elif eff == "L" and not lower_doc and j > i + 1:
                j = _lower_name_end(i + 1, j, cue_before(i))
            ntok = j - i
            cue = prev in cues or prev in _GREETINGS or (i > 1 and f"{low(i - 2)} {prev}" in ("c'est", "hier ist", "ik ben", "je suis", "my name", "name is"))
            initial = _sentence_initial(text, s)
            score = 0.0
            if ntok >= 2:
                last_parts = lows[j - 1].replace("'", "-").split("-")
                last_known = all(p in sur or given.get(p, 0) for p in last_parts if p)
                if eff == "T":
                    score = 0.75 if (last_known or cls >= 3) else 0.6
                elif eff == "U":
                    score = 0.7 if (cls >= 2 or last_known) else 0.0
                elif eff == "L":
                    # a lower-case name in a text that capitalises needs a cue ("by rosalind ketteridge");
                    # otherwise "the song soon", "dexter chief" would be names
                    if not lower_doc and not cue:
                        # without a cue: a listed given name and a listed surname, neither of them a
                        # stop word or a name-like common word of any language ("willibert striebitz",
                        # "lorenzo bertrán"; not "the song soon", "dexter chief", "grace hall")
                        # nor right after a function word ("the song soon")
                        # and set off by punctuation or a line's start/end on one side ("Ich, timo röhricht,";
                        # not "an Australian media company that", "candy girls nude")
                        after_word = i > 0 and not text[toks[i - 1][1]:s].strip(" \t") and prev in local_function_words
                        set_off = i == 0 or bool(text[toks[i - 1][1]:s].strip(" \t")) or j >= n \
                            or bool(text[toks[j - 1][0] + len(word(j - 1)):toks[j][0]].strip(" \t"))
                        score = 0.6 if (cls >= 2 and not after_word and set_off and lw not in stop_any and last_known and low(j - 1) not in stop_any
                                        and all(p in sur for p in last_parts if p) and low(j - 1) not in streets) else 0.0
                    elif (cls >= 3 and (last_known or cue)) or (cls >= 2 and last_known and cue):
                        score = 0.6
                    elif lower_doc and cls >= 4 and last_known:
                        score = 0.55
            elif lw in months and (re.search(r"\d", text[max(0, s - 5):s]) or re.match(r"[ \t]*(?:de[ \t]+)?\d", text[e:e + 8])):
                # a month name alone next to a day or year is a date's word ("geb. 4. Juni 1955", "el 16 de abril
                # de 1955"), not a given name ("Mai Nishino", "estoy con Abril")
                score = 0.0
            else:
                if eff == "T" and not initial and cls >= 3:
                    score = 0.6
                elif eff == "T" and not initial and cue:
                    score = 0.5
                if eff == "T" and cue and not initial and (cls >= 2 or prev in _GREETINGS):
                    # "my son Esa", "Hello Nermina,": outranks a gazetteer place (0.6) or, after a
                    # greeting, a model's place label (0.85) of the same spelling
                    score = 0.86 if prev in _GREETINGS else 0.65
                elif eff == "T" and initial and cls >= 5 and (lower_doc is False):
                    nxt = lows[i + 1] if i + 1 < n else ""
                    score = 0.5 if (nxt in stop or i + 1 >= n or cue) else 0.0
                elif eff == "L" and cue and cls >= 4:
                    score = 0.5
                elif eff == "U" and not upper_doc and cls >= 4 and cue:
                    score = 0.5
            if score and not (eff == "T" and _thing_not_person(text, toks, i, j, lang)):
                out.append((s, toks[j - 1][0] + len(words[j - 1]), E.PERSON.name, score))
                i = j
                continue
        if sh == "T" and prev in _GREETINGS and lw not in stop and len(w) > 2 and not text[toks[i - 1][1]:s].strip(" \t,\n") \
                and (lang != "de" or listed(i)):  # German capitalises nouns: "Sehr geehrte Kollegin"
            # "Kind regards, Manlio |", "Best regards,\nLiviana Palerma\n": one to three capitalised
            # words between a greeting or sign-off and the end of the line or a separator
            j = i + 1
            while j < n and j - i < 3 and _shape(words[j]) == "T" and lows[j] not in stop and not text[toks[j - 1][1]:toks[j][0]].strip(" \t"):
                j += 1
            rest = text[toks[j - 1][1]:].lstrip(" \t")
            if (not rest or rest[0] in ",:;!|\n") and not _thing_not_person(text, toks, i, j, lang):
                out.append((s, toks[j - 1][1], E.PERSON.name, 0.5 if j == i + 1 else 0.6))
                i = j
                continue
        if sh == "T" and i + 2 < n and lw not in stop and len(w) > 2 and _shape(words[i + 1]) == "I" and len(words[i + 1]) == 1 \
                and _shape(words[i + 2]) == "T" and lows[i + 2] not in stop and len(words[i + 2]) > 2 \
                and not text[e:toks[i + 1][0]].strip(" \t") and not text[toks[i + 1][1]:toks[i + 2][0]].strip(" \t") \
                and (given.get(lw, 0) or lows[i + 2] in sur) and not _thing_not_person(text, toks, i, i + 3, lang):
            # "Vihtori P Lassila", "Estrid A. Andreasson": first name, middle initial, surname (one of
            # the two listed: "Section A Paragraph" is no name)
            out.append((s, toks[i + 2][0] + len(words[i + 2]), E.PERSON.name, 0.6))
            i += 3
            continue
        i += 1
    # 3. a given name alone right after a line's label or a chat line's time stamp, in any casing
    # ("Fahrer: Utz nicht angetroffen", "Driver note: BRENDA not home", "[09:14] frank: hey"): a listed
    # given name (class >= 3) that is no stop word or name-like common word of any language and no
    # capitalised listed place
    if ":" in text or "<" in text:
        covered = [(a, b) for a, b, _, _ in out]
        for m in _LINE_LABEL.finditer(text):
            k = next((idx for idx, t in enumerate(toks) if t[0] >= m.end()), None)
            if k is None or toks[k][0] != m.end():
                continue
            lw, sh = low(k), _shape(word(k))
            if sh not in ("T", "U", "L") or len(lw) < 3 or lw in stop_any or given.get(lw, 0) < 3 \
                    or toks[k][2].endswith(".") or any(a < toks[k][1] and toks[k][0] < b for a, b in covered):
                continue
            if m.group("chat") is not None and not text[toks[k][1]:toks[k][1] + 2].lstrip(" ")[:1] in (":", ">"):
                continue  # a chat line's speaker ends with ":" or ">"
            if sh == "T" and _places_cap(word(k)):
                continue
            if m.group("chat") is None and _NOT_PERSON_LABEL.search(m.group(0)):
                continue  # "Address: Piroska u. 97": a street named after a person
            out.append((toks[k][0], toks[k][0] + len(word(k)), E.PERSON.name, 0.6))
    # 4. a surname found after a title is the same person's elsewhere in the text, in any casing
    # ("Pat. wulff, 76 J., ... Hausarzt Frau Wulff."; "one sense per discourse")
    if titled:
        covered = [(a, b) for a, b, _, _ in out]
        keys = {}
        for a, b in titled:
            last = low(b - 1)
            if len(last) >= 3 and last not in stop_any and last not in lexicon.SURNAME_PARTICLES:
                keys[last] = [low(k) for k in range(a, b - 1) if low(k) in lexicon.SURNAME_PARTICLES]
        for k in range(n):
            lw = low(k)
            if lw not in keys or _shape(word(k)) not in ("T", "U", "L") \
                    or any(a < toks[k][1] and toks[k][0] < b for a, b in covered):
                continue
            a, parts = k, keys[lw]
            idx = len(parts) - 1  # the surname's particles, right to left ("van Amstel" -> "van amstel")
            while a > 0 and idx >= 0 and low(a - 1) == parts[idx] and not text[toks[a - 1][1]:toks[a][0]].strip(" \t"):
                a, idx = a - 1, idx - 1
            out.append((toks[a][0], toks[k][0] + len(word(k)), E.PERSON.name, PROPAGATED_SCORE))
    # 2. labelled names: "Name: Eitel Schmiedt", "Patient : Emmanuelle Boutin, 42 ans"
    for m in _LABEL.finditer(text):
        k = next((idx for idx, t in enumerate(toks) if t[0] >= m.end()), None)
        if k is None or toks[k][0] - m.end() > 2:
            continue
        sh = _shape(words[k])
        if sh not in ("T", "U") and not (sh == "L" and lower_doc):
            continue
        if lows[k] in stop:
            continue
        j = extend(k, sh, True, 4, joined_to_previous=False)
        if j > k:
            out.append((toks[k][0], toks[j - 1][0] + len(words[j - 1]), E.PERSON.name, 0.8))
    return out


def plausible_person(text: str, start: int, end: int, lang: str = "en") -> tuple[int, int] | None:
    """Trim a model's PERSON span to its name words; None when nothing name-like is left
    (`My IBAN`, `Appelez le`, `Tel`): leading/trailing stop words, titles and ranks go, and the
    rest must hold a listed name or a capitalised word that is not a stop word. None too when the
    words name a thing (`_thing_not_person`: "Clarence Dock", "the Reading train", "St. Louis Eagles")."""
    cut = re.search(r"[|\n;()\[\]{}<>]", text[start:end])
    if cut:  # "Melissa | DHI Group Inc": a name does not run over a separator
        end = start + cut.start()
    toks = [(m.start() + start, m.end() + start, m.group(0).rstrip(".")) for m in _TOKEN.finditer(text[start:end])]
    stop = lexicon.stop_words()
    if len(toks) >= 2 and _shape(toks[0][2]) == "U" and toks[0][2].lower() in _TITLES and _shape(toks[1][2]) != "U" \
            and any(map(str.islower, text)):
        return None  # "MS Windows": an upper-case title in mixed case before a word that is not upper case
    while toks and (toks[0][2].lower() in stop or toks[0][2].lower() in _TITLES or _rank(toks[0][2].lower())
                    or (toks[0][2].lower() in _ALL_ROLES and len(toks) > 1 and not lexicon.given_names().get(toks[0][2].lower(), 0))):
        toks.pop(0)  # "Pupil Megan Coleman", "policyholder samuel": a role noun is not part of the name
    while toks and (toks[-1][2].lower() in stop or toks[-1][2].lower() in _TITLES or _rank(toks[-1][2].lower())):
        toks.pop()
    while toks and len(toks[-1][2]) == 1 and toks[-1][2].islower():
        toks.pop()  # "Kanye West 's": the possessive's s
    if not toks:
        return None
    if any(ch.isdigit() for ch in text[toks[0][0]:toks[-1][1]]):
        return None  # "P-38 Lightning", "F-86 Sabre": names hold no digits
    while toks and glued_to_code(text, toks[0][0], toks[0][0] + len(toks[0][2])):
        toks.pop(0)  # "Claim CLM-0368-915558": the letters of a code after the span are no name either
    while toks and glued_to_code(text, toks[-1][0], toks[-1][0] + len(toks[-1][2])):
        toks.pop()
    if not toks:
        return None
    given, sur = lexicon.given_names(), lexicon.surnames()
    known = any(t[2].lower() in sur or given.get(t[2].lower(), 0) >= 2 for t in toks)
    if not known:
        if all(_shape(t[2]) == "U" and len(t[2]) <= 5 for t in toks):
            return None  # acronyms: IBAN, NHS, TEL
        if not any(_shape(t[2]) == "T" for t in toks):
            return None
    a, b = toks[0][0], toks[-1][0] + len(toks[-1][2])
    while b + 1 < len(text) and text[b] == _SOFT_HYPHEN and text[b + 1].isalpha():
        b += 1  # a model's span cut at a soft hyphen ("Rita Daw\u00adson"): the word goes on
        while b < len(text) and text[b].isalpha():
            b += 1
    whole = [(m.start(), m.end(), m.group(0)) for m in _TOKEN.finditer(text)]
    i = next((k for k, t in enumerate(whole) if t[0] >= a), None)
    j = next((k for k, t in enumerate(whole) if t[0] >= b), len(whole))
    if i is not None and j > i and _thing_not_person(text, whole, i, j, lang):
        return None
    return a, b


_CODE_GLUE_AFTER = re.compile(r"[-_/#.]?\d")
_CODE_GLUE_BEFORE = re.compile(r"\d[-_/#.]?$")


def glued_to_code(text: str, start: int, end: int) -> bool:
    """Is text[start:end] part of a code, glued to its digits (`CLM` of `CLM-2015-786233`, `REF` of
    `4471-REF`)? Names hold no digits, and neither does a word joined to them."""
    return bool(_CODE_GLUE_AFTER.match(text, end)) or bool(_CODE_GLUE_BEFORE.search(text[max(0, start - 2):start]))


PROPAGATED_SCORE = 0.6
_MIN_SOURCE_SCORE = 0.75


def collection_surnames(docs: list[tuple[str, list]]) -> frozenset[str]:
    """Surnames a collection of texts has shown to be people's: the last word of every PERSON span
    of two or more words scored >= 0.75 (`Carlo Citrone` -> `Citrone`), capitalised, three letters
    or more, and neither a stop word, a title, an organisation/place head word, a street word nor a
    listed place. `docs` is [(text, spans with .start/.end/.entity_type/.score)]."""
    from privsynth.detect import gazetteer

    stop = lexicon.stop_words()
    places = gazetteer.places()
    streets = lexicon.street_words()
    out: set[str] = set()
    for text, spans in docs:
        for sp in spans:
            if sp.entity_type != E.PERSON.name or sp.score < _MIN_SOURCE_SCORE:
                continue
            words = [m.group(0).rstrip(".") for m in _TOKEN.finditer(text[sp.start:sp.end])]
            if len(words) < 2:
                continue
            last = words[-1]
            if glued_to_code(text, sp.end - len(last), sp.end):
                continue
            key = last.title() if last.isupper() else last
            lw = key.lower()
            if len(key) < 3 or _shape(key) != "T" or lw in stop or lw in _TITLES or lw in _ORG or lw in streets \
                    or lw in lexicon.SURNAME_PARTICLES or key in places:
                continue
            out.add(key)
    return frozenset(out)


def propagate_surnames(text: str, spans: list, surnames: frozenset[str]) -> list[tuple[int, int, str, float]]:
    """PERSON spans for the words of `text` that are collection surnames (`collection_surnames`),
    written capitalised or in upper case, and not already inside any span: a person named in full
    once ("Carlo Citrone") is the same person when the text later says "Citrone" alone (label
    consistency across a document or a column, "one sense per discourse")."""
    if not surnames:
        return []
    out = []
    for m in _TOKEN.finditer(text):
        w = m.group(0).rstrip(".")
        key = w.title() if w.isupper() and len(w) > 1 else w
        if key not in surnames:
            continue
        a, b = m.start(), m.start() + len(w)
        if any(sp.start < b and a < sp.end for sp in spans) or glued_to_code(text, a, b):
            continue
        out.append((a, b, E.PERSON.name, PROPAGATED_SCORE))
    return out
