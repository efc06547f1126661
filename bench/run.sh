#!/usr/bin/env bash
# Runs every benchmark of gofuzz-shm and writes BENCHMARKS.md (generated: never edit it by hand).
#
#   bench/run.sh            full run (~10 min on 2 cores), writes BENCHMARKS.md
#   bench/run.sh --quick    every bench with few sizes and short timings, to prove they still run
#                           (CI); writes target/bench/BENCHMARKS.quick.md
#   bench/run.sh -o FILE    write the report to FILE instead
#   bench/run.sh --engines-only   only the engine benchmark (bench/engines/run.sh, full mode),
#                           then the report with the other sections of the last full run (or,
#                           without one, BENCHMARKS.md with only its engine goals and section
#                           replaced: report -only-engines -into)
#   bench/run.sh --no-engines     everything but the engine benchmark
#
# Every speed claim is a ratio against a baseline measured in the same run, interleaved where
# possible (see bench/rust/support/mod.rs): absolute times on a shared machine are noise.
#
# What runs, in order (raw results land in target/bench/run/):
#   1. Rust (criterion + interleaved rounds): bench/rust/region_value.rs, region_header.rs,
#      region_lifecycle.rs (with bench/golifecycle, Go's sharedMemTempFile, as the baseline),
#      region_roundtrip.rs; bench/rust/region_memory.rs (RSS, not a timing); and every
#      bench/rust/worker*.rs present in the tree (the worker host against a minimal host);
#      bench/rust/cmp.rs (comparison feedback against a build without the hooks);
#   2. C: bench/c/header_access.c, linked statically and as a shared library, timed in
#      interleaved rounds, and under callgrind for instructions per operation;
#   3. Go: go-interop/bench_test.go (testing.B) in separate processes, the order alternating;
#   4. the engine benchmark, bench/engines/run.sh (go test -fuzz and every engine in the tree on
#      Go fuzz targets; its --quick mode in quick mode), into target/bench/run/engines;
#   5. bench/report (Go) reads all of it and writes the report.
#
# Needs: cargo, go, gcc, pkg-config; valgrind for the instruction counts (skipped without it).
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
# shellcheck source=scripts/lib.sh
. scripts/lib.sh
require_tool go "https://go.dev/dl/"
require_tool pkg-config "apt-get install pkg-config"

quick=0
out=""
engines=yes
for arg in "$@"; do
	case "$arg" in
	--quick) quick=1 ;;
	--engines-only) engines=only ;;
	--no-engines) engines=no ;;
	-o) out=next ;;
	-h | --help)
		sed -n '2,26p' "$0" | sed 's/^# \{0,1\}//'
		exit 0
		;;
	*)
		if [ "$out" = next ]; then
			out=$arg
		else
			echo "bench/run.sh: unknown argument $arg (try --help)" >&2
			exit 2
		fi
		;;
	esac
done
if [ "$out" = next ]; then
	echo "bench/run.sh: -o needs a file" >&2
	exit 2
fi
command_line="bench/run.sh${*:+ $*}"

target=${CARGO_TARGET_DIR:-$root/target}
run="$target/bench/run"
if [ -z "$out" ]; then
	if [ $quick = 1 ]; then out="$target/bench/BENCHMARKS.quick.md"; else out="$root/BENCHMARKS.md"; fi
fi

if [ $engines = only ]; then
	[ $quick = 0 ] || { echo "bench/run.sh: --engines-only runs the full engine benchmark" >&2 && exit 2; }
	bench/engines/run.sh -o "$run/engines"
	mkdir -p "$run/bin"
	(cd bench && go build -o "$run/bin/report" ./report)
	if [ -f "$run/meta.txt" ] && grep -qx 'mode=full' "$run/meta.txt"; then
		"$run/bin/report" -run "$run" -engines "$run/engines" -o "${out:-$root/BENCHMARKS.md}" -root "$root"
	else
		echo "no full run in $run: only the engine goals and section of BENCHMARKS.md are replaced"
		"$run/bin/report" -only-engines -engines "$run/engines" -into "$root/BENCHMARKS.md" -o "${out:-$root/BENCHMARKS.md}"
	fi
	exit 0
fi
rm -rf "$run"
mkdir -p "$run/logs" "$run/bin"

if [ $quick = 1 ]; then
	export GOFUZZ_SHM_BENCH_QUICK=1
	criterion_args=(--warm-up-time 0.05 --measurement-time 0.1 --nresamples 1000 --noplot)
	c_rounds=3 c_target_ms=2
	go_rounds=1 go_benchtime=20ms
	callgrind_links=""
else
	unset GOFUZZ_SHM_BENCH_QUICK
	criterion_args=(--noplot)
	c_rounds=15 c_target_ms=20
	go_rounds=3 go_benchtime=200ms
	callgrind_links="static shared"
fi
export CRITERION_HOME="$run/criterion"
export GOFUZZ_SHM_BENCH_OUT_DIR="$run"

step() { phase "$*  [${SECONDS}s]"; }

# The machine, before anything runs (the load average says how noisy it was).
{
	echo "date=$(date -u '+%Y-%m-%d %H:%M UTC')"
	echo "command=$command_line"
	echo "mode=$([ $quick = 1 ] && echo quick || echo full)"
	echo "cores=$(nproc)"
	echo "cpu=$(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo)"
	echo "kernel=$(uname -srm)"
	echo "rustc=$(rustc --version)"
	echo "go=$(go version 2>/dev/null || echo missing)"
	gcc_version=$(gcc --version)
	echo "gcc=${gcc_version%%$'\n'*}"
	echo "commit=$(git rev-parse --short HEAD 2>/dev/null || echo unknown)$(git diff --quiet HEAD 2>/dev/null || echo ' (with uncommitted changes)')"
	echo "tmpdir=${TMPDIR:-/tmp} ($(findmnt -no FSTYPE -T "${TMPDIR:-/tmp}" 2>/dev/null || stat -f -c %T "${TMPDIR:-/tmp}"))"
	echo "load_before=$(cut -d' ' -f1-3 /proc/loadavg)"
	echo "c_rounds=$c_rounds"
	echo "go_rounds=$go_rounds"
	echo "go_benchtime=$go_benchtime"
} >"$run/meta.txt"

