"""Copies of real values column by column: a membership test that needs no record to be copied whole.

The whole-record tests (``privsynth.evaluate.records``) find records copied verbatim or nearly. A release can
carry real values without carrying a real record: a synthetic table with every training member's national ID
pasted into a column, or the training table's near-unique census weight (``fnlwgt``), passes every record test,
because no released ROW is close to a real one. Nor does the residual-PII test see it when the scan did not call
the column an identifier. So this test looks at every column the release shares with the original, whatever the
scan says (defence in depth), and asks the membership question per value:

* a real value **unique among all real records** (training and holdout pooled) that appears anywhere in the
  release's column says its one holder is a training member;
* a generator that never saw the training data reproduces such values for training and holdout records at the
  same rate (the same exchangeability the record tests rest on); more hits among training records than among
  holdout records means the release carries training records' own values.

Per column, one one-sided Fisher exact test of (training records with a unique value found in the release /
training records with a unique value) against the same for holdout records; Bonferroni over the columns tested
(value = min(1, m x the smallest p-value)). A column is tested when both sides have at least ``MIN_UNIQUE``
records with a unique value. Values are compared as the Gower encoding reads them (3, 3.0 and "3" are one number;
see ``privsynth.evaluate.encoding``). Records at the original's minimum or maximum of a numeric column are left
out: the encoding clips released numbers outside the original's range to those bounds.

Where it comes from: the per-attribute form of the membership inference game (Yeom et al., CSF 2018; Stadler et
al., USENIX Security 2022, "is this person's value in the release?"); the near-unique category a GaussianCopula
release reproduced (docs/benchmarks/evaluate.md, fake_ids' ``Occupation``: 77% of training records against 38%
of holdout records) is this signal. A complement to the record tests: a failure makes the release personal data;
too few unique values to test does not block the verdict.
"""

from __future__ import annotations

from typing import Optional

import numpy as np
import pandas as pd

from privsynth.evaluate import stats
from privsynth.evaluate.families import Family, register
from privsynth.evaluate.fingerprints import multiplicity, row_fingerprints
from privsynth.evaluate.prepared import Prepared, finish
from privsynth.evaluate.records import NEED_HOLDOUT, POWER, RecordTables
from privsynth.results import TestResult

FAMILY = "column_values"
ID = "exact_match.column_values"
MIN_UNIQUE = 20  # records with a unique value needed on each side (training, holdout) to test a column
APPLIES = "p_value (fails when p_value < threshold = alpha)"

TEXTS = {
    ID: dict(
        name="Copies of real values, column by column (every shared column)",
        measures="For every column the release shares with the original (whatever the scan classed it as): the share of training records whose value is unique among all real records and appears in the release's column, against the same share for holdout records; one-sided Fisher exact test per column, Bonferroni over the columns tested. Value = p-value.",
        how_to_read="A unique value found in the release says its one holder was in the training data. A generator that never saw the training data reproduces training and holdout records' unique values at the same rate; p below alpha means the release carries training records' own values (a copied ID column, a near-unique attribute modelled as a category) even when no whole record is copied. The details list each column tested.",
        threat_model="Anyone holding the release and one value of a person that no one else has (an ID, a rare attribute) checks whether it is in the release.",
    ),
}


def _column_keys(X: np.ndarray, sl: slice) -> np.ndarray:
    return row_fingerprints(np.ascontiguousarray(X[:, sl]))


def _inside_range(X: np.ndarray, sl: slice) -> np.ndarray:
    """Numeric block: present values strictly inside the original's range (u in (0, 1); see the encoding's rules)."""
    block = X[:, sl]
    u = block[:, 0] if block.shape[1] == 1 else 2 * block[:, 0]
    return (u > 0) & (u < 1)


def _text_keys(s: pd.Series) -> np.ndarray:
    """Stripped strings, missing values as None (each missing value is never unique: they are left out)."""
    return s.astype(object).where(s.notna(), None).map(lambda v: None if v is None else str(v).strip()).to_numpy()


def _counts(kt: np.ndarray, kh: np.ndarray, kr: np.ndarray, u_t: np.ndarray, u_h: np.ndarray) -> dict:
    released = pd.unique(pd.Series(kr, dtype=object)) if kr.dtype == object else np.unique(kr)
    hit_t = pd.Series(kt[u_t], dtype=object).isin(released) if kt.dtype == object else np.isin(kt[u_t], released)
    hit_h = pd.Series(kh[u_h], dtype=object).isin(released) if kh.dtype == object else np.isin(kh[u_h], released)
    return {"train_hits": int(hit_t.sum()), "train_tested": int(u_t.sum()),
            "holdout_hits": int(hit_h.sum()), "holdout_tested": int(u_h.sum())}


