#!/bin/sh
# bench/growth.sh: how cost grows with size (`make bench-growth`): the
# calc recompute at three observation counts (more (indicator, breakdown)
# pairs each time: rows and indicators grow together) and the export at
# three history depths (months per series), one repetition each, through
# bench/run.sh. Org units stay at the reference tree's 43 practices, 6
# PCNs and 1 place; cost per org unit is what one practice's scorecard or
# series costs in the runs below. Each size's figures go to
# bench/growth-BENCH-SIZE.json; the table is printed at the end.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
summary=$(mktemp)
trap 'rm -f "$summary"' EXIT

# measure BENCH VARIABLE SIZE: one run of BENCH at that size, one line.
measure() {
    env BENCH_ONLY="$1" BENCH_REPS=1 "$2=$3" bench/run.sh >/dev/null
    cp bench/results.json "bench/growth-$1-$3.json"
    python3 - "$1" "$3" bench/results.json >>"$summary" <<'PY'
import json, sys
kind, size, path = sys.argv[1:]
r = json.load(open(path))[kind]
if kind == "calc":
    print("calc   %8s observations %8d values  cold %6.2f s  warm %6.2f s  fresh %6.2f s  GROUP BY %5.3f s"
          "  peak RSS %4.0f MB" % (size, r["values_computed"], r["cold_seconds"]["median"],
          r["warm_seconds"]["median"], r["fresh_seconds"]["median"], r["baseline_seconds"]["median"],
          r["process_peak_rss_mb"]))
else:
    print("export %8s months       %8d values  86 cards %6.3f s (HTML %5.3f, FHIR %5.3f)  SQL %5.3f s"
          "  peak RSS %4.0f MB" % (size, r["values"], r["seconds"]["median"], r["runs"][0]["html_seconds"],
          r["runs"][0]["fhir_seconds"], r["baseline_seconds"]["median"], r["export_peak_rss_mb"]))
PY
}

for n in ${BENCH_GROWTH_ROWS:-100000 300000 1000000}; do measure calc BENCH_CALC_ROWS "$n"; done
for m in ${BENCH_GROWTH_MONTHS:-12 24 36}; do measure export BENCH_EXPORT_MONTHS "$m"; done
echo "== growth"
cat "$summary"
