#!/bin/bash
# run.sh BUILD_DIR: starts carewatch in the foreground until Ctrl-C.
#
# Starts the embedded PostgreSQL unless CAREWATCH_DATABASE_URL is set,
# migrates, starts the five services, waits until each answers a ping,
# and on Ctrl-C (or SIGTERM) stops them all cleanly, then the database.
set -euo pipefail
build=${1:-build}
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
mkdir -p var/log

started_pg=
if [ -z "${CAREWATCH_DATABASE_URL:-}" ]; then
    CAREWATCH_DATABASE_URL=$(scripts/pg.sh start run)
    export CAREWATCH_DATABASE_URL
    started_pg=yes
fi
"$build/carewatch" migrate

pids=()
stop_all() {
    trap '' INT TERM
    echo "carewatch: stopping"
    for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
    status=0
    for pid in "${pids[@]}"; do wait "$pid" || status=$?; done
    [ -n "$started_pg" ] && scripts/pg.sh stop run
    echo "carewatch: stopped (exit $status)"
    exit "$status"
}
trap stop_all INT TERM

# Each service in its own session: a terminal's Ctrl-C reaches only this
# script, which then sends each service exactly one SIGTERM.
for svc in intake calc alert export gateway; do
    setsid "$build/carewatch-$svc" 2> >(tee -a "var/log/$svc.log" >&2) &
    pids+=($!)
done

endpoint() { eval "echo \${$1:-$2}"; }
for pair in intake:CAREWATCH_INTAKE_ENDPOINT:tcp://127.0.0.1:5551 \
            calc:CAREWATCH_CALC_CONTROL:tcp://127.0.0.1:5562 \
            alert:CAREWATCH_ALERT_CONTROL:tcp://127.0.0.1:5564 \
            export:CAREWATCH_EXPORT_ENDPOINT:tcp://127.0.0.1:5555 \
            gateway:CAREWATCH_GATEWAY_CONTROL:tcp://127.0.0.1:5565; do
    IFS=: read -r svc var def <<<"$pair"
    ep=$(endpoint "$var" "${pair#*:*:}")
    for _ in $(seq 1 60); do
        "$build/carewatch" ping "$ep" --timeout 500 >/dev/null 2>&1 && break
        sleep 0.5
    done
    "$build/carewatch" ping "$ep" --timeout 1000 || { echo "carewatch: $svc did not answer on $ep" >&2; stop_all; }
done
echo "carewatch: all services up; gateway on http://127.0.0.1:${CAREWATCH_HTTP_PORT:-8080}/healthz; Ctrl-C stops"
while true; do wait -n "${pids[@]}" 2>/dev/null || true; 
    for pid in "${pids[@]}"; do kill -0 "$pid" 2>/dev/null || { echo "carewatch: a service exited" >&2; stop_all; }; done
done
