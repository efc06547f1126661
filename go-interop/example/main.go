// Command example hands a region to a C program the way Go's fuzzing coordinator hands one to
// a worker: it creates the region, writes a corpus entry into it, and starts the child with the
// region as file descriptor 5. The child (cchild/child.c) maps fd 5, reads the entry, counts
// one run and writes a reply, which this program then reads back.
//
// Build the child and run the example (from go-interop/, with the library on pkg-config's path):
//
//	cc -o /tmp/child example/cchild/child.c $(pkg-config --cflags --libs gofuzz_shm)
//	go run ./example /tmp/child
package main

import (
	"fmt"
	"log"
	"os"
	"os/exec"

	gofuzzshm "github.com/gofuzz-shm/gofuzz-shm/go-interop"
	"github.com/gofuzz-shm/gofuzz-shm/go-interop/layout"
)

func main() {
	log.SetFlags(0)
	if len(os.Args) != 2 {
		log.Fatal("usage: example <child program>")
	}
	if err := run(os.Args[1]); err != nil {
		log.Fatal(err)
	}
}

func run(child string) error {
	// The capacity Go's coordinator gives a worker. The file is sparse: unused space is free.
	r, err := gofuzzshm.Create(layout.WorkerValueCapacity)
	if err != nil {
		return err
	}
	defer r.Close() // also removes the temporary file

	if err := r.SetValue([]byte("go test fuzz v1\n[]byte(\"hello, C\")\n")); err != nil {
		return err
	}
	r.Header().Count = 0 // as the coordinator does before each call

	// File gives a duplicate descriptor for the child; ExtraFiles[i] becomes fd 3+i.
	f, err := r.File()
	if err != nil {
		return err
	}
	defer f.Close()
	cmd := exec.Command(child)
	cmd.ExtraFiles = []*os.File{nil, nil, f}
	cmd.Stdout, cmd.Stderr = os.Stdout, os.Stderr
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("child %s: %w", child, err)
	}

	// The child is done, so the region is ours again.
	reply, err := r.Value()
	if err != nil {
		return err
	}
	fmt.Printf("go: the child counted %d run(s) and replied %q\n", r.Header().Count, reply)
	if r.Header().Count != 1 || string(reply) != "hello, Go" {
		return fmt.Errorf("unexpected reply from the child")
	}
	return nil
}
