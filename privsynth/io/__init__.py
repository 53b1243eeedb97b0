"""Readers and writers: tables (CSV, Parquet, JSONL), text documents, atomic outputs, hashes.

`files.read_text_file` is the one loader of small files (policies, evidence, keys);
`source.Source` is a file or standard input with the user's read options.
"""

from privsynth.io.files import read_text_file
from privsynth.io.readers import (
    iter_csv_chunks,
    open_csv,
    read_info,
    read_table,
    read_text_documents,
    sha256_file,
    table_format,
)
from privsynth.io.source import INPUT_FORMATS, ReadOptions, Source, as_source, stdin_source
from privsynth.io.writers import (
    atomic_output,
    check_not_input,
    write_json,
    write_table,
    write_text,
)

__all__ = [
    "INPUT_FORMATS",
    "ReadOptions",
    "Source",
    "as_source",
    "atomic_output",
    "check_not_input",
    "iter_csv_chunks",
    "open_csv",
    "read_info",
    "read_table",
    "read_text_documents",
    "read_text_file",
    "sha256_file",
    "stdin_source",
    "table_format",
    "write_json",
    "write_table",
    "write_text",
]
