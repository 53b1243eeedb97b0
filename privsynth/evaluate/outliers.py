"""The attacks restricted to the most outlying real records, where leaks hide.

Outlyingness is a rarity score: the sum over evaluated columns of -log(frequency of the record's
value among the training and holdout records pooled, label-blind), numbers binned in 20 equal-width bins of the original's range. The
cut is the (1 - outlier_fraction) quantile of the pooled scores of training and holdout records,
so training and holdout outliers are chosen by the same label-blind rule.
"""

from __future__ import annotations

import numpy as np

from privsynth.evaluate import stats
from privsynth.evaluate.prepared import Prepared, finish
from privsynth.evaluate.membership import roc_result
from privsynth.evaluate.families import Family, register
from privsynth.results import TestResult

FAMILY = "outliers"
NEED_HOLDOUT = "no holdout was given: the outlier tests compare training outliers with holdout outliers"

TEXTS = {
    "outliers.exact_match": dict(
        name="Verbatim copies of outlying training records",
        measures="Among the most outlying records (rarest value combinations), the share of training records copied verbatim into the release against the same share for holdout records (Fisher exact test).",
        how_to_read="Outliers are the easiest people to recognise. p below alpha means outlying training records were copied.",
        threat_model="Anyone holding the release who knows an unusual person's record.",
    ),
    "outliers.mia": dict(
        name="Membership inference on outlying records",
        measures="The distance-to-closest-release attack restricted to the most outlying training and holdout records: ROC AUC, TPR at low FPR, empirical epsilon lower bound.",
        how_to_read="As for the membership-inference tests; few outliers give wide intervals.",
        threat_model="An attacker targeting unusual people.",
    ),
}


def rarity_scores(ctx: Prepared, X_list: list[np.ndarray]) -> list[np.ndarray]:
    # frequencies from training AND holdout records pooled (label-blind): from the training data alone, a holdout
    # record's unseen values scored as rarest, so holdout outliers were more outlying than training ones and a clean
    # release failed outliers.mia (seen on a 2,428/1,214-row ACS sample)
    ref_X = np.vstack([ctx.X_train, ctx.X_holdout]) if ctx.has_holdout else ctx.X_train
    ref = ctx.enc.decode(ref_X)
    tables = {}
    for c, x in ref.items():
        b = _bins(ctx, c, x)
        vals, cnt = np.unique(b, return_counts=True)
        tables[c] = (vals, cnt / max(1, len(b)))
    out = []
    for X in X_list:
        v = ctx.enc.decode(X)
        s = np.zeros(len(X))
        for c, (vals, freq) in tables.items():
            b = _bins(ctx, c, v[c])
            pos = np.searchsorted(vals, b)
            pos = np.clip(pos, 0, len(vals) - 1)
            f = np.where(vals[pos] == b, freq[pos], 0.5 / max(1, len(ref_X)))
            s += -np.log(f)
        out.append(s)
    return out


def _bins(ctx: Prepared, c: str, x: np.ndarray) -> np.ndarray:
    if c in ctx.enc.numeric:
        return np.where(np.isnan(x), -1, np.clip(np.floor(np.nan_to_num(x) * 20), 0, 19)).astype(np.int64)
    return x.astype(np.int64)


def run(ctx: Prepared) -> list[TestResult]:
    if not ctx.has_holdout:
        return [TestResult(id=i, family=FAMILY, **TEXTS[i], status="not_run", reason_not_run=NEED_HOLDOUT, required=False)
                for i in TEXTS]
    sm, sn = rarity_scores(ctx, [ctx.X_train[ctx.member_idx], ctx.X_holdout[ctx.nonmember_idx]])
    frac = ctx.policy.evaluate.outlier_fraction
    cut = float(np.quantile(np.concatenate([sm, sn]), 1 - frac))
    om, on = sm >= cut, sn >= cut
    info = {"outlier_fraction": frac, "training_outliers": int(om.sum()), "holdout_outliers": int(on.sum())}
    out = []
    if om.sum() == 0 or on.sum() == 0:
        reason = "too few outlying records in the holdout to compare (increase the holdout or evaluate.outlier_fraction)"
        # a complement (see below): too few outliers to compare does not block the verdict
        return [TestResult(id=i, family=FAMILY, **TEXTS[i], status="not_run", reason_not_run=reason, details=info,
                           required=False) for i in TEXTS]
    cm = int((ctx.d_members[om] == 0).sum())
    cn = int((ctx.d_nonmembers[on] == 0).sum())
    p = stats.fisher_greater(cm, int(om.sum()), cn, int(on.sum()))
    lo, hi = stats.wilson(cm, int(om.sum()))
    out.append(finish(TestResult(id="outliers.exact_match", family=FAMILY, **TEXTS["outliers.exact_match"],
                                 value=p, p_value=p, threshold=ctx.alpha, comparator=">=",
                                 passed=p >= ctx.alpha,
                                 details={**info, "training_outliers_copied": cm, "holdout_outliers_copied": cn,
                                          "excess_copy_share": round(float(cm / om.sum() - cn / on.sum()), 6),
                                          "threshold_applies_to": "p_value (fails when p_value < threshold = alpha)"},
                                 charts={"copy_share": stats.interval_chart(cm / om.sum(), lo, hi, cn / on.sum(), None)})))
    t = roc_result("mia.distance", ctx, -ctx.d_members[om], -ctx.d_nonmembers[on], info)
    mia = TestResult(**{**t.model_dump(), "id": "outliers.mia", "family": FAMILY, **TEXTS["outliers.mia"],
                        "how_to_read": TEXTS["outliers.mia"]["how_to_read"] + " " + t.how_to_read})
    out.append(mia)
    # A complement, not a pillar (CNIL's review of the WP29 attacks: outlier checks are a useful
    # complement): a failure still makes the release personal data, but with ~1% of the records
    # the interval is rarely narrow enough to be conclusive, so it does not block the
    # anonymous_candidate verdict on its own.
    for t in out:
        t.required = False
    return out


@register
class Outliers(Family):
    id = "outliers"
    title = "Copies and membership inference on the most outlying records"
    verdict_role = "complement"
    threshold_keys = ('alpha', 'mia_auc_max')
    order = 70

    def run(self, prepared: Prepared) -> list[TestResult]:
        return run(prepared)
