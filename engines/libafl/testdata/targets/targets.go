// Package libafltargets holds the fuzz targets the LibAFL engine's tests fuzz: each has a
// bug planted behind comparisons that coverage lets a fuzzer climb one step at a time.
package libafltargets

import "os"

// Frame panics on a frame with the magic "GOF", version 2 and a length byte that points
// past the end: an index out of range.
func Frame(b []byte) int {
	if len(b) < 5 {
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
	if b[3] != 2 {
		return 4
	}
	n := int(b[4])
	return int(b[5+n]) // out of range when 5+n >= len(b)
}

// Kill ends the whole process (not a failure the test framework could report) on "KIL".
func Kill(b []byte) {
	if len(b) >= 3 && b[0] == 'K' && b[1] == 'I' && b[2] == 'L' {
		os.Exit(3)
	}
}

// Word panics on a string that starts with "tok".
func Word(s string) {
	if len(s) >= 3 && s[0] == 't' && s[1] == 'o' && s[2] == 'k' {
		panic("planted bug: " + s)
	}
}

// Deep has no bug: it returns how much of "NODEDEEP" the input starts with, one branch per
// byte, so an input with the whole magic lights counters no short run finds blindly.
func Deep(b []byte) int {
	if len(b) < 8 || b[0] != 'N' {
		return 0
	}
	if b[1] != 'O' {
		return 1
	}
	if b[2] != 'D' {
		return 2
	}
	if b[3] != 'E' {
		return 3
	}
	if b[4] != 'D' {
		return 4
	}
	if b[5] != 'E' {
		return 5
	}
	if b[6] != 'E' {
		return 6
	}
	if b[7] != 'P' {
		return 7
	}
	return 8
}

// Typed panics when n is over 1000 and s starts with "go".
func Typed(s string, n int64) {
	if n > 1000 && len(s) >= 2 && s[0] == 'g' && s[1] == 'o' {
		panic("planted bug: typed")
	}
}

// Token panics on a string that starts with an exact 21-byte token: no coverage counter
// lights up for a partial match, so only input-to-state (the compared operand copied into
// the input) finds it.
func Token(s string) {
	if len(s) >= 21 && s[:21] == "gofuzz-shm-token-7421" {
		panic("planted bug: token")
	}
}
