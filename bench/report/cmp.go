package main

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
)

// ---- 7. comparison feedback ----

var cmpLine = regexp.MustCompile(`^cmp: (\d+) bytes: (\d+) comparisons`)

// cmpSection reports benches/cmp.rs: a worker of a comparison-heavy Go target built without
// the hook object (the baseline), with it but no ring, and with it writing into a ring that
// the host resets and collects per input; one table row per input size.
func (r *results) cmpSection(d *doc) {
	sizes := r.sizes("cmp_run")
	if len(sizes) == 0 {
		return
	}
	comparisons := map[int64]float64{}
	var notes []string
	if b, err := os.ReadFile(filepath.Join(r.runDir, "logs", "cmp.log")); err == nil {
		for _, line := range strings.Split(string(b), "\n") {
			if m := cmpLine.FindStringSubmatch(line); m != nil {
				size, _ := strconv.ParseInt(m[1], 10, 64)
				n, _ := strconv.ParseFloat(m[2], 64)
				comparisons[size] = n
				notes = append(notes, strings.TrimPrefix(line, "cmp: "))
			}
		}
	}
	first := r.interleaved[pairKey{"cmp_run", sizes[0]}]
	d.p("## 7. Comparison feedback: cost per input")
	d.p("")
	d.p("One `Worker::run` per input of `FuzzHeavy` (testdata/gocmp: a scan of its input with about six "+
		"comparisons per byte). `plain` is the binary `go test -c -fuzz` builds (Go's empty comparison "+
		"hooks), the baseline; `hooked_no_ring` the binary built with `-tags=libfuzzer` and the hook "+
		"object but no ring attached: Go's runtime calls into C on every comparison (switching to the "+
		"system stack) and the hook returns at once; `hooked` the "+
		"same binary recording each comparison into a ring, plus what an engine does per input "+
		"(`CmpRing::reset` before, `CmpRing::collect` after). Times are CPU time, of this process and "+
		"of the worker, so that other tenants of the machine do not count. Median of %d interleaved rounds. "+
		"Source: `benches/cmp.rs`.", first.rounds())
	d.p("")
	for _, n := range notes {
		d.p("- %s", n)
	}
	d.p("")
	d.header("input", "plain (time/input)", "hooked_no_ring vs plain", "hooked vs plain",
		"hooked vs hooked_no_ring (the recording)", "extra per comparison, Go's calls / recording")
	var total, ours float64
	for _, size := range sizes {
		c := r.interleaved[pairKey{"cmp_run", size}]
		perRound := func(op, base string) []float64 {
			var out []float64
			for round, b := range c.ns[base] {
				if x, ok := c.ns[op][round]; ok && b > 0 {
					out = append(out, x/b)
				}
			}
			return out
		}
		extra := "–"
		if n := comparisons[size]; n > 0 {
			calls := (c.medianNs("hooked_no_ring") - c.medianNs("plain")) / n
			rec := (c.medianNs("hooked") - c.medianNs("hooked_no_ring")) / n
			extra = fmt.Sprintf("%.0f ns / %.0f ns", calls, rec)
		}
		d.row(fmt.Sprintf("%d bytes", size), fmtNs(c.medianNs("plain")), fmtRange(c.ratios("hooked_no_ring")),
			fmtRange(c.ratios("hooked")), fmtRange(perRound("hooked", "hooked_no_ring")), extra)
		total = median(c.ratios("hooked"))
		ours = median(perRound("hooked", "hooked_no_ring"))
	}
	d.p("")
	d.goal("comparison feedback: cost per input vs a build without hooks (largest input)",
		fmt.Sprintf("%s the time of a run without hooks; the recording alone %s", fmtRatio(total), fmtRatio(ours)),
		"≤ 1.3x", status(total <= 1.3))
}
