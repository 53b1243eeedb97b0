"""Similarity tests: exact matches, DCR share, 5th-percentile ratio with a calibrated radius, NNDR.

All comparisons are against the holdout (real records the release was not built from) and are
valid for unequal train/holdout sizes:
* exact matches and near matches are counted per real record (does this training record have a
  copy in the release? does this holdout record?) and compared with Fisher's exact test, which
  conditions on both set sizes;
* the share closer to train is tested against its exact null n_train / (n_train + n_holdout)
  (exchangeability of the pool), with ties broken at random by shuffling the pool, and a variance
  that accounts for release records sharing the same nearest record.
"""

from __future__ import annotations

import numpy as np

from privsynth.evaluate import stats
from privsynth.evaluate.fingerprints import multiplicity, rows_in
from privsynth.evaluate.prepared import Prepared, finish
from privsynth.evaluate.families import Family, register
from privsynth.results import TestResult

FAMILY = "similarity"
NEED_HOLDOUT = "no holdout was given: this test compares the release's closeness to training records with its closeness to real records it was not built from"

TEXTS = {
    "exact_match": dict(
        name="Verbatim copies of training records",
        measures="Share of training records that appear verbatim (Gower distance 0 on the evaluated columns) in the release, against the same share for holdout records; also restricted to records that are unique among all real records (rare records, where a copy identifies someone).",
        how_to_read="A generator that never saw the training data copies training and holdout records at the same rate. A significantly higher rate for training records (Fisher exact test, p below alpha) means training records were copied. The value is the excess share (train minus holdout). The chance copy share (holdout records the generator reproduces anyway) is the noise floor: copies of random training records that make up at least the minimum detectable leak share of the release are detected with 80% power; a smaller leak can pass, and on low-cardinality tables that size is large.",
        threat_model="Anyone holding the release and some real records can check for verbatim copies.",
    ),
    "dcr.share_closer_to_train": dict(
        name="Share of released records closer to train than to holdout",
        measures="For each released record, whether its closest real record (training or holdout) is a training record. The raw share is compared with its exact expectation n_train/(n_train+n_holdout); the value is the share corrected to equal set sizes (0.5 = no preference).",
        how_to_read="0.5 means the release is no closer to the training data than to fresh records. A p-value below alpha, or an interval lying wholly above the threshold, means the release was drawn towards the training records.",
        threat_model="Diagnostic of overfitting; an attacker with a holdout can exploit the same closeness.",
    ),
    "dcr.p5_ratio": dict(
        name="Near copies within a calibrated radius (5th-percentile distance ratio)",
        measures="Value = p-value. The test counts training vs holdout records within radii set at the 1st and 5th percentile of all real records' distances (radius calibrated without labels), one-sided Fisher exact test, Bonferroni over radii. Details: the 5th percentile of training records' distances to the release divided by the same for holdout records (1 = no difference).",
        how_to_read="p below alpha (a ratio below 1) means training records have close (not necessarily identical) copies in the release: near copies, jittered records.",
        threat_model="An attacker who searches the release around a known person's record.",
    ),
    "dcr.nndr": dict(
        name="Nearest-neighbour distance ratio",
        measures="For each released record the ratio of the distances to its first and second closest real records; among released records that sit clearly closer to one real record than to any other (ratio <= 0.5), the share whose nearest record is a training record (corrected to equal set sizes in the details); value = one-sided p-value.",
        how_to_read="0.5 means released records that isolate one real record isolate training and holdout records alike. Significantly more training records (p below alpha) means the release pins individual training records.",
        threat_model="An attacker who uses a released record to single out its closest real person.",
    ),
}


IDENTICAL = ("At least 99% of released rows are verbatim copies of original rows, and so are at least 99% of the records "
             "that are unique in the original: the release is (nearly) the original, the worst case.")


def _t(id: str, **kw) -> TestResult:
    return TestResult(id=id, family=FAMILY, **TEXTS[id], **kw)


