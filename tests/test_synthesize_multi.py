import numpy as np
import pandas as pd
import pytest
from _synth_data import scan_for
from faker import Faker

from privsynth.errors import InputError, PolicyError
from privsynth.policy.models import Policy
from privsynth.synthesize import synthesize_tables

ROLES = {
    "customer_id": ("direct_identifier", "RECORD_ID"),
    "order_id": ("direct_identifier", "RECORD_ID"),
    "name": ("direct_identifier", "PERSON"),
    "email": ("direct_identifier", "EMAIL_ADDRESS"),
    "age": ("quasi_identifier", "AGE"),
    "segment": ("non_personal", None),
    "amount": ("sensitive", None),
    "ordered": ("quasi_identifier", "DATE_TIME"),
    "status": ("non_personal", None),
}


def shop(n_customers=80, seed=0):
    rng = np.random.default_rng(seed)
    fk = Faker("en_US")
    fk.seed_instance(seed)
    customers = pd.DataFrame({
        "customer_id": np.arange(1, n_customers + 1),
        "name": [fk.name() for _ in range(n_customers)],
        "email": [fk.unique.email() for _ in range(n_customers)],
        "age": rng.integers(18, 80, n_customers),
        "segment": rng.choice(["retail", "business"], n_customers, p=[0.8, 0.2]),
    })
    counts = rng.integers(0, 5, n_customers)
    owner = np.repeat(customers.customer_id.to_numpy(), counts)
    m = len(owner)
    orders = pd.DataFrame({
        "order_id": np.arange(5001, 5001 + m),
        "customer_id": owner,
        "amount": np.round(rng.gamma(2.0, 40.0, m), 2),
        "ordered": [f"2023-{rng.integers(1, 13):02d}-{rng.integers(1, 29):02d}" for _ in range(m)],
        "status": rng.choice(["paid", "refunded"], m, p=[0.9, 0.1]),
    })
    return {"customers": customers, "orders": orders}


def shop_policy(**extra):
    s = {
        "seed": 1,
        "tables": {"customers": {"primary_key": "customer_id"}, "orders": {"primary_key": "order_id"}},
        "relations": [{"parent_table": "customers", "parent_primary_key": "customer_id",
                       "child_table": "orders", "child_foreign_key": "customer_id"}],
    }
    s.update(extra)
    return Policy.model_validate({"synthesize": s})


def scans(tables):
    return {t: scan_for(df, ROLES) for t, df in tables.items()}


@pytest.fixture(scope="module")
def tables():
    return shop()


@pytest.fixture(scope="module")
def out(tables):
    return synthesize_tables(tables, shop_policy(), scans(tables))


def test_every_released_foreign_key_points_at_a_released_parent(out):
    c, o = out.releases["customers"], out.releases["orders"]
    assert c.customer_id.is_unique and o.order_id.is_unique
    assert o.customer_id.isin(set(c.customer_id)).all()
    assert len(c) > 0 and len(o) > 0


def test_keys_and_identifiers_are_regenerated_never_real(tables, out):
    c, o = out.releases["customers"], out.releases["orders"]
    assert not set(c.customer_id) & set(tables["customers"].customer_id)
    assert not set(o.order_id) & set(tables["orders"].order_id)
    assert not set(o.customer_id) & set(tables["customers"].customer_id)
    assert not set(c.name) & set(tables["customers"].name)
    assert not set(c.email) & set(tables["customers"].email)
    assert c.customer_id.dtype == np.int64 and o.customer_id.dtype == np.int64


def test_held_out_customers_take_all_their_orders_into_the_holdout(tables, out):
    held = set(out.holdout["customers"].customer_id)
    assert len(held) == 16  # 20% of 80
    assert set(out.holdout["orders"].customer_id) <= held
    assert not set(out.train["orders"].customer_id) & held
    assert len(out.train["orders"]) + len(out.holdout["orders"]) == len(tables["orders"])
    for t in ("customers", "orders"):
        r = out.reports[t]
        assert r.model == "hma" and len(r.train_sha256) == 64 and r.train_sha256 != r.holdout_sha256


def test_modelled_columns_keep_types_and_ranges_and_quality_is_reported(tables, out):
    o, tr = out.releases["orders"], out.train["orders"]
    assert o.amount.between(tr.amount.min(), tr.amount.max()).all()
    d = pd.to_datetime(o.ordered, format="%Y-%m-%d")
    assert d.notna().all()
    assert out.reports["orders"].modelled_columns == ["amount", "ordered", "status"]
    assert 0 <= out.reports["orders"].utility["quality"]["overall"] <= 1


def test_the_same_seed_gives_the_same_tables(tables, out):
    again = synthesize_tables(tables, shop_policy(), scans(tables))
    for t in tables:
        pd.testing.assert_frame_equal(out.releases[t], again.releases[t])


def _deep():
    t = shop(60)
    t["items"] = pd.DataFrame({"item_id": range(len(t["orders"])), "order_id": t["orders"].order_id, "qty": 1})
    return t


@pytest.mark.parametrize("tables_fn,pol,error,pattern", [
    (shop, Policy(), PolicyError, "synthesize.tables: declare"),
    (shop, shop_policy(tables={"customers": {"primary_key": "customer_id"}}), PolicyError, "table 'orders' is not declared"),
    (shop, shop_policy(tables={"customers": {"primary_key": "cid"}, "orders": {"primary_key": "order_id"}}), PolicyError, "primary_key: no column 'cid'"),
    (shop, shop_policy(relations=[{"parent_table": "customers", "parent_primary_key": "customer_id", "child_table": "orders", "child_foreign_key": "buyer"}]),
     PolicyError, r"relations\[0\]: table 'orders' has no column 'buyer'"),
    (lambda: shop(30), shop_policy(min_rows=40), InputError, "table 'customers' has 30 rows"),
    (_deep, shop_policy(tables={"customers": {"primary_key": "customer_id"}, "orders": {"primary_key": "order_id"}, "items": {"primary_key": "item_id"}},
                        relations=[{"parent_table": "customers", "parent_primary_key": "customer_id", "child_table": "orders", "child_foreign_key": "customer_id"},
                                   {"parent_table": "orders", "parent_primary_key": "order_id", "child_table": "items", "child_foreign_key": "order_id"}]),
     PolicyError, "depth 2; this schema has 3 tables, depth 3"),
], ids=["no-tables", "undeclared-table", "missing-primary-key", "missing-foreign-key", "too-few-rows", "too-deep"])
def test_multi_table_policy_problems_are_one_line_errors(tables_fn, pol, error, pattern):
    t = tables_fn()
    with pytest.raises(error, match=pattern) as ei:
        synthesize_tables(t, pol, scans(t))
    assert "\n" not in str(ei.value)


def test_a_duplicate_primary_key_is_an_input_error(tables):
    t = {k: v.copy() for k, v in tables.items()}
    t["customers"].loc[1, "customer_id"] = t["customers"].loc[0, "customer_id"]
    with pytest.raises(InputError, match="primary key 'customer_id' has missing or duplicate"):
        synthesize_tables(t, shop_policy(), scans(t))
