"""The one-screen summary a data protection officer reads first, in plain language.

`summary_view(evidence) -> dict` holds, computed from the evidence only (test results, gate checks,
the policy as run, including its `context:` section):

- `verdict`: label, title, one plain sentence, gate result and exit code;
- `sharing`: what is shared (the release file, rows, columns, digest), with whom, why, for how
  long, on which legal basis (policy `context:`); missing fields are listed as such;
- `tested`: one sentence on what was tested and how many checks passed, failed, were inconclusive
  or could not run;
- `triad`: the WP29 risks (singling out, linkability, inference), one sentence each;
- `reasons`: grouped and deduplicated, each a sentence with its number beside it;
- `attacker`: what an attacker could still do;
- `decide`: what the controller must still decide; `next_steps`: recommended next steps.

Thresholds are quoted from the run itself (each test's stored threshold, set by the run's
policy), never from a default.
"""

from __future__ import annotations

from typing import Any, Optional

from privsynth.gate.checks import failed_metrics, fmt_num, matches
from privsynth.results import Evidence, GateCheck, TestResult

VERDICT_PLAIN = {
    "personal_data": "Treat this release as personal data: it must not be shared as anonymous.",
    "pseudonymized": "This release is pseudonymized: it stays personal data for anyone who holds or can obtain the key or the mapping.",
    "anonymous_candidate": "Every required attack ran and none succeeded beyond the policy's limits: the release is a candidate for anonymous data, for the threat model stated below.",
    "inconclusive": "The tests could not see leaks of the size the policy names: the release cannot be called anonymous on this evidence.",
}
CONTEXT_FIELDS = (
    ("recipient", "With whom"),
    ("purpose", "Why"),
    ("retention", "For how long"),
    ("legal_basis", "Legal basis"),
    ("controller", "Controller"),
)
GROUP_TITLES = {
    "identifiers": "Personal data left in the release",
    "attacks": "Attacks that succeeded beyond the policy's limit",
    "inconclusive": "Tests that could not tell",
    "not_run": "Tests that could not run",
    "pseudonymized": "Reversible identifiers",
    "passed": "Attacks held off",
}
GROUP_ORDER = ("identifiers", "attacks", "pseudonymized", "inconclusive", "not_run", "passed")


def pct(x: Optional[float]) -> str:
    if x is None:
        return "-"
    v = 100 * x
    return f"{v:.0f}%" if abs(v) >= 10 or v == int(v) else f"{v:.1f}%"


FAMILIES: tuple[tuple[str, str], ...] = (
    ("residual_pii.values", "Identifier values of the original left in the release"),
    ("residual_pii.text", "Identifiers left in free text"),
    ("residual_pii", "Identifiers left in the release"),
    ("outliers", "Unusual people"),
    ("mia", "Membership inference (can someone tell that a person's record was used?)"),
    ("wp29.singling_out", "Singling out (isolating one real person)"),
    ("wp29.linkability", "Linkability (joining a person's records through the release)"),
    ("wp29.inference", "Inference (deducing a secret attribute)"),
    ("exact_match", "Copies of real records"),
    ("dcr", "Closeness to the training records"),
    ("sdc", "Classical disclosure control"),
)


def family_of(test_id: str) -> tuple[str, str]:
    for prefix, title in FAMILIES:
        if matches(test_id, prefix):
            return prefix, title
    return test_id, test_id


def _status(t: TestResult, check: Optional[GateCheck]) -> str:
    return check.status if check is not None and check.status else {"info": "not_applicable"}.get(t.status, t.status)


