"""JSON (golden), Markdown and JUnit renderings, and the planted-value test."""

from __future__ import annotations

import json
import os
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

import report_evidence as R
from privsynth.report import load_evidence, render, render_html, render_json, render_junit, render_markdown
from privsynth.results import ColumnTreatment, Evidence

GOLDEN = Path(__file__).parent / "golden"


def normalize(doc: dict) -> dict:
    """Timestamps, timings and the policy body change between runs/versions: normalize them."""
    doc = json.loads(json.dumps(doc))
    doc["created_at"] = "<timestamp>"
    doc["timings"] = {k: "<seconds>" for k in doc.get("timings", {})}
    doc["policy"] = "<policy>" if doc.get("policy") else {}
    return doc


@pytest.mark.parametrize(
    "name, make",
    [
        ("evidence_anonymous_candidate", lambda: R.synthesis_evidence()),
        ("evidence_pseudonymized", lambda: R.pseudonymized_evidence()),
        ("evidence_personal_data", lambda: R.synthesis_evidence(mia_auc=0.74, wp29_so=0.2)),
    ],
)
def test_the_evidence_json_matches_its_golden_file(name, make):
    ev = R.finalize(make())
    ev.created_at = "2026-11-27T12:00:00+00:00"  # a different timestamp must not matter
    got = normalize(json.loads(render_json(ev)))
    path = GOLDEN / f"{name}.json"
    if os.environ.get("PRIVSYNTH_UPDATE_GOLDEN"):
        path.parent.mkdir(exist_ok=True)
        path.write_text(json.dumps(got, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    assert got == json.loads(path.read_text(encoding="utf-8"))


def test_the_evidence_json_round_trips_without_change(tmp_path):
    ev = R.finalize(R.pseudonymized_evidence())
    p = tmp_path / "evidence.json"
    p.write_text(render_json(ev), encoding="utf-8")
    again = load_evidence(p)
    assert again == ev
    assert render_json(again) == render_json(ev)
    assert render_html(again) == render_html(ev)


# --------------------------------------------------------------------------- markdown


def test_the_markdown_summary_gives_verdict_gate_reasons_and_failed_checks():
    ev = R.finalize(R.synthesis_evidence(mia_auc=0.74))
    md = render_markdown(ev)
    assert md.startswith("## privsynth: Personal data")
    # mia.distance, mia.worst and the verdict fail; outliers.mia is inconclusive (warn);
    # residual_pii.text does not apply: not a warning
    assert "gate **failed** (3 error, 1 warning) · policy **controlled-sharing**" in md
    assert "(`mia.worst`)" in md
    failed_part = md.split("**Failed checks**", 1)[1].split("<details>", 1)[0]
    failed_rows = [line for line in failed_part.splitlines() if line.startswith("| `")]
    assert len(failed_rows) == len(ev.gate.failed)
    assert "| `mia.worst` | fail | error | attack AUC | 0.74 | &lt;= 0.6 |" in failed_rows
    assert "| `outliers.mia` | inconclusive | warn |" in failed_part
    assert "_This is evidence, not a legal determination" in md


def test_the_markdown_escapes_markup_and_table_breaks_from_column_names():
    ev = R.synthesis_evidence()
    ev.synthesis.treatments = [t for t in ev.synthesis.treatments if t.column != "email"]
    ev.scan.columns[2].name = "e|mail <b>x</b> [link](http://x)"
    ev = R.finalize(ev)
    md = render_markdown(ev)
    assert "<b>" not in md and " [link](http" not in md  # no raw HTML, no live link
    assert "e\\|mail &lt;b&gt;x&lt;/b&gt; \\[link\\](http://x)" in md


# --------------------------------------------------------------------------- junit


def test_junit_has_one_testcase_per_gate_check_and_a_failure_per_failed_check():
    ev = R.finalize(R.synthesis_evidence(mia_auc=0.74, wp29_so=0.3))
    root = ET.fromstring(render_junit(ev))
    suite = root.find("testsuite")
    cases = suite.findall("testcase")
    assert [c.get("name") for c in cases] == [c.name for c in ev.gate.checks]
    failures = {c.get("name"): c.find("failure") for c in cases if c.find("failure") is not None}
    assert set(failures) == {c.name for c in ev.gate.failed}
    assert {n: f.get("type") for n, f in failures.items() if f.get("type") == "warn"} == {"outliers.mia": "warn"}
    assert failures["outliers.mia"].get("message").startswith("[warn, inconclusive]")
    skipped = [c.get("name") for c in cases if c.find("skipped") is not None]
    assert skipped == ["dcr.p5_ratio", "residual_pii.text"]  # informational; does not apply to this release
    status = {c.get("name"): c.find("properties/property[@name='status']").get("value") for c in cases}
    assert status["outliers.mia"] == "inconclusive" and status["residual_pii.text"] == "not_applicable" and status["verdict"] == "fail"
    assert suite.get("tests") == str(len(cases)) and suite.get("failures") == str(len(failures)) and suite.get("skipped") == "2"
    props = {p.get("name"): p.get("value") for p in suite.find("properties")}
    assert props == {"policy": "controlled-sharing", "verdict": "personal_data", "gate_passed": "false"}


def test_junit_marks_a_failed_warning_with_its_severity():
    ev = R.synthesis_evidence(wp29_so=0.3)
    ev = R.finalize(ev, policy_ref="internal-ci")
    root = ET.fromstring(render_junit(ev))
    f = root.find(".//testcase[@name='wp29.singling_out.univariate']/failure")
    assert f is not None and f.get("type") == "warn" and f.get("message").startswith("[warn]")


def test_junit_escapes_hostile_names():
    ev = R.synthesis_evidence()
    ev.evaluation.tests[0].id = 'exact_match"<&>'
    ev.evaluation.tests[0].status = "fail"
    ev = R.finalize(ev)
    root = ET.fromstring(render_junit(ev))  # parses: the XML is well formed
    assert root.find("testsuite").find("testcase").get("name") == 'exact_match"<&>'


@pytest.mark.parametrize("fmt", ["html", "md", "json", "junit"])
def test_render_dispatches_on_every_format(fmt):
    assert render(R.finalize(R.synthesis_evidence()), fmt).strip()


def test_render_rejects_an_unknown_format():
    from privsynth.errors import PrivsynthError

    with pytest.raises(PrivsynthError, match="unknown report format 'pdf'"):
        render(R.synthesis_evidence(), "pdf")


# --------------------------------------------------------------------------- planted values


PLANT = "Zq7PlantedValue93"


def _planted_evidence() -> Evidence:
    """Evidence whose free-form fields were (wrongly) filled with a record value upstream."""
    ev = R.synthesis_evidence()
    ev.scan.columns[1].evidence.update({"sample_values": [PLANT, "x"], "top_value": PLANT, "examples": {PLANT: 3}, PLANT: 1})
    ev.synthesis.params.update({"example_row": {"name": PLANT}, "fill": PLANT})
    ev.synthesis.utility.update({"worst_record": PLANT, "by_value": {PLANT.lower(): 0.4}})
    ev.synthesis.treatments.append(ColumnTreatment(column="postcode", operator="generalize", params={"replacement": PLANT, "map": {PLANT: "X"}}, gdpr_class="anonymization"))
    t = ev.evaluation.get("mia.worst")
    t.details.update({"most_exposed_record": PLANT, "exposed": [PLANT], "records": {PLANT: 0.9}})
    ev.evaluation.distance["nearest_example"] = PLANT
    return R.finalize(ev)


@pytest.mark.parametrize("fmt", ["html", "md", "junit"])
def test_a_value_planted_in_free_form_fields_never_reaches_a_rendered_report(fmt):
    ev = _planted_evidence()
    assert PLANT in render_json(ev)  # the planted value is really in the evidence
    out = render(ev, fmt)
    assert PLANT not in out and PLANT.lower() not in out


def test_the_report_still_shows_aggregates_and_names_from_the_same_free_form_fields():
    html = render_html(_planted_evidence())
    assert "tpr_at_fpr_0.001: 0.002" in html  # numbers under descriptive keys are kept
    assert "worst_attack: mia.density_ratio" in html  # strings under descriptive keys are kept
    assert "recognizer: SpacyRecognizer" in html


def test_gate_and_verdict_messages_carry_only_names_and_aggregates():
    ev = _planted_evidence()
    texts = [c.message for c in ev.gate.checks] + [r.text for r in ev.verdict.reasons] + [ev.verdict.threat_model]
    assert not any(PLANT in s for s in texts)


@pytest.mark.parametrize(
    "data, shown, hidden",
    [
        ({"auc": 0.61, "flag": True}, ["auc: 0.61", "flag: yes"], []),
        ({"recognizer": "EmailRecognizer"}, ["recognizer: EmailRecognizer"], []),
        ({"top_value": "Alice Smith"}, [], ["Alice"]),
        ({"columns": ["age", "Alice"]}, ["columns: age"], ["Alice"]),
        ({"by_column": {"age": 0.9, "Alice": 0.1}}, ["by_column.age: 0.9"], ["Alice"]),
        ({"per_value": {"london": 3, "new_york": 2}}, ["per_value.new_york: 2"], ["london"]),
        ({"reason": "x" * 300}, [], ["xxxx"]),
        ({"method": "y" * 100}, [], ["yyyy"]),
        ({"Alice Smith": 3, "alice": 1}, ["alice: 1"], ["Smith"]),
        ({"nested": {"deeper": {"deepest": {"too_deep": 1}}}}, [], ["too_deep"]),
    ],
)
def test_free_form_dictionaries_show_numbers_and_names_but_no_free_strings(data, shown, hidden):
    from privsynth.report.sanitize import Sanitizer

    text = Sanitizer({"age", "EMAIL_ADDRESS"}).text(data)
    for s in shown:
        assert s in text
    for h in hidden:
        assert h not in text


def test_write_reports_writes_evidence_html_and_junit_and_never_overwrites_an_input(tmp_path: Path):
    from privsynth.errors import OutputError
    from privsynth.gate import apply_gate
    from privsynth.policy import load_policy
    from privsynth.report import write_reports

    ev = apply_gate(R.synthesis_evidence(), load_policy("controlled-sharing"))
    assert ev.verdict.label == "anonymous_candidate" and ev.gate.passed
    paths = write_reports(ev, tmp_path / "out", junit=tmp_path / "junit.xml")
    assert load_evidence(paths["evidence"]) == ev
    assert paths["html"].read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    assert ET.parse(paths["junit"]).getroot().tag == "testsuites"
    data = tmp_path / "data.csv"
    data.write_text("a\n1\n", encoding="utf-8")
    with pytest.raises(OutputError):
        write_reports(ev, tmp_path / "o2", junit=data, inputs=(data,))
    assert data.read_text(encoding="utf-8") == "a\n1\n" and not (tmp_path / "o2" / "evidence.json").exists()
