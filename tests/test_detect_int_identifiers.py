"""Trial findings F-C1 / F-C2 (issue 15): identifiers stored as integers lose their leading zeros.

* a unique 9-digit reference read as an integer keeps 9 digits in ~90% of the rows, 8 in ~9%, 7 in ~0.9%: no fixed
  width any more, and the scan called it a measure (`non_personal`, released verbatim);
* a phone number stored as int64 loses its trunk 0 (or keeps a country code without the +).
Measures (incomes, survey weights such as Adult's fnlwgt, amounts, counts) must stay non-identifiers. Values are
fictitious (Faker, fixed seeds, or random numbers); real recognizers and `phonenumbers` run.
"""

from __future__ import annotations

import random
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from faker import Faker

from privsynth.detect import scan_table
from privsynth.policy.models import Policy

# ../shared next to the main checkout (/work/main -> /work/shared), also from a worktree under /work/wt
ADULT = next((p for p in (Path(__file__).resolve().parents[1].parent / "shared" / "data" / "adult" / "adult_full.csv",
                          Path(__file__).resolve().parents[1].parent.parent / "shared" / "data" / "adult" / "adult_full.csv")
              if p.exists()), Path("/nonexistent"))


def _scan(df: pd.DataFrame):
    return {c.name: c for c in scan_table(df, Policy()).columns}


def _stripped_refs(n: int, width: int, seed: int) -> list[int]:
    rnd = random.Random(seed)
    out: set[int] = set()
    while len(out) < n:
        out.add(int("".join(str(rnd.randint(0, 9)) for _ in range(width)) or "0"))
    return list(out)


@pytest.mark.parametrize("width", [7, 9, 12])
@pytest.mark.parametrize("header", ["c14", "ref", "betrag"])
def test_a_unique_reference_that_lost_its_leading_zeros_is_a_record_id(width, header):
    vals = _stripped_refs(1500, width, seed=width)
    c = _scan(pd.DataFrame({header: pd.Series(vals, dtype="int64"), "n": range(1500)}))[header]
    assert (c.category, c.entity_type) == ("direct_identifier", "RECORD_ID"), c.evidence["reason"]
    assert c.evidence["zero_stripped_width"]["width"] == width


def _int_phones(loc: str, n: int, seed: int) -> list[int]:
    fk = Faker(loc)
    fk.seed_instance(seed)
    out: set[int] = set()
    while len(out) < n:
        d = "".join(ch for ch in fk.phone_number() if ch.isdigit()).lstrip("0")
        out.add(int(d or "0"))
    return list(out)


# (not en_GB: Faker's British numbers are Ofcom drama ranges, which `phonenumbers` does not all accept as valid)
@pytest.mark.parametrize("loc", ["de_DE", "de_AT", "de_CH", "fr_FR", "it_IT"])
@pytest.mark.parametrize("header", ["tel", "c7"])
def test_phone_numbers_stored_as_integers_without_the_trunk_zero_are_phone_numbers(loc, header):
    vals = _int_phones(loc, 800, seed=5)
    c = _scan(pd.DataFrame({header: pd.Series(vals, dtype="int64")}))[header]
    assert c.category == "direct_identifier", c.evidence["reason"]
    assert c.entity_type in ("PHONE_NUMBER", "RECORD_ID"), c.evidence["reason"]
    if loc in ("de_DE", "de_AT"):  # widths vary: only the phone rule can tell
        assert c.entity_type == "PHONE_NUMBER" and c.evidence["phone_digits_as_integers"]["valid_share"] >= 0.8


def test_german_phones_as_integers_in_a_parquet_file_with_blanks(tmp_path):
    vals = [float(v) for v in _int_phones("de_DE", 600, seed=9)] + [np.nan] * 60
    f = tmp_path / "t.parquet"
    pd.DataFrame({"tel": vals}).to_parquet(f)
    from privsynth.io import read_table

    c = scan_table(read_table(f), Policy()).by_name()["tel"]
    assert c.entity_type == "PHONE_NUMBER", c.evidence["reason"]


def _measures(n: int, seed: int) -> dict[str, list]:
    rng = np.random.default_rng(seed)
    return {
        "income": rng.integers(15_000, 250_000, n).tolist(),  # 5-6 digits
        "revenue": np.round(rng.lognormal(14, 1.2, n)).astype("int64").tolist(),  # 5-8 digits, log-normal
        "count": rng.poisson(40, n).tolist(),
        "amount": np.round(rng.lognormal(12, 1.0, n), 2).tolist(),  # decimals
        "weight": np.round(rng.lognormal(12, 0.5, n)).astype("int64").tolist(),  # fnlwgt-like survey weight
        "uniform_weight": rng.integers(10_000, 900_000, n).tolist(),  # 89% 6 digits, 11% 5: but no first digit 9
    }


@pytest.mark.parametrize("seed", [1, 2])
def test_measures_stay_non_identifiers(seed):
    cols = _scan(pd.DataFrame(_measures(1200, seed)))
    for name, c in cols.items():
        assert c.category != "direct_identifier", (name, c.evidence["reason"])
        assert "phone_digits_as_integers" not in c.evidence and "zero_stripped_width" not in c.evidence


@pytest.mark.skipif(not ADULT.exists(), reason="../shared/data/adult not present")
def test_adults_fnlwgt_stays_a_non_identifier_measure():
    a = pd.read_csv(ADULT).sample(3000, random_state=0)
    c = scan_table(a[["fnlwgt", "age"]].reset_index(drop=True), Policy()).by_name()["fnlwgt"]
    assert c.category == "non_personal" and c.entity_type is None, c.evidence["reason"]


def test_the_rules_report_shares_never_values():
    from privsynth.detect.values import phone_digits_share, zero_stripped_width

    zs = zero_stripped_width([str(v) for v in _stripped_refs(1000, 9, seed=3)])
    assert zs is not None and set(zs) == {"width", "full_width_share", "one_shorter_per_full_width", "leading_digit_max_share"}
    assert zero_stripped_width([str(v) for v in range(100_000, 100_900)]) is None  # sequential: 1 leading digit
    assert phone_digits_share(["12", "345"]) is None  # too short to be a phone number
