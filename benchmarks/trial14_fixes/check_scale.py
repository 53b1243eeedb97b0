# Run from a scratch copy of the trial files (/work/wt/trial14-scratch: scale2.csv, scale_gold.json, e2e.csv); some paths below are the session-9 machine's.
"""Third-party names (scale_gold.json) whose given name or surname is still in the released note (whole word, any case)."""
import csv, json, re, sys
rel = list(csv.DictReader(open(sys.argv[1], encoding="utf-8")))
gold = json.load(open("scale_gold.json"))
orig = list(csv.DictReader(open("scale2.csv", encoding="utf-8")))
w = lambda t, s: re.search(r"(?<!\w)" + re.escape(t) + r"(?!\w)", s, re.I) is not None
first = last = both = 0
ex = []
for r, o, (of, ol) in zip(rel, orig, gold):
    note = r["notes"]
    a, b = w(of, note), w(ol, note)
    if a and b: both += 1
    elif a: first += 1
    elif b: last += 1
    if (a or b) and len(ex) < 8: ex.append((o["notes"], note))
print(f"rows {len(rel)}: given name kept {first}, surname kept {last}, both {both}, total {first+last+both}")
for e in ex: print("  ", e[0], "->", e[1])
