#!/usr/bin/env bash
# The headline demo (`make demo`): libFuzzer, guided by Go's own coverage counters, finds a bug
# planted several comparisons deep in an unmodified Go fuzz target, and `go test` reproduces
# what it found.
#
#   1. gofuzz-shm build --engine libfuzzer: one libFuzzer executable with the Go test binary
#      (go test -c -fuzz=FuzzFrame) embedded;
#   2. libFuzzer with a fixed seed and run budget must find the bug: libFuzzer's crash-<sha1>
#      artifact, and the same input as a Go corpus file named as Go names it;
#   3. the same seed and budget with Go's counters not given to libFuzzer must not;
#   4. the libFuzzer binary reproduces its artifact, and `go test -run=FuzzFrame/<file>` in a
#      copy of the package reproduces the Go corpus file.
#
# Any other result fails the script, so `make test` runs it as a test. Environment: SEED,
# RUNS, CARGO. Needs clang-19 with libFuzzer (Debian: clang-19 libclang-rt-19-dev).
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
SEED=${SEED:-2}
RUNS=${RUNS:-400000}
CARGO=${CARGO:-cargo}
out=examples/build/libfuzzer
rm -rf "$out"
mkdir -p "$out/corpus" "$out/blind-corpus" "$out/found"
export GOWORK=off GOTOOLCHAIN=local

step() { printf '\n== %s\n' "$*"; }
fail() { printf '\nDEMO FAILED: %s\n' "$*" >&2; exit 1; }
if ! command -v clang-19 >/dev/null 2>&1 && ! command -v clang >/dev/null 2>&1; then
    fail "no clang: install clang-19 libclang-rt-19-dev (Debian/Ubuntu)"
fi

step "build: gofuzz-shm build --engine libfuzzer --no-cmp --target FuzzFrame --pkg examples/fuzzer/target"
"$CARGO" build --quiet --release --lib
"$CARGO" build --quiet --release -p gofuzz-shm-cli
# --no-cmp: this demo compares Go's coverage counters with none; comparison feedback (on by
# default) would guide the "blind" run too (`make test-libfuzzer-cmp` shows what it adds).
target/release/gofuzz-shm build --engine libfuzzer --no-cmp --target FuzzFrame \
    --pkg examples/fuzzer/target -o "$out/fuzz_frame"

# Runs the libFuzzer binary in $out; keeps its log and sets $rc.
fuzz() {
    local log=$1
    shift
    set +e
    (cd "$out" && "$@") >"$out/$log" 2>&1
    rc=$?
    set -e
}
# libFuzzer's progress lines, a few of them, and its verdict.
show() {
    grep -E '^#[0-9]+[[:space:]]+(NEW|DONE)|gofuzz-shm: Go fuzz|Go corpus file|panic:|deadly signal|Test unit written|^Done' "$out/$1" \
        | grep -vE '^ +(goroutine|panic\()' | cut -c1-110 || true
}

step "libFuzzer guided by Go's counters: -seed=$SEED -runs=$RUNS"
echo "\$ ./fuzz_frame -seed=$SEED -runs=$RUNS -artifact_prefix=found/ -print_final_stats=1 corpus"
fuzz guided.log ./fuzz_frame -seed="$SEED" -runs="$RUNS" -artifact_prefix=found/ -print_final_stats=1 corpus
show guided.log
[ "$rc" = 77 ] || fail "libFuzzer did not find the bug in $RUNS runs (exit $rc, want 77)"
grep -q 'index out of range' "$out/guided.log" || fail "the failure is not the planted bug"
artifact=$(cd "$out" && ls found/crash-*)
gofile=$(find "$out/found" -maxdepth 1 -type f -regextype posix-extended -regex '.*/[0-9a-f]{16}' -printf '%f\n')
[ -n "$gofile" ] || fail "no Go corpus file beside the artifact"
runs_to_bug=$(sed -n 's/^stat::number_of_executed_units: *//p' "$out/guided.log")

step "the same without Go's counters (GOFUZZSHM_NO_COUNTERS=1): -seed=$SEED -runs=$RUNS"
fuzz blind.log env GOFUZZSHM_NO_COUNTERS=1 ./fuzz_frame -seed="$SEED" -runs="$RUNS" \
    -artifact_prefix=blind- blind-corpus
show blind.log
[ "$rc" = 0 ] || fail "libFuzzer without Go's counters was expected to find nothing (exit $rc)"

step "the libFuzzer binary reproduces its artifact"
echo "\$ ./fuzz_frame $artifact"
fuzz replay.log ./fuzz_frame "$artifact"
replay=$(sed -n -E '/panic:|deadly signal/s/^ *//p' "$out/replay.log")
sed -n 1,3p <<<"$replay"
[ "$rc" = 77 ] || fail "the artifact did not crash again (exit $rc)"

step "go test reproduces the Go corpus file from testdata/fuzz/FuzzFrame/$gofile"
mkdir -p "$out/pkg/testdata/fuzz/FuzzFrame"
cp examples/fuzzer/target/go.mod examples/fuzzer/target/*.go "$out/pkg/"
cp "$out/found/$gofile" "$out/pkg/testdata/fuzz/FuzzFrame/"
echo "\$ go test -run=FuzzFrame/$gofile"
set +e
(cd "$out/pkg" && go test -count=1 -run="FuzzFrame/$gofile" .) >"$out/gotest.log" 2>&1
rc=$?
set -e
awk '/^goroutine /{skip=1} /^FAIL/{skip=0} !skip' "$out/gotest.log"
[ "$rc" != 0 ] || fail "go test passed on the Go corpus file"
grep -q "FAIL: FuzzFrame/$gofile" "$out/gotest.log" && grep -q 'index out of range' "$out/gotest.log" \
    || fail "go test failed differently"

step "result"
echo "guided by Go's counters: libFuzzer found the planted bug after $runs_to_bug runs"
echo "without them: nothing in $RUNS runs"
echo "the input: $(sed -n 2p "$out/found/$gofile") — libFuzzer artifact $artifact, Go corpus file found/$gofile"
