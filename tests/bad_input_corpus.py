"""The bad-input corpus: files people export every day, broken the ways they break, generated here.

Every case is built from fictitious data by `build(dir)` (nothing is checked in but this script)
and states what must happen: `read` (read right, no warning), `warn` (read right, with a warning
containing `fragment`) or `refuse` (exit 2, one line containing `fragment`). `checks` say what
"read right" means for a table (rows, columns, a value, a dtype).

`run(case, command, workdir)` runs one CLI command on one case in-process (Click's runner) and
returns an `Outcome`; `problems(case, outcome)` lists what went wrong: a traceback or internal
error, an exit code other than 0/1/2, an error that is not one line, a silent mis-read (no
warning or refusal where one was due), an output left behind by a failed run, a modified input.

Run as a script to regenerate the matrix in docs/inputs.md:

    PYTHONPATH=$PWD python tests/bad_input_corpus.py --out docs/inputs.md
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import io
import json
import os
import random
import struct
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Optional

import pandas as pd

KEY_HEX = "7f3c" * 16  # a fixed test key: only ever used on the fictitious corpus below
FIRST = ["Ana", "Bo", "Chen", "Dora", "Emil", "Farah", "Goran", "Hana", "Ivo", "Jana", "Kofi", "Lena"]
LAST = ["Souza", "Lindqvist", "Nakamura", "Okafor", "Petrov", "Quist", "Rahman", "Silva", "Tanaka", "Urban"]
CITIES = ["Lund", "Porto", "Graz", "Gent", "Turku", "Brno"]
N = 60  # rows per readable table: enough for synthesis (synthesize.min_rows is 50)


@dataclass
class Case:
    name: str
    kind: str  # table | text | policy | evidence | key
    filename: str
    data: Optional[bytes]  # None: the case makes its own path (a directory, a missing file)
    expect: str  # read | warn | refuse
    fragment: str = ""
    checks: dict[str, Any] = field(default_factory=dict)
    what: str = ""
    path: Optional[Path] = None


def _people(n: int = N, *, name_fn: Callable[[int], str] | None = None) -> list[list[str]]:
    rows = []
    for i in range(n):
        first, last = FIRST[i % len(FIRST)], LAST[(i * 7) % len(LAST)]
        name = name_fn(i) if name_fn else f"{first} {last}"
        rows.append([str(1000 + i), name, f"{first.lower()}.{last.lower()}{i}@example.org", CITIES[i % len(CITIES)], f"{20 + (i * 37) % 500}.{i % 100:02d}"])
    return rows


HEADER = ["id", "name", "email", "city", "amount"]


def _csv(rows: list[list[str]], header: list[str] = HEADER, sep: str = ",", nl: str = "\n") -> str:
    return nl.join(sep.join(r) for r in [header] + rows) + nl


def _parquet(df: pd.DataFrame) -> bytes:
    buf = io.BytesIO()
    df.to_parquet(buf, index=False)
    return buf.getvalue()


def _evidence_json() -> str:
    sys.path.insert(0, str(Path(__file__).parent))
    import report_evidence as R

    from privsynth.report import render_json

    return render_json(R.finalize(R.synthesis_evidence()))


def cases() -> list[Case]:
    """All cases (at least 60), each with its bytes and its expectation."""
    base = _people()
    plain = _csv(base)
    C: list[Case] = []

    def table(name: str, data: bytes, expect: str, fragment: str = "", what: str = "", filename: str = "", **checks: Any) -> None:
        C.append(Case(name, "table", filename or f"{name}.csv", data, expect, fragment, checks, what))

    gaard = _csv(_people(name_fn=lambda i: "Gåärd Öström" if i == 0 else f"{FIRST[i % 12]} Åberg"))
    # --- encodings
    table("utf8_plain", plain.encode(), "read", what="UTF-8, comma, dot decimals", rows=N, columns=HEADER, dtype=("amount", "float64"))
    table("utf8_bom", b"\xef\xbb\xbf" + plain.encode(), "read", what="UTF-8 with BOM", rows=N, columns=HEADER)
    table("latin1_gaard", gaard.encode("latin-1"), "warn", "encoding guessed as cp1252", "Latin-1 export with å ä ö", rows=N, value=("name", 0, "Gåärd Öström"))
    table("cp1252_quotes_euro", _csv(_people(name_fn=lambda i: "“Renée” – €5" if i == 0 else "José Müller")).encode("cp1252"), "warn", "encoding guessed as cp1252",
          "Windows-1252 with curly quotes, dash, euro", value=("name", 0, "“Renée” – €5"))
    table("utf16le_bom", b"\xff\xfe" + gaard.encode("utf-16-le"), "read", what="UTF-16 LE with BOM (Excel 'Unicode text')", value=("name", 0, "Gåärd Öström"))
    table("utf16be_bom", b"\xfe\xff" + gaard.encode("utf-16-be"), "read", what="UTF-16 BE with BOM", value=("name", 0, "Gåärd Öström"))
    table("utf16be_no_bom", gaard.encode("utf-16-be"), "read", what="UTF-16 BE without BOM", value=("name", 0, "Gåärd Öström"))
    table("utf16le_no_bom", gaard.encode("utf-16-le"), "read", what="UTF-16 LE without BOM", value=("name", 0, "Gåärd Öström"))
    table("cp1250_polish", _csv(_people(name_fn=lambda i: "Łucja Żółkiewska" if i % 2 == 0 else "Wojciech Łódź")).encode("cp1250"), "warn", "encoding guessed as cp1250",
          "Windows-1250 (Polish)", value=("name", 0, "Łucja Żółkiewska"))
    table("cp1251_russian", _csv(_people(name_fn=lambda i: "Иван Петров" if i % 2 == 0 else "Мария Иванова")).encode("cp1251"), "warn", "encoding guessed as cp1251",
          "Windows-1251 (Cyrillic)", value=("name", 0, "Иван Петров"))
    table("shift_jis", _csv(_people(name_fn=lambda i: "山田太郎" if i % 2 == 0 else "佐藤花子")).encode("shift_jis"), "warn", "encoding guessed as cp932",
          "Shift-JIS (Japanese)", value=("name", 0, "山田太郎"))
    table("utf8_with_one_latin1_byte", (plain.replace("Lund", "Lünd", 1).encode("utf-8").replace("ü".encode(), b"\xfc")), "warn", "encoding guessed",
          "UTF-8 file with one Latin-1 byte (mixed encodings)", value=("city", 0, "Lünd"))
    table("utf8_with_three_bad_bytes", gaard.encode("utf-8").replace("Åberg".encode(), b"Ab\xff\xfe\x80erg", 1), "refuse", "looks like UTF-8 except 3 bytes",
          "UTF-8 file with 3 bytes that do not decode (a damaged export)")
    # --- not text
    table("random_bytes", random.Random(1).randbytes(4096), "refuse", "binary", "random bytes renamed .csv")
    table("random_bytes_no_nul", bytes(b for b in random.Random(2).randbytes(6000) if b)[:4096], "refuse", "not a text file", "random bytes without NUL renamed .csv")
    table("png_renamed", b"\x89PNG\r\n\x1a\n" + random.Random(3).randbytes(500), "refuse", "PNG image", "a PNG renamed .csv")
    table("gzip_renamed", gzip.compress(plain.encode()), "refuse", "gzip", "a gzipped CSV renamed .csv")
    table("xlsx_renamed", b"PK\x03\x04" + random.Random(4).randbytes(300), "refuse", "ZIP archive", "an .xlsx renamed .csv")
    table("parquet_renamed", _parquet(pd.DataFrame(base, columns=HEADER)), "refuse", "Parquet", "a Parquet file renamed .csv")
    table("nul_in_line", plain.encode().replace(b"Porto", b"Po\x00rto", 1), "refuse", "binary", "one NUL byte inside a UTF-8 CSV")
    table("pdf_renamed", b"%PDF-1.7\n" + b"x" * 200, "refuse", "PDF", "a PDF renamed .csv")
    # --- empty and headers
    table("empty", b"", "refuse", "file is empty", "0 bytes")
    table("header_only", b"id,name,email\n", "refuse", "no rows", "a header and nothing else")
    table("blank_lines_only", b"\n\n\r\n\n", "refuse", "no header row", "only blank lines")
    table("duplicate_header", _csv(base, ["id", "name", "name", "city", "amount"]).encode(), "refuse", "duplicate column name", "two columns named alike")
    table("empty_header_cell", _csv(base, ["id", "", "email", "city", "amount"]).encode(), "refuse", "has no name", "a header cell left empty")
    # --- structure
    rag = [r[:] for r in base]
    rag[10] = rag[10] + ["EXTRA"]
    table("ragged_long_row", _csv(rag).encode(), "refuse", "line 12: 6 fields where the header has 5", "one row with an extra value")
    short = [r[:] for r in base]
    short[20] = short[20][:3]
    table("ragged_short_row", _csv(short).encode(), "warn", "fewer fields than the header", "one row missing its last two fields", rows=N)
    pad = [r + [""] for r in base]
    table("trailing_delimiters", _csv(pad).encode(), "warn", "extra empty trailing fields", "every row ends with a stray delimiter", rows=N, columns=HEADER)
    stray = _csv(base).splitlines(keepends=True)
    stray[6] = stray[6].replace(",", ',"', 1)  # row 6: a quote opens the name field
    stray[7] = stray[7].replace(",", '",', 1)[:-1] + "\n"
    table("stray_quote_joins_two_rows", "".join(stray).encode(), "refuse", "a quote opened on line 7", "a stray quote in row 6 closed by a quote in row 7")
    stray2 = _csv(base).splitlines(keepends=True)
    stray2[6] = stray2[6].replace(",", ',"', 1)
    stray2[30] = '1029,"Li, Wei",li.wei@example.org,Brno,1.00\n'
    table("stray_quote_swallows_rows", "".join(stray2).encode(), "refuse", "stray quote", "a stray quote in row 6 closed 24 rows later")
    unclosed = _csv(base).splitlines(keepends=True)
    unclosed[40] = unclosed[40].replace(",", ',"', 1)
    table("quote_never_closed", "".join(unclosed).encode(), "refuse", "never closed", "a quote that runs to the end of the file")
    table("quote_inside_value", plain.replace("Ana Souza,", 'Ana "Nan" Souza,', 1).encode(), "read", what="a quote inside an unquoted value (kept as text)",
          value=("name", 0, 'Ana "Nan" Souza'))
    glued = _csv(base).splitlines(keepends=True)
    glued[3] = '1002,"Chen" Okafor,chen.okafor2@example.org,Graz,94.02\n'
    table("quoted_then_text", "".join(glued).encode(), "refuse", "text after a closing quote", "a quoted value followed by more text")
    notes = _csv([r + [f'"Called {i}.\nWill call back, maybe"' if i % 10 == 0 else "ok"] for i, r in enumerate(base)], HEADER + ["note"])
    table("multiline_notes", notes.encode(), "warn", "span several lines", "quoted notes with line breaks (legitimate)", rows=N, value=("note", 0, "Called 0.\nWill call back, maybe"))
    table("quoted_delimiters", plain.replace("Ana Souza", '"Souza, Ana"').encode(), "read", what="quoted values holding the delimiter", rows=N, value=("name", 0, "Souza, Ana"))
    table("escaped_quotes", plain.replace("Ana Souza", '"Ana ""Nan"" Souza"').encode(), "read", what='doubled quotes inside a quoted value', value=("name", 0, 'Ana "Nan" Souza'))
    table("crlf", _csv(base, nl="\r\n").encode(), "read", what="Windows line endings", rows=N, value=("amount", 0, 20.0))
    table("cr_only", _csv(base, nl="\r").encode(), "read", what="old Mac line endings (CR only)", rows=N, columns=HEADER)
    table("no_final_newline", plain.rstrip("\n").encode(), "read", what="no newline after the last row", rows=N)
    blanky = plain.replace("\n1010,", "\n\n\n1010,").encode()
    table("blank_lines_between", blanky, "read", what="blank lines between rows (skipped, counted)", rows=N)
    # --- dialects and numbers
    semi = _csv([r[:4] + [f"{int(float(r[4])):,}".replace(",", ".") + "," + r[4].split(".")[1]] for r in base], sep=";")
    table("semicolon_decimal_comma", semi.replace(";20,00", ";826,71", 1).replace("\n1001;", "\n1001;", 1).encode(), "read",
          what="semicolons and decimal commas (826,71)", rows=N, dtype=("amount", "float64"), value=("amount", 0, 826.71))
    dec_big = _csv([r[:4] + [("7.590,29" if i == 0 else f"{i},5")] for i, r in enumerate(base)], sep=";")
    table("decimal_comma_thousands", dec_big.encode(), "read", what="7.590,29 and 1,5 in one column", value=("amount", 0, 7590.29), dtype=("amount", "float64"))
    table("tab_separated", _csv(base, sep="\t").encode(), "read", what="tab-separated (.tsv)", filename="tab_separated.tsv", rows=N, columns=HEADER)
    table("tabs_in_csv", _csv(base, sep="\t").encode(), "read", what="tab-separated saved as .csv", rows=N, columns=HEADER)
    table("pipe_separated", _csv(base, sep="|").encode(), "read", what="pipe-separated", rows=N, columns=HEADER)
    inf = _csv([r[:4] + [("inf" if i == 0 else "nan" if i == 1 else "" if i == 2 else "-inf" if i == 3 else r[4])] for i, r in enumerate(base)])
    table("inf_nan_empty_numeric", inf.encode(), "read", what="inf, nan, -inf and empty in a numeric column", dtype=("amount", "float64"), missing=("amount", 3))
    na = _csv([r[:4] + [("NA" if i == 0 else "null" if i == 1 else "N/A" if i == 2 else r[4])] for i, r in enumerate(base)])
    table("na_tokens_numeric", na.encode(), "read", what="NA, null, N/A in a numeric column", dtype=("amount", "float64"), missing=("amount", 3))
    table("thousands_quoted", _csv([r[:4] + [f'"{1000 + i:,}.50"'] for i, r in enumerate(base)]).encode(), "read", what='"1,000.50" quoted in a comma CSV',
          value=("amount", 0, 1000.5), dtype=("amount", "float64"))
    table("leading_zero_ids", _csv([["0" + r[0]] + r[1:] for r in base]).encode(), "read", what="IDs with leading zeros stay text", value=("id", 0, "01000"))
    table("mixed_numbers_and_text", _csv([r[:4] + [("n/a (refund)" if i == 5 else r[4])] for i, r in enumerate(base)]).encode(), "read", what="a numeric column with one text value stays text",
          dtype=("amount", "object"))
    table("all_empty_column", _csv([r + [""] for r in base], HEADER + ["blank"]).encode(), "read", what="a column with no values", rows=N, columns=HEADER + ["blank"])
    table("single_column", ("email\n" + "\n".join(r[2] for r in base) + "\n").encode(), "read", what="one column, no delimiter", rows=N, columns=["email"])
    table("wide_300_columns", _csv([r + [str(j) for j in range(115)] for r in base], HEADER + [f"c{j}" for j in range(115)]).encode(), "read", what="120 columns", rows=N)
    table("huge_cell_1mb", _csv([r[:4] + [r[4]] + (["word " * 200_000] if i == 0 else ["short"]) for i, r in enumerate(base)], HEADER + ["notes"]).encode(), "read",
          what="one 1 MB free-text cell", rows=N)
    table("whitespace_values", plain.replace(",Lund,", ",  Lund  ,").encode(), "read", what="values padded with spaces", rows=N)
    # --- files that are not what they claim
    C.append(Case("xlsx_extension", "table", "export.xlsx", b"PK\x03\x04" + b"\x00" * 100, "refuse", "unsupported file type", what="an .xlsx file"))
    C.append(Case("no_extension", "table", "export", plain.encode(), "refuse", "unsupported file type", what="a CSV without a suffix"))
    C.append(Case("directory_named_csv", "table", "dir.csv", None, "refuse", "is a directory|directory holds no", what="an empty directory named .csv (commands read a directory as a dataset of shards)"))
    C.append(Case("missing_file", "table", "missing.csv", None, "refuse", "file not found", what="a path that does not exist"))
    # --- JSON lines and Parquet tables
    jl = "".join(json.dumps(dict(zip(HEADER, r[:4] + [float(r[4])])), ensure_ascii=False) + "\n" for r in base)
    C.append(Case("jsonl_ok", "table", "jsonl_ok.jsonl", jl.encode(), "read", checks={"rows": N, "columns": HEADER}, what="JSON lines"))
    bad = jl.splitlines(keepends=True)
    bad[2] = '{"id": "1002", "name": "Chen\n'
    C.append(Case("jsonl_malformed_line", "table", "jsonl_malformed_line.jsonl", "".join(bad).encode(), "refuse", "line 3: malformed JSON", what="a truncated JSON line"))
    arr = jl.splitlines(keepends=True)
    arr[4] = "[1, 2, 3]\n"
    C.append(Case("jsonl_array_line", "table", "jsonl_array_line.jsonl", "".join(arr).encode(), "refuse", "line 5: expected a JSON object", what="a line holding an array"))
    nest = jl.replace('"city": "Lund"', '"city": {"name": "Lund", "zip": "22100"}')
    C.append(Case("jsonl_nested", "table", "jsonl_nested.jsonl", nest.encode(), "warn", "nested values", what="an object inside a value", checks={"rows": N}))
    C.append(Case("jsonl_blank_lines", "table", "jsonl_blank_lines.jsonl", jl.replace("\n", "\n\n", 5).encode(), "read", checks={"rows": N}, what="blank lines between JSON lines"))
    C.append(Case("jsonl_inf_nan", "table", "jsonl_inf_nan.jsonl", jl.replace('"amount": 20.0', '"amount": Infinity', 1).replace('"amount": 57.01', '"amount": NaN', 1).encode(), "read",
                  checks={"dtype": ("amount", "float64"), "missing": ("amount", 1)}, what="Infinity and NaN in JSON numbers"))
    C.append(Case("jsonl_binary", "table", "jsonl_binary.jsonl", random.Random(5).randbytes(2048), "refuse", "binary", what="random bytes renamed .jsonl"))
    pq = _parquet(pd.DataFrame({**{h: [r[j] for r in base] for j, h in enumerate(HEADER[:4])}, "amount": [float(r[4]) if i else float("inf") for i, r in enumerate(base)]}))
    C.append(Case("parquet_ok_with_inf", "table", "parquet_ok_with_inf.parquet", pq, "read", checks={"rows": N, "dtype": ("amount", "float64"), "missing": ("amount", 1)}, what="Parquet with an inf"))
    C.append(Case("parquet_truncated", "table", "parquet_truncated.parquet", pq[: len(pq) // 2], "refuse", "cannot read Parquet", what="a Parquet file cut in half"))
    C.append(Case("parquet_is_csv", "table", "parquet_is_csv.parquet", plain.encode(), "refuse", "not a Parquet file", what="a CSV renamed .parquet"))
    # --- text documents
    docs = "".join(json.dumps({"id": f"n{i}", "text": f"Call from {FIRST[i % 12]} {LAST[i % 10]} about invoice {i}."}) + "\n" for i in range(20))
    C.append(Case("notes_ok", "text", "notes_ok.jsonl", docs.encode(), "read", checks={"docs": 20}, what="text documents (JSON lines)"))
    C.append(Case("notes_missing_field", "text", "notes_missing_field.jsonl", docs.replace('"text"', '"body"', 1).encode(), "refuse", "line 1: no field 'text'", what="a document without the text field"))
    nested_doc = json.dumps({"id": "n0", "text": {"body": "Call from Ana Souza."}}) + "\n"
    C.append(Case("notes_nested_text", "text", "notes_nested_text.jsonl", (nested_doc + docs).encode(), "refuse", "not text",
                  what="a text field holding an object"))
    C.append(Case("notes_txt_latin1", "text", "notes_txt_latin1.txt", "Björn Åberg ringde.\nGåärd skickade ett brev.\n".encode("latin-1"), "warn", "encoding guessed", checks={"docs": 2},
                  what="plain-text notes in Latin-1"))
    C.append(Case("notes_binary", "text", "notes_binary.txt", gzip.compress(docs.encode()), "refuse", "gzip", what="a gzipped file renamed .txt"))
    C.append(Case("notes_empty", "text", "notes_empty.jsonl", b"\n\n", "refuse", "no documents", what="only blank lines"))
    # --- policies
    def pol(name: str, text: str | bytes, expect: str, fragment: str = "", what: str = "", filename: str = "") -> None:
        C.append(Case(name, "policy", filename or f"{name}.yaml", text if isinstance(text, bytes) else text.encode(), expect, fragment, what=what))

    pol("policy_ok", "extends: internal-ci\ncolumns:\n  email:\n    operator: drop\n", "read", what="a valid policy")
    pol("policy_unknown_operator", "columns:\n  email:\n    operator: rot13\n", "refuse", "columns.email.operator: unknown operator 'rot13'", "operator: rot13")
    pol("policy_unknown_default_operator", "transform:\n  default_operators:\n    direct_identifier: shred\n", "refuse", "transform.default_operators.direct_identifier: unknown operator", "an unknown default operator")
    pol("policy_extends_missing_preset", "extends: strict-mode\n", "refuse", "extends: unknown policy preset 'strict-mode'", "extends a preset that does not exist")
    pol("policy_extends_missing_file", "extends: ./base.yaml\n", "refuse", "extends: ", "extends a file that does not exist")
    pol("policy_extends_directory", "extends: ./\n", "refuse", "is a directory", "extends a directory")
    pol("policy_unknown_threshold", "evaluate:\n  thresholds:\n    mia_auc_maximum: 0.6\n", "refuse", "evaluate.thresholds.mia_auc_maximum: unknown key", "a misspelt threshold")
    pol("policy_wrong_type", "evaluate:\n  thresholds:\n    k_min: five\n", "refuse", "evaluate.thresholds.k_min", "k_min: five")
    pol("policy_out_of_range", "evaluate:\n  thresholds:\n    mia_auc_max: 7\n", "refuse", "evaluate.thresholds.mia_auc_max", "a threshold above 1")
    pol("policy_duplicate_key", "gate:\n  fail_on_warn: true\ngate:\n  skip: []\n", "refuse", "appears twice", "one key twice (YAML keeps the last)")
    pol("policy_not_mapping", "- a\n- b\n", "refuse", "must be a YAML mapping", "a YAML list")
    pol("policy_malformed_yaml", "columns:\n  email: [drop\n", "refuse", "malformed YAML", "unclosed bracket")
    pol("policy_unknown_validator", "scan:\n  recognizers:\n    - name: r\n      entity_type: X\n      validator: crc99\n", "refuse", "unknown validator 'crc99'", "a recognizer validator that does not exist")
    pol("policy_unknown_model", "synthesize:\n  model: gpt\n", "refuse", "synthesize.model: unknown synthesizer", "an unknown synthesizer")
    pol("policy_sources_unknown", "sources:\n  evaluate.thresholds.k_minimum: El Emam 2013\n", "refuse", "sources.evaluate.thresholds.k_minimum", "a source cited for a setting that does not exist")
    pol("policy_binary", gzip.compress(b"columns: {}\n"), "refuse", "binary", "a gzipped policy")
    pol("policy_latin1", "description: Gåärd\n".encode("latin-1"), "refuse", "not UTF-8", "a policy saved as Latin-1")
    pol("policy_empty", b"", "read", what="an empty policy (all defaults)")
    C.append(Case("policy_directory", "policy", "policydir", None, "refuse", "is a directory", what="a directory given as policy"))
    C.append(Case("policy_cycle", "policy", "policy_cycle.yaml", b"extends: policy_cycle.yaml\n", "refuse", "cycle", what="a policy that extends itself"))
    # --- evidence
    ev = _evidence_json()

    def evid(name: str, data: bytes, expect: str, fragment: str = "", what: str = "") -> None:
        C.append(Case(name, "evidence", f"{name}.json", data, expect, fragment, what=what))

    evid("evidence_ok", ev.encode(), "read", what="evidence written by privsynth")
    evid("evidence_truncated", ev.encode()[: len(ev) // 2], "refuse", "not valid JSON", "cut in half")
    evid("evidence_future_schema", json.dumps({**json.loads(ev), "schema_version": "99.0"}).encode(), "refuse", "not supported", "a future schema version")
    evid("evidence_array", b"[1, 2]", "refuse", "must be a JSON object", "a JSON array")
    evid("evidence_missing_field", json.dumps({k: v for k, v in json.loads(ev).items() if k != "created_at"}).encode(), "refuse", "not an evidence document", "created_at removed")
    evid("evidence_binary", random.Random(6).randbytes(1024), "refuse", "binary", "random bytes")
    evid("evidence_deep_nesting", b"[" * 100_000 + b"]" * 100_000, "refuse", "nested too deeply", "100 000 nested arrays")
    # --- keys
    def key(name: str, data: bytes, expect: str, fragment: str = "", what: str = "") -> None:
        C.append(Case(name, "key", f"{name}.key", data, expect, fragment, what=what))

    key("key_ok", (KEY_HEX + "\n").encode(), "read", what="a key written like `privsynth keygen`")
    key("key_too_short", b"abcd\n", "refuse", "key too short", "2 bytes")
    key("key_not_ascii", "ключ\n".encode(), "refuse", "not ASCII", "non-ASCII text")
    key("key_empty", b"\n", "refuse", "the key is empty", "an empty line")
    key("key_binary", struct.pack("<8d", *range(8)), "refuse", "binary", "binary bytes")
    return C


def build(root: Path) -> list[Case]:
    """Write every case under `root`; returns the cases with their `path` set."""
    root.mkdir(parents=True, exist_ok=True)
    out = cases()
    for c in out:
        p = root / c.filename
        if c.name in ("directory_named_csv", "policy_directory"):
            p.mkdir(exist_ok=True)
        elif c.data is not None:
            p.write_bytes(c.data)
        c.path = p
    return out


def _has(fragment: str, text: str) -> bool:
    """True when `text` holds `fragment`, or one of its '|'-separated alternatives."""
    return any(f in text for f in fragment.split("|"))


# --------------------------------------------------------------------------- commands


COMMANDS: dict[str, list[str]] = {
    "table": ["scan", "scan -", "anonymize", "reidentify", "policy validate --data", "synthesize", "evaluate", "audit"],
    "text": ["scan --text-field"],
    "policy": ["policy validate", "policy show", "scan --policy"],
    "evidence": ["report", "gate"],
    "key": ["anonymize --key-file", "reidentify --key-file"],
}
HEAVY = {"synthesize", "evaluate", "audit"}


def applies(case: Case, command: str) -> bool:
    """Whether `command` is run on `case` ('scan -' needs bytes with a table suffix to pipe)."""
    if command == "scan -":
        return case.data is not None and Path(case.filename).suffix in (".csv", ".tsv", ".jsonl", ".parquet")
    return True


@dataclass
class Outcome:
    command: str
    exit_code: int
    stdout: str
    stderr: str
    outputs_left: list[str]
    input_changed: bool
    seconds: float

    @property
    def label(self) -> str:
        if self.exit_code == 2:
            return "refused"
        return "warned" if self.reader_warnings else "read"

    @property
    def reader_warnings(self) -> list[str]:
        return [ln for ln in self.stderr.splitlines() if ln.startswith("warning: ")]

    @property
    def error_lines(self) -> list[str]:
        return [ln for ln in self.stderr.splitlines() if ln.strip() and not ln.startswith("warning: ")]


def _hash(p: Optional[Path]) -> str:
    if p is None or not p.exists() or p.is_dir():
        return ""
    return hashlib.sha256(p.read_bytes()).hexdigest()


def _good_table(work: Path) -> Path:
    p = work / "good.csv"
    if not p.exists():
        p.write_text(_csv(_people()), encoding="utf-8")
    return p


def run(case: Case, command: str, work: Path) -> Outcome:
    """Run `command` on `case` with Click's runner; outputs go to a fresh directory under `work`."""
    from click.testing import CliRunner

    from privsynth.cli import cli

    assert case.path is not None
    out = work / f"out-{case.name}-{command.replace(' ', '_').replace('-', '')}"
    out.mkdir(parents=True, exist_ok=True)
    data = str(case.path)
    stdin: Optional[bytes] = None
    args: list[str]
    if command == "scan":
        args = ["scan", data, "--format", "json", "--quiet"]
    elif command == "scan -":
        fmt = {".tsv": "tsv", ".jsonl": "jsonl", ".parquet": "parquet", ".json": "json"}.get(case.path.suffix, "csv")
        args = ["scan", "-", "--input-format", fmt, "--format", "json", "--quiet"]
        stdin = case.data or b""
    elif command == "anonymize":
        args = ["anonymize", data, "--out", str(out / "release.csv"), "--evidence", str(out / "evidence.json"), "--quiet"]
    elif command == "reidentify":
        args = ["reidentify", data, "--out", str(out / "back.csv")]
    elif command == "policy validate --data":
        args = ["policy", "validate", "internal-ci", "--data", data]
    elif command == "synthesize":
        args = ["synthesize", data, "--out", str(out / "synthetic.csv"), "--quiet", "--epochs", "1"]
    elif command == "evaluate":
        args = ["evaluate", "--original", data, "--release", data, "--out", str(out / "evidence.json"), "--quiet", "--exit-zero"]
    elif command == "audit":
        args = ["audit", data, "--out-dir", str(out / "audit"), "--mode", "anonymize", "--quiet", "--exit-zero"]
    elif command == "scan --text-field":
        args = ["scan", data, "--text-field", "text", "--format", "json", "--quiet"] if case.path.suffix != ".txt" else ["scan", data, "--format", "json", "--quiet"]
    elif command == "policy validate":
        args = ["policy", "validate", data]
    elif command == "policy show":
        args = ["policy", "show", data]
    elif command == "scan --policy":
        args = ["scan", str(_good_table(work)), "--policy", data, "--quiet"]
    elif command == "report":
        args = ["report", data, "--out", str(out / "report.html")]
    elif command == "gate":
        args = ["gate", data, "--out", str(out / "regated.json"), "--exit-zero"]
    elif command == "anonymize --key-file":
        args = ["anonymize", str(_good_table(work)), "--out", str(out / "release.csv"), "--key-file", data, "--quiet"]
    elif command == "reidentify --key-file":
        args = ["reidentify", str(_good_table(work)), "--out", str(out / "back.csv"), "--key-file", data]
    else:
        raise ValueError(command)
    before = _hash(case.path)
    env = {"PRIVSYNTH_KEY": KEY_HEX} if "--key-file" not in command else {"PRIVSYNTH_KEY": ""}
    cwd = os.getcwd()
    t0 = time.perf_counter()
    try:
        os.chdir(case.path.parent)  # relative `extends:` and the like resolve beside the case
        res = CliRunner().invoke(cli, args, input=stdin, env=env, catch_exceptions=True)
    finally:
        os.chdir(cwd)
    seconds = time.perf_counter() - t0
    stderr = res.stderr
    if res.exception is not None and not isinstance(res.exception, SystemExit):
        import traceback

        stderr += "\nTraceback (escaped the CLI):\n" + "".join(traceback.format_exception(res.exception))
    left = sorted(str(p.relative_to(out)) for p in out.rglob("*") if p.is_file())
    return Outcome(command, res.exit_code, res.stdout, stderr, left, _hash(case.path) != before, seconds)


