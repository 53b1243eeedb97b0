"""Commands over datasets of shards, on the local or the Dask engine (called by pipeline and CLI)."""

from __future__ import annotations

import contextlib
import time
from pathlib import Path
from typing import Callable, Iterator, Optional, Sequence

from privsynth.engine import dataset as D
from privsynth.results import DocumentSpans, ScanResult, TransformReport

Progress = Optional[Callable[[str, int, int], None]]


def uses_engine(data, policy) -> bool:
    """True when `data` must go through this package: a dataset of shards, or `engine: dask`."""
    return D.is_dataset(data) or policy.engine.name == "dask"


def run_scan(data, policy, progress: Progress = None) -> ScanResult:
    """Column decisions for a table file or dataset of shards (see privsynth.engine.scan)."""
    from privsynth.policy import validate_columns

    if policy.engine.name != "dask":
        from privsynth import detect

        df = D.read_any(data)
        validate_columns(policy, df.columns, str(data))
        return detect.scan_table(df, policy, progress=progress)
    from privsynth.engine import partitions as P
    from privsynth.engine.cluster import open_client
    from privsynth.engine.scan import scan_dataset

    ds = D.resolve(data)
    with open_client(policy.engine) as client:
        scan, schema, _ = scan_dataset(client, P.plan(ds, policy.engine.partition_rows), policy, progress)
    validate_columns(policy, schema.columns, str(data))
    return scan


def run_scan_texts(data, text_field: str, id_field: Optional[str], policy, progress: Progress = None, *, sample: Optional[int] = None,
                   summary: Optional[dict] = None) -> Iterator[DocumentSpans]:
    """Spans per document of a JSONL corpus (file, directory or glob of shards), in corpus order;
    with `sample`, of that many documents drawn across all shards; `summary` receives the counts
    per entity type and shard (privsynth.engine.corpus.scan_corpus)."""
    from privsynth.engine.cluster import open_client
    from privsynth.engine.corpus import scan_corpus

    ds = D.resolve(data)
    with open_client(policy.engine) as client:
        yield from scan_corpus(client, ds.shards, text_field, id_field, policy, progress=progress, sample=sample, summary=summary)


def run_anonymize(data: Path, out: Path, policy, *, key: Optional[bytes], mapping_out: Optional[Path] = None, evidence_out: Optional[Path] = None,
                  progress: Progress = None, command: Sequence[str] = ()) -> TransformReport:
    """Anonymize a dataset into the directory `out` (shards + manifest.json, atomically).

    Local engine: the dataset is read into one DataFrame and written as one shard. Dask engine:
    one output shard per partition (privsynth.engine.anonymize). The evidence (if asked) records
    every input shard and the output manifest."""
    from privsynth.errors import PolicyError
    from privsynth.io import check_not_input, write_table

    t0 = time.perf_counter()
    want_mapping = mapping_out is not None or policy.transform.write_mapping
    mapping_path = mapping_out or Path(str(out).rstrip("/") + ".mapping.csv")
    for o in (mapping_path if want_mapping else None, evidence_out):
        if o is not None:
            check_not_input(o, [data])
    ds = D.resolve(data)
    with D.atomic_directory(out, inputs=[data]) as tmp:
        if policy.engine.name == "dask":
            from privsynth.engine import partitions as P
            from privsynth.engine.anonymize import anonymize_dataset
            from privsynth.engine.cluster import open_client
            from privsynth.engine.scan import scan_dataset
            from privsynth.policy import validate_columns

            with open_client(policy.engine) as client:
                parts = P.plan(ds, policy.engine.partition_rows)
                scan, schema, rows = scan_dataset(client, parts, policy, progress)
                validate_columns(policy, schema.columns, str(data))
                entries, report, mapping, columns = anonymize_dataset(client, parts, schema, rows, scan, policy, key, tmp, ds.suffix,
                                                                      want_mapping=want_mapping, progress=progress)
            ncols = len(schema.columns)
        else:
            from privsynth import detect, transform
            from privsynth.policy import validate_columns

            df = D.read_any(data)
            validate_columns(policy, df.columns, str(data))
            scan = detect.scan_table(df, policy, progress=progress)
            from privsynth.pipeline import text_detector

            res = transform.anonymize_table(df, scan, policy, key=key, progress=progress, want_mapping=want_mapping, detector=text_detector(policy))
            report, mapping, columns, ncols = res.report, res.mapping, [str(c) for c in res.data.columns], df.shape[1]
            entries = [D.write_shard(res.data, tmp / D.shard_name(0, ds.suffix))]
            rows = [len(df)]
        if want_mapping and mapping is None:
            raise PolicyError("a mapping was requested but no column has a reversible or keyed operator")
        report.mapping_written = mapping is not None
        D.write_manifest(tmp, entries, ds.fmt, columns, policy.engine.name)
        ev = None
        if evidence_out is not None:
            from privsynth.gate import decide_verdict
            from privsynth.pipeline import _now, versions
            from privsynth.results import Evidence

            inp = D.input_record("original", data)
            inp.columns = ncols
            ev = Evidence(created_at=_now(), command=list(command), mode="anonymize", inputs=[inp], policy=policy.model_dump(mode="json"),
                          policy_name=policy.name, scan=scan, transform=report, versions=versions(), seeds={"scan": policy.scan.seed},
                          timings={"total_s": round(time.perf_counter() - t0, 3)}, key_fingerprint=report.key_fingerprint)
            ev.verdict = decide_verdict(ev)
    if mapping is not None:
        write_table(mapping_path, mapping)
    if ev is not None:
        from privsynth.pipeline import _write_evidence

        ev.outputs = [D.output_record(out)]
        _write_evidence(ev, evidence_out, None)
    return report


@contextlib.contextmanager
def evaluation_searcher(policy) -> Iterator[Optional[object]]:
    """For `evaluate`/`audit`: None on the local engine; on the Dask engine the verifier's
    nearest-neighbour and exact-match searches run on the cluster (privsynth.engine.search.ClusterSearch)."""
    if policy.engine.name != "dask":
        yield None
        return
    from privsynth.engine.cluster import open_client
    from privsynth.engine.search import ClusterSearch

    with open_client(policy.engine) as client:
        yield ClusterSearch(client)
