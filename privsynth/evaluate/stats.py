"""Statistics used by the verification tests: exact tests, intervals, ROC summaries, epsilon bounds."""

from __future__ import annotations

import math
from typing import Optional

import numpy as np
from scipy import stats as sps


def fisher_greater(x: int, n_x: int, y: int, n_y: int) -> float:
    """One-sided Fisher exact test: is the rate x/n_x larger than y/n_y? Returns the p-value."""
    if n_x <= 0 or n_y <= 0 or x + y == 0:
        return 1.0
    table = [[x, n_x - x], [y, n_y - y]]
    return float(sps.fisher_exact(table, alternative="greater")[1])


def minimum_detectable_excess(p0: float, n_x: int, n_y: int, alpha: float, power: float = 0.8) -> float:
    """Smallest excess rate (x/n_x minus the base rate p0 shared with y/n_y) that a one-sided two-sample
    test at level alpha detects with the given power (normal approximation). With p0 = 0 the approximation
    says nothing, so the excess is at least the smallest count x with (n_x/(n_x+n_y))**x <= alpha, the
    Fisher p-value of x copies against none."""
    if n_x <= 0 or n_y <= 0:
        return 1.0
    z = sps.norm.ppf(1 - alpha) + sps.norm.ppf(power)
    p = min(max(p0, 0.0), 1.0)
    normal = z * math.sqrt(p * (1 - p) * (1 / n_x + 1 / n_y))
    x_min = math.ceil(math.log(alpha) / math.log(n_x / (n_x + n_y)))
    return float(min(1.0, max(normal, x_min / n_x)))


def binom_greater(k: int, n: int, p0: float) -> float:
    if n <= 0:
        return 1.0
    return float(sps.binomtest(int(k), int(n), p0, alternative="greater").pvalue)


def wilson(k: float, n: int, confidence: float = 0.95) -> tuple[float, float]:
    if n <= 0:
        return (0.0, 1.0)
    z = sps.norm.ppf(1 - (1 - confidence) / 2)
    p = k / n
    den = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / den
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / den
    return (max(0.0, min(p, centre - half)), min(1.0, max(p, centre + half)))


def clopper_pearson(k: np.ndarray | int, n: int, alpha: float = 0.05) -> tuple[np.ndarray, np.ndarray]:
    """Two-sided (1 - alpha) Clopper-Pearson interval, vectorised over k."""
    k = np.asarray(k, dtype=float)
    lo = np.where(k > 0, sps.beta.ppf(alpha / 2, k, n - k + 1), 0.0)
    hi = np.where(k < n, sps.beta.ppf(1 - alpha / 2, k + 1, n - k), 1.0)
    return np.nan_to_num(lo, nan=0.0), np.nan_to_num(hi, nan=1.0)


