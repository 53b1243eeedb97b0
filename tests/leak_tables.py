"""Fictitious customer tables in German, English and French whose notes repeat the row's own
identifier values (and other customers' values) the way real CRM notes do.

Every value is drawn here (Faker name lists and seeded random digits); resemblance to a real
person is chance. Used by tests/test_transform_record.py and benchmarks/transform_leaks.py
(which write and measure 3,000-row tables); the measurement is tests/leakcheck.py.

Two disjoint template sets per language: "dev" (used while building record-aware redaction)
and "heldout" (written before any tuning and only measured): the benchmark reports both.

Columns (same kinds in every language, header names in the language):
  id (RECORD_ID, e.g. "KD-204711"), first name, last name, full name (PERSON), e-mail, phone
  (local or international format), IBAN, card number, street address, birth date, postcode, notes.
"""

from __future__ import annotations

import random
from typing import Optional

import pandas as pd
from faker import Faker

# surnames that are also ordinary words (issue 15's bad input): drawn for ~4% of rows
COMMON_WORD_SURNAMES = ["Will", "Rose", "Mai", "May", "Lange", "Klein", "Young", "Petit", "Blanc", "Long", "Fort"]

LANGS = {
    "de": {"locale": "de_DE", "cols": ["Kundennummer", "Vorname", "Nachname", "Name", "E-Mail", "Telefon", "IBAN",
                                        "Kreditkarte", "Strasse", "Geburtsdatum", "PLZ", "Notizen"]},
    "en": {"locale": "en_GB", "cols": ["customer_id", "first_name", "last_name", "full_name", "email", "phone", "iban",
                                        "card_number", "street_address", "birth_date", "postcode", "notes"]},
    "fr": {"locale": "fr_FR", "cols": ["numero_client", "prenom", "nom", "nom_complet", "courriel", "telephone", "iban",
                                        "carte", "adresse", "date_naissance", "code_postal", "remarques"]},
}
# entity type per column position (the same in every language)
KINDS = ["RECORD_ID", "FIRST_NAME", "LAST_NAME", "PERSON", "EMAIL_ADDRESS", "PHONE_NUMBER", "IBAN_CODE",
         "CREDIT_CARD", "STREET_ADDRESS", "DATE_OF_BIRTH", "POSTCODE", None]

