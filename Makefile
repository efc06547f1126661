# gofuzz-shm: top-level entry points. `make demo` builds and runs the headline demo (libFuzzer
# finds a bug in a Go fuzz target, guided by Go's coverage counters); `make test` runs every
# test (.ci/run installs what it needs first).

CARGO ?= cargo
CC ?= cc
RELEASE_LIB := target/release
EXAMPLES := examples/build
EXAMPLE_CFLAGS := -std=c11 -Wall -Wextra -Werror -O2 -Iinclude

.PHONY: demo demo-fuzzer demo-region build test lint test-rust test-cli test-libafl check-header test-c \
	test-go test-install examples fuzz fuzz-smoke clean test-go-releases test-go-oldest \
	demo-libfuzzer test-libfuzzer test-afl

demo: demo-libfuzzer

# engines/libfuzzer: `gofuzz-shm build --engine libfuzzer` makes a libFuzzer binary of a Go
# fuzz target; with a fixed seed and budget libFuzzer must find the planted bug with Go's
# counters and must not without them, and `go test` must reproduce the Go corpus file.
demo-libfuzzer:
	$(TIMEOUT) 900 env CARGO="$(CARGO)" engines/libfuzzer/run-demo.sh

# libFuzzer's flags, artifacts, exit statuses, -fork/-jobs/-merge/-minimize_crash, timeouts,
# the memory limit and SIGKILL against real binaries (engines/libfuzzer/run-tests.sh).
test-libfuzzer:
	$(TIMEOUT) 900 env CARGO="$(CARGO)" engines/libfuzzer/run-tests.sh

# AFL++ 4.04c with binaries of `gofuzz-shm build --engine afl`: files outside afl-fuzz,
# afl-showmap (a hang killed by pid), afl-cmin, afl-tmin, afl-fuzz finding a bug that go test
# reproduces, -M/-S, SIGKILL of afl-fuzz (engines/afl/run-tests.sh).
test-afl:
	$(TIMEOUT) 1200 env CARGO="$(CARGO)" engines/afl/run-tests.sh

# examples/fuzzer (`make demo-fuzzer`, a fuzzer of its own in C on the worker API): builds the
# library, the gofuzz-shm command, a Go fuzz target and a C fuzzer; with a fixed seed and
# budget the fuzzer must find the target's planted bug with coverage and must not without it,
# and `gofuzz-shm run` and `go test` must reproduce the crash. The script fails otherwise, so this is a test too.
DEMO_SEED ?= 1
DEMO_RUNS ?= 200000
demo-fuzzer:
	$(TIMEOUT) 600 env SEED=$(DEMO_SEED) RUNS=$(DEMO_RUNS) CARGO="$(CARGO)" CC="$(CC)" \
		examples/fuzzer/run-demo.sh

# examples/c: a region handed to a child process as fd 5, where a Go fuzz worker expects it.
demo-region: $(EXAMPLES)/handoff $(EXAMPLES)/region_writer
	$(EXAMPLES)/handoff $(EXAMPLES)/region_writer

build:
	$(CARGO) build --release --lib

$(EXAMPLES):
	mkdir -p $@

# The demo links the static library, so the programs run without LD_LIBRARY_PATH.
$(EXAMPLES)/%: examples/c/%.c build | $(EXAMPLES)
	$(CC) $(EXAMPLE_CFLAGS) $< -o $@ $(RELEASE_LIB)/libgofuzz_shm.a -lpthread -ldl -lm

# `make test` runs these one after another, each under a timestamped banner, so a long log
# says what is running and how long each took. Add a new suite here (TEST_TARGETS += ...).
TEST_TARGETS := lint test-rust check-header test-c test-go test-install examples fuzz-smoke \
	demo-region demo-fuzzer test-go-oldest test-libfuzzer demo-libfuzzer test-afl test-cmp
test:
	@set -e; start=$$(date +%s); for t in $(TEST_TARGETS); do \
		printf '\n######## [%s] make %s\n' "$$(date -u +%H:%M:%S)" "$$t"; \
		t0=$$(date +%s); $(MAKE) --no-print-directory $$t; \
		printf '######## make %s passed in %ss\n' "$$t" "$$(( $$(date +%s) - t0 ))"; \
	done; printf '\n######## make test passed in %ss: %s\n' "$$(( $$(date +%s) - start ))" "$(TEST_TARGETS)"

lint:
	$(CARGO) fmt --all -- --check
	$(CARGO) clippy --all-targets --workspace -- -D warnings
	cd fuzz && $(CARGO) fmt -- --check && $(CARGO) clippy --all-targets -- -D warnings
	RUSTDOCFLAGS="-D warnings" $(CARGO) doc --workspace --no-deps --quiet

