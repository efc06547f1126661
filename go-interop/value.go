package gofuzzshm

// #include "shim.h"
import "C"

import (
	"runtime"
	"strconv"
	"sync/atomic"
	"unsafe"
)

// The value is read and written here, in Go, straight through the mapping: the header is Go's
// own struct (see header.go), so the library's checks are a few lines of Go, and a cgo call
// costs more than copying a kilobyte. The rules are the library's: ValueLen is loaded once,
// atomically, and checked against the capacity on every read; a write copies the bytes first
// and then publishes the length with an atomic store, so a peer that reads the length sees all
// the bytes.
//
// These paths take no lock either: on a small shared machine a sync.RWMutex round trip costs
// more than the copy of a kilobyte (see BENCHMARKS.md). They load the mapping through an atomic
// pointer that Close clears, so a call after Close reports ErrClosed; a call *during* Close is
// the caller's race, as using the Header pointer or a Value slice during Close is.

// mapping is what the value paths need of an open region.
type mapping struct {
	header   *Header
	value    *byte // the value area, right after the header
	capacity int
}

// valueLenWord is ValueLen as the word sync/atomic loads and stores: Go's int and uintptr have
// the same size on every GOARCH.
func (m *mapping) valueLenWord() *uintptr {
	return (*uintptr)(unsafe.Pointer(&m.header.ValueLen))
}

// ref is the checked view of the value: ValueLen is loaded once, so the length checked is the
// length used whatever the peer does meanwhile. As an unsigned number, a negative ValueLen is
// beyond any capacity, so one comparison checks both bounds. Small enough to be inlined.
func (m *mapping) ref(method string) ([]byte, error) {
	n := atomic.LoadUintptr(m.valueLenWord())
	if n > uintptr(m.capacity) {
		return nil, corruptLen(method, int(n), m.capacity)
	}
	return unsafe.Slice(m.value, n), nil
}

// Value returns the value without copying: a slice of ValueLen bytes of the mapping, after
// checking ValueLen against the capacity (a negative or too large length is an error matching
// [ErrCorruptHeader]). The slice aliases memory the peer shares; it is valid until the value
// changes or the region is closed, and only while the peer does not own the region.
func (r *Region) Value() ([]byte, error) {
	m := r.mapped.Load()
	if m == nil {
		return nil, closedError("Value")
	}
	v, err := m.ref("Value")
	runtime.KeepAlive(r) // the cleanup of an unreachable r would unmap m
	return v, err
}

// ValueCopy returns a copy of the value, after the same check as [Region.Value].
func (r *Region) ValueCopy() ([]byte, error) {
	m := r.mapped.Load()
	if m == nil {
		return nil, closedError("ValueCopy")
	}
	v, err := m.ref("ValueCopy")
	if err != nil {
		return nil, err
	}
	v = append([]byte{}, v...)
	runtime.KeepAlive(r)
	return v, nil
}

// SetValue copies data into the value area and then sets ValueLen to len(data), so a peer that
// reads the length sees all the bytes. data may be a slice of this region's own value. A value
// longer than the capacity is rejected with an error matching [ErrTooLarge], leaving the region
// unchanged. Concurrent SetValue calls are not serialized (their bytes may interleave), as
// writes by the peer are not: the region's owner writes it, one writer at a time.
func (r *Region) SetValue(data []byte) error {
	m := r.mapped.Load()
	if m == nil {
		return closedError("SetValue")
	}
	if len(data) > m.capacity {
		return tooLarge("SetValue", "set value", len(data), m.capacity)
	}
	copy(unsafe.Slice(m.value, len(data)), data) // memmove: data may alias the value area
	// Release: the bytes above are visible to whoever sees this length.
	atomic.StoreUintptr(m.valueLenWord(), uintptr(len(data)))
	runtime.KeepAlive(r)
	return nil
}

// SetValueLen sets ValueLen to n, publishing bytes already written to the value area (as Go's
// minimizer does). n beyond the capacity is rejected with an error matching [ErrTooLarge],
// leaving the header unchanged; a negative n matches [ErrInvalidArg].
func (r *Region) SetValueLen(n int) error {
	if n < 0 {
		return argError(StatusInvalidArg, "Region.SetValueLen", "length "+itoa(n)+" is negative")
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.handle == nil {
		return closedError("SetValueLen")
	}
	var msg *C.char
	st := C.gfs_set_value_len(r.handle, C.size_t(n), &msg)
	runtime.KeepAlive(r)
	return check(st, msg)
}

func itoa(n int) string     { return strconv.Itoa(n) }
func utoa(n uintptr) string { return strconv.FormatUint(uint64(n), 10) }

// corruptLen is the library's SHM_ERR_CORRUPT_HEADER for a value_len outside the capacity.
func corruptLen(method string, n, capacity int) error {
	return &Error{Status: StatusCorruptHeader, Message: "Region." + method +
		": read value: header value_len is " + itoa(n) + ", outside 0..=" + itoa(capacity) +
		" (the capacity)"}
}

// tooLarge is the library's SHM_ERR_TOO_LARGE for a value longer than the capacity.
func tooLarge(method, operation string, n, capacity int) error {
	return &Error{Status: StatusTooLarge, Message: "Region." + method + ": " + operation +
		": " + itoa(n) + " bytes exceed the region's value capacity of " + itoa(capacity) + " bytes"}
}
