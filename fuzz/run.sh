#!/usr/bin/env bash
# Runs every cargo-fuzz target for a bounded time; fails on the first finding.
#   usage: fuzz/run.sh SECONDS [TARGET...]     (default: all targets)
# New corpus entries go to fuzz/corpus/<target> (ignored by git); crashers to fuzz/artifacts.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:?usage: fuzz/run.sh SECONDS [TARGET...]}
shift
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(corpus_decode corpus_values capi_sequence region_bytes signature_mapping)

for target in "${targets[@]}"; do
    mkdir -p "fuzz/corpus/$target"
    extra=()
    if [ "$target" = corpus_decode ]; then
        extra=(fuzz/seeds/decode -- -dict=fuzz/corpus_decode.dict)
    else
        extra=(--)
    fi
    echo "== fuzz $target for ${seconds}s"
    cargo +nightly fuzz run --fuzz-dir fuzz "$target" "fuzz/corpus/$target" "${extra[@]}" \
        -max_total_time="$seconds" -print_final_stats=1 2>&1 \
        | grep -E '^(Done|stat::number_of_executed_units|stat::peak_rss_mb)|ERROR|panicked|SUMMARY' \
        || true
    # cargo fuzz exits non-zero on a finding; the pipe above hides it, so check for artifacts.
    if [ -n "$(ls -A "fuzz/artifacts/$target" 2>/dev/null)" ]; then
        echo "fuzz $target found crashers in fuzz/artifacts/$target:"; ls "fuzz/artifacts/$target"
        exit 1
    fi
done
