"""What the report may show from free-form dictionaries: numbers and booleans, and strings only
when they are known names or sit under a descriptive key.

Rendering rule: the report shows only what the evidence holds. Descriptive fields (names, ids,
explanations written by the stages, paths, versions) are shown as text, and escaped by the
template. Free-form dictionaries (`ColumnScan.evidence`, `TestResult.details`, treatment
`params`, transform `stats`, synthesis `params` and `utility`) are shown as numbers and booleans
only; a string from them is shown only when it is a known column name, entity type, category or
operator, or sits under a descriptive key (`SAFE_STRING_KEYS`). Defence in depth: even if an
upstream stage put a record value into one of them, the report would not repeat it.
"""

from __future__ import annotations

import math
import re
from typing import Any, Iterable, Optional

from privsynth import entities as E
from privsynth.gate.checks import fmt_num

SAFE_STRING_KEYS = frozenset({
    "recognizer", "recognizers", "method", "methods", "source", "sources", "entity", "entity_type",
    "entity_types", "metric", "metrics", "backend", "encoding", "model", "kind", "strategy",
    "validator", "validators", "distance", "locale", "synthesizer", "dtype", "type",
    "attack", "attacks", "worst_attack", "direction", "operator", "hash",
    "algorithm", "detector", "detectors", "reason", "scope", "unit",
    "header_match", "header_hint", "matched_by", "family",
})
# Under any other key (e.g. `columns`) a string is shown only when it is a known name.
AGGREGATE_KEYS = frozenset({
    "mean", "median", "min", "max", "std", "sum", "count", "share", "rate", "ratio", "score", "auc",
    "tpr", "fpr", "p1", "p5", "p10", "p25", "p50", "p75", "p90", "p95", "p99", "low", "high", "value",
    "train", "holdout", "release", "control", "original", "reference", "baseline", "attack", "overall",
    "epsilon", "advantage", "precision", "recall", "threshold", "total", "n", "k", "l", "t",
})
# the declared entity types (privsynth.entities) and their aliases: names, never values
ENTITY_TYPES = frozenset(E.names()) | frozenset(a for et in E.all_types() for a in et.aliases)
RECOGNIZER_NAME = re.compile(r"^[A-Z][A-Za-z0-9]{1,60}Recognizer$")
# keys of the scan evidence shown in the column table (the rest is behind "all evidence")
COLUMN_SUMMARY_KEYS = ("reason", "name_hint.entity", "name_hint.phrase", "recognizers", "coverage_by_entity",
                       "ner", "text_spans", "vocabulary", "date_share", "escalated", "stats.uniqueness", "sampled")
LONG_TEXT_KEYS = frozenset({"reason", "note", "notes", "decision", "metric"})
MAX_STR = 80
MAX_LONG_STR = 240
MAX_ITEMS = 40


def _finite(x: Any) -> Optional[float]:
    if isinstance(x, bool) or not isinstance(x, (int, float)):
        return None
    return float(x) if math.isfinite(float(x)) else None


def fmt_value(x: Any) -> str:
    if isinstance(x, bool):
        return "yes" if x else "no"
    if isinstance(x, int):
        return str(x)
    if isinstance(x, float):
        if not math.isfinite(x):
            return str(x)
        return fmt_num(x)
    return "-" if x is None else str(x)


def fmt_pct(x: Optional[float]) -> str:
    return "-" if x is None else f"{100 * x:.1f}%"


class Sanitizer:
    """Turns free-form dictionaries into (key, text) pairs holding no record value."""

    def __init__(self, known: Iterable[str]):
        self.known = {k for k in known if isinstance(k, str)}

    def _str_ok(self, key: str, value: str) -> bool:
        if value in self.known:
            return True
        k = key.lower()
        limit = MAX_LONG_STR if k in LONG_TEXT_KEYS else MAX_STR
        return (k in SAFE_STRING_KEYS or k in LONG_TEXT_KEYS) and len(value) <= limit and "\n" not in value

    def _key_ok(self, key: str, depth: int) -> bool:
        """A key can itself carry a value (e.g. a frequency table keyed by values). Keys are shown
        only when they are known names (columns, entity types, test ids), aggregate words, or
        lower-case snake_case field names; below the top level a field name needs an underscore."""
        if key in self.known or key in AGGREGATE_KEYS or key in ENTITY_TYPES or RECOGNIZER_NAME.match(key):
            return True
        k = key.replace(".", "_").replace("-", "_")
        if not (key.isascii() and ("_" + k).isidentifier() and key == key.lower() and len(key) <= 48):
            return False
        return depth == 0 or "_" in k.strip("_")

    def _scalar(self, key: str, v: Any) -> Optional[str]:
        if isinstance(v, bool):
            return "yes" if v else "no"
        if isinstance(v, (int, float)):
            return fmt_value(v)
        if isinstance(v, str):
            return v if self._str_ok(key, v) else None
        return None

    def items(self, d: Any, prefix: str = "", depth: int = 0) -> list[tuple[str, str]]:
        out: list[tuple[str, str]] = []
        if not isinstance(d, dict) or depth > 2:
            return out
        for k, v in d.items():
            if len(out) >= MAX_ITEMS:
                break
            key = str(k)
            # a key can itself carry a value (e.g. a frequency table keyed by values): only known names
            if not self._key_ok(key, depth):
                continue
            name = f"{prefix}{key}"
            s = self._scalar(key, v)
            if s is not None:
                out.append((name, s))
            elif isinstance(v, (list, tuple)):
                parts = [self._scalar(key, x) for x in v[:MAX_ITEMS]]
                if isinstance(v, (list, tuple)) and v and all(isinstance(x, (int, float)) and not isinstance(x, bool) for x in v):
                    out.append((name, f"{len(v)} numbers" if len(v) > 8 else ", ".join(p for p in parts if p is not None)))
                else:
                    kept = [p for p in parts if p is not None]
                    if kept:
                        out.append((name, ", ".join(kept)))
            elif isinstance(v, dict):
                out.extend(self.items(v, prefix=f"{name}.", depth=depth + 1))
        return out[:MAX_ITEMS]

    def text(self, d: Any) -> str:
        return "; ".join(f"{k}: {v}" for k, v in self.items(d))

    def summary(self, d: Any, keys: tuple[str, ...], limit: int = 6) -> str:
        """The items under `keys` (or below them), in that order."""
        items = self.items(d)
        out = []
        for want in keys:
            for k, v in items:
                if (k == want or k.startswith(want + ".")) and (k, v) not in out:
                    out.append((k, v))
        return "; ".join(f"{k}: {v}" for k, v in out[:limit])
