"""Check status: one golden GateCheck per status (pass, fail, inconclusive x2, not_run, not_applicable),
and the rules that never let an underpowered or absent check read "pass"."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from privsynth.gate import apply_gate, check_from_test, run_gate
from privsynth.policy import load_policy
from privsynth.results import EvaluationReport, TestResult

GOLDEN = Path(__file__).parent / "golden" / "check_status.json"


def _t(**kw) -> TestResult:
    base = dict(id="mia.worst", name="Membership inference (worst attack)", family="membership_inference", threshold=0.6, comparator="<=")
    return TestResult(**{**base, **kw})


CASES = {
    "pass": _t(status="pass", value=0.52, ci_low=0.49, ci_high=0.55),
    "fail": _t(status="fail", value=0.74, ci_low=0.7, ci_high=0.78),
    "inconclusive_interval": _t(status="pass", value=0.58, ci_low=0.52, ci_high=0.64),
    "inconclusive_power": TestResult(
        id="exact_match", name="Verbatim copies of training records", family="similarity", status="pass",
        value=0.0, p_value=1.0, threshold=0.01, comparator=">=",
        details={"threshold_applies_to": "p_value (fails when p_value < threshold = alpha)", "minimum_detectable_leak_share_of_release": 0.133},
    ),
    "not_run": _t(status="not_run", reason_not_run="no holdout: membership inference needs real non-members"),
    "not_applicable": TestResult(id="sdc.k_anonymity", name="k-anonymity", family="sdc", status="not_run", required=False,
                                 reason_not_run="the release is synthetic: equivalence classes of real records do not exist"),
    "not_applicable_informational": TestResult(id="dcr.p5_ratio", name="5th percentile DCR ratio", family="similarity", status="info", value=0.97, required=False),
}
EXPECTED_STATUS = {"pass": "pass", "fail": "fail", "inconclusive_interval": "inconclusive", "inconclusive_power": "inconclusive",
                   "not_run": "not_run", "not_applicable": "not_applicable", "not_applicable_informational": "not_applicable"}


@pytest.mark.parametrize("case", list(CASES))
def test_each_check_status_matches_its_golden_check_under_public_release(case: str):
    check = check_from_test(CASES[case], load_policy("public-release").gate)
    assert check.status == EXPECTED_STATUS[case]
    assert check.passed is (check.status in ("pass", "not_applicable"))
    got = check.model_dump(mode="json")
    golden = json.loads(GOLDEN.read_text(encoding="utf-8")) if GOLDEN.exists() else {}
    if os.environ.get("PRIVSYNTH_UPDATE_GOLDEN"):
        golden[case] = got
        GOLDEN.write_text(json.dumps(golden, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    assert got == golden[case]


@pytest.mark.parametrize(
    "test, why",
    [
        (CASES["inconclusive_interval"], "interval [0.52, 0.64] reaches the threshold <= 0.6"),
        (CASES["inconclusive_power"], "could only detect leaks of 13.3% of the release or more; the policy asks for 1%"),
        (CASES["not_run"], "could not run: no holdout"),
    ],
)
def test_an_underpowered_or_absent_check_never_passes_and_says_why(test: TestResult, why: str):
    check = check_from_test(test, load_policy("controlled-sharing").gate)
    assert not check.passed and why in check.message


@pytest.mark.parametrize(
    "preset, test_id, severity",
    [
        ("public-release", "mia.worst", "error"),  # required by the policy: inconclusive fails the build
        ("public-release", "exact_match", "error"),
        ("controlled-sharing", "exact_match", "warn"),  # not required: inconclusive warns
        ("internal-ci", "mia.worst", "warn"),
    ],
)
def test_an_inconclusive_check_has_the_policy_severity_only_when_the_policy_requires_the_test(preset, test_id, severity):
    t = CASES["inconclusive_power"] if test_id == "exact_match" else CASES["inconclusive_interval"]
    assert check_from_test(t, load_policy(preset).gate).severity == severity


def test_a_required_test_absent_from_the_evaluation_is_a_failed_not_run_check():
    gate = run_gate(EvaluationReport(tests=[CASES["pass"]]), load_policy("public-release"))
    absent = {c.name: c for c in gate.checks if c.status == "not_run"}
    assert set(absent) == {"wp29.singling_out", "wp29.linkability", "wp29.inference", "residual_pii.values", "exact_match"}
    assert not gate.passed


@pytest.mark.parametrize(
    "preset, label, passes",
    [
        ("public-release", "anonymous_candidate", True),
        ("public-release", "personal_data", False),
        ("public-release", "pseudonymized", False),
        ("public-release", "inconclusive", False),
        ("controlled-sharing", "anonymous_candidate", True),
        ("controlled-sharing", "pseudonymized", False),
        ("controlled-sharing", "inconclusive", False),
        ("internal-ci", "personal_data", True),
        ("internal-ci", "pseudonymized", True),
    ],
)
def test_each_preset_states_which_verdicts_pass(preset: str, label: str, passes: bool):
    assert (label in load_policy(preset).gate.pass_verdicts) is passes


def test_a_policy_without_pass_verdicts_passes_only_anonymous_candidate():
    from privsynth.policy.models import Policy

    assert Policy().gate.pass_verdicts == ["anonymous_candidate"]


def test_the_verdict_check_fails_the_gate_even_when_every_test_check_passes():
    import report_evidence as R

    ev = R.synthesis_evidence()
    ev.synthesis.treatments = [t for t in ev.synthesis.treatments if t.column != "email"]  # email left in the release
    ev = apply_gate(ev, load_policy("controlled-sharing"))
    assert ev.verdict.label == "personal_data"
    failed = [c for c in ev.gate.failed if c.severity == "error"]
    assert [c.name for c in failed] == ["verdict"] and not ev.gate.passed


def test_the_inconclusive_verdict_label_renders_and_fails_a_release_preset():
    """Issue 12 adds the label; the gate and the report must already handle it."""
    import report_evidence as R
    from privsynth.gate import verdict_check
    from privsynth.report import render_html, render_markdown
    from privsynth.results import Verdict

    ev = R.finalize(R.synthesis_evidence())
    ev.verdict = Verdict(label="inconclusive", reasons=[])
    assert not verdict_check(ev.verdict, load_policy("public-release")).passed
    assert verdict_check(ev.verdict, load_policy("internal-ci")).passed
    html = render_html(ev)
    assert 'data-verdict="inconclusive"' in html and "Inconclusive: cannot be called anonymous" in html
    assert "## privsynth: Inconclusive" in render_markdown(ev)
