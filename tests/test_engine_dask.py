"""The Dask engine: datasets of shards, local-vs-dask equivalence on a LocalCluster of 2 worker
processes started here, the key never in a task's key or repr, bad shards, an unreachable
scheduler, and a worker killed mid-run."""

from __future__ import annotations

import json
import os
import re
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner

from privsynth.cli import cli

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[1]
KEY_HEX = "5e" * 8 + "c7" * 8 + "a1" * 8 + "99" * 8

POLICY = """
extends: controlled-sharing
name: dask-equivalence
columns:
  notes: {operator: drop}
  birth_date: {category: quasi_identifier, operator: generalize, params: {date: year}}
  postcode: {category: quasi_identifier, operator: generalize, params: {truncate: 2}}
  city: {operator: suppress_rare, params: {k: 40}}
  annual_spend: {operator: top_bottom_code, params: {lower_quantile: 0.05, upper_quantile: 0.95}}
  orders_last_year: {operator: noise, params: {scale: 2.0, seed: 11, decimals: 0}}
  signup_channel: {operator: date_shift, params: {id_column: customer_id, seed: 3}}
transform:
  quasi_identifiers: [birth_date, postcode, gender]
  k: 5
  max_suppression: 0.05
"""


@pytest.fixture(scope="module")
def cluster():
    from distributed import LocalCluster

    c = LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None, silence_logs=50,
                     scheduler_kwargs={"dashboard_address": "127.0.0.1:0"})  # as privsynth.engine.cluster.open_client
    yield c
    c.close()


@pytest.fixture(scope="module")
def data(tmp_path_factory):
    """A 4-shard Parquet dataset of 2000 customers (the example table; notes left out)."""
    d = tmp_path_factory.mktemp("ds")
    df = pd.read_csv(ROOT / "examples" / "customers.csv", dtype=str).head(2000)
    df["signup_channel"] = pd.to_datetime("2020-01-01") + pd.to_timedelta(np.arange(2000) % 700, unit="D")
    df["signup_channel"] = df["signup_channel"].dt.strftime("%Y-%m-%d")
    df["customer_id"] = df["customer_id"].where(np.arange(2000) % 3 != 0, "C" + (np.arange(2000) % 97).astype(str))
    shards = d / "shards"
    shards.mkdir()
    for i in range(4):
        df.iloc[i * 500:(i + 1) * 500].to_parquet(shards / f"part{i}.parquet", index=False)
    (d / "policy.yaml").write_text(POLICY)
    return d


def run(*args, env=None):
    res = CliRunner().invoke(cli, [str(a) for a in args], catch_exceptions=False, env={"PRIVSYNTH_KEY": KEY_HEX, **(env or {})})
    return res


def read_out(d: Path) -> pd.DataFrame:
    m = json.loads((d / "manifest.json").read_text())
    return pd.concat([pd.read_parquet(d / e["file"]) for e in m["shards"]], ignore_index=True)


def test_anonymize_on_dask_equals_the_local_engine_row_for_row(cluster, data, tmp_path):
    pol = data / "policy.yaml"
    a = run("anonymize", data / "shards", "--out", tmp_path / "local", "--policy", pol, "-q", "--evidence", tmp_path / "ev_local.json")
    assert a.exit_code == 0, a.stderr
    b = run("anonymize", data / "shards", "--out", tmp_path / "dask", "--policy", pol, "-q", "--scheduler", cluster.scheduler_address,
            "--evidence", tmp_path / "ev_dask.json")
    assert b.exit_code == 0, b.stderr
    assert a.stdout == b.stdout
    local, dask = read_out(tmp_path / "local"), read_out(tmp_path / "dask")
    assert len(local) < 2000  # k-anonymity suppressed some rows: the global step ran
    pd.testing.assert_frame_equal(local, dask)
    ea, eb = json.loads((tmp_path / "ev_local.json").read_text()), json.loads((tmp_path / "ev_dask.json").read_text())
    assert ea["transform"]["stats"]["k_anonymity"] == eb["transform"]["stats"]["k_anonymity"]
    assert [(c["name"], c["category"], c["entity_type"]) for c in ea["scan"]["columns"]] == [(c["name"], c["category"], c["entity_type"]) for c in eb["scan"]["columns"]]
    assert ea["transform"]["stats"]["columns"]["city"] == eb["transform"]["stats"]["columns"]["city"]
    # the evidence lists every input shard and the output manifest
    assert len(eb["inputs"][0]["shards"]) == 4 and eb["inputs"][0]["sha256"] == ea["inputs"][0]["sha256"]
    m = json.loads((tmp_path / "dask" / "manifest.json").read_text())
    assert [s["file"] for s in m["shards"]] == [f"part-0000{i}.parquet" for i in range(4)]
    assert eb["outputs"][0]["rows"] == len(dask) == sum(s["rows"] for s in m["shards"])
    assert eb["outputs"][0]["shards"][0]["sha256"] == m["shards"][0]["sha256"]
    # the reserve's fingerprint files lived in the temporary directory only: nothing but shards and the manifest
    assert sorted(p.name for p in (tmp_path / "dask").iterdir()) == sorted([s["file"] for s in m["shards"]] + ["manifest.json"])


