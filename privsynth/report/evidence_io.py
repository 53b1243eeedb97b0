"""Reading stored evidence and re-applying the gate to it, without recomputing any test."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Optional

from pydantic import ValidationError

from privsynth.errors import InputError, PolicyError
from privsynth.policy.models import Policy
from privsynth.results import SCHEMA_VERSION, Evidence


def _loc(loc: tuple) -> str:
    parts: list[str] = []
    for p in loc:
        parts.append(f"[{p}]" if isinstance(p, int) else (("." if parts else "") + str(p)))
    return "".join(parts) or "(top level)"


def load_evidence(path: str | Path) -> Evidence:
    """Read an evidence JSON file; errors are one line naming the file and the field."""
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InputError(f"{p}: evidence file not found") from None
    except IsADirectoryError:
        raise InputError(f"{p}: is a directory, expected an evidence JSON file") from None
    except (OSError, UnicodeDecodeError) as e:
        raise InputError(f"{p}: cannot read evidence ({type(e).__name__})") from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as e:
        raise InputError(f"{p}: not valid JSON (line {e.lineno}, column {e.colno}: {e.msg})") from None
    if not isinstance(data, dict):
        raise InputError(f"{p}: an evidence document must be a JSON object")
    version = str(data.get("schema_version", ""))
    if version and version.split(".")[0] != SCHEMA_VERSION.split(".")[0]:
        raise InputError(f"{p}: evidence schema {version} is not supported (this privsynth reads {SCHEMA_VERSION})")
    try:
        return Evidence.model_validate(data)
    except ValidationError as e:
        err = e.errors()[0]
        more = f" (and {len(e.errors()) - 1} more)" if len(e.errors()) > 1 else ""
        raise InputError(f"{p}: not an evidence document: {_loc(err['loc'])}: {err['msg']}{more}") from None


def policy_of(evidence: Evidence, source: str = "evidence") -> Policy:
    """The policy recorded in the evidence (the policy as run)."""
    if not evidence.policy:
        raise PolicyError(f"{source}: the evidence records no policy; pass one with --policy")
    try:
        return Policy.model_validate(evidence.policy)
    except ValidationError as e:
        err = e.errors()[0]
        raise PolicyError(f"{source}: recorded policy is invalid at {_loc(err['loc'])}: {err['msg']}") from None


def _extra_checks(ev: Evidence) -> list:
    """Checks the pipeline added beside the tests (kept when the gate is re-applied)."""
    if ev.gate is None:
        return []
    ids = {t.id for t in ev.evaluation.tests} if ev.evaluation else set()
    keep = []
    for c in ev.gate.checks:
        if c.name == "evaluation" and c.test is None:
            continue  # made by run_gate when no evaluation ran
        if c.test in ids or "(gate.require)" in c.message:
            continue  # made by run_gate from a test or a requirement
        keep.append(c)
    return keep


def regate(evidence: Evidence, policy: Optional[Policy] = None) -> Evidence:
    """A copy of `evidence` with gate and verdict recomputed from the recorded test results.

    The gate settings (severity, skip, require) come from `policy` (default: the policy recorded in
    the evidence). Test outcomes are not recomputed: the thresholds are those of the run.
    """
    from privsynth.gate import decide_verdict, run_gate

    pol = policy if policy is not None else policy_of(evidence)
    ev = evidence.model_copy(deep=True)
    ev.gate = run_gate(ev.evaluation, pol, extra_checks=_extra_checks(ev))
    ev.verdict = decide_verdict(ev)
    return ev
