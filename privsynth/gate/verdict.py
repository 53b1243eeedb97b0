"""decide_verdict: GDPR Recital 26 (anonymous) against Art. 4(5) (pseudonymised), from the evidence.

Rules, in order (docs/report.md explains them for users):

1. personal_data when a direct identifier is left untreated (scan category `direct_identifier`
   with no treatment or operator keep/none), a `residual_pii.*` test failed, or an attack test
   (`mia.*`, `wp29.*`, `exact_match`, `dcr.*`, `outliers.*`, `sdc.*`) failed its threshold.
2. pseudonymized when an identifier was replaced by a keyed or reversible operator (gdpr_class
   `pseudonymization`: pseudonymize, tokenize, encrypt) or a re-identification mapping was written.
   The data stays personal data for whoever can obtain the key or the mapping.
3. anonymous_candidate when neither applies AND every required test ran and passed, with
   `mia.worst` and the WP29 triad (singling out, linkability, inference) among them, and the
   interval of each required attack (not of the similarity diagnostics) under its threshold.
   Never from similarity metrics alone.
4. otherwise personal_data, because the required tests could not run (or were inconclusive).
5. inconclusive when every required test ran and passed but some could not have seen a leak of the
   policy's size: a required test's `minimum_detectable_leak` (share of released rows detected with
   its stated power) exceeds `evaluation.max_undetected_leak` (policy `evaluate.max_undetected_leak`,
   default 0.01), or the holdout was too small to calibrate the tests (`evaluation.distance.notes.
   holdout_too_small`, fewer than 100 rows), or a required attack passed on its point estimate but its
   interval reaches the threshold. "Cannot be called anonymous: the tests could not see
   leaks below X%." Release presets do not pass it.

Every reason names the test id (or the `scan.<column>` / `transform.<column>` record) behind it.
"""

from __future__ import annotations

from typing import Optional

from privsynth.gate.checks import DEFAULT_MAX_UNDETECTED_LEAK, describe, detectable_leak, interval_clear as _interval_clear, matches, point_passes
from privsynth.results import (
    ColumnTreatment,
    Evidence,
    EvaluationReport,
    TestResult,
    Verdict,
    VerdictReason,
)

ATTACK_PREFIXES: tuple[str, ...] = ("mia", "wp29", "exact_match", "dcr", "outliers", "sdc")
SIMILARITY_PREFIXES: tuple[str, ...] = ("exact_match", "dcr")
RESIDUAL_PREFIX = "residual_pii"
PSEUDONYMIZING_OPERATORS: frozenset[str] = frozenset({"pseudonymize", "tokenize", "encrypt"})
UNTREATED_OPERATORS: frozenset[str] = frozenset({"keep", "none", "passthrough", ""})

# Attack tests that must have RUN and passed for an anonymous_candidate verdict: each entry is a
# (label, pattern) pair; at least one test must match each pattern.
REQUIRED_ATTACKS: tuple[tuple[str, str], ...] = (
    ("membership inference (worst attack)", "mia.worst"),
    ("WP29 singling out", "wp29.singling_out"),
    ("WP29 linkability", "wp29.linkability"),
    ("WP29 inference", "wp29.inference"),
)

DEFAULT_THREAT_MODEL = (
    "The attacker holds the released data set and, to calibrate the attacks, real records of the "
    "same population that were not used for the release (the holdout/control set); for "
    "singling out, linkability and inference the attacker knows some attributes of a target "
    "person (the quasi-identifiers). The attacker does not hold the pseudonymization key or any "
    "re-identification mapping, and has no access to the generator itself (no shadow-model "
    "attacks were run)."
)


def _is_attack(test_id: str) -> bool:
    return any(matches(test_id, p) for p in ATTACK_PREFIXES)


def _is_similarity(test_id: str) -> bool:
    """Similarity diagnostics: a failure counts against the release, but their intervals are not
    attack risks, so a wide interval does not make the verdict inconclusive."""
    return any(matches(test_id, p) for p in SIMILARITY_PREFIXES)