QI_NEEDS_FACTS = POLICY.replace("city: {operator: suppress_rare, params: {k: 40}}", "city: {category: quasi_identifier, operator: suppress_rare, params: {k: 40}}") \
    .replace("quasi_identifiers: [birth_date, postcode, gender]", "quasi_identifiers: [birth_date, postcode, gender, city]")
NO_SURROGATES = POLICY.replace("  notes: {operator: drop}\n", "  notes: {operator: drop}\n" + "".join(
    f"  {c}: {{category: direct_identifier, operator: tokenize}}\n" for c in ("customer_id", "full_name", "email", "phone", "iban", "national_insurance_number", "street_address")))


@pytest.mark.parametrize("policy_text", [
    pytest.param(QI_NEEDS_FACTS, id="a quasi-identifier whose operator needs a dataset-wide fact (a separate QI pass)"),
    pytest.param(NO_SURROGATES, id="no operator draws surrogates (no reserve gathered)"),
])
def test_anonymize_on_dask_equals_the_local_engine_whichever_passes_the_policy_needs(cluster, data, tmp_path, policy_text):
    from privsynth.engine.anonymize import needs_reserve

    pol = tmp_path / "policy.yaml"
    pol.write_text(policy_text)
    a = run("anonymize", data / "shards", "--out", tmp_path / "local", "--policy", pol, "-q", "--evidence", tmp_path / "ev_local.json")
    assert a.exit_code == 0, a.stderr
    b = run("anonymize", data / "shards", "--out", tmp_path / "dask", "--policy", pol, "-q", "--scheduler", cluster.scheduler_address,
            "--evidence", tmp_path / "ev_dask.json")
    assert b.exit_code == 0, b.stderr
    pd.testing.assert_frame_equal(read_out(tmp_path / "local"), read_out(tmp_path / "dask"))
    ea, eb = json.loads((tmp_path / "ev_local.json").read_text()), json.loads((tmp_path / "ev_dask.json").read_text())
    assert ea["transform"]["stats"]["k_anonymity"] == eb["transform"]["stats"]["k_anonymity"]
    ops = [(t["column"], t["operator"]) for t in eb["transform"]["treatments"]]
    assert ("city", "suppress_rare") in ops
    if policy_text is NO_SURROGATES:
        from privsynth.transform import OPERATORS

        assert not needs_reserve([(c, OPERATORS.get(o)) for c, o in ops])


RESERVE_POLICY = """
extends: controlled-sharing
name: dask-reserve
columns:
  customer_id: {category: direct_identifier, entity_type: RECORD_ID, operator: pseudonymize}
  loyalty_tier: {category: non_personal, operator: keep}
"""


