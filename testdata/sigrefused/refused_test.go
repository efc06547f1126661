package sigrefused

import "testing"

// FuzzAnyVar: a variable of type any. Go runs it; its type is not visible statically.
func FuzzAnyVar(f *testing.F) {
	var fn any = func(t *testing.T, b []byte) {}
	f.Fuzz(fn)
}

// FuzzNamedType: Go refuses the named type Name ("unsupported type for fuzzing").
func FuzzNamedType(f *testing.F) {
	f.Fuzz(func(t *testing.T, n Name) {})
}

// FuzzReturns: Go refuses a callback with a result.
func FuzzReturns(f *testing.F) {
	f.Fuzz(func(t *testing.T, b []byte) error { return nil })
}

