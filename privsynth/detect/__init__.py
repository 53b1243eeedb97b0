"""detect stage: personal data per column (tables) and per span (text).

Entry points: `scan_table`, `scan_file`, `scan_texts`, `analyze_texts`, `build_analyzer`.
See docs/detect.md.
"""

from typing import Any

from privsynth.detect.engine import build_analyzer, configure_offline
from privsynth.detect.text import analyze_texts, scan_texts
from privsynth.detect.validators import VALIDATORS

__all__ = ["VALIDATORS", "analyze_texts", "build_analyzer", "configure_offline", "scan_file", "scan_table", "scan_texts"]


def __getattr__(name: str) -> Any:
    # the column scan (pandas) is imported on first use: free-text detection does not need it
    if name == "scan_table":
        from privsynth.detect.columns import scan_table

        return scan_table
    raise AttributeError(f"module 'privsynth.detect' has no attribute {name!r}")


def scan_file(path, policy=None, progress=None):
    """Scan a table file; CSVs are streamed in chunks (bounded memory, reservoir sample)."""
    from privsynth.detect.stream import scan_file as _scan_file

    return _scan_file(path, policy, progress)
