"""German, French, Spanish, Dutch and Italian evaluation sentences with gold spans (issue 14).

Written on 30 Nov 2026 BEFORE any detector tuning for these languages. Every value is fictitious:
drawn from Faker's locale providers with a fixed seed (names, phones, IBANs, streets, postcodes,
cities, national IDs, e-mail addresses, card numbers) or made up here (ticket, invoice, order and
version numbers, which are NOT personal data and are gold "O": they test false positives).

Templates come in four families per language, each a different source/register:
  A  call-centre and support notes          (tune)
  B  formal letters and e-mails             (tune)
  C  chat, SMS and informal messages, with names in lower/upper case  (report, held out)
  D  forms, medical/HR records, ticket logs (report, held out)
Families C and D are never looked at while tuning: `--part report` is the untouched half.

Run:  python benchmarks/eval_sets/multilingual.py   # rewrites benchmarks/eval_sets/multilingual.jsonl
The JSONL (one object per sentence: lang, family, template_id, text, spans[start,end,entity_type])
is committed, so the evaluation set is fixed even if Faker changes.
"""

from __future__ import annotations

import json
import random
import re
from pathlib import Path
from typing import Optional

OUT = Path(__file__).with_name("multilingual.jsonl")
PER_TEMPLATE = 12
LOCALES = {"de": "de_DE", "fr": "fr_FR", "es": "es_ES", "nl": "nl_NL", "it": "it_IT"}
TUNE_FAMILIES = {"A", "B"}

