"""The CI gate: every verification test becomes a check, the verdict becomes one more check, and
the gate passes when no error-severity check failed. `apply_gate` is the ONE code path the
pipeline, `privsynth gate` and `privsynth report` use to decide gate and verdict."""

from __future__ import annotations

from typing import Iterable, Optional

from privsynth.gate.checks import check_from_test, is_skipped, matches, max_undetected_leak, severity_for
from privsynth.policy.models import Policy
from privsynth.results import EvaluationReport, Evidence, GateCheck, GateResult, Verdict

VERDICT_CHECK = "verdict"


def verdict_check(verdict: Verdict, policy: Policy) -> GateCheck:
    """The check that makes the exit code follow the verdict: passed when the verdict's label is in
    the policy's `gate.pass_verdicts` (public-release, controlled-sharing: anonymous_candidate only),
    failed at severity error otherwise. It cannot be skipped or downgraded by `gate.severity`."""
    allowed = list(policy.gate.pass_verdicts)
    ok = verdict.label in allowed
    msg = (
        f"verdict {verdict.label} is one the policy passes ({', '.join(allowed)})"
        if ok
        else f"verdict {verdict.label} is not one the policy passes (gate.pass_verdicts: {', '.join(allowed)})"
    )
    return GateCheck(name=VERDICT_CHECK, test=None, status="pass" if ok else "fail", quantity="verdict", severity="error", passed=ok, message=msg)


def run_gate(
    evaluation: Optional[EvaluationReport],
    policy: Policy,
    extra_checks: Iterable[GateCheck] = (),
) -> GateResult:
    """Build the CI gate from an evaluation (without the verdict check; see `apply_gate`).

    Each test that is not in `policy.gate.skip` becomes a `GateCheck` (see `check_from_test`);
    tests listed in `policy.gate.require` that are absent from the evaluation become failed
    checks (status not_run) of their severity. `extra_checks` are appended unless skipped (the
    verdict check never is). The gate passes when no error-severity check failed (with
    `gate.fail_on_warn`: no check failed at all). All checks are returned, failed or not.
    """
    gate = policy.gate
    leak_limit = max_undetected_leak(policy)
    checks: list[GateCheck] = []
    if evaluation is None:
        sev = gate.default_severity if gate.require else "warn"
        checks.append(
            GateCheck(
                name="evaluation",
                status="not_run",
                severity=sev,
                passed=False,
                message="no verification ran: the release was not evaluated",
            )
        )
    else:
        seen: list[str] = []
        for t in evaluation.tests:
            seen.append(t.id)
            if is_skipped(t.id, gate):
                continue
            checks.append(check_from_test(t, gate, leak_limit))
        for pattern in gate.require:
            if is_skipped(pattern, gate):
                continue
            if not any(matches(tid, pattern) for tid in seen):
                checks.append(
                    GateCheck(
                        name=pattern,
                        test=pattern,
                        status="not_run",
                        severity=severity_for(pattern, gate),
                        passed=False,
                        message=f"{pattern} is required by the policy (gate.require) but is absent from the evaluation",
                    )
                )
    for c in extra_checks:
        if c.name != VERDICT_CHECK and ((c.test and is_skipped(c.test, gate)) or is_skipped(c.name, gate)):
            continue
        checks.append(c)
    if gate.fail_on_warn:
        passed = all(c.passed for c in checks)
    else:
        passed = not any((not c.passed) and c.severity == "error" for c in checks)
    return GateResult(checks=checks, passed=passed)


def apply_gate(evidence: Evidence, policy: Policy, extra_checks: Iterable[GateCheck] = ()) -> Evidence:
    """Decide verdict and gate for `evidence` under `policy`, in place, and return it.

    The verdict comes from the recorded scan, treatments and test results (`decide_verdict`); the
    gate holds one check per test plus the check `verdict` (see `verdict_check`), so the exit code
    follows the verdict. Used by the pipeline, `privsynth gate` and `privsynth report`.
    """
    from privsynth.gate.verdict import decide_verdict

    evidence.verdict = decide_verdict(evidence)
    extra = [c for c in extra_checks if c.name != VERDICT_CHECK]
    evidence.gate = run_gate(evidence.evaluation, policy, [*extra, verdict_check(evidence.verdict, policy)])
    return evidence
