"""A lone surname after an honorific, and full street addresses, in en/de/fr/es/nl/it (issue 14, trial F-T1/F-T2).

Written on 1 Dec 2026 (session 8) BEFORE the honorific and address rules were changed. Every value is
fictitious, drawn from Faker's provider of the sentence's locale with a fixed seed (surnames, street
addresses, postcodes, cities, Italian province codes, whole `address()` blocks).

Ten templates per language, three sentences each (30 per language, 180 in all). The split is fixed
here, before tuning: templates with an even index are the `tune` half, odd indexes the `report`
half, which is never inspected for errors. The two halves use DIFFERENT honorific forms (e.g. de
tune "Herrn", "Frau Dr.", "Fr."; report "Herrn Dr.", "Hrn.", "Herrn Prof. Dr."), so the report half
tests whether forms taken from grammar and abbreviation lists generalise, not whether the
trial's strings were copied.

Gold: the surname (PERSON; the honorific itself is not personal data and is not gold) and the whole
address, street to postcode, town and province (STREET_ADDRESS, one span).

Run:  python benchmarks/eval_sets/honorifics.py   # rewrites benchmarks/eval_sets/honorifics.jsonl
Score: PYTHONPATH=. python benchmarks/detect_text.py --set honorifics --part report
"""

from __future__ import annotations

import json
import re
from pathlib import Path

OUT = Path(__file__).with_name("honorifics.jsonl")
PER_TEMPLATE = 3
LOCALES = {"en": "en_GB", "de": "de_DE", "fr": "fr_FR", "es": "es_ES", "nl": "nl_NL", "it": "it_IT"}

TEMPLATES: dict[str, list[str]] = {
    "de": [
        "Gespräch mit Herrn {l} am Telefon geführt.",
        "Bitte Herrn Dr. {l} heute noch zurückrufen.",
        "Frau Dr. {l} hat den Befund geschickt.",
        "Die Unterlagen gingen an Hrn. {l} zurück.",
        "Die Familie {l} wohnt jetzt in {street}, {pc} {city}.",
        "Neue Anschrift {addr}; bitte die Akte ändern.",
        "Termin für Fr. {l} auf Freitag verschoben.",
        "Der Brief an Herrn Prof. Dr. {l} kam zurück.",
        "Lieferung an {addr} bestätigt.",
        "Rückfrage von Herrn {l} zur Rechnung, bitte an {street}, {pc} {city} schreiben.",
    ],
    "fr": [
        "Mme {l} a rappelé ce matin.",
        "Rendez-vous avec Mlle {l} reporté à jeudi.",
        "Courrier envoyé à Me {l}, avocat du client.",
        "Le Pr {l} a validé le protocole.",
        "Madame {l} habite désormais au {street}, {pc} {city}.",
        "Changement d'adresse du client : {addr}.",
        "Vu avec le Dr {l} pour le suivi.",
        "La docteure {l} est absente lundi.",
        "Nouvelle adresse du client : {addr}.",
        "Mademoiselle {l} demande un rappel au sujet du {street}, {pc} {city}.",
    ],
    "es": [
        "Cita con la doctora {l} aplazada.",
        "La Dra. {l} firmó el informe.",
        "Doña {l} llamó esta mañana.",
        "Hablé con don {l} sobre la factura.",
        "La señora {l} vive ahora en {street}, {pc} {city}.",
        "Enviar la carta a {addr}.",
        "El Sr. D. {l} confirmó la cita.",
        "La Srta. {l} no contesta al teléfono.",
        "Dirección nueva: {addr}.",
        "El Lcdo. {l} revisó el contrato del piso de {street}, {pc} {city}.",
    ],
    "nl": [
        "Afspraak met dokter {l} verzet.",
        "De heer {l} heeft vanochtend gebeld.",
        "Mevr. {l} komt morgen langs.",
        "Brief gestuurd naar mw. {l}.",
        "Mevrouw {l} woont nu op {street}, {pc} {city}.",
        "Nieuw adres van de klant: {addr}.",
        "Gesprek met meneer {l} gevoerd.",
        "Graag terugbellen naar mijnheer {l}.",
        "Pakket bezorgd op {addr}.",
        "Uitslag besproken met juffrouw {l}, zij woont op {street}, {pc} {city}.",
    ],
    "it": [
        "La sig.ra {l} ha chiamato.",
        "Appuntamento con la dott.ssa {l} rinviato.",
        "Colloquio con la dottoressa {l} stamattina.",
        "Il sig. {l} verrà domani.",
        "La signora {l} abita ora in {street}, {pc} {city} ({prov}).",
        "Spedire la raccomandata a {addr}.",
        "Contattato l'avv. {l} per la pratica.",
        "L'ing. {l} ha firmato il verbale.",
        "Nuovo indirizzo: {addr}.",
        "La prof.ssa {l} ha scritto dalla sua casa in {street}, {pc} {city} ({prov}).",
    ],
    "en": [
        "Spoke with Mr {l} this morning.",
        "Mrs. {l} called about the invoice.",
        "Appointment with Dr {l} postponed.",
        "Letter returned from Ms {l}.",
        "Mrs {l} now lives at {addr}.",
        "Please forward the file to Prof. {l}.",
        "New address: {addr}.",
        "Parcel for Miss {l}, {addr}.",
        "Sir {l} asked for a call back.",
        "The Rev. {l} will visit on Friday.",
    ],
}


def _values(fk, lang: str) -> dict[str, str]:
    v = {"l": fk.last_name(), "street": fk.street_address(), "pc": fk.postcode(), "city": fk.city(),
         "addr": re.sub(r"\s*\n\s*", ", ", fk.address().strip())}
    v["prov"] = fk.state_abbr() if lang == "it" else ""
    return v


def build() -> list[dict]:
    from faker import Faker

    rows = []
    for lang, loc in LOCALES.items():
        fk = Faker(loc)
        fk.seed_instance(2026_12_01 + len(rows))
        for t_idx, tpl in enumerate(TEMPLATES[lang]):
            for _ in range(PER_TEMPLATE):
                v = _values(fk, lang)
                text, spans, pos = "", [], 0
                # address parts written together ("{street}, {pc} {city} ({prov})") are one gold span
                merged = re.sub(r"\{street\}, \{pc\} \{city\}(?: \(\{prov\}\))?", "{ADDR}", tpl)
                for m in re.finditer(r"\{(\w+)\}", merged):
                    text += merged[pos:m.start()]
                    slot = m.group(1)
                    if slot == "ADDR":
                        val = f"{v['street']}, {v['pc']} {v['city']}" + (f" ({v['prov']})" if "{prov}" in tpl else "")
                        etype = "STREET_ADDRESS"
                    elif slot == "addr":
                        val, etype = v["addr"], "STREET_ADDRESS"
                    else:
                        val, etype = v[slot], "PERSON"
                    spans.append([len(text), len(text) + len(val), etype])
                    text += val
                    pos = m.end()
                text += merged[pos:]
                rows.append({"lang": lang, "template_id": f"{lang}-H{t_idx}", "part": "tune" if t_idx % 2 == 0 else "report",
                             "text": text, "spans": spans})
    return rows


def load(part: str) -> list[dict]:
    rows = [json.loads(line) for line in OUT.read_text(encoding="utf-8").splitlines() if line.strip()]
    return rows if part == "all" else [r for r in rows if r["part"] == part]


if __name__ == "__main__":
    rows = build()
    with OUT.open("w", encoding="utf-8") as f:
        for r in rows:
            f.write(json.dumps(r, ensure_ascii=False) + "\n")
    print(f"{len(rows)} sentences -> {OUT}")
