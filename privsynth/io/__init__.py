"""Readers and writers: tables (CSV, Parquet, JSONL), text documents, atomic outputs, hashes."""

from privsynth.io.readers import (
    iter_csv_chunks,
    read_table,
    read_text_documents,
    sha256_file,
    table_format,
)
from privsynth.io.writers import (
    atomic_output,
    check_not_input,
    write_json,
    write_table,
    write_text,
)

__all__ = [
    "atomic_output",
    "check_not_input",
    "iter_csv_chunks",
    "read_table",
    "read_text_documents",
    "sha256_file",
    "table_format",
    "write_json",
    "write_table",
    "write_text",
]
