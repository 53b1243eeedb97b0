"""`evaluate_release`: the verification battery (similarity, membership inference, WP29, SDC,
residual PII, outliers) of a release against the original and a holdout."""

from __future__ import annotations

import importlib
import os
import pkgutil
import sys
import threading
import time
from contextlib import contextmanager
from typing import Callable, Literal, Optional

import numpy as np
import pandas as pd

from privsynth.errors import InputError, PolicyError
from privsynth.evaluate import families, granularity, records
from privsynth.evaluate.encoding import GowerEncoder, columns_with_no_real_values
from privsynth.evaluate.neighbors import HAVE_FAISS, faiss, set_threads
from privsynth.evaluate.prepared import Prepared
from privsynth.policy.models import Policy
from privsynth.results import ColumnTreatment, EvaluationReport, ScanResult, Span, TestResult

STAGE = "evaluate"


def load_families() -> list[type[families.Family]]:
    """Import every module of privsynth.evaluate (each registers its family), then the families in run order."""
    package = importlib.import_module("privsynth.evaluate")
    for m in pkgutil.iter_modules(package.__path__):
        importlib.import_module(f"privsynth.evaluate.{m.name}")
    return families.ordered()


#: below this many holdout rows the copy tests cannot tell a leak from chance: the verdict is inconclusive
MIN_HOLDOUT_ROWS = 100


#: families run in a forked child while this process runs the others (`_run_steps`): none shares a cached search
#: with the families left here (records: its own whole-record tables; wp29: its own attack searches; column_values:
#: the records family's tables, already encoded in the child), and together they are about half of the battery's
#: CPU on Adult (docs/benchmarks/evaluate.md, section 2e; column_values added in session 8, docs/benchmarks.md)
SEPARATE = ("records", "wp29", "column_values")


def two_processes(searcher=None) -> bool:
    """Whether the battery forks a child for the `SEPARATE` families: POSIX `os.fork`, two or more CPUs, one
    Python thread, the process's own stdout/stderr (not a capture a child could not hand back), no Dask
    `searcher`, and `PRIVSYNTH_NO_FORK` unset."""
    return (searcher is None and hasattr(os, "fork") and (os.cpu_count() or 1) >= 2
            and threading.active_count() == 1 and not os.environ.get("PRIVSYNTH_NO_FORK")
            and sys.stdout is sys.__stdout__ and sys.stderr is sys.__stderr__)


@contextmanager
def _one_openmp_thread():
    """FAISS's and every other OpenMP runtime's thread count set to 1 (restored after): each of the two processes
    keeps to one core, and a forked child never starts an OpenMP thread team (a GNU OpenMP team started in the
    parent before a fork hangs a child that asks for more than one thread). Results do not depend on it: FAISS's
    L1 kernel computes each query alone, and the scikit-learn models already run on one thread."""
    from threadpoolctl import threadpool_limits

    threads = faiss.omp_get_max_threads() if HAVE_FAISS else None
    try:
        if HAVE_FAISS:
            faiss.omp_set_num_threads(1)
        with threadpool_limits(limits=1, user_api="openmp"):
            yield
    finally:
        if threads:
            faiss.omp_set_num_threads(threads)


def _run_family_steps(steps: list[tuple[str, Callable[[Prepared], list[TestResult]]]],
                      ctx: Prepared) -> dict[str, tuple[list[TestResult], float]]:
    out = {}
    for name, fn in steps:
        t0 = time.perf_counter()
        res = fn(ctx)
        out[name] = (res, round(time.perf_counter() - t0, 3))
    return out


