"""heldout14b: an UNTOUCHED six-language evaluation set for free-text PII detection (issue 14).

Written 2026-12-01 (session 9) by heldout14b BEFORE privsynth was run on any of these sentences.
Registers chosen to differ from benchmarks/eval_sets (english, multilingual, honorifics) and from the
trial14 set: hotel/travel bookings, pharmacy and lab notes, court/legal correspondence, tenant/landlord
messages, recruitment, classified ads, police/incident reports, customer reviews, social-media posts,
voicemail transcripts. Every value is fictitious: Faker (locale of the sentence, fixed seed) for persons,
phones (re-formatted with `phonenumbers` into national or international form), e-mails, IBANs, cards,
streets, postcodes, cities, dates, national IDs; random digits here for codes that are NOT personal
data (order, invoice, ticket, form, version, case, room, flight numbers, prices, times: gold "O").
Gold: [start, end, entity_type]; an honorific in front of a name is "TITLE" (ignored by the scorer).
Run:  /work/main/.venv/bin/python gen.py   -> heldout.jsonl
"""
from __future__ import annotations

import json
import random
import re
import unicodedata
from pathlib import Path

import phonenumbers
from faker import Faker

SEED = 1409
OUT = Path(__file__).with_name("heldout.jsonl")
PER_TEMPLATE = {"en": 10, "de": 5, "fr": 5, "es": 5, "nl": 5, "it": 5}
# fr_BE: Faker 40.63 falls back to en_US address/phone providers for fr_BE, so French uses fr_FR only.
LOCALES = {"en": ["en_US", "en_GB"], "de": ["de_DE", "de_AT"], "fr": ["fr_FR"], "es": ["es_ES"],
           "nl": ["nl_NL", "nl_BE"], "it": ["it_IT"]}
REGION = {"en_US": "US", "en_GB": "GB", "de_DE": "DE", "de_AT": "AT", "fr_FR": "FR", "es_ES": "ES",
          "nl_NL": "NL", "nl_BE": "BE", "it_IT": "IT"}
FK = {loc: Faker(loc) for locs in LOCALES.values() for loc in locs}
for i, f in enumerate(FK.values()):
    f.seed_instance(SEED + i)
RND = random.Random(SEED)

TITLES = {"en": ["Mr", "Mr.", "Mrs", "Ms.", "Dr", "Dr.", "Miss", "Prof."],
          "de": ["Herr", "Frau", "Dr.", "Herrn", "Fr."],
          "fr": ["M.", "Mme", "Madame", "Monsieur", "Maître", "Dr"],
          "es": ["Sr.", "Sra.", "señor", "señora", "D.", "Dña."],
          "nl": ["dhr.", "mevr.", "meneer", "mevrouw", "mr.", "Dhr."],
          "it": ["Sig.", "Sig.ra", "signor", "signora", "Avv.", "Dott."]}
MONTHS = {"en": "January February March April May June July August September October November December",
          "de": "Januar Februar März April Mai Juni Juli August September Oktober November Dezember",
          "fr": "janvier février mars avril mai juin juillet août septembre octobre novembre décembre",
          "es": "enero febrero marzo abril mayo junio julio agosto septiembre octubre noviembre diciembre",
          "nl": "januari februari maart april mei juni juli augustus september oktober november december",
          "it": "gennaio febbraio marzo aprile maggio giugno luglio agosto settembre ottobre novembre dicembre"}
NATID = {"en_US": "US_SSN", "fr_FR": "FR_NIR", "es_ES": "ES_NIF", "nl_NL": "NL_BSN", "it_IT": "IT_FISCAL_CODE",
         "de_DE": "DE_TAX_ID", "de_AT": "DE_TAX_ID"}


def casing(s: str, p_lower=0.10, p_upper=0.07) -> str:
    r = RND.random()
    return s.lower() if r < p_lower else s.upper() if r < p_lower + p_upper else s


