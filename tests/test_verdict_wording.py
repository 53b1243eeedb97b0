"""Membership tests that chance cannot fail, failure messages that name the failed metric, inconclusive
sentences true in both directions, checks without a threshold, and derived policies named as such."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pytest
from click.testing import CliRunner

from privsynth.cli import cli
from privsynth.evaluate.membership import roc_result, tpr_excess_p_value
from privsynth.gate.checks import check_from_test, check_status, describe
from privsynth.policy import load_policy
from privsynth.policy.models import GateSettings
from privsynth.report.summary import short_result
from privsynth.results import TestResult


def _ctx(preset: str):
    return SimpleNamespace(thresholds=load_policy(preset).evaluate.thresholds, approximate=False)


@pytest.mark.parametrize(
    "members_above, members, non_members_above, non_members, significant",
    [
        (19, 1000, 5, 500, False),    # the new user's clean release: TPR 0.019 vs 5 of 500 non-members (1%)
        (40, 4000, 5, 500, False),    # exactly chance
        (150, 1000, 5, 500, True),    # 15% of members above the score that 1% of non-members reach
        (0, 1000, 0, 500, False),
        (5, 0, 5, 500, False),        # no members: nothing to test
    ],
)
def test_the_tpr_excess_is_significant_only_when_members_clearly_outnumber_non_members(
        members_above, members, non_members_above, non_members, significant):
    assert (tpr_excess_p_value(members_above, members, non_members_above, non_members) < 0.0125) is significant


@pytest.mark.parametrize("preset", ["public-release", "internal-ci"])
def test_an_attack_at_chance_fails_the_membership_test_at_most_five_percent_of_the_time(preset):
    ctx, fails = _ctx(preset), 0
    for seed in range(200):
        rng = np.random.default_rng(seed)
        t = roc_result("mia.distance", ctx, rng.normal(size=3000), rng.normal(size=500))
        fails += t.status == "fail"
    assert fails <= 10  # 5% of 200


def test_a_real_low_fpr_leak_fails_on_the_tpr_and_the_message_names_it_not_the_auc():
    rng = np.random.default_rng(0)
    members = np.r_[rng.normal(size=2900), rng.normal(loc=6.0, size=100)]  # 100 of 3000 members stand out
    t = roc_result("mia.distance", _ctx("public-release"), members, rng.normal(size=500))
    assert t.status == "fail" and t.details["failed_on"] == ["tpr_at_fpr_0.01"]
    assert t.details["auc_interval_95"][0] <= 0.55  # the AUC alone would pass
    text = describe(t)
    assert text.startswith("failed on true-positive rate at 1% false positives 0.0")
    assert "Fisher exact p" in text and "is within the allowed <= 0.55" in text
    check = check_from_test(t, GateSettings())
    assert "true-positive rate at 1% false positives" in check.message
    summary = short_result(t, check)
    assert summary.startswith("failed on true-positive rate") and "the policy allows up to" not in summary


def _wp(value, lo, hi, passed=True):
    return TestResult(id="wp29.inference.race", name="Inference of race", family="wp29", status="pass" if passed else "fail",
                      passed=passed, value=value, ci_low=lo, ci_high=hi, threshold=0.09, comparator="<=")


@pytest.mark.parametrize(
    "value, lo, hi, says, never",
    [
        (0.112, 0.0, 0.2859, "has a point estimate 0.112 beyond the threshold <= 0.09", "passed on its point estimate"),
        (0.05, 0.0, 0.2, "passed on its point estimate, but its interval [0, 0.2] reaches the threshold", "beyond the threshold"),
    ],
)
def test_an_inconclusive_sentence_is_true_whichever_side_the_point_estimate_is_on(value, lo, hi, says, never):
    status, why = check_status(_wp(value, lo, hi), GateSettings())
    assert status == "inconclusive" and says in why and never not in why


@pytest.mark.parametrize("test_id, quantity", [("exact_match", "copies"), ("mia.distance", "attack AUC"), ("residual_pii.values", "identifier values found")])
def test_a_failed_check_without_a_threshold_prints_none(test_id, quantity):
    t = TestResult(id=test_id, name=test_id, family=test_id.split(".")[0], status="fail", passed=False, value=1.0,
                   details={"quantity": quantity})
    check = check_from_test(t, GateSettings())
    for text in (check.message, short_result(t, check)):
        assert "-)" not in text and "<= -" not in text and "asks" not in text and "threshold" not in text


@pytest.mark.parametrize(
    "yaml_text, name",
    [
        ("extends: public-release\nevaluate:\n  thresholds:\n    mia_auc_max: 0.95\n", "relaxed (extends public-release)"),
        ("extends: public-release\nname: mine\nevaluate:\n  thresholds:\n    mia_auc_max: 0.95\n", "mine"),
    ],
)
def test_a_derived_policy_is_named_as_such_and_its_changed_threshold_is_not_justified_by_the_preset(tmp_path: Path, yaml_text, name):
    f = tmp_path / "relaxed.yaml"
    f.write_text(yaml_text, encoding="utf-8")
    p = load_policy(str(f))
    assert p.name == name
    src = p.sources["evaluate.thresholds.mia_auc_max"]
    assert src.startswith("0.95: set by the policy file relaxed.yaml") and "Carlini" not in src
    assert p.sources["evaluate.thresholds.mia_epsilon_max"] == load_policy("public-release").sources["evaluate.thresholds.mia_epsilon_max"]
    r = CliRunner().invoke(cli, ["policy", "validate", str(f)], catch_exceptions=False)
    assert r.exit_code == 0 and r.stdout == ""
    assert f"valid policy '{name}'" in r.stderr and "public-release'" not in r.stderr


def test_the_report_narrative_names_the_failed_tpr_not_the_auc_within_its_limit():
    from privsynth.report.narrative import _risk_sentence

    rng = np.random.default_rng(0)
    members = np.r_[rng.normal(size=2900), rng.normal(loc=6.0, size=100)]
    t = roc_result("mia.distance", _ctx("public-release"), members, rng.normal(size=500))
    text = _risk_sentence(t, "fail")
    assert "true-positive rate at 1% false positives" in text and "against the run's threshold" not in text
