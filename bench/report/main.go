// Command report writes BENCHMARKS.md from the raw results bench/run.sh collects in one run
// directory (target/bench/run):
//
//	meta.txt            key=value facts about the machine and the run
//	interleaved.jsonl   the Rust benches' interleaved rounds (bench/rust/support/mod.rs)
//	criterion/          criterion's estimates for the same operations
//	memory.jsonl        bench/rust/region_memory.rs
//	c_header.jsonl      bench/c/header_access.c, timed rounds
//	c_callgrind.jsonl   the same under callgrind (instructions per operation), full mode only
//	go-r<N>.txt         go-interop/bench_test.go output, one file per round (process)
//	logs/<bench>.log    each Rust bench's output (the worker bench's own summary lines)
//
// Every number in the report comes from these files; the report is never edited by hand.
//
// and, with -engines, the engine benchmark's directory (bench/engines/run.sh; see engines.go).
// With -only-engines the report has the engine section alone (no -run directory needed); with
// -only-engines -into BENCHMARKS.md, that file with only its engine goals and section replaced.
//
//	report -run target/bench/run -o BENCHMARKS.md [-root .] [-engines target/bench/run/engines]
package main

import (
	"bufio"
	"encoding/json"
	"flag"
	"fmt"
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
)

func main() {
	runDir := flag.String("run", "target/bench/run", "directory with the raw results of one run")
	out := flag.String("o", "BENCHMARKS.md", "report to write")
	root := flag.String("root", ".", "repository root (to see whether bench/rust/worker*.rs exists)")
	enginesDir := flag.String("engines", "", "directory with the engine benchmark's results")
	onlyEngines := flag.Bool("only-engines", false, "report the engine benchmark alone")
	into := flag.String("into", "", "with -only-engines: update the engine goals and section of this full report (written to -o)")
	flag.Parse()
	fail := func(err error) {
		fmt.Fprintln(os.Stderr, "report:", err)
		os.Exit(1)
	}
	r := &results{}
	var err error
	if !*onlyEngines {
		if r, err = load(*runDir, *root); err != nil {
			fail(err)
		}
	}
	if *enginesDir != "" {
		if r.engines, err = loadEngines(*enginesDir); err != nil {
			fail(err)
		}
	}
	var text string
	if *onlyEngines && *into != "" {
		old, err := os.ReadFile(*into)
		if err != nil {
			fail(err)
		}
		if text, err = r.spliceEngines(string(old)); err != nil {
			fail(err)
		}
	} else if *onlyEngines {
		text = r.renderEnginesOnly()
	} else {
		text = r.render()
	}
	if err := os.WriteFile(*out, []byte(text), 0o644); err != nil {
		fmt.Fprintln(os.Stderr, "report:", err)
		os.Exit(1)
	}
	fmt.Printf("report: wrote %s\n", *out)
}

// ---- statistics and formatting ----

func median(v []float64) float64 {
	if len(v) == 0 {
		return math.NaN()
	}
	s := append([]float64(nil), v...)
	sort.Float64s(s)
	n := len(s)
	if n%2 == 1 {
		return s[n/2]
	}
	return (s[n/2-1] + s[n/2]) / 2
}

func minMax(v []float64) (float64, float64) {
	lo, hi := math.Inf(1), math.Inf(-1)
	for _, x := range v {
		lo, hi = math.Min(lo, x), math.Max(hi, x)
	}
	return lo, hi
}

func fmtNs(ns float64) string {
	switch {
	case math.IsNaN(ns):
		return "–"
	case ns < 10:
		return fmt.Sprintf("%.2f ns", ns)
	case ns < 1e3:
		return fmt.Sprintf("%.1f ns", ns)
	case ns < 1e4:
		return fmt.Sprintf("%.2f µs", ns/1e3)
	case ns < 1e6:
		return fmt.Sprintf("%.1f µs", ns/1e3)
	case ns < 1e7:
		return fmt.Sprintf("%.2f ms", ns/1e6)
	default:
		return fmt.Sprintf("%.1f ms", ns/1e6)
	}
}

func fmtSignedNs(ns float64) string {
	if ns < 0 {
		return "−" + fmtNs(-ns)
	}
	return "+" + fmtNs(ns)
}

