package layout

import "unsafe"

// Compile-time proof that the compiler's layout of Header is the table's for this GOARCH.
// Indexing a one-element array with a constant compiles only when the constant is 0; a
// difference that is negative overflows uintptr, one that is positive is out of range.
var (
	_ = [1]struct{}{}[unsafe.Offsetof(Header{}.Count)-wantCount]
	_ = [1]struct{}{}[unsafe.Offsetof(Header{}.ValueLen)-wantValueLen]
	_ = [1]struct{}{}[unsafe.Offsetof(Header{}.RandState)-wantRandState]
	_ = [1]struct{}{}[unsafe.Offsetof(Header{}.RandInc)-wantRandInc]
	_ = [1]struct{}{}[unsafe.Offsetof(Header{}.RawInMem)-wantRawInMem]
	_ = [1]struct{}{}[unsafe.Sizeof(Header{})-wantSize]

	// The field sizes Go uses: bool is one byte and int (valueLen) is pointer-sized.
	_ = [1]struct{}{}[unsafe.Sizeof(Header{}.RawInMem)-1]
	_ = [1]struct{}{}[unsafe.Sizeof(Header{}.ValueLen)-unsafe.Sizeof(uintptr(0))]
)
