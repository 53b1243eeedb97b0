"""Scan speed before/after: `scan_file` on one seeded 30,000-row x 12-column CSV (the table of
benchmarks/detect_speed.py), timed cold (first scan in a fresh process, gazetteers and models
loading) and warm (second scan), wall and CPU seconds (`time.process_time`, this process's
threads), for whichever privsynth is first on PYTHONPATH.

Both versions in one run (what docs/benchmarks/detect.md reports): `--against DIR` runs fresh
processes alternately, this checkout and the privsynth under DIR (e.g. an export of the commit
before issue 13: `git archive 5c0b8ad privsynth | tar -x -C /tmp/old`), `--repeat` times each, and
prints the medians, the ratios new/old and the load average at start and end (shared machine:
the CPU ratio is the figure to judge by, wall time moves with the load):

    PYTHONPATH=. nice -n 10 python benchmarks/detect_scan_ab.py --csv /tmp/t.csv --against /tmp/old --repeat 3
    PYTHONPATH=. python benchmarks/detect_scan_ab.py --csv /tmp/t.csv      # one version, one process

Two kinds of fresh process per version and repeat:
  * split:   `build_analyzer` first (untimed), then the cold scan and the warm scan, timed (the figures
             of the fourth session);
  * process: what `privsynth scan FILE` pays: CPU seconds from the start of the interpreter to the end
             of its first `scan_file` (imports, analyzer and gazetteers included; no warm-up).
privsynth keeps derived look-up data between processes (privsynth.detect.artefacts, ~/.cache/privsynth
or $PRIVSYNTH_CACHE_DIR): the runs above use whatever the cache holds (after the first scan since
install, everything). `--empty-cache` adds one process run of this checkout with an empty cache
directory (what the very first scan after an install or an upgrade pays).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
_START = time.time()  # wall clock at interpreter start (close enough: this module is the first one run)


def _process(csv: str) -> dict:
    """CPU and wall seconds of this fresh process from its start to the end of its first scan (the
    `privsynth scan` path: no analyzer built beforehand)."""
    import privsynth
    from privsynth.detect import scan_file
    from privsynth.policy.models import Policy

    r = scan_file(csv, Policy())
    return {"privsynth": privsynth.__file__, "process_cpu": time.process_time(),
            "process": time.time() - _START, "decisions": [c.entity_type for c in r.columns]}


def _one(csv: str) -> dict:
    import privsynth
    from privsynth.detect import build_analyzer, scan_file
    from privsynth.policy.models import Policy

    build_analyzer(Policy())
    t, c = time.perf_counter(), time.process_time()
    scan_file(csv, Policy())
    cold, cold_cpu = time.perf_counter() - t, time.process_time() - c
    t, c = time.perf_counter(), time.process_time()
    r = scan_file(csv, Policy())
    warm, warm_cpu = time.perf_counter() - t, time.process_time() - c
    return {"privsynth": privsynth.__file__, "cold": cold, "cold_cpu": cold_cpu, "warm": warm, "warm_cpu": warm_cpu,
            "decisions": [c.entity_type for c in r.columns]}


def main(argv=None):
    ap = argparse.ArgumentParser()
    ap.add_argument("--csv", required=True)
    ap.add_argument("--rows", type=int, default=30_000)
    ap.add_argument("--against", help="directory holding the other privsynth package (run alternately with this one)")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--empty-cache", action="store_true", help="also run this checkout once with an empty cache directory")
    ap.add_argument("--child", choices=["split", "process"], help=argparse.SUPPRESS)
    a = ap.parse_args(argv)
    if not Path(a.csv).exists():
        sys.path.insert(0, str(ROOT))
        from benchmarks.detect_speed import make_table

        make_table(a.rows, seed=0).to_csv(a.csv, index=False)
        sys.path.pop(0)
    if a.child == "process":
        print(json.dumps(_process(a.csv)))
        return
    if a.child or not a.against:
        res = _one(a.csv)
        print(json.dumps(res) if a.child else
              f"{res['privsynth']}: cold {res['cold']:.1f} s ({res['cold_cpu']:.1f} CPU s), warm {res['warm']:.1f} s "
              f"({res['warm_cpu']:.1f} CPU s); {res['decisions']}")
        return

    def child(tag: str, mode: str, **env_extra) -> dict:
        env = dict(os.environ, PYTHONPATH=versions[tag], **env_extra)
        out = subprocess.run([sys.executable, __file__, "--csv", a.csv, "--child", mode], env=env, capture_output=True, text=True, check=True)
        return json.loads(out.stdout.strip().splitlines()[-1])

    versions = {"old": str(Path(a.against).resolve()), "new": str(ROOT)}
    runs: dict[str, list[dict]] = {"old": [], "new": []}
    load0 = os.getloadavg()
    for i in range(a.repeat):
        for tag in ("old", "new") if i % 2 == 0 else ("new", "old"):
            r = child(tag, "split")
            p = child(tag, "process")
            r.update(process=p["process"], process_cpu=p["process_cpu"], process_decisions=p["decisions"])
            runs[tag].append(r)
            print(f"run {i + 1} {tag}: cold {r['cold']:.1f} s / {r['cold_cpu']:.1f} CPU s, warm {r['warm']:.1f} s / "
                  f"{r['warm_cpu']:.1f} CPU s; whole process {r['process']:.1f} s / {r['process_cpu']:.1f} CPU s  ({r['privsynth']})",
                  file=sys.stderr)
    load1 = os.getloadavg()
    keys = ("cold", "cold_cpu", "warm", "warm_cpu", "process", "process_cpu")
    med = {tag: {k: statistics.median(r[k] for r in rs) for k in keys} for tag, rs in runs.items()}
    print(f"medians of {a.repeat} alternating runs each, {a.csv}")
    for k in keys:
        print(f"  {k:11} old {med['old'][k]:7.1f} s   new {med['new'][k]:7.1f} s   new/old {med['new'][k] / med['old'][k]:.2f}")
    same = all(r["decisions"] == runs["old"][0]["decisions"] and r["process_decisions"] == r["decisions"]
               for rs in runs.values() for r in rs)
    print(f"  same decisions in every run: {same}")
    if a.empty_cache:
        import tempfile

        with tempfile.TemporaryDirectory() as d:
            p = child("new", "process", PRIVSYNTH_CACHE_DIR=d)
        print(f"  new, whole process with an empty cache directory (first scan after install): {p['process']:.1f} s / "
              f"{p['process_cpu']:.1f} CPU s (old median {med['old']['process_cpu']:.1f} CPU s, "
              f"{p['process_cpu'] / med['old']['process_cpu']:.2f}x)")
    print(f"load average (1/5/15 min): start {load0[0]:.1f}/{load0[1]:.1f}/{load0[2]:.1f}, end {load1[0]:.1f}/{load1[1]:.1f}/{load1[2]:.1f}"
          " (2 cores, shared machine)")


if __name__ == "__main__":
    main()
