"""Run mostlyai-qa (in its own venv, /work/venvs/mostlyai-qa) on train/release/holdout CSVs; print JSON.

Usage: /work/venvs/mostlyai-qa/bin/python benchmarks/mostlyai_qa_worker.py train.csv release.csv holdout.csv \
         --report /tmp/qa.html
mostlyai-qa (Apache-2.0, MOSTLY AI) is only called through its public API (`mostlyai.qa.report`), with
its defaults; its Model2Vec embedder ships inside the wheel, so it runs offline. The venv is made by
`benchmarks/evaluate_speed.py --setup-peers` (see docs/benchmarks/evaluate.md).
"""

import argparse
import json
import sys
import time
import warnings

warnings.filterwarnings("ignore")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("train")
    ap.add_argument("release")
    ap.add_argument("holdout")
    ap.add_argument("--report", required=True)
    args = ap.parse_args()
    t_start = time.perf_counter()
    import pandas as pd
    from mostlyai import qa

    trn, syn, hol = (pd.read_csv(p) for p in (args.train, args.release, args.holdout))
    t0 = time.perf_counter()
    _, metrics = qa.report(syn_tgt_data=syn, trn_tgt_data=trn, hol_tgt_data=hol, report_path=args.report)
    out = {"seconds": time.perf_counter() - t0, "import_and_read_seconds": t0 - t_start}
    if metrics is not None:
        d = metrics.model_dump(mode="json")
        out["distances"] = d.get("distances")
        out["accuracy_overall"] = (d.get("accuracy") or {}).get("overall")
    json.dump(out, sys.stdout)


if __name__ == "__main__":
    main()
