"""The evidence JSON schema committed in docs/ matches the pydantic model."""

from __future__ import annotations

import json
from pathlib import Path

from privsynth.results import evidence_json_schema

SCHEMA = Path(__file__).resolve().parents[1] / "docs" / "evidence.schema.json"


def test_committed_schema_matches_the_model():
    assert json.loads(SCHEMA.read_text()) == evidence_json_schema(), "run: python -m privsynth.results > docs/evidence.schema.json"
