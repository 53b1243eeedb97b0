"""Issue 13: column roles come from the values; a header can add or sharpen, never erase.

Each case is one the issue found failing (the values are fictitious: written here or drawn from
Faker with a fixed seed). Real Presidio recognizers run; nothing is stubbed.
"""

from __future__ import annotations

import random

import numpy as np
import pandas as pd
import pytest
from faker import Faker

from privsynth.detect import scan_table
from privsynth.policy.models import Policy

PHONES = ["+44 (20) 7946 0321", "030/98765432", "212.555.0188", "+49 89 1234567", "06 12 34 56 78",
          "+33 1 42 68 53 00", "(0161) 496 0754", "0049 40 3344556"]


def _scan(df: pd.DataFrame):
    return {c.name: c for c in scan_table(df, Policy()).columns}


def _faker_phones(n: int, seed: int) -> list[str]:
    out = []
    for i, loc in enumerate(["en_GB", "de_DE", "fr_FR", "nl_NL"] * (n // 4 + 1)):
        f = Faker(loc)
        f.seed_instance(seed + i)
        out.append(f.phone_number())
    return out[:n]


# --------------------------------------------------------------------------- phones named like record numbers


@pytest.mark.parametrize("header", ["contact_no", "mobile_no", "fax_no", "Kontakt Nr", "Tel Nr", "c3", "fld_07"])
@pytest.mark.parametrize("rows", [8, 64])
def test_phone_numbers_are_phone_numbers_whatever_the_header_says(header, rows):
    vals = PHONES if rows == 8 else _faker_phones(rows, seed=1)
    col = _scan(pd.DataFrame({header: vals}))[header]
    assert (col.category, col.entity_type) == ("direct_identifier", "PHONE_NUMBER"), col.evidence["reason"]
    # the value evidence is kept, and the hint (if any) is recorded as used or rejected with a reason
    assert col.evidence["coverage_by_entity"]["PHONE_NUMBER"] >= 0.5
    hint = col.evidence.get("name_hint")
    if hint and hint["entity"] != "PHONE_NUMBER":
        assert "rejected" in hint or "used" in hint


def test_a_six_row_customer_number_column_is_a_record_id_not_values_that_repeat():
    col = _scan(pd.DataFrame({"Kundennummer": [40211, 40212, 40213, 40214, 40215, 40216]}))["Kundennummer"]
    assert (col.category, col.entity_type) == ("direct_identifier", "RECORD_ID")
    assert "repeat" not in str(col.evidence)


def test_a_rejected_hint_never_turns_value_evidence_into_non_personal():
    # named like a record number, values repeat (so the hint is rejected) and are phone numbers
    col = _scan(pd.DataFrame({"customer_no": PHONES[:4] * 4}))["customer_no"]
    assert col.category == "direct_identifier" and col.entity_type == "PHONE_NUMBER"
    assert col.evidence["coverage_by_entity"]["PHONE_NUMBER"] >= 0.5


# --------------------------------------------------------------------------- measures are not identifiers


def test_near_unique_integer_minutes_are_a_measure_not_an_identifier():
    r = random.Random(5)
    col = _scan(pd.DataFrame({"monthly_minutes": r.sample(range(20, 900), 80)}))["monthly_minutes"]
    assert col.category == "non_personal" and col.entity_type is None
    assert col.evidence["identifier_support"] == []


@pytest.mark.parametrize("header", ["Umsatz EUR", "c4", "UMS"])
def test_money_written_with_decimal_commas_is_money_not_a_record_id(header):
    r = random.Random(7)
    vals = [f"{r.uniform(100, 20000):,.2f}".replace(",", "_").replace(".", ",").replace("_", ".") for _ in range(80)]
    assert "." in vals[0] or len(vals[0]) < 7  # e.g. 7.590,29
    col = _scan(pd.DataFrame({header: vals}))[header]
    assert col.category == "sensitive" and col.entity_type in ("FINANCIAL", "INCOME"), col.evidence["reason"]


@pytest.mark.parametrize("header,entity", [("Einkommen", "INCOME"), ("inkomen", "INCOME"), ("Gehalt", "INCOME"),
                                           ("reddito", "INCOME"), ("ingresos", "INCOME")])
def test_income_under_german_dutch_italian_and_spanish_headers(header, entity):
    r = random.Random(3)
    vals = [f"{r.lognormvariate(10.5, 0.5):,.2f}".replace(",", "_").replace(".", ",").replace("_", ".") for _ in range(50)]
    col = _scan(pd.DataFrame({header: vals}))[header]
    assert (col.category, col.entity_type) == ("sensitive", entity)


def test_a_sequential_number_is_an_identifier_and_a_fixed_width_account_number_too():
    r = random.Random(2)
    cols = _scan(pd.DataFrame({"c1": list(range(5001, 5081)), "c2": r.sample(range(10_000_000, 99_999_999), 80)}))
    assert cols["c1"].entity_type == "RECORD_ID" and "sequential values" in cols["c1"].evidence["identifier_support"]
    assert cols["c2"].entity_type == "RECORD_ID" and "fixed width of 8 digits" in cols["c2"].evidence["identifier_support"]


# --------------------------------------------------------------------------- country calling codes


@pytest.mark.parametrize("header", ["ktk_cc", "c7", "cc"])
def test_a_phone_country_code_column_is_a_location_not_a_credit_card(header):
    vals = ["+49"] * 30 + ["+33", "+44", "+41", "+43", "+31"] * 4
    col = _scan(pd.DataFrame({header: vals}))[header]
    assert (col.category, col.entity_type) == ("quasi_identifier", "LOCATION"), col.evidence["reason"]


# --------------------------------------------------------------------------- headers removed


@pytest.fixture(scope="module")
def blind():
    f = Faker("de_DE")
    f.seed_instance(11)
    r = random.Random(11)
    n = 60
    diag = ["E11.9", "I10", "J45.9", "F32.1", "M54.5", "K35.8", "N39.0", "G43.9"]
    df = pd.DataFrame({
        "postcode": [f.postcode() for _ in range(n)],
        "street": [f.street_address() for _ in range(n)],
        "city": [r.choice(["Berlin", "Hamburg", "München", "Köln", "Frankfurt am Main", "Stuttgart", "Düsseldorf",
                           "Leipzig", "Dortmund", "Essen", "Bremen", "Dresden"]) for _ in range(n)],
        "surname": [f.last_name() for _ in range(n)],
        "diagnosis": [r.choice(diag) for _ in range(n)],
        "income": [round(r.lognormvariate(10.5, 0.5), 2) for _ in range(n)],
        "age": [r.randint(18, 90) for _ in range(n)],
        "job": [f.job() for _ in range(n)],
        "dob": [int(f.date_of_birth(minimum_age=18, maximum_age=90).strftime("%Y%m%d")) for _ in range(n)],
    })
    truth = {"postcode": ("quasi_identifier", "POSTCODE"), "street": ("direct_identifier", "STREET_ADDRESS"),
             "city": ("quasi_identifier", "CITY"), "surname": ("direct_identifier", "LAST_NAME"),
             "diagnosis": ("special_category", "HEALTH"), "income": ("sensitive", "FINANCIAL"),
             "age": ("quasi_identifier", "AGE"), "job": ("quasi_identifier", "OCCUPATION"),
             "dob": ("quasi_identifier", "DATE_OF_BIRTH")}
    names = [f"c{i + 1}" for i in range(df.shape[1])]
    res = _scan(df.set_axis(names, axis=1))
    return {real: res[c] for real, c in zip(df.columns, names)}, truth


@pytest.mark.parametrize("column", ["postcode", "street", "city", "surname", "diagnosis", "income", "age", "job", "dob"])
def test_quasi_identifiers_are_recognised_from_values_with_headers_removed(blind, column):
    res, truth = blind
    got = res[column]
    assert (got.category, got.entity_type) == truth[column], got.evidence["reason"]


# --------------------------------------------------------------------------- free text in any language

NOTES = {
    "es": ["El cliente {n} llamó el 12.03.2024, devolver la llamada al {p}.",
           "Recibo devuelto en la cuenta ES9121000418450200051332; se avisó a {n} por correo a {e}.",
           "Sin incidencias, contrato renovado por un año más."],
    "nl": ["Klant {n} belde op 12.03.2024, graag terugbellen op {p}.",
           "Incasso van rekening NL91ABNA0417164300 gestorneerd; {n} per mail ingelicht via {e}.",
           "Geen klachten, contract met een jaar verlengd."],
}


@pytest.mark.parametrize("lang,header", [("es", "observaciones"), ("nl", "opmerkingen"), ("es", "c9"), ("nl", "fld_07")])
def test_spanish_and_dutch_notes_are_free_text_with_their_language(lang, header):
    f = Faker({"es": "es_ES", "nl": "nl_NL"}[lang])
    f.seed_instance(4)
    r = random.Random(4)
    vals = [r.choice(NOTES[lang]).format(n=f.name(), p=f.phone_number(), e=f.email()) for _ in range(40)]
    col = _scan(pd.DataFrame({header: vals}))[header]
    assert col.category == "free_text"
    assert col.evidence["profile"]["language"] == lang
    assert col.evidence["text_cells_with_pii"] > 0


# --------------------------------------------------------------------------- dates in any storage


@pytest.mark.parametrize("header", ["dob", "Geburtsdatum", "c2"])
def test_yyyymmdd_birth_dates_are_typed_as_dates(header):
    f = Faker("de_DE")
    f.seed_instance(8)
    vals = [int(f.date_of_birth(minimum_age=18, maximum_age=90).strftime("%Y%m%d")) for _ in range(64)]
    col = _scan(pd.DataFrame({header: vals}))[header]
    assert (col.category, col.entity_type) == ("quasi_identifier", "DATE_OF_BIRTH")
    assert col.evidence["date_storage"]["kind"] == "yyyymmdd"


def test_a_synthesized_yyyymmdd_birth_date_column_holds_only_valid_dates_in_the_same_storage():
    from privsynth.dates import DateStorage, date_from_storage_ok
    from privsynth.synthesize import synthesize_table

    f = Faker("en_GB")
    f.seed_instance(9)
    r = np.random.default_rng(9)
    n = 64
    df = pd.DataFrame({"dob": [int(f.date_of_birth(minimum_age=18, maximum_age=90).strftime("%Y%m%d")) for _ in range(n)],
                       "visits": r.integers(0, 12, n), "plan": r.choice(["a", "b", "c"], n)})
    scan = scan_table(df, Policy())
    assert scan.by_name()["dob"].entity_type == "DATE_OF_BIRTH"
    out = synthesize_table(df, scan, Policy.model_validate({"synthesize": {"seed": 1}}))
    dob = out.release["dob"]
    assert pd.api.types.is_integer_dtype(dob)
    bad = [v for v in dob if not date_from_storage_ok(v, DateStorage("yyyymmdd"))]
    assert bad == [], f"{len(bad)} of {len(dob)} synthesized dob values are not valid YYYYMMDD dates"


# --------------------------------------------------------------------------- bad input: a decision with its reason


def _all_decided(df):
    res = scan_table(df, Policy())
    for c in res.columns:
        assert c.category in ("direct_identifier", "quasi_identifier", "special_category", "sensitive", "free_text", "non_personal")
        assert c.evidence["reason"]
    return {c.name: c for c in res.columns}


def test_all_null_constant_and_mixed_type_columns_get_a_decision_with_a_reason():
    n = 30
    cols = _all_decided(pd.DataFrame({
        "all_null": [None] * n,
        "constant": ["Berlin"] * n,
        "constant_num": [7] * n,
        "mixed": [1, "two", 3.5, None, pd.Timestamp("2020-01-01"), b"x", True, "4,5", -1, "ü"] * 3,
    }))
    assert cols["all_null"].category == "non_personal" and cols["all_null"].evidence["reason"] == "column is empty"
    assert cols["constant"].evidence.get("constant") is True
    assert cols["constant_num"].category == "non_personal"


def test_a_fully_unique_free_text_column_is_free_text_not_a_key():
    f = Faker("fr_FR")
    f.seed_instance(2)
    vals = [f"Le client {f.name()} a appelé le {i} mars pour changer son adresse et son numéro de téléphone." for i in range(40)]
    col = _all_decided(pd.DataFrame({"commentaire": vals}))["commentaire"]
    assert col.category == "free_text"


def test_a_single_row_table_is_decided_column_by_column():
    cols = _all_decided(pd.DataFrame({"email": ["ana.souza@example.org"], "n": [3], "x": ["abc"]}))
    assert cols["email"].entity_type == "EMAIL_ADDRESS"


def test_a_ten_thousand_column_table_is_scanned_without_error():
    r = np.random.default_rng(0)
    df = pd.DataFrame(r.integers(0, 50, size=(3, 10_000)), columns=[f"v{i}" for i in range(10_000)])
    res = scan_table(df, Policy())
    assert len(res.columns) == 10_000
    assert all(c.evidence["reason"] for c in res.columns)


# --------------------------------------------------------------------------- coded microdata (census and survey files)


def _census_like(n: int, seed: int, with_age: bool = True) -> pd.DataFrame:
    """A survey file coded against a codebook, as the ACS PUMS or UCI adult: fictitious, drawn here."""
    r = np.random.default_rng(seed)
    cols = {
        "age": r.integers(18, 91, n),
        "sex": r.integers(1, 3, n),
        "marital": r.choice([1, 2, 3, 4, 5, 6], n, p=[0.45, 0.05, 0.1, 0.05, 0.05, 0.3]),
        "race": r.choice([1, 2, 3, 6, 8, 9], n, p=[0.7, 0.1, 0.02, 0.08, 0.06, 0.04]),
        "tenure": r.integers(0, 3, n),
        "educ": r.integers(1, 17, n),
        "workclass": r.choice(["Private", "Self-employed", "Local government", "State government"], n),
        "weight": r.integers(10_000, 900_000, n),
    }
    if not with_age:
        cols.pop("age")
    return pd.DataFrame(cols)


CODED = ["sex", "marital", "race", "tenure", "educ", "workclass"]


def test_with_headers_removed_the_coded_attributes_of_a_census_file_are_possible_quasi_identifiers():
    df = _census_like(400, seed=3)
    blind = df.set_axis([f"c{i + 1}" for i in range(df.shape[1])], axis=1)
    cols = _scan(blind)
    by_orig = dict(zip(df.columns, blind.columns))
    assert cols[by_orig["age"]].entity_type == "AGE"
    for name in CODED:
        c = cols[by_orig[name]]
        assert c.category == "quasi_identifier", (name, c.evidence["reason"])
        assert c.evidence["coded"]["coded_columns_in_table"] == len(CODED)
        assert c.evidence["value_decision"]["category"] == "non_personal"  # what the values alone said is kept
        assert "codebook" in c.evidence["reason"]
    # a measure of the same people (here a sampling weight: the scan cannot tell it from an income) is not a code,
    # and not provably non-personal: sensitive, with the value decision kept
    w = cols[by_orig["weight"]]
    assert w.category == "sensitive" and "coded" not in w.evidence and "measure_in_coded_table" in w.evidence
    assert w.evidence["value_decision"]["category"] == "non_personal"


def test_codes_stay_non_personal_when_no_column_says_the_rows_are_people():
    df = _census_like(400, seed=4, with_age=False)
    cols = _scan(df.set_axis([f"c{i + 1}" for i in range(df.shape[1])], axis=1))
    assert all(c.category == "non_personal" for c in cols.values()), {n: c.category for n, c in cols.items()}


def test_one_coded_column_in_a_customer_table_stays_a_measure():
    f = Faker("de_DE")
    f.seed_instance(6)
    r = random.Random(6)
    n = 150
    df = pd.DataFrame({"c1": [f.name() for _ in range(n)], "c2": [f.email() for _ in range(n)],
                       "c3": [max(1, int(r.expovariate(1 / 5))) for _ in range(n)],  # length of stay in days
                       "c4": [r.choice(["Basis", "Komfort", "Premium"]) for _ in range(n)]})
    cols = _scan(df)
    assert cols["c3"].category == "non_personal" and "coded" not in cols["c3"].evidence
    assert cols["c4"].category == "non_personal"


def test_a_census_region_code_shaped_like_a_phone_number_is_not_a_phone_number():
    r = np.random.default_rng(8)
    pumas = [f"25-{v:05d}" for v in r.choice([100, 200, 301, 302, 400, 501, 502, 600, 701, 702, 800, 901], 600)]
    cols = _scan(pd.DataFrame({"PUMA": pumas, "AGEP": r.integers(18, 90, 600)}))
    assert cols["PUMA"].entity_type != "PHONE_NUMBER" and cols["PUMA"].category != "direct_identifier"
    assert "phone_shaped_codes" in cols["PUMA"].evidence


def test_full_phone_numbers_shared_by_many_rows_are_still_phone_numbers():
    vals = (PHONES[:2] + ["+44 20 7946 0958", "+49 30 901820 44"]) * 60  # 240 rows, 4 numbers with 11+ digits
    col = _scan(pd.DataFrame({"c1": vals}))["c1"]
    assert (col.category, col.entity_type) == ("direct_identifier", "PHONE_NUMBER"), col.evidence["reason"]


# --------------------------------------------------------------------------- identifiers of several types in one column


def _national_ids(n: int, seed: int) -> list[str]:
    """National IDs of four countries, round robin (Faker: fr_FR NIR, nl_NL BSN, pl_PL PESEL, sv_SE personnummer)."""
    makers = []
    for loc, method in (("fr_FR", "ssn"), ("nl_NL", "ssn"), ("pl_PL", "pesel"), ("sv_SE", "ssn")):
        f = Faker(loc)
        f.seed_instance(seed)
        makers.append(getattr(f, method))
    return [str(makers[i % 4]()) for i in range(n)]


def test_a_column_of_national_ids_from_four_countries_is_a_national_id_column():
    # no single country covers half the values; together they cover all of them (a new user's `ref` column)
    col = _scan(pd.DataFrame({"ref": _national_ids(200, seed=3)}))["ref"]
    assert (col.category, col.entity_type) == ("direct_identifier", "NATIONAL_ID"), col.evidence["reason"]
    pooled = col.evidence["pooled_identifier_coverage"]
    assert pooled["share"] >= 0.5 and len(pooled["types"]) >= 2
    assert all(v < 0.5 for v in col.evidence["coverage_by_entity"].values())


def test_a_contact_column_holding_emails_for_some_rows_and_phones_for_others_is_a_direct_identifier():
    f = Faker("en_GB")
    f.seed_instance(5)
    # 40% e-mails, 40% phones, 20% names: no type alone covers half the values
    vals = [(f.email(), p, f.email(), p, f.name())[i % 5] for i, p in enumerate(_faker_phones(120, seed=2))]
    col = _scan(pd.DataFrame({"kontakt": vals}))["kontakt"]
    assert col.category == "direct_identifier", col.evidence["reason"]
    assert col.entity_type in ("EMAIL_ADDRESS", "PHONE_NUMBER")
    assert set(col.evidence["pooled_identifier_coverage"]["types"]) == {"EMAIL_ADDRESS", "PHONE_NUMBER"}


def test_pooled_coverage_needs_half_the_values_so_a_few_stray_identifiers_do_not_make_a_code_column_personal():
    rng = random.Random(11)
    ids = _national_ids(40, seed=4)  # 40 national IDs of several countries among 200 product codes
    vals = ids + [f"SKU-{rng.randint(10000, 99999)}-{rng.choice('ABCDEFGH')}" for _ in range(160)]
    rng.shuffle(vals)
    col = _scan(pd.DataFrame({"item": vals}))["item"]
    assert "pooled_identifier_coverage" not in col.evidence
    assert col.entity_type != "NATIONAL_ID"
