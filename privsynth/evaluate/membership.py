"""Membership-inference attacks that need only the release and real data (no access to the generator).

Members = (a sample of) the training records, non-members = the holdout's evaluation part.
The attacker's reference data is the holdout's control part (real records never used for the
release nor evaluated as non-members). Each attack gives a score per candidate record; only the
ROC summaries leave this module.
"""

from __future__ import annotations

from typing import Optional

import numpy as np
from scipy import stats as sp_stats

from privsynth.evaluate import stats
from privsynth.evaluate.prepared import Prepared, finish
from privsynth.registry import Registry
from privsynth.evaluate.families import Family, register
from privsynth.results import TestResult

#: membership attacks by test id (a plugin registers more the same way)
ATTACKS: Registry = Registry("membership attack")

FAMILY = "membership_inference"
NEED_HOLDOUT = "no holdout was given: membership inference needs real non-member records to measure the attack's false positives"
MIN_AUC_SIDE = 20  # members and non-members each, for the AUC's interval to be judged
NEED_REFERENCE = "the holdout's control part is empty: this attack needs reference records the release was not built from"

HOW = ("AUC 0.5 and TPR at low FPR equal to the FPR mean the attacker cannot tell training records from fresh ones. "
       "The epsilon lower bound is statistically valid (Clopper-Pearson, union bound over thresholds at 95%): a value "
       "above the threshold means no mechanism with a smaller differential-privacy epsilon could produce this attack "
       "performance. Fails when the AUC is significantly above its threshold (lower end of its 95% interval; judged with at "
       "least 20 members and 20 non-members), when the "
       "TPR at 1% FPR is above its threshold beyond the noise of both samples (the lower end of its 95% Clopper-Pearson "
       "interval over the members exceeds the threshold AND a one-sided Fisher exact test finds more members than "
       "non-members above the 1%-FPR score threshold, at 5% split over the attacks; judged only with at least 500 "
       "non-members; chance is TPR = FPR = 0.01), or when the epsilon lower "
       "bound exceeds its threshold.")

TEXTS = {
    "mia.distance": dict(name="Membership inference: distance to closest released record",
                         measures="Attack score = minus the Gower distance from a candidate real record to its closest released record.",
                         threat_model="The attacker holds the release and the candidate's record, nothing else."),
    "mia.distance_reference": dict(name="Membership inference: distance relative to reference data",
                                   measures="Attack score = distance to the closest reference record minus distance to the closest released record (a record much closer to the release than to real data of the same population was probably trained on).",
                                   threat_model="The attacker holds the release, the candidate's record and real reference data from the same population."),
    "mia.density_ratio": dict(name="Membership inference: density ratio (DOMIAS-style)",
                              measures="Attack score = log density of the release over log density of reference data at the candidate, estimated by k-nearest-neighbour radii in a reduced (PCA) space.",
                              threat_model="The attacker holds the release, the candidate's record and reference data; looks for regions the generator over-represents."),
    "mia.classifier": dict(name="Membership inference: classifier (release vs reference)",
                           measures="A gradient-boosting classifier is trained to tell released records from reference records; the attack score of a candidate is its predicted probability of being 'released'.",
                           threat_model="The attacker holds the release and reference data and trains a model."),
    "mia.worst": dict(name="Membership inference: worst attack",
                      measures="The strongest of the membership-inference attacks (largest epsilon lower bound, then AUC); the verdict uses it.",
                      threat_model="The strongest of the attackers above."),
}


#: significance of the TPR-at-1%-FPR excess test, split (Bonferroni) over the registered attacks
TPR_ALPHA = 0.05
TPR_TEST = ("one-sided Fisher exact test that members above the 1%-FPR score threshold exceed non-members above it "
            "(Fisher 1922; scipy.stats.fisher_exact), Bonferroni over the attacks")


def fp_at(tp: np.ndarray, fp: np.ndarray, n0: int, target: float) -> int:
    """Non-members scoring at or above the score threshold where TPR at `target` FPR is read (count)."""
    ok = fp <= target * n0
    if not ok.any():
        return 0
    i = int(np.flatnonzero(ok)[np.argmax(tp[ok])])
    return int(fp[i])


