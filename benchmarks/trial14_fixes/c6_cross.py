# Run from a scratch copy of the trial files (/work/wt/trial14-scratch: scale2.csv, scale_gold.json, e2e.csv); some paths below are the session-9 machine's.
"""False replacements of the C6 rule when a note is NOT about the row's person: every customer name of the
name tables x every text of the text sets. A hit = a lower-case whole word of the text (as written) that is a
token of the customer's name, >= LOWER_MIN_CHARS, not in the blocklist. Hits inside a gold PERSON span are
names of someone else (replaced anyway by the detector); hits outside are ordinary words falsely replaced."""
import csv, json, re, sys
from collections import Counter
from privsynth.transform.record import lower_case_blocklist, LOWER_MIN_CHARS, _WORDS, _spellings
csv.field_size_limit(10**9)
block = lower_case_blocklist()
names = []
for r in csv.DictReader(open("/work/wt/tx14/examples/customers.csv")): names.append(r["full_name"])
for r in csv.DictReader(open("/tmp/tx14/e2e.csv")): names.append(r["name"])
for r in csv.DictReader(open("/tmp/tx14/scale2.csv")): names.append(r["name"])
def toks(n):
    out = set()
    for t in _WORDS.findall(n):
        if len(t) >= 3:
            out.update(_spellings(t))
    return {t for t in out if len(t) >= LOWER_MIN_CHARS and t not in block}
name_toks = [toks(n) for n in names]
tok_rows = Counter(t for ts in name_toks for t in ts)  # in how many name rows each token appears
texts = []  # (set name, text, gold person spans)
for f, tag in (("eval.jsonl", "set1"), ("eval_s2.jsonl", "set1b"), ("eval_pe.jsonl", "pe")):
    for l in open("/work/wt/trial14-scratch/" + f):
        d = json.loads(l); texts.append((tag + ":" + d["lang"], d["text"], [(a, b) for a, b, t in d["spans"] if t == "PERSON"]))
for r in csv.DictReader(open("/work/wt/tx14/examples/customers.csv")): texts.append(("examples", r["notes"], None))
for l in open("/work/wt/tx14/examples/notes.jsonl"):
    d = json.loads(l); texts.append(("examples_jsonl", d.get("text") or d.get("note") or "", None))
pairs = Counter(); false_words = Counter(); name_words = Counter(); per_set = Counter(); ntexts = Counter()
for tag, t, gold in texts:
    ntexts[tag.split(":")[0]] += 1
    for m in re.finditer(r"[^\W\d_]+", t):
        w = m.group(0)
        if not w.islower() or len(w) < LOWER_MIN_CHARS:
            continue
        a = t.rfind(" ", 0, m.start()) + 1; b = t.find(" ", m.end()); b = len(t) if b < 0 else b
        if "@" in t[a:b] or "://" in t[a:b] or "www." in t[a:b]:
            continue  # inside an e-mail address or URL: the whole address is replaced (yield_to_containers)
        n = tok_rows.get(w)
        if not n:
            continue
        inside = gold is not None and any(a <= m.start() and m.end() <= b for a, b in gold)
        (name_words if inside else false_words)[w] += n
        per_set[(tag.split(":")[0], "name" if inside else "word")] += n
N = len(names)
print(f"{N} customer names x {sum(ntexts.values())} texts ({dict(ntexts)})")
for k in sorted(per_set): print("  ", k, per_set[k], f"= {per_set[k] / (N * ntexts[k[0]]):.2e} per (row, text) pair")
import collections
print("ordinary words that would be replaced (word: number of name rows holding it x occurrences):", false_words.most_common(25))
print("names of others (inside gold PERSON):", sum(name_words.values()), name_words.most_common(10))
