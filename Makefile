# carewatch: the two commands that matter are `make run` and `make test`.
BUILD      ?= build
BUILD_ASAN ?= build-asan
BUILD_FUZZ ?= build-fuzz
JOBS       ?= $(shell nproc 2>/dev/null || echo 2)
CMAKE_ARGS ?=
FUZZ_SECONDS ?= 600
FUZZ_JOBS  ?= $(JOBS)
FAULT_ROWS ?= 200000

.PHONY: all deps deps-test build build-asan build-fuzz run test test-plain test-asan test-fuzz fuzz faults bench bench-growth bench-scale bench-england clean

all: build

deps:
	@scripts/deps.sh

deps-test:
	@scripts/deps.sh --test

build: deps
	@cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=RelWithDebInfo $(CMAKE_ARGS) >/dev/null
	@cmake --build $(BUILD) -j $(JOBS)

build-asan: deps
	@cmake -S . -B $(BUILD_ASAN) -DCMAKE_BUILD_TYPE=Debug -DCAREWATCH_SANITIZE=ON $(CMAKE_ARGS) >/dev/null
	@cmake --build $(BUILD_ASAN) -j $(JOBS)

# The libFuzzer harnesses of tests/fuzz: a clang build with every target
# instrumented (-DCAREWATCH_FUZZ=ON); only the harnesses are built.
build-fuzz: deps
	@CC=clang cmake -S . -B $(BUILD_FUZZ) -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCAREWATCH_FUZZ=ON $(CMAKE_ARGS) >/dev/null
	@cmake --build $(BUILD_FUZZ) -j $(JOBS) --target fuzz_all

run: build
	@scripts/run.sh $(BUILD)

# Every test, in the plain build and again under ASan and UBSan, and
# every fuzz harness for ten seconds.
test: test-plain test-asan test-fuzz

test-plain: deps-test build
	cd $(BUILD) && ctest --output-on-failure -j $(JOBS)

test-asan: build-asan
	cd $(BUILD_ASAN) && ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
	    ctest --output-on-failure -j $(JOBS)

# Each fuzz harness over its regression inputs, then ten seconds of fuzzing.
test-fuzz: build-fuzz
	cd $(BUILD_FUZZ) && ctest --output-on-failure -j $(JOBS) -L fuzz

# Long fuzzing (not part of the tests): FUZZ_SECONDS per harness, FUZZ_JOBS
# at a time, corpus kept in $(BUILD_FUZZ)/fuzz-long.  See docs/reliability.md.
fuzz: build-fuzz
	@tests/fuzz/fuzz.sh $(BUILD_FUZZ) $(FUZZ_SECONDS) $(FUZZ_JOBS)

# The fault-injection suite at full size (not part of the tests; `make test`
# runs it at 20,000 rows through ctest): FAULT_ROWS observations fed while
# every service is killed and restarted, PostgreSQL restarts and the webhook
# receiver goes away, then a reconciliation.  Its own PostgreSQL cluster;
# figures in $(BUILD)/fault_suite_full.json.  See docs/reliability.md.
faults: build
	@tests/faults/run.sh $(BUILD) $(FAULT_ROWS)

# Benchmarks (not tests): Release build in build-bench/, a private
# PostgreSQL cluster, a table and bench/results.json. See bench/run.sh for
# the BENCH_* size settings and docs/performance.md for the figures.
bench: deps
	@bench/run.sh

# How cost grows: the calc recompute at 100k, 300k and 1M observations and
# the export at 12, 24 and 36 months of history (bench/growth.sh).
bench-growth: deps
	@bench/growth.sh

# The benchmarks at 10x (intake 10M rows, calc 10M observations, export on
# 360 months) with every process's peak memory against 200 MB
# (bench/scale.sh; about 30 minutes).
bench-scale: deps
	@bench/scale.sh

# Towards England: 10M and 20M synthetic observations in today's layout and
# partitioned by financial year and data element; what each service's
# typical statement costs in each (bench/england.sh; about 10 minutes).
bench-england: deps
	@bench/england.sh

clean:
	rm -rf $(BUILD) $(BUILD_ASAN) $(BUILD_FUZZ)
