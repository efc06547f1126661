#!/usr/bin/env bash
# The engine benchmark: Go fuzz targets (planted bugs, standard-library targets) fuzzed by each
# engine, one CPU per run (taskset), several seeds, equal budgets; then, for every run, the
# failures it reported and its final corpus replayed through one host with the same test binary
# (bench_replay, bench/engines/replay.rs), so "found" and "counters lit" are measured the same
# way for every engine. bench/report renders the results (a section of BENCHMARKS.md).
#
#   bench/engines/run.sh               full: every target, seeds 1 2 3, 60 s each
#   bench/engines/run.sh --quick       CI: the quick targets, one seed, 10 s each (a few minutes)
#   options: --budget S  --seeds "1 2 3"  --engines "gotest libfuzzer"  --targets "magic json"
#            --jobs N (runs at once, one CPU each; default: the CPUs this process may use)
#            -o DIR (results; default target/bench/engines, or target/bench/engines-quick)
#
# Engines are bench/engines/engines/<name>.sh (gotest.sh documents the five functions one
# defines); targets are bench/engines/targets.txt. An engine that cannot run here is reported
# as unavailable, unless GOFUZZSHM_REQUIRE_ENGINES=1, which makes that an error (go test -fuzz,
# the baseline, must always run).
#
# Needs: go, cargo, jq, taskset (util-linux), timeout (coreutils).
#
# Results: DIR/meta.txt (machine, command), DIR/engines.jsonl (availability), DIR/runs.jsonl
# (one object per run), DIR/runs/<engine>/<target>/<seed>/ (log, working directory, replays).
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)
cd "$root"

quick=0 budget="" seeds="" engines="" targets="" jobs="" res=""
while [ $# -gt 0 ]; do
	case "$1" in
	--quick) quick=1 ;;
	--budget) budget=$2 && shift ;;
	--seeds) seeds=$2 && shift ;;
	--engines) engines=$2 && shift ;;
	--targets) targets=$2 && shift ;;
	--jobs) jobs=$2 && shift ;;
	-o) res=$2 && shift ;;
	-h | --help) sed -n '2,20p' "$0" | sed 's/^# \{0,1\}//' && exit 0 ;;
	*) echo "bench/engines/run.sh: unknown argument $1 (try --help)" >&2 && exit 2 ;;
	esac
	shift
done
command_line="bench/engines/run.sh${*:+ $*}"
target_dir=${CARGO_TARGET_DIR:-$root/target}
if [ $quick = 1 ]; then
	: "${budget:=10}" "${seeds:=1}" "${res:=$target_dir/bench/engines-quick}"
else
	: "${budget:=60}" "${seeds:=1 2 3}" "${res:=$target_dir/bench/engines}"
fi
if [ -z "$engines" ]; then
	engines=$(cd "$here/engines" && ls -- *.sh | sed 's/\.sh$//' | sort | tr '\n' ' ')
	# The baseline first: the others are reported as ratios to it.
	engines="gotest $(echo "$engines" | tr ' ' '\n' | grep -vx gotest | tr '\n' ' ')"
fi
case " $engines " in *" gotest "*) ;; *) echo "the gotest engine (the baseline) must run" >&2 && exit 2 ;; esac

