"""Wall time and whole-process CPU of `privsynth anonymize` on the example: an older checkout and this one, same run.

Each side runs `python -c "from privsynth.cli import main; main()" anonymize examples/customers.csv
--out ... --policy examples/policy.yaml --key-file KEY --format json` in a fresh process with
PYTHONPATH set to its checkout (imports, scan, transform and writing all counted). The sides run
interleaved, `--repeat` rounds of: old, this in one process (`PRIVSYNTH_NO_FORK=1`: no worker
process), this as a user runs it (free-text detection and part of the rewriting in a worker process when
the machine has two or more cores, privsynth/textworkers.py), and `--base` when given (e.g. the main branch).

CPU = user + system seconds of the child and of every process it waited for (its worker process
too), from resource.getrusage(RUSAGE_CHILDREN); wall = elapsed seconds; the 1-minute load
average is printed before and after each run. The summary gives the median and the best of each
side and the ratios old / this for wall and for CPU. "Faster" for a user is wall time; CPU is
what the machine pays, and is less disturbed by other work on a shared machine.

The older checkout reads its own examples/policy.yaml (the policy format grew since) and the
same examples/customers.csv (unchanged since 5c0b8ad); the key is made once with `privsynth keygen`.
Every run of this checkout (and of `--base`) must write byte-identical output and the same JSON
transform report: the script says so, or exits 1 naming the sides that differ.

  PYTHONPATH=. nice -n 10 python benchmarks/anonymize_speed.py --old /work/base/old5c --repeat 3 [--base /work/main]
  (an old checkout: git worktree add --detach /tmp/old 5c0b8ad)
"""

from __future__ import annotations

import argparse
import filecmp
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def run(checkout: Path, key: Path, out: Path, report: Path, env_extra: dict[str, str]) -> tuple[float, float]:
    env = dict(os.environ, PYTHONPATH=str(checkout), **env_extra)
    if not env_extra:
        env.pop("PRIVSYNTH_NO_FORK", None)
    cmd = [sys.executable, "-c", "from privsynth.cli import main; main()", "anonymize", str(ROOT / "examples" / "customers.csv"),
           "--out", str(out), "--policy", str(checkout / "examples" / "policy.yaml"), "--key-file", str(key), "--quiet", "--format", "json"]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t = time.perf_counter()
    with open(report, "wb") as f:
        subprocess.run(cmd, check=True, env=env, cwd=checkout, stdout=f)
    wall = time.perf_counter() - t
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime), wall


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--old", required=True, help="checkout of the older commit (e.g. a git worktree of 5c0b8ad)")
    ap.add_argument("--base", default=None, help="another checkout whose output must equal this one's (e.g. /work/main); timed too")
    ap.add_argument("--repeat", type=int, default=1)
    a = ap.parse_args(argv)
    old = Path(a.old).resolve()
    sides: list[tuple[str, Path, dict[str, str]]] = [("old", old, {}), ("this-1proc", ROOT, {"PRIVSYNTH_NO_FORK": "1"}), ("this", ROOT, {})]
    if a.base:
        sides.append(("base", Path(a.base).resolve(), {}))
    print(f"cores: {os.cpu_count()}, usable: {len(os.sched_getaffinity(0)) if hasattr(os, 'sched_getaffinity') else '?'}")
    runs: dict[str, list[tuple[float, float]]] = {name: [] for name, _, _ in sides}
    differ: set[str] = set()
    with tempfile.TemporaryDirectory() as d:
        key = Path(d) / "anon.key"
        subprocess.run([sys.executable, "-c", "from privsynth.cli import main; main()", "keygen", "--out", str(key)], check=True,
                       env=dict(os.environ, PYTHONPATH=str(ROOT)), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        ref_out = ref_rep = None
        for r in range(a.repeat):
            for name, checkout, env_extra in sides:
                out, rep = Path(d) / f"out_{name}_{r}.csv", Path(d) / f"report_{name}_{r}.json"
                load0 = os.getloadavg()[0]
                cpu, wall = run(checkout, key, out, rep, env_extra)
                runs[name].append((cpu, wall))
                same = ""
                if name != "old":
                    if ref_out is None:
                        ref_out, ref_rep = out, rep
                    elif filecmp.cmp(ref_out, out, shallow=False) and filecmp.cmp(ref_rep, rep, shallow=False):
                        same = "  output = first run of this"
                    else:
                        differ.add(name)
                        same = "  OUTPUT DIFFERS from the first run of this"
                print(f"  round {r + 1} {name:10} CPU {cpu:6.1f} s  wall {wall:6.1f} s  load {load0:5.1f} -> {os.getloadavg()[0]:5.1f}{same}", flush=True)
    print(f"\nover {a.repeat} round(s): median (best)")
    med = {n: (statistics.median(c for c, _ in v), statistics.median(w for _, w in v)) for n, v in runs.items()}
    best = {n: (min(c for c, _ in v), min(w for _, w in v)) for n, v in runs.items()}
    for n in runs:
        print(f"  {n:10} CPU {med[n][0]:6.1f} ({best[n][0]:6.1f}) s   wall {med[n][1]:6.1f} ({best[n][1]:6.1f}) s")
    for n in runs:
        if n != "old":
            print(f"  old / {n:10}: wall {med['old'][1] / med[n][1]:.2f}x (best {best['old'][1] / best[n][1]:.2f}x)   "
                  f"CPU {med['old'][0] / med[n][0]:.2f}x (best {best['old'][0] / best[n][0]:.2f}x)")
    print(f"load after: {os.getloadavg()}")
    if differ:
        print(f"outputs differ: {', '.join(sorted(differ))}", file=sys.stderr)
        return 1
    print("every run of this checkout" + (" and of --base" if a.base else "") + " wrote the same output and JSON report")
    return 0


if __name__ == "__main__":
    sys.exit(main())
