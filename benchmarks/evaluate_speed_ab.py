"""`privsynth evaluate` of two revisions of the code, alternated in one run on the same files: wall and CPU
seconds of each fresh process (start-up, imports, reading, the column scan, the whole battery, the evidence)
and their ratios. On a shared machine the CPU-second ratio within one run is the figure to read.

  PYTHONPATH=. python benchmarks/evaluate_speed_ab.py --base main                      # survey, fake_ids, adult
  PYTHONPATH=. python benchmarks/evaluate_speed_ab.py --base 1dd0d98 --cases survey --repeat 5

The base revision is exported with `git archive` into a temporary directory (no worktree is touched) and
run with PYTHONPATH pointing at it; the candidate is this checkout. Runs alternate base/candidate, the
order flipping every repeat, so a change of load hits both alike. Cases are those of
benchmarks/evaluate_speed.py (`survey`, `adult`, `adult_subset`, `fake_ids`; the last three read
../shared/data and are skipped, said so, when it is absent). CPU seconds are user + sys of the process
and the children it waited for (the forked column scan included). The load average is recorded before
every run. Evidence equality is proved separately by benchmarks/evaluate_same_evidence.py.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.evaluate_speed import PRIVSYNTH, emit, load, make_case, timed  # noqa: E402


def run(code: Path, case: dict, out: Path) -> dict:
    p = case["paths"]
    cmd = [*PRIVSYNTH, "evaluate", "--original", str(p["train"]), "--release", str(p["release"]),
           "--holdout", str(p["holdout"]), "--out", str(out), "-q"]
    r = timed(cmd, env={**os.environ, "PYTHONPATH": str(code)})
    if r["rc"] not in (0, 1):
        raise SystemExit(f"{code}: privsynth evaluate exit {r['rc']}: {r['stderr_tail']}")
    r.pop("stdout")
    e = json.loads(out.read_text())
    r["battery_wall_s"] = e["evaluation"]["distance"].get("timings_seconds")
    r["timings"] = e.get("timings")
    return r


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--base", default="main", help="git revision to compare against")
    ap.add_argument("--cases", default="survey,fake_ids,adult")
    ap.add_argument("--repeat", type=int, default=3, help="runs of each revision per case")
    ap.add_argument("--out", type=Path, default=None, help="also write the JSON results here")
    args = ap.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="evaluate_ab_"))
    results: dict = {"base": args.base, "cpus": os.cpu_count(), "cases": {}}
    try:
        base = tmp / "base"
        base.mkdir()
        arch = subprocess.run(["git", "-C", str(ROOT), "archive", args.base], capture_output=True, check=True).stdout
        subprocess.run(["tar", "-x", "-C", str(base)], input=arch, check=True)
        rev = lambda r: subprocess.run(["git", "-C", str(ROOT), "rev-parse", "--short", r], capture_output=True,  # noqa: E731
                                       text=True).stdout.strip()
        results["base_commit"], results["candidate_commit"] = rev(args.base), rev("HEAD")
        codes = {"base": base, "candidate": ROOT}
        for name in args.cases.split(","):
            case = make_case(name, tmp / name)
            if case is None:
                results["cases"][name] = {"skipped": "data absent"}
                continue
            print(f"== {name}: rows {case['rows']}, {case['columns']} columns, load {load()}", file=sys.stderr, flush=True)
            runs: dict[str, list] = {"base": [], "candidate": []}
            for i in range(args.repeat):
                order = ("base", "candidate") if i % 2 == 0 else ("candidate", "base")
                for who in order:
                    r = run(codes[who], case, tmp / name / f"{who}.json")
                    runs[who].append(r)
                    print(f"  {who:9s} wall {r['wall_s']:7.2f} s  cpu {r['cpu_s']:6.2f} s  load {r['load_before']}",
                          file=sys.stderr, flush=True)
            res: dict = {"rows": case["rows"], "columns": case["columns"], "runs": runs}
            for who in runs:
                res[who] = {"wall_s_median": statistics.median(r["wall_s"] for r in runs[who]),
                            "cpu_s_median": statistics.median(r["cpu_s"] for r in runs[who]),
                            "cpu_s_min": min(r["cpu_s"] for r in runs[who])}
            res["cpu_ratio_base_over_candidate"] = round(res["base"]["cpu_s_median"] / res["candidate"]["cpu_s_median"], 2)
            res["wall_ratio_base_over_candidate"] = round(res["base"]["wall_s_median"] / res["candidate"]["wall_s_median"], 2)
            print(f"  median: base wall {res['base']['wall_s_median']:.2f} / cpu {res['base']['cpu_s_median']:.2f} s; "
                  f"candidate wall {res['candidate']['wall_s_median']:.2f} / cpu {res['candidate']['cpu_s_median']:.2f} s; "
                  f"cpu ratio {res['cpu_ratio_base_over_candidate']}, wall ratio {res['wall_ratio_base_over_candidate']}",
                  file=sys.stderr, flush=True)
            results["cases"][name] = res
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    emit(results, args.out)


if __name__ == "__main__":
    main()
