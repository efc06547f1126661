// Package libafltargets holds the fuzz targets the LibAFL engine's tests fuzz: each has a
// bug planted behind comparisons that coverage lets a fuzzer climb one step at a time.
package libafltargets

import "os"

// Frame panics on a frame with the magic "GOFZ", version 2 and a length byte that points
// past the end: an index out of range.
func Frame(b []byte) int {
	if len(b) < 6 {
		return 0
	}
	if b[0] != 'G' {
		return 1
	}
	if b[1] != 'O' {
		return 2
	}
	if b[2] != 'F' {
		return 3
	}
	if b[3] != 'Z' {
		return 4
	}
	if b[4] != 2 {
		return 5
	}
	n := int(b[5])
	if n > 16 {
		return 6
	}
	return int(b[6+n]) // out of range when 6+n >= len(b)
}

// Kill ends the whole process (not a panic the test framework could report) on "KILL".
func Kill(b []byte) {
	if len(b) >= 4 && b[0] == 'K' && b[1] == 'I' && b[2] == 'L' && b[3] == 'L' {
		os.Exit(3)
	}
}

// Classify has a few branches and no bug.
func Classify(b []byte) int {
	n := 0
	for _, c := range b {
		switch {
		case c >= 'a' && c <= 'z':
			n++
		case c >= '0' && c <= '9':
			n += 2
		case c == 0:
			n += 3
		}
	}
	return n
}
