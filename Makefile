# gofuzz-shm: top-level entry points. `make demo` builds and runs the headline demo (a C
# fuzzer finds a bug in a Go fuzz target through the library); `make test` runs every test
# (.ci/run installs what it needs first).

CARGO ?= cargo
CC ?= cc
RELEASE_LIB := target/release
EXAMPLES := examples/build
EXAMPLE_CFLAGS := -std=c11 -Wall -Wextra -Werror -O2 -Iinclude

.PHONY: demo demo-fuzzer demo-region build test lint test-rust test-cli check-header test-c \
	test-go test-install examples fuzz fuzz-smoke clean

demo: demo-fuzzer

# examples/fuzzer: builds the library, the gofuzz-shm command, a Go fuzz target and a C
# fuzzer; with a fixed seed and budget the fuzzer must find the target's planted bug with
# coverage and must not without it, and `gofuzz-shm run` and `go test` must reproduce the
# crash. The script fails otherwise, so this is a test too.
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

test: lint test-rust check-header test-c test-go test-install examples fuzz-smoke demo-region \
	demo-fuzzer

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
# `make bench-engines`: the engine benchmark alone (bench/engines/run.sh, full mode).
.PHONY: bench bench-quick bench-engines
bench:
	bench/run.sh
bench-quick:
	bench/run.sh --quick
bench-engines:
	bench/run.sh --engines-only
