#!/bin/sh
# The long fuzz run: every target, one after another, RUNS executions each (default 1,000,000).
# Logs, the corpus each run grew and any finding go to ${FUZZ_OUT:-/tmp/feedtui-fuzz}; one line
# per target is appended to $FUZZ_OUT/summary.txt (libFuzzer's own final stats: executions,
# seconds, findings). Used by FEEDTUI_FUZZ_LONG=1 pytest (tests/test_fuzz.py), or directly:
#     nice -n 19 sh fuzz/long_run.sh [TARGET ...]
# On a shared machine run it under nice, at most one run per core (two chains of targets in
# parallel on two cores). Each target's instrumentation and -max_len are set in fuzz/run.py.
# MAX_TIME=S also stops each target after S seconds (libFuzzer's -max_total_time; the summary
# then shows how many executions that time bought).
set -u
cd "$(dirname "$0")/.."
RUNS=${RUNS:-1000000}
MAX_TIME=${MAX_TIME:-0}
OUT=${FUZZ_OUT:-/tmp/feedtui-fuzz}
PY=${PYTHON:-.venv/bin/python}
mkdir -p "$OUT"
TARGETS=${*:-"sanitize dates query syndication jsonld html bytes"}
status=0
for t in $TARGETS; do
    mkdir -p "$OUT/corpus-$t"
    start=$(date +%s)
    touch "$OUT/.start-$t"
    # which code was fuzzed: a digest of every source file at the start of the run
    src=$(find src/feedtui -name '*.py' | sort | xargs cat | sha256sum | cut -c1-12)
    FEEDTUI_FUZZ_CORPUS="$OUT/corpus-$t" "$PY" fuzz/run.py "$t" -runs="$RUNS" -max_total_time="$MAX_TIME" -timeout=30 \
        -rss_limit_mb=2048 -print_final_stats=1 -artifact_prefix="$OUT/$t-" >"$OUT/$t.log" 2>&1
    rc=$?
    # artifacts this run left: crash-*, timeout-*, oom-*, leak-* (an invariant violation is a crash)
    findings=$(find "$OUT" -maxdepth 1 -type f -newer "$OUT/.start-$t" -name "$t-*-*" | wc -l)
    echo "$t rc=$rc seconds=$(( $(date +%s) - start )) findings=$findings src=$src $(grep -E '^Done|stat::number_of_executed_units|stat::average_exec_per_sec' "$OUT/$t.log" | tr -s ' \t' ' ' | tr '\n' ' ')" | tee -a "$OUT/summary.txt"
    [ $rc -eq 0 ] || status=1
done
exit $status
