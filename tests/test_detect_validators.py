"""Checksum validators: published valid examples pass, one-digit changes fail."""

import pytest

from privsynth.detect.validators import VALIDATORS
from privsynth.errors import PolicyError

VALID = [
    ("luhn", "4111 1111 1111 1111"),
    ("iban", "GB82 WEST 1234 5698 7654 32"),
    ("iban", "DE89370400440532013000"),
    ("uk_nhs", "943 476 5919"),
    ("uk_nino", "AB 12 34 56 C"),
    ("de_tax_id", "86095742719"),
    ("fr_nir", "2 55 08 14 168 025 38"),
    ("es_dni", "12345678Z"),
    ("es_nie", "X1234567L"),
    ("it_fiscal_code", "RSSMRA85T10A562S"),
    ("nl_bsn", "111222333"),
    ("pl_pesel", "44051401359"),
    ("se_personnummer", "811228-9874"),
    ("imei", "490154203237518"),
    ("eu_vat", "DE136695976"),
    ("eu_vat", "IT00743110157"),
    ("us_ssn", "536-22-1234"),
    ("ipv4", "192.168.10.1"),
    ("ipv6", "2001:db8::8a2e:370:7334"),
    ("gps", "52.5200, 13.4050"),
]
INVALID = [
    ("luhn", "4111 1111 1111 1112"),
    ("luhn", "0000 0000 0000 0000"),
    ("iban", "GB82 WEST 1234 5698 7654 33"),
    ("iban", "GB82WEST123"),
    ("uk_nhs", "943 476 5918"),
    ("uk_nino", "BG123456C"),
    ("uk_nino", "AB123456E"),
    ("de_tax_id", "86095742718"),
    ("fr_nir", "2 55 08 14 168 025 39"),
    ("es_dni", "12345678A"),
    ("es_nie", "X1234567A"),
    ("it_fiscal_code", "RSSMRA85T10A562T"),
    ("nl_bsn", "123456789"),
    ("pl_pesel", "44051401358"),
    ("se_personnummer", "811228-9873"),
    ("imei", "490154203237519"),
    ("eu_vat", "XX123456789"),
    ("us_ssn", "000-12-3456"),
    ("ipv4", "999.1.1.1"),
    ("gps", "95.0, 13.4"),
]


@pytest.mark.parametrize("name,value", VALID)
def test_published_valid_identifiers_pass_their_validator(name, value):
    assert VALIDATORS.get(name)(value) is True


@pytest.mark.parametrize("name,value", INVALID)
def test_altered_or_malformed_identifiers_fail_their_validator(name, value):
    assert VALIDATORS.get(name)(value) is False


def test_unknown_validator_name_is_a_one_line_policy_error():
    with pytest.raises(PolicyError) as e:
        VALIDATORS.get("nope", "policy scan.recognizers[0]")
    assert "\n" not in str(e.value) and "luhn" in str(e.value)


def test_de_tax_id_agrees_with_presidio_on_its_own_examples():
    from presidio_analyzer.predefined_recognizers import DeTaxIdRecognizer

    rec = DeTaxIdRecognizer()
    for v in ("86095742719", "47036892816", "86095742718"):
        assert bool(rec.validate_result(v)) == VALIDATORS.get("de_tax_id")(v)


FAKER_IDS = [
    ("pl_PL", "pesel", "pl_pesel"),
    ("es_ES", "nif", "es_dni"),
    ("es_ES", "nie", "es_nie"),
    ("it_IT", "ssn", "it_fiscal_code"),
    ("nl_NL", "ssn", "nl_bsn"),
    ("sv_SE", "ssn", "se_personnummer"),
    ("fr_FR", "ssn", "fr_nir"),
    ("de_DE", "vat_id", "eu_vat"),
    ("de_DE", "iban", "iban"),
    ("en_US", "ssn", "us_ssn"),
]


@pytest.mark.parametrize("locale,method,validator", FAKER_IDS)
def test_validators_accept_identifiers_from_fakers_independent_generators(locale, method, validator):
    from faker import Faker

    fk = Faker(locale)
    fk.seed_instance(5)
    values = [getattr(fk, method)() for _ in range(50)]
    assert all(VALIDATORS.get(validator)(v) for v in values)


@pytest.mark.parametrize("validator,length", [("pl_pesel", 11), ("nl_bsn", 9), ("de_tax_id", 11), ("uk_nhs", 10)])
def test_random_digit_strings_mostly_fail_checksums(validator, length):
    import random

    rnd = random.Random(0)
    hits = sum(VALIDATORS.get(validator)("".join(rnd.choice("123456789") for _ in range(length))) for _ in range(2000))
    assert hits / 2000 < 0.12


@pytest.mark.parametrize("payload", ["7992739871", "453201511283036", "35301113333000", "0"])
def test_a_luhn_check_digit_makes_the_number_pass_and_any_other_digit_fails(payload):
    from privsynth.checksums import luhn_check_digit, luhn_ok

    good = luhn_check_digit(payload)
    assert luhn_ok(payload + good)
    assert not any(luhn_ok(payload + d) for d in "0123456789" if d != good)


def test_iban_check_digits_rebuild_a_known_iban():
    from privsynth.checksums import iban_check_digits, iban_ok

    assert iban_check_digits("GB", "WEST12345698765432") == "82"  # GB82 WEST 1234 5698 7654 32
    assert iban_ok("GB82 WEST 1234 5698 7654 32") and not iban_ok("GB83WEST12345698765432")
