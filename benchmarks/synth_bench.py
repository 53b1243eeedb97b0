"""Benchmarks of the synthesis stage, each next to a peer run in the same process.

    PYTHONPATH=. python benchmarks/synth_bench.py [--only adult_gc,adult_ctgan,identities,sdmetrics_demo,multi]
                                                  [--ctgan-epochs 10] [--data ../shared/data] [--json out.json]

  adult_gc        UCI Adult (48,842 rows; 20% holdout -> ~39k training rows): privsynth GaussianCopula end
                  to end (fit, sample, utility) vs SDV's GaussianCopula with SDV-detected metadata (fit,
                  sample, SDMetrics quality on the same rows).
  adult_ctgan     privsynth CTGAN on Adult with an epoch budget (--ctgan-epochs), time per epoch.
  identities      FakeNameGenerator 3,000 x 30 (UTF-8 with BOM): real direct-identifier values in the
                  privsynth release vs in a release of SDV with its own metadata detection.
  sdmetrics_demo  SDMetrics' own demo (student_placements): SDMetrics' quality report of the demo's
                  shipped synthetic table, and of a privsynth GaussianCopula release.
  multi           student_placements/multi_table (toy, 10 rows per table) with HMA: keys consistent.

The data folder is ../shared/data relative to the repository by default; a benchmark whose data
is absent says so and is skipped. Timings are wall-clock seconds on whatever machine runs this.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from privsynth.io import read_table  # noqa: E402
from privsynth.policy.models import Policy  # noqa: E402
from privsynth.results import ColumnScan, ScanResult  # noqa: E402
from privsynth.synthesize import synthesize_table, synthesize_tables  # noqa: E402
from privsynth.synthesize.utility import quality_report  # noqa: E402


def hand_scan(df: pd.DataFrame, roles: dict[str, tuple[str, str | None]], default=("quasi_identifier", None)) -> ScanResult:
    """A ScanResult built from a column -> (category, entity type) map (the detect stage is not used)."""
    cols = [ColumnScan(name=c, category=roles.get(c, default)[0], entity_type=roles.get(c, default)[1],
                       confidence=1.0, coverage=1.0, evidence={"source": "benchmark hand map"}, overridden=True)
            for c in df.columns]
    return ScanResult(columns=cols, rows=len(df), rows_sampled=len(df))


class Timer:
    def __init__(self) -> None:
        self.t: dict[str, float] = {}
        self._start: dict[str, float] = {}

    def progress(self, stage: str, done: int, total: int) -> None:
        if done == 0:
            self._start.setdefault(stage, time.perf_counter())
        if done >= total and stage in self._start:
            self.t[stage] = round(time.perf_counter() - self._start[stage], 2)


def _sdv_peer(train: pd.DataFrame, n: int, seed: int = 0):
    """SDV's documented quick start: detected metadata, GaussianCopula, sample."""
    from sdv.metadata import Metadata
    from sdv.single_table import GaussianCopulaSynthesizer

    t0 = time.perf_counter()
    meta = Metadata.detect_from_dataframes({"table": train})
    synth = GaussianCopulaSynthesizer(meta)
    synth.fit({"table": train})
    t1 = time.perf_counter()
    out = synth.sample(num_rows=n)
    out = out["table"] if isinstance(out, dict) else out
    t2 = time.perf_counter()
    return out, meta, {"fit": round(t1 - t0, 2), "sample": round(t2 - t1, 2)}


# --------------------------------------------------------------------------- adult


ADULT_ROLES = {
    "income": ("sensitive", "INCOME"), "capital_gain": ("sensitive", "FINANCIAL"),
    "capital_loss": ("sensitive", "FINANCIAL"), "hours_per_week": ("sensitive", None),
    "fnlwgt": ("non_personal", None),
}


