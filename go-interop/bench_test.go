package gofuzzshm_test

// Benchmarks of the Go package against plain Go doing the same thing, for bench/run.sh (which
// writes BENCHMARKS.md). Each benchmark's sub-benchmarks are named <op>/<side>: the side "go"
// is the baseline (a field of an ordinary Go struct, Go's copy/append, or Go's own
// sharedMemTempFile), measured in the same process right before or after the package's side.
// GOFUZZ_SHM_BENCH_ROUND (a number) reverses the order on odd rounds; GOFUZZ_SHM_BENCH_QUICK=1
// uses fewer sizes. Every sub-benchmark reports cgocalls/op (runtime.NumCgoCall around the
// loop): 0 on the Header paths is the proof that they make no cgo call.
//
//	./run-tests.sh go test -run '^$' -bench . -benchtime 200ms .

import (
	"os"
	"runtime"
	"slices"
	"strconv"
	"sync/atomic"
	"syscall"
	"testing"
	"unsafe"

	gofuzzshm "github.com/gofuzz-shm/gofuzz-shm/go-interop"
	"github.com/gofuzz-shm/gofuzz-shm/go-interop/layout"
)

var (
	sinkInt   int64
	sinkBytes []byte
)

type benchCase struct {
	name string
	run  func(b *testing.B)
}

// runCases runs the cases in this round's order, each reporting cgocalls/op.
func runCases(b *testing.B, cases []benchCase) {
	if round, _ := strconv.Atoi(os.Getenv("GOFUZZ_SHM_BENCH_ROUND")); round%2 == 1 {
		cases = slices.Clone(cases)
		slices.Reverse(cases)
	}
	for _, c := range cases {
		b.Run(c.name, func(b *testing.B) {
			before := runtime.NumCgoCall()
			c.run(b)
			calls := runtime.NumCgoCall() - before
			b.ReportMetric(float64(calls)/float64(b.N), "cgocalls/op")
		})
	}
}

func benchQuick() bool { return os.Getenv("GOFUZZ_SHM_BENCH_QUICK") == "1" }

func benchCreate(b *testing.B, capacity int) *gofuzzshm.Region {
	b.Helper()
	r, err := gofuzzshm.Create(capacity)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() {
		if err := r.Close(); err != nil {
			b.Error(err)
		}
	})
	return r
}

// valueArea is the region's whole value area as a slice, for the plain-Go baselines.
func valueArea(r *gofuzzshm.Region) []byte {
	return unsafe.Slice((*byte)(unsafe.Add(unsafe.Pointer(r.Header()), layout.Size)), r.Capacity())
}

// BenchmarkHeader: header fields through the *Header of Region.Header (a pointer into the
// mapping) against the same field of a Header in ordinary Go memory.
func BenchmarkHeader(b *testing.B) {
	r := benchCreate(b, 4096)
	h := r.Header()
	g := new(gofuzzshm.Header)
	load := func(p *gofuzzshm.Header) func(b *testing.B) {
		return func(b *testing.B) {
			var s int64
			for i := 0; i < b.N; i++ {
				s += p.Count
			}
			sinkInt = s
		}
	}
	atomicLoad := func(p *gofuzzshm.Header) func(b *testing.B) {
		return func(b *testing.B) {
			var s int64
			for i := 0; i < b.N; i++ {
				s += atomic.LoadInt64(&p.Count)
			}
			sinkInt = s
		}
	}
	store := func(p *gofuzzshm.Header) func(b *testing.B) {
		return func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				p.Count = int64(i)
			}
		}
	}
	inc := func(p *gofuzzshm.Header) func(b *testing.B) {
		return func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				p.Count++
			}
		}
	}
	runCases(b, []benchCase{
		{"load/go", load(g)},
		{"load/region", load(h)},
		{"atomic-load/go", atomicLoad(g)},
		{"atomic-load/region", atomicLoad(h)},
		{"store/go", store(g)},
		{"store/region", store(h)},
		{"increment/go", inc(g)},
		{"increment/region", inc(h)},
		// Calling Header() for every access costs its read lock (no cgo call either).
		{"load/region-Header()-each", func(b *testing.B) {
			var s int64
			for i := 0; i < b.N; i++ {
				s += r.Header().Count
			}
			sinkInt = s
		}},
		// For reference, and as a check that cgocalls/op counts: SetValueLen makes one cgo call.
		{"store/region-SetValueLen()-cgo", func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				if err := r.SetValueLen(0); err != nil {
					b.Fatal(err)
				}
			}
		}},
	})
}

