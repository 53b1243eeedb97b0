"""Speed: the whole battery on Adult vs SDMetrics DCROverfittingProtection and anonymeter, same data, same run;
and a scaling curve of DCR + distance-based attacks with the approximate index.

  PYTHONPATH=. python benchmarks/leak_suite/speed.py adult            # Adult: privsynth vs peers
  PYTHONPATH=. python benchmarks/leak_suite/speed.py scaling --sizes 10000,100000,1000000
"""

from __future__ import annotations

import argparse
import json
import resource
import sys
import time
import warnings

import numpy as np
import pandas as pd

warnings.filterwarnings("ignore")

from benchmarks.leak_suite.common import DATA, scan_for  # noqa: E402
from benchmarks.leak_suite.run import run_anonymeter, run_sdmetrics  # noqa: E402


def adult(args) -> None:
    from privsynth.evaluate import evaluate_release
    from privsynth.policy.models import Policy

    d = DATA / "adult_anonymeter_split"
    if not d.exists():
        raise SystemExit(f"{d} not found (needs ../shared/data)")
    names = {"type_employer": "workclass", "marital": "marital_status", "hr_per_week": "hours_per_week",
             "country": "native_country"}
    ori = pd.read_csv(d / "adults_train_RECONSTRUCTED.csv").rename(columns=names)
    syn = pd.read_csv(d / "adults_syn_ctgan.csv").rename(columns=names)
    ctl = pd.read_csv(d / "adults_control.csv").rename(columns=names)
    # anonymeter's example data has the same columns as adult_full.csv
    scan = scan_for("adult", ori)
    columns = [c for c in ori.columns if c in scan.names("quasi_identifier", "sensitive")]
    print(f"original {ori.shape}, release {syn.shape}, holdout {ctl.shape}, columns used {len(columns)}", flush=True)
    out = {}
    t0 = time.perf_counter()
    policy = Policy()
    if args.wp29_attacks:
        policy.evaluate.wp29_attacks = args.wp29_attacks
    rep = evaluate_release(ori, syn, ctl, scan, policy, text_detector=lambda t: [[] for _ in t])
    out["privsynth_seconds"] = round(time.perf_counter() - t0, 1)
    out["privsynth_timings"] = rep.distance["timings_seconds"]
    out["privsynth_failed"] = [t.id for t in rep.tests if t.status == "fail"]
    print("privsynth", out["privsynth_seconds"], "s", out["privsynth_timings"], flush=True)
    if "sdmetrics" in args.peers:
        r = run_sdmetrics(ori, syn, ctl, columns)
        out["sdmetrics_seconds"], out["sdmetrics_score"] = r["seconds"], r["score"]
        print("sdmetrics", r, flush=True)
    if "anonymeter" in args.peers:
        secrets = scan.names("sensitive")
        h = len(columns) // 2
        for n_att in [int(x) for x in str(args.n_attacks).split(",")]:
            r = run_anonymeter(ori, syn, ctl, columns, secrets, (columns[:h], columns[h:]), n_attacks=n_att,
                               n_jobs=args.anonymeter_jobs)
            key = "anonymeter" if n_att == 500 else f"anonymeter_{n_att}"
            out[f"{key}_seconds"] = r.get("seconds")
            out[key] = r
            print(f"anonymeter n_attacks={n_att} n_jobs={args.anonymeter_jobs}", r.get("seconds"), "s", r.get("max_risk"),
                  r.get("error", ""), flush=True)
    for peer in [k[: -len("_seconds")] for k in list(out) if k.endswith("_seconds") and not k.startswith("privsynth")]:
        if out[f"{peer}_seconds"]:
            out[f"ratio_{peer}_over_privsynth"] = round(out[f"{peer}_seconds"] / out["privsynth_seconds"], 2)
    print(json.dumps(out, indent=1))


def synthetic_table(n: int, seed: int, cols: int = 20) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    data = {}
    for j in range(cols // 2):
        data[f"n{j}"] = np.round(rng.normal(50, 10, n) + rng.normal(0, 1, n) * j, 1)
    for j in range(cols - cols // 2):
        data[f"c{j}"] = rng.integers(0, 3 + 2 * j, n).astype(str)
    return pd.DataFrame(data)


def scaling(args) -> None:
    from privsynth.evaluate.prepared import Prepared
    from privsynth.evaluate.battery import evaluate_release  # noqa: F401  (import cost outside timing)
    from privsynth.evaluate.encoding import GowerEncoder
    from privsynth.evaluate import membership, similarity
    from privsynth.policy.models import Policy
    from privsynth.results import ColumnScan, ScanResult

    for n in [int(x) for x in args.sizes.split(",")]:
        train, release, hold = synthetic_table(n, 1), synthetic_table(n, 2), synthetic_table(max(1000, n // 4), 3)
        cols = list(train.columns)
        scan = ScanResult(columns=[ColumnScan(name=c, category="quasi_identifier") for c in cols], rows=n, rows_sampled=n)
        pol = Policy()
        pol.evaluate.approximate_above = args.approximate_above
        rng = np.random.default_rng(0)
        perm = rng.permutation(len(hold))
        ctl, ev = hold.iloc[perm[: len(hold) // 2]], hold.iloc[perm[len(hold) // 2 :]]
        t0 = time.perf_counter()
        enc = GowerEncoder.fit(train, cols, [release, hold])
        ctx = Prepared(policy=pol, scan=scan, columns=cols, enc=enc, original=train, release=release,
                          holdout_eval=ev.reset_index(drop=True), control=ctl.reset_index(drop=True))
        _ = ctx.X_train, ctx.X_release, ctx.X_holdout, ctx.X_control
        t_enc = time.perf_counter() - t0
        t1 = time.perf_counter()
        _ = ctx.release_search_index
        t_build = time.perf_counter() - t1
        t2 = time.perf_counter()
        sim = [similarity.exact_match(ctx), similarity.share_closer(ctx), similarity.p5_ratio(ctx), similarity.nndr(ctx)]
        mia = [membership.attack_distance(ctx), membership.attack_reference(ctx)]
        t_tests = time.perf_counter() - t2
        total = time.perf_counter() - t0
        rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(json.dumps({"rows": n, "columns": len(cols), "index": ctx.release_search_index.info.as_dict(),
                          "encode_s": round(t_enc, 1), "index_build_s": round(t_build, 1),
                          "dcr_and_distance_attacks_s": round(t_tests, 1), "total_s": round(total, 1),
                          "peak_rss_mb": round(rss), "statuses": {t.id: t.status for t in sim + mia}}), flush=True)
        del ctx


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("what", choices=["adult", "scaling"])
    ap.add_argument("--peers", default="sdmetrics,anonymeter")
    ap.add_argument("--n-attacks", default="500", help="anonymeter n_attacks; comma-separated for several runs")
    ap.add_argument("--anonymeter-jobs", type=int, default=2, help="anonymeter evaluate(n_jobs=...)")
    ap.add_argument("--wp29-attacks", type=int, default=None, help="override privsynth's evaluate.wp29_attacks")
    ap.add_argument("--sizes", default="10000,30000,100000")
    ap.add_argument("--approximate-above", type=int, default=200_000)
    args = ap.parse_args()
    adult(args) if args.what == "adult" else scaling(args)


if __name__ == "__main__":
    sys.exit(main())
