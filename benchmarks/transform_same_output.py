"""Same output from two checkouts of the transform stage: write the outputs, then compare them.

`write` runs `anonymize_table` of the checkout on PYTHONPATH with a fixed key (mapping asked,
no text detector: record-aware redaction alone rewrites the free text) on:
  - the benchmark table of `transform_bench.py` (N rows, 10 columns, seed 0; `income` kept so no
    random noise) plus its notes column (`--notes` of transform_ab.py), record-aware redaction on;
  - the leak tables of `tests/leak_tables.py` in German, English and French (identifier columns
    with non-ASCII names, local phone formats, IBANs, cards, addresses, notes), seed 3,
    with `transform.locale` of the language;
and writes for each table the output CSV, the mapping CSV and the transform statistics (JSON).
`compare` prints the SHA-256 of every file in two such directories and exits 1 when one differs.

Usage:
  PYTHONPATH=/path/to/checkout-A python benchmarks/transform_same_output.py write --out /tmp/A [--rows 100000] [--leak-rows 2000]
  PYTHONPATH=/path/to/checkout-B python benchmarks/transform_same_output.py write --out /tmp/B
  python benchmarks/transform_same_output.py compare /tmp/A /tmp/B
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from pathlib import Path

HERE = Path(__file__).resolve()
KEY = bytes(range(32))
LOCALES = {"de": "de_DE", "en": "en_GB", "fr": "fr_FR"}


def _write(out, data, mapping, stats, d: Path, name: str) -> None:
    data.to_csv(d / f"{name}.csv", index=False)
    mapping.to_csv(d / f"{name}.mapping.csv", index=False)
    (d / f"{name}.stats.json").write_text(json.dumps(stats, sort_keys=True, default=str, indent=1), encoding="utf-8")


def write(out_dir: Path, rows: int, leak_rows: int) -> None:
    import privsynth
    from privsynth.policy.models import Policy
    from privsynth.transform import anonymize_table

    sys.path.insert(1, str(HERE.parent))
    sys.path.insert(2, str(HERE.parents[1] / "tests"))
    import transform_bench as tb
    from leak_tables import make_table, policy_columns

    out_dir.mkdir(parents=True, exist_ok=True)
    print(f"privsynth from {Path(privsynth.__file__).parent}", file=sys.stderr)

    def no_spans(texts):
        return [[] for _ in texts]

    df = tb.add_notes(tb.make_table(rows))
    cols = dict(tb.POLICY["columns"])
    cols["income"] = {"operator": "keep"}
    cols["notes"] = {"operator": "surrogate"}
    pol = Policy.model_validate({"columns": cols, "transform": {"record_redaction": True}})
    res = anonymize_table(df, None, pol, key=KEY, detector=no_spans, want_mapping=True)
    _write(out_dir, res.data, res.mapping, res.report.stats, out_dir, f"bench{rows}")
    for lang, locale in LOCALES.items():
        df = make_table(lang, leak_rows, seed=3, templates="heldout")
        pol = Policy.model_validate({"columns": policy_columns(lang), "transform": {"locale": locale}})
        res = anonymize_table(df, None, pol, key=KEY, detector=no_spans, want_mapping=True)
        _write(out_dir, res.data, res.mapping, res.report.stats, out_dir, f"leak-{lang}{leak_rows}")


def compare(a: Path, b: Path) -> int:
    names = sorted({p.name for p in a.iterdir()} | {p.name for p in b.iterdir()})
    bad = 0
    for n in names:
        ha = hashlib.sha256((a / n).read_bytes()).hexdigest() if (a / n).is_file() else "missing"
        hb = hashlib.sha256((b / n).read_bytes()).hexdigest() if (b / n).is_file() else "missing"
        same = ha == hb
        bad += not same
        print(f"{'same' if same else 'DIFFERENT'}  {n}  {ha[:16]}  {hb[:16]}")
    print(f"{len(names) - bad} of {len(names)} files identical")
    return 1 if bad else 0


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = ap.add_subparsers(dest="cmd", required=True)
    w = sub.add_parser("write")
    w.add_argument("--out", type=Path, required=True)
    w.add_argument("--rows", type=int, default=100_000)
    w.add_argument("--leak-rows", type=int, default=2000)
    c = sub.add_parser("compare")
    c.add_argument("a", type=Path)
    c.add_argument("b", type=Path)
    a = ap.parse_args()
    if a.cmd == "write":
        write(a.out, a.rows, a.leak_rows)
    else:
        raise SystemExit(compare(a.a, a.b))


if __name__ == "__main__":
    main()
