"""Whole-record copy tests over every column the release shares with the original, whatever the scan says.

The other tests compare the columns the scan classed as quasi-identifiers or sensitive. A verbatim
copy of a real record is a copy whatever the scan calls its columns, and on a few columns chance
matches hide it (on 3 columns of a survey table 9% of holdout records match a clean release by
chance; on all 8, none do). So these tests always compare whole records:

* ``exact_match.records``: training records that appear verbatim in the release, against holdout
  records (the FULL holdout is the non-member reference: nothing is set aside for the WP29 control set);
* ``dcr.near_records``: records that are not verbatim in the release but have a released record equal
  to them on all columns but one, or within a radius calibrated on the holdout (the 0.5th percentile of
  the holdout's positive distances to the release), training against holdout;
* ``exact_match.rare_records``: copies (verbatim, or equal on all columns but one) of records that are
  rare on the quasi-identifier projection (the evaluated columns: the scan's quasi-identifier,
  sensitive and special-category columns, or policy ``evaluate.columns``; equivalence class of at most ``evaluate.rare_class_max`` records
  among all real records, counted label-blind), training against holdout.

Each is one one-sided Fisher exact test (one hypothesis per test, no correction needed inside it) and
states the smallest leak, as a share of the released rows, it detects with 80% power at its level
(``minimum_detectable_leak``), conditional on the chance rate it saw in the holdout.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from typing import Optional

import numpy as np
import pandas as pd

from privsynth.errors import InputError
from privsynth.evaluate import stats
from privsynth.evaluate.encoding import GowerEncoder, columns_with_no_real_values
from privsynth.evaluate.fingerprints import RowLookup, masked_fingerprints, multiplicity, row_fingerprints
from privsynth.evaluate.neighbors import NeighborIndex
from privsynth.evaluate.prepared import Prepared
from privsynth.evaluate.families import Family, register
from privsynth.results import TestResult

FAMILY = "records"
POWER = 0.8
RADIUS_QUANTILE = 0.002  # dcr.near_records: holdout rank of the ratio radius (tuned on seeds 100-101)
NEED_HOLDOUT = ("no holdout was given: a copy test compares how often training records and real records the release was "
                "not built from appear in it")
CORRECTION = "none: one hypothesis per test (one Fisher exact test); the battery's false-alarm rate is measured in benchmarks/leak_suite"
APPLIES = "p_value (fails when p_value < threshold = alpha)"

TEXTS = {
    "exact_match.records": dict(
        name="Verbatim copies of whole records (every shared column)",
        measures="Share of training records that appear verbatim in the release on EVERY column the release shares with the original (whatever the scan classed them as), against the same share for the whole holdout; one-sided Fisher exact test. Value = p-value.",
        how_to_read="A generator that never saw the training data reproduces training and holdout records at the same rate. p below alpha means training records were copied. minimum_detectable_leak is the smallest share of released rows made of copied training records that the test detects with 80% power; a smaller leak can pass unseen.",
        threat_model="Anyone holding the release and some real records checks for verbatim copies.",
    ),
    "dcr.near_records": dict(
        name="Near copies of whole records (every shared column)",
        measures="Two kinds of near copy, training records (sample) against holdout records, neither verbatim in the release: a released record equal on all shared columns but one; or a released record closer, relative to the distance to the closest other real record, than all but the 0.2% closest holdout records (Gower over every shared column). One-sided Fisher exact test per kind, Bonferroni over the two. Value = p-value.",
        how_to_read="p below alpha means training records have near copies in the release (jittered numbers, one changed attribute, a regenerated identifier). A radius of 0 means the test could only see exact copies; the details say so.",
        threat_model="An attacker who searches the release around a known person's record.",
    ),
    "exact_match.rare_records": dict(
        name="Copies of rare records (quasi-identifier classes of at most k records)",
        measures="Among real records whose quasi-identifier values are shared by at most k real records (training and holdout pooled, label-blind), the share of training records copied into the release against the same share for holdout records, for two kinds of copy (verbatim on every shared column; equal on all but one); one-sided Fisher exact test per kind, Bonferroni over the two. Value = p-value.",
        how_to_read="Rare records are the ones whose release identifies a person. p below alpha means rare training records were copied.",
        threat_model="Anyone holding the release who knows a rare person's quasi-identifiers.",
    ),
}


@dataclass
class RecordTables:
    """The three tables encoded over every shared column (one Gower encoding fitted on the original)."""

    columns: list[str]
    quasi_identifiers: list[str]
    enc: GowerEncoder
    original: pd.DataFrame
    release: pd.DataFrame
    holdout: Optional[pd.DataFrame]
    seed: int = 0
    max_rows: int = 10_000
    backend: str = "faiss"
    approximate_above: int = 200_000
    notes: dict = field(default_factory=dict)

    @cached_property
    def X_train(self) -> np.ndarray:
        return self.enc.transform(self.original, "original")

    @cached_property
    def X_release(self) -> np.ndarray:
        return self.enc.transform(self.release, "release")

    @cached_property
    def X_holdout(self) -> np.ndarray:
        return self.enc.transform(self.holdout, "holdout")

    @cached_property
    def keys(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Row fingerprints of (release, training, holdout)."""
        return row_fingerprints(self.X_release), row_fingerprints(self.X_train), row_fingerprints(self.X_holdout)

    @cached_property
    def copied(self) -> tuple[np.ndarray, np.ndarray]:
        """(training, holdout) records that appear verbatim in the release."""
        kr, kt, kh = self.keys
        look = RowLookup(self.X_release, kr)
        return look.contains(self.X_train, kt), look.contains(self.X_holdout, kh)

    @cached_property
    def equal_but_one(self) -> tuple[np.ndarray, np.ndarray]:
        """(training, holdout) records with a released record equal on all shared columns but (at most) one."""
        hit_t = np.zeros(len(self.X_train), bool)
        hit_h = np.zeros(len(self.X_holdout), bool)
        if len(self.columns) < 2:
            return hit_t, hit_h
        kr, kt, kh = self.keys
        for c, sl in self.enc.slices().items():
            # the tables with column c's coordinates set to 0, compared without copying them (masked fingerprints)
            look = RowLookup(self.X_release, masked_fingerprints(self.X_release, kr, sl), ignore=sl)
            hit_t |= look.contains(self.X_train, masked_fingerprints(self.X_train, kt, sl))
            hit_h |= look.contains(self.X_holdout, masked_fingerprints(self.X_holdout, kh, sl))
        return hit_t, hit_h

    def sample(self, n: int, salt: int) -> np.ndarray:
        m = min(n, self.max_rows)
        return np.sort(np.random.default_rng([self.seed, salt]).choice(n, size=m, replace=False)) if m < n else np.arange(n)

    @cached_property
    def distances(self) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """(training sample index, its distances, holdout sample index, its distances) to the closest released record."""
        idx = NeighborIndex(self.X_release, self.enc.n_columns, backend=self.backend,
                            approximate_above=self.approximate_above, seed=self.seed,
                            categorical=self.enc.categorical_slices())
        it, ih = self.sample(len(self.X_train), 71), self.sample(len(self.X_holdout), 72)
        dt = idx.search(self.X_train[it], 1)[0][:, 0]
        dh = idx.search(self.X_holdout[ih], 1)[0][:, 0]
        ct, ch = self.copied
        dt[ct[it]] = 0.0
        dh[ch[ih]] = 0.0
        return it, dt, ih, dh

    @cached_property
    def spacing(self) -> tuple[np.ndarray, np.ndarray]:
        """(training sample, holdout sample): distance of each record to the closest OTHER real record (training or
        holdout, label-blind; 0 when it has a duplicate), the local spacing of real records."""
        it, _, ih, _ = self.distances
        pool = np.vstack([self.X_train, self.X_holdout])
        idx = NeighborIndex(pool, self.enc.n_columns, backend=self.backend, approximate_above=self.approximate_above,
                            seed=self.seed, categorical=self.enc.categorical_slices())
        q = np.r_[it, len(self.X_train) + ih]
        d, i = idx.search(pool[q], 2)
        other = np.where(i[:, 0] == q, d[:, 1], d[:, 0])
        return other[: len(it)], other[len(it):]


