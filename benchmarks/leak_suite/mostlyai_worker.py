"""Run mostlyai-qa (in its own venv, offline) on train/release/holdout CSVs; print its distance metrics as JSON.

  /work/venvs/mostlyai-qa/bin/python benchmarks/leak_suite/mostlyai_worker.py train.csv release.csv holdout.csv
"""
import json
import os
import sys
import tempfile

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

import pandas as pd  # noqa: E402
from mostlyai import qa  # noqa: E402

train, release, holdout = (pd.read_csv(p) for p in sys.argv[1:4])
with tempfile.TemporaryDirectory() as d:
    _, metrics = qa.report(syn_tgt_data=release, trn_tgt_data=train, hol_tgt_data=holdout,
                           report_path=os.path.join(d, "r.html"))
dist = metrics.distances.model_dump() if metrics is not None else {}
print(json.dumps({k: v for k, v in dist.items() if isinstance(v, (int, float)) or v is None}))
