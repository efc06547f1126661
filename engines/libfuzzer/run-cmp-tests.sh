#!/usr/bin/env bash
# Comparison feedback with libFuzzer (`make test-libfuzzer-cmp`): the same Go targets
# (testdata/enginetargets/cmp_test.go) built by `gofuzz-shm build --engine libfuzzer` with the
# comparison hooks (the default) and with --no-cmp, run with the same seeds and run counts.
# With the hooks libFuzzer must find both planted bugs (a 4-byte checksum, an exact 21-byte
# string) under every seed; without them it must find neither. No timing in any assertion.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
CARGO=${CARGO:-cargo}
RUNS=${GOFUZZSHM_CMP_RUNS:-60000}
SEEDS=${GOFUZZSHM_CMP_SEEDS:-"1 2 3"}
out=$root/target/libfuzzer-cmp-tests
rm -rf "$out"
mkdir -p "$out"
export GOWORK=off GOTOOLCHAIN=local

fail() { printf '\nLIBFUZZER CMP TEST FAILED: %s\n' "$*" >&2; exit 1; }

if ! command -v clang-19 >/dev/null 2>&1 && ! command -v clang >/dev/null 2>&1; then
    if [ "${CI:-}" = true ] || [ "${GOFUZZSHM_REQUIRE_GO:-}" = 1 ] || [ "${GOFUZZSHM_REQUIRE_ENGINES:-}" = 1 ]; then
        fail "no clang-19: install clang-19 libclang-rt-19-dev"
    fi
    printf '\n*** SKIPPED: no clang-19 — libFuzzer comparison feedback was NOT tested ***\n\n'
    exit 0
fi

"$CARGO" build --quiet --release --lib
"$CARGO" build --quiet --release -p gofuzz-shm-cli
gofuzz_shm=$root/target/release/gofuzz-shm

for target in FuzzChecksum FuzzToken; do
    for mode in cmp nocmp; do
        flags=()
        [ "$mode" = nocmp ] && flags=(--no-cmp)
        msg=$("$gofuzz_shm" build --engine libfuzzer --target "$target" \
            --pkg testdata/enginetargets "${flags[@]}" -o "$out/$target-$mode" 2>&1) ||
            fail "build $target $mode: $msg"
        want="comparison feedback: on"
        [ "$mode" = nocmp ] && want="comparison feedback: off (--no-cmp)"
        [[ $msg == *"$want"* ]] || fail "build $target $mode does not say '$want': $msg"
    done
done

# run TARGET MODE SEED: prints "found" or "missed".
run() {
    local dir=$out/run-$1-$2-$3 log rc
    mkdir -p "$dir"
    set +e
    log=$("$out/$1-$2" -seed="$3" -runs="$RUNS" -max_len=64 -timeout=20 \
        -artifact_prefix="$dir/" -go_crashers="$dir/go" 2>&1)
    rc=$?
    set -e
    printf '%s\n' "$log" >"$dir/log"
    if [[ $log == *"planted bug"* ]] && [ "$rc" != 0 ]; then
        echo found
    elif [ "$rc" = 0 ]; then
        echo missed
    else
        fail "$1 $2 seed $3 ended with $rc without the planted bug; log in $dir/log"
    fi
}

for target in FuzzChecksum FuzzToken; do
    for seed in $SEEDS; do
        with=$(run "$target" cmp "$seed")
        without=$(run "$target" nocmp "$seed")
        printf '%s seed %s, %s runs: with comparison feedback %s, without %s\n' \
            "$target" "$seed" "$RUNS" "$with" "$without"
        [ "$with" = found ] || fail "$target seed $seed: not found with comparison feedback"
        [ "$without" = missed ] || fail "$target seed $seed: found without comparison feedback"
    done
done
echo "libFuzzer comparison feedback: all cases passed"
