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

import os
import secrets
import shutil
from pathlib import Path
from typing import Any, Optional

import numpy as np
import pandas as pd

from privsynth.engine import partitions as P
from privsynth.engine.dataset import Schema, shard_name, write_shard
from privsynth.engine.fingerprint_file import BLOCK, FingerprintFile, index_path, npy_data
from privsynth.engine.secret import SecretKey, unwrap, wrap
from privsynth.engine.tasks import Progress, collect, map_parts, submit_one, submit_parts
from privsynth.results import ScanResult, TransformReport

_ADDITIVE = {"suppressed_values", "bottom_coded", "top_coded", "rows_rewritten", "spans_replaced", "redacted_values"}
_SAME_EVERYWHERE = {"suppressed_categories"}
HASH = "__privsynth_qi_hash"
POS = "__privsynth_first_row"
COUNT = "__privsynth_rows"
RESERVE_DIR = ".reserve"  # in the output's temporary directory while the tasks run: part-NNNNN/ per partition, union/ (`_union_reserves`)


def _plan_ops(schema: Schema, scan: ScanResult, policy) -> list[tuple[str, Any]]:
    """(column, operator) per column, validated against the schema (PolicyError otherwise)."""
    from privsynth.transform.table import _plan

    empty = pd.DataFrame({c: pd.Series([], dtype=t) for c, t in schema.dtypes.items()})[schema.columns]
    return [(str(c), op) for c, op, _ in _plan(empty, scan, policy)]


def _qis(ops: list[tuple[str, Any]], policy) -> list[str]:
    t = policy.transform
    kanon_cols = [c for c, op in ops if op.name == "k_anonymize"]
    return list(dict.fromkeys(list(t.quasi_identifiers) + kanon_cols)) if (kanon_cols or t.k is not None) else []


# --------------------------------------------------------------------------- facts


def fact_wants(ops: list[tuple[str, Any]]) -> tuple[dict[str, list[str]], dict[str, str]]:
    """What must be read from the data, per column, before any partition is transformed
    (module docstring table), and the id column of `date_shift` by id."""
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
    return wants, ids


def needs_reserve(ops: list[tuple[str, Any]]) -> bool:
    """True when an operator draws surrogates (pseudonymize; free-text rewriting, whose record-aware
    redaction also draws them): only then does `anonymize_table` build a surrogate factory and
    its reserve, so only then is the dataset's reserve gathered."""
    return any(op.name == "pseudonymize" or op.text for _, op in ops)


def _facts_of(df: pd.DataFrame, wants: dict[str, list[str]], ids: dict[str, str]) -> dict[str, dict]:
    """One partition's share of the facts (value counts, numbers, integrality, distinct ids)."""
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


def driver_facts(ops: list[tuple[str, Any]], rows: list[int]) -> list[dict[str, dict]]:
    """The facts that need only the partitions' row counts (seeded streams), per partition."""
    per_part: list[dict[str, dict]] = [{} for _ in rows]
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
            for i in range(len(rows)):
                per_part[i].setdefault(col, {})["shifts"] = allshifts[starts[i]:starts[i + 1]]
    return per_part


def reduce_facts(got: list[dict[str, dict]], ops: list[tuple[str, Any]], wants: dict[str, list[str]]) -> dict[str, dict]:
    """The dataset-wide facts from every partition's share (`_facts_of`), per column."""
    glob: dict[str, dict] = {}
    opmap = dict(ops)
    for col, what in wants.items():
        g: dict[str, Any] = {}
        if "value_counts" in what:
            vcs = [r[col]["value_counts"] for r in got if len(r[col]["value_counts"])]
            g["value_counts"] = pd.concat(vcs).groupby(level=0, sort=False).sum() if vcs else pd.Series([], dtype="int64")
        if "integral" in what:
            g["integral"] = all(r[col]["integral"] for r in got)
        if "numbers" in what:
            x = pd.Series(np.concatenate([r[col]["numbers"] for r in got]) if got else np.array([]), dtype=float)
            p = opmap[col].params
            lo = p.lower if p.lower is not None else (x.quantile(p.lower_quantile) if p.lower_quantile is not None else None)
            hi = p.upper if p.upper is not None else (x.quantile(p.upper_quantile) if p.upper_quantile is not None else None)
            if lo is None and hi is None:
                lo, hi = x.quantile(0.01), x.quantile(0.99)
            g["lower"], g["upper"] = lo, hi
        if "ids" in what:
            uniq = pd.unique(pd.concat([r[col]["ids"] for r in got], ignore_index=True)) if got else np.array([])
            p = opmap[col].params
            rng = np.random.default_rng(p.seed if p.seed is not None else secrets.randbits(64))
            shifts = rng.integers(-p.max_days, p.max_days + 1, size=len(uniq) + 1)
            g["id_shifts"] = pd.Series(shifts[:-1], index=pd.Index(uniq, dtype=object) if len(uniq) else pd.Index([], dtype=object))
            g["na_shift"] = int(shifts[-1])
        glob[col] = g
    return glob


