"""False alarms and detection of the membership-inference tests (privsynth/evaluate/membership.py).

A null release is FRESH REAL ROWS of the same population, never used for training nor in the holdout: no attack
can do better than chance on it, so every MIA failure there is a false alarm. A leaky release is the same with a
share of the training rows copied in (`--copy-shares`). Each (dataset, seed) is one random split
(train / holdout / release rows); the membership family runs once per policy, and the old rule (TPR at 1% FPR
judged on its Clopper-Pearson lower bound over the members alone, before the Fisher exact test) is read from the
same evidence, so old and new are compared on the same scores.

Needs ../shared/data (Adult, NIST ACS); says so and exits 2 when it is absent. Example (about 20 s per
dataset x seed x policy on a quiet machine):

    PYTHONPATH=$PWD nice -n 10 python benchmarks/mia_false_alarms.py --seeds 10 --out mia_false_alarms.json
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

# the repository's ../shared/data (a worktree under /work/wt/<name> reaches it two levels up)
_ROOT = Path(__file__).resolve().parents[1]
DATA = next((p for p in (_ROOT.parent / "shared" / "data", _ROOT.parent.parent / "shared" / "data") if p.is_dir()),
            _ROOT.parent / "shared" / "data")
DATASETS = {
    "adult": "adult/adult_full.csv",
    "acs_ma2019": "nist_acs/ma2019.csv",
    "acs_tx2019": "nist_acs/tx2019.csv",
}
MIA = ("mia.distance", "mia.distance_reference", "mia.density_ratio", "mia.classifier")


def split(df: pd.DataFrame, seed: int, n_train: int, n_hold: int, n_rel: int, copy_share: float):
    rng = np.random.default_rng(seed)
    perm = rng.permutation(len(df))
    tr = df.iloc[perm[:n_train]]
    ho = df.iloc[perm[n_train:n_train + n_hold]]
    rel = df.iloc[perm[n_train + n_hold:n_train + n_hold + n_rel]]
    if copy_share > 0:
        k = int(round(copy_share * n_rel))
        rel = pd.concat([rel.iloc[k:], tr.sample(n=k, random_state=seed)])
    return tr.reset_index(drop=True), ho.reset_index(drop=True), rel.reset_index(drop=True)


def old_rule(d: dict) -> bool:
    """True when the rule before this change failed the attack (same scores)."""
    th = d["thresholds"]
    auc_f = d.get("auc_judged", True) and d["auc_interval_95"][0] > th["auc_max"]
    tpr_f = d.get("tpr_at_fpr_0.01_judged", False) and d["tpr_at_fpr_0.01_interval_95"][0] > th["tpr_at_fpr_0.01_max"]
    return bool(auc_f or tpr_f or d["epsilon_lower_bound"] > th["epsilon_max"])


def run_membership(tr, ho, rel, policy):
    from privsynth.evaluate import membership
    from privsynth.evaluate.encoding import GowerEncoder
    from privsynth.evaluate.prepared import Prepared

    e = policy.evaluate
    rng = np.random.default_rng([e.seed, 0])
    perm = rng.permutation(len(ho))
    n_ctrl = min(max(int(round(e.control_fraction * len(ho))), 1), len(ho) - 1)
    control, hold_eval = ho.iloc[perm[:n_ctrl]].reset_index(drop=True), ho.iloc[perm[n_ctrl:]].reset_index(drop=True)
    cols = list(tr.columns)
    enc = GowerEncoder.fit(tr, cols, [rel, ho])
    ctx = Prepared(policy=policy, scan=None, columns=cols, enc=enc, original=tr, release=rel, holdout_eval=hold_eval,
                   control=control, release_kind="synthetic", seed=e.seed)
    ctx.holdout_table = ho
    return {t.id: t for t in membership.run(ctx) if t.id in MIA}


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--datasets", default=",".join(DATASETS))
    ap.add_argument("--policies", default="internal-ci,public-release")
    ap.add_argument("--seeds", type=int, default=10)
    ap.add_argument("--first-seed", type=int, default=1)
    ap.add_argument("--train", type=int, default=3000)
    ap.add_argument("--holdout", type=int, default=1200)
    ap.add_argument("--release", type=int, default=3000)
    ap.add_argument("--copy-shares", default="0,0.02", help="share of release rows copied from training (0 = null)")
    ap.add_argument("--out", default=None)
    a = ap.parse_args(argv)
    if not DATA.is_dir():
        print(f"benchmarks/mia_false_alarms.py: {DATA} is absent (needs the shared Adult and NIST ACS tables)", file=sys.stderr)
        return 2
    from privsynth.policy.loader import load_policy

    rows = []
    for ds in a.datasets.split(","):
        df = pd.read_csv(DATA / DATASETS[ds])
        for share in [float(x) for x in a.copy_shares.split(",")]:
            for seed in range(a.first_seed, a.first_seed + a.seeds):
                tr, ho, rel = split(df, seed, a.train, a.holdout, a.release, share)
                for pol_name in a.policies.split(","):
                    pol = load_policy(pol_name)
                    t0 = time.process_time()
                    res = run_membership(tr, ho, rel, pol)
                    row = {"dataset": ds, "copy_share": share, "seed": seed, "policy": pol_name,
                           "new_fail": sorted(k for k, t in res.items() if t.status == "fail"),
                           "old_fail": sorted(k for k, t in res.items() if t.status in ("pass", "fail") and old_rule(t.details)),
                           "failed_on": {k: t.details.get("failed_on") for k, t in res.items() if t.details.get("failed_on")},
                           "members": next(iter(res.values())).details.get("members"),
                           "non_members": next(iter(res.values())).details.get("non_members"),
                           "cpu_s": round(time.process_time() - t0, 1)}
                    rows.append(row)
                    print(json.dumps(row), file=sys.stderr, flush=True)
    summary = {}
    for r in rows:
        key = f"{r['dataset']} copy={r['copy_share']} {r['policy']}"
        s = summary.setdefault(key, {"runs": 0, "old_any_mia_fail": 0, "new_any_mia_fail": 0})
        s["runs"] += 1
        s["old_any_mia_fail"] += bool(r["old_fail"])
        s["new_any_mia_fail"] += bool(r["new_fail"])
    for key, s in summary.items():
        print(f"{key:45s} runs {s['runs']:3d}  release fails MIA: old rule {s['old_any_mia_fail']:3d}  new rule {s['new_any_mia_fail']:3d}")
    if a.out:
        Path(a.out).parent.mkdir(parents=True, exist_ok=True)
        Path(a.out).write_text(json.dumps({"args": vars(a), "summary": summary, "runs": rows}, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
