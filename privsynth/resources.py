"""Locate shipped data (policy presets, report templates) in a wheel or in a source checkout."""

from __future__ import annotations

from pathlib import Path

_PKG = Path(__file__).resolve().parent


def _first_existing(*candidates: Path) -> Path:
    for c in candidates:
        if c.is_dir():
            return c
    raise FileNotFoundError(f"none of {', '.join(str(c) for c in candidates)} exists")


def policies_dir() -> Path:
    """Presets: `privsynth/_data/policies` in a wheel, `policies/` in a checkout."""
    return _first_existing(_PKG / "_data" / "policies", _PKG.parent / "policies")


def templates_dir() -> Path:
    """Report templates: `privsynth/_data/templates` in a wheel, `reports/templates/` in a checkout."""
    return _first_existing(_PKG / "_data" / "templates", _PKG.parent / "reports" / "templates")
