package gofuzzshm

// #include "shim.h"
import "C"

import (
	"runtime"
	"strconv"
	"unsafe"
)

// Value returns the value without copying: a slice of ValueLen bytes of the mapping, after the
// library checked ValueLen against the capacity (a negative or too large length is an error
// matching [ErrCorruptHeader]). The slice aliases memory the peer shares; it is valid until the
// value changes or the region is closed, and only while the peer does not own the region.
func (r *Region) Value() ([]byte, error) {
	r.mu.RLock()
	defer r.mu.RUnlock()
	if r.handle == nil {
		return nil, closedError("Value")
	}
	return r.valueRef()
}

// valueRef is Value for a caller holding r.mu.
func (r *Region) valueRef() ([]byte, error) {
	var data *C.uint8_t
	var n C.size_t
	var msg *C.char
	st := C.gfs_value_ref(r.handle, &data, &n, &msg)
	runtime.KeepAlive(r)
	if err := check(st, msg); err != nil {
		return nil, err
	}
	return unsafe.Slice((*byte)(unsafe.Pointer(data)), int(n)), nil
}

// ValueCopy returns a copy of the value, after the same check as [Region.Value].
func (r *Region) ValueCopy() ([]byte, error) {
	r.mu.RLock()
	defer r.mu.RUnlock()
	if r.handle == nil {
		return nil, closedError("ValueCopy")
	}
	v, err := r.valueRef()
	if err != nil {
		return nil, err
	}
	return append([]byte{}, v...), nil
}

// SetValue copies data into the value area and then sets ValueLen to len(data), so a peer that
// reads the length sees all the bytes. data may be a slice of this region's own value. A value
// longer than the capacity is rejected with an error matching [ErrTooLarge], leaving the region
// unchanged.
func (r *Region) SetValue(data []byte) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.handle == nil {
		return closedError("SetValue")
	}
	var msg *C.char
	st := C.gfs_set_value(r.handle, (*C.uint8_t)(unsafe.Pointer(unsafe.SliceData(data))), C.size_t(len(data)), &msg)
	runtime.KeepAlive(r)
	runtime.KeepAlive(data)
	return check(st, msg)
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
