"""Command-line interface. Thin: parse options, call the library, render, map errors to exit codes.

Exit codes: 0 passed, 1 a gate check failed, 2 usage, input or internal error.
Machine output goes to stdout; progress and human messages go to stderr.
"""

from __future__ import annotations

import functools
import json
import logging
import os
import sys
import traceback
from pathlib import Path
from typing import Any, Callable, Optional

import click

from privsynth import __version__
from privsynth.errors import PrivsynthError

EXIT_OK, EXIT_GATE, EXIT_ERROR = 0, 1, 2
EXIT_INTERRUPTED = 130  # 128 + SIGINT, as shells report it


class _State:
    debug = False
    engine: dict[str, Any] = {}


def _err(msg: str) -> None:
    click.echo(msg, err=True)


def _fail(msg: str) -> "click.exceptions.Exit":
    _err(f"error: {msg}")
    return click.exceptions.Exit(EXIT_ERROR)


def _quiet_stdout() -> None:
    """Point stdout at /dev/null so the interpreter's final flush does not fail again."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):  # not a real file descriptor (e.g. under CliRunner)
        pass


def handle_errors(fn: Callable[..., Any]) -> Callable[..., Any]:
    """Library errors -> one line on stderr, exit 2; anything unexpected too (traceback with --debug)."""

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except (click.exceptions.Exit, click.ClickException, click.Abort):
            raise
        except PrivsynthError as e:
            if _State.debug:
                traceback.print_exc()
            raise _fail(str(e)) from None
        except KeyboardInterrupt:
            _err("error: interrupted; no output was written")
            raise click.exceptions.Exit(EXIT_INTERRUPTED) from None
        except BrokenPipeError:
            # the reader went away (`privsynth scan ... | head`): not an error of ours
            _quiet_stdout()
            raise click.exceptions.Exit(EXIT_OK) from None
        except Exception as e:  # internal error: never a traceback unless --debug
            if _State.debug:
                traceback.print_exc()
            raise _fail(f"internal error ({type(e).__name__}); rerun with --debug for details") from None

    return wrapper


def progress_printer(quiet: bool) -> Optional[Callable[[str, int, int], None]]:
    """A progress callback drawing tqdm bars on stderr (never stdout)."""
    if quiet:
        return None
    from tqdm import tqdm

    bars: dict[str, Any] = {}

    def cb(stage: str, done: int, total: int) -> None:
        bar = bars.get(stage)
        if bar is None:
            bar = bars[stage] = tqdm(total=total, desc=stage, file=sys.stderr, leave=False, disable=None)
        bar.n = done
        bar.refresh()
        if done >= total:
            bar.close()

    return cb


def format_option(choices: tuple[str, ...] = ("table", "json"), default: str = "table"):
    return click.option("--format", "fmt", type=click.Choice(choices), default=default, show_default=True, help="Output format on stdout.")


def read_options(fn: Callable[..., Any]) -> Callable[..., Any]:
    """--encoding, --delimiter, --decimal, --input-format: override what the reader detects."""
    from privsynth.io.source import INPUT_FORMATS

    fn = click.option("--input-format", type=click.Choice(INPUT_FORMATS), default=None, help="Read inputs as this format whatever their suffix (required for '-', standard input).")(fn)
    fn = click.option("--decimal", type=click.Choice([".", ","]), default=None, help="Decimal separator of numbers in CSV inputs (default: detected).")(fn)
    fn = click.option("--delimiter", default=None, metavar="CHAR", help="CSV field delimiter, e.g. ';' or '\\t' (default: detected).")(fn)
    fn = click.option("--encoding", default=None, metavar="CODEC", help="Text encoding of inputs, e.g. cp1252 or utf-16-be (default: detected).")(fn)
    return fn


def _source(data: Path, encoding: Optional[str], delimiter: Optional[str], decimal: Optional[str], input_format: Optional[str]):
    """The input as a `Source`: a file, or standard input for '-'."""
    from privsynth.io import ReadOptions, as_source

    return as_source(data, ReadOptions(encoding=encoding, delimiter=delimiter, decimal=decimal, input_format=input_format))


class _WarningHandler(logging.Handler):
    """Library warnings (e.g. a guessed encoding, ragged rows) as one "warning: ..." line on stderr."""

    def emit(self, record: logging.LogRecord) -> None:
        click.echo(f"warning: {record.getMessage()}", err=True)


def _route_warnings() -> None:
    logger = logging.getLogger("privsynth")
    if not any(isinstance(h, _WarningHandler) for h in logger.handlers):
        logger.addHandler(_WarningHandler(level=logging.WARNING))
    logger.propagate = False


policy_option = click.option("--policy", "policy_ref", metavar="P", help="Policy file or preset name (default: internal-ci).")
quiet_option = click.option("--quiet", "-q", is_flag=True, help="No progress on stderr.")


def engine_options(fn: Callable[..., Any]) -> Callable[..., Any]:
    """--engine/--workers/--scheduler, applied to the policy's `engine:` section (docs/engine.md)."""

    @functools.wraps(fn)
    def wrapper(*args: Any, engine: Optional[str] = None, workers: Optional[int] = None, scheduler: Optional[str] = None, **kwargs: Any) -> Any:
        _State.engine = {k: v for k, v in (("name", engine), ("workers", workers), ("scheduler", scheduler)) if v is not None}
        if engine is None and (workers is not None or scheduler is not None):
            _State.engine["name"] = "dask"
        return fn(*args, **kwargs)

    for opt in (
        click.option("--scheduler", metavar="ADDRESS", default=None, help="Dask scheduler to use (e.g. tcp://host:8786); implies --engine dask."),
        click.option("--workers", type=click.IntRange(1, 1024), default=None, help="LocalCluster worker processes for --engine dask (default: CPU count)."),
        click.option("--engine", type=click.Choice(["local", "dask"]), default=None, help="Where to run: local (one DataFrame) or dask (partitions on a cluster). Default: policy engine.name (local)."),
    ):
        wrapper = opt(wrapper)
    return wrapper