def problems(case: Case, o: Outcome) -> list[str]:
    """What is wrong with outcome `o` of a command on `case` (empty when all is well)."""
    bad: list[str] = []
    text = o.stdout + o.stderr
    if "Traceback" in text or "internal error" in text:
        bad.append("traceback or internal error")
    if o.exit_code not in (0, 1, 2):
        bad.append(f"exit code {o.exit_code}")
    if o.input_changed:
        bad.append("input modified")
    if o.exit_code == 2:
        if len(o.error_lines) != 1 or not o.error_lines[0].startswith("error: "):
            bad.append(f"error is not one line: {o.error_lines!r}")
        if o.outputs_left:
            bad.append(f"partial output left: {o.outputs_left}")
    reader_side = case.kind in ("table", "text") or o.command.startswith(("policy", "scan --policy"))
    fragment = case.fragment.replace("file is empty", "is empty") if o.command == "scan -" else case.fragment
    if case.expect == "refuse":
        if o.exit_code != 2:
            bad.append(f"silent mis-read: expected a refusal ({case.fragment!r}), got exit {o.exit_code}")
        elif not _has(fragment, o.stderr):
            bad.append(f"refused for another reason than {case.fragment!r}: {o.error_lines}")
    elif case.expect == "warn":
        if fragment not in o.stderr:
            bad.append(f"silent mis-read: expected a warning {case.fragment!r}")
    elif case.expect == "read" and reader_side:
        mine = [w for w in o.reader_warnings if str(case.path) in w or "<stdin>" in w]
        if mine:
            bad.append(f"unexpected reader warning: {mine}")
    return bad