def test_a_pseudonym_never_equals_a_real_value_that_only_another_partition_holds(cluster, tmp_path):
    """The reserve is the dataset's, not the partition's: the pseudonym that partition 0 alone
    would give its first customer is planted as a real id in partition 5 (of 6), so a check
    against partition 0's own values would let it through; the engine redraws it, as the local
    engine does on the whole table."""
    df = pd.read_csv(ROOT / "examples" / "customers.csv", dtype=str).head(300)[["customer_id", "loyalty_tier"]]
    pol = tmp_path / "policy.yaml"
    pol.write_text(RESERVE_POLICY)
    alone = tmp_path / "part0.parquet"
    df.iloc[:50].to_parquet(alone, index=False)
    r = run("anonymize", alone, "--out", tmp_path / "alone.parquet", "--policy", pol, "-q")
    assert r.exit_code == 0, r.stderr
    planted = pd.read_parquet(tmp_path / "alone.parquet")["customer_id"].iloc[0]
    assert planted not in set(df["customer_id"])
    df.loc[250, "customer_id"] = planted  # a real value of partition 5 only
    shards = tmp_path / "shards"
    shards.mkdir()
    for i in range(6):
        df.iloc[i * 50:(i + 1) * 50].to_parquet(shards / f"part{i}.parquet", index=False)
    a = run("anonymize", shards, "--out", tmp_path / "local", "--policy", pol, "-q")
    assert a.exit_code == 0, a.stderr
    b = run("anonymize", shards, "--out", tmp_path / "dask", "--policy", pol, "-q", "--scheduler", cluster.scheduler_address)
    assert b.exit_code == 0, b.stderr
    local, dask = read_out(tmp_path / "local"), read_out(tmp_path / "dask")
    pd.testing.assert_frame_equal(local, dask)
    assert dask["customer_id"].iloc[0] != planted
    assert not set(dask["customer_id"]) & set(df["customer_id"])  # no pseudonym is a real id of any partition
    assert dask["customer_id"].nunique() == df["customer_id"].nunique()


class _Recorder:
    """A scheduler plugin keeping every task key and the repr of every task it saw."""

    name = "privsynth-test-recorder"

    def __init__(self):
        self.seen: list[str] = []

    def transition(self, key, start, finish, *args, **kwargs):
        self.seen.append(str(key))
        ts = self.scheduler.tasks.get(key)
        if ts is not None:
            spec = ts.run_spec
            self.seen.append(repr(spec))
            self.seen.append(repr(ts))
            # the arguments as the scheduler holds them (what a dashboard's task page could show)
            self.seen.append(repr(getattr(spec, "args", None)))
            self.seen.append(repr(getattr(spec, "kwargs", None)))
            for dep in getattr(spec, "dependencies", ()) or ():
                self.seen.append(str(dep))


def test_the_key_never_appears_in_a_task_key_a_task_repr_or_a_log(cluster, data, tmp_path):
    from distributed.diagnostics.plugin import SchedulerPlugin

    rec = type("Rec", (_Recorder, SchedulerPlugin), {})()
    rec.scheduler = cluster.scheduler
    cluster.scheduler.add_plugin(rec)
    try:
        res = run("anonymize", data / "shards", "--out", tmp_path / "o", "--policy", data / "policy.yaml", "-q", "--scheduler", cluster.scheduler_address)
    finally:
        cluster.scheduler.remove_plugin(name=rec.name)
    assert res.exit_code == 0, res.stderr
    text = "\n".join(rec.seen)
    assert any(re.match(r"privsynth-anonymize-[0-9a-f]{8}-\d", k) for k in rec.seen)
    assert "SecretKey(<redacted>)" in text, text[-3000:]  # the key travelled, wrapped
    raw = bytes.fromhex(KEY_HEX)
    for needle in (KEY_HEX, KEY_HEX.upper(), repr(raw), raw.hex()):
        assert needle not in text
    from distributed import Client

    with Client(cluster.scheduler_address, set_as_default=False) as c:
        logs = json.dumps([c.get_worker_logs(), c.get_scheduler_logs()], default=str)
    assert KEY_HEX not in logs and res.stderr.find(KEY_HEX) < 0


@pytest.mark.parametrize("engine", ["local", "dask"])
def test_a_shard_with_other_columns_is_named_in_one_line_and_exits_2(cluster, data, tmp_path, engine):
    d = tmp_path / "bad"
    d.mkdir()
    for f in sorted((data / "shards").iterdir()):
        (d / f.name).write_bytes(f.read_bytes())
    pd.read_parquet(d / "part2.parquet").rename(columns={"city": "town"}).to_parquet(d / "part2.parquet", index=False)
    extra = ["--scheduler", cluster.scheduler_address] if engine == "dask" else []
    res = run("anonymize", d, "--out", tmp_path / "o", "--policy", data / "policy.yaml", "-q", *extra)
    assert res.exit_code == 2
    assert res.stderr.strip().count("\n") == 0 and "part2.parquet" in res.stderr and "Traceback" not in res.stderr
    assert not (tmp_path / "o").exists()


