# Engine: libFuzzer through `gofuzz-shm build --engine libfuzzer` (issue 14). The five
# functions and the variables they see are documented in gotest.sh.

engine_check() {
	local help
	help=$("$GOFUZZSHM" build --help 2>&1 || true)
	[[ $help == *--engine* ]] || { echo "gofuzz-shm build --engine is not in this tree"; return 1; }
	command -v clang-19 >/dev/null || { echo "clang-19 not found"; return 1; }
}

# The fuzzer, and the package's Go seed corpus files as engine seeds (libFuzzer reads any file
# as raw bytes: `decode --raw --types` gives the bytes the signature mapping maps to the entry).
engine_prepare() {
	"$GOFUZZSHM" build --engine libfuzzer --target "$TARGET" --pkg "$PKG_DIR" --types "$TYPES" \
		-o "$PREP/fuzzer"
	decode_seeds
}

decode_seeds() {
	mkdir -p "$PREP/seeds"
	local f
	for f in "$PKG_DIR/testdata/fuzz/$TARGET"/*; do
		[ -f "$f" ] || continue
		"$GOFUZZSHM" decode --raw --types "$TYPES" "$f" >"$PREP/seeds/$(basename "$f")"
	done
}

# New inputs go to $OUT/corpus, the first corpus directory, as libFuzzer does; the seeds are
# read from the second.
engine_run() {
	mkdir -p "$OUT/corpus" "$OUT/crashers"
	"$PREP/fuzzer" -seed="$SEED" -max_total_time="$BUDGET" -print_final_stats=1 \
		-artifact_prefix="$OUT/" -go_crashers="$OUT/crashers" \
		"$OUT/corpus" "$PREP/seeds"
}

# -print_final_stats=1: "stat::number_of_executed_units: N" (also printed after a crash).
engine_execs() {
	sed -n 's/^stat::number_of_executed_units: *\([0-9]*\).*/\1/p' "$OUT/log" | tail -n 1
}

# libFuzzer's corpus holds engine bytes, not Go corpus files; -go_crashers holds Go corpus files.
# The seeds count as for go test -fuzz (libFuzzer writes only new inputs into $OUT/corpus).
ENGINE_CORPUS_FORMAT=raw
engine_corpus() {
	echo "$OUT/corpus"
	echo "$PREP/seeds"
}
engine_crashers() { echo "$OUT/crashers"; }
