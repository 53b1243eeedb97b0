"""Where a `privsynth evaluate` process spends its time, per step and per process (the parent and the forked
scan child), and what its wall time would be on two free cores, measured on a shared machine.

Each run is a fresh process running the real command (`privsynth.cli.main`, the console script's entry point)
with wrappers that record, at each step (reading the original, the scan child's Presidio import and column
decisions, reading the other tables, importing the verifier, the battery, the evidence): wall seconds since
the process was exec'd, CPU seconds of the process, and the seconds its thread spent waiting for a CPU in
the run queue (Linux `/proc/<pid>/task/<tid>/schedstat`, second field). On a loaded machine most of the wall
time is that wait; **wall minus run-queue wait of the main thread** is what the step would take if a core
were always free for it (it still counts time spent waiting for the scan child, for the disk, and for this
process's own other threads). Under load read that column and the CPU; the real wall on a quiet machine can
be higher when library thread pools (OpenMP, OpenBLAS) spin on the second core.

  PYTHONPATH=. nice -n 10 python benchmarks/evaluate_timeline.py --case survey --repeat 3
  PYTHONPATH=/path/to/other/checkout nice -n 10 python benchmarks/evaluate_timeline.py --case survey   # another revision

The privsynth imported is the one PYTHONPATH names (this checkout first only when PYTHONPATH says so); the
case files come from benchmarks/evaluate_speed.py (`survey`, or `adult` from ../shared/data). Linux only.
Not a test: nothing is asserted.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _process_start() -> float:
    """This process's exec time as a `time.time()` value (from /proc: start time in clock ticks since boot)."""
    with open(f"/proc/{os.getpid()}/stat") as f:
        start_ticks = int(f.read().rsplit(")", 1)[1].split()[19])
    with open("/proc/uptime") as f:
        uptime = float(f.read().split()[0])
    return time.time() - (uptime - start_ticks / os.sysconf("SC_CLK_TCK"))


def _child(argv: list[str]) -> None:
    """Run `privsynth evaluate ARGV` in this process with step marks, sent as JSON lines to the pipe whose
    descriptor PRIVSYNTH_TIMELINE_FD names."""
    import threading

    t0 = _process_start()
    marks: list[dict] = []

    def mark(label: str) -> None:
        with open(f"/proc/self/task/{threading.get_native_id()}/schedstat") as f:
            waited = int(f.read().split()[1]) / 1e9
        marks.append({"pid": os.getpid(), "step": label, "wall": round(time.time() - t0, 4),
                      "cpu": round(time.process_time(), 4), "runqueue": round(waited, 4)})

    mark("interpreter started")
    import privsynth.cli as cli

    mark("CLI imported")
    from privsynth import forked, pipeline
    from privsynth.detect import engine

    def wrap(mod, name: str, label: str) -> None:
        f = getattr(mod, name)

        def g(*args, **kw):
            mark(f"{label} start")
            try:
                return f(*args, **kw)
            finally:
                mark(f"{label} end")

        setattr(mod, name, g)

    wrap(pipeline, "_read_with_policy", "read original")
    wrap(pipeline, "_scan", "scan")
    wrap(engine, "configure_offline", "scan: import Presidio")
    wrap(pipeline, "_import_verifier", "import verifier")
    wrap(pipeline, "_evaluate", "battery")
    wrap(pipeline, "_write_evidence", "write evidence")
    result = forked.Forked.result

    def result_marked(self):
        mark("wait for scan start")
        try:
            return result(self)
        finally:
            mark("wait for scan end")

    forked.Forked.result = result_marked
    exit_ = os._exit

    def leave(code: int) -> None:  # the forked child leaves by os._exit: send its marks first
        _send(marks)
        exit_(code)

    os._exit = leave
    sys.argv = ["privsynth", "evaluate", *argv]
    try:
        cli.main()
    except SystemExit:
        pass
    mark("exit")
    _send(marks)


def _send(marks: list[dict]) -> None:
    """This process's marks (a forked child holds a copy of its parent's earlier ones) as one line on the pipe."""
    mine = [m for m in marks if m["pid"] == os.getpid()]
    os.write(int(os.environ["PRIVSYNTH_TIMELINE_FD"]), (json.dumps(mine) + "\n").encode())


