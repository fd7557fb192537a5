#!/bin/sh
# run.sh: runs one libFuzzer harness.  First every input under
# regressions/<name>/ once (each is a crash found before; all must pass),
# then fuzzing for SECONDS from the seed corpus, copied into WORKDIR so the
# repository is never written.  New inputs, crash artifacts and the log go
# under WORKDIR.  Exits non-zero on a failing regression input or a crash.
#
# usage: run.sh BINARY NAME SECONDS WORKDIR [fresh|keep]
#   fresh: start from the seeds alone (ctest); keep: go on from the corpus
#   WORKDIR holds from earlier runs (make fuzz)
set -eu
bin=$1 name=$2 seconds=$3 work=$4 mode=${5:-keep}
here=$(cd "$(dirname "$0")" && pwd)
corpus=$work/corpus/$name
artifacts=$work/artifacts/$name
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}

[ "$mode" = fresh ] && rm -rf "$corpus"
mkdir -p "$corpus" "$artifacts"
cp "$here/corpus/$name"/* "$corpus/"

flags="-rss_limit_mb=1024 -timeout=10 -print_final_stats=1"
[ -f "$here/$name.dict" ] && flags="$flags -dict=$here/$name.dict"
regressions=$here/regressions/$name
if [ -d "$regressions" ] && [ -n "$(ls -A "$regressions")" ]; then
    echo "run.sh: $name: $(ls "$regressions" | wc -l) regression input(s)"
    # shellcheck disable=SC2086
    "$bin" $flags "$regressions"/*
fi
echo "run.sh: $name: fuzzing for ${seconds}s from $(ls "$corpus" | wc -l) input(s)"
# shellcheck disable=SC2086
exec "$bin" $flags -max_total_time="$seconds" -artifact_prefix="$artifacts/" "$corpus"
