"""Properties of every structured operator, run through anonymize_table on small real-looking data."""

from __future__ import annotations

import re
from datetime import datetime

import numpy as np
import pandas as pd
import pytest
from faker import Faker

from privsynth.errors import KeyMaterialError, PolicyError
from privsynth.policy.models import Policy
from privsynth.transform import OPERATORS, anonymize_table, decrypt_table, generate_key
from privsynth.checksums import iban_ok as iban_valid
from privsynth.checksums import luhn_ok
from privsynth.transform.surrogates import SurrogateFactory

KEY = bytes(range(32))
OTHER_KEY = bytes(range(1, 33))

_fake = Faker("en_US")
_fake.seed_instance(1234)
NAMES = [_fake.name() for _ in range(60)]
EMAILS = [_fake.email() for _ in range(60)]
PHONES = [_fake.phone_number() for _ in range(30)]
_fake_de = Faker("de_DE")
_fake_de.seed_instance(7)
IBANS = [_fake_de.iban() for _ in range(30)] + ["DE89 3704 0044 0532 0130 00", "GB82 WEST 1234 5698 7654 32"]
CARDS = [_fake.credit_card_number() for _ in range(30)] + ["4111-1111-1111-1111", "5500 0000 0000 0004"]
DATES = [_fake.date_of_birth().isoformat() for _ in range(30)]


def run(values, op, params=None, key=KEY, entity_type=None, transform=None, extra_columns=None):
    df = pd.DataFrame({"c": values, **(extra_columns or {})})
    rule = {"operator": op, "params": params or {}}
    if entity_type:
        rule["entity_type"] = entity_type
    pol = Policy.model_validate({"columns": {"c": rule}, "transform": transform or {}})
    return anonymize_table(df, None, pol, key=key)


def col(values, *a, **kw):
    return run(values, *a, **kw).data["c"]


# --------------------------------------------------------------------------- registry


def test_every_operator_declares_a_gdpr_class_and_a_summary():
    names = OPERATORS.names()
    for expected in ("pseudonymize", "tokenize", "encrypt", "drop", "redact", "mask", "generalize", "top_bottom_code",
                     "suppress_rare", "date_shift", "noise", "keep", "k_anonymize", "surrogate", "llm"):
        assert expected in names
    for n in names:
        cls = OPERATORS.get(n)
        assert cls.gdpr_class in ("pseudonymization", "anonymization", "removed", "none")
        assert cls.summary


# --------------------------------------------------------------------------- pseudonymize


@pytest.mark.parametrize("entity_type,values", [
    ("PERSON", NAMES), ("EMAIL_ADDRESS", EMAILS), ("PHONE_NUMBER", PHONES), ("IBAN_CODE", IBANS),
    ("CREDIT_CARD", CARDS), ("DATE_OF_BIRTH", DATES), ("US_SSN", ["123-45-6789", "987-65-4321", "078-05-1120"]),
])
def test_pseudonymize_is_consistent_under_one_key_and_differs_across_keys(entity_type, values):
    a = col(values + values[:5], "pseudonymize", entity_type=entity_type)
    b = col(list(reversed(values)), "pseudonymize", entity_type=entity_type)
    c = col(values, "pseudonymize", entity_type=entity_type, key=OTHER_KEY)
    mapping_a = dict(zip(values + values[:5], a))
    assert all(mapping_a[v] == s for v, s in zip(reversed(values), b))  # same value -> same surrogate, any order/run
    assert list(a[len(values):]) == list(a[: len(values[:5])])
    differ = sum(x != y for x, y in zip(a[: len(values)], c))
    assert differ >= 0.9 * len(values)
    assert not any(str(v) == str(s) for v, s in zip(values, a))  # never the original


def test_pseudonymized_ibans_carry_a_valid_mod97_checksum_and_keep_the_country():
    out = col(IBANS, "pseudonymize", entity_type="IBAN_CODE")
    for orig, new in zip(IBANS, out):
        assert iban_valid(orig) and iban_valid(new)
        assert new[:2] == orig[:2] and len(new) == len(orig)
        assert new.replace(" ", "")[4:] != orig.replace(" ", "")[4:]