def prepare(original: pd.DataFrame, release: pd.DataFrame, holdout: Optional[pd.DataFrame],
            quasi_identifiers: list[str], *, seed: int, max_rows: int, backend: str,
            approximate_above: int) -> RecordTables:
    """Encode every column shared by the original, the release and the holdout.

    Left out, and listed in ``notes``: columns empty in the original, text columns whose released values
    (almost, < 1%) never equal an original value (regenerated fakes: they can never make a copy match, and
    comparing them would hide every copy), and columns whose release values cannot be read as the
    original's type. Values are compared as the encoding reads them: 3, 3.0 and "3" are one number.
    """
    notes: dict = {}
    cols = [c for c in original.columns if c in release.columns and (holdout is None or c in holdout.columns)]
    not_in_holdout = [c for c in original.columns if c in release.columns and holdout is not None and c not in holdout.columns]
    if not_in_holdout:
        notes["shared_columns_missing_from_holdout"] = not_in_holdout
    only_release = [c for c in release.columns if c not in original.columns]
    only_original = [c for c in original.columns if c not in release.columns]
    if only_release:
        notes["release_columns_not_in_original"] = only_release
    if only_original:
        notes["original_columns_not_in_release"] = only_original
    empty = [c for c in cols if original[c].isna().all()]
    cols = [c for c in cols if c not in empty]
    if empty:
        notes["columns_empty_in_original"] = empty
    disjoint = columns_with_no_real_values(cols, original, release)
    if disjoint and len(disjoint) < len(cols):
        notes["columns_with_no_real_values"] = disjoint
        cols = [c for c in cols if c not in disjoint]
    others = [d for d in (release, holdout) if d is not None]
    unreadable = []
    # each column is fitted and encoded once: the readability check's encodings ARE the columns' blocks of the
    # tables' encodings (a Gower encoding treats its columns independently), so nothing is fitted or encoded twice
    fitted: dict[str, GowerEncoder] = {}
    blocks: dict[str, list[np.ndarray]] = {"release": [], "holdout": []}
    for c in cols:
        try:
            e = GowerEncoder.fit(original, [c], others)
            enc_c = {name: e.transform(d, name) for name, d in (("release", release), ("holdout", holdout)) if d is not None}
        except InputError:
            unreadable.append(c)
        else:
            fitted[c] = e
            for name, X in enc_c.items():
                blocks[name].append(X)
    if unreadable:
        notes["columns_of_another_type_in_release_or_holdout"] = unreadable
        cols = [c for c in cols if c not in unreadable]
    enc = GowerEncoder.concat([fitted[c] for c in cols])  # equal to GowerEncoder.fit(original, cols, others)
    qis = [c for c in quasi_identifiers if c in cols] or list(cols)
    rt = RecordTables(columns=cols, quasi_identifiers=qis, enc=enc, original=original, release=release,
                      holdout=holdout, seed=seed, max_rows=max_rows, backend=backend,
                      approximate_above=approximate_above, notes=notes)
    # the cached properties X_release / X_holdout, filled with the blocks encoded above (enc.transform gives the same)
    rt.__dict__["X_release"] = np.hstack(blocks["release"]) if cols else enc.transform(release, "release")
    if holdout is not None:
        rt.__dict__["X_holdout"] = np.hstack(blocks["holdout"]) if cols else enc.transform(holdout, "holdout")
    return rt


