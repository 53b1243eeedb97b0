"""Each command's happy path through CliRunner on a 300-row slice of the bundled example:
exit codes, JSON on stdout that parses, messages on stderr, files written."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

from privsynth.cli import cli

ROOT = Path(__file__).resolve().parents[1]
POLICY = str(ROOT / "examples" / "policy.yaml")


@pytest.fixture(scope="module")
def work(tmp_path_factory) -> Path:
    d = tmp_path_factory.mktemp("cli")
    pd.read_csv(ROOT / "examples" / "customers.csv", dtype=str, keep_default_na=False).head(300).to_csv(d / "c.csv", index=False)
    return d


def run(*args: str) -> "object":
    return CliRunner().invoke(cli, list(args))


def test_scan_json_lists_every_column_with_its_category(work):
    res = run("scan", str(work / "c.csv"), "--format", "json", "-q")
    assert res.exit_code == 0, res.stderr
    cols = {c["name"]: c for c in json.loads(res.stdout)["columns"]}
    assert cols["email"]["category"] == "direct_identifier"
    assert cols["notes"]["category"] == "free_text"
    assert set(cols["email"]) >= {"name", "entity_type", "category", "confidence", "coverage", "evidence"}


@pytest.mark.slow
def test_synthesize_then_evaluate_then_report_and_gate(work):
    out = work / "syn" / "release.csv"
    res = run("synthesize", str(work / "c.csv"), "--out", str(out), "--policy", POLICY, "--format", "json", "-q")
    assert res.exit_code == 0, res.stderr
    rep = json.loads(res.stdout)
    assert rep["train_rows"] + rep["holdout_rows"] == 300 and rep["train_sha256"]
    for p in (out, out.with_name("release.train.csv"), out.with_name("release.holdout.csv")):
        assert p.exists()
    # the release is bound to the file written: path, SHA-256, rows and columns
    import hashlib

    assert rep["release_path"] == str(out) and rep["release_sha256"] == hashlib.sha256(out.read_bytes()).hexdigest()
    assert (rep["release_rows"], rep["release_columns"]) == pd.read_csv(out).shape
    ev_path = work / "syn" / "evidence.json"
    junit = work / "syn" / "junit.xml"
    res = run("evaluate", "--original", str(out.with_name("release.train.csv")), "--release", str(out), "--holdout",
              str(out.with_name("release.holdout.csv")), "--out", str(ev_path), "--policy", POLICY, "--junit", str(junit), "--format", "json", "-q")
    assert res.exit_code in (0, 1), res.stderr
    ev = json.loads(res.stdout)
    assert ev["gate"]["passed"] == (res.exit_code == 0)
    assert json.loads(ev_path.read_text())["verdict"] == ev["verdict"]
    assert "<testsuite" in junit.read_text()
    md = run("report", str(ev_path), "--format", "md")
    assert md.exit_code == 0 and md.stdout.startswith("## privsynth: ")
    assert f"gate **{'passed' if ev['gate']['passed'] else 'failed'}**" in md.stdout
    html = work / "syn" / "r.html"
    assert run("report", str(ev_path), "--out", str(html)).exit_code == 0
    assert "<html" in html.read_text().lower()
    gated = run("gate", str(ev_path), "--exit-zero")
    assert gated.exit_code == 0


def test_keygen_anonymize_and_reidentify_round_trip(work, tmp_path):
    key = tmp_path / "k.key"
    assert run("keygen", "--out", str(key)).exit_code == 0
    assert oct(key.stat().st_mode & 0o777) == "0o600"
    pol = tmp_path / "p.yaml"
    pol.write_text(f"extends: {POLICY}\ncolumns:\n  national_insurance_number:\n    operator: encrypt\n")
    out = tmp_path / "anon.csv"
    res = run("anonymize", str(work / "c.csv"), "--out", str(out), "--policy", str(pol), "--key-file", str(key), "--format", "json", "-q")
    assert res.exit_code == 0, res.stderr
    ops = {t["column"]: (t["operator"], t["gdpr_class"]) for t in json.loads(res.stdout)["treatments"]}
    assert ops["national_insurance_number"] == ("encrypt", "pseudonymization")
    orig = pd.read_csv(work / "c.csv", dtype=str)
    anon = pd.read_csv(out, dtype=str)
    assert not set(anon["email"]) & set(orig["email"])
    back = tmp_path / "back.csv"
    res = run("reidentify", str(out), "--out", str(back), "-c", "national_insurance_number", "--key-file", str(key))
    assert res.exit_code == 0, res.stderr
    assert pd.read_csv(back, dtype=str)["national_insurance_number"].tolist() == orig["national_insurance_number"].tolist()
    assert "mapping file" not in res.stderr
    # a file with no encrypted column: said so, with where the way back is
    res = run("reidentify", str(work / "c.csv"), "--out", str(tmp_path / "none.csv"), "--key-file", str(key))
    assert res.exit_code == 0 and "decrypted 0 column(s)" in res.stderr and "--mapping-out" in res.stderr


def test_anonymize_without_a_key_is_refused_before_any_output(work, tmp_path, monkeypatch):
    monkeypatch.delenv("PRIVSYNTH_KEY", raising=False)
    out = tmp_path / "anon.csv"
    res = run("anonymize", str(work / "c.csv"), "--out", str(out), "--policy", POLICY, "-q")
    assert res.exit_code == 2
    assert "key" in res.stderr.lower() and len(res.stderr.strip().splitlines()) == 1
    assert not out.exists()


@pytest.mark.parametrize("kind, sdc_runs", [("auto", False), ("synthetic", False), ("anonymized", True)])
def test_release_kind_anonymized_runs_the_k_anonymity_family_even_with_a_holdout(tmp_path, kind, sdc_runs):
    import numpy as np

    rng = np.random.default_rng(3)
    n = 600
    real = pd.DataFrame({"age": rng.integers(18, 90, n), "zip": rng.choice([f"1{i:04d}" for i in range(40)], n),
                         "sex": rng.choice(["F", "M"], n), "income": rng.integers(1000, 9000, n)})
    real.iloc[:400].to_csv(tmp_path / "train.csv", index=False)
    real.iloc[400:].to_csv(tmp_path / "holdout.csv", index=False)
    rel = real.iloc[:400].copy()
    rel["age"] = (rel["age"] // 10) * 10
    rel["zip"] = rel["zip"].str[:3]
    rel.to_csv(tmp_path / "release.csv", index=False)
    res = run("evaluate", "--original", str(tmp_path / "train.csv"), "--release", str(tmp_path / "release.csv"),
              "--holdout", str(tmp_path / "holdout.csv"), "--out", str(tmp_path / "ev.json"), "--release-kind", kind,
              "--format", "json", "-q", "--exit-zero")
    assert res.exit_code == 0, res.stderr
    tests = {t["id"]: t for t in json.loads((tmp_path / "ev.json").read_text())["evaluation"]["tests"]}
    assert (tests["sdc.k_anonymity"]["status"] != "not_run") is sdc_runs
