"""WP29 risks of privsynth and anonymeter on the same case (issue 12): a release identical to its training data, and
a clean release, of an 8-column survey-shaped table (2,428 train / 1,214 holdout = control / 2,428 release).

The table is generated (the same generator as tests/test_evaluate_records.py: record and household numbers, age,
marital status, earnings in 5,000 steps, education years, weekly hours, children); all 8 columns are compared,
earnings is the secret, linkability groups are the first and last 4 columns, 500 attacks each. anonymeter runs from
its own venv (ANONYMETER_PYTHON, default /work/venvs/anonymeter/bin/python).

  nice -n 10 env PYTHONPATH=. python benchmarks/leak_suite/wp29_compare.py > benchmarks/leak_suite/results/wp29_vs_anonymeter_survey.jsonl
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np
import pandas as pd

ANON_PY = Path(os.environ.get("ANONYMETER_PYTHON", "/work/venvs/anonymeter/bin/python"))
WORKER = Path(__file__).with_name("anonymeter_worker.py")


def survey(n: int, seed: int) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    return pd.DataFrame({
        "record_id": rng.permutation(n), "household_id": rng.integers(1, 5000, n), "age": rng.integers(18, 80, n),
        "marital_status": rng.choice(["married", "single", "divorced", "widowed"], n, p=[.5, .3, .15, .05]),
        "earnings": (np.round(rng.lognormal(10, .6, n) / 5000) * 5000).astype(int),
        "education_years": rng.integers(8, 21, n), "hours": rng.choice([20, 30, 35, 40, 45, 50, 60], n),
        "children": rng.poisson(1.2, n)})


def main() -> None:
    from privsynth.evaluate import evaluate_release
    from privsynth.policy.models import Policy
    from privsynth.results import ColumnScan, ScanResult

    pop = survey(3642, 1)
    train, hold = pop.iloc[:2428].reset_index(drop=True), pop.iloc[2428:].reset_index(drop=True)
    cols = list(train.columns)
    a, b = cols[:4], cols[4:]
    scan = ScanResult(columns=[ColumnScan(name=c, category="sensitive" if c == "earnings" else "quasi_identifier")
                               for c in cols], rows=len(train), rows_sampled=len(train))
    releases = {"identical to train": train.sample(frac=1, random_state=0).reset_index(drop=True),
                "clean (independent draw of the same population)": survey(2428, 3)}
    with tempfile.TemporaryDirectory() as d:
        train.to_csv(Path(d) / "train.csv", index=False)
        hold.to_csv(Path(d) / "control.csv", index=False)
        for name, rel in releases.items():
            p = Policy()
            p.evaluate.wp29_attacks = 500
            p.evaluate.secrets = ["earnings"]
            p.evaluate.linkability_groups = [a, b]
            r = evaluate_release(train, rel, hold, scan, p, text_detector=lambda t: [[] for _ in t])
            ours = {t.id: {"value": round(t.value, 3), "ci": [round(t.ci_low or 0, 3), round(t.ci_high or 0, 3)],
                           "main": t.details.get("main_success_rate"), "control": t.details.get("control_success_rate"),
                           "attacks": t.details.get("attacks")}
                    for t in r.tests if t.family == "wp29" and t.status != "not_run"}
            rel.to_csv(Path(d) / "release.csv", index=False)
            if ANON_PY.exists():
                out = subprocess.run([str(ANON_PY), str(WORKER), str(Path(d) / "train.csv"), str(Path(d) / "release.csv"),
                                      str(Path(d) / "control.csv"), "--secrets", "earnings", "--groups",
                                      ",".join(a) + ":" + ",".join(b), "--n-attacks", "500"], capture_output=True, text=True)
                anon = json.loads(out.stdout) if out.returncode == 0 else {"error": out.stderr[-300:]}
            else:
                anon = {"error": f"{ANON_PY} missing"}
            print(json.dumps({"release": name, "privsynth": ours, "anonymeter": anon, "load": os.getloadavg()[0]}), flush=True)


if __name__ == "__main__":
    sys.exit(main())