def test_pseudonymized_card_numbers_pass_luhn_and_keep_length_and_separators():
    out = col(CARDS, "pseudonymize", entity_type="CREDIT_CARD")
    for orig, new in zip(CARDS, out):
        assert luhn_ok(re.sub(r"\D", "", new))
        assert re.sub(r"\d", "9", orig) == re.sub(r"\d", "9", new)
        assert new[0] == orig[0]


# Ofcom drama ranges (GB), NANP 555-0100..0199 (US/CA), ACMA 5550 xxxx (AU): numbers no subscriber has
FICTION = re.compile(r"(\+|00)?(44 |0)(20 7946 0\d{3}|1(61|13|17|31) 496 0\d{3}|1632 960\d{3}|7700 900\d{3})"
                     r"|(\+1 )?\(\d{3}\) 555-01\d\d|(\+61 \d|\(0\d\)) 5550 \d{4}")


@pytest.mark.parametrize("value, locale, style", [
    ("+44 161 496 0958", "en_US", "+44 "), ("0161 4960958", "en_GB", "0"), ("+1 (415) 234-0199", "en_GB", "+1 (415) 555-01"),
    ("(212) 555-0100", "en_US", "(212) 555-01"), ("0049 30 1234567", "en_US", "0044 "), ("+33 1 23 45 67 89", "fr_FR", "+44 "),
    ("+61 2 9876 5432", "en_US", "+61 "), ("030 4447846", "de_DE", "+44 "),
])
def test_pseudonymized_phones_come_from_ranges_reserved_for_fiction_in_the_sources_style(value, locale, style):
    out = col([value], "pseudonymize", entity_type="PHONE_NUMBER", transform={"locale": locale})[0]
    assert FICTION.fullmatch(out), out
    assert out.startswith(style) and out != value


def test_pseudonymized_emails_are_valid_addresses_on_reserved_domains():
    out = col(EMAILS, "pseudonymize", entity_type="EMAIL_ADDRESS")
    for e in out:
        assert re.fullmatch(r"[a-z0-9._+\-]+@example\.(com|net|org)", e), e


def test_pseudonymized_names_look_like_names_and_follow_the_case_of_the_original():
    out = col(["John Smith", "JOHN SMITH", "Mr. Smith", "Smith, John"], "pseudonymize", entity_type="PERSON")
    first, last = out[0].split()
    assert first.istitle() and last.istitle()
    assert out[1] == out[0].upper()
    assert out[2] == f"Mr. {last}"
    assert out[3] == f"{last}, {first}"


def test_surname_particles_stay_as_written_and_the_surname_after_them_is_replaced_as_a_surname():
    out = col(["Jan de Vries", "de Vries", "JAN DE VRIES", "de Vries, Jan", "Maria de la Fuente"], "pseudonymize",
              entity_type="PERSON", transform={"locale": "nl_NL"})
    first, particle, last = out[0].split()
    assert particle == "de" and first.istitle() and last.istitle() and last != "Vries" and first != "Jan"
    assert out[1] == f"de {last}"  # the same surname under the same key; the particle never becomes a given name
    assert out[2] == out[0].upper()
    assert out[3] == f"de {last}, {first}"
    assert out[4].split()[1:3] == ["de", "la"] and "Fuente" not in out[4] and "Maria" not in out[4]


def _faker_ids(locale, method, n):
    f = Faker(locale)
    f.seed_instance(11)
    return list(dict.fromkeys(getattr(f, method)() for _ in range(n)))


