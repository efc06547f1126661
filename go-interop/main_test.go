package gofuzzshm_test

import (
	"bufio"
	"bytes"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"

	gofuzzshm "github.com/gofuzz-shm/gofuzz-shm/go-interop"
)

// peerEnv makes the test binary act as the Go region peer instead of running tests, so that
// C and Rust processes can start a Go child with the peers' shared command line.
const peerEnv = "GOFUZZSHM_TEST_PEER"

// scratch holds what the tests build once per run (the C peer); removed at exit.
var scratch string

func TestMain(m *testing.M) {
	if os.Getenv(peerEnv) == "1" {
		os.Exit(goPeer(os.Args[1:]))
	}
	dir, err := os.MkdirTemp("", "gofuzzshm-test-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	scratch = dir
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// regionState is what a peer writes into a region and prints back from one.
type regionState struct {
	Count     int64
	ValueLen  int64
	RandState uint64
	RandInc   uint64
	RawInMem  uint8
	Capacity  int
	Value     []byte
}

// writeArgs are the peers' <count> <rand_state> <rand_inc> <raw_in_mem> <value> arguments.
func (s regionState) writeArgs() []string {
	return []string{
		strconv.FormatInt(s.Count, 10), strconv.FormatUint(s.RandState, 10),
		strconv.FormatUint(s.RandInc, 10), strconv.Itoa(int(s.RawInMem)), "x" + hex.EncodeToString(s.Value),
	}
}

// String is the peers' print format, after the label.
func (s regionState) String() string {
	return fmt.Sprintf("count=%d value_len=%d rand_state=%d rand_inc=%d raw_in_mem=%d capacity=%d value=x%x",
		s.Count, s.ValueLen, s.RandState, s.RandInc, s.RawInMem, s.Capacity, s.Value)
}

// diff describes how s differs from want ("" when equal), briefly for long values.
func (s regionState) diff(want regionState) string {
	var d []string
	field := func(name string, got, want any) {
		if got != want {
			d = append(d, fmt.Sprintf("%s=%v, want %v", name, got, want))
		}
	}
	field("count", s.Count, want.Count)
	field("value_len", s.ValueLen, want.ValueLen)
	field("rand_state", s.RandState, want.RandState)
	field("rand_inc", s.RandInc, want.RandInc)
	field("raw_in_mem", s.RawInMem, want.RawInMem)
	field("capacity", s.Capacity, want.Capacity)
	if !bytes.Equal(s.Value, want.Value) {
		i := 0
		for i < len(s.Value) && i < len(want.Value) && s.Value[i] == want.Value[i] {
			i++
		}
		d = append(d, fmt.Sprintf("value of %d bytes differs at byte %d from the %d bytes wanted", len(s.Value), i, len(want.Value)))
	}
	return strings.Join(d, "; ")
}

// goPeer is the Go implementation of the peers' command line (see examples/region_peer.rs).
func goPeer(args []string) int {
	if err := runGoPeer(args); err != nil {
		fmt.Fprintln(os.Stderr, "gopeer:", err)
		return 1
	}
	return 0
}

func runGoPeer(args []string) error {
	switch {
	case len(args) == 3 && args[0] == "read":
		r, err := mapTarget(args[1])
		if err != nil {
			return err
		}
		return closeAfter(r, printRegion(r, args[2]))
	case len(args) == 7 && args[0] == "write":
		r, err := mapTarget(args[1])
		if err != nil {
			return err
		}
		return closeAfter(r, writeRegion(r, args[2:]))
	case len(args) == 8 && args[0] == "readwrite":
		r, err := mapTarget(args[1])
		if err != nil {
			return err
		}
		err = printRegion(r, args[2])
		if err == nil {
			err = writeRegion(r, args[3:])
		}
		return closeAfter(r, err)
	}
	return fmt.Errorf("bad command line %q", args)
}

func closeAfter(r *gofuzzshm.Region, err error) error {
	if cerr := r.Close(); err == nil {
		err = cerr
	}
	return err
}

func mapTarget(target string) (*gofuzzshm.Region, error) {
	if fd, ok := strings.CutPrefix(target, "fd:"); ok {
		n, err := strconv.ParseUint(fd, 10, 31)
		if err != nil {
			return nil, err
		}
		return gofuzzshm.MapFD(uintptr(n), 0)
	}
	if path, ok := strings.CutPrefix(target, "path:"); ok {
		return gofuzzshm.MapFile(path, 0, false)
	}
	return nil, fmt.Errorf("target %q is neither fd:N nor path:P", target)
}

// writeRegion writes count, rand_state, rand_inc, raw_in_mem, then the value (and value_len).
func writeRegion(r *gofuzzshm.Region, f []string) error {
	count, err1 := strconv.ParseInt(f[0], 10, 64)
	randState, err2 := strconv.ParseUint(f[1], 10, 64)
	randInc, err3 := strconv.ParseUint(f[2], 10, 64)
	raw, err4 := strconv.ParseUint(f[3], 10, 8)
	value, err5 := decodeValue(f[4])
	for _, err := range []error{err1, err2, err3, err4, err5} {
		if err != nil {
			return err
		}
	}
	h := r.Header()
	h.Count, h.RandState, h.RandInc, h.RawInMem = count, randState, randInc, raw != 0
	return r.SetValue(value)
}

func decodeValue(s string) ([]byte, error) {
	h, ok := strings.CutPrefix(s, "x")
	if !ok {
		return nil, fmt.Errorf("value %q does not start with x", s)
	}
	return hex.DecodeString(h)
}

func printRegion(r *gofuzzshm.Region, label string) error {
	s, err := readState(r)
	if err != nil {
		return err
	}
	_, err = fmt.Printf("%s %s\n", label, s)
	return err
}

func readState(r *gofuzzshm.Region) (regionState, error) {
	v, err := r.ValueCopy()
	if err != nil {
		return regionState{}, err
	}
	h := r.Header()
	raw := uint8(0)
	if h.RawInMem {
		raw = 1
	}
	return regionState{h.Count, int64(h.ValueLen), h.RandState, h.RandInc, raw, r.Capacity(), v}, nil
}

// parseState parses a peer's printed line into its label and state.
func parseState(line string) (string, regionState, error) {
	var s regionState
	label, rest, _ := strings.Cut(line, " ")
	var value string
	_, err := fmt.Sscanf(rest, "count=%d value_len=%d rand_state=%d rand_inc=%d raw_in_mem=%d capacity=%d value=%s",
		&s.Count, &s.ValueLen, &s.RandState, &s.RandInc, &s.RawInMem, &s.Capacity, &value)
	if err == nil {
		s.Value, err = decodeValue(value)
	}
	if err != nil {
		return "", s, fmt.Errorf("peer printed %q: %v", line, err)
	}
	return label, s, nil
}

var (
	cPeerOnce sync.Once
	cPeerPath string
	cPeerErr  error
)

// cPeer builds testdata/cpeer/peer.c with the flags pkg-config gives for the library.
func cPeer(t *testing.T) string {
	t.Helper()
	cPeerOnce.Do(func() {
		flags, err := exec.Command("pkg-config", "--cflags", "--libs", "gofuzz_shm").Output()
		if err != nil {
			cPeerErr = fmt.Errorf("pkg-config gofuzz_shm: %v", err)
			return
		}
		cc := os.Getenv("CC")
		if cc == "" {
			cc = "gcc"
		}
		out := filepath.Join(scratch, "cpeer")
		args := append([]string{"-std=c11", "-Wall", "-Wextra", "-Werror", "-o", out, "testdata/cpeer/peer.c"},
			strings.Fields(string(flags))...)
		if msg, err := exec.Command(cc, args...).CombinedOutput(); err != nil {
			cPeerErr = fmt.Errorf("%s %q: %v\n%s", cc, args, err, msg)
			return
		}
		cPeerPath = out
	})
	if cPeerErr != nil {
		t.Fatal(cPeerErr)
	}
	return cPeerPath
}

var (
	rustPeerOnce sync.Once
	rustPeerPath string
	rustPeerErr  error
)

// rustPeer builds (or finds up to date) the crate's region_peer example with cargo and returns
// the executable cargo reports.
func rustPeer(t *testing.T) string {
	t.Helper()
	rustPeerOnce.Do(func() {
		cmd := exec.Command("cargo", "build", "--quiet", "--example", "region_peer", "--message-format=json")
		cmd.Dir = ".."
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		out, err := cmd.Output()
		if err != nil {
			rustPeerErr = fmt.Errorf("cargo build --example region_peer: %v\n%s", err, stderr.Bytes())
			return
		}
		sc := bufio.NewScanner(bytes.NewReader(out))
		sc.Buffer(nil, 1<<24)
		for sc.Scan() {
			var msg struct {
				Reason     string                `json:"reason"`
				Target     struct{ Name string } `json:"target"`
				Executable string                `json:"executable"`
			}
			if json.Unmarshal(sc.Bytes(), &msg) == nil && msg.Reason == "compiler-artifact" &&
				msg.Target.Name == "region_peer" && msg.Executable != "" {
				rustPeerPath = msg.Executable
			}
		}
		if rustPeerPath == "" {
			rustPeerErr = fmt.Errorf("cargo did not report the region_peer executable")
		}
	})
	if rustPeerErr != nil {
		t.Fatal(rustPeerErr)
	}
	return rustPeerPath
}

// goPeerCmd is the command line of this test binary acting as the Go peer (with peerEnv set).
func goPeerCmd() []string {
	exe, err := os.Executable()
	if err != nil {
		exe = os.Args[0]
	}
	return []string{exe}
}
