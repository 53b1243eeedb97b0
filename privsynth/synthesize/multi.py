"""Multi-table synthesis with SDV's HMA synthesizer; keys and relations come from the policy.

Policy (``synthesize``)::

    tables:
      users:        {primary_key: user_id}
      sessions:     {primary_key: session_id}
      transactions: {primary_key: transaction_id, column_types: {amount: numerical}}
    relations:
      - {parent_table: users, parent_primary_key: user_id, child_table: sessions, child_foreign_key: user_id}
      - {parent_table: sessions, parent_primary_key: session_id, child_table: transactions, child_foreign_key: session_id}

Holdout: the root tables (those that are nobody's child) are split with the seeded holdout
fraction; a child row goes to the holdout when any parent it refers to is in the holdout, so
no held-out entity leaves a trace in the training data. Keys are never modelled as values: SDV
handles them as ids, then every primary key is replaced by a fresh unique RECORD_ID value
(never a real key) and every foreign key is mapped through its parent's new keys, so the
release's relations are consistent. Other columns are treated as in single-table synthesis.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, Optional

import numpy as np
import pandas as pd

from privsynth import entities as E
from privsynth.errors import InputError, PolicyError
from privsynth.results import ScanResult, SynthesisReport
from privsynth.synthesize.columns import from_model_frame, plan_columns, to_model_frame
from privsynth.synthesize.engines import sdv_metadata, seed_everything
from privsynth.synthesize.identifiers import fake_values
from privsynth.synthesize.single import (
    column_rng,
    assemble_release,
    real_identifier_values,
    split_holdout,
    table_sha256,
)
from privsynth.synthesize.utility import quality_report

Progress = Optional[Callable[[str, int, int], None]]


@dataclass
class MultiTableOutput:
    releases: dict[str, pd.DataFrame]
    train: dict[str, pd.DataFrame]
    holdout: dict[str, pd.DataFrame]
    reports: dict[str, SynthesisReport]
    synthesizer: object


def _check_policy(tables: dict[str, pd.DataFrame], s) -> None:
    if not s.tables:
        raise PolicyError("synthesize.tables: declare the tables and their primary keys for multi-table synthesis")
    for t in s.tables:
        if t not in tables:
            raise PolicyError(f"synthesize.tables.{t}: no such table in the input")
    for t in tables:
        if t not in s.tables:
            raise PolicyError(f"synthesize.tables: table {t!r} is not declared")
        pk = s.tables[t].primary_key
        if pk is not None:
            if pk not in tables[t].columns:
                raise PolicyError(f"synthesize.tables.{t}.primary_key: no column {pk!r}")
            if tables[t][pk].isna().any() or not tables[t][pk].is_unique:
                raise InputError(f"table {t!r}: primary key {pk!r} has missing or duplicate values")
    for i, r in enumerate(s.relations):
        where = f"synthesize.relations[{i}]"
        for tab, col in ((r.parent_table, r.parent_primary_key), (r.child_table, r.child_foreign_key)):
            if tab not in tables:
                raise PolicyError(f"{where}: no table {tab!r}")
            if col not in tables[tab].columns:
                raise PolicyError(f"{where}: table {tab!r} has no column {col!r}")
        if s.tables[r.parent_table].primary_key != r.parent_primary_key:
            raise PolicyError(f"{where}: {r.parent_primary_key!r} is not the primary key of {r.parent_table!r}")
    depth = _depth(list(tables), s.relations)
    if len(tables) > HMA_MAX_TABLES or depth > HMA_MAX_DEPTH:
        raise PolicyError(
            f"synthesize.relations: SDV's HMA supports at most {HMA_MAX_TABLES} tables and parent-child "
            f"depth {HMA_MAX_DEPTH}; this schema has {len(tables)} tables, depth {depth}: split it")


HMA_MAX_TABLES, HMA_MAX_DEPTH = 5, 2


def _depth(tables: list[str], relations) -> int:
    order = _topo_order(tables, relations)
    d: dict[str, int] = {}
    for t in order:
        ps = [r.parent_table for r in relations if r.child_table == t]
        d[t] = 1 + max((d[p] for p in ps), default=0)
    return max(d.values(), default=1)


def _topo_order(tables: list[str], relations) -> list[str]:
    parents = {t: {r.parent_table for r in relations if r.child_table == t} for t in tables}
    order: list[str] = []
    while len(order) < len(tables):
        ready = [t for t in tables if t not in order and parents[t] <= set(order)]
        if not ready:
            raise PolicyError("synthesize.relations: the relations form a cycle")
        order.extend(sorted(ready))
    return order


def split_related(tables: dict[str, pd.DataFrame], s) -> tuple[dict[str, pd.DataFrame], dict[str, pd.DataFrame]]:
    """Seeded holdout of root rows; descendants follow their parents into the holdout."""
    order = _topo_order(list(tables), s.relations)
    held_keys: dict[str, set] = {}
    train: dict[str, pd.DataFrame] = {}
    hold: dict[str, pd.DataFrame] = {}
    for t in order:
        df = tables[t]
        rels = [r for r in s.relations if r.child_table == t]
        if not rels:
            tr, ho = split_holdout(df, s.holdout_fraction, s.seed)
        else:
            mask = np.zeros(len(df), dtype=bool)
            for r in rels:
                mask |= df[r.child_foreign_key].isin(held_keys.get(r.parent_table, set())).to_numpy()
            tr, ho = df[~mask].reset_index(drop=True), df[mask].reset_index(drop=True)
        pk = s.tables[t].primary_key
        held_keys[t] = set(ho[pk]) if pk else set()
        train[t], hold[t] = tr, ho
    return train, hold


def synthesize_tables(
    tables: dict[str, pd.DataFrame],
    policy,
    scans: dict[str, ScanResult],
    progress: Progress = None,
    text_rewriter=None,
) -> MultiTableOutput:
    """Fit HMA on the related tables (keys and relations from ``policy.synthesize``) and sample.

    ``text_rewriter`` (a Series of n texts -> n texts) is required when a free-text column is kept
    (``synthesize.free_text`` surrogate or llm); the caller builds it once
    (``privsynth.pipeline.synthesis_text_rewriter``). Raises InputError and PolicyError."""
    s = policy.synthesize
    _check_policy(tables, s)
    for name, rule in policy.columns.items():  # never silently ignored (privsynth/transform/release_ops.py)
        if rule.operator and rule.operator != "keep":
            raise PolicyError(f"policy columns.{name}.operator: {rule.operator!r} is not applied in multi-table synthesis; "
                              "remove it or generalize the input tables first")
    for t, df in tables.items():
        if len(df) < s.min_rows:
            raise InputError(f"table {t!r} has {len(df)} rows; synthesis needs at least {s.min_rows} (synthesize.min_rows)")
        if t not in scans:
            raise InputError(f"table {t!r}: no scan result")
    keys_of: dict[str, list[str]] = {t: [] for t in tables}
    for t, ts in s.tables.items():
        if ts.primary_key:
            keys_of[t].append(ts.primary_key)
    for r in s.relations:
        if r.child_foreign_key not in keys_of[r.child_table]:
            keys_of[r.child_table].append(r.child_foreign_key)

    plans = {}
    for t, df in tables.items():
        try:
            plans[t] = plan_columns(df.drop(columns=keys_of[t]), scans[t], policy, s.tables[t].column_types)
        except InputError as e:
            raise InputError(f"table {t!r}: {e}") from None

    train, holdout = split_related(tables, s)
    for t in tables:
        if len(train[t]) == 0:
            raise InputError(f"table {t!r}: no training rows left after the holdout split")

    sdtypes = {t: {p.name: p.sdtype for p in plans[t] if p.role == "model"} for t in tables}
    meta_cols = {t: {**{k: "id" for k in keys_of[t]}, **sdtypes[t]} for t in tables}
    metadata = sdv_metadata(
        meta_cols,
        keys={t: ts.primary_key for t, ts in s.tables.items() if ts.primary_key},
        relations=[{"parent_table_name": r.parent_table, "child_table_name": r.child_table,
                    "parent_primary_key": r.parent_primary_key, "child_foreign_key": r.child_foreign_key}
                   for r in s.relations],
    )
    data = {}
    for t in tables:
        frame = to_model_frame(train[t], plans[t])
        for k in keys_of[t]:
            frame[k] = train[t][k].astype(str).where(train[t][k].notna(), None)
        data[t] = frame[list(meta_cols[t])]

    from sdv.multi_table import HMASynthesizer

    synth = HMASynthesizer(metadata, verbose=False)
    seed_everything(s.seed)
    if progress:
        progress("synthesize.fit[hma]", 0, 1)
    synth.fit(data)
    if progress:
        progress("synthesize.fit[hma]", 1, 1)
    synth.reset_sampling()
    synth._numpy_seed = s.seed  # HMA keeps its own numpy seed for sampling
    for sub in getattr(synth, "_table_synthesizers", {}).values():
        sub._set_random_state(s.seed)
    seed_everything(s.seed)
    roots = [t for t in tables if not any(r.child_table == t for r in s.relations)]
    scale = 1.0
    if s.num_rows:
        scale = s.num_rows / max(len(train[t]) for t in roots)
    sampled = synth.sample_scale(scale=scale) if hasattr(synth, "sample_scale") else synth.sample(scale=scale)

    # fresh keys: primary keys regenerated unique (never a real key), foreign keys mapped
    key_map: dict[str, dict[Any, Any]] = {}
    new_keys: dict[str, pd.Series] = {}
    for t in _topo_order(list(tables), s.relations):
        pk = s.tables[t].primary_key
        if not pk:
            continue
        old = sampled[t][pk].reset_index(drop=True)
        real = tables[t][pk]
        vals: list[Any] = fake_values(E.RECORD_ID.name, len(old), column_rng(s.seed, f"{t}.{pk}", "key"), s.locale,
                                      {str(v) for v in real.dropna()})
        if pd.api.types.is_integer_dtype(real):
            vals = [int(v) for v in vals]
        key_map[t] = dict(zip(old.tolist(), vals))
        new_keys[t] = pd.Series(vals, dtype="int64" if pd.api.types.is_integer_dtype(real) else object)

    rewriter = text_rewriter
    if s.free_text != "drop" and any(p.role == "free_text" for ps in plans.values() for p in ps) and rewriter is None:
        raise PolicyError(f"synthesize.free_text: {s.free_text!r} needs a text rewriter: pass text_rewriter= "
                          "(privsynth.pipeline.synthesis_text_rewriter builds it); or use 'drop'")
    releases: dict[str, pd.DataFrame] = {}
    reports: dict[str, SynthesisReport] = {}
    for t, df in tables.items():
        smp = sampled[t].reset_index(drop=True)
        n = len(smp)
        restored = from_model_frame(smp, plans[t], df)
        avoid = real_identifier_values(df, plans[t])
        cols, treatments = assemble_release(plans[t], restored, df, train[t], n, s, avoid, rewriter)
        key_cols: dict[str, pd.Series] = {}
        pk = s.tables[t].primary_key
        if pk:
            key_cols[pk] = new_keys[t]
        for r in s.relations:
            if r.child_table == t:
                fk_new = smp[r.child_foreign_key].map(key_map[r.parent_table])
                if pd.api.types.is_integer_dtype(df[r.child_foreign_key]):
                    fk_new = fk_new.astype("Int64" if fk_new.isna().any() else "int64")
                key_cols[r.child_foreign_key] = fk_new
        ordered = {c: (key_cols[c] if c in key_cols else cols[c]) for c in df.columns if c in key_cols or c in cols}
        rel = pd.DataFrame(ordered)
        releases[t] = rel
        util = {"quality": quality_report(to_model_frame(train[t], plans[t]), to_model_frame(rel, plans[t]), sdtypes[t], s.seed)} if sdtypes[t] else {}
        reports[t] = SynthesisReport(
            model="hma",
            params={"relations": [r.model_dump() for r in s.relations], "primary_key": pk, "scale": scale,
                    "identifiers": s.identifiers, "locale": s.locale},
            seed=s.seed,
            holdout_fraction=s.holdout_fraction,
            train_rows=len(train[t]),
            holdout_rows=len(holdout[t]),
            release_rows=len(rel),
            train_sha256=table_sha256(train[t]),
            holdout_sha256=table_sha256(holdout[t]),
            modelled_columns=list(sdtypes[t]),
            treatments=treatments,
            utility=util,
        )
    return MultiTableOutput(releases=releases, train=train, holdout=holdout, reports=reports, synthesizer=synth)
