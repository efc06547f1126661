// Package enginetargets holds the Go fuzz targets the engine tests (libFuzzer, and the other
// engines' adapters) run through gofuzz-shm: a bug planted several comparisons deep, and
// inputs that misbehave in every way an engine must report.
package enginetargets

// Deep reports whether b is a record "REC!" + kind 'k' + a length byte n (4..8) + n bytes
// whose first is 'z'; it panics on one such record (the planted bug). Every check is a
// branch of its own, so coverage counters show each step an input takes towards the bug.
func Deep(b []byte) bool {
	if len(b) < 7 {
		return false
	}
	if b[0] != 'R' {
		return false
	}
	if b[1] != 'E' {
		return false
	}
	if b[2] != 'C' {
		return false
	}
	if b[3] != '!' {
		return false
	}
	if b[4] != 'k' {
		return false
	}
	n := int(b[5])
	if n < 4 || n > 8 {
		return false
	}
	body := b[6:]
	if body[0] != 'z' {
		return false
	}
	// The bug: the length byte is trusted; a record shorter than it claims reads past the end.
	return body[n-1] != 0
}
