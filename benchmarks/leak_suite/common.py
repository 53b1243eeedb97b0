"""Datasets, splits, clean releases and planted leaks for the leak suite (benchmarks only)."""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import Optional

import numpy as np
import pandas as pd

from privsynth.results import ColumnScan, ScanResult

DATA = Path(os.environ.get("PRIVSYNTH_SHARED_DATA", Path(__file__).resolve().parents[2] / ".." / "shared" / "data"))
if not DATA.exists():
    DATA = Path("/work/shared/data")

# column roles as given in each dataset's SOURCE.txt
ROLES = {
    "adult": {
        "quasi_identifier": ["age", "sex", "race", "native_country", "marital_status", "education", "education_num",
                             "occupation", "workclass", "relationship"],
        "sensitive": ["income", "capital_gain", "capital_loss", "hours_per_week"],
    },
    "nist_acs": {
        "quasi_identifier": ["PUMA", "AGEP", "SEX", "RAC1P", "HISP", "MSP", "NOC", "NPF", "EDU", "INDP", "INDP_CAT",
                             "HOUSING_TYPE", "OWN_RENT"],
        "sensitive": ["PINCP", "PINCP_DECILE", "POVPIP", "DREM", "DPHY", "DEYE", "DEAR", "DVET"],
    },
}


# low-cardinality views (every column a category with few levels, ages in 10-year bands): a clean generator
# reproduces many real records by chance here, so a small leak sits closer to the noise floor
LOWCARD = {
    "adult_lowcard": ("adult", "age", ["age_band", "sex", "race", "marital_status", "relationship", "workclass",
                                       "education", "income"]),
    "nist_acs_lowcard": ("nist_acs", "AGEP", ["AGE_BAND", "SEX", "RAC1P", "HISP", "MSP", "EDU", "HOUSING_TYPE",
                                              "OWN_RENT", "DVET", "DREM", "DPHY", "DEYE", "DEAR", "PINCP_DECILE"]),
}
ROLES["adult_lowcard"] = {"quasi_identifier": ["age_band", "sex", "race", "marital_status", "relationship", "workclass",
                                               "education"], "sensitive": ["income"]}
ROLES["nist_acs_lowcard"] = {"quasi_identifier": ["AGE_BAND", "SEX", "RAC1P", "HISP", "MSP", "EDU", "HOUSING_TYPE",
                                                  "OWN_RENT"],
                             "sensitive": ["DVET", "DREM", "DPHY", "DEYE", "DEAR", "PINCP_DECILE"]}


