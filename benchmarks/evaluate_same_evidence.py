"""Proof that a speed change changed no result: run `privsynth evaluate` from two revisions of the
code on the same inputs and seed, and compare the evidence JSON field by field.

  PYTHONPATH=. python benchmarks/evaluate_same_evidence.py --base main          # base = a git revision
  PYTHONPATH=. python benchmarks/evaluate_same_evidence.py --base main --cases survey_clean,adult

The base revision is exported with `git archive` into a temporary directory (no worktree is touched)
and run with PYTHONPATH pointing at it; the candidate is this checkout. Everything in the evidence is
compared (scan decisions and their evidence, every test's value, p-value, interval, status, details,
the gate and the verdict) except what measures the run itself: `created_at`, `command` (it names the
output file), `timings`, `evaluation.distance.timings_seconds`. Exit 0 when every case is identical, 1
otherwise (the differing paths are printed).

Cases: the survey table of benchmarks/evaluate_speed.py with an independent release (`survey_clean`),
the same with 24 released rows replaced by verbatim training records (`survey_copies`), the training
table itself shuffled (`survey_identical`), a table with a free-text column and identifiers
(`survey_text`: exercises the NLP path), and from ../shared/data (skipped when absent): Adult (`adult`),
its first 8,000 / 2,000 / 8,000 rows (`adult_subset`), and FakeNameGenerator identities with near-unique
ID columns and 1.5% verbatim copies (`fake_ids`; benchmarks/evaluate_speed.py `extra_case`).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.leak_suite.common import DATA  # noqa: E402
from benchmarks.leak_suite.wp29_compare import survey  # noqa: E402

VOLATILE = {"created_at", "command", "timings", "timings_seconds"}
PRIVSYNTH = str(Path(sys.executable).with_name("privsynth"))


def cases(names: list[str], d: Path) -> dict[str, dict[str, Path]]:
    pop = survey(3642, 1)
    train, hold = pop.iloc[:2428].reset_index(drop=True), pop.iloc[2428:].reset_index(drop=True)
    clean = survey(2428, 3)
    rng = np.random.default_rng(7)
    copies = clean.copy()
    idx = rng.choice(len(copies), 24, replace=False)
    copies.iloc[idx] = train.iloc[rng.choice(len(train), 24, replace=False)].to_numpy()
    notes = ["Called {n} about the invoice, no answer.", "Patient {n} reports mild pain since Monday.",
             "Order shipped to {n} at 12 Baker Street.", "nothing to add"]
    people = ["John Smith", "Maria Garcia", "Wei Chen", "Anna Kowalski"]

    def with_text(df: pd.DataFrame, seed: int) -> pd.DataFrame:
        r = np.random.default_rng(seed)
        out = df.copy()
        out["email"] = [f"user{i}@example.org" for i in r.integers(0, 10**6, len(df))]
        out["note"] = [notes[a].format(n=people[b]) for a, b in zip(r.integers(0, 4, len(df)), r.integers(0, 4, len(df)))]
        return out

    tables = {
        "survey_clean": (train, clean, hold),
        "survey_copies": (train, copies, hold),
        "survey_identical": (train, train.sample(frac=1, random_state=0), hold),
        "survey_text": (with_text(train, 1), with_text(clean, 2), with_text(hold, 3)),
    }
    out = {}
    for name in names:
        if name in ("fake_ids", "adult_subset"):
            from benchmarks.evaluate_speed import extra_case

            t = extra_case(name)
            if t is None:
                continue
        elif name == "adult":
            src = DATA / "adult_anonymeter_split"
            if not src.exists():
                print(f"adult: {src} not found (../shared/data absent): case skipped", file=sys.stderr)
                continue
            t = (pd.read_csv(src / "adults_train_RECONSTRUCTED.csv"), pd.read_csv(src / "adults_syn_ctgan.csv"),
                 pd.read_csv(src / "adults_control.csv"))
        else:
            t = tables[name]
        (d / name).mkdir(parents=True)
        paths = {}
        for role, df in zip(("original", "release", "holdout"), t):
            paths[role] = d / name / f"{role}.csv"
            df.to_csv(paths[role], index=False)
        out[name] = paths
    return out


def evidence(code: Path, paths: dict[str, Path], out: Path) -> dict:
    cmd = [PRIVSYNTH, "evaluate", "--original", str(paths["original"]), "--release", str(paths["release"]),
           "--holdout", str(paths["holdout"]), "--out", str(out), "-q"]
    r = subprocess.run(cmd, capture_output=True, text=True, env={**os.environ, "PYTHONPATH": str(code)})
    if r.returncode not in (0, 1):
        raise SystemExit(f"{code}: privsynth evaluate exit {r.returncode}: {r.stderr.strip()[-400:]}")
    return json.loads(out.read_text())


def diff(a, b, path: str = "") -> list[str]:
    if isinstance(a, dict) and isinstance(b, dict):
        out = []
        for k in sorted(set(a) | set(b)):
            if k in VOLATILE:
                continue
            if k not in a or k not in b:
                out.append(f"{path}/{k}: only in {'base' if k in a else 'candidate'}")
            else:
                out += diff(a[k], b[k], f"{path}/{k}")
        return out
    if isinstance(a, list) and isinstance(b, list):
        if len(a) != len(b):
            return [f"{path}: {len(a)} items vs {len(b)}"]
        return [d for i, (x, y) in enumerate(zip(a, b)) for d in diff(x, y, f"{path}[{i}]")]
    return [] if a == b else [f"{path}: {json.dumps(a)[:80]} vs {json.dumps(b)[:80]}"]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--base", default="main", help="git revision to compare against")
    ap.add_argument("--cases", default="survey_clean,survey_copies,survey_identical,survey_text")
    args = ap.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="same_evidence_"))
    try:
        base = tmp / "base"
        base.mkdir()
        arch = subprocess.run(["git", "-C", str(ROOT), "archive", args.base], capture_output=True, check=True).stdout
        subprocess.run(["tar", "-x", "-C", str(base)], input=arch, check=True)
        rev = subprocess.run(["git", "-C", str(ROOT), "rev-parse", "--short", args.base], capture_output=True, text=True).stdout.strip()
        head = subprocess.run(["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"], capture_output=True, text=True).stdout.strip()
        dirty = subprocess.run(["git", "-C", str(ROOT), "status", "--porcelain", "privsynth"], capture_output=True, text=True).stdout
        print(f"base {args.base} ({rev}) vs candidate {ROOT} (HEAD {head}{', uncommitted changes' if dirty else ''})")
        bad = 0
        for name, paths in cases(args.cases.split(","), tmp / "data").items():
            a = evidence(base, paths, tmp / f"{name}.base.json")
            b = evidence(ROOT, paths, tmp / f"{name}.candidate.json")
            d = diff(a, b)
            tests = len(b["evaluation"]["tests"])
            print(f"{name}: {'identical' if not d else f'{len(d)} differences'} ({tests} tests, verdict "
                  f"{b['verdict']['label']}, {len(b['scan']['columns'])} columns scanned)")
            for line in d[:20]:
                print("   ", line)
            bad += bool(d)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    sys.exit(1 if bad else 0)


if __name__ == "__main__":
    main()
