"""Memory of the Dask engine's reserve per worker, at several dataset sizes (issue 18, deliver 6).

What one worker of `privsynth anonymize --engine dask` holds for the reserve, measured without
the cluster so that it can be run at several sizes in minutes: for a dataset of Parquet shards
written by `engine_dask.py gen` and the policy of `engine_dask.py anonymize --pseudonymize`,

1. `prepare`: a fresh process builds every shard's reserve (`reserve_of`, as `_prepare_task`
   does, one shard in memory at a time); with this code each is written to its own fingerprint
   files (`Reserve.save`), with an older code (`--code`) kept as it is;
2. `union`: a fresh process runs `_union_reserves` on them (this code: merged range by range of
   fingerprint values from the partitions' files; an older code: the union in memory) and pickles
   the result to a file, as Dask would ship it (paths with `Reserve.save`; the sets themselves
   with 5c0b8ad);
3. `worker`: a fresh process unpickles that reserve, reads the first shard and runs
   `anonymize_table` on it with the reserve, as `_anonymize_task` does.

Reported per process: CPU seconds, peak RSS (`os.wait4`), the peaks of its private (RssAnon) and
file-backed (RssFile: memory-mapped fingerprint pages, page cache shared by the processes that
map them) parts sampled from /proc every 50 ms, the reserve's entries and pickle size, and the
1-minute load before and after. The worker's peak RSS is the partition's work plus the
reserve; with the partition size fixed, its growth with the dataset is the reserve's. The union's
peak is about 16 bytes an entry of one range (about one partition's reserve) with this code, 16
bytes an entry of the whole reserve with the in-memory union.

Usage (nice; data in a directory of its own):
  python benchmarks/engine_dask.py gen --rows 2000000 --out /tmp/privsynth-bench-transform/t2m
  PYTHONPATH=. nice -n 10 python benchmarks/reserve_memory.py --data /tmp/privsynth-bench-transform/t2m --shards 2 8 [--code /path/to/other/checkout]
"""

from __future__ import annotations

import argparse
import json
import os
import pickle
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

HERE = Path(__file__).resolve()
ROOT = HERE.parents[1]


def _policy():
    sys.path.insert(1, str(HERE.parent))
    import engine_dask as ed

    from privsynth.policy import load_policy

    p = Path(tempfile.mkdtemp(prefix="privsynth-rm-")) / "policy.yaml"
    p.write_text(ed.policy_text(pseudonymize=True))
    return load_policy(str(p))


def child(code: str, step: str, data: Path, shards: int, blob: Path, work: Path) -> None:
    sys.path.insert(0, code)
    import pandas as pd

    import privsynth
    from privsynth.transform.reserve import Reserve, reserve_of

    assert Path(privsynth.__file__).resolve().is_relative_to(Path(code).resolve()), privsynth.__file__
    policy = _policy()
    files = sorted(data.glob("*.parquet"))[:shards]
    load0 = os.getloadavg()[0]
    c0 = time.process_time()
    out: dict = {"step": step, "shards": len(files)}
    try:
        import privsynth.engine.anonymize as EA
    except ImportError:  # a checkout from before the engine
        EA = None
    ranged = hasattr(EA, "_merge_by_range")  # this code: partitions' files merged range by range
    if step == "prepare":  # every shard's reserve, as `_prepare_task` makes it (one shard in memory at a time)
        rows = 0
        results = []
        for i, f in enumerate(files):
            df = pd.read_parquet(f)
            rows += len(df)
            results.append(reserve_of(df, None, policy).save(work / f"part-{i:05d}") if ranged else reserve_of(df, None, policy))
            del df
        blob.write_bytes(pickle.dumps(results, protocol=pickle.HIGHEST_PROTOCOL))
        out.update(rows=rows, pickle_mb=round(blob.stat().st_size / 2**20, 1))
    elif step == "union":  # `_union_reserves` of the prepared reserves, pickled as Dask ships it to the tasks
        results = pickle.loads(blob.read_bytes())
        if ranged:
            total = EA._union_reserves(*[{"reserve": r} for r in results], sources=[str(work / f"part-{i:05d}") for i in range(len(results))],
                                       directory=str(work / "reserve"))
        else:  # older code: the union in memory (then written once, when the code has `Reserve.save`)
            total = Reserve()
            for r in results:
                total.update(r)
            if hasattr(total, "save"):
                total.save(work / "reserve")
        del results
        raw = pickle.dumps(total, protocol=pickle.HIGHEST_PROTOCOL)
        blob.write_bytes(raw)
        out.update(entries=len(total.values) + len(total.digits), name_tokens=len(total.name_tokens),
                   pickle_mb=round(len(raw) / 2**20, 1),
                   files_mb=round(sum(p.stat().st_size for p in (work / "reserve").glob("*.npy")) / 2**20, 1) if (work / "reserve").is_dir() else None)
    else:
        from privsynth.transform import anonymize_table

        reserve = pickle.loads(blob.read_bytes())
        df = pd.read_parquet(files[0])
        res = anonymize_table(df, None, policy, key=bytes(range(32)), reserve=reserve)
        out.update(partition_rows=len(df), rows_out=len(res.data))
    out.update(cpu_s=round(time.process_time() - c0, 2), load_before=load0, load_after=os.getloadavg()[0])
    print(json.dumps(out))


