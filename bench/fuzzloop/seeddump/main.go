// Command seeddump collects the starting corpus `go test -fuzz` uses for a target — the seeds
// its code adds with f.Add, its testdata files and its cache — so that a fuzzer on gofuzz-shm
// can start from the same inputs. Go's coordinator starts its workers as os.Args[0]; run the
// test binary with argv[0] set to this program (bash: exec -a), and it stands between the
// coordinator and the real worker ($SEEDDUMP_REAL), passing every call through and writing
// the entry of each warmup call (one per seed, from the region on fd 5) into $SEEDDUMP_DIR.
package main

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"fmt"
	"io"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"syscall"
)

func main() {
	dir, real := os.Getenv("SEEDDUMP_DIR"), os.Getenv("SEEDDUMP_REAL")
	if dir == "" || real == "" {
		fmt.Fprintln(os.Stderr, "seeddump: set SEEDDUMP_DIR and SEEDDUMP_REAL")
		os.Exit(2)
	}
	callsIn, responsesOut, mem := os.NewFile(3, "fuzz_in"), os.NewFile(4, "fuzz_out"), os.NewFile(5, "mem")
	childIn, toChild, err1 := os.Pipe()
	fromChild, childOut, err2 := os.Pipe()
	if err1 != nil || err2 != nil {
		fail(fmt.Errorf("pipes: %v %v", err1, err2))
	}
	cmd := exec.Command(real, os.Args[1:]...)
	cmd.Stdout, cmd.Stderr = os.Stdout, os.Stderr
	cmd.ExtraFiles = []*os.File{childIn, childOut, mem}
	// The real worker never outlives this stand-in, however it ends (the coordinator kills
	// it with SIGKILL after a second if it is slow to stop).
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	if err := cmd.Start(); err != nil {
		fail(err)
	}
	// The coordinator's SIGINT (its second step of stopping a worker) goes to the real one.
	interrupts := make(chan os.Signal, 1)
	signal.Notify(interrupts, os.Interrupt)
	go func() {
		for range interrupts {
			cmd.Process.Signal(os.Interrupt)
		}
	}()
	childIn.Close()
	childOut.Close()
	calls, responses := bufio.NewReader(callsIn), bufio.NewReader(fromChild)
	for {
		call, err := calls.ReadBytes('\n')
		if err != nil {
			break // the coordinator closed the pipe: stop the worker the same way
		}
		if bytes.Contains(call, []byte(`"Warmup":true`)) {
			if err := dump(mem, dir); err != nil {
				fail(err)
			}
		}
		if _, err := toChild.Write(call); err != nil {
			break
		}
		resp, err := responses.ReadBytes('\n')
		if err != nil {
			break
		}
		if _, err := responsesOut.Write(resp); err != nil {
			break
		}
	}
	toChild.Close()
	cmd.Wait()
}

// dump writes the region's value (the header is 40 bytes on 64-bit platforms; valueLen at 8).
func dump(mem *os.File, dir string) error {
	var hdr [40]byte
	if _, err := mem.ReadAt(hdr[:], 0); err != nil {
		return err
	}
	n := int64(binary.LittleEndian.Uint64(hdr[8:16]))
	value := make([]byte, n)
	if _, err := mem.ReadAt(value, 40); err != nil && err != io.EOF {
		return err
	}
	sum := sha256.Sum256(value)
	return os.WriteFile(filepath.Join(dir, fmt.Sprintf("seed-%x", sum[:8])), value, 0o644)
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "seeddump:", err)
	os.Exit(70)
}
