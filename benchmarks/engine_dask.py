"""Benchmarks of the Dask engine (docs/benchmarks/engine.md): one run each, with the load.

  python benchmarks/engine_dask.py gen --rows 10000000 --out /tmp/privsynth-bench/t10m
  python benchmarks/engine_dask.py anonymize --data /tmp/privsynth-bench/t10m --workers 2 [--pseudonymize]
  python benchmarks/engine_dask.py corpus --docs 1000000 --shard-docs 50000 --out /tmp/privsynth-bench-corpus/c1m
  python benchmarks/engine_dask.py scan-text --data /tmp/privsynth-bench-corpus/c1m --workers 2

`gen` writes a synthetic customer table (15 columns: identifiers, quasi-identifiers, sensitive
and non-personal values, all generated here from numpy; no real person) as Parquet shards of
250 000 rows. `anonymize` runs `privsynth anonymize --engine dask` in-process on a LocalCluster
and samples every worker's resident set size (psutil, every 0.5 s) for the peak, total and
private (less file-backed pages such as the memory-mapped reserve); it also records
per-task timings from the scheduler (`Client.get_task_stream`) for the projection to more
workers. `corpus` writes JSONL notes built from several templates; `scan-text` scans every
document on the cluster (span detection on all of them), then runs the local engine and vanilla
Presidio's BatchAnalyzerEngine on the first documents of the same corpus in the same run
(`--local-docs`, `--peer-docs`), rates in documents per CPU-second. Results are appended as JSON lines to benchmarks/out/engine_dask.jsonl.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "benchmarks" / "out"

FIRST = np.array("James Mary Robert Patricia John Jennifer Michael Linda David Elizabeth William Barbara Richard Susan Joseph Jessica Thomas Sarah Charles Karen Amir Priya Wei Olga Kwame Aisha Lars Ines Mateo Yuki".split())
LAST = np.array("Smith Johnson Williams Brown Jones Garcia Miller Davis Rodriguez Martinez Hernandez Lopez Wilson Anderson Thomas Taylor Moore Jackson Martin Lee Okafor Nguyen Kowalski Rossi Novak Haddad Silva Tanaka Jensen Dubois".split())
CITIES = np.array("Leeds York Hull Bath Ely Derby Exeter Bristol Leicester Norwich Oxford Cambridge Durham Carlisle Truro".split())
DIAG = np.array(["none", "asthma", "diabetes", "hypertension", "depression", "none", "none", "migraine"])


def _load() -> str:
    return open("/proc/loadavg").read().split()[0] if Path("/proc/loadavg").exists() else "?"


def gen(rows: int, out: Path, shard_rows: int = 250_000, seed: int = 0) -> None:
    out.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(seed)
    t0 = time.perf_counter()
    for s, start in enumerate(range(0, rows, shard_rows)):
        n = min(shard_rows, rows - start)
        ids = np.arange(start, start + n)
        first, last = rng.choice(FIRST, n), rng.choice(LAST, n)
        df = pd.DataFrame({
            "customer_id": pd.Series(ids).map("C{:09d}".format),
            "full_name": pd.Series(first).str.cat(pd.Series(last), sep=" "),
            "email": pd.Series(first).str.lower().str.cat(pd.Series(last).str.lower(), sep=".") + pd.Series(ids % 997).astype(str) + "@mail.example.net",
            "phone": "+44 7" + pd.Series(rng.integers(100000000, 999999999, n)).astype(str),
            "account_no": pd.Series(rng.integers(10**7, 10**8 - 1, n)).astype(str).radd("AC"),
            "birth_date": (pd.Timestamp("1940-01-01") + pd.to_timedelta(rng.integers(0, 60 * 365, n), unit="D")).strftime("%Y-%m-%d"),
            "postcode": pd.Series(rng.choice(list("ABCDEFGHLMNPRS"), n)).str.cat(pd.Series(rng.integers(1, 30, n)).astype(str)) + " " + pd.Series(rng.integers(1, 9, n)).astype(str) + "AB",
            "gender": rng.choice(["female", "male", "other"], n, p=[0.49, 0.49, 0.02]),
            "city": rng.choice(CITIES, n),
            "diagnosis": rng.choice(DIAG, n),
            "tier": rng.choice(["bronze", "silver", "gold"], n),
            "channel": rng.choice(["app", "web", "store", "phone"], n),
            "orders": rng.poisson(12, n),
            "spend": rng.gamma(2.0, 400.0, n).round(2),
            "signup_date": (pd.Timestamp("2015-01-01") + pd.to_timedelta(rng.integers(0, 3000, n), unit="D")).strftime("%Y-%m-%d"),
        })
        df.to_parquet(out / f"part-{s:05d}.parquet", index=False)
    print(json.dumps({"gen_rows": rows, "shards": s + 1, "seconds": round(time.perf_counter() - t0, 1)}), file=sys.stderr)


POLICY = """
extends: controlled-sharing
name: bench-engine
scan: {sample_size: 1000}
columns:
  customer_id: {category: direct_identifier, entity_type: RECORD_ID, operator: tokenize}
  full_name: {category: direct_identifier, entity_type: PERSON, operator: tokenize}
  email: {category: direct_identifier, entity_type: EMAIL_ADDRESS, operator: tokenize}
  phone: {category: direct_identifier, entity_type: PHONE_NUMBER, operator: mask, params: {keep_last: 2}}
  account_no: {category: direct_identifier, operator: drop}
  birth_date: {category: quasi_identifier, operator: generalize, params: {date: year}}
  postcode: {category: quasi_identifier, operator: generalize, params: {truncate: 2}}
  gender: {category: quasi_identifier}
  city: {category: quasi_identifier, operator: suppress_rare, params: {k: 50}}
  diagnosis: {category: special_category, operator: keep}
  tier: {category: non_personal}
  channel: {category: non_personal}
  orders: {category: sensitive, operator: noise, params: {scale: 1.0, seed: 5, decimals: 0}}
  spend: {category: sensitive, operator: top_bottom_code, params: {lower: 0, upper: 3000}}
  signup_date: {category: non_personal, operator: generalize, params: {date: month}}