func fmtSize(n int64) string {
	switch {
	case n >= 1<<20 && n%(1<<20) == 0:
		return fmt.Sprintf("%d MiB", n>>20)
	case n >= 1<<10 && n%(1<<10) == 0:
		return fmt.Sprintf("%d KiB", n>>10)
	default:
		return fmt.Sprintf("%d B", n)
	}
}

func fmtRatio(x float64) string {
	if math.IsNaN(x) {
		return "–"
	}
	return fmt.Sprintf("%.2fx", x)
}

// fmtRange is the median ratio with the range over rounds.
func fmtRange(v []float64) string {
	if len(v) == 0 {
		return "–"
	}
	lo, hi := minMax(v)
	if len(v) == 1 {
		return fmtRatio(v[0])
	}
	return fmt.Sprintf("**%s** (%.2f–%.2f)", fmtRatio(median(v)), lo, hi)
}

func fmtGBs(bytes int64, ns float64) string {
	return fmt.Sprintf("%.1f GB/s", float64(bytes)/ns)
}

// ---- the raw results ----

type interleavedLine struct {
	Group    string  `json:"group"`
	Param    *int64  `json:"param"`
	Op       string  `json:"op"`
	Baseline string  `json:"baseline"`
	Round    int     `json:"round"`
	Iters    int64   `json:"iters"`
	NsPerOp  float64 `json:"ns_per_op"`
}

// pairKey names one compared set: a group and its parameter (size), -1 for none.
type pairKey struct {
	group string
	param int64
}

// compared is one group/param: each op's ns per round, and the baseline's name.
type compared struct {
	baseline string
	ops      []string
	ns       map[string]map[int]float64 // op -> round -> ns/op
}

// ratios returns op's per-round time ratio against the baseline (op time / baseline time).
func (c *compared) ratios(op string) []float64 {
	var out []float64
	for round, base := range c.ns[c.baseline] {
		if x, ok := c.ns[op][round]; ok && base > 0 {
			out = append(out, x/base)
		}
	}
	return out
}

// diffs returns op's per-round time difference against the baseline, in ns.
func (c *compared) diffs(op string) []float64 {
	var out []float64
	for round, base := range c.ns[c.baseline] {
		if x, ok := c.ns[op][round]; ok {
			out = append(out, x-base)
		}
	}
	return out
}

func (c *compared) medianNs(op string) float64 {
	var v []float64
	for _, x := range c.ns[op] {
		v = append(v, x)
	}
	return median(v)
}

func (c *compared) rounds() int { return len(c.ns[c.baseline]) }

type estimate struct {
	median, lower, upper float64 // ns per iteration
}

type memoryLine struct {
	Kind               string `json:"kind"`
	ValueBytes         int64  `json:"value_bytes"`
	MappedBytes        int64  `json:"mapped_bytes"`
	FileSize           int64  `json:"file_size"`
	FileAllocatedBytes int64  `json:"file_allocated_bytes"`
	RssDeltaCreateKiB  int64  `json:"rss_delta_create_kib"`
	RssDeltaValueKiB   int64  `json:"rss_delta_value_kib"`
	MappingRssKiB      int64  `json:"mapping_rss_kib"`
	PeerMappingRssKiB  int64  `json:"peer_mapping_rss_kib"`
}

type cLine struct {
	Link     string  `json:"link"`
	Round    int     `json:"round"`
	Variant  string  `json:"variant"`
	Group    string  `json:"group"`
	Baseline string  `json:"baseline"`
	NsPerOp  float64 `json:"ns_per_op"`
}

type callgrindLine struct {
	Link    string `json:"link"`
	Variant string `json:"variant"`
	N1      int64  `json:"n1"`
	Ir1     int64  `json:"ir1"`
	N2      int64  `json:"n2"`
	Ir2     int64  `json:"ir2"`
}

// goResult is one testing.B line of one round.
type goResult struct {
	nsPerOp   float64
	cgoPerOp  float64
	hasCgo    bool
	bytesPerS float64
}

type results struct {
	runDir, root string
	meta         map[string]string
	interleaved  map[pairKey]*compared
	criterion    map[string]estimate // group/function[/param] -> estimate
	memory       []memoryLine
	c            []cLine
	callgrind    []callgrindLine
	goRounds     []map[string]goResult // per round: name (without Benchmark prefix and -N) -> result
	goOrder      []string              // names in first-seen order
	workerFiles  []string
	workerLogs   map[string]string
	engines      *engineResults // nil without -engines
}