def test_a_shard_whose_column_has_another_dtype_is_named(cluster, tmp_path):
    d = tmp_path / "ds"
    d.mkdir()
    pd.DataFrame({"a": [1, 2, 3], "b": ["x", "y", "z"]}).to_csv(d / "p0.csv", index=False)
    pd.DataFrame({"a": ["u", "v", "w"], "b": ["x", "y", "z"]}).to_csv(d / "p1.csv", index=False)
    res = run("scan", d, "--scheduler", cluster.scheduler_address, "-q")
    assert res.exit_code == 2 and "p1.csv" in res.stderr and "'a'" in res.stderr
    assert res.stderr.strip().count("\n") == 0


# Parquet shards declare their types: a column stored as text in one shard and as numbers in another is two
# schemas (refused, one line naming the shard and column), even when the text holds only digits; differences that
# are the same data (int next to float because of a missing value, int32 next to int64, dictionary-encoded text next
# to text, a shard where the column has no value) are read as one table.
DECLARED_TYPES = [
    ("digits stored as text in one shard and int64 in the other", ["57", "28", "63"], [27, 73, 46], "is stored as int64 here but as string"),
    ("int64 in one shard and text in the other", [27, 73, 46], ["57", "28", "x"], "is stored as string here but as int64"),
    ("booleans in one shard and numbers in the other", [True, False, True], [1, 0, 1], "is stored as int64 here but as bool"),
    ("int64 in one shard and float64 with a missing value in the other", [31, 45, 52], [28.0, None, 61.0], None),
    ("int32 in one shard and int64 in the other", pd.Series([31, 45, 52], dtype="int32"), [28, 33, 61], None),
    ("text in one shard and dictionary-encoded text in the other", ["ab", "bc", "cd"], pd.Categorical(["ab", "bc", "ab"]), None),
    ("no value in one shard and numbers in the other", pd.Series([None] * 3, dtype=object), [1, 2, 3], None),
]


@pytest.mark.parametrize("engine", ["local", "dask"])
@pytest.mark.parametrize("what,first,second,error", DECLARED_TYPES, ids=[c[0] for c in DECLARED_TYPES])
def test_parquet_shards_must_declare_a_column_as_numbers_everywhere_or_text_everywhere(cluster, tmp_path, engine, what, first, second, error):
    d = tmp_path / "ds"
    d.mkdir()
    pd.DataFrame({"city": ["Lund", "Graz", "Gent"], "age": first}).to_parquet(d / "a.parquet", index=False)
    pd.DataFrame({"city": ["Brno", "Turku", "Porto"], "age": second}).to_parquet(d / "b.parquet", index=False)
    extra = ["--scheduler", cluster.scheduler_address] if engine == "dask" else []
    res = run("scan", d, "--format", "json", "-q", *extra)
    if error is None:
        assert res.exit_code == 0, res.stderr
        assert [c["name"] for c in json.loads(res.stdout)["columns"]] == ["city", "age"]
        assert res.stderr == ""
    else:
        assert res.exit_code == 2 and res.stdout == ""
        assert res.stderr.strip().count("\n") == 0 and "Traceback" not in res.stderr
        assert res.stderr.startswith(f"error: {d / 'b.parquet'}: column 'age' {error}")


def test_a_local_cluster_we_start_leaves_the_dashboard_port_alone(capfd):
    """A LocalCluster privsynth starts has no dashboard and does not warn that port 8787 is taken
    (on a shared machine another cluster often holds it)."""
    import socket
    import warnings

    from privsynth.engine.cluster import open_client
    from privsynth.policy.models import EngineSettings

    held = socket.socket()
    try:
        held.bind(("127.0.0.1", 8787))
        held.listen()
    except OSError:
        pass  # already taken by someone else: the situation under test
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            with open_client(EngineSettings(name="dask", workers=1)) as client:
                assert client.submit(sum, [1, 2]).result() == 3
                assert client.scheduler_info()["services"].get("dashboard") != 8787
    finally:
        held.close()
    assert not [w for w in caught if "already in use" in str(w.message)]
    assert "already in use" not in capfd.readouterr().err


def test_empty_shards_count_as_zero_rows(cluster, data, tmp_path):
    d = tmp_path / "ds"
    d.mkdir()
    for f in sorted((data / "shards").iterdir()):
        (d / f.name).write_bytes(f.read_bytes())
    (d / "part9.parquet").write_bytes(b"")
    pd.read_parquet(d / "part0.parquet").head(0).to_parquet(d / "part5.parquet", index=False)
    a = run("anonymize", data / "shards", "--out", tmp_path / "a", "--policy", data / "policy.yaml", "-q", "--scheduler", cluster.scheduler_address)
    b = run("anonymize", d, "--out", tmp_path / "b", "--policy", data / "policy.yaml", "-q", "--scheduler", cluster.scheduler_address)
    assert a.exit_code == 0 and b.exit_code == 0, b.stderr
    pd.testing.assert_frame_equal(read_out(tmp_path / "a"), read_out(tmp_path / "b"))