def _t(id: str, **kw) -> TestResult:
    return TestResult(id=id, family=FAMILY, **TEXTS[id], **kw)


def fisher_test(id: str, x: int, n_x: int, y: int, n_y: int, alpha: float, n_release: int, scale: float,
                details: dict, chart_label: str) -> TestResult:
    """One copy test: value = one-sided Fisher p-value of x/n_x > y/n_y, compared with alpha; the minimum detectable
    leak is the smallest count of planted hits among the n_x tested records (80% power), times `scale` (tested ->
    whole table), as a share of the release's rows."""
    p = stats.fisher_greater(x, n_x, y, n_y)
    L = stats.minimum_detectable_count(n_x, y, n_y, alpha, POWER)
    mdl = 1.0 if L is None else min(1.0, L * scale / max(1, n_release))
    lo, hi = stats.wilson(x, n_x)
    excess = x / n_x - y / n_y if n_x and n_y else 0.0
    details = {
        **details,
        "train_hits": x, "train_tested": n_x, "holdout_hits": y, "holdout_tested": n_y,
        "train_share": round(x / n_x, 6) if n_x else 0.0, "holdout_share": round(y / n_y, 6) if n_y else 0.0,
        "excess_share": round(excess, 6),
        "excess_share_interval_95": [round(lo - y / n_y, 6), round(hi - y / n_y, 6)] if n_y else None,
        "expected_train_hits_if_no_leak": round(y / n_y * n_x, 2) if n_y else None,
        "test": "one-sided Fisher exact test (alternative: training records are hit more often than holdout records)",
        "multiple_testing_correction": CORRECTION,
        "threshold_applies_to": APPLIES,
        "minimum_detectable_hits": L,
        "minimum_detectable_leak_share_of_release": round(mdl, 6),
        "power": POWER,
    }
    t = _t(id, value=p, p_value=p, threshold=alpha, comparator=">=", passed=p >= alpha, details=details,
           minimum_detectable_leak=round(mdl, 6), power=POWER)
    t.charts = {"hit_share": stats.interval_chart(x / n_x if n_x else 0.0, lo, hi, y / n_y if n_y else 0.0, None)}
    t.status = "pass" if t.passed else "fail"
    return t


