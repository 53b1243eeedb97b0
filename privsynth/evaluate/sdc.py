"""Classical statistical disclosure control measures for row-level anonymized releases.

Equivalence classes are the groups of released records sharing all quasi-identifier values
(as released, i.e. after generalisation; a missing/suppressed value is a value of its own).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from privsynth.evaluate.prepared import Prepared, finish
from privsynth.evaluate.families import Family, register
from privsynth.results import TestResult

FAMILY = "sdc"
NOT_ANON = "the release is synthetic: k-anonymity and related measures describe row-level anonymized releases whose rows stand for real people (use release_kind='anonymized')"

TEXTS = {
    "sdc.k_anonymity": ("k-anonymity", "Size of the smallest group of released records sharing all quasi-identifier values (k).",
                        "Each released person hides among at least k records with the same quasi-identifiers. Passes when k >= the threshold."),
    "sdc.l_diversity": ("l-diversity", "Smallest number of distinct values of a sensitive column within one quasi-identifier group (distinct l-diversity, minimum over sensitive columns).",
                        "l = 1 means some group shares a single sensitive value: knowing someone is in the group reveals it. Passes when l >= the threshold."),
    "sdc.t_closeness": ("t-closeness", "Largest distance between a group's distribution of a sensitive column and the whole release's (earth mover's distance; ordered for numbers, equal-distance for categories).",
                        "0 means every group has the overall distribution; larger values mean group membership shifts what one can infer. Passes when t <= the threshold."),
    "sdc.unique_share": ("Share of unique records", "Share of released records that are alone in their quasi-identifier group.",
                         "Unique records can be singled out by anyone who knows the quasi-identifiers. Passes when the share <= the threshold."),
    "sdc.prosecutor_risk": ("Prosecutor re-identification risk", "1 / group size for each released record; the value is the maximum, the details give the mean.",
                            "The probability that an attacker who knows the target is in the release picks the right record. Passes when the maximum <= the threshold (0.09 = EMA Policy 0070 / Health Canada)."),
    "sdc.journalist_risk": ("Journalist re-identification risk", "1 / (number of original records matching a released group) for each released group, with the original table as the attacker's population register; maximum and mean.",
                            "The probability that an attacker who does not know whether the target is in the release re-identifies a released record. Passes when the maximum <= the prosecutor threshold."),
}
THREAT = "An attacker who knows the quasi-identifiers of a target (from public or leaked sources)."


def _t(id: str, **kw) -> TestResult:
    name, measures, how = TEXTS[id]
    return TestResult(id=id, name=name, family=FAMILY, measures=measures, how_to_read=how, threat_model=THREAT, **kw)


def _key(df: pd.DataFrame, cols: list[str]) -> pd.Series:
    parts = [df[c].astype(str).where(df[c].notna(), "\x00") for c in cols]
    key = parts[0]
    for p in parts[1:]:
        key = key + "\x1f" + p
    return key


def _emd(df: pd.DataFrame, key: pd.Series, col: str) -> float:
    s = df[col]
    numeric = pd.api.types.is_numeric_dtype(s) and not pd.api.types.is_bool_dtype(s)
    if numeric:
        v = s.astype(float)
        if v.nunique() > 50:
            v = pd.qcut(v.rank(method="first"), 50, labels=False)
        vals = v.fillna(-1)
    else:
        vals = s.astype(str).where(s.notna(), "\x00")
    tab = pd.crosstab(key, vals)
    if tab.shape[1] <= 1:
        return 0.0
    P = tab.to_numpy(dtype=float)
    P /= P.sum(axis=1, keepdims=True)
    Q = tab.to_numpy(dtype=float).sum(axis=0)
    Q /= Q.sum()
    if numeric:
        return float((np.abs(np.cumsum(P - Q, axis=1)).sum(axis=1) / (P.shape[1] - 1)).max())
    return float((0.5 * np.abs(P - Q).sum(axis=1)).max())


def run(ctx: Prepared) -> list[TestResult]:
    ids = list(TEXTS)
    if ctx.release_kind != "anonymized":
        # not applicable (rather than missing evidence): does not count toward the verdict
        return [_t(i, status="not_run", reason_not_run=NOT_ANON, required=False) for i in ids]
    rel = ctx.release
    qis = [c for c in (ctx.policy.transform.quasi_identifiers or ctx.names("quasi_identifier")) if c in rel.columns]
    sens = [c for c in ctx.names("sensitive", "special_category") if c in rel.columns and c not in qis]
    if not qis:
        return [_t(i, status="not_run", reason_not_run="no quasi-identifier column is present in the release (scan or policy transform.quasi_identifiers)") for i in ids]
    if len(rel) == 0:
        return [_t(i, status="not_run", reason_not_run="the release has no rows") for i in ids]
    th = ctx.thresholds
    key = _key(rel, qis)
    sizes = key.map(key.value_counts())
    k = int(sizes.min())
    out = [finish(_t("sdc.k_anonymity", value=float(k), threshold=float(th.k_min), comparator=">=", passed=k >= th.k_min,
                     details={"quasi_identifiers": qis, "groups": int(key.nunique()), "records": len(rel)}))]
    if sens:
        ls = {c: int(rel.groupby(key)[c].nunique(dropna=False).min()) for c in sens}
        lmin = min(ls.values())
        out.append(finish(_t("sdc.l_diversity", value=float(lmin), threshold=float(th.l_min), comparator=">=",
                             passed=lmin >= th.l_min, details={"per_column": ls})))
        ts = {c: round(_emd(rel, key, c), 6) for c in sens}
        tmax = max(ts.values())
        out.append(finish(_t("sdc.t_closeness", value=tmax, threshold=th.t_max, comparator="<=", passed=tmax <= th.t_max,
                             details={"per_column": ts})))
    else:
        reason = "no sensitive or special-category column in the release"
        out += [_t("sdc.l_diversity", status="not_run", reason_not_run=reason),
                _t("sdc.t_closeness", status="not_run", reason_not_run=reason)]
    uniq = float((sizes == 1).mean())
    out.append(finish(_t("sdc.unique_share", value=uniq, threshold=th.unique_share_max, comparator="<=",
                         passed=uniq <= th.unique_share_max, details={"unique_records": int((sizes == 1).sum())})))
    pr = 1.0 / sizes
    out.append(finish(_t("sdc.prosecutor_risk", value=float(pr.max()), threshold=th.prosecutor_risk_max, comparator="<=",
                         passed=float(pr.max()) <= th.prosecutor_risk_max,
                         details={"max": round(float(pr.max()), 6), "mean": round(float(pr.mean()), 6),
                                  "records_above_threshold_share": round(float((pr > th.prosecutor_risk_max).mean()), 6)})))
    # journalist: population register = the original table, matched on the released QI values
    orig = ctx.original
    comparable = all(c in orig.columns for c in qis) and all(
        set(rel[c].dropna().astype(str)) <= set(orig[c].dropna().astype(str)) for c in qis)
    if comparable:
        okey = _key(orig, qis)
        pop = okey.value_counts()
        F = key.map(pop).fillna(0).astype(float)
        F = np.maximum(F.to_numpy(), sizes.to_numpy())  # the released records themselves are in the population
        note = "population = the original table"
    else:
        F = sizes.to_numpy(dtype=float)
        note = "quasi-identifiers are generalised in the release, so original records cannot be matched: the journalist risk is bounded by the prosecutor risk (reported)"
    jr = 1.0 / F
    out.append(finish(_t("sdc.journalist_risk", value=float(jr.max()), threshold=th.prosecutor_risk_max, comparator="<=",
                         passed=float(jr.max()) <= th.prosecutor_risk_max,
                         details={"max": round(float(jr.max()), 6), "mean": round(float(jr.mean()), 6), "note": note})))
    return out


@register
class DisclosureControl(Family):
    id = "sdc"
    title = "Classical statistical disclosure control"
    verdict_role = "anonymized_only"
    threshold_keys = ('k_min', 'l_min', 't_max', 'unique_share_max', 'prosecutor_risk_max')
    order = 50

    def run(self, prepared: Prepared) -> list[TestResult]:
        return run(prepared)
