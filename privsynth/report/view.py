"""The view model of the HTML report: what each section shows, computed once from an `Evidence`
(`build_context`), with the plain-language summary a DPO reads first (`summary_view`).

Strings from free-form dictionaries go through `privsynth.report.sanitize.Sanitizer`.
"""

from __future__ import annotations

import shlex
from typing import Any, Optional

import yaml

from privsynth.gate.checks import fmt_num, threshold_text
from privsynth.report.sanitize import (
    COLUMN_SUMMARY_KEYS,
    ENTITY_TYPES,
    Sanitizer,
    _finite,
    fmt_pct,
)
from privsynth.results import CATEGORIES, ColumnTreatment, Evidence, GateCheck, TestResult

VERDICT_TITLES = {
    "personal_data": "Personal data",
    "pseudonymized": "Pseudonymized: still personal data",
    "anonymous_candidate": "Candidate for anonymous data",
    "inconclusive": "Inconclusive: cannot be called anonymous",
}
VERDICT_SUMMARIES = {
    "inconclusive": (
        "The verification could not detect leaks of the size the policy names (too few rows, or "
        "tests without the power the policy asks for): the release cannot be called anonymous on "
        "this evidence and must be handled as personal data until a stronger verification shows otherwise."
    ),
    "personal_data": (
        "The release must be handled as personal data: the evidence below shows identifiers, "
        "residual personal data or a successful attack, or the tests needed to claim otherwise "
        "could not run."
    ),
    "pseudonymized": (
        "Identifiers were replaced by keyed or reversible operators, or a re-identification mapping "
        "exists. Under GDPR Art. 4(5) the release remains personal data for whoever holds or can "
        "obtain the key or the mapping; a recipient without reasonable means to obtain them is in a "
        "different position (CJEU C-413/23 P), which the controller must assess."
    ),
    "anonymous_candidate": (
        "No reversible link to the original remains and every required attack test ran and passed "
        "with its interval under the policy's threshold. This makes the release a candidate for "
        "anonymous data under GDPR Recital 26, against the threat model stated below; it is not a "
        "legal determination."
    ),
}
FAMILY_TITLES = {
    "residual_pii": "Residual personal data",
    "membership_inference": "Membership inference",
    "wp29": "WP29 attacks (singling out, linkability, inference)",
    "similarity": "Similarity diagnostics",
    "outliers": "Outliers",
    "records": "Whole records (every shared column)",
    "column_values": "Real values, column by column (every shared column)",
    "sdc": "Classical disclosure control",
}
FAMILY_ORDER = ["residual_pii", "records", "column_values", "membership_inference", "wp29", "outliers", "similarity", "sdc"]
STATUS_TITLES = {"pass": "pass", "fail": "FAIL", "not_run": "not run", "info": "info", "inconclusive": "inconclusive", "not_applicable": "not applicable"}
DECISIONS = [("approve", "Approve"), ("approve_with_conditions", "Approve with conditions"), ("reject", "Reject")]


# --------------------------------------------------------------------------- view model


def _known_names(ev: Evidence) -> set[str]:
    names: set[str] = set(CATEGORIES) | set(ENTITY_TYPES)
    scan_pol = ev.policy.get("scan", {}) if isinstance(ev.policy, dict) else {}
    for r in scan_pol.get("recognizers", []) if isinstance(scan_pol, dict) else []:
        if isinstance(r, dict):
            names.update(str(r[k]) for k in ("name", "entity_type") if isinstance(r.get(k), str))
    if ev.scan:
        for c in ev.scan.columns:
            names.add(c.name)
            if c.entity_type:
                names.add(c.entity_type)
    for rep in (ev.transform, ev.synthesis):
        if rep:
            for t in rep.treatments:
                names.update({t.column, t.operator})
    if ev.synthesis:
        names.update(ev.synthesis.modelled_columns)
        names.add(ev.synthesis.model)
    if ev.evaluation:
        names.update(ev.evaluation.columns_used)
        names.update(t.id for t in ev.evaluation.tests)
    return names


def _interval_text(t: TestResult) -> str:
    if t.ci_low is None and t.ci_high is None:
        return "-"
    return f"[{fmt_num(t.ci_low)}, {fmt_num(t.ci_high)}]"


def _threshold_text(t: TestResult) -> str:
    return threshold_text(t)


def anchor(test_id: Optional[str], prefix: str = "test-") -> str:
    return prefix + "".join(ch if ch.isalnum() or ch in "-_" else "-" for ch in (test_id or ""))


