# shellcheck shell=bash
# Helpers shared by the repository's scripts: `source` this file, never run it.
#
# Every check in a script must fail only for the reason it checks. Two patterns broke that and
# are the reason these helpers exist:
#   - a producer piped into `grep -q WORD` under `set -o pipefail`: grep exits at the first
#     match, the producer dies of SIGPIPE on its next write, and the pipeline fails although
#     WORD was there (or, in an `if`, a match is taken for "no match"). So output is
#     captured into a variable first and matched afterwards (`contains`, `has_line`).
#   - `command | filter || true`: the status of `command` is lost with the filter's. So a long
#     command's output goes to a log, its status is kept, and lines are picked from the log
#     afterwards (`run_logged`, `show_lines`).
# Tools' messages are read in the C locale, the format the checks match.
export LC_ALL=C

# phase TEXT: a timestamped banner before each long step, so a log says what is running.
phase() { printf '\n== [%s] %s\n' "$(date -u '+%H:%M:%S')" "$*"; }

# fail TEXT: the reason, on stderr, and exit 1.
fail() {
	printf 'FAIL: %s\n' "$*" >&2
	exit 1
}

# require_tool COMMAND HOW-TO-INSTALL: a missing tool fails the run loudly; a test that needs a
# tool never passes without it.
require_tool() {
	command -v "$1" >/dev/null 2>&1 || fail "'$1' is not installed, and this test needs it: $2"
}

# require_rust_toolchain NAME: e.g. nightly, for cargo +nightly.
require_rust_toolchain() {
	local out
	out=$(rustup run "$1" rustc --version 2>&1) ||
		fail "the Rust toolchain '$1' is not installed ($out): rustup toolchain install $1"
}

# go_required: whether a missing Go toolchain must fail the run (CI) rather than skip loudly.
go_required() { [ "${GOFUZZSHM_REQUIRE_GO:-}" = 1 ] || [ "${CI:-}" = true ]; }

# engine_tool COMMAND HOW-TO-INSTALL: whether an engine's tool (clang-19, afl-fuzz) is there.
# Missing, it fails the run under CI (CI=true, GOFUZZSHM_REQUIRE_GO=1 or
# GOFUZZSHM_REQUIRE_ENGINES=1); elsewhere it says loudly that the engine was NOT tested and
# returns 1, so the caller exits 0 without pretending to have tested anything.
engine_tool() {
	command -v "$1" >/dev/null 2>&1 && return 0
	if go_required || [ "${GOFUZZSHM_REQUIRE_ENGINES:-}" = 1 ]; then
		fail "'$1' is not installed, and this test needs it: $2"
	fi
	printf '\n*** SKIPPED: no %s, so this engine was NOT tested. %s ***\n\n' "$1" "$2"
	return 1
}

# contains TEXT FIXED-STRING: whether TEXT contains the string (no pipe, no regex).
contains() { [[ $1 == *"$2"* ]]; }

# has_line TEXT EXTENDED-REGEX: whether a line of TEXT matches. grep reads a here-string, which
# bash writes in full before grep starts, so grep stopping early cannot fail anything.
has_line() { grep -qE -- "$2" <<<"$1"; }

# show_lines EXTENDED-REGEX FILE: prints the lines of FILE that match; no match is not an
# error (grep's status 1), an unreadable file is (status 2).
show_lines() { grep -E -- "$1" "$2" || [ $? = 1 ]; }

# run_logged LOG COMMAND...: runs COMMAND with its output in LOG; returns its status, and
# prints the whole log when it fails.
run_logged() {
	local log=$1 rc=0
	shift
	"$@" >"$log" 2>&1 || rc=$?
	if [ "$rc" != 0 ]; then
		cat "$log"
		printf 'FAIL (exit %s): %s\n' "$rc" "$*" >&2
	fi
	return "$rc"
}

# linked_to BINARY LIBRARY-PATH: whether the dynamic loader resolves BINARY's dependency to
# exactly that file (ldd prints "name => path (address)").
linked_to() {
	local out
	out=$(ldd "$1") || fail "ldd $1 failed: $out"
	contains "$out" "=> $2 ("
}

# needs_library BINARY NAME: whether the loader loads any library whose name contains NAME.
needs_library() {
	local out
	out=$(ldd "$1") || fail "ldd $1 failed: $out"
	contains "$out" "$2"
}

# cargo_version [CARGO.TOML]: the package version (first `version = "…"` line).
cargo_version() { awk -F'"' '/^version = "/ { print $2; exit }' "${1:-Cargo.toml}"; }

# go_key_cgo_on FILE...: makes Go's build cache tell apart builds against different libraries.
# Go keys a cgo package on its sources and the CGO_* variables, not on what pkg-config printed
# nor on the library or header it found, so a cache filled by a build against one library
# serves a later build against another. A define naming the files' contents (library, header,
# .pc file) goes into CGO_CFLAGS, which Go does key on: a different library is a different
# build; the same library reuses the cache (a private GOCACHE or -a would rebuild the standard
# library on every run instead).
go_key_cgo_on() {
	local sums key
	sums=$(sha256sum -- "$@") || fail "cannot hash $*"
	key=$(sha256sum <<<"$sums")
	export CGO_CFLAGS="${CGO_CFLAGS-$(go env CGO_CFLAGS)} -DGOFUZZSHM_LIBRARY_KEY=${key:0:16}"
}
