"""Engines: `local` (one pandas DataFrame) and `dask` (partitions on a Dask cluster).

See docs/engine.md. Entry points used by the pipeline and the CLI:
`run_scan`, `run_scan_texts`, `run_anonymize` (privsynth.engine.run); datasets of shards in
privsynth.engine.dataset; partitioned evaluation searches in privsynth.engine.search.
"""

from privsynth.engine import dataset
from privsynth.engine.dataset import is_dataset, read_any
from privsynth.engine.run import run_anonymize, run_scan, run_scan_texts, uses_engine

__all__ = ["dataset", "is_dataset", "read_any", "run_anonymize", "run_scan", "run_scan_texts", "uses_engine"]
