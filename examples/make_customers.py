"""Generate examples/customers.csv: fictitious customers of a UK retailer (fixed seed).

Every value is made up by Faker or by the random generator below; any resemblance to a real
person is chance. The table deliberately mixes what a real extract holds: direct identifiers,
quasi-identifiers, a special-category column (GDPR Art. 9), a numeric sensitive column and a
free-text column that mentions names, phone numbers and e-mail addresses.

Run:  python examples/make_customers.py [--rows 10000] [--out examples/customers.csv]
"""

from __future__ import annotations

import argparse
import csv
import random
from pathlib import Path

from faker import Faker

SEED = 20261127
DIAGNOSES = [
    "none", "asthma", "type 2 diabetes", "hypertension", "depression", "migraine",
    "coeliac disease", "eczema", "arthritis", "anxiety disorder", "COPD", "epilepsy",
]
DIAG_WEIGHTS = [40, 9, 7, 10, 6, 5, 3, 5, 6, 5, 2, 2]
TIERS = ["bronze", "silver", "gold", "platinum"]
CHANNELS = ["web", "store", "phone", "app"]
NINO_FIRST = "ABCEGHJKLMNOPRSTWXYZ"
NINO_SECOND = "ABCEGHJKLMNPRSTWXYZ"
# (city, postcode area, share of customers): a retailer's catchment, not a census.
CITIES = [
    ("London", "E", 16), ("London", "SW", 10), ("Manchester", "M", 9), ("Birmingham", "B", 9),
    ("Leeds", "LS", 6), ("Glasgow", "G", 6), ("Liverpool", "L", 5), ("Bristol", "BS", 5),
    ("Sheffield", "S", 4), ("Edinburgh", "EH", 4), ("Cardiff", "CF", 4), ("Newcastle upon Tyne", "NE", 4),
    ("Nottingham", "NG", 3), ("Leicester", "LE", 3), ("Southampton", "SO", 2), ("Brighton", "BN", 2),
    ("Belfast", "BT", 2), ("Norwich", "NR", 2), ("York", "YO", 2), ("Oxford", "OX", 2),
]
NOTE_TEMPLATES = [
    "Customer {name} called from {phone} about a late delivery; promised a refund.",
    "Please email {email} the updated invoice before Friday.",
    "{name} asked us to stop sending catalogues. Confirmed by e-mail to {email}.",
    "Spoke with {name} ({phone}); wants to change the delivery address.",
    "Loyalty upgrade requested. Contact {first} on {phone} after 5pm.",
    "Complaint about the returns process, escalated to the store manager.",
    "No issues reported.",
    "Card declined twice; {name} will call back from {phone}.",
    "Newsletter bounced for {email}; asked {first} for a new address.",
    "Gift order for {other}, to be delivered to {street}.",
]


def nino(rng: random.Random) -> str:
    prefix = rng.choice(NINO_FIRST) + rng.choice(NINO_SECOND)
    while prefix in {"BG", "GB", "NK", "KN", "TN", "NT", "ZZ"}:
        prefix = rng.choice(NINO_FIRST) + rng.choice(NINO_SECOND)
    return f"{prefix}{rng.randrange(10**6):06d}{rng.choice('ABCD')}"


def postcode(rng: random.Random, area: str) -> str:
    letters = "ABDEFGHJLNPQRSTUWXYZ"
    return f"{area}{rng.randint(1, 20)} {rng.randint(0, 9)}{rng.choice(letters)}{rng.choice(letters)}"


def make_rows(n: int, seed: int = SEED) -> list[dict[str, object]]:
    fake = Faker("en_GB")
    fake.seed_instance(seed)
    rng = random.Random(seed)
    rows = []
    for i in range(n):
        first, last = fake.first_name(), fake.last_name()
        name = f"{first} {last}"
        user = f"{first}.{last}".lower().replace("'", "").replace(" ", "")
        email = f"{user}{rng.randrange(100)}@{rng.choice(['example.com', 'example.org', 'mail.example.net'])}"
        phone = fake.phone_number()
        street = fake.street_address().replace("\n", ", ")
        birth = fake.date_of_birth(minimum_age=18, maximum_age=90)
        city, area, _ = rng.choices(CITIES, weights=[c[2] for c in CITIES])[0]
        tier = rng.choices(TIERS, weights=[50, 30, 15, 5])[0]
        spend = round(rng.lognormvariate(6.3 + 0.5 * TIERS.index(tier), 0.6), 2)
        template = rng.choice(NOTE_TEMPLATES)
        note = template.format(name=name, first=first, phone=phone, email=email, other=fake.name(), street=street)
        rows.append(
            {
                "customer_id": f"C{100000 + i}",
                "full_name": name,
                "email": email,
                "phone": phone,
                "iban": fake.iban(),
                "national_insurance_number": nino(rng),
                "street_address": street,
                "birth_date": birth.isoformat(),
                "postcode": postcode(rng, area),
                "gender": rng.choices(["female", "male", "non-binary"], weights=[49, 49, 2])[0],
                "city": city,
                "diagnosis": rng.choices(DIAGNOSES, weights=DIAG_WEIGHTS)[0],
                "loyalty_tier": tier,
                "signup_channel": rng.choice(CHANNELS),
                "orders_last_year": max(0, int(rng.gauss(8 + 6 * TIERS.index(tier), 4))),
                "annual_spend": spend,
                "notes": note,
            }
        )
    return rows


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rows", type=int, default=10000)
    ap.add_argument("--seed", type=int, default=SEED)
    ap.add_argument("--out", type=Path, default=Path(__file__).with_name("customers.csv"))
    a = ap.parse_args()
    rows = make_rows(a.rows, a.seed)
    with open(a.out, "w", newline="", encoding="utf-8") as f:
        w = csv.DictWriter(f, fieldnames=list(rows[0]))
        w.writeheader()
        w.writerows(rows)
    print(f"wrote {a.out} ({len(rows)} rows)")


if __name__ == "__main__":
    main()
