#!/bin/sh
# Issue 12 leak suite, session 5: 20 seeds of clean releases on every table first, then the leaks, resumable.
# Runs a frozen copy of the given commit (default HEAD) so edits to the worktree do not change a running suite.
#   sh benchmarks/leak_suite/suite20.sh [COMMIT] [OUTDIR]       # restart the same command to resume
#   python benchmarks/leak_suite/records_suite.py --markdown OUTDIR/clean.jsonl OUTDIR/leaks.jsonl
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
common="--seeds 20 --release-cache $OUT/releases --resume --peers="
# clean releases (both generators, all four tables) and the leaks in two processes, both niced
nice -n 10 env PYTHONPATH="$CODE" "$PY" benchmarks/leak_suite/records_suite.py $common --scenarios clean \
    --out "$OUT/clean.jsonl" --progress "$OUT/clean.progress" 2>>"$OUT/clean.log" &
nice -n 10 env PYTHONPATH="$CODE" "$PY" benchmarks/leak_suite/records_suite.py $common \
    --scenarios copies_1pct,rare_1pct,near_2pct,outliers_1pct,near_cat_1pct,memorized_categories \
    --out "$OUT/leaks.jsonl" --progress "$OUT/leaks.progress" 2>>"$OUT/leaks.log" &
wait
