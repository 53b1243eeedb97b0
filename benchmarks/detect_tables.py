"""Column detection: privsynth scan_table vs presidio-structured's PandasAnalysisBuilder.

Evaluation set: benchmarks/detect_eval_set.py (Faker tables in six locales, four templates, and
the public tables of ../shared/data with the ground truth of benchmarks/ground_truth/columns.yaml;
three header variants each; a tune part and a held-out part fixed before tuning). Public tables
longer than 3,000 rows are sampled to 3,000 rows (seed 0) to bound the peer's run time.

presidio-structured (0.0.10) picks one Presidio entity per column (`most_common`) from a sample
of `--peer-rows` rows (default 200); its entity is mapped to a category with the table privsynth
uses (privsynth.entities.category_of), no entity = non_personal. It reads values only (no
column names), so it is run once per table and its answer scored against all three header
variants (its figure is the same for each).

Scores per header variant: category accuracy; direct identifiers missed (truth direct, predicted
anything else); non-identifiers called identifiers (truth non_personal or sensitive, predicted
direct_identifier); and seconds. Errors are printed for the tune part only (`--show-errors`
prints them for the held-out part too: do not tune on them).

Both tools run in the same run by default (the standard command below); the summary gives the
ratios privsynth/peer of accuracy and the peer/privsynth ratio of seconds on the native variant
(the peer's sample is `--peer-rows` rows; privsynth scans whole tables with its 1,000-value
samples), and the load average (`os.getloadavg`) at start and end: the machine is shared.

Run:  PYTHONPATH=. nice -n 10 python benchmarks/detect_tables.py --part heldout2 --json out.json
      (--no-peer: privsynth only; --peer-cache FILE: reuse the peer's answers, said in the output)
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.detect_eval_set import VARIANTS, tables  # noqa: E402


def run_privsynth(df):
    from privsynth.detect import scan_table
    from privsynth.policy.models import Policy

    res = scan_table(df, Policy())
    return {c.name: (c.category, c.entity_type) for c in res.columns}


def run_peer(df, rows: int):
    from presidio_structured import PandasAnalysisBuilder

    from privsynth.detect.engine import build_analyzer
    from privsynth.entities import category_of

    analyzer = build_analyzer(vanilla=True)
    # presidio-structured mutates its input and needs strings: hand it a stringified copy
    # (NaN -> "" so it does not see "nan"), the fairest input it can take
    d = df.copy().astype(object).where(df.notna(), "").astype(str)
    analysis = PandasAnalysisBuilder(analyzer=analyzer).generate_analysis(d, n=min(rows, len(d)))
    ents = analysis.entity_mapping
    return {c: (category_of(ents.get(c)) if ents.get(c) else "non_personal", ents.get(c)) for c in df.columns}


def _roundtrip(df):
    import tempfile

    from privsynth.io import read_table

    with tempfile.TemporaryDirectory() as d:
        p = Path(d) / "t.csv"
        df.to_csv(p, index=False)
        return read_table(p)


def _new():
    return {"n": 0, "ok": 0, "direct": 0, "direct_missed": 0, "measure_as_id": 0, "seconds": 0.0, "wrong": []}


def score(T: dict, name: str, truth: dict, pred: dict) -> None:
    for col, (cat, ent) in truth.items():
        pc, pe = pred[col]
        T["n"] += 1
        if pc == cat:
            T["ok"] += 1
        else:
            T["wrong"].append(f"{name}.{col}: {pc}/{pe} (truth {cat}/{ent})")
        if cat == "direct_identifier":
            T["direct"] += 1
            T["direct_missed"] += pc != "direct_identifier"
        if cat in ("non_personal", "sensitive") and pc == "direct_identifier":
            T["measure_as_id"] += 1


def main(argv=None):
    ap = argparse.ArgumentParser()
    ap.add_argument("--part", choices=["tune", "heldout", "heldout2", "all"], default="heldout2",
                    help="heldout2 is the part to report (heldout became a development part in the fourth session)")
    ap.add_argument("--no-peer", action="store_true")
    ap.add_argument("--peer-rows", type=int, default=200)
    ap.add_argument("--source", choices=["faker", "public", "both"], default="both")
    ap.add_argument("--csv", action="store_true",
                    help="write each Faker table to CSV and read it back with privsynth.io.read_table first (as files arrive)")
    ap.add_argument("--only", help="only tables whose name contains this text (e.g. telco, public/)")
    ap.add_argument("--show-errors", action="store_true", help="print errors of the held-out part too")
    ap.add_argument("--json", help="write the totals to this file")
    ap.add_argument("--peer-cache", help="JSON file of presidio-structured answers per table: read when present, "
                                         "written after the run (the peer's answer does not depend on privsynth)")
    a = ap.parse_args(argv)
    totals: dict = defaultdict(_new)  # (tool, source, variant)
    peer_cache: dict = {}
    if a.peer_cache and Path(a.peer_cache).exists():
        peer_cache = {k: ([tuple(x) for x in v[0]], v[1]) for k, v in json.loads(Path(a.peer_cache).read_text()).items()}
        print(f"presidio-structured answers read from {a.peer_cache} ({len(peer_cache)} tables)", file=sys.stderr)
    import os

    load_start = os.getloadavg()
    peer_live = 0
    for tb in tables(a.part):
        if (a.source != "both" and tb.source != a.source) or (a.only and a.only not in tb.name):
            continue
        if a.csv and tb.source == "faker":
            tb.df = _roundtrip(tb.df)
        t = time.perf_counter()
        pred = run_privsynth(tb.df)
        T = totals[("privsynth", tb.source, tb.variant)]
        T["seconds"] += time.perf_counter() - t
        before = len(T["wrong"])
        score(T, f"{tb.name}[{tb.variant}]", tb.truth, pred)
        if a.part == "tune" or a.show_errors:
            for w in T["wrong"][before:]:
                print("   wrong:", w, file=sys.stderr)
        if not a.no_peer:
            if tb.name not in peer_cache:
                t = time.perf_counter()
                p = run_peer(tb.df, a.peer_rows)
                peer_cache[tb.name] = (list(p.values()), time.perf_counter() - t)
                peer_live += 1
            vals, secs = peer_cache[tb.name]
            pred = dict(zip(tb.df.columns, vals))
            T = totals[("presidio_structured", tb.source, tb.variant)]
            T["seconds"] += secs if tb.variant == "native" else 0.0
            score(T, f"{tb.name}[{tb.variant}]", tb.truth, pred)
        print(f"{tb.name:34} {tb.variant:7} done", file=sys.stderr)
    out = {}
    print(f"\npart: {a.part}")
    print(f"{'tool':20} {'source':7} {'variant':7} {'accuracy':>18} {'direct missed':>14} {'non-id as id':>12} {'seconds':>8}")
    for (tool, src, var), T in sorted(totals.items(), key=lambda kv: (kv[0][0] != "privsynth", kv[0][1], VARIANTS.index(kv[0][2]))):
        acc = T["ok"] / T["n"] if T["n"] else 0.0
        print(f"{tool:20} {src:7} {var:7} {acc:8.3f} ({T['ok']:>4}/{T['n']:<4}) {T['direct_missed']:>6}/{T['direct']:<6} "
              f"{T['measure_as_id']:>12} {T['seconds']:8.1f}")
        out[f"{tool}/{src}/{var}"] = {k: v for k, v in T.items() if k != "wrong"} | {"accuracy": round(acc, 4)}
    # pooled over sources
    for tool in sorted({k[0] for k in totals}, key=lambda x: x != "privsynth"):
        for var in VARIANTS:
            rows = [T for (t, s, v), T in totals.items() if t == tool and v == var]
            n, ok = sum(T["n"] for T in rows), sum(T["ok"] for T in rows)
            if n:
                dm, d = sum(T["direct_missed"] for T in rows), sum(T["direct"] for T in rows)
                mi = sum(T["measure_as_id"] for T in rows)
                print(f"{tool:20} {'all':7} {var:7} {ok / n:8.3f} ({ok:>4}/{n:<4}) {dm:>6}/{d:<6} {mi:>12}")
                out[f"{tool}/all/{var}"] = {"accuracy": round(ok / n, 4), "n": n, "direct_missed": dm, "direct": d, "measure_as_id": mi}
    # ratios in this run: accuracy privsynth / peer per variant; seconds peer / privsynth on the native variant
    if not a.no_peer:
        print("\nratios (same tables, this run):")
        for var in VARIANTS:
            ps, pe = out.get(f"privsynth/all/{var}"), out.get(f"presidio_structured/all/{var}")
            if ps and pe:
                r = ps["accuracy"] / pe["accuracy"] if pe["accuracy"] else float("inf")
                print(f"  {var:7} accuracy privsynth {ps['accuracy']:.3f} / presidio-structured {pe['accuracy']:.3f} = {r:.2f}x")
                out[f"ratio/accuracy/{var}"] = round(r, 3)
        s_ps = sum(T["seconds"] for (t, s, v), T in totals.items() if t == "privsynth" and v == "native")
        s_pe = sum(T["seconds"] for (t, s, v), T in totals.items() if t == "presidio_structured" and v == "native")
        if s_ps:
            print(f"  seconds on the native variant: presidio-structured {s_pe:.1f} ({a.peer_rows}-row samples) / "
                  f"privsynth {s_ps:.1f} (whole tables) = {s_pe / s_ps:.1f}x")
            out["ratio/seconds_native_peer_over_privsynth"] = round(s_pe / s_ps, 2)
        src = "live in this run" if peer_live == len(peer_cache) else f"{len(peer_cache) - peer_live} tables from {a.peer_cache}"
        print(f"  presidio-structured answers: {src}")
        out["peer_answers"] = src
    load_end = os.getloadavg()
    print(f"load average (1/5/15 min): start {load_start[0]:.1f}/{load_start[1]:.1f}/{load_start[2]:.1f}, "
          f"end {load_end[0]:.1f}/{load_end[1]:.1f}/{load_end[2]:.1f} (2 cores, shared machine)")
    out["load_start"], out["load_end"] = [round(x, 1) for x in load_start], [round(x, 1) for x in load_end]
    if a.json:
        Path(a.json).write_text(json.dumps(out, indent=1))
    if a.peer_cache and peer_cache:
        Path(a.peer_cache).write_text(json.dumps(peer_cache))
    if a.part == "tune" or a.show_errors:
        for (tool, src, var), T in sorted(totals.items()):
            if tool != "privsynth":
                continue
            print(f"\n{tool} {src} {var} errors:")
            for w in T["wrong"]:
                print("  ", w)


if __name__ == "__main__":
    main()