def tpr_excess_p_value(k1: int, n1: int, k0: int, n0: int) -> float:
    """One-sided p-value that the share of members above a score threshold (k1 of n1) exceeds the share of
    non-members above it (k0 of n0): Fisher's exact test on the 2x2 table (Fisher, 1922; scipy.stats.fisher_exact,
    alternative="greater"). Accounts for the noise of both samples: an attack at chance gets p uniform-or-larger,
    so it fails at most alpha of the time. 1.0 when either sample is empty."""
    if n1 <= 0 or n0 <= 0:
        return 1.0
    return float(sp_stats.fisher_exact([[k1, n1 - k1], [k0, n0 - k0]], alternative="greater")[1])


def roc_result(id: str, ctx: Prepared, sm: np.ndarray, sn: np.ndarray, extra: Optional[dict] = None) -> TestResult:
    """A membership test from attack scores of members `sm` and non-members `sn` (higher = more likely a member):
    AUC with its Hanley-McNeil interval, TPR at 0.1% and 1% FPR, advantage and the empirical epsilon lower bound."""
    th = ctx.thresholds
    n1, n0 = len(sm), len(sn)
    _, tp, fp = stats.roc_counts(sm, sn)
    a = stats.auc(sm, sn)
    t001 = stats.tpr_at_fpr(tp, fp, n1, n0, 0.001)
    t01 = stats.tpr_at_fpr(tp, fp, n1, n0, 0.01)
    adv = float(np.max(tp / n1 - fp / n0)) if len(tp) else 0.0
    eps = stats.epsilon_lower_bound(tp, fp, n1, n0, alpha=0.05)
    # a bootstrap-free interval for the AUC (Hanley-McNeil)
    q1, q2 = a / (2 - a), 2 * a * a / (1 + a)
    se = np.sqrt(max(0.0, (a * (1 - a) + (n1 - 1) * (q1 - a * a) + (n0 - 1) * (q2 - a * a)) / (n1 * n0)))
    auc_lo = max(0.0, a - 1.96 * se)
    # judged on the AUC's lower 95% bound (small candidate sets give noisy AUCs), on TPR at 1% FPR only when at
    # least 5 non-members sit below that FPR, and on the (already statistically valid) epsilon lower bound
    tpr_judged = n0 >= 500
    # the Hanley-McNeil interval is a normal approximation: with fewer than 20 members or non-members (e.g. 4 holdout
    # outliers) it is not a 95% interval, so the AUC is not judged there; the epsilon bound (exact) still is
    auc_judged = min(n1, n0) >= MIN_AUC_SIDE
    # TPR at 1% FPR: the 1% point itself rests on the non-members, so a bound over the members alone lets an attack
    # at chance fail (new-user finding: TPR 0.019, lower bound 0.0148 over members vs 0.01, with 5 of 500 non-members
    # above the threshold). It fails only when (a) the members above the 1%-FPR score threshold significantly
    # outnumber the non-members above it (one-sided Fisher exact test on the 2x2 counts, Bonferroni over the
    # registered attacks) AND (b) the lower end of the TPR's 95% Clopper-Pearson interval exceeds the threshold.
    k01 = int(round(t01 * n1))
    t01_lo = float(sp_stats.beta.ppf(0.025, k01, n1 - k01 + 1)) if k01 > 0 else 0.0
    k0 = fp_at(tp, fp, n0, 0.01)
    p01 = tpr_excess_p_value(k01, n1, k0, n0)
    alpha01 = TPR_ALPHA / max(1, len(list(ATTACKS)))
    tpr_fails = tpr_judged and p01 < alpha01 and t01_lo > th.mia_tpr_at_fpr_001_max
    passed = ((not auc_judged or auc_lo <= th.mia_auc_max) and not tpr_fails and eps <= th.mia_epsilon_max)
    failed_on = [name for name, bad in (("auc", auc_judged and auc_lo > th.mia_auc_max),
                                        ("tpr_at_fpr_0.01", tpr_fails),
                                        ("epsilon_lower_bound", eps > th.mia_epsilon_max)) if bad]
    det = {"auc": round(a, 6), "tpr_at_fpr_0.001": round(t001, 6), "tpr_at_fpr_0.01": round(t01, 6),
           "tpr_at_fpr_0.01_interval_95": [round(t01_lo, 6), round(float(sp_stats.beta.ppf(0.975, k01 + 1, n1 - k01)) if k01 < n1 else 1.0, 6)],
           "advantage": round(max(0.0, adv), 6), "epsilon_lower_bound": round(eps, 6), "members": n1, "non_members": n0,
           "thresholds": {"auc_max": th.mia_auc_max, "tpr_at_fpr_0.01_max": th.mia_tpr_at_fpr_001_max,
                          "epsilon_max": th.mia_epsilon_max},
           "approximate_index": bool(ctx.approximate), "tpr_at_fpr_0.01_judged": tpr_judged, "auc_judged": auc_judged,
           "auc_interval_95": [round(auc_lo, 6), round(min(1.0, a + 1.96 * se), 6)],
           "non_members_above_fpr_0.01_threshold": int(k0), "members_above_fpr_0.01_threshold": int(k01),
           "fpr_at_fpr_0.01_threshold": round(k0 / n0, 6) if n0 else 0.0,
           "tpr_excess_p_value": round(p01, 8), "tpr_excess_alpha": round(alpha01, 6),
           "tpr_excess_test": TPR_TEST, "failed_on": failed_on}
    if extra:
        det.update(extra)
    t = TestResult(id=id, family=FAMILY, how_to_read=HOW, **TEXTS[id], value=a, ci_low=max(0.0, a - 1.96 * se),
                   ci_high=min(1.0, a + 1.96 * se), threshold=th.mia_auc_max, comparator="<=", passed=bool(passed),
                   details=det)
    t.charts = {"roc": stats.roc_chart(tp, fp, n1, n0, a)}
    return finish(t)