def _reason_anchor(test: Optional[str], test_ids: set[str], columns: set[str]) -> Optional[str]:
    """Reasons point at their test block, or at the column's row for scan./transform. records."""
    if not test:
        return None
    if test in test_ids:
        return anchor(test)
    for prefix in ("scan.", "transform."):
        if test.startswith(prefix) and test[len(prefix):] in columns:
            return anchor(test[len(prefix):], "col-")
    return None


def _test_view(t: TestResult, check: Optional[GateCheck], san: Sanitizer) -> dict[str, Any]:
    from privsynth.gate.checks import failed_quantity, quantity
    from privsynth.report.charts import render_chart

    fq = failed_quantity(t) if check is None or check.status in (None, "fail") else None

    check_status = check.status if check is not None and check.status else {"info": "not_applicable"}.get(t.status, t.status)
    check_note = ""
    if check is not None and check_status in ("inconclusive", "not_applicable") and check.message:
        check_note = check.message.split(": ", 1)[-1] if check_status == "inconclusive" else ""
    charts = []
    if isinstance(t.charts, dict):
        for name, spec in list(t.charts.items())[:8]:
            charts.append(render_chart(str(name), spec))
    return {
        "id": t.id,
        "anchor": anchor(t.id),
        "name": t.name,
        "family": t.family,
        "measures": t.measures,
        "how_to_read": t.how_to_read,
        "threat_model": t.threat_model,
        "status": t.status,
        "status_title": STATUS_TITLES.get(t.status, t.status),
        "check_status": check_status,
        "check_status_title": STATUS_TITLES.get(check_status, check_status),
        "check_note": check_note,
        "quantity": check.quantity if check is not None else quantity(t),
        # a failed test shows the quantity it failed on (gate.checks.failed_quantity), never a passing headline value
        "value": fmt_num(fq["value"]) if fq else fmt_num(t.value),
        "interval": (("-" if not fq["interval"] else f"[{fmt_num(fq['interval'][0])}, {fmt_num(fq['interval'][1])}]")
                     if fq else _interval_text(t)),
        "p_value": "-" if t.p_value is None else f"{t.p_value:.3g}",
        "threshold": f"{fq['comparator']} {fmt_num(fq['threshold'])}" if fq and fq["threshold"] is not None else _threshold_text(t),
        "required": t.required,
        "reason_not_run": t.reason_not_run,
        "severity": check.severity if check else None,
        "gated": check is not None,
        "details": san.items(t.details),
        "charts": charts,
    }


def _wp29_rows(tests: list[TestResult]) -> list[dict[str, Any]]:
    groups = [
        ("Singling out", "wp29.singling_out", "Can an attacker isolate the record of one real person using rare values or combinations in the release?"),
        ("Linkability", "wp29.linkability", "Can an attacker holding two parts of a person's attributes link them through the release to the same real person?"),
        ("Inference", "wp29.inference", "Can an attacker deduce a secret attribute of a person from the other attributes and the release?"),
    ]
    rows = []
    for title, prefix, question in groups:
        ts = [t for t in tests if t.id == prefix or t.id.startswith(prefix + ".")]
        ran = [t for t in ts if t.status != "not_run"]
        if not ts:
            status = "absent"
        elif not ran:
            status = "not_run"
        elif any(t.status == "fail" for t in ran):
            status = "fail"
        elif all(t.status == "pass" for t in ran):
            status = "pass"
        else:
            status = "info"
        worst = max((t for t in ran if t.value is not None), key=lambda t: t.value, default=None)
        rows.append({
            "title": title,
            "prefix": prefix,
            "question": question,
            "status": status,
            "status_title": {"absent": "not in evaluation", **STATUS_TITLES}.get(status, status),
            "tests": [{"id": t.id, "anchor": anchor(t.id), "status": t.status, "value": fmt_num(t.value), "interval": _interval_text(t), "threshold": _threshold_text(t)} for t in ts],
            "worst": worst.id if worst else None,
            "worst_anchor": anchor(worst.id) if worst else None,
            "worst_value": fmt_num(worst.value) if worst else "-",
            "worst_interval": _interval_text(worst) if worst else "-",
            "worst_threshold": _threshold_text(worst) if worst else "-",
        })
    return rows


def _risk_rows(tests: list[TestResult]) -> list[tuple[str, dict[str, Any]]]:
    """Attack risks on a 0..1 scale for the summary chart."""
    rows = []
    for t in tests:
        if t.status == "not_run" or t.value is None:
            continue
        if not (t.id.startswith("wp29.") or t.id in ("mia.worst", "sdc.prosecutor_risk", "sdc.journalist_risk")):
            continue
        vals = [x for x in (t.value, t.ci_low, t.ci_high, t.threshold) if x is not None]
        if any(v < 0 or v > 1 for v in vals):
            continue
        spec = {"value": t.value, "low": t.ci_low, "high": t.ci_high, "threshold": t.threshold}
        ch = next((c for c in t.charts.values() if isinstance(c, dict) and c.get("type") == "interval"), None) if isinstance(t.charts, dict) else None
        if ch and _finite(ch.get("baseline")) is not None:
            spec["baseline"] = ch["baseline"]
        rows.append((t.id, spec))
    return rows[:24]


