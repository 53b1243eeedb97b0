"""Score a privsynth checkout on the frozen heldout14b set (six languages; untouched by tuning).

Usage (from anywhere):
  PYTHONPATH=<checkout> python benchmarks/eval_sets/untouched/score.py [--vanilla] [--json out.json]

- privsynth: `privsynth.detect.analyze_texts(texts)` with no policy (default language identification,
  as a user runs it), called once per language (each language's sentences are one column/batch).
- metric: the checkout's benchmarks/detect_text.py `evaluate` (pooled token F2, gold ORGANIZATION/TITLE
  ignored; per-kind recall type-aware via its COMPATIBLE table). Also per-kind "any-label" recall (gold
  token covered by any predicted entity, what pooled F2 counts).
- intervals: 95% percentile bootstrap over sentences (2,000 resamples, seed 0) of pooled P/R/F2, per language;
  also over whole templates (sentences of one template are correlated: the wider, more honest interval).
- convention note: the gold marks street, postcode and city as separate spans (like benchmarks/eval_sets/
  multilingual.jsonl), so the comma between them is gold O; a detector returning one address span gets a
  false-positive token there. The count and an F2 with those tokens ignored are printed for information;
  the headline F2 is evaluate()'s, unchanged.
- --vanilla: vanilla Presidio (detect_text.py's run_vanilla, language "en") on the English sentences.
Only aggregate numbers are printed: no sentence, span or error listing (the set must stay untouched).
"""
from __future__ import annotations

import argparse
import hashlib
import json
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

HERE = Path(__file__).resolve().parent
SET = HERE / "heldout.jsonl"
LANGS = ["en", "de", "fr", "es", "nl", "it"]
N_BOOT = 2000


def check_frozen():
    want = next(l.split()[0] for l in (HERE / "FROZEN.txt").read_text().splitlines() if l.endswith("heldout.jsonl"))
    got = hashlib.sha256(SET.read_bytes()).hexdigest()
    if got != want:
        sys.exit(f"heldout.jsonl sha256 {got} != FROZEN.txt {want}: the set changed, refusing to score")
    return got


def _joiners(dt, text, spans):
    """Token starts of punctuation tokens lying between two adjacent gold location-like spans
    (e.g. the comma in "street, postcode city"): gold O by the eval_sets convention."""
    loc = sorted((s["start_position"], s["end_position"]) for s in spans if s["entity_type"] in dt.LOCATION_LIKE)
    out = set()
    for (_, e1), (s2, _) in zip(loc, loc[1:]):
        gap = text[e1:s2]
        if gap.strip() and all(not ch.isalnum() for ch in gap):
            out |= {m.start() + e1 for m in dt.TOKEN.finditer(gap)}
    return out


def counts_per_sentence(dt, rows, preds):
    """(tp, fp, fn, fp_joiner) per sentence with detect_text's token rule (same loop as its evaluate);
    fp_joiner = false-positive tokens that are punctuation between two adjacent gold location spans."""
    out = []
    for row, pred in zip(rows, preds):
        text = row["full_text"]
        gold = dt.token_labels(text, [(s["start_position"], s["end_position"], s["entity_type"]) for s in row["spans"]])
        pr = dt.token_labels(text, pred)
        starts = [m.start() for m in dt.TOKEN.finditer(text)]
        joiners = _joiners(dt, text, row["spans"])
        tp = fp = fn = fj = 0
        for st, g, p in zip(starts, gold, pr):
            if g in dt.IGNORED:
                continue
            if g != "O" and p != "O":
                tp += 1
            elif g != "O":
                fn += 1
            elif p != "O":
                fp += 1
                fj += st in joiners
        out.append((tp, fp, fn, fj))
    return out


def prf(tp, fp, fn):
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    f2 = 5 * p * r / (4 * p + r) if p + r else 0.0
    return p, r, f2


def bootstrap(counts, seed=0, clusters=None):
    """Percentile bootstrap of pooled P/R/F2; resampling sentences, or whole templates if `clusters`
    (a template id per sentence) is given."""
    import numpy as np

    c = np.asarray([x[:3] for x in counts], dtype=float)
    rng = np.random.default_rng(seed)
    if clusters is not None:
        ids = sorted(set(clusters))
        c = np.stack([c[[i for i, k in enumerate(clusters) if k == t]].sum(axis=0) for t in ids])
    idx = rng.integers(0, len(c), size=(N_BOOT, len(c)))
    s = c[idx].sum(axis=1)  # (N_BOOT, 3)
    tp, fp, fn = s[:, 0], s[:, 1], s[:, 2]
    with np.errstate(invalid="ignore", divide="ignore"):
        p = np.where(tp + fp > 0, tp / (tp + fp), 0.0)
        r = np.where(tp + fn > 0, tp / (tp + fn), 0.0)
        f2 = np.where(p + r > 0, 5 * p * r / (4 * p + r), 0.0)
    q = lambda a: (float(np.percentile(a, 2.5)), float(np.percentile(a, 97.5)))
    return {"precision": q(p), "recall": q(r), "f2": q(f2)}


def any_label_recall(dt, rows, preds):
    gold_n, hit = Counter(), Counter()
    for row, pred in zip(rows, preds):
        text = row["full_text"]
        gold = dt.token_labels(text, [(s["start_position"], s["end_position"], s["entity_type"]) for s in row["spans"]])
        pr = dt.token_labels(text, pred)
        for g, p in zip(gold, pr):
            if g == "O" or g in dt.IGNORED:
                continue
            gold_n[g] += 1
            hit[g] += p != "O"
    return {g: hit[g] / gold_n[g] for g in gold_n}