class _Group(click.Group):
    def main(self, *args: Any, **kwargs: Any) -> Any:  # usage errors exit 2 (Click's default too)
        return super().main(*args, **kwargs)


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="privsynth")
@click.option("--debug", is_flag=True, help="Show tracebacks for errors.")
def cli(debug: bool) -> None:
    """privsynth: find personal data, transform or synthesize it, verify the release, write evidence.

    \b
    Example:
      privsynth audit examples/customers.csv --out-dir reports/demo --policy examples/policy.yaml
    """
    _State.debug = debug
    _State.engine = {}
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    _route_warnings()


def _load_policy(ref: Optional[str]):
    from privsynth.policy import load_policy

    pol = load_policy(ref)
    if _State.engine:  # --engine/--workers/--scheduler override the policy
        pol.engine = _override(pol.engine, _State.engine)
    return pol


def _override(settings: Any, options: dict[str, Any]) -> Any:
    """``settings`` (a policy section) with the given command-line options applied and checked by
    the same constraints as the policy file (a bare setattr would skip them: ``--holdout-fraction 0``
    used to give a 1-row holdout). Raises click.BadParameter naming the option."""
    from pydantic import ValidationError

    merged = {**settings.model_dump(), **{k: v for k, v in options.items() if v is not None}}
    try:
        return type(settings).model_validate(merged)
    except ValidationError as e:
        err = e.errors()[0]
        field = str(err["loc"][0]) if err.get("loc") else "?"
        option = "--engine" if field == "name" else f"--{field.replace('_', '-')}"
        raise click.BadParameter(err["msg"], param_hint=option) from None


def _emit_json(obj: Any) -> None:
    click.echo(json.dumps(obj, indent=2, ensure_ascii=False, default=str))


# --------------------------------------------------------------------------- scan


