"""evaluate_release end to end on small generated tables: clean, leaky, worst case and bad inputs."""

import json

import numpy as np
import pandas as pd
import pytest

from privsynth.errors import InputError, PolicyError, PrivsynthError
from privsynth.evaluate import evaluate_release
from privsynth.policy.models import Policy
from privsynth.results import ColumnScan, EvaluationReport, ScanResult, Span

CITIES = [f"cty{i:02d}q" for i in range(25)]


def population(n, seed):
    rng = np.random.default_rng(seed)
    return pd.DataFrame({
        "age": rng.integers(18, 90, n),
        "sex": rng.choice(["F", "M"], n),
        "city": rng.choice(CITIES, n),
        "income": np.round(rng.lognormal(10, 1, n), 2),
        "diagnosis": rng.choice(["dxa", "dxb", "dxc", "dxd"], n),
        "email": [f"person{seed}_{i}@example.org" for i in range(n)],
    })


SCAN = ScanResult(columns=[
    ColumnScan(name="age", category="quasi_identifier", entity_type="AGE"),
    ColumnScan(name="sex", category="quasi_identifier", entity_type="GENDER"),
    ColumnScan(name="city", category="quasi_identifier", entity_type="CITY"),
    ColumnScan(name="income", category="sensitive", entity_type="INCOME"),
    ColumnScan(name="diagnosis", category="special_category", entity_type="HEALTH"),
    ColumnScan(name="email", category="direct_identifier", entity_type="EMAIL_ADDRESS"),
], rows=1200, rows_sampled=1200)


@pytest.fixture(scope="module")
def data():
    train = population(1200, 1)
    holdout = population(600, 2)
    clean = population(1200, 3)  # same population, never saw train
    clean["email"] = [f"fake{i}@example.net" for i in range(len(clean))]
    return train, holdout, clean


def fast_policy(**kw) -> Policy:
    p = Policy()
    p.evaluate.wp29_attacks = 200
    for k, v in kw.items():
        setattr(p.evaluate, k, v)
    return p


def leak(clean, train, share, seed=0):
    rng = np.random.default_rng(seed)
    k = int(share * len(clean))
    out = clean.copy()
    slots = rng.choice(len(clean), k, replace=False)
    src = rng.choice(len(train), k, replace=False)
    for c in ["age", "sex", "city", "income", "diagnosis"]:
        out.loc[out.index[slots], c] = train[c].to_numpy()[src]
    return out


@pytest.fixture(scope="module")
def clean_report(data):
    train, holdout, clean = data
    return evaluate_release(train, clean, holdout, SCAN, fast_policy(), text_detector=lambda t: [[] for _ in t])


def test_a_clean_release_passes_every_required_test(clean_report):
    failed = [t.id for t in clean_report.tests if t.status == "fail" and t.required]
    assert failed == []


def test_every_test_has_the_stable_id_texts_and_a_status(clean_report):
    ids = {t.id for t in clean_report.tests}
    for expected in ["exact_match", "dcr.share_closer_to_train", "dcr.p5_ratio", "dcr.nndr", "mia.distance",
                     "mia.distance_reference", "mia.density_ratio", "mia.classifier", "mia.worst",
                     "wp29.singling_out.univariate", "wp29.singling_out.multivariate", "wp29.linkability",
                     "wp29.inference.income", "wp29.inference.diagnosis", "sdc.k_anonymity", "residual_pii.values",
                     "residual_pii.text", "outliers.exact_match", "outliers.mia"]:
        assert expected in ids
    for t in clean_report.tests:
        assert t.measures and t.how_to_read and t.status in ("pass", "fail", "not_run", "info")
        if t.status == "not_run":
            assert t.reason_not_run
        else:
            assert t.value is not None


def test_columns_default_to_quasi_identifiers_sensitive_and_special_categories(clean_report):
    assert clean_report.columns_used == ["age", "sex", "city", "income", "diagnosis"]
    assert clean_report.distance["approximate"] is False
    assert clean_report.rows["holdout_evaluation"] + clean_report.rows["control"] == 600


def test_the_report_holds_no_record_value(data, clean_report):
    train, holdout, _ = data
    text = json.dumps(clean_report.model_dump(mode="json"))
    for v in list(CITIES) + ["dxa", "dxb", "person1_0@example.org"]:
        assert v not in text
    for v in train["income"].head(200):
        assert f"{v}" not in text


