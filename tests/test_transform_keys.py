"""Key files, environment keys, fingerprints: never leaking key material."""

from __future__ import annotations

import base64
import os
import stat

import pytest

from privsynth.errors import KeyMaterialError, OutputError
from privsynth.transform.keys import derive_key, generate_key, key_fingerprint, load_key, write_new_key


def test_keygen_writes_a_mode_600_file_and_returns_its_fingerprint(tmp_path):
    p = tmp_path / "secrets" / "k.key"
    fp = write_new_key(p)
    assert stat.S_IMODE(os.stat(p).st_mode) == 0o600
    key = load_key(p)
    assert len(key) == 32
    assert fp == key_fingerprint(key)
    assert fp.startswith("sha256:") and len(fp) == len("sha256:") + 16


def test_keygen_refuses_to_overwrite_without_force(tmp_path):
    p = tmp_path / "k.key"
    write_new_key(p)
    before = p.read_text()
    with pytest.raises(OutputError, match="refusing to overwrite"):
        write_new_key(p)
    assert p.read_text() == before
    write_new_key(p, force=True)
    assert p.read_text() != before


def test_the_fingerprint_reveals_no_key_bytes():
    key = generate_key()
    fp = key_fingerprint(key)
    assert key.hex()[:16] not in fp
    assert derive_key(key, "surrogate").hex()[:16] not in fp
    assert key_fingerprint(key) == fp and key_fingerprint(generate_key()) != fp


@pytest.mark.parametrize("encode", [lambda k: k.hex(), lambda k: base64.b64encode(k).decode(), lambda k: base64.urlsafe_b64encode(k).decode().rstrip("=")])
def test_a_key_in_the_environment_is_accepted_as_hex_or_base64(monkeypatch, encode):
    key = generate_key()
    monkeypatch.setenv("PRIVSYNTH_TEST_KEY", encode(key))
    assert load_key(None, "PRIVSYNTH_TEST_KEY") == key


@pytest.mark.parametrize(
    "content,message",
    [("", "empty"), ("zz-not-a-key!!", "malformed"), ("abcd", "too short"), ("\xff\xfe", "malformed")],
)
def test_a_malformed_key_file_is_a_clear_error_without_its_content(tmp_path, content, message):
    p = tmp_path / "bad.key"
    p.write_bytes(content.encode("latin-1"))
    with pytest.raises(KeyMaterialError, match=message) as e:
        load_key(p)
    assert str(p) in str(e.value) and "\n" not in str(e.value)
    if content.strip():
        assert content not in str(e.value)


def test_a_missing_key_file_or_variable_is_a_clear_error(tmp_path, monkeypatch):
    with pytest.raises(KeyMaterialError, match="not found"):
        load_key(tmp_path / "nope.key")
    monkeypatch.delenv("PRIVSYNTH_NO_SUCH_KEY", raising=False)
    with pytest.raises(KeyMaterialError, match="PRIVSYNTH_NO_SUCH_KEY"):
        load_key(None, "PRIVSYNTH_NO_SUCH_KEY")


def test_subkeys_differ_per_purpose_and_from_the_master_key():
    key = generate_key()
    subs = {derive_key(key, p) for p in ("surrogate", "tokenize", "encrypt", "fingerprint")}
    assert len(subs) == 4 and key not in subs
    assert len(derive_key(key, "encrypt", 64)) == 64


def test_the_cli_keygen_command_writes_a_key_and_refuses_to_overwrite(tmp_path):
    from click.testing import CliRunner

    from privsynth.cli import cli

    p = tmp_path / "k.key"
    r = CliRunner().invoke(cli, ["keygen", "--out", str(p)])
    assert r.exit_code == 0 and key_fingerprint(load_key(p)) in r.output
    r2 = CliRunner().invoke(cli, ["keygen", "--out", str(p)])
    assert r2.exit_code == 2 and "refusing to overwrite" in r2.output


def test_a_url_safe_base64_key_with_dash_and_underscore_decodes_to_the_same_bytes(monkeypatch):
    key = bytes([0xFB, 0xFF, 0xBF] * 11)[:32]  # encodes to "-_-_..." in URL-safe base64
    text = base64.urlsafe_b64encode(key).decode().rstrip("=")
    assert "-" in text and "_" in text
    monkeypatch.setenv("PRIVSYNTH_TEST_KEY", text)
    assert load_key(None, "PRIVSYNTH_TEST_KEY") == key
