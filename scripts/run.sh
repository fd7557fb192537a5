#!/bin/bash
# run.sh BUILD_DIR: carewatch in the foreground until Ctrl-C.
#
# Starts the embedded PostgreSQL unless CAREWATCH_DATABASE_URL is set,
# migrates, starts the five services and waits until each answers a ping.
# Then, once: creates API keys (var/keys.env), starts a local webhook
# receiver that prints what it receives and subscribes it, loads the
# Dudley sample through the real intake path, waits until calc and alert
# have caught up, writes the HTML scorecard and prints a summary.
# Ctrl-C (or SIGTERM) stops everything cleanly and exits 0.
set -euo pipefail
build=${1:-build}
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
mkdir -p var/log var/reports
cw="$build/carewatch"

started_pg=
if [ -z "${CAREWATCH_DATABASE_URL:-}" ]; then
    CAREWATCH_DATABASE_URL=$(scripts/pg.sh start run)
    export CAREWATCH_DATABASE_URL
    started_pg=yes
fi
"$cw" migrate
port=${CAREWATCH_HTTP_PORT:-8080}
gw="http://127.0.0.1:$port"
export CAREWATCH_PUBLIC_URL=${CAREWATCH_PUBLIC_URL:-$gw}
# Webhooks may not reach loopback or private networks; the local receiver
# below is on loopback, so this one run allows just its address.
export CAREWATCH_WEBHOOK_ALLOW=${CAREWATCH_WEBHOOK_ALLOW:-127.0.0.1/32}

pids=()
stop_all() {
    trap '' INT TERM EXIT
    echo "carewatch: stopping"
    for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
    status=0
    for pid in "${pids[@]}"; do wait "$pid" || status=$?; done
    if [ -n "$started_pg" ]; then scripts/pg.sh stop run; fi
    echo "carewatch: stopped (exit $status)"
    trap - EXIT
    exit "$status"
}
# Whatever ends this script (Ctrl-C, SIGTERM, a failed step) stops
# everything it started: no orphans.
trap stop_all INT TERM EXIT
set +e

# Each process in its own session: a terminal's Ctrl-C reaches only this
# script, which then sends each exactly one SIGTERM.
for svc in intake calc alert export gateway; do
    setsid "$build/carewatch-$svc" 2>>"var/log/$svc.log" &
    pids+=($!)
done

for ep in "${CAREWATCH_INTAKE_ENDPOINT:-tcp://127.0.0.1:5551}" "${CAREWATCH_CALC_CONTROL:-tcp://127.0.0.1:5562}" \
          "${CAREWATCH_ALERT_CONTROL:-tcp://127.0.0.1:5564}" "${CAREWATCH_EXPORT_ENDPOINT:-tcp://127.0.0.1:5555}" \
          "${CAREWATCH_GATEWAY_CONTROL:-tcp://127.0.0.1:5565}"; do
    ok=
    for _ in $(seq 1 60); do
        if "$cw" ping "$ep" --timeout 500 >/dev/null 2>&1; then ok=yes; break; fi
        sleep 0.5
    done
    [ -n "$ok" ] || { echo "carewatch: no answer on $ep; see var/log/" >&2; exit 1; }
    "$cw" ping "$ep"
done

# API keys, once (made again if the database no longer knows them).
if [ -f var/keys.env ]; then . var/keys.env; fi
if [ -z "${CAREWATCH_ADMIN_KEY:-}" ] || \
   [ "$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $CAREWATCH_ADMIN_KEY" "$gw/metrics")" != 200 ]; then
    {
        echo "# carewatch API keys for this checkout (made by make run; keep private)"
        echo "CAREWATCH_ADMIN_KEY=$("$cw" key create --role admin --label admin 2>/dev/null)"
        echo "CAREWATCH_READER_KEY=$("$cw" key create --role reader --label reader 2>/dev/null)"
        echo "CAREWATCH_SUBSCRIBER_KEY=$("$cw" key create --role subscriber --label local-receiver 2>/dev/null)"
        for p in $(grep -o '"code": "[a-z0-9-]*"' db/reference/partners.json | cut -d'"' -f4); do
            var=$(echo "$p" | tr 'a-z-' 'A-Z_')
            echo "CAREWATCH_PARTNER_KEY_$var=$("$cw" key create --role partner --partner "$p" --label "$p" 2>/dev/null)"
        done
        echo "CAREWATCH_RECEIVER_SECRET=$(head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n')"
    } > var/keys.env
    chmod 600 var/keys.env
    . var/keys.env
    echo "carewatch: API keys written to var/keys.env"
