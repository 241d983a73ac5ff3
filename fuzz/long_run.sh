#!/bin/sh
# The long fuzz run: every target, one after another, RUNS executions each (default 1,000,000).
# Logs and findings go to ${FUZZ_OUT:-/tmp/feedtui-fuzz}. Used by FEEDTUI_FUZZ_LONG=1 pytest
# (tests/test_fuzz.py), or run it directly:  sh fuzz/long_run.sh [TARGET ...]
set -u
cd "$(dirname "$0")/.."
RUNS=${RUNS:-1000000}
OUT=${FUZZ_OUT:-/tmp/feedtui-fuzz}
PY=${PYTHON:-.venv/bin/python}
mkdir -p "$OUT"
TARGETS=${*:-"sanitize dates query syndication jsonld html bytes"}
status=0
for t in $TARGETS; do
    mkdir -p "$OUT/corpus-$t"
    start=$(date +%s)
    FEEDTUI_FUZZ_CORPUS="$OUT/corpus-$t" "$PY" fuzz/run.py "$t" -runs="$RUNS" -timeout=2 \
        -rss_limit_mb=2048 -print_final_stats=1 -artifact_prefix="$OUT/$t-" >"$OUT/$t.log" 2>&1
    rc=$?
    echo "$t rc=$rc seconds=$(( $(date +%s) - start )) $(grep -E '^Done|stat::number_of_executed_units' "$OUT/$t.log" | tr '\n' ' ')" | tee -a "$OUT/summary.txt"
    [ $rc -eq 0 ] || status=1
done
exit $status
