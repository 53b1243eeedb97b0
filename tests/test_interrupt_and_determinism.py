"""Two properties of whole runs: an interrupted audit exits 130 and leaves no output (a real
subprocess and a real SIGINT), and the same seed gives the same evidence, apart from the
timestamp and the timings."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
CUSTOMERS = ROOT / "examples" / "customers.csv"
VOLATILE = {"created_at", "timings", "timings_seconds", "command"}  # wall-clock and the command line


def _differences(a, b, path=""):
    """Paths at which two JSON documents differ, skipping keys named in VOLATILE."""
    if type(a) is not type(b):
        return [path]
    if isinstance(a, dict):
        out = []
        for k in sorted(set(a) | set(b)):
            if k in VOLATILE:
                continue
            out += _differences(a.get(k), b.get(k), f"{path}.{k}")
        return out
    if isinstance(a, list):
        if len(a) != len(b):
            return [f"{path}[len]"]
        return [d for i, (x, y) in enumerate(zip(a, b)) for d in _differences(x, y, f"{path}[{i}]")]
    return [] if a == b else [path]


def _head(tmp: Path, rows: int) -> Path:
    lines = CUSTOMERS.read_text(encoding="utf-8").splitlines(keepends=True)
    p = tmp / "customers_head.csv"
    p.write_text("".join(lines[: rows + 1]), encoding="utf-8")
    return p


@pytest.mark.slow
@pytest.mark.parametrize("mode", ["synthesize", "anonymize"])
def test_the_same_seed_gives_the_same_evidence_except_timestamp_and_timings(tmp_path, monkeypatch, mode):
    from privsynth import pipeline

    monkeypatch.setenv("PRIVSYNTH_TEST_KEY", "5e" * 32)  # a test key for the keyed operators of anonymize mode
    from privsynth.policy import load_policy

    data = _head(tmp_path, 300)
    docs, releases = [], []
    out = tmp_path / "audit"  # the same output path both times: the evidence records it
    for _ in ("a", "b"):
        if out.exists():
            shutil.rmtree(out)
        pipeline.audit(data, out, load_policy(str(CUSTOMERS.parent / "policy.yaml")), mode=mode, key_env="PRIVSYNTH_TEST_KEY")
        docs.append(json.loads((out / "evidence.json").read_text(encoding="utf-8")))
        releases.append(hashlib.sha256((out / "release.csv").read_bytes()).hexdigest())
    assert _differences(docs[0], docs[1]) == []
    assert releases[0] == releases[1]
    assert docs[0]["created_at"] and docs[0]["timings"]  # the volatile parts exist, they are just not compared


def test_the_comparison_sees_a_changed_seed():
    a = {"seeds": {"synthesize": 1}, "timings": {"x": 1.0}, "created_at": "t1"}
    b = {"seeds": {"synthesize": 2}, "timings": {"x": 2.0}, "created_at": "t2"}
    assert _differences(a, b) == [".seeds.synthesize"]


@pytest.mark.slow
@pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals")
def test_sigint_during_an_audit_exits_130_and_leaves_no_output(tmp_path):
    out = tmp_path / "audit"
    before = hashlib.sha256(CUSTOMERS.read_bytes()).hexdigest()
    env = {**os.environ, "PYTHONPATH": str(ROOT), "PYTHONUNBUFFERED": "1"}
    proc = subprocess.Popen(
        [sys.executable, "-m", "privsynth.cli", "audit", str(CUSTOMERS), "--out-dir", str(out), "--policy", str(CUSTOMERS.parent / "policy.yaml")],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, cwd=tmp_path, text=True,
        # a test run started in the background (`make test &`, nohup) inherits SIGINT ignored, and so would the
        # audit: Python installs its Ctrl-C handler only when SIGINT is not ignored at start-up
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )
    seen = []
    deadline = time.monotonic() + 600
    assert proc.stderr is not None
    while time.monotonic() < deadline:  # wait until the audit is under way (the data has been read)
        line = proc.stderr.readline()
        if not line:
            break
        seen.append(line)
        if line.startswith("read "):
            break
    assert any(ln.startswith("read ") for ln in seen), seen
    time.sleep(1.0)
    proc.send_signal(signal.SIGINT)
    stdout, rest = proc.communicate(timeout=300)
    stderr = "".join(seen) + rest
    assert proc.returncode == 130, stderr
    assert "interrupted" in stderr and "Traceback" not in stderr
    assert stdout == ""
    assert not out.exists() or [p for p in out.rglob("*")] == []
    assert hashlib.sha256(CUSTOMERS.read_bytes()).hexdigest() == before