transform:
  quasi_identifiers: [birth_date, postcode, gender]
  k: 10
  max_suppression: 0.02
"""


class RssSampler(threading.Thread):
    def __init__(self, client, every: float = 0.5):
        super().__init__(daemon=True)
        self.client, self.every, self.peak, self.peak_private, self.stop_flag = client, every, {}, {}, False

    def run(self):
        import psutil  # noqa: F401

        def rss():
            import psutil

            m = psutil.Process().memory_info()
            # private: the resident set less its file-backed and shared pages (on Linux `shared` is
            # RssFile + RssShmem: the memory-mapped reserve's pages are page cache, not the task's own)
            return m.rss, m.rss - getattr(m, "shared", 0)

        while not self.stop_flag:
            try:
                for w, (v, p) in self.client.run(rss).items():
                    self.peak[w] = max(self.peak.get(w, 0), v)
                    self.peak_private[w] = max(self.peak_private.get(w, 0), p)
            except Exception:
                pass
            time.sleep(self.every)


# --pseudonymize: the identifiers that draw surrogates, so that the dataset's reserve is gathered
# (memory bounded by the partition size, issue 18 deliver 6)
PSEUDONYMIZE = {"customer_id": "{category: direct_identifier, entity_type: RECORD_ID, operator: pseudonymize}",
                "full_name": "{category: direct_identifier, entity_type: PERSON, operator: pseudonymize}"}


def policy_text(pseudonymize: bool = False) -> str:
    text = POLICY
    if pseudonymize:
        for c, rule in PSEUDONYMIZE.items():
            text = "\n".join(f"  {c}: {rule}" if line.startswith(f"  {c}: ") else line for line in text.split("\n"))
    return text


def anonymize(data: Path, workers: int, out: Path, pseudonymize: bool = False) -> dict:
    from distributed import Client, LocalCluster

    sys.path.insert(0, os.environ.get("PRIVSYNTH_BENCH_CODE", str(ROOT)))
    from privsynth.engine.run import run_anonymize
    from privsynth.policy import load_policy

    pol_path = OUT / "bench-engine-policy.yaml"
    pol_path.write_text(policy_text(pseudonymize))
    policy = load_policy(str(pol_path))
    load0 = _load()
    cluster = LocalCluster(n_workers=workers, threads_per_worker=1, processes=True, memory_limit="2GB", dashboard_address=None, silence_logs=50)
    client = Client(cluster)
    policy.engine.name = "dask"
    policy.engine.scheduler = cluster.scheduler_address
    sampler = RssSampler(client)
    sampler.start()
    t0 = time.perf_counter()
    c0 = time.process_time()
    with __import__("distributed").get_task_stream(client) as ts:
        def progress(stage: str, done: int, total: int) -> None:  # a run stopped early still leaves its timings
            print(json.dumps({"t_s": round(time.perf_counter() - t0, 1), "stage": stage, "done": done, "of": total, "load": _load()}), file=sys.stderr, flush=True)

        rep = run_anonymize(data, out, policy, key=bytes(range(32)), progress=progress)
    wall = time.perf_counter() - t0
    driver_cpu = time.process_time() - c0
    sampler.stop_flag = True
    sampler.join()
    stream = ts.data

    def cpu():
        import psutil

        t = psutil.Process().cpu_times()
        return t.user + t.system

    try:
        worker_cpu = {w: round(v, 1) for w, v in client.run(cpu).items()}
    except Exception:
        worker_cpu = {}
    by_stage: dict[str, list[float]] = {}
    for t in stream:
        key = str(t["key"])
        stage = key.split("-")[1:-2]
        name = "-".join(stage) if key.startswith("privsynth-") else key.split("-")[0]
        comp = [s for s in t["startstops"] if s["action"] == "compute"]
        if comp:
            by_stage.setdefault(name, []).append(sum(s["stop"] - s["start"] for s in comp))
    client.close()
    cluster.close()
    rows = rep.rows_in
    res = {"bench": "anonymize", "pseudonymize": sorted(PSEUDONYMIZE) if pseudonymize else [], "workers": workers, "rows": rows, "columns": 15, "rows_out": rep.rows_out, "wall_s": round(wall, 1),
           "rows_per_s": round(rows / wall), "peak_rss_per_worker_mb": sorted(round(v / 2**20) for v in sampler.peak.values()),
           "peak_private_rss_per_worker_mb": sorted(round(v / 2**20) for v in sampler.peak_private.values()),
           "task_seconds_by_stage": {k: {"tasks": len(v), "sum_s": round(sum(v), 1), "max_s": round(max(v), 2)} for k, v in by_stage.items()},
           "worker_cpu_s": sorted(worker_cpu.values()), "driver_cpu_s": round(driver_cpu, 1),
           "load_before": load0, "load_after": _load(), "machine": "2 cores, 24 GiB, shared by 8 engineers working at once"}
    return res


def compare(data: Path, workers: int, before: str, rounds: int) -> dict:
    """Anonymize `data` with the code of git ref `before` and with this tree, alternately, each in
    its own process and LocalCluster (`rounds` times each): rows/s and worker CPU seconds before
    and after, measured in one run under the same load."""
    import tempfile

    old = Path(tempfile.mkdtemp(prefix="privsynth-before-"))
    subprocess.run(f"git -C {ROOT} archive {before} | tar -x -C {old}", shell=True, check=True)
    sha = subprocess.run(["git", "-C", str(ROOT), "rev-parse", "--short", before], capture_output=True, text=True, check=True).stdout.strip()
    here = subprocess.run(["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"], capture_output=True, text=True, check=True).stdout.strip()
    runs = []
    for r in range(rounds):
        for label, code in (("before", str(old)), ("after", str(ROOT))):
            env = dict(os.environ, PRIVSYNTH_BENCH_CODE=code, PYTHONPATH=code)
            out = Path(tempfile.mkdtemp(prefix="privsynth-cmp-")) / "o"
            p = subprocess.run([sys.executable, __file__, "anonymize", "--data", str(data), "--workers", str(workers), "--out", str(out), "--no-log"],
                               capture_output=True, text=True, env=env)
            if p.returncode != 0:
                runs.append({"code": label, "failed": p.stderr.strip().splitlines()[-1:] })
                continue
            res = json.loads(p.stdout.strip().splitlines()[-1])
            res["code"] = label
            runs.append(res)
            print(json.dumps(res), file=sys.stderr)
    ok = {lab: [r for r in runs if r["code"] == lab and "wall_s" in r] for lab in ("before", "after")}
    summary = {lab: {"rows_per_s": [r["rows_per_s"] for r in v], "worker_cpu_s_total": [round(sum(r["worker_cpu_s"]), 1) for r in v]} for lab, v in ok.items()}
    return {"bench": "compare", "data": str(data), "workers": workers, "before": f"{before} ({sha})", "after": f"HEAD ({here}) + working tree",
            "summary": summary, "runs": runs, "machine": "2 cores, 24 GiB, shared by 7 engineers working at once"}


def corpus(docs: int, out: Path, shard_docs: int = 50_000, seed: int = 1) -> None:
    rng = np.random.default_rng(seed)
    templates = [
        "Customer {n} called about invoice {i}; reach them at {e} or {p}.",
        "Ticket {i}: password reset requested, no personal details given.",
        "{n} from {c} asked to close the account; confirmation sent to {e}.",
        "Delivery to {c} delayed by weather. Nothing else to note.",
        "Spoke with {n} ({p}) about a refund of {a} pounds.",
        "Bug report: the app crashes on start-up after the update to 4.2.",
    ]
    out.mkdir(parents=True, exist_ok=True)
    k = 0
    for s, start in enumerate(range(0, docs, shard_docs)):
        with open(out / f"notes-{s:04d}.jsonl", "w") as f:
            for j in range(start, min(docs, start + shard_docs)):
                t = templates[rng.integers(len(templates))]
                n = f"{rng.choice(FIRST)} {rng.choice(LAST)}"
                text = t.format(n=n, i=int(rng.integers(10**5, 10**6)), e=n.lower().replace(" ", ".") + "@example.org",
                                p="07" + str(rng.integers(10**8, 10**9)), c=rng.choice(CITIES), a=int(rng.integers(5, 500)))
                f.write(json.dumps({"id": j, "text": text}) + "\n")
                k += 1
    print(json.dumps({"corpus_docs": k}), file=sys.stderr)


def _corpus_texts(data: Path, limit: int) -> tuple[list, list[str]]:
    """The first `limit` documents of the corpus in corpus order (shards in name order)."""
    from privsynth.engine.dataset import resolve
    from privsynth.io import read_text_documents

    ids: list = []
    texts: list[str] = []
    for shard in resolve(data).shards:
        i, t = read_text_documents(shard, "text", "id")
        ids += i
        texts += t
        if len(texts) >= limit:
            break
    return ids[:limit], texts[:limit]


def scan_text(data: Path, workers: int, sample=None, local_docs: int = 20_000, peer_docs: int = 1_000) -> dict:
    """`privsynth scan --engine dask` of a corpus on a LocalCluster of `workers` processes (wall,
    worker CPU, peak RSS per worker, task seconds per stage), then in this process, on the same
    documents: the local engine (`detect.scan_texts`) on the first `local_docs` documents, compared
    span for span with the Dask scan when that is the whole corpus, and vanilla Presidio's
    BatchAnalyzerEngine on the first `peer_docs` (the peer). Rates are documents per CPU-second,
    after loading (each side's load is timed apart)."""
    from distributed import Client, LocalCluster, get_task_stream

    sys.path.insert(0, str(ROOT))
    from privsynth.engine.run import run_scan_texts
    from privsynth.policy import load_policy

    policy = load_policy(None)
    load0 = _load()
    t_start = time.perf_counter()
    cluster = LocalCluster(n_workers=workers, threads_per_worker=1, processes=True, memory_limit="4GB", dashboard_address=None, silence_logs=50)
    client = Client(cluster)
    policy.engine.name = "dask"
    policy.engine.scheduler = cluster.scheduler_address

    def cpu():
        import psutil

        t = psutil.Process().cpu_times()
        return t.user + t.system

    cpu0 = client.run(cpu)
    sampler = RssSampler(client)
    sampler.start()
    t0 = time.perf_counter()
    c0 = time.process_time()
    n = spans = 0
    summary: dict = {}
    keep = local_docs > 0
    got: list = []
    with get_task_stream(client) as ts:
        def progress(stage: str, done: int, total: int) -> None:
            print(json.dumps({"t_s": round(time.perf_counter() - t0, 1), "stage": stage, "done": done, "of": total, "load": _load()}), file=sys.stderr, flush=True)

        for d in run_scan_texts(data, "text", "id", policy, progress=progress, sample=sample, summary=summary):
            n += 1
            spans += len(d.spans)
            if keep:
                got.append(d)
                keep = len(got) <= local_docs
    wall = time.perf_counter() - t0
    driver_cpu = time.process_time() - c0
    sampler.stop_flag = True
    sampler.join()
    cpu1 = client.run(cpu)
    worker_cpu = {w: cpu1[w] - cpu0.get(w, 0.0) for w in cpu1}
    by_stage: dict[str, list[float]] = {}
    for t in ts.data:
        key = str(t["key"])
        name = "-".join(key.split("-")[1:-2]) if key.startswith("privsynth-") else key.split("-")[0]
        comp = [x for x in t["startstops"] if x["action"] == "compute"]
        if comp:
            by_stage.setdefault(name, []).append(sum(x["stop"] - x["start"] for x in comp))
    client.close()
    cluster.close()
    total = summary["documents"]
    res = {"bench": "scan-text", "data": str(data), "workers": workers, "documents": total, "documents_with_spans_detected": summary["documents_scanned"],
           "spans": spans, "spans_by_type": summary["spans"], "wall_s": round(wall, 1), "docs_per_s": round(total / wall, 1),
           "worker_cpu_s": sorted(round(v, 1) for v in worker_cpu.values()),
           "detected_docs_per_worker_cpu_s": round(summary["documents_scanned"] / sum(worker_cpu.values()), 1),
           "peak_rss_per_worker_mb": sorted(round(v / 2**20) for v in sampler.peak.values()), "driver_cpu_s": round(driver_cpu, 1),
           "task_seconds_by_stage": {k: {"tasks": len(v), "sum_s": round(sum(v), 1), "max_s": round(max(v), 2)} for k, v in by_stage.items()},
           "sample": sample, "load_before": load0, "load_after_dask": _load()}
    print(json.dumps(res), file=sys.stderr, flush=True)
    # the local engine, one process, on the same documents
    if local_docs > 0:
        from privsynth.detect import scan_texts

        ids, texts = _corpus_texts(data, local_docs)
        c = time.process_time()
        scan_texts(texts[:20], ids[:20], policy)  # loads the detector
        load_s = time.process_time() - c
        c, w = time.process_time(), time.perf_counter()
        local = scan_texts(texts, ids, policy)
        lc, lw = time.process_time() - c, time.perf_counter() - w
        res["local"] = {"documents": len(texts), "cpu_s": round(lc, 1), "wall_s": round(lw, 1), "docs_per_cpu_s": round(len(texts) / lc, 1),
                        "load_cpu_s": round(load_s, 1), "load": _load()}
        if len(texts) == total and sample is None:
            res["local"]["same_spans_as_dask"] = [d.model_dump(mode="json") for d in local.documents] == [d.model_dump(mode="json") for d in got]
        print(json.dumps(res["local"]), file=sys.stderr, flush=True)
    # the peer: vanilla Presidio's BatchAnalyzerEngine on the same documents
    if peer_docs > 0:
        from presidio_analyzer import BatchAnalyzerEngine

        from privsynth.detect.engine import build_analyzer

        ids, texts = _corpus_texts(data, peer_docs)
        c = time.process_time()
        batch = BatchAnalyzerEngine(analyzer_engine=build_analyzer(vanilla=True))
        list(batch.analyze_iterator(texts[:20], language="en", batch_size=64))
        load_s = time.process_time() - c
        c, w = time.process_time(), time.perf_counter()
        found = sum(len(r) for r in batch.analyze_iterator(texts, language="en", batch_size=64))
        pc, pw = time.process_time() - c, time.perf_counter() - w
        res["peer_presidio_batch"] = {"documents": len(texts), "cpu_s": round(pc, 1), "wall_s": round(pw, 1), "docs_per_cpu_s": round(len(texts) / pc, 1),
                                      "load_cpu_s": round(load_s, 1), "spans": found, "load": _load()}
        print(json.dumps(res["peer_presidio_batch"]), file=sys.stderr, flush=True)
    res["total_wall_s"] = round(time.perf_counter() - t_start, 1)
    res["load_after"] = _load()
    res["machine"] = "2 cores, 24 GiB, shared by 5 engineers working at once"
    return res


def main() -> None:
    ap = argparse.ArgumentParser()
    sub = ap.add_subparsers(dest="cmd", required=True)
    g = sub.add_parser("gen"); g.add_argument("--rows", type=int, required=True); g.add_argument("--out", type=Path, required=True)
    g.add_argument("--shard-rows", type=int, default=250_000)
    a = sub.add_parser("anonymize"); a.add_argument("--data", type=Path, required=True); a.add_argument("--workers", type=int, default=2)
    a.add_argument("--out", type=Path, default=None)
    a.add_argument("--pseudonymize", action="store_true", help="pseudonymize customer_id and full_name (gathers the dataset's reserve)")
    c = sub.add_parser("corpus"); c.add_argument("--docs", type=int, required=True); c.add_argument("--out", type=Path, required=True)
    c.add_argument("--shard-docs", type=int, default=50_000)
    a.add_argument("--no-log", action="store_true")
    m = sub.add_parser("compare"); m.add_argument("--data", type=Path, required=True); m.add_argument("--workers", type=int, default=2)
    m.add_argument("--before", default="main"); m.add_argument("--rounds", type=int, default=1)
    t = sub.add_parser("scan-text"); t.add_argument("--data", type=Path, required=True); t.add_argument("--workers", type=int, default=2)
    t.add_argument("--sample", type=int, default=None, help="span detection on this many documents only (scan --sample-documents)")
    t.add_argument("--local-docs", type=int, default=20_000, help="the local engine on the first N documents (0: skip); compared with the Dask spans when N covers the corpus")
    t.add_argument("--peer-docs", type=int, default=1_000, help="vanilla Presidio BatchAnalyzerEngine on the first N documents (0: skip)")
    args = ap.parse_args()
    OUT.mkdir(parents=True, exist_ok=True)
    if args.cmd == "gen":
        gen(args.rows, args.out, args.shard_rows)
        return
    if args.cmd == "corpus":
        corpus(args.docs, args.out, args.shard_docs)
        return
    if args.cmd == "anonymize":
        res = anonymize(args.data, args.workers, args.out or Path(str(args.data) + f".anon{args.workers}"), args.pseudonymize)
        if args.no_log:
            print(json.dumps(res))
            return
    elif args.cmd == "compare":
        res = compare(args.data, args.workers, args.before, args.rounds)
    else:
        res = scan_text(args.data, args.workers, args.sample, args.local_docs, args.peer_docs)
    res["command"] = " ".join(sys.argv)
    line = json.dumps(res)
    print(line)
    with open(OUT / "engine_dask.jsonl", "a") as f:
        f.write(line + "\n")


if __name__ == "__main__":
    main()
