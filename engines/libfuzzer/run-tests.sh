#!/usr/bin/env bash
# libFuzzer fuzzes Go targets (`make test-libfuzzer`): binaries built by
# `gofuzz-shm build --engine libfuzzer` behave as libFuzzer binaries in everything users and
# ClusterFuzz rely on, with real clang-19 libFuzzer and real Go test binaries
# (testdata/enginetargets). Fixed seeds and run counts; no timing in any assertion.
#
#   reproduce   a file argument: Go's output, exit 77, a Go corpus file beside the artifact
#   death       os.Exit(3) in the fuzz function: the same, with the exit code
#   go-crashers -go_crashers=DIR, taken out of argv (libFuzzer does not warn about it)
#   dict        a -dict= word reaches the Go target
#   timeout     a Go run longer than -timeout: libFuzzer writes timeout-<sha1>, exits 70
#   oom         a worker over -rss_limit_mb: libFuzzer's out-of-memory line, a crash artifact
#   fork        -fork=1 finds a failure; the parent reports it and the child's artifact
#   jobs        -jobs=2 -workers=2: every job runs its own worker
#   merge       -merge=1 keeps a subset that covers what the corpus covers
#   minimize    -minimize_crash=1 writes a crasher no longer than the original that still crashes
#   typed       FuzzTyped(string, int64, bool): its types found in the package, engine bytes
#               mapped to them, the Go corpus file reproduced by go test; wrong --types fail
#               at start
#   sigkill     SIGKILL of the libFuzzer process leaves no worker and nothing in $TMPDIR
#   build       a missing target, a missing clang, a C compiler without libFuzzer and a missing
#               library are clear errors
#
# After every case the private $TMPDIR must be empty and no process started by the case may be
# left (they carry that TMPDIR in their environment). The guided/blind comparison and the
# `go test` reproduction are `make demo` (engines/libfuzzer/run-demo.sh).
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
CARGO=${CARGO:-cargo}
out=$root/target/libfuzzer-tests
rm -rf "$out"
mkdir -p "$out"
export GOWORK=off GOTOOLCHAIN=local

fail() { printf '\nLIBFUZZER TEST FAILED: %s\n' "$*" >&2; exit 1; }
case_() { printf '\n== %s\n' "$*"; }

if ! command -v clang-19 >/dev/null 2>&1 && ! command -v clang >/dev/null 2>&1; then
    if [ "${CI:-}" = true ] || [ "${GOFUZZSHM_REQUIRE_GO:-}" = 1 ] || [ "${GOFUZZSHM_REQUIRE_ENGINES:-}" = 1 ]; then
        fail "no clang-19: install clang-19 libclang-rt-19-dev (CI=true, GOFUZZSHM_REQUIRE_GO=1 or GOFUZZSHM_REQUIRE_ENGINES=1)"
    fi
    printf '\n*** SKIPPED: no clang-19 — libFuzzer was NOT tested. apt-get install clang-19 libclang-rt-19-dev ***\n\n'
    exit 0
fi

"$CARGO" build --quiet --release --lib
"$CARGO" build --quiet --release -p gofuzz-shm-cli
gofuzz_shm=$root/target/release/gofuzz-shm

# A private TMPDIR: whatever a case leaves behind shows here.
tmp=$out/tmp
mkdir -p "$tmp"
export TMPDIR=$tmp
# ... and every process a case starts carries a mark in its environment: none may be left.
mark="GOFUZZSHM_LIBFUZZER_TEST=$$"
check_tmp() {
    local left procs
    left=$(ls -A "$tmp")
    [ -z "$left" ] || fail "$1 left this in \$TMPDIR: $left"
    procs=$(grep -lsz "^$mark\$" /proc/[0-9]*/environ 2>/dev/null || true)
    [ -z "$procs" ] || fail "$1 left processes: $procs"
}

case_ "build"
# --no-cmp: the cases below expect the bug the seeds lead to; comparison feedback (its own
# tests are run-cmp-tests.sh) finds FuzzMisbehave's other keywords first.
"$gofuzz_shm" build --engine libfuzzer --target FuzzMisbehave --pkg testdata/enginetargets \
    --no-cmp -o "$out/misbehave"
