# Run from a scratch copy of the trial files (/work/wt/trial14-scratch: scale2.csv, scale_gold.json, e2e.csv); some paths below are the session-9 machine's.
"""Split the kept third-party name parts of a release of scale2.csv into C1 leaks (the kept word lies inside a
span the detector found in the original note) and detector misses/partials (it lies outside every span), and
surrogate coincidences (the kept word is at another position than in the original)."""
import csv, json, re, sys
from privsynth.detect import analyze_texts
rel = list(csv.DictReader(open(sys.argv[1], encoding="utf-8")))
orig = list(csv.DictReader(open("scale2.csv", encoding="utf-8")))
gold = json.load(open("scale_gold.json"))
notes = [o["notes"] for o in orig]
spans = analyze_texts(notes)
c1 = miss = 0
ex = {"c1": [], "miss": []}
for r, o, (of, ol), sp in zip(rel, orig, gold, spans):
    for tok in (of, ol):
        m = re.search(r"(?<!\w)" + re.escape(tok) + r"(?!\w)", r["notes"], re.I)
        if not m:
            continue
        mo = list(re.finditer(r"(?<!\w)" + re.escape(tok) + r"(?!\w)", o["notes"]))[-1]
        inside = any(s.start <= mo.start() and mo.end() <= s.end for s in sp)
        k = "c1" if inside else "miss"
        if inside: c1 += 1
        else: miss += 1
        if len(ex[k]) < 5: ex[k].append((tok, o["notes"], r["notes"], [(o["notes"][s.start:s.end], s.entity_type) for s in sp]))
print(f"kept name parts: {c1} inside a detected span (C1), {miss} outside every detected span (detector miss)")
for k, v in ex.items():
    for e in v: print(k, e)
