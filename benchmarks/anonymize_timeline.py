"""Where `privsynth anonymize` spends each process's CPU: a timeline of the first process and its text worker.

Runs `pipeline.run_anonymize` on a table (default: the example) with wrappers around its steps
(start of the text worker, column scan, record-aware redaction, taking the worker's spans,
writing) and prints the first process's CPU and wall seconds at each step, the worker's own CPU
when its spans were ready and when its share of the rewriting was done, and the worker's total
CPU. On two free cores the wall time is about the larger of the two processes' paths; under load
read the CPU columns. Output: /tmp file, removed at the end. Not a test: nothing is asserted.

  PYTHONPATH=. nice -n 10 python benchmarks/anonymize_timeline.py [--data examples/customers.csv] [--processes 2] --key-file KEY
"""

from __future__ import annotations

import argparse
import os
import resource
import sys
import tempfile
import time
from pathlib import Path

T0 = time.perf_counter()
ROOT = Path(__file__).resolve().parents[1]


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--data", default=str(ROOT / "examples" / "customers.csv"))
    ap.add_argument("--policy", default=str(ROOT / "examples" / "policy.yaml"))
    ap.add_argument("--key-file", required=True)
    ap.add_argument("--processes", type=int, default=2)
    a = ap.parse_args(argv)
    marks: list[tuple[str, float, float]] = []

    def mark(label: str) -> None:
        marks.append((label, time.process_time(), time.perf_counter() - T0))

    from privsynth import pipeline, textworkers
    from privsynth.policy import load_policy
    from privsynth.transform import record

    mark("imports")

    def wrap(mod, name: str, label: str) -> None:
        f = getattr(mod, name)

        def g(*args, **kw):
            mark(label + " start")
            try:
                return f(*args, **kw)
            finally:
                mark(label + " end")
        setattr(mod, name, g)

    wrap(textworkers, "start", "worker start (warm the detector, fork)")
    wrap(pipeline, "_scan", "column scan")
    wrap(record, "build_redactor", "record-aware redaction")
    wrap(textworkers.TextPrefetch, "_take", "wait for the worker's spans")
    wrap(pipeline, "write_table", "write")
    send, rewrite = textworkers._send, textworkers._rewrite

    def child_send(fd, obj):
        if isinstance(obj, list):
            print(f"  worker: spans ready at worker CPU {time.process_time():.2f} s", file=sys.stderr, flush=True)
        return send(fd, obj)

    def child_rewrite(*args):
        out = rewrite(*args)
        print(f"  worker: its share of the rewriting done at worker CPU {time.process_time():.2f} s", file=sys.stderr, flush=True)
        return out

    textworkers._send, textworkers._rewrite = child_send, child_rewrite
    with tempfile.TemporaryDirectory() as d:
        pipeline.run_anonymize(Path(a.data), Path(d) / "out.csv", load_policy(a.policy), key_file=Path(a.key_file), processes=a.processes)
    mark("end")
    ch = resource.getrusage(resource.RUSAGE_CHILDREN)
    print("first process: CPU s, wall s, step")
    for label, cpu, wall in marks:
        print(f"  {cpu:7.2f} {wall:7.2f}  {label}")
    print(f"worker CPU (all children): {ch.ru_utime + ch.ru_stime:.2f} s; load {os.getloadavg()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
