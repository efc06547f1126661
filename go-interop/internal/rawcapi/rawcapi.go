// Package rawcapi calls the C library directly, without package gofuzzshm, so that tests can
// hand a Go fuzz worker a region made by the plain C API. Test support only.
package rawcapi

// #cgo pkg-config: gofuzz_shm
// #include <stdlib.h>
// #include <string.h>
// #include <gofuzz_shm.h>
//
// // The last error is per thread: copy it in the same cgo call as the failing function.
// static shm_status_t create(size_t capacity, shm_region_t **out, char **msg) {
// 	shm_status_t st = shm_create(capacity, out);
// 	if (st != SHM_OK) *msg = strdup(shm_last_error());
// 	return st;
// }
// static shm_status_t set_value(shm_region_t *r, const uint8_t *data, size_t len, char **msg) {
// 	shm_status_t st = shm_set_value(r, data, len);
// 	if (st != SHM_OK) *msg = strdup(shm_last_error());
// 	return st;
// }
// static shm_status_t value_ref(const shm_region_t *r, const uint8_t **data, size_t *len, char **msg) {
// 	shm_status_t st = shm_value_ref(r, data, len);
// 	if (st != SHM_OK) *msg = strdup(shm_last_error());
// 	return st;
// }
// static shm_status_t create_memfd(size_t capacity, shm_region_t **out, char **msg) {
// 	shm_status_t st = shm_create_memfd(capacity, out);
// 	if (st != SHM_OK) *msg = strdup(shm_last_error());
// 	return st;
// }
// static shm_status_t resize(shm_region_t *r, size_t capacity, char **msg) {
// 	shm_status_t st = shm_resize(r, capacity);
// 	if (st != SHM_OK) *msg = strdup(shm_last_error());
// 	return st;
// }
// static shm_status_t is_sealed(const shm_region_t *r, bool *sealed, char **msg) {
// 	shm_status_t st = shm_is_sealed(r, sealed);
// 	if (st != SHM_OK) *msg = strdup(shm_last_error());
// 	return st;
// }
// static shm_status_t close_region(shm_region_t *r, char **msg) {
// 	shm_status_t st = shm_close(r);
// 	if (st != SHM_OK) *msg = strdup(shm_last_error());
// 	return st;
// }
import "C"

import (
	"fmt"
	"os"
	"syscall"
	"unsafe"

	"github.com/gofuzz-shm/gofuzz-shm/go-interop/layout"
)

// Region is a shm_region_t handle; not safe for concurrent use, no finalizer: call Close.
type Region struct{ h *C.shm_region_t }

func status(st C.shm_status_t, msg *C.char) error {
	if st == C.SHM_OK {
		return nil
	}
	defer C.free(unsafe.Pointer(msg))
	return fmt.Errorf("status %d: %s", int(st), C.GoString(msg))
}

// Create calls shm_create.
func Create(capacity int) (*Region, error) {
	var h *C.shm_region_t
	var msg *C.char
	if err := status(C.create(C.size_t(capacity), &h, &msg), msg); err != nil {
		return nil, err
	}
	return &Region{h}, nil
}

// CreateMemfd calls shm_create_memfd: an anonymous region sealed against shrinking.
func CreateMemfd(capacity int) (*Region, error) {
	var h *C.shm_region_t
	var msg *C.char
	if err := status(C.create_memfd(C.size_t(capacity), &h, &msg), msg); err != nil {
		return nil, err
	}
	return &Region{h}, nil
}

// Resize calls shm_resize; pointers from Header are invalid afterwards.
func (r *Region) Resize(capacity int) error {
	var msg *C.char
	return status(C.resize(r.h, C.size_t(capacity), &msg), msg)
}

// IsSealed calls shm_is_sealed.
func (r *Region) IsSealed() (bool, error) {
	var sealed C.bool
	var msg *C.char
	if err := status(C.is_sealed(r.h, &sealed, &msg), msg); err != nil {
		return false, err
	}
	return bool(sealed), nil
}

// Capacity calls shm_capacity.
func (r *Region) Capacity() int { return int(C.shm_capacity(r.h)) }

// Header returns shm_header() as the Go mirror type, whose layout the tests of gofuzzshm prove
// equal to shm_header_t's.
func (r *Region) Header() *layout.Header { return (*layout.Header)(unsafe.Pointer(C.shm_header(r.h))) }

// File returns a close-on-exec duplicate of shm_fd().
func (r *Region) File() (*os.File, error) {
	syscall.ForkLock.RLock()
	defer syscall.ForkLock.RUnlock()
	fd, err := syscall.Dup(int(C.shm_fd(r.h)))
	if err != nil {
		return nil, err
	}
	syscall.CloseOnExec(fd)
	return os.NewFile(uintptr(fd), "rawcapi-region"), nil
}

// SetValue calls shm_set_value.
func (r *Region) SetValue(b []byte) error {
	var msg *C.char
	return status(C.set_value(r.h, (*C.uint8_t)(unsafe.Pointer(unsafe.SliceData(b))), C.size_t(len(b)), &msg), msg)
}

// ValueCopy copies the view shm_value_ref() gives.
func (r *Region) ValueCopy() ([]byte, error) {
	var data *C.uint8_t
	var n C.size_t
	var msg *C.char
	if err := status(C.value_ref(r.h, &data, &n, &msg), msg); err != nil {
		return nil, err
	}
	return C.GoBytes(unsafe.Pointer(data), C.int(n)), nil
}

// Close calls shm_close.
func (r *Region) Close() error {
	var msg *C.char
	err := status(C.close_region(r.h, &msg), msg)
	r.h = nil
	return err
}
