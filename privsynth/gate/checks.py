"""Matching test ids against policy keys, and turning one TestResult into one GateCheck."""

from __future__ import annotations

import math
from fnmatch import fnmatchcase
from typing import Iterable, Optional

from privsynth.policy.models import GateSettings
from privsynth.results import GateCheck, Severity, TestResult


def matches(test_id: str, pattern: str) -> bool:
    """True when `pattern` names `test_id`: exactly, as a dotted prefix (`wp29` matches
    `wp29.linkability`), or as a glob (`wp29.*`, `mia.*`, `wp29.inference.*`)."""
    if not pattern:
        return False
    if pattern == test_id:
        return True
    if any(ch in pattern for ch in "*?["):
        return fnmatchcase(test_id, pattern)
    return test_id.startswith(pattern.rstrip(".") + ".")


def _specificity(pattern: str) -> tuple[int, int]:
    literal = pattern.split("*", 1)[0].split("?", 1)[0].split("[", 1)[0]
    return (0 if any(ch in pattern for ch in "*?[") else 1, len(literal))


def best_match(test_id: str, patterns: Iterable[str]) -> Optional[str]:
    """The most specific pattern naming `test_id` (an exact id beats a prefix beats a shorter prefix)."""
    found = [p for p in patterns if matches(test_id, p)]
    if not found:
        return None
    if test_id in found:
        return test_id
    return max(found, key=_specificity)


def severity_for(test_id: str, gate: GateSettings) -> Severity:
    key = best_match(test_id, gate.severity)
    return gate.severity[key] if key is not None else gate.default_severity


def is_skipped(test_id: str, gate: GateSettings) -> bool:
    return any(matches(test_id, p) for p in gate.skip)


def is_required_to_run(test_id: str, gate: GateSettings) -> bool:
    return any(matches(test_id, p) for p in gate.require)


def fmt_num(x: Optional[float]) -> str:
    if x is None:
        return "-"
    if isinstance(x, float) and (math.isnan(x) or math.isinf(x)):
        return str(x)
    if isinstance(x, int) or float(x).is_integer():
        return str(int(x))
    return f"{x:.4g}"


def threshold_target(t: TestResult) -> str:
    """What the threshold is compared with: "value" (default) or "p_value" when the test says so
    in `details["threshold_applies_to"]` (leak tests whose threshold is the significance level)."""
    applies = t.details.get("threshold_applies_to") if isinstance(t.details, dict) else None
    if isinstance(applies, str) and applies.strip().lower().startswith(("p_value", "p-value")):
        return "p_value"
    return "value"


def threshold_text(t: TestResult) -> str:
    if t.threshold is None:
        return "-"
    target = "p-value " if threshold_target(t) == "p_value" else ""
    return f"{target}{t.comparator} {fmt_num(t.threshold)}"


def describe(t: TestResult) -> str:
    """One line: value, interval and threshold of a test (aggregates only)."""
    parts = [f"value {fmt_num(t.value)}"]
    if t.ci_low is not None or t.ci_high is not None:
        parts.append(f"interval [{fmt_num(t.ci_low)}, {fmt_num(t.ci_high)}]")
    if t.p_value is not None:
        parts.append(f"p = {t.p_value:.3g}")
    if t.threshold is not None:
        parts.append(f"threshold {threshold_text(t)}")
    return ", ".join(parts)


def check_from_test(t: TestResult, gate: GateSettings) -> GateCheck:
    """A GateCheck for one test that is not skipped.

    pass/info -> passed; fail -> failed with the policy's severity; not_run -> failed, warn-level
    unless the policy lists the test under `gate.require` (then with its severity); not_run of a
    test that does not apply to the release (`required` false) -> passed, "does not apply".
    """
    sev = severity_for(t.id, gate)
    base = dict(name=t.id, test=t.id, value=t.value, threshold=t.threshold, comparator=t.comparator)
    if t.status == "not_run":
        required = is_required_to_run(t.id, gate)
        why = t.reason_not_run or "no reason given"
        if not required and not t.required:
            # the test does not apply to this kind of release (e.g. k-anonymity on synthetic rows)
            return GateCheck(**base, severity="warn", passed=True, message=f"{t.name} does not apply: {why}")
        msg = f"{t.name} could not run: {why}"
        if required:
            msg += " (the policy requires this test to run)"
        return GateCheck(**base, severity=sev if required else "warn", passed=False, message=msg)
    if t.status == "fail":
        return GateCheck(**base, severity=sev, passed=False, message=f"{t.name} failed: {describe(t)}")
    if t.status == "info":
        return GateCheck(**base, severity=sev, passed=True, message=f"{t.name} (informational): {describe(t)}")
    return GateCheck(**base, severity=sev, passed=True, message=f"{t.name} passed: {describe(t)}")