func load(runDir, root string) (*results, error) {
	r := &results{
		runDir:      runDir,
		root:        root,
		meta:        map[string]string{},
		interleaved: map[pairKey]*compared{},
		criterion:   map[string]estimate{},
		workerLogs:  map[string]string{},
	}
	if err := r.loadMeta(); err != nil {
		return nil, err
	}
	if err := r.loadInterleaved(); err != nil {
		return nil, err
	}
	if err := r.loadCriterion(); err != nil {
		return nil, err
	}
	if err := jsonLines(filepath.Join(runDir, "memory.jsonl"), &r.memory); err != nil {
		return nil, err
	}
	if err := jsonLines(filepath.Join(runDir, "c_header.jsonl"), &r.c); err != nil {
		return nil, err
	}
	if err := jsonLines(filepath.Join(runDir, "c_callgrind.jsonl"), &r.callgrind); err != nil {
		return nil, err
	}
	if err := r.loadGo(); err != nil {
		return nil, err
	}
	r.workerFiles, _ = filepath.Glob(filepath.Join(root, "bench", "rust", "worker*.rs"))
	logs, _ := filepath.Glob(filepath.Join(runDir, "logs", "worker*.log"))
	for _, l := range logs {
		b, err := os.ReadFile(l)
		if err == nil {
			r.workerLogs[strings.TrimSuffix(filepath.Base(l), ".log")] = string(b)
		}
	}
	return r, nil
}

func (r *results) loadMeta() error {
	b, err := os.ReadFile(filepath.Join(r.runDir, "meta.txt"))
	if err != nil {
		return err
	}
	for _, line := range strings.Split(string(b), "\n") {
		if k, v, ok := strings.Cut(line, "="); ok {
			r.meta[k] = v
		}
	}
	return nil
}

// jsonLines decodes one JSON value per line into *dst (a slice); a missing file is empty.
func jsonLines[T any](path string, dst *[]T) error {
	f, err := os.Open(path)
	if os.IsNotExist(err) {
		return nil
	} else if err != nil {
		return err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "" {
			continue
		}
		var v T
		if err := json.Unmarshal([]byte(line), &v); err != nil {
			return fmt.Errorf("%s: %v: %q", path, err, line)
		}
		*dst = append(*dst, v)
	}
	return sc.Err()
}

func (r *results) loadInterleaved() error {
	var lines []interleavedLine
	if err := jsonLines(filepath.Join(r.runDir, "interleaved.jsonl"), &lines); err != nil {
		return err
	}
	for _, l := range lines {
		k := pairKey{l.Group, -1}
		if l.Param != nil {
			k.param = *l.Param
		}
		c := r.interleaved[k]
		if c == nil {
			c = &compared{baseline: l.Baseline, ns: map[string]map[int]float64{}}
			r.interleaved[k] = c
		}
		if c.ns[l.Op] == nil {
			c.ns[l.Op] = map[int]float64{}
			c.ops = append(c.ops, l.Op)
		}
		c.ns[l.Op][l.Round] = l.NsPerOp
	}
	return nil
}

func (r *results) loadCriterion() error {
	dir := filepath.Join(r.runDir, "criterion")
	if _, err := os.Stat(dir); os.IsNotExist(err) {
		return nil
	}
	return filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.Name() != "benchmark.json" || filepath.Base(filepath.Dir(path)) != "new" {
			return nil
		}
		var id struct {
			GroupID    string  `json:"group_id"`
			FunctionID *string `json:"function_id"`
			ValueStr   *string `json:"value_str"`
		}
		var est struct {
			Median struct {
				Point float64 `json:"point_estimate"`
				CI    struct {
					Lower float64 `json:"lower_bound"`
					Upper float64 `json:"upper_bound"`
				} `json:"confidence_interval"`
			} `json:"median"`
		}
		if err := readJSON(path, &id); err != nil {
			return err
		}
		if err := readJSON(filepath.Join(filepath.Dir(path), "estimates.json"), &est); err != nil {
			return err
		}
		key := id.GroupID
		if id.FunctionID != nil {
			key += "/" + *id.FunctionID
		}
		if id.ValueStr != nil {
			key += "/" + *id.ValueStr
		}
		r.criterion[key] = estimate{est.Median.Point, est.Median.CI.Lower, est.Median.CI.Upper}
		return nil
	})
}

