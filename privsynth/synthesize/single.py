"""Single-table synthesis: holdout split, fit on non-identifying columns, identifier regeneration."""

from __future__ import annotations

import hashlib
import zlib
from dataclasses import dataclass
from typing import Any, Callable, Optional

import numpy as np
import pandas as pd

from privsynth import entities as E
from privsynth.errors import InputError, PolicyError
from privsynth.results import ColumnTreatment, ScanResult, SynthesisReport
from privsynth.synthesize.columns import ColumnPlan, from_model_frame, plan_columns, to_model_frame
from privsynth.synthesize.engines import MODEL_NOTE, make_engine  # noqa: F401  (re-exported)
from privsynth.synthesize.identifiers import fake_values
from privsynth.synthesize.utility import evaluate_utility

Progress = Optional[Callable[[str, int, int], None]]
TextRewriter = Callable[[pd.Series], pd.Series]



@dataclass
class SynthesisOutput:
    release: pd.DataFrame
    train: pd.DataFrame
    holdout: pd.DataFrame
    report: SynthesisReport
    synthesizer: object


def canonical_csv(df: pd.DataFrame) -> bytes:
    """The canonical serialization hashed in the report: CSV, UTF-8, no index, '\\n' line ends,
    missing values as empty fields. Writing a split with these bytes reproduces its hash."""
    return df.to_csv(index=False, lineterminator="\n").encode("utf-8")


def table_sha256(df: pd.DataFrame) -> str:
    return hashlib.sha256(canonical_csv(df)).hexdigest()