@pytest.mark.parametrize("entity_type, values, validator, kept", [
    # the 6 leading letters of a codice fiscale are the person's surname and given-name consonants
    ("IT_FISCAL_CODE", _faker_ids("it_IT", "ssn", 80), "it_fiscal_code", 0),
    ("ES_NIF", _faker_ids("es_ES", "nif", 80), "es_dni", 0),
    ("ES_NIE", _faker_ids("es_ES", "nie", 80), "es_nie", 1),  # X/Y/Z says which kind of number, nothing more
])
def test_structured_national_ids_keep_no_personal_prefix_and_stay_valid_and_one_to_one(entity_type, values, validator, kept):
    from privsynth.detect.validators import VALIDATORS

    out = list(col(values, "pseudonymize", entity_type=entity_type))
    ok = VALIDATORS.get(validator)
    assert all(ok(v) for v in values) and all(ok(o) for o in out), out[:3]
    assert len(set(out)) == len(values)  # distinct codes stay distinct: joins on them still work
    same_prefix = sum(o[:6] == v[:6] for o, v in zip(out, values))
    assert same_prefix <= 1, same_prefix  # chance only
    assert all(o[:kept] == v[:kept] for o, v in zip(out, values))


def test_a_long_letter_prefix_is_content_not_format_and_is_replaced():
    out = list(col(["jsmith1987", "C100000", "KD-200149"], "pseudonymize", entity_type="USERNAME"))
    assert not out[0].startswith("jsm") and re.fullmatch(r"[a-z]{6}\d{4}", out[0])
    assert out[1].startswith("C") and out[2].startswith("KD-")


def test_pseudonymized_dates_are_dates_in_the_same_format_within_a_year():
    out = col(DATES, "pseudonymize", entity_type="DATE_OF_BIRTH")
    for o, n in zip(DATES, out):
        d0, d1 = datetime.strptime(o, "%Y-%m-%d"), datetime.strptime(n, "%Y-%m-%d")
        assert 1 <= abs((d1 - d0).days) <= 366


def test_datetime_columns_stay_datetime_when_pseudonymized():
    s = pd.to_datetime(pd.Series(DATES))
    out = col(s, "pseudonymize", entity_type="DATE_OF_BIRTH")
    assert pd.api.types.is_datetime64_any_dtype(out)
    assert (out != s).all() and ((out - s).abs() <= pd.Timedelta(days=365)).all()


def test_the_same_person_gets_the_same_surrogate_in_different_columns():
    df = pd.DataFrame({"customer": ["Ann Lee", "Bob Ray"], "contact": ["Bob Ray", "Ann Lee"]})
    pol = Policy.model_validate({"columns": {c: {"operator": "pseudonymize", "entity_type": "PERSON"} for c in df}})
    out = anonymize_table(df, None, pol, key=KEY).data
    assert out["customer"][0] == out["contact"][1] and out["customer"][1] == out["contact"][0]


def test_surrogates_are_computed_once_per_unique_value(monkeypatch):
    calls = []
    orig = SurrogateFactory.surrogate

    def counting(self, et, v, text=False):
        calls.append(v)
        return orig(self, et, v, text)

    monkeypatch.setattr(SurrogateFactory, "surrogate", counting)
    col(["a1", "b2", "a1", None, "b2"] * 200, "pseudonymize", entity_type="RECORD_ID")
    assert sorted(calls) == ["a1", "b2"]


def test_missing_values_stay_missing():
    out = col(["Ann Lee", None, np.nan], "pseudonymize", entity_type="PERSON")
    assert out.isna().tolist() == [False, True, True]


# --------------------------------------------------------------------------- tokenize / encrypt


def test_tokenize_gives_prefixed_keyed_tokens_consistent_under_normalization():
    out = col(["Ann@X.com", " ann@x.com", "bob@x.com"], "tokenize", entity_type="EMAIL_ADDRESS")
    assert out[0] == out[1] != out[2]
    assert all(re.fullmatch(r"email_[0-9a-f]{16}", t) for t in out)
    other = col(["ann@x.com"], "tokenize", entity_type="EMAIL_ADDRESS", key=OTHER_KEY)
    assert other[0] != out[0]
    assert col(["x"], "tokenize", {"prefix": "cust-", "length": 24})[0].startswith("cust-")


