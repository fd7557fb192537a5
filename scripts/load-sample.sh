#!/bin/bash
# load-sample.sh CAREWATCH_CLI: pushes every file of sample/feeds through
# the real intake path (ZMQ, `carewatch push`) as the partner its name
# starts with, then waits (up to 2 minutes) until calc and alert have
# caught up. Reads the CAREWATCH_* endpoints from the environment. Used by
# `make run` and the web test.
set -uo pipefail
cw=${1:?usage: load-sample.sh path/to/carewatch}
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
[ -d sample/feeds ] || exit 0
partners=$(grep -o '"code": "[a-z0-9-]*"' db/reference/partners.json | cut -d'"' -f4 | awk '{print length, $0}' | sort -rn | cut -d' ' -f2)
for f in sample/feeds/*.json sample/feeds/*.csv; do
    [ -f "$f" ] || continue
    name=$(basename "$f")
    partner=
    for p in $partners; do case "$name" in "$p"-*) partner=$p; break ;; esac; done
    [ -n "$partner" ] || { echo "carewatch: $name names no partner; skipped" >&2; continue; }
    "$cw" push "$f" --partner "$partner" | head -3 | sed "s|^|sample $name: |" || true
done
for _ in $(seq 1 240); do "$cw" status --quiet --drained && exit 0; sleep 0.5; done
echo "carewatch: calc or alert did not catch up within 2 minutes" >&2
exit 1
