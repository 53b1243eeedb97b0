"""Policy loading: presets, `extends`, and errors that name the file and the YAML path."""

from __future__ import annotations

import pytest

from privsynth.errors import PolicyError
from privsynth.policy import load_policy, preset_names, validate_columns


def test_every_preset_loads_and_is_named_after_its_file():
    names = preset_names()
    assert "internal-ci" in names
    for n in names:
        assert load_policy(n).name == n


def test_when_no_policy_is_given_then_internal_ci_is_used():
    assert load_policy(None).name == "internal-ci"


def test_user_policy_extends_a_preset_and_overrides_values(tmp_path):
    p = tmp_path / "mine.yaml"
    p.write_text("extends: internal-ci\nname: mine\nevaluate:\n  thresholds:\n    mia_auc_max: 0.55\n")
    pol = load_policy(str(p))
    assert pol.name == "mine" and pol.extends == "internal-ci"
    assert pol.evaluate.thresholds.mia_auc_max == 0.55


def test_user_policy_can_extend_another_file_by_relative_path(tmp_path):
    (tmp_path / "base.yaml").write_text("name: base\nsynthesize:\n  seed: 3\n")
    (tmp_path / "child.yaml").write_text("extends: base.yaml\nname: child\nsynthesize:\n  holdout_fraction: 0.3\n")
    pol = load_policy(str(tmp_path / "child.yaml"))
    assert pol.synthesize.seed == 3 and pol.synthesize.holdout_fraction == 0.3


@pytest.mark.parametrize(
    "text,fragment",
    [
        ("evaluate:\n  thresholds:\n    mia_auc_max: 7\n", "evaluate.thresholds.mia_auc_max"),
        ("evaluate:\n  tresholds: {}\n", "evaluate.tresholds"),
        ("synthesize:\n  holdout_fraction: abc\n", "synthesize.holdout_fraction"),
        ("columns:\n  email:\n    category: secret\n", "columns.email.category"),
        ("scan:\n  recognizers:\n    - name: x\n", "scan.recognizers[0].entity_type"),
        ("a: [1, 2\n", "malformed YAML at line"),
        ("- just\n- a list\n", "must be a YAML mapping"),
        ("extends: no-such-preset\n", "unknown policy preset"),
    ],
)
def test_when_policy_is_invalid_then_error_names_file_and_yaml_path(tmp_path, text, fragment):
    p = tmp_path / "bad.yaml"
    p.write_text(text)
    with pytest.raises(PolicyError) as e:
        load_policy(str(p))
    assert fragment in str(e.value)
    assert "\n" not in str(e.value)
    if "preset" not in fragment:
        assert str(p) in str(e.value)


def test_when_extends_forms_a_cycle_then_error(tmp_path):
    (tmp_path / "a.yaml").write_text("extends: b.yaml\n")
    (tmp_path / "b.yaml").write_text("extends: a.yaml\n")
    with pytest.raises(PolicyError, match="cycle"):
        load_policy(str(tmp_path / "a.yaml"))


def test_when_policy_names_a_column_the_data_lacks_then_error():
    from privsynth.policy.models import ColumnRule

    pol = load_policy(None)
    pol.columns = {"nope": ColumnRule(category="sensitive")}
    with pytest.raises(PolicyError, match="columns.nope"):
        validate_columns(pol, ["a", "b"], "data.csv")


def test_every_invalid_key_of_a_policy_is_named_on_the_one_error_line(tmp_path):
    p = tmp_path / "typos.yaml"
    p.write_text("extends: public-release\nevaluate:\n  alpah: 0.01\ngate:\n  severty: {}\n", encoding="utf-8")
    with pytest.raises(PolicyError) as e:
        load_policy(str(p))
    msg = str(e.value)
    assert "\n" not in msg and str(p) in msg
    assert "evaluate.alpah" in msg and "gate.severty" in msg and "did you mean 'severity'" in msg
