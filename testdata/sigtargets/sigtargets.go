// Package sigtargets holds Go fuzz targets of many shapes for gofuzz-shm's signature tests:
// discovery (tests/signature_discover.rs) and the byte mapping replayed through the
// gofuzz-shm command (cli/tests). Each target fails on one exact combination of values, so
// a replay proves the values arrived as the mapping says.
package sigtargets

import "fmt"

// Check fails (returns an error) on exactly one combination.
func Check(s string, n int64, ok bool) error {
	if s == "boom" && n == 1000 && ok {
		return fmt.Errorf("planted failure: %q %d %v", s, n, ok)
	}
	return nil
}

// Checker has a method used as a fuzz callback.
type Checker struct{ Limit uint32 }
