"""Evidence bound and checked: `gate` and `report` recompute verdict and gate from the stored test
results and refuse (exit 2, one line) evidence that was edited; optional signatures (HMAC with the
project key, Ed25519) checked by `gate --verify`."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Callable

import pytest
from click.testing import CliRunner

import report_evidence as R
from privsynth.cli import cli
from privsynth.gate import evidence_digest
from privsynth.gate.integrity import EvidenceError, check_evidence
from privsynth.gate.signature import sign_evidence, verify_signature
from privsynth.report import evidence_from_data, render_html, render_json


def _run(*args: str):
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def _doc(ev=None) -> dict[str, Any]:
    return json.loads(render_json(ev or R.finalize(R.synthesis_evidence(mia_auc=0.74))))


def _flip_label(d):
    d["verdict"]["label"] = "anonymous_candidate"


def _flip_gate(d):
    d["gate"]["passed"] = not d["gate"]["passed"]


def _delete_required_test(d):
    d["evaluation"]["tests"] = [t for t in d["evaluation"]["tests"] if t["id"] != "mia.worst"]


def _delete_test_and_its_check(d):
    d["evaluation"]["tests"] = [t for t in d["evaluation"]["tests"] if t["id"] != "mia.worst"]
    d["gate"]["checks"] = [c for c in d["gate"]["checks"] if c["name"] != "mia.worst"]


def _edit_value(d):  # the attack now looks harmless, but its status and check still say otherwise
    t = next(t for t in d["evaluation"]["tests"] if t["id"] == "mia.worst")
    t.update(value=0.51, ci_low=0.48, ci_high=0.54)


def _edit_value_and_status(d):  # the test is made consistent, the stored check and verdict are not
    t = next(t for t in d["evaluation"]["tests"] if t["id"] == "mia.worst")
    t.update(value=0.51, ci_low=0.48, ci_high=0.54, status="pass", passed=True)


def _pass_beyond_threshold(d):
    t = next(t for t in d["evaluation"]["tests"] if t["id"] == "wp29.linkability")
    t.update(value=0.5)


def _delete_a_check(d):
    d["gate"]["checks"] = [c for c in d["gate"]["checks"] if c["name"] != "exact_match"]


def _drop_schema_version(d):
    del d["schema_version"]


def _drop_policy(d):
    d["policy"] = {}


TAMPERS: dict[str, tuple[Callable[[dict], None], str]] = {
    "flip the label": (_flip_label, "stored verdict anonymous_candidate disagrees with personal_data"),
    "flip the gate": (_flip_gate, "stored gate result"),
    "delete a required test": (_delete_required_test, "required test(s) absent from the evaluation: mia.worst"),
    "delete a test and its check": (_delete_test_and_its_check, "required test(s) absent from the evaluation: mia.worst"),
    "edit a value": (_edit_value, "stored gate check mia.worst disagrees with its test result"),
    "edit a value and its status": (_edit_value_and_status, "disagrees"),
    "edit a passed test's value": (_pass_beyond_threshold, "stored gate check wp29.linkability disagrees with its test result"),
    "delete a check": (_delete_a_check, "stored gate check exact_match is missing"),
    "drop schema_version": (_drop_schema_version, "schema_version is missing"),
    "drop the policy": (_drop_policy, "records no policy"),
}


@pytest.mark.parametrize("command", ["gate", "report"])
@pytest.mark.parametrize("tamper", list(TAMPERS))
def test_tampered_evidence_is_refused_with_one_line_and_exit_2(tmp_path: Path, tamper: str, command: str):
    edit, message = TAMPERS[tamper]
    d = _doc()
    edit(d)
    p = tmp_path / "evidence.json"
    p.write_text(json.dumps(d), encoding="utf-8")
    res = _run(command, str(p))
    assert res.exit_code == 2 and res.stdout == ""
    lines = res.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"error: {p}: ") and message in lines[0], lines


@pytest.mark.parametrize("command", ["gate", "report"])
def test_untouched_evidence_is_accepted(tmp_path: Path, command: str):
    p = tmp_path / "evidence.json"
    p.write_text(render_json(R.finalize(R.synthesis_evidence())), encoding="utf-8")
    assert _run(command, str(p)).exit_code == 0


def test_the_sign_off_can_be_filled_without_changing_the_digest():
    ev = R.finalize(R.synthesis_evidence())
    before = evidence_digest(ev)
    ev.signoff = {"name": "A. Person", "decision": "approve"}
    assert evidence_digest(ev) == before
    ev.evaluation.tests[0].value = 0.5
    assert evidence_digest(ev) != before


def test_the_report_shows_the_digest_and_the_release_next_to_the_sign_off():
    ev = R.finalize(R.synthesis_evidence())
    html = render_html(ev)
    signoff = html[html.index('<section id="signoff"'):]
    assert evidence_digest(ev) in signoff
    assert ev.release_file().sha256 in signoff


# --------------------------------------------------------------------------- signatures


def _ed25519_keys(tmp_path: Path) -> tuple[Path, Path]:
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
    from cryptography.hazmat.primitives.serialization import Encoding, NoEncryption, PrivateFormat, PublicFormat

    key = Ed25519PrivateKey.generate()
    priv, pub = tmp_path / "signing.pem", tmp_path / "signing.pub.pem"
    priv.write_bytes(key.private_bytes(Encoding.PEM, PrivateFormat.PKCS8, NoEncryption()))
    pub.write_bytes(key.public_key().public_bytes(Encoding.PEM, PublicFormat.SubjectPublicKeyInfo))
    return priv, pub


def test_hmac_signature_verifies_with_the_project_key_and_not_with_another(tmp_path: Path):
    ev = sign_evidence(R.finalize(R.synthesis_evidence()), hmac_key=b"k" * 32)
    assert "verified: hmac-sha256" in verify_signature(ev, "e.json", hmac_key=b"k" * 32)
    with pytest.raises(EvidenceError, match="does not verify with this key"):
        verify_signature(ev, "e.json", hmac_key=b"x" * 32)


def test_ed25519_signature_verifies_with_the_public_key_and_not_after_an_edit(tmp_path: Path):
    priv, pub = _ed25519_keys(tmp_path)
    ev = sign_evidence(R.finalize(R.synthesis_evidence()), ed25519_private_key=priv)
    assert "verified: ed25519" in verify_signature(ev, "e.json", ed25519_public_key=pub)
    ev.verdict.threat_model += " edited"
    with pytest.raises(EvidenceError, match="changed after it was signed"):
        verify_signature(ev, "e.json", ed25519_public_key=pub)
    with pytest.raises(EvidenceError, match="changed after it was signed"):
        check_evidence(ev, "e.json")


def test_sign_then_gate_verify_through_the_cli(tmp_path: Path):
    priv, pub = _ed25519_keys(tmp_path)
    src, signed = tmp_path / "evidence.json", tmp_path / "signed.json"
    src.write_text(render_json(R.finalize(R.synthesis_evidence())), encoding="utf-8")
    res = _run("sign", str(src), "--out", str(signed), "--ed25519-key", str(priv))
    assert res.exit_code == 0 and "ed25519 signature by key ed25519:" in res.stderr
    res = _run("gate", str(signed), "--verify", "--ed25519-public", str(pub))
    assert res.exit_code == 0 and "signature verified: ed25519" in res.stderr
    # unsigned evidence fails --verify; signed evidence edited afterwards fails even without --verify
    res = _run("gate", str(src), "--verify", "--ed25519-public", str(pub))
    assert res.exit_code == 2 and "carries no signature" in res.stderr
    d = json.loads(signed.read_text(encoding="utf-8"))
    d["created_at"] = "2030-01-01T00:00:00+00:00"
    signed.write_text(json.dumps(d), encoding="utf-8")
    res = _run("gate", str(signed))
    assert res.exit_code == 2 and "changed after it was signed" in res.stderr


def test_hmac_sign_and_verify_through_the_cli_with_the_key_file(tmp_path: Path):
    key = tmp_path / "privsynth.key"
    assert _run("keygen", "--out", str(key)).exit_code == 0
    src, signed = tmp_path / "evidence.json", tmp_path / "signed.json"
    src.write_text(render_json(R.finalize(R.synthesis_evidence())), encoding="utf-8")
    assert _run("sign", str(src), "--out", str(signed), "--key-file", str(key)).exit_code == 0
    res = _run("gate", str(signed), "--verify", "--key-file", str(key))
    assert res.exit_code == 0 and "signature verified: hmac-sha256" in res.stderr
    other = tmp_path / "other.key"
    _run("keygen", "--out", str(other))
    res = _run("gate", str(signed), "--verify", "--key-file", str(other))
    assert res.exit_code == 2 and len(res.stderr.strip().splitlines()) == 1 and "does not verify" in res.stderr
    assert key.read_text(encoding="utf-8").strip() not in res.stderr + res.stdout


def test_evidence_from_data_refuses_a_deep_document_without_recursion():
    deep: Any = []
    for _ in range(100_000):
        deep = [deep]
    with pytest.raises(Exception, match="nested deeper than 64 levels"):
        evidence_from_data({"schema_version": "1.1", "created_at": "x", "signoff": {"x": deep}}, "e.json")
