#!/bin/sh
# bench/profile.sh BENCH [perf report options]: one benchmark (intake, calc,
# latency, export...), scaled down, under `perf record -a` (whole machine: the
# service, its PostgreSQL backend and the benchmark driver), then the
# hottest functions of the carewatch processes and of PostgreSQL, and every
# statement slower than BENCH_PG_EXPLAIN_MS (default 500) with its plan
# and actual times (auto_explain) from the cluster's log.
#
# Sizes default to a quick run; set BENCH_ROWS, BENCH_CALC_ROWS,
# BENCH_LAT_BATCHES... as for bench/run.sh. Output goes to
# build-bench/profile-BENCH.{data,txt,sql.txt}. Needs perf (linux-perf).
set -eu

bench=${1:?usage: bench/profile.sh intake|calc|latency|export|workers}
shift
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
build=${BENCH_BUILD:-build-bench}
name=${BENCH_PG_NAME:-bench}
command -v perf >/dev/null || { echo "bench/profile.sh: perf is not installed (apt-get install linux-perf)" >&2; exit 1; }

cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build "$build" -j "$(nproc)" --target bench_programs >/dev/null
url=$(scripts/pg.sh start "$name")
trap '[ "${BENCH_PG_KEEP:-0}" = 1 ] || scripts/pg.sh stop "$name" || true' EXIT INT TERM
pglog=$(dirname "$(echo "$url" | sed 's/.*host=//; s/&.*//')")/postgres.log
mark=$(wc -l <"$pglog")

mkdir -p "$build/bench-logs"
export BENCH_DATABASE_URL="$url" BENCH_BIN_DIR="$top/$build" BENCH_LOG_DIR="$top/$build/bench-logs"
export BENCH_REPS=${BENCH_REPS:-1} BENCH_ROWS=${BENCH_ROWS:-200000} BENCH_CALC_ROWS=${BENCH_CALC_ROWS:-200000}
export BENCH_LAT_BATCHES=${BENCH_LAT_BATCHES:-15} BENCH_PG_EXPLAIN_MS=${BENCH_PG_EXPLAIN_MS:-500}
data=$build/profile-$bench.data
perf record -a -F 499 -o "$data" -- "$build/bench/bench_$bench" 2>&1 | grep -v '^\[ perf record'

{
    echo "# perf: self time by function, as a share of the samples of these processes only"
    perf report -i "$data" --stdio --no-children --percentage relative --sort comm,dso,symbol \
        --comms "carewatch-intak,carewatch-calc,bench_$bench,postgres" --percent-limit 0.7 "$@" 2>/dev/null \
        | grep -v '^#' | grep -v '^$' | head -60
} >"$build/profile-$bench.txt"
tail -n +"$((mark + 1))" "$pglog" >"$build/profile-$bench.sql.txt" || true
cat "$build/profile-$bench.txt"
echo
echo "statements over ${BENCH_PG_EXPLAIN_MS} ms: $(grep -c 'duration:' "$build/profile-$bench.sql.txt" || true)" \
     "(plans in $build/profile-$bench.sql.txt)"
awk '/duration: .* plan:/ { for (i = 1; i <= NF; i++) if ($i == "duration:") d = $(i + 1); next }
     /Query Text:/ && d != "" { sub(/.*Query Text: /, ""); q = substr($0, 1, 100); n[q]++; t[q] += d; d = "" }
     END { for (q in n) printf "%10.0f ms %5d x  %s\n", t[q], n[q], q }' "$build/profile-$bench.sql.txt" \
    | sort -rn | head -15
