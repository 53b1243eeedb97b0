"""Utility of a synthetic release, in aggregates only.

* SDMetrics' QualityReport (MIT): Column Shapes (per-column marginal similarity: KS complement
  for numbers/dates, TV complement for categories) and Column Pair Trends (correlation and
  contingency similarity), each in [0, 1], and their mean as the overall score. Computed on the
  modelled columns, training split vs release.
* TSTR vs TRTR for ``synthesize.target_column``: a scikit-learn HistGradientBoosting model trained
  on the synthetic release (TSTR) and on the real training split (TRTR), both scored on the real
  holdout, which neither saw. Binary targets: ROC AUC; multi-class: macro F1; numeric: R^2. The
  ratio TSTR / TRTR says how much of the real data's predictive value the release keeps.

Large tables are subsampled (seeded) to ``max_rows`` rows per side for the quality report, which
is quadratic in columns and linear in rows; the report says when it did.
"""

from __future__ import annotations

from typing import Any, Optional

import numpy as np
import pandas as pd

from privsynth.errors import PolicyError

QUALITY_MAX_ROWS = 20_000
MODEL_MAX_ROWS = 50_000


def _sample(df: pd.DataFrame, n: int, seed: int) -> pd.DataFrame:
    return df if len(df) <= n else df.sample(n=n, random_state=seed)


def quality_report(real: pd.DataFrame, synth: pd.DataFrame, sdtypes: dict[str, str], seed: int = 0,
                   max_rows: int = QUALITY_MAX_ROWS, all_pairs: bool = True) -> dict[str, Any]:
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FutureWarning)  # the single-table class is deprecated in 0.32
        from sdmetrics.reports.single_table import QualityReport

    cols = [c for c in sdtypes if c in real.columns and c in synth.columns]
    if not cols:
        return {"status": "not_run", "reason": "no modelled column"}
    meta = {"columns": {c: {"sdtype": sdtypes[c]} for c in cols}}
    r = _sample(real[cols], max_rows, seed)
    s = _sample(synth[cols], max_rows, seed)
    rep = QualityReport()
    # every column pair counts (the classic definition); SDMetrics 0.32 by default scores only
    # pairs whose real correlation/association exceeds 0.5/0.3
    if all_pairs:
        rep.real_correlation_threshold = 0
        rep.real_association_threshold = 0
    rep.generate(r, s, meta, verbose=False)
    props = rep.get_properties()
    out: dict[str, Any] = {
        "overall": float(rep.get_score()),
        "properties": {str(row["Property"]): (None if pd.isna(row["Score"]) else float(row["Score"])) for _, row in props.iterrows()},
        "pairs": "all column pairs (no real-correlation threshold)" if all_pairs else "SDMetrics default thresholds",
        "rows_compared": {"real": len(r), "synthetic": len(s)},
        "subsampled": len(r) < len(real) or len(s) < len(synth),
    }
    try:
        shapes = rep.get_details("Column Shapes")
        out["column_shapes"] = {str(row["Column"]): (None if pd.isna(row["Score"]) else round(float(row["Score"]), 4))
                                for _, row in shapes.iterrows()}
    except Exception:  # pragma: no cover - details layout changed
        pass
    return out


def _features(df: pd.DataFrame, sdtypes: dict[str, str], target: str) -> pd.DataFrame:
    X = pd.DataFrame(index=df.index)
    for c, sd in sdtypes.items():
        if c == target or c not in df.columns:
            continue
        s = df[c]
        if sd == "datetime":
            X[c] = pd.to_datetime(s, errors="coerce").astype("int64").where(s.notna(), np.nan) / 1e9
        elif sd == "numerical":
            X[c] = pd.to_numeric(s, errors="coerce").astype(float)
        else:
            X[c] = s.astype(object).where(s.notna(), "<NA>").astype(str)
    return X


def _encode(frames: list[pd.DataFrame], cat_cols: list[str]) -> list[pd.DataFrame]:
    from sklearn.preprocessing import OrdinalEncoder

    if not cat_cols:
        return frames
    enc = OrdinalEncoder(handle_unknown="use_encoded_value", unknown_value=-1, encoded_missing_value=-1)
    enc.fit(pd.concat([f[cat_cols] for f in frames[:2]], ignore_index=True))
    out = []
    for f in frames:
        f = f.copy()
        f[cat_cols] = enc.transform(f[cat_cols])
        out.append(f)
    return out