def phone(loc: str, f: Faker) -> str:
    region = REGION[loc]
    for _ in range(40):
        raw = f.phone_number()
        try:
            n = phonenumbers.parse(raw, region)
        except phonenumbers.NumberParseException:
            continue
        if not phonenumbers.is_valid_number(n) or phonenumbers.region_code_for_number(n) != region:
            continue
        n.extension = None  # extensions ("x123", "ext. 45") are left out of the set
        fmt = RND.choice(["nat", "nat", "intl", "intl", "e164", "raw"])
        if fmt == "raw" and re.search(r"x|ext", raw, re.I):
            fmt = "nat"
        if fmt == "nat":
            s = phonenumbers.format_number(n, phonenumbers.PhoneNumberFormat.NATIONAL)
        elif fmt == "intl":
            s = phonenumbers.format_number(n, phonenumbers.PhoneNumberFormat.INTERNATIONAL)
        elif fmt == "e164":
            s = phonenumbers.format_number(n, phonenumbers.PhoneNumberFormat.E164)
        else:
            s = raw.strip()
        return s
    # fall back: example number of the region (valid by construction)
    n = phonenumbers.example_number_for_type(region, phonenumbers.PhoneNumberType.MOBILE)
    return phonenumbers.format_number(n, phonenumbers.PhoneNumberFormat.INTERNATIONAL)


def iban(f: Faker) -> str:
    s = f.iban()
    if RND.random() < 0.5:
        s = " ".join(s[i:i + 4] for i in range(0, len(s), 4))
    return s


def card(f: Faker) -> str:
    s = f.credit_card_number(card_type=RND.choice(["visa16", "mastercard", "visa16", "amex"]))
    if len(s) == 16 and RND.random() < 0.6:
        s = RND.choice([" ", "-"]).join(s[i:i + 4] for i in range(0, 16, 4))
    return s


def de_tax_id() -> str:
    """Steuer-IdNr: 11 digits, first not 0, ISO 7064 MOD 11,10 check digit (one digit appears twice)."""
    while True:
        base = [RND.randint(1, 9)] + [RND.randint(0, 9) for _ in range(9)]
        counts = {d: base.count(d) for d in base}
        if sorted(counts.values(), reverse=True)[:2] not in ([2, 1],) or len(counts) != 9:
            continue
        prod = 10
        for d in base:
            s = (d + prod) % 10 or 10
            prod = (s * 2) % 11
        check = (11 - prod) % 10
        return "".join(map(str, base)) + str(check)


def natid(loc: str, f: Faker) -> str:
    if loc.startswith("de_"):
        return de_tax_id()
    if loc == "es_ES":
        return f.nif()
    return f.ssn()


def date(lang: str, f: Faker, dob: bool) -> str:
    d = f.date_of_birth(minimum_age=18, maximum_age=88) if dob else f.date_between("-1y", "+1y")
    m = MONTHS[lang].split()[d.month - 1]
    opts = {"en": [d.strftime("%m/%d/%Y"), d.strftime("%d/%m/%Y"), f"{m} {d.day}, {d.year}", f"{d.day} {m} {d.year}", f"{m[:3]} {d.day} {d.year}"],
            "de": [d.strftime("%d.%m.%Y"), f"{d.day}. {m} {d.year}", d.strftime("%d.%m.%y")],
            "fr": [d.strftime("%d/%m/%Y"), f"{d.day} {m} {d.year}", d.strftime("%d.%m.%Y")],
            "es": [d.strftime("%d/%m/%Y"), f"{d.day} de {m} de {d.year}", d.strftime("%d-%m-%Y")],
            "nl": [d.strftime("%d-%m-%Y"), f"{d.day} {m} {d.year}", d.strftime("%d/%m/%Y")],
            "it": [d.strftime("%d/%m/%Y"), f"{d.day} {m} {d.year}", d.strftime("%d.%m.%Y")]}[lang]
    return RND.choice(opts)


