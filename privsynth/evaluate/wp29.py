"""The Article 29 Working Party risks (singling out, linkability, inference), measured with a control set.

Our own implementation of the method published by Giomi et al., "A Unified Framework for
Quantifying Privacy Risk in Synthetic Data" (PoPETs 2023): every attack is run against the
training data and, identically, against a control set of real records the release was not built
from; the risk is (main success - control success) / (1 - control success), with a Wilson score
interval on the main success rate, and a random-guess baseline shows the attack does something.

As in the paper, singling-out predicates are kept only when they single out one released record
(multivariate conditions point towards the tail the released value lies in),
they are evaluated on the whole training data, and the control's successes are carried to the
training data's size with the paper's size model (fitted here on the exact hypergeometric curve
instead of resamples). An earlier version subsampled the training data to the control's size
instead: a copy of a training record then singled it out only when that record was drawn, and a
release identical to its training data came out at -0.07 / -0.26. Linkability counts ties (see
`linkability`). Distances use the Gower encoding fitted on the original's ranges.
"""

from __future__ import annotations

import warnings
from typing import Optional

import numpy as np

from privsynth.evaluate import stats
from privsynth.evaluate.prepared import Prepared, finish
from privsynth.evaluate.neighbors import NeighborIndex
from privsynth.evaluate.families import Family, register
from privsynth.results import TestResult

FAMILY = "wp29"
NEED_CONTROL = "no holdout (control set) was given: the WP29 risks are measured against the success of the same attack on real records the release was not built from"

HOW = ("Risk 0 means the attack works no better on the training records than on fresh records of the same population "
       "(the release teaches the attacker nothing specific about the people in it); 1 means complete success. The "
       "interval combines the 95% Wilson intervals of the main and the control success rates. The baseline is the success of random guessing; an attack that does not beat "
       "its baseline says little. Fails when the risk is significantly above the threshold (the lower end of its 95% "
       "interval exceeds it; default 0.09, the EMA Policy 0070 / Health Canada re-identification figure), so that "
       "sampling noise on a small control set does not raise false alarms.")


def _risk(id: str, name: str, measures: str, threat: str, main_k: int, main_n: int, ctrl_k: int, ctrl_n: int,
          base_k: int, base_n: int, ctx: Prepared, extra: Optional[dict] = None) -> TestResult:
    thr = ctx.thresholds.wp29_risk_max
    m = main_k / main_n if main_n else 0.0
    c = ctrl_k / ctrl_n if ctrl_n else 0.0
    b = base_k / base_n if base_n else 0.0
    lo, hi = stats.wilson(main_k, main_n)
    c_lo, c_hi = stats.wilson(ctrl_k, ctrl_n)
    den = 1 - c if c < 1 else 1.0
    risk = (m - c) / den
    # interval accounts for the noise of BOTH rates (the control's matters when its success rate is high)
    r_lo = (lo - c_hi) / (1 - c_hi) if c_hi < 1 else -1.0
    r_hi = (hi - c_lo) / (1 - c_lo) if c_lo < 1 else 1.0
    det = {"main_success_rate": round(m, 6), "control_success_rate": round(c, 6), "baseline_success_rate": round(b, 6),
           "main_success_interval_95": [round(lo, 6), round(hi, 6)], "control_success_interval_95": [round(c_lo, 6), round(c_hi, 6)],
           "attacks": main_n, "control_attacks": ctrl_n, "attack_beats_baseline": bool(m > b),
           "risk_unclipped": round(float(risk), 6), "risk_interval_unclipped": [round(float(r_lo), 6), round(float(r_hi), 6)]}
    if risk < 0:
        det["negative_estimate"] = ("the attack succeeded less often on the training records than on the control records: "
                                    "no risk beyond the control, within sampling noise; the value is clipped to 0 (a risk "
                                    "is a probability of success beyond the control, Giomi et al. 2023)")
    if extra:
        det.update(extra)
    # a risk is not negative: value and interval clipped to [0, 1], the raw estimate kept in the details
    t = TestResult(id=id, name=name, family=FAMILY, measures=measures, how_to_read=HOW, threat_model=threat,
                   value=float(min(1.0, max(0.0, risk))), ci_low=float(min(1.0, max(0.0, r_lo))),
                   ci_high=float(min(1.0, max(0.0, r_hi))), threshold=thr, comparator="<=", passed=bool(r_lo <= thr),
                   details=det)
    t.charts = {"risk": stats.interval_chart(t.value, t.ci_low, t.ci_high, 0.0, thr)}
    return finish(t)


