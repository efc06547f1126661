package sigtargets_test

import (
	"testing"

	"gofuzzshm.example/sigtargets"
)

// FuzzExternal lives in the external test package.
func FuzzExternal(f *testing.F) {
	f.Fuzz(func(t *testing.T, x float64, b []byte, s string) {
		if x == -0.5 && string(b) == "ext" && s == "ernal" {
			t.Fatal("planted failure")
		}
		_ = sigtargets.Check(s, 0, false)
	})
}
