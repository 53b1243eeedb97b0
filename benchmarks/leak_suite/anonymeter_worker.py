"""Run anonymeter (in its own venv, /work/venvs/anonymeter) on train/release/control CSVs; print JSON risks.

Usage: /work/venvs/anonymeter/bin/python anonymeter_worker.py train.csv release.csv control.csv \
         --secrets a,b --groups a,b:c,d --n-attacks 500 --seed 0
anonymeter (Clear BSD, Statice) is only called through its public API here.
"""

import argparse
import json
import sys
import time
import warnings

import pandas as pd

warnings.filterwarnings("ignore")

from anonymeter.evaluators import InferenceEvaluator, LinkabilityEvaluator, SinglingOutEvaluator  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("train")
    ap.add_argument("release")
    ap.add_argument("control")
    ap.add_argument("--secrets", default="")
    ap.add_argument("--groups", default="")
    ap.add_argument("--columns", default="")
    ap.add_argument("--n-attacks", type=int, default=500)
    ap.add_argument("--n-jobs", type=int, default=1)
    args = ap.parse_args()
    cols = [c for c in args.columns.split(",") if c]
    ori, syn, ctl = (pd.read_csv(p) for p in (args.train, args.release, args.control))
    if cols:
        ori, syn, ctl = ori[cols], syn[cols], ctl[cols]
    n = min(args.n_attacks, len(ctl))
    out = {}
    t0 = time.perf_counter()
    for mode in ("univariate", "multivariate"):
        try:
            ev = SinglingOutEvaluator(ori=ori, syn=syn, control=ctl, n_attacks=n).evaluate(mode=mode)
            r = ev.risk()
            out[f"singling_out_{mode}"] = {"value": float(r.value), "ci": [float(r.ci[0]), float(r.ci[1])]}
        except Exception as e:  # anonymeter can fail to generate enough queries
            out[f"singling_out_{mode}"] = {"error": f"{type(e).__name__}: {e}"[:200]}
    if args.groups:
        a, b = (g.split(",") for g in args.groups.split(":"))
        ev = LinkabilityEvaluator(ori=ori, syn=syn, control=ctl, n_attacks=n, aux_cols=(a, b), n_neighbors=1)
        r = ev.evaluate(n_jobs=args.n_jobs).risk()
        out["linkability"] = {"value": float(r.value), "ci": [float(r.ci[0]), float(r.ci[1])]}
    for s in [s for s in args.secrets.split(",") if s]:
        aux = [c for c in ori.columns if c != s]
        ev = InferenceEvaluator(ori=ori, syn=syn, control=ctl, aux_cols=aux, secret=s, n_attacks=n)
        r = ev.evaluate(n_jobs=args.n_jobs).risk()
        out[f"inference_{s}"] = {"value": float(r.value), "ci": [float(r.ci[0]), float(r.ci[1])]}
    out["seconds"] = time.perf_counter() - t0
    json.dump(out, sys.stdout)


if __name__ == "__main__":
    main()
