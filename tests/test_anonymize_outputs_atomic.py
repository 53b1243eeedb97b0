"""`anonymize` writes its release, mapping and evidence together or not at all (new-user trial 14, m6).

With `--mapping-out map.json` (a type the mapping cannot be written as) `anonymize` exited 2 after
the release had been written, leaving a release without its mapping. All values are fictitious.
"""

import pandas as pd
import pytest
from click.testing import CliRunner

from privsynth.cli import cli
from privsynth.errors import OutputError
from privsynth.io import write_text
from privsynth.io.writers import StagedOutputs, check_output_table

POLICY = """extends: controlled-sharing
name: m6
columns:
  id: {category: non_personal}
  name: {category: direct_identifier, entity_type: PERSON}
  notes: {category: free_text}
"""


@pytest.fixture
def setup(tmp_path):
    data = tmp_path / "in.csv"
    pd.DataFrame({"id": ["R1", "R2"], "name": ["Ada Quillfeather", "Tom Barrowclough"],
                  "notes": ["No issues.", "Call back Tom Barrowclough."]}).to_csv(data, index=False)
    pol = tmp_path / "policy.yaml"
    pol.write_text(POLICY)
    key = tmp_path / "k.key"
    assert CliRunner().invoke(cli, ["keygen", "--out", str(key)], catch_exceptions=False).exit_code == 0
    return tmp_path, data, pol, key


@pytest.mark.parametrize("bad", ["--mapping-out=map.json", "--mapping-out=map", "--out=rel.xlsx"])
def test_when_an_output_path_is_bad_then_anonymize_exits_2_and_writes_nothing(setup, bad):
    tmp, data, pol, key = setup
    opt, name = bad.split("=")
    args = ["anonymize", str(data), "--policy", str(pol), "--key-file", str(key), "--evidence", str(tmp / "ev.json"), "-q"]
    args += ["--out", str(tmp / "rel.csv")] if opt != "--out" else []
    args += [opt, str(tmp / name)]
    before = set(p.name for p in tmp.iterdir())
    r = CliRunner().invoke(cli, args, catch_exceptions=False)
    assert r.exit_code == 2, r.output
    assert "unsupported output type" in r.stderr
    assert set(p.name for p in tmp.iterdir()) == before  # no release, no mapping, no evidence, no temporary file


def test_a_good_run_writes_the_release_mapping_sidecar_and_evidence(setup):
    tmp, data, pol, key = setup
    r = CliRunner().invoke(cli, ["anonymize", str(data), "--out", str(tmp / "rel.csv"), "--policy", str(pol), "--key-file", str(key),
                                 "--mapping-out", str(tmp / "map.csv"), "--evidence", str(tmp / "ev.json"), "-q"], catch_exceptions=False)
    assert r.exit_code == 0, r.output
    for n in ("rel.csv", "map.csv", "map.csv.personal-data.json", "ev.json"):
        assert (tmp / n).is_file()
    assert not [p for p in tmp.iterdir() if "staged" in p.name or p.name.endswith(".tmp")]
    assert "rel.csv" in (tmp / "ev.json").read_text()


def test_when_a_later_staged_output_fails_then_no_target_changes(tmp_path):
    a, b = tmp_path / "a.csv", tmp_path / "b.json"
    a.write_text("old\n")
    with pytest.raises(RuntimeError):
        with StagedOutputs() as st:
            write_text(st.stage(a), "new\n")
            st.stage(b)
            raise RuntimeError("the second output could not be written")
    assert a.read_text() == "old\n" and not b.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.csv"]


@pytest.mark.parametrize("name", ["x.json", "x", "x.xlsx"])
def test_check_output_table_refuses_a_type_the_table_writer_cannot_write(tmp_path, name):
    with pytest.raises(OutputError, match="unsupported output type"):
        check_output_table(tmp_path / name)