@cli.command()
@click.argument("data", type=click.Path(allow_dash=True, path_type=Path))
@policy_option
@format_option()
@click.option("--text-field", default=None, help="Treat DATA as text documents (.jsonl field or .txt lines).")
@click.option("--id-field", default=None, help="Document id field for .jsonl text input.")
@click.option("--sample-size", type=int, default=None, help="Values sampled per column (default from policy: 1000).")
@click.option("--sample-documents", type=click.IntRange(1), default=None, help="Text corpus on --engine dask: detect spans in only this many documents drawn across all shards (every document is still read and checked). Default: every document.")
@read_options
@quiet_option
@engine_options
@handle_errors
def scan(data: Path, policy_ref: Optional[str], fmt: str, text_field: Optional[str], id_field: Optional[str], sample_size: Optional[int], sample_documents: Optional[int], encoding: Optional[str], delimiter: Optional[str], decimal: Optional[str], input_format: Optional[str], quiet: bool) -> None:
    """Detect personal data per column (tables) or per span (text). DATA '-' reads standard input.

    \b
    Examples:
      privsynth scan examples/customers.csv
      privsynth scan examples/notes.jsonl --text-field text --id-field id --format json
      cat examples/customers.csv | privsynth scan - --input-format csv
    """
    from privsynth import detect
    from privsynth.io import read_table, read_text_documents
    from privsynth.policy import validate_columns

    policy = _load_policy(policy_ref)
    if sample_size is not None:
        policy.scan.sample_size = sample_size
    from privsynth import engine

    sharded = str(data) != "-" and engine.is_dataset(data)  # a directory or glob of shards
    src = None if sharded else _source(data, encoding, delimiter, decimal, input_format)
    as_text = text_field is not None or input_format == "txt" or (not input_format and (src.path if src is not None else data) is not None and Path(str(data)).suffix.lower() == ".txt")
    if as_text and policy.engine.name == "dask" and (src is None or not src.is_stdin):  # a corpus scanned per partition, streamed in order
        summary: dict = {}
        docs = engine.run_scan_texts(data, text_field or "text", id_field, policy, progress=progress_printer(quiet), sample=sample_documents, summary=summary)
        if fmt == "json":  # streamed: the driver never holds a million documents' spans
            click.echo('{\n  "documents": [', nl=False)
            for k, d in enumerate(docs):
                click.echo(("," if k else "") + "\n    " + json.dumps(d.model_dump(mode="json"), ensure_ascii=False, default=str), nl=False)
            click.echo("\n  ],\n  \"corpus\": " + json.dumps(summary, ensure_ascii=False) + "\n}")
        else:
            for d in docs:
                click.echo(f"{d.id}\t" + (", ".join(f"{s.entity_type}[{s.start}:{s.end}]" for s in d.spans) or "-"))
        if not quiet:
            from privsynth.engine.corpus import summary_line

            click.echo(summary_line(summary), err=True)
        return
    if sample_documents is not None:
        raise click.UsageError("--sample-documents applies to a text corpus (--text-field) on --engine dask")
    if as_text:
        if sharded:
            ids, texts = [], []
            for shard in engine.dataset.resolve(data).shards:  # shards in order
                i, t = read_text_documents(shard, text_field or "text", id_field)
                ids += i
                texts += t
        else:
            ids, texts = read_text_documents(src, text_field or "text", id_field)
        res = detect.scan_texts(texts, ids, policy)
        if fmt == "json":
            _emit_json(res.model_dump(mode="json"))
        else:
            for d in res.documents:
                ents = ", ".join(f"{s.entity_type}[{s.start}:{s.end}]" for s in d.spans) or "-"
                cut = f"\tnot scanned [{d.not_scanned[0]}:{d.not_scanned[1]}]" if d.not_scanned else ""
                click.echo(f"{d.id}\t{ents}{cut}")
        return
    from privsynth.io import table_format

    if sharded or (not src.is_stdin and engine.uses_engine(data, policy)):  # a dataset of shards, or partitions on Dask
        result = engine.run_scan(data, policy, progress=progress_printer(quiet))
    elif table_format(src) == "csv":  # streamed in chunks: tables larger than memory can be scanned
        result = detect.scan_file(src, policy, progress=progress_printer(quiet))
        validate_columns(policy, [c.name for c in result.columns], str(src))
    else:
        df = read_table(src)
        validate_columns(policy, df.columns, str(src))
        result = detect.scan_table(df, policy, progress=progress_printer(quiet))
    if fmt == "json":
        _emit_json({"columns": [c.model_dump(mode="json", include={"name", "entity_type", "category", "confidence", "coverage", "evidence"}) for c in result.columns], "rows": result.rows, "rows_sampled": result.rows_sampled})
        return
    w = max([len(c.name) for c in result.columns] + [6])
    click.echo(f"{'column':<{w}}  {'category':<18} {'entity':<20} {'conf':>5} {'cover':>6}")
    for c in result.columns:
        click.echo(f"{c.name:<{w}}  {c.category:<18} {(c.entity_type or '-'):<20} {c.confidence:>5.2f} {c.coverage:>6.2f}")


# --------------------------------------------------------------------------- keys


def _key_options(fn: Callable[..., Any]) -> Callable[..., Any]:
    fn = click.option("--key-env", default="PRIVSYNTH_KEY", show_default=True, help="Environment variable holding the key (hex or base64) if no --key-file.")(fn)
    fn = click.option("--key-file", type=click.Path(path_type=Path), default=None, help="File holding the secret key (see `privsynth keygen`).")(fn)
    return fn


@cli.command()
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), required=True, help="Key file to create (mode 600).")
@click.option("--force", is_flag=True, help="Replace an existing key file.")
@handle_errors
def keygen(out: Path, force: bool) -> None:
    """Create a new random secret key for keyed operators (pseudonymize, tokenize, encrypt).

    \b
    Example:
      privsynth keygen --out secrets/privsynth.key
    """
    from privsynth.transform import keys

    fp = keys.write_new_key(out, force=force)
    _err(f"wrote key to {out} (mode 600); fingerprint {fp}")


