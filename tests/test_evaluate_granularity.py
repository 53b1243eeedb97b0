"""Like with like: a release coarser than the original (dates to years, truncated codes, binned or rounded numbers)
is compared with the original and holdout coarsened the same way, read from the released values."""

import numpy as np
import pandas as pd
import pytest

from privsynth.evaluate import evaluate_release, granularity
from privsynth.policy.models import Policy
from privsynth.results import ColumnScan, ScanResult

NO_TEXT = lambda texts: [[] for _ in texts]  # noqa: E731


@pytest.mark.parametrize("values, period", [
    (["1966", "1970", "1981"] * 5, "year"),
    (["1966-09", "1970-01", "1981-12"] * 5, "month"),
    (["1960s", "1970s", "1980s"] * 5, "decade"),
    (list(pd.to_datetime(["1966-01-01", "1970-01-01", "1981-01-01"])) * 5, "year"),
    (list(pd.to_datetime(["1966-03-01", "1970-07-01", "1981-01-01"])) * 5, "month"),
    (["1966-09-17", "1970-01-02", "1981-12-30"] * 5, None),
    (list(pd.to_datetime(["1966-03-04", "1970-07-01", "1981-01-01"])) * 5, None),
    (["1966", "1970"], None),  # too few values to say
])
def test_the_period_of_a_date_column_is_read_from_its_values(values, period):
    assert granularity.date_period(pd.Series(values)) == period


def test_a_release_of_years_is_coarser_than_full_dates_but_not_than_years():
    years = pd.Series(["1966", "1970", "1981"] * 5)
    assert granularity.coarser_dates(years, pd.Series(["1966-09-17", "1970-01-02", "1981-12-30"] * 5)) == "year"
    assert granularity.coarser_dates(years, years) is None


def test_floored_dates_start_their_period_and_keep_missing_values():
    d = pd.Series(pd.to_datetime(["1966-09-17", None, "1979-02-03"]))
    assert list(granularity.floor_dates(d, "year").astype(str)) == ["1966-01-01", "NaT", "1979-01-01"]
    assert list(granularity.floor_dates(d, "month").astype(str))[2] == "1979-02-01"
    assert list(granularity.floor_dates(d, "decade").astype(str))[2] == "1970-01-01"


def postcodes(n, seed):
    rng = np.random.default_rng(seed)
    area = rng.choice(["M", "LS", "SW", "EC", "B", "G"], n)
    return pd.Series([f"{a}{rng.integers(1, 20)} {rng.integers(1, 9)}{chr(65 + rng.integers(26))}{chr(65 + rng.integers(26))}"
                      for a in area])


@pytest.mark.parametrize("release, expected", [
    (lambda o: o.str[:2], 2),
    (lambda o: o.str[:3] + "***", 3),
    (lambda o: o, None),  # same granularity
    (lambda o: pd.Series(["ZZ"] * len(o)), None),  # short, but not prefixes of real values
])
def test_truncated_codes_are_recognised_from_the_values(release, expected):
    o = postcodes(500, 1)
    assert granularity.truncation_length(release(o), o) == expected


def test_binned_numbers_map_real_values_to_the_midpoint_of_their_released_interval():
    iv = granularity.release_intervals(pd.Series(["20-29", "30-39", "40-49"] * 5))
    assert [m for *_, m in iv] == [24.5, 34.5, 44.5]
    assert list(granularity.to_midpoints(pd.Series([20, 29, 35, 55]), iv)) == [24.5, 24.5, 34.5, 55.0]
    half_open = granularity.release_intervals(pd.Series(["[0, 10)", "[10, 20)"] * 6))
    assert list(granularity.to_midpoints(pd.Series([9.99, 10.0]), half_open)) == [5.0, 15.0]


@pytest.mark.parametrize("value, band", [
    ("30-39", (30.0, 39.0, True, 34.5)),
    ("[30, 40)", (30.0, 40.0, False, 35.0)),
    ("30s", (30.0, 40.0, False, 35.0)),
    ("30's", (30.0, 40.0, False, 35.0)),
    ("90+", (90.0, float("inf"), True, 90.0)),
    (">=90", (90.0, float("inf"), True, 90.0)),
    ("<18", (float("-inf"), 18.0, False, 18.0)),
    ("<=17", (float("-inf"), 17.0, True, 17.0)),
    ("thirties", None),
    ("s", None),
    ("40-30", None),
])
def test_a_generalized_number_is_read_as_its_band(value, band):
    assert granularity.parse_band(value) == band


def test_decade_bands_with_top_and_bottom_codes_coarsen_real_ages_to_the_same_bands():
    iv = granularity.release_intervals(pd.Series(["<20", "20s", "30s", "40s", "90+"] * 4))
    assert list(granularity.to_midpoints(pd.Series([17, 20, 39, 40, 95, 60]), iv)) == [20.0, 25.0, 35.0, 45.0, 90.0, 60.0]