def test_tokens_do_not_contain_the_value_and_are_unrelated_across_similar_values():
    vals = [f"CUST{i:05d}" for i in range(200)]
    out = col(vals, "tokenize")
    assert out.nunique() == 200
    assert not any(v.lower() in t.lower() for v, t in zip(vals, out))
    # adjacent inputs share no more hex characters in place than chance (~1/16)
    same = np.mean([sum(a == b for a, b in zip(x[4:], y[4:])) / 16 for x, y in zip(out[:-1], out[1:])])
    assert same < 0.2


def test_encrypt_is_deterministic_hides_the_value_and_decrypts_with_the_key():
    vals = ["Ann Lee", "Bob Ray", "Ann Lee", None]
    out = run(vals, "encrypt")
    enc = out.data["c"]
    assert enc[0] == enc[2] != enc[1] and enc.isna()[3]
    assert all(t.startswith("enc:") and "Ann" not in t for t in enc[:3])
    assert out.report.treatments[0].gdpr_class == "pseudonymization"
    back, cols = decrypt_table(out.data, KEY)
    assert cols == ["c"] and back["c"].tolist()[:3] == vals[:3] and pd.isna(back["c"][3])
    with pytest.raises(KeyMaterialError, match="decryption failed"):
        decrypt_table(out.data, OTHER_KEY)


def test_decrypt_restores_integer_columns():
    back, _ = decrypt_table(run([101, 202, 303], "encrypt").data, KEY)
    assert back["c"].tolist() == [101, 202, 303]


# --------------------------------------------------------------------------- removed / masked


def test_drop_removes_the_column_and_redact_removes_the_content():
    df = pd.DataFrame({"a": ["x", "y"], "b": ["p", None], "c": [1, 2]})
    pol = Policy.model_validate({"columns": {"a": {"operator": "drop"}, "b": {"operator": "redact"}}})
    out = anonymize_table(df, None, pol)
    assert list(out.data.columns) == ["b", "c"]
    assert out.data["b"].tolist()[0] == "[REDACTED]" and pd.isna(out.data["b"][1])
    assert {t.column: t.gdpr_class for t in out.report.treatments} == {"a": "removed", "b": "removed", "c": "none"}
    assert out.report.key_fingerprint is None


@pytest.mark.parametrize("value,n,expected", [("4111111111111111", 4, "************1111"), ("abc", 4, "***"), ("abcdef", 0, "******"), ("ab-cd", 2, "***cd")])
def test_mask_keeps_only_the_last_n_characters(value, n, expected):
    assert col([value], "mask", {"keep_last": n})[0] == expected


def test_mask_is_many_to_one():
    out = col(["1234 5678", "9999 5678"], "mask", {"keep_last": 4})
    assert out[0] == out[1]


# --------------------------------------------------------------------------- generalize


@pytest.mark.parametrize("params,values,expected", [
    ({"width": 10}, [23, 35, 40, 99], ["20-29", "30-39", "40-49", "90-99"]),
    ({"width": 0.5}, [0.2, 0.7], ["[0, 0.5)", "[0.5, 1)"]),
    ({"bins": [18, 30, 65]}, [10, 18, 40, 70], ["< 18", "[18, 30)", "[30, 65)", ">= 65"]),
    ({"round_to": 1000}, [1499, 1501, 2600], [1000, 2000, 3000]),
    ({"date": "month"}, ["2021-03-04", "1999-12-31"], ["2021-03", "1999-12"]),
    ({"date": "year"}, ["04/03/2021", "31/12/1999"], ["2021", "1999"]),
    ({"truncate": 3, "pad": "**"}, ["SW1A 1AA", "10115"], ["SW1**", "101**"]),
])
def test_generalize_modes(params, values, expected):
    assert col(values, "generalize", params).tolist() == expected


