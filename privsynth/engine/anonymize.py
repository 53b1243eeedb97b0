"""Anonymize a dataset of shards on Dask, partition by partition, with the local engine's result.

Every partition runs `transform.anonymize_table` (the local code) on its rows. What depends on
the whole table is computed first, over all partitions, and handed to each partition as facts:

| operator / step | dataset-wide fact | how |
|---|---|---|
| suppress_rare | value counts of the column | per-partition `value_counts`, summed |
| top_bottom_code (quantiles) | the column's quantiles | the column's non-null numbers gathered on the driver (8 bytes a row), `Series.quantile` as locally |
| generalize width / round_to | whether every value is whole | per-partition flag, AND-ed |
| noise | the seeded stream's state at the partition's first row | the driver advances one Generator partition by partition (in chunks) |
| date_shift, id_column | one id -> shift map (the same shift for an individual in every shard) | distinct ids in first-appearance order, one draw |
| date_shift, no id_column | the partition's slice of one stream of shifts | drawn on the driver (8 bytes a row) |
| k-anonymity (quasi-identifiers) | levels per QI, suppressed classes | distinct QI combinations with their row counts and first position (a Dask group-by over the partitions' transformed QI columns), then `kanon.k_anonymize` with weights on the driver |

Unseeded noise and date shifts get a seed drawn once per run (never stored), so the two passes
over the data (QI combinations, then output) transform identically. The key reaches the workers
wrapped in `SecretKey` (privsynth.engine.secret). Statistics that are not additive over
partitions (distinct values, surrogate collisions) are reported as `<name>_partition_max`.
"""

from __future__ import annotations

import secrets
from pathlib import Path
from typing import Any, Optional

import numpy as np
import pandas as pd

from privsynth.engine import partitions as P
from privsynth.engine.dataset import Schema, shard_name, write_shard
from privsynth.engine.secret import SecretKey, unwrap, wrap
from privsynth.engine.tasks import Progress, map_parts, run_id
from privsynth.results import ScanResult, TransformReport

_ADDITIVE = {"suppressed_values", "bottom_coded", "top_coded", "rows_rewritten", "spans_replaced", "redacted_values"}
_SAME_EVERYWHERE = {"suppressed_categories"}
HASH = "__privsynth_qi_hash"
POS = "__privsynth_first_row"
COUNT = "__privsynth_rows"


def _plan_ops(schema: Schema, scan: ScanResult, policy) -> list[tuple[str, Any]]:
    """(column, operator) per column, validated against the schema (PolicyError otherwise)."""
    from privsynth.transform.table import _plan

    empty = pd.DataFrame({c: pd.Series([], dtype=t) for c, t in schema.dtypes.items()})[schema.columns]
    return [(str(c), op) for c, op, _ in _plan(empty, scan, policy)]


def _qis(ops: list[tuple[str, Any]], policy) -> list[str]:
    t = policy.transform
    kanon_cols = [c for c, op in ops if op.name == "k_anonymize"]
    return list(dict.fromkeys(list(t.quasi_identifiers) + kanon_cols)) if (kanon_cols or t.k is not None) else []


# --------------------------------------------------------------------------- facts pass


def _facts_task(part: P.Part, schema: Schema, wants: dict[str, list[str]], ids: dict[str, str]) -> dict[str, dict]:

    df = P.load(part, schema)
    out: dict[str, dict] = {}
    for col, what in wants.items():
        s = df[col]
        d: dict[str, Any] = {}
        x = None
        if "integral" in what or "numbers" in what:
            x = pd.to_numeric(s, errors="coerce").astype(float) if not pd.api.types.is_numeric_dtype(s) else s.astype(float)
        if "value_counts" in what:
            d["value_counts"] = s.value_counts(dropna=True)
        if "integral" in what:
            d["integral"] = bool(np.all(np.mod(x.dropna(), 1) == 0))
        if "numbers" in what:
            d["numbers"] = x.dropna().to_numpy()
        if "ids" in what:
            codes, uniques = pd.factorize(df[ids[col]], use_na_sentinel=True)
            d["ids"] = pd.Series(uniques)
        out[col] = d
    return out


