"""National identifiers in sentences, with gold spans (issue 14, session 8: PT NIF and the others).

Written on 1 Dec 2026 03:45-03:55 UTC BEFORE the Portuguese NIF recognizer was written or any
detector change was made. Every value is fictitious: check digits computed here from seeded
random digits (PT NIF, UK NINO, DE Steuer-ID) or drawn from Faker's locale providers with a fixed
seed (nl_NL BSN, fr_FR NIR, es_ES DNI/NIE, it_IT codice fiscale, en_US SSN).

Negatives are gold "O" and are the point of the set: 9-digit order, invoice, tracking and customer
numbers that PASS the NIF mod-11 check (`nif_like`), the same without any label, and Portuguese
phone numbers written like a NIF (9 digits, 2xx/9xx: gold PHONE_NUMBER, not a NIF).

Languages: pt (users bring it; privsynth has no Portuguese rules or model) and en/de/fr/es/nl/it.
Two families per language, different wording and layout:
  A  notes and e-mails            (tune)
  B  forms, chat, records         (report: held out, never looked at while tuning)

Run:  python benchmarks/eval_sets/national_ids.py   # rewrites benchmarks/eval_sets/national_ids.jsonl
      PYTHONPATH=. python benchmarks/detect_national_ids.py [--part report|tune|all]
"""

from __future__ import annotations

import json
import random
import re
import sys
from pathlib import Path

OUT = Path(__file__).with_name("national_ids.jsonl")
PER_TEMPLATE = 6
TUNE_FAMILIES = {"A"}

TEMPLATES: dict[str, dict[str, list[str]]] = {
    "pt": {
        "A": [
            "O cliente pediu a fatura com o NIF {pt_nif}, por favor corrigir.",
            "Contribuinte n.º {pt_nif} - morada atualizada pelo próprio.",
            "A encomenda {nif_like} foi expedida ontem para Braga.",
            "Ligar para o cliente: {pt_phone}, depois das 18h.",
            "Fatura {nif_like} paga por transferência; o NIF do titular é {pt_nif}.",
            "Referência de pagamento {nif_like}, valor 45,90 EUR.",
        ],
        "B": [
            "Nome: Rui Tavares\nNúmero de identificação fiscal: {pt_nif}\nTelefone: {pt_phone}",
            "pf emitir recibo c/ nif {pt_nif} obg",
            "Nº de contribuinte {pt_nif}; número de cliente {nif_like}.",
            "O talão {nif_like} ficou em anexo.",
            "Processo {nif_like} arquivado em março.",
            "Sr. Alves (NIF: {pt_nif}) reclamou da entrega {nif_like}.",
        ],
    },
    "en": {
        "A": [
            "Customer from Lisbon asked to add his Portuguese NIF {pt_nif} to the invoice.",
            "My SSN is {us_ssn}, please update my file.",
            "Order {nif_like} shipped on Monday.",
            "Her National Insurance number is {uk_nino}.",
        ],
        "B": [
            "Tax ID (NIF, Portugal): {pt_nif}",
            "Tracking number {nif_like} - parcel delayed at customs.",
            "SSN: {us_ssn}   NI number: {uk_nino}",
            "Refund of 120.00 EUR sent, transaction {nif_like}.",
        ],
    },
    "de": {
        "A": [
            "Die Steuer-ID von Frau Brandt lautet {de_tax}.",
            "Kunde aus Porto, portugiesische Steuernummer (NIF) {pt_nif}.",
            "Bestellung {nif_like} ist unterwegs.",
            "Bitte die Rechnungsnummer {nif_like} angeben.",
        ],
        "B": [
            "Steueridentifikationsnummer: {de_tax}\nNIF (Portugal): {pt_nif}",
            "Sendungsnummer {nif_like}, Zustellung morgen.",
            "Meine IdNr ist {de_tax}, bitte speichern.",
            "Kundennummer {nif_like} wurde gesperrt.",
        ],
    },
    "fr": {
        "A": [
            "Mon numéro de sécurité sociale est {fr_nir}.",
            "Client portugais, NIF {pt_nif}, facture à refaire.",
            "La commande {nif_like} est partie hier.",
            "Numéro de suivi du colis : {nif_like}.",
        ],
        "B": [
            "NIR : {fr_nir}\nNIF portugais : {pt_nif}",
            "Facture n° {nif_like} réglée par virement.",
            "Le dossier {nif_like} est clos.",
            "n° de sécu {fr_nir} à vérifier",
        ],
    },
    "es": {
        "A": [
            "Mi DNI es {es_dni}, gracias.",
            "El cliente tiene NIE {es_nie} y vive en Valencia.",
            "Cliente de Oporto con NIF portugués {pt_nif}.",
            "El pedido {nif_like} salió ayer.",
        ],
        "B": [
            "DNI: {es_dni} / NIE: {es_nie}",
            "Número de contribuyente portugués (NIF): {pt_nif}",
            "Factura {nif_like} pendiente de pago.",
            "Número de seguimiento {nif_like}.",
        ],
    },
    "nl": {
        "A": [
            "Mijn BSN is {nl_bsn}.",
            "Klant uit Lissabon, Portugees fiscaal nummer (NIF) {pt_nif}.",
            "Bestelnummer {nif_like} is verzonden.",
            "Factuur {nif_like} staat nog open.",
        ],
        "B": [
            "Burgerservicenummer: {nl_bsn}\nNIF: {pt_nif}",
            "Zending {nif_like} komt morgen aan.",
            "bsn {nl_bsn} graag controleren",
            "Klantnummer {nif_like} is geblokkeerd.",
        ],
    },
    "it": {
        "A": [
            "Il mio codice fiscale è {it_cf}.",
            "Cliente portoghese con NIF {pt_nif}, rifare la fattura.",
            "L'ordine {nif_like} è stato spedito.",
            "Numero di spedizione {nif_like}.",
        ],
        "B": [
            "Codice fiscale: {it_cf}\nNIF (Portogallo): {pt_nif}",
            "Fattura n. {nif_like} pagata.",
            "cf {it_cf} da verificare",
            "Pratica {nif_like} chiusa.",
        ],
    },
}