# {slot} placeholders; a slot's entity type is in SLOT_TYPES (None = not personal data).
TEMPLATES: dict[str, dict[str, list[str]]] = {
    "de": {
        "A": [
            "Anruf von {name} wegen der Rechnung {invoice}, bitte unter {phone} zurückrufen.",
            "Kundin {name} meldet, dass das Paket nach {street}, {postcode} {city} nicht angekommen ist.",
            "Herr {last} hat seine Bankverbindung geändert, neue IBAN {iban}.",
            "Rückruf erbeten: {first} {last}, Telefon {phone}, wegen Auftrag {order}.",
        ],
        "B": [
            "Sehr geehrte Frau {last},\nvielen Dank für Ihre Nachricht vom {date}. Wir melden uns unter {email}.",
            "Mit freundlichen Grüßen\n{name}\n{street}\n{postcode} {city}\nTel. {phone}",
            "Die Steuer-ID von {name} lautet {de_tax}; bitte nicht weitergeben.",
            "Betreff: Kündigung\nHiermit kündige ich, {name}, geboren am {dob}, meinen Vertrag zum Monatsende.",
        ],
        "C": [
            "hey, hier ist {name_lc}, kannst du mich unter {phone} anrufen?",
            "{NAME_UC} hat gesagt, die Unterlagen liegen bei ihr in {city}.",
            "Bin ab morgen bei {first} in {city}, meine Nummer: {phone}",
            "schick das bitte an {email}, danke! Gruß {first}",
        ],
        "D": [
            "Patient: {name}, {age} Jahre, wohnhaft {street}, {postcode} {city}. Fehlercode {errcode} im Formular.",
            "Name: {name}\nGeburtsdatum: {dob}\nIBAN: {iban}\nVersion {version}",
            "Ticket {ticket}: {name} ({email}) kann sich seit Update {version} nicht anmelden.",
            "Mitarbeiterin {name}, Personalnummer intern, Kreditkarte {card} gesperrt am {date}.",
        ],
    },
    "fr": {
        "A": [
            "Appel de {name} au sujet de la facture {invoice}, merci de rappeler au {phone}.",
            "Mme {last} signale que le colis pour le {street}, {postcode} {city} n'est jamais arrivé.",
            "M. {name} a changé de banque : nouvel IBAN {iban}.",
            "Rappel demandé par {first} {last}, téléphone {phone}, commande {order}.",
        ],
        "B": [
            "Madame {last},\nnous avons bien reçu votre courrier du {date}. Réponse à {email}.",
            "Cordialement,\n{name}\n{street}\n{postcode} {city}\nTél. : {phone}",
            "Le numéro de sécurité sociale de {name} est {fr_nir}.",
            "Objet : résiliation\nJe soussigné(e) {name}, né(e) le {dob}, résilie mon contrat.",
        ],
        "C": [
            "salut c'est {name_lc}, tu peux m'appeler au {phone} ?",
            "{NAME_UC} a dit que les papiers sont chez elle à {city}.",
            "Je suis chez {first} à {city} demain, mon numéro : {phone}",
            "envoie ça à {email} stp, merci ! {first}",
        ],
        "D": [
            "Patient : {name}, {age} ans, domicilié {street}, {postcode} {city}. Code erreur {errcode} sur le formulaire.",
            "Nom : {name}\nDate de naissance : {dob}\nIBAN : {iban}\nVersion {version}",
            "Ticket {ticket} : {name} ({email}) ne peut plus se connecter depuis la mise à jour {version}.",
            "Employée {name}, carte bancaire {card} bloquée le {date}.",
        ],
    },
    "es": {
        "A": [
            "Llamada de {name} sobre la factura {invoice}, devolver la llamada al {phone}.",
            "La clienta {name} informa de que el paquete a {street}, {postcode} {city} no ha llegado.",
            "El Sr. {last} ha cambiado de banco, nuevo IBAN {iban}.",
            "Pide que le llamen: {first} {last}, teléfono {phone}, pedido {order}.",
        ],
        "B": [
            "Estimada Sra. {last}:\nhemos recibido su carta del {date}. Le responderemos en {email}.",
            "Un saludo,\n{name}\n{street}\n{postcode} {city}\nTel.: {phone}",
            "El DNI de {name} es {es_nif}; no compartir.",
            "Asunto: baja\nYo, {name}, nacido el {dob}, solicito la baja de mi contrato.",
        ],
        "C": [
            "hola soy {name_lc}, ¿me puedes llamar al {phone}?",
            "{NAME_UC} dijo que los papeles están en su casa en {city}.",
            "Mañana estoy con {first} en {city}, mi número: {phone}",
            "mándalo a {email} porfa, ¡gracias! {first}",
        ],
        "D": [
            "Paciente: {name}, {age} años, domicilio {street}, {postcode} {city}. Código de error {errcode} en el formulario.",
            "Nombre: {name}\nFecha de nacimiento: {dob}\nIBAN: {iban}\nVersión {version}",
            "Incidencia {ticket}: {name} ({email}) no puede entrar desde la actualización {version}.",
            "Empleada {name}, tarjeta {card} bloqueada el {date}.",
        ],
    },
    "nl": {
        "A": [
            "Telefoontje van {name} over factuur {invoice}, graag terugbellen op {phone}.",
            "Klant {name} meldt dat het pakket naar {street}, {postcode} {city} niet is aangekomen.",
            "De heer {last} heeft een nieuwe bankrekening, IBAN {iban}.",
            "Terugbelverzoek: {first} {last}, telefoon {phone}, bestelling {order}.",
        ],
        "B": [
            "Geachte mevrouw {last},\nbedankt voor uw brief van {date}. We antwoorden via {email}.",
            "Met vriendelijke groet,\n{name}\n{street}\n{postcode} {city}\nTel. {phone}",
            "Het BSN van {name} is {nl_bsn}; niet delen.",
            "Onderwerp: opzegging\nIk, {name}, geboren op {dob}, zeg mijn abonnement op.",
        ],
        "C": [
            "hoi, met {name_lc}, kun je me bellen op {phone}?",
            "{NAME_UC} zei dat de papieren bij haar in {city} liggen.",
            "Morgen ben ik bij {first} in {city}, mijn nummer: {phone}",
            "stuur het naar {email} aub, thanks! {first}",
        ],
        "D": [
            "Patiënt: {name}, {age} jaar, woonachtig {street}, {postcode} {city}. Foutcode {errcode} op het formulier.",
            "Naam: {name}\nGeboortedatum: {dob}\nIBAN: {iban}\nVersie {version}",
            "Ticket {ticket}: {name} ({email}) kan sinds update {version} niet inloggen.",
            "Medewerker {name}, creditcard {card} geblokkeerd op {date}.",
        ],
    },
    "it": {
        "A": [
            "Chiamata di {name} per la fattura {invoice}, richiamare al {phone}.",
            "La cliente {name} segnala che il pacco per {street}, {postcode} {city} non è arrivato.",
            "Il sig. {last} ha cambiato banca, nuovo IBAN {iban}.",
            "Richiesta di richiamata: {first} {last}, telefono {phone}, ordine {order}.",
        ],
        "B": [
            "Gentile signora {last},\nabbiamo ricevuto la sua lettera del {date}. Risponderemo a {email}.",
            "Cordiali saluti,\n{name}\n{street}\n{postcode} {city}\nTel. {phone}",
            "Il codice fiscale di {name} è {it_cf}; non condividere.",
            "Oggetto: disdetta\nIo sottoscritto {name}, nato il {dob}, disdico il contratto.",
        ],
        "C": [
            "ciao sono {name_lc}, mi chiami al {phone}?",
            "{NAME_UC} ha detto che i documenti sono da lei a {city}.",
            "Domani sono da {first} a {city}, il mio numero: {phone}",
            "mandalo a {email} per favore, grazie! {first}",
        ],
        "D": [
            "Paziente: {name}, {age} anni, residente in {street}, {postcode} {city}. Codice errore {errcode} nel modulo.",
            "Nome: {name}\nData di nascita: {dob}\nIBAN: {iban}\nVersione {version}",
            "Ticket {ticket}: {name} ({email}) non riesce ad accedere dall'aggiornamento {version}.",
            "Dipendente {name}, carta {card} bloccata il {date}.",
        ],
    },
}

