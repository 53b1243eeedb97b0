"""Speed of `privsynth evaluate` (the whole verification battery, as a fresh process: wall including
interpreter start-up, imports, reading, the column scan and the evidence) against its peers on the
same data in the same run: anonymeter (WP29 attacks, 2,000 attacks each), SDMetrics'
DCROverfittingProtection and mostlyai-qa's report (which includes its DCR/IMS distances).

  PYTHONPATH=. python benchmarks/evaluate_speed.py                       # survey + adult, all peers
  PYTHONPATH=. python benchmarks/evaluate_speed.py --cases survey --repeat 5 --peers none
  PYTHONPATH=. python benchmarks/evaluate_speed.py --setup-peers         # print how the peers' venvs are made

Cases (issue 12's Speed targets):
- `survey`: 2,428 train / 1,214 holdout / 2,428 release rows, 8 columns (two record numbers, integers the
  scan calls non-personal, a category, earnings), made by `survey()` of benchmarks/leak_suite/wp29_compare.py
  (population `survey(3642, 1)` split 2,428 / 1,214; release `survey(2428, 3)`, an independent draw).
  Target: < 3 s wall.
- `adult`: anonymeter's Adult split from ../shared/data/adult_anonymeter_split (39,032 train rebuilt from
  UCI, 9,758 control as the holdout, 39,040-row CTGAN release), 15 columns. Target: < 10 s wall.
  Skipped, and said so, when ../shared/data is absent.

Every tool runs as its own process, one after the other (never two at once), and is charged its wall
time and its CPU time (user + sys of the process and the children it waited for). The peers are told
the columns, secrets and linkability groups privsynth's evidence says it used, so both run the same
attacks. anonymeter runs in /work/venvs/anonymeter (its pins clash with privsynth's), mostlyai-qa in
/work/venvs/mostlyai-qa; a missing venv is reported as such. The machine load (`os.getloadavg`) is
printed before and after every timing: the machine is shared, read CPU seconds beside wall seconds.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.leak_suite.common import DATA  # noqa: E402
from benchmarks.leak_suite.wp29_compare import survey  # noqa: E402

ANON_PY = Path(os.environ.get("ANONYMETER_PY", "/work/venvs/anonymeter/bin/python"))
QA_PY = Path(os.environ.get("MOSTLYAI_QA_PY", "/work/venvs/mostlyai-qa/bin/python"))
PRIVSYNTH = [str(Path(sys.executable).with_name("privsynth"))]  # the console script of this venv
TARGETS = {"survey": 3.0, "adult": 10.0, "fake_ids": None, "adult_subset": None}

SETUP = """\
anonymeter (1.1.0, own venv: its numpy/pandas pins differ from privsynth's):
  python3.11 -m venv /work/venvs/anonymeter && /work/venvs/anonymeter/bin/pip install anonymeter==1.1.0
mostlyai-qa (1.10.11; reuses the privsynth venv's packages through a .pth file, adds ~20 of its own):
  python3.11 -m venv /work/venvs/mostlyai-qa
  echo $PWD/.venv/lib/python3.11/site-packages > /work/venvs/mostlyai-qa/lib/python3.11/site-packages/shared_venv.pth
  /work/venvs/mostlyai-qa/bin/pip install mostlyai-qa==1.10.11
"""


def load() -> str:
    return "/".join(f"{x:.2f}" for x in os.getloadavg())


def timed(cmd: list[str], *, env=None, timeout: float = 3600) -> dict:
    """Run `cmd` as a fresh process; its wall seconds, CPU seconds (user + sys, waited-for children
    included), exit code, stdout, and the load average before it started."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    la = load()
    t0 = time.perf_counter()
    try:
        r = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=timeout)
        rc, out, err = r.returncode, r.stdout, r.stderr
    except subprocess.TimeoutExpired:
        rc, out, err = None, "", f"killed after {timeout:.0f} s"
    wall = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return {"wall_s": round(wall, 2), "cpu_s": round(cpu, 2), "rc": rc, "load_before": la, "stdout": out,
            "stderr_tail": err.strip().splitlines()[-1][:300] if err.strip() else ""}


# --------------------------------------------------------------------------- cases


def make_case(name: str, d: Path) -> dict | None:
    """Write train/release/holdout CSVs for a case into `d`; None when its data is absent."""
    d.mkdir(parents=True, exist_ok=True)
    if name == "survey":
        pop = survey(3642, 1)
        train, hold, rel = pop.iloc[:2428], pop.iloc[2428:], survey(2428, 3)
    elif name == "adult":
        src = DATA / "adult_anonymeter_split"
        if not src.exists():
            print(f"adult: {src} not found (../shared/data absent): case skipped", file=sys.stderr)
            return None
        train = pd.read_csv(src / "adults_train_RECONSTRUCTED.csv")
        hold = pd.read_csv(src / "adults_control.csv")
        rel = pd.read_csv(src / "adults_syn_ctgan.csv")
    elif name in ("fake_ids", "adult_subset"):
        t = extra_case(name)
        if t is None:
            return None
        train, rel, hold = t
    else:
        raise SystemExit(f"unknown case {name!r}")
    paths = {}
    for role, df in (("train", train), ("holdout", hold), ("release", rel)):
        paths[role] = d / f"{role}.csv"
        df.to_csv(paths[role], index=False)
    return {"paths": paths, "rows": {"train": len(train), "holdout": len(hold), "release": len(rel)},
            "columns": train.shape[1]}


def extra_case(name: str) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame] | None:
    """(train, release, holdout) of the cases made from ../shared/data without a generator; None when absent.

    - `fake_ids`: FakeNameGenerator's 3,000 identities, 11 columns (record number, national ID and username: ID
      columns; near-unique cities and zip codes), 2,000 train / 1,000 holdout; the release is an independent
      "product of marginals" (each column shuffled on its own, ID columns regenerated) with 30 rows (1.5%) replaced
      by verbatim training records: the case whose near-unique text columns made the whole-record tests slow.
    - `adult_subset`: the first 8,000 / 2,000 / 8,000 rows of anonymeter's Adult split (train / control / CTGAN)."""
    import numpy as np

    if name == "fake_ids":
        p = DATA / "fake_identities" / "FakeNameGenerator.com_3000.csv"
        if not p.exists():
            print(f"fake_ids: {p} not found (../shared/data absent): case skipped", file=sys.stderr)
            return None
        cols = ["Number", "NationalID", "Username", "Gender", "Age", "City", "State", "ZipCode", "Occupation", "CCType",
                "Title"]
        df = pd.read_csv(p, encoding="utf-8-sig")[cols]
        rng = np.random.default_rng(12)
        df = df.iloc[rng.permutation(len(df))].reset_index(drop=True)
        train, hold = df.iloc[:2000].reset_index(drop=True), df.iloc[2000:].reset_index(drop=True)
        rel = pd.DataFrame({c: train[c].to_numpy()[rng.permutation(len(train))] for c in cols})
        rel["Number"] = rng.integers(int(train["Number"].min()), int(train["Number"].max()) + 1, len(rel))
        rel["NationalID"] = [f"{a:03d}-{b:02d}-{c:04d}" for a, b, c in zip(rng.integers(100, 999, len(rel)),
                                                                          rng.integers(10, 99, len(rel)),
                                                                          rng.integers(1000, 9999, len(rel)))]
        rel["Username"] = [f"user{v:07d}" for v in rng.integers(0, 10**7, len(rel))]
        rows = rng.choice(len(rel), 30, replace=False)
        rel.iloc[rows] = train.iloc[rng.choice(len(train), 30, replace=False)].to_numpy()
        return train, rel, hold
    src = DATA / "adult_anonymeter_split"
    if not src.exists():
        print(f"{name}: {src} not found (../shared/data absent): case skipped", file=sys.stderr)
        return None
    return (pd.read_csv(src / "adults_train_RECONSTRUCTED.csv").iloc[:8000],
            pd.read_csv(src / "adults_syn_ctgan.csv").iloc[:8000], pd.read_csv(src / "adults_control.csv").iloc[:2000])


