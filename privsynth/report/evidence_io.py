"""Reading stored evidence and re-applying the gate to it, without recomputing any test."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Optional

from pydantic import ValidationError

from privsynth.errors import InputError, PolicyError
from privsynth.io.files import read_text_file
from privsynth.policy.models import Policy
from privsynth.results import SCHEMA_VERSION, Evidence


def _loc(loc: tuple) -> str:
    parts: list[str] = []
    for p in loc:
        parts.append(f"[{p}]" if isinstance(p, int) else (("." if parts else "") + str(p)))
    return "".join(parts) or "(top level)"


def read_evidence_json(path: str | Path) -> Any:
    """Read and parse an evidence JSON file (one line naming the file on any failure).

    File reading only; every check on the content is in `evidence_from_data` (issue 17's shared
    file-loading helper can replace this function without touching those checks)."""
    p = Path(path)
    text = read_text_file(p, what="evidence file", error=InputError)
    if not text.strip():
        raise InputError(f"{p}: empty file, expected an evidence JSON object")
    try:
        return json.loads(text)
    except json.JSONDecodeError as e:
        raise InputError(f"{p}: not valid JSON (line {e.lineno}, column {e.colno}: {e.msg})") from None
    except RecursionError:
        raise InputError(f"{p}: not an evidence document: JSON nested too deeply") from None


MAX_DEPTH = 64  # evidence nests about 8 levels; deeper is not evidence (and would exhaust the stack)


def _too_deep(data: Any, limit: int = MAX_DEPTH) -> bool:
    stack = [(data, 0)]
    while stack:
        x, d = stack.pop()
        if d > limit:
            return True
        if isinstance(x, dict):
            stack.extend((v, d + 1) for v in x.values())
        elif isinstance(x, list):
            stack.extend((v, d + 1) for v in x)
    return False


def _version(v: Any) -> Optional[tuple[int, int]]:
    if not isinstance(v, str):
        return None
    parts = v.split(".")
    if len(parts) != 2 or not all(x.isdigit() for x in parts):
        return None
    return int(parts[0]), int(parts[1])


def evidence_from_data(data: Any, source: str = "evidence") -> Evidence:
    """Validate parsed evidence JSON into an `Evidence` (one line naming `source` and the field).

    Refused: not a JSON object; no `schema_version`; a version that is not MAJOR.MINOR; a newer
    version than this privsynth writes (another major, or a later minor whose fields it would not
    know); nesting deeper than 64 levels; any field of the wrong type or unknown.
    """
    if not isinstance(data, dict):
        kind = {list: "an array", str: "a string", int: "a number", float: "a number", bool: "a boolean", type(None): "null"}.get(type(data), type(data).__name__)
        raise InputError(f"{source}: an evidence document must be a JSON object, got {kind}")
    if "schema_version" not in data:
        raise InputError(f"{source}: not an evidence document: schema_version is missing")
    got, ours = _version(data["schema_version"]), _version(SCHEMA_VERSION)
    if got is None:
        raise InputError(f"{source}: not an evidence document: schema_version must be a string MAJOR.MINOR")
    assert ours is not None
    if got[0] != ours[0] or got[1] > ours[1]:
        raise InputError(f"{source}: evidence schema {data['schema_version']} is not supported (this privsynth reads {ours[0]}.0 to {SCHEMA_VERSION})")
    if _too_deep(data):
        raise InputError(f"{source}: not an evidence document: nested deeper than {MAX_DEPTH} levels")
    try:
        return Evidence.model_validate(data)
    except ValidationError as e:
        err = e.errors()[0]
        more = f" (and {len(e.errors()) - 1} more)" if len(e.errors()) > 1 else ""
        raise InputError(f"{source}: not an evidence document: {_loc(err['loc'])}: {err['msg']}{more}") from None


def load_evidence(path: str | Path) -> Evidence:
    """Read an evidence JSON file; errors are one line naming the file and the field. No integrity
    check (see `load_checked_evidence`)."""
    from privsynth.api import as_path

    path = as_path(path, "load_evidence(path)")
    return evidence_from_data(read_evidence_json(path), str(path))


def load_checked_evidence(path: str | Path) -> Evidence:
    """`load_evidence` plus the tamper checks of `privsynth.gate.check_evidence`: what `privsynth
    gate` and `privsynth report` use. Raises `InputError` (`EvidenceError`) with one line."""
    from privsynth.gate.integrity import check_evidence

    ev = load_evidence(path)
    check_evidence(ev, str(path))
    return ev


def policy_of(evidence: Evidence, source: str = "evidence") -> Policy:
    """The policy recorded in the evidence (the policy as run)."""
    if not evidence.policy:
        raise InputError(f"{source}: the evidence records no policy; pass one with --policy")
    try:
        return Policy.model_validate(evidence.policy)
    except ValidationError as e:
        err = e.errors()[0]
        raise PolicyError(f"{source}: recorded policy is invalid at {_loc(err['loc'])}: {err['msg']}") from None


def extra_checks(ev: Evidence) -> list:
    """Checks the pipeline added beside the tests (kept when the gate is re-applied)."""
    if ev.gate is None:
        return []
    ids = {t.id for t in ev.evaluation.tests} if ev.evaluation else set()
    keep = []
    for c in ev.gate.checks:
        if c.test is None and c.name in ("evaluation", "verdict"):
            continue  # made by run_gate when no evaluation ran, and by apply_gate from the verdict
        if c.test in ids or "(gate.require)" in c.message:
            continue  # made by run_gate from a test or a requirement
        keep.append(c)
    return keep


def regate(evidence: Evidence, policy: Optional[Policy] = None) -> Evidence:
    """A copy of `evidence` with gate and verdict recomputed from the recorded test results.

    The gate settings (severity, skip, require) come from `policy` (default: the policy recorded in
    the evidence). Test outcomes are not recomputed: the thresholds are those of the run.
    """
    from privsynth.gate import apply_gate

    pol = policy if policy is not None else policy_of(evidence)
    ev = evidence.model_copy(deep=True)
    if policy is not None:  # the copy records the policy whose gate it carries (tests keep the run's thresholds)
        ev.policy = policy.model_dump(mode="json")
        ev.policy_name = policy.name
        ev.signature = None  # a re-gated copy is new content: the original's signature does not cover it
    return apply_gate(ev, pol, extra_checks=extra_checks(ev))
