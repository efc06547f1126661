# gofuzz-shm: top-level entry points. `make demo` builds and runs the quick-start demo;
# `make test` runs every test (.ci/run installs what it needs first).

CARGO ?= cargo
CC ?= cc
RELEASE_LIB := target/release
EXAMPLES := examples/build
EXAMPLE_CFLAGS := -std=c11 -Wall -Wextra -Werror -O2 -Iinclude

.PHONY: demo build test lint test-rust check-header test-c test-go test-install fuzz fuzz-smoke clean

demo: $(EXAMPLES)/handoff $(EXAMPLES)/region_writer
	$(EXAMPLES)/handoff $(EXAMPLES)/region_writer

build:
	$(CARGO) build --release --lib

$(EXAMPLES):
	mkdir -p $@

# The demo links the static library, so the programs run without LD_LIBRARY_PATH.
$(EXAMPLES)/%: examples/c/%.c build | $(EXAMPLES)
	$(CC) $(EXAMPLE_CFLAGS) $< -o $@ $(RELEASE_LIB)/libgofuzz_shm.a -lpthread -ldl -lm

test: lint test-rust check-header test-c test-go test-install fuzz-smoke demo

lint:
	$(CARGO) fmt --all -- --check
	$(CARGO) clippy --all-targets -- -D warnings
	cd fuzz && $(CARGO) fmt -- --check && $(CARGO) clippy --all-targets -- -D warnings
	RUSTDOCFLAGS="-D warnings" $(CARGO) doc --no-deps --quiet

# Generous upper bounds, so a hung test fails the run instead of eating CI's time budget.
TIMEOUT ?= timeout --signal=KILL

test-rust:
	$(TIMEOUT) 1200 $(CARGO) test

# The committed header must be exactly what build.rs generates from the sources.
check-header:
	$(CARGO) build --lib
	@git diff --exit-code -- include/ && test -z "$$(git status --porcelain -- include/)" \
		|| { echo "include/ differs from the generated header: commit the regenerated one"; exit 1; }

test-c:
	$(CARGO) build --lib
	$(TIMEOUT) 900 $(MAKE) -C c-tests LIBDIR=$(CURDIR)/target/debug

# The Go package and the proofs against the real Go toolchain (see go-interop/README.md).
test-go:
	$(TIMEOUT) 1500 go-interop/run-tests.sh

# Install with cargo-c into a temporary prefix; build and run C and Go consumers through
# pkg-config only; check the SONAME and the exported symbols.
test-install:
	$(TIMEOUT) 900 scripts/test-install.sh

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
.PHONY: bench bench-quick
bench:
	bench/run.sh
bench-quick:
	bench/run.sh --quick