# --------------------------------------------------------------------------- anonymize


@cli.command()
@click.argument("data", type=click.Path(allow_dash=True, path_type=Path))
@click.option("--out", type=click.Path(path_type=Path), required=True, help="Output table (.csv, .parquet, .jsonl); a directory of shards + manifest.json when DATA is a directory/glob of shards or with --engine dask.")
@policy_option
@_key_options
@click.option("--mapping-out", type=click.Path(dir_okay=False, path_type=Path), default=None, help="Also write a re-identification mapping (mode 600, with a .personal-data.json sidecar): it is personal data, guard it like the key.")
@click.option("--evidence", "evidence_out", type=click.Path(dir_okay=False, path_type=Path), default=None, help="Write the transform evidence JSON here.")
@click.option("--reserve", "reserve", type=click.Path(dir_okay=False, path_type=Path), multiple=True, help="Another table pseudonymized with the same key (repeatable): no pseudonym equals one of its real identifier values, and the tables stay joinable when each run is given the others.")
@click.option("--processes", type=click.IntRange(1, 2), default=None, help="Local engine: 2 = free-text detection runs in a second process beside the scan and the other columns, 1 = one process. Default: 2 when at least 2 cores are usable. The output is the same.")
@read_options
@format_option(("table", "json"))
@quiet_option
@engine_options
@handle_errors
def anonymize(data: Path, out: Path, policy_ref: Optional[str], key_file: Optional[Path], key_env: str, mapping_out: Optional[Path], evidence_out: Optional[Path], reserve: tuple[Path, ...], processes: Optional[int], encoding: Optional[str], delimiter: Optional[str], decimal: Optional[str], input_format: Optional[str], fmt: str, quiet: bool) -> None:
    """Apply per-column operators (pseudonymize, tokenize, encrypt, drop, redact, generalize, ...).

    DATA '-' reads standard input (give --input-format).

    \b
    Example:
      privsynth anonymize examples/customers.csv --out out/customers_pseudo.csv \\
          --policy examples/policy.yaml --key-file secrets/privsynth.key
      privsynth anonymize orders.csv --out out/orders_pseudo.csv --reserve customers.csv \\
          --key-file secrets/privsynth.key
    """
    from privsynth import pipeline

    report = pipeline.run_anonymize(_source(data, encoding, delimiter, decimal, input_format), out, _load_policy(policy_ref), key_file=key_file, key_env=key_env, mapping_out=mapping_out, evidence_out=evidence_out, progress=progress_printer(quiet), command=sys.argv, reserve_files=list(reserve), processes=processes)
    if fmt == "json":
        _emit_json(report.model_dump(mode="json"))
    else:
        _print_table(["column", "operator", "gdpr_class"], [[t.column, t.operator, t.gdpr_class] for t in report.treatments])
    _err(f"wrote {out} ({report.rows_out} rows)")
    # everything is written: when the interpreter exits, its final garbage collections would walk every
    # loaded model, word list and table only to free memory the exit returns anyway (≈ 0.8 CPU s after
    # the example's run); frozen objects are skipped (exit handlers still run; no file is left unclosed)
    import atexit
    import gc

    atexit.register(gc.freeze)


@cli.command()
@click.argument("data", type=click.Path(path_type=Path))
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), required=True, help="Output table with encrypted columns decrypted.")
@click.option("--columns", "-c", multiple=True, help="Columns to decrypt (default: all that decrypt).")
@_key_options
@read_options
@handle_errors
def reidentify(data: Path, out: Path, columns: tuple[str, ...], key_file: Optional[Path], key_env: str, encoding: Optional[str], delimiter: Optional[str], decimal: Optional[str], input_format: Optional[str]) -> None:
    """Reverse the `encrypt` operator for whoever holds the key.

    \b
    Example:
      privsynth reidentify out/customers_pseudo.csv --out out/customers_back.csv --key-file secrets/privsynth.key
    """
    from privsynth import pipeline

    n = pipeline.run_reidentify(_source(data, encoding, delimiter, decimal, input_format), out, list(columns), key_file=key_file, key_env=key_env)
    _err(f"wrote {out}; decrypted {n} column(s)")
    if n == 0:
        _err("no column held values of the `encrypt` operator: `pseudonymize` and `tokenize` are one-way with the key "
             "alone; their pseudonyms map back only through the mapping file `anonymize --mapping-out` wrote")


