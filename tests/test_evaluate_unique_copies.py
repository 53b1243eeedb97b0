"""Trial findings F-V3, F-V2/F-V1 and F-R1 (issue 12) on a small real table (German Credit, ../shared/data):

* F-V3: real identifier values written as floats (`<id>.0`), in Excel's scientific notation or as integers in a
  column with blanks (read as float64) are still found by residual_pii.values, also in a release column the
  original does not have; a number with a fractional part is not its digits ("1.5" is not "15"); the summary and
  the HTML name the columns the original does not have.
* F-V2/F-V1: copies of real records drawn from training AND holdout records (no train-vs-holdout excess) fail
  exact_match.unique_records (unique real records against decoys), the verdict is personal_data, and the summary
  states how many released rows equal a unique real record.
* F-R1: a failed check shows the quantity it failed on, not a headline value within its threshold.
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from privsynth.evaluate import evaluate_release
from privsynth.gate.verdict import decide_verdict
from privsynth.policy.models import Policy
from privsynth.results import ColumnScan, Evidence, ScanResult, TestResult

DATA = Path(os.environ.get("PRIVSYNTH_SHARED_DATA", "/work/shared/data"))
CREDIT = DATA / "german_credit" / "germancredit.csv"
NO_TEXT = lambda texts: [[] for _ in texts]  # noqa: E731

needs_data = pytest.mark.skipif(not CREDIT.exists(), reason=f"{CREDIT} absent (../shared/data)")

ROLES = {"Age": "quasi_identifier", "Sex": "quasi_identifier", "Job": "quasi_identifier", "Housing": "quasi_identifier",
         "Saving accounts": "sensitive", "Checking account": "sensitive", "Credit amount": "sensitive",
         "Duration": "quasi_identifier", "Purpose": "sensitive", "Risk": "sensitive"}
SCAN = ScanResult(columns=[ColumnScan(name=c, category=k) for c, k in ROLES.items()] + [
    ColumnScan(name="tax_id", category="direct_identifier", entity_type="RECORD_ID"),
    ColumnScan(name="ref_no", category="non_personal")], rows=667, rows_sampled=667)


def policy() -> Policy:
    p = Policy()
    p.evaluate.wp29_attacks = 200
    return p


@pytest.fixture(scope="module")
def credit():
    """German Credit (1,000 real records) with an 11-digit tax ID (direct identifier) and a 9-digit reference number
    the scan called non_personal (both drawn here), split 667 / 333."""
    df = pd.read_csv(CREDIT)
    rng = np.random.default_rng(5)
    df["tax_id"] = rng.choice(np.arange(10**10, 10**11, 7919, dtype=np.int64), len(df), replace=False)
    df["ref_no"] = rng.choice(np.arange(10**8, 10**9, 3, dtype=np.int64), len(df), replace=False)
    perm = rng.permutation(len(df))
    train, holdout = df.iloc[perm[:667]].reset_index(drop=True), df.iloc[perm[667:]].reset_index(drop=True)
    return train, holdout


def shuffled_release(train, seed=1):
    """A release holding no real record: every column permuted on its own, identifiers regenerated."""
    rng = np.random.default_rng(seed)
    out = pd.DataFrame({c: rng.permutation(train[c].to_numpy()) for c in train.columns})
    out["tax_id"] = rng.integers(2 * 10**11, 3 * 10**11, len(out))
    out["ref_no"] = rng.integers(2 * 10**9, 3 * 10**9, len(out))
    return out


def residual(train, release, holdout):
    rep = evaluate_release(train, release, holdout, SCAN, policy(), text_detector=NO_TEXT)
    return rep, rep.get("residual_pii.values")


# ----------------------------------------------------------------------------------------------------- F-V3
def test_numbers_are_compared_as_numbers_and_only_exact_integers_lose_their_point():
    from privsynth.evaluate.residual import number_key, value_key

    key = "12345678901"
    for v in (12345678901, 12345678901.0, np.float64(12345678901.0), "12345678901", "12345678901.0",
              "1.2345678901E+10", " 1.2345678901e10 ", "1234567890.1E1"):
        assert value_key(v) == key, v
    # a number with a fractional part is not its digits, and no other digit string
    assert value_key("1.5") != "15" and value_key(1.5) != "15"
    assert value_key("1234567890.1") != "12345678901"
    assert number_key("+49 170 1234567") is None  # not a number literal: the text normalisation applies
    assert value_key("0123456") == "0123456"  # leading zeros of a digit string are kept


def _leak_column(train, fmt, n=20):
    ids = train["tax_id"].head(n).to_numpy()
    if fmt == "float_nan":  # how pandas holds an integer column with blanks
        col = pd.Series(np.nan, index=range(len(train)), dtype=float)
        col.iloc[:n] = ids.astype(float)
        return col
    col = pd.Series("", index=range(len(train)), dtype=object)
    col.iloc[:n] = [{"dot0": f"{v}.0", "excel": "%.10E" % float(v), "plain": str(v)}[fmt] for v in ids]
    return col


@needs_data
@pytest.mark.parametrize("fmt", ["float_nan", "dot0", "excel", "plain"])
def test_real_ids_in_a_column_the_original_lacks_are_found_however_the_number_is_written(credit, fmt):
    train, holdout = credit
    rel = shuffled_release(train)
    rel["Ref"] = _leak_column(train, fmt)
    rep, t = residual(train, rel, holdout)
    assert t.status == "fail"
    assert t.details["strong_values_found"] == 20
    assert t.details["release_columns_with_values"] == {"Ref": 20}
    assert t.details["release_columns_not_in_original"] == ["Ref"]


@needs_data
def test_a_clean_release_with_a_new_column_of_other_numbers_passes(credit):
    train, holdout = credit
    rel = shuffled_release(train)
    ids = train["tax_id"].head(20).to_numpy()
    # the same digits with a fractional part ("1234567890.1" is not 12345678901) and unrelated 11-digit numbers
    rel["Ref"] = pd.Series([f"{v // 10}.{v % 10}" for v in ids] + [""] * (len(rel) - 20), dtype=object)
    rel["Ref2"] = np.where(np.arange(len(rel)) < 50, np.arange(len(rel)) + 5 * 10**11, np.nan)
    rep, t = residual(train, rel, holdout)
    assert t.status == "pass", t.details
    assert t.details["strong_values_found"] == 0


@needs_data
def test_a_new_column_is_searched_for_a_record_unique_column_the_scan_called_non_personal(credit):
    train, holdout = credit
    rel = shuffled_release(train)
    rel["Kontakt"] = [str(v) for v in train["ref_no"].head(20)] + [""] * (len(rel) - 20)
    rep, t = residual(train, rel, holdout)
    assert "ref_no" in t.details["record_unique_columns_searched_in_new_columns"]
    assert t.details["record_unique_values_found_in_new_columns"] == 20
    assert t.status == "fail" and t.details["release_columns_with_values"] == {"Kontakt": 20}


@needs_data
def test_the_summary_and_the_html_name_the_release_columns_the_original_lacks(credit):
    from privsynth.report import render_summary_html
    from privsynth.report.summary import summary_view

    train, holdout = credit
    rel = shuffled_release(train)
    rel["Ref9"] = rel["ref_no"]
    rep = evaluate_release(train, rel, holdout, SCAN, policy(), text_detector=NO_TEXT)
    ev = Evidence(created_at="t", scan=SCAN, evaluation=rep)
    ev.verdict = decide_verdict(ev)
    s = summary_view(ev)
    assert s["release"]["columns_not_in_original"] == ["Ref9"]
    assert "Ref9" in s["tested"]
    assert "Ref9" in render_summary_html(ev)


# ----------------------------------------------------------------------------------------------------- F-V2/F-V1
@pytest.fixture(scope="module")
def gc_release(credit):
    """A clean release: SDV GaussianCopula fitted on the training records (identifiers regenerated)."""
    from sdv.metadata import Metadata
    from sdv.single_table import GaussianCopulaSynthesizer

    train, _ = credit
    cols = list(ROLES)
    md = Metadata.detect_from_dataframes({"t": train[cols]})
    syn = GaussianCopulaSynthesizer(md)
    np.random.seed(3)
    syn.fit({"t": train[cols]})
    out = syn.sample(num_rows=len(train))
    out = (out["t"] if isinstance(out, dict) else out)[cols].reset_index(drop=True)
    rng = np.random.default_rng(3)
    out["tax_id"] = rng.integers(2 * 10**11, 3 * 10**11, len(out))
    out["ref_no"] = rng.integers(2 * 10**9, 3 * 10**9, len(out))
    return out


def plant_from_both(release, train, holdout, n_train, n_holdout, seed=0):
    """Replace rows of the release by real records drawn from training AND holdout (identifiers kept synthetic)."""
    rng = np.random.default_rng(seed)
    rows = pd.concat([train.iloc[rng.choice(len(train), n_train, replace=False)],
                      holdout.iloc[rng.choice(len(holdout), n_holdout, replace=False)]])
    out = release.copy()
    slots = rng.choice(len(out), len(rows), replace=False)
    cols = list(ROLES)
    out.loc[slots, cols] = rows[cols].to_numpy()
    return out.astype(release.dtypes.to_dict())


def verdict_of(train, release, holdout):
    rep = evaluate_release(train, release, holdout, SCAN, policy(), text_detector=NO_TEXT)
    ev = Evidence(created_at="t", scan=SCAN, evaluation=rep)
    return rep, decide_verdict(ev), ev


@needs_data
def test_a_clean_generator_release_passes_and_states_its_count(credit, gc_release):
    train, holdout = credit
    rep, verdict, ev = verdict_of(train, gc_release, holdout)
    t = rep.get("exact_match.unique_records")
    assert t.status == "pass", t.details
    assert t.details["column_sets"]["evaluated_columns"]["decoys"] > 1000
    from privsynth.report.summary import summary_view

    n = t.details["release_rows_equal_to_unique_real_record"]
    assert f"{n} released row" in summary_view(ev)["tested"]


@needs_data
@pytest.mark.parametrize("n_train,n_holdout", [(5, 2), (20, 13)])  # 1% and 5% of 667 released rows, 2:1 like the split
def test_copies_from_training_and_holdout_alike_make_the_release_personal_data(credit, gc_release, n_train, n_holdout):
    train, holdout = credit
    rel = plant_from_both(gc_release, train, holdout, n_train, n_holdout)
    rep, verdict, ev = verdict_of(train, rel, holdout)
    t = rep.get("exact_match.unique_records")
    assert t.status == "fail" and t.p_value < 0.01
    assert t.details["release_rows_equal_to_unique_real_record"] >= n_train + n_holdout
    assert verdict.label == "personal_data"
    from privsynth.report.summary import summary_view

    assert f"{t.details['release_rows_equal_to_unique_real_record']} released rows" in summary_view(ev)["tested"]


# ----------------------------------------------------------------------------------------------------- F-R1
def _mia_failed_on_tpr() -> TestResult:
    return TestResult(id="mia.distance", name="MIA distance", family="membership_inference", value=0.5332,
                      ci_low=0.5092, ci_high=0.5573, threshold=0.6, comparator="<=", passed=False, status="fail",
                      details={"auc": 0.5332, "tpr_at_fpr_0.01": 0.057, "tpr_at_fpr_0.01_interval_95": [0.041, 0.077],
                               "thresholds": {"auc_max": 0.6, "tpr_at_fpr_0.01_max": 0.02, "epsilon_max": 2.0},
                               "failed_on": ["tpr_at_fpr_0.01"], "tpr_excess_p_value": 1e-6,
                               "fpr_at_fpr_0.01_threshold": 0.01})


def test_a_check_that_failed_on_another_metric_shows_that_metric():
    from privsynth.gate.checks import check_from_test
    from privsynth.policy.models import GateSettings

    c = check_from_test(_mia_failed_on_tpr(), GateSettings())
    assert c.status == "fail"
    assert c.quantity == "true-positive rate at 1% false positives"
    assert (c.value, c.threshold, c.comparator) == (0.057, 0.02, "<=")


@needs_data
def test_residual_failing_on_common_words_shows_the_p_value_not_a_count_of_zero(credit):
    from privsynth.gate.checks import check_from_test
    from privsynth.policy.models import GateSettings

    train, holdout = credit
    scan = ScanResult(columns=SCAN.columns + [ColumnScan(name="city", category="direct_identifier", entity_type="CITY")],
                      rows=667, rows_sampled=667)
    rng = np.random.default_rng(0)
    tr, ho = train.copy(), holdout.copy()
    tr["city"] = [f"Trainville{i}" for i in range(len(tr))]
    ho["city"] = [f"Holdtown{i}" for i in range(len(ho))]
    rel = shuffled_release(train)
    rel["city"] = rng.permutation(tr["city"].to_numpy())  # every training city name, no holdout one
    rep = evaluate_release(tr, rel, ho, scan, policy(), text_detector=NO_TEXT)
    t = rep.get("residual_pii.values")
    assert t.status == "fail" and t.value == 0 and t.details["failed_on"] == ["common_word_p_value"]
    c = check_from_test(t, GateSettings())
    assert c.quantity.startswith("p-value of common-word") and c.value == t.details["common_word_p_value"]
    assert c.value < c.threshold and c.comparator == ">="


# --------------------------------------------------------------------------- decoys without building them (speed)


def _encoded(n: int, seed: int, neg_zero: bool = False, nan: bool = False):
    """One-hot columns of 2..9 levels and one scaled number: (rows, each column's slice)."""
    rng = np.random.default_rng(seed)
    parts, slices, pos = [], [], 0
    for card in (2, 3, 5, 9):
        parts.append(np.eye(card, dtype=np.float32)[rng.integers(0, card, n)])
        slices.append(slice(pos, pos + card))
        pos += card
    num = (rng.integers(0, 7, (n, 1)) / 6).astype(np.float32)
    if neg_zero:
        num[rng.random(n) < 0.2] = -0.0
    if nan:
        num[rng.random(n) < 0.05] = np.nan
    return np.hstack(parts + [num]), slices + [slice(pos, pos + 1)]


@pytest.mark.parametrize("kind", ["plain", "neg_zero", "nan"])
def test_decoy_fingerprints_and_membership_equal_those_of_the_built_decoy_rows(kind):
    from privsynth.evaluate.fingerprints import RowLookup, multiplicity, row_fingerprints, slice_terms
    from privsynth.evaluate.unique_copies import _decoys

    X, slices = _encoded(3000, 3, neg_zero=kind == "neg_zero", nan=kind == "nan")
    keys = row_fingerprints(X)
    # the slices' terms add up to the fingerprint (mod 2**64)
    total = sum(slice_terms(X, sl) for sl in slices)
    assert (total.view(np.dtype((np.void, 16))).ravel() == keys).all()
    uniq = np.flatnonzero(multiplicity(keys) == 1)
    dec = _decoys(X, keys, uniq, slices, np.random.default_rng(0), 16)
    assert len(dec) > 100
    D = dec.rows_at(np.arange(len(dec)))
    assert (row_fingerprints(D) == dec.keys).all()
    # every decoy is a real record with one column's value from its donor, equal to no real record, each once
    for i in range(0, len(dec), 37):
        src = X[dec.rows[i]].copy()
        src[slices[dec.col[i]]] = X[dec.donor[i], slices[dec.col[i]]]
        assert D[i].tobytes() == src.tobytes()
    assert not RowLookup(X, keys).contains(D, dec.keys).any()
    same_as_real = (D[:, None, :] == X[None, :, :]).all(axis=2).any(axis=1) if kind == "plain" else None
    if same_as_real is not None:
        assert not same_as_real.any()
    assert len(np.unique(dec.keys)) == len(dec)


def test_groups_are_the_classes_of_equal_values():
    from privsynth.evaluate.fingerprints import slice_terms
    from privsynth.evaluate.unique_copies import _groups

    X, slices = _encoded(2000, 5)
    for sl in slices:
        g, exact = _groups(X[:, sl], slice_terms(X, sl))
        ref = np.unique(X[:, sl], axis=0, return_inverse=True)[1].ravel()
        assert exact
        # the same partition: a one-to-one map between the two numberings
        pairs = np.unique(np.stack([g, ref], axis=1), axis=0)
        assert len(pairs) == len(np.unique(g)) == len(np.unique(ref))
    Xn, sn = _encoded(500, 6, nan=True)
    assert not _groups(Xn[:, sn[-1]], slice_terms(Xn, sn[-1]))[1]


@pytest.mark.parametrize("collide", [False, True])
def test_row_lookup_finds_exactly_the_rows_of_the_table(collide):
    from privsynth.evaluate.fingerprints import RowLookup, row_fingerprints

    X, _ = _encoded(2000, 7)
    Q, _ = _encoded(1500, 8)
    kx, kq = row_fingerprints(X), row_fingerprints(Q)
    if collide:  # two different table rows whose fingerprints share the first 64-bit word: the 16-byte keys are used
        w = kx.view(np.uint64).reshape(-1, 2)
        other = np.flatnonzero((X != X[0]).any(axis=1))[0]
        w[other, 0] = w[0, 0]
    look = RowLookup(X, kx)
    assert look.words is not collide
    brute = (Q[:, None, :] == X[None, :, :]).all(axis=2).any(axis=1)
    assert brute.sum() > 50
    assert (look.contains(Q, kq) == brute).all()
