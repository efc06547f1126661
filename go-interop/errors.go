package gofuzzshm

import (
	"errors"
	"strconv"
)

// Status is a result code of the C library (its shm_status_t). abi_check.go proves at compile
// time that each constant equals the C one.
type Status int

// The library's statuses.
const (
	StatusOK            Status = 0 // SHM_OK: success
	StatusNullArg       Status = 1 // SHM_ERR_NULL_ARG: a required pointer argument was NULL
	StatusInvalidArg    Status = 2 // SHM_ERR_INVALID_ARG: an argument is out of its range
	StatusTooLarge      Status = 3 // SHM_ERR_TOO_LARGE: a value does not fit
	StatusCorruptHeader Status = 4 // SHM_ERR_CORRUPT_HEADER: the header holds a length no correct peer writes
	StatusIO            Status = 5 // SHM_ERR_IO: the operating system refused
	StatusPanic         Status = 6 // SHM_ERR_PANIC: a bug in the library was caught at its C boundary
)

// Sentinel errors, one per failing [Status], for use with errors.Is. An *[Error] matches the
// sentinel of its status.
var (
	ErrNullArg       = errors.New("gofuzzshm: a required argument was NULL")
	ErrInvalidArg    = errors.New("gofuzzshm: invalid argument")
	ErrTooLarge      = errors.New("gofuzzshm: too large")
	ErrCorruptHeader = errors.New("gofuzzshm: corrupt region header")
	ErrIO            = errors.New("gofuzzshm: I/O error")
	ErrPanic         = errors.New("gofuzzshm: internal error in the C library")
)

// ErrClosed is returned, wrapped, by calls on a region after [Region.Close].
var ErrClosed = errors.New("gofuzzshm: region is closed")

var statusNames = [...]string{
	StatusOK:            "SHM_OK",
	StatusNullArg:       "SHM_ERR_NULL_ARG",
	StatusInvalidArg:    "SHM_ERR_INVALID_ARG",
	StatusTooLarge:      "SHM_ERR_TOO_LARGE",
	StatusCorruptHeader: "SHM_ERR_CORRUPT_HEADER",
	StatusIO:            "SHM_ERR_IO",
	StatusPanic:         "SHM_ERR_PANIC",
}

// String returns the C name of the status, such as "SHM_ERR_TOO_LARGE".
func (s Status) String() string {
	if s >= 0 && int(s) < len(statusNames) {
		return statusNames[s]
	}
	return "Status(" + strconv.Itoa(int(s)) + ")"
}

// sentinel returns the sentinel error of a failing status, nil for StatusOK and unknown ones.
func (s Status) sentinel() error {
	switch s {
	case StatusNullArg:
		return ErrNullArg
	case StatusInvalidArg:
		return ErrInvalidArg
	case StatusTooLarge:
		return ErrTooLarge
	case StatusCorruptHeader:
		return ErrCorruptHeader
	case StatusIO:
		return ErrIO
	case StatusPanic:
		return ErrPanic
	}
	return nil
}

// Error is a failure reported by the C library, or found by this package's own argument checks
// before calling it (with the status the library uses for the same fault).
type Error struct {
	// Status is the library's result code.
	Status Status
	// Message is the library's text: "<function>: <operation> [<path>]: <why>[: <OS error>]".
	Message string
}

// Error returns the message, prefixed with the package name.
func (e *Error) Error() string {
	return "gofuzzshm: " + e.Message
}

// Unwrap returns the sentinel error of e's status (such as [ErrTooLarge]), so that errors.Is
// matches it.
func (e *Error) Unwrap() error {
	return e.Status.sentinel()
}

// argError is an *Error for an argument this package rejects before calling the library.
func argError(status Status, function, why string) error {
	return &Error{Status: status, Message: function + ": " + why}
}
