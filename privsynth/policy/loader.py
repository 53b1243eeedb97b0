"""Load a policy file or preset, resolve `extends`, validate, and report errors by YAML path."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Iterable, Optional

import yaml
from pydantic import ValidationError

from privsynth.errors import PolicyError
from privsynth.io.files import read_text_file
from privsynth.policy.models import Policy
from privsynth.resources import policies_dir


def preset_names() -> list[str]:
    """Names of the shipped presets (`policies/*.yaml`), sorted."""
    return sorted(p.stem for p in policies_dir().glob("*.yaml"))


def _resolve(ref: str, base: Optional[Path], referrer: Optional[Path] = None) -> Path:
    """The file a policy reference names: a path (relative to `base`) or a preset name.

    `referrer` is the policy whose `extends:` holds `ref`; errors then name it and the key.
    """
    at = f"{referrer}: extends: " if referrer is not None else ""
    p = Path(ref)
    if not p.is_absolute() and base is not None and referrer is not None:
        p = base / p
    if p.is_dir():
        raise PolicyError(f"{at}{p}: is a directory, expected a policy YAML file")
    if p.suffix in (".yaml", ".yml") or p.is_file():
        if not p.is_file():
            raise PolicyError(f"{at}{p}: policy file not found")
        return p
    preset = policies_dir() / f"{ref}.yaml"
    if "/" not in ref and preset.is_file():
        return preset
    raise PolicyError(f"{at}unknown policy preset {ref!r} (presets: {', '.join(preset_names())}; or a path to a .yaml file)")


class _UniqueKeyLoader(yaml.SafeLoader):
    """safe_load that refuses a key given twice in one mapping (YAML keeps the last silently)."""


def _no_duplicates(loader: yaml.SafeLoader, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
    seen: set[Any] = set()
    for key_node, _ in node.value:
        key = loader.construct_object(key_node, deep=deep)  # type: ignore[no-untyped-call]
        try:
            dup = key in seen
        except TypeError:
            raise yaml.constructor.ConstructorError(None, None, "a mapping key must be a scalar", key_node.start_mark) from None
        if dup:
            raise yaml.constructor.ConstructorError(None, None, f"key {key!r} appears twice in one mapping", key_node.start_mark)
        seen.add(key)
    return loader.construct_mapping(node, deep=deep)  # type: ignore[no-untyped-call]


_UniqueKeyLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _no_duplicates)


def _read_yaml(path: Path) -> dict[str, Any]:
    text = read_text_file(path, what="policy file", error=PolicyError)
    try:
        data = yaml.load(text, Loader=_UniqueKeyLoader)  # noqa: S506 (a SafeLoader subclass)
    except RecursionError:
        raise PolicyError(f"{path}: malformed YAML: nested too deeply") from None
    except yaml.YAMLError as e:
        mark = getattr(e, "problem_mark", None)
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        problem = getattr(e, "problem", None) or "invalid YAML"
        raise PolicyError(f"{path}: malformed YAML{where}: {problem}") from None
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise PolicyError(f"{path}: a policy must be a YAML mapping, got {type(data).__name__}")
    for k in data:
        if not isinstance(k, str):
            raise PolicyError(f"{path}: top-level key {k!r} is not a name")
    return data


def deep_merge(base: dict[str, Any], over: dict[str, Any]) -> dict[str, Any]:
    """`over` merged onto `base`: mappings key by key, anything else replaced (for `extends`)."""
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
    if not isinstance(parent, str) or not parent.strip():
        raise PolicyError(f"{path}: extends: must be a preset name or a path")
    base = _load_raw(_resolve(parent, path.parent, referrer=path), seen + (rp,))
    merged = deep_merge(base, data)
    merged["extends"] = parent
    if not data.get("name"):
        # a derived policy is not its parent: "relaxed (extends public-release)", never "public-release"
        merged["name"] = f"{path.stem} (extends {base.get('name') or Path(parent).stem})"
    sources = dict(base.get("sources") or {}) if isinstance(base.get("sources"), dict) else {}
    own = data.get("sources") if isinstance(data.get("sources"), dict) else {}
    for key in list(sources):
        if key in own:
            continue
        old, new = _setting(base, key), _setting(data, key)
        if new is not _MISSING and new != old:
            # the parent's justification was for its own value, not for this file's
            sources[key] = (f"{new}: set by the policy file {path.name}, which changes {base.get('name') or parent}'s "
                            f"{old}; the file gives no source for its value")
    if sources or own:
        merged["sources"] = {**sources, **own}
    return merged


_MISSING = object()


def _setting(data: dict[str, Any], dotted: str) -> Any:
    """The value at a dotted key (`evaluate.thresholds.mia_auc_max`) of a raw policy mapping, or _MISSING."""
    cur: Any = data
    for part in dotted.split("."):
        if not isinstance(cur, dict) or part not in cur:
            return _MISSING
        cur = cur[part]
    return cur


def _fmt_loc(loc: Iterable[Any]) -> str:
    parts = []
    for p in loc:
        parts.append(f"[{p}]" if isinstance(p, int) else (("." if parts else "") + str(p)))
    return "".join(parts) or "(top level)"


def load_policy(ref: Optional[str] = None) -> Policy:
    """Load a policy from a path or preset name; None gives the `internal-ci` preset.

    Resolves `extends` chains, validates the result (`Policy`) and the names it refers to
    (`check_references`). Raises PolicyError with one line naming the file and the YAML path.
    """
    path = _resolve(ref or "internal-ci", Path.cwd())
    raw = _load_raw(path, ())
    try:
        policy = Policy.model_validate(raw)
    except ValidationError as e:
        err = e.errors()[0]
        rest = [f"{_fmt_loc(x['loc'])}: {_message(x)}" for x in e.errors()[1:]]
        # every problem on the one line: fixing one typo at a time and re-running is how a user met the next
        more = f" (also {'; '.join(rest[:4])}{f'; and {len(rest) - 4} more' if len(rest) > 4 else ''})" if rest else ""
        raise PolicyError(f"{path}: {_fmt_loc(err['loc'])}: {_message(err)}{more}") from None
    except (RecursionError, TypeError, ValueError) as e:
        raise PolicyError(f"{path}: not a valid policy ({type(e).__name__})") from None
    check_references(policy, str(path))
    if not policy.name or policy.name == "default":
        policy.name = path.stem
    return policy


def _message(err: Any) -> str:
    """pydantic's message, with the known keys (and the closest one) for an unknown key."""
    if err.get("type") != "extra_forbidden":
        return str(err["msg"])
    import difflib

    known = _fields_at(tuple(err["loc"][:-1]))
    if not known:
        return "unknown key"
    close = difflib.get_close_matches(str(err["loc"][-1]), known, n=1)
    hint = f"did you mean {close[0]!r}? " if close else ""
    return f"unknown key ({hint}known: {', '.join(sorted(known))})"