def dataset_facts(client, parts: list[P.Part], schema: Schema, rows: list[int], ops: list[tuple[str, Any]], policy, progress: Progress = None) -> list[dict[str, dict]]:
    """Facts per partition per column (module docstring table)."""
    wants: dict[str, list[str]] = {}
    ids: dict[str, str] = {}
    for col, op in ops:
        p = op.params
        if op.name == "suppress_rare":
            wants.setdefault(col, []).append("value_counts")
        elif op.name == "top_bottom_code" and (p.lower is None or p.upper is None):
            wants.setdefault(col, []).append("numbers")
        elif op.name == "generalize" and (p.width is not None or p.round_to is not None):
            wants.setdefault(col, []).append("integral")
        elif op.name == "date_shift" and p.id_column is not None:
            wants.setdefault(col, []).append("ids")
            ids[col] = p.id_column
    per_part: list[dict[str, dict]] = [{} for _ in parts]
    glob: dict[str, dict] = {}
    if wants:
        got = map_parts(client, _facts_task, parts, stage="anonymize-facts", progress=progress, schema=schema, wants=wants, ids=ids)
        for col, what in wants.items():
            g: dict[str, Any] = {}
            if "value_counts" in what:
                vcs = [r[col]["value_counts"] for r in got if len(r[col]["value_counts"])]
                g["value_counts"] = pd.concat(vcs).groupby(level=0, sort=False).sum() if vcs else pd.Series([], dtype="int64")
            if "integral" in what:
                g["integral"] = all(r[col]["integral"] for r in got)
            if "numbers" in what:
                x = pd.Series(np.concatenate([r[col]["numbers"] for r in got]) if got else np.array([]), dtype=float)
                op = dict(ops)[col]
                p = op.params
                lo = p.lower if p.lower is not None else (x.quantile(p.lower_quantile) if p.lower_quantile is not None else None)
                hi = p.upper if p.upper is not None else (x.quantile(p.upper_quantile) if p.upper_quantile is not None else None)
                if lo is None and hi is None:
                    lo, hi = x.quantile(0.01), x.quantile(0.99)
                g["lower"], g["upper"] = lo, hi
            if "ids" in what:
                uniq = pd.unique(pd.concat([r[col]["ids"] for r in got], ignore_index=True)) if got else np.array([])
                p = dict(ops)[col].params
                rng = np.random.default_rng(p.seed if p.seed is not None else secrets.randbits(64))
                shifts = rng.integers(-p.max_days, p.max_days + 1, size=len(uniq) + 1)
                g["id_shifts"] = pd.Series(shifts[:-1], index=pd.Index(uniq, dtype=object) if len(uniq) else pd.Index([], dtype=object))
                g["na_shift"] = int(shifts[-1])
            glob[col] = g
    for col, op in ops:
        p = op.params
        if op.name == "noise":
            rng = np.random.default_rng(p.seed if p.seed is not None else secrets.randbits(64))
            for i, n in enumerate(rows):
                per_part[i].setdefault(col, {})["rng_state"] = rng.bit_generator.state
                for a in range(0, n, 1 << 20):
                    m = min(1 << 20, n - a)
                    rng.laplace(0.0, p.scale, m) if p.distribution == "laplace" else rng.normal(0.0, p.scale, m)
        elif op.name == "date_shift" and p.id_column is None:
            rng = np.random.default_rng(p.seed if p.seed is not None else secrets.randbits(64))
            allshifts = rng.integers(-p.max_days, p.max_days + 1, size=int(sum(rows)))
            starts = np.concatenate([[0], np.cumsum(rows)]).astype(np.int64)
            for i in range(len(parts)):
                per_part[i].setdefault(col, {})["shifts"] = allshifts[starts[i]:starts[i + 1]]
    for i in range(len(parts)):
        for col, g in glob.items():
            per_part[i].setdefault(col, {}).update(g)
    return per_part


