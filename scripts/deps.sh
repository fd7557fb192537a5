#!/bin/sh
# deps.sh [--test]: installs the Debian packages carewatch builds and runs
# with (and, with --test, what only the tests need: Chromium for the
# browser test, clang's runtimes for the fuzzers), when they are missing. As root it runs apt-get; otherwise it prints the
# command to run and fails.
set -eu
pkgs="build-essential cmake pkg-config clang libclang-rt-dev
      libczmq-dev libzmq3-dev libprotobuf-c-dev protobuf-c-compiler
      libjansson-dev libpq-dev libmicrohttpd-dev libcurl4-openssl-dev libsodium-dev
      postgresql postgresql-client docker-compose curl python3 ${CAREWATCH_EXTRA_PACKAGES:-}"
if [ "${1:-}" = "--test" ]; then
    pkgs="$pkgs chromium"
fi
missing=
for p in $pkgs; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
[ -z "$missing" ] && exit 0
if [ "$(id -u)" != 0 ]; then
    echo "deps.sh: missing Debian packages:$missing" >&2
    echo "deps.sh: run: sudo apt-get update && sudo apt-get install -y$missing" >&2
    exit 1
fi
echo "deps.sh: installing$missing"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
# The postgresql package must not start a system cluster of its own.
mkdir -p /etc/postgresql-common
[ -f /etc/postgresql-common/createcluster.conf ] || echo "create_main_cluster = false" >/etc/postgresql-common/createcluster.conf
apt-get install -y -qq --no-install-recommends $missing >/dev/null
