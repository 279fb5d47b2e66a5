# The front door. `make` builds build/sluice (release); `make test` is the test command
# that CI runs; see README.md.
.PHONY: all build deps test test-unit test-integration fuzz-smoke clean format format-check

JOBS ?= $(shell nproc)
FUZZ_SECONDS ?= 20

all: build

build:
	cmake --preset release >/dev/null
	cmake --build --preset release -j $(JOBS)

deps:
	scripts/deps

# deps, an ASan+UBSan build, unit tests, a bounded fuzz run, the stack up, integration
# tests, the stack down (also on failure).
test: deps
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

fuzz-smoke:
	scripts/fuzz-smoke $(FUZZ_SECONDS)

format:
	clang-format -i $$(git ls-files '*.c' '*.h')

format-check:
	clang-format --dry-run --Werror $$(git ls-files '*.c' '*.h')

clean:
	rm -rf build build-debug build-asan-ubsan build-fuzz