@ATTACKS.register("mia.distance")
def attack_distance(ctx: Prepared, sel_m: Optional[np.ndarray] = None, sel_n: Optional[np.ndarray] = None,
                    id: str = "mia.distance") -> TestResult:
    dm, dn = ctx.d_members, ctx.d_nonmembers
    if sel_m is not None:
        dm, dn = dm[sel_m], dn[sel_n]
    return roc_result(id, ctx, -dm, -dn)


@ATTACKS.register("mia.distance_reference")
def attack_reference(ctx: Prepared) -> TestResult:
    return roc_result("mia.distance_reference", ctx, ctx.dref_members - ctx.d_members, ctx.dref_nonmembers - ctx.d_nonmembers)


@ATTACKS.register("mia.density_ratio")
def attack_density(ctx: Prepared, k: int = 5, dims: int = 10) -> TestResult:
    from sklearn.decomposition import PCA

    from privsynth.evaluate.neighbors import faiss, HAVE_FAISS

    rel = ctx.X_release[ctx.release_idx]
    ref = ctx.X_control
    fit_on = np.vstack([rel, ref]).astype(np.float64)
    nd = max(1, min(dims, fit_on.shape[1], len(fit_on) - 1))
    pca = PCA(n_components=nd, random_state=ctx.seed).fit(fit_on)
    Z = lambda X: np.ascontiguousarray(pca.transform(X.astype(np.float64)), dtype=np.float32)
    zr, zf = Z(rel), Z(ref)
    cand_m, cand_n = Z(ctx.X_train[ctx.member_idx]), Z(ctx.X_holdout[ctx.nonmember_idx])

    def kth(base: np.ndarray, q: np.ndarray, kk: int) -> np.ndarray:
        kk = min(kk, len(base))
        if HAVE_FAISS:
            idx = faiss.IndexFlatL2(base.shape[1])
            idx.add(base)
            D, _ = idx.search(q, kk)
            return np.sqrt(np.maximum(D[:, -1], 0))
        from sklearn.neighbors import NearestNeighbors

        D, _ = NearestNeighbors(n_neighbors=kk).fit(base).kneighbors(q)
        return D[:, -1]

    eps = 1e-6
    def score(q: np.ndarray) -> np.ndarray:
        rs, rf = kth(zr, q, k) + eps, kth(zf, q, k) + eps
        # log p_rel - log p_ref  ~  nd*(log r_ref - log r_rel) + log(n_rel/n_ref) (constant dropped)
        return nd * (np.log(rf) - np.log(rs))

    return roc_result("mia.density_ratio", ctx, score(cand_m), score(cand_n), {"reduced_dimensions": nd, "k": k})


