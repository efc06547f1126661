#!/usr/bin/env bash
# Builds and runs the Rust examples against real Go targets and checks what they print.
# (The C examples run in `make demo-region` and `make demo-fuzzer`, the Go example in
# go-interop/run-tests.sh.)
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=scripts/lib.sh
. scripts/lib.sh
require_tool go "https://go.dev/dl/"
tmp=$(mktemp -d "${TMPDIR:-/tmp}/gofuzz-shm-examples.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

echo "== examples/run_go_target.rs: exact inputs through a real Go worker"
(cd testdata/gotargets && GOWORK=off go test -c -fuzz=FuzzBehave -o "$tmp/targets.test" .)
cargo build --quiet --example run_go_target
set +e
target/debug/examples/run_go_target "$tmp/targets.test" FuzzBehave hello fatal exit3 apple \
    | tee "$tmp/out"
rc=${PIPESTATUS[0]}
set -e
[ "$rc" = 1 ] || { echo "exit status $rc, want 1 (inputs failed)"; exit 1; }
output=$(<"$tmp/out")
expect() { contains "$output" "$1" || fail "missing in output: $1"; }
expect '"hello": Ok'
expect '"fatal": Crash'
expect 'rejected input "fatal"'
expect '"exit3": WorkerDied'
expect '"apple": Ok'   # the worker was restarted after exit3
echo "examples ok"
