#!/bin/sh
# bench/run.sh: carewatch's benchmarks (`make bench`).
#
# Builds Release into build-bench/, starts a private PostgreSQL cluster
# (scripts/pg.sh, NAME "bench": its own folder under /tmp, separate from
# `make run` and the test cluster), runs the benchmarks, prints a table and
# writes bench/results.json. Each benchmark repeats BENCH_REPS times and
# reports the median and range, each figure beside a baseline measured in
# the same run, as a ratio: the machine may be shared and noisy.
#
#   intake   rows/s through carewatch-intake over ZeroMQ vs COPY of the same
#            rows; intake's peak RSS
#   calc     calc_recompute_all of 1M observations vs one SQL GROUP BY
#   latency  BatchCommitted -> last IndicatorChanged for 1,000-row batches
#   e2e      submission -> webhook at a local receiver at BENCH_E2E_RATE
#            batches/s (100), vs a plain ZMQ round trip
#   web      each web page's server time (Server-Timing) p95 for the
#            sample vs GET /v1/indicators p95 (BENCH_WEB_N requests each)
#   frontdoor /healthz p99 while 500 slow connections are held and intake
#            is stopped, vs /healthz p99 idle (BENCH_FD_SLOW, BENCH_FD_PROBES)
#
# Sizes (the defaults are the sizes the goals are set at; on 2 shared cores
# intake, calc and latency take about 17 minutes today, most of it in
# intake's 1M rows x 3 and calc's recomputes; see docs/performance.md):
#   BENCH_REPS=3  BENCH_ROWS=1000000  BENCH_BATCH=10000
#   BENCH_CALC_ROWS=1000000  BENCH_CALC_MONTHS=36
#   BENCH_LAT_ROWS=1000  BENCH_LAT_BATCHES=50  BENCH_LAT_GAP_MS=250  BENCH_LAT_WAIT_S=30
#   BENCH_ONLY="intake calc latency"   which benchmarks to run
#   BENCH_BUILD=build-bench            build folder
#   BENCH_PG_NAME=bench                cluster name for scripts/pg.sh
#   BENCH_PG_KEEP=1                    leave the cluster running afterwards
# Profiling aids (bench/profile.sh uses them): BENCH_PG_LOG_MS=N logs
# statements slower than N ms, BENCH_PG_EXPLAIN_MS=N their plans
# (auto_explain), BENCH_DB_TIMEOUT_MS overrides the services' statement
# timeout; all go to the cluster's postgres.log.
# A quick run: BENCH_ROWS=100000 BENCH_CALC_ROWS=100000 BENCH_LAT_BATCHES=10 make bench
set -eu

top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
build=${BENCH_BUILD:-build-bench}
name=${BENCH_PG_NAME:-bench}
only=${BENCH_ONLY:-intake calc latency e2e export workers frontdoor web}
out=$build/bench-out
jobs=$(nproc 2>/dev/null || echo 2)

echo "== build (Release, $build)"
cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build "$build" -j "$jobs" --target bench_programs >/dev/null

echo "== PostgreSQL cluster '$name'"
url=$(scripts/pg.sh start "$name")
stop_pg() {
    [ "${BENCH_PG_KEEP:-0}" = 1 ] || scripts/pg.sh stop "$name" || true
}
trap stop_pg EXIT INT TERM

rm -rf "$out"
mkdir -p "$out" "$build/bench-logs"
BENCH_DATABASE_URL=$url
BENCH_BIN_DIR=$top/$build
BENCH_LOG_DIR=$top/$build/bench-logs
BENCH_TABLE=$out/table.txt
export BENCH_DATABASE_URL BENCH_BIN_DIR BENCH_LOG_DIR BENCH_TABLE

load=$(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo "?")
cpu=$(grep -m1 'model name' /proc/cpuinfo 2>/dev/null | sed 's/.*: //' || echo "?")
pgver=$(psql --version 2>/dev/null | awk '{print $3}' || echo "?")
echo "   $jobs CPUs ($cpu), load average $load, PostgreSQL $pgver"
started=$(date -u +%Y-%m-%dT%H:%M:%SZ)
commit=$(git rev-parse --short HEAD 2>/dev/null || echo "?")
if [ -n "$(git status --porcelain -- common services db proto 2>/dev/null)" ]; then commit="$commit+uncommitted"; fi
t0=$(date +%s)
failed=

for b in $only; do
    case "$b" in
        intake|calc|latency|e2e|export|workers|frontdoor|web) ;;
        *) echo "bench/run.sh: unknown benchmark '$b' in BENCH_ONLY" >&2; exit 2 ;;
    esac
    echo
    echo "== $b"
    if ! BENCH_OUT=$out/$b.json "$build/bench/bench_$b"; then
        failed="$failed $b"
        rm -f "$out/$b.json"
    fi
done

elapsed=$(( $(date +%s) - t0 ))
{
    printf '{\n  "generated_at": "%s",\n  "elapsed_seconds": %s,\n' "$started" "$elapsed"
    printf '  "command": "make bench",\n  "commit": "%s",\n' "$commit"
    printf '  "cpus": %s,\n  "cpu": "%s",\n  "load_average_at_start": "%s",\n' \
        "$jobs" "$cpu" "$load"
    printf '  "postgresql": "%s",\n  "build_type": "Release",\n  "settings": {' "$pgver"
    sep=
    for v in BENCH_REPS BENCH_ROWS BENCH_BATCH BENCH_CALC_ROWS BENCH_CALC_MONTHS BENCH_LAT_ROWS \
             BENCH_LAT_BATCHES BENCH_LAT_GAP_MS; do
        eval "val=\${$v:-}"
        if [ -n "$val" ]; then printf '%s "%s": "%s"' "$sep" "$v" "$val"; sep=,; fi
    done
    printf ' }'
    printf ',\n  "failed": "%s"' "${failed# }"
    for b in $only; do
        [ -f "$out/$b.json" ] || continue
        printf ',\n  "%s": ' "$b"
        sed 's/^/  /; 1s/^  //' "$out/$b.json"
    done
    printf '\n}\n'
} >bench/results.json

echo
echo "== results ($elapsed s; bench/results.json)"
printf '%-36s %-16s %-7s %-24s %-7s %-13s %s\n' "benchmark" "median" "range" "baseline (median)" "ratio" "goal" ""
cat "$BENCH_TABLE"
if [ -n "$failed" ]; then
    echo "bench/run.sh: these benchmarks failed:$failed (see above and $build/bench-logs)" >&2
    exit 1
fi