def code(kind: str, lang: str = "en") -> str:
    d = lambda n: "".join(RND.choice("0123456789") for _ in range(n))
    L = lambda n: "".join(RND.choice("ABCDEFGHJKLMNPQRSTUVWXYZ") for _ in range(n))
    return RND.choice({
        "order": [f"{d(3)}-{d(7)}", f"ORD-{d(6)}", f"{L(2)}-{d(8)}", f"{d(10)}"],
        "invoice": [f"{d(4)}/{d(5)}", f"INV{d(7)}", f"R{d(2)}-{d(5)}", f"{d(2)}.{d(4)}.{d(3)}"],
        "ticket": [f"TKT-{d(6)}", f"#{d(5)}", f"{L(3)}{d(6)}", f"CS{d(4)}-{d(3)}"],
        "form": [f"{L(1)}{d(3)}-{d(2)}", f"{d(4)}-{d(4)}", f"{L(2)} {d(3)}"],
        "version": [f"{d(1)}.{d(2)}.{d(1)}", f"v{d(2)}.{d(1)}", f"{d(1)}.{d(1)}.{d(3)}-rc{d(1)}"],
        "case": [f"{d(1)} {L(1)} {d(3)}/{d(2)}", f"{d(2)} O {d(4)}/{d(2)}", f"{L(2)}-{d(4)}-{d(6)}", f"{d(3)}/{d(4)}"],
        "booking": [f"{L(6)}", f"{L(2)}{d(7)}", f"{d(3)}-{d(3)}-{d(3)}", f"BK{d(8)}"],
        "room": [f"{d(3)}", f"{d(1)}{d(2)}", f"{L(1)}{d(3)}"],
        "flight": [f"{L(2)} {d(4)}", f"{L(2)}{d(3)}", f"{L(2)}{d(4)}"],
        "price": [f"{d(2)}.{d(2)}", f"{d(3)},{d(2)}", f"{d(1)}.{d(3)},{d(2)}", f"{d(4)}"],
        "time": {"en": [f"{RND.randint(6, 22)}:{RND.choice(['00', '15', '30', '45'])}", f"{RND.randint(1, 11)}{RND.choice(['am', 'pm', ' pm', ':30pm'])}"],
                 "fr": [f"{RND.randint(6, 22)}h{RND.choice(['00', '30', ''])}", f"{RND.randint(6, 22)}:{RND.choice(['00', '15', '30', '45'])}"]}.get(
                     lang, [f"{RND.randint(6, 22)}:{RND.choice(['00', '15', '30', '45'])}", f"{RND.randint(6, 22)}.{RND.choice(['00', '30'])}"]),
        "rx": [f"RX{d(7)}", f"{d(2)}-{d(6)}", f"{L(1)}{d(8)}"],
        "lot": [f"{L(2)}{d(4)}", f"{d(6)}{L(1)}", f"LOT {d(5)}"],
        "sample": [f"{L(1)}{d(2)}-{d(5)}", f"{d(8)}", f"S-{d(4)}/{d(2)}"],
        "ref": [f"{L(3)}/{d(4)}/{d(3)}", f"{d(5)}-{L(2)}", f"REF{d(6)}"],
        "qty": [f"{RND.randint(2, 60)}", f"{RND.randint(1, 4)}x{RND.randint(10, 500)}"],
        "dose": [f"{RND.choice([5, 10, 20, 25, 40, 50, 100, 250, 500])} mg", f"{RND.choice([1, 2, 5])} ml"],
        "sqm": [f"{RND.randint(28, 160)}", f"{RND.randint(28, 160)},{RND.randint(1, 9)}"],
        "year": [f"{RND.randint(1998, 2025)}"],
    }[kind])


SLOT = re.compile(r"\{([^}]+)\}")