def _run_steps(steps: list[tuple[str, Callable[[Prepared], list[TestResult]]]], ctx: Prepared,
               progress: Optional[Callable[[str, int, int], None]], parallel: bool) -> list[TestResult]:
    """Every step's results, in step order. With `parallel`, the first step (encoding the tables) runs here, then
    the `SEPARATE` families run in a forked child (privsynth/forked.py: their results pickled back; in-process
    when the child fails) while this process runs the others, each process on one OpenMP thread. Same code, same
    inputs, same seeds: the same results either way (tests/test_evaluate_release.py; the evidence of Adult and
    the survey cases compared with benchmarks/evaluate_same_evidence.py)."""
    n = len(steps)
    done: dict[str, tuple[list[TestResult], float]] = {}

    def tick() -> None:
        if progress:
            progress(STAGE, len(done), n)

    away = [st for st in steps[1:] if st[0] in SEPARATE] if parallel else []
    if away:
        from privsynth.forked import Forked

        tick()
        done.update(_run_family_steps(steps[:1], ctx))
        here = [st for st in steps[1:] if st[0] not in SEPARATE]
        with _one_openmp_thread():
            child = Forked(_child_steps, away, ctx, fork=True)
            try:
                for st in here:
                    tick()
                    done.update(_run_family_steps([st], ctx))
                tick()
                done.update(child.result())
            except BaseException:
                child.cancel()
                raise
    else:
        for st in steps:
            tick()
            done.update(_run_family_steps([st], ctx))
    tick()
    tests: list[TestResult] = []
    for name, _ in steps:
        res, seconds = done[name]
        tests += res
        ctx.timings[name] = seconds
    return tests


def _encode(ctx: Prepared) -> list[TestResult]:
    """The tables every family reads, encoded once here (before the battery forks: both processes read them)."""
    ctx.X_train, ctx.X_release, ctx.X_holdout, ctx.X_control
    rt = ctx.records
    if rt is not None and rt.columns and rt.holdout is not None and len(rt.holdout):
        rt.X_train
    return []


def _child_steps(steps, ctx: Prepared) -> dict[str, tuple[list[TestResult], float]]:
    with _one_openmp_thread():
        return _run_family_steps(steps, ctx)


def _select_columns(original: pd.DataFrame, release: pd.DataFrame, scan: ScanResult, policy: Policy,
                    notes: dict) -> list[str]:
    explicit = policy.evaluate.columns
    if explicit:
        miss_o = [c for c in explicit if c not in original.columns]
        if miss_o:
            raise PolicyError(f"policy evaluate.columns: {', '.join(map(repr, miss_o))} not in the original")
        miss_r = [c for c in explicit if c not in release.columns]
        if miss_r:
            raise InputError(f"release: missing column(s) {', '.join(map(repr, miss_r))} named in policy evaluate.columns")
        cols = list(explicit)
    else:
        by_cat = scan.names("quasi_identifier", "sensitive", "special_category")
        cols = [c for c in original.columns if c in by_cat and c in release.columns]
        absent = [c for c in by_cat if c in original.columns and c not in release.columns]
        if absent:
            notes["columns_absent_from_release"] = absent
        if not cols:
            excluded = set(scan.names("direct_identifier", "free_text"))
            cols = [c for c in original.columns if c in release.columns and c not in excluded]
            notes["column_choice"] = "no quasi-identifier/sensitive column in both tables: all shared non-identifier columns"
        else:
            notes["column_choice"] = "quasi-identifier, sensitive and special-category columns of the scan present in both tables"
    if not cols:
        raise InputError("release: no column in common with the original to compare (check the release's header)")
    extra = [c for c in release.columns if c not in original.columns]
    if extra:
        notes["release_columns_not_in_original"] = len(extra)
    empty = [c for c in cols if original[c].isna().all()]
    if empty:
        notes["columns_all_missing_in_original_skipped"] = empty
        cols = [c for c in cols if c not in empty]
    if not cols:
        raise InputError("original: every evaluated column is empty (all values missing); nothing to compare")
    return cols


def _drop_disjoint_categories(cols: list[str], original: pd.DataFrame, release: pd.DataFrame, notes: dict) -> list[str]:
    """Leave out text columns whose released values (almost) never equal an original value
    (regenerated fakes, values generalized into another form; `columns_with_no_real_values`). Such a
    column can never make a released record match a real one, so comparing it only adds a constant
    that hides copies of the other columns, and a near-unique one would add thousands of one-hot
    dimensions."""
    disjoint = columns_with_no_real_values(cols, original, release)
    kept = [c for c in cols if c not in disjoint]
    if disjoint and kept:
        notes["columns_with_no_real_values_not_compared"] = disjoint
        return kept
    return cols


