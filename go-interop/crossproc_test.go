package gofuzzshm_test

import (
	"bytes"
	"errors"
	"fmt"
	"math"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"testing"

	gofuzzshm "github.com/gofuzz-shm/gofuzz-shm/go-interop"
)

// crossCapacity is deliberately not a multiple of the page size.
const crossCapacity = 4096 + 7

// states returns what the creator writes first (a) and what the child writes back (b) in case
// i: different in every field, with extreme values, bytes that need care (NUL, 0xff, newline)
// and, in some cases, an empty value.
func states(i int) (a, b regionState) {
	a = regionState{
		Count:     math.MinInt64 + int64(i),
		RandState: math.MaxUint64 - uint64(i),
		RandInc:   1<<63 | uint64(i),
		RawInMem:  1,
		Capacity:  crossCapacity,
		Value:     []byte(fmt.Sprintf("go test fuzz v1\n[]byte(\"\\x00\\xff\")\nint(%d)\n", i)),
	}
	b = regionState{
		Count:     math.MaxInt64 - int64(i),
		RandState: uint64(i+1) * 0x9E3779B97F4A7C15,
		RandInc:   uint64(i) + 1,
		RawInMem:  0,
		Capacity:  crossCapacity,
		Value:     bytes.Repeat([]byte{0, 0xff, '\n', byte(i)}, 300+i),
	}
	if i%4 == 3 {
		b.Value = nil
	}
	a.ValueLen, b.ValueLen = int64(len(a.Value)), int64(len(b.Value))
	return a, b
}

// For each ordered pair of languages and each way of handing over the region: the creator
// writes state a, the child (mapping by inherited fd 5 or by path) prints what it reads, which
// must be a, then writes state b, and the creator must read exactly b.
func TestCrossLanguageRoundTrips(t *testing.T) {
	peers := map[string][]string{
		"C":    {cPeer(t)},
		"Rust": {rustPeer(t)},
		"Go":   goPeerCmd(),
	}
	i := 0
	for _, creator := range []string{"Go", "C", "Rust"} {
		for _, child := range []string{"Go", "C", "Rust"} {
			if child == creator {
				continue
			}
			for _, mode := range []string{"fd", "path"} {
				a, b := states(i)
				i++
				t.Run(fmt.Sprintf("%s_creates_%s_maps_by_%s", creator, child, mode), func(t *testing.T) {
					t.Parallel()
					var childSaw, creatorSaw regionState
					if creator == "Go" {
						childSaw, creatorSaw = goCreates(t, mode, a, b, peers[child])
					} else {
						childSaw, creatorSaw = peerCreates(t, mode, a, b, peers[creator], peers[child])
					}
					if d := childSaw.diff(a); d != "" {
						t.Errorf("%s child did not read what %s wrote: %s", child, creator, d)
					}
					if d := creatorSaw.diff(b); d != "" {
						t.Errorf("%s creator did not read what %s wrote: %s", creator, child, d)
					}
				})
			}
		}
	}
}

func childArgs(child []string, target string, b regionState) []string {
	args := append(append([]string{}, child...), "readwrite", target, "child")
	return append(args, b.writeArgs()...)
}

func goCreates(t *testing.T, mode string, a, b regionState, child []string) (childSaw, creatorSaw regionState) {
	r, err := gofuzzshm.CreateIn(t.TempDir(), crossCapacity)
	if err != nil {
		t.Fatal(err)
	}
	path := r.Path()
	defer func() {
		if err := r.Close(); err != nil {
			t.Error(err)
		}
		if _, err := os.Stat(path); !errors.Is(err, os.ErrNotExist) {
			t.Errorf("Close left %s (%v)", path, err)
		}
	}()
	if err := writeRegion(r, a.writeArgs()); err != nil {
		t.Fatal(err)
	}

	target := "path:" + path
	var extra []*os.File
	if mode == "fd" {
		f, err := r.File()
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		target, extra = "fd:5", []*os.File{nil, nil, f} // ExtraFiles[2] is fd 5
	}
	argv := childArgs(child, target, b)
	cmd := exec.Command(argv[0], argv[1:]...)
	cmd.ExtraFiles = extra
	cmd.Env = peerEnviron()
	lines := runPeer(t, cmd, 1)
	_, childSaw = mustParse(t, lines[0], "child")
	creatorSaw, err = readState(r)
	if err != nil {
		t.Fatal(err)
	}
	return childSaw, creatorSaw
}

