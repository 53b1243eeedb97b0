"""Session 8 (issue 12, trial F-V1/F-V2): exact_match.unique_records alone on the leak suite's cached clean releases,
and on copies of real records drawn from training AND holdout alike planted in them.

Only the unique_records family runs (the battery's column choice, coarsening and encodings are the same as in a
full run: `evaluate_release` with its family list narrowed), so 80 clean releases take minutes, not an hour.
Decision rule, written before the run: a clean release is a false alarm when the test fails (p < alpha = 0.01).

  nice -n 10 env PYTHONPATH=. python benchmarks/leak_suite/unique_records_suite.py --release-cache REL \\
      --datasets acs_narrow,german_credit,fake_ids,adult_lowcard --generators gc,gc_small --seeds 10 --out u.jsonl

The release cache is the one records_suite.py fills (--release-cache, --synthesize-only).
"""

from __future__ import annotations

import argparse
import json
import os
import pickle
import sys
import time
import warnings
from pathlib import Path

import numpy as np
import pandas as pd

warnings.filterwarnings("ignore")

from benchmarks.leak_suite.common import generate, load_shape, real_scan, split_sample, synthesize_identifiers  # noqa: E402

SHARES = (0.005, 0.01, 0.05)  # copies from train+holdout, as a share of the release (the trial's 24/48/240 of 4,800)


def plant_both(release: pd.DataFrame, train: pd.DataFrame, holdout: pd.DataFrame, share: float, seed: int):
    """Replace `share` of the released rows by real records drawn from training and holdout in proportion to their
    sizes (all columns copied, as a vendor releasing real rows would)."""
    rng = np.random.default_rng([seed, 41])
    k = max(1, int(round(share * len(release))))
    k_h = int(round(k * len(holdout) / (len(train) + len(holdout))))
    rows = pd.concat([train.iloc[rng.choice(len(train), k - k_h, replace=False)],
                      holdout.iloc[rng.choice(len(holdout), k_h, replace=False)]])
    out = release.copy()
    slots = rng.choice(len(out), k, replace=False)
    out.iloc[slots] = rows[out.columns].to_numpy()
    return out.astype(release.dtypes.to_dict()), k


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--datasets", default="acs_narrow,german_credit,fake_ids,adult_lowcard")
    ap.add_argument("--generators", default="gc,gc_small")
    ap.add_argument("--seeds", type=int, default=10)
    ap.add_argument("--first-seed", type=int, default=0)
    ap.add_argument("--release-cache", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--shares", default="0,0.005,0.01,0.05", help="copies planted, share of the release (0 = clean)")
    args = ap.parse_args()

    import privsynth.evaluate.battery as battery
    from privsynth.evaluate import evaluate_release
    from privsynth.evaluate.unique_copies import UniqueRecordCopies
    from privsynth.policy.models import Policy

    battery.load_families = lambda: [UniqueRecordCopies]  # only this family
    policy = Policy()
    with open(args.out, "a") as fh:
        for seed in range(args.first_seed, args.first_seed + args.seeds):
            for name in args.datasets.split(","):
                df = load_shape(name)
                cache = Path(os.environ.get("TMPDIR", "/tmp")) / f"privsynth_records_suite_scan_{name}.pkl"
                scan = pickle.loads(cache.read_bytes()) if cache.exists() else real_scan(df)
                train, holdout = split_sample(df, seed)
                for gen in args.generators.split(","):
                    p = Path(args.release_cache) / f"{name}_{seed}_{gen}_synthesize.pkl"
                    clean = pickle.loads(p.read_bytes()) if p.exists() else generate(train, gen, seed, synthesize_identifiers(train, scan))
                    for share in [float(x) for x in args.shares.split(",")]:
                        rel, k = (clean, 0) if share == 0 else plant_both(clean, train, holdout, share, seed)
                        t0 = time.process_time()
                        rep = evaluate_release(train, rel, holdout, scan, policy, text_detector=lambda t: [[] for _ in t])
                        cpu = time.process_time() - t0
                        t = rep.get("exact_match.unique_records")
                        rec = {"dataset": name, "seed": seed, "generator": gen, "copies_share": share, "copies": k,
                               "failed": t.status == "fail", "p": t.p_value, "cpu_s": round(cpu, 2),
                               "load": os.getloadavg()[0],
                               "sets": {n: {kk: v.get(kk) for kk in ("unique_real_records", "unique_real_records_in_release",
                                                                     "release_rows_equal_to_unique_real_record", "decoys",
                                                                     "decoys_in_release", "chance_rate_tested")}
                                        for n, v in t.details["column_sets"].items()}}
                        fh.write(json.dumps(rec) + "\n")
                        fh.flush()
                        print(name, seed, gen, share, k, rec["failed"], f"{t.p_value:.3g}", file=sys.stderr, flush=True)


if __name__ == "__main__":
    main()