def _n_attacks(ctx: Prepared) -> int:
    return int(min(ctx.policy.evaluate.wp29_attacks, len(ctx.X_holdout_full)))


def _match_counts(preds: list[list[tuple]], data: dict[str, np.ndarray], n: int) -> np.ndarray:
    """How many of the n records each predicate matches (a conjunction of (column, op, value) conditions)."""
    out = np.zeros(len(preds), dtype=np.int64)
    for i, p in enumerate(preds):
        mask = np.ones(n, dtype=bool)
        for col, op, v in p:
            x = data[col]
            if op == "==":
                mask &= x == v
            elif op == "<=":
                mask &= x <= v
            elif op == ">=":
                mask &= x >= v
            elif op == "isnan":
                mask &= np.isnan(x)
        out[i] = int(mask.sum())
    return out


def _count_singles(preds: list[list[tuple]], data: dict[str, np.ndarray], n: int) -> int:
    return int((_match_counts(preds, data, n) == 1).sum())


def _singling_out_model(n: np.ndarray, w_eff: float, norm: float) -> np.ndarray:
    """Expected predicates singling out in n records when predicate weights are uniform on [0, w_eff]: norm times the
    integral of n w (1 - w)^(n - 1) dw (Cohen and Nissim 2020; the size model of Giomi et al. 2023)."""
    n = np.asarray(n, dtype=float)
    return norm * (1 - (n * w_eff + 1) * (1 - w_eff) ** n) / (n + 1)


def size_correction(counts: np.ndarray, n_control: int, n_target: int) -> float:
    """Factor that carries the control's singling-out successes from n_control records to n_target records.

    `counts` are the predicates' match counts in the whole control set. The expected successes in a random
    subsample of m control records is exact (hypergeometric: P(exactly one of a predicate's k matches drawn)); the
    size model is fitted to that curve for m from min(1000, n) to n and evaluated at n_target (Giomi et al. 2023
    fit the same model to resampled counts). 1 when the sizes are equal or the fit fails."""
    from scipy.optimize import curve_fit
    from scipy.stats import hypergeom

    if n_control == n_target or n_control < 10 or len(counts) == 0:
        return 1.0
    sizes = np.unique(np.linspace(min(1000, n_control), n_control, 10).astype(int))
    expected = np.array([hypergeom.pmf(1, n_control, counts, m).sum() for m in sizes])
    if expected[-1] <= 0:
        return 1.0
    try:
        w0 = 1.0 / n_control
        norm0 = expected[-1] / max(1e-12, float(_singling_out_model(np.array([n_control]), w0, 1.0)[0]))
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # OptimizeWarning: no covariance needed, only the fitted curve
            popt, _ = curve_fit(_singling_out_model, sizes, expected, p0=(w0, norm0), bounds=(0, (1, np.inf)), maxfev=5000)
        f = lambda m: float(_singling_out_model(np.array([m]), *popt)[0])  # noqa: E731
        return f(n_target) / f(n_control) if f(n_control) > 0 else 1.0
    except (RuntimeError, ValueError):
        return 1.0


def _univariate_predicates(rel: dict[str, np.ndarray], ctx: Prepared, n: int, rng: np.random.Generator) -> list:
    cands = []
    for c, x in rel.items():
        if c in ctx.enc.numeric:
            f = x[np.isfinite(x)]
            if len(f):
                cands.append([(c, "<=", float(f.min()))])
                cands.append([(c, ">=", float(f.max()))])
                vals, cnt = np.unique(f, return_counts=True)
                cands += [[(c, "==", float(v))] for v in vals[cnt == 1]]
        else:
            vals, cnt = np.unique(x, return_counts=True)
            cands += [[(c, "==", int(v))] for v in vals[cnt == 1]]
    if len(cands) > n:
        sel = rng.choice(len(cands), size=n, replace=False)
        cands = [cands[i] for i in sel]
    return cands


