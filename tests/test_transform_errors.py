"""Bad policies, data and keys: one clear error before any column is transformed."""

from __future__ import annotations

import pandas as pd
import pytest

from privsynth.errors import KeyMaterialError, PolicyError
from privsynth.policy.models import Policy
from privsynth.results import ColumnScan, ScanResult
from privsynth.transform import anonymize_table
from privsynth.transform.operators import Pseudonymize

DF = pd.DataFrame({"name": ["Ann Lee", "Bob Ray"], "age": [34, 71], "city": ["Berlin", "Paris"]})
SCAN = ScanResult(columns=[ColumnScan(name="name", entity_type="PERSON", category="direct_identifier")], rows=2, rows_sampled=2)
KEY = bytes(32)


@pytest.fixture
def applied(monkeypatch):
    """Records every column an operator was applied to (must stay empty when validation fails)."""
    calls: list[str] = []
    orig = Pseudonymize.apply

    def spy(self, series, ctx):
        calls.append(ctx.column)
        return orig(self, series, ctx)

    monkeypatch.setattr(Pseudonymize, "apply", spy)
    return calls


@pytest.mark.parametrize("policy,error,pattern", [
    ({"columns": {"age": {"operator": "scramble"}}}, PolicyError, r"policy columns\.age\.operator: unknown operator 'scramble'"),
    ({"columns": {"salary": {"operator": "drop"}}}, PolicyError, r"policy columns\.salary: no such column"),
    ({"columns": {"age": {"operator": "mask", "params": {"keep_first": 2}}}}, PolicyError, r"policy columns\.age\.params\.keep_first"),
    ({"columns": {"age": {"operator": "noise", "params": {"scale": -1}}}}, PolicyError, r"policy columns\.age\.params\.scale"),
    ({"columns": {"city": {"operator": "generalize", "params": {"hierarchy": "geo"}}}}, PolicyError, r"hierarchy 'geo' is not declared"),
    ({"columns": {"city": {"operator": "generalize", "params": {"hierarchy": "geo"}}}, "transform": {"hierarchies": {"geo": {"Berlin": "DE"}}}},
     PolicyError, r"transform\.hierarchies\.geo: does not cover 1 distinct value\(s\) of column 'city'"),
    ({"transform": {"quasi_identifiers": ["age"], "k": 3}}, PolicyError, r"k=3 is larger than the table \(2 rows\)"),
    ({"transform": {"quasi_identifiers": ["zip"], "k": 2}}, PolicyError, r"quasi_identifiers: no such column 'zip'"),
    ({"transform": {"default_operators": {"direct_identifier": "hash"}}}, PolicyError, r"default_operators\.direct_identifier: unknown operator 'hash'"),
    ({"columns": {"age": {"operator": "generalize", "params": {"date": "year"}}}}, PolicyError, r"column 'age' does not hold dates"),
])
def test_bad_policies_fail_before_any_column_is_transformed(applied, policy, error, pattern):
    with pytest.raises(error, match=pattern) as e:
        anonymize_table(DF, SCAN, Policy.model_validate(policy), key=KEY)
    assert applied == []
    msg = str(e.value)
    assert "\n" not in msg and "Ann" not in msg and "Berlin" not in msg.split("'city'")[0]


@pytest.mark.parametrize("operator", ["pseudonymize", "tokenize", "encrypt"])
def test_a_keyed_operator_without_a_key_is_a_key_error_before_output(applied, operator):
    pol = Policy.model_validate({"columns": {"age": {"operator": operator}}})
    with pytest.raises(KeyMaterialError, match=rf"operator '{operator}' on column 'age' needs a key"):
        anonymize_table(DF, None, pol, key=None)
    assert applied == []


def test_the_default_operator_for_direct_identifiers_needs_a_key_too():
    with pytest.raises(KeyMaterialError, match="column 'name'"):
        anonymize_table(DF, SCAN, Policy(), key=None)


def test_a_too_short_key_is_rejected():
    with pytest.raises(KeyMaterialError, match="at least 16 bytes"):
        anonymize_table(DF, SCAN, Policy(), key=b"short")
