"""Scan speed: privsynth vs Presidio's BatchAnalyzerEngine.analyze_dict (batch 64) over all cells.

Generates a seeded 100,000-row x 12-column CSV (structured PII columns plus one free-text
column) under a temporary directory, then times:
  * privsynth `scan_file` (streams the CSV in chunks, samples 1,000 values per column, decides
    every column; free-text cells sampled and scanned span by span) - the `privsynth scan` path;
  * the CLI itself (`python -m privsynth.cli scan FILE --format json`, a fresh process including
    model loading), once;
  * vanilla Presidio `BatchAnalyzerEngine.analyze_dict(batch_size=64)` over every cell of the
    first --peer-rows rows (default 2,000), extrapolated linearly to rows/s (it is per-cell work).

Run:  PYTHONPATH=. python benchmarks/detect_speed.py [--rows 100000] [--peer-rows 2000]
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd


def make_table(n: int, seed: int = 0) -> pd.DataFrame:
    from faker import Faker

    fk = Faker(["en_US", "en_GB", "de_DE", "fr_FR"])
    Faker.seed(seed)
    rng = np.random.default_rng(seed)
    pool = 5000

    def draw(fn):
        vals = [fn() for _ in range(pool)]
        return [vals[i] for i in rng.integers(0, pool, n)]

    names = draw(fk.name)
    cities = draw(fk.city)
    notes_tpl = [
        "{n} called about the invoice and asked us to ring back on {p}.",
        "Spoke with {n} from {c}; follow up by e-mail next week.",
        "{n} reported the parcel to {c} never arrived, card ending {d}.",
        "Customer satisfied. No further action needed.",
    ]
    phones = draw(fk.phone_number)
    tpl_idx = rng.integers(0, len(notes_tpl), n)
    notes = [notes_tpl[t].format(n=names[i], c=cities[i], p=phones[i], d=int(rng.integers(1000, 9999)))
             for i, t in enumerate(tpl_idx)]
    return pd.DataFrame({
        "customer_id": [f"CU{1_000_000 + i}" for i in range(n)],
        "full_name": names,
        "email": draw(fk.email),
        "phone": phones,
        "street": draw(fk.street_address),
        "city": cities,
        "postcode": draw(fk.postcode),
        "birth_date": draw(lambda: fk.date_of_birth().isoformat()),
        "iban": draw(fk.iban),
        "gender": rng.choice(["F", "M", "X"], n),
        "balance": rng.normal(2500, 900, n).round(2),
        "notes": notes,
    })


def main(argv=None):
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", type=int, default=100_000)
    ap.add_argument("--peer-rows", type=int, default=2000)
    ap.add_argument("--skip-cli", action="store_true")
    a = ap.parse_args(argv)
    from privsynth.detect import build_analyzer, scan_file
    from privsynth.policy.models import Policy

    tmp = Path(tempfile.mkdtemp(prefix="privsynth-speed-"))
    path = tmp / "speed.csv"
    t = time.perf_counter()
    df = make_table(a.rows)
    df.to_csv(path, index=False)
    print(f"generated {len(df):,} rows x {df.shape[1]} columns in {time.perf_counter() - t:.1f}s ({path.stat().st_size / 1e6:.1f} MB)")

    build_analyzer(Policy())  # model load outside the timing, as for the peer
    t = time.perf_counter()
    res = scan_file(path, Policy())
    ours = time.perf_counter() - t
    print(f"privsynth scan_file: {ours:.1f}s = {a.rows / ours:,.0f} rows/s")
    for c in res.columns:
        print(f"   {c.name:12} {c.category:18} {c.entity_type}")

    cli_s = None
    if not a.skip_cli:
        t = time.perf_counter()
        env = dict(os.environ, PYTHONPATH=str(Path(__file__).resolve().parents[1]))
        r = subprocess.run([sys.executable, "-m", "privsynth.cli", "scan", str(path), "--format", "json", "--quiet"],
                           capture_output=True, text=True, env=env)
        cli_s = time.perf_counter() - t
        print(f"privsynth scan CLI (fresh process, model load included): exit {r.returncode}, {cli_s:.1f}s = {a.rows / cli_s:,.0f} rows/s")

    from presidio_analyzer import BatchAnalyzerEngine

    sub = df.head(a.peer_rows).astype(str)
    batch = BatchAnalyzerEngine(build_analyzer(vanilla=True))
    t = time.perf_counter()
    list(batch.analyze_dict({c: sub[c].tolist() for c in sub.columns}, language="en", batch_size=64))
    peer = time.perf_counter() - t
    peer_rps = a.peer_rows / peer
    print(f"Presidio analyze_dict batch 64 on {a.peer_rows:,} rows: {peer:.1f}s = {peer_rps:,.1f} rows/s "
          f"(extrapolated to {a.rows:,} rows: {a.rows / peer_rps / 60:.1f} min)")
    print(f"speed ratio (scan_file rows/s / Presidio rows/s): {a.rows / ours / peer_rps:,.0f}x")
    if cli_s:
        print(f"speed ratio (CLI incl. startup / Presidio): {a.rows / cli_s / peer_rps:,.0f}x")
    path.unlink()
    tmp.rmdir()


if __name__ == "__main__":
    main()
