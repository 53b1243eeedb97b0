"""Numbers that are not personal data, and separators inside identifiers.

* `code_context(text, start)`: the number at `start` is labelled or shaped as a reference code
  (form, error, invoice, order, ticket, version numbers: `OMB No. 1545-0008`, `error
  E-2231-0457`, `Rechnung RE-2024-0815`), so a DATE_TIME or an unvalidated PHONE_NUMBER there
  is dropped. Phone words (tel, phone, ...) close by override it.
* `plausible_date(s)`: a purely numeric DATE_TIME must be a real day/month/year.
* `normalise_separators(text)`: dashes, dots and slashes between letters/digits become spaces,
  character for character, so identifier recognizers (IBAN, card, national IDs) that accept
  spaced groups also see `DE44-5001-...` and `6011.9725.1027.3463`; offsets are unchanged, so
  spans map back to the original text one to one.
"""

from __future__ import annotations

import re
from functools import lru_cache

CODE_WORDS = frozenset("""
no no. nr nr. n° nº num number # ref ref. reference invoice inv order ticket case form error err code version ver v build
release item sku serial id po omb badge update patch model part claim policy contract account-no
rechnung auftrag bestellung fehler fehlercode formular vorgang aktenzeichen kundennummer vertragsnummer artikel
facture commande erreur dossier réf référence formulaire mise-à-jour
factura pedido incidencia expediente referencia versión actualización formulario código
factuur bestelling foutcode versie formulier zaak referentie bestelnummer
fattura ordine errore versione modulo pratica riferimento aggiornamento codice
siret siren tva nir insee fiscal fiscale suivi colis contrat adhérent sinistre matricule immatriculation
steuernummer steuer-id versicherungsnummer vertrag vertragsnummer sendung sendungsnummer paket
nif cif expediente póliza poliza seguimiento envío contrato polizza contratto spedizione iva
klantnummer zending ordernummer dossiernummer polisnummer tracking parcel shipment
encomenda fatura talão recibo referência processo bestellnummer bestellnr auftragsnummer
""".split())
# labels of a claim or shipment only right before the number (`Siniestro 59-1186917-07:`, `Track & trace
# 9151 7336 1907`), not a few words earlier: `En caso de siniestro llame al 900 123 456` is a phone; so is a
# compound ending in one of CODE_SUFFIXES (`Schadeclaim 58-3677535-05`, `Sammelrechnung 2024-0815`)
LABEL_WORDS = frozenset("""
schadensmeldung schadenmeldung schadennummer schadensnummer schadeclaim schademelding schadenummer claimnummer
siniestro sinistro trace
""".split())
CODE_SUFFIXES = ("claim", "rechnung", "bestellung", "auftrag", "factuur", "bestelling")
PHONE_WORDS = ("phone", "tel", "tél", "mobile", "cell", "call", "fax", "whatsapp", "sms", "ring", "dial", "contact",
               "telefon", "handy", "anrufen", "rückruf", "rufnummer", "erreichbar", "téléphone", "portable", "appel", "appelez", "rappeler",
               "teléfono", "telefono", "móvil", "movil", "llamar", "llama", "bellen", "telefoon", "mobiel",
               "chiamare", "richiamare", "cellulare")
# "number", "numéro", "Nummer" are phone context only without a code word beside them ("my number is",
# not "numéro de suivi", "order number", "numéro fiscal")
NUMBER_WORDS = ("number", "numéro", "número", "numero", "nummer")

_WORD = re.compile(r"[^\W\d_][\w'’.-]*|#|n[°º]")  # a word, `#` or `n°`: what labels a number
_CODE_WORD_TEL = re.compile(r"(?<!\w)(?:" + "|".join(sorted((re.escape(w) for w in CODE_WORDS if any(p in w for p in PHONE_WORDS)), key=len, reverse=True)) + r")(?!\w)")
_WORD_BEFORE = re.compile(r"([^\W\d_][\w.'’°º-]*|#|n[°º])[\s:.,#-]*$", re.I)
_GLUED_CODE = re.compile(r"(?:[A-Za-z]{1,6}[-/_]|#|[A-Za-z]{1,6}\d*[-/])$")
_LETTER_GLUED = re.compile(r"(?:^|[\s(\[,;])[A-Z]{1,3}$")


