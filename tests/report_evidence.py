"""Hand-built, realistic Evidence documents for the gate and report tests (not a conftest).

The numbers are what a small synthesis run of a customer table looks like: a scan with direct
identifiers, quasi-identifiers and a health column; synthesis treatments; the full battery of
verification tests with the chart series the evaluate stage emits. Each builder returns a fresh
object, so tests can mutate it.
"""

from __future__ import annotations

import math
from typing import Any, Optional

from privsynth.results import (
    ColumnScan,
    ColumnTreatment,
    EvaluationReport,
    Evidence,
    InputFile,
    ScanResult,
    SynthesisReport,
    TestResult,
    TransformReport,
)

FIXED_TIME = "2026-01-15T10:00:00+00:00"


def _hist(train_center: float, holdout_center: float, n: int = 12) -> dict[str, Any]:
    edges = [round(i * 0.05, 3) for i in range(n + 1)]

    def bump(c: float) -> list[int]:
        return [int(400 * math.exp(-((e + 0.025 - c) ** 2) / 0.01)) for e in edges[:-1]]

    return {"type": "histogram", "edges": edges, "series": {"release → train": bump(train_center), "release → holdout": bump(holdout_center)}, "x_label": "distance to closest record (Gower)"}


def _roc(strength: float, auc: float) -> dict[str, Any]:
    fpr = [i / 40 for i in range(41)]
    tpr = [min(1.0, f ** (1.0 / strength)) for f in fpr]
    return {"type": "roc", "fpr": fpr, "tpr": tpr, "auc": auc}


def _interval(v: float, lo: float, hi: float, base: float, thr: float) -> dict[str, Any]:
    return {"type": "interval", "value": v, "low": lo, "high": hi, "baseline": base, "threshold": thr}


def scan() -> ScanResult:
    cols = [
        ColumnScan(name="customer_id", entity_type="RECORD_ID", category="direct_identifier", confidence=0.99, coverage=1.0, evidence={"unique_ratio": 1.0, "method": "uniqueness"}, dtype="int64"),
        ColumnScan(name="full_name", entity_type="PERSON", category="direct_identifier", confidence=0.93, coverage=0.97, evidence={"recognizer": "SpacyRecognizer", "header_match": "name", "score_mean": 0.85}),
        ColumnScan(name="email", entity_type="EMAIL_ADDRESS", category="direct_identifier", confidence=1.0, coverage=1.0, evidence={
            # the shape the detect stage writes
            "sampled": 600,
            "stats": {"rows": 600, "non_null": 600, "null_share": 0.0, "distinct": 600, "uniqueness": 1.0, "kind": "string", "mean_length": 24.1, "digit_share": 0.08},
            "name_hint": {"entity": "EMAIL_ADDRESS", "phrase": "email", "exact": True},
            "pattern_values_evaluated": 600,
            "recognizers": {"EmailRecognizer": 598},
            "coverage_by_entity": {"EMAIL_ADDRESS": 0.997},
            "reason": "EMAIL_ADDRESS pattern in 99.7% of sampled values; column name says email",
        }),
        ColumnScan(name="birth_date", entity_type="DATE_OF_BIRTH", category="quasi_identifier", confidence=0.9, coverage=1.0, evidence={"recognizer": "DateRecognizer", "header_match": "birth"}),
        ColumnScan(name="postcode", entity_type="POSTCODE", category="quasi_identifier", confidence=0.85, coverage=0.99, evidence={"recognizer": "postcode_pattern"}),
        ColumnScan(name="gender", entity_type="GENDER", category="quasi_identifier", confidence=0.8, coverage=1.0, evidence={"distinct": 3}),
        ColumnScan(name="diagnosis", entity_type="HEALTH", category="special_category", confidence=0.75, coverage=1.0, evidence={"header_match": "diagnosis"}, overridden=True),
        ColumnScan(name="income", entity_type="INCOME", category="sensitive", confidence=0.7, coverage=0.95, evidence={"header_match": "income"}, dtype="float64"),
        ColumnScan(name="signup_channel", category="non_personal", confidence=0.0, coverage=0.0, evidence={"distinct": 4}),
    ]
    return ScanResult(columns=cols, rows=600, rows_sampled=600, seed=0)


def synthesis_treatments() -> list[ColumnTreatment]:
    return [
        ColumnTreatment(column="customer_id", operator="regenerate", params={"entity_type": "RECORD_ID"}, gdpr_class="synthesis", note="new random ids"),
        ColumnTreatment(column="full_name", operator="regenerate", params={"entity_type": "PERSON", "locale": "en_US"}, gdpr_class="synthesis"),
        ColumnTreatment(column="email", operator="regenerate", params={"entity_type": "EMAIL_ADDRESS", "locale": "en_US"}, gdpr_class="synthesis"),
    ]


