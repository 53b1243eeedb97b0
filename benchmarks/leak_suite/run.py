"""Planted-leak suite: detection rate per leak and false-alarm rate on clean releases.

For each dataset and seed: a train/holdout split (80/20), a clean release (SDV GaussianCopula fitted
on train, as many rows as train) and planted leaks (rows of the clean release replaced by training
rows). privsynth's default gate = any required test failing. In the same run, for the first
--peer-seeds seeds: SDMetrics DCROverfittingProtection and anonymeter (own venv, subprocess).

  PYTHONPATH=. python benchmarks/leak_suite/run.py --seeds 20 --datasets adult,nist_acs \
      --out benchmarks/leak_suite/results/leaks.jsonl
  PYTHONPATH=. python benchmarks/leak_suite/run.py --summarize benchmarks/leak_suite/results/leaks.jsonl
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
import warnings
from pathlib import Path

import numpy as np
import pandas as pd

warnings.filterwarnings("ignore")

from benchmarks.leak_suite.common import LEAKS, clean_release, load, plant, scan_for, split  # noqa: E402

ANON_PY = Path(os.environ.get("ANONYMETER_PYTHON", "/work/venvs/anonymeter/bin/python"))
SDMETRICS_CUT = 0.9  # our reading of DCROverfittingProtection: flag when the score drops below 0.9 (it has no threshold)
ANON_CUT = 0.09  # flag when any anonymeter risk exceeds 0.09 (EMA/Health Canada figure; anonymeter gives no threshold)


def run_privsynth(train, release, holdout, scan, policy):
    from privsynth.evaluate import evaluate_release

    t0 = time.perf_counter()
    rep = evaluate_release(train, release, holdout, scan, policy)
    el = time.perf_counter() - t0
    failed = [t.id for t in rep.tests if t.status == "fail" and t.required]
    return {"flagged": bool(failed), "failed": failed, "seconds": round(el, 2),
            "exact_match_p": rep.get("exact_match").p_value, "p5_p": rep.get("dcr.p5_ratio").p_value,
            "share": rep.get("dcr.share_closer_to_train").value,
            "mia_worst_auc": rep.get("mia.worst").value,
            "mia_worst_eps": rep.get("mia.worst").details.get("epsilon_lower_bound")}


def run_sdmetrics(train, release, holdout, columns, subsample=None):
    from sdmetrics.single_table import DCROverfittingProtection

    md = {"columns": {c: {"sdtype": "numerical" if pd.api.types.is_numeric_dtype(train[c]) else "categorical"}
                      for c in columns}}
    t0 = time.perf_counter()
    try:
        res = DCROverfittingProtection.compute_breakdown(train[columns], release[columns], holdout[columns], md, "t",
                                                         num_rows_subsample=subsample)
    except TypeError:
        res = DCROverfittingProtection.compute_breakdown(train[columns], release[columns], holdout[columns],
                                                         {"tables": {"t": md}}, "t", num_rows_subsample=subsample)
    score = float(res["score"])
    return {"score": score, "flagged": score < SDMETRICS_CUT, "seconds": round(time.perf_counter() - t0, 2),
            "share_closer_to_train": res.get("synthetic_data_percentages", {}).get("closer_to_training")}


def run_anonymeter(train, release, control, columns, secrets, groups, n_attacks=500, n_jobs=1):
    if not ANON_PY.exists():
        return {"error": f"{ANON_PY} missing"}
    with tempfile.TemporaryDirectory() as d:
        paths = []
        for name, df in (("train", train), ("release", release), ("control", control)):
            p = Path(d) / f"{name}.csv"
            df[columns].to_csv(p, index=False)
            paths.append(str(p))
        t0 = time.perf_counter()
        cmd = [str(ANON_PY), str(Path(__file__).with_name("anonymeter_worker.py")), *paths, "--secrets", ",".join(secrets),
               "--groups", ",".join(groups[0]) + ":" + ",".join(groups[1]), "--n-attacks", str(n_attacks), "--n-jobs", str(n_jobs)]
        r = subprocess.run(cmd, capture_output=True, text=True, timeout=3600)
        el = time.perf_counter() - t0
    if r.returncode != 0:
        return {"error": r.stderr.strip().splitlines()[-1][:300] if r.stderr.strip() else "failed", "seconds": el}
    risks = json.loads(r.stdout)
    vals = [v["value"] for k, v in risks.items() if isinstance(v, dict) and "value" in v]
    return {"risks": risks, "max_risk": max(vals) if vals else None, "flagged": bool(vals) and max(vals) > ANON_CUT,
            "seconds": round(el, 2)}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--datasets", default="adult,nist_acs")
    ap.add_argument("--seeds", type=int, default=20)
    ap.add_argument("--first-seed", type=int, default=0)
    ap.add_argument("--peer-seeds", type=int, default=0, help="run SDMetrics and anonymeter on the first N seeds")
    ap.add_argument("--peers", default="sdmetrics,anonymeter")
    ap.add_argument("--max-attack-rows", type=int, default=None, help="override policy evaluate.max_attack_rows")
    ap.add_argument("--wp29-attacks", type=int, default=None, help="override policy evaluate.wp29_attacks")
    ap.add_argument("--scenarios", default=None, help="comma-separated subset, e.g. clean (false-alarm runs)")
    ap.add_argument("--sdmetrics-subsample", type=int, default=None,
                    help="SDMetrics' documented num_rows_subsample (synthetic rows) to make it finish")
    ap.add_argument("--anonymeter-attacks", type=int, default=500)
    ap.add_argument("--copy-shares", default=None, help="replace the leak list by exact copies at these shares, e.g. 0.0025,0.005")
    ap.add_argument("--out", default="benchmarks/leak_suite/results/leaks.jsonl")
    ap.add_argument("--summarize", default=None)
    ap.add_argument("--markdown", nargs="+", default=None, help="print the detection matrix of these result files as Markdown")
    args = ap.parse_args()
    if args.markdown:
        markdown(args.markdown)
        return
    if args.summarize:
        summarize(args.summarize)
        return
    from privsynth.policy.models import Policy

    policy = Policy()
    if args.max_attack_rows:
        policy.evaluate.max_attack_rows = args.max_attack_rows
    if args.wp29_attacks:
        policy.evaluate.wp29_attacks = args.wp29_attacks
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    peers = [p for p in args.peers.split(",") if p]
    with open(args.out, "a") as fh:
        for name in args.datasets.split(","):
            df = load(name)
            scan = scan_for(name, df)
            columns = [c for c in df.columns if c in scan.names("quasi_identifier", "sensitive")]
            secrets = scan.names("sensitive")
            h = len(columns) // 2
            groups = (columns[:h], columns[h:])
            for seed in range(args.first_seed, args.first_seed + args.seeds):
                train, holdout = split(df, seed)
                release, fit_s = clean_release(train, seed)
                peer = seed - args.first_seed < args.peer_seeds
                leaks = LEAKS if not args.copy_shares else [
                    (f"copies_{float(x) * 100:g}pct", "copies", float(x)) for x in args.copy_shares.split(",")]
                for label, kind, share in [("clean", None, 0.0), *leaks]:
                    if args.scenarios and label not in args.scenarios.split(","):
                        continue
                    rel = release if kind is None else plant(release, train, kind, share, seed, columns)
                    rec = {"dataset": name, "seed": seed, "scenario": label, "rows": {"train": len(train),
                           "holdout": len(holdout), "release": len(rel)}, "fit_seconds": round(fit_s, 2),
                           "max_attack_rows": policy.evaluate.max_attack_rows,
                           "wp29_attacks": policy.evaluate.wp29_attacks}
                    rec["privsynth"] = run_privsynth(train, rel, holdout, scan, policy)
                    if peer and "sdmetrics" in peers:
                        try:
                            rec["sdmetrics"] = run_sdmetrics(train, rel, holdout, columns, args.sdmetrics_subsample)
                        except Exception as e:  # noqa: BLE001
                            rec["sdmetrics"] = {"error": f"{type(e).__name__}: {e}"[:300]}
                    if peer and "anonymeter" in peers:
                        # anonymeter's control = the same half of the holdout privsynth uses as control
                        rng = np.random.default_rng([policy.evaluate.seed, 0])
                        perm = rng.permutation(len(holdout))
                        ctl = holdout.iloc[perm[: int(round(policy.evaluate.control_fraction * len(holdout)))]]
                        try:
                            rec["anonymeter"] = run_anonymeter(train, rel, ctl, columns, secrets, groups,
                                                                n_attacks=args.anonymeter_attacks)
                        except Exception as e:  # noqa: BLE001
                            rec["anonymeter"] = {"error": f"{type(e).__name__}: {e}"[:300]}
                    fh.write(json.dumps(rec) + "\n")
                    fh.flush()
                    print(name, seed, label, "privsynth", rec["privsynth"]["flagged"], rec["privsynth"]["failed"],
                          rec["privsynth"]["seconds"], "s",
                          {k: rec[k].get("flagged", rec[k].get("error")) for k in ("sdmetrics", "anonymeter") if k in rec},
                          flush=True)
    summarize(args.out)


def markdown(paths: list[str]) -> None:
    """The detection matrix as a Markdown table (privsynth + peers), from one or more result files."""
    from scipy.stats import beta

    recs = [json.loads(l) for p in paths for l in open(p) if l.strip()]
    df = pd.DataFrame(recs)
    def key(sc: str) -> tuple:
        kind, _, size = sc.partition("_")
        return ({"clean": 0, "copies": 1, "near": 2, "outliers": 3}.get(kind, 4), float(size.rstrip("pct") or 0))

    print("| dataset | scenario | seeds | privsynth flagged | rate (95% CI) | tests that failed (count) | SDMetrics flagged (mean score) | anonymeter flagged (mean max risk) |")
    print("|---|---|---|---|---|---|---|---|")
    for ds in dict.fromkeys(df["dataset"]):
        g_ds = df[df["dataset"] == ds]
        for sc in sorted(set(g_ds["scenario"]), key=key):
            g = g_ds[g_ds["scenario"] == sc]
            k, n = sum(r["flagged"] for r in g["privsynth"]), len(g)
            lo = 0.0 if k == 0 else beta.ppf(0.025, k, n - k + 1)
            hi = 1.0 if k == n else beta.ppf(0.975, k + 1, n - k)
            fails = pd.Series([f for r in g["privsynth"] for f in r["failed"]]).value_counts().to_dict()
            fs = ", ".join(f"{t} {c}" for t, c in fails.items()) or "-"
            cells = []
            for peer, val in (("sdmetrics", "score"), ("anonymeter", "max_risk")):
                rs = [r for r in g.get(peer, pd.Series(dtype=object)).dropna() if isinstance(r, dict) and "flagged" in r]
                cells.append(f"{sum(r['flagged'] for r in rs)} / {len(rs)} ({np.mean([r[val] for r in rs]):.3f})" if rs else "-")
            print(f"| {ds} | {sc} | {n} | {k} / {n} | {k / n:.2f} [{lo:.2f}, {hi:.2f}] | {fs} | {cells[0]} | {cells[1]} |")
    print()
    print("| dataset | scenario | exact_match p (median / max) | dcr.p5_ratio p (median / max) | mia.worst AUC (mean) | mia.worst epsilon lower bound (mean) | privsynth s/eval (mean) |")
    print("|---|---|---|---|---|---|---|")
    for ds in dict.fromkeys(df["dataset"]):
        g_ds = df[df["dataset"] == ds]
        for sc in sorted(set(g_ds["scenario"]), key=key):
            r = pd.DataFrame(list(g_ds[g_ds["scenario"] == sc]["privsynth"]))
            f = lambda c: f"{r[c].median():.2g} / {r[c].max():.2g}"
            print(f"| {ds} | {sc} | {f('exact_match_p')} | {f('p5_p')} | {r['mia_worst_auc'].mean():.3f} | "
                  f"{r['mia_worst_eps'].mean():.2f} | {r['seconds'].mean():.0f} |")


def summarize(path: str) -> None:
    recs = [json.loads(l) for l in open(path) if l.strip()]
    df = pd.DataFrame(recs)
    order = ["clean"] + [l for l, _, _ in LEAKS] + sorted({r["scenario"] for r in recs} - {l for l, _, _ in LEAKS} - {"clean"})
    print(f"\n{'dataset':<9} {'scenario':<14} {'n':>3} {'privsynth':>9} {'SDMetrics':>14} {'anonymeter':>14}  privsynth-s  most-failed")
    for (ds, sc), g in sorted(df.groupby(["dataset", "scenario"]), key=lambda x: (x[0][0], order.index(x[0][1]))):
        p = np.mean([r["flagged"] for r in g["privsynth"]])
        fails = pd.Series([f for r in g["privsynth"] for f in r["failed"]]).value_counts().head(3).to_dict()
        sd = [r for r in g.get("sdmetrics", pd.Series(dtype=object)).dropna() if "flagged" in r]
        an = [r for r in g.get("anonymeter", pd.Series(dtype=object)).dropna() if "flagged" in r]
        sds = f"{np.mean([r['flagged'] for r in sd]):.2f} ({np.mean([r['score'] for r in sd]):.3f}) n={len(sd)}" if sd else "-"
        ans = f"{np.mean([r['flagged'] for r in an]):.2f} ({np.mean([r['max_risk'] for r in an]):.3f}) n={len(an)}" if an else "-"
        secs = np.mean([r["seconds"] for r in g["privsynth"]])
        print(f"{ds:<9} {sc:<14} {len(g):>3} {p:>9.2f} {sds:>14} {ans:>14}  {secs:8.1f}  {fails}")
    print("\nprivsynth column: share of seeds flagged by the default gate (clean row = false-alarm rate).")
    print(f"SDMetrics: share flagged (score < {SDMETRICS_CUT}) and mean score; anonymeter: share flagged (any risk > {ANON_CUT}) and mean max risk.")


if __name__ == "__main__":
    sys.exit(main())
