#!/usr/bin/env bash
# Runs every cargo-fuzz target for a bounded time; fails on the first finding, and when a target
# could not be fuzzed at all (no nightly toolchain, no cargo-fuzz, a build error, no executions).
#   usage: fuzz/run.sh SECONDS [TARGET...]     (default: all targets)
# New corpus entries go to fuzz/corpus/<target> (ignored by git); crashers to fuzz/artifacts.
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=scripts/lib.sh
. scripts/lib.sh
seconds=${1:?usage: fuzz/run.sh SECONDS [TARGET...]}
shift
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(corpus_decode corpus_values capi_sequence region_bytes signature_mapping)

require_rust_toolchain nightly
require_tool cargo-fuzz "cargo install cargo-fuzz --locked"

log=$(mktemp "${TMPDIR:-/tmp}/gofuzz-shm-fuzz.XXXXXX")
trap 'rm -f "$log"' EXIT

for target in "${targets[@]}"; do
	mkdir -p "fuzz/corpus/$target" "fuzz/artifacts/$target"
	extra=()
	if [ "$target" = corpus_decode ]; then
		extra=(fuzz/seeds/decode -- -dict=fuzz/corpus_decode.dict)
	else
		extra=(--)
	fi
	phase "fuzz $target for ${seconds}s"
	artifacts_before=$(ls -A "fuzz/artifacts/$target")
	# cargo fuzz exits non-zero on a finding, a build error or a libFuzzer error: run_logged
	# keeps that status and prints the whole log then; on success only the summary is shown.
	run_logged "$log" cargo +nightly fuzz run --fuzz-dir fuzz "$target" "fuzz/corpus/$target" \
		"${extra[@]}" -max_total_time="$seconds" -print_final_stats=1 ||
		fail "fuzz $target: cargo fuzz failed (a finding is in fuzz/artifacts/$target)"
	show_lines '^(Done|stat::number_of_executed_units|stat::peak_rss_mb)' "$log"
	output=$(<"$log")
	has_line "$output" '^stat::number_of_executed_units: *[1-9]' ||
		fail "fuzz $target: libFuzzer reported no executions"
	artifacts_after=$(ls -A "fuzz/artifacts/$target")
	[ "$artifacts_after" = "$artifacts_before" ] ||
		fail "fuzz $target left new crashers in fuzz/artifacts/$target: $artifacts_after"
done