def _dates_as_datetimes(cols: list[str], original: pd.DataFrame, release: pd.DataFrame,
                        holdout: Optional[pd.DataFrame], notes: dict):
    """Text columns whose every original value is a date become datetimes in all three tables, so
    a date is a number in the distance (scaled by the original's range) rather than a category
    with one level per day. Generalized release values (a year, a year-month) read as mid-period."""
    from privsynth.dates import date_shaped, parse_dates, parse_dates_generalized

    converted = []
    coarsened: dict[str, str] = {}
    for c in cols:
        s = original[c]
        if s.dtype != object or s.dropna().empty:
            continue
        # a value that does not even look like a date rules the column out without parsing every format (each
        # distinct value tested once, the first thousand values first)
        text = s.dropna().astype(str)
        if not date_shaped(text.iloc[:1000]).all() or not date_shaped(pd.Series(text.unique(), dtype=object)).all():
            continue
        parsed, _ = parse_dates(s)
        if parsed[s.notna()].isna().any():
            continue
        if not converted:
            original, release = original.copy(), release.copy()
            holdout = holdout.copy() if holdout is not None else None
        raw_release = release[c]
        original[c] = parsed
        release[c] = parse_dates_generalized(release[c].astype("string")) if c in release else release.get(c)
        if holdout is not None and c in holdout:
            holdout[c] = parse_dates_generalized(holdout[c].astype("string"))
        converted.append(c)
        period = granularity.coarser_dates(raw_release, s)
        if period is not None:
            coarsened[c] = period
    for c in cols:  # columns stored as datetimes in the original: the release's values say their period
        if c in converted or not pd.api.types.is_datetime64_any_dtype(original[c]) or c not in release:
            continue
        r = pd.to_datetime(release[c], errors="coerce") if not pd.api.types.is_datetime64_any_dtype(release[c]) else release[c]
        period = granularity.coarser_dates(release[c] if release[c].dtype == object else r, original[c])
        if period is not None:
            if not converted and not coarsened:
                original, release = original.copy(), release.copy()
                holdout = holdout.copy() if holdout is not None else None
            release[c] = r
            coarsened[c] = period
    for c, period in coarsened.items():
        for d in (original, release, holdout):
            if d is not None and c in d:
                d[c] = granularity.floor_dates(d[c], period)
    if converted:
        notes["date_columns_compared_as_dates"] = converted
    if coarsened:
        notes["columns_coarsened_to_release"] = {
            c: f"dates floored to the {p} (every released value is given per {p})" for c, p in coarsened.items()}
    return original, release, holdout


def _check_overlap(original: pd.DataFrame, holdout: pd.DataFrame, notes: dict) -> None:
    shared = [c for c in original.columns if c in holdout.columns]
    if not shared or len(holdout) == 0:
        return
    ko = pd.util.hash_pandas_object(original[shared].astype(str), index=False)
    kh = pd.util.hash_pandas_object(holdout[shared].astype(str), index=False)
    overlap = float(kh.isin(set(ko.tolist())).mean())
    natural = float(ko.duplicated(keep=False).mean())  # duplicates inside the original itself
    notes["holdout_rows_also_in_original_share"] = round(overlap, 6)
    if overlap > max(0.01, 2 * natural + 0.01):
        raise InputError(
            f"holdout: {overlap:.1%} of its rows also appear in the original (within the original only {natural:.1%} of "
            f"rows are repeated); a holdout must be real records that were not used to make the release"
        )


