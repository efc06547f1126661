//go:build sigtag

package sigtargets

import "testing"

// FuzzTagged exists only with -tags=sigtag.
func FuzzTagged(f *testing.F) {
	f.Fuzz(func(t *testing.T, r rune, s string) {})
}
