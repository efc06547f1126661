#!/usr/bin/env bash
# Installs the library with cargo-c into a temporary prefix, then builds and runs consumers the
# way users of an installed C library would, finding it through pkg-config only:
#   - the SONAME follows the version policy (0.x: libgofuzz_shm.so.0.<minor>; x >= 1: .so.<x>);
#   - the installed .so exports exactly the installed header's functions;
#   - the quick-start C programs, against the shared library and against the static one;
#   - the Go package (cgo, `#cgo pkg-config: gofuzz_shm`) and its example with a C child.
# Needs: cargo-c (`cargo install cargo-c --version 0.10.24 --locked`), pkg-config, cc, go.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
tmp=$(mktemp -d "${TMPDIR:-/tmp}/gofuzz-shm-install.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
prefix=$tmp/prefix

step() { printf '\n== %s\n' "$*"; }

step "cargo cinstall --prefix $prefix"
cargo cinstall --release --prefix "$prefix" --libdir lib
export PKG_CONFIG_PATH=$prefix/lib/pkgconfig
pkg-config --exists gofuzz_shm
libdir=$(pkg-config --variable=libdir gofuzz_shm)
cflags=$(pkg-config --cflags gofuzz_shm)
libs=$(pkg-config --libs gofuzz_shm)
echo "pkg-config: $cflags $libs (libdir $libdir)"

step "SONAME follows the version policy"
version=$(pkg-config --modversion gofuzz_shm)
major=${version%%.*}
minor=$(echo "$version" | cut -d. -f2)
if [ "$major" = 0 ]; then want="libgofuzz_shm.so.0.$minor"; else want="libgofuzz_shm.so.$major"; fi
soname=$(readelf -d "$libdir/libgofuzz_shm.so" | sed -n 's/.*Library soname: \[\(.*\)\]/\1/p')
[ "$soname" = "$want" ] || { echo "SONAME is '$soname', want '$want' for version $version"; exit 1; }
test -e "$libdir/$soname" || { echo "no $libdir/$soname link"; exit 1; }
echo "version $version, SONAME $soname"

step "exported symbols are exactly the installed header's functions"
c-tests/check-symbols.sh "$libdir/libgofuzz_shm.so" "$prefix/include/gofuzz_shm.h"

step "C consumer, shared library (rpath from pkg-config's libdir)"
for prog in handoff region_writer; do
    # shellcheck disable=SC2086 # pkg-config output is a list of flags
    cc -std=c11 -Wall -Wextra -Werror $cflags "examples/c/$prog.c" -o "$tmp/$prog" $libs \
        -Wl,-rpath,"$libdir"
done
ldd "$tmp/handoff" | grep -q "$libdir/$soname" || { echo "handoff is not linked to $soname"; exit 1; }
"$tmp/handoff" "$tmp/region_writer" | tee "$tmp/out"
grep -q 'rand_state = 0x243f6a8885a308d3' "$tmp/out" || { echo "unexpected output"; exit 1; }

step "C consumer, static library"
# shellcheck disable=SC2086
cc -std=c11 -Wall -Wextra -Werror $cflags examples/c/handoff.c -o "$tmp/handoff_static" \
    $(pkg-config --libs-only-L gofuzz_shm) -Wl,-Bstatic -lgofuzz_shm -Wl,-Bdynamic \
    $(pkg-config --static --libs-only-l gofuzz_shm | sed 's/-lgofuzz_shm//')
if ldd "$tmp/handoff_static" | grep -q gofuzz_shm; then
    echo "the static build still needs the shared library"; exit 1
fi
"$tmp/handoff_static" "$tmp/region_writer" >"$tmp/out_static"
grep -q 'rand_state = 0x243f6a8885a308d3' "$tmp/out_static" \
    || { echo "static consumer printed:"; cat "$tmp/out_static"; exit 1; }
echo "static consumer ok"

step "Go consumer: the cgo package and its example against the installed library"
export CGO_LDFLAGS="-Wl,-rpath,$libdir"
(
    cd go-interop
    go build -o "$tmp/go-example" ./example
    # shellcheck disable=SC2086
    cc -std=c11 -Wall -Wextra -Werror -o "$tmp/cchild" example/cchild/child.c $cflags $libs \
        -Wl,-rpath,"$libdir"
    "$tmp/go-example" "$tmp/cchild"
    go test -count=1 -run 'TestSetValueAndValue|TestHostileValueLen|TestMapFD' .
)
ldd "$tmp/go-example" | grep -q "$libdir/$soname" || { echo "the Go example is not linked to the installed library"; exit 1; }
echo
echo "install test passed: prefix layout, SONAME, symbols, C (shared, static) and Go consumers"