SLOT_TYPES = {
    "name": "PERSON", "first": "PERSON", "last": "PERSON", "name_lc": "PERSON", "NAME_UC": "PERSON",
    "phone": "PHONE_NUMBER", "email": "EMAIL_ADDRESS", "iban": "IBAN_CODE", "street": "STREET_ADDRESS",
    "postcode": "POSTCODE", "city": "LOCATION", "date": "DATE_TIME", "dob": "DATE_OF_BIRTH", "age": "AGE",
    "card": "CREDIT_CARD", "de_tax": "DE_TAX_ID", "fr_nir": "FR_NIR", "es_nif": "ES_NIF", "nl_bsn": "NL_BSN",
    "it_cf": "IT_FISCAL_CODE",
    # not personal data: gold "O" (false-positive probes)
    "invoice": None, "order": None, "version": None, "ticket": None, "errcode": None,
}
_DATE_FMT = {"de": "%d.%m.%Y", "fr": "%d/%m/%Y", "es": "%d/%m/%Y", "nl": "%d-%m-%Y", "it": "%d/%m/%Y"}


def _de_tax_id(rnd: random.Random) -> str:
    """A Steuer-ID that passes ISO 7064 MOD 11,10 (one digit repeated, first digit not 0)."""
    from privsynth.detect.validators import get_validator

    ok = get_validator("de_tax_id")
    while True:
        digits = [rnd.randint(1, 9)] + [rnd.randint(0, 9) for _ in range(9)]
        for check in range(10):
            s = "".join(map(str, digits)) + str(check)
            if ok(s):
                return s


