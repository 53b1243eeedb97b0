"""run_gate: one check per test, severities from the policy, every failure listed."""

from __future__ import annotations

import pytest

import report_evidence as R
from privsynth.gate import matches, run_gate, severity_for
from privsynth.policy import load_policy
from privsynth.policy.models import GateSettings, Policy
from privsynth.results import EvaluationReport, GateCheck, TestResult


def _t(id: str, status: str = "pass", **kw) -> TestResult:
    fam = id.split(".")[0]
    return TestResult(id=id, name=id.replace(".", " "), family=fam, status=status, **kw)


def _policy(**gate) -> Policy:
    return Policy(gate=GateSettings(**gate))


@pytest.mark.parametrize(
    "test_id, pattern, expected",
    [
        ("wp29.linkability", "wp29.linkability", True),
        ("wp29.linkability", "wp29", True),
        ("wp29.linkability", "wp29.*", True),
        ("wp29.inference.income", "wp29.inference", True),
        ("wp29.inference.income", "wp29.inference.*", True),
        ("wp29x.linkability", "wp29", False),
        ("sdc.k_anonymity", "wp29", False),
        ("exact_match", "exact", False),
        ("exact_match", "exact_match", True),
        ("mia.worst", "", False),
    ],
)
def test_a_policy_key_names_a_test_exactly_by_dotted_prefix_or_by_glob(test_id, pattern, expected):
    assert matches(test_id, pattern) is expected


@pytest.mark.parametrize(
    "severity, test_id, expected",
    [
        ({}, "mia.worst", "error"),
        ({"wp29": "warn"}, "wp29.linkability", "warn"),
        ({"wp29.*": "warn"}, "wp29.inference.income", "warn"),
        ({"wp29": "warn", "wp29.linkability": "error"}, "wp29.linkability", "error"),
        ({"wp29": "warn", "wp29.inference": "error"}, "wp29.inference.income", "error"),
        ({"wp29.*": "warn", "wp29.inference": "error"}, "wp29.inference.income", "error"),
        ({"sdc": "warn"}, "mia.worst", "error"),
    ],
)
def test_the_most_specific_severity_key_wins(severity, test_id, expected):
    assert severity_for(test_id, GateSettings(severity=severity)) == expected


def test_each_test_that_ran_becomes_a_check_carrying_its_value_and_threshold():
    ev = EvaluationReport(tests=[_t("mia.worst", value=0.52, threshold=0.6), _t("wp29.linkability", "fail", value=0.3, threshold=0.09)])
    gate = run_gate(ev, _policy())
    assert [c.name for c in gate.checks] == ["mia.worst", "wp29.linkability"]
    assert gate.checks[0].passed and not gate.checks[1].passed
    assert (gate.checks[1].value, gate.checks[1].threshold, gate.checks[1].test) == (0.3, 0.09, "wp29.linkability")
    assert "0.3" in gate.checks[1].message and "0.09" in gate.checks[1].message


def test_every_failed_check_is_listed_not_only_the_first():
    ev = EvaluationReport(tests=[_t("exact_match", "fail"), _t("mia.worst", "fail"), _t("dcr.nndr"), _t("sdc.k_anonymity", "fail")])
    gate = run_gate(ev, _policy())
    assert [c.name for c in gate.failed] == ["exact_match", "mia.worst", "sdc.k_anonymity"]
    assert gate.passed is False


@pytest.mark.parametrize(
    "statuses, severity, passed",
    [
        ({"mia.worst": "pass", "wp29.linkability": "pass"}, {}, True),
        ({"mia.worst": "fail", "wp29.linkability": "pass"}, {}, False),
        ({"mia.worst": "pass", "wp29.linkability": "fail"}, {"wp29": "warn"}, True),
        ({"mia.worst": "fail", "wp29.linkability": "fail"}, {"wp29": "warn"}, False),
        ({"mia.worst": "fail", "wp29.linkability": "fail"}, {"mia": "warn", "wp29": "warn"}, True),
        ({"mia.worst": "info", "wp29.linkability": "pass"}, {}, True),
    ],
)
def test_the_gate_fails_only_when_an_error_severity_check_failed(statuses, severity, passed):
    ev = EvaluationReport(tests=[_t(i, s) for i, s in statuses.items()])
    assert run_gate(ev, _policy(severity=severity)).passed is passed


