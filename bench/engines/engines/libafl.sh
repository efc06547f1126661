# Engine: `gofuzz-shm fuzz`, the project's LibAFL fuzzer (issue 18), on the one CPU run.sh
# gives the run. The five functions and the variables they see are documented in gotest.sh.

engine_check() {
	"$GOFUZZSHM" fuzz --help >/dev/null 2>&1 ||
		{ echo "gofuzz-shm fuzz is not in this tree"; return 1; }
}

engine_prepare() { :; }

# Stops at the first failure (its default), or when the budget is spent. The seeds are the Go
# corpus files in the working directory's testdata. --bin: the same test binary as go test -fuzz,
# so without comparison feedback (which --pkg would build in, inside the timed run).
engine_run() {
	"$GOFUZZSHM" fuzz --bin "$BIN" --target "$TARGET" --types "$TYPES" --cores "$CPU" \
		--time "${BUDGET}s" \
		--seed "$SEED" --corpus "$OUT/corpus" --crash-dir "$OUT/crashers" \
		"$WD/testdata/fuzz/$TARGET"
}

# The summary: "gofuzz-shm fuzz: 10106 runs in 3.0 s (3345 inputs/s) on 1 core(s); ...".
engine_execs() {
	sed -n 's/^gofuzz-shm fuzz: \([0-9]*\) runs in \([0-9.]*\) s .*/\1 \2/p' "$OUT/log" | tail -n 1
}

# Go corpus files, as Go writes them; the seeds count as for go test -fuzz (its corpus is the
# cache plus testdata), since --corpus holds only the new inputs.
engine_corpus() {
	echo "$OUT/corpus"
	echo "$WD/testdata/fuzz/$TARGET"
}
engine_crashers() { echo "$OUT/crashers"; }