def test_generalize_climbs_a_category_hierarchy_from_the_policy():
    h = {"cities": {"Berlin": "Germany", "Munich": "Germany", "Lyon": "France", "Germany": "Europe", "France": "Europe"}}
    out = col(["Berlin", "Lyon", None], "generalize", {"hierarchy": "cities"}, transform={"hierarchies": h})
    assert out.tolist()[:2] == ["Germany", "France"] and pd.isna(out[2])
    assert col(["Berlin", "Lyon"], "generalize", {"hierarchy": "cities", "levels": 2}, transform={"hierarchies": h}).tolist() == ["Europe", "Europe"]


def test_generalize_needs_exactly_one_mode():
    with pytest.raises(PolicyError, match=r"policy columns\.c\.params: .*exactly one"):
        run([1], "generalize", {"width": 5, "round_to": 10})


# --------------------------------------------------------------------------- coding, suppression, shifting, noise


def test_top_bottom_code_clips_at_given_bounds_and_quantiles():
    vals = list(range(100))
    out = run(vals, "top_bottom_code", {"lower": 10, "upper": 90})
    assert out.data["c"].min() == 10 and out.data["c"].max() == 90
    assert out.report.stats["columns"]["c"] == {"bottom_coded": 10, "top_coded": 9}
    q = col(vals, "top_bottom_code", {"upper_quantile": 0.95})
    assert q.max() == pytest.approx(np.quantile(vals, 0.95), abs=1)


def test_suppress_rare_replaces_categories_below_k():
    vals = ["a"] * 5 + ["b"] * 4 + ["c"]
    out = run(vals, "suppress_rare", {"k": 5})
    assert out.data["c"].tolist() == ["a"] * 5 + ["*"] * 5
    assert out.report.stats["columns"]["c"]["suppressed_categories"] == 2


def test_date_shift_moves_all_dates_of_one_individual_by_the_same_amount():
    ids = [1, 1, 1, 2, 2, 3]
    dates = ["2020-01-01", "2020-02-15", "2021-06-30", "2020-01-01", "2019-05-05", "2020-01-01"]
    out = col(dates, "date_shift", {"id_column": "pid", "max_days": 30, "seed": 3}, extra_columns={"pid": ids})
    delta = [(datetime.strptime(n, "%Y-%m-%d") - datetime.strptime(o, "%Y-%m-%d")).days for o, n in zip(dates, out)]
    assert delta[0] == delta[1] == delta[2] and delta[3] == delta[4]
    assert all(abs(d) <= 30 for d in delta)


def test_date_shift_differs_between_individuals_and_runs():
    ids = list(range(200))
    dates = ["2020-06-15"] * 200
    a = col(dates, "date_shift", {"id_column": "pid"}, extra_columns={"pid": ids})
    b = col(dates, "date_shift", {"id_column": "pid"}, extra_columns={"pid": ids})
    assert a.nunique() > 100 and (a != b).mean() > 0.9


@pytest.mark.parametrize("dist,expected_std", [("laplace", np.sqrt(2) * 2.0), ("gaussian", 2.0)])
def test_noise_has_the_stated_scale(dist, expected_std):
    x = np.full(20000, 50.0)
    out = col(x, "noise", {"distribution": dist, "scale": 2.0, "seed": 1})
    assert abs(out.mean() - 50) < 0.1
    assert out.std() == pytest.approx(expected_std, rel=0.05)


def test_noise_on_a_text_column_is_an_error_before_output():
    with pytest.raises(PolicyError, match="needs a numeric column"):
        run(["a", "b"], "noise", {"scale": 1})


# --------------------------------------------------------------------------- report and mapping


def test_report_names_operator_params_and_class_but_no_values_or_key():
    df = pd.DataFrame({"name": ["Ann Lee", "Bob Ray"], "age": [34, 71]})
    pol = Policy.model_validate({"columns": {"name": {"operator": "pseudonymize", "entity_type": "PERSON"},
                                             "age": {"operator": "noise", "params": {"scale": 1, "seed": 4}}}})
    key = generate_key()
    out = anonymize_table(df, None, pol, key=key)
    js = out.report.model_dump_json()
    assert key.hex() not in js and key.hex()[:16] not in js
    # values are checked without the fingerprint, whose random hex may contain "71" by chance
    values_js = out.report.model_dump_json(exclude={"key_fingerprint"}).replace('"scale":1', "")
    for secret in ("Ann", "Bob", str(71)):
        assert secret not in values_js
    assert '"seed"' not in js
    tr = {t.column: t for t in out.report.treatments}
    assert tr["name"].gdpr_class == "pseudonymization" and tr["age"].params == {"distribution": "laplace", "scale": 1.0}
    assert out.report.key_fingerprint and out.mapping is None and not out.report.mapping_written


