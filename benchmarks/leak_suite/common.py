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


# --------------------------------------------------------------------------- issue 12: more shapes, scan-decided roles
# Tables of other shapes, each sampled to the sizes (train 2,428 / holdout 1,214 / release 2,428, or less):
#   acs_narrow   8 columns of NIST ACS national2019, 5 integer (age, income, children, family size, education code)
#   german_credit 10 columns, 1,000 rows (Age, Credit amount, Duration integers)
#   fake_ids     FakeNameGenerator: record number, national ID and username (ID columns) + 8 quasi-identifiers
#   adult_lowcard the low-cardinality Adult view above (every column a category with few levels)
SHAPES = {
    "acs_narrow": ("nist_acs", ["AGEP", "SEX", "MSP", "PINCP", "EDU", "NOC", "NPF", "PUMA"]),
    "german_credit": (None, None),
    "fake_ids": (None, ["Number", "NationalID", "Username", "Gender", "Age", "City", "State", "ZipCode", "Occupation",
                        "CCType", "Title"]),
    "adult_lowcard": ("adult_lowcard", None),
}
SAMPLE_ROWS = 3642
ID_COLUMNS = ("Number", "NationalID", "Username")  # fake_ids: regenerated in a clean release  # 2/3 train, 1/3 holdout: the 2,428 / 1,214


def load_shape(name: str) -> pd.DataFrame:
    base, cols = SHAPES[name]
    if name == "german_credit":
        p = DATA / "german_credit" / "germancredit.csv"
        if not p.exists():
            raise SystemExit(f"{p} not found: the leak suite needs ../shared/data (absent in a fresh clone)")
        return pd.read_csv(p)
    if name == "fake_ids":
        p = DATA / "fake_identities" / "FakeNameGenerator.com_3000.csv"
        if not p.exists():
            raise SystemExit(f"{p} not found: the leak suite needs ../shared/data (absent in a fresh clone)")
        df = pd.read_csv(p, encoding="utf-8-sig")
        return df[cols]
    df = load(base)
    return df[cols] if cols else df


def real_scan(df: pd.DataFrame) -> ScanResult:
    """privsynth's own column scan (what a user gets), not the dataset's documented roles."""
    from privsynth.detect import scan_table
    from privsynth.policy.models import Policy

    return scan_table(df, Policy())


def split_sample(df: pd.DataFrame, seed: int, n: int = SAMPLE_ROWS) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Up to n rows drawn per seed, 2/3 train and 1/3 holdout."""
    rng = np.random.default_rng([seed, 7])
    perm = rng.permutation(len(df))[: min(n, len(df))]
    n_t = int(round(len(perm) * 2 / 3))
    return df.iloc[perm[:n_t]].reset_index(drop=True), df.iloc[perm[n_t:]].reset_index(drop=True)


def generate(train: pd.DataFrame, generator: str, seed: int, identifiers: tuple[str, ...] = ID_COLUMNS) -> pd.DataFrame:
    """Clean release, as many rows as train: `gc` = GaussianCopula on train; `gc_small` = GaussianCopula fitted on a
    300-row sample of train (a second, noisier generator). `identifiers` (the scan's direct identifiers) are
    regenerated, never learned, as privsynth synthesize does."""
    ids = [c for c in identifiers if c in train.columns]
    if ids:
        # as privsynth synthesize does: identifiers are regenerated, never learned (SDV fitted on them samples real
        # national IDs and usernames, which is a leak, not a clean release)
        rest = generate(train.drop(columns=ids), generator, seed, ())
        rng = np.random.default_rng([seed, 17])
        for c in ids:
            if pd.api.types.is_numeric_dtype(train[c]):
                rest[c] = rng.integers(int(train[c].min()), int(train[c].max()) + 1, len(rest))
            else:
                rest[c] = [f"gen{seed}-{i:06d}" for i in rng.permutation(len(rest))]
        return rest[train.columns]
    if generator == "gc":
        return clean_release(train, seed)[0]
    if generator == "gc_small":
        small = train.sample(n=min(300, len(train)), random_state=seed).reset_index(drop=True)
        return clean_release(small, seed, n=len(train))[0]
    raise SystemExit(f"unknown generator {generator}")


def synthesize_identifiers(train: pd.DataFrame, scan: ScanResult) -> tuple[str, ...]:
    """The columns privsynth synthesize would regenerate instead of modelling (privsynth.synthesize.columns.plan_columns,
    role `identifier`): the scan's direct identifiers and record IDs, and near-unique categories (more than 20 values
    and more than half the rows: modelling them would release real training values, e.g. full ZIP codes)."""
    from privsynth.policy.models import Policy
    from privsynth.synthesize.columns import plan_columns

    return tuple(p.name for p in plan_columns(train, scan, Policy()) if p.role == "identifier")


def rare_rows(train: pd.DataFrame, qis: list[str], k: int, seed: int) -> np.ndarray:
    """Indices of up to k training records unique on the quasi-identifiers (the records whose release harms most)."""
    key = pd.util.hash_pandas_object(train[qis].astype(str), index=False)
    unique = np.flatnonzero(key.map(key.value_counts()).to_numpy() == 1)
    rng = np.random.default_rng([seed, 13])
    return rng.choice(unique, size=min(k, len(unique)), replace=False) if len(unique) else unique


def plant_records(release: pd.DataFrame, train: pd.DataFrame, kind: str, share: float, seed: int, qis: list[str],
                  columns: list[str]) -> tuple[pd.DataFrame, int]:
    """Replace `share` of the release's rows by leaked training records. Kinds: copies (verbatim), rare (verbatim
    copies of records unique on the quasi-identifiers), near (numbers jittered by +-2%, rounded when integral),
    outliers (verbatim copies of the most outlying records), near_cat (verbatim but one categorical value changed
    to another value of the column). Returns the release and the number of planted rows."""
    rng = np.random.default_rng([seed, 99, int(share * 1000), sum(map(ord, kind))])
    k = max(1, int(round(share * len(release))))
    if kind == "rare":
        src = rare_rows(train, qis, k, seed)
    elif kind == "outliers":
        src = outlying_rows(train, columns, share, seed)[:k]
    else:
        src = rng.choice(len(train), size=k, replace=False)
    k = len(src)
    rows = train.iloc[src].reset_index(drop=True).copy()
    if kind == "near":
        for c in _numeric_cols(rows):
            x = rows[c].astype(float)
            j = x * (1 + rng.uniform(-0.02, 0.02, size=len(x)))
            if (train[c].dropna() % 1 == 0).all():
                j = j.round()
            rows[c] = j
    if kind == "near_cat":
        cats = [c for c in rows.columns if c not in _numeric_cols(rows) and train[c].nunique() > 1]
        for i in range(len(rows)):
            c = cats[rng.integers(len(cats))]
            levels = [v for v in train[c].dropna().unique() if v != rows.at[i, c]]
            rows.at[i, c] = levels[rng.integers(len(levels))]
    out = release.copy().astype(object)
    slots = rng.choice(len(release), size=k, replace=False)
    out.iloc[slots] = rows[out.columns].to_numpy(dtype=object)
    for c in out.columns:
        try:
            out[c] = out[c].astype(release[c].dtype)
        except (TypeError, ValueError):
            out[c] = pd.to_numeric(out[c], errors="ignore") if pd.api.types.is_numeric_dtype(release[c]) else out[c]
    return out, k


RECORD_LEAKS = [("copies_1pct", "copies", 0.01), ("rare_1pct", "rare", 0.01), ("near_2pct", "near", 0.02),
                ("outliers_1pct", "outliers", 0.01), ("near_cat_1pct", "near_cat", 0.01)]
