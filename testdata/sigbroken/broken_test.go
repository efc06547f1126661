package sigbroken

import "testing"

func FuzzBroken(f *testing.F) {
	f.Fuzz(func(t *testing.T, s string) {
		var n int = s
		_ = n
	})
}