def _score(kind: str, model, X, y, classes) -> float:
    from sklearn.metrics import f1_score, r2_score, roc_auc_score

    if kind == "regression":
        return float(r2_score(y, model.predict(X)))
    if kind == "binary":
        pos = classes[1]
        if pos not in list(model.classes_):
            return 0.5  # the model never saw the positive class: no better than chance
        idx = list(model.classes_).index(pos)
        return float(roc_auc_score((y == pos).astype(int), model.predict_proba(X)[:, idx]))
    return float(f1_score(y, model.predict(X), average="macro"))


def tstr(train: pd.DataFrame, release: pd.DataFrame, holdout: pd.DataFrame, sdtypes: dict[str, str],
         target: str, seed: int = 0, max_rows: int = MODEL_MAX_ROWS) -> dict[str, Any]:
    """Train-on-synthetic/test-on-real vs train-on-real/test-on-real on the holdout."""
    from sklearn.ensemble import HistGradientBoostingClassifier, HistGradientBoostingRegressor

    if target not in sdtypes:
        raise PolicyError(f"synthesize.target_column: {target!r} is not a modelled column of the table")
    sd = sdtypes[target]
    tr = _sample(train[train[target].notna()], max_rows, seed)
    rl = _sample(release[release[target].notna()], max_rows, seed)
    ho = holdout[holdout[target].notna()]
    if len(ho) < 10 or len(tr) < 10 or len(rl) < 10:
        return {"status": "not_run", "reason": "fewer than 10 rows with a target value in a split", "target": target}
    if sd == "categorical":
        ytr, yrl, yho = (d[target].astype(str) for d in (tr, rl, ho))
        classes = sorted(set(ytr) | set(yho))
        kind = "binary" if len(classes) == 2 else "multiclass"
        if len(set(ytr)) < 2:
            return {"status": "not_run", "reason": "the target has one class in the training split", "target": target}
    else:
        ytr, yrl, yho = (pd.to_numeric(d[target], errors="coerce").astype(float) for d in (tr, rl, ho))
        classes, kind = [], "regression"
    Xtr, Xrl, Xho = (_features(d, sdtypes, target) for d in (tr, rl, ho))
    cat_cols = [c for c in Xtr.columns if sdtypes[c] == "categorical"]
    Xtr, Xrl, Xho = _encode([Xtr, Xrl, Xho], cat_cols)
    # HistGradientBoosting takes at most 255 categories per feature; codes of wider columns
    # (postcodes, cities) are used as ordinal numbers instead.
    mask = [c in cat_cols and int(pd.concat([Xtr[c], Xrl[c], Xho[c]]).nunique()) <= 250 for c in Xtr.columns]

    def make():
        kw = dict(random_state=seed, max_iter=200, categorical_features=mask if any(mask) else None)
        return HistGradientBoostingRegressor(**kw) if kind == "regression" else HistGradientBoostingClassifier(**kw)

    # one OpenMP thread: on a shared 2-core machine the default thread pool made a 240-row fit
    # take 3 s instead of 0.2 s (threads spinning against each other)
    from threadpoolctl import threadpool_limits

    with threadpool_limits(limits=1, user_api="openmp"):
        real_model = make().fit(Xtr, ytr)
        trtr = _score(kind, real_model, Xho, yho, classes)
        if kind != "regression" and len(set(yrl)) < 2:
            tstr_v = 0.5 if kind == "binary" else 0.0
        else:
            syn_model = make().fit(Xrl, yrl)
            tstr_v = _score(kind, syn_model, Xho, yho, classes)
    metric = {"binary": "roc_auc", "multiclass": "f1_macro", "regression": "r2"}[kind]
    ratio = (tstr_v / trtr) if trtr and trtr > 0 else None
    return {
        "status": "ok",
        "target": target,
        "task": kind,
        "metric": metric,
        "model": "sklearn.ensemble.HistGradientBoosting" + ("Regressor" if kind == "regression" else "Classifier"),
        "tstr": round(tstr_v, 4),
        "trtr": round(trtr, 4),
        "ratio": None if ratio is None else round(ratio, 4),
        "rows": {"train_real": len(tr), "train_synthetic": len(rl), "test_holdout": len(ho)},
    }


def evaluate_utility(train: pd.DataFrame, release: pd.DataFrame, holdout: pd.DataFrame,
                     sdtypes: dict[str, str], target: Optional[str], seed: int = 0) -> dict[str, Any]:
    """Quality report plus TSTR/TRTR (if a target is named); frames hold modelled columns in model form."""
    out: dict[str, Any] = {"quality": quality_report(train, release, sdtypes, seed)}
    if target:
        out["tstr"] = tstr(train, release, holdout, sdtypes, target, seed)
    return out
