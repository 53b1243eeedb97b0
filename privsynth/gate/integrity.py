"""Tamper checks on stored evidence: what `privsynth gate` and `privsynth report` verify before they
use an evidence document (docs/evidence.md, "Integrity").

The evidence is re-decided from its own test results with the policy it records (`apply_gate`,
the code path of the pipeline), and refused when

- its stored verdict label, gate result or any stored check disagrees with the recomputed ones
  (a label edited to `anonymous_candidate`, a test value edited, a check removed);
- a test the recorded policy requires (`gate.require`), or the verdict needs (membership inference
  and the WP29 triad), is absent from an evaluation (deleted);
- it carries a signature whose digest is not the document's digest.

A consistent forgery (every field edited together) passes these checks: only a signature
(`privsynth sign`, checked by `privsynth gate --verify`) binds the document to a key holder.
All errors are `EvidenceError`: one line, no record value.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from privsynth.errors import InputError
from privsynth.results import Evidence

DIGEST_EXCLUDES = frozenset({"signature", "signoff"})


class EvidenceError(InputError):
    """Evidence that cannot be trusted as it is (edited, incomplete, or signed over other content)."""


def canonical_json(ev: Evidence) -> bytes:
    """The evidence as canonical JSON (sorted keys, no whitespace, UTF-8) without `signature` and
    `signoff`: the bytes the digest and the signature cover (the DPO's sign-off is added later)."""
    data = ev.model_dump(mode="json", exclude=set(DIGEST_EXCLUDES))
    return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=True).encode("utf-8")


def evidence_digest(ev: Evidence) -> str:
    """`sha256:<hex>` of `canonical_json(ev)`; shown in the report next to the sign-off block."""
    return "sha256:" + hashlib.sha256(canonical_json(ev)).hexdigest()


def _schema_minor(ev: Evidence) -> tuple[int, int]:
    try:
        major, minor = (int(x) for x in ev.schema_version.split(".")[:2])
        return major, minor
    except ValueError:
        return (0, 0)


def required_tests(policy: Any) -> list[str]:
    """Test ids/patterns an evaluation must contain (whatever their status): the policy's
    `gate.require` and the attacks the verdict rests on (`REQUIRED_ATTACKS`)."""
    from privsynth.gate.verdict import REQUIRED_ATTACKS

    out = list(policy.gate.require)
    out += [p for _, p in REQUIRED_ATTACKS if p not in out]
    return out


def _check_key(c: Any) -> tuple:
    return (c.name, c.status, c.passed, c.severity, c.value, c.threshold, c.comparator)


def check_evidence(ev: Evidence, source: str = "evidence") -> None:
    """Refuse (raise `EvidenceError`, one line naming `source`) evidence that disagrees with itself.

    Needs the policy recorded in the evidence; an evidence document without one is refused too.
    """
    from privsynth.gate.ci_gate import apply_gate
    from privsynth.gate.checks import matches
    from privsynth.report.evidence_io import extra_checks, policy_of

    def refuse(why: str) -> EvidenceError:
        return EvidenceError(f"{source}: evidence refused: {why}")

    if ev.signature is not None and ev.signature.digest != evidence_digest(ev):
        raise refuse("its content changed after it was signed (digest differs from the signed digest)")
    try:
        policy = policy_of(ev, source)
    except InputError as e:
        raise refuse(str(e).split(": ", 1)[-1]) from None
    except Exception as e:  # PolicyError
        raise refuse(str(e).split(": ", 1)[-1]) from None
    if ev.evaluation is not None:
        ids = [t.id for t in ev.evaluation.tests]
        missing = [p for p in required_tests(policy) if not any(matches(i, p) for i in ids)]
        if missing:
            raise refuse(f"required test(s) absent from the evaluation: {', '.join(missing)}")
    if ev.verdict is None or ev.gate is None:
        raise refuse("it records no verdict or no gate")
    again = apply_gate(ev.model_copy(deep=True), policy, extra_checks=extra_checks(ev))
    assert again.verdict is not None and again.gate is not None
    if again.verdict.label != ev.verdict.label:
        raise refuse(
            f"stored verdict {ev.verdict.label} disagrees with {again.verdict.label}, recomputed from its own test results"
        )
    if _schema_minor(ev) < (1, 1):
        return  # 1.0 evidence has no verdict check and no check status: the label is what can be compared
    if again.gate.passed != ev.gate.passed:
        raise refuse(
            f"stored gate result ({'passed' if ev.gate.passed else 'failed'}) disagrees with the gate recomputed from its own test results"
        )
    stored = {c.name: _check_key(c) for c in ev.gate.checks}
    fresh = {c.name: _check_key(c) for c in again.gate.checks}
    for name in sorted(set(stored) | set(fresh)):
        if stored.get(name) != fresh.get(name):
            what = "is missing" if name not in stored else ("has no test behind it" if name not in fresh else "disagrees with its test result")
            raise refuse(f"stored gate check {name} {what}")