# --------------------------------------------------------------------------- partition work


def _detector(policy):
    """The free-text detector the local engine builds (pipeline.text_detector), built on the worker."""
    from privsynth.pipeline import text_detector

    return text_detector(policy)


def _no_kanon(data, qis, k, hierarchies, max_suppression):
    return data, {"suppressed_rows": 0}  # the dataset-wide statistics replace these (_assemble)


def _qi_hash(data: pd.DataFrame, qis: list[str]) -> np.ndarray:
    return pd.util.hash_pandas_object(data[qis], index=False).to_numpy()


def _reserve_task(part: P.Part, schema: Schema, scan: ScanResult, policy):
    """The real identifier values of one partition (`privsynth.transform.reserve.reserve_of`)."""
    from privsynth.transform.reserve import reserve_of

    return reserve_of(P.load(part, schema), scan, policy)


def _union_reserves(*parts):
    from privsynth.transform.reserve import Reserve

    total = Reserve()
    for r in parts:
        total.update(r)
    return total


def dataset_reserve(client, parts: list[P.Part], schema: Schema, scan: ScanResult, policy):
    """A future of the real identifier values of the whole dataset: no pseudonym or surrogate may
    equal one of them, and every partition must avoid the same set, or the same real value would
    get different pseudonyms in different partitions (the local engine avoids the whole table's
    values). It is a task result, not scattered data: the values never pass through the driver,
    appear in no task's repr (only the future's key does), and a worker that dies holding them
    is recomputed from the partitions."""
    rid = run_id()
    futs = [client.submit(_reserve_task, part, key=f"privsynth-reserve-{rid}-{i}", pure=False, schema=schema, scan=scan, policy=policy)
            for i, part in enumerate(parts)]
    return client.submit(_union_reserves, *futs, key=f"privsynth-reserve-union-{rid}", pure=False)


def _combos_task(part: P.Part, offset: int, schema: Schema, scan: ScanResult, policy, secret: Optional[SecretKey], facts: dict, qis: list[str], reserve=None) -> pd.DataFrame:
    """The distinct transformed QI combinations of one partition: values, rows, first global row."""
    from privsynth.transform import anonymize_table

    df = P.load(part, schema)
    if not len(df):
        return pd.DataFrame()
    # only the quasi-identifiers (and columns their operators read) are transformed in this pass
    refs = [r.params.get("id_column") for c, r in policy.columns.items() if c in qis and r.params]
    keep = [c for c in df.columns if c in qis or c in refs]
    sub = policy.model_copy(deep=True)
    sub.columns = {c: r for c, r in sub.columns.items() if c in keep}
    data = anonymize_table(df[keep], scan, sub, key=unwrap(secret), facts={c: f for c, f in facts.items() if c in keep}, table_step=_no_kanon,
                           detector=_detector(policy), reserve=reserve).data
    q = data[qis].copy()
    q[HASH] = _qi_hash(data, qis)
    q[POS] = np.arange(offset, offset + len(q), dtype=np.int64)
    g = q.groupby(HASH, sort=False)
    out = g.first()
    out[COUNT] = g.size()
    return out.reset_index()


def _apply_kanon(table: pd.DataFrame, levels: dict[str, int]):
    def step(data, qis, k, hierarchies, max_suppression):
        h = _qi_hash(data, qis)
        t = table.reindex(h)
        kept = t["kept"].to_numpy(dtype=bool)
        out = data.copy()
        for c in qis:
            if levels[c] > 0:
                out[c] = t[c].to_numpy()
        return out.loc[kept], {"suppressed_rows": int((~kept).sum())}

    return step


