"""Matching test ids against policy keys, and turning one TestResult into one GateCheck.

Check status (docs/report.md, "Check status"), one of:

- `pass` — the test ran, its value is on the passing side of the threshold, the whole interval too,
  and the test could detect a leak of the size the policy names (when it reports that size);
- `fail` — the test ran and failed its threshold;
- `inconclusive` — the test passed on its point estimate, but its interval reaches the threshold,
  or the smallest leak it could detect is larger than the policy allows (`max_undetected_leak`);
- `not_run` — the test could not run (the reason is kept);
- `not_applicable` — the test does not apply to this kind of release, or is informational.

Only `pass` and `not_applicable` count as passed; the others fail, with the policy's severity for
`fail`, and for `inconclusive`/`not_run` with that severity when the policy lists the test under
`gate.require` (otherwise `warn`).
"""

from __future__ import annotations

import math
from fnmatch import fnmatchcase
from typing import Any, Iterable, Optional

from privsynth.policy.models import GateSettings
from privsynth.results import CheckStatus, GateCheck, Severity, TestResult


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


# What a test's value is, by test id (most specific first); a test may name it itself in
# details["quantity"]. Used in check messages, CLI tables and the report next to each threshold.
QUANTITIES: tuple[tuple[str, str], ...] = (
    ("mia.tpr", "true-positive rate at 1% false positives"),
    ("mia.epsilon", "empirical epsilon"),
    ("mia", "attack AUC"),
    ("outliers.mia", "attack AUC on outliers"),
    ("wp29", "attack risk beyond the control set"),
    ("residual_pii", "identifier values found"),
    ("sdc.k_anonymity", "smallest class size k"),
    ("sdc.l_diversity", "smallest l"),
    ("sdc.t_closeness", "largest t"),
    ("sdc.prosecutor_risk", "largest re-identification risk"),
    ("sdc.journalist_risk", "largest re-identification risk"),
    ("sdc.unique_share", "share of unique records"),
    ("dcr.share_closer_to_train", "share closer to training data"),
)


def quantity(t: TestResult) -> str:
    """The quantity the test's threshold applies to, in words ("p-value", "attack AUC", ...)."""
    if threshold_target(t) == "p_value":
        return "p-value"
    named = t.details.get("quantity") if isinstance(t.details, dict) else None
    if isinstance(named, str) and 0 < len(named) <= 60 and "\n" not in named:
        return named
    for pattern, words in QUANTITIES:
        if matches(t.id, pattern):
            return words
    return "value"


def threshold_text(t: TestResult) -> str:
    if t.threshold is None:
        return "-"
    target = "p-value " if threshold_target(t) == "p_value" else ""
    return f"{target}{t.comparator} {fmt_num(t.threshold)}"


def failed_metrics(t: TestResult) -> list[str]:
    """What a test that checks several metrics failed on, in words with the number and its limit (aggregates
    only), from `details["failed_on"]` (membership tests: "auc", "tpr_at_fpr_0.01", "epsilon_lower_bound").
    Empty when the test names none: its value against its threshold is then the failure."""
    d = t.details if isinstance(t.details, dict) else {}
    on = d.get("failed_on")
    if not isinstance(on, list) or not on:
        return []
    thr = d.get("thresholds") if isinstance(d.get("thresholds"), dict) else {}
    out = []
    for name in on:
        if name == "auc":
            lo = (d.get("auc_interval_95") or [t.ci_low])[0]
            out.append(f"AUC {fmt_num(d.get('auc'))}, lower 95% bound {fmt_num(lo)} above the allowed {fmt_num(thr.get('auc_max'))}")
        elif name == "tpr_at_fpr_0.01":
            ci = d.get("tpr_at_fpr_0.01_interval_95") or [None]
            out.append(
                f"true-positive rate at 1% false positives {fmt_num(d.get('tpr_at_fpr_0.01'))} (lower 95% bound {fmt_num(ci[0])}) "
                f"above the allowed {fmt_num(thr.get('tpr_at_fpr_0.01_max'))}, against {fmt_num(d.get('fpr_at_fpr_0.01_threshold'))} "
                f"of non-members above the same score (Fisher exact p = {d.get('tpr_excess_p_value', float('nan')):.3g})")
        elif name == "strong_values_found":  # residual_pii.values: its headline count
            out.append(f"identifier values found {fmt_num(t.value)} above the allowed {fmt_num(t.threshold)}")
        elif name == "common_word_p_value":  # residual_pii.values: common-word values, train vs holdout
            out.append(
                f"common-word identifier values (first/last names, cities, ...): {d.get('common_word_train_only_found')} of "
                f"{d.get('common_word_train_only_checked')} found in the release against {d.get('common_word_holdout_only_found')} "
                f"of {d.get('common_word_holdout_only_checked')} of the holdout's (Fisher exact p = "
                f"{d.get('common_word_p_value', float('nan')):.3g}, below {fmt_num(d.get('alpha'))})")
        elif name == "epsilon_lower_bound":
            out.append(f"empirical epsilon lower bound {fmt_num(d.get('epsilon_lower_bound'))} above the allowed {fmt_num(thr.get('epsilon_max'))}")
        else:
            out.append(str(name))
    attack = d.get("worst_attack")
    if isinstance(attack, str) and attack != t.id:
        out[0] = f"{attack}: {out[0]}"
    return out


