"""privsynth.textworkers: free-text detection started in a worker process before the scan gives the
spans the detector gives in-process, is used only for the very texts it detected, and `anonymize`
writes the same bytes with one process or two; Ctrl-C leaves no output and no worker behind."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest

from privsynth import pipeline, textworkers
from privsynth.policy.models import ColumnRule, Policy

ROOT = Path(__file__).resolve().parents[1]
CUSTOMERS = ROOT / "examples" / "customers.csv"
POLICY = ROOT / "examples" / "policy.yaml"
fork_only = pytest.mark.skipif(not hasattr(os, "fork"), reason="POSIX fork only")

SENTENCES = [f"Called {n} about the invoice on Monday, she asked for a refund of order {i}." for i, n in
             enumerate(["Carlo Citrone", "Maria Keller", "John Smith", "Anna Berg"] * 60)]
ADDRESSES = [f"Studio {i}, Johnson Freeway" for i in range(240)]


def _policy(**columns) -> Policy:
    p = Policy()
    p.columns = {k: ColumnRule(**v) for k, v in columns.items()}
    return p


def _table() -> pd.DataFrame:
    return pd.DataFrame({"notes": SENTENCES, "address": ADDRESSES, "code": [f"C{i}" for i in range(240)]})


@pytest.mark.parametrize("policy, text_method, record_redaction, expected", [
    (_policy(), "surrogate", True, ["notes"]),
    (_policy(code={"operator": "surrogate"}), "surrogate", True, ["notes", "code"]),
    (_policy(notes={"operator": "drop"}), "surrogate", True, []),
    (_policy(notes={"category": "quasi_identifier"}), "surrogate", True, []),
    (_policy(address={"category": "free_text"}), "surrogate", True, ["notes", "address"]),
    (_policy(), "redact", True, []),
    (_policy(), "llm", False, ["notes"]),
    (_policy(), "llm", True, []),  # the llm operator detects the texts after record-aware redaction: other texts
    (_policy(notes={"operator": "llm"}), "surrogate", True, []),
])
def test_the_columns_guessed_before_the_scan_are_those_a_free_text_operator_will_read(policy, text_method, record_redaction, expected):
    policy.transform.text_method = text_method
    policy.transform.record_redaction = record_redaction
    assert textworkers.likely_text_columns(_table(), policy) == expected


def test_the_texts_prefetched_are_the_distinct_values_in_order_of_first_appearance():
    s = pd.Series(["b c", None, "a", "b c", 42])
    assert textworkers.distinct_texts(s) == ["b c", "a", "42"]


def _collection() -> list[str]:
    # a surname named in full once and alone elsewhere (surname propagation), and German and French texts
    # among English ones (the language prior): spans that depend on the whole collection
    base = [f"Ticket {i}: customer said the parcel from {city} arrived late and asked for a call back."
            for i, city in enumerate(["Leeds", "Bristol", "York", "Bath"] * 55)]
    return base + ["Carlo Citrone called from Milan about his refund.", "Citrone asked again on Friday.",
                   "Herr Citrone hat am Montag angerufen und nach der Rechnung gefragt.",
                   "Mme Dubois a appelé au 06 12 34 56 78 pour sa commande."]


@fork_only
def test_spans_from_the_worker_process_equal_the_detectors_spans_in_process():
    policy = Policy()
    detector = pipeline.text_detector(policy)
    texts = _collection()
    df = pd.DataFrame({"notes": texts})
    with textworkers.start(df, policy, detector, processes=2, columns=["notes"]) as pre:
        assert pre.started
        got = pre(list(texts))
    assert pre.used == 1 and pre.in_process == 0
    assert got == detector(texts)
    assert any(s.entity_type == "PERSON" and texts[-3][s.start:s.end] == "Citrone" for s in got[-3])


@fork_only
def test_other_texts_than_those_prefetched_are_detected_in_process():
    policy = Policy()
    detector = pipeline.text_detector(policy)
    texts = _collection()
    with textworkers.start(pd.DataFrame({"notes": texts}), policy, detector, processes=2, columns=["notes"]) as pre:
        other = texts[:-1]  # a different collection: its spans may differ, so the child's are not used
        assert pre(other) == detector(other)
    assert pre.used == 0 and pre.in_process == 1


@fork_only
def test_the_objects_frozen_for_the_fork_are_unfrozen_when_the_worker_is_done():
    import gc

    assert gc.get_freeze_count() == 0
    texts = _collection()
    detector = pipeline.text_detector(Policy())
    with textworkers.start(pd.DataFrame({"notes": texts}), Policy(), detector, processes=2, columns=["notes"]) as pre:
        assert pre.started and gc.get_freeze_count() > 0  # the loaded models: in the permanent generation
        got = pre(list(texts))
    assert gc.get_freeze_count() == 0
    assert got == detector(texts)


@fork_only
def test_objects_someone_else_froze_stay_frozen():
    import gc

    gc.freeze()
    try:
        with textworkers.start(pd.DataFrame({"notes": _collection()}), Policy(), pipeline.text_detector(Policy()),
                               processes=2, columns=["notes"]) as pre:
            assert pre.started
        assert gc.get_freeze_count() > 0  # not unfrozen by the worker's end
    finally:
        gc.unfreeze()


def test_the_ner_model_of_the_texts_language_is_loaded_before_the_fork():
    from privsynth.detect import engine

    models = textworkers.load_ner_models(["Carlo Citrone called from Milan about his refund on Monday."], Policy())
    assert models == [engine.DEFAULT_MODEL]
    assert engine._ner_pipelines[engine.DEFAULT_MODEL] is engine.spacy_ner(engine.DEFAULT_MODEL)  # loaded once, kept
    assert textworkers.load_ner_models(["Herr Citrone hat am Montag angerufen und nach der Rechnung gefragt."], Policy()) == []


def test_one_process_starts_no_worker():
    pre = textworkers.start(_table(), Policy(), pipeline.text_detector(Policy()), processes=1)
    assert not pre.started


@fork_only
def test_a_cancelled_worker_is_reaped():
    pre = textworkers.start(pd.DataFrame({"notes": _collection()}), Policy(), pipeline.text_detector(Policy()), processes=2, columns=["notes"])
    pid = pre._job._pid
    pre.cancel()
    pre.cancel()
    with pytest.raises(ChildProcessError):
        os.waitpid(pid, os.WNOHANG)


@fork_only
@pytest.mark.slow
def test_anonymize_writes_the_same_bytes_and_report_with_one_process_or_two(tmp_path):
    from privsynth.policy import load_policy

    lines = CUSTOMERS.read_text(encoding="utf-8").splitlines(keepends=True)
    data = tmp_path / "customers.csv"
    data.write_text("".join(lines[:1201]), encoding="utf-8")
    key = tmp_path / "k.key"
    key.write_bytes(bytes(range(32)).hex().encode())
    outs = {}
    for n in (1, 2):
        out = tmp_path / f"out{n}.csv"
        report = pipeline.run_anonymize(data, out, load_policy(str(POLICY)), key_file=key, evidence_out=None, processes=n,
                                        mapping_out=tmp_path / f"map{n}.csv")
        outs[n] = (out.read_bytes(), (tmp_path / f"map{n}.csv").read_bytes(), json.dumps(report.model_dump(mode="json"), sort_keys=True))
    assert outs[1] == outs[2]
    assert b"notes" in outs[1][0]


def _group_members(pgid: int) -> list[int]:
    pids = []
    for d in Path("/proc").iterdir():
        if d.name.isdigit():
            try:
                fields = (d / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[2]) == pgid and fields[0] != "Z":
                pids.append(int(d.name))
    return pids


@fork_only
@pytest.mark.slow
@pytest.mark.skipif(not Path("/proc").is_dir(), reason="reads /proc")
def test_ctrl_c_during_anonymize_exits_130_and_leaves_no_output_and_no_worker(tmp_path):
    key = tmp_path / "k.key"
    key.write_bytes(bytes(range(32)).hex().encode())
    out = tmp_path / "out.csv"
    env = {**os.environ, "PYTHONPATH": str(ROOT), "PYTHONUNBUFFERED": "1"}
    proc = subprocess.Popen(
        [sys.executable, "-m", "privsynth.cli", "anonymize", str(CUSTOMERS), "--out", str(out), "--policy", str(POLICY),
         "--key-file", str(key), "--processes", "2"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, cwd=tmp_path, text=True, start_new_session=True,
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),  # see test_interrupt_and_determinism.py
    )
    deadline = time.monotonic() + 600
    while time.monotonic() < deadline and proc.poll() is None and len(_group_members(proc.pid)) < 2:
        time.sleep(0.2)  # until the worker process exists (progress bars are off: stderr is not a terminal)
    assert len(_group_members(proc.pid)) >= 2  # the CLI and its worker
    os.killpg(proc.pid, signal.SIGINT)  # Ctrl-C reaches the whole foreground process group
    stdout, stderr = proc.communicate(timeout=300)
    assert proc.returncode == 130, stderr
    assert "interrupted" in stderr and "Traceback" not in stderr
    assert stdout == "" and not out.exists() and list(tmp_path.iterdir()) == [key]
    time.sleep(0.5)
    assert _group_members(proc.pid) == []


@fork_only
@pytest.mark.slow
def test_the_cli_with_processes_2_prints_and_writes_what_it_does_with_processes_1(tmp_path):
    from click.testing import CliRunner

    from privsynth.cli import cli

    lines = CUSTOMERS.read_text(encoding="utf-8").splitlines(keepends=True)
    data = tmp_path / "customers.csv"
    data.write_text("".join(lines[:401]), encoding="utf-8")
    key = tmp_path / "k.key"
    key.write_bytes(bytes(range(32)).hex().encode())
    got = {}
    for n in ("1", "2"):
        out = tmp_path / f"out{n}.csv"
        res = CliRunner().invoke(cli, ["anonymize", str(data), "--out", str(out), "--policy", str(POLICY), "--key-file", str(key),
                                       "--processes", n, "--quiet", "--format", "json"], catch_exceptions=False)
        assert res.exit_code == 0, res.stderr
        assert res.stderr == f"wrote {out} (400 rows)\n"
        got[n] = (res.stdout, out.read_bytes())
    assert got["1"] == got["2"]


def test_processes_beyond_two_is_a_usage_error_naming_the_option(tmp_path):
    from click.testing import CliRunner

    from privsynth.cli import cli

    res = CliRunner().invoke(cli, ["anonymize", str(CUSTOMERS), "--out", str(tmp_path / "o.csv"), "--processes", "3"], catch_exceptions=False)
    assert res.exit_code == 2 and "--processes" in res.stderr and res.stdout == ""
    assert not (tmp_path / "o.csv").exists()


def test_a_detector_that_fails_while_warming_starts_no_worker_and_fails_where_it_did_before():
    calls = []

    def broken(texts):
        calls.append(len(texts))
        raise RuntimeError("model not installed")

    pre = textworkers.start(pd.DataFrame({"notes": _collection()}), Policy(), broken, processes=2, columns=["notes"])
    assert not pre.started and calls == [textworkers.WARM_TEXTS]
    with pytest.raises(RuntimeError, match="model not installed"):
        pre(["a text"])


def _factory_settings():
    from privsynth.transform.reserve import Reserve

    reserve = Reserve()
    reserve.add("PERSON", ["Carlo Citrone", "Maria Keller"])
    return bytes(range(32)), "en_GB", reserve


@fork_only
@pytest.mark.parametrize("offered", [True, False], ids=["factory offered to the worker", "factory not offered"])
def test_texts_rewritten_half_in_the_worker_equal_the_texts_and_mapping_rewritten_in_process(offered):
    from privsynth.transform.surrogates import SurrogateFactory
    from privsynth.transform.text import rewrite_with_factory

    policy = Policy()
    detector = pipeline.text_detector(policy)
    texts = _collection()
    key, locale, reserve = _factory_settings()
    factory = SurrogateFactory(key, locale, reserve=reserve)
    with textworkers.start(pd.DataFrame({"notes": texts}), policy, detector, processes=2, columns=["notes"]) as pre:
        if offered:
            pre.offer_factory(factory, key, locale, reserve)
        spans, rewritten = pre.rewritten(list(texts), factory)
    expected_spans = detector(texts)
    expected_record: list = []
    expected = rewrite_with_factory(texts, expected_spans, SurrogateFactory(key, locale, reserve=reserve), expected_record)
    assert spans == expected_spans
    if offered:
        assert pre.rewrites_used == 1 and rewritten == (expected, expected_record)
        assert rewritten[0] != texts  # names and places were replaced
    else:
        assert pre.rewrites_used == 0 and rewritten is None


@fork_only
def test_a_factory_other_than_the_one_offered_gets_no_rewritten_texts_from_the_worker():
    from privsynth.transform.surrogates import SurrogateFactory

    policy = Policy()
    texts = _collection()
    key, locale, reserve = _factory_settings()
    with textworkers.start(pd.DataFrame({"notes": texts}), policy, pipeline.text_detector(policy), processes=2, columns=["notes"]) as pre:
        pre.offer_factory(SurrogateFactory(key, locale, reserve=reserve), key, locale, reserve)
        _, rewritten = pre.rewritten(list(texts), SurrogateFactory(key, locale, reserve=reserve))
    assert rewritten is None and pre.used == 1


def test_after_anonymize_the_exit_leaves_the_loaded_objects_to_the_operating_system(tmp_path):
    # the interpreter's final garbage collections are skipped (gc.freeze at exit): the output is written before
    lines = CUSTOMERS.read_text(encoding="utf-8").splitlines(keepends=True)
    data = tmp_path / "customers.csv"
    data.write_text("".join(lines[:41]), encoding="utf-8")
    key = tmp_path / "k.key"
    key.write_bytes(bytes(range(32)).hex().encode())
    out = tmp_path / "out.csv"
    code = ("import atexit, gc, sys\n"
            "atexit.register(lambda: print('frozen at exit:', gc.get_freeze_count() > 0, file=sys.stderr))\n"
            "from privsynth.cli import main\n"
            f"sys.argv = ['privsynth', 'anonymize', {str(data)!r}, '--out', {str(out)!r}, '--policy', {str(POLICY)!r}, "
            f"'--key-file', {str(key)!r}, '--processes', '1', '--quiet']\n"
            "main()\n")
    res = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env={**os.environ, "PYTHONPATH": str(ROOT)},
                         cwd=tmp_path, timeout=600)
    assert res.returncode == 0, res.stderr
    assert "frozen at exit: True" in res.stderr
    assert out.read_text(encoding="utf-8").count("\n") == 41
