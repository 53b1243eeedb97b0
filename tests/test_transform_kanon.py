"""k_anonymize: k is reached, suppression stays within budget, information loss is reported."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from privsynth.errors import PolicyError
from privsynth.policy.models import Policy
from privsynth.transform import anonymize_table

HIER = {"job": {"nurse": "health", "doctor": "health", "teacher": "education", "lecturer": "education",
                "health": "public", "education": "public"}}


def table(n=400, seed=0):
    rng = np.random.default_rng(seed)
    return pd.DataFrame({
        "age": rng.integers(18, 90, n),
        "zip": [f"{z:05d}" for z in rng.integers(10000, 10999, n)],
        "job": rng.choice(["nurse", "doctor", "teacher", "lecturer"], n),
        "dob": pd.to_datetime("1950-01-01") + pd.to_timedelta(rng.integers(0, 20000, n), unit="D"),
        "income": rng.normal(40000, 8000, n).round(),
    })


def class_sizes(df, qis):
    return df.groupby(qis, dropna=False).size()


@pytest.mark.parametrize("k", [2, 5, 20])
def test_every_equivalence_class_has_at_least_k_rows(k):
    df = table()
    qis = ["age", "zip", "job", "dob"]
    pol = Policy.model_validate({"transform": {"quasi_identifiers": qis, "k": k, "hierarchies": HIER}})
    out = anonymize_table(df, None, pol)
    assert class_sizes(out.data, qis).min() >= k
    st = out.report.stats["k_anonymity"]
    assert st["min_class_size"] >= k and st["k"] == k
    assert out.report.suppressed_rows == st["suppressed_rows"] <= 0.05 * len(df)
    assert out.report.rows_out == len(df) - out.report.suppressed_rows
    assert 0 < st["precision_loss"] <= 1 and set(st["levels"]) == set(qis)
    assert out.data["income"].notna().all()  # non-QI columns untouched


def test_columns_marked_k_anonymize_are_quasi_identifiers():
    df = table(200)
    pol = Policy.model_validate({"columns": {"age": {"operator": "k_anonymize", "params": {"k": 10}},
                                             "job": {"operator": "k_anonymize", "params": {"hierarchy": "job"}}},
                                 "transform": {"hierarchies": HIER}})
    out = anonymize_table(df, None, pol)
    assert class_sizes(out.data, ["age", "job"]).min() >= 10
    assert {t.column: t.gdpr_class for t in out.report.treatments}["age"] == "anonymization"
    assert set(out.data["job"]) <= {"nurse", "doctor", "teacher", "lecturer", "health", "education", "public", "*"}


def test_a_zero_suppression_budget_generalizes_instead():
    df = table(300, seed=2)
    pol = Policy.model_validate({"transform": {"quasi_identifiers": ["age", "zip"], "k": 5, "max_suppression": 0.0}})
    out = anonymize_table(df, None, pol)
    assert out.report.suppressed_rows == 0 and len(out.data) == 300
    assert class_sizes(out.data, ["age", "zip"]).min() >= 5


def test_already_k_anonymous_data_is_left_as_is():
    df = pd.DataFrame({"sex": ["F", "M"] * 10, "band": ["a"] * 10 + ["b"] * 10})
    pol = Policy.model_validate({"transform": {"quasi_identifiers": ["sex", "band"], "k": 5}})
    out = anonymize_table(df, None, pol)
    assert out.data.equals(df) and out.report.stats["k_anonymity"]["precision_loss"] == 0


def test_k_larger_than_the_table_is_an_error():
    with pytest.raises(PolicyError, match=r"k=50 is larger than the table \(20 rows\)"):
        anonymize_table(table(20), None, Policy.model_validate({"transform": {"quasi_identifiers": ["age"], "k": 50}}))


def test_a_hierarchy_not_covering_a_value_is_an_error():
    h = {"job": {"nurse": "health", "doctor": "health"}}
    with pytest.raises(PolicyError, match=r"transform\.hierarchies\.job: does not cover 2 distinct value"):
        anonymize_table(table(50), None, Policy.model_validate({"transform": {"quasi_identifiers": ["job"], "k": 2, "hierarchies": h}}))


def test_k_anonymization_without_k_is_an_error():
    pol = Policy.model_validate({"columns": {"age": {"operator": "k_anonymize"}}})
    with pytest.raises(PolicyError, match="needs k"):
        anonymize_table(table(20), None, pol)
