package gofuzzshm

// #include "shim.h"
import "C"

import (
	"unsafe"

	"github.com/gofuzz-shm/gofuzz-shm/go-interop/layout"
)

// Compile-time proof that the C library's view of the region agrees with this package's: the
// cgo translation of shm_header_t has Header's offsets and size, the statuses have the C values,
// and the worker capacity is Go's. A constant array index compiles only when it is 0 (a
// negative difference is an invalid index or overflows uintptr, a positive one is out of range).
var (
	_ = [1]struct{}{}[unsafe.Offsetof(Header{}.Count)-unsafe.Offsetof(C.shm_header_t{}.count)]
	_ = [1]struct{}{}[unsafe.Offsetof(Header{}.ValueLen)-unsafe.Offsetof(C.shm_header_t{}.value_len)]
	_ = [1]struct{}{}[unsafe.Offsetof(Header{}.RandState)-unsafe.Offsetof(C.shm_header_t{}.rand_state)]
	_ = [1]struct{}{}[unsafe.Offsetof(Header{}.RandInc)-unsafe.Offsetof(C.shm_header_t{}.rand_inc)]
	_ = [1]struct{}{}[unsafe.Offsetof(Header{}.RawInMem)-unsafe.Offsetof(C.shm_header_t{}.raw_in_mem)]
	_ = [1]struct{}{}[unsafe.Sizeof(Header{})-unsafe.Sizeof(C.shm_header_t{})]
	_ = [1]struct{}{}[unsafe.Sizeof(C.shm_header_t{})-unsafe.Sizeof(Header{})]
	_ = [1]struct{}{}[unsafe.Sizeof(Header{}.ValueLen)-unsafe.Sizeof(C.shm_header_t{}.value_len)]
	_ = [1]struct{}{}[unsafe.Sizeof(Header{}.RawInMem)-unsafe.Sizeof(C.shm_header_t{}.raw_in_mem)]

	_ = [1]struct{}{}[layout.WorkerValueCapacity-C.SHM_GO_WORKER_VALUE_CAPACITY]

	_ = [1]struct{}{}[StatusOK-C.SHM_OK]
	_ = [1]struct{}{}[StatusNullArg-C.SHM_ERR_NULL_ARG]
	_ = [1]struct{}{}[StatusInvalidArg-C.SHM_ERR_INVALID_ARG]
	_ = [1]struct{}{}[StatusTooLarge-C.SHM_ERR_TOO_LARGE]
	_ = [1]struct{}{}[StatusCorruptHeader-C.SHM_ERR_CORRUPT_HEADER]
	_ = [1]struct{}{}[StatusIO-C.SHM_ERR_IO]
	_ = [1]struct{}{}[StatusPanic-C.SHM_ERR_PANIC]
)

// cHeaderLayout is the layout of shm_header_t as cgo translated the C header, for the tests.
func cHeaderLayout() layout.Offsets {
	return layout.Offsets{
		Count:     unsafe.Offsetof(C.shm_header_t{}.count),
		ValueLen:  unsafe.Offsetof(C.shm_header_t{}.value_len),
		RandState: unsafe.Offsetof(C.shm_header_t{}.rand_state),
		RandInc:   unsafe.Offsetof(C.shm_header_t{}.rand_inc),
		RawInMem:  unsafe.Offsetof(C.shm_header_t{}.raw_in_mem),
		Size:      unsafe.Sizeof(C.shm_header_t{}),
	}
}

// cHeaderSize is the library's shm_header_size(), for the tests.
func cHeaderSize() uintptr { return uintptr(C.shm_header_size()) }