def _multivariate_predicates(rel: dict[str, np.ndarray], ctx: Prepared, n: int, rng: np.random.Generator,
                             n_cols: int = 4) -> list:
    cols = list(rel)
    m = len(next(iter(rel.values()))) if rel else 0
    preds = []
    if m == 0:
        return preds
    medians = {c: float(np.nanmedian(x)) if c in ctx.enc.numeric and np.isfinite(x).any() else 0.0 for c, x in rel.items()}
    for _ in range(n):
        r = int(rng.integers(m))
        chosen = rng.choice(len(cols), size=min(n_cols, len(cols)), replace=False)
        p = []
        for j in chosen:
            c = cols[j]
            v = rel[c][r]
            if c in ctx.enc.numeric:
                if np.isnan(v):
                    p.append((c, "isnan", 0))
                else:
                    # towards the tail the value lies in (Giomi et al. 2023): a more extreme condition singles out more often
                    p.append((c, ">=" if v > medians[c] else "<=", float(v)))
            else:
                p.append((c, "==", int(v)))
        preds.append(p)
    return preds


def _random_predicates(template: list, ori: dict[str, np.ndarray], ctx: Prepared, rng: np.random.Generator) -> list:
    """Baseline: same shapes of predicates, values drawn at random from the column's domain."""
    out = []
    for p in template:
        q = []
        for c, op, _ in p:
            if c in ctx.enc.numeric:
                q.append((c, op if op != "isnan" else "<=", float(rng.random())))
            else:
                q.append((c, "==", int(rng.integers(len(ctx.enc.categories[c])))))
        out.append(q)
    return out


def singling_out(ctx: Prepared, multivariate: bool) -> TestResult:
    id = "wp29.singling_out.multivariate" if multivariate else "wp29.singling_out.univariate"
    name = f"Singling out ({'multivariate' if multivariate else 'univariate'} predicates)"
    measures = ("Predicates built from the release (" + ("conjunctions of conditions on 4 columns taken from a released record"
                if multivariate else "one condition on a rare value or an extreme of one column") +
                ") that single out one released record are tried against the whole training data and the whole holdout (control); success when a predicate matches exactly one record; the control's successes are carried to the training data's size with the size model of Giomi et al. (2023).")
    threat = "An attacker who reads the release and tries to describe one real person uniquely."
    n = _n_attacks(ctx)
    if n == 0:
        return TestResult(id=id, name=name, family=FAMILY, measures=measures, how_to_read=HOW, threat_model=threat,
                          status="not_run", reason_not_run=NEED_CONTROL)
    rng = ctx.rng(31 if multivariate else 32)
    rel_X = ctx.X_release[ctx.release_idx]
    rel = ctx.enc.decode(rel_X)
    ori_X, ctl_X = ctx.X_train, ctx.X_holdout_full
    ori, ctl = ctx.enc.decode(ori_X), ctx.enc.decode(ctl_X)
    # as the attacker would: keep predicates that single out one record of the release (Giomi et al. 2023)
    preds: list = []
    for _ in range(5):
        cand = _multivariate_predicates(rel, ctx, n, rng) if multivariate else _univariate_predicates(rel, ctx, n, rng)
        if not cand:
            break
        preds += [p for p, k in zip(cand, _match_counts(cand, rel, len(rel_X))) if k == 1]
        if len(preds) >= n or not multivariate:
            break
    preds = preds[:n]
    if not preds:
        # the attack ran: no predicate of this kind isolates a released record (e.g. every value of a low-cardinality
        # release is shared), so the release gives the attacker nothing to single anyone out with
        t = TestResult(id=id, name=name, family=FAMILY, measures=measures, how_to_read=HOW, threat_model=threat,
                       value=0.0, threshold=ctx.thresholds.wp29_risk_max, comparator="<=", passed=True,
                       details={"attacks": 0, "note": "no predicate of this kind singles out one released record: "
                                "nothing to single out with (risk 0)"})
        return finish(t)
    # main: the whole training data; control: the whole holdout, its successes carried to the training data's size
    mk = _count_singles(preds, ori, len(ori_X))
    ctl_counts = _match_counts(preds, ctl, len(ctl_X))
    corr = size_correction(ctl_counts, len(ctl_X), len(ori_X))
    ck = int(round(min(len(preds), (ctl_counts == 1).sum() * corr)))
    base = _random_predicates(preds, ori, ctx, rng)
    bk = _count_singles(base, ori, len(ori_X))
    return _risk(id, name, measures, threat, mk, len(preds), ck, len(preds), bk, len(base), ctx,
                 {"training_records": len(ori_X), "control_records": len(ctl_X),
                  "control_successes_uncorrected": int((ctl_counts == 1).sum()),
                  "control_size_correction": round(corr, 6),
                  "size_correction": "control successes x f(n_train)/f(n_control), f = the singling-out size model fitted on the control (Giomi et al. 2023)"})