def test_a_mapping_is_returned_only_when_asked():
    df = pd.DataFrame({"name": ["Ann Lee", "Bob Ray", "Ann Lee"]})
    pol = Policy.model_validate({"columns": {"name": {"operator": "pseudonymize", "entity_type": "PERSON"}}})
    out = anonymize_table(df, None, pol, key=KEY, want_mapping=True)
    assert out.report.mapping_written
    m = out.mapping
    assert sorted(m["original"]) == ["Ann Lee", "Bob Ray"]
    assert dict(zip(m["original"], m["replacement"]))["Ann Lee"] == out.data["name"][0]


def test_progress_is_reported_per_column():
    seen = []
    df = pd.DataFrame({"a": [1], "b": [2]})
    anonymize_table(df, None, Policy(), progress=lambda s, d, t: seen.append((s, d, t)))
    assert seen == [("transform", 1, 2), ("transform", 2, 2)]


def test_distinct_listed_names_get_distinct_surrogates():
    f = Faker("en_US")
    f.seed_instance(99)
    names = sorted({f"{f.first_name()} {f.last_name()}" for _ in range(3000)})
    out = run(names, "pseudonymize", entity_type="PERSON")
    assert out.data["c"].nunique() == len(names)
    assert out.report.stats["columns"]["c"]["surrogate_collisions"] == 0


def test_pseudonymize_follows_the_faker_locale():
    de = Faker("de_DE").provider("faker.providers.person")
    last_de = set(de.last_names)
    out = col(["Anna Schmidt", "Peter Müller"], "pseudonymize", {"locale": "de_DE"}, entity_type="PERSON")
    assert all(n.split()[-1] in last_de for n in out)


def test_integer_ids_keep_their_digit_format():
    out = col([1001, 2002, 1001], "pseudonymize", entity_type="RECORD_ID")
    assert out[0] == out[2] != out[1] and all(re.fullmatch(r"\d{4}", v) for v in out)


def test_decrypt_only_the_named_columns_and_reject_unknown_ones():
    df = pd.DataFrame({"a": ["x", "y"], "b": ["p", "q"]})
    pol = Policy.model_validate({"columns": {"a": {"operator": "encrypt"}, "b": {"operator": "encrypt"}}})
    enc = anonymize_table(df, None, pol, key=KEY).data
    back, cols = decrypt_table(enc, KEY, ["b"])
    assert cols == ["b"] and back["b"].tolist() == ["p", "q"] and back["a"].tolist() == enc["a"].tolist()
    with pytest.raises(PolicyError, match="no such column 'zz'"):
        decrypt_table(enc, KEY, ["zz"])


@pytest.mark.parametrize("op,params", [("generalize", {"width": 10}), ("redact", {}), ("suppress_rare", {"k": 3}), ("generalize", {"date": "year"})])
def test_anonymization_blocks_are_many_to_one(op, params):
    values = {"generalize": [31, 32, 33, 34], "redact": ["a", "b", "c", "d"], "suppress_rare": ["a", "b", "c", "d"]}.get(op)
    if params.get("date"):
        values = ["2020-01-01", "2020-05-06", "2020-07-08", "2020-12-31"]
    out = col(values, op, params)
    assert out.nunique() == 1 and not set(map(str, values)) & set(map(str, out))


def test_the_output_unpacks_as_data_and_report():
    data, report = anonymize_table(pd.DataFrame({"a": [1]}), None, Policy())
    assert data["a"].tolist() == [1] and report.rows_out == 1
