#!/bin/sh
# docker-compose.yml is valid (no engine needed for `config -q`) and every
# carewatch service in it is one the build makes.
set -eu
src=${CAREWATCH_SOURCE_DIR:?}
bin=${CAREWATCH_BIN_DIR:?}
cd "$src"
# Intake's published port runs with CURVE: without keys compose refuses.
if env -u CAREWATCH_INTAKE_CURVE_PUBLIC -u CAREWATCH_INTAKE_CURVE_SECRET -u CAREWATCH_GATEWAY_CURVE_PUBLIC \
       -u CAREWATCH_GATEWAY_CURVE_SECRET docker-compose -f docker-compose.yml config -q 2>/dev/null; then
    echo "docker-compose.yml starts intake's published port without CURVE keys"; exit 1
fi
grep -q '"--curve"' docker-compose.yml || { echo "intake's health check must ping over CURVE"; exit 1; }
export CAREWATCH_INTAKE_CURVE_PUBLIC=0000000000000000000000000000000000000000
export CAREWATCH_INTAKE_CURVE_SECRET=0000000000000000000000000000000000000000
export CAREWATCH_GATEWAY_CURVE_PUBLIC=0000000000000000000000000000000000000000
export CAREWATCH_GATEWAY_CURVE_SECRET=0000000000000000000000000000000000000000
docker-compose -f docker-compose.yml config -q
services=$(docker-compose -f docker-compose.yml config --services)
n=0
for s in $services; do
    [ "$s" = postgres ] && continue
    [ -f "services/$s/main.c" ] || { echo "compose service $s has no services/$s/main.c"; exit 1; }
    [ -x "$bin/carewatch-$s" ] || { echo "compose service $s: carewatch-$s was not built"; exit 1; }
    n=$((n + 1))
done
[ "$n" -eq 5 ] || { echo "expected 5 carewatch services in docker-compose.yml, found $n"; exit 1; }
grep -q 'postgres:15' docker-compose.yml || { echo "compose must use PostgreSQL 15"; exit 1; }
echo "docker-compose.yml: valid, $n services, all built"
