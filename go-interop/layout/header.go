// Package layout is the pure-Go mirror of the header at the start of every region that Go's
// native fuzzer shares between its coordinator and a worker (internal/fuzz's sharedMemHeader),
// with the offsets Go uses on each linux GOARCH checked at compile time.
//
// It has no cgo, so it builds for every GOARCH; the cgo package gofuzzshm proves that its own
// Header and the C library's shm_header_t have exactly this layout.
package layout

import "unsafe"

// Header mirrors Go's sharedMemHeader field for field, in order, with the same Go types, so
// the Go compiler lays it out exactly as the fuzzer does on the same GOARCH.
type Header struct {
	// Count is the number of times the worker called the fuzz function; the coordinator
	// resets it to 0 before each call.
	Count int64
	// ValueLen is the number of meaningful bytes of the value that follows the header.
	// A peer can store any number here; readers must check it against the capacity.
	ValueLen int
	// RandState is the PRNG state the worker saved.
	RandState uint64
	// RandInc is the PRNG increment the worker saved.
	RandInc uint64
	// RawInMem reports, during minimization, that the value holds raw bytes rather than an
	// encoded corpus entry.
	RawInMem bool
}

// Size is the size of Header, which is also the offset of the value in a region: 40 on 64-bit
// architectures, 32 on 32-bit ones.
const Size = unsafe.Sizeof(Header{})

// WorkerValueCapacity is the value capacity Go's coordinator gives each worker's region
// (100 MiB), so a region mapped from a worker's fd 5 is Size+WorkerValueCapacity bytes long.
const WorkerValueCapacity = 100 << 20

// Offsets is the byte offset of each Header field and the header's size.
type Offsets struct {
	Count, ValueLen, RandState, RandInc, RawInMem, Size uintptr
}

// Want is the layout the offset table of GO-FUZZ-FACTS.md gives for the GOARCH this package
// is built for. A build for a GOARCH the table does not cover fails.
var Want = Offsets{
	Count:     wantCount,
	ValueLen:  wantValueLen,
	RandState: wantRandState,
	RandInc:   wantRandInc,
	RawInMem:  wantRawInMem,
	Size:      wantSize,
}

// Got is the layout the Go compiler computed for Header on this GOARCH. The compile-time
// assertions in this package make Got equal Want in every build that succeeds.
var Got = Offsets{
	Count:     unsafe.Offsetof(Header{}.Count),
	ValueLen:  unsafe.Offsetof(Header{}.ValueLen),
	RandState: unsafe.Offsetof(Header{}.RandState),
	RandInc:   unsafe.Offsetof(Header{}.RandInc),
	RawInMem:  unsafe.Offsetof(Header{}.RawInMem),
	Size:      unsafe.Sizeof(Header{}),
}
