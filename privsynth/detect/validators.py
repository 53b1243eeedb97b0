"""Checksum and format validators, registered by name so policies can refer to them.

Each validator takes the matched text (as found in a cell or document) and returns True when it
is a valid identifier of that kind. Separators (spaces, dashes, dots, slashes) are ignored.
Policies name them in `scan.recognizers[].validator`.
"""

from __future__ import annotations

import datetime as _dt
import re
from typing import Callable

from privsynth.checksums import es_dni_letter, iban_int, it_fiscal_code_check_char, luhn_ok, pt_nif_check_digit
from privsynth.registry import Registry

Validator = Callable[[str], bool]
VALIDATORS: Registry[Validator] = Registry("validator")

_SEP = re.compile(r"[\s\-./]")


def _compact(s: str) -> str:
    return _SEP.sub("", s).upper()


def _digits(s: str) -> str:
    return _SEP.sub("", s)


@VALIDATORS.register("luhn")
def luhn(text: str) -> bool:
    """Luhn (mod 10) over the 12-19 digits of the match (other characters ignored): card numbers."""
    d = re.sub(r"\D", "", text)
    return d.isdigit() and 12 <= len(d) <= 19 and len(set(d)) > 1 and luhn_ok(d)


@VALIDATORS.register("imei")
def imei(text: str) -> bool:
    """IMEI: 15 digits with a Luhn check digit."""
    d = _digits(text)
    return d.isdigit() and len(d) == 15 and len(set(d)) > 1 and luhn_ok(d)


_IBAN_LEN = {
    "AD": 24, "AE": 23, "AL": 28, "AT": 20, "AZ": 28, "BA": 20, "BE": 16, "BG": 22, "BH": 22, "BR": 29,
    "BY": 28, "CH": 21, "CR": 22, "CY": 28, "CZ": 24, "DE": 22, "DK": 18, "DO": 28, "EE": 20, "EG": 29,
    "ES": 24, "FI": 18, "FO": 18, "FR": 27, "GB": 22, "GE": 22, "GI": 23, "GL": 18, "GR": 27, "GT": 28,
    "HR": 21, "HU": 28, "IE": 22, "IL": 23, "IQ": 23, "IS": 26, "IT": 27, "JO": 30, "KW": 30, "KZ": 20,
    "LB": 28, "LC": 32, "LI": 21, "LT": 20, "LU": 20, "LV": 21, "MC": 27, "MD": 24, "ME": 22, "MK": 19,
    "MR": 27, "MT": 31, "MU": 30, "NL": 18, "NO": 15, "PK": 24, "PL": 28, "PS": 29, "PT": 25, "QA": 29,
    "RO": 24, "RS": 22, "SA": 24, "SC": 31, "SE": 24, "SI": 19, "SK": 24, "SM": 27, "ST": 25, "SV": 28,
    "TL": 23, "TN": 24, "TR": 26, "UA": 29, "VA": 22, "VG": 24, "XK": 20,
}


@VALIDATORS.register("iban")
def iban(text: str) -> bool:
    """IBAN: known country length and ISO 7064 mod-97 == 1."""
    s = _compact(text)
    if len(s) < 15 or not s[:2].isalpha() or not s[2:4].isdigit() or not s.isalnum():
        return False
    if _IBAN_LEN.get(s[:2]) != len(s):
        return False
    return iban_int(s[4:] + s[:4]) % 97 == 1


_NINO = re.compile(r"^(?!BG|GB|NK|KN|TN|NT|ZZ)[A-CEGHJ-PR-TSW-Z][A-CEGHJ-NPR-TW-Z]\d{6}[A-D]$")


@VALIDATORS.register("uk_nino")
def uk_nino(text: str) -> bool:
    """UK National Insurance number: prefix rules (no checksum exists)."""
    return bool(_NINO.match(_compact(text)))


@VALIDATORS.register("uk_nhs")
def uk_nhs(text: str) -> bool:
    """NHS number: 10 digits, mod-11 check digit."""
    d = _digits(text)
    if not (d.isdigit() and len(d) == 10) or len(set(d)) == 1:
        return False
    total = sum(int(c) * w for c, w in zip(d[:9], range(10, 1, -1)))
    check = 11 - total % 11
    if check == 11:
        check = 0
    return check != 10 and check == int(d[9])


@VALIDATORS.register("de_tax_id")
def de_tax_id(text: str) -> bool:
    """German Steuer-IdNr: 11 digits, ISO 7064 MOD 11,10 and the repeated-digit rule."""
    d = _digits(text)
    if not (d.isdigit() and len(d) == 11) or d[0] == "0":
        return False
    counts = sorted((d[:10].count(c) for c in set(d[:10])), reverse=True)
    if counts[0] not in (2, 3) or (len(counts) > 1 and counts[1] > 1):
        return False
    product = 10
    for c in d[:10]:
        s = (int(c) + product) % 10
        if s == 0:
            s = 10
        product = (2 * s) % 11
    check = 11 - product
    if check == 10:
        check = 0
    return check == int(d[10])