set +e
msg=$("$gofuzz_shm" build --engine libfuzzer --target FuzzNope --pkg testdata/enginetargets \
    -o "$out/nope" 2>&1)
rc=$?
set -e
[ "$rc" = 2 ] && [[ $msg == *"no fuzz target"*"FuzzNope"* ]] || fail "missing target: $rc $msg"
set +e
msg=$("$gofuzz_shm" build --engine libfuzzer --target FuzzMisbehave --pkg testdata/enginetargets \
    --cc gcc -o "$out/nope" 2>&1)
rc=$?
set -e
[ "$rc" = 2 ] && [[ $msg == *"clang-19 libclang-rt-19-dev"* ]] || fail "gcc: $rc $msg"
set +e
msg=$("$gofuzz_shm" build --engine libfuzzer --target FuzzMisbehave --pkg testdata/enginetargets \
    --cc /nonexistent/clang -o "$out/nope" 2>&1)
rc=$?
set -e
[ "$rc" = 2 ] && [[ $msg == *"no C compiler with libFuzzer found"*"clang-19 libclang-rt-19-dev"* ]] \
    || fail "missing clang: $rc $msg"
set +e
msg=$("$gofuzz_shm" build --engine libfuzzer --target FuzzMisbehave --pkg testdata/enginetargets \
    --lib /nonexistent/libgofuzz_shm.a -o "$out/nope" 2>&1)
rc=$?
set -e
[ "$rc" = 2 ] && [[ $msg == *"/nonexistent/libgofuzz_shm.a"* ]] || fail "missing library: $rc $msg"
[ ! -e "$out/nope" ] || fail "a failed build left its output"
check_tmp build

# Runs OUT with arguments in $out, capturing output in $out/$name.log and the status in $rc.
run() {
    local name=$1
    shift
    set +e
    (cd "$out" && env "$mark" "$@") >"$out/$name.log" 2>&1
    rc=$?
    set -e
    log=$(cat "$out/$name.log")
}
# The one Go corpus file in DIR (fails unless there is exactly one).
go_file() {
    local files
    files=$(find "$1" -maxdepth 1 -type f -regextype posix-extended -regex '.*/[0-9a-f]{16}')
    [ "$(printf '%s\n' "$files" | grep -c .)" = 1 ] || fail "want one Go corpus file in $1, got: $files"
    printf '%s' "$files"
}

case_ "reproduce: a failing file argument"
mkdir -p "$out/rep"
printf 'fatal!' >"$out/in-fatal"
run reproduce ./misbehave -artifact_prefix=rep/ in-fatal
[ "$rc" = 77 ] || fail "exit $rc, want 77 (libFuzzer's crash status)"
[[ $log == *"rejected input \"fatal!\""* ]] || fail "Go's output missing"
[[ $log == *"deadly signal"* ]] || fail "no libFuzzer crash report"
[ "$(cat "$(go_file "$out/rep")")" = "$(printf 'go test fuzz v1\n[]byte("fatal!")')" ] \
    || fail "the Go corpus file holds something else"
check_tmp reproduce

case_ "death: os.Exit(3)"
mkdir -p "$out/death"
printf 'exit' >"$out/in-exit"
run death ./misbehave -artifact_prefix=death/ in-exit
[ "$rc" = 77 ] && [[ $log == *"exit code 3"* ]] || fail "exit $rc: $log"
go_file "$out/death" >/dev/null
check_tmp death

case_ "-go_crashers=DIR"
run go-crashers ./misbehave -go_crashers=gocrash -artifact_prefix=rep/ in-fatal
[ "$rc" = 77 ] || fail "exit $rc"
[[ $log != *"WARNING: unrecognized flag"* ]] || fail "libFuzzer saw -go_crashers"
go_file "$out/gocrash" >/dev/null
check_tmp go-crashers

