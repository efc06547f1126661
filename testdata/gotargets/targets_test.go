package gotargets

import (
	"bytes"
	"fmt"
	"math"
	"os"
	"os/exec"
	"runtime/debug"
	"syscall"
	"testing"
)

// FuzzAccept accepts every input; inputs take different paths through Classify.
func FuzzAccept(f *testing.F) {
	f.Fuzz(func(t *testing.T, b []byte) {
		Classify(b)
	})
}

// FuzzBehave misbehaves on chosen inputs, one way each; everything else passes.
func FuzzBehave(f *testing.F) {
	f.Fuzz(func(t *testing.T, b []byte) {
		switch string(b) {
		case "fatal":
			t.Fatalf("rejected input %q", b)
		case "panic":
			panic("boom: " + string(b))
		case "exit3":
			os.Exit(3)
		case "overflow":
			// A fatal runtime error: not a panic, nothing can recover it.
			debug.SetMaxStack(1 << 16)
			Recurse(1 << 20)
		case "nilmap":
			// A panic on another goroutine kills the process; tRunner cannot catch it.
			// The fuzz function waits for ever: were done closed by a defer, it would run
			// while the goroutine panics, and the fuzz function could return and the worker
			// answer "ok" before the runtime ends the process (seen under heavy load).
			done := make(chan struct{})
			go func() {
				var m map[string]int
				m["x"] = 1
				close(done)
			}()
			<-done
		case "sigkill":
			syscall.Kill(syscall.Getpid(), syscall.SIGKILL)
			select {}
		case "hang":
			for {
			}
		case "whereami":
			// Shows the options a host passed: working directory and arguments.
			wd, _ := os.Getwd()
			t.Fatalf("cwd=%s args=%q", wd, os.Args[1:])
		case "orphan":
			// The child inherits fds 3/4/5 and the output (a worker's fds are not
			// close-on-exec), so fuzz_out does not reach end of file when the worker dies.
			cmd := exec.Command("sleep", "60")
			cmd.Stdout, cmd.Stderr = os.Stdout, os.Stderr
			cmd.ExtraFiles = []*os.File{os.NewFile(3, "fuzz_in"), os.NewFile(4, "fuzz_out")}
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			fmt.Fprintf(os.Stderr, "grandchild %d\n", cmd.Process.Pid)
			os.Exit(5)
		}
		Classify(b)
	})
}

// FuzzTyped takes one argument of several types; it fails on one exact combination.
func FuzzTyped(f *testing.F) {
	f.Fuzz(func(t *testing.T, b []byte, s string, n int, u uint8, x float64, ok bool, r rune) {
		if string(b) == "raw" && s == "str" && n == -7 && u == 200 && x == 1.5 && ok && r == 'é' {
			t.Fatalf("typed failure: %q %q %d %d %v %v %q", b, s, n, u, x, ok, r)
		}
		Classify(b)
	})
}

// FuzzShallow has a planted bug that Go's mutator finds quickly from almost any seed: an
// input holding '!'. What the bug does depends on $GOTARGETS_BUG: "exit" exits the process,
// "hang" loops forever, anything else fails the test.
func FuzzShallow(f *testing.F) {
	bug := os.Getenv("GOTARGETS_BUG")
	f.Fuzz(func(t *testing.T, b []byte) {
		if bytes.IndexByte(b, '!') < 0 {
			return
		}
		switch bug {
		case "exit":
			os.Exit(7)
		case "hang":
			for {
			}
		default:
			t.Fatalf("planted bug: input %q holds '!'", b)
		}
	})
}

// FuzzMinimize fails on any input that contains "bug"; the minimizer shrinks to exactly "bug".
func FuzzMinimize(f *testing.F) {
	f.Fuzz(func(t *testing.T, b []byte, s string) {
		if bytes.Contains(b, []byte("bug")) {
			t.Fatalf("found bug in %d bytes", len(b))
		}
	})
}

// FuzzMinimizeDies fails softly on inputs holding "bug", except that it kills the process
// when such an input is shorter than 8 bytes or exactly 10 bytes long: the worker dies in the
// middle of minimizing, with raw bytes in the region. From "xxxxxxbugxxxxx" Go's minimizer
// first tries 6 bytes, then 10; it copies the 10-byte candidate into a region slice still 6
// bytes long, so the region holds 4 stale bytes when the process dies.
func FuzzMinimizeDies(f *testing.F) {
	f.Fuzz(func(t *testing.T, b []byte) {
		if bytes.Contains(b, []byte("bug")) {
			if len(b) < 8 || len(b) == 10 {
				os.Exit(4)
			}
			t.Fatalf("found bug in %d bytes", len(b))
		}
	})
}

// FuzzFailsEarly fails before calling F.Fuzz, so a worker never becomes ready.
func FuzzFailsEarly(f *testing.F) {
	f.Fatalf("setup failed on purpose")
	f.Fuzz(func(t *testing.T, b []byte) {})
}

// FuzzEchoAllKinds takes one argument of every kind a fuzz target accepts and always fails,
// with a canonical dump of what it received (bytes in hex, floats as bit patterns), so that a
// host can check that a real worker decoded exactly the values it encoded.
func FuzzEchoAllKinds(f *testing.F) {
	f.Fuzz(func(t *testing.T, b []byte, s string, ok bool, by byte, r rune, n int, i8 int8,
		i16 int16, i32 int32, i64 int64, u uint, u8 uint8, u16 uint16, u32 uint32, u64 uint64,
		f32 float32, f64 float64) {
		t.Fatalf("ECHO|%x|%x|%t|%d|%d|%d|%d|%d|%d|%d|%d|%d|%d|%d|%d|%08x|%016x|END",
			b, s, ok, by, r, n, i8, i16, i32, i64, u, u8, u16, u32, u64,
			math.Float32bits(f32), math.Float64bits(f64))
	})
}

// FuzzRebuild fails on a condition over several values that Go's mutator meets within a few
// thousand runs, and prints every value exactly (the float as bits), so that the failure
// message identifies the input: a host that rebuilds the mutated input can prove it by
// running it again and getting the same message.
func FuzzRebuild(f *testing.F) {
	f.Fuzz(func(t *testing.T, b []byte, s string, n int8, x float64, u uint16, ok bool) {
		if len(b) > 0 && b[0]%4 == 1 && len(s) > 3 && n%3 == 0 {
			t.Fatalf("rebuild: %q %q %d %x %d %v", b, s, n, math.Float64bits(x), u, ok)
		}
	})
}