def score(dt, rows, preds):
    m = dt.evaluate(rows, preds)
    counts = counts_per_sentence(dt, rows, preds)
    tot = [sum(x[i] for x in counts) for i in range(4)]
    p, r, f2 = prf(*tot[:3])
    assert abs(f2 - m["f2"]) < 1e-12 and abs(p - m["precision"]) < 1e-12, "per-sentence counts disagree with evaluate()"
    m["tokens"] = {"tp": tot[0], "fp": tot[1], "fn": tot[2], "fp_address_joiners": tot[3]}
    m["f2_joiners_ignored"] = prf(tot[0], tot[1] - tot[3], tot[2])[2]
    m["ci95"] = bootstrap(counts)
    m["ci95_template_bootstrap"] = bootstrap(counts, clusters=[r["template_id"] for r in rows])
    m["any_label_recall"] = any_label_recall(dt, rows, preds)
    return m


def main(argv=None):
    ap = argparse.ArgumentParser()
    ap.add_argument("--vanilla", action="store_true", help="also vanilla Presidio on the English sentences")
    ap.add_argument("--json", default=None, help="write the numbers here")
    ap.add_argument("--langs", default=",".join(LANGS))
    a = ap.parse_args(argv)
    sha = check_frozen()

    import privsynth

    checkout = Path(privsynth.__file__).resolve().parents[1]
    sys.path.insert(0, str(checkout / "benchmarks"))
    import detect_text as dt

    try:
        rev = subprocess.run(["git", "-C", str(checkout), "rev-parse", "--short", "HEAD"], capture_output=True, text=True).stdout.strip()
        dirty = subprocess.run(["git", "-C", str(checkout), "status", "--porcelain", "--untracked-files=no"], capture_output=True, text=True).stdout.strip()
    except OSError:
        rev, dirty = "?", ""
    print(f"heldout14b set sha256 {sha[:16]}…; privsynth from {checkout} @ {rev}{' (+uncommitted changes)' if dirty else ''}")
    print(f"metric: {Path(dt.__file__).resolve()} evaluate (pooled token F2, ignored {sorted(dt.IGNORED)}); 95% CI: sentence bootstrap x{N_BOOT}")

    all_rows = [json.loads(l) for l in SET.read_text(encoding="utf-8").splitlines() if l.strip()]
    out = {"set_sha256": sha, "checkout": str(checkout), "rev": rev, "dirty": bool(dirty), "privsynth": {}, "vanilla_presidio": {}}
    langs = [l for l in a.langs.split(",") if l]
    systems = [("privsynth", dt.run_privsynth, langs)]
    if a.vanilla:
        systems.append(("vanilla_presidio", dt.run_vanilla, ["en"]))
    for name, fn, lgs in systems:
        fn(["warm up the model."])
        for lg in lgs:
            src = [r for r in all_rows if r["lang"] == lg]
            rows = [{"full_text": r["text"], "template_id": r["template_id"], "lang": lg,
                     "spans": [{"start_position": s, "end_position": e, "entity_type": t} for s, e, t in r["spans"]]} for r in src]
            t0 = time.perf_counter()
            preds = fn([r["full_text"] for r in rows])
            secs = time.perf_counter() - t0
            m = score(dt, rows, preds)
            m["seconds"] = secs
            m["n"] = len(rows)
            out[name][lg] = m
            ci = m["ci95"]
            print(f"\n{name:16} {lg} n={len(rows):4d}  P={m['precision']:.3f} [{ci['precision'][0]:.3f}, {ci['precision'][1]:.3f}]"
                  f"  R={m['recall']:.3f} [{ci['recall'][0]:.3f}, {ci['recall'][1]:.3f}]"
                  f"  F2={m['f2']:.3f} [{ci['f2'][0]:.3f}, {ci['f2'][1]:.3f}]  ({secs:.1f}s)")
            print("   recall by kind (type-aware / any label, gold tokens): " + "; ".join(
                f"{k} {v[0]:.2f}/{m['any_label_recall'][k]:.2f} ({v[1]})" for k, v in m["per_entity_recall"].items()))
            print(f"   FP tokens by predicted type: {m['fp_types']}")
            tk, ct = m["tokens"], m["ci95_template_bootstrap"]["f2"]
            print(f"   tokens tp={tk['tp']} fp={tk['fp']} fn={tk['fn']}; template-bootstrap F2 95% [{ct[0]:.3f}, {ct[1]:.3f}];"
                  f" {tk['fp_address_joiners']} FP tokens are punctuation between adjacent gold address parts"
                  f" (F2 {m['f2_joiners_ignored']:.3f} if those were ignored)")
    print("\nsummary (F2 [95% CI])")
    print("| system | " + " | ".join(langs) + " |")
    print("|---|" + "---|" * len(langs))
    for name in ("privsynth", "vanilla_presidio"):
        if out[name]:
            cells = [f"{out[name][lg]['f2']:.3f} [{out[name][lg]['ci95']['f2'][0]:.3f}, {out[name][lg]['ci95']['f2'][1]:.3f}]" if lg in out[name] else "-" for lg in langs]
            print(f"| {name} | " + " | ".join(cells) + " |")
    if a.json:
        Path(a.json).write_text(json.dumps(out, indent=1, ensure_ascii=False))
        print(f"wrote {a.json}")


if __name__ == "__main__":
    main()
