package libafltargets

import "testing"

func FuzzFrame(f *testing.F) {
	f.Add([]byte("hello, fuzzer"))
	f.Fuzz(func(t *testing.T, b []byte) {
		Frame(b)
	})
}

func FuzzKill(f *testing.F) {
	f.Fuzz(func(t *testing.T, b []byte) {
		Kill(b)
	})
}

// FuzzNever has no bug: for runs that must end by a budget, not a failure.
func FuzzNever(f *testing.F) {
	f.Fuzz(func(t *testing.T, b []byte) {
		Classify(b)
	})
}
