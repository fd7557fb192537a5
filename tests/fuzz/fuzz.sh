#!/bin/sh
# fuzz.sh: the long fuzzing run behind `make fuzz`.  Runs every harness in
# BUILD/tests/fuzz for SECONDS each, JOBS at a time, going on from the
# corpus earlier runs left in BUILD/fuzz-long (seeded from
# tests/fuzz/corpus), then prints one line per harness: executions,
# executions per second, coverage (edges, features), corpus size and
# crashes (crash, leak, timeout and out-of-memory inputs of this run).
# They land in BUILD/fuzz-long/artifacts/<name>/; each belongs under
# tests/fuzz/regressions/<name>/ once its bug is fixed.
#
# usage: fuzz.sh BUILD SECONDS JOBS [name...]
set -eu
build=$(cd "$1" && pwd) seconds=$2 jobs=$3
shift 3
here=$(cd "$(dirname "$0")" && pwd)
work=$build/fuzz-long
names=${*:-feed_json feed_csv period msg export_render alert_filter}
mkdir -p "$work"
touch "$work/.started"

echo "fuzz.sh: ${seconds}s each, $jobs at a time: $names"
for name in $names; do echo "$name"; done |
    xargs -P "$jobs" -I{} sh -c '"$0/run.sh" "$1/tests/fuzz/fuzz_$2" "$2" "$3" "$4" keep >"$4/$2.log" 2>&1 || true' \
        "$here" "$build" {} "$seconds" "$work"

status=0
printf '%-14s %12s %9s %7s %7s %8s %8s %7s\n' harness executions exec/s cov ft corpus bytes crashes
for name in $names; do
    log=$work/$name.log
    last=$(grep -E '^#[0-9]+' "$log" | tail -1)
    # the last stats: the regression inputs print theirs first
    execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
    rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -1)
    cov=$(echo "$last" | sed -n 's/.* cov: \([0-9]*\).*/\1/p')
    ft=$(echo "$last" | sed -n 's/.* ft: \([0-9]*\).*/\1/p')
    corp=$(echo "$last" | sed -n 's/.* corp: \([0-9]*\)\/\([0-9]*[bKM]*b*\).*/\1 \2/p')
    crashes=$(find "$work/artifacts/$name" -type f -newer "$work/.started" 2>/dev/null | wc -l)
    [ "$crashes" -gt 0 ] && status=1
    # shellcheck disable=SC2086
    printf '%-14s %12s %9s %7s %7s %8s %8s %7s\n' "$name" "${execs:-?}" "${rate:-?}" "${cov:-?}" "${ft:-?}" \
        ${corp:-? ?} "$crashes"
done
echo "fuzz.sh: logs and corpora in $work"
exit $status
