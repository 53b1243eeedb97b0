"""The notebook API: `privsynth.audit(df_or_path, policy=...)` -> `Evidence`.

In Jupyter the returned `Evidence` shows the report's one-screen summary (`Evidence._repr_html_`);
`privsynth.report.render_html(ev)` gives the full report. Library errors are `PrivsynthError`
subclasses with one-line messages, as on the command line.
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any, Callable, Optional, Union

from privsynth.errors import InputError
from privsynth.results import Evidence

PathLike = Union[str, Path]


def _is_frame(x: Any) -> bool:
    return type(x).__module__.startswith("pandas") and type(x).__name__ in ("DataFrame", "Series")


def as_path(x: Any, what: str) -> Path:
    """`x` as a Path, or `InputError` naming `what` when it is not a path (a DataFrame in particular)."""
    if _is_frame(x):
        raise InputError(
            f"{what} expects a file path, got a pandas {type(x).__name__}: "
            "pass the DataFrame as the data argument of privsynth.audit(df, ...) or save it first (df.to_csv(path))"
        )
    if not isinstance(x, (str, Path)):
        raise InputError(f"{what} expects a file path, got {type(x).__name__}")
    return Path(x)


def audit(
    data: Any,
    policy: Any = None,
    *,
    out_dir: Optional[PathLike] = None,
    mode: str = "synthesize",
    key_file: Optional[PathLike] = None,
    key_env: str = "PRIVSYNTH_KEY",
    progress: Optional[Callable[[str, int, int], None]] = None,
) -> Evidence:
    """Scan, synthesize or transform, evaluate, gate and report, as `privsynth audit` does.

    data: a pandas DataFrame or the path of a CSV/Parquet/JSONL table. A DataFrame is written to a
        CSV file in `out_dir` first (`input.csv`), and the evidence records that file.
    policy: a preset name ("public-release"), a policy file path, a `Policy`, or None (internal-ci).
    out_dir: where release.csv, evidence.json and report.html go (default: a new temporary directory).
    mode: "synthesize" or "anonymize".
    Returns the `Evidence` (gate and verdict filled; `ev.gate.passed` is what the CLI's exit code says).
    Raises `PrivsynthError` subclasses (one line) for bad input, policy or key.
    """
    from privsynth import pipeline
    from privsynth.policy import Policy, load_policy

    if _is_frame(policy):
        raise InputError("policy expects a preset name, a policy file path or a Policy, got a pandas DataFrame")
    pol = policy if isinstance(policy, Policy) else load_policy(None if policy is None else str(as_path(policy, "policy")))
    out = as_path(out_dir, "out_dir") if out_dir is not None else Path(tempfile.mkdtemp(prefix="privsynth-audit-"))
    key = as_path(key_file, "key_file") if key_file is not None else None
    if _is_frame(data):
        frame = data.to_frame() if type(data).__name__ == "Series" else data
        out.mkdir(parents=True, exist_ok=True)
        path = out / "input.csv"
        frame.to_csv(path, index=False)
    else:
        path = as_path(data, "data")
    return pipeline.audit(path, out, pol, mode=mode, key_file=key, key_env=key_env, progress=progress, command=["privsynth.audit", str(path)])
