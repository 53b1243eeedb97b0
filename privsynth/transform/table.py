"""anonymize_table and decrypt_table: plan every column, validate everything, then apply."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any, Callable, Optional

import pandas as pd

from privsynth.errors import KeyMaterialError, PolicyError
from privsynth.results import ColumnTreatment, ScanResult, TransformReport
from privsynth.transform.base import OPERATORS, Detector, Operator, OpContext, map_unique
from privsynth.transform.keys import key_fingerprint

Progress = Optional[Callable[[str, int, int], None]]
_log = logging.getLogger("privsynth.transform")


@dataclass
class TransformOutput:
    """The transformed table, its report and (only when asked) the re-identification mapping.

    Unpacks as `(data, report)` too, matching the `(DataFrame, TransformReport)` contract in
    docs/architecture.md.
    """

    data: pd.DataFrame
    report: TransformReport
    mapping: Optional[pd.DataFrame] = None

    def __iter__(self):
        return iter((self.data, self.report))


def _plan(df: pd.DataFrame, scan: Optional[ScanResult], policy) -> list[tuple[str, Operator, OpContext]]:
    """Resolve and validate the operator of every column (no data is changed here)."""
    cols = [str(c) for c in df.columns]
    for name, rule in policy.columns.items():
        if name not in cols:
            raise PolicyError(f"policy columns.{name}: no such column in the table (columns: {', '.join(cols[:20])})")
    for name in policy.transform.quasi_identifiers:
        if name not in cols:
            raise PolicyError(f"policy transform.quasi_identifiers: no such column {name!r} in the table")
    by_name = scan.by_name() if scan is not None else {}
    plan = []
    for col in df.columns:
        rule = policy.columns.get(str(col))
        cs = by_name.get(str(col))
        category = (rule.category if rule and rule.category else None) or (cs.category if cs else "non_personal")
        entity_type = (rule.entity_type if rule and rule.entity_type else None) or (cs.entity_type if cs else None)
        if rule is not None and rule.operator:
            op_name, params, where = rule.operator, rule.params, f"policy columns.{col}"
        else:
            op_name = policy.transform.default_operator(category)
            params = rule.params if rule is not None else {}
            where = f"policy columns.{col}" if rule is not None else f"policy transform.default_operators.{category}"
        if op_name == "keep" and cs is not None and category != "free_text":
            op_name, category, where = _identifiers_kept(str(col), cs, rule, policy, op_name, category, where)
        cls = OPERATORS.get(op_name, where=f"{where}.operator" if rule is not None and rule.operator else where)
        op = cls(params, where)
        ctx = OpContext(column=str(col), where=where, entity_type=entity_type, category=category, policy=policy, df=df)
        plan.append((col, op, ctx))
    return plan


def _identifiers_kept(col: str, cs, rule, policy, op_name: str, category: str, where: str) -> tuple[str, str, str]:
    """Defence in depth: a column the scan found identifiers inside (phones, national IDs... in multi-word values,
    `privsynth.detect.decide.identifiers_inside`) is never kept silently. Unless the policy names an operator for the
    column, it is treated as free text when the policy's free-text operator is not keep; a warning (column name and
    entity types, never values) says so either way. Returns (operator, category, where)."""
    from privsynth.detect.decide import identifiers_inside

    inside = identifiers_inside(cs.evidence or {})
    if not inside:
        return op_name, category, where
    types = ", ".join(f"{e} in {v:.0%}" for e, v in inside.items())
    ft_op = policy.transform.default_operator("free_text")
    if (rule is None or not rule.operator) and ft_op != "keep":
        _log.warning(f"column {col!r}: the scan called it {category} but found identifiers inside its values ({types} of the "
                     f"probed values); treated as free text (operator {ft_op})")
        return ft_op, "free_text", "policy transform.default_operators.free_text (identifiers inside the values)"
    _log.warning(f"column {col!r}: the scan found identifiers inside its values ({types} of the probed values) but "
                 f"{where} keeps it verbatim")
    return op_name, category, where


def anonymize_table(
    df: pd.DataFrame,
    scan: Optional[ScanResult],
    policy,
    key: Optional[bytes] = None,
    progress: Progress = None,
    detector: Optional[Detector] = None,
    want_mapping: bool = False,
    facts: Optional[dict[str, dict[str, Any]]] = None,
    table_step: Optional[Callable[..., Any]] = None,
    reserve=None,
) -> TransformOutput:
    """Apply the policy's operator to every column; k-anonymize the quasi-identifiers if asked.

    `reserve` (a `privsynth.transform.reserve.Reserve`): real identifier values of other tables
    that no surrogate may equal, besides this table's own (see reserve.py for joins across files).

    All validation (operators, parameters, keys, hierarchies, k) happens before any column is
    transformed; errors are PolicyError / KeyMaterialError with one-line messages.

    `detector` finds PII spans in free text (n texts -> n lists of spans); it is required only when
    a free-text operator runs (surrogate, llm), and the caller builds it once
    (`privsynth.pipeline.text_detector(policy)`). Raises PolicyError when one is needed and missing,
    KeyMaterialError for a key shorter than 16 bytes.

    `facts` (column -> dataset-wide facts) and `table_step` (replaces `kanon.k_anonymize`) are
    how the Dask engine (privsynth.engine) applies this function to one partition of a larger
    dataset with the same result as on the whole table; local callers leave them None.
    """
    from privsynth.transform import kanon  # noqa: F401  (registers nothing; imported for the table step)
    from privsynth.transform.surrogates import SurrogateFactory

    if key is not None and (not isinstance(key, (bytes, bytearray)) or len(key) < 16):
        raise KeyMaterialError("the key must be at least 16 bytes")
    plan = _plan(df, scan, policy)
    t = policy.transform
    factory_box: dict[str, Any] = {}

    def get_factory():
        if "f" not in factory_box:
            # no surrogate may equal a real identifier value of this table or of the reserve given
            from privsynth.transform.reserve import reserve_of

            own = reserve_of(df, scan, policy)
            factory_box["reserve"] = own.update(reserve) if reserve is not None else own
            factory_box["f"] = SurrogateFactory(key, t.locale, reserve=factory_box["reserve"])  # type: ignore[arg-type]
        return factory_box["f"]

    det_box: dict[str, Any] = {}

    def get_detector():
        if "d" not in det_box:
            if detector is None:
                raise PolicyError("a free-text operator needs a text detector: pass detector= to anonymize_table "
                                  "(privsynth.pipeline.text_detector(policy) builds the standard one)")
            det_box["d"] = detector
        return det_box["d"]

    for col, op, ctx in plan:
        ctx.key = key
        ctx.locale = t.locale
        ctx.factory_getter = get_factory
        ctx.detector_factory = get_detector
        ctx.want_mapping = want_mapping
        ctx.facts = (facts or {}).get(str(col), {})

    # a detector working in another process (privsynth.textworkers.TextPrefetch) also rewrites the free text
    # there when given the surrogate factory's settings: given now, before the structured operators run here
    offer = getattr(detector, "offer_factory", None)
    if offer is not None and key is not None and any(op.text for _, op, _ in plan):
        offer(get_factory(), key, t.locale, factory_box["reserve"])

    # k-anonymization plan
    kanon_cols = [str(c) for c, op, _ in plan if op.name == "k_anonymize"]
    qis = list(dict.fromkeys(list(t.quasi_identifiers) + kanon_cols)) if (kanon_cols or t.k is not None) else []
    k = None
    hierarchies: dict[str, Optional[dict[str, str]]] = {}
    if qis:
        ks = [op.params.k for c, op, _ in plan if op.name == "k_anonymize" and op.params.k]
        k = max(ks) if ks else t.k
        if k is None:
            raise PolicyError("policy transform.k: k-anonymization needs k (set transform.k or params.k of a k_anonymize column)")
        if k > len(df) and table_step is None:
            raise PolicyError(f"policy transform.k: k={k} is larger than the table ({len(df)} rows)")
        dropped = [str(c) for c, op, _ in plan if op.name in ("drop",) and str(c) in qis]
        if dropped:
            raise PolicyError(f"policy transform.quasi_identifiers: column {dropped[0]!r} is dropped, so it cannot be k-anonymized")
        from privsynth.transform.operators import hierarchy_lookup

        opmap = {str(c): op for c, op, _ in plan}
        for c in qis:
            hname = getattr(opmap[c].params, "hierarchy", None) if opmap[c].name == "k_anonymize" else None
            if hname is None and c in t.hierarchies:
                hname = c
            if hname is not None:
                h = hierarchy_lookup(policy, hname, f"policy columns.{c}.params.hierarchy")
                vals = pd.Series(df[c].dropna().unique()).astype(str)
                missing = int((~vals.isin(list(h))).sum())
                if missing:
                    raise PolicyError(f"policy transform.hierarchies.{hname}: does not cover {missing} distinct value(s) of column {c!r}")
                hierarchies[c] = h
            else:
                hierarchies[c] = None

    # data-dependent validation of every column, before any output
    for col, op, ctx in plan:
        op.check(df[col], ctx)

    total = len(plan) + (1 if qis else 0)
    out_cols: dict[Any, pd.Series] = {}
    treatments: list[ColumnTreatment] = []
    stats: dict[str, Any] = {"columns": {}}
    mappings: list[pd.DataFrame] = []
    keyed_used = False
    # identifier columns first, so that record-aware redaction of the free text knows what each
    # identifier became (the output keeps the input's column order)
    order = [j for j, (_, op, _) in enumerate(plan) if not op.text] + [j for j, (_, op, _) in enumerate(plan) if op.text]
    redactor_box: dict[str, Any] = {}
    for i, j in enumerate(order):
        col, op, ctx = plan[j]
        if op.text and t.record_redaction:
            if "r" not in redactor_box:
                from privsynth.transform.record import build_redactor

                redactor_box["r"] = build_redactor(df, plan, out_cols, get_factory if key is not None else None, t.locale)
            ctx.record_redactor = redactor_box["r"]
        res = op.apply(df[col], ctx)
        if res is not None:
            out_cols[col] = res
        keyed_used = keyed_used or op.keyed
        gdpr = ctx.gdpr_class or op.gdpr_class
        if op.name == "k_anonymize" or (qis and str(col) in qis and op.name == "keep"):
            gdpr = "anonymization"
        treatments.append(ColumnTreatment(column=str(col), operator=op.name, params=op.public_params(), gdpr_class=gdpr, note=ctx.note))
        if ctx.stats:
            stats["columns"][str(col)] = ctx.stats
        mappings.extend(ctx.mapping)
        if progress:
            progress("transform", i + 1, total)
    data = pd.DataFrame({c: out_cols[c] for c, _, _ in plan if c in out_cols}, index=df.index)
    suppressed = 0
    if qis:
        data, kstats = (table_step or kanon.k_anonymize)(data, qis, int(k), hierarchies, t.max_suppression)
        suppressed = kstats["suppressed_rows"]
        stats["k_anonymity"] = kstats
        for tr in treatments:
            if tr.column in qis and tr.operator != "k_anonymize":
                tr.note = (tr.note + "; " if tr.note else "") + f"then k-anonymized (k={k})"
        if progress:
            progress("transform", total, total)
    data = data.reset_index(drop=True)
    if not stats["columns"]:
        del stats["columns"]
    mapping = None
    if want_mapping:
        mapping = pd.concat(mappings, ignore_index=True) if mappings else pd.DataFrame(columns=["column", "entity_type", "original", "replacement"])
        mapping = mapping.drop_duplicates(ignore_index=True)
    report = TransformReport(
        treatments=treatments,
        key_fingerprint=key_fingerprint(key) if (key is not None and keyed_used) else None,
        mapping_written=bool(want_mapping),
        rows_in=len(df),
        rows_out=len(data),
        suppressed_rows=suppressed,
        stats=stats,
    )
    return TransformOutput(data=data, report=report, mapping=mapping)


def decrypt_table(df: pd.DataFrame, key: bytes, columns: Optional[list[str]] = None) -> tuple[pd.DataFrame, list[str]]:
    """Reverse the `encrypt` operator. Without `columns`, every column whose values all carry the
    "enc:" prefix is decrypted (AES-SIV, RFC 5297). Returns (table, decrypted column names); a
    wrong key raises KeyMaterialError naming the column, an unknown column PolicyError."""
    from privsynth.transform.operators import ENC_PREFIX, aes_siv, decrypt_values

    cols = [str(c) for c in df.columns]
    if columns:
        for c in columns:
            if c not in cols:
                raise PolicyError(f"--columns: no such column {c!r} in the table")
        targets = list(columns)
    else:
        targets = []
        for c in df.columns:
            s = df[c].dropna()
            if len(s) and s.map(lambda v: isinstance(v, str)).all() and s.astype(str).str.startswith(ENC_PREFIX).all():
                targets.append(str(c))
    siv = aes_siv(key)
    out = df.copy()
    for c in targets:
        dec = map_unique(df[c], lambda uv, c=c: decrypt_values(uv, siv, c))
        nn = dec.dropna()
        if len(nn) and nn.str.fullmatch(r"-?(0|[1-9][0-9]{0,17})").all():  # integers round-trip exactly
            dec = pd.to_numeric(dec, errors="coerce").astype("Int64")
        out[c] = dec
    return out, targets
