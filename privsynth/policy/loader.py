"""Load a policy file or preset, resolve `extends`, validate, and report errors by YAML path."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Iterable, Optional

import yaml
from pydantic import ValidationError

from privsynth.errors import PolicyError
from privsynth.policy.models import Policy
from privsynth.resources import policies_dir


def preset_names() -> list[str]:
    return sorted(p.stem for p in policies_dir().glob("*.yaml"))


def _resolve(ref: str, base: Optional[Path]) -> Path:
    p = Path(ref)
    if p.suffix in (".yaml", ".yml"):
        if not p.is_absolute() and base is not None:
            p = base / p
        return p
    preset = policies_dir() / f"{ref}.yaml"
    if preset.is_file():
        return preset
    raise PolicyError(f"unknown policy preset {ref!r} (presets: {', '.join(preset_names())})")


def _read_yaml(path: Path) -> dict[str, Any]:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise PolicyError(f"{path}: policy file not found") from None
    except (OSError, UnicodeDecodeError) as e:
        raise PolicyError(f"{path}: cannot read policy ({type(e).__name__})") from None
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as e:
        mark = getattr(e, "problem_mark", None)
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        problem = getattr(e, "problem", None) or "invalid YAML"
        raise PolicyError(f"{path}: malformed YAML{where}: {problem}") from None
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise PolicyError(f"{path}: a policy must be a YAML mapping, got {type(data).__name__}")
    return data


def deep_merge(base: dict[str, Any], over: dict[str, Any]) -> dict[str, Any]:
    out = dict(base)
    for k, v in over.items():
        if isinstance(v, dict) and isinstance(out.get(k), dict):
            out[k] = deep_merge(out[k], v)
        else:
            out[k] = v
    return out


def _load_raw(path: Path, seen: tuple[Path, ...]) -> dict[str, Any]:
    rp = path.resolve()
    if rp in seen:
        raise PolicyError(f"{path}: `extends` forms a cycle")
    data = _read_yaml(path)
    parent = data.get("extends")
    if parent is None:
        return data
    if not isinstance(parent, str):
        raise PolicyError(f"{path}: extends: must be a preset name or a path")
    base = _load_raw(_resolve(parent, path.parent), seen + (rp,))
    merged = deep_merge(base, data)
    merged["extends"] = parent
    return merged


def _fmt_loc(loc: Iterable[Any]) -> str:
    parts = []
    for p in loc:
        parts.append(f"[{p}]" if isinstance(p, int) else (("." if parts else "") + str(p)))
    return "".join(parts) or "(top level)"


def load_policy(ref: Optional[str] = None) -> Policy:
    """Load a policy from a path or preset name; None gives the `internal-ci` preset."""
    path = _resolve(ref or "internal-ci", Path.cwd())
    if not path.is_file():
        raise PolicyError(f"{path}: policy file not found")
    raw = _load_raw(path, ())
    try:
        policy = Policy.model_validate(raw)
    except ValidationError as e:
        err = e.errors()[0]
        more = f" (and {len(e.errors()) - 1} more)" if len(e.errors()) > 1 else ""
        raise PolicyError(f"{path}: {_fmt_loc(err['loc'])}: {err['msg']}{more}") from None
    if not policy.name or policy.name == "default":
        policy.name = path.stem
    return policy


def validate_columns(policy: Policy, columns: Iterable[str], source: str) -> None:
    """Every column named in the policy must exist in the data."""
    cols = set(columns)
    for name in policy.columns:
        if name not in cols:
            raise PolicyError(f"policy columns.{name}: no column {name!r} in {source}")
    for name in policy.transform.quasi_identifiers:
        if name not in cols:
            raise PolicyError(f"policy transform.quasi_identifiers: no column {name!r} in {source}")
    for name in policy.evaluate.columns or []:
        if name not in cols:
            raise PolicyError(f"policy evaluate.columns: no column {name!r} in {source}")
