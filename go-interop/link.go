package gofuzzshm

// The C library is found through pkg-config: an installed gofuzz_shm.pc, or the one
// go-interop/run-tests.sh writes for a checkout (see README.md).

// #cgo pkg-config: gofuzz_shm
import "C"