# --------------------------------------------------------------------------- synthesize


@cli.command()
@click.argument("data", type=click.Path(path_type=Path))
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), required=True, help="Synthetic release (.csv, .parquet, .jsonl); the holdout is written beside it.")
@policy_option
@click.option("--model", default=None, help="Synthesizer: gaussian_copula (default), ctgan, tvae, copula_gan.")
@click.option("--holdout-fraction", type=float, default=None, help="Share of real rows held out before fitting (default 0.2).")
@click.option("--seed", type=int, default=None, help="Seed for split, fit and sampling.")
@click.option("--epochs", type=int, default=None, help="Training epochs (GAN/VAE models).")
@click.option("--batch-size", type=int, default=None, help="Training batch size (GAN/VAE models).")
@click.option("--num-rows", type=int, default=None, help="Rows to sample (default: as many as the training split).")
@click.option("--save-model", type=click.Path(dir_okay=False, path_type=Path), default=None, help="Save the fitted synthesizer (itself a privacy-relevant artefact).")
@read_options
@format_option(("table", "json"))
@quiet_option
@handle_errors
def synthesize(data: Path, out: Path, policy_ref: Optional[str], model: Optional[str], holdout_fraction: Optional[float], seed: Optional[int], epochs: Optional[int], batch_size: Optional[int], num_rows: Optional[int], save_model: Optional[Path], encoding: Optional[str], delimiter: Optional[str], decimal: Optional[str], input_format: Optional[str], fmt: str, quiet: bool) -> None:
    """Fit a synthesizer on the non-identifying columns and sample a release.

    \b
    Example:
      privsynth synthesize examples/customers.csv --out out/synthetic.csv --seed 7
    """
    from privsynth import pipeline

    policy = _load_policy(policy_ref)
    policy.synthesize = _override(policy.synthesize, {"model": model, "holdout_fraction": holdout_fraction, "seed": seed, "epochs": epochs, "batch_size": batch_size, "num_rows": num_rows})
    report = pipeline.run_synthesize(_source(data, encoding, delimiter, decimal, input_format), out, policy, save_model=save_model, progress=progress_printer(quiet), command=sys.argv)
    if fmt == "json":
        _emit_json(report.model_dump(mode="json"))
    else:
        _print_table(["role", "file", "rows"], [["release", str(out), str(report.release_rows)],
                                                ["holdout", str(pipeline.holdout_path(out)), str(report.holdout_rows)],
                                                ["train", str(pipeline.train_path(out)), str(report.train_rows)]])


# --------------------------------------------------------------------------- evaluate


def _gate_exit(gate_passed: bool, exit_zero: bool) -> None:
    if not gate_passed and not exit_zero:
        raise click.exceptions.Exit(EXIT_GATE)


exit_zero_option = click.option("--exit-zero", is_flag=True, help="Exit 0 even when a gate check fails.")
junit_option = click.option("--junit", type=click.Path(dir_okay=False, path_type=Path), default=None, help="Write the gate checks as JUnit XML.")


@cli.command()
@click.option("--original", type=click.Path(path_type=Path), required=True, help="The real data the release was derived from (for synthesis: the training split).")
@click.option("--release", type=click.Path(path_type=Path), required=True, help="The release to verify.")
@click.option("--holdout", type=click.Path(path_type=Path), default=None, help="Real records of the same population not used for the release.")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), required=True, help="Evidence JSON to write.")
@policy_option
@click.option("--pseudonymized", is_flag=True, help="The release was made with keyed/reversible operators (a key or mapping exists).")
@click.option("--release-kind", type=click.Choice(["auto", "synthetic", "anonymized"]), default="auto", show_default=True,
              help="synthetic: new records (k-anonymity family not applicable); anonymized: the original's rows, generalized/suppressed (k-anonymity family runs). auto: anonymized when the release has the original's row count, no holdout is given and --pseudonymized is not set.")
@exit_zero_option
@junit_option
@read_options
@format_option(("table", "json"))
@quiet_option
@engine_options
@handle_errors
def evaluate(original: Path, release: Path, holdout: Optional[Path], out: Path, policy_ref: Optional[str], pseudonymized: bool, release_kind: str, exit_zero: bool, junit: Optional[Path], encoding: Optional[str], delimiter: Optional[str], decimal: Optional[str], input_format: Optional[str], fmt: str, quiet: bool) -> None:
    """Verify a release against the original and a holdout: distances, attacks, residual PII.

    \b
    Example:
      privsynth evaluate --original out/synthetic.train.csv --release out/synthetic.csv \\
          --holdout out/synthetic.holdout.csv --out out/evidence.json
    """
    from privsynth import pipeline

    ro = (encoding, delimiter, decimal, input_format)
    ev = pipeline.run_evaluate(_source(original, *ro), _source(release, *ro), None if holdout is None else _source(holdout, *ro), out, _load_policy(policy_ref), pseudonymized=pseudonymized, release_kind=None if release_kind == "auto" else release_kind, junit=junit, progress=progress_printer(quiet), command=sys.argv)
    _summarize(ev, fmt)
    _gate_exit(ev.gate.passed if ev.gate else True, exit_zero)


