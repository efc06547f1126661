// Command golifecycle is the baseline of bench/rust/region_lifecycle.rs: it creates and releases a
// worker's region the way Go's fuzzing coordinator does (internal/fuzz: sharedMemTempFile, then
// sharedMem.Close): os.CreateTemp("", "fuzz-*"), Truncate to the full size, syscall.Mmap of the
// whole file read-write and shared; then Munmap, Close, Remove.
//
// The bench drives it over stdin/stdout so that both sides are measured in the same run: for each
// line "N" it reads, it runs N create+close cycles and answers with one line, the elapsed
// nanoseconds. It exits at end of input. Any error is fatal (exit status 1).
package main

import (
	"bufio"
	"fmt"
	"os"
	"strconv"
	"strings"
	"syscall"
	"time"
	"unsafe"
)

// header mirrors sharedMemHeader, so that its size is Go's for this GOARCH (40 on 64-bit).
type header struct {
	count     int64
	valueLen  int
	randState uint64
	randInc   uint64
	rawInMem  bool
}

// valueCapacity is Go's workerSharedMemSize: 100 MiB.
const valueCapacity = 100 << 20

func cycle(size int) error {
	f, err := os.CreateTemp("", "fuzz-*")
	if err != nil {
		return err
	}
	if err := f.Truncate(int64(size)); err != nil {
		f.Close()
		os.Remove(f.Name())
		return err
	}
	region, err := syscall.Mmap(int(f.Fd()), 0, size, syscall.PROT_READ|syscall.PROT_WRITE, syscall.MAP_SHARED)
	if err != nil {
		f.Close()
		os.Remove(f.Name())
		return err
	}
	// Close, as Go's: every step is attempted; the first error is reported.
	errs := []error{syscall.Munmap(region), f.Close(), os.Remove(f.Name())}
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}

func main() {
	size := int(unsafe.Sizeof(header{})) + valueCapacity
	in := bufio.NewScanner(os.Stdin)
	out := bufio.NewWriter(os.Stdout)
	for in.Scan() {
		n, err := strconv.ParseUint(strings.TrimSpace(in.Text()), 10, 64)
		if err != nil {
			fmt.Fprintln(os.Stderr, "golifecycle: bad request:", err)
			os.Exit(1)
		}
		start := time.Now()
		for i := uint64(0); i < n; i++ {
			if err := cycle(size); err != nil {
				fmt.Fprintln(os.Stderr, "golifecycle:", err)
				os.Exit(1)
			}
		}
		fmt.Fprintln(out, time.Since(start).Nanoseconds())
		out.Flush()
	}
}
