"""A motivated-intruder narrative (UK ICO) built from the results: what an intruder could try, and
what the tests say about each attempt. Plain sentences; only column names, ids and aggregates."""

from __future__ import annotations

from typing import Optional

from privsynth.gate.checks import fmt_num, threshold_text
from privsynth.results import Evidence, TestResult


def _get(ev: Evidence, test_id: str) -> Optional[TestResult]:
    return ev.evaluation.get(test_id) if ev.evaluation else None


def _group(ev: Evidence, prefix: str) -> list[TestResult]:
    if not ev.evaluation:
        return []
    return [t for t in ev.evaluation.tests if t.id == prefix or t.id.startswith(prefix + ".")]


def _status(ev: Evidence, t: TestResult) -> str:
    """The gate's check status of a test (pass/fail/inconclusive/not_run/not_applicable)."""
    for c in ev.gate.checks if ev.gate else []:
        if c.test == t.id and c.status:
            return c.status
    return {"info": "not_applicable"}.get(t.status, t.status)


def _risk_sentence(t: TestResult, status: str = "") -> str:
    from privsynth.gate.checks import describe, failed_metrics, quantity

    if (status or t.status) == "fail" and failed_metrics(t):
        # the metric that failed (e.g. TPR at 1% FPR), not a value within its limit (the AUC)
        return f"{t.name}: {describe(t)}, beyond the policy's threshold [{t.id}]."
    iv = ""
    if t.ci_low is not None and t.ci_high is not None:
        iv = f" (95% interval {fmt_num(t.ci_low)} to {fmt_num(t.ci_high)})"
    q = quantity(t)
    shown = t.p_value if q == "p-value" else t.value
    thr = f" against the run's threshold {threshold_text(t)}" if t.threshold is not None else ""
    outcome = {
        "pass": "within the policy",
        "fail": "beyond the policy's threshold",
        "inconclusive": "inconclusive: the test cannot rule out a result beyond the threshold",
        "not_applicable": "reported for information",
    }.get(status or t.status, "")
    return f"{t.name}: {q} {fmt_num(shown)}{'' if q == 'p-value' else iv}{thr}, {outcome} [{t.id}]."


def _attempt(ev: Evidence, title: str, prefix: str, question: str, success: str, failure: str) -> dict[str, str]:
    ts = _group(ev, prefix)
    ran = [t for t in ts if t.status != "not_run" and t.value is not None]
    if not ts:
        return {"title": title, "text": f"{question} This was not tested (no {prefix} test in the evaluation), so the intruder's chances here are unknown.", "status": "not_run"}
    if not ran:
        reasons = "; ".join(f"{t.id}: {t.reason_not_run}" for t in ts if t.reason_not_run)
        return {"title": title, "text": f"{question} The test could not run ({reasons or 'no reason given'}), so the intruder's chances here are unknown.", "status": "not_run"}
    failed = [t for t in ran if _status(ev, t) == "fail"]
    unsure = [t for t in ran if _status(ev, t) == "inconclusive"]
    worst = max(failed or unsure or ran, key=lambda t: t.value or 0.0)
    text = f"{question} " + _risk_sentence(worst, _status(ev, worst))
    if len(ran) > 1:
        text += f" This is the {'worst failing' if failed else 'worst inconclusive' if unsure else 'highest'} of {len(ran)} such tests."
    if failed:
        text += " " + success
    elif unsure:
        text += " The tests cannot rule this out: treat it as possible until a larger evaluation shows otherwise."
    else:
        text += " " + failure
    return {"title": title, "text": text, "status": "fail" if failed else "not_run" if unsure else "pass"}