func peerCreates(t *testing.T, mode string, a, b regionState, creator, child []string) (childSaw, creatorSaw regionState) {
	tmp := t.TempDir()
	args := append(append([]string{}, creator[1:]...), "host", mode, strconv.Itoa(crossCapacity))
	args = append(append(args, a.writeArgs()...), childArgs(child, "{target}", b)...)
	cmd := exec.Command(creator[0], args...)
	cmd.Env = append(peerEnviron(), "TMPDIR="+tmp)
	lines := runPeer(t, cmd, 2)
	_, childSaw = mustParse(t, lines[0], "child")
	_, creatorSaw = mustParse(t, lines[1], "host")
	if left, _ := os.ReadDir(tmp); len(left) != 0 {
		t.Errorf("the creator left %v in its TMPDIR", left)
	}
	return childSaw, creatorSaw
}

// peerEnviron is the environment for peers: the Go peer is this test binary in peer mode, and
// when it is built with -race it need not wait the race detector's default second at exit.
func peerEnviron() []string {
	return append(os.Environ(), peerEnv+"=1", "GORACE="+os.Getenv("GORACE")+" atexit_sleep_ms=0")
}

// runPeer runs cmd, requires success, and returns its n output lines.
func runPeer(t *testing.T, cmd *exec.Cmd, n int) []string {
	t.Helper()
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("%q: %v\nstdout:\n%s\nstderr:\n%s", cmd.Args, err, out, stderr.Bytes())
	}
	lines := strings.Split(strings.TrimSuffix(string(out), "\n"), "\n")
	if len(lines) != n {
		t.Fatalf("%q printed %d lines, want %d:\n%s\nstderr:\n%s", cmd.Args, len(lines), n, out, stderr.Bytes())
	}
	return lines
}

func mustParse(t *testing.T, line, wantLabel string) (string, regionState) {
	t.Helper()
	label, s, err := parseState(line)
	if err != nil {
		t.Fatal(err)
	}
	if label != wantLabel {
		t.Fatalf("line %q: label %q, want %q", line, label, wantLabel)
	}
	return label, s
}

// The peers' single-purpose commands: each peer's `write` (by path) stores exactly the state
// given, and its `read` (by fd 5) prints exactly the state Go wrote.
func TestPeerReadAndWriteCommands(t *testing.T) {
	peers := map[string][]string{"C": {cPeer(t)}, "Rust": {rustPeer(t)}, "Go": goPeerCmd()}
	for name, peer := range peers {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			a, b := states(len(name))
			r, err := gofuzzshm.CreateIn(t.TempDir(), crossCapacity)
			if err != nil {
				t.Fatal(err)
			}
			defer r.Close()

			argv := append(append(append([]string{}, peer...), "write", "path:"+r.Path()), b.writeArgs()...)
			cmd := exec.Command(argv[0], argv[1:]...)
			cmd.Env = peerEnviron()
			if out := runPeer(t, cmd, 1); out[0] != "" {
				t.Errorf("write printed %q", out[0])
			}
			if got, err := readState(r); err != nil || got.diff(b) != "" {
				t.Errorf("after %s write: %s (%v)", name, got.diff(b), err)
			}

			if err := writeRegion(r, a.writeArgs()); err != nil {
				t.Fatal(err)
			}
			f, err := r.File()
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			argv = append(append([]string{}, peer...), "read", "fd:5", "reader")
			cmd = exec.Command(argv[0], argv[1:]...)
			cmd.Env, cmd.ExtraFiles = peerEnviron(), []*os.File{nil, nil, f}
			if _, got := mustParse(t, runPeer(t, cmd, 1)[0], "reader"); got.diff(a) != "" {
				t.Errorf("%s read: %s", name, got.diff(a))
			}
		})
	}
}