def tests(mia_auc: float = 0.52, wp29_so: float = 0.01, thresholds: Optional[dict[str, float]] = None) -> list[TestResult]:
    th = {"mia_auc_max": 0.6, "wp29_risk_max": 0.09, "k_min": 5, "dcr_share_max": 0.6}
    th.update(thresholds or {})

    def status(v: float, thr: float, cmp: str = "<=") -> str:
        ok = v <= thr if cmp == "<=" else v >= thr
        return "pass" if ok else "fail"

    T = TestResult
    out = [
        T(id="exact_match", name="Exact copies of training records", family="similarity",
          measures="Share of released records identical to a training record, compared with the same share against the holdout (Fisher exact test).",
          how_to_read="A p-value under alpha means the release copies training records more often than chance.",
          status="pass", value=0.0, ci_low=0.0, ci_high=0.0095, p_value=1.0, threshold=0.01, comparator=">=", passed=True,
          details={"train_records_copied": 0, "holdout_records_copied": 0, "threshold_applies_to": "p_value (fails when p_value < threshold = alpha)"}),
        T(id="dcr.share_closer_to_train", name="Share closer to training than holdout", family="similarity",
          measures="For each released record, whether its closest real record is in the training set rather than in the holdout.",
          how_to_read="About 0.5 for a generator that does not memorize (equal-size sets); higher means closer to the training data.",
          status="pass", value=0.507, ci_low=0.47, ci_high=0.544, threshold=th["dcr_share_max"], passed=True,
          charts={"dcr_distribution": _hist(0.22, 0.23)}, required=False),
        T(id="dcr.p5_ratio", name="5th percentile DCR ratio (train / holdout)", family="similarity",
          measures="Ratio of the 5th percentile of release-to-train distances to that of release-to-holdout distances.",
          how_to_read="Near 1 is expected; well under 1 means some released records sit unusually close to training records.",
          status="info", value=0.97, required=False),
        T(id="mia.distance", name="Distance attack", family="membership_inference",
          measures="Scores each candidate by its distance to the closest released record.", how_to_read="AUC 0.5 is guessing.",
          status=status(mia_auc, th["mia_auc_max"]), value=mia_auc - 0.01, ci_low=mia_auc - 0.05, ci_high=mia_auc + 0.03, threshold=th["mia_auc_max"],
          charts={"roc": _roc(1.05, mia_auc - 0.01)}, required=False),
        T(id="mia.worst", name="Membership inference (worst attack)", family="membership_inference",
          measures="The strongest of the distance, distance-to-reference, density-ratio and classifier attacks, as the AUC of telling training members from holdout records.",
          how_to_read="0.5 is guessing, 1.0 is perfect; read it together with the true-positive rate at 0.1% false positives.",
          threat_model="The attacker holds the release and a reference sample of the population, and scores candidate records.",
          status=status(mia_auc, th["mia_auc_max"]), value=mia_auc, ci_low=mia_auc - 0.04, ci_high=mia_auc + 0.04, threshold=th["mia_auc_max"],
          details={"worst_attack": "mia.density_ratio", "tpr_at_fpr_0.001": 0.002, "tpr_at_fpr_0.01": 0.012, "epsilon_lower_bound": 0.31},
          charts={"roc": _roc(1.1, mia_auc), "auc": _interval(mia_auc, mia_auc - 0.04, mia_auc + 0.04, 0.5, th["mia_auc_max"])}),
        T(id="wp29.singling_out.univariate", name="Singling out (univariate)", family="wp29",
          measures="Success of predicates on rare single values from the release at isolating exactly one real record, beyond a control set.",
          how_to_read="Risk 0 means no better than the control; the interval is a 95% Wilson interval.",
          threat_model="The attacker reads rare values in the release and checks whether each isolates one person.",
          status=status(wp29_so, th["wp29_risk_max"]), value=wp29_so, ci_low=max(0.0, wp29_so - 0.01), ci_high=wp29_so + 0.02, threshold=th["wp29_risk_max"],
          details={"n_attacks": 500, "attack_rate": 0.04, "control_rate": 0.03, "baseline_rate": 0.002},
          charts={"risk": _interval(wp29_so, max(0.0, wp29_so - 0.01), wp29_so + 0.02, 0.0, th["wp29_risk_max"])}),
        T(id="wp29.singling_out.multivariate", name="Singling out (multivariate)", family="wp29",
          measures="As above with conjunctions of 3 attributes.", how_to_read="Risk beyond the control set.",
          status="pass", value=0.02, ci_low=0.005, ci_high=0.04, threshold=th["wp29_risk_max"],
          charts={"risk": _interval(0.02, 0.005, 0.04, 0.0, th["wp29_risk_max"])}),
        T(id="wp29.linkability", name="Linkability", family="wp29",
          measures="Success of linking two halves of a record's attributes through the release, beyond a control set.",
          how_to_read="Risk beyond the control set; 0 is no linkage.",
          status="pass", value=0.0, ci_low=0.0, ci_high=0.018, threshold=th["wp29_risk_max"],
          details={"columns_a": ["birth_date", "gender"], "columns_b": ["postcode", "income"]},
          charts={"risk": _interval(0.0, 0.0, 0.018, 0.0, th["wp29_risk_max"])}),
        T(id="wp29.inference.diagnosis", name="Inference of diagnosis", family="wp29",
          measures="Success at guessing diagnosis from the other columns via the nearest released record, beyond a control set.",
          how_to_read="Risk beyond the control set.",
          status="pass", value=0.03, ci_low=0.0, ci_high=0.07, threshold=th["wp29_risk_max"],
          charts={"risk": _interval(0.03, 0.0, 0.07, 0.0, th["wp29_risk_max"])}),
        T(id="sdc.k_anonymity", name="k-anonymity of the release", family="sdc",
          measures="Size of the smallest group of released records sharing their quasi-identifiers.",
          how_to_read="Higher is safer; for synthetic records it is indicative only.",
          status="pass", value=6, threshold=th["k_min"], comparator=">=", required=False),
        T(id="residual_pii.values", name="Residual identifiers in values", family="residual_pii",
          measures="Cells of the release detected as direct identifiers that match a training value.",
          how_to_read="Must be 0.", status="pass", value=0, threshold=0),
        T(id="residual_pii.text", name="Residual identifiers in free text", family="residual_pii",
          status="not_run", reason_not_run="the release has no free-text column", required=False),
        T(id="outliers.mia", name="Membership inference on outliers", family="outliers",
          measures="The worst attack restricted to the 5% most outlying training records.",
          how_to_read="0.5 is guessing.", status="pass", value=0.55, ci_low=0.45, ci_high=0.65, threshold=th["mia_auc_max"], required=False),
    ]
    return out


