package gofuzzshm_test

import (
	"bytes"
	"errors"
	"strings"
	"syscall"
	"testing"

	"github.com/gofuzz-shm/gofuzz-shm/go-interop/internal/rawcapi"
)

// A real Go worker accepts a sealed memfd region as its fd 5, cannot shrink it, and keeps
// working after the host grows the region and restarts it (Go's own coordinator cannot resize:
// a standing TODO in Go; the protocol's way to tell a worker is a restart).
func TestRealWorkerOnSealedMemfdAcrossGrowAndRestart(t *testing.T) {
	const small = 4096
	region, err := rawcapi.CreateMemfd(small)
	if err != nil {
		t.Fatal(err)
	}
	defer func() {
		if err := region.Close(); err != nil {
			t.Error(err)
		}
	}()
	if sealed, err := region.IsSealed(); err != nil || !sealed {
		t.Fatalf("memfd region sealed = %v, %v; want true", sealed, err)
	}

	// A peer holding the descriptor (as the worker does) cannot shrink it.
	f, err := region.File()
	if err != nil {
		t.Fatal(err)
	}
	if err := f.Truncate(8); !errors.Is(err, syscall.EPERM) {
		t.Errorf("truncating a sealed region: %v, want EPERM", err)
	}
	f.Close()

	w := startWorker(t, region)
	resp := w.fuzzOnce(t, region, entryOf("on a sealed memfd"))
	if resp.Err != "" || resp.InternalErr != "" || region.Header().Count != 1 {
		t.Fatalf("warmup on a memfd region: Err %q, InternalErr %q, count %d",
			resp.Err, resp.InternalErr, region.Header().Count)
	}
	w.stop(t)

	// Grow past what the first worker mapped, restart, and send an entry that needs the room.
	const grown = 1 << 20
	if err := region.Resize(grown); err != nil {
		t.Fatal(err)
	}
	if region.Capacity() != grown {
		t.Fatalf("capacity after resize: %d, want %d", region.Capacity(), grown)
	}
	big := entryOf(strings.Repeat("g", 256<<10))
	if len(big) <= small {
		t.Fatalf("test entry of %d bytes does not exceed the old capacity", len(big))
	}
	w = startWorker(t, region)
	resp = w.fuzzOnce(t, region, big)
	if resp.Err != "" || resp.InternalErr != "" || region.Header().Count != 1 {
		t.Fatalf("warmup after grow and restart: Err %q, InternalErr %q, count %d",
			resp.Err, resp.InternalErr, region.Header().Count)
	}
	if got, err := region.ValueCopy(); err != nil || !bytes.Equal(got, big) {
		t.Fatalf("value after the call: %d bytes, %v; want the %d-byte entry unchanged", len(got), err, len(big))
	}
	w.stop(t)
}