# {full} full name, {first}, {last}, {title} (Herr/Frau...), {phone_note} phone in another local
# format, {sub} subscriber number alone, {card_note} card with other spacing, {iban_note}, {email},
# {local} e-mail local part, {cid}, {street}, {other} another customer's full name, {other_last}
TEMPLATES = {
    "de": {
        "dev": [
            "Zahlung per Karte {card_note} abgelehnt.",
            "Rückruf bei {title} {last} unter {sub} vereinbart.",
            "Ansprechpartner {first}.",
            "{full} hat die Lieferadresse geändert: {street}.",
            "Kunde {cid} bittet um Rückruf unter {phone_note}.",
            "Lastschrift vom Konto {iban_note} zurückgegeben.",
            "Mail an {email} kam zurück, {first} informiert.",
            "Empfohlen von {other}.",
            "Termin im Mai verschoben, keine weiteren Angaben.",
            "Keine Auffälligkeiten.",
        ],
        "heldout": [
            "Kreditkarte {card_note} gesperrt, {title} {last} informiert.",
            "{first} {last} erreichbar unter {phone_note} (abends).",
            "Login {local} gesperrt nach drei Fehlversuchen.",
            "IBAN {iban_note} für Erstattung hinterlegt, Kundennr. {cid}.",
            "Paket an {street} nicht zustellbar; {first} meldet sich.",
            "Beschwerde zusammen mit {title} {other_last} aufgenommen.",
            "Eine Rose als Dankeschön geschickt.",
            "Bitte nicht vor 10 Uhr anrufen ({sub}).",
        ],
    },
    "en": {
        "dev": [
            "Card {card_note} declined twice.",
            "Call back {title} {last} on {sub} after 5pm.",
            "Contact person: {first}.",
            "{full} moved to {street}.",
            "Customer {cid} asked for a call on {phone_note}.",
            "Direct debit from {iban_note} returned.",
            "Email to {email} bounced; told {first}.",
            "Referred by {other}.",
            "We will call again in May.",
            "No issues reported.",
        ],
        "heldout": [
            "Blocked card {card_note} at {full}'s request.",
            "{first} prefers {phone_note}, mornings only.",
            "Account {local} locked after three failed logins.",
            "Refund to IBAN {iban_note}, ref {cid}.",
            "Parcel for {street} returned; {title} {last} will collect.",
            "Complaint logged jointly with {title} {other_last}.",
            "Sent a rose as a thank-you, will follow up in a long while.",
            "Do not call before 10am ({sub}).",
        ],
    },
    "fr": {
        "dev": [
            "Paiement par carte {card_note} refusé.",
            "Rappeler {title} {last} au {sub}.",
            "Interlocuteur : {first}.",
            "{full} a déménagé au {street}.",
            "Le client {cid} demande un rappel au {phone_note}.",
            "Prélèvement sur {iban_note} rejeté.",
            "Le courriel à {email} est revenu, {first} prévenu(e).",
            "Recommandé par {other}.",
            "Le petit colis est arrivé en mai.",
            "Aucune remarque.",
        ],
        "heldout": [
            "Carte {card_note} bloquée à la demande de {title} {last}.",
            "{first} {last} joignable au {phone_note} le soir.",
            "Compte {local} bloqué après trois essais.",
            "Remboursement sur l'IBAN {iban_note}, réf. {cid}.",
            "Colis pour {street} non distribué ; {first} rappellera.",
            "Réclamation déposée avec {title} {other_last}.",
            "Un blanc dans le dossier, rien de plus.",
            "Ne pas appeler avant 10 h ({sub}).",
        ],
    },
}

TITLES = {"de": ("Herr", "Frau"), "en": ("Mr", "Mrs"), "fr": ("M.", "Mme")}
# (area code, subscriber length); national trunk prefix 0 in all three countries
AREAS = {
    "de": ("49", [("30", 8), ("89", 7), ("40", 7), ("221", 7), ("69", 7), ("711", 7), ("171", 7), ("176", 8)]),
    "en": ("44", [("161", 7), ("113", 7), ("117", 7), ("118", 7), ("20", 8), ("131", 7), ("7700", 6)]),
    "fr": ("33", [("1", 8), ("2", 8), ("3", 8), ("4", 8), ("5", 8), ("6", 8), ("7", 8)]),
}
DOMAINS = ["posteo.example", "mail.test", "example.org", "kunden.example.net"]


def _groups(digits: str, size: int, sep: str = " ") -> str:
    return sep.join(digits[i:i + size] for i in range(0, len(digits), size))


def _phone(lang: str, r: random.Random) -> tuple[str, str, str]:
    """(column value, the same number in another local format for a note, subscriber number)."""
    cc, areas = AREAS[lang]
    area, sub_len = r.choice(areas)
    sub = "".join(str(r.randrange(10)) for _ in range(sub_len))
    if sub[0] == "0":
        sub = str(r.randrange(2, 10)) + sub[1:]
    if lang == "fr":
        nsn = area + sub
        col = r.choice([f"+33 {area} {_groups(sub, 2)}", f"0{area} {_groups(sub, 2)}", f"0{nsn}"])
        note = r.choice([f"0{area}.{_groups(sub, 2, '.')}", f"0{nsn}", f"+33{nsn}", f"0{area} {_groups(sub, 2)}"])
        sub_note = _groups(sub, 2)
    elif lang == "de":
        col = r.choice([f"+49 {area} {sub}", f"0{area} {sub}", f"0{area}/{sub}"])
        note = r.choice([f"0{area}/{_groups(sub, 3 if len(sub) == 7 else 4)}", f"0049{area}{sub}", f"+49 (0){area} {sub}", f"0{area}-{sub}"])
        sub_note = f"{sub[:3]} {sub[3:]}"
    else:
        col = r.choice([f"+44 {area} {sub[:3]} {sub[3:]}", f"0{area} {sub[:3]} {sub[3:]}", f"(0{area}) {sub}"])
        note = r.choice([f"0{area}{sub}", f"+44 (0){area} {sub}", f"0{area}-{sub[:3]}-{sub[3:]}"])
        sub_note = f"{sub[:3]} {sub[3:]}"
    return col, note, sub_note