def _anonymize_task(part: P.Part, schema: Schema, scan: ScanResult, policy, secret: Optional[SecretKey], facts: dict, out_path: str,
                    want_mapping: bool, kanon: Optional[tuple[pd.DataFrame, dict[str, int]]], reserve=None) -> dict:
    from privsynth.transform import anonymize_table

    df = P.load(part, schema)
    step = _no_kanon if kanon is None else _apply_kanon(*kanon)
    if len(df):
        res = anonymize_table(df, scan, policy, key=unwrap(secret), facts=facts, table_step=step, want_mapping=want_mapping, detector=_detector(policy),
                              reserve=reserve)
        data, report, mapping = res.data, res.report, res.mapping
    else:
        data, report, mapping = None, None, None
    entry = None
    if data is not None:
        entry = write_shard(data, Path(out_path))
    return {"entry": entry, "report": report, "mapping": mapping, "rows_in": len(df),
            "columns": [str(c) for c in data.columns] if data is not None else None}


# --------------------------------------------------------------------------- driver


def anonymize_dataset(client, parts: list[P.Part], schema: Schema, rows: list[int], scan: ScanResult, policy, key: Optional[bytes],
                      tmp_dir: Path, suffix: str, *, want_mapping: bool = False, progress: Progress = None) -> tuple[list[dict], TransformReport, Optional[pd.DataFrame], list[str]]:
    """Write one output shard per non-empty partition into `tmp_dir`; return (manifest entries,
    report, mapping or None, output columns). Raises what the local engine raises."""
    from privsynth.errors import KeyMaterialError, PolicyError
    from privsynth.transform import kanon as K
    from privsynth.transform.keys import key_fingerprint

    if key is not None and (not isinstance(key, (bytes, bytearray)) or len(key) < 16):
        raise KeyMaterialError("the key must be at least 16 bytes")
    ops = _plan_ops(schema, scan, policy)
    for col, op in ops:  # a keyed operator without a key fails before any task runs
        if op.keyed and key is None:
            raise KeyMaterialError(f"policy: operator {op.name!r} on column {col!r} needs a key (give --key-file or set PRIVSYNTH_KEY; create one with `privsynth keygen`)")
    secret = wrap(key)
    facts = dataset_facts(client, parts, schema, rows, ops, policy, progress)
    reserve_arg = dataset_reserve(client, parts, schema, scan, policy)
    qis = _qis(ops, policy)
    total = int(sum(rows))
    kanon_plan = None
    kstats = None
    if qis:
        t = policy.transform
        ks = [op.params.k for c, op in ops if op.name == "k_anonymize" and op.params.k]
        k = max(ks) if ks else t.k
        if k is None:
            raise PolicyError("policy transform.k: k-anonymization needs k (set transform.k or params.k of a k_anonymize column)")
        if k > total:
            raise PolicyError(f"policy transform.k: k={k} is larger than the table ({total} rows)")
        offsets = np.concatenate([[0], np.cumsum(rows)]).astype(np.int64)
        pieces = map_parts(client, _combos_task, parts, stage="anonymize-qi", progress=progress,
                           per_part=[{"offset": int(offsets[i]), "facts": facts[i]} for i in range(len(parts))],
                           schema=schema, scan=scan, policy=policy, secret=secret, qis=qis, reserve=reserve_arg)
        pieces = [p for p in pieces if len(p)]
        allc = pd.concat(pieces, ignore_index=True)
        agg = {c: "first" for c in qis} | {POS: "min", COUNT: "sum"}
        combos = allc.sort_values(POS, kind="stable").groupby(HASH, sort=False).agg(agg).sort_values(POS, kind="stable")
        hier = _hierarchies(ops, qis, policy)
        kept_df, kstats = K.k_anonymize(combos[qis].reset_index(drop=True), qis, int(k), hier, t.max_suppression,
                                        weights=combos[COUNT].to_numpy())
        table = pd.DataFrame(index=combos.index)
        kept = np.zeros(len(combos), dtype=bool)
        kept[kept_df.index.to_numpy()] = True
        table["kept"] = kept
        for c in qis:
            if kstats["levels"][c] > 0:
                col = pd.Series(None, index=range(len(combos)), dtype=object)
                col.loc[kept_df.index] = kept_df[c].to_numpy()
                table[c] = col.to_numpy()
        kanon_plan = (table, dict(kstats["levels"]))
        del allc, pieces
    kanon_arg = client.scatter([kanon_plan], broadcast=True, hash=False)[0] if kanon_plan is not None else None
    results = map_parts(client, _anonymize_task, parts, stage="anonymize", progress=progress,
                        per_part=[{"facts": facts[i], "out_path": str(Path(tmp_dir) / shard_name(i, suffix))} for i in range(len(parts))],
                        schema=schema, scan=scan, policy=policy, secret=secret, want_mapping=want_mapping, kanon=kanon_arg, reserve=reserve_arg)
    return _assemble(results, kstats, key, key_fingerprint)


