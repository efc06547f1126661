// Package small is the worker benchmark's binary with the fewest coverage counters: a fuzz
// target that imports nothing beyond testing (about 5k counters, the standard library's share).
package small

import "testing"

func FuzzRun(f *testing.F) {
	f.Fuzz(func(t *testing.T, b []byte) {
		if len(b) > 3 && b[0] == 'x' {
			t.Log("x")
		}
	})
}
