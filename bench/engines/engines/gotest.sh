# Engine: go test -fuzz, the baseline every other engine is measured against.
#
# An engine is this file's five functions, sourced by bench/engines/run.sh in a subshell with:
#   BIN      the target's `go test -c -fuzz=^TARGET$` binary (the replay uses the same one)
#   PKG      the package (import path or directory), TARGET its fuzz target (FuzzX), TYPES
#            its argument types (targets.txt: e.g. []byte or string,int64,bool),
#            PKG_DIR its source directory
#   GOFUZZSHM the gofuzz-shm command (release build of this tree)
#   PREP     a directory for what engine_prepare builds (once per target, not timed)
#   WD       the run's working directory (a copy of the package's testdata/; seeds are the Go
#            corpus files in $WD/testdata/fuzz/$TARGET); the run starts there
#   OUT      this run's own directory (the log is $OUT/log)
#   SEED     the run's seed, BUDGET its time budget in seconds, CPU the one CPU it runs on
# ENGINE_CORPUS_FORMAT=raw (a variable the file sets) says its corpus and failures are engine
# bytes, not Go corpus files: mapped to Go entries by the signature mapping ($TYPES) for the replay.
# engine_run is timed; run.sh pins it to one CPU (taskset) and kills it BUDGET+30 s in.
#   engine_check     exits 0 when the engine can run here, else prints why and exits 1
#   engine_prepare   builds what engine_run needs into $PREP
#   engine_run       fuzzes until the first failure or the budget, whichever comes first
#   engine_execs     prints the executions the run made (from $OUT/log), or nothing if unknown,
#                    optionally followed by the seconds they took (default: the run's time)
#   engine_corpus    prints the files or directories holding its final corpus (Go entries)
#   engine_crashers  prints the files or directories holding the failures it reported

engine_check() {
	command -v go >/dev/null || { echo "go not found"; return 1; }
}

engine_prepare() { :; }

# -parallel=1: one worker; minimization off, so that the time to the bug is the time to find it
# (the other engines do not minimize); a private cache dir per run, so no corpus is shared.
engine_run() {
	GODEBUG=fuzzseed=$SEED "$BIN" -test.run="^$TARGET\$" -test.fuzz="^$TARGET\$" \
		-test.fuzztime="${BUDGET}s" -test.fuzzminimizetime=0 -test.parallel=1 \
		-test.fuzzcachedir="$OUT/cache"
}

# The last status line, "fuzz: elapsed: 9s, execs: 135662 (13613/sec), ...": printed every 3 s,
# so a run that ends between two lines under-counts by up to 3 s of executions.
engine_execs() {
	awk '/^fuzz: elapsed: .*, execs: [0-9]+ / {
		s = 0
		e = $3; sub(/,$/, "", e)
		while (match(e, /^[0-9.]+[hms]/)) {
			v = substr(e, 1, RLENGTH - 1); u = substr(e, RLENGTH, 1)
			s += v * (u == "h" ? 3600 : u == "m" ? 60 : 1); e = substr(e, RLENGTH + 1)
		}
		execs = $5; secs = s
	} END { if (execs != "") print execs, secs }' "$OUT/log"
}

engine_corpus() {
	echo "$OUT/cache/$TARGET"
	echo "$WD/testdata/fuzz/$TARGET"
}

# go test writes the failing input into testdata/fuzz/$TARGET of the working directory, next to
# the seeds (which do not fail).
engine_crashers() {
	echo "$WD/testdata/fuzz/$TARGET"
}