def build_context(ev: Evidence) -> dict[str, Any]:
    from privsynth.report.charts import interval_rows
    from privsynth.report.narrative import motivated_intruder

    san = Sanitizer(_known_names(ev))
    tests = ev.evaluation.tests if ev.evaluation else []
    checks_by_test: dict[str, GateCheck] = {}
    if ev.gate:
        for c in ev.gate.checks:
            if c.test:
                checks_by_test.setdefault(c.test, c)

    # per-column table
    treatments: dict[str, list[Any]] = {}
    for rep in (ev.transform, ev.synthesis):
        if rep:
            for t in rep.treatments:
                treatments.setdefault(t.column, []).append(t)
    columns = []
    scanned = set()
    modelled = set(ev.synthesis.modelled_columns) if ev.synthesis else set()
    if ev.scan:
        for c in ev.scan.columns:
            scanned.add(c.name)
            ts = treatments.get(c.name, [])
            if not ts and c.name in modelled:
                ts = [ColumnTreatment(column=c.name, operator=f"synthesize ({ev.synthesis.model})", gdpr_class="synthesis")]
            columns.append({
                "name": c.name,
                "anchor": anchor(c.name, "col-"),
                "category": c.category,
                "entity_type": c.entity_type or "-",
                "confidence": fmt_num(c.confidence),
                "coverage": fmt_pct(c.coverage),
                "evidence": san.summary(c.evidence, COLUMN_SUMMARY_KEYS) or san.text(c.evidence)[:300],
                "evidence_all": san.text(c.evidence),
                "overridden": c.overridden,
                "operator": ", ".join(t.operator for t in ts) or ("(none recorded)" if c.category != "non_personal" else "-"),
                "gdpr_class": ", ".join(t.gdpr_class for t in ts) or "-",
                "params": "; ".join(san.text(t.params) for t in ts if t.params),
                "note": " ".join(t.note for t in ts if t.note),
                "untreated_identifier": c.category == "direct_identifier" and (not ts or all(t.operator in ("keep", "none", "passthrough", "") for t in ts)),
            })
    for name, ts in treatments.items():
        if name in scanned:
            continue
        columns.append({
            "name": name, "anchor": anchor(name, "col-"), "category": "-", "entity_type": "-", "confidence": "-", "coverage": "-", "evidence": "", "evidence_all": "",
            "overridden": False, "operator": ", ".join(t.operator for t in ts), "gdpr_class": ", ".join(t.gdpr_class for t in ts),
            "params": "; ".join(san.text(t.params) for t in ts if t.params), "note": " ".join(t.note for t in ts if t.note),
            "untreated_identifier": False,
        })

    # tests grouped by family
    fams: dict[str, list[dict[str, Any]]] = {}
    for t in tests:
        fams.setdefault(t.family, []).append(_test_view(t, checks_by_test.get(t.id), san))
    order = [f for f in FAMILY_ORDER if f in fams] + sorted(f for f in fams if f not in FAMILY_ORDER)
    families = [{"family": f, "title": FAMILY_TITLES.get(f, f.replace("_", " ").capitalize()), "tests": fams[f]} for f in order]

    gate = None
    if ev.gate:
        failed = ev.gate.failed
        gate = {
            "passed": ev.gate.passed,
            "n_checks": len(ev.gate.checks),
            "n_failed_error": sum(1 for c in failed if c.severity == "error"),
            "n_failed_warn": sum(1 for c in failed if c.severity == "warn"),
            "failed": [{"name": c.name, "anchor": anchor(c.test) if c.test else None, "severity": c.severity, "message": c.message,
                        "status": c.status or "fail", "status_title": STATUS_TITLES.get(c.status or "fail", c.status or "fail"),
                        "quantity": c.quantity,
                        "value": (ev.verdict.label if c.name == "verdict" and ev.verdict else fmt_num(c.value)),
                        "threshold": "-" if c.threshold is None else f"{c.comparator} {fmt_num(c.threshold)}"} for c in failed],
        }

    verdict = None
    if ev.verdict:
        v = ev.verdict
        verdict = {
            "label": v.label,
            "title": VERDICT_TITLES.get(v.label, v.label),
            "summary": VERDICT_SUMMARIES.get(v.label, ""),
            "reasons": [{"text": r.text, "test": r.test, "anchor": _reason_anchor(r.test, {t.id for t in tests}, {c["name"] for c in columns})} for r in v.reasons],
            "threat_model": v.threat_model,
            "tests_not_run": [{"id": i, "anchor": anchor(i), "reason": next((t.reason_not_run for t in tests if t.id == i), "")} for i in v.tests_not_run],
            "caveat": v.caveat,
        }

    synthesis = None
    if ev.synthesis:
        s = ev.synthesis
        synthesis = {
            "model": s.model, "seed": s.seed, "holdout_fraction": fmt_num(s.holdout_fraction),
            "train_rows": s.train_rows, "holdout_rows": s.holdout_rows, "release_rows": s.release_rows,
            "train_sha256": s.train_sha256, "holdout_sha256": s.holdout_sha256,
            "modelled_columns": s.modelled_columns, "params": san.items(s.params), "utility": san.items(s.utility),
            "model_saved": bool(s.model_saved_to),
        }
    transform = None
    if ev.transform:
        tr = ev.transform
        transform = {
            "key_fingerprint": tr.key_fingerprint, "mapping_written": tr.mapping_written,
            "rows_in": tr.rows_in, "rows_out": tr.rows_out, "suppressed_rows": tr.suppressed_rows,
            "stats": san.items(tr.stats),
        }
    evaluation = None
    if ev.evaluation:
        e = ev.evaluation
        evaluation = {
            "columns_used": e.columns_used,
            "rows": [(k, v) for k, v in e.rows.items()],
            "distance": san.items(e.distance),
            "seed": e.seed,
            "n_tests": len(tests),
            "n_pass": sum(1 for c in (ev.gate.checks if ev.gate else []) if c.test in {t.id for t in tests} and c.status == "pass"),
            "n_fail": sum(t.status == "fail" for t in tests),
            "n_not_run": sum(t.status == "not_run" and t.required for t in tests),
            "n_inconclusive": sum(1 for c in (ev.gate.checks if ev.gate else []) if c.status == "inconclusive"),
        }

    try:
        pol = {k: (v.strip() if isinstance(v, str) else v) for k, v in ev.policy.items()} if isinstance(ev.policy, dict) else {}
        pol.pop("sources", None)  # shown as a table above
        policy_yaml = yaml.safe_dump(pol, sort_keys=False, allow_unicode=True, width=100) if pol else ""
    except yaml.YAMLError:
        policy_yaml = ""
    sources = ev.policy.get("sources", {}) if isinstance(ev.policy, dict) else {}
    signoff = ev.signoff if isinstance(ev.signoff, dict) else {}
    from privsynth.report.summary import summary_view

    summ = summary_view(ev)
    rel = ev.release_file()
    return {
        "ev": ev,
        "s": summ,
        "digest": summ["digest"],
        "signature": ev.signature,
        "release": {"path": rel.path, "rows": "-" if rel.rows is None else rel.rows, "columns": "-" if rel.columns is None else rel.columns, "sha256": rel.sha256} if rel else None,
        "title": f"privsynth evidence report{(' - ' + ev.policy_name) if ev.policy_name else ''}",
        "verdict": verdict,
        "gate": gate,
        "inputs": [{"role": i.role, "path": i.path, "sha256": i.sha256, "rows": "-" if i.rows is None else i.rows, "columns": "-" if i.columns is None else i.columns} for i in ev.inputs],
        "scan": {"rows": ev.scan.rows, "rows_sampled": ev.scan.rows_sampled, "seed": ev.scan.seed} if ev.scan else None,
        "columns": columns,
        "synthesis": synthesis,
        "transform": transform,
        "evaluation": evaluation,
        "families": families,
        "wp29": _wp29_rows(tests),
        "risk_chart": interval_rows(_risk_rows(tests), title="attack risks with intervals and thresholds") if _risk_rows(tests) else None,
        "narrative": motivated_intruder(ev),
        "policy_yaml": policy_yaml,
        "policy_sources": [(str(k), str(v)) for k, v in sources.items()] if isinstance(sources, dict) else [],
        "command": shlex.join(str(a) for a in ev.command) if ev.command else "",
        "versions": sorted(ev.versions.items()),
        "seeds": sorted(ev.seeds.items()),
        "timings": [(k, f"{v:.1f} s") for k, v in ev.timings.items()],
        "key_fingerprint": ev.key_fingerprint or (ev.transform.key_fingerprint if ev.transform else None),
        "signoff": {
            "name": str(signoff.get("name", "")),
            "role": str(signoff.get("role", "")),
            "date": str(signoff.get("date", "")),
            "decision": str(signoff.get("decision", "")),
            "conditions": str(signoff.get("conditions", "")),
        },
        "decisions": DECISIONS,
    }
