// Package gotargets holds the code under test for gofuzz-shm's worker tests. The fuzz targets
// in targets_test.go call into it, so that the coverage counters Go's fuzz instrumentation adds
// to this package differ between inputs that take different paths.
package gotargets

// Classify sorts an input into one of a few buckets through distinct branches.
func Classify(b []byte) int {
	if len(b) == 0 {
		return 0
	}
	switch {
	case b[0] == 'a':
		if len(b) > 3 {
			return 1
		}
		return 2
	case b[0] >= '0' && b[0] <= '9':
		n := 0
		for _, c := range b {
			if c >= '0' && c <= '9' {
				n++
			}
		}
		return 3 + n%2
	default:
		return 5
	}
}

// Recurse calls itself n times (used to overflow a deliberately small stack).
func Recurse(n int) int {
	if n == 0 {
		return 0
	}
	var pad [64]byte
	pad[n%64] = byte(n)
	return Recurse(n-1) + int(pad[n%64])
}
