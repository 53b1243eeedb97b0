"""Column decisions on a small Faker table, with real Presidio."""

import json

import numpy as np
import pandas as pd
import pytest

from privsynth.detect import build_analyzer, scan_table
from privsynth.policy.models import ColumnRule, Policy, RecognizerSpec, PatternSpec
from privsynth.errors import PolicyError


@pytest.fixture(scope="module")
def analyzer():
    return build_analyzer(Policy())


@pytest.fixture(scope="module")
def table():
    from faker import Faker

    fk = Faker("en_GB")
    Faker.seed(3)
    rng = np.random.default_rng(3)
    n = 300
    notes = [f"Patient {fk.name()} called from {fk.phone_number()} about the appointment on {fk.date()}." for _ in range(n)]
    return pd.DataFrame({
        "customer_id": [f"C{100000 + i}" for i in range(n)],
        "Nachname": [fk.last_name() for _ in range(n)],
        "courriel": [fk.email() for _ in range(n)],
        "contact": [fk.phone_number() for _ in range(n)],
        "iban": [fk.iban() for _ in range(n)],
        "pan": [fk.credit_card_number(card_type="visa16") for _ in range(n)],
        "cc_damaged": [float(f"{int(fk.credit_card_number(card_type='mastercard')):.5E}") for _ in range(n)],
        "age": rng.integers(18, 90, n),
        "sex": rng.choice(["M", "F"], n),
        "Religion": rng.choice(["Catholic", "Muslim", "None", "Jewish"], n),
        "notes": notes,
        "temperature": rng.normal(20, 5, n).round(3),
        "empty": [np.nan] * n,
        "ipv4": [fk.ipv4() for _ in range(n)],
    })


EXPECTED = {
    "customer_id": ("direct_identifier", "RECORD_ID"),
    "Nachname": ("direct_identifier", "LAST_NAME"),
    "courriel": ("direct_identifier", "EMAIL_ADDRESS"),
    "contact": ("direct_identifier", "PHONE_NUMBER"),
    "iban": ("direct_identifier", "IBAN_CODE"),
    "pan": ("direct_identifier", "CREDIT_CARD"),
    "cc_damaged": ("direct_identifier", "CREDIT_CARD_DAMAGED"),
    "age": ("quasi_identifier", "AGE"),
    "sex": ("quasi_identifier", "GENDER"),
    "Religion": ("special_category", "RELIGION"),
    "notes": ("free_text", None),
    "temperature": ("non_personal", None),
    "empty": ("non_personal", None),
    "ipv4": ("direct_identifier", "IP_ADDRESS"),
}


@pytest.fixture(scope="module")
def result(analyzer, table):
    return scan_table(table, Policy())


@pytest.mark.parametrize("column", list(EXPECTED))
def test_each_column_gets_the_expected_category_and_entity(result, column):
    cat, ent = EXPECTED[column]
    c = result.by_name()[column]
    assert c.category == cat, c.evidence.get("reason")
    if ent is not None:
        assert c.entity_type == ent, c.evidence.get("reason")


def test_free_text_column_reports_spans_found_inside_cells(result):
    ev = result.by_name()["notes"].evidence
    assert ev["text_spans"].get("PERSON", 0) > 0 and ev["text_cells_with_pii"] > 0


def test_evidence_never_contains_a_sampled_value(result, table):
    blob = json.dumps([c.model_dump(mode="json") for c in result.columns])
    for col in ("Nachname", "courriel", "iban", "contact", "notes"):
        for v in table[col].head(50):
            assert str(v) not in blob


def test_evidence_names_the_recognizers_and_counts(result):
    ev = result.by_name()["iban"].evidence
    assert any(k.endswith(":IBAN_CODE") for k in ev["recognizers"])
    assert ev["sampled"] == 300 and ev["stats"]["uniqueness"] > 0.99


def test_no_nan_string_reaches_presidio_and_all_null_column_is_empty(result):
    c = result.by_name()["empty"]
    assert c.evidence["sampled"] == 0 and c.coverage == 0.0


def test_same_seed_gives_the_same_scan(table, result):
    again = scan_table(table, Policy())
    assert [c.model_dump() for c in again.columns] == [c.model_dump() for c in result.columns]


def test_policy_override_wins_and_is_marked(table):
    pol = Policy(columns={"temperature": ColumnRule(category="special_category", entity_type="HEALTH")})
    c = scan_table(table[["temperature"]], pol).columns[0]
    assert c.overridden and c.category == "special_category" and c.entity_type == "HEALTH"
    assert c.evidence["detected"]["category"] == "non_personal"


def test_progress_is_reported_per_column(table):
    calls = []
    scan_table(table[["age", "sex"]], Policy(), progress=lambda s, d, t: calls.append((s, d, t)))
    assert calls[-1] == ("scan", 2, 2)


