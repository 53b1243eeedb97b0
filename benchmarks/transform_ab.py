"""The transform stage, an older checkout against this one, back to back on the same table.

Each measurement is one fresh process that puts the checkout under test first on `sys.path`,
builds the table of `transform_bench.py` (this checkout's generator, so both codes get the same
data: 10 columns, seed 0; with --notes an 11th free-text column whose notes repeat the row's
name, phone, e-mail or ID, rewritten by `surrogate` with a detector that finds nothing, so that
record-aware redaction alone is timed) and runs `anonymize_table` once. The runs alternate
(old, new, new, old, ...) so that a change in the machine's load hits both codes alike.

Reported per run: `cpu_s` (user + system seconds of `anonymize_table`, `time.process_time`),
`wall_s`, the whole child's CPU seconds and peak RSS (`os.wait4`, data generation included), the
1-minute load average before and after; then the median CPU of each code and their ratio.
An older checkout without record-aware redaction (5c0b8ad) runs the notes column with the plain
`surrogate` operator; the summary says so (`record_redaction: null`).

Usage (the machine is shared: nice, and compare CPU seconds, not wall time):
  PYTHONPATH=. nice -n 10 python benchmarks/transform_ab.py --old /path/to/old-checkout [--rows 1000000] [--repeat 2]
      [--notes] [--record-redaction on|off]
  e.g. git worktree add /tmp/old5c 5c0b8ad && PYTHONPATH=. nice -n 10 python benchmarks/transform_ab.py --old /tmp/old5c
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

HERE = Path(__file__).resolve()
NEW = HERE.parents[1]


def child(root: str, rows: int, notes: bool, record_redaction: bool) -> None:
    """One measurement with the privsynth of `root` (run in a fresh process)."""
    sys.path.insert(0, root)
    import privsynth  # noqa: F401  (imported from `root` before the bench module adds this checkout)
    from privsynth.policy.models import Policy
    from privsynth.transform import anonymize_table, generate_key

    assert Path(privsynth.__file__).resolve().is_relative_to(Path(root).resolve()), privsynth.__file__
    sys.path.insert(1, str(HERE.parent))
    import transform_bench as tb  # the generator of this checkout; `privsynth` is already `root`'s

    df = tb.make_table(rows)
    cols = dict(tb.POLICY["columns"])
    spec: dict = {"columns": cols}
    rr = None
    if notes:
        df = tb.add_notes(df)
        cols["notes"] = {"operator": "surrogate"}
        spec["transform"] = {"record_redaction": record_redaction}
    try:
        pol = Policy.model_validate(spec)
        rr = record_redaction if notes else None
    except Exception:  # an older policy model without transform.record_redaction
        spec.pop("transform", None)
        pol = Policy.model_validate(spec)
    load0 = os.getloadavg()[0]
    cpu0, t0 = time.process_time(), time.perf_counter()
    out = anonymize_table(df, None, pol, key=generate_key(), detector=(lambda texts: [[] for _ in texts]) if notes else None)
    cpu, wall = time.process_time() - cpu0, time.perf_counter() - t0
    stats = out.report.stats.get("columns", {})
    print(json.dumps({"cpu_s": round(cpu, 2), "wall_s": round(wall, 2), "load_before": load0, "load_after": os.getloadavg()[0],
                      "record_redaction": rr, "rows": rows, "columns": df.shape[1],
                      "replaced_in_notes": (stats.get("notes", {}).get("record_redaction") or {}).get("values_replaced"),
                      "surrogate_collisions": {c: v.get("surrogate_collisions") for c, v in stats.items() if "surrogate_collisions" in v}}))


def run(root: Path, a) -> dict:
    cmd = [sys.executable, str(HERE), "--child", str(root), "--rows", str(a.rows), "--record-redaction", a.record_redaction]
    if a.notes:
        cmd.append("--notes")
    env = dict(os.environ, PYTHONPATH=str(root))
    p = subprocess.Popen(cmd, stdout=subprocess.PIPE, env=env, text=True)
    stdout = p.stdout.read() if p.stdout else ""
    _, status, ru = os.wait4(p.pid, 0)
    if status != 0:
        raise SystemExit(f"transform_ab: the run of {root} failed (status {status})")
    res = json.loads(stdout.strip().splitlines()[-1])
    res.update(code=str(root), process_cpu_s=round(ru.ru_utime + ru.ru_stime, 2), peak_rss_gb=round(ru.ru_maxrss / 1e6, 2))
    return res


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--old", type=Path, help="checkout of the older code (e.g. a worktree of 5c0b8ad)")
    ap.add_argument("--new", type=Path, default=NEW, help="checkout of the newer code (default: this one)")
    ap.add_argument("--rows", type=int, default=1_000_000)
    ap.add_argument("--repeat", type=int, default=2, help="pairs of runs (alternating order)")
    ap.add_argument("--notes", action="store_true", help="add the free-text notes column (record-aware redaction)")
    ap.add_argument("--record-redaction", choices=["on", "off"], default="on")
    ap.add_argument("--child", help=argparse.SUPPRESS)
    a = ap.parse_args()
    if a.child:
        child(a.child, a.rows, a.notes, a.record_redaction == "on")
        return
    if a.old is None or not (a.old / "privsynth").is_dir():
        raise SystemExit("transform_ab: --old must be a checkout holding privsynth/ (e.g. git worktree add /tmp/old5c 5c0b8ad)")
    runs: dict[str, list[dict]] = {"old": [], "new": []}
    for i in range(a.repeat):
        for which in (("old", "new") if i % 2 == 0 else ("new", "old")):
            r = run(a.old if which == "old" else a.new, a)
            runs[which].append(r)
            print(json.dumps({which: r}), file=sys.stderr, flush=True)
    med = {k: statistics.median(r["cpu_s"] for r in v) for k, v in runs.items()}
    pmed = {k: statistics.median(r["process_cpu_s"] for r in v) for k, v in runs.items()}
    print(json.dumps({"rows": a.rows, "notes": a.notes, "record_redaction_new": a.record_redaction if a.notes else None,
                      "median_cpu_s": med, "ratio_cpu_new_over_old": round(med["new"] / med["old"], 3),
                      "median_process_cpu_s": pmed, "ratio_process_cpu": round(pmed["new"] / pmed["old"], 3),
                      "peak_rss_gb": {k: max(r["peak_rss_gb"] for r in v) for k, v in runs.items()},
                      "loads": {k: [(r["load_before"], r["load_after"]) for r in v] for k, v in runs.items()},
                      "runs": runs}, indent=1))


if __name__ == "__main__":
    main()
