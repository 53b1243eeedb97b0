"""Policies: pydantic models, presets, and a loader whose errors name the YAML path."""

from privsynth.policy.loader import load_policy, preset_names, validate_columns
from privsynth.policy.models import Policy

__all__ = ["Policy", "load_policy", "preset_names", "validate_columns"]
