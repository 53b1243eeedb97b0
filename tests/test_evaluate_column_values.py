"""exact_match.column_values: real values copied column by column, whatever the scan says (a new user's synthetic
release with every training member's real national ID pasted in was anonymous_candidate)."""

import numpy as np
import pandas as pd
import pytest

from privsynth.evaluate import evaluate_release
from privsynth.gate.verdict import decide_verdict
from privsynth.policy.models import Policy
from privsynth.results import ColumnScan, Evidence, ScanResult

NO_TEXT = lambda texts: [[] for _ in texts]  # noqa: E731


def people(n, seed):
    """A population table: a near-unique weight, a unique reference number, and low-cardinality attributes."""
    rng = np.random.default_rng(seed)
    return pd.DataFrame({
        "ref": [f"R{x:09d}" for x in rng.choice(10**9, n, replace=False)],
        "weight": rng.integers(10_000, 1_500_000, n),
        "age": rng.integers(18, 90, n),
        "sex": rng.choice(["f", "m"], n),
        "region": rng.choice(list("ABCDEFGH"), n),
    })


# the scan called `ref` and `weight` non_personal: the test must not need the scan
SCAN = ScanResult(columns=[ColumnScan(name=c, category=k) for c, k in [
    ("ref", "non_personal"), ("weight", "non_personal"), ("age", "quasi_identifier"), ("sex", "quasi_identifier"),
    ("region", "quasi_identifier")]], rows=2000, rows_sampled=2000)


def evaluate(release, train, holdout):
    p = Policy()
    p.evaluate.wp29_attacks = 100
    return evaluate_release(train, release, holdout, SCAN, p, text_detector=NO_TEXT)


@pytest.fixture(scope="module")
def tables():
    pop = people(3000, 1)
    train, holdout = pop.iloc[:2000].reset_index(drop=True), pop.iloc[2000:].reset_index(drop=True)
    clean = people(2000, 99)  # drawn independently of the training records: a release that saw none of them
    clean["ref"] = [f"S{i:09d}" for i in range(len(clean))]  # regenerated identifiers
    return train, holdout, clean


@pytest.mark.parametrize("column", ["ref", "weight"])
def test_a_column_of_training_values_pasted_onto_independent_rows_fails_and_makes_the_release_personal_data(tables, column):
    train, holdout, clean = tables
    release = clean.copy()
    release[column] = train[column].to_numpy()  # no released row is a real record; one column is
    rep = evaluate(release, train, holdout)
    t = rep.get("exact_match.column_values")
    assert t.status == "fail" and t.details["smallest_p_value_column"] == column
    assert rep.get("exact_match.records").status == "pass"  # the whole-record test cannot see it
    assert t.required is False  # a complement: its failure still decides the verdict
    v = decide_verdict(Evidence(created_at="t", scan=SCAN, evaluation=rep))
    assert v.label == "personal_data"
    assert any(r.test == "exact_match.column_values" for r in v.reasons)


def test_a_release_independent_of_the_training_records_passes(tables):
    train, holdout, clean = tables
    t = evaluate(clean, train, holdout).get("exact_match.column_values")
    assert t.status == "pass", t.details
    # weight is near-unique in the real data, so it is tested; sex and region are not (no unique values)
    assert "weight" in t.details["columns"]
    assert {"sex", "region"} <= set(t.details["columns_not_tested"])


def test_values_are_compared_as_the_encoding_reads_them(tables):
    train, holdout, clean = tables
    release = clean.copy()
    release["weight"] = train["weight"].astype(float).astype(str).to_numpy()  # 123456 written "123456.0"
    t = evaluate(release, train, holdout).get("exact_match.column_values")
    assert t.status == "fail" and t.details["smallest_p_value_column"] == "weight"


def test_without_a_holdout_the_test_says_why_it_did_not_run(tables):
    train, _, clean = tables
    p = Policy()
    p.evaluate.wp29_attacks = 100
    t = evaluate_release(train, clean, None, SCAN, p, text_detector=NO_TEXT).get("exact_match.column_values")
    assert t.status == "not_run" and "holdout" in t.reason_not_run


def test_a_few_real_ids_among_regenerated_ones_are_found_in_the_column_the_record_tests_leave_out(tables):
    train, holdout, clean = tables
    release = clean.copy()
    release.loc[:14, "ref"] = train["ref"].iloc[:15].to_numpy()  # 15 real IDs (0.75%) among 2,000 regenerated ones
    rep = evaluate(release, train, holdout)
    assert "ref" in rep.distance["notes"]["records"]["columns_with_no_real_values"]
    t = rep.get("exact_match.column_values")
    assert t.details["columns"]["ref"]["train_hits"] == 15 and t.details["columns"]["ref"]["holdout_hits"] == 0
    assert t.status == "fail"