case_ "timeout: libFuzzer writes timeout-<sha1>"
mkdir -p "$out/to" "$out/to-corpus"
printf 'sleep' >"$out/to-corpus/sleep"
run timeout ./misbehave -timeout=1 -artifact_prefix=to/ to-corpus
[ "$rc" = 70 ] || fail "exit $rc, want 70 (libFuzzer's timeout status)"
ls "$out"/to/timeout-* >/dev/null || fail "no timeout- artifact"
[[ $log == *"libFuzzer: timeout"* ]] || fail "no libFuzzer timeout report"
go_file "$out/to" >/dev/null
check_tmp timeout

case_ "oom: a Go worker over -rss_limit_mb"
mkdir -p "$out/oom"
printf 'hog' >"$out/in-hog"
run oom ./misbehave -rss_limit_mb=300 -artifact_prefix=oom/ in-hog
[ "$rc" = 77 ] || fail "exit $rc"
[[ $log == *"ERROR: libFuzzer: out-of-memory"*"in the Go worker"* ]] || fail "no out-of-memory report"
go_file "$out/oom" >/dev/null
check_tmp oom

case_ "dict: -dict= entries reach the Go target"
mkdir -p "$out/dict" "$out/dict-corpus"
printf 'kw="fatal"\n' >"$out/fatal.dict"
run dict ./misbehave -dict=fatal.dict -seed=1 -runs=100000 -artifact_prefix=dict/ dict-corpus
[ "$rc" = 77 ] && [[ $log == *"rejected input"* ]] || fail "the dictionary word did not reach Go (exit $rc)"
[[ $log == *"Dictionary: 1 entries"* ]] || fail "libFuzzer did not load the dictionary"
check_tmp dict

# A seed one byte away from a failure: fuzzing finds it within a few thousand runs.
mkdir -p "$out/near"
printf 'fatax' >"$out/near/seed"

case_ "fork: -fork=1"
mkdir -p "$out/fork"
run fork ./misbehave -fork=1 -seed=1 -runs=200000 -artifact_prefix=fork/ near
[ "$rc" != 0 ] || fail "fork mode found nothing (exit 0)"
[[ $log == *"rejected input"* ]] || fail "no Go output from the fork child"
ls "$out"/fork/crash-* >/dev/null || fail "no crash artifact in fork mode"
go_file "$out/fork" >/dev/null
check_tmp fork

case_ "jobs: -jobs=2 -workers=2"
mkdir -p "$out/jobs"
run jobs ./misbehave -jobs=2 -workers=2 -seed=1 -runs=200000 -artifact_prefix=jobs/ near
for job in 0 1; do
    job_log=$(cat "$out/fuzz-$job.log")
    [[ $job_log == *"gofuzz-shm: Go fuzz target FuzzMisbehave"*"rejected input"*"Test unit written to jobs/crash-"* ]] \
        || fail "job $job did not run its own worker to the failure"
done
go_file "$out/jobs" >/dev/null
check_tmp jobs

case_ "merge: -merge=1"
mkdir -p "$out/corpus" "$out/merged"
run fill ./misbehave -seed=1 -runs=20000 corpus
[ "$rc" = 0 ] || fail "fuzzing for a corpus: exit $rc"
run merge ./misbehave -merge=1 merged corpus
[ "$rc" = 0 ] || fail "merge: exit $rc"
n_corpus=$(find "$out/corpus" -type f | wc -l)
n_merged=$(find "$out/merged" -type f | wc -l)
[ "$n_merged" -ge 1 ] && [ "$n_merged" -le "$n_corpus" ] || fail "merged $n_merged of $n_corpus"
[[ $log == *"MERGE-OUTER: $n_merged new files"* ]] || fail "merge report: $log"
check_tmp merge

case_ "minimize: -minimize_crash=1"
printf 'fatal and then a long tail of bytes that do not matter' >"$out/in-long"
run minimize ./misbehave -minimize_crash=1 -runs=3000 -seed=1 -exact_artifact_path=minimized in-long
[ "$rc" = 0 ] || fail "minimize: exit $rc"
[ -s "$out/minimized" ] || fail "no minimized artifact"
len=$(wc -c <"$out/minimized")
[ "$len" -lt "$(wc -c <"$out/in-long")" ] || fail "not minimized: $len bytes"
run minimized ./misbehave minimized
[ "$rc" = 77 ] && [[ $log == *"rejected input"* ]] || fail "the minimized input does not fail"
check_tmp minimize