def test_an_unreachable_scheduler_exits_2_within_seconds(data, tmp_path):
    t0 = time.monotonic()
    res = run("scan", data / "shards", "--scheduler", "tcp://127.0.0.1:9", "-q")
    assert res.exit_code == 2
    assert res.stderr.startswith("error: engine.scheduler tcp://127.0.0.1:9: cannot connect")
    assert time.monotonic() - t0 < 60


def test_a_dask_output_directory_refuses_a_table_suffix_and_a_foreign_directory(cluster, data, tmp_path):
    res = run("anonymize", data / "shards", "--out", tmp_path / "o.csv", "--policy", data / "policy.yaml", "-q", "--scheduler", cluster.scheduler_address)
    assert res.exit_code == 2 and "directory of shards" in res.stderr
    (tmp_path / "mine").mkdir()
    (tmp_path / "mine" / "thesis.txt").write_text("do not delete")
    res = run("anonymize", data / "shards", "--out", tmp_path / "mine", "--policy", data / "policy.yaml", "-q", "--scheduler", cluster.scheduler_address)
    assert res.exit_code == 2 and "not a privsynth output" in res.stderr
    assert (tmp_path / "mine" / "thesis.txt").read_text() == "do not delete"


def test_scan_on_dask_decides_every_column_as_the_local_engine(cluster, data):
    a = run("scan", data / "shards", "--format", "json", "-q")
    b = run("scan", data / "shards", "--format", "json", "-q", "--scheduler", cluster.scheduler_address)
    assert a.exit_code == 0 and b.exit_code == 0, b.stderr
    assert json.loads(a.stdout) == json.loads(b.stdout)


def test_a_text_corpus_is_scanned_per_partition_as_locally(cluster, tmp_path):
    from privsynth.detect import scan_texts
    from privsynth.policy import load_policy

    people = ["Anna Kowalski", "Tomasz Nowak", "Grace Okafor", "Liam Murphy", "Sofia Rossi"]
    lines = [json.dumps({"text": t}) for i in range(40) for t in [[
        f"Called {people[i % 5]} on 0161 496 0{i:03d} about the refund.",
        f"Ticket {1000 + i}: printer jammed again, nothing personal here.",
        f"Email from {people[(i + 2) % 5].split()[0].lower()}.{i}@example.org asking to close the account.",
        f"{people[(i + 3) % 5]} moved to 12 Mill Lane, Leeds; update the address.",
    ][i % 4]]]
    d = tmp_path / "corpus"
    d.mkdir()
    (d / "a.jsonl").write_text("\n".join(lines[:25]) + "\n")
    (d / "b.jsonl").write_text("\n".join(lines[25:]) + "\n")
    res = run("scan", d, "--text-field", "text", "--format", "json", "-q", "--scheduler", cluster.scheduler_address)
    assert res.exit_code == 0, res.stderr
    got = json.loads(res.stdout)["documents"]
    texts = [json.loads(x)["text"] for x in lines]
    ids = list(range(25)) + list(range(15))
    want = scan_texts(texts, ids, load_policy(None)).model_dump(mode="json")["documents"]
    assert got == want
    # a sample of documents drawn across both shards: the same spans for those documents
    from privsynth.detect.columns import _sample_index

    res = run("scan", d, "--text-field", "text", "--format", "json", "-q", "--sample-documents", 7, "--scheduler", cluster.scheduler_address)
    assert res.exit_code == 0, res.stderr
    out = json.loads(res.stdout)
    assert {k: out["corpus"][k] for k in ("documents", "documents_scanned", "sampled", "seed")} == {"documents": 40, "documents_scanned": 7, "sampled": 7, "seed": load_policy(None).scan.seed}
    assert out["documents"] == [want[i] for i in _sample_index(40, 7, load_policy(None).scan.seed)]
    # every document is still read and checked: a malformed line outside the sample stops the scan
    (d / "b.jsonl").write_text("\n".join(lines[25:]) + "\n{not json\n")
    res = run("scan", d, "--text-field", "text", "-q", "--sample-documents", 2, "--scheduler", cluster.scheduler_address)
    assert res.exit_code == 2 and "b.jsonl: line 16: malformed JSON" in res.stderr and "Traceback" not in res.stderr
    # a nested text field is refused as the local reader refuses it (one parsing rule), sampled or not
    (d / "b.jsonl").write_text("\n".join(lines[25:]) + "\n" + json.dumps({"text": {"body": "Call Ana Souza."}}) + "\n")
    for extra in ([], ["--sample-documents", 2]):
        res = run("scan", d, "--text-field", "text", "-q", *extra, "--scheduler", cluster.scheduler_address)
        assert res.exit_code == 2 and "b.jsonl: line 16: field 'text' is a dict, not text" in res.stderr, res.stderr
        assert "Ana Souza" not in res.stderr and "Traceback" not in res.stderr