step "build: library, benches, Go and C programs"
cargo build --quiet --release --lib
run_logged "$run/logs/build.log" cargo bench --quiet --no-run
(cd bench && go build -o "$run/bin/golifecycle" ./golifecycle && go build -o "$run/bin/report" ./report)
export GOFUZZ_SHM_BENCH_GO_LIFECYCLE="$run/bin/golifecycle"

# The Go package and the C bench find the release library through a pkg-config file with an
# rpath, as go-interop/run-tests.sh does for the debug build.
libdir="$target/release"
mkdir -p "$run/pkgconfig"
cat >"$run/pkgconfig/gofuzz_shm.pc" <<EOF
libdir=$libdir
includedir=$root/include

Name: gofuzz_shm
Description: gofuzz-shm release build of this checkout (benchmarks)
Version: $(cargo_version Cargo.toml)
Cflags: -I\${includedir}
Libs: -L\${libdir} -Wl,-rpath,\${libdir} -lgofuzz_shm
EOF
export PKG_CONFIG_PATH="$run/pkgconfig${PKG_CONFIG_PATH:+:$PKG_CONFIG_PATH}"
go_key_cgo_on "$libdir/libgofuzz_shm.so" "$root/include/gofuzz_shm.h" "$run/pkgconfig/gofuzz_shm.pc"
(cd go-interop && go test -c -o "$run/bin/gobench.test" .)
cflags=(-std=c11 -O2 -Wall -Wextra -Werror -I"$root/include")
gcc "${cflags[@]}" -DLINK='"static"' bench/c/header_access.c -o "$run/bin/header_access_static" \
	"$libdir/libgofuzz_shm.a" -lpthread -ldl -lm
gcc "${cflags[@]}" -DLINK='"shared"' bench/c/header_access.c -o "$run/bin/header_access_shared" \
	$(pkg-config --libs gofuzz_shm)

for bench in region_value region_header region_lifecycle region_roundtrip; do
	step "rust: $bench"
	run_logged "$run/logs/$bench.log" cargo bench --quiet --bench "$bench" -- "${criterion_args[@]}"
	show_lines '^interleaved' "$run/logs/$bench.log"
done
step "rust: region_memory"
GOFUZZ_SHM_BENCH_OUT="$run/memory.jsonl" cargo bench --quiet --bench region_memory
cat "$run/memory.jsonl"

# The worker host's bench lives on its own branch until merged; pick it up when present.
shopt -s nullglob
for file in bench/rust/worker*.rs; do
	bench=$(basename "$file" .rs)
	step "rust: $bench (worker host)"
	run_logged "$run/logs/$bench.log" cargo bench --quiet --bench "$bench" -- "${criterion_args[@]}"
	show_lines '[Rr][Aa][Tt][Ii][Oo]|runs/s' "$run/logs/$bench.log"
done
shopt -u nullglob

step "rust: cmp (comparison feedback, cost per input)"
cargo bench --quiet --bench cmp -- "${criterion_args[@]}" 2>&1 | tee "$run/logs/cmp.log" |
	grep -E '^(interleaved|cmp:)' || true

step "C: header access and 64-byte values (static and shared library)"
for link in static shared; do
	"$run/bin/header_access_$link" time "$c_rounds" "$c_target_ms" >>"$run/c_header.jsonl"
done
if [ -n "$callgrind_links" ] && command -v valgrind >/dev/null 2>&1; then
	step "C: instructions per operation (callgrind)"
	variants=$("$run/bin/header_access_static" list)
	irs() { valgrind --tool=callgrind --callgrind-out-file=/dev/null "$@" 2>&1 | sed -n 's/.*Collected : //p'; }
	for link in $callgrind_links; do
		for v in $variants; do
			a=$(irs "$run/bin/header_access_$link" count "$v" 100000)
			b=$(irs "$run/bin/header_access_$link" count "$v" 200000)
			echo "{\"link\":\"$link\",\"variant\":\"$v\",\"n1\":100000,\"ir1\":$a,\"n2\":200000,\"ir2\":$b}" >>"$run/c_callgrind.jsonl"
		done
	done
fi

step "Go: go-interop/bench_test.go ($go_rounds rounds, -benchtime $go_benchtime)"
for ((r = 0; r < go_rounds; r++)); do
	(cd go-interop && GOFUZZ_SHM_BENCH_ROUND=$r "$run/bin/gobench.test" -test.run '^$' \
		-test.bench . -test.benchtime "$go_benchtime" >"$run/go-r$r.txt")
done
show_lines 'Header/(load|increment)/' "$run/go-r0.txt"

echo "load_after=$(cut -d' ' -f1-3 /proc/loadavg)" >>"$run/meta.txt"
echo "seconds=$SECONDS" >>"$run/meta.txt"

engine_args=()
if [ $engines = yes ]; then
	step "engines: bench/engines/run.sh$([ $quick = 1 ] && echo ' --quick')"
	if [ $quick = 1 ]; then
		bench/engines/run.sh --quick -o "$run/engines"
	else
		bench/engines/run.sh -o "$run/engines"
	fi
	engine_args=(-engines "$run/engines")
fi
step "report: $out"
"$run/bin/report" -run "$run" -o "$out" -root "$root" "${engine_args[@]}"
