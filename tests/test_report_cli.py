"""`privsynth report` and `privsynth gate`: formats, exit codes per severity, errors exit 2."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from click.testing import CliRunner

import report_evidence as R
from privsynth.cli import cli
from privsynth.report import render_json


def _write(tmp_path: Path, ev, name: str = "evidence.json") -> Path:
    p = tmp_path / name
    p.write_text(render_json(ev), encoding="utf-8")
    return p


def _run(*args: str):
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


@pytest.fixture
def clean(tmp_path: Path) -> Path:
    return _write(tmp_path, R.finalize(R.synthesis_evidence()))


@pytest.fixture
def leaky(tmp_path: Path) -> Path:
    return _write(tmp_path, R.finalize(R.synthesis_evidence(mia_auc=0.74)), "leaky.json")


@pytest.mark.parametrize("fmt, marker", [("html", "<!DOCTYPE html>"), ("md", "## privsynth:"), ("json", '"schema_version"'), ("junit", "<testsuites")])
def test_report_renders_stored_evidence_in_each_format_on_stdout(clean: Path, fmt: str, marker: str):
    res = _run("report", str(clean), "--format", fmt)
    assert res.exit_code == 0
    assert res.stdout.lstrip().startswith(marker) or marker in res.stdout[:400]
    assert res.stderr == ""


def test_report_json_is_the_evidence_unchanged(clean: Path):
    res = _run("report", str(clean), "--format", "json")
    assert json.loads(res.stdout) == json.loads(clean.read_text(encoding="utf-8"))


def test_report_writes_a_file_and_refuses_to_overwrite_its_input(clean: Path, tmp_path: Path):
    out = tmp_path / "report.html"
    res = _run("report", str(clean), "--out", str(out))
    assert res.exit_code == 0 and out.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    assert f"wrote {out}" in res.stderr
    res = _run("report", str(clean), "--out", str(clean), "--format", "json")
    assert res.exit_code == 2 and "same as an input" in res.stderr


@pytest.mark.parametrize(
    "content, message",
    [
        (None, "evidence file not found"),
        ("", "empty file"),
        ("{not json", "not valid JSON (line 1"),
        ('{"schema_version": "1.1", "created_at": "2026-01', "not valid JSON (line 1"),  # truncated
        ("[1, 2]", "must be a JSON object, got an array"),
        ('"evidence"', "must be a JSON object, got a string"),
        ('{"schema_version": "9.0", "created_at": "x"}', "evidence schema 9.0 is not supported"),
        ('{"schema_version": "1.99", "created_at": "x"}', "evidence schema 1.99 is not supported"),
        ('{"created_at": "x"}', "schema_version is missing"),
        ('{"schema_version": 1.1, "created_at": "x"}', "schema_version must be a string"),
        ('{"schema_version": "1.1", "created_at": "x", "evaluation": {"tests": [{"id": "a", "name": "a", "family": "f", "status": "maybe"}]}}', "evaluation.tests[0].status"),
        ('{"schema_version": "1.1", "created_at": "x", "evaluation": "all good"}', "evaluation"),
        ('{"schema_version": "1.1", "created_at": ["x"]}', "created_at"),
        ('{"schema_version": "1.1", "created_at": "x", "surprise": 1}', "surprise"),
        ('{"schema_version": "1.1", "created_at": "x", "signoff": ' + "[" * 100_000 + "]" * 100_000 + "}", "nested too deeply"),
        ('{"schema_version": "1.1", "created_at": "x", "signoff": {"a": ' + "[" * 200 + "]" * 200 + "}}", "nested deeper than 64 levels"),
    ],
)
@pytest.mark.parametrize("command", ["report", "gate"])
def test_unreadable_evidence_exits_2_with_one_line_naming_file_and_field(tmp_path: Path, command: str, content, message: str):
    p = tmp_path / "evidence.json"
    if content is not None:
        p.write_text(content, encoding="utf-8")
    res = _run(command, str(p))
    assert res.exit_code == 2
    assert res.stdout == ""
    lines = res.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"error: {p}") and message in lines[0]


def test_gate_exits_0_when_every_check_passes_or_only_warns(clean: Path):
    res = _run("gate", str(clean))
    assert res.exit_code == 0
    assert "gate warn: residual_pii.text" not in res.stderr  # does not apply (no free-text column): no warning
    assert "gate warn: outliers.mia" in res.stderr  # its interval reaches the threshold: inconclusive, warns
    assert "gate passed under policy controlled-sharing; verdict: anonymous_candidate" in res.stderr


def test_gate_exits_1_when_an_error_severity_check_failed_and_lists_all_failures(leaky: Path):
    res = _run("gate", str(leaky))
    assert res.exit_code == 1
    failed = [line for line in res.stderr.splitlines() if line.startswith("gate error:")]
    assert [line.split(":")[1].strip() for line in failed] == ["mia.distance", "mia.worst", "verdict"]
    assert res.stdout.splitlines()[0].split() == ["status", "severity", "check", "quantity", "value", "interval", "threshold"]
    row = next(line for line in res.stdout.splitlines() if " mia.worst " in line)
    assert row.split()[:5] == ["fail", "error", "mia.worst", "attack", "AUC"] and "<= 0.6" in row


def test_gate_exit_zero_reports_the_failure_but_exits_0(leaky: Path):
    res = _run("gate", str(leaky), "--exit-zero")
    assert res.exit_code == 0 and "gate failed" in res.stderr


@pytest.mark.parametrize(
    "policy, wp29_so, code",
    [
        ("internal-ci", 0.3, 0),  # WP29 failures warn in internal CI
        ("controlled-sharing", 0.3, 1),
        ("public-release", 0.3, 1),
        ("internal-ci", 0.01, 0),
    ],
)
def test_gate_applies_the_severities_of_the_given_policy(tmp_path: Path, policy: str, wp29_so: float, code: int):
    p = _write(tmp_path, R.finalize(R.synthesis_evidence(wp29_so=wp29_so)))
    assert _run("gate", str(p), "--policy", policy).exit_code == code


def test_gate_with_a_policy_whose_severity_is_warn_downgrades_a_failure(tmp_path: Path, leaky: Path):
    pol = tmp_path / "lenient.yaml"
    pol.write_text("extends: controlled-sharing\ngate:\n  severity:\n    mia: warn\n", encoding="utf-8")
    res = _run("gate", str(leaky), "--policy", str(pol))
    # the check only warns, but the verdict (personal_data) is not one controlled-sharing passes
    assert res.exit_code == 1 and "gate warn: mia.worst" in res.stderr and "gate error: verdict" in res.stderr
    pol.write_text("extends: controlled-sharing\ngate:\n  severity:\n    mia: warn\n  pass_verdicts: [anonymous_candidate, personal_data]\n", encoding="utf-8")
    res = _run("gate", str(leaky), "--policy", str(pol))
    assert res.exit_code == 0 and "gate warn: mia.worst" in res.stderr


def test_gate_writes_junit_and_the_regated_evidence(leaky: Path, tmp_path: Path):
    junit, out = tmp_path / "junit.xml", tmp_path / "regated.json"
    res = _run("gate", str(leaky), "--junit", str(junit), "--out", str(out), "--policy", "internal-ci")
    assert res.exit_code == 1
    suite = ET.parse(junit).getroot().find("testsuite")
    assert suite.get("failures") == "3"  # mia.distance, mia.worst (error) and outliers.mia (inconclusive, warn)
    assert json.loads(out.read_text(encoding="utf-8"))["gate"]["passed"] is False


@pytest.mark.parametrize("fmt", ["json", "md"])
def test_gate_machine_output_goes_to_stdout_and_messages_to_stderr(leaky: Path, fmt: str):
    res = _run("gate", str(leaky), "--format", fmt)
    if fmt == "json":
        doc = json.loads(res.stdout)
        assert doc["passed"] is False and doc["verdict"]["label"] == "personal_data"
    else:
        assert res.stdout.startswith("## privsynth: Personal data")
    assert "gate error: mia.worst" in res.stderr and "gate error" not in res.stdout


def test_gate_with_an_unknown_policy_exits_2(clean: Path):
    res = _run("gate", str(clean), "--policy", "no-such-preset")
    assert res.exit_code == 2 and "unknown policy preset 'no-such-preset'" in res.stderr


def test_report_and_gate_have_help_ending_with_an_example():
    for name in ("report", "gate"):
        res = _run(name, "--help")
        assert res.exit_code == 0 and "Example" in res.stdout