def test_a_corpus_scan_on_dask_uses_the_whole_corpus_for_the_language_prior_and_surnames(cluster, tmp_path):
    """The two steps of the text detector that look across documents: a surname named in full in
    one shard is a person where it stands alone in the other, and the corpus's dominant language
    is the prior of a shard too small to have one. Both shards are one block each, so a scan per
    block alone would give other spans than the local scan."""
    from privsynth.detect import scan_texts
    from privsynth.policy import load_policy

    people = ["Anna Kowalski", "Tomasz Nowak", "Grace Okafor", "Liam Murphy", "Sofia Rossi"]
    a = [f"Called {people[i % 5]} on 0161 496 0{i:03d} about the refund." if i % 2 else
         f"Ticket {1000 + i}: the printer jammed again, nothing personal here, see the log." for i in range(24)]
    a.append("Carlo Citrone called about the refund on Monday.")
    b = ["Citrone wrote again about the invoice.", "Marie Dubois habite rue de la Paix à Lyon.",
         "Madame Claire Fontaine, tel 0612345678.", "", "Ticket 77: the printer jammed."]
    d = tmp_path / "corpus"
    d.mkdir()
    (d / "a.jsonl").write_text("".join(json.dumps({"id": f"a{i}", "text": t}) + "\n" for i, t in enumerate(a)))
    (d / "b.jsonl").write_text("".join(json.dumps({"id": f"b{i}", "text": t}) + "\n" for i, t in enumerate(b)))
    want = scan_texts(a + b, [f"a{i}" for i in range(len(a))] + [f"b{i}" for i in range(len(b))], load_policy(None)).model_dump(mode="json")["documents"]
    # the corpus is one where the per-shard scan differs from the local one
    alone = scan_texts(b, [f"b{i}" for i in range(len(b))], load_policy(None)).model_dump(mode="json")["documents"]
    assert alone != want[len(a):]
    res = run("scan", d, "--text-field", "text", "--id-field", "id", "--format", "json", "--scheduler", cluster.scheduler_address)
    assert res.exit_code == 0, res.stderr
    out = json.loads(res.stdout)
    assert out["documents"] == want
    # the evidence: counts per entity type and shard, no value
    kinds: dict = {}
    for doc in want[len(a):]:
        for sp in doc["spans"]:
            kinds[sp["entity_type"]] = kinds.get(sp["entity_type"], 0) + 1
    assert out["corpus"]["shards"][1] == {"shard": "b.jsonl", "documents": 5, "documents_scanned": 5,
                                          "documents_with_spans": sum(1 for doc in want[len(a):] if doc["spans"]), "spans": dict(sorted(kinds.items()))}
    assert out["corpus"]["documents"] == out["corpus"]["documents_scanned"] == 30
    assert "corpus: 30 documents in 2 shards read and checked; spans detected in all 30" in res.stderr
    for value in ("Citrone", "Dubois", "0612345678"):
        assert value not in res.stderr


# --------------------------------------------------------------------------- a worker killed mid-run


class _KillOnce:
    """Worker plugin: the first worker to start an output task exits (os._exit), once per marker."""

    name = "privsynth-test-killer"

    def __init__(self, marker: str, always: bool = False):
        self.marker, self.always = marker, always

    def setup(self, worker):
        pass

    def transition(self, key, start, finish, **kwargs):
        if finish == "executing" and re.match(r"privsynth-anonymize-[0-9a-f]{8}-\d+$", str(key)):
            if self.always:
                os._exit(1)
            try:
                fd = os.open(self.marker, os.O_CREAT | os.O_EXCL | os.O_WRONLY)
            except FileExistsError:
                return
            os.close(fd)
            os._exit(1)