# --------------------------------------------------------------------------- tools


def run_privsynth(case: dict, d: Path, repeat: int) -> dict:
    p = case["paths"]
    ev = d / "evidence.json"
    cmd = [*PRIVSYNTH, "evaluate", "--original", str(p["train"]), "--release", str(p["release"]),
           "--holdout", str(p["holdout"]), "--out", str(ev), "-q"]
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    runs = []
    for _ in range(repeat):
        r = timed(cmd, env=env)
        if r["rc"] not in (0, 1):
            raise SystemExit(f"privsynth evaluate failed (exit {r['rc']}): {r['stderr_tail']}")
        e = json.loads(ev.read_text())
        r["timings"] = e.get("timings")
        r["battery_s"] = e["evaluation"]["distance"].get("timings_seconds")
        r["verdict"] = (e.get("verdict") or {}).get("label")
        r.pop("stdout")
        runs.append(r)
    e = json.loads(ev.read_text())
    tests = e["evaluation"]["tests"]
    link = next((t for t in tests if t["id"] == "wp29.linkability"), None)
    attack_setup = {
        "columns": e["evaluation"]["columns_used"],
        "secrets": [t["details"]["secret"] for t in tests if t["id"].startswith("wp29.inference.") and "secret" in t["details"]],
        "groups": (link["details"].get("group_a"), link["details"].get("group_b")) if link else None,
    }
    walls, cpus = [r["wall_s"] for r in runs], [r["cpu_s"] for r in runs]
    return {"runs": runs, "wall_s_min": min(walls), "wall_s_median": statistics.median(walls),
            "cpu_s_min": min(cpus), "cpu_s_median": statistics.median(cpus), "attack_setup": attack_setup}