def _groups(ctx: Prepared) -> Optional[tuple[list[str], list[str]]]:
    g = ctx.policy.evaluate.linkability_groups
    cols = ctx.columns
    if g:
        a = [c for c in g[0] if c in cols]
        b = [c for c in (g[1] if len(g) > 1 else []) if c in cols]
    else:
        h = len(cols) // 2
        a, b = cols[:h], cols[h:]
    if not a or not b:
        return None
    return a, b


def linkability(ctx: Prepared) -> TestResult:
    id, name = "wp29.linkability", "Linkability"
    measures = ("Each target record is split into two column groups an attacker might hold in separate datasets; each half is "
                "matched to its closest released records; success when both halves point at the same released record (ties "
                "included: some released record is closest on both halves at once). Run on training targets and, identically, "
                "on control targets.")
    threat = "An attacker holding two datasets about the same people, each with part of the columns, who uses the release to join them."
    n = _n_attacks(ctx)
    g = _groups(ctx)
    if n == 0 or g is None:
        reason = NEED_CONTROL if n == 0 else "linkability needs two non-empty column groups (policy evaluate.linkability_groups)"
        return TestResult(id=id, name=name, family=FAMILY, measures=measures, how_to_read=HOW, threat_model=threat,
                          status="not_run", reason_not_run=reason)
    a, b = g
    rel = ctx.X_release[ctx.release_idx]
    da, db = ctx.enc.dims_of(a), ctx.enc.dims_of(b)
    ia = NeighborIndex(rel[:, da], len(a), backend=ctx.policy.evaluate.backend, approximate_above=ctx.policy.evaluate.approximate_above,
                       categorical=ctx.enc.categorical_slices(a))
    ib = NeighborIndex(rel[:, db], len(b), backend=ctx.policy.evaluate.backend, approximate_above=ctx.policy.evaluate.approximate_above,
                       categorical=ctx.enc.categorical_slices(b))
    rng = ctx.rng(41)
    tm = ctx.X_train[rng.choice(ctx.member_idx, size=min(n, len(ctx.member_idx)), replace=False)]
    tc = ctx.X_holdout_full[rng.choice(len(ctx.X_holdout_full), size=n, replace=False)]

    full = NeighborIndex(rel, len(a) + len(b), backend=ctx.policy.evaluate.backend,
                         approximate_above=ctx.policy.evaluate.approximate_above, categorical=ctx.enc.categorical_slices())

    def success(T: np.ndarray) -> int:
        # both halves point at the same released record, ties included: some released record is at once a closest
        # record on half a and on half b, i.e. (L1 over disjoint column groups adds up) the closest record on all
        # columns is exactly d_a + d_b away. Breaking ties by index order instead made a release identical to the
        # training data look unlinkable on low-cardinality halves.
        sa = ia.search(T[:, da], 1)[0][:, 0] * len(a)
        sb = ib.search(T[:, db], 1)[0][:, 0] * len(b)
        sf = full.search(T, 1)[0][:, 0] * (len(a) + len(b))
        return int((np.abs(sf - (sa + sb)) <= 1e-4).sum())

    mk, ck = success(tm), success(tc)
    bk = int((rng.integers(len(rel), size=n) == rng.integers(len(rel), size=n)).sum())
    return _risk(id, name, measures, threat, mk, len(tm), ck, len(tc), bk, n, ctx,
                 {"group_a": a, "group_b": b, "release_records_searched": len(rel)})


