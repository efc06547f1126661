#!/usr/bin/env bash
# Installs the library with cargo-c into a temporary prefix, then builds and runs consumers the
# way users of an installed C library would, finding it through pkg-config only. The install
# and build commands are not written here: they are the README's, read from the blocks marked
# `<!-- test-install: NAME -->` in README.md, so the README shows exactly what this runs.
#   - the SONAME follows the version policy (0.x: libgofuzz_shm.so.0.<minor>; x >= 1: .so.<x>);
#   - the installed .so exports exactly the installed header's functions;
#   - a C program against the shared library (found through its rpath) and the static one;
#   - a Go program in a module of its own that uses the package through a `replace`
#     directive; its build must link the installed library even after Go's build cache was
#     filled by a build against the checkout's (Go's cache does not key on pkg-config output);
#   - the Go package's tests against the installed library.
# Needs: cargo-c (`cargo install cargo-c --version 0.10.24 --locked`), pkg-config, cc, go.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
# shellcheck source=scripts/lib.sh
. scripts/lib.sh

require_tool cargo-cinstall "cargo install cargo-c --version 0.10.24 --locked"
require_tool pkg-config "apt-get install pkg-config"
require_tool cc "apt-get install gcc"
require_tool go "https://go.dev/dl/ (the Go example and the package's tests need it)"

tmp=$(mktemp -d "${TMPDIR:-/tmp}/gofuzz-shm-install.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

# readme_block NAME: the lines of the README's code block that follows `<!-- test-install:
# NAME -->`; fails when there is no such block, so the README and this script cannot drift.
readme_block() {
	local text
	text=$(awk -v mark="<!-- test-install: $1 -->" '
		$0 == mark { found = 1; next }
		found == 1 && /^```/ { found = 2; next }
		found == 2 && /^```/ { exit }
		found == 2 { print }' README.md)
	[ -n "$text" ] || fail "README.md has no block marked <!-- test-install: $1 -->"
	printf '%s\n' "$text"
}

# run_block NAME DIR: runs that block in DIR, in this shell (its exports stay), echoing it.
run_block() {
	local text
	text=$(readme_block "$1")
	printf '%s\n' "$text" | sed 's/^/  $ /'
	cd "$2"
	eval "$text"
	cd "$root"
}

# The README's blocks use PREFIX (where to install) and SRC (this checkout).
PREFIX=$tmp/prefix
# shellcheck disable=SC2034 # used by the README blocks, which run through eval
SRC=$root

phase "install (README block 'install'), PREFIX=$PREFIX"
run_block install "$root"
pkg-config --exists gofuzz_shm
libdir=$(pkg-config --variable=libdir gofuzz_shm)
[ "$libdir" = "$PREFIX/lib" ] || fail "pkg-config's libdir is $libdir, want $PREFIX/lib"
echo "pkg-config: $(pkg-config --cflags --libs gofuzz_shm) (libdir $libdir)"

phase "SONAME follows the version policy"
version=$(pkg-config --modversion gofuzz_shm)
major=${version%%.*}
minor=${version#*.}
minor=${minor%%.*}
if [ "$major" = 0 ]; then want="libgofuzz_shm.so.0.$minor"; else want="libgofuzz_shm.so.$major"; fi
dynamic=$(readelf -d "$libdir/libgofuzz_shm.so")
soname=$(sed -n 's/.*Library soname: \[\(.*\)\]/\1/p' <<<"$dynamic")
[ "$soname" = "$want" ] || fail "SONAME is '$soname', want '$want' for version $version"
test -e "$libdir/$soname" || fail "no $libdir/$soname link"
echo "version $version, SONAME $soname"

phase "exported symbols are exactly the installed header's functions"
c-tests/check-symbols.sh "$libdir/libgofuzz_shm.so" "$PREFIX/include/gofuzz_shm.h"

expect_region_output() {
	local out
	out=$("$@")
	printf '%s\n' "$out"
	contains "$out" 'rand_state = 0x243f6a8885a308d3' || fail "unexpected output from $*"
}

# The helper programs (a region writer, the Go example's C child) link the static library.
read -ra cflags <<<"$(pkg-config --cflags gofuzz_shm)"
static_libs=("$libdir/libgofuzz_shm.a" -lpthread -ldl -lm)

phase "C consumer, shared library (README block 'c-shared')"
mkdir "$tmp/c"
cc -std=c11 -Wall -Wextra -Werror "${cflags[@]}" examples/c/region_writer.c \
	-o "$tmp/region_writer" "${static_libs[@]}"
cp examples/c/handoff.c "$tmp/c/app.c"
run_block c-shared "$tmp/c"
linked_to "$tmp/c/app" "$libdir/$soname" || fail "the C program is not linked to $libdir/$soname"
expect_region_output "$tmp/c/app" "$tmp/region_writer"

phase "C consumer, static library (README block 'c-static')"
rm "$tmp/c/app"
run_block c-static "$tmp/c"
if needs_library "$tmp/c/app" gofuzz_shm; then fail "the static build still needs the shared library"; fi
expect_region_output "$tmp/c/app" "$tmp/region_writer"

phase "Go consumer: a module of its own (README blocks 'go-module' and 'go-build')"
# First fill Go's build cache with the example built against the checkout's library, as
# go-interop/run-tests.sh does; the README's build must still link the installed library.
cargo build --quiet --lib
mkdir "$tmp/checkout-pc"
cat >"$tmp/checkout-pc/gofuzz_shm.pc" <<EOF
Name: gofuzz_shm
Description: the checkout's debug build
Version: $version
Cflags: -I$root/include
Libs: -L$root/target/debug -Wl,-rpath,$root/target/debug -lgofuzz_shm
EOF
(cd go-interop && PKG_CONFIG_PATH=$tmp/checkout-pc go build -o "$tmp/go-checkout" ./example)
linked_to "$tmp/go-checkout" "$root/target/debug/libgofuzz_shm.so" ||
	fail "the example built against the checkout does not link target/debug (test setup)"
mkdir "$tmp/app"
cp go-interop/example/main.go "$tmp/app/"
(cd "$tmp/app" && go mod init example.com/app 2>&1)
run_block go-module "$tmp/app"
run_block go-build "$tmp/app"
linked_to "$tmp/app/app" "$libdir/$soname" ||
	fail "the Go program is not linked to the installed library: $(ldd "$tmp/app/app")"
cc -std=c11 -Wall -Wextra -Werror "${cflags[@]}" go-interop/example/cchild/child.c \
	-o "$tmp/cchild" "${static_libs[@]}"
"$tmp/app/app" "$tmp/cchild"

phase "the Go package's tests against the installed library (CGO_LDFLAGS from 'go-build')"
(cd go-interop && go test -count=1 -run 'TestSetValueAndValue|TestHostileValueLen|TestMapFD' .)

echo
echo "install test passed: the README's install lines; prefix layout, SONAME, symbols;"
echo "C (shared, static) and Go (own module, replace directive) consumers"