#: what a test that checks several quantities can fail on besides its headline value (details["failed_on"]):
#: (words, details key of the value, details["thresholds"] key or None for alpha, comparator, details key of its interval)
FAILED_ON_QUANTITIES: dict[str, tuple[str, str, Optional[str], str, Optional[str]]] = {
    "tpr_at_fpr_0.01": ("true-positive rate at 1% false positives", "tpr_at_fpr_0.01", "tpr_at_fpr_0.01_max", "<=",
                        "tpr_at_fpr_0.01_interval_95"),
    "epsilon_lower_bound": ("empirical epsilon lower bound", "epsilon_lower_bound", "epsilon_max", "<=", None),
    "common_word_p_value": ("p-value of common-word identifier values (train vs holdout)", "common_word_p_value", None,
                            ">=", None),
}


def failed_quantity(t: TestResult) -> Optional[dict[str, Any]]:
    """For a failed test whose headline value stayed within its threshold, the quantity it failed on instead, as
    {quantity, value, threshold, comparator, interval} (aggregates only), so a table row never reads "fail" next to
    a passing value (trial finding F-R1); None when the headline value is what failed."""
    if t.status != "fail" and t.passed is not False:
        return None
    d = t.details if isinstance(t.details, dict) else {}
    on = d.get("failed_on")
    if not isinstance(on, list) or not on or "auc" in on:
        return None
    spec = FAILED_ON_QUANTITIES.get(str(on[0]))
    if spec is None or d.get(spec[1]) is None:
        return None
    words, key, thr_key, comp, ci_key = spec
    thr = (d.get("thresholds") or {}).get(thr_key) if thr_key else d.get("alpha", t.details.get("alpha"))
    ci = d.get(ci_key) if ci_key else None
    attack = d.get("worst_attack")
    if isinstance(attack, str) and attack != t.id:
        words = f"{words} ({attack})"
    return {"quantity": words, "value": float(d[key]), "threshold": None if thr is None else float(thr), "comparator": comp,
            "interval": list(ci) if isinstance(ci, (list, tuple)) and len(ci) == 2 else None}


def describe(t: TestResult) -> str:
    """One line: value, interval and threshold of a test (aggregates only); for a failed test that checks
    several metrics, the metric(s) that failed first (`failed_metrics`)."""
    failed = failed_metrics(t) if t.status == "fail" or t.passed is False else []
    if failed:
        text = "failed on " + "; ".join(failed)
        if "auc" not in t.details["failed_on"] and t.value is not None and (matches(t.id, "mia") or matches(t.id, "outliers.mia")):
            text += f" (its AUC {fmt_num(t.value)} is within the allowed {threshold_text(t)})"
        return text
    parts = [f"value {fmt_num(t.value)}"]
    if t.ci_low is not None or t.ci_high is not None:
        parts.append(f"interval [{fmt_num(t.ci_low)}, {fmt_num(t.ci_high)}]")
    if t.p_value is not None:
        parts.append(f"p = {t.p_value:.3g}")
    if t.threshold is not None:
        parts.append(f"threshold {threshold_text(t)}")
    return ", ".join(parts)


def point_passes(t: TestResult) -> bool:
    """True when the point estimate is on the passing side of the threshold (or there is nothing to compare)."""
    if t.threshold is None or t.value is None or threshold_target(t) != "value":
        return True
    ops = {"<=": t.value <= t.threshold, "<": t.value < t.threshold, ">=": t.value >= t.threshold, ">": t.value > t.threshold}
    return ops.get(t.comparator, True)


def interval_clear(t: TestResult) -> bool:
    """True when the whole interval lies on the passing side of the threshold (or no interval)."""
    if t.threshold is None or threshold_target(t) != "value":
        return True  # the threshold applies to the p-value, not to the interval of the value
    if t.comparator in ("<=", "<"):
        bound = t.ci_high
        if bound is None:
            return True
        return bound <= t.threshold if t.comparator == "<=" else bound < t.threshold
    if t.comparator in (">=", ">"):
        bound = t.ci_low
        if bound is None:
            return True
        return bound >= t.threshold if t.comparator == ">=" else bound > t.threshold
    return True


