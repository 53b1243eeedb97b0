"""decide_verdict: personal_data / pseudonymized / anonymous_candidate, each reason naming its test."""

from __future__ import annotations

import pytest

import report_evidence as R
from privsynth.gate import decide_verdict
from privsynth.results import ColumnTreatment, Evidence, TransformReport


def _set(ev: Evidence, test_id: str, **kw) -> None:
    t = ev.evaluation.get(test_id)
    assert t is not None, test_id
    for k, v in kw.items():
        setattr(t, k, v)


def _drop(ev: Evidence, prefix: str) -> None:
    ev.evaluation.tests = [t for t in ev.evaluation.tests if not (t.id == prefix or t.id.startswith(prefix + "."))]


def _tests_of(verdict) -> list:
    return [r.test for r in verdict.reasons]


def test_a_clean_synthetic_release_whose_attacks_all_ran_and_passed_is_an_anonymous_candidate():
    v = decide_verdict(R.synthesis_evidence())
    assert v.label == "anonymous_candidate"
    assert {"mia.worst", "wp29.singling_out.univariate", "wp29.linkability", "wp29.inference.diagnosis"} <= set(_tests_of(v))
    assert all(r.test for r in v.reasons)


def test_the_verdict_states_the_threat_model_the_tests_not_run_and_the_controllers_judgement():
    v = decide_verdict(R.synthesis_evidence())
    assert "attacker" in v.threat_model and "key" in v.threat_model
    assert "reads rare values" in v.threat_model  # a test's own threat model is included
    assert v.tests_not_run == ["residual_pii.text"]
    assert "controller" in v.caveat


@pytest.mark.parametrize(
    "test_id",
    ["mia.worst", "mia.distance", "wp29.singling_out.univariate", "wp29.linkability", "wp29.inference.diagnosis",
     "exact_match", "dcr.share_closer_to_train", "outliers.mia", "sdc.k_anonymity", "residual_pii.values"],
)
def test_a_failed_attack_or_residual_pii_test_makes_it_personal_data_naming_the_test(test_id):
    ev = R.synthesis_evidence()
    _set(ev, test_id, status="fail", passed=False)
    v = decide_verdict(ev)
    assert v.label == "personal_data"
    assert test_id in _tests_of(v)


def test_a_failed_test_outside_the_attack_families_does_not_by_itself_make_personal_data():
    ev = R.synthesis_evidence()
    from privsynth.results import TestResult

    ev.evaluation.tests.append(TestResult(id="utility.column_shapes", name="Column shapes", family="utility", status="fail", required=False))
    assert decide_verdict(ev).label == "anonymous_candidate"


@pytest.mark.parametrize("operator", [None, "keep", "none"])
def test_a_direct_identifier_left_untreated_makes_it_personal_data(operator):
    ev = R.synthesis_evidence()
    ev.synthesis.treatments = [t for t in ev.synthesis.treatments if t.column != "email"]
    if operator is not None:
        ev.synthesis.treatments.append(ColumnTreatment(column="email", operator=operator, gdpr_class="none"))
    v = decide_verdict(ev)
    assert v.label == "personal_data"
    assert any(r.test in ("scan.email", "transform.email") and "email" in r.text for r in v.reasons)


def test_a_release_made_elsewhere_counts_its_identifiers_absent_only_when_residual_pii_passed():
    ev = R.synthesis_evidence()
    ev.synthesis = None  # evaluated here, made elsewhere: no treatment is recorded
    residual = next(t for t in ev.evaluation.tests if t.id == "residual_pii.values")
    assert residual.status == "pass"
    assert not any(r.test and r.test.startswith("scan.") for r in decide_verdict(ev).reasons)
    residual.status, residual.passed = "not_run", None
    v = decide_verdict(ev)
    assert v.label == "personal_data"
    assert any(r.test == "scan.email" and "no recorded treatment" in r.text for r in v.reasons)


