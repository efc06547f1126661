# Engine: AFL++ (afl-fuzz) through `gofuzz-shm build --engine afl` (issue 15). The five
# functions and the variables they see are documented in gotest.sh.

engine_check() {
	command -v afl-fuzz >/dev/null || { echo "afl-fuzz not found"; return 1; }
	local help
	help=$("$GOFUZZSHM" build --help 2>&1 || true)
	[[ $help == *afl* ]] || { echo "gofuzz-shm build --engine afl is not in this tree"; return 1; }
}

# The target, and the package's Go seed corpus files as engine seeds (`decode --raw --types`);
# afl-fuzz needs at least one seed, so a target without any gets a one-byte one.
engine_prepare() {
	"$GOFUZZSHM" build --engine afl --target "$TARGET" --pkg "$PKG_DIR" --types "$TYPES" \
		-o "$PREP/target"
	mkdir -p "$PREP/seeds"
	local f
	for f in "$PKG_DIR/testdata/fuzz/$TARGET"/*; do
		[ -f "$f" ] || continue
		"$GOFUZZSHM" decode --raw --types "$TYPES" "$f" >"$PREP/seeds/$(basename "$f")"
	done
	local seeds
	seeds=$(find "$PREP/seeds" -type f -size +0 -print)
	[ -n "$seeds" ] || printf 0 >"$PREP/seeds/one-byte"
}

# AFL_BENCH_UNTIL_CRASH: stop at the first crash, as the other engines do; -V: the budget;
# AFL_NO_AFFINITY: run.sh has pinned the run to its CPU already; AFL_FORKSRV_INIT_TMOUT: the
# forkserver answers once its Go worker is up, which a loaded machine can make slow.
engine_run() {
	AFL_BENCH_UNTIL_CRASH=1 AFL_NO_UI=1 AFL_NO_AFFINITY=1 AFL_SKIP_CPUFREQ=1 \
		AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES=1 AFL_FORKSRV_INIT_TMOUT=60000 \
		afl-fuzz -i "$PREP/seeds" -o "$OUT/afl" -s "$SEED" -V "$BUDGET" -- "$PREP/target"
}

# fuzzer_stats: execs_done, and the seconds since the start (last_update - start_time).
engine_execs() {
	awk -F' *: *' '$1 == "execs_done" { e = $2 } $1 == "start_time" { s = $2 }
		$1 == "last_update" { u = $2 } END { if (e != "") print e, u - s }' \
		"$OUT/afl/default/fuzzer_stats" 2>/dev/null
}

# Queue and crashes hold AFL's raw bytes (the replay maps them with $TYPES); only the id*
# files are inputs (README.txt, .state/ are not).
ENGINE_CORPUS_FORMAT=raw
engine_corpus() { find "$OUT/afl/default/queue" -maxdepth 1 -type f -name 'id*' 2>/dev/null | sort; }
engine_crashers() { find "$OUT/afl/default/crashes" -maxdepth 1 -type f -name 'id*' 2>/dev/null | sort; }
