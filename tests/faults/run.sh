#!/bin/sh
# run.sh BUILD [ROWS]: the fault-injection suite outside ctest, at full
# size by default (`make faults`).  It gets its own PostgreSQL cluster,
# destroyed afterwards, and writes BUILD/fault_suite_full.json.
#   FAULT_ROWS  rows to feed when ROWS is not given (default 200000)
#   FAULT_SEED  fixes the random choices (printed by every run)
set -eu
build=$(cd "${1:?usage: tests/faults/run.sh BUILD [ROWS]}" && pwd)
rows=${2:-${FAULT_ROWS:-200000}}
top=$(cd "$(dirname "$0")/../.." && pwd)
name=faults-$(printf '%s' "$build" | sha1sum | cut -c1-10)
"$top/scripts/pg.sh" start "$name" >/dev/null
trap '"$top/scripts/pg.sh" destroy "$name"' EXIT
trap 'exit 130' INT TERM
mkdir -p "$build/tests"
cd "$build/tests"
CAREWATCH_TEST_PG_SCRIPT="$top/scripts/pg.sh" CAREWATCH_TEST_PG_NAME="$name" \
CAREWATCH_BIN_DIR="$build" CAREWATCH_SOURCE_DIR="$top" \
FAULT_RESULTS="${FAULT_RESULTS:-$build/fault_suite_full.json}" \
    "$build/tests/faults/fault_suite" "$rows"