def _hierarchies(ops, qis, policy) -> dict[str, Optional[dict[str, str]]]:
    from privsynth.transform.operators import hierarchy_lookup

    opmap = dict(ops)
    out: dict[str, Optional[dict[str, str]]] = {}
    for c in qis:
        hname = getattr(opmap[c].params, "hierarchy", None) if opmap[c].name == "k_anonymize" else None
        if hname is None and c in policy.transform.hierarchies:
            hname = c
        out[c] = hierarchy_lookup(policy, hname, f"policy columns.{c}.params.hierarchy") if hname is not None else None
    return out


def _assemble(results: list[dict], kstats: Optional[dict], key: Optional[bytes], key_fingerprint) -> tuple[list[dict], TransformReport, Optional[pd.DataFrame], list[str]]:
    reports = [r["report"] for r in results if r["report"] is not None]
    if not reports:
        from privsynth.errors import InputError

        raise InputError("dataset: every shard is empty (no rows)")
    first = reports[0]
    entries = [r["entry"] for r in results if r["entry"] is not None]
    cols: dict[str, dict[str, Any]] = {}
    for rep in reports:
        for c, st in (rep.stats.get("columns") or {}).items():
            acc = cols.setdefault(c, {})
            for k, v in st.items():
                if not isinstance(v, (int, float)) or isinstance(v, bool):
                    acc.setdefault(k, v)
                elif k in _ADDITIVE:
                    acc[k] = acc.get(k, 0) + v
                elif k in _SAME_EVERYWHERE:
                    acc[k] = max(acc.get(k, 0), v)
                else:
                    name = f"{k}_partition_max"
                    acc[name] = max(acc.get(name, 0), v)
    stats: dict[str, Any] = {}
    if cols:
        stats["columns"] = cols
    if kstats is not None:
        stats["k_anonymity"] = kstats
    stats["engine"] = {"name": "dask", "partitions": len(results)}
    treatments = [t.model_copy() for t in first.treatments]
    for t in treatments:  # an operator whose class depends on the data: the strongest claim any partition made is not kept
        for rep in reports[1:]:
            other = next((o for o in rep.treatments if o.column == t.column), None)
            if other is not None and other.gdpr_class != t.gdpr_class and "pseudonymization" in (other.gdpr_class, t.gdpr_class):
                t.gdpr_class = "pseudonymization"
    mappings = [r["mapping"] for r in results if r["mapping"] is not None]
    mapping = pd.concat(mappings, ignore_index=True).drop_duplicates(ignore_index=True) if mappings else None
    report = TransformReport(
        treatments=treatments,
        key_fingerprint=first.key_fingerprint,
        mapping_written=first.mapping_written,
        rows_in=int(sum(r["rows_in"] for r in results)),
        rows_out=int(sum(e["rows"] for e in entries)),
        suppressed_rows=int(kstats["suppressed_rows"]) if kstats else 0,
        stats=stats,
    )
    columns = next(r["columns"] for r in results if r["columns"] is not None)
    return entries, report, mapping, columns