def test_charts_follow_the_shared_conventions(clean_report):
    kinds = set()
    for t in clean_report.tests:
        for ch in t.charts.values():
            kinds.add(ch["type"])
            if ch["type"] == "roc":
                assert len(ch["fpr"]) <= 200 and "auc" in ch
            if ch["type"] == "histogram":
                assert len(ch["edges"]) == len(next(iter(ch["series"].values()))) + 1
    assert {"roc", "histogram", "interval"} <= kinds


@pytest.mark.parametrize("share", [0.03, 0.1])
def test_planted_copies_of_training_rows_fail_the_exact_match_test(data, share):
    train, holdout, clean = data
    rep = evaluate_release(train, leak(clean, train, share), holdout, SCAN, fast_policy(),
                           text_detector=lambda t: [[] for _ in t])
    em = rep.get("exact_match")
    assert em.status == "fail" and em.p_value < 0.01
    assert em.details["train_records_copied"] > em.details["holdout_records_copied"]


def test_exact_match_states_the_leak_size_it_can_detect_above_the_chance_copies(data, clean_report):
    det = clean_report.get("exact_match").details
    assert det["chance_copy_share"] == clean_report.get("exact_match").details["holdout_copy_share"]
    assert 0 < det["minimum_detectable_excess_copy_share"] <= det["minimum_detectable_leak_share_of_release"] < 0.2
    # a low-cardinality view (two columns): chance copies are frequent, so only a bigger leak is detectable
    train, holdout, clean = data
    rep = evaluate_release(train, clean, holdout, SCAN, fast_policy(columns=["sex", "diagnosis"]),
                           text_detector=lambda t: [[] for _ in t])
    low = rep.get("exact_match").details
    assert low["chance_copy_share"] == 1.0 and low["minimum_detectable_leak_share_of_release"] == 1.0
    assert rep.get("exact_match").status == "pass"


def test_the_minimum_detectable_excess_grows_with_the_chance_copy_rate_and_shrinks_with_the_sizes():
    from privsynth.evaluate.stats import minimum_detectable_excess as mde

    assert mde(0.0, 39000, 9800, 0.005) == pytest.approx(24 / 39000)  # 0.8**24 < 0.005: 24 copies against none
    assert mde(0.01, 39000, 9800, 0.005) < mde(0.2, 39000, 9800, 0.005) < mde(0.2, 3900, 980, 0.005)


def test_a_release_identical_to_the_original_is_reported_as_the_worst_case(data):
    train, holdout, _ = data
    rep = evaluate_release(train, train.copy(), holdout, SCAN, fast_policy(), text_detector=lambda t: [[] for _ in t])
    assert rep.get("exact_match").details["release_identical_to_original"] is True
    assert rep.get("exact_match").details["excess_copy_share"] == pytest.approx(1.0, abs=0.01)
    for tid in ["exact_match", "mia.worst", "dcr.share_closer_to_train", "residual_pii.values"]:
        assert rep.get(tid).status == "fail", tid
    assert rep.get("mia.distance").value == 1.0


def test_identical_release_without_holdout_is_still_the_worst_case_and_holdout_tests_do_not_run(data):
    train, _, _ = data
    rep = evaluate_release(train, train.copy(), None, SCAN, fast_policy(), text_detector=lambda t: [[] for _ in t])
    assert rep.get("exact_match").status == "fail"
    for tid in ["dcr.share_closer_to_train", "mia.distance", "mia.worst", "wp29.linkability", "outliers.mia"]:
        t = rep.get(tid)
        assert t.status == "not_run" and "holdout" in t.reason_not_run


def test_residual_identifier_values_are_counted_never_shown(data):
    train, holdout, clean = data
    rel = clean.copy()
    rel.loc[:4, "email"] = train["email"].head(5).str.upper().to_numpy()  # normalisation: case-insensitive
    rep = evaluate_release(train, rel, holdout, SCAN, fast_policy(), text_detector=lambda t: [[] for _ in t])
    t = rep.get("residual_pii.values")
    assert t.status == "fail" and t.value == 5
    assert "person1_0" not in json.dumps(t.model_dump())