case_ "typed: FuzzTyped(t, string, int64, bool), its arguments found in the package"
# --no-cmp: the -runs=3000 case below expects no finding; with comparison feedback libFuzzer
# finds the planted s="typed" n=1001 ok=true within that budget.
"$gofuzz_shm" build --engine libfuzzer --target FuzzTyped --pkg testdata/enginetargets \
    --no-cmp -o "$out/typed"
mkdir -p "$out/typed-found" "$out/typed-corpus"
# The mapping: the int64 (8 bytes, little-endian) and the bool (1 byte) first, the string last.
printf '\xe9\x03\x00\x00\x00\x00\x00\x00\x01typed' >"$out/in-typed"
run typed ./typed -artifact_prefix=typed-found/ in-typed
[ "$rc" = 77 ] && [[ $log == *'found s="typed" n=1001 ok=true'* ]] || fail "typed: exit $rc: $log"
typed_file=$(go_file "$out/typed-found")
[ "$(cat "$typed_file")" = "$(printf 'go test fuzz v1\nstring("typed")\nint64(1001)\nbool(true)')" ] \
    || fail "the typed Go corpus file holds $(cat "$typed_file")"
rm -rf "$out/typed-pkg"
mkdir -p "$out/typed-pkg/testdata/fuzz/FuzzTyped"
cp testdata/enginetargets/go.mod testdata/enginetargets/*.go "$out/typed-pkg/"
cp "$typed_file" "$out/typed-pkg/testdata/fuzz/FuzzTyped/"
name=$(basename "$typed_file")
set +e
gotest=$(cd "$out/typed-pkg" && go test -count=1 -run="FuzzTyped/$name" . 2>&1)
rc=$?
set -e
[ "$rc" != 0 ] && [[ $gotest == *"FAIL: FuzzTyped/$name"*'found s="typed" n=1001 ok=true'* ]] \
    || fail "go test did not reproduce the typed failure: $gotest"
run typed-fuzz ./typed -seed=1 -runs=3000 typed-corpus
[ "$rc" = 0 ] || fail "fuzzing the typed target: exit $rc: $log"
# Wrong types are a usage error at start, not a crash of the target.
"$gofuzz_shm" build --engine libfuzzer --target FuzzTyped --pkg testdata/enginetargets \
    --types '[]byte' -o "$out/typed-wrong"
run typed-wrong ./typed-wrong -runs=10
[ "$rc" = 1 ] && [[ $log == *"cannot start Go fuzz target FuzzTyped"*"[]byte"* ]] \
    || fail "wrong --types: exit $rc: $log"
check_tmp typed

case_ "sigkill: SIGKILL of the libFuzzer process"
mkdir -p "$out/long"
(cd "$out" && exec env "$mark" ./misbehave -seed=1 -runs=100000000 long >"$out/sigkill.log" 2>&1) &
fuzzer=$!
worker=""
for _ in $(seq 100); do
    worker=$(ps -o pid= --ppid "$fuzzer" | tr -d ' ' || true)
    [ -n "$worker" ] && grep -q 'INITED' "$out/sigkill.log" && break
    sleep 0.1
done
[ -n "$worker" ] || fail "no worker process under the libFuzzer process"
kill -KILL "$fuzzer"
wait "$fuzzer" || true
# Gone, or a zombie waiting for a reaper that is not ours (PID 1 in a container may not reap).
alive() { local state; state=$(awk '{print $3}' "/proc/$1/stat" 2>/dev/null || true); [ -n "$state" ] && [ "$state" != Z ]; }
for _ in $(seq 50); do
    alive "$worker" || break
    sleep 0.1
done
! alive "$worker" || fail "the worker $worker outlived the libFuzzer process"
check_tmp sigkill

printf '\nall libFuzzer tests passed\n'