def _run_once(paths: dict, out: Path) -> list[dict]:
    r, w = os.pipe()
    cmd = [sys.executable, str(Path(__file__).resolve()), "--child", "--original", str(paths["train"]),
           "--release", str(paths["release"]), "--holdout", str(paths["holdout"]), "--out", str(out), "-q"]
    p = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, pass_fds=(w,),
                         env={**os.environ, "PRIVSYNTH_TIMELINE_FD": str(w)})
    os.close(w)
    with os.fdopen(r) as f:
        lines = f.read().splitlines()
    _, err = p.communicate()
    if p.returncode not in (0, 1):
        raise SystemExit(f"privsynth evaluate failed (exit {p.returncode}): {err.decode()[-300:]}")
    marks = [m for line in lines if line.strip() for m in json.loads(line)]
    return sorted(marks, key=lambda m: m["wall"])


def _estimates(marks: list[dict]) -> list[tuple[str, dict, float]]:
    """(process, mark, its time on free cores): for the main process wall minus its run-queue wait; for the
    child, the main process's estimate at the fork (its last mark before the child's first) plus the child's
    own wall since the fork minus its run-queue wait (a child's counters start at the fork)."""
    main_pid = marks[0]["pid"]
    out, fork = [], None
    for m in marks:
        if m["pid"] == main_pid:
            out.append(("main ", m, m["wall"] - m["runqueue"]))
            continue
        if fork is None:
            before = [x for x in marks if x["pid"] == main_pid and x["wall"] <= m["wall"]]
            fork = (before[-1]["wall"], before[-1]["wall"] - before[-1]["runqueue"]) if before else (m["wall"], 0.0)
        out.append(("child", m, fork[1] + (m["wall"] - fork[0]) - m["runqueue"]))
    return out


def _summary(marks: list[dict]) -> dict:
    main_pid = marks[0]["pid"]
    main = [m for m in marks if m["pid"] == main_pid]
    child = [m for m in marks if m["pid"] != main_pid]
    end = main[-1]
    return {"wall_s": end["wall"], "cpu_main_s": end["cpu"],
            "cpu_scan_child_s": max((m["cpu"] for m in child), default=0.0),
            "wall_minus_runqueue_s": round(end["wall"] - end["runqueue"], 3)}


def main() -> None:
    if "--child" in sys.argv:
        argv = [a for a in sys.argv[1:] if a != "--child"]
        _child(argv)
        return
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--case", default="survey", help="survey or adult (benchmarks/evaluate_speed.py)")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--steps", action="store_true", help="print every step of every run")
    args = ap.parse_args()
    sys.path.append(str(ROOT))  # after PYTHONPATH: the privsynth under test is the one PYTHONPATH names
    from benchmarks.evaluate_speed import load, make_case

    import privsynth

    print(f"privsynth from {Path(privsynth.__file__).parent}", file=sys.stderr)
    with tempfile.TemporaryDirectory(prefix="evaluate_timeline_") as tmp:
        case = make_case(args.case, Path(tmp) / args.case)
        if case is None:
            raise SystemExit(f"{args.case}: data absent")
        runs = []
        for i in range(args.repeat):
            la = load()
            marks = _run_once(case["paths"], Path(tmp) / "evidence.json")
            s = {**_summary(marks), "load_before": la}
            runs.append(s)
            print(f"run {i + 1}: " + ", ".join(f"{k} {v}" for k, v in s.items()), file=sys.stderr)
            if args.steps:
                for who, m, est in _estimates(marks):
                    print(f"  {who} {m['step']:28s} wall {m['wall']:7.3f}  cpu {m['cpu']:6.3f}  runqueue {m['runqueue']:7.3f}"
                          f"  on free cores ~{est:6.3f}", file=sys.stderr)
    keys = ("wall_s", "cpu_main_s", "cpu_scan_child_s", "wall_minus_runqueue_s")
    print(json.dumps({"case": args.case, "runs": runs,
                      "median": {k: statistics.median(r[k] for r in runs) for k in keys}}, indent=1))


if __name__ == "__main__":
    main()
