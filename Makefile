# carewatch: the two commands that matter are `make run` and `make test`.
BUILD      ?= build
BUILD_ASAN ?= build-asan
JOBS       ?= $(shell nproc 2>/dev/null || echo 2)
CMAKE_ARGS ?=

.PHONY: all deps deps-test build build-asan run test test-plain test-asan bench clean

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

run: build
	@scripts/run.sh $(BUILD)

# Every test, in the plain build and again under ASan and UBSan.
test: test-plain test-asan

test-plain: deps-test build
	cd $(BUILD) && ctest --output-on-failure -j $(JOBS)

test-asan: build-asan
	cd $(BUILD_ASAN) && ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
	    ctest --output-on-failure -j $(JOBS)

# Benchmarks (not tests): Release build in build-bench/, a private
# PostgreSQL cluster, a table and bench/results.json. See bench/run.sh for
# the BENCH_* size settings and docs/performance.md for the figures.
bench: deps
	@bench/run.sh

clean:
	rm -rf $(BUILD) $(BUILD_ASAN)
