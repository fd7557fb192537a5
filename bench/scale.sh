#!/bin/sh
# bench/scale.sh: the benchmarks at 10x the goal sizes (`make bench-scale`),
# one repetition each, through bench/run.sh:
#   intake   10,000,000 rows over ZMQ (COPY baselines); the HTTP paths
#            are left out (BENCH_SCALE_HTTP=1 puts them back: about 25
#            minutes each), the gateway holding one request at a time
#   calc     10,031,022 observations: all 34 monthly fraction data elements
#            x 54 breakdowns x 43 practices x 127 months
#   export   the 86 cards on 360 months of history (3.25M values)
# and checks every service's and process's peak memory against 200 MB.
# Each benchmark's figures go to bench/scale-BENCH.json; a summary is
# printed at the end. On 2 shared cores it takes about 30 minutes.
# BENCH_SCALE=N (10) scales the sizes; BENCH_SCALE_ONLY picks benchmarks.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
k=${BENCH_SCALE:-10}
summary=$(mktemp)
trap 'rm -f "$summary"' EXIT

run() {
    bench=$1
    shift
    echo "== $bench at ${k}x: $*"
    env BENCH_ONLY="$bench" BENCH_REPS=1 "$@" bench/run.sh
    cp bench/results.json "bench/scale-$bench.json"
    python3 - "$bench" "bench/scale-$bench.json" >>"$summary" <<'PY'
import json, sys
kind, path = sys.argv[1:]
r = json.load(open(path)).get(kind)
if not r:
    print("%-7s failed (see the run's output)" % kind)
    sys.exit(0)
def mem(name, mb):
    print("  %-44s %7.1f MB  %s" % (name, mb, "met (<= 200 MB)" if mb <= 200 else "MISSED (> 200 MB)"))
if kind == "intake":
    print("intake  %d rows: ZMQ %.0f rows/s, plain COPY %.0f rows/s (ratio %.3f)" % (
        r["rows"], r["intake_rows_per_s"]["median"], r["plain_copy_rows_per_s"]["median"],
        r["ratio_intake_over_plain_copy"]))
    mem("carewatch-intake (ZMQ)", r["intake_peak_rss_mb"]["max"])
    for f in ("json", "csv"):
        h = r.get("http_" + f)
        if h:
            print("        HTTP %s %.0f rows/s" % (f.upper(), h["rows_per_s"]["median"]))
            mem("carewatch-gateway (HTTP %s)" % f.upper(), h["gateway_peak_rss_mb"])
            mem("carewatch-intake (HTTP %s)" % f.upper(), h["intake_peak_rss_mb"])
elif kind == "calc":
    print("calc    %d observations, %d values: cold %.1f s, warm %.1f s, fresh %.1f s, GROUP BY %.2f s"
          " (cold %.0fx)" % (r["observations"], r["values_computed"], r["cold_seconds"]["median"],
          r["warm_seconds"]["median"], r["fresh_seconds"]["median"], r["baseline_seconds"]["median"],
          r["ratio_cold"]["median"]))
    mem("calc recompute process", r["process_peak_rss_mb"])
elif kind == "export":
    print("export  %d values (%d months): 86 cards %.3f s, SQL %.3f s" % (
        r["values"], r["months"], r["seconds"]["median"], r["baseline_seconds"]["median"]))
    mem("carewatch-export", r["export_peak_rss_mb"])
PY
}

only=${BENCH_SCALE_ONLY:-intake calc export}
for b in $only; do
    case $b in
        intake) run intake BENCH_ROWS=$((k * 1000000)) BENCH_HTTP=${BENCH_SCALE_HTTP:-0} ;;
        calc)   run calc BENCH_CALC_ROWS=$((k * 1000000)) BENCH_CALC_MONTHS=$(( (k * 1000000 + 78947) / 78948 )) ;;
        export) run export BENCH_EXPORT_MONTHS=$((k * 36)) ;;
    esac
done
echo "== scale (${k}x)"
cat "$summary"