def evaluation(**kw: Any) -> EvaluationReport:
    return EvaluationReport(
        tests=tests(**kw),
        columns_used=["birth_date", "postcode", "gender", "diagnosis", "income", "signup_channel"],
        rows={"original": 480, "release": 480, "holdout": 120, "control": 60},
        distance={"backend": "faiss", "exact": True, "encoding": "gower"},
        seed=7,
    )


def policy_dict() -> dict[str, Any]:
    from privsynth.policy import load_policy

    return load_policy("controlled-sharing").model_dump(mode="json")


def synthesis_evidence(**kw: Any) -> Evidence:
    """An audit-synthesize run that passes every test (anonymous candidate)."""
    return Evidence(
        created_at=FIXED_TIME,
        command=["privsynth", "audit", "customers.csv", "--out-dir", "reports/demo", "--policy", "controlled-sharing"],
        mode="audit-synthesize",
        inputs=[
            InputFile(role="original", path="customers.csv", sha256="3f" * 32, rows=600, columns=9),
            InputFile(role="release", path="reports/demo/release.csv", sha256="a1" * 32, rows=480, columns=9),
            InputFile(role="holdout", path="reports/demo/release.holdout.csv", sha256="b2" * 32, rows=120, columns=9),
        ],
        policy=policy_dict(),
        policy_name="controlled-sharing",
        scan=scan(),
        synthesis=SynthesisReport(
            model="gaussian_copula", params={"default_distribution": "beta"}, seed=7, holdout_fraction=0.2,
            train_rows=480, holdout_rows=120, release_rows=480, train_sha256="c3" * 32, holdout_sha256="b2" * 32,
            modelled_columns=["birth_date", "postcode", "gender", "diagnosis", "income", "signup_channel"],
            treatments=synthesis_treatments(),
            utility={"column_shapes": 0.91, "column_pair_trends": 0.84, "overall": 0.875},
        ),
        evaluation=evaluation(**kw),
        versions={"privsynth": "0.1.0", "sdv": "2.0.0", "python": "3.11.7"},
        seeds={"scan": 0, "synthesize": 7, "evaluate": 7},
        timings={"scan": 1.2, "synthesize": 3.4, "evaluate": 5.6},
    )


def pseudonymized_evidence() -> Evidence:
    """An audit-anonymize run: identifiers pseudonymized with a key."""
    ev = synthesis_evidence()
    ev.mode = "audit-anonymize"
    ev.synthesis = None
    ev.transform = TransformReport(
        treatments=[
            ColumnTreatment(column="customer_id", operator="tokenize", gdpr_class="pseudonymization"),
            ColumnTreatment(column="full_name", operator="pseudonymize", params={"entity_type": "PERSON"}, gdpr_class="pseudonymization"),
            ColumnTreatment(column="email", operator="drop", gdpr_class="removed"),
            ColumnTreatment(column="birth_date", operator="generalize", params={"to": "year"}, gdpr_class="anonymization"),
        ],
        key_fingerprint="sha256:5d41402abc4b2a76",
        rows_in=600, rows_out=600,
    )
    ev.key_fingerprint = "sha256:5d41402abc4b2a76"
    return ev


def finalize(ev: Evidence, policy_ref: str = "controlled-sharing") -> Evidence:
    """Fill gate and verdict with the real function the pipeline uses (`apply_gate`)."""
    from privsynth.gate import apply_gate
    from privsynth.policy import load_policy

    return apply_gate(ev, load_policy(policy_ref))
