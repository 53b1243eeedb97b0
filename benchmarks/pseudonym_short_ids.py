"""CPU seconds to pseudonymize 1,200 integer ids 0..1199 (RECORD_ID, the column's own values reserved),
and whether the pseudonyms are one-to-one and never a real id: this checkout against an old one.

    nice -n 10 python benchmarks/pseudonym_short_ids.py --old /work/base/old5c [--timeout 900]

Each checkout runs in its own process (PYTHONPATH); an old run that does not finish within --timeout
seconds of wall time is reported as such (before the widened-ID rule it walked exhausted 1-3 digit
domains: the new user's 1,200-record JSONL took 27 min). New-user finding F12, issue 15.
"""
from __future__ import annotations

import argparse
import os
import subprocess
import sys
from pathlib import Path

CHILD = r'''
import time
from privsynth.transform.surrogates import SurrogateFactory
from privsynth.transform.reserve import Reserve
ids = [str(i) for i in range(1200)]
r = Reserve(); r.add("RECORD_ID", ids)
f = SurrogateFactory(b"\x05" * 32, reserve=r)
t = time.process_time()
out = f.widened_ids("RECORD_ID", ids) if hasattr(f, "widened_ids") else None
if out is None:
    out = f.many("RECORD_ID", ids)
print(f"cpu_s={time.process_time() - t:.2f} distinct={len(set(out))} equal_to_a_real_id={len(set(out) & set(ids))}")
'''


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--old", type=Path, required=True, help="an old checkout (e.g. /work/base/old5c)")
    ap.add_argument("--timeout", type=float, default=900.0)
    a = ap.parse_args()
    here = Path(__file__).resolve().parent.parent
    print(f"load: {os.getloadavg()[0]:.1f} (machine may be shared)", file=sys.stderr)
    for name, root in (("new", here), ("old", a.old.resolve())):
        env = dict(os.environ, PYTHONPATH=str(root))
        try:
            r = subprocess.run([sys.executable, "-c", CHILD], env=env, capture_output=True, text=True, timeout=a.timeout)
            print(f"{name}: {r.stdout.strip() or r.stderr.strip().splitlines()[-1]}")
        except subprocess.TimeoutExpired:
            print(f"{name}: did not finish within {a.timeout:.0f} s wall")


if __name__ == "__main__":
    main()
