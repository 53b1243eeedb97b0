"""The tables every test works on, prepared once: one encoding, splits, samples and cached searches.

Nothing in here leaves the process: per-record distances live only in memory and only aggregates
are put into the TestResults.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, Callable, Optional

import numpy as np
import pandas as pd

from privsynth.evaluate.encoding import GowerEncoder
from privsynth.evaluate.fingerprints import RowLookup, row_fingerprints
from privsynth.evaluate.neighbors import NeighborIndex
from privsynth.policy.models import Policy, Thresholds
from privsynth.results import ScanResult, TestResult


def not_run(id: str, name: str, family: str, reason: str, **texts: str) -> TestResult:
    return TestResult(id=id, name=name, family=family, status="not_run", reason_not_run=reason, **texts)


def finish(t: TestResult) -> TestResult:
    """Set status from passed."""
    if t.status == "not_run":
        return t
    if t.passed is None:
        t.status = "info"
    else:
        t.status = "pass" if t.passed else "fail"
    return t


@dataclass
class Prepared:
    policy: Policy
    scan: ScanResult
    columns: list[str]
    enc: GowerEncoder
    original: pd.DataFrame  # the training data the release was derived from
    release: pd.DataFrame
    holdout_eval: Optional[pd.DataFrame]  # non-members for the attacks
    control: Optional[pd.DataFrame]  # WP29 control set, also the attacker's reference data
    release_kind: str = "synthetic"
    seed: int = 0
    holdout_table: Optional[pd.DataFrame] = None  # the whole holdout as given (residual-PII rates)
    records: Any = None  # records.RecordTables: the three tables over every shared column
    text_detector: Optional[Callable[[list[str]], list]] = None  # free-text PII detector (residual_pii.text)
    notes: list[str] = field(default_factory=list)
    timings: dict[str, float] = field(default_factory=dict)
    # the engine's searches (privsynth.engine.search.ClusterSearch: `index(base, n_columns, **options)`
    # and `rows_in(Xq, keys_q, Xb, keys_b)`) giving the same results on a Dask cluster; None: in process
    searcher: Any = None

    # ------------------------------------------------------------------ basics
    @property
    def thresholds(self) -> Thresholds:
        return self.policy.evaluate.thresholds

    @property
    def alpha(self) -> float:
        return self.thresholds.alpha

    @property
    def max_rows(self) -> int:
        return self.policy.evaluate.max_attack_rows

    @property
    def has_holdout(self) -> bool:
        return self.holdout_eval is not None and len(self.holdout_eval) > 0

    def rng(self, salt: int) -> np.random.Generator:
        return np.random.default_rng([self.seed, salt])

    def index(self, base: np.ndarray) -> NeighborIndex:
        e = self.policy.evaluate
        if self.searcher is not None:
            return self.searcher.index(base, self.enc.n_columns, backend=e.backend, approximate_above=e.approximate_above,
                                       seed=self.seed, kind=e.approximate_index)
        return NeighborIndex(base, self.enc.n_columns, backend=e.backend, approximate_above=e.approximate_above,
                             seed=self.seed, kind=e.approximate_index, categorical=self.enc.categorical_slices())

    # ------------------------------------------------------------------ encoded tables
    @cached_property
    def X_train(self) -> np.ndarray:
        return self.enc.transform(self.original, "original")

    @cached_property
    def X_release(self) -> np.ndarray:
        return self.enc.transform(self.release, "release")

    @cached_property
    def X_holdout(self) -> np.ndarray:
        return self.enc.transform(self.holdout_eval, "holdout") if self.has_holdout else np.zeros((0, self.enc.dim), np.float32)

    @cached_property
    def X_control(self) -> np.ndarray:
        if self.control is None or len(self.control) == 0:
            return np.zeros((0, self.enc.dim), np.float32)
        return self.enc.transform(self.control, "holdout")

    @cached_property
    def X_holdout_full(self) -> np.ndarray:
        """The whole holdout (evaluation and control parts): the non-member reference of the copy tests."""
        parts = [X for X in (self.X_holdout, self.X_control) if len(X)]
        return np.vstack(parts) if parts else np.zeros((0, self.enc.dim), np.float32)

    @cached_property
    def keys_holdout_full(self) -> np.ndarray:
        return row_fingerprints(self.X_holdout_full)

    @cached_property
    def keys_train(self) -> np.ndarray:
        return row_fingerprints(self.X_train)

    @cached_property
    def keys_release(self) -> np.ndarray:
        return row_fingerprints(self.X_release)

    @cached_property
    def keys_holdout(self) -> np.ndarray:
        return row_fingerprints(self.X_holdout)

    @cached_property
    def release_lookup(self) -> RowLookup:
        return RowLookup(self.X_release, self.keys_release)

    def in_release(self, X: np.ndarray, keys: np.ndarray) -> np.ndarray:
        """Which rows of X appear verbatim (Gower distance 0) somewhere in the whole release."""
        if self.searcher is not None:
            return self.searcher.rows_in(X, keys, self.X_release, self.keys_release)
        return self.release_lookup.contains(X, keys)

    # ------------------------------------------------------------------ samples
    @cached_property
    def member_idx(self) -> np.ndarray:
        n = len(self.original)
        m = min(n, self.max_rows)
        return np.sort(self.rng(1).choice(n, size=m, replace=False)) if m < n else np.arange(n)

    @cached_property
    def nonmember_idx(self) -> np.ndarray:
        n = len(self.holdout_eval) if self.has_holdout else 0
        m = min(n, self.max_rows)
        return np.sort(self.rng(2).choice(n, size=m, replace=False)) if m < n else np.arange(n)

    @cached_property
    def release_idx(self) -> np.ndarray:
        n = len(self.release)
        m = min(n, self.max_rows)
        return np.sort(self.rng(3).choice(n, size=m, replace=False)) if m < n else np.arange(n)

    # ------------------------------------------------------------------ searches (cached)
    @cached_property
    def release_search_index(self) -> NeighborIndex:
        """Index over the WHOLE release (approximate above policy evaluate.approximate_above rows), so a copy
        of a sampled training record is found wherever it sits in the release."""
        return self.index(self.X_release)

    @cached_property
    def approximate(self) -> bool:
        return self.release_search_index.info.approximate

    def _to_release(self, X: np.ndarray, keys: np.ndarray) -> np.ndarray:
        """Distance of each row to the closest release record (exact zero for verbatim copies in the full release)."""
        d, _ = self.release_search_index.search(X, 1)
        d = d[:, 0]
        d[self.in_release(X, keys)] = 0.0
        return d

    @cached_property
    def d_members(self) -> np.ndarray:
        return self._to_release(self.X_train[self.member_idx], self.keys_train[self.member_idx])

    @cached_property
    def d_nonmembers(self) -> np.ndarray:
        if not self.has_holdout:
            return np.zeros(0)
        return self._to_release(self.X_holdout[self.nonmember_idx], self.keys_holdout[self.nonmember_idx])

    @cached_property
    def control_index(self) -> NeighborIndex:
        return self.index(self.X_control)

    @cached_property
    def dref_members(self) -> np.ndarray:
        return self.control_index.search(self.X_train[self.member_idx], 1)[0][:, 0]

    @cached_property
    def dref_nonmembers(self) -> np.ndarray:
        return self.control_index.search(self.X_holdout[self.nonmember_idx], 1)[0][:, 0]

    @cached_property
    def pool(self) -> dict[str, Any]:
        """Release sample -> pool (member sample + holdout) search, pool shuffled so ties break at random."""
        Xm = self.X_train[self.member_idx]
        Xh = self.X_holdout[self.nonmember_idx]
        labels = np.r_[np.ones(len(Xm), dtype=np.int8), np.zeros(len(Xh), dtype=np.int8)]
        perm = self.rng(4).permutation(len(labels))
        base = np.vstack([Xm, Xh])[perm]
        labels = labels[perm]
        idx = self.index(base)
        d, i = idx.search(self.X_release[self.release_idx], 2)
        return {"d": d, "i": i, "labels": labels, "n_members": len(Xm), "n_nonmembers": len(Xh), "info": idx.info}

    # ------------------------------------------------------------------ column roles
    def names(self, *cats: str) -> list[str]:
        return [c for c in self.scan.names(*cats)]


ProgressFn = Optional[Callable[[str, int, int], None]]