def short_result(t: TestResult, check: Optional[GateCheck]) -> str:
    """The number of one test in words, with the run's own threshold (no trailing period)."""
    status = _status(t, check)
    thr, v = t.threshold, t.value
    if status in ("not_run", "not_applicable") or v is None:
        return f"not tested ({t.reason_not_run or 'no reason given'})"
    p_value = check is not None and check.quantity == "p-value"
    if p_value:
        p = "-" if t.p_value is None else f"{t.p_value:.2g}"
        s = f"p = {p} (copying would show as p below {fmt_num(thr)})"
    elif (matches(t.id, "mia") or matches(t.id, "outliers.mia")) and failed_metrics(t) and status == "fail":
        # name the metric that failed, not the AUC that stayed within its limit
        s = "failed on " + "; ".join(failed_metrics(t))
        if "auc" not in t.details.get("failed_on", []):
            s += f" (its AUC {fmt_num(v)} is within the allowed {fmt_num(thr)})"
    elif matches(t.id, "mia") or matches(t.id, "outliers.mia"):
        s = f"AUC {fmt_num(v)} (0.5 is guessing" + ("" if thr is None else f"; the policy allows up to {fmt_num(thr)}") + ")"
    elif matches(t.id, "wp29"):
        s = (f"risk {fmt_num(v)}: the attack did no better on the release than on real records it does not hold"
             if v <= 0 else f"risk {fmt_num(v)}: the attack succeeded {pct(v)} more often on the release than on real records it does not hold")
        s += "" if thr is None else f" (the policy allows up to {fmt_num(thr)})"
    elif matches(t.id, "residual_pii"):
        s = f"{fmt_num(v)} found" + ("" if thr is None else f" (the policy allows {fmt_num(thr)})")
    else:
        q = check.quantity if check is not None else "value"
        # a check with no threshold prints none (it fails on its own test, e.g. any copy of a real record)
        s = f"{q} {fmt_num(v)}" + ("" if thr is None else f" (the policy asks {t.comparator} {fmt_num(thr)})")
    if status == "inconclusive" and check is not None:
        if "could only detect" in check.message:
            s += "; but " + check.message.split("it could only detect", 1)[1].split(" (the policy", 1)[0].replace("leaks", "it could only detect leaks", 1).strip()
        elif t.ci_low is not None and t.ci_high is not None:
            s += f"; but its 95% interval, {fmt_num(t.ci_low)} to {fmt_num(t.ci_high)}, reaches that limit"
    return s


def plain_result(t: TestResult, check: Optional[GateCheck]) -> str:
    """One sentence for one test: its family in words, then `short_result`."""
    return f"{family_of(t.id)[1]}: {short_result(t, check)}."


def _context(ev: Evidence) -> dict[str, Any]:
    ctx = ev.policy.get("context", {}) if isinstance(ev.policy, dict) else {}
    ctx = ctx if isinstance(ctx, dict) else {}
    rows, missing = [], []
    for key, title in CONTEXT_FIELDS:
        val = ctx.get(key)
        if isinstance(val, str) and val.strip():
            rows.append((title, val.strip()))
        elif key != "controller":
            missing.append(key)
            rows.append((title, None))
    return {"rows": rows, "missing": missing, "notes": str(ctx.get("notes") or "").strip()}


def _release(ev: Evidence) -> dict[str, Any]:
    rel = ev.release_file()
    kind = {"audit-synthesize": "a synthetic data set generated from", "audit-anonymize": "a transformed copy of",
            "anonymize": "a transformed copy of", "evaluate": "a release derived from"}.get(ev.mode, "a release derived from")
    orig = next((i for i in ev.inputs if i.role == "original"), None)
    what = f"{kind} {orig.path}" if orig else kind.replace(" from", "").replace(" of", "")
    out = {"what": what, "path": None, "shape": None, "sha256": None}
    if rel is not None:
        out["path"] = rel.path
        out["shape"] = f"{rel.rows if rel.rows is not None else '?'} rows x {rel.columns if rel.columns is not None else '?'} columns"
        out["sha256"] = rel.sha256
    out["columns_not_in_original"] = columns_not_in_original(ev)
    return out


def columns_not_in_original(ev: Evidence) -> list[str]:
    """Names (never values) of the release's columns the original does not have, from the evaluation's notes: the
    verifier can compare them with nothing but the original's identifier values (residual_pii.values)."""
    if ev.evaluation is None:
        return []
    notes = (ev.evaluation.distance or {}).get("notes") or {}
    cols = (notes.get("records") or {}).get("release_columns_not_in_original") or []
    if not cols:
        t = next((t for t in ev.evaluation.tests if t.id == "residual_pii.values"), None)
        cols = (t.details.get("release_columns_not_in_original") or []) if t is not None else []
    return [str(c) for c in cols]


