"""Per-column policy operators in synthesize mode: applied to the release, or refused.

A policy may name an operator per column (`columns.<name>.operator`). In anonymize mode every
operator runs on the real column. In synthesize mode none used to run, silently: the example
policy's `generalize` of `birth_date` (to year) and `postcode` (truncate 2) did nothing. Now
each operator is either applied to the released column after sampling, with the same operator
class as in anonymize mode, or the run is refused before anything is fitted (PolicyError, exit
2, naming the policy path):

| operator | synthesize mode |
|---|---|
| generalize, top_bottom_code, suppress_rare, noise, mask, redact, date_shift | applied to the released column |
| drop | the column is removed from the release |
| keep | nothing to do (the column is modelled) |
| pseudonymize, tokenize, encrypt | refused: synthesis regenerates direct identifiers as fakes and holds no key |
| surrogate, llm | refused: free text follows `synthesize.free_text` |
| k_anonymize | refused: k-anonymity is a property of released real records, not of synthetic ones |
"""

from __future__ import annotations

from typing import Any, Optional

import pandas as pd

from privsynth.errors import PolicyError

APPLIED = frozenset({"generalize", "top_bottom_code", "suppress_rare", "noise", "mask", "redact", "date_shift"})
REFUSED = {
    "pseudonymize": "synthesis regenerates direct identifiers as fakes and holds no key",
    "tokenize": "synthesis regenerates direct identifiers as fakes and holds no key",
    "encrypt": "synthesis regenerates direct identifiers as fakes and holds no key",
    "surrogate": "free text follows synthesize.free_text",
    "llm": "free text follows synthesize.free_text",
    "k_anonymize": "k-anonymity is a property of released real records, not of a synthetic release",
}


def release_operators(policy, columns) -> dict[str, Any]:
    """The operators `policy.columns` names for `columns`, validated for synthesize mode.

    Returns {column: Operator instance} for operators applied to the release (and "drop"/"keep").
    Raises PolicyError naming `policy columns.<name>.operator` for an operator synthesis cannot
    apply, or `policy columns.<name>` for a column that is not in the table.
    """
    from privsynth.transform.base import OPERATORS

    cols = {str(c) for c in columns}
    out: dict[str, Any] = {}
    for name, rule in policy.columns.items():
        if not rule.operator:
            continue
        where = f"policy columns.{name}"
        if name not in cols:
            raise PolicyError(f"{where}: no such column in the table")
        op_name = rule.operator
        cls = OPERATORS.get(op_name, where=f"{where}.operator")
        if op_name in REFUSED:
            raise PolicyError(f"{where}.operator: {op_name!r} cannot be applied in synthesize mode ({REFUSED[op_name]}); "
                              "remove it or use anonymize mode")
        if op_name not in APPLIED and op_name not in ("drop", "keep"):
            raise PolicyError(f"{where}.operator: {op_name!r} cannot be applied in synthesize mode")
        out[name] = cls(rule.params, where)
    return out


def apply_to_release(release: pd.DataFrame, ops: dict[str, Any], policy, treatments: Optional[list] = None) -> pd.DataFrame:
    """`release` with each operator of `ops` applied to its column (drop removes it); the
    treatment of each such column gets a note (and `params.release_operator`)."""
    from privsynth.transform.base import OpContext

    if not ops:
        return release
    out = release.copy()
    by_col = {t.column: t for t in treatments or []}
    for col, op in ops.items():
        if col not in out.columns or op.name == "keep":
            continue
        t = by_col.get(col)
        if op.name == "drop":
            out = out.drop(columns=[col])
            if t is not None:
                t.note = (t.note + "; " if t.note else "") + f"dropped from the release ({op.where}.operator)"
            continue
        ctx = OpContext(column=col, where=op.where, entity_type=None, category="", policy=policy, df=out)
        op.check(out[col], ctx)
        res = op.apply(out[col], ctx)
        out[col] = res.to_numpy() if res is not None else None
        if t is not None:
            params = op.public_params()
            t.params = dict(t.params, release_operator=op.name, release_operator_params=params)
            t.note = (t.note + "; " if t.note else "") + f"then {op.name} applied to the released values ({op.where})"
    return out