def check_read(case: Case) -> list[str]:
    """The library-level reading of `case` against its expectation and checks."""
    from privsynth.errors import PrivsynthError

    assert case.path is not None
    bad: list[str] = []
    try:
        if case.kind == "table":
            from privsynth.io import read_info, read_table

            df = read_table(case.path)
            info = read_info(df)
            c = case.checks
            if "rows" in c and len(df) != c["rows"]:
                bad.append(f"{len(df)} rows, expected {c['rows']}")
            if "columns" in c and list(df.columns) != c["columns"]:
                bad.append(f"columns {list(df.columns)}, expected {c['columns']}")
            if "value" in c:
                col, row, want = c["value"]
                got = df[col].iloc[row]
                if got != want:
                    bad.append(f"{col}[{row}] read as {got!r}, expected {want!r}")
            if "dtype" in c and str(df[c["dtype"][0]].dtype) != c["dtype"][1]:
                bad.append(f"{c['dtype'][0]} is {df[c['dtype'][0]].dtype}, expected {c['dtype'][1]}")
            if "missing" in c and info is not None and info.numeric_missing.get(c["missing"][0]) != c["missing"][1]:
                bad.append(f"missing tokens {info.numeric_missing}, expected {c['missing']}")
            warned = info.warnings if info else []
        elif case.kind == "text":
            from privsynth.io import read_text_documents

            _, texts = read_text_documents(case.path, "text")
            if "docs" in case.checks and len(texts) != case.checks["docs"]:
                bad.append(f"{len(texts)} documents, expected {case.checks['docs']}")
            warned = []
        elif case.kind == "policy":
            from privsynth.policy import load_policy

            cwd = os.getcwd()
            try:
                os.chdir(case.path.parent)
                load_policy(case.path.name if case.path.is_file() else str(case.path))
            finally:
                os.chdir(cwd)
            warned = []
        elif case.kind == "evidence":
            from privsynth.report import load_evidence

            load_evidence(case.path)
            warned = []
        else:
            from privsynth.transform.keys import load_key

            load_key(case.path)
            warned = []
    except PrivsynthError as e:
        msg = str(e)
        if "\n" in msg:
            bad.append("error message has several lines")
        if case.expect != "refuse":
            bad.append(f"refused: {msg}")
        elif not _has(case.fragment, msg):
            bad.append(f"refused with {msg!r}, expected {case.fragment!r}")
        return bad
    if case.expect == "refuse":
        bad.append(f"read, expected a refusal ({case.fragment!r})")
    elif case.expect == "warn" and case.kind == "table" and not any(case.fragment in w for w in warned):
        bad.append(f"no warning {case.fragment!r} (warnings: {warned})")
    elif case.expect == "read" and case.kind == "table" and warned:
        bad.append(f"unexpected warnings: {warned}")
    return bad