def evaluate_release(original: pd.DataFrame, release: pd.DataFrame, holdout: Optional[pd.DataFrame],
                     scan: ScanResult, policy: Policy, progress: Optional[Callable[[str, int, int], None]] = None,
                     treatments: Optional[list[ColumnTreatment]] = None,
                     release_kind: Literal["synthetic", "anonymized"] = "synthetic",
                     text_detector: Optional[Callable[[list[str]], list[list[Span]]]] = None, searcher=None,
                     parallel: Optional[bool] = None) -> EvaluationReport:
    """Run every verification test and return the report (aggregates only; see docs/evaluate.md).

    `searcher`: the nearest-neighbour and exact-match searches of the Dask engine
    (privsynth.engine.search.ClusterSearch), equal to the in-process ones; None runs them here.
    `parallel`: run the `SEPARATE` families in a forked child while this process runs the others (same
    results; see `_run_steps`); None = when `two_processes(searcher)`, False = all here, True = fork whenever
    `os.fork` exists (tests)."""
    for name, df in (("original", original), ("release", release)):
        if not isinstance(df, pd.DataFrame):
            raise InputError(f"{name}: expected a table (pandas DataFrame), got {type(df).__name__}")
        if len(df) == 0:
            raise InputError(f"{name}: the table has no rows")
    if release_kind not in ("synthetic", "anonymized"):
        raise PolicyError(f"release_kind must be 'synthetic' or 'anonymized', got {release_kind!r}")
    if holdout is not None and not isinstance(holdout, pd.DataFrame):
        raise InputError(f"holdout: expected a table (pandas DataFrame), got {type(holdout).__name__}")
    notes: dict = {}
    if holdout is not None and len(holdout) == 0:
        notes["holdout"] = "the holdout has no rows: treated as absent"
        holdout = None
    cols = _select_columns(original, release, scan, policy, notes)
    if holdout is not None:
        miss = [c for c in cols if c not in holdout.columns]
        if miss:
            raise InputError(f"holdout: missing column(s) {', '.join(map(repr, miss))} that the original and release have")
        _check_overlap(original, holdout, notes)
    shared = [c for c in original.columns if c in release.columns]
    original, release, holdout = _dates_as_datetimes(shared, original, release, holdout, notes)
    # like with like: a released column coarser than the original (truncated codes, binned or rounded numbers;
    # dates above) -> the original and holdout coarsened the same way, read from the release's values
    original, release, holdout = granularity.match_granularity(original, release, holdout, shared, notes)
    if not policy.evaluate.columns:
        cols = _drop_disjoint_categories(cols, original, release, notes)
    e = policy.evaluate
    if holdout is not None and len(holdout) < MIN_HOLDOUT_ROWS:
        notes["holdout_too_small"] = (f"the holdout has {len(holdout)} rows, fewer than {MIN_HOLDOUT_ROWS}: too few real "
                                      "non-members to tell a leak from chance")
    # whole records over every shared column, whatever the scan says; the FULL holdout is their reference
    rec_tables = records.prepare(original.reset_index(drop=True), release.reset_index(drop=True),
                                 None if holdout is None else holdout.reset_index(drop=True),
                                 cols, seed=e.seed, max_rows=e.max_attack_rows,
                                 backend=e.backend, approximate_above=e.approximate_above)
    notes["records"] = {"columns_compared": rec_tables.columns, **rec_tables.notes}
    set_threads(e.threads)
    seed = e.seed

    # holdout -> control (WP29 control / attacker reference) + evaluation part (non-members)
    control = hold_eval = None
    if holdout is not None:
        rng = np.random.default_rng([seed, 0])
        perm = rng.permutation(len(holdout))
        n_ctrl = int(round(e.control_fraction * len(holdout)))
        if len(holdout) >= 2:
            n_ctrl = min(max(n_ctrl, 1), len(holdout) - 1)
        else:
            n_ctrl = 0
        control = holdout.iloc[perm[:n_ctrl]].reset_index(drop=True)
        hold_eval = holdout.iloc[perm[n_ctrl:]].reset_index(drop=True)

    enc = GowerEncoder.fit(original, cols, [d for d in (release, holdout) if d is not None])
    ctx = Prepared(policy=policy, scan=scan, columns=cols, enc=enc, original=original.reset_index(drop=True),
                      release=release.reset_index(drop=True), holdout_eval=hold_eval, control=control,
                      release_kind=release_kind, seed=seed)
    ctx.holdout_table, ctx.records, ctx.text_detector, ctx.searcher = holdout, rec_tables, text_detector, searcher
    steps: list[tuple[str, Callable[[Prepared], list[TestResult]]]] = [("encode", _encode)]
    steps += [(fam.id, fam().run) for fam in load_families()]
    tests = _run_steps(steps, ctx, progress, two_processes(searcher) if parallel is None else parallel)

    info = ctx.release_search_index.info.as_dict() if len(ctx.release) else {}
    distance = {**enc.describe(), **info, "approximate_above": e.approximate_above,
                "max_attack_rows": e.max_attack_rows, "timings_seconds": ctx.timings, "notes": notes}
    if treatments:
        distance["treated_columns"] = sorted({t.column for t in treatments if t.column in cols})
    rows = {"original": len(original), "release": len(release),
            "holdout": 0 if holdout is None else len(holdout),
            "holdout_evaluation": 0 if hold_eval is None else len(hold_eval),
            "control": 0 if control is None else len(control),
            "members_sampled": int(len(ctx.member_idx)), "non_members_sampled": int(len(ctx.nonmember_idx)),
            "release_sampled": int(len(ctx.release_idx))}
    return EvaluationReport(tests=tests, columns_used=cols, rows=rows, distance=distance, seed=seed,
                            max_undetected_leak=e.max_undetected_leak)