def _card(r: random.Random) -> tuple[str, str]:
    from privsynth.checksums import luhn_check_digit

    n = r.choice([16, 16, 16, 15, 13, 19])
    payload = r.choice("3456") + "".join(str(r.randrange(10)) for _ in range(n - 2))
    digits = payload + luhn_check_digit(payload)
    spaced = _groups(digits, 4)
    col, note = (spaced, digits) if r.random() < 0.5 else (digits, r.choice([spaced, _groups(digits, 4, "-")]))
    return col, note


def _ascii_local(s: str) -> str:
    import unicodedata

    s = unicodedata.normalize("NFKD", s.lower())
    return "".join(c for c in s if c.isalnum() and c.isascii())


def make_table(lang: str, n: int = 3000, seed: int = 0, templates: str = "dev") -> pd.DataFrame:
    """A fictitious customer table of `n` rows in `lang` ("de", "en", "fr"), seeded."""
    spec = LANGS[lang]
    f = Faker(spec["locale"])
    f.seed_instance(seed)
    r = random.Random(f"{lang}:{seed}:{templates}")
    tpl = TEMPLATES[lang][templates]
    people = []
    for i in range(n):
        female = r.random() < 0.5
        first = f.first_name_female() if female else f.first_name_male()
        last = r.choice(COMMON_WORD_SURNAMES) if r.random() < 0.04 else f.last_name()
        people.append((first, last, female))
    rows = []
    for i, (first, last, female) in enumerate(people):
        full = f"{first} {last}"
        local = f"{_ascii_local(first)}.{_ascii_local(last)}{r.randrange(100)}"
        email = f"{local}@{r.choice(DOMAINS)}"
        phone, phone_note, sub = _phone(lang, r)
        card, card_note = _card(r)
        iban = f.iban()
        iban_note = _groups(iban, 4) if r.random() < 0.7 else iban
        cid = {"de": f"KD-{200000 + i}", "en": f"C{100000 + i}", "fr": f"CL{i + 10000:07d}"}[lang]
        street = f.street_address().replace("\n", ", ")
        other = people[r.randrange(n)]
        title = TITLES[lang][1 if female else 0]
        note = r.choice(tpl).format(full=full, first=first, last=last, title=title, phone_note=phone_note, sub=sub,
                                    card_note=card_note, iban_note=iban_note, email=email, local=local, cid=cid,
                                    street=street, other=f"{other[0]} {other[1]}", other_last=other[1])
        birth = f.date_of_birth(minimum_age=18, maximum_age=90).isoformat()
        rows.append([cid, first, last, full, email, phone, iban, card, street, birth, f.postcode(), note])
    return pd.DataFrame(rows, columns=spec["cols"])


def identifier_columns(lang: str) -> dict[str, Optional[str]]:
    """Column -> entity type of the identifier columns of `make_table(lang)`."""
    cols = LANGS[lang]["cols"]
    return {c: k for c, k in zip(cols, KINDS) if k not in (None, "DATE_OF_BIRTH", "POSTCODE")}


def text_column(lang: str) -> str:
    return LANGS[lang]["cols"][-1]


def policy_columns(lang: str) -> dict:
    """Policy `columns:` rules that declare the roles (so a test does not depend on the scan)."""
    out = {c: {"category": "direct_identifier", "entity_type": k} for c, k in identifier_columns(lang).items()}
    cols = LANGS[lang]["cols"]
    out[cols[9]] = {"category": "quasi_identifier", "entity_type": "DATE_OF_BIRTH"}
    out[cols[10]] = {"category": "quasi_identifier", "entity_type": "POSTCODE"}
    out[cols[11]] = {"category": "free_text"}
    return out