def unique_copies_sentence(ev: Evidence) -> str:
    """How many released rows equal a record no other real person has (a count, never a value), from
    exact_match.unique_records; "" when that test did not run."""
    t = next((t for t in ev.evaluation.tests if t.id == "exact_match.unique_records"), None) if ev.evaluation else None
    if t is None or t.status == "not_run" or "release_rows_equal_to_unique_real_record" not in t.details:
        return ""
    n = int(t.details["release_rows_equal_to_unique_real_record"])
    share = t.details.get("release_rows_equal_to_unique_real_record_share")
    rows = "row" if n == 1 else "rows"
    s = (f"{n} released {rows}" + (f" ({pct(share)} of the release)" if n and share is not None else "") +
         f" {'is' if n == 1 else 'are'} identical to a real person's record that no other real record shares"
         " (training or holdout)")
    if n:
        s += "; whatever the cause, each such row discloses that person's record"
    return s + "."


def _tested(ev: Evidence, checks: dict[str, GateCheck]) -> str:
    if ev.evaluation is None:
        return "No verification ran on this release: nothing shows that its people cannot be identified."
    tests = ev.evaluation.tests
    counts = {k: 0 for k in ("pass", "fail", "inconclusive", "not_run", "not_applicable")}
    for t in tests:
        c = checks.get(t.id)
        counts[(c.status if c is not None and c.status else t.status if t.status in counts else "not_applicable")] += 1
    rows = ev.evaluation.rows
    who = ", ".join(f"{rows[k]} {k}" for k in ("release", "original", "holdout") if isinstance(rows.get(k), int))
    s = (f"{len(tests)} tests attacked the release as an intruder would: membership inference, the WP29 "
         f"singling-out, linkability and inference attacks, copies of real records and residual identifiers")
    if who:
        s += f" (rows: {who})"
    s += (f". {counts['pass']} passed, {counts['fail']} failed, {counts['inconclusive']} could not tell, "
          f"{counts['not_run']} could not run, {counts['not_applicable']} did not apply or are informational.")
    u = unique_copies_sentence(ev)
    if u:
        s += " " + u
    extra = columns_not_in_original(ev)
    if extra:
        s += (f" The release has {len(extra)} column{'s' if len(extra) > 1 else ''} the original does not have "
              f"({', '.join(extra)}): no record or distance test can compare {'them' if len(extra) > 1 else 'it'}; "
              f"{'they were' if len(extra) > 1 else 'it was'} only searched for the original's identifier values.")
    return s


def _triad(ev: Evidence, checks: dict[str, GateCheck]) -> list[dict[str, str]]:
    tests = ev.evaluation.tests if ev.evaluation else []
    out = []
    for title, prefix, question in (
        ("Singling out", "wp29.singling_out", "Can someone isolate one real person's record?"),
        ("Linkability", "wp29.linkability", "Can someone link a person's records across data sets through the release?"),
        ("Inference", "wp29.inference", "Can someone deduce a secret attribute of a person?"),
    ):
        group = [t for t in tests if matches(t.id, prefix)]
        ran = [t for t in group if t.status not in ("not_run",) and t.value is not None]
        if not group:
            out.append({"title": title, "status": "not_run", "text": "unknown: no such test in the evaluation."})
            continue
        if not ran:
            why = next((t.reason_not_run for t in group if t.reason_not_run), "no reason given")
            out.append({"title": title, "status": "not_run", "text": f"unknown: the test could not run ({why})."})
            continue
        statuses = [(checks[t.id].status if t.id in checks and checks[t.id].status else t.status) for t in ran]
        worst = max(ran, key=lambda t: t.value or 0.0)
        status = "fail" if "fail" in statuses else "inconclusive" if "inconclusive" in statuses else "pass"
        answer = {"fail": "possible beyond the policy's limit", "inconclusive": "not ruled out", "pass": "no more than the policy allows"}[status]
        text = f"{answer}: risk {fmt_num(worst.value)} (limit {fmt_num(worst.threshold)})"
        if status == "inconclusive" and worst.ci_high is not None:
            text += f", but its 95% interval reaches {fmt_num(worst.ci_high)}"
        elif worst.ci_low is not None and worst.ci_high is not None:
            text += f", 95% interval {fmt_num(worst.ci_low)} to {fmt_num(worst.ci_high)}"
        if len(ran) > 1:
            text += f"; worst of {len(ran)} tests"
        out.append({"title": title, "status": status, "text": text + "."})
    return out


