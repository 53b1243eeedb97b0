"""run_gate: every verification test becomes a check with the severity the policy gives it."""

from __future__ import annotations

from typing import Iterable, Optional

from privsynth.gate.checks import check_from_test, is_skipped, matches, severity_for
from privsynth.policy.models import Policy
from privsynth.results import EvaluationReport, Evidence, GateCheck, GateResult


def run_gate(
    evaluation: Optional[EvaluationReport],
    policy: Policy,
    extra_checks: Iterable[GateCheck] = (),
) -> GateResult:
    """Build the CI gate from an evaluation.

    Each test that is not in `policy.gate.skip` becomes a `GateCheck` (see `check_from_test`);
    tests listed in `policy.gate.require` that are absent from the evaluation become failed
    checks of their severity. `extra_checks` (e.g. from the pipeline) are appended unless skipped.
    The gate passes when no error-severity check failed (with `gate.fail_on_warn`: no check
    failed at all). All checks are returned, failed or not.
    """
    gate = policy.gate
    checks: list[GateCheck] = []
    if evaluation is None:
        sev = gate.default_severity if gate.require else "warn"
        checks.append(
            GateCheck(
                name="evaluation",
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
            checks.append(check_from_test(t, gate))
        for pattern in gate.require:
            if is_skipped(pattern, gate):
                continue
            if not any(matches(tid, pattern) for tid in seen):
                checks.append(
                    GateCheck(
                        name=pattern,
                        test=pattern,
                        severity=severity_for(pattern, gate),
                        passed=False,
                        message=f"{pattern} is required by the policy (gate.require) but is absent from the evaluation",
                    )
                )
    for c in extra_checks:
        if (c.test and is_skipped(c.test, gate)) or is_skipped(c.name, gate):
            continue
        checks.append(c)
    if gate.fail_on_warn:
        passed = all(c.passed for c in checks)
    else:
        passed = not any((not c.passed) and c.severity == "error" for c in checks)
    return GateResult(checks=checks, passed=passed)


def apply_gate(evidence: Evidence, policy: Policy, extra_checks: Iterable[GateCheck] = ()) -> Evidence:
    """Fill `evidence.gate` and `evidence.verdict` in place (what the pipeline does last) and return it."""
    from privsynth.gate.verdict import decide_verdict

    evidence.gate = run_gate(evidence.evaluation, policy, extra_checks)
    evidence.verdict = decide_verdict(evidence)
    return evidence