def _treatments(evidence: Evidence) -> dict[str, list[ColumnTreatment]]:
    out: dict[str, list[ColumnTreatment]] = {}
    for rep in (evidence.transform, evidence.synthesis):
        if rep is None:
            continue
        for t in rep.treatments:
            out.setdefault(t.column, []).append(t)
    return out


def _is_pseudonymizing(t: ColumnTreatment) -> bool:
    return t.gdpr_class == "pseudonymization" or t.operator in PSEUDONYMIZING_OPERATORS


def _threat_model(ev: Optional[EvaluationReport]) -> str:
    parts = [DEFAULT_THREAT_MODEL]
    if ev is not None:
        seen: set[str] = set()
        for t in ev.tests:
            if not (t.id == "mia.worst" or matches(t.id, "wp29")):
                continue  # the attacks the verdict rests on; every test shows its own in the report
            tm = t.threat_model.strip()
            if tm and tm not in seen and t.status != "not_run":
                seen.add(tm)
                parts.append(f"{t.name}: {tm}")
    return " ".join(parts)


def decide_verdict(evidence: Evidence) -> Verdict:
    """The verdict for one evidence document; `Verdict.reasons` each name their test."""
    ev = evidence.evaluation
    tests = ev.tests if ev is not None else []
    treatments = _treatments(evidence)

    personal: list[VerdictReason] = []
    pseudo: list[VerdictReason] = []
    blockers: list[VerdictReason] = []
    passed_required: list[VerdictReason] = []
    unclear: list[VerdictReason] = []  # passed, but the interval reaches the threshold: inconclusive (rule 5)

    # 1a. direct identifiers left untreated. Without a recorded treatment (a release made
    # elsewhere and only evaluated here) a passed residual_pii.values test is the evidence that
    # no original identifier value is in the release.
    residual_values = next((t for t in tests if t.id == "residual_pii.values"), None)
    identifiers_verified_absent = not treatments and residual_values is not None and residual_values.status == "pass"
    if evidence.scan is not None:
        for col in evidence.scan.columns:
            if col.category != "direct_identifier":
                continue
            ts = treatments.get(col.name, [])
            ent = f" ({col.entity_type})" if col.entity_type else ""
            if not ts and identifiers_verified_absent:
                continue
            if not ts:
                personal.append(VerdictReason(
                    text=f"direct identifier column '{col.name}'{ent} has no recorded treatment, so it is assumed to remain in the release",
                    test=f"scan.{col.name}",
                ))
            elif all(t.operator in UNTREATED_OPERATORS for t in ts):
                personal.append(VerdictReason(
                    text=f"direct identifier column '{col.name}'{ent} is kept as is (operator '{ts[-1].operator}')",
                    test=f"transform.{col.name}",
                ))

    # 1b. residual PII and 1c. attacks beyond their threshold
    for t in tests:
        if t.status != "fail":
            continue
        if matches(t.id, RESIDUAL_PREFIX):
            personal.append(VerdictReason(text=f"residual personal data found in the release: {t.name}, {describe(t)}", test=t.id))
        elif _is_attack(t.id):
            personal.append(VerdictReason(text=f"attack succeeded beyond the policy's threshold: {t.name}, {describe(t)}", test=t.id))

    # 2. pseudonymization
    for col, ts in treatments.items():
        for t in ts:
            if _is_pseudonymizing(t):
                pseudo.append(VerdictReason(
                    text=f"column '{col}' was replaced by the keyed or reversible operator '{t.operator}': it remains personal data for whoever holds the key (GDPR Art. 4(5))",
                    test=f"transform.{col}",
                ))
                break
    if evidence.transform is not None and evidence.transform.mapping_written:
        pseudo.append(VerdictReason(
            text="a re-identification mapping was written: the release remains personal data for whoever can obtain the mapping (GDPR Art. 4(5))",
            test="transform.mapping_written",
        ))

    # 3. required tests: must have run and passed, interval under the threshold
    if ev is None:
        blockers.append(VerdictReason(text="required tests could not run: no verification was run on the release", test="evaluation"))
    else:
        for label, pattern in REQUIRED_ATTACKS:
            group = [t for t in tests if matches(t.id, pattern)]
            if not any(t.status in ("pass", "fail", "info") for t in group):
                why = "; ".join(f"{t.id}: {t.reason_not_run}" for t in group if t.reason_not_run)
                blockers.append(VerdictReason(
                    text=f"required tests could not run: {label} ({pattern}) did not run" + (f" ({why})" if why else ""),
                    test=group[0].id if group else pattern,
                ))
        for t in tests:
            if not t.required:
                continue
            if t.status == "not_run":
                if any(r.test == t.id for r in blockers):
                    continue
                blockers.append(VerdictReason(
                    text=f"required tests could not run: {t.name} ({t.reason_not_run or 'no reason given'})",
                    test=t.id,
                ))
            elif t.status == "fail":
                if not (_is_attack(t.id) or matches(t.id, RESIDUAL_PREFIX)):
                    blockers.append(VerdictReason(text=f"required test failed: {t.name}, {describe(t)}", test=t.id))
            elif t.status == "pass":
                if _is_attack(t.id) and t.family != "similarity" and not _is_similarity(t.id) and not _interval_clear(t):
                    unclear.append(VerdictReason(
                        text=(f"inconclusive: {t.name} passed on its point estimate but its interval reaches the threshold ({describe(t)})"
                              if point_passes(t) else
                              f"inconclusive: {t.name} has a point estimate beyond the threshold, but its interval reaches the passing side ({describe(t)})"),
                        test=t.id,
                    ))
                elif _is_attack(t.id) and t.family != "similarity":
                    passed_required.append(VerdictReason(text=f"{t.name} passed: {describe(t)}", test=t.id))

    # 5. what the tests could not see
    unseen: list[VerdictReason] = list(unclear)
    if ev is not None:
        small = (ev.distance.get("notes") or {}).get("holdout_too_small") if isinstance(ev.distance, dict) else None
        if small:
            unseen.append(VerdictReason(text=f"inconclusive: {small}", test="evaluation.rows.holdout"))
        limit = ev.max_undetected_leak if ev.max_undetected_leak is not None else DEFAULT_MAX_UNDETECTED_LEAK
        for t in tests:
            mdl = detectable_leak(t)
            if limit is None or mdl is None or not t.required or t.status != "pass" or mdl <= limit:
                continue
            unseen.append(VerdictReason(
                text=(f"inconclusive: {t.name} could not see leaks below {mdl:.2%} of the released rows "
                      f"(detected with power {t.power if t.power is not None else 'unknown'}); the policy allows "
                      f"{limit:.2%} to go undetected (evaluate.max_undetected_leak)"),
                test=t.id,
            ))

    not_run = [t.id for t in tests if t.status == "not_run"]
    threat = _threat_model(ev)
    if personal:
        return Verdict(label="personal_data", reasons=personal + pseudo, threat_model=threat, tests_not_run=not_run)
    if pseudo:
        threat += (
            " Whoever holds the pseudonymization key or the mapping is outside this threat model: for"
            " them the identifiers are reversible and the release is personal data."
        )
        return Verdict(label="pseudonymized", reasons=pseudo, threat_model=threat, tests_not_run=not_run)
    if blockers:
        return Verdict(label="personal_data", reasons=blockers, threat_model=threat, tests_not_run=not_run)
    if unseen:
        return Verdict(label="inconclusive", reasons=unseen, threat_model=threat, tests_not_run=not_run)
    return Verdict(label="anonymous_candidate", reasons=passed_required, threat_model=threat, tests_not_run=not_run)