def test_fail_on_warn_makes_a_warning_fail_the_gate():
    ev = EvaluationReport(tests=[_t("wp29.linkability", "fail")])
    assert run_gate(ev, _policy(severity={"wp29": "warn"})).passed
    assert not run_gate(ev, _policy(severity={"wp29": "warn"}, fail_on_warn=True)).passed


@pytest.mark.parametrize("skip", [["wp29.linkability"], ["wp29"], ["wp29.*"]])
def test_skipped_tests_are_ignored_even_when_they_failed(skip):
    ev = EvaluationReport(tests=[_t("wp29.linkability", "fail"), _t("mia.worst")])
    gate = run_gate(ev, _policy(skip=skip))
    assert [c.name for c in gate.checks] == ["mia.worst"]
    assert gate.passed


def test_a_test_that_could_not_run_is_a_failed_warning_with_its_reason():
    ev = EvaluationReport(tests=[_t("wp29.linkability", "not_run", reason_not_run="fewer than 2 usable columns")])
    gate = run_gate(ev, _policy())
    (c,) = gate.checks
    assert (c.passed, c.severity) == (False, "warn")
    assert "fewer than 2 usable columns" in c.message
    assert gate.passed


def test_a_test_that_does_not_apply_to_the_release_is_a_passed_check_saying_so():
    t = _t("sdc.k_anonymity", "not_run", reason_not_run="the release is synthetic")
    t.required = False
    gate = run_gate(EvaluationReport(tests=[t]), _policy())
    (c,) = gate.checks
    assert c.passed and "does not apply" in c.message and "synthetic" in c.message
    assert gate.passed


def test_a_test_the_policy_requires_fails_the_gate_when_it_could_not_run():
    ev = EvaluationReport(tests=[_t("mia.worst", "not_run", reason_not_run="holdout has 3 rows")])
    gate = run_gate(ev, _policy(require=["mia.worst"]))
    (c,) = gate.checks
    assert (c.passed, c.severity) == (False, "error")
    assert "requires" in c.message
    assert not gate.passed


def test_a_required_test_absent_from_the_evaluation_is_a_failed_check():
    ev = EvaluationReport(tests=[_t("mia.worst")])
    gate = run_gate(ev, _policy(require=["mia.worst", "wp29.inference"]))
    assert [c.name for c in gate.failed] == ["wp29.inference"]
    assert "gate.require" in gate.failed[0].message
    assert not gate.passed


def test_without_an_evaluation_the_gate_warns_unless_the_policy_requires_tests():
    assert run_gate(None, _policy()).passed
    assert run_gate(None, _policy()).checks[0].severity == "warn"
    strict = run_gate(None, _policy(require=["mia.worst"]))
    assert not strict.passed and strict.checks[0].name == "evaluation"


def test_extra_checks_are_appended_and_count_toward_the_gate():
    extra = GateCheck(name="release.row_count", passed=False, severity="error", message="release has 0 rows")
    gate = run_gate(EvaluationReport(tests=[_t("mia.worst")]), _policy(), extra_checks=[extra])
    assert [c.name for c in gate.checks] == ["mia.worst", "release.row_count"]
    assert not gate.passed


@pytest.mark.parametrize(
    "preset, failing, passed",
    [
        ("internal-ci", "wp29.singling_out.univariate", True),  # WP29 warns in internal CI
        ("internal-ci", "mia.worst", False),
        ("internal-ci", "sdc.k_anonymity", True),
        ("controlled-sharing", "wp29.singling_out.univariate", False),
        ("controlled-sharing", "sdc.k_anonymity", True),
        ("controlled-sharing", "dcr.share_closer_to_train", True),
        ("public-release", "sdc.k_anonymity", False),
        ("public-release", "dcr.share_closer_to_train", False),
    ],
)
def test_presets_give_each_family_the_documented_severity(preset, failing, passed):
    ev = R.evaluation()
    for t in ev.tests:
        if t.id == failing:
            t.status = "fail"
    assert run_gate(ev, load_policy(preset)).passed is passed


@pytest.mark.parametrize("preset, passed", [("internal-ci", True), ("controlled-sharing", False), ("public-release", False)])
def test_presets_that_require_the_attacks_fail_when_mia_could_not_run(preset, passed):
    ev = R.evaluation()
    mia = ev.get("mia.worst")
    mia.status, mia.value, mia.reason_not_run = "not_run", None, "holdout too small"
    assert run_gate(ev, load_policy(preset)).passed is passed
