"""Fake-value generators the declarations name in `EntityType.fake`.

Each takes a seeded Faker and a seeded `random.Random` and returns one string; the synthesis
stage (`privsynth.synthesize.identifiers.fake_values`) seeds both, redraws values equal to real
ones and falls back to an opaque token of the type.
"""

from __future__ import annotations

import random
from typing import Any

from privsynth.checksums import luhn_check_digit
from privsynth.entities.model import FakeGenerator


def faker_method(name: str, **kw: Any) -> FakeGenerator:
    """A generator calling `Faker.<name>(**kw)` (see Faker's provider docs for the formats)."""

    def gen(f: Any, r: random.Random) -> str:
        return str(getattr(f, name)(**kw))

    gen.__name__ = f"faker_{name}"
    return gen


def imei(f: Any, r: random.Random) -> str:
    """15 digits, the last a Luhn check digit (3GPP TS 23.003)."""
    payload = "".join(str(r.randrange(10)) for _ in range(14))
    return payload + luhn_check_digit(payload)


def card_damaged(f: Any, r: random.Random) -> str:
    """What a spreadsheet makes of a 16-digit card number: 6 significant digits, scientific notation."""
    num = int(f.credit_card_number(card_type="mastercard"))
    return f"{num:.5E}"


def record_id(f: Any, r: random.Random) -> str:
    """A 10-digit number, uniform in [10^9, 10^10)."""
    return str(r.randrange(10**9, 10**10))


def gps(f: Any, r: random.Random) -> str:
    """"lat, lon" in decimal degrees with 5 decimals."""
    return f"{float(f.latitude()):.5f}, {float(f.longitude()):.5f}"


def age(f: Any, r: random.Random) -> str:
    """An adult age in years, 18-89."""
    return str(r.randrange(18, 90))


# RFC 2606 reserves example.com/.net/.org and the TLDs .example, .test, .invalid; RFC 6761 says
# no resolver may treat them as real: an address there reaches no mailbox.
RESERVED_EMAIL_DOMAINS = ("example.com", "example.net", "example.org", "mail.example", "post.test")


def email(f: Any, r: random.Random) -> str:
    """user name + 0-99 @ a domain reserved by RFC 2606/6761 (never a real provider's)."""
    return f"{f.user_name()}{r.randrange(100)}@{r.choice(RESERVED_EMAIL_DOMAINS)}"


# Telephone numbers set aside for drama and fiction (never assigned to a subscriber):
# - GB: Ofcom's TV/radio drama ranges, e.g. 020 7946 0000-0999, 0161 496 0000-0999, 0113 496 0000-0999,
#   0117 496 0000-0999, 0131 496 0000-0999, 01632 960000-960999, mobile 07700 900000-900999;
# - US/CA (NANP): 555-0100 to 555-0199 in any area code (NANPA);
# - AU: ACMA's (02/03/07/08) 5550 xxxx.
# Countries without such a range (DE, FR, ...) get a GB drama number in international format: it
# cannot reach anyone, at the cost of the country code.
GB_DRAMA_RANGES = (("20", "7946 0", 3), ("161", "496 0", 3), ("113", "496 0", 3), ("117", "496 0", 3),
             ("131", "496 0", 3), ("1632", "960", 3), ("7700", "900", 3))
US_AREAS = ("201", "212", "312", "415", "503", "617", "702", "808", "907")
AU_AREAS = ("2", "3", "7", "8")


def fiction_phone(f: Any, r: random.Random) -> str:
    """A phone number from a range reserved for fiction in the Faker locale's country (see above)."""
    loc = (getattr(f, "locales", None) or ["en_US"])[0]
    country = loc.split("_")[-1].upper()
    digits = lambda n: "".join(str(r.randrange(10)) for _ in range(n))  # noqa: E731
    if country in ("US", "CA"):
        return f"({r.choice(US_AREAS)}) 555-01{digits(2)}"
    if country == "AU":
        return f"(0{r.choice(AU_AREAS)}) 5550 {digits(4)}"
    area, block, n = r.choice(GB_DRAMA_RANGES)
    if country == "GB":
        return f"0{area} {block}{digits(n)}"
    return f"+44 {area} {block}{digits(n)}"


def us_ssn(f: Any, r: random.Random) -> str:
    """AAA-GG-SSSS with area 100-899, group 01-99, serial 0001-9999."""
    return f"{r.randrange(100, 900):03d}-{r.randrange(1, 100):02d}-{r.randrange(1, 10000):04d}"


def date_of_birth(f: Any, r: random.Random) -> str:
    """An ISO date of birth of an adult (18-90 years)."""
    return f.date_of_birth(minimum_age=18, maximum_age=90).isoformat()


def date_time(f: Any, r: random.Random) -> str:
    """An ISO date and time, space-separated."""
    return f.date_time().isoformat(sep=" ")


def username(f: Any, r: random.Random) -> str:
    """A user name + 0-999."""
    return f"{f.user_name()}{r.randrange(1000)}"