def test_free_text_is_scanned_with_the_given_detector_and_original_identifiers_are_counted(data):
    train, holdout, clean = data
    rel = clean.copy()
    notes = [f"call me at fake{i}@example.net" for i in range(len(rel))]
    notes[0] = f"contact {train['email'][0]} today"
    rel["notes"] = notes
    scan = ScanResult(columns=SCAN.columns + [ColumnScan(name="notes", category="free_text")], rows=1, rows_sampled=1)

    def detector(texts):
        out = []
        for t in texts:
            i = t.find("@")
            s = t.rfind(" ", 0, i) + 1
            e = t.find(" ", i) if t.find(" ", i) > 0 else len(t)
            out.append([Span(start=s, end=e, entity_type="EMAIL_ADDRESS", score=1.0)])
        return out

    rep = evaluate_release(train, rel, holdout, scan, fast_policy(), text_detector=detector)
    t = rep.get("residual_pii.text")
    assert t.status == "fail" and t.value == 1 and t.details["spans_by_type"]["EMAIL_ADDRESS"] == len(rel)


def test_text_scan_does_not_run_when_no_detector_is_available(data, monkeypatch):
    import builtins

    train, holdout, clean = data
    rel = clean.copy()
    rel["notes"] = "some free text here"
    scan = ScanResult(columns=SCAN.columns + [ColumnScan(name="notes", category="free_text")], rows=1, rows_sampled=1)
    real_import = builtins.__import__

    def no_detect(name, globals=None, locals=None, fromlist=(), level=0):
        if name == "privsynth.detect" and fromlist and "analyze_texts" in fromlist:
            raise ImportError("no detector")
        return real_import(name, globals, locals, fromlist, level)

    monkeypatch.setattr(builtins, "__import__", no_detect)
    rep = evaluate_release(train, rel, holdout, scan, fast_policy())
    t = rep.get("residual_pii.text")
    assert t.status == "not_run" and "detector" in t.reason_not_run


