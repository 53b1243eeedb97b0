"""Per-column operators in synthesize mode: applied to the release or refused, never ignored."""

import re

import pytest
from _synth_data import people, scan_for
from click.testing import CliRunner

from privsynth.errors import PolicyError
from privsynth.policy.models import Policy
from privsynth.synthesize import synthesize_table


def _policy(columns):
    return Policy.model_validate({"columns": columns, "synthesize": {"seed": 1}})


@pytest.fixture(scope="module")
def data():
    return people(200, seed=4)


def test_generalize_in_synthesize_mode_generalizes_the_released_column(data):
    pol = _policy({"signup": {"operator": "generalize", "params": {"date": "year"}},
                   "zip": {"operator": "generalize", "params": {"truncate": 2}},
                   "age": {"operator": "generalize", "params": {"width": 10}}})
    out = synthesize_table(data, scan_for(data), pol)
    rel = out.release
    assert rel["signup"].dropna().map(lambda v: bool(re.fullmatch(r"20\d\d", str(v)))).all()
    assert rel["zip"].dropna().map(lambda v: len(str(v)) == 2).all()
    assert rel["age"].dropna().map(lambda v: bool(re.fullmatch(r"\d+-\d+", str(v)))).all()
    t = {x.column: x for x in out.report.treatments}
    assert t["signup"].params["release_operator"] == "generalize" and "generalize applied to the released values" in t["signup"].note


def test_drop_in_synthesize_mode_removes_the_column_from_the_release(data):
    out = synthesize_table(data, scan_for(data), _policy({"diagnosis": {"operator": "drop"}}))
    assert "diagnosis" not in out.release.columns and out.report.release_rows == len(out.release)


@pytest.mark.parametrize("column, operator", [
    ("email", "pseudonymize"), ("iban", "tokenize"), ("phone", "encrypt"), ("note", "surrogate"), ("age", "k_anonymize"),
])
def test_an_operator_synthesis_cannot_apply_is_refused_naming_the_policy_path(data, column, operator):
    with pytest.raises(PolicyError, match=rf"^policy columns\.{column}\.operator: '{operator}' cannot be applied in synthesize mode"):
        synthesize_table(data, scan_for(data), _policy({column: {"operator": operator}}))


def test_a_refused_operator_exits_2_through_the_cli_with_the_policy_path(tmp_path):
    from privsynth.cli import cli

    df = people(80, seed=2)
    data = tmp_path / "p.csv"
    df.to_csv(data, index=False)
    pol = tmp_path / "pol.yaml"
    pol.write_text("columns:\n  email:\n    category: direct_identifier\n    operator: tokenize\n")
    res = CliRunner().invoke(cli, ["synthesize", str(data), "--out", str(tmp_path / "r.csv"), "--policy", str(pol)],
                             catch_exceptions=False)
    assert res.exit_code == 2
    assert "policy columns.email.operator: 'tokenize' cannot be applied in synthesize mode" in res.stderr
    assert "Traceback" not in res.stderr and res.stdout == ""
    assert not (tmp_path / "r.csv").exists()


def test_released_training_texts_lose_their_rows_identifier_values_in_synthesize_mode():
    from leak_tables import identifier_columns, make_table, policy_columns, text_column
    from leakcheck import check

    from privsynth.results import ColumnScan, ScanResult

    df = make_table("de", 120, seed=9, templates="heldout")
    pol = Policy.model_validate({"columns": policy_columns("de"), "synthesize": {"seed": 2, "free_text": "surrogate", "locale": "de_DE"}})
    scan = ScanResult(columns=[ColumnScan(name=c, category=r.get("category", "non_personal"), entity_type=r.get("entity_type"))
                               for c, r in policy_columns("de").items()], rows=len(df), rows_sampled=len(df))
    out = synthesize_table(df, scan, pol, text_rewriter=lambda s: s)  # an identity rewriter: only record-aware redaction acts
    notes = out.release[[text_column("de")]]
    rep = check(df, notes, identifier_columns("de"), "DE", rows_aligned=False)
    assert rep.total == 0, rep.leaks[:5]