@pytest.mark.parametrize("operator", ["pseudonymize", "tokenize", "encrypt"])
def test_a_keyed_or_reversible_operator_makes_it_pseudonymized(operator):
    ev = R.synthesis_evidence()
    ev.synthesis.treatments = [t if t.column != "email" else ColumnTreatment(column="email", operator=operator, gdpr_class="pseudonymization") for t in ev.synthesis.treatments]
    v = decide_verdict(ev)
    assert v.label == "pseudonymized"
    assert _tests_of(v) == ["transform.email"]
    assert "key" in v.reasons[0].text and "Art. 4(5)" in v.reasons[0].text


def test_a_pseudonymization_class_counts_whatever_the_operator_is_called():
    ev = R.synthesis_evidence()
    ev.synthesis.treatments.append(ColumnTreatment(column="postcode", operator="hmac_custom", gdpr_class="pseudonymization"))
    assert decide_verdict(ev).label == "pseudonymized"


def test_a_written_mapping_makes_it_pseudonymized_even_without_keyed_operators():
    ev = R.synthesis_evidence()
    ev.transform = TransformReport(treatments=[], mapping_written=True)
    v = decide_verdict(ev)
    assert v.label == "pseudonymized"
    assert _tests_of(v) == ["transform.mapping_written"]


def test_the_anonymize_fixture_with_tokenized_ids_is_pseudonymized():
    v = decide_verdict(R.pseudonymized_evidence())
    assert v.label == "pseudonymized"
    assert set(_tests_of(v)) == {"transform.customer_id", "transform.full_name"}


def test_personal_data_outranks_pseudonymized_and_keeps_both_kinds_of_reason():
    ev = R.pseudonymized_evidence()
    _set(ev, "wp29.linkability", status="fail", value=0.4)
    v = decide_verdict(ev)
    assert v.label == "personal_data"
    assert _tests_of(v)[0] == "wp29.linkability"
    assert "transform.customer_id" in _tests_of(v)


@pytest.mark.parametrize("missing", ["mia.worst", "wp29.singling_out", "wp29.linkability", "wp29.inference"])
def test_when_a_required_attack_could_not_run_it_is_personal_data_because_required_tests_could_not_run(missing):
    ev = R.synthesis_evidence()
    for t in ev.evaluation.tests:
        if t.id == missing or t.id.startswith(missing + "."):
            t.status, t.value, t.reason_not_run = "not_run", None, "not enough rows"
    v = decide_verdict(ev)
    assert v.label == "personal_data"
    assert all("required tests could not run" in r.text for r in v.reasons)
    assert any(r.test and r.test.startswith(missing) for r in v.reasons)
    assert any("not enough rows" in r.text for r in v.reasons)


@pytest.mark.parametrize("missing", ["mia", "wp29.singling_out", "wp29.linkability", "wp29.inference"])
def test_when_a_required_attack_is_absent_it_is_never_anonymous(missing):
    ev = R.synthesis_evidence()
    _drop(ev, missing)
    v = decide_verdict(ev)
    assert v.label == "personal_data"
    assert "required tests could not run" in v.reasons[0].text


def test_similarity_metrics_alone_never_make_an_anonymous_candidate():
    ev = R.synthesis_evidence()
    for prefix in ("mia", "wp29", "outliers", "sdc"):
        _drop(ev, prefix)
    assert {t.family for t in ev.evaluation.tests} == {"similarity", "residual_pii"}
    assert all(t.status != "fail" for t in ev.evaluation.tests)
    assert decide_verdict(ev).label == "personal_data"


def test_without_any_evaluation_it_is_personal_data():
    ev = R.synthesis_evidence()
    ev.evaluation = None
    v = decide_verdict(ev)
    assert v.label == "personal_data" and _tests_of(v) == ["evaluation"]