def exact_records(rt: RecordTables, alpha: float) -> TestResult:
    ct, ch = rt.copied
    return fisher_test("exact_match.records", int(ct.sum()), len(ct), int(ch.sum()), len(ch), alpha, len(rt.X_release),
                       1.0, {"columns_compared": len(rt.columns)}, "copied")


def _component(x: int, n_x: int, y: int, n_y: int, alpha: float, n_release: int, scale: float) -> dict:
    """One part of a combined copy test: counts, one-sided Fisher p-value, smallest detectable leak at `alpha`."""
    L = stats.minimum_detectable_count(n_x, y, n_y, alpha, POWER)
    mdl = 1.0 if L is None else min(1.0, L * scale / max(1, n_release))
    return {"train_hits": x, "train_tested": n_x, "holdout_hits": y, "holdout_tested": n_y,
            "p_value": stats.fisher_greater(x, n_x, y, n_y), "minimum_detectable_hits": L,
            "minimum_detectable_leak_share_of_release": round(mdl, 6)}


def near_records(rt: RecordTables, alpha: float) -> TestResult:
    """Two kinds of near copy, each a one-sided Fisher test, Bonferroni over the two (value = 2 x the smaller p):

    * one attribute changed: a released record equal on all shared columns but one (not verbatim);
    * close for its neighbourhood: the distance to the closest released record divided by the distance to the
      closest OTHER real record (training or holdout: the local spacing of real records, label-blind) is at or
      below the holdout's `RATIO_RANK`-th smallest such ratio (positive distances; the radius is calibrated on
      the holdout alone, so a leak cannot move it). A jittered copy of a record in a sparse region is as
      suspicious as one in a dense region; a raw radius sees only the dense ones.

    The smallest detectable leak is the smaller of the two kinds' (each at alpha/2): a leak of that many records
    of one kind is detected with 80% power."""
    it, dt, ih, dh = rt.distances
    st, sh = rt.spacing
    ct, ch = rt.copied
    et, eh = rt.equal_but_one
    vt, vh = ct[it], ch[ih]
    with np.errstate(divide="ignore", invalid="ignore"):
        rho_t = np.where(dt > 0, dt / st, np.inf)
        rho_h = np.where(dh > 0, dh / sh, np.inf)
    pos = np.sort(rho_h[np.isfinite(rho_h) & ~vh])
    degenerate = len(pos) == 0
    k = max(1, int(np.ceil(RADIUS_QUANTILE * len(ih))))
    radius = float(pos[min(k, len(pos)) - 1]) if len(pos) else 0.0
    one_t, one_h = et[it] & ~vt, eh[ih] & ~vh
    close_t = ~vt & (rho_t <= radius) if not degenerate else np.zeros(len(it), bool)
    close_h = ~vh & (rho_h <= radius) if not degenerate else np.zeros(len(ih), bool)
    n_t, n_rel = len(rt.X_train), len(rt.X_release)
    scale = n_t / max(1, len(it))
    a = alpha / 2
    parts = {"one_attribute_changed": _component(int(one_t.sum()), len(it), int(one_h.sum()), len(ih), a, n_rel, scale),
             "close_for_its_neighbourhood": _component(int(close_t.sum()), len(it), int(close_h.sum()), len(ih), a,
                                                       n_rel, scale)}
    p = min(1.0, 2 * min(c["p_value"] for c in parts.values()))
    best = min(parts.values(), key=lambda c: c["minimum_detectable_leak_share_of_release"])
    mdl = best["minimum_detectable_leak_share_of_release"]
    near_t, near_h = one_t | close_t, one_h | close_h
    x, y = int(near_t.sum()), int(near_h.sum())
    lo, hi = stats.wilson(x, len(it))
    det = {"columns_compared": len(rt.columns),
           "components": {k_: {**c, "p_value": round(c["p_value"], 8)} for k_, c in parts.items()},
           "ratio_radius": round(radius, 6), "ratio_rank": k, "radius_quantile": RADIUS_QUANTILE,
           "radius_calibration": (f"the {k}th smallest positive ratio among holdout records (about the "
                                  f"{RADIUS_QUANTILE:.1%} quantile): distance to the closest released record / distance "
                                  "to the closest other real record, Gower over every shared column"),
           "radius_degenerate": degenerate,
           "train_hits": x, "train_tested": len(it), "holdout_hits": y, "holdout_tested": len(ih),
           "train_share": round(x / len(it), 6) if len(it) else 0.0,
           "holdout_share": round(y / len(ih), 6) if len(ih) else 0.0,
           "test": "one-sided Fisher exact test per kind of near copy (alternative: training records are hit more often)",
           "multiple_testing_correction": "Bonferroni over the 2 kinds of near copy (value = min(1, 2 x the smaller p-value))",
           "threshold_applies_to": APPLIES,
           "minimum_detectable_leak_share_of_release": mdl,
           "minimum_detectable_leak_of": ("the kind of near copy with the smaller detectable leak, each kind tested at "
                                          "alpha/2"),
           "power": POWER}
    if degenerate:
        det["degenerate_note"] = ("no holdout record has a positive distance to the release (every one is a verbatim copy "
                                  "of a released record by chance), so this test sees only records equal on all columns "
                                  "but one")
    t = _t("dcr.near_records", value=p, p_value=p, threshold=alpha, comparator=">=", passed=p >= alpha, details=det,
           minimum_detectable_leak=mdl, power=POWER)
    t.charts = {"hit_share": stats.interval_chart(x / len(it) if len(it) else 0.0, lo, hi,
                                                  y / len(ih) if len(ih) else 0.0, None)}
    t.status = "pass" if t.passed else "fail"
    t.charts["distance_to_release"] = stats.histogram(
        {"training records": dt, "holdout records": dh}, upper=float(np.quantile(np.r_[dt, dh], 0.99)) or 1.0,
        x_label="Gower distance (every shared column) from real record to closest released record (99th percentile cut)")
    return t


