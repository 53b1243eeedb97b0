"""The detectable leak size that exact_match reports on the clean release of seed 0, per dataset.

  PYTHONPATH=. python benchmarks/leak_suite/detectable.py
"""
import warnings; warnings.filterwarnings("ignore")
import json
from benchmarks.leak_suite.common import load, scan_for, split, clean_release
from privsynth.evaluate import evaluate_release
from privsynth.policy.models import Policy
for name in ("adult_lowcard", "nist_acs_lowcard", "adult", "nist_acs"):
    df = load(name); scan = scan_for(name, df)
    train, hold = split(df, 0); rel, _ = clean_release(train, 0)
    rep = evaluate_release(train, rel, hold, scan, Policy())
    em = rep.get("exact_match").details
    print(name, json.dumps({k: em[k] for k in ("detectable", "release_rows_identical_to_an_original_row_share", "original_unique_records", "original_unique_records_in_release_share")}), flush=True)