# Keys under which a test reports the smallest leak it could detect (share of the release, with
# the power it states); compared with the policy's `max_undetected_leak`.
DETECTABLE_LEAK_KEYS: tuple[str, ...] = ("minimum_detectable_leak_share_of_release", "minimum_detectable_leak")
DEFAULT_MAX_UNDETECTED_LEAK = 0.01  # 1% of release rows, until the policy names its own (issue 12)


def detectable_leak(t: TestResult) -> Optional[float]:
    """The smallest leak (share of release rows) the test reports it could detect, or None: the typed
    `TestResult.minimum_detectable_leak` (schema 1.1) first, else one of DETECTABLE_LEAK_KEYS in the details."""
    if t.minimum_detectable_leak is not None and math.isfinite(t.minimum_detectable_leak):
        return float(t.minimum_detectable_leak)
    if not isinstance(t.details, dict):
        return None
    for k in DETECTABLE_LEAK_KEYS:
        v = t.details.get(k)
        if isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v):
            return float(v)
    return None


def max_undetected_leak(policy: Any) -> float:
    """The largest leak (share of release rows) a test may miss for its pass to count: the policy's
    `evaluate.max_undetected_leak` when it has one, else 1% (DEFAULT_MAX_UNDETECTED_LEAK)."""
    ev = getattr(policy, "evaluate", None)
    for holder in (ev, getattr(ev, "thresholds", None)):
        v = getattr(holder, "max_undetected_leak", None)
        if isinstance(v, (int, float)) and not isinstance(v, bool):
            return float(v)
    return DEFAULT_MAX_UNDETECTED_LEAK


def check_status(t: TestResult, gate: GateSettings, leak_limit: float = DEFAULT_MAX_UNDETECTED_LEAK) -> tuple[CheckStatus, str]:
    """The check status of one test and, when it is not a plain pass or fail, why (one sentence)."""
    if t.status == "not_run":
        if not t.required and not is_required_to_run(t.id, gate):
            return "not_applicable", f"does not apply: {t.reason_not_run or 'no reason given'}"
        return "not_run", f"could not run: {t.reason_not_run or 'no reason given'}"
    if t.status == "fail":
        return "fail", ""
    if t.status == "info":
        return "not_applicable", "informational: the policy sets no threshold for it"
    if t.value is None and t.threshold is not None:
        return "not_run", "reported no value"
    if not interval_clear(t):
        if point_passes(t):
            return "inconclusive", (
                f"passed on its point estimate, but its interval [{fmt_num(t.ci_low)}, {fmt_num(t.ci_high)}] "
                f"reaches the threshold {threshold_text(t)}"
            )
        return "inconclusive", (
            f"has a point estimate {fmt_num(t.value)} beyond the threshold {threshold_text(t)}, but its interval "
            f"[{fmt_num(t.ci_low)}, {fmt_num(t.ci_high)}] reaches the passing side, so the excess is not significant"
        )
    leak = detectable_leak(t)
    if leak is not None and leak > leak_limit:
        return "inconclusive", (
            f"could only detect leaks of {100 * leak:.3g}% of the release or more; "
            f"the policy asks for {100 * leak_limit:.3g}%"
        )
    return "pass", ""


def check_from_test(t: TestResult, gate: GateSettings, leak_limit: float = DEFAULT_MAX_UNDETECTED_LEAK) -> GateCheck:
    """A GateCheck for one test that is not skipped (statuses: see the module docstring)."""
    sev = severity_for(t.id, gate)
    required = is_required_to_run(t.id, gate)
    status, why = check_status(t, gate, leak_limit)
    base = dict(name=t.id, test=t.id, status=status, quantity=quantity(t), value=t.value, threshold=t.threshold, comparator=t.comparator)
    fq = failed_quantity(t) if status == "fail" else None
    if fq is not None:  # the quantity it failed on, not a headline value within its threshold
        base.update(quantity=fq["quantity"], value=fq["value"], threshold=fq["threshold"], comparator=fq["comparator"])
    if status == "not_applicable":
        return GateCheck(**base, severity="warn", passed=True, message=f"{t.name} {why}")
    if status == "not_run":
        msg = f"{t.name} {why}" + (" (the policy requires this test to run)" if required else "")
        return GateCheck(**base, severity=sev if required else "warn", passed=False, message=msg)
    if status == "inconclusive":
        msg = f"{t.name} is inconclusive: it {why}" + (" (the policy requires this test)" if required else "")
        return GateCheck(**base, severity=sev if required else "warn", passed=False, message=msg)
    if status == "fail":
        return GateCheck(**base, severity=sev, passed=False, message=f"{t.name} failed: {describe(t)}")
    return GateCheck(**base, severity=sev, passed=True, message=f"{t.name} passed: {describe(t)}")