def rare_records(rt: RecordTables, alpha: float, k: int) -> TestResult:
    dims = rt.enc.dims_of(rt.quasi_identifiers)
    keys = row_fingerprints(np.vstack([rt.X_train[:, dims], rt.X_holdout[:, dims]]))
    rare = multiplicity(keys) <= k
    n_t = len(rt.X_train)
    r_t, r_h = rare[:n_t], rare[n_t:]
    ct, ch = rt.copied
    et, eh = rt.equal_but_one
    hit_t, hit_h = (ct | et)[r_t], (ch | eh)[r_h]
    det = {"quasi_identifiers": rt.quasi_identifiers, "rare_class_max": k,
           "rarity": f"quasi-identifier class of at most {k} records among training and holdout records pooled",
           "copy": "verbatim on every shared column, or equal on all shared columns but one"}
    if r_t.sum() == 0 or r_h.sum() == 0:
        det["note"] = "no rare record among the training or the holdout records: no rare record can be copied"
        return _t("exact_match.rare_records", status="info", value=None, threshold=alpha, comparator=">=",
                  details={**det, "rare_train_records": int(r_t.sum()), "rare_holdout_records": int(r_h.sum()),
                           "threshold_applies_to": APPLIES})
    # two kinds of copy, Bonferroni over them: verbatim copies of rare records have almost no chance rate, so they
    # are not drowned by the chance "equal on all but one" matches that a narrow table makes
    n_rel = len(rt.X_release)
    vt, vh = ct[r_t], ch[r_h]
    ot, oh = (et & ~ct)[r_t], (eh & ~ch)[r_h]
    parts = {"verbatim": _component(int(vt.sum()), int(r_t.sum()), int(vh.sum()), int(r_h.sum()), alpha / 2, n_rel, 1.0),
             "one_attribute_changed": _component(int(ot.sum()), int(r_t.sum()), int(oh.sum()), int(r_h.sum()), alpha / 2,
                                                 n_rel, 1.0)}
    t = fisher_test("exact_match.rare_records", int(hit_t.sum()), int(r_t.sum()), int(hit_h.sum()), int(r_h.sum()),
                    alpha, n_rel, 1.0, det, "rare copied")
    p = min(1.0, 2 * min(c["p_value"] for c in parts.values()))
    mdl = min(c["minimum_detectable_leak_share_of_release"] for c in parts.values())
    t.details.update({"components": {k_: {**c, "p_value": round(c["p_value"], 8)} for k_, c in parts.items()},
                      "multiple_testing_correction": "Bonferroni over the 2 kinds of copy (value = min(1, 2 x the smaller p-value))",
                      "minimum_detectable_leak_share_of_release": mdl,
                      "minimum_detectable_leak_of": "the kind of copy with the smaller detectable leak, each kind tested at alpha/2"})
    t.details.pop("minimum_detectable_hits", None)
    t.value = t.p_value = p
    t.passed = p >= alpha
    t.status = "pass" if t.passed else "fail"
    t.minimum_detectable_leak = mdl
    return t


def run(rt: Optional[RecordTables], alpha: float, rare_k: int) -> list[TestResult]:
    if rt is None or rt.holdout is None or len(rt.holdout) == 0:
        return [_t(i, status="not_run", reason_not_run=NEED_HOLDOUT) for i in TEXTS]
    if not rt.columns:
        reason = "no column of the release can be compared with the original (see evaluation.distance.notes.records)"
        return [_t(i, status="not_run", reason_not_run=reason) for i in TEXTS]
    return [exact_records(rt, alpha), near_records(rt, alpha), rare_records(rt, alpha, rare_k)]


@register
class Records(Family):
    id = "records"
    title = "Whole-record copies over every shared column"
    verdict_role = "required"
    threshold_keys = ('alpha',)
    order = 10

    def run(self, prepared: Prepared) -> list[TestResult]:
        return run(prepared.records, prepared.alpha, prepared.policy.evaluate.rare_class_max)
