#!/usr/bin/env bash
# Runs every Go interop proof against a freshly built library, with no manual step:
#
#   1. layout: the cgo-free mirror builds for every linux GOARCH (its compile-time assertions
#      hold the offset table), is vetted for amd64, 386 and arm, and its tests run on amd64 and
#      386; the C peer compiles for i386 with the header's static asserts (that they reject a
#      non-Go layout is checked by `make -C c-tests header-checks`);
#   2-4. the package's tests under -race: API, cgo view of shm_header_t, Rust/C/Go round trips
#      across processes, a real `go test -fuzz` session, and a minimal host driving a real worker;
#   and the example (a Go parent handing a region to a C child).
#
# The library is found through pkg-config, as an installed one would be: this script writes a
# temporary gofuzz_shm.pc pointing at the cargo build and at include/, with an rpath, so test
# binaries and child programs run without LD_LIBRARY_PATH. Go's build cache is keyed on that
# library, header and .pc file (go_key_cgo_on in scripts/lib.sh): Go does not key cgo packages
# on pkg-config output, so a cache filled against another library would otherwise be reused.
# Exits non-zero on any failure.
#
# With arguments, runs that command in the same environment instead of the checks, e.g.
#   ./run-tests.sh go test -v -run CrossLanguage .
#
# Needs: go (1.24+), cargo, gcc with 32-bit support (Debian: gcc-multilib), pkg-config.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(dirname "$here")
cd "$here"
# shellcheck source=../scripts/lib.sh
. "$root/scripts/lib.sh"
require_tool go "https://go.dev/dl/ (Go 1.24 or later)"
require_tool pkg-config "apt-get install pkg-config"

# The linux GOARCHes Go supports, each of which must be in layout/table32.go or table64.go.
archs="amd64 arm64 386 arm mips mipsle mips64 mips64le ppc64 ppc64le riscv64 s390x loong64"

tmp=$(mktemp -d "${TMPDIR:-/tmp}/gofuzzshm-go-interop.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

step() { phase "$*  [${SECONDS}s]"; }

step "build the library and the Rust peer (cargo)"
(cd "$root" && cargo build --quiet --lib --example region_peer)
libdir="${CARGO_TARGET_DIR:-$root/target}/debug"
test -f "$libdir/libgofuzz_shm.so" || { echo "no $libdir/libgofuzz_shm.so after cargo build" >&2; exit 1; }

mkdir "$tmp/pkgconfig"
cat >"$tmp/pkgconfig/gofuzz_shm.pc" <<EOF
libdir=$libdir
includedir=$root/include

Name: gofuzz_shm
Description: Go's native-fuzzer shared-memory region (build tree of this checkout)
Version: $(cargo_version "$root/Cargo.toml")
Cflags: -I\${includedir}
Libs: -L\${libdir} -Wl,-rpath,\${libdir} -lgofuzz_shm
EOF
export PKG_CONFIG_PATH="$tmp/pkgconfig${PKG_CONFIG_PATH:+:$PKG_CONFIG_PATH}"
go_key_cgo_on "$libdir/libgofuzz_shm.so" "$root/include/gofuzz_shm.h" "$tmp/pkgconfig/gofuzz_shm.pc"
echo "pkg-config gofuzz_shm: $(pkg-config --cflags --libs gofuzz_shm)"

if [ $# -gt 0 ]; then
	"$@"
	exit
fi

step "proof 1: the C peer, and so the header's layout asserts, compile for i386 and the host"
# That the asserts reject a non-Go layout (-m32 -malign-double, as 32-bit ARM would lay out a
# plain C struct) is checked once, with the header's own tests: `make -C c-tests header-checks`.
cflags=(-std=c11 -Wall -Wextra -Werror -fsyntax-only -I"$root/include")
for m in -m32 -m64; do
	gcc "$m" "${cflags[@]}" testdata/cpeer/peer.c
	echo "ok   gcc $m: the C peer compiles with include/gofuzz_shm.h and its static asserts"
done

step "proof 1: the Go mirror for every linux GOARCH"
dist=$(go tool dist list | sed -n 's|^linux/||p' | sort | tr '\n' ' ')
want=$(printf '%s\n' $archs | sort | tr '\n' ' ')
if [ "$dist" != "$want" ]; then
	echo "FAIL go tool dist list has linux GOARCHes [$dist], this script checks [$want]" >&2
	exit 1
fi
# The compiler checks layout/assert.go for each GOARCH: a build is the proof.
for arch in $archs; do
	GOARCH=$arch CGO_ENABLED=0 go build ./layout
	echo "ok   GOARCH=$arch: layout compiles with its offset assertions"
done
# Vetting compiles the test dependencies (the standard library) for each GOARCH, which costs
# ~20 s per GOARCH on a cold cache: done for the two that run the tests and for arm, the one
# where a C struct would disagree with Go.
for arch in amd64 386 arm; do
	GOARCH=$arch CGO_ENABLED=0 go vet ./layout
	echo "ok   GOARCH=$arch: go vet ./layout"
done
CGO_ENABLED=0 go test -count=1 -v ./layout
if [ "$(go env GOHOSTOS)/$(go env GOHOSTARCH)" = linux/amd64 ]; then
	GOARCH=386 CGO_ENABLED=0 go test -count=1 -v ./layout
else
	echo "FAIL GOARCH=386 tests need a linux/amd64 host" >&2
	exit 1
fi

step "go vet (cgo package, tests, example)"
go vet ./...

step "proofs 1-4: go test -race"
# -v output goes to a log; the result lines and the tests' own log lines are shown, and the
# whole log when something fails.
if go test -race -count=1 -v ./... >"$tmp/test.log" 2>&1; then
	show_lines '^(ok|FAIL|---|panic:)|^ +(--- |[A-Za-z_]+_test\.go:[0-9]+:)' "$tmp/test.log"
else
	cat "$tmp/test.log"
	echo "FAIL go test -race" >&2
	exit 1
fi

step "fuzz: the package's API against a scribbling peer (bounded; longer: see fuzz_test.go)"
go test -count=1 -run='^$' -fuzz='^FuzzRegionOps$' -fuzztime=5s .

step "example: a Go parent hands a region to a C child"
gcc -std=c11 -Wall -Wextra -Werror -o "$tmp/child" example/cchild/child.c $(pkg-config --cflags --libs gofuzz_shm)
go run ./example "$tmp/child"

step "all Go interop checks passed"
