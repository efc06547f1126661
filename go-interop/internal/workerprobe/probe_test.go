package workerprobe

import (
	"bytes"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"sync"
	"testing"

	gofuzzshm "github.com/gofuzz-shm/gofuzz-shm/go-interop"
	"github.com/gofuzz-shm/gofuzz-shm/go-interop/layout"
)

// seed is one f.Add input of FuzzRegionInWorker.
type seed struct {
	data []byte
	s    string
	n    int64
	b    bool
}

func (s seed) args() []any { return []any{s.data, s.s, s.n, s.b} }

// seeds are FuzzRegionInWorker's f.Add inputs, with bytes an encoder must quote.
var seeds = []seed{
	{[]byte("hello"), "world", -5, true},
	{[]byte{0, 0xff, '\n', '"', '\\'}, "é\u200b\t\x00", math.MinInt64, false},
	{[]byte{}, "", math.MaxInt64, false},
}

var argTypes = []string{"[]byte", "string", "int64", "bool"}

// inWorker reports whether this process is a fuzzing worker started by Go's coordinator.
func inWorker() bool { return slices.Contains(os.Args, "-test.fuzzworker") }

var (
	regionOnce sync.Once
	region     *gofuzzshm.Region
	regionErr  error
	logFile    *os.File
)

// workerRegion maps the worker's region once per process, as the worker itself does, and keeps
// it for the life of the process.
func workerRegion() (*gofuzzshm.Region, error) {
	regionOnce.Do(func() {
		region, regionErr = gofuzzshm.MapFD(5, 0)
		if dir := os.Getenv(LogEnv); regionErr == nil && dir != "" {
			name := filepath.Join(dir, fmt.Sprintf("worker-%d.log", os.Getpid()))
			logFile, regionErr = os.OpenFile(name, os.O_WRONLY|os.O_CREATE|os.O_APPEND, 0o600)
		}
	})
	return region, regionErr
}

// FuzzRegionInWorker checks, on every input a worker runs, the region Go's coordinator shared
// with it: Go's capacity, a count the worker raised to at least 1 before the call, and a value
// that is a valid corpus entry of exactly ValueLen bytes for this target. When the input is the
// region's entry itself (the coordinator's warmup of a seed), it must be one of the seeds,
// exactly as added.
//
// Run with -test.fuzzminimizetime=0: while minimizing, Go's worker puts raw candidate bytes in
// the region (RawInMem) instead of an entry.
func FuzzRegionInWorker(f *testing.F) {
	for _, s := range seeds {
		f.Add(s.data, s.s, s.n, s.b)
	}
	f.Fuzz(func(t *testing.T, data []byte, s string, n int64, b bool) {
		if !inWorker() {
			return // plain go test, or the coordinator's own run of the seeds: no region
		}
		r, err := workerRegion()
		if err != nil {
			t.Fatalf("worker region: %v", err)
		}
		h := r.Header()
		if r.Capacity() != layout.WorkerValueCapacity {
			t.Fatalf("capacity %d, want Go's %d", r.Capacity(), layout.WorkerValueCapacity)
		}
		if h.Count < 1 {
			t.Fatalf("count %d inside a fuzz call, want >= 1", h.Count)
		}
		if h.RawInMem {
			t.Fatalf("rawInMem set outside minimization")
		}
		v, err := r.Value()
		if err != nil {
			t.Fatal(err)
		}
		if len(v) != h.ValueLen {
			t.Fatalf("value of %d bytes, ValueLen %d", len(v), h.ValueLen)
		}
		entry, err := DecodeEntry(v, argTypes...)
		if err != nil {
			t.Fatalf("the region holds no valid entry: %v", err)
		}
		seedIndex := -1 // not the region's entry itself, or not a seed
		if args := []any{data, s, n, b}; equalArgs(entry, args) {
			seedIndex = slices.IndexFunc(seeds, func(s seed) bool { return equalArgs(s.args(), args) })
		}
		if logFile != nil {
			if _, err := fmt.Fprintf(logFile, "checked seed=%d count=%d len=%d\n", seedIndex, h.Count, h.ValueLen); err != nil {
				t.Fatal(err)
			}
		}
	})
}

// equalArgs compares argument lists, treating nil and empty byte slices alike (Go's decoder
// may give either for []byte("")).
func equalArgs(a, b []any) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		x, xok := a[i].([]byte)
		y, yok := b[i].([]byte)
		if xok && yok {
			if !bytes.Equal(x, y) {
				return false
			}
		} else if !reflect.DeepEqual(a[i], b[i]) {
			return false
		}
	}
	return true
}

// FuzzRejects fails on inputs starting with RejectPrefix, for a coordinator to see Err.
func FuzzRejects(f *testing.F) {
	f.Add([]byte("seed"))
	f.Fuzz(func(t *testing.T, data []byte) {
		if bytes.HasPrefix(data, []byte(RejectPrefix)) {
			t.Fatalf("rejected input %q", data)
		}
	})
}