@VALIDATORS.register("fr_nir")
def fr_nir(text: str) -> bool:
    """French NIR (numéro de sécurité sociale): 13 characters + 2-digit key, 97 - n mod 97."""
    s = _compact(text)
    if len(s) != 15 or s[0] not in "12345678":
        return False
    body, key = s[:13], s[13:]
    body = body.replace("2A", "19", 1) if body[5:7] == "2A" else body.replace("2B", "18", 1) if body[5:7] == "2B" else body
    if not body.isdigit() or not key.isdigit():
        return False
    month = int(body[3:5])
    if not (1 <= month <= 12 or 20 <= month <= 42 or 50 <= month <= 99):
        return False
    return 97 - int(body) % 97 == int(key)


@VALIDATORS.register("es_dni")
def es_dni(text: str) -> bool:
    """Spanish DNI/NIF: 8 digits + control letter (mod 23)."""
    s = _compact(text)
    return len(s) == 9 and s[:8].isdigit() and s[8] == es_dni_letter(int(s[:8]))


@VALIDATORS.register("es_nie")
def es_nie(text: str) -> bool:
    """Spanish NIE: X/Y/Z + 7 digits + control letter (mod 23)."""
    s = _compact(text)
    if len(s) != 9 or s[0] not in "XYZ" or not s[1:8].isdigit():
        return False
    n = int(str("XYZ".index(s[0])) + s[1:8])
    return s[8] == es_dni_letter(n)


_CF_RE = re.compile(r"^[A-Z]{6}[0-9LMNPQRSTUV]{2}[ABCDEHLMPRST][0-9LMNPQRSTUV]{2}[A-Z][0-9LMNPQRSTUV]{3}[A-Z]$")


@VALIDATORS.register("it_fiscal_code")
def it_fiscal_code(text: str) -> bool:
    """Italian codice fiscale: 16 characters with the odd/even check letter."""
    s = _compact(text)
    if not _CF_RE.match(s):
        return False
    return it_fiscal_code_check_char(s[:15]) == s[15]


@VALIDATORS.register("nl_bsn")
def nl_bsn(text: str) -> bool:
    """Dutch BSN: 9 digits, the 11-proef."""
    d = _digits(text)
    if len(d) == 8:
        d = "0" + d
    if not (d.isdigit() and len(d) == 9) or int(d) == 0:
        return False
    total = sum(int(c) * w for c, w in zip(d[:8], range(9, 1, -1))) - int(d[8])
    return total % 11 == 0


# first digits the Autoridade Tributária assigns: 1-3 people, 45 non-resident people, 5 companies,
# 6 public bodies, 70-79 estates/funds/non-residents (not 73, 76), 8 sole traders (no longer issued),
# 90/91 condominiums and irregular companies, 98 non-residents without an establishment, 99 civil companies
_PT_NIF_FIRST = frozenset("123568")
_PT_NIF_FIRST_TWO = frozenset({"45", "70", "71", "72", "74", "75", "77", "78", "79", "90", "91", "98", "99"})


@VALIDATORS.register("pt_nif")
def pt_nif(text: str) -> bool:
    """Portuguese NIF/NIPC (número de identificação fiscal): 9 digits, an assigned first digit (or
    first two), mod-11 check digit (`privsynth.checksums.pt_nif_check_digit`)."""
    d = _digits(text)
    if not (d.isdigit() and len(d) == 9) or len(set(d)) == 1:
        return False
    if d[0] not in _PT_NIF_FIRST and d[:2] not in _PT_NIF_FIRST_TWO:
        return False
    return pt_nif_check_digit(d[:8]) == d[8]


@VALIDATORS.register("pl_pesel")
def pl_pesel(text: str) -> bool:
    """Polish PESEL: 11 digits, weighted check digit and a valid encoded birth date."""
    d = _digits(text)
    if not (d.isdigit() and len(d) == 11) or len(set(d)) == 1:
        return False
    w = [1, 3, 7, 9, 1, 3, 7, 9, 1, 3]
    check = (10 - sum(int(c) * k for c, k in zip(d, w)) % 10) % 10
    if check != int(d[10]):
        return False
    yy, mm, dd = int(d[:2]), int(d[2:4]), int(d[4:6])
    century = {0: 1900, 20: 2000, 40: 2100, 60: 2200, 80: 1800}
    base = mm - mm % 20
    if base not in century or not 1 <= mm % 20 <= 12:
        return False
    return _valid_date(century[base] + yy, mm % 20, dd)