def phone_context(text: str, start: int, window: int = 40) -> bool:
    """A phone word (PHONE_WORDS) within `window` characters before `start`, or a number word
    (NUMBER_WORDS) there with no code word (CODE_WORDS) among the two words either side of it."""
    before = text[max(0, start - window):start].lower()
    phone_word = _phone_word_search()
    if phone_word(before) and phone_word(_CODE_WORD_TEL.sub(" ", before)):
        return True  # (a phone word inside a code word is not one: the `tel` of Bestellung, bestelling)
    if not any(n in before for n in NUMBER_WORDS):
        return False  # (a word starting or ending in a number word holds it)
    words = _WORD.findall(before)
    for k, w in enumerate(words):
        if w not in NUMBER_WORDS:
            continue  # no number word, or a code's number: Vertragsnummer, Kundennummer
        near = words[max(0, k - 2):k] + words[k + 1:k + 3]
        if not any(x.strip(".:-") in CODE_WORDS for x in near):
            return True
    return False


@lru_cache(maxsize=1)
def _phone_word_search():
    """Whether a string holds one of PHONE_WORDS as a substring (one Aho-Corasick pass:
    `engine.keyword_search`)."""
    from privsynth.detect.engine import keyword_search

    return keyword_search(frozenset(PHONE_WORDS))


def not_a_phone(text: str, start: int, end: int) -> bool:
    """Digits that are an amount (a currency right before or after: `1 250 000 euros`) or a
    version (`10.0.19045`, `2.10.3`: dotted groups, one of them a single digit after the first)."""
    t = text[start:end].strip()
    if _VERSION.match(t) and any(len(g) == 1 for g in t.split(".")[1:]):
        return True
    return bool(_CURRENCY_AFTER.match(text, end) or _CURRENCY_BEFORE.search(text[max(0, start - 6):start]))


_VERSION = re.compile(r"^\d{1,3}(?:\.\d{1,5}){2,3}$")
_CURRENCY_AFTER = re.compile(r"[ \t\u00a0\u202f]*(?:€|\$|£|eur\b|euros?\b|usd\b|dollars?\b|chf\b|francs?\b|gbp\b|pounds?\b|pesos?\b)", re.I)
_CURRENCY_BEFORE = re.compile(r"(?:€|\$|£|\beur|\busd|\bchf|\bgbp)[ \t\u00a0\u202f]*$", re.I)


def code_context(text: str, start: int) -> bool:
    """True when the token before `start` is a code label (CODE_WORDS) or the number is glued to
    a letter prefix by a dash/slash (`E-2231`, `INC-0045821`, `#58213`), and no phone word is near."""
    head = text[max(0, start - 30):start]
    if _GLUED_CODE.search(head) or _LETTER_GLUED.search(head):
        return _label_code(head) or not phone_context(text, start, 15)
    return _label_code(head) and not phone_context(text, start, 20)


# the end of a sentence: a full stop after a word of 4+ letters (not an abbreviation such as `Nr.`,
# `Ref.`, `No.`), or `!`, `?`, `;`, followed by the next word
_SENTENCE_END = re.compile(r"(?:(?<=[^\W\d_]{4})\.|[!?;])\s+(?=[^\W\d_])")


def _label_code(head: str) -> bool:
    """A code word among the last three words of `head` within its own sentence: the label of
    `Rechnung RE-2024-0815` or `order no. 12345`, not the `Rechnung.` that ends the sentence before
    `Rückruf unter 08657 975432`."""
    ends = list(_SENTENCE_END.finditer(head))
    if ends:
        head = head[ends[-1].end():]
    words = _WORD.findall(head.lower())
    if words and (words[-1].strip(".:-") in LABEL_WORDS or words[-1].strip(".:-").endswith(CODE_SUFFIXES)):
        return True
    return any(w.strip(".:-") in CODE_WORDS or w in CODE_WORDS for w in words[-3:])


_NUM_DATE = re.compile(r"^(\d{1,4})[./-](\d{1,2})[./-](\d{1,4})$")


def plausible_date(s: str) -> bool:
    """d/m/y, m/d/y or y/m/d with real ranges (2- or 4-digit year)."""
    m = _NUM_DATE.match(s.strip())
    if not m:
        return False
    a, b, c = m.groups()
    if len(a) == 4:
        y, mo, d = a, b, c
        return 1 <= int(mo) <= 12 and 1 <= int(d) <= 31 and 1800 <= int(y) <= 2100
    if len(c) not in (2, 4) or (len(c) == 4 and not 1800 <= int(c) <= 2100):
        return False
    x, y2 = int(a), int(b)
    return (1 <= x <= 31 and 1 <= y2 <= 12) or (1 <= x <= 12 and 1 <= y2 <= 31)


_SEP_INSIDE = re.compile(r"(?<=[A-Za-z0-9])[-./](?=[A-Za-z0-9])")


def normalise_separators(text: str) -> str:
    """Same-length copy of `text` with `-`, `.` and `/` between letters or digits replaced by spaces."""
    return _SEP_INSIDE.sub(" ", text)
