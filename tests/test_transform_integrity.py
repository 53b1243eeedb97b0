"""Referential integrity: two files pseudonymized with one key still join on the pseudonyms."""

from __future__ import annotations

import pandas as pd
import pytest
from faker import Faker

from privsynth.io import read_table, write_table
from privsynth.policy.models import Policy
from privsynth.transform import anonymize_table, generate_key


@pytest.fixture
def two_files(tmp_path):
    f = Faker("en_US")
    f.seed_instance(42)
    people = [(f"C{i:04d}", f.name(), f.unique.email()) for i in range(80)]
    customers = pd.DataFrame(people, columns=["customer_id", "name", "email"])
    orders = pd.DataFrame(
        [(people[i % 80][0], people[i % 80][2].upper() if i % 3 == 0 else people[i % 80][2], 10.0 + i) for i in range(240)],
        columns=["customer", "contact_email", "amount"],
    )
    a, b = tmp_path / "customers.csv", tmp_path / "orders.csv"
    write_table(a, customers)
    write_table(b, orders)
    return a, b, customers, orders


@pytest.mark.parametrize("id_operator", ["pseudonymize", "tokenize", "encrypt"])
def test_two_csvs_pseudonymized_with_one_key_still_join(tmp_path, two_files, id_operator):
    a, b, customers, orders = two_files
    key = generate_key()
    pol_a = Policy.model_validate({"columns": {
        "customer_id": {"operator": id_operator, "entity_type": "RECORD_ID"},
        "name": {"operator": "pseudonymize", "entity_type": "PERSON"},
        "email": {"operator": "pseudonymize", "entity_type": "EMAIL_ADDRESS"}}})
    pol_b = Policy.model_validate({"columns": {
        "customer": {"operator": id_operator, "entity_type": "RECORD_ID"},
        "contact_email": {"operator": "pseudonymize", "entity_type": "EMAIL_ADDRESS"}}})
    # separate runs, as two invocations of `privsynth anonymize` would be
    out_a = anonymize_table(read_table(a), None, pol_a, key=key).data
    out_b = anonymize_table(read_table(b), None, pol_b, key=key).data
    write_table(tmp_path / "a_out.csv", out_a)
    write_table(tmp_path / "b_out.csv", out_b)
    pa, pb = read_table(tmp_path / "a_out.csv"), read_table(tmp_path / "b_out.csv")

    assert not set(pa["customer_id"].astype(str)) & set(customers["customer_id"])
    assert not set(pa["email"]) & set(customers["email"])
    by_id = pb.merge(pa, left_on="customer", right_on="customer_id", how="inner")
    assert len(by_id) == len(orders)  # every order finds its customer
    by_mail = pb.merge(pa, left_on="contact_email", right_on="email", how="inner")
    assert len(by_mail) == len(orders)  # e-mails normalized (case) before keying
    # and the joins agree with the join on the real data
    real = orders.merge(customers, left_on="customer", right_on="customer_id")
    assert (by_id.sort_values("amount")["name"].tolist()
            == anonymize_table(real[["name"]], None, Policy.model_validate({"columns": {"name": {"operator": "pseudonymize", "entity_type": "PERSON"}}}), key=key).data["name"].tolist())


def test_a_different_key_breaks_the_join(two_files):
    a, b, customers, orders = two_files
    pol_a = Policy.model_validate({"columns": {"customer_id": {"operator": "tokenize"}}})
    pol_b = Policy.model_validate({"columns": {"customer": {"operator": "tokenize"}}})
    out_a = anonymize_table(read_table(a), None, pol_a, key=generate_key()).data
    out_b = anonymize_table(read_table(b), None, pol_b, key=generate_key()).data
    assert len(out_b.merge(out_a, left_on="customer", right_on="customer_id")) == 0


@pytest.mark.parametrize("entity_type,make", [
    ("RECORD_ID", lambda i: f"C{i:04d}"),
    ("RECORD_ID", lambda i: f"{i:05d}"),
    ("MAC_ADDRESS", lambda i: f"00:1a:2b:3c:{i // 256:02x}:{i % 256:02x}"),
])
def test_format_preserving_pseudonyms_never_collide_and_keep_the_format(entity_type, make):
    import re

    values = [make(i) for i in range(10_000)]
    pol = Policy.model_validate({"columns": {"v": {"operator": "pseudonymize", "entity_type": entity_type}}})
    out = anonymize_table(pd.DataFrame({"v": values}), None, pol, key=generate_key()).data["v"].astype(str).tolist()
    assert len(set(out)) == len(values)  # a bijection: keys still join one-to-one
    shape = lambda s: re.sub(r"[0-9a-f]", "h", s) if entity_type == "MAC_ADDRESS" else re.sub(r"\d", "9", re.sub(r"[A-Z]", "A", s))
    assert all(shape(a) == shape(b) for a, b in zip(values, out))
