# The front door. `make` builds build/sluice (release); `make test` is the test command
# that CI runs; see README.md.
.PHONY: all build deps test test-unit test-integration test-cluster test-deploy fuzz-smoke \
        clean format format-check demo demo-down bench-ingest bench-process bench-cluster \
        bench-cql

JOBS ?= $(shell nproc)
FUZZ_SECONDS ?= 20

all: build

build:
	cmake --preset release >/dev/null
	cmake --build --preset release -j $(JOBS)

deps:
	scripts/deps

# The style check and the unit tests first (after the build packages, if missing), then
# the other packages, a bounded fuzz run, the stack up, integration tests, the stack down
# (also on failure). See scripts/run-tests.
test:
	scripts/run-tests

test-unit:
	cmake --preset asan-ubsan >/dev/null
	cmake --build --preset asan-ubsan -j $(JOBS)
	ctest --test-dir build-asan-ubsan -L unit --output-on-failure

# Needs the stack up (scripts/stack up); does not start or stop it.
test-integration:
	cmake --preset asan-ubsan >/dev/null
	cmake --build --preset asan-ubsan -j $(JOBS)
	ctest --test-dir build-asan-ubsan -L integration --output-on-failure

# The cluster tier (tests/cluster, label "cluster"): node loss, leader elections, token
# and DC awareness. Starts (and leaves up) a stack of SLUICE_STACK_NODES nodes (3 unless
# set); slow: see tests/README.md.
# Two passes: every cluster test on one datacenter (0705 skips), then the stack restarted
# with SLUICE_CASSANDRA_DCS=dc1:2,dc2:1 for 0705 alone, then stopped. See tests/README.md.
test-cluster:
	cmake --preset asan-ubsan >/dev/null
	cmake --build --preset asan-ubsan -j $(JOBS)
	export SLUICE_STACK_NODES=$${SLUICE_STACK_NODES:-3} && unset SLUICE_CASSANDRA_DCS && \
	    scripts/stack up && eval "$$(scripts/stack env kafka cassandra)" && \
	    ctest --test-dir build-asan-ubsan -L cluster --output-on-failure; rc=$$?; \
	    scripts/stack down && export SLUICE_CASSANDRA_DCS=dc1:2,dc2:1 && \
	    scripts/stack up kafka cassandra && eval "$$(scripts/stack env kafka cassandra)" && \
	    ctest --test-dir build-asan-ubsan -L cluster -R dc-aware --output-on-failure || rc=1; \
	    scripts/stack down; exit $$rc

# The whole deploy/docker-compose.yml on a private Docker engine (docker.io), with local
# stand-ins for the third-party images when Docker Hub cannot be reached: everything
# healthy, an ingest and an Airflow DAG run, the table exact, --scale process=3, down -v.
# Not part of `make test` (10 to 30 minutes); see docs/deploy.md.
test-deploy:
	scripts/deps deploy
	deploy/test-deploy

# The pipeline end to end on this machine; leaves the stack up (make demo-down stops it).
# COUNT=users to ingest (200000) or DURATION=seconds of ingest, SOURCE=URL of a
# randomuser-compatible API (local mock). Ports follow the stack (scripts/stack env).
demo: deps
	scripts/demo

demo-down:
	scripts/stack down

# Benchmarks: each prints a table and a last line with its ratio to a baseline run in the
# same invocation. They start the stack if needed and leave it up.
bench-ingest: deps build
	scripts/stack up kafka
	bench/bench_ingest.sh

bench-process: deps build
	scripts/stack up
	bench/bench_process.sh

# 1, 2, 3 processors into three Cassandra nodes (RF 3 QUORUM, RF 1), then one node, in one
# run (docs/scaling.md). Both layouts use the stack's addresses: it ends with the stack down.
bench-cluster: deps build
	bench/bench_cluster.sh $(BENCH_CLUSTER_ROWS)

fuzz-smoke:
	scripts/fuzz-smoke $(FUZZ_SECONDS)

# The CQL client against the Java driver (docs/cql.md, Benchmark). Starts Cassandra if it
# is not up (and leaves it up); honours the stack's SLUICE_* environment.
BENCH_ROWS ?= 200000
BENCH_WINDOW ?= 256
bench-cql: deps
	scripts/stack up cassandra
	bench/cql/run.sh "$${SLUICE_CASSANDRA_HOST:-127.0.0.1}" "$${SLUICE_CQL_PORT:-9042}" \
	    $(BENCH_ROWS) $(BENCH_WINDOW)

format:
	clang-format -i $$(git ls-files '*.c' '*.h')

format-check:
	clang-format --dry-run --Werror $$(git ls-files '*.c' '*.h')

clean:
	rm -rf build build-debug build-asan-ubsan build-fuzz build-bench-cql