def bench_adult_gc(data: Path) -> dict:
    path = data / "adult" / "adult_full.csv"
    if not path.exists():
        return {"skipped": f"{path} absent"}
    df = read_table(path)
    pol = Policy.model_validate({"synthesize": {"model": "gaussian_copula", "seed": 0, "target_column": "income"}})
    tm = Timer()
    t0 = time.perf_counter()
    out = synthesize_table(df, hand_scan(df, ADULT_ROLES), pol, progress=tm.progress)
    total = time.perf_counter() - t0
    res = {"rows": len(df), "train_rows": len(out.train), "release_rows": len(out.release),
           "privsynth": {"end_to_end_s": round(total, 2), "stages_s": tm.t,
                         "quality": out.report.utility["quality"]["overall"],
                         "column_shapes": out.report.utility["quality"]["properties"]["Column Shapes"],
                         "column_pair_trends": out.report.utility["quality"]["properties"]["Column Pair Trends"],
                         "tstr": out.report.utility["tstr"]}}
    # peer: SDV with its own detected metadata on the same training rows, same quality measurement
    peer, meta, pt = _sdv_peer(out.train, len(out.train))
    sdtypes = {c: meta.tables["table"].columns[c]["sdtype"] for c in out.train.columns}
    sdtypes = {c: (s if s in ("numerical", "categorical", "datetime") else "categorical") for c, s in sdtypes.items()}
    t3 = time.perf_counter()
    q = quality_report(out.train, peer, sdtypes, seed=0)
    pt["quality"] = round(time.perf_counter() - t3, 2)
    res["sdv_detected_metadata"] = {"stages_s": pt, "quality": q["overall"],
                                    "column_shapes": q["properties"]["Column Shapes"],
                                    "column_pair_trends": q["properties"]["Column Pair Trends"]}
    res["ratio_quality_privsynth_over_sdv"] = round(res["privsynth"]["quality"] / q["overall"], 4)
    return res


def bench_adult_ctgan(data: Path, epochs: int) -> dict:
    path = data / "adult" / "adult_full.csv"
    if not path.exists():
        return {"skipped": f"{path} absent"}
    df = read_table(path)
    pol = Policy.model_validate({"synthesize": {"model": "ctgan", "seed": 0, "epochs": epochs, "batch_size": 500,
                                                "target_column": "income"}})
    tm = Timer()
    epoch_times: list[float] = []
    last = [time.perf_counter()]

    def prog(stage, done, total):
        tm.progress(stage, done, total)
        if stage.startswith("synthesize.fit") and done > 0:
            now = time.perf_counter()
            epoch_times.append(now - last[0])
            last[0] = now
        elif stage.startswith("synthesize.fit"):
            last[0] = time.perf_counter()

    t0 = time.perf_counter()
    out = synthesize_table(df, hand_scan(df, ADULT_ROLES), pol, progress=prog)
    total = time.perf_counter() - t0
    q = out.report.utility["quality"]
    return {"epochs": epochs, "batch_size": 500, "train_rows": len(out.train), "end_to_end_s": round(total, 2),
            "stages_s": tm.t, "seconds_per_epoch_mean": round(sum(epoch_times) / max(len(epoch_times), 1), 2),
            "extrapolated_300_epochs_min": round(300 * sum(epoch_times) / max(len(epoch_times), 1) / 60, 1),
            "quality": q["overall"], "column_shapes": q["properties"]["Column Shapes"],
            "column_pair_trends": q["properties"]["Column Pair Trends"], "tstr": out.report.utility["tstr"]}


# --------------------------------------------------------------------------- identities