def _reasons(ev: Evidence, checks: dict[str, GateCheck]) -> list[dict[str, Any]]:
    """Verdict reasons and failed checks, grouped, one sentence each, duplicates merged."""
    tests = {t.id: t for t in ev.evaluation.tests} if ev.evaluation else {}
    groups: dict[str, list[dict[str, Any]]] = {g: [] for g in GROUP_ORDER}
    seen: set[str] = set()

    def add(group: str, text: str, ids: list[str]) -> None:
        key = text
        if key in seen:
            return
        seen.add(key)
        groups[group].append({"text": text, "ids": ids})

    v = ev.verdict
    for r in v.reasons if v else []:
        tid = r.test or ""
        if tid.startswith(("scan.", "transform.")) and tid != "transform.mapping_written":
            if "keyed or reversible" in r.text:
                add("pseudonymized", r.text[:1].upper() + r.text[1:] + ".", [tid])
            else:
                add("identifiers", r.text[:1].upper() + r.text[1:] + ".", [tid])
        elif tid == "transform.mapping_written":
            add("pseudonymized", r.text[:1].upper() + r.text[1:] + ".", [tid])
    # failed and inconclusive tests: one sentence per family (its worst test), naming every test
    fams: dict[tuple[str, str], list[TestResult]] = {}
    for tid, t in tests.items():
        st = _status(t, checks.get(tid))
        if st in ("fail", "inconclusive"):
            fams.setdefault((st, family_of(tid)[0]), []).append(t)
    for (st, _fam), ts in fams.items():
        worst = max(ts, key=lambda t: (t.id in ("mia.worst",), t.value if t.value is not None else 0.0))
        text = plain_result(worst, checks.get(worst.id))
        if len(ts) > 1:
            text = text[:-1] + f"; the worst of {len(ts)} such tests."
        group = "inconclusive" if st == "inconclusive" else ("identifiers" if matches(worst.id, "residual_pii") else "attacks")
        add(group, text, [t.id for t in ts])
    # not run: one sentence per reason, naming every test it applies to
    by_reason: dict[str, list[str]] = {}
    for tid, t in tests.items():
        c = checks.get(tid)
        if (c.status if c is not None and c.status else t.status) == "not_run":
            by_reason.setdefault(t.reason_not_run or "no reason given", []).append(tid)
    for why, ids in by_reason.items():
        n = len(ids)
        add("not_run", f"{n} test{'s' if n > 1 else ''} could not run because {why[:1].lower() + why[1:]}.", ids)
    for c in checks.values():
        if c.test and c.test not in tests and c.status == "not_run":
            add("not_run", f"{c.test} is required by the policy but absent from the evaluation.", [c.test])
    if v is not None and v.label == "anonymous_candidate":
        held: dict[str, list[TestResult]] = {}
        for r in v.reasons:
            t = tests.get(r.test or "")
            if t is not None:
                held.setdefault(family_of(t.id)[0], []).append(t)
        for ts in held.values():
            worst = max(ts, key=lambda t: (t.id in ("mia.worst",), t.value if t.value is not None else 0.0))
            add("passed", plain_result(worst, checks.get(worst.id)), [t.id for t in ts])
    return [{"group": g, "title": GROUP_TITLES[g], "items": groups[g]} for g in GROUP_ORDER if groups[g]]


def _attacker(ev: Evidence, reasons: list[dict[str, Any]]) -> list[str]:
    label = ev.verdict.label if ev.verdict else "personal_data"
    out: list[str] = []
    g = {r["group"]: r["items"] for r in reasons}
    if "identifiers" in g:
        out.append("Read identities directly: personal data is still in the release (see the reasons).")
    if "pseudonymized" in g:
        out.append("Re-identify every pseudonymized record if they obtain the key or the mapping; equal pseudonyms also link records across releases.")
    for item in g.get("attacks", []):
        out.append("Succeed at an attack beyond the policy's limit: " + item["text"].split(" (", 1)[0].split(":", 1)[0] + ".")
    if "inconclusive" in g:
        n = sum(len(i["ids"]) for i in g["inconclusive"])
        out.append(f"Possibly succeed where {n} test{'s' if n > 1 else ''} could not tell either way.")
    if "not_run" in g:
        n = sum(len(i["ids"]) for i in g["not_run"])
        out.append(f"Try attacks whose success is unknown: {n} test{'s' if n > 1 else ''} could not run.")
    out.append(
        "Use means outside the threat model: auxiliary data beyond the quasi-identifiers tested, access to the "
        "generator or to the original data, or attacks not run here (for example shadow-model attacks)."
    )
    if label == "anonymous_candidate" and len(out) == 1:
        out.insert(0, "Within the threat model tested, none of the attacks succeeded beyond the policy's limits.")
    return out