def _values(fk, rnd: random.Random, lang: str) -> dict[str, str]:
    first, last = fk.first_name(), fk.last_name()
    name = f"{first} {last}"
    iban = fk.iban()
    if rnd.random() < 0.5:
        iban = " ".join(iban[i:i + 4] for i in range(0, len(iban), 4))
    d = fk.date_between(start_date="-2y", end_date="today")
    dob = fk.date_of_birth(minimum_age=18, maximum_age=90)
    v = {
        "name": name, "first": first, "last": last, "name_lc": name.lower(), "NAME_UC": name.upper(),
        "phone": fk.phone_number(), "email": fk.email(), "iban": iban, "street": fk.street_address(),
        "postcode": fk.postcode(), "city": fk.city(), "date": d.strftime(_DATE_FMT[lang]),
        "dob": dob.strftime(_DATE_FMT[lang]), "age": str(rnd.randint(18, 95)), "card": fk.credit_card_number(),
        "invoice": rnd.choice(["RE-{y}-{n:05d}", "F{y}/{n:04d}", "INV-{n:06d}", "{y}-{n:04d}"]).format(y=rnd.randint(2019, 2026), n=rnd.randint(1, 99999)),
        "order": rnd.choice(["#{n:08d}", "A-{n:07d}", "{n:09d}", "B{n:06d}-{m:02d}"]).format(n=rnd.randint(1, 99_999_999), m=rnd.randint(1, 99)),
        "version": rnd.choice(["{a}.{b}.{c}", "v{a}.{b}.{c}", "{a}.{b}", "{a}.{b}.{c}.{d}"]).format(a=rnd.randint(1, 12), b=rnd.randint(0, 20), c=rnd.randint(0, 40), d=rnd.randint(100, 9999)),
        "ticket": rnd.choice(["INC-{n:07d}", "#{n:06d}", "T{n:06d}", "SR-{y}-{n:05d}"]).format(n=rnd.randint(1, 999_999), y=rnd.randint(2019, 2026)),
        "errcode": rnd.choice(["E-{a:04d}-{b:04d}", "0x{h:08X}", "ERR{a:04d}", "{a:03d}-{b:02d}"]).format(a=rnd.randint(1, 9999), b=rnd.randint(0, 9999), h=rnd.randint(0, 2**32 - 1)),
    }
    if lang == "de":
        v["de_tax"] = _de_tax_id(rnd)
    elif lang == "fr":
        v["fr_nir"] = fk.ssn()
    elif lang == "es":
        v["es_nif"] = fk.nif()
    elif lang == "nl":
        v["nl_bsn"] = fk.ssn()
    elif lang == "it":
        v["it_cf"] = fk.ssn()
    return v


_SLOT = re.compile(r"\{(\w+)\}")


def fill(template: str, values: dict[str, str], slot_types: Optional[dict[str, Optional[str]]] = None) -> tuple[str, list[list]]:
    """Replace each {slot}; return the text and gold spans [start, end, entity_type] for personal slots
    (a slot's type from `slot_types`, default this module's SLOT_TYPES; None: not personal)."""
    types = SLOT_TYPES if slot_types is None else slot_types
    out, spans, pos = [], [], 0
    for m in _SLOT.finditer(template):
        out.append(template[pos:m.start()])
        start = sum(len(x) for x in out)
        val = values[m.group(1)]
        out.append(val)
        et = types[m.group(1)]
        if et:
            spans.append([start, start + len(val), et])
        pos = m.end()
    out.append(template[pos:])
    return "".join(out), spans


def generate(seed: int = 14) -> list[dict]:
    from faker import Faker

    rows = []
    for lang, fams in TEMPLATES.items():
        fk = Faker(LOCALES[lang])
        fk.seed_instance(seed)
        rnd = random.Random(f"{seed}-{lang}")
        for fam, temps in fams.items():
            for ti, tpl in enumerate(temps):
                for _ in range(PER_TEMPLATE):
                    text, spans = fill(tpl, _values(fk, rnd, lang))
                    rows.append({"lang": lang, "family": fam, "template_id": f"{lang}-{fam}{ti}", "text": text, "spans": spans})
    return rows


def load(part: str = "report", langs=None) -> list[dict]:
    """The committed set; part = report (families C, D: untouched), tune (A, B) or all."""
    rows = [json.loads(line) for line in OUT.read_text(encoding="utf-8").splitlines() if line.strip()]
    if langs:
        rows = [r for r in rows if r["lang"] in langs]
    if part == "tune":
        return [r for r in rows if r["family"] in TUNE_FAMILIES]
    if part == "report":
        return [r for r in rows if r["family"] not in TUNE_FAMILIES]
    return rows


if __name__ == "__main__":
    rows = generate()
    OUT.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    print(f"wrote {len(rows)} sentences to {OUT}")