def _valid_date(y: int, m: int, d: int) -> bool:
    try:
        _dt.date(y, m, d)
        return True
    except ValueError:
        return False


@VALIDATORS.register("se_personnummer")
def se_personnummer(text: str) -> bool:
    """Swedish personnummer/samordningsnummer: (YY)YYMMDD-NNNC, Luhn over 10 digits, valid date."""
    s = re.sub(r"[\s\-+]", "", text)
    if not s.isdigit() or len(s) not in (10, 12):
        return False
    ten = s[-10:]
    mm, dd = int(ten[2:4]), int(ten[4:6])
    if dd > 60:
        dd -= 60  # samordningsnummer
    year = int(s[:4]) if len(s) == 12 else 2000 + int(ten[:2])
    if not (_valid_date(year, mm, dd) or _valid_date(year - 100, mm, dd)):
        return False
    return luhn_ok(ten)


_VAT = {
    "AT": r"U\d{8}", "BE": r"[01]\d{9}", "BG": r"\d{9,10}", "CY": r"\d{8}[A-Z]", "CZ": r"\d{8,10}",
    "DE": r"\d{9}", "DK": r"\d{8}", "EE": r"\d{9}", "EL": r"\d{9}", "ES": r"[A-Z0-9]\d{7}[A-Z0-9]",
    "FI": r"\d{8}", "FR": r"[A-HJ-NP-Z0-9]{2}\d{9}", "HR": r"\d{11}", "HU": r"\d{8}", "IE": r"\d[A-Z0-9+*]\d{5}[A-Z]{1,2}",
    "IT": r"\d{11}", "LT": r"\d{9}|\d{12}", "LU": r"\d{8}", "LV": r"\d{11}", "MT": r"\d{8}", "NL": r"\d{9}B\d{2}",
    "PL": r"\d{10}", "PT": r"\d{9}", "RO": r"\d{2,10}", "SE": r"\d{10}01", "SI": r"\d{8}", "SK": r"\d{10}",
    "XI": r"\d{9}|\d{12}", "GB": r"\d{9}|\d{12}", "CHE": r"\d{9}(?:MWST|TVA|IVA)?",
}
_VAT_RE = {k: re.compile(rf"^(?:{v})$") for k, v in _VAT.items()}


@VALIDATORS.register("eu_vat")
def eu_vat(text: str) -> bool:
    """EU VAT identification number: country prefix + that country's format (format check only,
    plus the mod-97-style checks for DE, IT and NL where the pattern alone is weak)."""
    s = _compact(text)
    cc = "CHE" if s.startswith("CHE") else s[:2]
    rx = _VAT_RE.get(cc)
    body = s[len(cc):]
    if rx is None or not rx.match(body):
        return False
    if cc == "IT":  # Luhn-like partita IVA
        return luhn_ok(body)
    if cc == "DE":  # ISO 7064 MOD 11,10 on 9 digits
        product = 10
        for c in body[:8]:
            t = (int(c) + product) % 10 or 10
            product = (2 * t) % 11
        check = (11 - product) % 10
        return check == int(body[8])
    return True


@VALIDATORS.register("us_ssn")
def us_ssn(text: str) -> bool:
    """US SSN: 9 digits with valid area/group/serial (not 000, 666, 9xx; group/serial not zero)."""
    d = _digits(text)
    if not (d.isdigit() and len(d) == 9) or len(set(d)) == 1:
        return False
    return d[:3] not in ("000", "666") and d[0] != "9" and d[3:5] != "00" and d[5:] != "0000"


@VALIDATORS.register("ipv4")
def ipv4(text: str) -> bool:
    import ipaddress

    try:
        ipaddress.IPv4Address(text.strip())
        return True
    except ValueError:
        return False


@VALIDATORS.register("ipv6")
def ipv6(text: str) -> bool:
    import ipaddress

    try:
        ipaddress.IPv6Address(text.strip())
        return True
    except ValueError:
        return False


@VALIDATORS.register("gps")
def gps(text: str) -> bool:
    """A latitude, longitude pair in decimal degrees within range."""
    m = re.match(r"^\s*\(?\s*([+-]?\d{1,2}(?:\.\d+))\s*[,;\s]\s*([+-]?\d{1,3}(?:\.\d+))\s*\)?\s*$", text)
    if not m:
        return False
    lat, lon = float(m.group(1)), float(m.group(2))
    return -90 <= lat <= 90 and -180 <= lon <= 180


def get_validator(name: str, where: str = "") -> Validator:
    return VALIDATORS.get(name, where)