def exact_match(ctx: Prepared) -> TestResult:
    keys_t = ctx.keys_train
    copied_t = ctx.in_release(ctx.X_train, keys_t)
    # share of release rows that are copies of some original row (aggregate only)
    rel_copy = float((ctx.searcher.rows_in if ctx.searcher is not None else rows_in)(ctx.X_release, ctx.keys_release, ctx.X_train, keys_t).mean()) if len(ctx.keys_release) else 0.0
    # the worst case is the original itself released: nearly every released row is an original row AND nearly every
    # record unique in the original is there. On a low-cardinality table every released row can equal some real row
    # by chance, but the rare records are not all reproduced -- that is not the worst case.
    uniq = multiplicity(keys_t) == 1
    uniq_copied = float(copied_t[uniq].mean()) if uniq.any() else 0.0
    details = {"release_rows_identical_to_an_original_row_share": round(rel_copy, 6),
               "train_records_copied": int(copied_t.sum()), "train_records": len(keys_t),
               "original_unique_records": int(uniq.sum()), "original_unique_records_in_release_share": round(uniq_copied, 6)}
    identical = rel_copy >= 0.99 and int(uniq.sum()) >= 10 and uniq_copied >= 0.99
    if identical:
        details["release_identical_to_original"] = True
    if not ctx.has_holdout:
        if identical:
            t = _t("exact_match", value=rel_copy, passed=False, details=details)
            t.details["explanation"] = IDENTICAL
            return finish(t)
        t = _t("exact_match", status="not_run", reason_not_run=NEED_HOLDOUT, details=details)
        return t
    # the whole holdout is the non-member reference of the copy tests (the WP29 control part is not set aside)
    keys_h = ctx.keys_holdout_full
    copied_h = ctx.in_release(ctx.X_holdout_full, keys_h)
    n_t, n_h = len(keys_t), len(keys_h)
    x, y = int(copied_t.sum()), int(copied_h.sum())
    p_all = stats.fisher_greater(x, n_t, y, n_h)
    # rarity: records unique among all real records on the evaluated columns
    unique = multiplicity(np.concatenate([ctx.keys_train, keys_h])) == 1
    u_t, u_h = unique[:n_t], unique[n_t:]
    xu, yu = int((copied_t & u_t).sum()), int((copied_h & u_h).sum())
    p_rare = stats.fisher_greater(xu, int(u_t.sum()), yu, int(u_h.sum()))
    p = stats.bonferroni([p_all, p_rare])
    excess = x / n_t - y / n_h
    lo, hi = stats.wilson(x, n_t)
    details.update({
        "holdout_records_copied": y, "holdout_records": n_h,
        "train_copy_share": round(x / n_t, 6), "holdout_copy_share": round(y / n_h, 6),
        "rare_train_records_copied": xu, "rare_train_records": int(u_t.sum()),
        "rare_holdout_records_copied": yu, "rare_holdout_records": int(u_h.sum()),
        "p_value_all_records": p_all, "p_value_rare_records": p_rare,
        "expected_train_copies_if_no_leak": round(y / n_h * n_t, 2),
        "excess_copies_estimate": round(max(0.0, x - y / n_h * n_t), 1),
        "threshold_applies_to": "p_value (fails when p_value < threshold = alpha)",
    })
    # the noise floor, said with numbers: a clean generator already reproduces holdout records at rate
    # y/n_h, and copies of records it reproduces anyway add no evidence (low-cardinality tables)
    mde = stats.minimum_detectable_excess(y / n_h, n_t, n_h, ctx.alpha / 2)
    n_r = max(1, len(ctx.keys_release))
    details.update({
        "chance_copy_share": round(y / n_h, 6),
        "minimum_detectable_excess_copy_share": round(mde, 6),
        "minimum_detectable_leak_share_of_release": round(min(1.0, mde * n_t / (n_r * max(1e-9, 1 - y / n_h))), 6),
    })
    details.update({"excess_copy_share": round(excess, 6),
                    "excess_copy_share_interval_95": [round(lo - y / n_h, 6), round(hi - y / n_h, 6)],
                    "test": "one-sided Fisher exact tests on all records and on records unique among all real records",
                    "multiple_testing_correction": "Bonferroni over the 2 p-values (all records, unique records)"})
    # value, comparator and threshold are one quantity: the p-value against alpha
    t = _t("exact_match", value=p, p_value=p, threshold=ctx.alpha, comparator=">=",
           passed=(p >= ctx.alpha) and not identical, details=details)
    t.charts = {"copy_share": stats.interval_chart(x / n_t, lo, hi, y / n_h, None)}
    if identical:
        t.details["explanation"] = IDENTICAL
    return finish(t)