# --------------------------------------------------------------------------- the matrix


def _cell(o: Outcome) -> str:
    return {"read": "read", "warned": "warned", "refused": "refused"}[o.label]


def matrix(work: Path, heavy: bool = True) -> tuple[str, int]:
    """The case x command matrix as Markdown, and the number of problems found."""
    cs = build(work / "corpus")
    lines: list[str] = []
    total_problems = 0
    counts = {"cases": len(cs), "runs": 0, "tracebacks": 0, "silent": 0, "partial": 0, "modified": 0}
    sections = []
    for kind in ("table", "text", "policy", "evidence", "key"):
        cmds = [c for c in COMMANDS[kind] if heavy or c not in HEAVY]
        cs_kind = [c for c in cs if c.kind == kind]
        rows = [f"| case | what | expected | library | " + " | ".join(f"`{c}`" for c in cmds) + " | message (first command) |",
                "|" + "---|" * (len(cmds) + 5)]
        for case in cs_kind:
            lib = check_read(case)
            cells = []
            first_msg = ""
            for cmd in cmds:
                if not applies(case, cmd):
                    cells.append("–")
                    continue
                o = run(case, cmd, work / "runs")
                counts["runs"] += 1
                pr = problems(case, o)
                text = o.stdout + o.stderr
                counts["tracebacks"] += ("Traceback" in text or "internal error" in text)
                counts["silent"] += any("silent" in p for p in pr)
                counts["partial"] += any("partial" in p for p in pr)
                counts["modified"] += o.input_changed
                total_problems += len(pr)
                cells.append(_cell(o) + (" **(" + "; ".join(pr) + ")**" if pr else ""))
                if not first_msg:
                    first_msg = ((o.error_lines if o.exit_code == 2 else []) or o.reader_warnings or [""])[0]
            total_problems += len(lib)
            msg = first_msg.replace(str(case.path), case.filename).replace(str(work), "…").replace("|", "\\|")
            exp = case.expect + (f": {case.fragment}" if case.fragment else "")
            rows.append(f"| `{case.name}` | {case.what} | {exp.replace('|', '/')} | {'ok' if not lib else '**' + '; '.join(lib) + '**'} | " + " | ".join(cells) + f" | {msg[:160]} |")
        sections.append((kind, rows))
    lines.append(f"{counts['cases']} cases, {counts['runs']} command runs: {counts['tracebacks']} tracebacks, {counts['silent']} silent mis-reads, "
                 f"{counts['partial']} partial outputs, {counts['modified']} modified inputs; {total_problems} problems in all.")
    for kind, rows in sections:
        lines += ["", f"### {kind} inputs", ""] + rows
    return "\n".join(lines) + "\n", total_problems


