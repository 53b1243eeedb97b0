"""Whole-process CPU of `privsynth anonymize` on the example: an older checkout and this one, same run.

Each side runs `python -m privsynth.cli anonymize examples/customers.csv --out ... --policy
examples/policy.yaml --key-file KEY` in a fresh process with PYTHONPATH set to its checkout
(imports, scan, transform and writing all counted). CPU = user + system seconds of the child
(resource.getrusage(RUSAGE_CHILDREN)); wall time and the load average are printed too. The older
checkout reads its own examples/policy.yaml (the policy format grew since) and the same
examples/customers.csv (unchanged since 5c0b8ad); the key is made once with `privsynth keygen`.

  git worktree add --detach /tmp/old 5c0b8ad
  PYTHONPATH=. python benchmarks/anonymize_speed.py --old /tmp/old [--repeat 1]
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def run(checkout: Path, key: Path, out: Path) -> tuple[float, float]:
    env = dict(os.environ, PYTHONPATH=str(checkout))
    cmd = [sys.executable, "-c", "from privsynth.cli import main; main()", "anonymize", str(ROOT / "examples" / "customers.csv"),
           "--out", str(out), "--policy", str(checkout / "examples" / "policy.yaml"), "--key-file", str(key), "--quiet"]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t = time.perf_counter()
    subprocess.run(cmd, check=True, env=env, cwd=checkout, stdout=subprocess.DEVNULL)
    wall = time.perf_counter() - t
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime), wall


def main(argv=None) -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--old", required=True, help="checkout of the older commit (e.g. a git worktree of 5c0b8ad)")
    ap.add_argument("--repeat", type=int, default=1)
    a = ap.parse_args(argv)
    old = Path(a.old).resolve()
    with tempfile.TemporaryDirectory() as d:
        key = Path(d) / "anon.key"
        subprocess.run([sys.executable, "-c", "from privsynth.cli import main; main()", "keygen", "--out", str(key)], check=True,
                       env=dict(os.environ, PYTHONPATH=str(ROOT)), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        print(f"load before: {os.getloadavg()}")
        best: dict[str, float] = {}
        for _ in range(a.repeat):
            for name, checkout in (("old", old), ("this", ROOT)):
                cpu, wall = run(checkout, key, Path(d) / f"out_{name}.csv")
                best[name] = min(best.get(name, cpu), cpu)
                print(f"  {name:5} ({checkout}) CPU {cpu:7.1f} s  wall {wall:7.1f} s  load {os.getloadavg()[0]:.1f}", flush=True)
        print(f"CPU ratio old/this (best of {a.repeat}): {best['old'] / best['this']:.2f}x; load after: {os.getloadavg()}")


if __name__ == "__main__":
    main()
