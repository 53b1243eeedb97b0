"""Same detections before and after a speed change: dump everything the detect stage decides on the
held-out sets, then compare two dumps.

A speed change to the detect stage (batching, caching, prefilters, import cost, the column scan's
cost) must not change what is detected. This script writes, for one checkout of the code:

  text    every span (start, end, entity type, score) that `privsynth.detect.analyze_texts`
          finds in the held-out English sentences (benchmarks/eval_sets/english.py, "report",
          5,000), the held-out multilingual sentences (eval_sets/multilingual.py, "report"),
          the wikigold and WNUT17 test sentences of ../shared/data/person_names_gold when present (skipped
          with a note otherwise) and the example's notes (examples/customers.csv, distinct texts)
  tables  every column decision of `scan_table` (category, entity type, confidence, coverage,
          evidence) on every table of benchmarks/detect_eval_set.py (parts tune, heldout and
          heldout2, all three header variants; `--parts` to choose) and on examples/customers.csv under examples/policy.yaml

Run it once on each checkout (a temporary `git worktree` of the old commit for "before") and
compare:

  PYTHONPATH=. python benchmarks/detect_same_output.py --out /tmp/after.json
  (cd /tmp/old && PYTHONPATH=. python /path/to/benchmarks/detect_same_output.py --out /tmp/before.json)
  python benchmarks/detect_same_output.py --compare /tmp/before.json /tmp/after.json

`--compare` prints the number of documents/columns compared and every difference; exit 1 when
any differs. Dumps run with PYTHONHASHSEED=0 (the script re-executes itself so): the generated
it_IT tables' cities follow Python's per-process string hashing, so two runs with random hash
seeds do not even scan the same tables. The code measured is the one on PYTHONPATH (this file only reads the data sets).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent


def _spans(docs):
    return [[[s.start, s.end, s.entity_type, round(float(s.score), 4)] for s in d] for d in docs]


def text_sets() -> dict[str, list[str]]:
    sys.path.append(str(HERE))
    from eval_sets import english, multilingual

    out = {"english_report": [r["text"] for r in english.load("report")],
           "multilingual_report": [r["text"] for r in multilingual.load("report")]}
    try:
        import detect_person_names as pn

        b = pn.base()
        out["wikigold"] = [d[0] for d in pn.read_conll(b / "wikigold" / "wikigold.conll.txt", None, {"I-PER"})]
        out["wnut17_test"] = [d[0] for d in pn.read_conll(b / "wnut17" / "emerging.test.annotated", "\t", {"B-person"})]
    except (SystemExit, OSError) as e:  # ../shared absent: say so, compare the rest
        print(f"person-name documents skipped: {e}", file=sys.stderr)
    import pandas as pd

    notes = pd.read_csv(ROOT / "examples" / "customers.csv")["notes"].dropna().astype(str).unique().tolist()
    out["example_notes"] = notes
    return out


def dump_text() -> dict:
    from privsynth.detect import analyze_texts

    return {name: {"texts": len(texts), "spans": _spans(analyze_texts(texts))} for name, texts in text_sets().items()}


def _column(c) -> dict:
    d = c.model_dump(mode="json") if hasattr(c, "model_dump") else dict(c.__dict__)
    ev = d.get("evidence") or {}
    ev.pop("seconds", None)
    ev.pop("timings", None)
    return d


def dump_tables(parts: tuple[str, ...] = ("all",)) -> dict:
    sys.path.append(str(ROOT))  # after PYTHONPATH: the privsynth measured is the one already imported
    from benchmarks.detect_eval_set import tables

    from privsynth.detect import scan_table
    from privsynth.policy.models import Policy

    out = {}
    for part in parts:
        for tb in tables(part):
            res = scan_table(tb.df, Policy())
            out[f"{tb.name}[{tb.variant}]"] = [_column(c) for c in res.columns]
    from privsynth.io import read_table
    from privsynth.policy import load_policy

    policy = load_policy(str(ROOT / "examples" / "policy.yaml"))
    df = read_table(ROOT / "examples" / "customers.csv")
    out["examples/customers.csv"] = [_column(c) for c in scan_table(df, policy).columns]
    return out


def compare(a_path: str, b_path: str) -> int:
    a = json.loads(Path(a_path).read_text())
    b = json.loads(Path(b_path).read_text())
    diffs = 0
    for kind in ("text", "tables"):
        A, B = a.get(kind, {}), b.get(kind, {})
        for name in sorted(set(A) | set(B)):
            if name not in A or name not in B:
                print(f"{kind} {name}: only in {'after' if name in B else 'before'}")
                diffs += 1
                continue
            if kind == "text":
                sa, sb = A[name]["spans"], B[name]["spans"]
                bad = [i for i, (x, y) in enumerate(zip(sa, sb)) if x != y] + ([-1] if len(sa) != len(sb) else [])
                print(f"text {name}: {len(sa)} documents, {sum(map(len, sa))} spans before, {sum(map(len, sb))} after, "
                      f"{len(bad)} documents differ")
                for i in bad[:10]:
                    print(f"   document {i}: before {sa[i] if i >= 0 else len(sa)} after {sb[i] if i >= 0 else len(sb)}")
                diffs += len(bad)
            else:
                ca, cb = A[name], B[name]
                bad = [x.get("name") for x, y in zip(ca, cb) if x != y] + (["<column count>"] if len(ca) != len(cb) else [])
                if bad:
                    print(f"tables {name}: columns differ: {bad}")
                diffs += len(bad)
        if kind == "tables":
            print(f"tables: {len(A)} tables, {sum(len(v) for v in A.values())} columns compared")
    print("IDENTICAL" if diffs == 0 else f"{diffs} differences")
    return 1 if diffs else 0


def main(argv=None) -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", help="write the dump of the code on PYTHONPATH here")
    ap.add_argument("--only", choices=["text", "tables"], help="dump one kind only")
    ap.add_argument("--compare", nargs=2, metavar=("BEFORE", "AFTER"))
    ap.add_argument("--parts", nargs="+", default=["all"], choices=["tune", "heldout", "heldout2", "all"],
                    help="parts of benchmarks/detect_eval_set.py whose tables are dumped (default: all three)")
    a = ap.parse_args(argv)
    if a.compare:
        return compare(*a.compare)
    if not a.out:
        ap.error("--out or --compare is required")
    if os.environ.get("PYTHONHASHSEED") != "0":
        # the evaluation set is not the same table twice otherwise: Faker's it_IT cities (and so the cells of the
        # it_IT tables) follow the order of a set of strings, i.e. Python's per-process string hashing
        os.execve(sys.executable, [sys.executable, *sys.argv], dict(os.environ, PYTHONHASHSEED="0"))
    import privsynth

    print(f"code: {Path(privsynth.__file__).parent}", file=sys.stderr)
    out = {}
    if a.only in (None, "text"):
        out["text"] = dump_text()
    if a.only in (None, "tables"):
        out["tables"] = dump_tables(tuple(a.parts))
    Path(a.out).write_text(json.dumps(out))
    return 0


if __name__ == "__main__":
    sys.exit(main())
