# Run from a scratch copy of the trial files (/work/wt/trial14-scratch: scale2.csv, scale_gold.json, e2e.csv); some paths below are the session-9 machine's.
"""Each notes entry of a mapping file: is its replacement in the release where its original was?"""
import csv, sys
orig = list(csv.DictReader(open(sys.argv[1]))); rel = list(csv.DictReader(open(sys.argv[2])))
m = [r for r in csv.DictReader(open(sys.argv[3])) if r["column"] == "notes"]
bad = 0
for e in m:
    ok = any(e["original"] in o["notes"] and e["replacement"] in r["notes"] for o, r in zip(orig, rel))
    bad += not ok
print(f"notes mapping entries {len(m)}, replacement not in the release where the original was: {bad}")