def fill(template: str, lang: str):
    loc = RND.choice(LOCALES[lang])
    if "{natid}" in template and loc not in NATID:
        loc = [l for l in LOCALES[lang] if l in NATID][0]
    f = FK[loc]
    first, last = f.first_name(), f.last_name()
    g2, l2 = f.first_name(), f.last_name()
    people = {"": (first, last), "2": (g2, l2)}
    out, spans = [], []
    pos = 0

    def add(seg: str, et):
        start = sum(len(x) for x in out)
        out.append(seg)
        if et:
            spans.append([start, start + len(seg), et, seg])

    for part in re.split(r"(\{[^}]+\})", template):
        if not (part.startswith("{") and part.endswith("}")):
            add(part, None)
            continue
        slot = part[1:-1]
        if slot.startswith("c:"):
            add(code(slot[2:], lang), None)
            continue
        base = slot.rstrip("2")
        suf = "2" if slot.endswith("2") and base in ("name", "first", "last", "tname", "NAME", "name_lc", "email") else ""
        if suf == "":
            base = slot
        fn, ln = people[suf]
        if base == "name":
            add(casing(f"{fn} {ln}"), "PERSON")
        elif base == "name_lc":
            add(f"{fn} {ln}".lower(), "PERSON")
        elif base == "NAME":
            add(f"{fn} {ln}".upper(), "PERSON")
        elif base == "first":
            add(casing(fn), "PERSON")
        elif base == "last":
            add(casing(ln, 0.05, 0.10), "PERSON")
        elif base == "tname":
            t = RND.choice(TITLES[lang])
            nm = ln if RND.random() < 0.5 else f"{fn} {ln}"
            if RND.random() < 0.06:
                t, nm = t.upper(), nm.upper()
            add(t, "TITLE")
            add(" ", None)
            add(nm, "PERSON")
        elif base == "email":
            if RND.random() < 0.6:
                raw = RND.choice([f"{fn}.{ln}", f"{fn[0]}{ln}", f"{ln}{RND.randint(1, 99)}", f"{fn}_{ln[0]}"]).lower()
                raw = "".join(ch for ch in unicodedata.normalize("NFKD", raw.replace("ß", "ss")) if not unicodedata.combining(ch))
                user = re.sub(r"[^a-z0-9._]", "", raw)
                add(f"{user}@{f.free_email_domain()}", "EMAIL_ADDRESS")
            else:
                add(f.email(), "EMAIL_ADDRESS")
        elif slot == "phone":
            add(phone(loc, f), "PHONE_NUMBER")
        elif slot == "iban":
            add(iban(f), "IBAN_CODE")
        elif slot == "card":
            add(card(f), "CREDIT_CARD")
        elif slot == "street":
            add(re.sub(r"\s*\n\s*", ", ", f.street_address()).strip(), "STREET_ADDRESS")
        elif slot == "postcode":
            add(f.postcode(), "POSTCODE")
        elif slot == "city":
            add(casing(f.city(), 0.05, 0.08), "LOCATION")
        elif slot == "date":
            add(date(lang, f, False), "DATE_TIME")
        elif slot == "dob":
            add(date(lang, f, True), "DATE_OF_BIRTH")
        elif slot == "age":
            add(str(RND.randint(19, 91)), "AGE")
        elif slot == "natid":
            add(natid(loc, f), NATID[loc])
        else:
            raise KeyError(slot)
    text = "".join(out)
    for sp in spans:  # every gold span's text equals the value filled in
        assert text[sp[0]:sp[1]] == sp[3], (text, sp)
    return text, [sp[:3] for sp in spans], loc


from templates import TEMPLATES  # noqa: E402


def generate():
    rows = []
    for lang, temps in TEMPLATES.items():
        for ti, tpl in enumerate(temps):
            for _ in range(PER_TEMPLATE[lang]):
                text, spans, loc = fill(tpl, lang)
                rows.append({"lang": lang, "locale": loc, "template_id": f"hx-{lang}-{ti:02d}", "text": text, "spans": spans})
    return rows


def validate(rows):
    for r in rows:
        t = r["text"]
        prev = -1
        for s, e, et in r["spans"]:
            assert 0 <= s < e <= len(t), r
            assert s >= prev, ("overlap", r)
            prev = e
            assert t[s:e] == t[s:e].strip() and t[s:e], ("span whitespace", r)
    return True


if __name__ == "__main__":
    rows = generate()
    validate(rows)
    with OUT.open("w", encoding="utf-8") as fh:
        for r in rows:
            fh.write(json.dumps(r, ensure_ascii=False) + "\n")
    from collections import Counter
    print(Counter(r["lang"] for r in rows), Counter(t for r in rows for _, _, t in r["spans"]))
