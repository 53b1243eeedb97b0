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


def email(f: Any, r: random.Random) -> str:
    """user name + 0-99 @ a free-mail domain."""
    return f"{f.user_name()}{r.randrange(100)}@{f.free_email_domain()}"


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