IDENTITY_ROLES = {
    "Number": ("direct_identifier", "RECORD_ID"),
    "GivenName": ("direct_identifier", "FIRST_NAME"),
    "Surname": ("direct_identifier", "LAST_NAME"),
    "StreetAddress": ("direct_identifier", "STREET_ADDRESS"),
    "EmailAddress": ("direct_identifier", "EMAIL_ADDRESS"),
    "Username": ("direct_identifier", "USERNAME"),
    "Password": ("direct_identifier", "PASSWORD"),
    "TelephoneNumber": ("direct_identifier", "PHONE_NUMBER"),
    "MothersMaiden": ("direct_identifier", "LAST_NAME"),
    "CCNumber": ("direct_identifier", "CREDIT_CARD_DAMAGED"),
    "CVV2": ("direct_identifier", None),
    "NationalID": ("direct_identifier", "NATIONAL_ID"),
    "Domain": ("direct_identifier", "URL"),
    "Gender": ("quasi_identifier", "GENDER"), "Birthday": ("quasi_identifier", "DATE_OF_BIRTH"),
    "Age": ("quasi_identifier", "AGE"), "ZipCode": ("quasi_identifier", "POSTCODE"),
    "City": ("quasi_identifier", "CITY"), "Occupation": ("quasi_identifier", "OCCUPATION"),
    "CCExpires": ("sensitive", "FINANCIAL"), "CCType": ("sensitive", "FINANCIAL"),
}


def _real_hits(real: pd.DataFrame, release: pd.DataFrame, cols: list[str]) -> dict[str, int]:
    from privsynth.synthesize.identifiers import normalize

    out = {}
    for c in cols:
        if c not in release.columns:
            out[c] = 0
            continue
        keys: set[str] = set()
        for v in real[c].dropna():
            keys |= normalize(v)
        out[c] = int(sum(bool(normalize(v) & keys) for v in release[c].dropna()))
    return out


def bench_identities(data: Path) -> dict:
    path = data / "fake_identities" / "FakeNameGenerator.com_3000.csv"
    if not path.exists():
        return {"skipped": f"{path} absent"}
    df = read_table(path)  # UTF-8 with BOM: read_table detects it
    direct = [c for c, (cat, _) in IDENTITY_ROLES.items() if cat == "direct_identifier"]
    res: dict = {"rows": len(df), "columns": df.shape[1], "direct_identifier_columns": len(direct)}
    for mode in ("regenerate", "drop"):
        pol = Policy.model_validate({"synthesize": {"seed": 0, "identifiers": mode}})
        t0 = time.perf_counter()
        out = synthesize_table(df, hand_scan(df, IDENTITY_ROLES), pol)
        hits = _real_hits(df, out.release, direct)
        res[f"privsynth_{mode}"] = {"seconds": round(time.perf_counter() - t0, 2), "release_rows": len(out.release),
                                    "real_direct_identifier_values": sum(hits.values()),
                                    "columns_released": int(sum(c in out.release.columns for c in direct))}
    peer, meta, pt = _sdv_peer(df.iloc[: len(out.train)], len(out.train))
    hits = _real_hits(df, peer, direct)
    res["sdv_detected_metadata"] = {
        "stages_s": pt, "real_direct_identifier_values": sum(hits.values()),
        "by_column": hits,
        "sdtypes": {c: meta.tables["table"].columns[c]["sdtype"] for c in direct},
    }
    return res


# --------------------------------------------------------------------------- sdmetrics demo


def bench_sdmetrics_demo(data: Path) -> dict:
    d = data / "student_placements"
    if not (d / "student_placements_real.csv").exists():
        return {"skipped": f"{d} absent"}
    real = read_table(d / "student_placements_real.csv")
    shipped = read_table(d / "student_placements_synthetic.csv")[list(real.columns)]
    meta = json.loads((d / "metadata.json").read_text())["tables"]["student_placements"]["columns"]
    sdtypes = {c: m["sdtype"] for c, m in meta.items() if m["sdtype"] in ("numerical", "categorical", "datetime", "boolean")}
    sdtypes = {c: ("categorical" if s == "boolean" else s) for c, s in sdtypes.items()}

    def conv(df):
        df = df.copy()
        for c, s in sdtypes.items():
            if s == "datetime":
                df[c] = pd.to_datetime(df[c], format="%Y-%m-%d", errors="coerce")
            elif s == "categorical":
                df[c] = df[c].astype(object).where(df[c].notna(), None).map(lambda v: v if v is None else str(v))
        return df

    q_shipped = quality_report(conv(real), conv(shipped), sdtypes)
    q_default = quality_report(conv(real), conv(shipped), sdtypes, all_pairs=False)
    roles = {"student_id": ("direct_identifier", "RECORD_ID")}
    pol = Policy.model_validate({"synthesize": {"seed": 0, "target_column": "placed"}})
    out = synthesize_table(real, hand_scan(real, roles), pol)
    return {"shipped_synthetic_vs_real": {k: q_shipped[k] for k in ("overall", "properties")},
            "shipped_synthetic_vs_real_sdmetrics_default_thresholds": {k: q_default[k] for k in ("overall", "properties")},
            "privsynth_gaussian_copula_vs_train": {k: out.report.utility["quality"][k] for k in ("overall", "properties")},
            "privsynth_tstr": out.report.utility["tstr"],
            "published": "docs.sdv.dev/sdmetrics/reports/quality-report example output: Column Shapes 89.11%, "
                         "Column Pair Trends 88.3%, Overall 88.7% (9 columns, 36 pairs; the page does not name the data)"}