def share_closer(ctx: Prepared) -> TestResult:
    if not ctx.has_holdout:
        return _t("dcr.share_closer_to_train", status="not_run", reason_not_run=NEED_HOLDOUT)
    P = ctx.pool
    d, i, lab = P["d"], P["i"], P["labels"]
    n_m, n_n = P["n_members"], P["n_nonmembers"]
    p0 = n_m / (n_m + n_n)
    nearest_lab = lab[i[:, 0]].astype(float)
    share, p = stats.cluster_binomial_greater(nearest_lab, i[:, 0], p0)
    corrected = _correct(share, p0)
    thr = ctx.thresholds.dcr_share_max
    se = np.sqrt(p0 * (1 - p0) * (np.unique(i[:, 0], return_counts=True)[1].astype(float) ** 2).sum()) / len(lab[i[:, 0]])
    lo, hi = _correct(max(0.0, share - 1.96 * se), p0), _correct(min(1.0, share + 1.96 * se), p0)
    # judged on the interval, like the other thresholds: released records that share one nearest real
    # record count as one observation, so a point estimate from a few clusters is not evidence
    passed = not (p < ctx.alpha or lo > thr)
    t = _t("dcr.share_closer_to_train", value=corrected, ci_low=lo, ci_high=hi, p_value=p, threshold=thr, comparator="<=",
           passed=passed, details={"raw_share": round(share, 6), "expected_share_if_no_leak": round(p0, 6),
                                   "release_records_compared": int(len(d)), "train_records_in_pool": n_m,
                                   "holdout_records_in_pool": n_n, "alpha": ctx.alpha,
                                   "decision": "fails when p_value < alpha or the lower end of the corrected share's 95% interval exceeds the threshold"})
    is_t = nearest_lab == 1
    t.charts = {
        "dcr": stats.histogram({"nearest is a training record": d[is_t, 0], "nearest is a holdout record": d[~is_t, 0]},
                               x_label="Gower distance from released record to closest real record"),
        "share": stats.interval_chart(corrected, lo, hi, 0.5, thr),
    }
    return finish(t)


def _correct(share: float, p0: float) -> float:
    """Share re-expressed as if train and holdout had equal sizes (odds divided by the size odds)."""
    if not 0 < p0 < 1:
        return share
    a, b = share / p0, (1 - share) / (1 - p0)
    return float(a / (a + b)) if a + b > 0 else 0.5


def p5_ratio(ctx: Prepared) -> TestResult:
    if not ctx.has_holdout:
        return _t("dcr.p5_ratio", status="not_run", reason_not_run=NEED_HOLDOUT)
    dm, dn = ctx.d_members, ctx.d_nonmembers
    pm, pn = float(np.quantile(dm, 0.05)), float(np.quantile(dn, 0.05))
    ratio = (pm / pn) if pn > 0 else (1.0 if pm == 0 else float("inf"))
    pooled = np.concatenate([dm, dn])
    # One hypothesis, one test: a radius of 0 compares verbatim copies on the evaluated columns, which is exactly
    # exact_match's hypothesis, tested there against the whole holdout (this test sees the holdout's evaluation part
    # only); testing it again here added a second, weaker test of one hypothesis to the verdict (a clean release of
    # the leak suite failed it at p = 0.0094 while exact_match, on the whole holdout, gave 0.079). So a radius of 0 is
    # reported and left out, equal radii are tested once, and Bonferroni runs over the radii actually tested.
    ps, radii_info, tested = [], [], []
    for q in (0.01, 0.05):
        r = float(np.quantile(pooled, q))
        x, y = int((dm <= r).sum()), int((dn <= r).sum())
        info = {"quantile": q, "radius": r, "train_share_within": round(x / len(dm), 6),
                "holdout_share_within": round(y / len(dn), 6)}
        if r <= 0:
            info["not_tested"] = "radius 0: verbatim copies on the evaluated columns, exact_match's hypothesis"
        elif r in tested:
            info["not_tested"] = "the same radius as the 1st percentile's: tested once"
        else:
            pv = stats.fisher_greater(x, len(dm), y, len(dn))
            ps.append(pv)
            tested.append(r)
            info["p_value"] = pv
        radii_info.append(info)
    p = stats.bonferroni(ps) if ps else None
    # bootstrap interval of the ratio (aggregate)
    rng = ctx.rng(11)
    boots = []
    for _ in range(200):
        a = np.quantile(rng.choice(dm, len(dm)), 0.05)
        b = np.quantile(rng.choice(dn, len(dn)), 0.05)
        boots.append(a / b if b > 0 else (1.0 if a == 0 else np.nan))
    boots = np.array(boots, dtype=float)
    boots = boots[np.isfinite(boots)]
    lo, hi = (float(np.quantile(boots, 0.025)), float(np.quantile(boots, 0.975))) if len(boots) else (None, None)
    radii = [float(np.quantile(pooled, q)) for q in (0.01, 0.05)]
    det = {"p5_ratio": None if not np.isfinite(ratio) else round(ratio, 6),
           "p5_ratio_interval_95": [lo, hi], "radii": radii_info, "train_records": len(dm), "holdout_records": len(dn),
           "test": "one-sided Fisher exact test per radius",
           "multiple_testing_correction": f"Bonferroni over the {len(ps)} radii tested (a radius of 0 or a repeated radius is not tested)",
           "threshold_applies_to": "p_value (fails when p_value < threshold = alpha)", "radius_degenerate": False}
    if radii[0] == 0 or radii[0] == radii[1]:
        # more than 1% (or 5%) of real records have a chance verbatim copy: the radius is 0 and this test repeats the
        # exact-copy test instead of seeing near copies -- said, not passed silently
        det["radius_degenerate"] = True
        det["degenerate_note"] = (f"radius at the 1st percentile = {radii[0]:.4g}, at the 5th = {radii[1]:.4g}: more real "
                                  "records than that quantile have a chance verbatim copy, so this test sees only exact "
                                  "copies, which exact_match tests against the whole holdout, so a radius of 0 is not tested "
                                  "again here (dcr.near_records looks past them)")
    if p is None:
        det["note"] = "both radii are 0: no hypothesis left beyond exact_match's, so this test is not judged"
        t = _t("dcr.p5_ratio", value=None, p_value=None, threshold=ctx.alpha, comparator=">=", passed=None, details=det)
    else:
        t = _t("dcr.p5_ratio", value=p, p_value=p, threshold=ctx.alpha, comparator=">=", passed=p >= ctx.alpha,
               details=det)
    hi_edge = float(np.quantile(pooled, 0.99)) if len(pooled) else 1.0
    t.charts = {"distance_to_release": stats.histogram(
        {"training records": dm, "holdout records": dn}, upper=hi_edge or 1.0,
        x_label="Gower distance from real record to closest released record (99th percentile cut)")}
    return finish(t)


