"""Column detection: privsynth scan_table vs presidio-structured's PandasAnalysisBuilder.

Ground truth: benchmarks/ground_truth/columns.yaml (every column of five public tables).
Both tools see the same DataFrame (privsynth.io.read_table) and a 1,000-row sample.
presidio-structured picks one Presidio entity per column (`most_common`); its entity is mapped
to a category with the same table privsynth uses (privsynth.entities.category_of), a
column without an entity is non_personal.

Scores: category accuracy over all columns; direct identifiers missed (ground truth direct,
prediction anything else).

`--blind-names` renames the columns to c0, c1, ... first: a check of the value-based evidence
alone (the ground truth and the name synonyms were written looking at these tables, so the
default run is in-sample; the blind run does not use names at all).

Run:  PYTHONPATH=. python benchmarks/detect_tables.py [--no-peer] [--blind-names]
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
DATA_DIRS = [ROOT / ".." / "shared" / "data", Path("/work/shared/data")]
GT = Path(__file__).resolve().parent / "ground_truth" / "columns.yaml"


def data_dir() -> Path:
    for d in DATA_DIRS:
        if d.exists():
            return d
    sys.exit("benchmark data absent: ../shared/data (not part of the repository)")


def run_privsynth(df):
    from privsynth.detect import scan_table
    from privsynth.policy.models import Policy

    res = scan_table(df, Policy())
    return {c.name: (c.category, c.entity_type) for c in res.columns}


def run_peer(df):
    from presidio_structured import PandasAnalysisBuilder

    from privsynth.detect.engine import build_analyzer
    from privsynth.entities import category_of

    analyzer = build_analyzer(vanilla=True)
    # presidio-structured mutates its input and needs strings: hand it a stringified copy
    # (NaN -> "" so it does not see "nan"), the fairest input it can take
    d = df.copy().astype(object).where(df.notna(), "").astype(str)
    analysis = PandasAnalysisBuilder(analyzer=analyzer).generate_analysis(d, n=min(1000, len(d)))
    ents = analysis.entity_mapping
    return {c: (category_of(ents.get(c)) if ents.get(c) else "non_personal", ents.get(c)) for c in df.columns}


def main(argv=None):
    ap = argparse.ArgumentParser()
    ap.add_argument("--no-peer", action="store_true")
    ap.add_argument("--blind-names", action="store_true",
                    help="rename every column to c0, c1, ... so only values decide (no name hints)")
    a = ap.parse_args(argv)
    from privsynth.io import read_table

    base = data_dir()
    gt = yaml.safe_load(GT.read_text())
    tools = [("privsynth", run_privsynth)] + ([] if a.no_peer else [("presidio_structured", run_peer)])
    totals = {t: {"n": 0, "ok": 0, "ent_ok": 0, "direct": 0, "direct_missed": 0, "seconds": 0.0, "wrong": []} for t, _ in tools}
    for name, spec in gt.items():
        df = read_table(base / spec["path"])
        missing = set(df.columns) ^ set(spec["columns"])
        if missing:
            sys.exit(f"{name}: ground truth and table disagree on columns {sorted(missing)}")
        if a.blind_names:
            real = list(df.columns)
            df = df.set_axis([f"c{i}" for i in range(df.shape[1])], axis=1)
        for tool, fn in tools:
            t = time.perf_counter()
            pred = fn(df)
            if a.blind_names:
                pred = {real[i]: pred[f"c{i}"] for i in range(len(real))}
            totals[tool]["seconds"] += time.perf_counter() - t
            ok = 0
            for col, lab in spec["columns"].items():
                cat, ent = pred[col]
                T = totals[tool]
                T["n"] += 1
                if cat == lab["category"]:
                    T["ok"] += 1
                    ok += 1
                else:
                    T["wrong"].append(f"{name}.{col}: {cat}/{ent} (truth {lab['category']}/{lab.get('entity')})")
                if ent == lab.get("entity"):
                    T["ent_ok"] += 1
                if lab["category"] == "direct_identifier":
                    T["direct"] += 1
                    if cat != "direct_identifier":
                        T["direct_missed"] += 1
            print(f"{name:20} {tool:20} {ok}/{len(spec['columns'])} columns correct")
    print()
    for tool, T in totals.items():
        print(f"{tool:20} category accuracy {T['ok'] / T['n']:.3f} ({T['ok']}/{T['n']}), entity-type agreement "
              f"{T['ent_ok'] / T['n']:.3f}, direct identifiers missed {T['direct_missed']}/{T['direct']}, {T['seconds']:.1f}s")
    for tool, T in totals.items():
        print(f"\n{tool} errors:")
        for w in T["wrong"]:
            print("  ", w)


if __name__ == "__main__":
    main()
