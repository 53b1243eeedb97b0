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


DNI_LETTERS = "TRWAGMYFPDXBNJZSQVHLCKE"


def es_dni_letter(number: int) -> str:
    """The control letter of a Spanish DNI number (or NIE, X/Y/Z read as 0/1/2): mod 23 (Real Decreto 1553/2005)."""
    return DNI_LETTERS[number % 23]


_CF_ODD = dict(zip("0123456789", [1, 0, 5, 7, 9, 13, 15, 17, 19, 21]))
_CF_ODD.update(zip("ABCDEFGHIJKLMNOPQRSTUVWXYZ", [1, 0, 5, 7, 9, 13, 15, 17, 19, 21, 2, 4, 18, 20, 11, 3, 6, 8, 12, 14, 16, 10, 22, 25, 24, 23]))
_CF_EVEN = {**{str(i): i for i in range(10)}, **{c: i for i, c in enumerate("ABCDEFGHIJKLMNOPQRSTUVWXYZ")}}
CF_MONTHS = "ABCDEHLMPRST"


def it_fiscal_code_check_char(payload: str) -> str:
    """The check character of an Italian codice fiscale from its first 15 characters (upper case):
    odd/even position tables of DM 23 dicembre 1976. Raises KeyError on a character outside A-Z0-9."""
    total = sum(_CF_ODD[c] if i % 2 == 0 else _CF_EVEN[c] for i, c in enumerate(payload[:15]))
    return chr(ord("A") + total % 26)


def pt_nif_check_digit(body: str) -> str:
    """The check digit of a Portuguese NIF from its first 8 digits: weights 9..2, 11 - (sum mod 11),
    10 and 11 written 0 (Autoridade Tributária; python-stdnum `stdnum.pt.nif` computes the same)."""
    total = sum(int(c) * w for c, w in zip(body[:8], range(9, 1, -1)))
    return str((11 - total % 11) % 11 % 10)
