"""CLI contract: help with an example on every command, exit codes, errors on stderr, no partial outputs."""

from __future__ import annotations

from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from privsynth.cli import cli


def all_commands(group: click.Group, prefix: str = ""):
    for name, cmd in group.commands.items():
        yield prefix + name, cmd
        if isinstance(cmd, click.Group):
            yield from all_commands(cmd, prefix + name + " ")


@pytest.fixture()
def runner() -> CliRunner:
    return CliRunner()


@pytest.mark.parametrize("name,cmd", list(all_commands(cli)), ids=lambda x: x if isinstance(x, str) else "")
def test_every_command_has_help_with_an_example(runner, name, cmd):
    assert cmd.help and "Example" in cmd.help, f"{name} has no example in its help"
    res = runner.invoke(cli, name.split() + ["--help"])
    assert res.exit_code == 0
    assert "Example" in res.stdout


def test_version(runner):
    res = runner.invoke(cli, ["--version"])
    assert res.exit_code == 0 and "privsynth" in res.stdout


def test_unknown_option_is_a_usage_error_with_exit_2(runner):
    res = runner.invoke(cli, ["scan", "--bogus"])
    assert res.exit_code == 2


@pytest.fixture()
def bad_inputs(tmp_path: Path) -> dict[str, Path]:
    files = {
        "empty": ("empty.csv", b""),
        "malformed": ("malformed.csv", b"a,b\n1,2\n3,4,5,6\n"),
        "header_only": ("header.csv", b"a,b\n"),
    }
    out = {}
    for k, (name, data) in files.items():
        p = tmp_path / name
        p.write_bytes(data)
        out[k] = p
    out["missing"] = tmp_path / "missing.csv"
    return out


@pytest.mark.parametrize("command", ["scan", "anonymize", "synthesize", "audit"])
@pytest.mark.parametrize("case,fragment", [("missing", "file not found"), ("empty", "file is empty"), ("malformed", "line 3: 4 fields where the header has 2"), ("header_only", "no rows")])
def test_when_input_is_bad_then_one_line_error_exit_2_and_no_output(runner, tmp_path, bad_inputs, command, case, fragment):
    data = bad_inputs[case]
    out = tmp_path / "out"
    args = {"scan": ["scan", str(data)], "anonymize": ["anonymize", str(data), "--out", str(out / "x.csv")], "synthesize": ["synthesize", str(data), "--out", str(out / "x.csv")], "audit": ["audit", str(data), "--out-dir", str(out)]}[command]
    res = runner.invoke(cli, args)
    assert res.exit_code == 2, res.output
    assert res.stdout == ""
    err = res.stderr.strip()
    assert err.startswith("error: ") and fragment in err and str(data) in err
    assert len(err.splitlines()) == 1
    assert "Traceback" not in res.output
    assert not out.exists() or not any(out.iterdir())


def test_when_policy_yaml_is_malformed_then_error_names_file_and_line(runner, tmp_path):
    pol = tmp_path / "p.yaml"
    pol.write_text("scan:\n  sample_size: [1,\n")
    data = tmp_path / "d.csv"
    data.write_text("a\n1\n")
    res = runner.invoke(cli, ["scan", str(data), "--policy", str(pol)])
    assert res.exit_code == 2
    assert str(pol) in res.stderr and "malformed YAML at line" in res.stderr


def test_when_policy_names_an_unknown_column_then_exit_2(runner, tmp_path):
    pol = tmp_path / "p.yaml"
    pol.write_text("columns:\n  nosuch:\n    category: sensitive\n")
    data = tmp_path / "d.csv"
    data.write_text("a\n1\n")
    res = runner.invoke(cli, ["scan", str(data), "--policy", str(pol)])
    assert res.exit_code == 2
    assert "columns.nosuch" in res.stderr and str(data) in res.stderr


