#!/usr/bin/env bash
# Runs the worker suite against Go fuzz workers built by each given Go release: the Rust worker
# tests (tests/worker_*.rs, tests/corpus_worker.rs) and the C worker suite (c-tests/worker).
#   usage: scripts/test-go-releases.sh RELEASE...     e.g. 1.18.10 1.26.8, or `local`
# Each release is fetched through the Go module proxy (GOTOOLCHAIN=go<release>, into the module
# cache) and builds testdata/gotargets; the tests check that their binaries were built by it
# (tests/tools: GOFUZZSHM_GO_TOOLCHAIN; c-tests/worker: GO_TOOLCHAIN). `local` is the
# installed Go. Go 1.18 is the first release with native fuzzing.
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=scripts/lib.sh
. scripts/lib.sh
[ $# -gt 0 ] || fail "usage: scripts/test-go-releases.sh RELEASE... (e.g. 1.18.10 local)"
require_tool go "https://go.dev/dl/ (any release from 1.21 on can fetch the others)"
require_tool make "apt-get install make"

rust_tests=()
for file in tests/worker_*.rs tests/corpus_worker.rs; do
	rust_tests+=(--test "$(basename "$file" .rs)")
done

phase "build the library and the worker tests"
cargo build --quiet --lib
cargo test --quiet --no-run "${rust_tests[@]}"

# test_release RELEASE: the whole suite against that release; returns at the first failure
# (each step checks its status: errexit does not apply inside an `if` condition).
test_release() {
	local release=$1 toolchain version settings
	if [ "$release" = local ]; then toolchain=local; else toolchain=go$release; fi
	settings=(GOFUZZSHM_GO_TOOLCHAIN="$toolchain")
	# Go 1.19's go command fails to read the standard library's module index in a toolchain
	# fetched as a module (golang/go#54651); that release needs the index off.
	case "$release" in 1.19.*) settings+=(GODEBUG=goindex=0) ;; esac

	phase "Go $release: fetch the toolchain"
	version=$(env GOTOOLCHAIN="$toolchain" "${settings[@]}" go version 2>&1) || {
		echo "GOTOOLCHAIN=$toolchain go version failed: $version" >&2
		return 1
	}
	printf '%s\n' "$version"
	if [ "$toolchain" != local ] && ! contains "$version" "go version $toolchain "; then
		echo "asked for $toolchain, got: $version" >&2
		return 1
	fi

	phase "Go $release: Rust worker tests (${rust_tests[*]})"
	env "${settings[@]}" cargo test --quiet "${rust_tests[@]}" || return 1

	phase "Go $release: C worker suite (make -C c-tests/worker check)"
	env "${settings[@]}" make --no-print-directory -C c-tests/worker check GO_TOOLCHAIN="$toolchain"
}

# Every release runs, so one report names every release that fails.
passed=() failed=()
for release in "$@"; do
	if test_release "$release"; then passed+=("$release"); else failed+=("$release"); fi
done

phase "Go releases: passed [${passed[*]}], failed [${failed[*]}]"
[ ${#failed[@]} = 0 ] || fail "the worker suite failed with Go ${failed[*]}"
