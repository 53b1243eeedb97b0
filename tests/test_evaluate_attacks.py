"""WP29 risks, membership attacks and outlier tests on small generated tables."""

import numpy as np
import pandas as pd
import pytest

from privsynth.evaluate import evaluate_release
from privsynth.evaluate.stats import wilson
from privsynth.policy.models import Policy
from privsynth.results import ColumnScan, ScanResult


def table(n, seed):
    rng = np.random.default_rng(seed)
    age = rng.integers(18, 90, n)
    return pd.DataFrame({
        "age": age,
        "zip": rng.choice([f"z{i}" for i in range(40)], n),
        "job": rng.choice([f"j{i}" for i in range(12)], n),
        "salary": np.round(rng.normal(3000, 800, n) + 20 * age, 0),
        "disease": rng.choice(["flu", "none", "asthma"], n, p=[0.2, 0.7, 0.1]),
    })


SCAN = ScanResult(columns=[
    ColumnScan(name="age", category="quasi_identifier"), ColumnScan(name="zip", category="quasi_identifier"),
    ColumnScan(name="job", category="quasi_identifier"), ColumnScan(name="salary", category="sensitive"),
    ColumnScan(name="disease", category="special_category"),
], rows=1000, rows_sampled=1000)


def policy(**kw):
    p = Policy()
    p.evaluate.wp29_attacks = 300
    for k, v in kw.items():
        setattr(p.evaluate, k, v)
    return p


@pytest.fixture(scope="module")
def reports():
    train, hold, clean = table(1000, 1), table(800, 2), table(1000, 3)
    no_text = lambda t: [[] for _ in t]
    return {
        "clean": evaluate_release(train, clean, hold, SCAN, policy(), text_detector=no_text),
        "copy": evaluate_release(train, train.sample(frac=1, random_state=0), hold, SCAN, policy(), text_detector=no_text),
    }


@pytest.mark.parametrize("tid", ["wp29.singling_out.univariate", "wp29.singling_out.multivariate", "wp29.linkability",
                                 "wp29.inference.salary", "wp29.inference.disease"])
def test_wp29_risks_are_low_on_a_clean_release(reports, tid):
    t = reports["clean"].get(tid)
    assert t.status == "pass" and t.value < 0.09
    assert t.ci_low <= t.value <= t.ci_high
    assert {"main_success_rate", "control_success_rate", "baseline_success_rate"} <= set(t.details)


@pytest.mark.parametrize("tid", ["wp29.singling_out.multivariate", "wp29.linkability", "wp29.inference.salary"])
def test_wp29_risks_fail_when_the_release_is_the_training_data(reports, tid):
    t = reports["copy"].get(tid)
    assert t.status == "fail" and t.value > 0.09 and t.ci_low > 0.09


@pytest.mark.parametrize("tid", ["mia.distance", "mia.distance_reference", "mia.density_ratio", "mia.classifier"])
def test_membership_attacks_report_auc_low_fpr_tpr_advantage_and_epsilon(reports, tid):
    t = reports["clean"].get(tid)
    d = t.details
    assert {"auc", "tpr_at_fpr_0.001", "tpr_at_fpr_0.01", "advantage", "epsilon_lower_bound"} <= set(d)
    assert 0.4 < d["auc"] < 0.6 and d["epsilon_lower_bound"] < 1.0
    assert t.charts["roc"]["type"] == "roc"


def test_the_worst_attack_drives_mia_worst_and_a_copy_release_is_caught(reports):
    w = reports["copy"].get("mia.worst")
    assert w.status == "fail" and w.details["worst_attack"].startswith("mia.")
    assert reports["copy"].get("mia.distance").details["epsilon_lower_bound"] > 2
    assert reports["clean"].get("mia.worst").status == "pass"


def test_outlier_tests_compare_training_and_holdout_outliers(reports):
    t = reports["clean"].get("outliers.exact_match")
    assert t.status == "pass" and t.details["training_outliers"] >= 1
    assert reports["copy"].get("outliers.mia").value == 1.0


def test_linkability_groups_and_secrets_come_from_the_policy():
    train, hold, clean = table(600, 4), table(400, 5), table(600, 6)
    rep = evaluate_release(train, clean, hold, SCAN, policy(linkability_groups=[["age", "zip"], ["job", "salary"]],
                                                            secrets=["job"]), text_detector=lambda t: [[] for _ in t])
    link = rep.get("wp29.linkability")
    assert link.details["group_a"] == ["age", "zip"] and link.details["group_b"] == ["job", "salary"]
    assert [t.id for t in rep.tests if t.id.startswith("wp29.inference")] == ["wp29.inference.job"]


