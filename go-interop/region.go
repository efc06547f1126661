package gofuzzshm

// #include "shim.h"
import "C"

import (
	"math"
	"os"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"unsafe"

	"github.com/gofuzz-shm/gofuzz-shm/go-interop/layout"
)

// Region is an open region: a [Header] followed by the value area, mapped read-write and
// shared. Create one with [Create], [CreateIn], [MapFile] or [MapFD] and release it with
// [Region.Close]. See the package documentation for concurrency and lifetime rules.
type Region struct {
	mu     sync.RWMutex    // write-locked by calls that change the handle or the value
	handle *C.shm_region_t // nil once closed
	header *Header         // into the mapping; nil once closed
	// The value paths (value.go) read the mapping through this, without the lock; nil once
	// closed.
	mapped   atomic.Pointer[mapping]
	capacity int
	fd       uintptr
	path     string
	cleanup  runtime.Cleanup
}

// Create creates a region whose value can hold capacity bytes, backed by a new temporary file
// named fuzz-* in the default temporary directory ($TMPDIR, else /tmp), as Go's coordinator
// creates a worker's region. The header starts zeroed. Close removes the file.
//
// Go's coordinator uses a capacity of 100 MiB (layout.WorkerValueCapacity); the file is sparse,
// so an unused capacity costs no disk space.
func Create(capacity int) (*Region, error) {
	if capacity < 0 {
		return nil, argError(StatusInvalidArg, "Create", "capacity "+itoa(capacity)+" is negative")
	}
	var h *C.shm_region_t
	var msg *C.char
	st := C.gfs_create(C.size_t(capacity), &h, &msg)
	if err := check(st, msg); err != nil {
		return nil, err
	}
	return newRegion(h), nil
}

// CreateIn is like [Create] with the temporary file in directory dir.
func CreateIn(dir string, capacity int) (*Region, error) {
	if capacity < 0 {
		return nil, argError(StatusInvalidArg, "CreateIn", "capacity "+itoa(capacity)+" is negative")
	}
	cdir, err := cString("CreateIn", "dir", dir)
	if err != nil {
		return nil, err
	}
	defer C.free(unsafe.Pointer(cdir))
	var h *C.shm_region_t
	var msg *C.char
	st := C.gfs_create_in(cdir, C.size_t(capacity), &h, &msg)
	if err := check(st, msg); err != nil {
		return nil, err
	}
	return newRegion(h), nil
}

// MapFile maps an existing region file read-write and shared. A size of 0 maps the whole file;
// otherwise the first size bytes, which must not exceed the file. The header is not modified.
// With removeOnClose, Close removes the file.
func MapFile(path string, size int, removeOnClose bool) (*Region, error) {
	if size < 0 {
		return nil, argError(StatusInvalidArg, "MapFile", "size "+itoa(size)+" is negative")
	}
	cpath, err := cString("MapFile", "path", path)
	if err != nil {
		return nil, err
	}
	defer C.free(unsafe.Pointer(cpath))
	var h *C.shm_region_t
	var msg *C.char
	st := C.gfs_map_file(cpath, C.size_t(size), C._Bool(removeOnClose), &h, &msg)
	if err := check(st, msg); err != nil {
		return nil, err
	}
	return newRegion(h), nil
}

// MapFD maps the region file open as descriptor fd (opened read-write). A size of 0 maps the
// whole file, as a Go worker does with its fd 5. The descriptor is duplicated: the caller keeps
// fd, and Close neither closes it nor removes the file.
func MapFD(fd uintptr, size int) (*Region, error) {
	if fd > math.MaxInt32 {
		return nil, argError(StatusInvalidArg, "MapFD", "descriptor "+utoa(fd)+" is out of range")
	}
	if size < 0 {
		return nil, argError(StatusInvalidArg, "MapFD", "size "+itoa(size)+" is negative")
	}
	var h *C.shm_region_t
	var msg *C.char
	st := C.gfs_map_fd(C.int(fd), C.size_t(size), &h, &msg)
	if err := check(st, msg); err != nil {
		return nil, err
	}
	return newRegion(h), nil
}

func newRegion(h *C.shm_region_t) *Region {
	header := unsafe.Pointer(C.shm_header(h))
	r := &Region{
		handle:   h,
		header:   (*Header)(header),
		capacity: int(C.shm_capacity(h)),
		fd:       uintptr(C.shm_fd(h)),
	}
	r.mapped.Store(&mapping{
		header: r.header,
		// The value starts right after the header, as in Go's sharedMem.valueRef.
		value:    (*byte)(unsafe.Add(header, layout.Size)),
		capacity: r.capacity,
	})
	if p := C.shm_path(h); p != nil {
		r.path = C.GoString(p)
	}
	// The safety net for a region dropped without Close. It holds the C handle, not r.
	r.cleanup = runtime.AddCleanup(r, closeDropped, h)
	return r
}

