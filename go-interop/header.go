package gofuzzshm

import "github.com/gofuzz-shm/gofuzz-shm/go-interop/layout"

// Header is the header at the start of a region: field for field the sharedMemHeader of Go's
// internal/fuzz package, so the Go compiler lays it out exactly as the fuzzer does. A *Header
// from [Region.Header] points into the mapping: reading or writing a field is a plain memory
// access to memory another process shares, with no call into the library.
//
// A peer may store anything: check ValueLen against [Region.Capacity] before trusting it
// ([Region.Value] does), and note that RawInMem is read as a Go bool, so a peer that stores a
// byte other than 0 or 1 there breaks Go's assumptions exactly as it would for Go's own worker.
type Header struct {
	// Count is the number of times the worker called the fuzz function; the coordinator
	// resets it to 0 before each call. A worker increments it while it runs: read it with
	// atomic.LoadInt64 while a worker may be running.
	Count int64
	// ValueLen is the number of meaningful bytes of the value (Go's int: pointer-sized).
	ValueLen int
	// RandState is the PRNG state the worker saved.
	RandState uint64
	// RandInc is the PRNG increment the worker saved.
	RandInc uint64
	// RawInMem reports, during minimization, that the value holds raw bytes rather than an
	// encoded corpus entry.
	RawInMem bool
}

// Header has exactly the fields of the cgo-free mirror whose offsets are checked on every
// GOARCH: converting between struct types compiles only when their fields match in name, type
// and order.
var _ = layout.Header(Header{})