def load(name: str) -> pd.DataFrame:
    if name in LOWCARD:
        base, age, cols = LOWCARD[name]
        df = load(base)
        band = (df[age] // 10 * 10).astype("Int64")
        df[cols[0]] = (band.astype(str) + "-" + (band + 9).astype(str)).where(band.notna(), None)
        return df[cols].astype(object).where(df[cols].notna(), None)
    if name == "adult":
        p = DATA / "adult" / "adult_full.csv"
        if not p.exists():
            raise SystemExit(f"{p} not found: the leak suite needs ../shared/data (absent in a fresh clone)")
        df = pd.read_csv(p, na_values=["?"])
    elif name == "nist_acs":
        p = DATA / "nist_acs" / "national2019.csv"
        if not p.exists():
            raise SystemExit(f"{p} not found: the leak suite needs ../shared/data (absent in a fresh clone)")
        df = pd.read_csv(p, na_values=["N"], dtype={"PUMA": str})
        for c in df.columns:
            if c not in ("PUMA",) and df[c].dtype == object:
                df[c] = pd.to_numeric(df[c], errors="coerce")
        # categorical codes stay categorical (strings): they are labels, not quantities
        for c in ["SEX", "MSP", "HISP", "RAC1P", "HOUSING_TYPE", "OWN_RENT", "INDP", "INDP_CAT", "EDU", "DVET", "DREM",
                  "DPHY", "DEYE", "DEAR", "PINCP_DECILE"]:
            df[c] = df[c].astype("Int64").astype(str).replace({"<NA>": np.nan})
    else:
        raise SystemExit(f"unknown dataset {name}")
    return df


def scan_for(name: str, df: pd.DataFrame) -> ScanResult:
    roles = ROLES[name]
    cols = []
    for c in df.columns:
        cat = "non_personal"
        for k, v in roles.items():
            if c in v:
                cat = k
        cols.append(ColumnScan(name=c, category=cat, dtype=str(df[c].dtype)))
    return ScanResult(columns=cols, rows=len(df), rows_sampled=len(df))


def split(df: pd.DataFrame, seed: int, holdout_fraction: float = 0.2) -> tuple[pd.DataFrame, pd.DataFrame]:
    rng = np.random.default_rng(seed)
    perm = rng.permutation(len(df))
    n_h = int(round(holdout_fraction * len(df)))
    return df.iloc[perm[n_h:]].reset_index(drop=True), df.iloc[perm[:n_h]].reset_index(drop=True)


def clean_release(train: pd.DataFrame, seed: int, n: Optional[int] = None) -> tuple[pd.DataFrame, float]:
    from sdv.metadata import Metadata
    from sdv.single_table import GaussianCopulaSynthesizer

    t0 = time.perf_counter()
    md = Metadata.detect_from_dataframes({"t": train})
    syn = GaussianCopulaSynthesizer(md)
    np.random.seed(seed)
    syn.fit({"t": train})
    out = syn.sample(num_rows=n or len(train))
    if isinstance(out, dict):
        out = out["t"]
    return out[train.columns].reset_index(drop=True), time.perf_counter() - t0


def _numeric_cols(df: pd.DataFrame) -> list[str]:
    return [c for c in df.columns if pd.api.types.is_numeric_dtype(df[c]) and not pd.api.types.is_bool_dtype(df[c])]


def outlying_rows(train: pd.DataFrame, columns: list[str], share: float, seed: int) -> np.ndarray:
    """The most outlying training rows by distance to their 5th nearest neighbour (Gower on `columns`).

    Defined independently of privsynth's own rarity score (which the outlier tests use)."""
    from privsynth.evaluate.encoding import GowerEncoder
    from privsynth.evaluate.neighbors import NeighborIndex

    enc = GowerEncoder.fit(train, columns)
    X = enc.transform(train)
    rng = np.random.default_rng(seed)
    base = X[rng.choice(len(X), size=min(len(X), 5000), replace=False)]
    d, _ = NeighborIndex(base, enc.n_columns).search(X, 6)
    score = d[:, 5]
    k = max(1, int(round(share * len(train))))
    return np.argsort(-score)[:k]


def plant(release: pd.DataFrame, train: pd.DataFrame, kind: str, share: float, seed: int,
          columns: list[str]) -> pd.DataFrame:
    """Replace `share` of the release's rows by leaked training rows (release size unchanged)."""
    rng = np.random.default_rng([seed, 99, int(share * 1000), hash(kind) % 1000])
    k = max(1, int(round(share * len(release))))
    out = release.copy()
    slots = rng.choice(len(release), size=k, replace=False)
    if kind == "outliers":
        src = outlying_rows(train, columns, share, seed)[:k]
    else:
        src = rng.choice(len(train), size=k, replace=False)
    rows = train.iloc[src].reset_index(drop=True).copy()
    if kind == "near":
        for c in _numeric_cols(rows):
            x = rows[c].astype(float)
            j = x * (1 + rng.uniform(-0.02, 0.02, size=len(x)))
            if pd.api.types.is_integer_dtype(train[c]) or (train[c].dropna() % 1 == 0).all():
                j = j.round()
            rows[c] = j.astype(train[c].dtype) if not rows[c].isna().any() else j
    for c in out.columns:
        if c in rows.columns:
            out[c] = out[c].astype(object) if out[c].dtype != rows[c].dtype else out[c]
    out.iloc[slots] = rows[out.columns].to_numpy(dtype=object)
    for c in out.columns:
        out[c] = out[c].astype(release[c].dtype) if not (out[c].isna().any() and pd.api.types.is_integer_dtype(release[c])) else out[c]
    return out


LEAKS = [("copies_1pct", "copies", 0.01), ("copies_2pct", "copies", 0.02), ("near_2pct", "near", 0.02),
         ("outliers_1pct", "outliers", 0.01), ("copies_10pct", "copies", 0.10)]