def run_anonymeter(case: dict, d: Path, setup: dict, n_attacks: int, n_jobs: int, timeout: float) -> dict:
    if not ANON_PY.exists():
        return {"error": f"{ANON_PY} missing (see --setup-peers)"}
    cols = setup["columns"]
    p = case["paths"]
    cmd = [str(ANON_PY), str(ROOT / "benchmarks" / "leak_suite" / "anonymeter_worker.py"), str(p["train"]),
           str(p["release"]), str(p["holdout"]), "--columns", ",".join(cols), "--secrets", ",".join(setup["secrets"]),
           "--n-attacks", str(n_attacks), "--n-jobs", str(n_jobs)]
    if setup["groups"] and all(setup["groups"]):
        cmd += ["--groups", ",".join(setup["groups"][0]) + ":" + ",".join(setup["groups"][1])]
    r = timed(cmd, timeout=timeout)
    if r["rc"] == 0:
        res = json.loads(r["stdout"])
        r["evaluation_s"] = round(res.pop("seconds"), 2)
        r["risks"] = {k: v.get("value", v.get("error")) for k, v in res.items()}
    r.pop("stdout")
    r["n_attacks_requested"] = n_attacks
    r["n_attacks_run"] = min(n_attacks, case["rows"]["holdout"])
    if r["rc"] == 0:  # evaluations run: singling out x2, linkability (with groups), one inference per secret
        k = 2 + bool(setup["groups"] and all(setup["groups"])) + len(setup["secrets"])
        r["evaluations"] = k
        r["cpu_s_per_attack"] = round(r["cpu_s"] / (k * r["n_attacks_run"]), 4)
    return r


def run_sdmetrics(case: dict, d: Path, setup: dict, timeout: float) -> dict:
    p = case["paths"]
    cmd = [sys.executable, str(Path(__file__).resolve()), "--sdmetrics-worker", str(p["train"]), str(p["release"]),
           str(p["holdout"]), ",".join(setup["columns"])]
    r = timed(cmd, timeout=timeout)
    if r["rc"] == 0:
        r.update(json.loads(r["stdout"]))
    r.pop("stdout")
    return r


def sdmetrics_worker(train: str, release: str, holdout: str, columns: str) -> None:
    """SDMetrics' DCROverfittingProtection on the full tables (no subsampling), printed as JSON."""
    import warnings

    warnings.filterwarnings("ignore")
    from sdmetrics.single_table import DCROverfittingProtection

    cols = columns.split(",")
    trn, syn, hol = (pd.read_csv(x)[cols] for x in (train, release, holdout))
    md = {"columns": {c: {"sdtype": "numerical" if pd.api.types.is_numeric_dtype(trn[c]) else "categorical"} for c in cols}}
    t0 = time.perf_counter()
    try:  # SDMetrics 0.32 takes the table's metadata and name; older releases the multi-table dict
        res = DCROverfittingProtection.compute_breakdown(trn, syn, hol, md, "t")
    except TypeError:
        res = DCROverfittingProtection.compute_breakdown(trn, syn, hol, {"tables": {"t": md}}, "t")
    json.dump({"evaluation_s": round(time.perf_counter() - t0, 2), "score": float(res["score"])}, sys.stdout)


def run_mostlyai_qa(case: dict, d: Path, timeout: float) -> dict:
    if not QA_PY.exists():
        return {"error": f"{QA_PY} missing (see --setup-peers)"}
    p = case["paths"]
    cmd = [str(QA_PY), str(ROOT / "benchmarks" / "mostlyai_qa_worker.py"), str(p["train"]), str(p["release"]),
           str(p["holdout"]), "--report", str(d / "mostlyai-qa.html")]
    r = timed(cmd, timeout=timeout, env={**os.environ, "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1"})
    if r["rc"] == 0:
        res = json.loads(r["stdout"])
        r["evaluation_s"] = round(res["seconds"], 2)
        r["distances"] = res.get("distances")
    r.pop("stdout")
    return r


