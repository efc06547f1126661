package gofuzzshm_test

import (
	"errors"
	"fmt"
	"log"

	gofuzzshm "github.com/gofuzz-shm/gofuzz-shm/go-interop"
)

// A coordinator's side: create a region, write a corpus entry, read the header.
func ExampleCreate() {
	r, err := gofuzzshm.Create(1 << 20)
	if err != nil {
		log.Fatal(err)
	}
	defer r.Close()

	if err := r.SetValue([]byte("go test fuzz v1\nstring(\"hi\")\n")); err != nil {
		log.Fatal(err)
	}
	h := r.Header() // points into the mapping: no copy, no cgo call per field
	h.Count = 0
	v, _ := r.Value()
	fmt.Printf("capacity %d, valueLen %d, value %q\n", r.Capacity(), h.ValueLen, v)
	// Output: capacity 1048576, valueLen 29, value "go test fuzz v1\nstring(\"hi\")\n"
}

// Errors carry the library's status and message and match the package's sentinels.
func ExampleErrTooLarge() {
	r, err := gofuzzshm.Create(4)
	if err != nil {
		log.Fatal(err)
	}
	defer r.Close()

	err = r.SetValue([]byte("too long"))
	var e *gofuzzshm.Error
	fmt.Println(errors.Is(err, gofuzzshm.ErrTooLarge), errors.As(err, &e) && e.Status == gofuzzshm.StatusTooLarge)
	// Output: true true
}

// Inside a fuzz target run by `go test -fuzz`, a worker process finds its region at fd 5.
func ExampleMapFD() {
	// In a worker (os.Args contains -test.fuzzworker):
	//
	//	r, err := gofuzzshm.MapFD(5, 0) // 0: the whole file
	//
	// Here, a region of our own stands in for the coordinator's.
	coordinator, err := gofuzzshm.Create(100)
	if err != nil {
		log.Fatal(err)
	}
	defer coordinator.Close()
	if err := coordinator.SetValue([]byte("entry")); err != nil {
		log.Fatal(err)
	}
	f, err := coordinator.File()
	if err != nil {
		log.Fatal(err)
	}
	defer f.Close()

	r, err := gofuzzshm.MapFD(f.Fd(), 0)
	if err != nil {
		log.Fatal(err)
	}
	defer r.Close() // closes its own duplicate of the descriptor, removes nothing
	v, _ := r.Value()
	fmt.Printf("%d %q %q\n", r.Capacity(), v, r.Path())
	// Output: 100 "entry" ""
}