def test_sdc_tests_run_only_for_anonymized_releases(data, clean_report):
    train, holdout, _ = data
    assert all(t.status == "not_run" and not t.required for t in clean_report.tests if t.family == "sdc")
    anon = train.copy()
    anon["age"] = (anon["age"] // 20 * 20).astype(str) + "-" + (anon["age"] // 20 * 20 + 19).astype(str)
    anon["city"] = "*"
    anon = anon.drop(columns=["email"])
    rep = evaluate_release(train, anon, holdout, SCAN, fast_policy(), release_kind="anonymized",
                           text_detector=lambda t: [[] for _ in t])
    k = rep.get("sdc.k_anonymity")
    assert k.status == "pass" and k.value >= 5
    assert rep.get("sdc.l_diversity").value >= 2
    assert rep.get("sdc.prosecutor_risk").value == pytest.approx(1 / k.value)
    assert rep.get("sdc.journalist_risk").status in ("pass", "fail")
    raw = evaluate_release(train, train.drop(columns=["email"]), holdout, SCAN, fast_policy(), release_kind="anonymized",
                           text_detector=lambda t: [[] for _ in t])
    assert raw.get("sdc.k_anonymity").status == "fail" and raw.get("sdc.unique_share").value > 0.5


# ------------------------------------------------------------------ bad inputs


def test_zero_rows_is_a_one_line_input_error(data):
    train, holdout, clean = data
    with pytest.raises(InputError, match="release: the table has no rows"):
        evaluate_release(train, clean.iloc[:0], holdout, SCAN, fast_policy())
    with pytest.raises(InputError, match="original: the table has no rows"):
        evaluate_release(train.iloc[:0], clean, holdout, SCAN, fast_policy())


def test_a_release_missing_policy_columns_is_an_error_naming_them(data):
    train, holdout, clean = data
    with pytest.raises(InputError, match="'income'"):
        evaluate_release(train, clean.drop(columns=["income"]), holdout, SCAN,
                         fast_policy(columns=["age", "income"]))


def test_a_release_missing_a_default_column_is_compared_on_the_rest_and_says_so(data):
    train, holdout, clean = data
    rep = evaluate_release(train, clean.drop(columns=["city"]), holdout, SCAN, fast_policy(),
                           text_detector=lambda t: [[] for _ in t])
    assert "city" not in rep.columns_used
    assert rep.distance["notes"]["columns_absent_from_release"] == ["city"]


def test_extra_release_columns_are_ignored_for_distances_but_counted(data):
    train, holdout, clean = data
    rel = clean.assign(extra=1)
    rep = evaluate_release(train, rel, holdout, SCAN, fast_policy(), text_detector=lambda t: [[] for _ in t])
    assert "extra" not in rep.columns_used and rep.distance["notes"]["release_columns_not_in_original"] == 1


def test_a_dtype_mismatch_is_an_error_naming_the_column(data):
    train, holdout, clean = data
    rel = clean.copy()
    rel["age"] = "old"
    with pytest.raises(InputError, match="'age'"):
        evaluate_release(train, rel, holdout, SCAN, fast_policy())


def test_numbers_written_as_text_are_accepted(data):
    train, holdout, clean = data
    rel = clean.copy()
    rel["age"] = rel["age"].astype(str)
    rep = evaluate_release(train, rel, holdout, SCAN, fast_policy(), text_detector=lambda t: [[] for _ in t])
    assert rep.get("exact_match").status == "pass"


def test_nan_everywhere_in_the_original_is_an_error(data):
    train, holdout, clean = data
    empty = train.copy()
    for c in ["age", "sex", "city", "income", "diagnosis"]:
        empty[c] = np.nan
    with pytest.raises(InputError, match="all values missing"):
        evaluate_release(empty, clean, holdout, SCAN, fast_policy())


def test_nan_everywhere_in_the_release_is_a_correct_explained_result(data):
    train, holdout, clean = data
    rel = clean.copy()
    for c in ["age", "sex", "city", "income", "diagnosis"]:
        rel[c] = np.nan
    rep = evaluate_release(train, rel, holdout, SCAN, fast_policy(), text_detector=lambda t: [[] for _ in t])
    assert rep.get("exact_match").status == "pass"
    assert "missing vs present = 1" in rep.distance["missing_rule"]
    # every released record is the same all-missing row, so they share one nearest real record: one
    # observation, not a release drawn towards the training data
    share = rep.get("dcr.share_closer_to_train")
    assert share.status == "pass" and share.ci_low <= 0.6


def test_a_holdout_overlapping_the_original_is_an_error(data):
    train, holdout, clean = data
    bad = pd.concat([holdout.iloc[:300], train.iloc[:300]], ignore_index=True)
    with pytest.raises(InputError, match="holdout: .* also appear in the original"):
        evaluate_release(train, clean, bad, SCAN, fast_policy())


def test_policy_columns_absent_from_the_original_are_a_policy_error(data):
    train, holdout, clean = data
    with pytest.raises(PolicyError, match="evaluate.columns"):
        evaluate_release(train, clean, holdout, SCAN, fast_policy(columns=["nope"]))


def test_progress_is_reported_through_the_callback(data):
    train, holdout, clean = data
    calls = []
    evaluate_release(train.head(300), clean.head(300), holdout.head(200), SCAN, fast_policy(),
                     progress=lambda s, d, t: calls.append((s, d, t)), text_detector=lambda t: [[] for _ in t])
    assert calls[0][0] == "evaluate" and calls[-1][1] == calls[-1][2]


@pytest.mark.slow
def test_the_sklearn_backend_gives_the_same_verdicts(data):
    train, holdout, clean = data
    a = evaluate_release(train, leak(clean, train, 0.05), holdout, SCAN, fast_policy(), text_detector=lambda t: [[] for _ in t])
    b = evaluate_release(train, leak(clean, train, 0.05), holdout, SCAN, fast_policy(backend="sklearn"),
                         text_detector=lambda t: [[] for _ in t])
    assert b.distance["backend"] == "sklearn"
    for t in a.tests:
        if t.id.startswith(("exact_match", "dcr.", "mia.distance")):
            assert t.status == b.get(t.id).status, t.id
            if t.value is not None:
                assert t.value == pytest.approx(b.get(t.id).value, abs=1e-4), t.id


def test_a_text_column_whose_released_values_are_never_real_is_left_out_and_copies_are_still_caught(data):
    train, holdout, clean = data
    leaky = leak(clean, train, 0.05)
    # the release regenerated `city` as fakes: no released city equals a real one
    leaky["city"] = [f"fakecity{i}" for i in range(len(leaky))]
    holdout = holdout.copy()
    rep = evaluate_release(train, leaky, holdout, SCAN, fast_policy(), text_detector=lambda t: [[] for _ in t])
    assert "city" not in rep.columns_used
    assert rep.distance["notes"]["columns_with_no_real_values_not_compared"] == ["city"]
    assert rep.get("exact_match").status == "fail"  # the copied rows still match on the other columns


def test_text_dates_are_compared_as_dates_and_generalized_years_as_mid_year(data):
    train, holdout, clean = data
    dates = lambda n, seed: pd.Series(pd.to_datetime("1950-01-01") + pd.to_timedelta(np.random.default_rng(seed).integers(0, 20000, n), unit="D")).dt.strftime("%Y-%m-%d")
    t, h, c = train.assign(born=dates(len(train), 1)), holdout.assign(born=dates(len(holdout), 2)), clean.assign(born=dates(len(clean), 3))
    c["born"] = c["born"].str[:4]  # generalized to the year
    scan = ScanResult(columns=SCAN.columns + [ColumnScan(name="born", category="quasi_identifier", entity_type="DATE_OF_BIRTH")], rows=1200, rows_sampled=1200)
    rep = evaluate_release(t, c, h, scan, fast_policy(), text_detector=lambda x: [[] for _ in x])
    assert "born" in rep.distance["numeric_columns"] and "born" in rep.columns_used
    assert rep.distance["notes"]["date_columns_compared_as_dates"] == ["born"]


def _lowcard(n, seed):
    rng = np.random.default_rng(seed)
    return pd.DataFrame({"sex": rng.choice(["F", "M"], n), "band": rng.choice(["a", "b", "c"], n),
                         "smoker": rng.choice(["y", "n"], n)})


LOWCARD_SCAN = ScanResult(columns=[ColumnScan(name=c, category="quasi_identifier") for c in ("sex", "band", "smoker")],
                          rows=900, rows_sampled=900)


def test_p5_ratio_does_not_retest_verbatim_copies_when_its_radii_are_zero():
    """12 cells: every real record has a chance verbatim copy, so both radii are 0; that comparison is exact_match's
    hypothesis (tested there on the whole holdout), so dcr.p5_ratio is reported, says why, and is not judged."""
    train, holdout, release = _lowcard(900, 1), _lowcard(450, 2), _lowcard(900, 3)
    rep = evaluate_release(train, release, holdout, LOWCARD_SCAN, fast_policy(), text_detector=lambda t: [[] for _ in t])
    t = rep.get("dcr.p5_ratio")
    assert t.status == "info" and t.value is None and t.details["radius_degenerate"]
    assert [r["radius"] for r in t.details["radii"]] == [0.0, 0.0]
    assert all("exact_match" in r["not_tested"] for r in t.details["radii"])
    assert rep.get("exact_match").status == "pass"  # the hypothesis is still tested, once


def test_p5_ratio_still_tests_a_positive_radius_and_catches_jittered_copies(data):
    train, holdout, clean = data
    rng = np.random.default_rng(5)
    k = int(0.05 * len(clean))
    near = clean.copy()
    slots, src = rng.choice(len(clean), k, replace=False), rng.choice(len(train), k, replace=False)
    for c in ["age", "sex", "city", "diagnosis"]:
        near.loc[near.index[slots], c] = train[c].to_numpy()[src]
    near.loc[near.index[slots], "income"] = np.round(train["income"].to_numpy()[src] * 1.001, 2)
    rep = evaluate_release(train, near, holdout, SCAN, fast_policy(), text_detector=lambda t: [[] for _ in t])
    t = rep.get("dcr.p5_ratio")
    assert t.status == "fail" and t.p_value < 0.01
    assert all(r["radius"] > 0 and "p_value" in r for r in t.details["radii"])


# residual_pii.text does not rely on the detector alone: the original text's own phone numbers are found
# with phonenumbers in every region of the supported languages (new-user finding: the verifier shared the
# detector's blind spot for German numbers after "... falsche Rechnung.")
@pytest.mark.parametrize("written", ["08657 975432", "(03917) 123456", "+49(0)7529170342", "+49 (0) 8038 528084",
                                     "06 12 34 56 78", "020 7946 0941"])
def test_an_original_phone_number_left_in_the_release_text_fails_even_with_a_blind_detector(data, written):
    train, holdout, clean = data
    orig = train.copy()
    orig["notes"] = [f"Kunde {i} meldet eine falsche Rechnung. Rückruf unter {written}." if i == 0 else "Keine Angaben"
                     for i in range(len(orig))]
    rel = clean.copy()
    rel["notes"] = ["Kunde X meldet eine falsche Rechnung. Rückruf unter " + written + "." if i == 3 else "Keine Angaben"
                    for i in range(len(rel))]
    scan = ScanResult(columns=SCAN.columns + [ColumnScan(name="notes", category="free_text")], rows=1, rows_sampled=1)
    rep = evaluate_release(orig, rel, holdout, scan, fast_policy(), text_detector=lambda texts: [[] for _ in texts])
    t = rep.get("residual_pii.text")
    assert t.status == "fail" and t.value == 1
    assert t.details["text_phone_numbers_checked"] == 1 and t.details["text_phone_numbers_found"] == 1


def test_a_replaced_phone_number_passes_the_text_phone_check(data):
    train, holdout, clean = data
    orig = train.copy()
    orig["notes"] = ["Rückruf unter 08657 975432." if i == 0 else "Keine Angaben" for i in range(len(orig))]
    rel = clean.copy()
    rel["notes"] = ["Rückruf unter 030 90182736." if i == 0 else "Keine Angaben" for i in range(len(rel))]
    scan = ScanResult(columns=SCAN.columns + [ColumnScan(name="notes", category="free_text")], rows=1, rows_sampled=1)
    rep = evaluate_release(orig, rel, holdout, scan, fast_policy(), text_detector=lambda texts: [[] for _ in texts])
    t = rep.get("residual_pii.text")
    assert t.status == "pass" and t.value == 0 and t.details["text_phone_numbers_checked"] == 1


# defence in depth: a policy `columns:` override decides how a column is transformed, not what the verifier looks
# for. A column the scan's own value evidence called a direct identifier is still searched for in the release
# (a new user's `kontakt: {category: non_personal}` released 600 real e-mails with residual_pii.values passing).
@pytest.mark.parametrize("override,searched_despite_override", [
    ({"email": {"category": "non_personal"}}, ["email"]),
    ({"email": {"category": "quasi_identifier"}}, ["email"]),
    ({"email": {"category": "sensitive", "operator": "keep"}}, ["email"]),
    ({"city": {"category": "sensitive"}}, []),  # an override of a column the values did not call an identifier
    ({}, []),
])
def test_identifier_values_are_searched_for_even_when_a_policy_override_recategorised_their_column(data, override, searched_despite_override):
    from privsynth.detect import scan_table

    train, holdout, clean = data
    policy = fast_policy()
    policy.columns = Policy.model_validate({"columns": override}).columns
    scan = scan_table(train, policy)
    assert scan.by_name()["email"].category == ("direct_identifier" if "email" not in override else override["email"]["category"])
    rel = clean.copy()
    rel["email"] = train["email"].to_numpy()  # the override kept the real e-mails
    rep = evaluate_release(train, rel, holdout, scan, policy, text_detector=lambda t: [[] for _ in t])
    t = rep.get("residual_pii.values")
    assert t.status == "fail" and t.value == len(train)
    assert t.details["direct_identifier_columns"]["email"] == "EMAIL_ADDRESS"
    assert t.details["direct_identifier_columns_despite_policy_override"] == searched_despite_override
    assert t.details["release_columns_with_values"] == {"email": len(train)}
    assert "person1_0" not in json.dumps(t.model_dump())


def _without_timings(rep: EvaluationReport) -> dict:
    d = rep.model_dump(mode="json")
    d["distance"].pop("timings_seconds")
    return d


def test_the_battery_in_two_processes_gives_the_same_report(data, monkeypatch):
    """The records and WP29 families run in a forked child while this process runs the others: same report, test
    for test, as everything in one process (a leaky release, so that tests fail as well as pass)."""
    import privsynth.forked
    from privsynth.evaluate import battery

    train, holdout, clean = data
    release = leak(clean, train, 0.03)
    forks = []

    class Recorded(privsynth.forked.Forked):
        def __init__(self, *a, **kw):
            super().__init__(*a, **kw)
            forks.append(self.forked)

    monkeypatch.setattr(privsynth.forked, "Forked", Recorded)
    calls = []
    run = lambda parallel, **kw: evaluate_release(train, release, holdout, SCAN, fast_policy(), parallel=parallel,
                                                  text_detector=lambda t: [[] for _ in t], **kw)
    two = run(True, progress=lambda s, d, t: calls.append((d, t)))
    assert forks == [True]
    one = run(False)
    assert forks == [True]  # no child for the one-process run
    assert _without_timings(two) == _without_timings(one)
    assert [t.id for t in two.tests] == [t.id for t in one.tests]
    assert any(t.status == "fail" for t in two.tests) and any(t.status == "pass" for t in two.tests)
    assert set(two.distance["timings_seconds"]) == set(one.distance["timings_seconds"]) >= set(battery.SEPARATE)
    done = [d for d, _ in calls]
    assert done == sorted(done) and calls[-1][0] == calls[-1][1]


def test_the_battery_stays_in_one_process_when_a_fork_is_not_safe(monkeypatch):
    from privsynth.evaluate.battery import two_processes

    monkeypatch.setenv("PRIVSYNTH_NO_FORK", "1")
    assert not two_processes()
    monkeypatch.delenv("PRIVSYNTH_NO_FORK")
    assert not two_processes(searcher=object())  # the Dask engine's searches run on the cluster