SLOT_TYPES = {
    "pt_nif": "PT_NIF", "us_ssn": "US_SSN", "uk_nino": "UK_NINO", "de_tax": "DE_TAX_ID", "fr_nir": "FR_NIR",
    "es_dni": "ES_NIF", "es_nie": "ES_NIE", "nl_bsn": "NL_BSN", "it_cf": "IT_FISCAL_CODE", "pt_phone": "PHONE_NUMBER",
    "nif_like": None,  # a reference number that passes the NIF check digit: not personal data
}


def nif_check_digit(body: str) -> str:
    """The mod-11 check digit of the first 8 digits of a Portuguese NIF (weights 9..2; 10 and 11 -> 0)."""
    s = sum(int(c) * w for c, w in zip(body, range(9, 1, -1)))
    return str((11 - s % 11) % 11 % 10)


def _nif(rnd: random.Random, first: str) -> str:
    body = first + "".join(str(rnd.randint(0, 9)) for _ in range(8 - len(first)))
    return body + nif_check_digit(body)


def _nino(rnd: random.Random) -> str:
    from privsynth.detect.validators import uk_nino

    while True:
        s = "".join(rnd.choice("ABCEGHJKLMNPRSTWXYZ") for _ in range(2)) + "".join(str(rnd.randint(0, 9)) for _ in range(6)) + rnd.choice("ABCD")
        if uk_nino(s):
            return s if rnd.random() < 0.5 else f"{s[:2]} {s[2:4]} {s[4:6]} {s[6:8]} {s[8]}"


def _de_tax(rnd: random.Random) -> str:
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    from eval_sets.multilingual import _de_tax_id

    s = _de_tax_id(rnd)
    return s if rnd.random() < 0.6 else f"{s[:2]} {s[2:5]} {s[5:8]} {s[8:]}"


def _values(fk: dict, rnd: random.Random) -> dict[str, str]:
    nif = _nif(rnd, rnd.choice("1223"))
    if rnd.random() < 0.3:
        nif = f"{nif[:3]} {nif[3:6]} {nif[6:]}"
    bsn = fk["nl"].ssn()
    if rnd.random() < 0.3:
        bsn = f"{bsn[:4]}.{bsn[4:6]}.{bsn[6:]}"
    nir = fk["fr"].ssn()
    if rnd.random() < 0.4:
        nir = f"{nir[0]} {nir[1:3]} {nir[3:5]} {nir[5:7]} {nir[7:10]} {nir[10:13]} {nir[13:]}"
    phone = rnd.choice(["2", "9"]) + "".join(str(rnd.randint(0, 9)) for _ in range(8))
    phone = rnd.choice([phone, f"{phone[:3]} {phone[3:6]} {phone[6:]}", f"+351 {phone[:3]} {phone[3:6]} {phone[6:]}"])
    return {
        "pt_nif": nif, "nif_like": _nif(rnd, rnd.choice("12356789")), "pt_phone": phone,
        "us_ssn": fk["en"].ssn(), "uk_nino": _nino(rnd), "de_tax": _de_tax(rnd), "fr_nir": nir,
        "es_dni": fk["es"].nif(), "es_nie": fk["es"].nie(), "nl_bsn": bsn, "it_cf": fk["it"].ssn(),
    }


def generate(seed: int = 8) -> list[dict]:
    from faker import Faker

    fk = {}
    for k, loc in (("nl", "nl_NL"), ("fr", "fr_FR"), ("es", "es_ES"), ("it", "it_IT"), ("en", "en_US")):
        fk[k] = Faker(loc)
        fk[k].seed_instance(seed)
    rows = []
    for lang, fams in TEMPLATES.items():
        rnd = random.Random(f"{seed}-{lang}")
        for fam, temps in fams.items():
            for ti, tpl in enumerate(temps):
                for _ in range(PER_TEMPLATE):
                    vals = _values(fk, rnd)
                    text, spans = fill(tpl, vals)
                    rows.append({"lang": lang, "family": fam, "template_id": f"{lang}-{fam}{ti}", "text": text, "spans": spans})
    return rows


def fill(template: str, values: dict[str, str]) -> tuple[str, list[list]]:
    """Replace each {slot}; the text and gold spans [start, end, entity_type] of the personal slots."""
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    from eval_sets.multilingual import fill as fill_slots

    return fill_slots(template, values, SLOT_TYPES)


def load(part: str = "report") -> list[dict]:
    """The committed set; part = report (family B: untouched), tune (A) or all."""
    rows = [json.loads(line) for line in OUT.read_text(encoding="utf-8").splitlines() if line.strip()]
    if part == "tune":
        return [r for r in rows if r["family"] in TUNE_FAMILIES]
    if part == "report":
        return [r for r in rows if r["family"] not in TUNE_FAMILIES]
    return rows


if __name__ == "__main__":
    rows = generate()
    OUT.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    print(f"wrote {len(rows)} sentences to {OUT}")