def test_a_passed_attack_whose_interval_crosses_the_threshold_is_inconclusive():
    ev = R.synthesis_evidence()
    _set(ev, "wp29.linkability", value=0.07, ci_low=0.03, ci_high=0.12, threshold=0.09, status="pass")
    v = decide_verdict(ev)
    assert v.label == "inconclusive"
    assert _tests_of(v) == ["wp29.linkability"] and "inconclusive" in v.reasons[0].text


def test_a_required_test_that_could_not_run_blocks_even_outside_the_attack_families():
    ev = R.synthesis_evidence()
    _set(ev, "residual_pii.values", status="not_run", value=None, reason_not_run="detector unavailable")
    v = decide_verdict(ev)
    assert v.label == "personal_data" and _tests_of(v) == ["residual_pii.values"]


def test_a_not_required_test_that_could_not_run_is_listed_but_does_not_block():
    v = decide_verdict(R.synthesis_evidence())
    assert v.label == "anonymous_candidate" and "residual_pii.text" in v.tests_not_run


def test_a_threshold_on_the_p_value_is_not_compared_with_the_interval_of_the_value():
    from privsynth.results import TestResult

    ev = R.synthesis_evidence()
    t = TestResult(id="outliers.exact_match", name="Copies of outliers", family="outliers", status="pass", value=0.0, ci_low=0.0, ci_high=0.3,
                   p_value=1.0, threshold=0.01, comparator=">=", details={"threshold_applies_to": "p_value (fails when p_value < threshold = alpha)"})
    ev.evaluation.tests.append(t)
    assert decide_verdict(ev).label == "anonymous_candidate"
    t.details = {}  # without the hint the same numbers read as an interval reaching the threshold
    v = decide_verdict(ev)
    assert v.label == "inconclusive" and _tests_of(v) == ["outliers.exact_match"] and "inconclusive" in v.reasons[0].text


def test_messages_say_when_the_threshold_applies_to_the_p_value():
    from privsynth.gate.checks import describe

    assert describe(R.synthesis_evidence().evaluation.get("exact_match")).endswith("p = 1, threshold p-value >= 0.01")


def test_a_similarity_diagnostic_with_a_wide_interval_does_not_make_the_verdict_inconclusive():
    ev = R.synthesis_evidence()
    _set(ev, "dcr.share_closer_to_train", value=0.51, ci_low=0.42, ci_high=0.61, threshold=0.6, status="pass")
    assert decide_verdict(ev).label == "anonymous_candidate"


def test_a_required_test_that_could_not_see_a_leak_of_the_policy_size_makes_the_verdict_inconclusive():
    ev = R.synthesis_evidence()
    ev.evaluation.max_undetected_leak = 0.01
    t = ev.evaluation.get("exact_match")
    t.minimum_detectable_leak, t.power = 0.05, 0.8
    v = decide_verdict(ev)
    assert v.label == "inconclusive" and _tests_of(v) == ["exact_match"]
    assert "could not see leaks below 5.00% of the released rows" in v.reasons[0].text
    t.minimum_detectable_leak = 0.004
    assert decide_verdict(ev).label == "anonymous_candidate"


def test_a_holdout_too_small_to_calibrate_the_tests_makes_the_verdict_inconclusive_and_says_why():
    ev = R.synthesis_evidence()
    ev.evaluation.distance.setdefault("notes", {})["holdout_too_small"] = "the holdout has 60 rows, fewer than 100"
    v = decide_verdict(ev)
    assert v.label == "inconclusive" and "60 rows" in v.reasons[0].text


def test_a_failed_test_outranks_what_could_not_be_seen():
    ev = R.synthesis_evidence()
    ev.evaluation.max_undetected_leak = 0.01
    ev.evaluation.get("exact_match").minimum_detectable_leak = 0.05
    _set(ev, "wp29.linkability", value=0.5, ci_low=0.4, ci_high=0.6, threshold=0.09, status="fail")
    assert decide_verdict(ev).label == "personal_data"
