"""Value recognizers (privsynth.detect.values) and dates in any storage (privsynth.dates), value by value."""

from __future__ import annotations

import pandas as pd
import pytest

from privsynth.dates import DateStorage, date_storage, from_datetimes, to_datetimes
from privsynth.detect import values as V


@pytest.mark.parametrize("text,amount", [
    ("7.590,29", 7590.29), ("7 590,29 €", 7590.29), ("7\u202f590,29", 7590.29), ("£20,580.61", 20580.61),
    ("20,580.61", 20580.61), ("1234.5", 1234.5), ("-12,50", -12.5), ("EUR 99,00", 99.0), ("450", 450.0),
    ("12abc", None), ("2024-01-02", None), ("", None),
])
def test_amounts_in_any_european_convention_parse_to_numbers(text, amount):
    assert V.parse_amount(text) == amount


@pytest.mark.parametrize("text,is_money", [("7.590,29", True), ("33 464,65 €", True), ("£1,200", True), ("450", False),
                                           ("1.234", False), ("12.5", False)])
def test_money_needs_two_decimals_or_a_currency_sign(text, is_money):
    assert V.is_money(text) is is_money


@pytest.mark.parametrize("text,kind", [
    ("SW1A 1AA", "GB"), ("ME83 3JT", "GB"), ("1012 AB", "NL"), ("8533SB", "NL"), ("K1A 0B1", "CA"), ("00-950", "PL"),
    ("1000-001", "PT"), ("114 55", "SE"), ("90210-1234", "US+4"), ("D02 X285", "IE"), ("80331", "5D"), ("D-80331", "5D"),
    ("1010", "4D"), ("C100123", None), ("1012 SA", None), ("ABC", None), ("123456", None),
])
def test_postcodes_are_matched_to_a_national_format(text, kind):
    assert V.postcode_kind(text) == kind


@pytest.mark.parametrize("text,ok", [("+49", True), ("0033", True), ("+1", True), ("+999", False), ("49", False), ("+4", False)])
def test_country_calling_codes_come_from_the_phonenumbers_table(text, ok):
    assert V.is_calling_code(text) is ok


@pytest.mark.parametrize("text,ok", [
    ("Baumallee 7-1", True), ("45, rue de Samson", True), ("Calle Mayor 12, 3º B", True), ("Lisasingel 8", True),
    ("Via Roma 1", True), ("221B Baker Street", True), ("Pärtzeltstraße 7", True), ("Hamburg", False),
    ("Drogist 5", False), ("ana@example.org", False),
])
def test_street_addresses_need_a_street_word_and_a_number(text, ok):
    assert V.is_street(text) is ok


@pytest.mark.parametrize("text,ok", [
    ("E11.9", True), ("I10", True), ("J459", True), ("U99.9", False), ("Diabetes mellitus Typ 2", True),
    ("Hypertension essentielle", True), ("Lombalgia", True), ("Urineweginfectie", True), ("Gold", False), ("Pilot", False),
])
def test_diagnoses_are_icd10_codes_or_medical_terms_in_six_languages(text, ok):
    assert V.is_diagnosis(text) is ok


@pytest.mark.parametrize("text,ok", [("Berlin", True), ("Saint-Étienne", True), ("Sainte Virginie", True), ("Oberhausen", True),
                                     ("Stratford-upon-Avon", True), ("Johann", False), ("12 rue X", False)])
def test_places_come_from_geonames_and_place_name_shapes(text, ok):
    assert V.is_place(text) is ok


@pytest.mark.parametrize("text,ok", [("Software engineer", True), ("Krankenschwester", True), ("ingénieur frigoriste", True),
                                     ("Enfermera", True), ("Magazijnmedewerker", True), ("Berlin", False)])
def test_job_titles_come_from_faker_lists_and_head_words(text, ok):
    assert V.is_job(text) is ok


# --------------------------------------------------------------------------- dates in any storage

STORAGES = [
    ("yyyymmdd", [19750630, 19881201, 20010101, 19420229 - 100], False),
    ("excel", [27575, 32478, 36892, 15400], True),
    ("epoch_s", [-299_956_800, 876_484_800, 1_210_852_800, 0 + 43_200_000], False),
    ("epoch_ms", [876_484_800_000, 1_210_852_800_000, 1_600_000_020_000], False),
    ("text", ["30.06.1975", "01.12.1988", "15.01.2001"], False),
]


@pytest.mark.parametrize("kind,vals,needs_name", STORAGES, ids=[s[0] for s in STORAGES])
def test_each_date_storage_is_found_read_and_written_back_unchanged(kind, vals, needs_name):
    s = pd.Series(vals)
    st = date_storage(s, named_as_date=needs_name)
    assert st is not None and st.kind == kind and st.needs_name == needs_name
    back = from_datetimes(to_datetimes(s, st), st, like=s)
    assert list(back) == vals


def test_excel_serials_need_a_date_like_name_and_counts_are_not_dates():
    assert date_storage(pd.Series([27575, 32478, 36892])) is None
    assert date_storage(pd.Series([20, 900, 35, 410]), named_as_date=True) is None
    assert date_storage(pd.Series([19758630, 19750631, 20011301])) is None  # impossible dates


def test_written_back_dates_are_never_invalid_even_out_of_range():
    st = DateStorage("yyyymmdd")
    d = pd.Series(pd.to_datetime(["1850-01-01", "1975-06-30", "2250-12-31", None]))
    out = from_datetimes(d, st)
    assert list(out[:3]) == [19000101, 19750630, 21001231] and pd.isna(out[3])