def merge_facts(per_part: list[dict[str, dict]], glob: dict[str, dict]) -> list[dict[str, dict]]:
    for i in range(len(per_part)):
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


def _combos_of(df: pd.DataFrame, offset: int, scan: ScanResult, policy, secret: Optional[SecretKey], facts: dict, qis: list[str], reserve=None) -> pd.DataFrame:
    """The distinct transformed QI combinations of one partition: values, rows, first global row."""
    from privsynth.transform import anonymize_table

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


def _prepare_task(part: P.Part, schema: Schema, scan: ScanResult, policy, wants: dict, ids: dict, reserve_dir: Optional[str] = None,
                  combos: Optional[dict] = None) -> dict[str, Any]:
    """The one pass before the output: a partition's share of the facts, its reserve (when
    `reserve_dir` is given: some operator draws surrogates) and, when the quasi-identifiers'
    operators need no dataset-wide fact, its distinct QI combinations (`combos` holds
    `_combos_of`'s arguments). One read.

    The partition's reserve is written to `reserve_dir` (sorted fingerprints, `Reserve.save`) and
    returned file-backed, so neither this worker nor the union task holds it in memory."""
    from privsynth.transform.reserve import reserve_of

    df = P.load(part, schema)
    return {"facts": _facts_of(df, wants, ids),
            # parents=False: after a failed run removed its staging directory, a task still running writes nothing
            "reserve": reserve_of(df, scan, policy).save(Path(reserve_dir), parents=False) if reserve_dir is not None else None,
            "combos": _combos_of(df, scan=scan, policy=policy, **combos) if combos is not None else None}


def _combos_task(part: P.Part, schema: Schema, **kw) -> pd.DataFrame:
    """`_combos_of` for a partition read again (QI operators that need dataset-wide facts)."""
    return _combos_of(P.load(part, schema), **kw)


def _field(result: dict, name: str):
    return result[name]


