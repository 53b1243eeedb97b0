"""Render an `Evidence` document: HTML (for the DPO), Markdown (for a CI comment), JUnit XML
(for CI test views) and JSON (the record). Rendering never recomputes anything.

- `render_html(evidence) -> str`: one self-contained HTML file (inline CSS and SVG, no script, no
  external request), Jinja2 with autoescape on, templates in `reports/templates/`.
- `render_markdown(evidence) -> str`: a short summary suited to a pull-request comment.
- `render_junit(evidence) -> str`: one testcase per gate check; failed checks are failures.
- `render_json(evidence) -> str`: the evidence JSON of record.
- `render(evidence, fmt)`: dispatch on "html" | "md" | "json" | "junit".
- `load_evidence(path)`, `regate(evidence, policy=None)`, `write_reports(evidence, out_dir, junit=None)`.
"""

from __future__ import annotations

import json
import re
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Callable

from privsynth.errors import PrivsynthError
from privsynth.report.evidence_io import evidence_from_data, load_checked_evidence, load_evidence, policy_of, regate
from privsynth.results import Evidence

if TYPE_CHECKING:  # imported where used: writing the evidence JSON needs neither
    from jinja2 import Environment
    from markupsafe import Markup

__all__ = [
    "FORMATS",
    "evidence_from_data",
    "load_checked_evidence",
    "load_evidence",
    "policy_of",
    "regate",
    "render",
    "render_html",
    "render_json",
    "render_junit",
    "render_markdown",
    "render_summary_html",
    "write_reports",
]


@lru_cache(maxsize=1)
def _env() -> Environment:
    """The Jinja2 environment of the HTML templates (jinja2 is imported here, on the first HTML report: the
    evidence JSON of `privsynth evaluate` needs none of it)."""
    from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

    from privsynth.resources import templates_dir

    return Environment(
        loader=FileSystemLoader(str(templates_dir())),
        autoescape=select_autoescape(enabled_extensions=("html", "j2", "xml"), default_for_string=True, default=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )


def _css() -> Markup:
    from markupsafe import Markup

    from privsynth.resources import templates_dir

    css = (templates_dir() / "report.css").read_text(encoding="utf-8") + "\n" + (templates_dir() / "summary.css").read_text(encoding="utf-8")
    return Markup(css.replace("</", "<\\/"))


def render_html(evidence: Evidence) -> str:
    """The report a DPO reads and signs: one self-contained HTML file."""
    from privsynth.report.view import build_context

    ctx = build_context(evidence)
    return _env().get_template("report.html.j2").render(css=_css(), **ctx)


def render_summary_html(evidence: Evidence) -> str:
    """The report's one-screen summary on its own (an HTML fragment with its own scoped CSS), as
    shown by `Evidence._repr_html_()` in a notebook."""
    from privsynth.report.summary import summary_view
    from privsynth.resources import templates_dir

    css = (templates_dir() / "summary.css").read_text(encoding="utf-8").replace("</", "<\\/")
    body = _env().get_template("summary.html.j2").render(s=summary_view(evidence))
    return f'<div class="privsynth-notebook"><style>{css}</style>{body}</div>'


# --------------------------------------------------------------------------- markdown

_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]|~])")
_SAFE_ID = re.compile(r"^[A-Za-z0-9_.\-:]+$")


