package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// ---- 7. comparison feedback ----

// cmpSection reports benches/cmp.rs: a worker of a comparison-heavy Go target built without
// the hook object (the baseline), with it but no ring, and with it writing into a ring that
// the host resets and collects per input.
func (r *results) cmpSection(d *doc) {
	c := r.interleaved[pairKey{"cmp_run", -1}]
	if c == nil {
		return
	}
	d.p("## 7. Comparison feedback: cost per input")
	d.p("")
	d.p("One `Worker::run` per input of `FuzzHeavy` (testdata/gocmp: a scan of 256 bytes, several "+
		"comparisons per byte). `plain` is the binary `go test -c -fuzz` builds (Go's empty comparison "+
		"hooks), the baseline; `hooked_no_ring` the binary built with `-tags=libfuzzer` and the hook "+
		"object but no ring attached (Go calls into C on every comparison, which returns at once); "+
		"`hooked` the same binary writing each comparison into a ring, with what an engine does per "+
		"input (`CmpRing::reset` before, `CmpRing::collect` after). Median of %d interleaved rounds. "+
		"Source: `benches/cmp.rs`.", c.rounds())
	d.p("")
	if b, err := os.ReadFile(filepath.Join(r.runDir, "logs", "cmp.log")); err == nil {
		for _, line := range strings.Split(string(b), "\n") {
			if strings.HasPrefix(line, "cmp: ") {
				d.p("%s.", strings.TrimPrefix(line, "cmp: "))
				d.p("")
			}
		}
	}
	d.header("build", "time per input (interleaved)", "time ratio vs plain")
	for _, op := range c.ops {
		ratio := fmtRange(c.ratios(op))
		if op == c.baseline {
			ratio = "baseline"
		}
		d.row("`"+op+"`", fmtNs(c.medianNs(op)), ratio)
	}
	d.p("")
	x := median(c.ratios("hooked"))
	d.goal("comparison feedback: cost per input vs no hooks", fmt.Sprintf("%s the time of a run without hooks", fmtRatio(x)),
		"≤ 1.3x", status(x <= 1.3))
}