HEAD = """# Inputs: what privsynth reads, warns about, or refuses

<!-- generated by `PYTHONPATH=$PWD python tests/bad_input_corpus.py --out docs/inputs.md`; do not edit by hand -->

How tables are read (encoding, dialect, numbers, structure) is described in the reading rules below;
this page ends with the bad-input corpus (`tests/bad_input_corpus.py`): every case run through
every command that reads that kind of file. **read**: exit 0 or 1, no reader warning; **warned**:
read, with a `warning:` line naming the file; **refused**: exit 2 with one `error:` line naming the
file (and the line, for structure problems). A cell in bold names a problem. Commands run
in-process with Click's runner; `synthesize` with `--epochs 1`, `audit` with `--mode anonymize`.
The corpus is fictitious: names from short lists, e-mail addresses at example.org.

"""


def main(argv: Optional[list[str]] = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", type=Path, help="write the Markdown page here (default: print the matrix)")
    ap.add_argument("--rules", type=Path, default=Path("docs/inputs.rules.md"), help="Markdown with the reading rules, put before the matrix")
    ap.add_argument("--light", action="store_true", help="skip synthesize, evaluate and audit")
    a = ap.parse_args(argv)
    import logging
    import tempfile

    logging.getLogger("privsynth").addHandler(logging.NullHandler())  # library-level reads: warnings are checked, not printed
    logging.getLogger("privsynth").propagate = False
    with tempfile.TemporaryDirectory() as tmp:
        t0 = time.perf_counter()
        body, n = matrix(Path(tmp), heavy=not a.light)
        took = time.perf_counter() - t0
    load = os.getloadavg()
    rules = a.rules.read_text(encoding="utf-8") if a.rules and a.rules.exists() else ""
    page = HEAD + rules + f"\n## The corpus matrix\n\nRun took {took:.0f} s (load average {load[0]:.1f} on a shared 2-core machine).\n\n" + body
    if a.out:
        a.out.write_text(page, encoding="utf-8")
        print(f"wrote {a.out}: {n} problems", file=sys.stderr)
    else:
        print(page)
    return 1 if n else 0


if __name__ == "__main__":
    sys.exit(main())