def split_holdout(df: pd.DataFrame, fraction: float, seed: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Seeded random split; both parts keep the input's row order and have a fresh index."""
    n = len(df)
    n_hold = int(round(fraction * n))
    n_hold = min(max(n_hold, 1), n - 1)
    rng = np.random.default_rng(seed)
    perm = rng.permutation(n)
    hold_idx = np.sort(perm[:n_hold])
    train_idx = np.sort(perm[n_hold:])
    return df.iloc[train_idx].reset_index(drop=True), df.iloc[hold_idx].reset_index(drop=True)


def column_rng(seed: int, col: str, salt: str) -> np.random.Generator:
    return np.random.default_rng([seed, zlib.crc32(f"{salt}:{col}".encode("utf-8"))])


def _str_values(s: pd.Series) -> set[str]:
    return {str(v) for v in s.dropna().tolist()}


def regenerate_identifier(p: ColumnPlan, real: pd.Series, n: int, seed: int, locale: str,
                          avoid: set[str]) -> pd.Series:
    """Fake values of the column's entity type for ``n`` rows, missing at the real column's rate."""
    rng = column_rng(seed, p.name, "identifier")
    et = (p.entity_type or "").upper() or None
    like = [str(int(v)) if isinstance(v, float) and v.is_integer() else str(v) for v in real.dropna().head(1000)]
    if et == E.RECORD_ID.name:
        vals: list[Any] = fake_values(et, n, rng, locale, avoid, like=like)
        if pd.api.types.is_integer_dtype(real) or pd.api.types.is_float_dtype(real):
            return pd.Series([int(v) for v in vals], dtype="int64")
        return pd.Series(vals, dtype=object)
    miss = float(real.isna().mean())
    present = rng.random(n) >= miss if miss > 0 else np.ones(n, dtype=bool)
    vals = fake_values(et, int(present.sum()), rng, locale, avoid, like=like)
    out = pd.Series([np.nan] * n, dtype=object)
    out[present] = vals
    return out


def _training_redactor(train: pd.DataFrame, ids: list[ColumnPlan], locale: str, full: Optional[pd.DataFrame] = None):
    """Record-aware redaction (privsynth/transform/record.py) of released training texts: each
    text's own row's identifier values, and every training row's, replaced by keyed surrogates
    under a one-off key that is never stored (none of them a real identifier value). None when
    the table has no identifier column."""
    import secrets

    from privsynth.transform.record import IdentifierColumn, RecordRedactor, region_of
    from privsynth.transform.reserve import Reserve
    from privsynth.transform.surrogates import SurrogateFactory

    if not ids:
        return None
    reserve = Reserve()
    everyone = train if full is None else full  # holdout rows' values are real too
    for q in ids:
        reserve.add(q.entity_type, everyone[q.name].tolist())
    fac = SurrogateFactory(secrets.token_bytes(32), locale, reserve=reserve)
    # rows 0..len(train)-1 are the training rows (a text's own row); the whole table follows
    cols = [IdentifierColumn(q.name, q.entity_type, train[q.name].tolist() + everyone[q.name].tolist(), None) for q in ids]
    return RecordRedactor(cols, region_of(locale), lambda et, v: fac.surrogate(et, v, text=True))


def _rewrite_text(p: ColumnPlan, train: pd.DataFrame, n: int, seed: int, rewriter: TextRewriter,
                  id_plans: Optional[list[ColumnPlan]] = None, locale: str = "en_US",
                  full: Optional[pd.DataFrame] = None) -> pd.Series:
    rng = column_rng(seed, p.name, "text")
    src = train[p.name].reset_index(drop=True)
    idx = rng.choice(len(src), size=n, replace=n > len(src))
    picked = src.iloc[idx].reset_index(drop=True)
    redactor = _training_redactor(train, id_plans or [], locale, full)
    if redactor is not None:  # the source row's identifiers (and the table's) never reach the release
        picked = pd.Series([v if pd.isna(v) else redactor.redact(int(row), str(v))[0] for row, v in zip(idx, picked)],
                           dtype=object)
    out = rewriter(picked)
    if len(out) != n:
        raise PolicyError(f"column {p.name!r}: the text rewriter returned {len(out)} values for {n} texts")
    return pd.Series(list(out), dtype=object)


def real_identifier_values(df: pd.DataFrame, plans: list[ColumnPlan]) -> set[str]:
    avoid: set[str] = set()
    for p in plans:
        if p.role == "identifier":
            avoid |= _str_values(df[p.name])
    return avoid


def assemble_release(plans: list[ColumnPlan], restored: dict[str, pd.Series], df: pd.DataFrame,
                     train: pd.DataFrame, n: int, s, avoid: set[str],
                     text_rewriter: Optional[TextRewriter]) -> tuple[dict[str, pd.Series], list[ColumnTreatment]]:
    """Release columns in input order: sampled columns, regenerated/dropped identifiers, rewritten
    or dropped free text, constants and empty columns; with one treatment per input column."""
    release_cols: dict[str, pd.Series] = {}
    treatments: list[ColumnTreatment] = []
    for p in plans:
        et = p.entity_type
        if p.role == "model":
            release_cols[p.name] = restored[p.name]
            treatments.append(ColumnTreatment(column=p.name, operator="synthesize", gdpr_class="synthesis",
                                              params={"sdtype": p.sdtype, **({"date_format": p.date_format} if p.date_format else {})},
                                              note=p.note))
        elif p.role == "identifier":
            is_key = (et or "").upper() == E.RECORD_ID.name
            if s.identifiers == "drop" and not is_key:
                treatments.append(ColumnTreatment(column=p.name, operator="drop", gdpr_class="removed",
                                                  params={"entity_type": et}, note="direct identifier: not modelled, dropped"))
                continue
            release_cols[p.name] = regenerate_identifier(p, df[p.name], n, s.seed, s.locale, avoid)
            treatments.append(ColumnTreatment(
                column=p.name, operator="regenerate", gdpr_class="synthesis",
                params={"entity_type": et, "locale": s.locale},
                note=p.note or ("key: regenerated unique, never a real value" if is_key else
                                "direct identifier: not modelled; fake values of the same type, none equal to a real identifier")))
        elif p.role == "free_text":
            if s.free_text == "drop":
                treatments.append(ColumnTreatment(column=p.name, operator="drop", gdpr_class="removed",
                                                  note="free text: not modelled, dropped"))
                continue
            release_cols[p.name] = _rewrite_text(p, train, n, s.seed, text_rewriter,  # type: ignore[arg-type]
                                                 [q for q in plans if q.role == "identifier"], s.locale, df)
            treatments.append(ColumnTreatment(
                column=p.name, operator=f"rewrite_{s.free_text}", gdpr_class="pseudonymization",
                params={"method": s.free_text},
                note="free text: not modelled; real training texts drawn at random and rewritten by the transform stage"))
        elif p.role == "constant":
            release_cols[p.name] = pd.Series([p.constant] * n, dtype=df[p.name].dtype)
            treatments.append(ColumnTreatment(column=p.name, operator="constant", gdpr_class="synthesis", note=p.note))
        else:  # empty
            release_cols[p.name] = pd.Series([np.nan] * n, dtype=df[p.name].dtype if df[p.name].dtype != object else object)
            treatments.append(ColumnTreatment(column=p.name, operator="empty", gdpr_class="synthesis", note=p.note))
    return release_cols, treatments


def synthesize_table(
    df: pd.DataFrame,
    scan: ScanResult,
    policy,
    progress: Progress = None,
    text_rewriter: Optional[TextRewriter] = None,
) -> SynthesisOutput:
    """Split off a holdout, fit ``policy.synthesize.model`` on the non-identifying columns of the
    training split, sample a release, regenerate (or drop) direct identifiers and keys, and
    measure utility. See docs/synthesize.md.

    `text_rewriter` rewrites a Series of sampled real texts (n in, n out); required when a
    free-text column is kept (`synthesize.free_text` surrogate or llm), built by the caller
    (`privsynth.pipeline.synthesis_text_rewriter`). Raises InputError (too few rows, nothing to
    model) and PolicyError (bad target column, missing rewriter)."""
    s = policy.synthesize
    if len(df) < s.min_rows:
        raise InputError(f"table has {len(df)} rows; synthesis needs at least {s.min_rows} (synthesize.min_rows)")
    if s.target_column and s.target_column not in df.columns:
        raise PolicyError(f"synthesize.target_column: {s.target_column!r} is not a column of the table")
    from privsynth.transform.release_ops import apply_to_release, release_operators

    release_ops = release_operators(policy, df.columns)  # refused before anything is fitted
    plans = plan_columns(df, scan, policy)
    modelled = [p for p in plans if p.role == "model"]
    if not modelled:
        raise InputError("no column left to model after removing identifiers, free text, constant and empty columns")
    if s.free_text != "drop" and any(p.role == "free_text" for p in plans) and text_rewriter is None:
        raise PolicyError(f"synthesize.free_text: {s.free_text!r} needs a text rewriter: pass text_rewriter= "
                          "(privsynth.pipeline.synthesis_text_rewriter builds it); or use 'drop'")

    train, holdout = split_holdout(df, s.holdout_fraction, s.seed)
    sdtypes = {p.name: p.sdtype for p in modelled}
    train_m = to_model_frame(train, plans)

    engine = make_engine(s)
    engine.fit(train_m, sdtypes, s.seed, progress)
    n = s.num_rows or len(train)
    if progress:
        progress("synthesize.sample", 0, 1)
    sampled = engine.sample(n, s.seed).reset_index(drop=True)
    if progress:
        progress("synthesize.sample", 1, 1)
    restored = from_model_frame(sampled, plans, df)

    avoid = real_identifier_values(df, plans)
    release_cols, treatments = assemble_release(plans, restored, df, train, n, s, avoid, text_rewriter)
    release = pd.DataFrame(release_cols)
    generalized = apply_to_release(release, release_ops, policy, treatments)

    if progress:
        progress("synthesize.utility", 0, 1)
    release_m = to_model_frame(release, plans)
    utility = evaluate_utility(
        train_m, release_m, to_model_frame(holdout, plans), sdtypes, s.target_column, s.seed)
    if progress:
        progress("synthesize.utility", 1, 1)

    params: dict[str, Any] = dict(engine.params)
    params.update({"identifiers": s.identifiers, "free_text": s.free_text, "locale": s.locale, "num_rows": n})
    report = SynthesisReport(
        model=s.model,
        params=params,
        seed=s.seed,
        holdout_fraction=s.holdout_fraction,
        train_rows=len(train),
        holdout_rows=len(holdout),
        release_rows=len(generalized),
        train_sha256=table_sha256(train),
        holdout_sha256=table_sha256(holdout),
        modelled_columns=[p.name for p in modelled],
        treatments=treatments,
        utility=utility,
    )
    return SynthesisOutput(release=generalized, train=train, holdout=holdout, report=report, synthesizer=engine)
