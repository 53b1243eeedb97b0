"""transform stage: per-column pseudonymization/anonymization operators, free-text rewriting, keys.

Entry points (see docs/architecture.md and docs/operators.md):
- anonymize_table(df, scan, policy, key=None, progress=None, detector=None, want_mapping=False) -> TransformOutput
- rewrite_texts(texts, spans, key, locale="en_US") -> list[str]
- decrypt_table(df, key, columns=None) -> (DataFrame, decrypted column names)
- keys: load_key, write_new_key, generate_key, key_fingerprint
- OPERATORS: the registry of operator classes, by policy name
"""

from privsynth.transform import operators as _operators  # noqa: F401  (registers the structured operators)
from privsynth.transform import text as _text  # noqa: F401  (registers surrogate / llm)
from privsynth.transform.base import OPERATORS, Operator, OpContext
from privsynth.transform.table import TransformOutput, anonymize_table, decrypt_table
from privsynth.transform.keys import generate_key, key_fingerprint, load_key, write_new_key
from privsynth.transform.text import rewrite_texts

__all__ = [
    "OPERATORS",
    "Operator",
    "OpContext",
    "TransformOutput",
    "anonymize_table",
    "decrypt_table",
    "rewrite_texts",
    "load_key",
    "write_new_key",
    "generate_key",
    "key_fingerprint",
]