def nndr(ctx: Prepared) -> TestResult:
    if not ctx.has_holdout:
        return _t("dcr.nndr", status="not_run", reason_not_run=NEED_HOLDOUT)
    P = ctx.pool
    d, i, lab = P["d"], P["i"], P["labels"]
    n_m, n_n = P["n_members"], P["n_nonmembers"]
    p0 = n_m / (n_m + n_n)
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.where(d[:, 1] > 0, d[:, 0] / d[:, 1], np.where(d[:, 0] == 0, 1.0, 0.0))
    ratio = np.where(np.isfinite(ratio), ratio, 1.0)
    sel = ratio <= 0.5
    if sel.sum() == 0:
        t = _t("dcr.nndr", value=1.0, p_value=1.0, threshold=ctx.alpha, comparator=">=", passed=True,
               details={"isolating_release_records": 0, "median_nndr": round(float(np.median(ratio)), 6),
                        "threshold_applies_to": "p_value (fails when p_value < threshold = alpha)"})
        return finish(t)
    labs = lab[i[sel, 0]].astype(float)
    share, p = stats.cluster_binomial_greater(labs, i[sel, 0], p0)
    t = _t("dcr.nndr", value=p, p_value=p, threshold=ctx.alpha, comparator=">=", passed=p >= ctx.alpha,
           details={"isolating_release_records": int(sel.sum()), "raw_share": round(share, 6),
                    "train_share_corrected": round(_correct(share, p0), 6),
                    "expected_share_if_no_leak": round(p0, 6), "median_nndr": round(float(np.median(ratio)), 6),
                    "threshold_applies_to": "p_value (fails when p_value < threshold = alpha)"})
    t.charts = {"nndr": stats.histogram({"released records": ratio}, bins=20, upper=1.0,
                                        x_label="distance to closest / second closest real record")}
    return finish(t)


def run(ctx: Prepared) -> list[TestResult]:
    return [exact_match(ctx), share_closer(ctx), p5_ratio(ctx), nndr(ctx)]


@register
class Similarity(Family):
    id = "similarity"
    title = "Copies and closeness on the evaluated columns"
    verdict_role = "required"
    threshold_keys = ('alpha', 'dcr_share_max')
    order = 20

    def run(self, prepared: Prepared) -> list[TestResult]:
        return run(prepared)