def _print_table(headers: list[str], rows: list[list[str]]) -> None:
    """An aligned text table with a header row on stdout."""
    widths = [max([len(h)] + [len(r[i]) for r in rows]) for i, h in enumerate(headers)]
    for r in [headers, *rows]:
        click.echo("  ".join(c.ljust(w) for c, w in zip(r, widths)).rstrip())


def _checks_table(ev: Any) -> None:
    """One row per gate check: status, severity, check, the quantity the threshold applies to, its
    value, interval and threshold (see docs/report.md, "Check status")."""
    from privsynth.gate.checks import failed_quantity, fmt_num

    tests = {t.id: t for t in ev.evaluation.tests} if ev.evaluation else {}
    rows = []
    for c in ev.gate.checks if ev.gate else []:
        t = tests.get(c.test or "")
        interval = "-" if t is None or (t.ci_low is None and t.ci_high is None) else f"[{fmt_num(t.ci_low)}, {fmt_num(t.ci_high)}]"
        fq = failed_quantity(t) if t is not None and c.status == "fail" else None
        if fq is not None:  # the row shows the quantity the test failed on (its own interval, if any)
            interval = "-" if not fq["interval"] else f"[{fmt_num(fq['interval'][0])}, {fmt_num(fq['interval'][1])}]"
        value = fmt_num(t.p_value if (t is not None and c.quantity == "p-value") else c.value)
        if c.quantity == "p-value":
            interval = "-"
        threshold = "(none)" if c.threshold is None else f"{c.comparator} {fmt_num(c.threshold)}"
        if c.name == "verdict" and ev.verdict:
            value, threshold = ev.verdict.label, "in gate.pass_verdicts"
        rows.append([c.status or ("pass" if c.passed else "fail"), c.severity, c.name, c.quantity, value, interval, threshold])
    _print_table(["status", "severity", "check", "quantity", "value", "interval", "threshold"], rows)


def _summarize(ev: Any, fmt: str) -> None:
    if fmt == "json":
        _emit_json(ev.model_dump(mode="json"))
        return
    _checks_table(ev)
    if ev.gate:
        for c in ev.gate.failed:
            _err(f"gate {c.severity}: {c.name}: {c.message}")
    if ev.verdict:
        _err(f"verdict: {ev.verdict.label}")


# --------------------------------------------------------------------------- report


@cli.command()
@click.argument("evidence", type=click.Path(path_type=Path))
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), default=None, help="Output file (default: stdout).")
@format_option(("html", "json", "md", "junit"), default="html")
@handle_errors
def report(evidence: Path, out: Optional[Path], fmt: str) -> None:
    """Render evidence JSON as HTML, Markdown, JUnit XML or normalized JSON, without recomputing.

    \b
    Examples:
      privsynth report reports/demo/evidence.json --out reports/demo/report.html
      privsynth report reports/demo/evidence.json --format md > comment.md
    """
    from privsynth.io import check_not_input, write_text
    from privsynth.report import load_checked_evidence, render

    ev = load_checked_evidence(evidence)
    text = render(ev, fmt)
    if out is None:
        click.echo(text, nl=False)
    else:
        check_not_input(out, [evidence])
        write_text(out, text)
        _err(f"wrote {out}")


