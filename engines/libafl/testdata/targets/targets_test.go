package libafltargets

import "testing"

func FuzzFrame(f *testing.F) {
	f.Fuzz(func(t *testing.T, b []byte) {
		Frame(b)
	})
}

func FuzzKill(f *testing.F) {
	f.Fuzz(func(t *testing.T, b []byte) {
		Kill(b)
	})
}

func FuzzWord(f *testing.F) {
	f.Fuzz(func(t *testing.T, s string) {
		Word(s)
	})
}

// FuzzDeep has no bug: for runs that end by a budget, not a failure.
func FuzzDeep(f *testing.F) {
	f.Fuzz(func(t *testing.T, b []byte) {
		Deep(b)
	})
}

func FuzzTyped(f *testing.F) {
	f.Fuzz(func(t *testing.T, s string, n int64) {
		Typed(s, n)
	})
}

func FuzzToken(f *testing.F) {
	f.Fuzz(func(t *testing.T, s string) {
		Token(s)
	})
}
