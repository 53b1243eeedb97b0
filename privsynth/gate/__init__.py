"""Gate and verdict: turn verification results into CI checks and a GDPR-oriented verdict.

- `run_gate(evaluation, policy, extra_checks=())` -> `GateResult`: one `GateCheck` per test, with
  the severity the policy gives it; the gate passes when no error-severity check failed. Every
  failed check is listed, not only the first.
- `decide_verdict(evidence)` -> `Verdict`: personal_data / pseudonymized / anonymous_candidate,
  each reason naming the test (or scan/transform record) behind it. See docs/report.md.
- `apply_gate(evidence, policy)`: verdict, then the gate with one check per test and the check
  `verdict` (passed only for the policy's `gate.pass_verdicts`): the one code path of the
  pipeline, `privsynth gate` and `privsynth report`.
"""

from __future__ import annotations

from privsynth.gate.checks import check_from_test, matches, severity_for
from privsynth.gate.ci_gate import VERDICT_CHECK, apply_gate, run_gate, verdict_check
from privsynth.gate.integrity import EvidenceError, check_evidence, evidence_digest
from privsynth.gate.verdict import (
    ATTACK_PREFIXES,
    PSEUDONYMIZING_OPERATORS,
    REQUIRED_ATTACKS,
    decide_verdict,
)

__all__ = [
    "ATTACK_PREFIXES",
    "VERDICT_CHECK",
    "EvidenceError",
    "check_evidence",
    "evidence_digest",
    "apply_gate",
    "verdict_check",
    "PSEUDONYMIZING_OPERATORS",
    "REQUIRED_ATTACKS",
    "check_from_test",
    "decide_verdict",
    "matches",
    "run_gate",
    "severity_for",
]
