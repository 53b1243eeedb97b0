"""Structure of the HTML report: sections, self-containment, escaping, charts."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest

import report_evidence as R
from privsynth.report import render_html
from privsynth.report.charts import histogram, interval, render_chart, roc
from privsynth.results import ColumnScan, ColumnTreatment, TestResult, VerdictReason

XSS = "<script>alert(1)</script>"
SECTIONS = ["summary", "gate", "inputs", "columns", "synthesis", "tests", "wp29", "intruder", "reproducibility", "signoff"]


class Doc(HTMLParser):
    """Collects tags, attributes, section ids and the text of the page."""

    def __init__(self, html: str):
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str]]] = []
        self.text: list[str] = []
        self.styles: list[str] = []
        self._in_style = False
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, {k: v or "" for k, v in attrs}))
        self._in_style = tag == "style"

    def handle_endtag(self, tag):
        if tag == "style":
            self._in_style = False

    def handle_data(self, data):
        (self.styles if self._in_style else self.text).append(data)

    def ids(self, tag: str) -> list[str]:
        return [a["id"] for t, a in self.tags if t == tag and "id" in a]

    @property
    def all_text(self) -> str:
        return " ".join(" ".join(self.text).split())


@pytest.fixture(scope="module")
def anonymous_html() -> str:
    return render_html(R.finalize(R.synthesis_evidence()))


@pytest.fixture(scope="module")
def doc(anonymous_html: str) -> Doc:
    return Doc(anonymous_html)


def test_the_report_has_every_section_in_reading_order(doc: Doc):
    assert doc.ids("section") == SECTIONS


def test_the_summary_shows_the_verdict_and_the_gate_first(anonymous_html: str, doc: Doc):
    assert anonymous_html.index('id="verdict"') < anonymous_html.index('id="gate"') < anonymous_html.index('id="inputs"')
    assert "Verdict: Candidate for anonymous data" in doc.all_text
    assert "CI gate: PASSED" in doc.all_text


def test_the_report_is_self_contained_with_no_external_reference(anonymous_html: str, doc: Doc):
    forbidden_tags = {"script", "link", "img", "iframe", "object", "embed", "audio", "video", "source", "base", "form"}
    assert not [t for t, _ in doc.tags if t in forbidden_tags]
    for tag, attrs in doc.tags:
        for name in ("src", "href", "xlink:href", "action", "poster", "data", "srcset"):
            if name in attrs:
                assert attrs[name].startswith("#"), f"<{tag} {name}={attrs[name]!r}>"
    css = " ".join(doc.styles)
    assert "url(" not in css and "@import" not in css and "@font-face" not in css
    assert not re.search(r"(src|href)\s*=\s*[\"']?\s*(https?:|//|data:|file:)", anonymous_html, re.I)


def test_the_report_has_a_print_stylesheet(doc: Doc):
    css = " ".join(doc.styles)
    assert "@media print" in css and "@page" in css


def test_every_in_page_link_points_at_an_existing_anchor(doc: Doc):
    ids = {a["id"] for _, a in doc.tags if "id" in a}
    targets = {a["href"][1:] for t, a in doc.tags if t == "a" and a.get("href", "").startswith("#")}
    assert targets and targets <= ids


def test_each_test_shows_what_it_measures_how_to_read_it_value_interval_threshold_and_result(anonymous_html: str, doc: Doc):
    ev = R.synthesis_evidence()
    blocks = [a for t, a in doc.tags if t == "div" and "data-test" in a]
    assert [b["data-test"] for b in blocks] and {b["data-test"] for b in blocks} == {t.id for t in ev.evaluation.tests}
    m = re.search(r'<div class="test pass" id="test-mia-worst".*?</div>\s*</div>', anonymous_html, re.S)
    assert m
    block = m.group(0)
    for label in ("What it measures", "How to read it", "Value", "Interval", "Threshold", "Result"):
        assert f"<dt>{label}</dt>" in block
    assert "[0.48, 0.56]" in block and "&lt;= 0.6" in block


def test_a_test_that_could_not_run_shows_why(doc: Doc):
    assert "Why it did not run the release has no free-text column" in doc.all_text


def test_the_column_table_shows_category_evidence_operator_and_gdpr_class(anonymous_html: str):
    row = re.search(r"<tr[^>]*>\s*<td><code>email</code>.*?</tr>", anonymous_html, re.S).group(0)
    for cell in ("direct_identifier", "EMAIL_ADDRESS", "regenerate", "synthesis",
                 "reason: EMAIL_ADDRESS pattern in 99.7% of sampled values", "recognizers.EmailRecognizer: 598",
                 "coverage_by_entity.EMAIL_ADDRESS: 0.997", "<summary>all evidence</summary>", "stats.mean_length: 24.1"):
        assert cell in row


def test_the_wp29_triad_has_one_row_per_risk(doc: Doc, anonymous_html: str):
    wp29 = anonymous_html[anonymous_html.index('<section id="wp29">'):anonymous_html.index('<section id="intruder"')]
    for risk in ("Singling out", "Linkability", "Inference"):
        assert f"<strong>{risk}</strong>" in wp29
    assert wp29.count('class="badge pass"') == 3


def test_the_motivated_intruder_narrative_is_built_from_the_results():
    ev = R.finalize(R.synthesis_evidence(wp29_so=0.31))
    text = Doc(render_html(ev)).all_text
    assert "Singling someone out." in text
    assert "Singling out (univariate): attack risk beyond the control set 0.31" in text and "singling out is possible" in text
    assert "[wp29.singling_out.univariate]" in text


def test_reproducibility_shows_the_policy_as_run_versions_seeds_and_command(doc: Doc):
    text = doc.all_text
    assert "privsynth audit customers.csv --out-dir reports/demo --policy controlled-sharing" in text
    assert "version: sdv 2.0.0" in text and "seed: synthesize 7" in text
    assert "name: controlled-sharing" in text  # the policy YAML
    assert "EMA Policy 0070" in text  # threshold sources


def test_the_sign_off_has_name_role_date_decision_and_signature(doc: Doc):
    text = doc.all_text
    for field in ("Name", "Role", "Date", "Decision", "Signature", "Approve", "Approve with conditions", "Reject"):
        assert field in text


def test_a_recorded_sign_off_decision_is_ticked():
    ev = R.finalize(R.synthesis_evidence())
    ev.signoff = {"name": "A. Person", "role": "Data Protection Officer", "date": "2026-01-20", "decision": "approve_with_conditions", "conditions": "share under DSA only"}
    html = render_html(ev)
    assert "A. Person" in html and "share under DSA only" in html
    assert '<span class="checkbox">&#10003;</span>Approve with conditions' in html


@pytest.mark.parametrize(
    "make, label, title",
    [
        (lambda: R.synthesis_evidence(), "anonymous_candidate", "Candidate for anonymous data"),
        (lambda: R.pseudonymized_evidence(), "pseudonymized", "Pseudonymized: still personal data"),
        (lambda: R.synthesis_evidence(mia_auc=0.8), "personal_data", "Personal data"),
    ],
)
def test_each_verdict_is_shown_with_its_own_label(make, label, title):
    ev = R.finalize(make())
    assert ev.verdict.label == label
    html = render_html(ev)
    assert f'class="verdict {label}"' in html and f"Verdict: {title}" in html


def test_a_pseudonymized_report_names_the_key_fingerprint_and_says_the_data_stays_personal():
    text = Doc(render_html(R.finalize(R.pseudonymized_evidence()))).all_text
    assert "sha256:5d41402abc4b2a76" in text
    assert "remains personal data for whoever holds" in text


def test_evidence_without_evaluation_or_verdict_still_renders():
    ev = R.synthesis_evidence()
    ev.evaluation = None
    ev.synthesis = None
    html = render_html(ev)
    assert "No verdict recorded" in html and "No verification ran" in html
    assert Doc(html).ids("section") == SECTIONS


# --------------------------------------------------------------------------- escaping


def _hostile_evidence():
    ev = R.synthesis_evidence()
    ev.scan.columns.append(ColumnScan(name=XSS, entity_type="PERSON", category="direct_identifier", confidence=0.9, coverage=1.0))
    ev.synthesis.treatments.append(ColumnTreatment(column=XSS, operator="drop", gdpr_class="removed", note=XSS))
    ev.synthesis.modelled_columns.append(XSS)
    ev.evaluation.columns_used.append(XSS)
    ev.evaluation.tests.append(TestResult(id=f"wp29.inference.{XSS}", name=f"Inference of {XSS}", family="wp29", measures=XSS, how_to_read=XSS,
                                          status="fail", value=0.5, threshold=0.09, charts={XSS: {"type": "histogram", "edges": [0, 1, 2], "series": {XSS: [1, 2]}, "x_label": XSS}}))
    ev.policy_name = XSS
    ev.command = ["privsynth", "audit", XSS]
    ev.inputs[0].path = XSS
    ev.signoff = {"name": XSS, "role": XSS}
    return R.finalize(ev)


def test_autoescape_is_on_so_a_column_named_like_a_script_is_escaped():
    ev = _hostile_evidence()
    assert any(XSS in r.text for r in ev.verdict.reasons)
    html = render_html(ev)
    assert XSS not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert not [t for t, _ in Doc(html).tags if t == "script"]


def test_the_template_environment_autoescapes():
    from privsynth.report import _env

    env = _env()
    assert env.autoescape("report.html.j2") is True
    assert env.from_string("{{ x }}").render(x=XSS) == "&lt;script&gt;alert(1)&lt;/script&gt;"


# --------------------------------------------------------------------------- charts


def test_charts_are_inline_svg_one_per_chart_series():
    ev = R.finalize(R.synthesis_evidence())
    html = render_html(ev)
    n_specs = sum(len(t.charts) for t in ev.evaluation.tests)
    assert html.count('<svg class="chart"') == n_specs + 1  # + the summary risk chart


@pytest.mark.parametrize(
    "spec",
    [
        {"type": "histogram", "edges": [0, "x", None], "series": {"a": [1]}},
        {"type": "histogram", "edges": [0, 1, 2], "series": {"a": [float("nan"), float("inf")]}},
        {"type": "roc", "fpr": "0,1", "tpr": None},
        {"type": "roc", "fpr": [0, 0.5, 1], "tpr": [0, 0.7, 1], "auc": "high"},
        {"type": "interval", "value": None},
        {"type": "interval", "value": 0.2, "low": "a", "high": 1e308 * 10},
        {"type": "pie", "values": [1, 2]},
        "not a dict",
    ],
)
def test_malformed_chart_data_renders_a_note_never_an_error(spec):
    svg = str(render_chart("c", spec))
    assert svg.startswith("<svg") and svg.endswith("</svg>")
    assert not re.search(r"\b(nan|inf|infinity)\b", svg, re.I)


def test_a_histogram_shows_shares_so_unequal_sets_compare():
    svg = str(histogram({"type": "histogram", "edges": [0, 1, 2], "series": {"train": [10, 30], "holdout": [1, 3]}}))
    # both series have the same shape as shares, so the same polyline points
    polys = re.findall(r'points="([^"]+)"', svg)
    assert len(polys) == 2 and polys[0] == polys[1]


def test_roc_and_interval_charts_label_auc_and_threshold():
    assert "AUC 0.730" in str(roc({"type": "roc", "fpr": [0, 0.1, 1], "tpr": [0, 0.5, 1], "auc": 0.73}))
    svg = str(interval({"type": "interval", "value": 0.12, "low": 0.08, "high": 0.16, "baseline": 0.01, "threshold": 0.09}))
    assert "threshold" in svg and "#b3261e" in svg  # a value over its threshold is drawn in red

