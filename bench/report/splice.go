package main

import (
	"fmt"
	"strings"
)

// engineSectionTitle is how the engine section's heading ends, whatever its number.
const engineSectionTitle = ". Fuzzing engines side by side"

// spliceEngines updates a full report (BENCHMARKS.md) with a new engine run and nothing else:
// the goal rows of the engines (those whose measure starts with "engines:") and the engine
// section (from its heading to the next "## " heading) are replaced; the section keeps the
// number it has in the report. For `bench/run.sh --engines-only` without a full run.
func (r *results) spliceEngines(report string) (string, error) {
	var body doc
	r.enginesSection(&body)
	section := strings.TrimRight(body.String(), "\n")
	var rows []string
	for _, s := range body.summary {
		var d doc
		d.row(s.measure, s.result, s.goal, s.status)
		rows = append(rows, strings.TrimRight(d.String(), "\n"))
	}

	lines := strings.Split(strings.TrimRight(report, "\n"), "\n")
	var out []string
	start, end, rowsDone := -1, -1, false
	for i, l := range lines {
		if strings.HasPrefix(l, "## ") && strings.Contains(l, engineSectionTitle) {
			start = i
			continue
		}
		if start >= 0 && end < 0 && strings.HasPrefix(l, "## ") {
			end = i
		}
	}
	if start < 0 {
		return "", fmt.Errorf("no engine section (a heading with %q) in the report", engineSectionTitle)
	}
	if end < 0 {
		end = len(lines)
	}
	number := strings.TrimPrefix(lines[start][:strings.Index(lines[start], engineSectionTitle)], "## ")
	sectionLines := strings.Split(section, "\n")
	if k := strings.Index(sectionLines[0], engineSectionTitle); k >= 0 {
		sectionLines[0] = "## " + number + sectionLines[0][k:]
	}
	for i := 0; i < len(lines); i++ {
		l := lines[i]
		switch {
		case strings.HasPrefix(l, "| engines:"):
			if !rowsDone {
				out = append(out, rows...)
				rowsDone = true
			}
		case i == start:
			out = append(out, sectionLines...)
			if end < len(lines) {
				out = append(out, "")
			}
			i = end - 1
		default:
			out = append(out, l)
		}
	}
	if !rowsDone {
		return "", fmt.Errorf("no engine goal rows (\"| engines:\") in the report's goals")
	}
	return strings.Join(out, "\n") + "\n", nil
}