def _fields_at(loc: tuple[Any, ...]) -> list[str]:
    from pydantic import BaseModel

    model: Any = Policy
    for part in loc:
        if not (isinstance(model, type) and issubclass(model, BaseModel)):
            return []
        if isinstance(part, str) and part in model.model_fields:
            ann = model.model_fields[part].annotation
        else:  # an index or a dict key: step into the container's value type
            ann = model
        args = [a for a in getattr(ann, "__args__", ()) if a is not type(None)]
        nested = [a for a in args for a in ([a] + list(getattr(a, "__args__", ()))) if isinstance(a, type) and issubclass(a, BaseModel)]
        model = nested[0] if nested else ann
    if isinstance(model, type) and issubclass(model, BaseModel):
        return list(model.model_fields)
    return []


def check_references(policy: Policy, source: str) -> None:
    """Names in the policy must name something registered: operators (columns.*.operator,
    transform.default_operators.*), recognizer validators, the synthesizer model, and the
    settings that `sources:` cites. Raises PolicyError naming the YAML path."""
    from privsynth.detect.validators import VALIDATORS
    from privsynth.synthesize.engines import SYNTHESIZERS
    from privsynth.transform import OPERATORS

    for name, rule in policy.columns.items():
        if rule.operator is not None and rule.operator not in OPERATORS:
            raise PolicyError(f"{source}: columns.{name}.operator: unknown operator {rule.operator!r} (known: {', '.join(OPERATORS.names())})")
    for cat, op in policy.transform.default_operators.items():
        if op not in OPERATORS:
            raise PolicyError(f"{source}: transform.default_operators.{cat}: unknown operator {op!r} (known: {', '.join(OPERATORS.names())})")
    for i, rec in enumerate(policy.scan.recognizers):
        if rec.validator is not None and rec.validator not in VALIDATORS:
            raise PolicyError(f"{source}: scan.recognizers[{i}].validator: unknown validator {rec.validator!r} (known: {', '.join(VALIDATORS.names())})")
    if policy.synthesize.model not in SYNTHESIZERS:
        raise PolicyError(f"{source}: synthesize.model: unknown synthesizer {policy.synthesize.model!r} (known: {', '.join(SYNTHESIZERS.names())})")
    for key in policy.sources:
        if not _is_setting(key):
            raise PolicyError(f"{source}: sources.{key}: names no policy setting (e.g. evaluate.thresholds.mia_auc_max)")


def _is_setting(dotted: str) -> bool:
    """True when `dotted` (e.g. "evaluate.thresholds.k_min") is a field path of `Policy`."""
    from pydantic import BaseModel

    model: Any = Policy
    for part in dotted.split("."):
        if not (isinstance(model, type) and issubclass(model, BaseModel)) or part not in model.model_fields:
            return False
        ann = model.model_fields[part].annotation
        model = next((a for a in getattr(ann, "__args__", ()) if isinstance(a, type) and issubclass(a, BaseModel)), ann)
    return True


def validate_columns(policy: Policy, columns: Iterable[str], source: str) -> None:
    """Every column named in the policy must exist in the data; raises PolicyError naming the YAML path."""
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
