"""Policies: pydantic models, presets, and a loader whose errors name the YAML path."""

from privsynth.policy.loader import check_references, load_policy, preset_names, validate_columns
from privsynth.policy.models import Policy

__all__ = ["Policy", "check_references", "load_policy", "preset_names", "validate_columns"]
