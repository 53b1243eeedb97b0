"""CPU of `privsynth.detect.phones.find_phones` alone on the 5,000 held-out English sentences, this
checkout against another one (`--before`), alternated in the same run, and whether both find the same.

Each measurement is a fresh Python process (phonenumbers' lazily loaded metadata and compiled
patterns included, as in `privsynth detect`), timing one pass of `find_phones(text, "en")` over the
sentences with time.process_time (imports and data loading not counted); the process also prints a
digest of every (start, end, entity type, score) found, which must be the same on both sides.

Run:  PYTHONPATH=. python benchmarks/phones_speed.py --before /path/to/old/checkout [--n 5000] [--repeat 3]
"""

from __future__ import annotations

import argparse
import hashlib
import os
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent


def _child(n: int) -> None:
    import time

    sys.path.insert(0, str(HERE))
    from eval_sets import english

    from privsynth.detect.phones import find_phones

    texts = [r["text"] for r in english.load("report")[:n]]
    t = time.process_time()
    found = [find_phones(text, "en") for text in texts]
    cpu = time.process_time() - t
    print(f"{cpu:.4f} {sum(map(len, found))} {hashlib.sha256(repr(found).encode()).hexdigest()[:16]}")


def _run(checkout: Path, n: int) -> tuple[float, int, str]:
    env = dict(os.environ, PYTHONPATH=str(checkout))
    out = subprocess.run([sys.executable, __file__, "--child", "--n", str(n)], env=env, check=True,
                         capture_output=True, text=True).stdout.split()
    return float(out[0]), int(out[1]), out[2]


def main(argv=None) -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=5000)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--before", default=None, help="another checkout whose find_phones also runs (same run)")
    ap.add_argument("--child", action="store_true")
    a = ap.parse_args(argv)
    if a.child:
        _child(a.n)
        return 0
    sides = [("after", HERE.parent)] + ([("before", Path(a.before).resolve())] if a.before else [])
    res: dict[str, list] = {}
    for _ in range(a.repeat):
        for name, checkout in sides:
            cpu, spans, digest = _run(checkout, a.n)
            res.setdefault(name, []).append((cpu, spans, digest))
            print(f"  {name:6} find_phones CPU {cpu:.3f} s  spans {spans}  digest {digest}  load {os.getloadavg()[0]:.1f}", flush=True)
    best = {k: min(r[0] for r in v) for k, v in res.items()}
    print("best: " + ", ".join(f"{k} {v:.3f} s" for k, v in best.items()))
    if "before" in best:
        same = {r[2] for v in res.values() for r in v}
        print(f"before/after: {best['before'] / best['after']:.2f}x; same spans and scores: {len(same) == 1}")
        return 0 if len(same) == 1 else 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
