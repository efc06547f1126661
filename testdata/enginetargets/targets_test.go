package enginetargets

import (
	"os"
	"strings"
	"syscall"
	"testing"
	"time"
)

// FuzzDeep runs Deep: the planted bug is an index out of range behind seven comparisons.
func FuzzDeep(f *testing.F) {
	f.Fuzz(func(t *testing.T, b []byte) {
		Deep(b)
	})
}

// hog keeps what it allocates reachable until the process dies.
var hog [][]byte

// FuzzMisbehave misbehaves on inputs that start with a keyword, one way each.
func FuzzMisbehave(f *testing.F) {
	f.Fuzz(func(t *testing.T, b []byte) {
		s := string(b)
		switch {
		case strings.HasPrefix(s, "fatal"):
			t.Fatalf("rejected input %q", b)
		case strings.HasPrefix(s, "panic"):
			panic("boom: " + s)
		case strings.HasPrefix(s, "exit"):
			os.Exit(3)
		case strings.HasPrefix(s, "kill"):
			syscall.Kill(syscall.Getpid(), syscall.SIGKILL)
			select {}
		case strings.HasPrefix(s, "sleep"):
			time.Sleep(30 * time.Second)
		case strings.HasPrefix(s, "hog"):
			// Grows by 64 MiB every 10 ms, touching every page, for up to 4 GiB.
			for i := 0; i < 64; i++ {
				chunk := make([]byte, 64<<20)
				for j := 0; j < len(chunk); j += 4096 {
					chunk[j] = 1
				}
				hog = append(hog, chunk)
				time.Sleep(10 * time.Millisecond)
			}
		}
	})
}

// FuzzTyped takes typed arguments; it fails on one combination.
func FuzzTyped(f *testing.F) {
	f.Fuzz(func(t *testing.T, s string, n int64, ok bool) {
		if s == "typed" && n > 1000 && ok {
			t.Fatalf("found s=%q n=%d ok=%v", s, n, ok)
		}
	})
}