def bench_multi(data: Path) -> dict:
    d = data / "student_placements" / "multi_table"
    if not d.exists():
        return {"skipped": f"{d} absent"}
    tabs = {t: read_table(d / f"{t}_real.csv") for t in ("users", "sessions", "transactions")}
    results = {}
    for parent, child, pk, fk, cpk in (("users", "sessions", "user_id", "user_id", "session_id"),
                                       ("sessions", "transactions", "session_id", "session_id", "transaction_id")):
        t = {parent: tabs[parent], child: tabs[child]}
        pol = Policy.model_validate({"synthesize": {
            "seed": 0, "min_rows": 5, "tables": {parent: {"primary_key": pk}, child: {"primary_key": cpk}},
            "relations": [{"parent_table": parent, "parent_primary_key": pk, "child_table": child, "child_foreign_key": fk}]}})
        roles = {pk: ("direct_identifier", "RECORD_ID"), cpk: ("direct_identifier", "RECORD_ID")}
        scans = {n: hand_scan(df, roles) for n, df in t.items()}
        t0 = time.perf_counter()
        out = synthesize_tables(t, pol, scans)
        rel = out.releases
        results[f"{parent}->{child}"] = {
            "seconds": round(time.perf_counter() - t0, 2),
            "rows": {n: len(df) for n, df in rel.items()},
            "foreign_keys_valid": bool(rel[child][fk].isin(set(rel[parent][pk])).all()),
            "real_keys_in_release": int(rel[parent][pk].isin(set(t[parent][pk])).sum() + rel[child][cpk].isin(set(t[child][cpk])).sum()),
        }
    results["note"] = "users->sessions->transactions (depth 3) is refused: SDV community HMA allows depth 2"
    return results


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--only", default="adult_gc,adult_ctgan,identities,sdmetrics_demo,multi")
    ap.add_argument("--ctgan-epochs", type=int, default=10)
    ap.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data")
    ap.add_argument("--json", type=Path, default=None)
    a = ap.parse_args(argv)
    data = a.data if a.data.exists() else Path(os.environ.get("PRIVSYNTH_SHARED_DATA", "/work/shared/data"))
    if not data.exists():
        print(f"data folder {a.data} is absent: nothing to benchmark", file=sys.stderr)
        return 0
    results = {"machine": {"cpus": os.cpu_count(), "load_avg_at_start": os.getloadavg()}}
    runs = {"adult_gc": lambda: bench_adult_gc(data), "adult_ctgan": lambda: bench_adult_ctgan(data, a.ctgan_epochs),
            "identities": lambda: bench_identities(data), "sdmetrics_demo": lambda: bench_sdmetrics_demo(data),
            "multi": lambda: bench_multi(data)}
    for name in a.only.split(","):
        print(f"== {name}", file=sys.stderr)
        results[name] = runs[name]()
        print(json.dumps({name: results[name]}, indent=1, default=str))
    if a.json:
        a.json.write_text(json.dumps(results, indent=1, default=str))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
