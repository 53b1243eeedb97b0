"""National identifiers in free text: span-exact precision and recall on benchmarks/eval_sets/national_ids.jsonl.

Written before the session-8 recognizer work (issue 14, PT NIF). Only identifier types are scored:
a gold identifier counts as found when a predicted span has exactly its start, end and type; a
predicted national-identifier span (any catalogue type with `national_id`, and US_SSN, UK_NINO...)
that is not a gold identifier is a false positive (the set's negatives are 9-digit order, invoice
and tracking numbers that pass the NIF check digit, and Portuguese phone numbers). Names, places and
phones found elsewhere in the sentences are not scored (only "a phone typed as an ID" is counted,
as a false positive). F2 weighs recall twice.

Run:  PYTHONPATH=. python benchmarks/detect_national_ids.py [--part report|tune|all] [--show-errors]
The code measured is the one on PYTHONPATH (this file only reads the set).
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from pathlib import Path

HERE = Path(__file__).resolve().parent


def id_types() -> set[str]:
    from privsynth import entities as E

    return {et.name for et in E.all_types() if et.national_id} | {"PT_NIF"}


def score(rows, preds, ids: set[str]) -> dict:
    tp = fp = fn = 0
    per = Counter()
    hit = Counter()
    fp_types = Counter()
    errors = []
    for row, pred in zip(rows, preds):
        gold = {(a, b, t) for a, b, t in row["spans"] if t in ids}
        got = {(a, b, t) for a, b, t in pred if t in ids}
        for g in gold:
            per[g[2]] += 1
            if g in got:
                hit[g[2]] += 1
                tp += 1
            else:
                fn += 1
                errors.append(("missed", row["text"], row["text"][g[0]:g[1]], g[2], [(row["text"][a:b], t) for a, b, t in pred]))
        for p in got - gold:
            fp += 1
            fp_types[p[2]] += 1
            errors.append(("false", row["text"], row["text"][p[0]:p[1]], p[2], []))
    prec = tp / (tp + fp) if tp + fp else 1.0
    rec = tp / (tp + fn) if tp + fn else 1.0
    f2 = 5 * prec * rec / (4 * prec + rec) if prec + rec else 0.0
    return {"precision": prec, "recall": rec, "f2": f2, "tp": tp, "fp": fp, "fn": fn,
            "recall_by_type": {t: (hit[t], per[t]) for t in sorted(per)}, "fp_types": dict(fp_types), "errors": errors}


def main(argv=None) -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--part", default="report", choices=["report", "tune", "all"])
    ap.add_argument("--show-errors", action="store_true")
    a = ap.parse_args(argv)
    sys.path.insert(0, str(HERE))
    from eval_sets import national_ids

    from privsynth.detect import analyze_texts

    rows = national_ids.load(a.part)
    preds = [[(s.start, s.end, s.entity_type) for s in doc] for doc in analyze_texts([r["text"] for r in rows])]
    ids = id_types()
    m = score(rows, preds, ids)
    print(f"national_ids part={a.part}: {len(rows)} sentences")
    print(f"all   P={m['precision']:.3f} R={m['recall']:.3f} F2={m['f2']:.3f}  (tp {m['tp']}, fp {m['fp']}, fn {m['fn']})  FP types {m['fp_types']}")
    for lang in sorted({r["lang"] for r in rows}):
        sel = [i for i, r in enumerate(rows) if r["lang"] == lang]
        ml = score([rows[i] for i in sel], [preds[i] for i in sel], ids)
        print(f"  {lang}  P={ml['precision']:.3f} R={ml['recall']:.3f} F2={ml['f2']:.3f}  (tp {ml['tp']}, fp {ml['fp']}, fn {ml['fn']})")
    print("recall by type: " + ", ".join(f"{t} {h}/{n}" for t, (h, n) in m["recall_by_type"].items()))
    if a.show_errors:
        for kind, text, piece, t, pred in m["errors"]:
            print(f"{kind:6} {t:15} {piece!r:28} in {text!r}  predicted {pred}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
