"""privsynth: detect personal data, transform or synthesize it, verify the release, report evidence.

Notebook API (imported on first use, so `import privsynth` stays light):
`privsynth.audit(df_or_path, policy="public-release")` -> `privsynth.Evidence`.
"""

from typing import Any

__version__ = "0.1.0"

__all__ = ["Evidence", "__version__", "audit"]


def __getattr__(name: str) -> Any:
    if name == "audit":
        from privsynth.api import audit

        return audit
    if name == "Evidence":
        from privsynth.results import Evidence

        return Evidence
    raise AttributeError(f"module 'privsynth' has no attribute {name!r}")
