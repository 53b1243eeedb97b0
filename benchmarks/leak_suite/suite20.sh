#!/bin/sh
# Issue 12 leak suite, session 5: 20 seeds of clean releases on every table, the leaks as many seeds as fit; resumable.
# Runs a frozen copy of the given commit (default HEAD) so edits to the worktree do not change a running suite.
#   sh benchmarks/leak_suite/suite20.sh [COMMIT] [OUTDIR]       # restart the same command to resume
#   python benchmarks/leak_suite/records_suite.py --markdown OUTDIR/clean.jsonl OUTDIR/leaks*.jsonl
# Three processes, all niced: clean releases (2 generators x 4 tables x 20 seeds); the five planted leaks on
# acs_narrow, german_credit and adult_lowcard; fake_ids' memorized_categories releases. fake_ids' planted leaks are
# left out: copied record numbers, national IDs and user names bring those near-unique columns into the whole-record
# tests (~9,000 encoded coordinates), 78 s per release on a quiet machine and many minutes under load.
set -e
COMMIT=${1:-HEAD}
OUT=${2:-/tmp/verifier_suite}
PY=${PYTHON:-/work/main/.venv/bin/python}
REPO=$(git rev-parse --show-toplevel)
SHA=$(git -C "$REPO" rev-parse "$COMMIT")
CODE=$OUT/code-$SHA
mkdir -p "$OUT/releases"
[ -d "$CODE" ] || { mkdir -p "$CODE.tmp" && git -C "$REPO" archive "$SHA" | tar -x -C "$CODE.tmp" && mv "$CODE.tmp" "$CODE"; }
cd "$CODE"
run() {  # name, then records_suite arguments
    n=$1; shift
    nice -n 10 env PYTHONPATH="$CODE" "$PY" benchmarks/leak_suite/records_suite.py --seeds 20 \
        --release-cache "$OUT/releases" --resume --peers= "$@" --out "$OUT/$n.jsonl" --progress "$OUT/$n.progress" \
        2>>"$OUT/$n.log"
}
run clean --scenarios clean &
run leaks --datasets acs_narrow,german_credit,adult_lowcard \
    --scenarios copies_1pct,rare_1pct,near_2pct,outliers_1pct,near_cat_1pct &
run memorized --datasets fake_ids --scenarios memorized_categories &
wait
