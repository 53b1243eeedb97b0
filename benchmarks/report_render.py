"""Time and size of the renderers on a small and a large evidence document.

    PYTHONPATH=.:tests python benchmarks/report_render.py

The large document has 300 scanned columns and 80 tests, each with a 200-point ROC curve and a
200-bin two-series histogram (the chart sizes the evaluate stage caps at). No peer tool renders
our evidence, so there is no ratio: the point is that rendering is not a bottleneck.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

import report_evidence as R  # noqa: E402
from privsynth.report import render_html, render_json, render_junit, render_markdown  # noqa: E402
from privsynth.results import ColumnScan, TestResult  # noqa: E402


def large():
    ev = R.synthesis_evidence()
    ev.scan.columns += [ColumnScan(name=f"col_{i}", entity_type="AGE", category="quasi_identifier", confidence=0.8, coverage=0.9,
                                   evidence={"sampled": 1000, "stats": {"uniqueness": 0.1, "distinct": 80}, "reason": "AGE pattern"}) for i in range(300)]
    fpr = [i / 199 for i in range(200)]
    for i in range(80):
        ev.evaluation.tests.append(TestResult(
            id=f"wp29.inference.col_{i}", name=f"Inference of col_{i}", family="wp29", status="pass", value=0.01, ci_low=0.0, ci_high=0.05, threshold=0.09,
            details={"main_success_rate": 0.3, "control_success_rate": 0.29},
            charts={"roc": {"type": "roc", "fpr": fpr, "tpr": [f ** 0.9 for f in fpr], "auc": 0.53},
                    "dcr": {"type": "histogram", "edges": [j / 200 for j in range(201)], "series": {"train": list(range(200)), "holdout": list(range(200))}, "x_label": "d"}}))
    return R.finalize(ev)


def bench(name, ev, repeat=3):
    for fn in (render_html, render_markdown, render_junit, render_json):
        best = float("inf")
        for _ in range(repeat):
            t0 = time.perf_counter()
            out = fn(ev)
            best = min(best, time.perf_counter() - t0)
        print(f"{name:<6} {fn.__name__:<16} {best * 1000:8.1f} ms  {len(out.encode()) / 1024:8.1f} KiB")


if __name__ == "__main__":
    bench("small", R.finalize(R.synthesis_evidence()))
    bench("large", large())