# The CPUs this process may use, one run on each at a time.
affinity=$(taskset -cp $$)
cpus=()
IFS=, read -ra ranges <<<"${affinity##*: }"
for r in "${ranges[@]}"; do
	for ((c = ${r%-*}; c <= ${r#*-}; c++)); do cpus+=("$c"); done
done
: "${jobs:=${#cpus[@]}}"
[ "$jobs" -le "${#cpus[@]}" ] || jobs=${#cpus[@]}

rm -rf "$res"
mkdir -p "$res/bin" "$res/runs" "$res/prep" "$res/wd"
step() { printf '\n== %s  [%ss]\n' "$*" "$SECONDS"; }

{
	echo "date=$(date -u '+%Y-%m-%d %H:%M UTC')"
	echo "command=$command_line"
	echo "mode=$([ $quick = 1 ] && echo quick || echo full)"
	echo "budget=$budget"
	echo "seeds=$seeds"
	echo "jobs=$jobs"
	echo "cpus=${cpus[*]}"
	echo "cores=$(nproc)"
	echo "cpu=$(sed -n '/^model name[[:space:]]*: /{s///p;q}' /proc/cpuinfo)"
	echo "kernel=$(uname -srm)"
	echo "go=$(go version)"
	echo "commit=$(git rev-parse --short HEAD 2>/dev/null || echo unknown)$(git diff --quiet HEAD 2>/dev/null || echo ' (with uncommitted changes)')"
	echo "load_before=$(cut -d' ' -f1-3 /proc/loadavg)"
} >"$res/meta.txt"

step "build: the replay tool (cargo --release)"
cargo build --quiet --release --example bench_replay
replay="$target_dir/release/examples/bench_replay"

# Targets: name package fuzz-target quick types bug, from targets.txt (or --targets).
declare -A t_pkg t_fn t_types t_bug t_dir
t_names=()
while read -r name pkg fn q types bug; do
	case "$name" in '' | '#'*) continue ;; esac
	if [ -n "$targets" ]; then
		case " $targets " in *" $name "*) ;; *) continue ;; esac
	elif [ $quick = 1 ] && [ "$q" != yes ]; then
		continue
	fi
	t_names+=("$name") t_pkg[$name]=$pkg t_fn[$name]=$fn t_types[$name]=$types t_bug[$name]=$bug
done <"$here/targets.txt"
[ ${#t_names[@]} -gt 0 ] || { echo "no targets selected" >&2 && exit 2; }

step "the planted bugs fire on the inputs they were planted for (go test ./targets)"
(cd "$here/targets" && go test -count=1 .)

step "build: one go test -c -fuzz binary per target (${t_names[*]})"
for name in "${t_names[@]}"; do
	pkg=${t_pkg[$name]} fn=${t_fn[$name]}
	if [[ $pkg == ./* ]]; then
		srcdir="$here/${pkg#./}"
		(cd "$srcdir" && go test -c -fuzz="^$fn\$" -o "$res/bin/$name.test" .)
	else
		srcdir="$(go env GOROOT)/src/$pkg"
		# -fuzz needs the package in the main module: the standard library is module std there.
		(cd "$(go env GOROOT)/src" && go test -c -fuzz="^$fn\$" -o "$res/bin/$name.test" "$pkg")
	fi
	t_dir[$name]=$srcdir
	# The template of every run's working directory: the package's testdata (seed corpus files
	# under testdata/fuzz/<Target>, and files a target may read).
	mkdir -p "$res/wd/$name/testdata/fuzz/$fn"
	if [ -d "$srcdir/testdata" ]; then cp -r "$srcdir/testdata/." "$res/wd/$name/testdata/"; fi
done

# The gofuzz-shm command, for the engines built on it: the release build for measuring; in
# quick mode (which proves that the benchmark runs, not how fast) the debug build `make test`
# has already made, to spare CI a release build of the command.
profile=release
[ $quick = 1 ] && profile=debug
export GOFUZZSHM="$target_dir/$profile/gofuzz-shm"
case " $engines " in
*" libfuzzer "* | *" afl "* | *" libafl "*)
	step "build: the gofuzz-shm command (cargo, $profile)"
	# The library too: `gofuzz-shm build` links libgofuzz_shm.a from beside the command.
	if [ $profile = release ]; then
		cargo build --quiet --release -p gofuzz-shm-cli
	else
		cargo build --quiet -p gofuzz-shm-cli
	fi
	if [ $profile = release ]; then cargo build --quiet --release --lib; else cargo build --quiet --lib; fi
	;;
esac

# Engines: availability, then what each builds per target.
available=()
: >"$res/engines.jsonl"
for engine in $engines; do
	file="$here/engines/$engine.sh"
	[ -f "$file" ] || { echo "no engine $engine ($file)" >&2 && exit 2; }
	if why=$(bash -c '. "$1"; engine_check' _ "$file" 2>&1); then
		available+=("$engine")
		jq -cn --arg e "$engine" '{engine:$e, available:true}' >>"$res/engines.jsonl"
	else
		jq -cn --arg e "$engine" --arg w "$why" '{engine:$e, available:false, why:$w}' >>"$res/engines.jsonl"
		echo "engine $engine unavailable: $why"
		if [ "$engine" = gotest ] || [ "${GOFUZZSHM_REQUIRE_ENGINES:-0}" = 1 ]; then
			echo "GOFUZZSHM_REQUIRE_ENGINES=1: every engine must run" >&2
			exit 1
		fi
	fi
done

# The variables an engine's functions see (see engines/gotest.sh).
engine_env() { # engine name seed
	local engine=$1 name=$2 seed=$3
	export BIN="$res/bin/$name.test" PKG=${t_pkg[$name]} TARGET=${t_fn[$name]} TYPES=${t_types[$name]}
	export PKG_DIR=${t_dir[$name]}
	export PREP="$res/prep/$engine/$name" SEED=$seed BUDGET=$budget
	export OUT="$res/runs/$engine/$name/$seed" WD="$res/runs/$engine/$name/$seed/wd"
}

for engine in "${available[@]}"; do
	for name in "${t_names[@]}"; do
		step "prepare: $engine for $name"
		(
			engine_env "$engine" "$name" 0
			mkdir -p "$PREP"
			cd "$PREP"
			. "$here/engines/$engine.sh"
			engine_prepare
		)
	done
done

# One run: the engine on one CPU, timed; then its failures and corpus replayed (not pinned).
one_run() { # engine name seed cpu
	local engine=$1 name=$2 seed=$3 cpu=$4 file="$here/engines/$1.sh"
	engine_env "$engine" "$name" "$seed"
	export CPU=$cpu
	local raw=()
	if [ "$(bash -c '. "$1"; echo "${ENGINE_CORPUS_FORMAT:-go}"' _ "$file")" = raw ]; then
		raw=(--types "${t_types[$name]}")
	fi
	mkdir -p "$OUT"
	cp -r "$res/wd/$name" "$WD"
	local start end rc=0
	start=$(date +%s.%N)
	(cd "$WD" && timeout --signal=KILL $((budget + 30)) taskset -c "$cpu" \
		bash -c '. "$1"; engine_run' _ "$file") >"$OUT/log" 2>&1 || rc=$?
	end=$(date +%s.%N)
	local seconds execs crashers corpus execs_s
	seconds=$(awk -v a="$start" -v b="$end" 'BEGIN { printf "%.3f", b - a }')
	read -r execs execs_s < <(bash -c '. "$1"; engine_execs' _ "$file" 2>/dev/null || true) || true
	: "${execs:=}" "${execs_s:=$seconds}"
	mapfile -t crashers < <(bash -c '. "$1"; engine_crashers' _ "$file")
	mapfile -t corpus < <(bash -c '. "$1"; engine_corpus' _ "$file")
	local existing=() p
	for p in "${crashers[@]}"; do [ -e "$p" ] && existing+=("$p"); done
	"$replay" --bin "$BIN" --target "$TARGET" --dir "$WD" "${raw[@]}" "${existing[@]}" >"$OUT/crashers.json" 2>"$OUT/crashers.err" ||
		echo '{"error":"replay failed"}' >"$OUT/crashers.json"
	existing=()
	for p in "${corpus[@]}"; do [ -e "$p" ] && existing+=("$p"); done
	"$replay" --bin "$BIN" --target "$TARGET" --dir "$WD" "${raw[@]}" "${existing[@]}" >"$OUT/corpus.json" 2>"$OUT/corpus.err" ||
		echo '{"error":"replay failed"}' >"$OUT/corpus.json"
	local bug=${t_bug[$name]} found=false
	if [ "$bug" != - ]; then
		local messages
		messages=$(jq -r '.failures[]?.message' "$OUT/crashers.json")
		if grep -Eq -- "$bug" <<<"$messages"; then found=true; fi
	fi
	jq -cn --arg engine "$engine" --arg target "$name" --arg fn "$TARGET" --arg pkg "$PKG" \
		--argjson seed "$seed" --argjson budget "$budget" --argjson cpu "$cpu" \
		--argjson exit "$rc" --argjson seconds "$seconds" --argjson execs_s "$execs_s" \
		--arg execs "$execs" --argjson planted "$([ "$bug" != - ] && echo true || echo false)" \
		--argjson found "$found" --slurpfile crashers "$OUT/crashers.json" \
		--slurpfile corpus "$OUT/corpus.json" \
		'{engine:$engine, target:$target, fuzz_target:$fn, package:$pkg, seed:$seed,
		  budget_s:$budget, cpu:$cpu, exit:$exit, seconds:$seconds, planted:$planted,
		  found:$found, execs:(if $execs == "" then null else ($execs | tonumber) end),
		  execs_seconds:$execs_s,
		  counters_lit:$corpus[0].counters_lit, counters_total:$corpus[0].counters_total,
		  corpus_files:$corpus[0].files, corpus_skipped:$corpus[0].skipped,
		  failures:[$crashers[0].failures[]?.message] | unique}' >"$OUT/run.json"
	printf '%-10s %-9s seed %-3s cpu %s: %6.1f s, found %-5s execs %-9s counters %s\n' \
		"$engine" "$name" "$seed" "$cpu" "$seconds" "$found" "${execs:-?}" \
		"$(jq -r '.counters_lit' "$OUT/corpus.json")"
}

# Every run, at most one per CPU at a time; seeds interleaved across engines so that a change of
# machine load hits all engines alike.
step "runs: ${#available[@]} engines x ${#t_names[@]} targets x seeds ($seeds), ${budget} s each, $jobs at once"
declare -a slot_pid slot_cpu
for ((i = 0; i < jobs; i++)); do slot_pid[i]=0 slot_cpu[i]=${cpus[i]}; done
wait_slot() {
	while :; do
		for ((i = 0; i < jobs; i++)); do
			if [ "${slot_pid[i]}" = 0 ] || ! kill -0 "${slot_pid[i]}" 2>/dev/null; then
				[ "${slot_pid[i]}" = 0 ] || wait "${slot_pid[i]}" || true
				slot_pid[i]=0
				free=$i
				return
			fi
		done
		sleep 0.2
	done
}
for seed in $seeds; do
	for name in "${t_names[@]}"; do
		for engine in "${available[@]}"; do
			wait_slot
			one_run "$engine" "$name" "$seed" "${slot_cpu[free]}" &
			slot_pid[free]=$!
		done
	done
done
wait
for engine in "${available[@]}"; do
	for name in "${t_names[@]}"; do
		for seed in $seeds; do
			f="$res/runs/$engine/$name/$seed/run.json"
			[ -f "$f" ] || { echo "run $engine $name $seed left no result" >&2 && exit 1; }
			cat "$f"
		done
	done
done >"$res/runs.jsonl"
echo "load_after=$(cut -d' ' -f1-3 /proc/loadavg)" >>"$res/meta.txt"
echo "seconds=$SECONDS" >>"$res/meta.txt"
step "results: $res/runs.jsonl ($(wc -l <"$res/runs.jsonl") runs)"