def column_values(rt: RecordTables, alpha: float) -> TestResult:
    """The test on the encoded tables of `rt` (every shared column), and on the text columns the record tests leave
    out because almost no released value equals a real one (regenerated identifiers: a few pasted real ones among
    them are exactly what this test looks for), compared as stripped strings; see the module docstring."""
    n_t = len(rt.X_train)
    per: dict[str, dict] = {}
    skipped: dict[str, str] = {}
    few = f"fewer than {MIN_UNIQUE} training or holdout records with a value no other real record has"
    for c, sl in rt.enc.slices().items():
        kt, kh, kr = (_column_keys(X, sl) for X in (rt.X_train, rt.X_holdout, rt.X_release))
        unique = multiplicity(np.concatenate([kt, kh])) == 1
        u_t, u_h = unique[:n_t], unique[n_t:]
        if c in rt.enc.numeric:
            u_t &= _inside_range(rt.X_train, sl)
            u_h &= _inside_range(rt.X_holdout, sl)
        if u_t.sum() < MIN_UNIQUE or u_h.sum() < MIN_UNIQUE:
            skipped[c] = few
            continue
        per[c] = _counts(kt, kh, kr, u_t, u_h)
    for c in rt.notes.get("columns_with_no_real_values", []):
        kt, kh, kr = (_text_keys(d[c]) for d in (rt.original, rt.holdout, rt.release))
        pooled = pd.Series(np.concatenate([kt, kh]), dtype=object)
        unique = (pooled.map(pooled.value_counts()) == 1).to_numpy() & pooled.notna().to_numpy()
        u_t, u_h = unique[:n_t], unique[n_t:]
        if u_t.sum() < MIN_UNIQUE or u_h.sum() < MIN_UNIQUE:
            skipped[c] = few
            continue
        per[c] = {**_counts(kt, kh, kr, u_t, u_h), "compared_as": "stripped text (left out of the record tests: "
                  "under 1% of its released values equal a real one)"}
    det: dict = {"columns_tested": len(per), "columns_not_tested": skipped,
                 "uniqueness": "a value no other real record (training or holdout, pooled) has in that column",
                 "test": "one-sided Fisher exact test per column (alternative: training records' unique values are "
                         "found in the release more often than holdout records')",
                 "threshold_applies_to": APPLIES, "power": POWER}
    if not per:
        det["note"] = "no column has enough unique values on both sides to test"
        return TestResult(id=ID, family=FAMILY, **TEXTS[ID], status="info", value=None, threshold=alpha,
                          comparator=">=", details=det, required=False)
    m = len(per)
    a = alpha / m
    n_rel = len(rt.X_release)
    for c, d in per.items():
        d["p_value"] = stats.fisher_greater(d["train_hits"], d["train_tested"], d["holdout_hits"], d["holdout_tested"])
        L = stats.minimum_detectable_count(d["train_tested"], d["holdout_hits"], d["holdout_tested"], a, POWER)
        d["minimum_detectable_hits"] = L
        d["minimum_detectable_leak_share_of_release"] = 1.0 if L is None else round(min(1.0, L / max(1, n_rel)), 6)
    worst = min(per, key=lambda c: per[c]["p_value"])
    p = min(1.0, m * per[worst]["p_value"])
    mdl = min(d["minimum_detectable_leak_share_of_release"] for d in per.values())
    w = per[worst]
    det.update({"columns": {c: {**d, "p_value": round(d["p_value"], 8)} for c, d in per.items()},
                "smallest_p_value_column": worst,
                "multiple_testing_correction": f"Bonferroni over the {m} columns tested (value = min(1, {m} x the "
                                               "smallest p-value))",
                "minimum_detectable_leak_share_of_release": mdl,
                "minimum_detectable_leak_of": "the column with the smallest detectable leak, tested at alpha / columns"})
    lo, hi = stats.wilson(w["train_hits"], w["train_tested"])
    t = TestResult(id=ID, family=FAMILY, **TEXTS[ID], value=p, p_value=p, threshold=alpha, comparator=">=",
                   passed=p >= alpha, details=det, minimum_detectable_leak=mdl, power=POWER, required=False,
                   charts={"hit_share": stats.interval_chart(w["train_hits"] / w["train_tested"], lo, hi,
                                                             w["holdout_hits"] / w["holdout_tested"], None)})
    return finish(t)


def run(rt: Optional[RecordTables], alpha: float) -> list[TestResult]:
    if rt is None or rt.holdout is None or len(rt.holdout) == 0:
        return [TestResult(id=ID, family=FAMILY, **TEXTS[ID], status="not_run", reason_not_run=NEED_HOLDOUT,
                           required=False)]
    if not rt.columns:
        reason = "no column of the release can be compared with the original (see evaluation.distance.notes.records)"
        return [TestResult(id=ID, family=FAMILY, **TEXTS[ID], status="not_run", reason_not_run=reason, required=False)]
    return [column_values(rt, alpha)]


@register
class ColumnValues(Family):
    id = "column_values"
    title = "Copies of real values, column by column"
    # a complement: a failure makes the release personal data; too few unique values to test does not block
    verdict_role = "complement"
    threshold_keys = ('alpha',)
    order = 75  # after the record, similarity, membership, WP29 and outlier families

    def run(self, prepared: Prepared) -> list[TestResult]:
        return run(prepared.records, prepared.alpha)
