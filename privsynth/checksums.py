"""Check-digit arithmetic shared by detection (validators), pseudonymization (surrogates with
valid checksums) and synthesis (fake identifiers): one implementation of each scheme."""

from __future__ import annotations

import re


def _luhn_sum(digits: str, double_even_from_right: bool) -> int:
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = ord(ch) - 48
        if (i % 2 == 0) == double_even_from_right:
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return total


def luhn_ok(digits: str) -> bool:
    """Luhn (mod 10) check of a string of digits, check digit last."""
    return digits.isdigit() and len(digits) >= 2 and _luhn_sum(digits, False) % 10 == 0


def luhn_check_digit(payload: str) -> str:
    """The digit that makes `payload + digit` pass the Luhn check."""
    return str((10 - _luhn_sum(payload, True) % 10) % 10)


def iban_int(s: str) -> int:
    """ISO 7064 letters-to-digits value (A=10 ... Z=35) of an alphanumeric string."""
    return int("".join(str(int(c, 36)) for c in s))


def iban_ok(iban: str) -> bool:
    """IBAN syntax and mod-97 == 1 (country lengths are checked by the detect validator)."""
    s = re.sub(r"\s", "", iban).upper()
    if not re.fullmatch(r"[A-Z]{2}\d{2}[A-Z0-9]{8,30}", s):
        return False
    return iban_int(s[4:] + s[:4]) % 97 == 1


def iban_check_digits(country: str, bban: str) -> str:
    """The two check digits of an IBAN with this country code and BBAN."""
    return f"{98 - iban_int(bban + country + '00') % 97:02d}"
