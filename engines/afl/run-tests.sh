#!/usr/bin/env bash
# AFL++ fuzzes Go targets (`make test-afl`): binaries built by `gofuzz-shm build --engine afl`
# work under the real AFL++ 4.04c tools with real Go test binaries (testdata/enginetargets).
# No timing in any assertion; afl-fuzz runs have generous time limits and stop at the first
# crash (AFL_BENCH_UNTIL_CRASH).
#
#   files      outside afl-fuzz: each file once, exit 1 on a failure, Go corpus files that
#              `go test -run=FuzzX/<name>` reproduces
#   showmap    afl-showmap sees Go's counters (the map size negotiated in the hello); a hang is
#              killed by pid (the worker), and the same forkserver runs the next input
#   cmin/tmin  afl-cmin keeps fewer inputs covering the same; afl-tmin shrinks a crasher
#   fuzz       afl-fuzz finds the planted bug guided by Go's counters; the crash becomes a Go
#              corpus file that `go test` reproduces
#   parallel   -M and -S on two cores, syncing
#   kill       SIGKILL of afl-fuzz leaves no worker and nothing in $TMPDIR
#
# After every case the private $TMPDIR must be empty and no worker of this script may run.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
CARGO=${CARGO:-cargo}
out=$root/target/afl-tests
rm -rf "$out"
mkdir -p "$out"
export GOWORK=off GOTOOLCHAIN=local

fail() { printf '\nAFL++ TEST FAILED: %s\n' "$*" >&2; exit 1; }
case_() { printf '\n== [%s] %s\n' "$(date -u +%H:%M:%S)" "$*"; }

if ! command -v afl-fuzz >/dev/null 2>&1; then
    if [ "${CI:-}" = true ] || [ "${GOFUZZSHM_REQUIRE_GO:-}" = 1 ] || [ "${GOFUZZSHM_REQUIRE_ENGINES:-}" = 1 ]; then
        fail "no afl-fuzz: install AFL++ (Debian: apt-get install afl++)"
    fi
    printf '\n*** SKIPPED: no afl-fuzz — AFL++ was NOT tested. apt-get install afl++ ***\n\n'
    exit 0
fi

"$CARGO" build --quiet --release --lib
"$CARGO" build --quiet --release -p gofuzz-shm-cli
gofuzz_shm=$root/target/release/gofuzz-shm
pkg=$root/testdata/enginetargets

# A private TMPDIR: whatever a case leaves behind shows here; this script's workers are the
# processes whose environment names it.
tmp=$out/tmp
mkdir -p "$tmp"
export TMPDIR=$tmp
our_workers() {
    local pid env
    for pid in /proc/[0-9]*; do
        env=$( (tr '\0' '\n' <"$pid/environ") 2>/dev/null) || continue
        [[ $env == *"TMPDIR=$tmp"* ]] || continue
        [[ $( (tr '\0' ' ' <"$pid/cmdline") 2>/dev/null) == *-test.fuzzworker* ]] && echo "${pid#/proc/}"
    done
    return 0
}
# Nothing of ours may be left: no file in $TMPDIR, no worker (a dying one gets 10 s to go).
check_clean() {
    local left i
    for i in $(seq 100); do
        left=$(our_workers)
        [ -z "$left" ] && break
        sleep 0.1
    done
    [ -z "$left" ] || fail "$1 left Go workers running: $left"
    left=$(ls -A "$tmp")
    [ -z "$left" ] || fail "$1 left this in \$TMPDIR: $left"
}

# AFL++'s own settings for a test: no UI, no CPU-frequency or core-dump checks, and a fixed
# limit for afl-fuzz's first contact with the target.
export AFL_NO_UI=1 AFL_SKIP_CPUFREQ=1 AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES=1 AFL_NO_AFFINITY=1 \
    AFL_QUIET=1 AFL_FORKSRV_INIT_TMOUT=60000

# run NAME COMMAND...: runs it in $out with its output in $out/NAME.log and its status in $rc.
run() {
    local name=$1
    shift
    set +e
    (cd "$out" && "$@") >"$out/$name.log" 2>&1
    rc=$?
    set -e
    log=$(cat "$out/$name.log")
}