@cli.command("gate")
@click.argument("evidence", type=click.Path(path_type=Path))
@click.option("--policy", "policy_ref", metavar="P", default=None, help="Apply this policy's gate settings (default: the policy recorded in the evidence).")
@exit_zero_option
@junit_option
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), default=None, help="Also write the re-gated evidence JSON here.")
@click.option("--verify", is_flag=True, help="Require a valid signature (HMAC: --key-file/--key-env; Ed25519: --ed25519-public).")
@click.option("--ed25519-public", "ed25519_public", type=click.Path(dir_okay=False, path_type=Path), default=None, help="Ed25519 public key (PEM) for --verify.")
@_key_options
@format_option(("table", "json", "md"))
@handle_errors
def gate_command(evidence: Path, policy_ref: Optional[str], exit_zero: bool, junit: Optional[Path], out: Optional[Path], verify: bool, ed25519_public: Optional[Path], key_file: Optional[Path], key_env: str, fmt: str) -> None:
    """Apply the gate to stored evidence: exit 0 when no error-severity check failed, 1 when one did.

    The evidence is first checked: its verdict and gate are recomputed from its own test results
    and the policy it records, and evidence whose stored label or gate disagrees, that lacks a
    required test or a schema_version, or that changed after signing is refused (exit 2). With
    --verify a valid signature is also required. Test outcomes are not recomputed (the thresholds
    are those of the run); severity, skip, require and pass_verdicts come from --policy or from the
    recorded policy.

    \b
    Examples:
      privsynth gate reports/demo/evidence.json --junit reports/demo/junit.xml
      privsynth gate reports/demo/evidence.json --policy public-release --format md
      privsynth gate signed.json --verify --key-file secrets/privsynth.key
    """
    from privsynth.io import check_not_input, write_text
    from privsynth.report import load_checked_evidence, regate, render_json, render_junit, render_markdown

    stored = load_checked_evidence(evidence)
    if verify:
        from privsynth.gate.signature import verify_signature

        hmac_key = None
        if stored.signature is not None and stored.signature.algorithm == "hmac-sha256":
            from privsynth.transform.keys import load_key

            hmac_key = load_key(key_file, key_env)
        _err(verify_signature(stored, str(evidence), hmac_key=hmac_key, ed25519_public_key=ed25519_public))
    ev = regate(stored, _load_policy(policy_ref) if policy_ref else None)
    assert ev.gate is not None and ev.verdict is not None
    if junit is not None:
        check_not_input(junit, [evidence])
        write_text(junit, render_junit(ev))
    if out is not None:
        check_not_input(out, [evidence])
        write_text(out, render_json(ev))
    if fmt == "json":
        _emit_json(ev.gate.model_dump(mode="json") | {"verdict": ev.verdict.model_dump(mode="json"), "policy": ev.policy_name})
    elif fmt == "md":
        click.echo(render_markdown(ev), nl=False)
    else:
        _checks_table(ev)
    for c in ev.gate.failed:
        _err(f"gate {c.severity}: {c.name}: {c.message}")
    _err(f"gate {'passed' if ev.gate.passed else 'failed'} under policy {ev.policy_name or '(unnamed)'}; verdict: {ev.verdict.label}")
    _gate_exit(ev.gate.passed, exit_zero)


@cli.command("sign")
@click.argument("evidence", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), required=True, help="Signed evidence JSON to write (never the input).")
@click.option("--ed25519-key", "ed25519_key", type=click.Path(dir_okay=False, path_type=Path), default=None, help="Sign with this Ed25519 private key (PEM) instead of the project key.")
@_key_options
@handle_errors
def sign_command(evidence: Path, out: Path, ed25519_key: Optional[Path], key_file: Optional[Path], key_env: str) -> None:
    """Sign checked evidence: HMAC-SHA256 with the project key, or Ed25519 with --ed25519-key.

    The signature covers the evidence digest (everything but the sign-off block), so the DPO can
    fill the sign-off without breaking it. `privsynth gate --verify` checks it.

    \b
    Examples:
      privsynth sign reports/demo/evidence.json --out reports/demo/evidence.signed.json --key-file secrets/privsynth.key
      privsynth sign evidence.json --out evidence.signed.json --ed25519-key secrets/release-signing.pem
    """
    from privsynth.gate.signature import sign_evidence
    from privsynth.io import check_not_input, write_text
    from privsynth.report import load_checked_evidence, render_json

    check_not_input(out, [evidence, key_file, ed25519_key])
    ev = load_checked_evidence(evidence)
    if ed25519_key is not None:
        signed = sign_evidence(ev, ed25519_private_key=ed25519_key)
    else:
        from privsynth.transform.keys import load_key

        signed = sign_evidence(ev, hmac_key=load_key(key_file, key_env))
    write_text(out, render_json(signed))
    assert signed.signature is not None
    _err(f"wrote {out}: {signed.signature.algorithm} signature by key {signed.signature.key_id} over {signed.signature.digest}")


# --------------------------------------------------------------------------- audit