fi

# A local webhook receiver that prints what it receives, subscribed once.
rport=${CAREWATCH_RECEIVER_PORT:-8099}
if curl -s -o /dev/null "http://127.0.0.1:$rport/" 2>/dev/null; then
    echo "carewatch: port $rport is taken; set CAREWATCH_RECEIVER_PORT to a free port" >&2
    exit 1
fi
setsid "$cw" receive --port "$rport" --secret "$CAREWATCH_RECEIVER_SECRET" --log var/log/webhooks.log &
pids+=($!)
if ! curl -sf -H "Authorization: Bearer $CAREWATCH_SUBSCRIBER_KEY" "$gw/v1/subscriptions" | grep -q "127.0.0.1:$rport"; then
    # The board's view: the council's corporate KPIs and the place-level
    # DQOFH ranges, not every practice's monthly series.
    filter='{"rules": ["off_target", "outside_range", "worse_than_england", "deteriorating"],'
    filter="$filter"' "indicators": ["pi-2133", "pi-2132", "pi-501", "pi-2134", "pi-1441", "pi-2257", "pi-2074", "pi-2260",'
    filter="$filter"' "dqofh-dementia-diagnosis", "dqofh-diabetes-3-targets", "dqofh-ld-health-check",'
    filter="$filter"' "dqofh-smi-physical-health-check"], "org_unit": "dudley"}'
    curl -sf -X POST -H "Authorization: Bearer $CAREWATCH_SUBSCRIBER_KEY" -H 'Content-Type: application/json' \
         -d "{\"url\": \"http://127.0.0.1:$rport/carewatch\", \"secret\": \"$CAREWATCH_RECEIVER_SECRET\", \"filter\": $filter}" \
         "$gw/v1/subscriptions" >/dev/null || echo "carewatch: could not subscribe the local receiver" >&2
fi

# The Dudley sample, through the real intake path (ZMQ).
scripts/load-sample.sh "$cw" || true

period=${CAREWATCH_SAMPLE_PERIOD:-FY2022-23Q2}
curl -sf -H "Authorization: Bearer $CAREWATCH_READER_KEY" "$gw/v1/scorecards/$period?format=html" \
     -o "var/reports/scorecard-$period.html" || true
curl -sf -H "Authorization: Bearer $CAREWATCH_READER_KEY" "$gw/v1/progress?format=html" \
     -o "var/reports/progress.html" || true
echo
echo "carewatch: summary"
"$cw" status || true
cat <<MSG
web:        open $gw/ui/ and sign in with this key (admin; a reader key is in var/keys.env):
            $CAREWATCH_ADMIN_KEY
scorecard:  $top/var/reports/scorecard-$period.html
progress:   $top/var/reports/progress.html
in a browser (a signed read-only link, valid 7 days):
            $("$cw" link "/v1/scorecards/$period?format=html")
gateway:    curl -H "Authorization: Bearer \$CAREWATCH_READER_KEY" "$gw/v1/scorecards/$period?format=html"
            (keys in var/keys.env: . var/keys.env)
Ctrl-C stops carewatch.
MSG
while true; do
    wait -n "${pids[@]}" 2>/dev/null || true
    for pid in "${pids[@]}"; do kill -0 "$pid" 2>/dev/null || { echo "carewatch: a process exited; see var/log/" >&2; exit 1; }; done
done
