#!/usr/bin/env bash
# `make demo-fuzzer`: a small coverage-guided fuzzer written in C finds a bug
# planted several comparisons deep in a real Go fuzz target, through gofuzz-shm's C API.
#
#   1. builds the library (static), the gofuzz-shm command, the Go target with
#      `go test -c -fuzz=FuzzFrame` and the C fuzzer;
#   2. runs the fuzzer with a fixed seed and budget, coverage-guided: it must find the bug
#      and save the failing input as a Go corpus file;
#   3. runs the same fuzzer, same seed and budget, with coverage ignored: it must not;
#   4. replays the saved input with `gofuzz-shm run`, which must report the crash (exit 1);
#   5. copies the crash file `gofuzz-shm run` wrote into a copy of the Go package's
#      testdata/fuzz/FuzzFrame/, where `go test -run=FuzzFrame/<file>` must fail the same way.
#
# Any other result fails the script, so CI runs it as a test. Environment: SEED (default 1),
# RUNS (default 200000), CARGO, CC.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
# shellcheck source=scripts/lib.sh
. scripts/lib.sh
require_tool go "https://go.dev/dl/"
SEED=${SEED:-1}
RUNS=${RUNS:-200000}
CARGO=${CARGO:-cargo}
CC=${CC:-cc}
out=examples/build/fuzzer
mkdir -p "$out"
rm -rf "$out/crashers" "$out/pkg" "$out"/*.entry

step() { printf '\n== %s\n' "$*"; }
fail() { printf '\nDEMO FAILED: %s\n' "$*" >&2; exit 1; }
export GOWORK=off GOTOOLCHAIN=local

step "build: library, gofuzz-shm, the Go target (go test -c -fuzz), the C fuzzer"
"$CARGO" build --quiet --release --lib
"$CARGO" build --quiet --release -p gofuzz-shm-cli
(cd examples/fuzzer/target && go test -count=1 -run='^TestParse$' . >/dev/null \
    && go test -c -fuzz=FuzzFrame -o "$root/$out/frame.test" .)
"$CC" -std=c11 -Wall -Wextra -Werror -pedantic -O2 -Iinclude examples/fuzzer/fuzzer.c \
    -o "$out/fuzzer" target/release/libgofuzz_shm.a -lpthread -ldl -lm
echo "built $out/frame.test and $out/fuzzer"

# Runs the fuzzer, showing and keeping its output; sets $rc.
fuzz() {
    local log=$1
    shift
    set +e
    "$out/fuzzer" --bin "$out/frame.test" --target FuzzFrame --seed "$SEED" --runs "$RUNS" "$@" \
        | tee "$out/$log"
    rc=${PIPESTATUS[0]}
    set -e
}

step "coverage-guided: seed $SEED, at most $RUNS runs"
fuzz guided.log --crash-out "$out/guided.entry"
[ "$rc" = 1 ] || fail "the coverage-guided fuzzer did not find the bug in $RUNS runs (exit $rc)"
grep -q 'index out of range' "$out/guided.log" || fail "the failure is not the planted bug"
[ -s "$out/guided.entry" ] || fail "no crash file"
found=$(sed -n 's/^found after \([0-9]*\) runs.*/\1/p' "$out/guided.log")

step "coverage ignored (blind mutations of the seed): seed $SEED, $RUNS runs"
fuzz blind.log --no-coverage --crash-out "$out/blind.entry"
[ "$rc" = 0 ] || fail "the blind fuzzer was expected to find nothing in $RUNS runs (exit $rc)"

step "gofuzz-shm run reproduces the saved input"
echo "\$ gofuzz-shm run --bin $out/frame.test --target FuzzFrame --crash-dir $out/crashers $out/guided.entry"
set +e
target/release/gofuzz-shm run --bin "$out/frame.test" --target FuzzFrame \
    --crash-dir "$out/crashers" "$out/guided.entry" | tee "$out/replay.log"
rc=${PIPESTATUS[0]}
set -e
[ "$rc" = 1 ] || fail "gofuzz-shm run exited $rc on the crasher, want 1"
grep -q '^CRASH ' "$out/replay.log" && grep -q 'index out of range' "$out/replay.log" \
    || fail "gofuzz-shm run did not report the panic"
crash_file=$(ls "$out/crashers" 2>/dev/null || true)
[ -n "$crash_file" ] || fail "gofuzz-shm run wrote no crash file"

step "go test reproduces it from testdata/fuzz/FuzzFrame/$crash_file"
mkdir -p "$out/pkg/testdata/fuzz/FuzzFrame"
cp examples/fuzzer/target/go.mod examples/fuzzer/target/*.go "$out/pkg/"
cp "$out/crashers/$crash_file" "$out/pkg/testdata/fuzz/FuzzFrame/"
echo "\$ go test -run=FuzzFrame/$crash_file"
set +e
(cd "$out/pkg" && go test -count=1 -run="FuzzFrame/$crash_file" .) >"$out/gotest.log" 2>&1
rc=$?
set -e
# Go's output without the goroutine stack.
awk '/^goroutine /{skip=1} /^FAIL/{skip=0} !skip' "$out/gotest.log"
[ "$rc" != 0 ] || fail "go test passed on the crasher"
grep -qF "FAIL: FuzzFrame/$crash_file" "$out/gotest.log" && grep -q 'index out of range' "$out/gotest.log" \
    || fail "go test failed differently"

step "result"
echo "coverage-guided: found the planted bug after $found runs"
echo "coverage ignored: nothing in $RUNS runs"
echo "the crasher: $(sed -n 2p "$out/guided.entry") — replayed by gofuzz-shm run and by go test"