@ATTACKS.register("mia.classifier")
def attack_classifier(ctx: Prepared) -> TestResult:
    from sklearn.ensemble import HistGradientBoostingClassifier

    rel = ctx.X_release[ctx.release_idx]
    ref = ctx.X_control
    X = np.vstack([rel, ref])
    y = np.r_[np.ones(len(rel)), np.zeros(len(ref))]
    w = np.r_[np.full(len(rel), 0.5 / max(1, len(rel))), np.full(len(ref), 0.5 / max(1, len(ref)))] * len(y)
    clf = HistGradientBoostingClassifier(max_iter=50, max_leaf_nodes=15, random_state=ctx.seed, early_stopping=False)
    from threadpoolctl import threadpool_limits

    # OpenMP busy-waiting makes multi-threaded boosting 30x slower on a shared machine: one thread
    with threadpool_limits(limits=1, user_api="openmp"):
        clf.fit(X, y, sample_weight=w)
        sm = clf.predict_proba(ctx.X_train[ctx.member_idx])[:, 1]
        sn = clf.predict_proba(ctx.X_holdout[ctx.nonmember_idx])[:, 1]
    return roc_result("mia.classifier", ctx, sm, sn, {"model": "HistGradientBoostingClassifier(max_iter=50, max_leaf_nodes=15)"})


def worst(results: list[TestResult], ctx: Prepared) -> TestResult:
    ran = [r for r in results if r.status in ("pass", "fail")]
    if not ran:
        reason = next((r.reason_not_run for r in results if r.reason_not_run), NEED_HOLDOUT)
        return TestResult(id="mia.worst", family=FAMILY, how_to_read=HOW, **TEXTS["mia.worst"], status="not_run",
                          reason_not_run=reason)
    # a failing attack is worse than any passing one: mia.worst's details (failed_on) then name what failed
    w = max(ran, key=lambda r: (not r.passed, r.details.get("epsilon_lower_bound", 0.0), r.value or 0.0))
    t = TestResult(id="mia.worst", family=FAMILY, how_to_read=HOW, **TEXTS["mia.worst"], value=w.value, ci_low=w.ci_low,
                   ci_high=w.ci_high, threshold=w.threshold, comparator="<=", passed=all(r.passed for r in ran),
                   details={**{k: v for k, v in w.details.items()}, "worst_attack": w.id,
                            "attacks": {r.id: {"auc": r.details.get("auc"), "epsilon_lower_bound": r.details.get("epsilon_lower_bound"),
                                               "tpr_at_fpr_0.01": r.details.get("tpr_at_fpr_0.01"),
                                               "tpr_excess_p_value": r.details.get("tpr_excess_p_value"),
                                               "failed_on": r.details.get("failed_on", [])} for r in ran}},
                   charts=dict(w.charts))
    return finish(t)


#: attacks that score candidates without reference data; the others need the holdout's control part
NO_REFERENCE = {"mia.distance"}


def run(ctx: Prepared) -> list[TestResult]:
    """Every attack registered in ATTACKS (a plugin's too), then mia.worst over them."""
    ids = list(ATTACKS)

    def skipped(i: str, reason: str) -> TestResult:
        texts = TEXTS.get(i, dict(name=i, measures="", threat_model=""))
        return TestResult(id=i, family=FAMILY, how_to_read=HOW, **texts, status="not_run", reason_not_run=reason)

    if not ctx.has_holdout:
        out = [skipped(i, NEED_HOLDOUT) for i in ids]
        return out + [worst(out, ctx)]
    out = []
    for i in ids:
        if i not in NO_REFERENCE and len(ctx.X_control) < 2:
            out.append(skipped(i, NEED_REFERENCE))
        else:
            out.append(ATTACKS.get(i)(ctx))
    return out + [worst(out, ctx)]


@register
class MembershipInference(Family):
    id = "membership_inference"
    title = "Membership inference (data-only attacks)"
    verdict_role = "required"
    threshold_keys = ('mia_auc_max', 'mia_tpr_at_fpr_001_max', 'mia_epsilon_max')
    order = 30

    def run(self, prepared: Prepared) -> list[TestResult]:
        return run(prepared)
