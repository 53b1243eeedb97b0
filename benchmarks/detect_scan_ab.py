"""Scan speed before/after: `scan_file` on one seeded 30,000-row x 12-column CSV (the table of
benchmarks/detect_speed.py), timed cold (first scan in a fresh process, gazetteers and models
loading) and warm (second scan), for whichever privsynth is first on PYTHONPATH. Run it once per
version, back to back, on the same machine load:

    PYTHONPATH=/path/to/old python benchmarks/detect_scan_ab.py --csv /tmp/t.csv   # writes the CSV once
    PYTHONPATH=.            python benchmarks/detect_scan_ab.py --csv /tmp/t.csv
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path


def main(argv=None):
    ap = argparse.ArgumentParser()
    ap.add_argument("--csv", required=True)
    ap.add_argument("--rows", type=int, default=30_000)
    a = ap.parse_args(argv)
    if not Path(a.csv).exists():
        sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
        from benchmarks.detect_speed import make_table

        make_table(a.rows, seed=0).to_csv(a.csv, index=False)
        sys.path.pop(0)
    import privsynth
    from privsynth.detect import build_analyzer, scan_file
    from privsynth.policy.models import Policy

    build_analyzer(Policy())
    t = time.perf_counter()
    scan_file(a.csv, Policy())
    cold = time.perf_counter() - t
    t = time.perf_counter()
    r = scan_file(a.csv, Policy())
    warm = time.perf_counter() - t
    print(f"{privsynth.__file__}: cold {cold:.1f} s, warm {warm:.1f} s;", [c.entity_type for c in r.columns])


if __name__ == "__main__":
    main()
