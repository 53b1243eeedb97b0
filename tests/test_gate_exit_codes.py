"""Exit codes of `privsynth audit` and `privsynth evaluate` for each gate outcome and severity.

The pipeline functions are replaced by ones returning hand-built evidence (finalized with the
real gate), so these tests pin the CLI's mapping: 0 passed (warnings allowed), 1 an
error-severity check failed, 2 a usage/input/internal error; `--exit-zero` turns 1 into 0.
"""

from __future__ import annotations

import sys
import types
from pathlib import Path

import pytest
from click.testing import CliRunner

import report_evidence as R
from privsynth.cli import cli
from privsynth.errors import InputError

SCENARIOS = {
    "all_pass": lambda: R.finalize(R.synthesis_evidence(), "controlled-sharing"),
    "warn_only": lambda: R.finalize(R.synthesis_evidence(wp29_so=0.3), "internal-ci"),
    "error_failed": lambda: R.finalize(R.synthesis_evidence(mia_auc=0.8), "internal-ci"),
    "required_not_run": lambda: _mia_not_run(),
}


def _mia_not_run():
    ev = R.synthesis_evidence()
    t = ev.evaluation.get("mia.worst")
    t.status, t.value, t.reason_not_run = "not_run", None, "holdout too small"
    return R.finalize(ev, "public-release")


@pytest.fixture
def fake_pipeline(monkeypatch: pytest.MonkeyPatch):
    """Install `privsynth.pipeline` functions that return a chosen evidence (or raise)."""
    try:
        import privsynth.pipeline as mod  # the real module once merged
    except ImportError:
        mod = types.ModuleType("privsynth.pipeline")
        monkeypatch.setitem(sys.modules, "privsynth.pipeline", mod)
    state: dict = {}

    def run(*args, **kwargs):
        if "raise" in state:
            raise state["raise"]
        return state["evidence"]

    monkeypatch.setattr(mod, "run_evaluate", run, raising=False)
    monkeypatch.setattr(mod, "audit", run, raising=False)
    return state


def _invoke(command: str, tmp_path: Path, *extra: str):
    if command == "evaluate":
        args = ["evaluate", "--original", str(tmp_path / "o.csv"), "--release", str(tmp_path / "r.csv"), "--out", str(tmp_path / "e.json"), "-q"]
    else:
        args = ["audit", str(tmp_path / "d.csv"), "--out-dir", str(tmp_path / "out"), "-q"]
    return CliRunner().invoke(cli, args + list(extra), catch_exceptions=False)


@pytest.mark.parametrize("command", ["evaluate", "audit"])
@pytest.mark.parametrize(
    "scenario, code, code_exit_zero",
    [("all_pass", 0, 0), ("warn_only", 0, 0), ("error_failed", 1, 0), ("required_not_run", 1, 0)],
)
def test_exit_code_follows_the_severity_of_the_failed_checks(fake_pipeline, tmp_path, command, scenario, code, code_exit_zero):
    fake_pipeline["evidence"] = SCENARIOS[scenario]()
    res = _invoke(command, tmp_path)
    assert res.exit_code == code
    if code == 1:
        assert "gate error:" in res.stderr
    if scenario == "warn_only":
        assert "gate warn: wp29.singling_out.univariate" in res.stderr
    assert _invoke(command, tmp_path, "--exit-zero").exit_code == code_exit_zero


@pytest.mark.parametrize("command", ["evaluate", "audit"])
@pytest.mark.parametrize("exc, message", [(InputError("data.csv: file not found"), "error: data.csv: file not found"), (ValueError("boom"), "error: internal error (ValueError); rerun with --debug for details")])
def test_errors_exit_2_never_1_even_with_exit_zero(fake_pipeline, tmp_path, command, exc, message):
    fake_pipeline["raise"] = exc
    for extra in ((), ("--exit-zero",)):
        res = _invoke(command, tmp_path, *extra)
        assert res.exit_code == 2
        assert res.stderr.strip().splitlines() == [message]


@pytest.mark.parametrize("command", ["evaluate", "audit"])
def test_every_failed_error_check_is_listed_on_stderr(fake_pipeline, tmp_path, command):
    ev = R.synthesis_evidence(mia_auc=0.8, wp29_so=0.4)
    fake_pipeline["evidence"] = R.finalize(ev, "controlled-sharing")
    res = _invoke(command, tmp_path)
    listed = [line.split(":")[1].strip() for line in res.stderr.splitlines() if line.startswith("gate error:")]
    assert listed == ["mia.distance", "mia.worst", "wp29.singling_out.univariate", "verdict"]
    assert res.exit_code == 1