@pytest.mark.parametrize("release, original, step", [
    ([1000, 2000, 5000, 13000] * 5, [1234, 2210, 5012, 12999] * 5, 1000),
    ([10, 20, 30, 40] * 5, [12, 19, 33, 41] * 5, 10),
    ([826.71, 12.5, 300.02] * 5, [826.71, 12.5, 301.99] * 5, None),  # same precision
    ([12, 19, 33, 41] * 5, [12, 19, 33, 41] * 5, None),  # integers both
])
def test_rounded_numbers_are_recognised_from_the_values(release, original, step):
    assert granularity.rounding_step(pd.Series(release), pd.Series(original)) == step


def customers(n, seed):
    rng = np.random.default_rng(seed)
    birth = pd.Timestamp("1940-01-01") + pd.to_timedelta(rng.integers(0, 60 * 365, n), unit="D")
    return pd.DataFrame({
        "birth_date": birth.strftime("%Y-%m-%d"),
        "postcode": postcodes(n, seed + 100),
        "gender": rng.choice(["male", "female"], n),
        "tier": rng.choice(["bronze", "silver", "gold"], n),
        "orders": rng.poisson(8, n),
        "spend": np.round(rng.lognormal(6, 0.5, n), 2),
    })


def generalize(df):
    out = df.copy()
    out["birth_date"] = df["birth_date"].str[:4]
    out["postcode"] = df["postcode"].str[:2]
    return out


SCAN = ScanResult(columns=[ColumnScan(name=c, category=k) for c, k in [
    ("birth_date", "quasi_identifier"), ("postcode", "quasi_identifier"), ("gender", "quasi_identifier"),
    ("tier", "non_personal"), ("orders", "non_personal"), ("spend", "sensitive")]], rows=2000, rows_sampled=2000)


@pytest.fixture(scope="module")
def generalized_leak():
    pop = customers(3000, 1)
    train, holdout = pop.iloc[:2000].reset_index(drop=True), pop.iloc[2000:].reset_index(drop=True)
    release = generalize(customers(2000, 7))
    release.iloc[:40] = generalize(train.iloc[:40]).to_numpy()  # 2% verbatim training records, generalized as the rest
    p = Policy()
    p.evaluate.wp29_attacks = 200
    return evaluate_release(train, release, holdout, SCAN, p, text_detector=NO_TEXT)


def test_a_generalized_release_is_compared_with_the_real_tables_coarsened_the_same_way(generalized_leak):
    notes = generalized_leak.distance["notes"]["columns_coarsened_to_release"]
    assert set(notes) == {"birth_date", "postcode"}
    assert "year" in notes["birth_date"] and "2 characters" in notes["postcode"]
    # the truncated postcode is compared again (it used to be dropped as holding no real value)
    assert "postcode" in generalized_leak.distance["notes"]["records"]["columns_compared"]


def test_generalized_copies_of_training_records_are_found_verbatim(generalized_leak):
    t = generalized_leak.get("exact_match.records")
    assert t.details["train_hits"] >= 40
    assert t.status == "fail"


def test_without_the_coarsening_the_same_generalized_copies_are_not_verbatim(monkeypatch):
    pop = customers(3000, 1)
    train, holdout = pop.iloc[:2000].reset_index(drop=True), pop.iloc[2000:].reset_index(drop=True)
    release = generalize(customers(2000, 7))
    release.iloc[:40] = generalize(train.iloc[:40]).to_numpy()
    monkeypatch.setattr(granularity, "coarser_dates", lambda r, o: None)
    monkeypatch.setattr(granularity, "match_granularity", lambda o, r, h, c, n: (o, r, h))
    p = Policy()
    p.evaluate.wp29_attacks = 200
    rep = evaluate_release(train, release, holdout, SCAN, p, text_detector=NO_TEXT)
    assert rep.get("exact_match.records").details["train_hits"] == 0
    assert "columns_coarsened_to_release" not in rep.distance["notes"]


def test_a_release_with_ages_written_as_decades_is_evaluated_and_its_copies_found():
    # a new user's k-anonymised release wrote age as "30s": it was refused as a dtype mismatch (exit 2)
    rng = np.random.default_rng(3)
    pop = customers(3000, 2)
    pop["age"] = rng.integers(18, 90, len(pop))
    train, holdout = pop.iloc[:2000].reset_index(drop=True), pop.iloc[2000:].reset_index(drop=True)
    release = customers(2000, 9)
    release["age"] = rng.integers(18, 90, len(release))
    release.iloc[:40] = train.iloc[:40].to_numpy()  # 2% verbatim training records
    release["age"] = (release["age"] // 10 * 10).astype(str) + "s"
    scan = ScanResult(columns=SCAN.columns + [ColumnScan(name="age", category="quasi_identifier")], rows=2000,
                      rows_sampled=2000)
    p = Policy()
    p.evaluate.wp29_attacks = 200
    rep = evaluate_release(train, release, holdout, scan, p, text_detector=NO_TEXT)
    assert "age" in rep.distance["notes"]["columns_coarsened_to_release"]
    t = rep.get("exact_match.records")
    assert t.details["train_hits"] >= 40 and t.status == "fail"