def roc_counts(scores_members: np.ndarray, scores_nonmembers: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """For every distinct threshold t (predict member when score >= t): (thresholds, TP, FP) counts."""
    s = np.concatenate([scores_members, scores_nonmembers])
    y = np.concatenate([np.ones(len(scores_members)), np.zeros(len(scores_nonmembers))])
    order = np.argsort(-s, kind="mergesort")
    s, y = s[order], y[order]
    tp = np.cumsum(y)
    fp = np.cumsum(1 - y)
    last = np.r_[np.diff(s) != 0, True]  # last position of each distinct score
    return s[last], tp[last].astype(np.int64), fp[last].astype(np.int64)


def auc(scores_members: np.ndarray, scores_nonmembers: np.ndarray) -> float:
    """ROC AUC with ties counted half (Mann-Whitney)."""
    n1, n0 = len(scores_members), len(scores_nonmembers)
    if n1 == 0 or n0 == 0:
        return float("nan")
    r = sps.rankdata(np.concatenate([scores_members, scores_nonmembers]))
    return float((r[:n1].sum() - n1 * (n1 + 1) / 2) / (n1 * n0))


def tpr_at_fpr(tp: np.ndarray, fp: np.ndarray, n1: int, n0: int, target: float) -> float:
    ok = fp <= target * n0
    if not ok.any() or n1 == 0:
        return 0.0
    return float(tp[ok].max() / n1)


def epsilon_lower_bound(tp: np.ndarray, fp: np.ndarray, n1: int, n0: int, alpha: float = 0.05,
                        max_thresholds: int = 200) -> float:
    """Empirical epsilon lower bound max_t log max(TPR/FPR, (1-FPR)/(1-TPR)) with Clopper-Pearson bounds.

    Each threshold's bound holds with confidence 1 - alpha / m (union bound over the m thresholds
    examined), so the maximum is a valid (1 - alpha) lower bound on the epsilon of any
    differentially private mechanism that would be consistent with the attack's results.
    """
    if n1 == 0 or n0 == 0 or len(tp) == 0:
        return 0.0
    if len(tp) > max_thresholds:
        sel = np.unique(np.r_[np.linspace(0, len(tp) - 1, max_thresholds).astype(int),
                              np.searchsorted(fp, np.ceil(np.array([0.0, 0.001, 0.01, 0.05]) * n0), side="right") - 1])
        sel = sel[(sel >= 0) & (sel < len(tp))]
        tp, fp = tp[sel], fp[sel]
    m = max(1, len(tp))
    a = alpha / m
    tpr_lo, tpr_hi = clopper_pearson(tp, n1, 2 * a)  # one-sided a on each side
    fpr_lo, fpr_hi = clopper_pearson(fp, n0, 2 * a)
    with np.errstate(divide="ignore", invalid="ignore"):
        e1 = np.log(np.where(fpr_hi > 0, tpr_lo / fpr_hi, 1.0))
        e2 = np.log(np.where(1 - tpr_lo > 0, (1 - fpr_hi) / (1 - tpr_lo), 1.0))
    e = np.nan_to_num(np.maximum(e1, e2), nan=0.0, posinf=0.0, neginf=0.0)
    return float(max(0.0, e.max()))


def roc_chart(tp: np.ndarray, fp: np.ndarray, n1: int, n0: int, auc_value: float, points: int = 200) -> dict:
    fpr = np.r_[0.0, fp / max(1, n0)]
    tpr = np.r_[0.0, tp / max(1, n1)]
    if len(fpr) > points:
        # keep points evenly spaced on a log-ish FPR grid so the low-FPR region stays visible
        grid = np.unique(np.r_[0.0, np.logspace(-4, 0, points - 1)])
        idx = np.searchsorted(fpr, grid, side="right") - 1
        idx = np.unique(np.clip(idx, 0, len(fpr) - 1))
        fpr, tpr = fpr[idx], tpr[idx]
    return {"type": "roc", "fpr": [round(float(v), 6) for v in fpr], "tpr": [round(float(v), 6) for v in tpr],
            "auc": round(float(auc_value), 6)}


def cluster_binomial_greater(labels: np.ndarray, clusters: np.ndarray, p0: float) -> tuple[float, float]:
    """One-sided test that the share of label 1 exceeds p0 when observations share clusters.

    Each release record's label is the label of its nearest pool record; release records sharing a
    nearest record share its label, so the variance uses the sum of squared cluster sizes.
    Returns (share, p_value).
    """
    n = len(labels)
    if n == 0:
        return float("nan"), 1.0
    share = float(labels.mean())
    _, counts = np.unique(clusters, return_counts=True)
    var = p0 * (1 - p0) * float((counts.astype(float) ** 2).sum())
    if var <= 0:
        return share, 1.0
    z = (labels.sum() - p0 * n) / math.sqrt(var)
    return share, float(sps.norm.sf(z))


def bonferroni(ps: list[float]) -> float:
    ps = [p for p in ps if p is not None and not math.isnan(p)]
    if not ps:
        return 1.0
    return float(min(1.0, len(ps) * min(ps)))


def histogram(series: dict[str, np.ndarray], bins: int = 30, upper: Optional[float] = None, x_label: str = "") -> dict:
    vals = [v[np.isfinite(v)] for v in series.values() if len(v)]
    hi = upper if upper is not None else (max((float(v.max()) for v in vals if len(v)), default=1.0) or 1.0)
    edges = np.linspace(0.0, hi, bins + 1)
    out = {}
    for name, v in series.items():
        v = v[np.isfinite(v)]
        c, _ = np.histogram(np.clip(v, 0, hi), bins=edges)
        out[name] = [int(x) for x in c]
    return {"type": "histogram", "edges": [round(float(e), 6) for e in edges], "series": out, "x_label": x_label}


def interval_chart(value: Optional[float], low: Optional[float], high: Optional[float], baseline: Optional[float],
                   threshold: Optional[float]) -> dict:
    f = lambda v: None if v is None or (isinstance(v, float) and math.isnan(v)) else round(float(v), 6)
    return {"type": "interval", "value": f(value), "low": f(low), "high": f(high), "baseline": f(baseline),
            "threshold": f(threshold)}


def fisher_critical_count(n_x: int, y: int, n_y: int, alpha: float) -> Optional[int]:
    """Smallest x whose one-sided Fisher p-value (x of n_x against y of n_y) is below alpha; None when no x <= n_x is."""
    if n_x <= 0 or n_y <= 0:
        return None
    if fisher_greater(n_x, n_x, y, n_y) >= alpha:
        return None
    lo, hi = 0, n_x  # p(x) decreases with x: binary search
    while lo < hi:
        mid = (lo + hi) // 2
        if fisher_greater(mid, n_x, y, n_y) < alpha:
            hi = mid
        else:
            lo = mid + 1
    return lo


def minimum_detectable_count(n_x: int, y: int, n_y: int, alpha: float, power: float = 0.8) -> Optional[int]:
    """Smallest number L of planted records (each adding one hit among the n_x tested records, on top of hits at
    the chance rate y/n_y seen among the n_y reference records) that a one-sided Fisher test at level alpha
    detects with probability >= power, conditional on the reference count y.

    Chance hits among the other n_x - L records are Binomial(n_x - L, y/n_y); the test detects when the total
    reaches `fisher_critical_count`. None when even n_x planted records would not be detected.
    """
    xc = fisher_critical_count(n_x, y, n_y, alpha)
    if xc is None:
        return None
    p0 = min(max(y / n_y, 0.0), 1.0)

    def pw(L: int) -> float:
        need = xc - L
        if need <= 0:
            return 1.0
        return float(sps.binom.sf(need - 1, n_x - L, p0))

    if pw(n_x) < power:
        return None
    lo, hi = 0, n_x
    while lo < hi:
        mid = (lo + hi) // 2
        if pw(mid) >= power:
            hi = mid
        else:
            lo = mid + 1
    return lo