def motivated_intruder(ev: Evidence) -> list[dict[str, str]]:
    """Paragraphs, each {"title", "text", "status"} with status pass/fail/not_run/info."""
    out: list[dict[str, str]] = []
    out.append({
        "title": "Who the intruder is",
        "text": (
            "A motivated intruder is a reasonably competent person without specialist skills or prior "
            "knowledge, who wants to identify people in the release and has access to it, to public "
            "information and to ordinary computing resources (UK ICO). In these tests the intruder is "
            "also given real records of the same population, which is generous to the intruder."
        ),
        "status": "info",
    })

    # 1. reading identifiers directly
    treat: dict[str, list[str]] = {}
    classes: dict[str, list[str]] = {}
    for rep in (ev.transform, ev.synthesis):
        if rep:
            for t in rep.treatments:
                treat.setdefault(t.column, []).append(t.operator)
                classes.setdefault(t.column, []).append(t.gdpr_class)
    direct = ev.scan.names("direct_identifier") if ev.scan else []
    if direct:
        untreated = [c for c in direct if not treat.get(c) or all(o in ("keep", "none", "passthrough", "") for o in treat[c])]
        pseudo = [c for c in direct if "pseudonymization" in classes.get(c, []) or any(o in ("pseudonymize", "tokenize", "encrypt") for o in treat.get(c, []))]
        parts = [f"The scan found {len(direct)} direct identifier column(s): {', '.join(direct)}."]
        status = "pass"
        if untreated:
            parts.append(f"{', '.join(untreated)} reach the release untreated: the intruder can read identities directly [scan].")
            status = "fail"
        if pseudo:
            fp = ev.key_fingerprint or (ev.transform.key_fingerprint if ev.transform else None)
            parts.append(
                f"{', '.join(pseudo)} were replaced by keyed or reversible values: anyone who obtains the key"
                + (f" (fingerprint {fp})" if fp else "")
                + " or the mapping can reverse them, and equal values stay linkable across records and releases [transform]."
            )
            status = "fail" if untreated else "info"
        rest = [c for c in direct if c not in untreated and c not in pseudo]
        if rest:
            parts.append(f"{', '.join(rest)} were removed, generalized or regenerated without a key ({', '.join(sorted({o for c in rest for o in treat.get(c, [])}))}): nothing to read directly.")
        out.append({"title": "Reading identifiers directly", "text": " ".join(parts), "status": status})
    elif ev.scan:
        out.append({"title": "Reading identifiers directly", "text": "The scan found no direct identifier column.", "status": "pass"})
    if ev.transform and ev.transform.mapping_written:
        out.append({"title": "Obtaining the mapping", "text": "A re-identification mapping was written. Whoever obtains it re-identifies every pseudonymized record; it must be kept apart from the release under access control [transform.mapping_written].", "status": "fail"})

    # 2. residual PII
    res = [t for t in _group(ev, "residual_pii") if t.status != "not_run"]
    if res:
        bad = [t for t in res if t.status == "fail"]
        if bad:
            out.append({"title": "Finding personal data left in the release", "text": "The intruder searches the release for names, e-mail addresses, numbers and other identifiers. " + " ".join(_risk_sentence(t, _status(ev, t)) for t in bad), "status": "fail"})
        else:
            out.append({"title": "Finding personal data left in the release", "text": "The intruder searches the release for names, e-mail addresses, numbers and other identifiers. The residual scan found none above the policy's limit [" + ", ".join(t.id for t in res) + "].", "status": "pass"})

    # 3. the WP29 triad
    out.append(_attempt(
        ev, "Singling someone out", "wp29.singling_out",
        "The intruder looks for rare values and combinations in the release, hoping each isolates one real person.",
        "Some predicates built from the release isolate real people more often than chance: singling out is possible.",
        "Predicates built from the release isolate real people no more often than the policy allows.",
    ))
    out.append(_attempt(
        ev, "Linking to another data set", "wp29.linkability",
        "The intruder holds some attributes of people from another source and uses the release to join them to the rest.",
        "Links made through the release hit the same real person more often than the policy allows.",
        "Links made through the release are no better than the policy allows.",
    ))
    out.append(_attempt(
        ev, "Inferring a secret attribute", "wp29.inference",
        "The intruder knows some attributes of a target and uses the most similar released records to guess a secret one.",
        "Guesses from the release beat the control set by more than the policy allows.",
        "Guesses from the release do not beat guesses from unrelated real records by more than the policy allows.",
    ))

    # 4. membership
    mia = _get(ev, "mia.worst")
    if mia is not None and mia.status != "not_run" and mia.value is not None:
        tpr = mia.details.get("tpr_at_fpr_0.001") if isinstance(mia.details, dict) else None
        extra = f" At a 0.1% false-positive rate the attack identifies {fmt_num(float(tpr) * 100)}% of members." if isinstance(tpr, (int, float)) and not isinstance(tpr, bool) else ""
        out.append({
            "title": "Learning that someone's record was used",
            "text": (
                "Even without names, learning that a person's record was used (e.g. a patient registry) can be disclosure. "
                "The strongest membership attack: " + _risk_sentence(mia, _status(ev, mia)) + " An AUC of 0.5 is guessing." + extra
            ),
            "status": {"fail": "fail", "inconclusive": "not_run"}.get(_status(ev, mia), "pass"),
        })
    else:
        out.append({"title": "Learning that someone's record was used", "text": "Membership inference was not tested" + (f" ({mia.reason_not_run})" if mia is not None and mia.reason_not_run else "") + " [mia.worst], so this risk is unknown.", "status": "not_run"})

    # 5. copies and outliers
    copies = [t for t in (_get(ev, "exact_match"), _get(ev, "outliers.exact_match"), _get(ev, "outliers.mia")) if t is not None and t.status != "not_run"]
    if copies:
        bad = [t for t in copies if t.status == "fail"]
        text = "Unusual people are the easiest to recognize, and copied records are recognizable outright. "
        text += " ".join(_risk_sentence(t, _status(ev, t)) for t in (bad or copies))
        out.append({"title": "Spotting copies and unusual people", "text": text, "status": "fail" if bad else "pass"})

    # 6. what we could not test
    not_run = [t for t in (ev.evaluation.tests if ev.evaluation else []) if t.status == "not_run"]
    if not_run:
        out.append({
            "title": "What was not tested",
            "text": "These tests could not run, so the intruder's chances there are unknown: " + "; ".join(f"{t.id} ({t.reason_not_run or 'no reason given'})" for t in not_run) + ".",
            "status": "not_run",
        })

    # conclusion
    if ev.verdict:
        concl = {
            "personal_data": "At least one attempt above succeeds or could not be ruled out; the release is personal data.",
            "pseudonymized": "The intruder without the key or mapping is held off only as long as these stay out of reach; the release is pseudonymized personal data.",
            "anonymous_candidate": "None of the attempts tested succeeds beyond the policy's thresholds. Attacks not modelled here (for example an intruder who can retrain the generator, or who holds auxiliary data beyond the threat model) remain for the controller to weigh.",
            "inconclusive": "The tests could not see leaks of the size the policy names, so attempts that succeed on a few records would go unnoticed; the release cannot be called anonymous on this evidence.",
        }.get(ev.verdict.label, "The release must be handled as personal data.")
        status = {"personal_data": "fail", "pseudonymized": "info", "anonymous_candidate": "pass", "inconclusive": "not_run"}.get(ev.verdict.label, "fail")
        out.append({"title": "Conclusion", "text": concl, "status": status})
    return out
