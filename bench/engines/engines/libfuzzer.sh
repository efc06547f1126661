# Engine: libFuzzer through `gofuzz-shm build --engine libfuzzer` (issue 14). The five
# functions and the variables they see are documented in gotest.sh.

engine_check() {
	local help
	help=$("$GOFUZZSHM" build --help 2>&1 || true)
	[[ $help == *--engine* ]] || { echo "gofuzz-shm build --engine is not in this tree yet"; return 1; }
	command -v clang-19 >/dev/null || { echo "clang-19 not found"; return 1; }
}

engine_prepare() {
	"$GOFUZZSHM" build --engine libfuzzer --target "$TARGET" --pkg "$PKG_DIR" -o "$PREP/fuzzer"
}

# Seeds: the Go corpus files (the harness maps them to engine bytes); new inputs go to
# $OUT/corpus, the first corpus directory, as libFuzzer does.
engine_run() {
	mkdir -p "$OUT/corpus" "$OUT/crashers"
	"$PREP/fuzzer" -seed="$SEED" -max_total_time="$BUDGET" -print_final_stats=1 \
		-artifact_prefix="$OUT/" -go_crashers="$OUT/crashers" \
		"$OUT/corpus" "$WD/testdata/fuzz/$TARGET"
}

# -print_final_stats=1: "stat::number_of_executed_units: N" (also printed after a crash).
engine_execs() {
	sed -n 's/^stat::number_of_executed_units: *\([0-9]*\).*/\1/p' "$OUT/log" | tail -n 1
}

# libFuzzer's corpus holds engine bytes, not Go corpus files.
ENGINE_CORPUS_FORMAT=raw
engine_corpus() { echo "$OUT/corpus"; }
engine_crashers() { echo "$OUT/crashers"; }