def _merge_by_range(sources: list[Path], out: Path, per_range: int) -> int:
    """Write the sorted distinct union of the sorted uint64 arrays in `sources` (`.npy` files) to
    `out` (`.npy`, atomically), one range of fingerprint values at a time: the value space
    [0, 2**64) is cut into R equal ranges, R = ceil(total / per_range); each range's slice of every
    source (found by `searchsorted` on the memory-mapped source, then read with a plain file read)
    is concatenated, sorted, de-duplicated and appended to the output. Fingerprints are SipHash
    values (uniform), so a range holds about `per_range` entries and the peak is about 16 bytes an
    entry of one range, whatever the number of sources. The result equals `np.unique` of all the
    sources together. Beside it goes its block index (`fingerprint_file.index_path`: the first
    entry of every block of `BLOCK` entries), which `FingerprintFile` reads instead of mapping
    the file. Returns the entries written."""
    from privsynth.transform.reserve import sorted_distinct

    heads = [npy_data(p) for p in sources]
    total = sum(n for _, n in heads)
    ranges = max(1, -(-total // max(1, per_range)))
    # range r holds [bounds[r], bounds[r + 1]); the last range is closed above (2**64 - 1 included)
    bounds = [int(r * (1 << 64) // ranges) for r in range(ranges)]
    cuts = []
    for p, (_, n) in zip(sources, heads):
        if not n:
            cuts.append(np.zeros(ranges + 1, dtype=np.int64))
            continue
        a = np.load(p, mmap_mode="r")
        c = np.empty(ranges + 1, dtype=np.int64)
        c[:-1] = np.searchsorted(a, np.asarray(bounds, dtype=np.uint64))
        c[-1] = n
        cuts.append(c)
        del a  # unmapped: a source's pages are read below, one range at a time
    raw = out.with_name(f".{out.name}.{os.getpid()}.raw")
    written = 0
    index: list[np.ndarray] = []
    with open(raw, "wb") as fh:
        for r in range(ranges):
            chunks = [np.fromfile(p, dtype=np.uint64, count=int(c[r + 1] - c[r]), offset=off + 8 * int(c[r]))
                      for p, (off, _), c in zip(sources, heads, cuts) if c[r + 1] > c[r]]
            if not chunks:
                continue
            a = sorted_distinct(np.concatenate(chunks) if len(chunks) > 1 else chunks[0])  # sorted, each entry once
            del chunks
            a.tofile(fh)
            index.append(a[(-written) % BLOCK::BLOCK].copy())  # the entries at global positions 0, BLOCK, 2 BLOCK, ...
            written += len(a)
            del a
    tmp = out.with_name(f".{out.name}.{os.getpid()}.tmp")
    with open(tmp, "wb") as fh, open(raw, "rb") as src:
        np.lib.format.write_array_header_1_0(fh, {"descr": np.lib.format.dtype_to_descr(np.dtype(np.uint64)), "fortran_order": False, "shape": (written,)})
        shutil.copyfileobj(src, fh, 1 << 24)
    ipath = index_path(out)
    itmp = ipath.with_name(f".{ipath.name}.{os.getpid()}.tmp")
    with open(itmp, "wb") as fh:
        np.save(fh, np.concatenate(index) if index else np.empty(0, dtype=np.uint64), allow_pickle=False)
    os.replace(itmp, ipath)
    os.replace(tmp, out)
    raw.unlink()
    return written


def _union_reserves(*results, sources: list[str], directory: str):
    """The dataset's reserve: the union of the partitions' (results of `_prepare_task`, each
    saved by `Reserve.save` to its directory in `sources`), written once to `directory` (`values.npy`, `digits.npy`:
    sorted distinct 64-bit fingerprints, the format of `Reserve.save`, each with its block index)
    and returned file-backed (`FingerprintFile`): its pickle is the two paths and the name
    tokens, and each task reads only the blocks of the files its look-ups need instead of
    receiving a dataset-sized set per task or mapping the whole files.

    The union is merged range by range of fingerprint values (`_merge_by_range`), each range
    about as large as the largest partition's set, so this task's memory is bounded by the
    partition size (about 16 bytes an entry of one partition's reserve, plus the name tokens,
    which are bounded by the names' vocabulary), not the dataset size. The files are the ones a
    union sorted in memory would write, byte for byte."""
    from privsynth.transform.reserve import Reserve

    parts = [r["reserve"] for r in results]
    out = Path(directory)
    out.mkdir(exist_ok=True)  # its parent is the run's staging directory: never recreated after a failed run removed it
    total = Reserve(region=parts[0].region if parts else "US")
    for name in ("values", "digits"):
        files = [Path(d) / f"{name}.npy" for d in sources]
        per_range = max([npy_data(f)[1] for f in files] + [1])
        _merge_by_range(files, out / f"{name}.npy", per_range)
        setattr(total, name, FingerprintFile(out / f"{name}.npy"))
    for p in parts:
        total.name_tokens |= p.name_tokens
    return total


def _kanon_plan(*pieces, qis: list[str], k: int, hierarchies: dict, max_suppression: float) -> tuple[pd.DataFrame, dict[str, int], dict]:
    """The dataset's k-anonymity plan from every partition's distinct QI combinations (DataFrames,
    or `_prepare_task` results holding them): `kanon.k_anonymize` on the distinct combinations
    with their row counts as weights, in order of first appearance -- the local engine's greedy
    search, levels and statistics. Returns (combination hash -> kept, generalized values; levels;
    statistics). A task on the cluster: its result is passed to the output tasks as a future and
    recomputed from lineage if the worker holding it dies."""
    from privsynth.transform import kanon as K

    frames = [p["combos"] if isinstance(p, dict) else p for p in pieces]
    frames = [f for f in frames if f is not None and len(f)]
    allc = pd.concat(frames, ignore_index=True)
    agg = {c: "first" for c in qis} | {POS: "min", COUNT: "sum"}
    combos = allc.sort_values(POS, kind="stable").groupby(HASH, sort=False).agg(agg).sort_values(POS, kind="stable")
    del allc, frames
    kept_df, kstats = K.k_anonymize(combos[qis].reset_index(drop=True), qis, int(k), hierarchies, max_suppression, weights=combos[COUNT].to_numpy())
    table = pd.DataFrame(index=combos.index)
    kept = np.zeros(len(combos), dtype=bool)
    kept[kept_df.index.to_numpy()] = True
    table["kept"] = kept
    for c in qis:
        if kstats["levels"][c] > 0:
            col = pd.Series(None, index=range(len(combos)), dtype=object)
            col.loc[kept_df.index] = kept_df[c].to_numpy()
            table[c] = col.to_numpy()
    return table, dict(kstats["levels"]), kstats


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
                    want_mapping: bool, kanon: Optional[tuple] = None, reserve=None) -> dict:
    from privsynth.transform import anonymize_table

    df = P.load(part, schema)
    step = _no_kanon if kanon is None else _apply_kanon(kanon[0], kanon[1])
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
    report, mapping or None, output columns). Raises what the local engine raises.

    Each partition is read twice after the scan: once by `_prepare_task` (facts, reserve and QI
    combinations together) and once by the output task; a third read (`_combos_task`) only when a
    quasi-identifier's operator needs a dataset-wide fact (suppress_rare, quantile coding, ...)
    or draws surrogates. Nothing is persisted on the workers but the reserve and the k-anonymity
    plan, both task results (recomputed from lineage if a worker dies)."""
    from privsynth.errors import KeyMaterialError, PolicyError

    if key is not None and (not isinstance(key, (bytes, bytearray)) or len(key) < 16):
        raise KeyMaterialError("the key must be at least 16 bytes")
    ops = _plan_ops(schema, scan, policy)
    for col, op in ops:  # a keyed operator without a key fails before any task runs
        if op.keyed and key is None:
            raise KeyMaterialError(f"policy: operator {op.name!r} on column {col!r} needs a key (give --key-file or set PRIVSYNTH_KEY; create one with `privsynth keygen`)")
    secret = wrap(key)
    qis = _qis(ops, policy)
    total = int(sum(rows))
    k = None
    if qis:
        t = policy.transform
        ks = [op.params.k for c, op in ops if op.name == "k_anonymize" and op.params.k]
        k = max(ks) if ks else t.k
        if k is None:
            raise PolicyError("policy transform.k: k-anonymization needs k (set transform.k or params.k of a k_anonymize column)")
        if k > total:
            raise PolicyError(f"policy transform.k: k={k} is larger than the table ({total} rows)")
    wants, ids = fact_wants(ops)
    reserve_needed = needs_reserve(ops)
    facts = driver_facts(ops, rows)
    offsets = np.concatenate([[0], np.cumsum(rows)]).astype(np.int64)
    opmap = dict(ops)
    refs = [r.params.get("id_column") for c, r in policy.columns.items() if c in qis and r.params]
    qi_cols = set(qis) | {c for c in refs if c}
    # the QI combinations can be gathered in the same pass as the facts when no QI operator needs
    # a fact read from the data or the reserve
    fuse = bool(qis) and not any(c in wants for c in qi_cols) and not needs_reserve([(c, opmap[c]) for c in qi_cols if c in opmap])
    combo_args = [{"offset": int(offsets[i]), "facts": facts[i], "secret": secret, "qis": qis} for i in range(len(parts))]
    reserve_dir = Path(tmp_dir) / RESERVE_DIR  # removed below: never part of the output
    part_dirs = [str(reserve_dir / f"part-{i:05d}") for i in range(len(parts))]
    if reserve_needed:
        reserve_dir.mkdir(exist_ok=True)  # the tasks create only their own directories inside it
    prepared = submit_parts(client, _prepare_task, parts, stage="anonymize-facts",
                            per_part=[{"combos": combo_args[i] if fuse else None, "reserve_dir": part_dirs[i] if reserve_needed else None}
                                      for i in range(len(parts))],
                            schema=schema, scan=scan, policy=policy, wants=wants, ids=ids)
    reserve_arg = (submit_one(client, _union_reserves, *prepared, stage="reserve-union", sources=part_dirs, directory=str(reserve_dir / "union"))
                   if reserve_needed else None)
    kanon_arg = None
    kstats_f = None
    if qis:
        hier = _hierarchies(ops, qis, policy)
        kw = dict(qis=qis, k=int(k), hierarchies=hier, max_suppression=policy.transform.max_suppression)
        if fuse:
            kanon_arg = submit_one(client, _kanon_plan, *prepared, stage="anonymize-kanon", **kw)
    share = submit_parts(client, _field, prepared, stage="anonymize-share", name="facts")
    del prepared  # the workers keep each result until its dependents ran; its lineage stays for recomputation
    got = collect(client, share, stage="anonymize-facts", progress=progress)
    facts = merge_facts(facts, reduce_facts(got, ops, wants))
    del got
    if qis and not fuse:
        pieces = submit_parts(client, _combos_task, parts, stage="anonymize-qi",
                              per_part=[{"offset": int(offsets[i]), "facts": facts[i]} for i in range(len(parts))],
                              schema=schema, scan=scan, policy=policy, secret=secret, qis=qis, reserve=reserve_arg)
        kanon_arg = submit_one(client, _kanon_plan, *pieces, stage="anonymize-kanon", **kw)
        del pieces
    kstats = None
    if kanon_arg is not None:
        kstats = collect(client, [submit_one(client, _field_at, kanon_arg, 2, stage="anonymize-kanon-stats")], stage="anonymize-kanon", progress=progress)[0]
    try:
        results = map_parts(client, _anonymize_task, parts, stage="anonymize", progress=progress,
                            per_part=[{"facts": facts[i], "out_path": str(Path(tmp_dir) / shard_name(i, suffix))} for i in range(len(parts))],
                            schema=schema, scan=scan, policy=policy, secret=secret, want_mapping=want_mapping, kanon=kanon_arg, reserve=reserve_arg)
    finally:
        del reserve_arg
        shutil.rmtree(reserve_dir, ignore_errors=True)
    return _assemble(results, kstats, key, None)


def _field_at(result: tuple, i: int):
    return result[i]


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
