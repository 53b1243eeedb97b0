"""Whole-process CPU for free-text detection: privsynth vs vanilla Presidio, same data, same run.

Each side runs in a fresh Python process (imports, model loading and analysis all counted) on
the same N English sentences: the held-out part of benchmarks/eval_sets/english.jsonl.gz
(presidio-evaluator, template families C and D, 5,000 sentences). CPU = user + system seconds
of the child process (resource.getrusage(RUSAGE_CHILDREN)); wall time is printed too. Both
sides' predictions are scored with detect_text.py's pooled token F2 on the same sentences.

  vanilla   Presidio's BatchAnalyzerEngine(AnalyzerEngine with Presidio's default recognizers
            and NER configuration) with the same spaCy model, analyze_iterator(batch_size=64);
            built by privsynth.detect.engine.build_analyzer(vanilla=True), so it is imported as
            privsynth imports Presidio (without torch and without spaCy's CLI package): the
            start-up savings of import_nlp_libraries are the peer's too
  privsynth privsynth.detect.analyze_texts (default settings)

Run:  PYTHONPATH=. python benchmarks/detect_text_speed.py [--n 5000] [--repeat 1]
      [--before CHECKOUT]  also runs privsynth from another checkout (e.g. a `git worktree` of an
                           older commit) in the same run: the effect of a speed change
      [--sides vanilla,privsynth]  which sides to run (privsynth@before is added with --before)
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent


def _child(side: str, n: int, out: str) -> None:
    sys.path.insert(0, str(HERE))
    from eval_sets import english

    texts = [r["text"] for r in english.load("report")[:n]]
    if side == "vanilla":
        from presidio_analyzer import BatchAnalyzerEngine

        from privsynth.detect.engine import build_analyzer

        batch = BatchAnalyzerEngine(analyzer_engine=build_analyzer(vanilla=True))
        pred = [[(r.start, r.end, r.entity_type) for r in doc] for doc in batch.analyze_iterator(texts, language="en", batch_size=64)]
    else:
        from privsynth.detect import analyze_texts

        pred = [[(s.start, s.end, s.entity_type) for s in doc] for doc in analyze_texts(texts)]
    Path(out).write_text(json.dumps(pred))


def _run(side: str, n: int, checkout: Path = HERE.parent) -> tuple[float, float, list]:
    with tempfile.NamedTemporaryFile(suffix=".json", delete=False) as f:
        out = f.name
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t = time.perf_counter()
    env = dict(os.environ, PYTHONPATH=str(checkout))
    subprocess.run([sys.executable, __file__, "--child", side, "--n", str(n), "--out", out], check=True, env=env)
    wall = time.perf_counter() - t
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    pred = json.loads(Path(out).read_text())
    os.unlink(out)
    return cpu, wall, pred


def main(argv=None):
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=5000)
    ap.add_argument("--repeat", type=int, default=1)
    ap.add_argument("--child", default=None)
    ap.add_argument("--out", default=None)
    ap.add_argument("--before", default=None, help="another checkout whose privsynth also runs (same run)")
    ap.add_argument("--sides", default="vanilla,privsynth")
    a = ap.parse_args(argv)
    if a.child:
        _child(a.child, a.n, a.out)
        return
    sys.path.insert(0, str(HERE))
    import detect_text
    from eval_sets import english

    rows = detect_text.load_set("english", "report")[:a.n]
    print(f"{len(rows)} English sentences (held-out families C, D); load before: {os.getloadavg()}")
    res = {}
    sides = [(s, HERE.parent) for s in a.sides.split(",")]
    if a.before:
        sides.insert(0, ("privsynth@before", Path(a.before).resolve()))
    for rep in range(a.repeat):
        for side, checkout in sides:
            cpu, wall, pred = _run(side.split("@")[0], a.n, checkout)
            m = detect_text.evaluate(rows, [[tuple(x) for x in p] for p in pred])
            res.setdefault(side, []).append((cpu, wall, m["f2"]))
            print(f"  {side:16} CPU {cpu:7.1f} s  wall {wall:7.1f} s  P={m['precision']:.3f} R={m['recall']:.3f} F2={m['f2']:.3f}"
                  f"  load {os.getloadavg()[0]:.1f}", flush=True)
    if "vanilla" in res and "privsynth" in res:
        per_run = [f"{v[0] / p[0]:.2f}x" for v, p in zip(res["vanilla"], res["privsynth"])]
        print(f"CPU ratio vanilla/privsynth per run: {', '.join(per_run)}")
    best = {k: min(r[0] for r in v) for k, v in res.items()}
    if "vanilla" in best and "privsynth" in best:
        print(f"CPU ratio vanilla/privsynth (best of {a.repeat}): {best['vanilla'] / best['privsynth']:.2f}x")
    if "privsynth@before" in best and "privsynth" in best:
        print(f"CPU ratio privsynth@before/privsynth (best of {a.repeat}): {best['privsynth@before'] / best['privsynth']:.2f}x")
    print(f"load after: {os.getloadavg()}")
    del english


if __name__ == "__main__":
    main()