def md_escape(text: object) -> str:
    """Escape text for GitHub/GitLab Markdown: no HTML, no links, no table breaks."""
    s = str(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    s = _MD_SPECIAL.sub(r"\\\1", s)
    return " ".join(s.split())


def _md_code(text: object) -> str:
    s = str(text)
    return f"`{s}`" if _SAFE_ID.match(s) else md_escape(s)


def render_markdown(evidence: Evidence) -> str:
    """A compact summary for a pull-request comment: verdict and reasons, the gate under the named
    policy, failed checks (status, quantity, value, threshold), all checks collapsed, the caveat."""
    from privsynth.gate.checks import fmt_num
    from privsynth.report.view import VERDICT_TITLES

    ev = evidence
    lines: list[str] = []
    v = ev.verdict
    title = VERDICT_TITLES.get(v.label, v.label) if v else "no verdict recorded"
    lines.append(f"## privsynth: {md_escape(title)}")
    lines.append("")
    meta = [f"policy **{md_escape(ev.policy_name or '(unnamed)')}**", f"mode {md_escape(ev.mode)}"]
    if ev.gate is not None:
        n_err = sum(1 for c in ev.gate.failed if c.severity == "error")
        n_warn = sum(1 for c in ev.gate.failed if c.severity == "warn")
        meta.insert(0, f"gate **{'passed' if ev.gate.passed else 'failed'}** ({n_err} error, {n_warn} warning)")
    lines.append(" · ".join(meta))
    lines.append("")
    if v and v.reasons:
        lines.append("**Verdict reasons**")
        lines.append("")
        for r in v.reasons:
            lines.append(f"- {md_escape(r.text)}" + (f" ({_md_code(r.test)})" if r.test else ""))
        lines.append("")
    tests = {t.id: t for t in ev.evaluation.tests} if ev.evaluation else {}

    def row(c) -> str:
        t = tests.get(c.test or "")
        value = fmt_num(t.p_value if (t is not None and c.quantity == "p-value") else c.value)
        if c.name == "verdict" and v is not None:
            value = v.label
        thr = "-" if c.threshold is None else md_escape(f"{c.comparator} {fmt_num(c.threshold)}")
        return f"| {_md_code(c.name)} | {c.status or ('pass' if c.passed else 'fail')} | {c.severity} | {md_escape(c.quantity)} | {md_escape(value)} | {thr} |"

    header = ["| check | status | severity | quantity | value | threshold |", "|---|---|---|---|---:|---|"]
    if ev.gate is not None and ev.gate.failed:
        lines.append("**Failed checks**")
        lines.append("")
        lines.extend(header)
        lines.extend(row(c) for c in ev.gate.failed)
        lines.append("")
    if ev.gate is not None and ev.gate.checks:
        lines.append("<details><summary>All checks</summary>")
        lines.append("")
        lines.extend(header)
        lines.extend(row(c) for c in ev.gate.checks)
        lines.append("")
        lines.append("</details>")
        lines.append("")
    if v and v.tests_not_run:
        lines.append("Not run: " + ", ".join(_md_code(i) for i in v.tests_not_run))
        lines.append("")
    if v:
        lines.append(f"_{md_escape(v.caveat)}_")
        lines.append("")
    return "\n".join(lines)


# --------------------------------------------------------------------------- junit


def render_junit(evidence: Evidence) -> str:
    """JUnit XML: one testcase per gate check, mapped from its status (docs/report.md, "JUnit XML"):
    pass -> passed; fail -> `<failure type="error|warn">`; inconclusive -> `<failure>` of its
    severity, message starting "[severity] inconclusive"; not_run -> `<failure>` when the policy
    requires the test (error), else `<skipped>`; not_applicable -> `<skipped>`. Each testcase
    carries its status as a property."""
    checks = evidence.gate.checks if evidence.gate else []
    failures = 0
    skipped = 0
    import xml.etree.ElementTree as ET

    suite = ET.Element("testsuite", name="privsynth gate")
    props = ET.SubElement(suite, "properties")
    ET.SubElement(props, "property", name="policy", value=evidence.policy_name or "")
    ET.SubElement(props, "property", name="verdict", value=evidence.verdict.label if evidence.verdict else "")
    ET.SubElement(props, "property", name="gate_passed", value=str(evidence.gate.passed).lower() if evidence.gate else "")
    for c in checks:
        status = c.status or ("pass" if c.passed else "fail")
        prefix = (c.test or c.name).split(".", 1)[0]
        case = ET.SubElement(suite, "testcase", classname=f"privsynth.gate.{prefix}", name=c.name, time="0")
        cprops = ET.SubElement(case, "properties")
        ET.SubElement(cprops, "property", name="status", value=status)
        ET.SubElement(cprops, "property", name="quantity", value=c.quantity)
        if status == "not_applicable" or (status == "not_run" and c.severity == "warn"):
            ET.SubElement(case, "skipped", message=c.message)
            skipped += 1
            continue
        if c.passed:
            continue
        label = f"{c.severity}, inconclusive" if status == "inconclusive" else c.severity
        el = ET.SubElement(case, "failure", message=f"[{label}] {c.message}", type=c.severity)
        el.text = c.message
        failures += 1
    suite.set("tests", str(len(checks)))
    suite.set("failures", str(failures))
    suite.set("errors", "0")
    suite.set("skipped", str(skipped))
    suite.set("time", "0")
    root = ET.Element("testsuites", name="privsynth", tests=str(len(checks)), failures=str(failures), errors="0", skipped=str(skipped))
    root.append(suite)
    ET.indent(root)
    return '<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"


# --------------------------------------------------------------------------- json & dispatch


def render_json(evidence: Evidence) -> str:
    """The evidence JSON of record (`Evidence.model_dump(mode="json")`)."""
    return json.dumps(evidence.model_dump(mode="json"), indent=2, ensure_ascii=False) + "\n"


FORMATS: dict[str, Callable[[Evidence], str]] = {
    "html": render_html,
    "md": render_markdown,
    "json": render_json,
    "junit": render_junit,
}


def render(evidence: Evidence, fmt: str) -> str:
    try:
        fn = FORMATS[fmt]
    except KeyError:
        raise PrivsynthError(f"unknown report format {fmt!r} (formats: {', '.join(FORMATS)})") from None
    return fn(evidence)


def write_reports(evidence: Evidence, out_dir: str | Path, junit: str | Path | None = None, inputs: tuple[str | Path, ...] = ()) -> dict[str, Path]:
    """Write `evidence.json` and `report.html` into `out_dir` (and JUnit XML to `junit` if given),
    atomically, refusing to overwrite any of `inputs`. Returns {"evidence": path, "html": path, ...}."""
    from privsynth.io import check_not_input, write_text

    out = Path(out_dir)
    paths = {"evidence": out / "evidence.json", "html": out / "report.html"}
    if junit is not None:
        paths["junit"] = Path(junit)
    texts = {"evidence": render_json(evidence), "html": render_html(evidence)}
    if junit is not None:
        texts["junit"] = render_junit(evidence)
    for p in paths.values():  # everything is rendered and checked first: a failure leaves no file
        check_not_input(p, inputs)
    for key, p in paths.items():
        write_text(p, texts[key])
    return paths