# Generous upper bounds, so a hung test fails the run instead of eating CI's time budget.
TIMEOUT ?= timeout --signal=KILL

# The library's tests and the gofuzz-shm command's (the cli/ workspace member).
test-rust:
	$(TIMEOUT) 1200 $(CARGO) test --workspace

# Only the LibAFL engine's tests and `gofuzz-shm fuzz`'s (both are part of test-rust too).
test-libafl:
	$(TIMEOUT) 1500 $(CARGO) test -p gofuzz-shm-libafl
	$(TIMEOUT) 1500 $(CARGO) test -p gofuzz-shm-cli --test fuzz

# Only the command's tests (exit statuses, JSON, crash files against real Go workers).
test-cli:
	$(TIMEOUT) 600 $(CARGO) test -p gofuzz-shm-cli

# The committed header must be exactly what build.rs generates from the sources.
check-header:
	$(CARGO) build --lib
	@git diff --exit-code -- include/ && test -z "$$(git status --porcelain -- include/)" \
		|| { echo "include/ differs from the generated header: commit the regenerated one"; exit 1; }

test-c:
	$(CARGO) build --lib
	$(TIMEOUT) 900 $(MAKE) -C c-tests LIBDIR=$(CURDIR)/target/debug
	$(TIMEOUT) 900 $(MAKE) -C c-tests/worker check check-asan check-valgrind

# The Go package and the proofs against the real Go toolchain (see go-interop/README.md).
test-go:
	$(TIMEOUT) 1500 go-interop/run-tests.sh

# Install with cargo-c into a temporary prefix; build and run C and Go consumers through
# pkg-config only; check the SONAME and the exported symbols.
test-install:
	$(TIMEOUT) 900 scripts/test-install.sh

# The Rust examples against real Go targets (C: `make demo-region` and `make demo-fuzzer`; Go:
# go-interop/run-tests.sh).
examples:
	$(TIMEOUT) 600 scripts/run-examples.sh

# cargo-fuzz targets (nightly toolchain, `cargo install cargo-fuzz`): a short run of each in
# `make test`, a longer one with `make fuzz FUZZ_SECONDS=600`. See fuzz/README.md.
FUZZ_SECONDS ?= 300
fuzz-smoke:
	$(TIMEOUT) 900 fuzz/run.sh 10

fuzz:
	fuzz/run.sh $(FUZZ_SECONDS)

clean:
	$(CARGO) clean
	rm -rf $(EXAMPLES)
	$(MAKE) -C c-tests clean

# Benchmarks (bench/run.sh): `make bench` writes BENCHMARKS.md; `make bench-quick` only proves
# that every benchmark still runs (CI), writing target/bench/BENCHMARKS.quick.md.
# Comparison feedback (src/cmp): the shm_cmp_* C API against real Go workers built with the hook
# object, plain and under ASan + UBSan (the Rust tests are in test-rust). About a minute.
.PHONY: test-cmp test-cmp-releases
test-cmp:
	$(CARGO) build --lib
	$(TIMEOUT) 600 $(MAKE) -C c-tests/cmp check check-asan

# The hooks with other Go releases from the module proxy (minutes each; not in `make test`):
# `make test-cmp-releases CMP_TOOLCHAINS="go1.20.14 go1.22.12"`.
CMP_TOOLCHAINS ?= go1.18.10 go1.19.13 go1.20.14 go1.22.12 go1.24.11
test-cmp-releases:
	GOFUZZSHM_CMP_TOOLCHAINS="$(CMP_TOOLCHAINS)" $(TIMEOUT) 3600 \
		$(CARGO) test --test cmp_releases -- --ignored --nocapture

# `make bench-engines`: the engine benchmark alone (bench/engines/run.sh, full mode).
.PHONY: bench bench-quick bench-engines
bench:
	bench/run.sh
	$(TIMEOUT) 1200 bench/fuzzloop/run.sh
bench-quick:
	bench/run.sh --quick
	$(TIMEOUT) 300 bench/fuzzloop/run.sh --quick

# The worker suite (tests/worker_*.rs, c-tests/worker) against Go fuzz workers built by each Go
# release with native fuzzing, fetched through the Go module proxy (GOTOOLCHAIN=go<release>):
# `make test-go-releases [GO_RELEASES="1.18.10 1.22.12"]`. `make test` runs the oldest; the
# installed Go runs in test-rust and test-c.
GO_RELEASES ?= 1.18.10 1.19.13 1.20.14 1.21.13 1.22.12 1.23.12 1.24.11 1.25.5 1.26.8
test-go-releases:
	$(TIMEOUT) 5400 scripts/test-go-releases.sh $(GO_RELEASES)
test-go-oldest:
	$(TIMEOUT) 900 scripts/test-go-releases.sh 1.18.10

bench-engines:
	bench/run.sh --engines-only