def test_when_output_is_the_input_then_refused_and_input_untouched(runner, tmp_path):
    data = tmp_path / "d.csv"
    data.write_text("a,b\n1,2\n")
    before = data.read_bytes()
    res = runner.invoke(cli, ["anonymize", str(data), "--out", str(data)])
    assert res.exit_code == 2
    assert "same as an input" in res.stderr
    assert data.read_bytes() == before


def test_policy_validate_reports_the_yaml_path(runner, tmp_path):
    pol = tmp_path / "p.yaml"
    pol.write_text("evaluate:\n  thresholds:\n    mia_auc_max: 3\n")
    res = runner.invoke(cli, ["policy", "validate", str(pol)])
    assert res.exit_code == 2
    assert "evaluate.thresholds.mia_auc_max" in res.stderr
    ok = runner.invoke(cli, ["policy", "validate", "internal-ci"])
    assert ok.exit_code == 0


def test_policy_list_and_show(runner):
    res = runner.invoke(cli, ["policy", "list"])
    assert res.exit_code == 0 and "internal-ci" in res.stdout.split()
    import json

    shown = json.loads(runner.invoke(cli, ["policy", "show", "internal-ci"]).stdout)
    assert shown["name"] == "internal-ci"


def test_when_debug_then_traceback_is_shown(runner, tmp_path):
    res = runner.invoke(cli, ["--debug", "scan", str(tmp_path / "missing.csv")])
    assert res.exit_code == 2
    assert "Traceback" in res.stderr


def test_when_the_reader_of_stdout_goes_away_then_no_error_is_reported(tmp_path):
    import subprocess
    import sys

    data = tmp_path / "wide.csv"  # 400 columns: more lines than a pipe's buffer holds
    data.write_text(",".join(f"col{i}" for i in range(400)) + "\n" + ",".join(str(i) for i in range(400)) + "\n")
    proc = subprocess.Popen([sys.executable, "-m", "privsynth.cli", "scan", str(data), "--format", "table", "-q"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=Path(__file__).resolve().parents[1])
    proc.stdout.read(10)
    proc.stdout.close()  # like `| head -c 10`
    err = proc.stderr.read().decode()
    assert proc.wait(timeout=120) == 0
    assert "error" not in err.lower() and "Traceback" not in err


@pytest.mark.parametrize("option,value", [
    ("--holdout-fraction", "0"),
    ("--holdout-fraction", "0.95"),
    ("--epochs", "0"),
    ("--num-rows", "0"),
    ("--batch-size", "1"),
])
def test_a_synthesize_option_outside_the_policy_constraints_is_refused_before_any_output(runner, tmp_path, option, value):
    data = tmp_path / "people.csv"
    data.write_text("age,city\n" + "".join(f"{20 + i % 50},Town{i % 7}\n" for i in range(120)), encoding="utf-8")
    out = tmp_path / "release.csv"
    res = runner.invoke(cli, ["synthesize", str(data), "--out", str(out), option, value], catch_exceptions=False)
    assert res.exit_code == 2, res.output
    assert option in res.stderr
    assert res.stdout == ""
    assert sorted(p.name for p in tmp_path.iterdir()) == ["people.csv"]


def test_a_release_with_other_columns_than_the_original_is_said_on_stderr_by_column_name(runner, tmp_path):
    rows = "".join(f"{20 + i % 60},{i % 9},{i % 4}\n" for i in range(200))
    (tmp_path / "orig.csv").write_text("age,zone,kids\n" + rows, encoding="utf-8")
    (tmp_path / "rel.csv").write_text("age,zone,extra\n" + rows, encoding="utf-8")
    res = runner.invoke(cli, ["evaluate", "--original", str(tmp_path / "orig.csv"), "--release", str(tmp_path / "rel.csv"),
                              "--out", str(tmp_path / "ev.json"), "-q", "--exit-zero"], catch_exceptions=False)
    assert res.exit_code == 0, res.output
    assert "has columns the original lacks: extra" in res.stderr
    assert "lacks the original's columns: kids" in res.stderr
    assert "extra" not in res.stdout