def _killer(marker: Path, always: bool):
    import cloudpickle
    from distributed.diagnostics.plugin import WorkerPlugin

    cloudpickle.register_pickle_by_value(sys.modules[__name__])
    return type("Killer", (_KillOnce, WorkerPlugin), {})(str(marker), always)


def test_a_worker_killed_mid_run_is_retried_and_the_output_is_complete(data, tmp_path):
    from distributed import Client, LocalCluster

    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None, silence_logs=50, scheduler_kwargs={"dashboard_address": "127.0.0.1:0"}) as c, \
            Client(c, set_as_default=False) as client:
        client.register_plugin(_killer(tmp_path / "killed", always=False))
        res = run("anonymize", data / "shards", "--out", tmp_path / "o", "--policy", data / "policy.yaml", "-q", "--scheduler", c.scheduler_address)
    assert (tmp_path / "killed").exists()  # a worker did die
    assert res.exit_code == 0, res.stderr
    ref = run("anonymize", data / "shards", "--out", tmp_path / "ref", "--policy", data / "policy.yaml", "-q")
    pd.testing.assert_frame_equal(read_out(tmp_path / "o"), read_out(tmp_path / "ref"))


def test_workers_that_keep_dying_fail_cleanly_with_no_complete_looking_output(data, tmp_path):
    import dask
    from distributed import Client, LocalCluster

    with dask.config.set({"distributed.scheduler.allowed-failures": 1}):
        with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None, silence_logs=50, scheduler_kwargs={"dashboard_address": "127.0.0.1:0"}) as c, \
                Client(c, set_as_default=False) as client:
            client.register_plugin(_killer(tmp_path / "never", always=True))
            res = run("anonymize", data / "shards", "--out", tmp_path / "o", "--policy", data / "policy.yaml", "-q", "--scheduler", c.scheduler_address)
    assert res.exit_code == 2
    assert ("worker died" in res.stderr or "cancelled" in res.stderr) and "no output written" in res.stderr
    assert not (tmp_path / "o").exists()
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".o.")]


# --------------------------------------------------------------------------- evaluation searches over partitions


def test_partitioned_nearest_neighbours_and_exact_matches_equal_the_local_search(cluster, tmp_path):
    from distributed import Client

    from privsynth.engine import dataset as D, partitions as P
    from privsynth.engine.search import encode_parts, exact_matches, fit_encoder, nearest
    from privsynth.evaluate.encoding import GowerEncoder
    from privsynth.evaluate.neighbors import NeighborIndex

    rng = np.random.default_rng(4)
    n = 3000
    orig = pd.DataFrame({"age": rng.integers(18, 90, n), "income": rng.normal(4e4, 9e3, n).round(),
                         "city": rng.choice(["Leeds", "York", "Hull", "Bath"], n), "tier": rng.choice(["a", "b", None], n)})
    rel = orig.sample(1200, random_state=1).reset_index(drop=True)
    rel.loc[600:, "income"] = rel.loc[600:, "income"] + rng.integers(1, 500, 600)  # half copies, half perturbed
    rel.loc[1100:, "city"] = "Ely"  # a category only the release has
    for name, df, k in (("orig", orig, 3), ("rel", rel, 2)):
        (tmp_path / name).mkdir()
        for i, chunk in enumerate(np.array_split(np.arange(len(df)), k)):
            df.iloc[chunk].to_parquet(tmp_path / name / f"p{i}.parquet", index=False)
    cols = ["age", "income", "city", "tier"]
    orig_l, rel_l = D.read_any(tmp_path / "orig"), D.read_any(tmp_path / "rel")
    enc = GowerEncoder.fit(orig_l, cols, [rel_l])
    Xo, Xr = enc.transform(orig_l), enc.transform(rel_l)
    want_d, want_i = NeighborIndex(Xo, enc.n_columns).search(Xr, k=3)
    oparts, rparts = P.plan(D.resolve(tmp_path / "orig"), 10**6), P.plan(D.resolve(tmp_path / "rel"), 10**6)
    with Client(cluster.scheduler_address, set_as_default=False) as client:
        enc2 = fit_encoder(client, oparts, cols, [rparts])
        assert enc2 == enc
        Xo2 = encode_parts(client, oparts, enc2, "original")
        d, i, info = nearest(client, Xo2, rparts, enc2, k=3)
        em = exact_matches(client, oparts, [1000] * 3, rparts, [600] * 2, enc2)
    np.testing.assert_array_equal(Xo2, Xo)
    np.testing.assert_allclose(d, want_d)
    assert (d[:, 0] == 0).sum() >= 600 and info["index"].startswith("IndexFlat")
    np.testing.assert_array_equal(d[:, 0], want_d[:, 0])
    orig_rows = {r.tobytes() for r in Xo}
    rel_rows = {r.tobytes() for r in Xr}
    assert em["release_rows_identical_to_an_original_row"] == sum(r.tobytes() in orig_rows for r in Xr)
    assert em["original_records_in_release"] == sum(r.tobytes() in rel_rows for r in Xo)
    assert em["release_rows_identical_to_an_original_row"] >= 600