def test_a_secret_named_in_the_policy_but_not_evaluated_is_named_in_the_reason():
    train, hold, clean = table(600, 4), table(400, 5), table(600, 6)
    scan = ScanResult(columns=[ColumnScan(name=c, category="quasi_identifier") for c in ("age", "zip", "job")]
                      + [ColumnScan(name="salary", category="non_personal"), ColumnScan(name="disease", category="non_personal")],
                      rows=600, rows_sampled=600)
    rep = evaluate_release(train, clean, hold, scan, policy(secrets=["salary"]), text_detector=lambda t: [[] for _ in t])
    t = rep.get("wp29.inference")
    assert t.status == "not_run"
    assert "evaluate.secrets names salary, not among the evaluated columns" in t.reason_not_run
    assert "category: sensitive" in t.reason_not_run


@pytest.mark.slow
def test_the_index_is_flagged_approximate_above_the_policy_threshold():
    train, hold, clean = table(1200, 7), table(500, 8), table(1200, 9)
    rep = evaluate_release(train, clean, hold, SCAN, policy(approximate_above=1000), text_detector=lambda t: [[] for _ in t])
    assert rep.distance["approximate"] is True and "IVF" in rep.distance["index"]
    assert rep.get("mia.distance").details["approximate_index"] is True


@pytest.mark.slow
def test_the_clean_false_alarm_rate_stays_low_over_seeds():
    """A cheap version of the leak suite's false-alarm check: independent draws should rarely fail a leak test."""
    fails = 0
    for s in range(4):
        train, hold, clean = table(500, 100 + s), table(300, 200 + s), table(500, 300 + s)
        rep = evaluate_release(train, clean, hold, SCAN, policy(), text_detector=lambda t: [[] for _ in t])
        fails += any(t.status == "fail" for t in rep.tests if t.family in ("similarity", "membership_inference", "outliers"))
    assert fails <= 1


def test_an_attack_registered_in_the_membership_registry_runs_without_editing_run():
    from privsynth.evaluate import membership

    @membership.ATTACKS.register("mia.test_plugin")
    def plugin(ctx):
        return membership.roc_result("mia.distance", ctx, -ctx.d_members, -ctx.d_nonmembers).model_copy(update={"id": "mia.test_plugin"})

    try:
        train, hold, clean = table(600, 1), table(500, 2), table(600, 3)
        rep = evaluate_release(train, clean, hold, SCAN, policy(), text_detector=lambda t: [[] for _ in t])
        assert rep.get("mia.test_plugin").status == "pass"
        assert "mia.test_plugin" in rep.get("mia.worst").details["attacks"]
    finally:
        membership.ATTACKS._items.pop("mia.test_plugin")


def test_every_registered_family_runs_in_order_and_declares_its_role_and_thresholds():
    from privsynth.evaluate.battery import load_families
    from privsynth.policy.models import Thresholds

    fams = load_families()
    assert [f.id for f in fams][:3] == ["records", "similarity", "membership_inference"]
    for f in fams:
        assert f.verdict_role in ("required", "complement", "anonymized_only")
        assert set(f.threshold_keys) <= set(Thresholds.model_fields), f.id


@pytest.mark.parametrize("tid", ["wp29.singling_out.univariate", "wp29.singling_out.multivariate", "wp29.linkability"])
def test_a_release_identical_to_the_training_data_scores_high_for_singling_out_and_linkability(reports, tid):
    t = reports["copy"].get(tid)
    assert t.value >= 0.5 and t.details["main_success_rate"] >= 0.9
    assert 0.0 <= t.ci_low <= t.value <= t.ci_high <= 1.0


def test_a_negative_risk_estimate_is_clipped_to_zero_and_explained(reports):
    ts = [t for t in reports["clean"].tests if t.family == "wp29" and t.status == "pass"]
    assert all(t.value >= 0 and t.ci_low >= 0 for t in ts)
    neg = [t for t in ts if t.details["risk_unclipped"] < 0]
    assert all(t.value == 0 and "clipped to 0" in t.details["negative_estimate"] for t in neg)
