#!/bin/sh
# pg.sh: the embedded PostgreSQL carewatch uses when no database URL is set.
#
#   scripts/pg.sh start   [NAME]   create (once) and start the cluster NAME
#   scripts/pg.sh stop    [NAME]   stop it cleanly (fast shutdown)
#   scripts/pg.sh restart [NAME]   stop and start again (tests use this)
#   scripts/pg.sh url     [NAME]   print its libpq URL
#   scripts/pg.sh status  [NAME]   exit 0 when it is running
#   scripts/pg.sh createdb NAME DB create database DB if missing, print its URL
#
# NAME defaults to "run". The cluster lives in a short folder under /tmp
# named from a hash of this project's path and NAME: Unix socket paths are
# limited to 107 bytes, and as root the server runs as the unprivileged
# "postgres" user, who may not be able to enter the project folder. For
# the "run" cluster, var/pg points at it and var/database.url holds its URL.
# The server listens on its Unix socket only; no TCP port is opened, so two
# checkouts or a test run beside `make run` never collide.
set -eu

cmd=${1:-}
name=${2:-run}
top=$(cd "$(dirname "$0")/.." && pwd)
hash=$(printf '%s/%s' "$top" "$name" | sha1sum | cut -c1-12)
base=/tmp/carewatch-$hash
data=$base/data
sock=$base/sock
log=$base/postgres.log
dbuser=carewatch

pgbin=
for d in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r); do
    if [ -x "$d/pg_ctl" ]; then pgbin=$d; break; fi
done
if [ -z "$pgbin" ]; then
    pgbin=$(dirname "$(command -v pg_ctl 2>/dev/null || echo /nonexistent/pg_ctl)")
fi
[ -x "$pgbin/pg_ctl" ] || { echo "pg.sh: PostgreSQL server binaries not found (install the postgresql package)" >&2; exit 1; }

# As root, run the server as the postgres system user.
if [ "$(id -u)" = 0 ]; then
    id postgres >/dev/null 2>&1 || useradd --system --home-dir /var/lib/postgresql --shell /usr/sbin/nologin postgres
    as_pg() { runuser -u postgres -- "$@"; }
    owner=postgres
else
    as_pg() { "$@"; }
    owner=$(id -un)
fi

url() { echo "postgresql:///carewatch?host=$sock&user=$dbuser"; }
url_for() { echo "postgresql:///$1?host=$sock&user=$dbuser"; }

running() { [ -f "$data/postmaster.pid" ] && as_pg "$pgbin/pg_ctl" -D "$data" status >/dev/null 2>&1; }

start() {
    mkdir -p "$base"
    chmod 755 "$base"
    if [ ! -f "$data/PG_VERSION" ]; then
        rm -rf "$data"
        mkdir -p "$data" "$sock"
        chown "$owner" "$data" "$sock"
        chmod 700 "$data"
        as_pg "$pgbin/initdb" -D "$data" -U "$dbuser" --auth=trust -E UTF8 --locale=C.UTF-8 >"$base/initdb.log" 2>&1 \
            || { echo "pg.sh: initdb failed, see $base/initdb.log" >&2; exit 1; }
        cat >>"$data/postgresql.conf" <<CONF
listen_addresses = ''
unix_socket_directories = '$sock'
unix_socket_permissions = 0770
max_connections = 200
shared_buffers = 256MB
fsync = on
synchronous_commit = on
CONF
    fi
    if ! running; then
        touch "$log" && chown "$owner" "$log"
        as_pg "$pgbin/pg_ctl" -D "$data" -l "$log" -w -t 60 start >/dev/null \
            || { echo "pg.sh: server did not start, see $log" >&2; tail -5 "$log" >&2; exit 1; }
    fi
    # The cluster's superuser owns a database named after carewatch.
    if ! "$pgbin/psql" -qAt "$(url_for postgres)" -c "select 1 from pg_database where datname = 'carewatch'" | grep -q 1; then
        "$pgbin/psql" -q "$(url_for postgres)" -c "create database carewatch" >/dev/null
    fi
    if [ "$name" = run ]; then
        mkdir -p "$top/var"
        ln -sfn "$base" "$top/var/pg"
        url >"$top/var/database.url"
    fi
}

stop() {
    if running; then
        as_pg "$pgbin/pg_ctl" -D "$data" -m fast -w -t 60 stop >/dev/null
    fi
}

case "$cmd" in
    start) start; url ;;
    stop) stop ;;
    restart) stop; start >/dev/null ;;
    url) url ;;
    status) running ;;
    createdb)
        db=${3:?usage: pg.sh createdb NAME DB}
        case "$db" in *[!a-z0-9_]*) echo "pg.sh: database name must be [a-z0-9_]" >&2; exit 2 ;; esac
        if ! "$pgbin/psql" -qAt "$(url_for postgres)" -c "select 1 from pg_database where datname = '$db'" | grep -q 1; then
            "$pgbin/psql" -q "$(url_for postgres)" -c "create database $db" >/dev/null
        fi
        url_for "$db" ;;
    destroy) stop; rm -rf "$base" ;;
    *) echo "usage: pg.sh start|stop|restart|url|status|createdb|destroy [NAME]" >&2; exit 2 ;;
esac