// testHookDropped, when set by a test, runs after the cleanup closed a dropped region.
var testHookDropped atomic.Pointer[func()]

// closeDropped closes the handle of a region that became unreachable without Close. Nobody is
// left to receive an error.
func closeDropped(h *C.shm_region_t) {
	C.shm_close(h)
	if hook := testHookDropped.Load(); hook != nil {
		(*hook)()
	}
}

// Close unmaps the region, closes its descriptor and, if the region owns its file (created by
// Create or CreateIn, or mapped with removeOnClose), removes the file. Every step is attempted
// and the first failure is returned. The Header pointer and value slices obtained from r are
// invalid afterwards. Closing a closed region does nothing and returns nil.
func (r *Region) Close() error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.handle == nil {
		return nil
	}
	r.cleanup.Stop()
	r.mapped.Store(nil)
	var msg *C.char
	st := C.gfs_close(r.handle, &msg)
	r.handle, r.header = nil, nil
	return check(st, msg)
}

// Header returns a pointer to the header inside the mapping (nil once the region is closed).
// Accessing its fields is plain memory access, shared with the peer process.
func (r *Region) Header() *Header {
	r.mu.RLock()
	defer r.mu.RUnlock()
	return r.header
}

// Capacity returns the number of bytes the value area can hold (the mapping's size minus the
// header's), or 0 once the region is closed.
func (r *Region) Capacity() int {
	r.mu.RLock()
	defer r.mu.RUnlock()
	if r.handle == nil {
		return 0
	}
	return r.capacity
}

// Fd returns the region's descriptor, which the region owns: do not close it. It is
// close-on-exec; to give it to a child process use [Region.File]. Like os.File.Fd, it returns
// ^uintptr(0) once the region is closed.
func (r *Region) Fd() uintptr {
	r.mu.RLock()
	defer r.mu.RUnlock()
	if r.handle == nil {
		return ^uintptr(0)
	}
	return r.fd
}

// Path returns the path of the region's file, or "" for a region mapped from a descriptor.
func (r *Region) Path() string {
	r.mu.RLock()
	defer r.mu.RUnlock()
	return r.path
}

// File returns a new *os.File for a duplicate of the region's descriptor, as net.TCPConn.File
// does: the caller owns and closes it, and it stays usable after the region is closed. Put it in
// os/exec's Cmd.ExtraFiles to hand the region to a child (ExtraFiles[2] becomes fd 5, where a
// Go worker expects it).
func (r *Region) File() (*os.File, error) {
	r.mu.RLock()
	defer r.mu.RUnlock()
	if r.handle == nil {
		return nil, closedError("File")
	}
	syscall.ForkLock.RLock() // no fork may inherit the duplicate before it is close-on-exec
	fd, err := syscall.Dup(int(r.fd))
	if err == nil {
		syscall.CloseOnExec(fd)
	}
	syscall.ForkLock.RUnlock()
	if err != nil {
		return nil, &Error{Status: StatusIO, Message: "File: dup: " + err.Error()}
	}
	name := r.path
	if name == "" {
		name = "gofuzzshm-region"
	}
	return os.NewFile(uintptr(fd), name), nil
}

// check turns a status and the message copied by the shim into an error, freeing the copy.
func check(st C.shm_status_t, msg *C.char) error {
	if st == C.SHM_OK {
		return nil
	}
	var text string
	if msg != nil {
		text = C.GoString(msg)
		C.free(unsafe.Pointer(msg))
	} else { // the copy could not be allocated
		text = C.GoString(C.shm_status_str(st))
	}
	return &Error{Status: Status(st), Message: text}
}

func closedError(method string) error {
	return &closedErr{method: method}
}

// closedErr reports a call on a closed region; it matches ErrClosed.
type closedErr struct{ method string }

func (e *closedErr) Error() string { return "gofuzzshm: Region." + e.method + ": region is closed" }
func (e *closedErr) Unwrap() error { return ErrClosed }

// cString converts a Go string for C, rejecting a NUL byte that C would read as its end.
func cString(function, name, s string) (*C.char, error) {
	if strings.IndexByte(s, 0) >= 0 {
		return nil, argError(StatusInvalidArg, function, name+" contains a NUL byte")
	}
	return C.CString(s), nil
}
