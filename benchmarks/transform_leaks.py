"""Real identifier values left in the output of `anonymize_table`, on fictitious DE/EN/FR tables.

Tables: tests/leak_tables.py (identifier columns + notes that repeat the row's own values and
other customers' names in local formats); two disjoint template sets per language, "dev" (used
while building record-aware redaction) and "heldout" (written before, only measured).
Checker: tests/leakcheck.py (whole cells, and normalised tokens inside text).
Policy: the table's roles declared in `columns:` (so the scan does not vary), default operators
(direct identifiers pseudonymized, notes surrogate-rewritten with privsynth's text detector),
`transform.locale` of the language, a fresh random key per run.

Usage:
  PYTHONPATH=. python benchmarks/transform_leaks.py [--rows 3000] [--langs de,en,fr] [--templates dev,heldout]
      [--record-redaction on|off] [--out result.json]
Run it with PYTHONPATH pointing at another checkout to measure that code (the "before" figures).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from leak_tables import identifier_columns, make_table, policy_columns, text_column  # noqa: E402
from leakcheck import check  # noqa: E402

LOCALE = {"de": "de_DE", "en": "en_GB", "fr": "fr_FR"}
REGION = {"de": "DE", "en": "GB", "fr": "FR"}


def run(lang: str, rows: int, templates: str, record_redaction: str) -> dict:
    from privsynth.policy.models import Policy, TransformSettings
    from privsynth.transform import anonymize_table, generate_key

    df = make_table(lang, rows, seed=11, templates=templates)
    transform = {"locale": LOCALE[lang]}
    if "record_redaction" in TransformSettings.model_fields:
        transform["record_redaction"] = record_redaction == "on"
    pol = Policy.model_validate({"columns": policy_columns(lang), "transform": transform})
    try:  # main after the entity catalogue: stages are given their text detector
        from privsynth.pipeline import text_detector

        kw = {"detector": text_detector(pol)}
    except ImportError:
        kw = {}
    t0 = time.perf_counter()
    out = anonymize_table(df, None, pol, key=generate_key(), **kw)
    secs = time.perf_counter() - t0
    tc = text_column(lang)
    rep = check(df, out.data, identifier_columns(lang), REGION[lang], max_examples=10**6)
    in_text = {}
    in_cells = {}
    for lk in rep.leaks:
        d = in_text if lk.column == tc else in_cells
        d[lk.kind] = d.get(lk.kind, 0) + 1
    st = out.report.stats.get("columns", {}).get(tc, {})
    return {"lang": lang, "templates": templates, "rows": rows, "seconds": round(secs, 1),
            "leaks_total": rep.total, "rows_with_leaks": rep.rows_with_leaks,
            "leaks_in_notes": dict(sorted(in_text.items())), "leaks_in_identifier_columns": dict(sorted(in_cells.items())),
            "record_redaction": st.get("record_redaction"), "detector_spans": st.get("spans_replaced")}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", type=int, default=3000)
    ap.add_argument("--langs", default="de,en,fr")
    ap.add_argument("--templates", default="dev,heldout")
    ap.add_argument("--record-redaction", choices=["on", "off"], default="on")
    ap.add_argument("--out", type=Path)
    a = ap.parse_args()
    import privsynth

    res = {"code": str(Path(privsynth.__file__).resolve().parents[1]), "runs": []}
    for lang in a.langs.split(","):
        for tpl in a.templates.split(","):
            r = run(lang, a.rows, tpl, a.record_redaction)
            res["runs"].append(r)
            print(json.dumps(r), file=sys.stderr, flush=True)
    if a.out:
        a.out.write_text(json.dumps(res, indent=1) + "\n", encoding="utf-8")
    print(json.dumps(res, indent=1))


if __name__ == "__main__":
    main()
