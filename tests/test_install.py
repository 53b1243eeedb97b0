"""The installed (non-editable) package ships its report templates and policy presets."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    proc = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--disable-pip-version-check", "-q", "-w", str(out), str(ROOT)],
        capture_output=True, text=True, timeout=600,
    )
    if proc.returncode != 0:
        pytest.skip(f"cannot build a wheel here (pip wheel failed: {proc.stderr.strip().splitlines()[-1:]})")
    return next(out.glob("privsynth-*.whl"))


@pytest.mark.install
def test_wheel_contains_templates_and_presets(wheel):
    names = zipfile.ZipFile(wheel).namelist()
    assert any(n.startswith("privsynth/_data/templates/") for n in names)
    presets = [n for n in names if n.startswith("privsynth/_data/policies/") and n.endswith(".yaml")]
    assert presets, names


@pytest.mark.install
def test_installed_package_finds_its_presets_and_templates_outside_the_checkout(wheel, tmp_path):
    site = tmp_path / "site"
    subprocess.run([sys.executable, "-m", "pip", "install", "--no-deps", "--disable-pip-version-check", "-q", "--target", str(site), str(wheel)], check=True, timeout=300)
    code = (
        "import privsynth, privsynth.resources as r, privsynth.policy as p;"
        "print(privsynth.__file__); print(r.templates_dir()); print(r.policies_dir()); print(','.join(p.preset_names()))"
    )
    env = {**os.environ, "PYTHONPATH": str(site)}
    proc = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    mod, templates, policies, presets = proc.stdout.strip().splitlines()
    assert mod.startswith(str(site))
    assert templates.startswith(str(site)) and policies.startswith(str(site))
    assert "internal-ci" in presets.split(",")