func valueSizes() []int {
	if benchQuick() {
		return []int{64, 4 << 10, 1 << 20}
	}
	return []int{64, 1 << 10, 16 << 10, 256 << 10, 4 << 20, 64 << 20}
}

// BenchmarkValue: SetValue, Value (then a copy out of the slice it returns) and ValueCopy
// against Go's copy into the same mapping, Go's copy out of it and Go's append of the same
// bytes; none of them makes a cgo call.
func BenchmarkValue(b *testing.B) {
	sizes := valueSizes()
	maxSize := slices.Max(sizes)
	r := benchCreate(b, layout.WorkerValueCapacity)
	area := valueArea(r)
	src := make([]byte, maxSize)
	dst := make([]byte, maxSize)
	for i := range src {
		src[i] = byte(i % 251)
	}
	copy(area, src) // fault in the pages both sides write
	for _, n := range sizes {
		if err := r.SetValue(src[:n]); err != nil {
			b.Fatal(err)
		}
		size := strconv.Itoa(n)
		bytes := func(f func(b *testing.B)) func(b *testing.B) {
			return func(b *testing.B) {
				b.SetBytes(int64(n))
				f(b)
			}
		}
		runCases(b, []benchCase{
			{"set/" + size + "/go", bytes(func(b *testing.B) {
				for i := 0; i < b.N; i++ {
					copy(area[:n], src[:n])
				}
			})},
			{"set/" + size + "/region", bytes(func(b *testing.B) {
				for i := 0; i < b.N; i++ {
					if err := r.SetValue(src[:n]); err != nil {
						b.Fatal(err)
					}
				}
			})},
			{"ref/" + size + "/go", bytes(func(b *testing.B) {
				for i := 0; i < b.N; i++ {
					copy(dst[:n], area[:n])
				}
			})},
			{"ref/" + size + "/region", bytes(func(b *testing.B) {
				for i := 0; i < b.N; i++ {
					v, err := r.Value()
					if err != nil {
						b.Fatal(err)
					}
					copy(dst, v)
				}
			})},
			{"copy/" + size + "/go", bytes(func(b *testing.B) {
				for i := 0; i < b.N; i++ {
					sinkBytes = append([]byte{}, area[:n]...)
				}
			})},
			{"copy/" + size + "/region", bytes(func(b *testing.B) {
				for i := 0; i < b.N; i++ {
					v, err := r.ValueCopy()
					if err != nil {
						b.Fatal(err)
					}
					sinkBytes = v
				}
			})},
		})
	}
	sinkBytes = nil
}

// goSharedMemTempFile does what Go's coordinator does to create and release a worker's region
// (internal/fuzz: sharedMemTempFile, then sharedMem.Close). bench/golifecycle does the same.
func goSharedMemTempFile(size int) error {
	f, err := os.CreateTemp("", "fuzz-*")
	if err != nil {
		return err
	}
	if err := f.Truncate(int64(size)); err != nil {
		f.Close()
		os.Remove(f.Name())
		return err
	}
	m, err := syscall.Mmap(int(f.Fd()), 0, size, syscall.PROT_READ|syscall.PROT_WRITE, syscall.MAP_SHARED)
	if err != nil {
		f.Close()
		os.Remove(f.Name())
		return err
	}
	for _, err := range []error{syscall.Munmap(m), f.Close(), os.Remove(f.Name())} {
		if err != nil {
			return err
		}
	}
	return nil
}

// BenchmarkLifecycle: Create + Close of a region of Go's size (100 MiB of value capacity)
// against Go's own sharedMemTempFile + Close.
func BenchmarkLifecycle(b *testing.B) {
	size := int(layout.Size) + layout.WorkerValueCapacity
	runCases(b, []benchCase{
		{"create-close/go", func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				if err := goSharedMemTempFile(size); err != nil {
					b.Fatal(err)
				}
			}
		}},
		{"create-close/region", func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				r, err := gofuzzshm.Create(layout.WorkerValueCapacity)
				if err != nil {
					b.Fatal(err)
				}
				if err := r.Close(); err != nil {
					b.Fatal(err)
				}
			}
		}},
	})
}