def run(code: Path, step: str, data: Path, shards: int, blob: Path, work: Path) -> dict:
    cmd = [sys.executable, str(HERE), "--child", str(code), "--step", step, "--data", str(data), "--shards", str(shards),
           "--blob", str(blob), "--work", str(work)]
    p = subprocess.Popen(cmd, stdout=subprocess.PIPE, text=True, env=dict(os.environ, PYTHONPATH=str(code)))
    peaks = {"RssAnon": 0, "RssFile": 0}
    done = threading.Event()

    def sample() -> None:  # the private (anonymous) and file-backed parts of the resident set, every 50 ms
        while not done.is_set():
            try:
                for line in Path(f"/proc/{p.pid}/status").read_text().splitlines():
                    k, _, v = line.partition(":")
                    if k in peaks:
                        peaks[k] = max(peaks[k], int(v.split()[0]))
            except (OSError, ValueError):
                pass
            done.wait(0.05)

    t = threading.Thread(target=sample, daemon=True)
    t.start()
    stdout = p.stdout.read() if p.stdout else ""
    _, status, ru = os.wait4(p.pid, 0)
    done.set()
    t.join()
    if status != 0:
        raise SystemExit(f"reserve_memory: the {step} step of {code} failed (status {status})")
    res = json.loads(stdout.strip().splitlines()[-1])
    res.update(code=str(code), process_cpu_s=round(ru.ru_utime + ru.ru_stime, 2), peak_rss_mb=round(ru.ru_maxrss / 1024),
               peak_anon_mb=round(peaks["RssAnon"] / 1024), peak_file_mb=round(peaks["RssFile"] / 1024))
    return res


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--data", type=Path, required=True, help="a directory of Parquet shards (engine_dask.py gen)")
    ap.add_argument("--shards", type=int, nargs="+", default=[2, 8], help="dataset sizes, in shards (the first N)")
    ap.add_argument("--code", type=Path, default=ROOT, help="the checkout to measure (default: this one)")
    ap.add_argument("--child", help=argparse.SUPPRESS)
    ap.add_argument("--step", help=argparse.SUPPRESS)
    ap.add_argument("--blob", type=Path, help=argparse.SUPPRESS)
    ap.add_argument("--work", type=Path, help=argparse.SUPPRESS)
    a = ap.parse_args()
    if a.child:
        child(a.child, a.step, a.data, a.shards[0], a.blob, a.work)
        return
    for n in a.shards:
        with tempfile.TemporaryDirectory(prefix="privsynth-rm-") as tmp:
            work = Path(tmp)
            blob = work / "reserve.pickle"
            for step in ("prepare", "union", "worker"):
                print(json.dumps(run(a.code, step, a.data, n, blob, work)), flush=True)


if __name__ == "__main__":
    main()