func readJSON(path string, v any) error {
	b, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	return json.Unmarshal(b, v)
}

var goSuffix = regexp.MustCompile(`-\d+$`)

func (r *results) loadGo() error {
	files, _ := filepath.Glob(filepath.Join(r.runDir, "go-r*.txt"))
	sort.Strings(files)
	seen := map[string]bool{}
	for _, file := range files {
		b, err := os.ReadFile(file)
		if err != nil {
			return err
		}
		round := map[string]goResult{}
		for _, line := range strings.Split(string(b), "\n") {
			f := strings.Fields(line)
			if len(f) < 4 || !strings.HasPrefix(f[0], "Benchmark") {
				continue
			}
			name := goSuffix.ReplaceAllString(strings.TrimPrefix(f[0], "Benchmark"), "")
			var res goResult
			for i := 2; i+1 < len(f); i += 2 {
				v, err := strconv.ParseFloat(f[i], 64)
				if err != nil {
					continue
				}
				switch f[i+1] {
				case "ns/op":
					res.nsPerOp = v
				case "cgocalls/op":
					res.cgoPerOp, res.hasCgo = v, true
				case "MB/s":
					res.bytesPerS = v * 1e6
				}
			}
			round[name] = res
			if !seen[name] {
				seen[name] = true
				r.goOrder = append(r.goOrder, name)
			}
		}
		r.goRounds = append(r.goRounds, round)
	}
	return nil
}

// goBaseline is the name of the "go" side next to a Go sub-benchmark: same parent, last
// element "go".
func goBaseline(name string) string {
	i := strings.LastIndex(name, "/")
	if i < 0 {
		return ""
	}
	return name[:i] + "/go"
}

// goStats returns the median ns/op, the per-round ratios against the baseline, and the
// largest cgocalls/op seen.
func (r *results) goStats(name string) (ns float64, ratios []float64, cgo float64, hasCgo bool) {
	var all []float64
	base := goBaseline(name)
	for _, round := range r.goRounds {
		res, ok := round[name]
		if !ok {
			continue
		}
		all = append(all, res.nsPerOp)
		if res.hasCgo {
			cgo, hasCgo = math.Max(cgo, res.cgoPerOp), true
		}
		if b, ok := round[base]; ok && b.nsPerOp > 0 {
			ratios = append(ratios, res.nsPerOp/b.nsPerOp)
		}
	}
	return median(all), ratios, cgo, hasCgo
}

// cStats: median ns/op of a C variant and its per-round ratios against its baseline.
func (r *results) cStats(link, variant string) (ns float64, ratios []float64, baseline string) {
	byRound := map[int]map[string]float64{}
	var all []float64
	for _, l := range r.c {
		if l.Link != link {
			continue
		}
		if byRound[l.Round] == nil {
			byRound[l.Round] = map[string]float64{}
		}
		byRound[l.Round][l.Variant] = l.NsPerOp
		if l.Variant == variant {
			all = append(all, l.NsPerOp)
			baseline = l.Baseline
		}
	}
	for _, m := range byRound {
		if x, ok := m[variant]; ok && m[baseline] > 0 {
			ratios = append(ratios, x/m[baseline])
		}
	}
	return median(all), ratios, baseline
}

func (r *results) instructions(link, variant string) (float64, bool) {
	for _, l := range r.callgrind {
		if l.Link == link && l.Variant == variant && l.N2 != l.N1 {
			return float64(l.Ir2-l.Ir1) / float64(l.N2-l.N1), true
		}
	}
	return 0, false
}

// sizes of a group in the interleaved results, ascending.
func (r *results) sizes(group string) []int64 {
	var out []int64
	for k := range r.interleaved {
		if k.group == group {
			out = append(out, k.param)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i] < out[j] })
	return out
}

func (r *results) crit(group, op string, param int64) (estimate, bool) {
	key := group + "/" + op
	if param >= 0 {
		key += "/" + strconv.FormatInt(param, 10)
	}
	e, ok := r.criterion[key]
	return e, ok
}

func fmtCrit(e estimate, ok bool) string {
	if !ok {
		return "–"
	}
	return fmtNs(e.median)
}