def test_scientific_notation_card_strings_are_damaged_card_numbers():
    df = pd.DataFrame({"x": ["5.54563E+15", "4.71692E+15", "3.49812E+14", "5.31725E+15"] * 10})
    c = scan_table(df, Policy()).columns[0]
    assert c.entity_type == "CREDIT_CARD_DAMAGED" and c.category == "direct_identifier"


def test_custom_policy_recognizer_with_validator_decides_a_column():
    pol = Policy(scan={"recognizers": [RecognizerSpec(name="member", entity_type="MEMBER_CARD",
                                                       patterns=[PatternSpec(regex=r"\bMB-\d{16}\b", score=0.6)],
                                                       validator="luhn")]})
    from faker import Faker

    fk = Faker()
    Faker.seed(1)
    df = pd.DataFrame({"code": [f"MB-{fk.credit_card_number(card_type='visa16')}" for _ in range(40)]})
    c = scan_table(df, pol).columns[0]
    assert c.entity_type == "MEMBER_CARD" and c.category == "direct_identifier"
    assert c.evidence["recognizers"]["member:MEMBER_CARD"] == 40
    # the validator rejects numbers whose check digit is wrong
    bad = pd.DataFrame({"code": [v[:-1] + str((int(v[-1]) + 1) % 10) for v in df["code"]]})
    assert "member:MEMBER_CARD" not in scan_table(bad, pol).columns[0].evidence.get("recognizers", {})


def test_custom_recognizer_category_is_the_column_category():
    pol = Policy(scan={"recognizers": [RecognizerSpec(name="icd", entity_type="ICD10_CODE", category="special_category",
                                                       patterns=[PatternSpec(regex=r"\b[A-TV-Z]\d{2}\.\d\b", score=0.6)])]})
    df = pd.DataFrame({"code": ["E11.9", "I10.0", "J45.2", "F32.1"] * 10})
    c = scan_table(df, pol).columns[0]
    assert (c.entity_type, c.category) == ("ICD10_CODE", "special_category")


@pytest.mark.parametrize("spec,needle", [
    (dict(name="a", entity_type="X_ID", patterns=[PatternSpec(regex="([")]), "does not compile"),
    (dict(name="b", entity_type="X_ID", patterns=[PatternSpec(regex="a*")]), "empty string"),
    (dict(name="c", entity_type="x id", patterns=[PatternSpec(regex="a+")]), "UPPER_SNAKE_CASE"),
    (dict(name="d", entity_type="X_ID"), "at least one pattern"),
    (dict(name="e", entity_type="X_ID", patterns=[PatternSpec(regex="a+")], validator="nope"), "unknown validator"),
])
def test_broken_custom_recognizers_are_one_line_policy_errors(spec, needle):
    pol = Policy(scan={"recognizers": [RecognizerSpec(**spec)]})
    with pytest.raises(PolicyError) as e:
        scan_table(pd.DataFrame({"v": ["a"] * 20}), pol)
    assert needle in str(e.value) and "scan.recognizers[0]" in str(e.value) and "\n" not in str(e.value)


def test_duplicate_column_names_are_an_input_error():
    from privsynth.errors import InputError

    df = pd.DataFrame([[1, 2]], columns=["a", "a"])
    with pytest.raises(InputError):
        scan_table(df, Policy())


@pytest.mark.parametrize("locale,method,column,entity", [
    ("pl_PL", "pesel", "pesel", "PL_PESEL"),
    ("es_ES", "nie", "documento", "ES_NIE"),
    ("it_IT", "ssn", "codice_fiscale", "IT_FISCAL_CODE"),
    ("sv_SE", "ssn", "kund", "SE_PERSONNUMMER"),
    ("fr_FR", "ssn", "x1", "FR_NIR"),
    ("de_DE", "vat_id", "ust_id", "EU_VAT"),
])
def test_european_identifier_columns_are_recognised_by_checksum(analyzer, locale, method, column, entity):
    from faker import Faker

    fk = Faker(locale)
    fk.seed_instance(9)
    df = pd.DataFrame({column: [getattr(fk, method)() for _ in range(60)]})
    c = scan_table(df, Policy()).columns[0]
    assert (c.entity_type, c.category) == (entity, "direct_identifier"), c.evidence.get("reason")


@pytest.mark.parametrize("make,entity", [
    (lambda fk: fk.mac_address(), "MAC_ADDRESS"),
    (lambda fk: fk.ipv6(), "IP_ADDRESS"),
    (lambda fk: f"{fk.latitude()}, {fk.longitude()}", "GPS_COORDINATES"),
    (lambda fk: fk.url(), "URL"),
    (lambda fk: fk.uuid4(), "UUID"),
])
def test_network_device_and_location_columns_without_telling_names(analyzer, make, entity):
    from faker import Faker

    fk = Faker()
    fk.seed_instance(4)
    df = pd.DataFrame({"v1": [str(make(fk)) for _ in range(60)]})
    c = scan_table(df, Policy()).columns[0]
    assert (c.entity_type, c.category) == (entity, "direct_identifier"), c.evidence.get("reason")