def _secrets(ctx: Prepared) -> list[str]:
    s = ctx.policy.evaluate.secrets
    shared = [c for c in ctx.columns]
    if s:
        return [c for c in s if c in shared]
    return [c for c in ctx.names("sensitive", "special_category") if c in shared]


def inference(ctx: Prepared) -> list[TestResult]:
    secrets = _secrets(ctx)
    measures_t = ("For the secret column {c}: the attacker knows a target's other evaluated columns, finds the closest released "
                  "record on them and guesses its {c}; success when the guess is right (numbers: within 5% of the column's "
                  "range). Run on training targets and, identically, on control targets.")
    threat = "An attacker who knows some attributes of a person in the data and wants to learn a sensitive one."
    if not secrets:
        asked = list(ctx.policy.evaluate.secrets or [])
        reason = ("no secret columns: the scan found no sensitive or special-category column among the evaluated columns "
                  "(set evaluate.secrets in the policy)")
        if asked:  # named, but the attacks only use the evaluated (quasi-identifier and sensitive) columns
            reason = (f"no secret columns: evaluate.secrets names {', '.join(map(str, asked))}, not among the evaluated columns "
                      f"({', '.join(map(str, ctx.columns)) or 'none'}); declare it under columns: with category: sensitive in the policy")
        return [TestResult(id="wp29.inference", name="Inference", family=FAMILY, how_to_read=HOW, threat_model=threat,
                           status="not_run", reason_not_run=reason)]
    n = _n_attacks(ctx)
    out = []
    rel = ctx.X_release[ctx.release_idx]
    relv = ctx.enc.decode(rel)
    rng = ctx.rng(51)
    for c in secrets:
        id = f"wp29.inference.{c}"
        name = f"Inference of {c}"
        aux = [x for x in ctx.columns if x != c]
        if n == 0 or not aux:
            out.append(TestResult(id=id, name=name, family=FAMILY, measures=measures_t.format(c=c), how_to_read=HOW,
                                  threat_model=threat, status="not_run",
                                  reason_not_run=NEED_CONTROL if n == 0 else "no auxiliary columns to infer from"))
            continue
        dims = ctx.enc.dims_of(aux)
        idx = NeighborIndex(rel[:, dims], len(aux), backend=ctx.policy.evaluate.backend,
                            approximate_above=ctx.policy.evaluate.approximate_above,
                            categorical=ctx.enc.categorical_slices(aux))
        tm = ctx.X_train[rng.choice(ctx.member_idx, size=min(n, len(ctx.member_idx)), replace=False)]
        tc = ctx.X_holdout_full[rng.choice(len(ctx.X_holdout_full), size=n, replace=False)]
        numeric = c in ctx.enc.numeric

        def correct(guess: np.ndarray, truth: np.ndarray) -> np.ndarray:
            if numeric:
                both_nan = np.isnan(guess) & np.isnan(truth)
                return both_nan | (np.abs(guess - truth) <= 0.05)
            return guess == truth

        def success(T: np.ndarray) -> int:
            _, j = idx.search(T[:, dims], 1)
            guess = relv[c][j[:, 0]]
            return int(correct(guess, ctx.enc.decode(T)[c]).sum())

        mk, ck = success(tm), success(tc)
        truth_m = ctx.enc.decode(tm)[c]
        bk = int(correct(relv[c][rng.integers(len(rel), size=len(tm))], truth_m).sum())
        out.append(_risk(id, name, measures_t.format(c=c), threat, mk, len(tm), ck, len(tc), bk, len(tm), ctx,
                         {"secret": c, "auxiliary_columns": len(aux)}))
    return out


def run(ctx: Prepared) -> list[TestResult]:
    return [singling_out(ctx, False), singling_out(ctx, True), linkability(ctx), *inference(ctx)]


@register
class WP29(Family):
    id = "wp29"
    title = "WP29 singling out, linkability, inference (Giomi et al. 2023)"
    verdict_role = "required"
    threshold_keys = ('wp29_risk_max',)
    order = 40

    def run(self, prepared: Prepared) -> list[TestResult]:
        return run(prepared)