# --------------------------------------------------------------------------- main


def emit(results: dict, out: "Path | None") -> None:
    """The results as indented JSON on stdout, and in `out` when given."""
    text = json.dumps(results, indent=1)
    print(text)
    if out:
        out.write_text(text + "\n")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--cases", default="survey,adult")
    ap.add_argument("--repeat", type=int, default=3, help="privsynth runs per case (min and median reported)")
    ap.add_argument("--peers", default="anonymeter,sdmetrics,mostlyai-qa", help="comma list, or 'none'")
    ap.add_argument("--n-attacks", type=int, default=2000, help="anonymeter n_attacks (capped at the holdout rows)")
    ap.add_argument("--anonymeter-jobs", type=int, default=2, help="anonymeter evaluate(n_jobs=...): both cores, as FAISS")
    ap.add_argument("--peer-timeout", type=float, default=900, help="seconds before a peer is killed and reported as such")
    ap.add_argument("--out", type=Path, default=None, help="also write the JSON results here")
    ap.add_argument("--setup-peers", action="store_true", help="print how the peers' venvs are made, and exit")
    ap.add_argument("--sdmetrics-worker", nargs=4, metavar=("TRAIN", "RELEASE", "HOLDOUT", "COLUMNS"), help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.setup_peers:
        print(SETUP)
        return
    if args.sdmetrics_worker:
        sdmetrics_worker(*args.sdmetrics_worker)
        return
    peers = set() if args.peers == "none" else set(args.peers.split(","))
    results = {"started": time.strftime("%Y-%m-%d %H:%M:%S"), "cpus": os.cpu_count(), "cases": {}}
    tmp = Path(tempfile.mkdtemp(prefix="evaluate_speed_"))
    try:
        for name in args.cases.split(","):
            case = make_case(name, tmp / name)
            if case is None:
                results["cases"][name] = {"skipped": "data absent"}
                continue
            print(f"== {name}: rows {case['rows']}, {case['columns']} columns, load {load()}", file=sys.stderr, flush=True)
            res = {"rows": case["rows"], "columns": case["columns"], "target_wall_s": TARGETS[name]}
            res["privsynth"] = ps = run_privsynth(case, tmp / name, args.repeat)
            print(f"privsynth evaluate: wall {[r['wall_s'] for r in ps['runs']]} s, cpu {[r['cpu_s'] for r in ps['runs']]} s",
                  file=sys.stderr, flush=True)
            setup = ps["attack_setup"]
            if "anonymeter" in peers:
                res["anonymeter"] = run_anonymeter(case, tmp / name, setup, args.n_attacks, args.anonymeter_jobs,
                                                  args.peer_timeout)
                print(f"anonymeter: {res['anonymeter'].get('wall_s')} s wall, {res['anonymeter'].get('cpu_s')} s cpu "
                      f"{res['anonymeter'].get('error') or res['anonymeter'].get('stderr_tail') if res['anonymeter'].get('rc') != 0 else ''}",
                      file=sys.stderr, flush=True)
            if "sdmetrics" in peers:
                res["sdmetrics_dcr_overfitting"] = run_sdmetrics(case, tmp / name, setup, args.peer_timeout)
                print(f"sdmetrics: {res['sdmetrics_dcr_overfitting'].get('wall_s')} s wall", file=sys.stderr, flush=True)
            if "mostlyai-qa" in peers:
                res["mostlyai_qa"] = run_mostlyai_qa(case, tmp / name, args.peer_timeout)
                print(f"mostlyai-qa: {res['mostlyai_qa'].get('wall_s')} s wall", file=sys.stderr, flush=True)
            base_w, base_c = ps["wall_s_median"], ps["cpu_s_median"]
            res["ratios_over_privsynth_median"] = {
                k: {"wall": round(v["wall_s"] / base_w, 1), "cpu": round(v["cpu_s"] / base_c, 1),
                    "finished": v.get("rc") == 0}
                for k, v in res.items() if isinstance(v, dict) and "wall_s" in v and k != "privsynth"}
            res["target_met_by_median_wall"] = None if TARGETS[name] is None else base_w < TARGETS[name]
            res["load_after"] = load()
            results["cases"][name] = res
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    emit(results, args.out)


if __name__ == "__main__":
    main()
