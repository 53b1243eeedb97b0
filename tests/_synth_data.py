"""Generated fixtures for the synthesis tests (no external data: everything is drawn here, seeded)."""

from __future__ import annotations

from typing import Optional

import numpy as np
import pandas as pd
from faker import Faker

from privsynth.policy.models import Policy
from privsynth.results import ColumnScan, ScanResult

# column -> (category, entity type)
ROLES: dict[str, tuple[str, Optional[str]]] = {
    "customer_id": ("direct_identifier", "RECORD_ID"),
    "name": ("direct_identifier", "PERSON"),
    "email": ("direct_identifier", "EMAIL_ADDRESS"),
    "phone": ("direct_identifier", "PHONE_NUMBER"),
    "iban": ("direct_identifier", "IBAN_CODE"),
    "age": ("quasi_identifier", "AGE"),
    "sex": ("quasi_identifier", "GENDER"),
    "zip": ("quasi_identifier", "POSTCODE"),
    "signup": ("quasi_identifier", "DATE_TIME"),
    "income": ("sensitive", "INCOME"),
    "diagnosis": ("special_category", "HEALTH"),
    "note": ("free_text", None),
    "churned": ("non_personal", None),
}


def people(n: int = 300, seed: int = 0) -> pd.DataFrame:
    """A customer table with real-looking direct identifiers, quasi-identifiers and a target.

    The name column repeats a small pool of names so a naive metadata detector would call it
    categorical (and a synthesizer would copy real names): roles must come from the scan.
    """
    rng = np.random.default_rng(seed)
    fk = Faker("en_US")
    fk.seed_instance(seed)
    pool = [fk.name() for _ in range(25)]
    age = rng.integers(18, 90, n)
    income = np.round(rng.lognormal(10.5, 0.5, n) + age * 100, 2)
    return pd.DataFrame({
        "customer_id": np.arange(1001, 1001 + n),
        "name": rng.choice(pool, n),
        "email": [fk.unique.email() for _ in range(n)],
        "phone": [fk.phone_number() for _ in range(n)],
        "iban": [fk.iban() for _ in range(n)],
        "age": age,
        "sex": rng.choice(["F", "M"], n),
        "zip": [f"0{rng.integers(1000, 9999)}" for _ in range(n)],  # leading zero: stays text
        "signup": [f"20{rng.integers(10, 24)}-{rng.integers(1, 13):02d}-{rng.integers(1, 29):02d}" for _ in range(n)],
        "income": income,
        "diagnosis": rng.choice(["none", "asthma", "diabetes"], n, p=[0.7, 0.2, 0.1]),
        "note": [f"Called {fk.first_name()} about the invoice" for _ in range(n)],
        "churned": np.where(income + rng.normal(0, 5000, n) > 45000, "yes", "no"),
    })


def scan_for(df: pd.DataFrame, roles: Optional[dict[str, tuple[str, Optional[str]]]] = None) -> ScanResult:
    roles = roles or ROLES
    cols = []
    for c in df.columns:
        cat, ent = roles.get(c, ("non_personal", None))
        cols.append(ColumnScan(name=c, category=cat, entity_type=ent, dtype=str(df[c].dtype)))  # type: ignore[arg-type]
    return ScanResult(columns=cols, rows=len(df), rows_sampled=len(df))


def policy(**synth) -> Policy:
    return Policy.model_validate({"synthesize": synth})