@cli.command()
@click.argument("data", type=click.Path(path_type=Path))
@click.option("--out-dir", type=click.Path(file_okay=False, path_type=Path), required=True, help="Directory for release.csv, evidence.json, report.html.")
@policy_option
@click.option("--mode", type=click.Choice(["synthesize", "anonymize"]), default="synthesize", show_default=True, help="Produce the release by synthesis or by per-column operators.")
@_key_options
@click.option("--sign", "sign_hmac", is_flag=True, help="Sign the evidence with the project key (HMAC-SHA256; --key-file/--key-env).")
@click.option("--sign-ed25519", "sign_ed25519", type=click.Path(dir_okay=False, path_type=Path), default=None, help="Sign the evidence with this Ed25519 private key (PEM).")
@exit_zero_option
@junit_option
@read_options
@format_option(("table", "json"))
@quiet_option
@engine_options
@handle_errors
def audit(data: Path, out_dir: Path, policy_ref: Optional[str], mode: str, key_file: Optional[Path], key_env: str, sign_hmac: bool, sign_ed25519: Optional[Path], exit_zero: bool, junit: Optional[Path], encoding: Optional[str], delimiter: Optional[str], decimal: Optional[str], input_format: Optional[str], fmt: str, quiet: bool) -> None:
    """Scan, transform or synthesize, evaluate, gate and report in one go.

    \b
    Example:
      privsynth audit examples/customers.csv --out-dir reports/demo --policy examples/policy.yaml
    """
    from privsynth import pipeline

    sign = None
    if sign_hmac or sign_ed25519 is not None:
        from privsynth.gate.signature import sign_evidence

        if sign_hmac and sign_ed25519 is not None:
            raise click.UsageError("--sign and --sign-ed25519 exclude each other")
        if sign_ed25519 is not None:
            from privsynth.gate.signature import check_ed25519_private_key

            check_ed25519_private_key(sign_ed25519)  # a bad key fails before any work
            sign = functools.partial(sign_evidence, ed25519_private_key=sign_ed25519)
        else:
            from privsynth.transform.keys import load_key

            sign = functools.partial(sign_evidence, hmac_key=load_key(key_file, key_env))  # checked before any work
    ev = pipeline.audit(_source(data, encoding, delimiter, decimal, input_format), out_dir, _load_policy(policy_ref), mode=mode, key_file=key_file, key_env=key_env, junit=junit, progress=progress_printer(quiet), log=None if quiet else _err, command=sys.argv, sign=sign)
    _summarize(ev, fmt)
    _err(f"report: {out_dir / 'report.html'}")
    _gate_exit(ev.gate.passed if ev.gate else True, exit_zero)


# --------------------------------------------------------------------------- policy


@cli.group()
def policy() -> None:
    """Inspect and validate policies.

    \b
    Example:
      privsynth policy validate examples/policy.yaml
    """


@policy.command("validate")
@click.argument("file")
@click.option("--data", type=click.Path(path_type=Path), default=None, help="Also check that every column the policy names exists in this table.")
@read_options
@handle_errors
def policy_validate(file: str, data: Optional[Path], encoding: Optional[str], delimiter: Optional[str], decimal: Optional[str], input_format: Optional[str]) -> None:
    """Validate a policy file (or preset name); errors name the YAML path.

    \b
    Example:
      privsynth policy validate examples/policy.yaml --data examples/customers.csv
    """
    from privsynth.policy import validate_columns

    pol = _load_policy(file)
    if data is not None:
        from privsynth.io import read_table

        validate_columns(pol, read_table(_source(data, encoding, delimiter, decimal, input_format)).columns, str(data))
    _err(f"{file}: valid policy {pol.name!r}" + (f" (extends {pol.extends})" if pol.extends and "(extends " not in pol.name else ""))


@policy.command("show")
@click.argument("file")
@handle_errors
def policy_show(file: str) -> None:
    """Print the fully resolved policy (presets merged) as JSON.

    \b
    Example:
      privsynth policy show public-release
    """
    _emit_json(_load_policy(file).model_dump(mode="json"))


@policy.command("list")
def policy_list() -> None:
    """List the shipped presets.

    \b
    Example:
      privsynth policy list
    """
    from privsynth.policy import preset_names

    for n in preset_names():
        click.echo(n)


def main() -> None:
    from privsynth import interrupts, startup

    startup.mark_one_shot()  # this process runs one command and exits (privsynth/startup.py)
    interrupts.install()
    try:
        rv = cli.main(standalone_mode=False)
    except click.exceptions.Exit as e:
        sys.exit(e.exit_code)
    except click.UsageError as e:
        e.show()
        sys.exit(EXIT_ERROR)
    except click.ClickException as e:
        e.show()
        sys.exit(EXIT_ERROR)
    except click.Abort:
        _err("aborted")
        sys.exit(EXIT_ERROR)
    sys.exit(rv if isinstance(rv, int) else EXIT_OK)


if __name__ == "__main__":  # pragma: no cover
    main()