def _decide(ev: Evidence, context: dict[str, Any], reasons: list[dict[str, Any]]) -> list[str]:
    out = []
    if context["missing"]:
        out.append("State " + ", ".join(k.replace("_", " ") for k in context["missing"]) +
                   " in the policy's context: section; the evidence cannot judge whether sharing is lawful without them.")
    out.append("Whether the recipients' means reasonably likely to be used (GDPR Recital 26) are covered by the threat model (the report's section 2).")
    groups = {r["group"] for r in reasons}
    if groups & {"inconclusive", "not_run"}:
        out.append("Whether to accept the risks the tests could not measure (listed under the reasons), or to have them measured first.")
    special = ev.scan.names("special_category") if ev.scan else []
    if special:
        out.append(f"Special-category data (GDPR Art. 9) was found in {', '.join(special)}: whether an Art. 9(2) condition applies and a DPIA (Art. 35) is needed.")
    out.append("The contractual and technical controls, retention and deletion that go with the release, and the decision in the sign-off block.")
    return out


def _next_steps(ev: Evidence, reasons: list[dict[str, Any]]) -> list[str]:
    g = {r["group"]: r["items"] for r in reasons}
    out = []
    if "identifiers" in g:
        out.append("Drop, regenerate or generalize the columns named under 'Personal data left in the release', then run the audit again.")
    if "pseudonymized" in g:
        out.append("If the release must be anonymous, replace keyed operators by drop or regenerate; otherwise keep the key and mapping apart from the release and treat it as personal data.")
    if "attacks" in g:
        out.append("Reduce what the release memorizes: generalize or suppress rare values, synthesize from more rows or with a simpler model, then re-run; do not share this release.")
    if "inconclusive" in g:
        out.append("Re-run on more rows (or a larger holdout) so the tests can see leaks of the size the policy names, or accept the uncertainty explicitly in the sign-off.")
    if "not_run" in g:
        out.append("Provide what the tests that could not run need (see their reasons), then re-run.")
    label = ev.verdict.label if ev.verdict else "personal_data"
    if label == "anonymous_candidate" and not out:
        out.append("Record the decision in the sign-off block, share under the stated purpose and controls, and re-run the audit whenever the data or the policy changes.")
    elif label == "anonymous_candidate":
        out.append("Then record the decision in the sign-off block and share under the stated purpose and controls.")
    return out


def summary_view(ev: Evidence) -> dict[str, Any]:
    """The plain-language summary (see the module docstring)."""
    checks: dict[str, GateCheck] = {}
    for c in ev.gate.checks if ev.gate else []:
        if c.test:
            checks.setdefault(c.test, c)
    label = ev.verdict.label if ev.verdict else None
    context = _context(ev)
    reasons = _reasons(ev, checks)
    from privsynth.gate.integrity import evidence_digest
    from privsynth.report.view import VERDICT_TITLES

    return {
        "label": label or "none",
        "title": VERDICT_TITLES.get(label, label) if label else "No verdict recorded",
        "plain": VERDICT_PLAIN.get(label or "", "The evidence holds no verdict: treat the data as personal data."),
        "gate_passed": ev.gate.passed if ev.gate else None,
        "exit_code": None if ev.gate is None else (0 if ev.gate.passed else 1),
        "policy": ev.policy_name or "(unnamed)",
        "pass_verdicts": ", ".join((ev.policy.get("gate") or {}).get("pass_verdicts", [])) if isinstance(ev.policy, dict) else "",
        "release": _release(ev),
        "context": context,
        "tested": _tested(ev, checks),
        "triad": _triad(ev, checks),
        "reasons": reasons,
        "attacker": _attacker(ev, reasons),
        "decide": _decide(ev, context, reasons),
        "next_steps": _next_steps(ev, reasons),
        "digest": evidence_digest(ev),
        "signature": ev.signature.model_dump() if ev.signature else None,
    }