def test_evaluate_on_dask_runs_the_searches_on_the_cluster_and_equals_the_local_verdict(cluster, tmp_path):
    from distributed import Client, get_task_stream

    df = pd.read_csv(ROOT / "examples" / "customers.csv", dtype=str).head(1600).drop(columns=["notes"])
    original, holdout = df.iloc[:1000], df.iloc[1000:1300]
    other = df.iloc[1300:1600].copy()
    other["city"] = other["city"].sample(frac=1.0, random_state=3).to_numpy()  # new records, not copies
    release = pd.concat([original.iloc[:150], other], ignore_index=True)  # 150 verbatim copies of training records
    for name, t in (("original", original), ("holdout", holdout), ("release", release)):
        t.to_csv(tmp_path / f"{name}.csv", index=False)
    args = ["evaluate", "--original", tmp_path / "original.csv", "--release", tmp_path / "release.csv", "--holdout", tmp_path / "holdout.csv",
            "--exit-zero", "-q", "--format", "json"]
    a = run(*args, "--out", tmp_path / "local.json")
    assert a.exit_code == 0, a.stderr
    with Client(cluster.scheduler_address, set_as_default=False) as client, get_task_stream(client) as ts:
        b = run(*args, "--out", tmp_path / "dask.json", "--scheduler", cluster.scheduler_address)
        assert b.exit_code == 0, b.stderr
    stages = {str(t["key"]).split("-")[1] + "-" + str(t["key"]).split("-")[2] for t in ts.data if str(t["key"]).startswith("privsynth-")}
    assert {"evaluate-search", "evaluate-index"} <= stages  # the neighbour searches ran on the workers
    assert any("merge" in str(t["key"]) or "shuffle" in str(t["key"]) for t in ts.data)  # the exact matches by a hash-partitioned join
    ea, eb = json.loads((tmp_path / "local.json").read_text()), json.loads((tmp_path / "dask.json").read_text())

    def tests(ev):
        return [(t["id"], t["status"], t.get("value"), t.get("p_value")) for t in ev["evaluation"]["tests"]]

    assert tests(ea) == tests(eb)
    em = next(t for t in eb["evaluation"]["tests"] if t["id"] == "exact_match")
    assert em["status"] == "fail"  # 150 copies are found
    assert ea["verdict"] == eb["verdict"]


def test_a_corpus_document_longer_than_the_cap_is_marked_not_scanned_as_locally(cluster, tmp_path):
    # new-user trial 14, M6: a 1 MB document gave "spans": [] with nothing recording the cut (fictitious values)
    from privsynth.detect import scan_texts
    from privsynth.detect.text import MAX_DOC_CHARS
    from privsynth.policy import load_policy

    long = "Routine follow-up, nothing to report. " * (MAX_DOC_CHARS // 38 + 5) + "Contact: Hugo Brandtner +49 30 12345678."
    texts = ["Call Rita Quillfeather on 0161 496 0123.", long, "Nothing here."]
    d = tmp_path / "corpus"
    d.mkdir()
    (d / "a.jsonl").write_text("\n".join(json.dumps({"text": t}) for t in texts) + "\n")
    res = run("scan", d, "--text-field", "text", "--format", "json", "-q", "--scheduler", cluster.scheduler_address)
    assert res.exit_code == 0, res.stderr
    out = json.loads(res.stdout)
    assert out["documents"][1]["not_scanned"] == [MAX_DOC_CHARS, len(long)] and out["corpus"]["not_fully_scanned"] == 1
    assert "not_scanned" not in out["documents"][0]
    with pytest.warns(UserWarning, match="document number 2"):
        want = scan_texts(texts, [0, 1, 2], load_policy(None)).model_dump(mode="json")["documents"]
    assert out["documents"] == want
