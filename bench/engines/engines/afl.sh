# Engine: AFL++ (afl-fuzz) through `gofuzz-shm build --engine afl` (issue 15). The five
# functions and the variables they see are documented in gotest.sh.

engine_check() {
	command -v afl-fuzz >/dev/null || { echo "afl-fuzz not found"; return 1; }
	local help
	help=$("$GOFUZZSHM" build --help 2>&1 || true)
	[[ $help == *--engine* ]] || { echo "gofuzz-shm build --engine is not in this tree yet"; return 1; }
}

engine_prepare() {
	"$GOFUZZSHM" build --engine afl --target "$TARGET" --pkg "$PKG_DIR" -o "$PREP/target"
}

# AFL_BENCH_UNTIL_CRASH: stop at the first crash, as the other engines do; -V: the budget;
# AFL_NO_AFFINITY: run.sh has pinned the run to its CPU already.
engine_run() {
	AFL_BENCH_UNTIL_CRASH=1 AFL_NO_UI=1 AFL_NO_AFFINITY=1 AFL_SKIP_CPUFREQ=1 \
		AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES=1 \
		afl-fuzz -i "$WD/testdata/fuzz/$TARGET" -o "$OUT/afl" -s "$SEED" -V "$BUDGET" \
		-- "$PREP/target" -go_crashers="$OUT/crashers"
}

engine_execs() {
	sed -n 's/^execs_done *: *\([0-9]*\).*/\1/p' "$OUT/afl/default/fuzzer_stats" 2>/dev/null
}

ENGINE_CORPUS_FORMAT=raw
engine_corpus() { echo "$OUT/afl/default/queue"; }
engine_crashers() {
	echo "$OUT/crashers"
	echo "$OUT/afl/default/crashes"
}
