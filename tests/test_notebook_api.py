"""The notebook API: `privsynth.audit(df_or_path, policy=...)` returns `Evidence`, whose
`_repr_html_()` is the report's summary; a DataFrame where a path is expected is a friendly error."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

import privsynth
import report_evidence as R
from privsynth.errors import InputError
from privsynth.report import load_evidence

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "customers.csv"


def test_evidence_renders_the_summary_as_html_for_notebooks():
    ev = R.finalize(R.synthesis_evidence(mia_auc=0.74))
    html = ev._repr_html_()
    assert html.startswith('<div class="privsynth-notebook"><style>') and "<html" not in html
    assert "Verdict: Personal data" in html and "What is shared, with whom and why" in html
    assert "Membership inference" in html and "mia.worst" in html
    assert "<script" not in html
    # every CSS rule is scoped to the summary: nothing restyles the notebook around it
    css = html.split("<style>", 1)[1].split("</style>", 1)[0]
    rules = [r.split("{", 1)[0].strip() for r in css.split("}") if "{" in r and not r.strip().startswith("@")]
    assert all(sel.startswith(".ps-summary") or sel.startswith("/*") for r in rules for sel in [s.strip() for s in r.split(",")] if sel)


@pytest.mark.parametrize(
    "call, message",
    [
        (lambda df: load_evidence(df), "load_evidence(path) expects a file path, got a pandas DataFrame"),
        (lambda df: privsynth.audit(EXAMPLE, out_dir=df), "out_dir expects a file path, got a pandas DataFrame"),
        (lambda df: privsynth.audit(df, policy=df), "policy expects a preset name, a policy file path or a Policy, got a pandas DataFrame"),
        (lambda df: privsynth.audit(EXAMPLE, key_file=df["a"]), "key_file expects a file path, got a pandas Series"),
    ],
)
def test_a_dataframe_where_a_path_is_expected_is_a_friendly_error(call, message: str):
    df = pd.DataFrame({"a": [1, 2]})
    with pytest.raises(InputError) as e:
        call(df)
    assert message in str(e.value) and "\n" not in str(e.value)


@pytest.mark.slow
def test_audit_of_a_dataframe_returns_evidence_bound_to_what_it_wrote(tmp_path: Path):
    df = pd.read_csv(EXAMPLE, dtype=str, keep_default_na=False).head(200)
    ev = privsynth.audit(df, policy="public-release", out_dir=tmp_path)
    assert isinstance(ev, privsynth.Evidence)
    assert ev.policy_name == "public-release" and ev.verdict is not None and ev.gate is not None
    assert not ev.gate.passed  # 160 training rows cannot show a public release is anonymous
    assert ev.release_file() is not None and Path(ev.release_file().path) == tmp_path / "release.csv"
    assert (tmp_path / "input.csv").exists() and (tmp_path / "report.html").exists()
    assert load_evidence(tmp_path / "evidence.json").verdict == ev.verdict
    assert "Verdict:" in ev._repr_html_()