case_ "build"
"$gofuzz_shm" build --engine afl --target FuzzMisbehave --pkg "$pkg" -o "$out/misbehave"
"$gofuzz_shm" build --engine afl --target FuzzDeep --pkg "$pkg" -o "$out/deep"
run nope "$gofuzz_shm" build --engine aflx --target FuzzDeep --pkg "$pkg" -o "$out/nope"
[ "$rc" = 2 ] && [[ $log == *'engine "aflx" is not supported (supported: libfuzzer, afl)'* ]] \
    || fail "unknown engine: $rc $log"
check_clean build

case_ "files: outside afl-fuzz, each file once"
mkdir -p "$out/files"
printf 'hello' >"$out/files/ok"
printf 'fatal: no' >"$out/files/fatal"
printf 'exit now' >"$out/files/exit"
run files-ok ./misbehave files/ok
[ "$rc" = 0 ] && [[ $log == *"ok files/ok (5 bytes)"* ]] || fail "an ok file: $rc $log"
run files-fail ./misbehave -go_crashers=crashers files/ok files/fatal files/exit
[ "$rc" = 1 ] || fail "failing files: exit $rc, want 1: $log"
[[ $log == *"FAIL files/fatal"*"rejected input"* ]] || fail "no Go output for a failure: $log"
[[ $log == *"DEATH files/exit"* ]] || fail "no death for os.Exit: $log"
n=$(find "$out/crashers" -type f -printf x)
[ "${#n}" = 2 ] || fail "want 2 Go corpus files, have $n"
run stdin sh -c './misbehave < files/fatal'
[ "$rc" = 1 ] && [[ $log == *"FAIL <stdin>"* ]] || fail "stdin: $rc $log"
rm -f "$out"/[0-9a-f]*[0-9a-f] # the Go corpus file of the stdin run, in the current directory
# Go reproduces the failure from the corpus file.
fatal_entry=""
for f in "$out"/crashers/*; do
    [[ $(cat "$f") == *'fatal: no'* ]] && fatal_entry=$f
done
[ -n "$fatal_entry" ] || fail "no Go corpus file holds the fatal input"
name=$(basename "$fatal_entry")
mkdir -p "$pkg/testdata/fuzz/FuzzMisbehave"
cp "$fatal_entry" "$pkg/testdata/fuzz/FuzzMisbehave/$name"
set +e
gotest=$(cd "$pkg" && go test -count=1 -run="FuzzMisbehave/$name" . 2>&1)
rc=$?
set -e
rm -rf "$pkg/testdata/fuzz"
[ "$rc" != 0 ] && [[ $gotest == *"rejected input"* ]] || fail "go test did not reproduce: $gotest"
check_clean files

case_ "typed: (string, int64, bool) discovered from the package, engine bytes mapped to it"
run typed-build "$gofuzz_shm" build --engine afl --target FuzzTyped --pkg "$pkg" -o "$out/typed"
[ "$rc" = 0 ] && [[ $log == *"FuzzTyped takes (string,int64,bool)"* ]] || fail "typed build: $log"
"$gofuzz_shm" encode 'string:typed' 'int64:5000' 'bool:true' >"$out/typed.entry"
"$gofuzz_shm" decode --raw --types string,int64,bool "$out/typed.entry" >"$out/files/typed"
"$gofuzz_shm" encode 'string:typed' 'int64:5' 'bool:true' >"$out/typed-small.entry"
"$gofuzz_shm" decode --raw --types string,int64,bool "$out/typed-small.entry" >"$out/files/small"
run typed-ok ./typed files/small
[ "$rc" = 0 ] || fail "typed: n=5 must pass: $log"
run typed-fail ./typed -go_crashers=typed-crashers files/typed
[ "$rc" = 1 ] && [[ $log == *'found s="typed" n=5000 ok=true'* ]] || fail "typed: $rc $log"
cmp -s "$out/typed.entry" "$out"/typed-crashers/* || fail "the Go corpus file is not the entry"
check_clean typed

case_ "showmap: Go's counters in AFL's map; a hang kills the worker, not the forkserver"
mkdir -p "$out/show"
printf 'hello' >"$out/show/1ok"
printf 'sleep' >"$out/show/2sleep"
printf 'hello again, longer' >"$out/show/3ok"
run showmap-one sh -c 'afl-showmap -q -o one.map -- ./misbehave < show/1ok'
[ "$rc" = 0 ] && [ -s "$out/one.map" ] || fail "afl-showmap saw no Go counters: $rc $log"
run showmap-dir afl-showmap -i show -o showmaps -t 1000 -- ./misbehave
[ -s "$out/showmaps/1ok" ] || fail "no map for the first input: $log"
[ ! -s "$out/showmaps/2sleep" ] || fail "a hang has a map: $log"
[ -s "$out/showmaps/3ok" ] || fail "the forkserver did not survive the hang: $log"
check_clean showmap

case_ "cmin and tmin"
mkdir -p "$out/many"
for i in 1 2 3 4 5 6; do printf 'hello %s' "$i" >"$out/many/$i"; done
run cmin afl-cmin -i many -o min -- ./misbehave
[ "$rc" = 0 ] || fail "afl-cmin failed: $log"
kept=$(find "$out/min" -type f -printf x)
kept=${#kept}
[ "$kept" -ge 1 ] && [ "$kept" -lt 6 ] || fail "afl-cmin kept $kept of 6: $log"
printf 'fatal and a long tail of bytes that do not matter' >"$out/long-crash"
run tmin afl-tmin -i long-crash -o short-crash -- ./misbehave
[ "$rc" = 0 ] || fail "afl-tmin failed: $log"
short=$(cat "$out/short-crash")
[[ $short == fatal* ]] && [ "${#short}" -lt 20 ] || fail "afl-tmin kept ${#short} bytes: $short"
check_clean tmin

case_ "fuzz: afl-fuzz finds the bug from a partial record; the crash reproduces in go test"
mkdir -p "$out/seeds"
printf 'REC!k\x05' >"$out/seeds/start"
run fuzz env AFL_BENCH_UNTIL_CRASH=1 timeout -s INT 600 afl-fuzz -s 1 -i seeds -o findings \
    -V 300 -- ./deep
crashes=("$out"/findings/default/crashes/id*)
[ -e "${crashes[0]}" ] || fail "afl-fuzz found no crash: $(tail -20 "$out/fuzz.log")"
run fuzz-go ./deep -go_crashers=fuzz-crashers "${crashes[@]}"
[ "$rc" = 1 ] && [[ $log == *"index out of range"* ]] || fail "the crash does not fail in Go: $log"
entries=("$out"/fuzz-crashers/*)
entry=$(basename "${entries[0]}")
mkdir -p "$pkg/testdata/fuzz/FuzzDeep"
cp "${entries[0]}" "$pkg/testdata/fuzz/FuzzDeep/"
set +e
gotest=$(cd "$pkg" && go test -count=1 -run="FuzzDeep/$entry" . 2>&1)
rc=$?
set -e
rm -rf "$pkg/testdata/fuzz"
[ "$rc" != 0 ] && [[ $gotest == *"index out of range"* ]] || fail "go test: $gotest"
check_clean fuzz

case_ "parallel: -M and -S"
run main env timeout -s INT 120 afl-fuzz -i seeds -o sync -M main -V 20 -- ./deep &
main_job=$!
run secondary env timeout -s INT 120 afl-fuzz -i seeds -o sync -S second -V 20 -- ./deep
wait "$main_job" || true
for who in main second; do
    execs=$(awk -F: '/^execs_done/ { gsub(/ /, "", $2); print $2 }' "$out/sync/$who/fuzzer_stats")
    [ "${execs:-0}" -gt 0 ] || fail "-M/-S instance $who made no runs"
done
check_clean parallel

case_ "kill: SIGKILL of afl-fuzz"
(cd "$out" && exec afl-fuzz -i seeds -o killed -- ./misbehave >"$out/kill.log" 2>&1) &
fuzzer=$!
for i in $(seq 600); do
    [ -n "$(our_workers)" ] && [ -s "$out/killed/default/fuzzer_stats" ] && break
    sleep 0.1
done
[ -n "$(our_workers)" ] || fail "no worker under afl-fuzz: $(cat "$out/kill.log")"
kill -KILL "$fuzzer"
wait "$fuzzer" 2>/dev/null || true
check_clean kill

printf '\nAFL++ tests: all passed\n'
