"""Dates in any storage (issue 13): YYYYMMDD integers, Excel serials, epoch seconds and dd.mm.yyyy text are
generalized, shifted and synthesized as dates and written back in their original storage, never as an
invalid date. Fictitious birth dates drawn with Faker (fixed seed); real SDV and real operators run."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest
from faker import Faker

from privsynth.dates import DateStorage, date_from_storage_ok, period_middle, to_datetimes
from privsynth.detect import scan_table
from privsynth.policy.models import Policy
from privsynth.transform import anonymize_table

KEY = bytes(range(32))
EXCEL_EPOCH = dt.date(1899, 12, 30)


def _births(n: int, seed: int) -> list[dt.date]:
    f = Faker("de_DE")
    f.seed_instance(seed)
    return [f.date_of_birth(minimum_age=18, maximum_age=90) for _ in range(n)]


STORAGES = {
    "yyyymmdd": (lambda d: int(d.strftime("%Y%m%d")), DateStorage("yyyymmdd")),
    "excel": (lambda d: (d - EXCEL_EPOCH).days, DateStorage("excel")),
    "epoch_s": (lambda d: int(dt.datetime(d.year, d.month, d.day, 12, tzinfo=dt.timezone.utc).timestamp()), DateStorage("epoch_s")),
}


def _col(storage: str, n: int = 60, seed: int = 1) -> tuple[pd.Series, list[dt.date]]:
    born = _births(n, seed)
    return pd.Series([STORAGES[storage][0](d) for d in born], name="geburtsdatum"), born


def _anonymize(values: pd.Series, params: dict, op: str = "generalize") -> pd.Series:
    df = pd.DataFrame({"geburtsdatum": values, "n": range(len(values))})
    pol = Policy.model_validate({"columns": {"geburtsdatum": {"operator": op, "params": params}}})
    return anonymize_table(df, None, pol, key=KEY).data["geburtsdatum"]


@pytest.mark.parametrize("storage", sorted(STORAGES))
@pytest.mark.parametrize("level", ["month", "year", "decade"])
def test_generalizing_numeric_stored_dates_gives_valid_dates_in_the_same_storage(storage, level):
    values, born = _col(storage)
    out = _anonymize(values, {"date": level})
    st = STORAGES[storage][1]
    assert pd.api.types.is_integer_dtype(out), out.dtype
    assert all(date_from_storage_ok(v, st) for v in out), f"invalid {storage} values after generalize {level}"
    got = to_datetimes(out, st).dt.date
    for b, g in zip(born, got):
        if level == "month":
            assert (g.year, g.month, g.day) == (b.year, b.month, 15)
        elif level == "year":
            assert (g.year, g.month, g.day) == (b.year, 7, 1)
        else:
            assert (g.year, g.month, g.day) == (b.year // 10 * 10 + 5, 7, 1)
    # one value per period
    periods = {(b.year, b.month) if level == "month" else b.year if level == "year" else b.year // 10 for b in born}
    assert out.nunique() == len(periods)


def test_generalizing_yyyymmdd_digit_strings_keeps_them_text():
    values, _ = _col("yyyymmdd")
    out = _anonymize(values.astype(str), {"date": "year"})
    assert all(isinstance(v, str) and len(v) == 8 and v.endswith("0701") for v in out)


def test_generalizing_dotted_text_dates_gives_year_month_text_as_before():
    born = _births(20, 2)
    out = _anonymize(pd.Series([d.strftime("%d.%m.%Y") for d in born]), {"date": "month"})
    assert out.tolist() == [d.strftime("%Y-%m") for d in born]


@pytest.mark.parametrize("storage", sorted(STORAGES))
def test_date_shift_of_numeric_stored_dates_stays_in_storage_and_within_the_bound(storage):
    values, born = _col(storage, seed=3)
    out = _anonymize(values, {"max_days": 30, "seed": 4}, op="date_shift")
    st = STORAGES[storage][1]
    assert all(date_from_storage_ok(v, st) for v in out)
    shift = [(g - b).days for g, b in zip(to_datetimes(out, st).dt.date, born)]
    assert all(-30 <= s <= 30 for s in shift) and any(s != 0 for s in shift)


def test_a_number_column_that_is_not_dates_is_still_refused_by_date_generalization():
    from privsynth.errors import PolicyError

    with pytest.raises(PolicyError, match="does not hold dates"):
        _anonymize(pd.Series([34, 51, 27, 45] * 5), {"date": "year"})


def test_period_middle_keeps_missing_values_missing():
    d = pd.Series([pd.Timestamp("1975-06-30"), pd.NaT])
    out = period_middle(d, "month")
    assert out.iloc[0] == pd.Timestamp("1975-06-15") and pd.isna(out.iloc[1])


# --------------------------------------------------------------------------- synthesis


@pytest.mark.parametrize("storage", ["yyyymmdd", "excel", "epoch_s", "dmy_dots"])
def test_a_synthesized_birth_date_column_holds_only_valid_dates_in_its_original_storage(storage):
    from privsynth.synthesize import synthesize_table

    born = _births(80, 5)
    if storage == "dmy_dots":
        dob = [d.strftime("%d.%m.%Y") for d in born]
    else:
        dob = [STORAGES[storage][0](d) for d in born]
    r = np.random.default_rng(5)
    df = pd.DataFrame({"geburtsdatum": dob, "visits": r.integers(0, 12, len(born)), "plan": r.choice(["a", "b", "c"], len(born))})
    scan = scan_table(df, Policy())
    assert scan.by_name()["geburtsdatum"].entity_type == "DATE_OF_BIRTH", scan.by_name()["geburtsdatum"].evidence["reason"]
    out = synthesize_table(df, scan, Policy.model_validate({"synthesize": {"seed": 1}})).release["geburtsdatum"]
    if storage == "dmy_dots":
        parsed = pd.to_datetime(out, format="%d.%m.%Y", errors="coerce")
        assert parsed.notna().all(), "synthesized dd.mm.yyyy values that do not parse"
    else:
        assert pd.api.types.is_integer_dtype(out), out.dtype
        bad = [v for v in out if not date_from_storage_ok(v, STORAGES[storage][1])]
        assert bad == [], f"{len(bad)} of {len(out)} synthesized values are not valid {storage} dates"
