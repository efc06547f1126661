package gofuzzshm_test

import (
	"bytes"
	"encoding/binary"
	"errors"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"

	gofuzzshm "github.com/gofuzz-shm/gofuzz-shm/go-interop"
	"github.com/gofuzz-shm/gofuzz-shm/go-interop/layout"
)

// create makes a region in a per-test directory and closes it at the end of the test.
func create(t *testing.T, capacity int) *gofuzzshm.Region {
	t.Helper()
	r, err := gofuzzshm.CreateIn(t.TempDir(), capacity)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := r.Close(); err != nil {
			t.Error(err)
		}
	})
	return r
}

// wantErr fails unless err matches sentinel and, for library errors, names want in its text.
func wantErr(t *testing.T, err, sentinel error, want string) {
	t.Helper()
	if !errors.Is(err, sentinel) {
		t.Fatalf("error %v, want one matching %v", err, sentinel)
	}
	if !strings.Contains(err.Error(), want) {
		t.Fatalf("error %q does not mention %q", err, want)
	}
}

func TestCreateIsGosTempFile(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("TMPDIR", dir)
	r, err := gofuzzshm.Create(1000)
	if err != nil {
		t.Fatal(err)
	}
	path := r.Path()
	if filepath.Dir(path) != dir || !strings.HasPrefix(filepath.Base(path), "fuzz-") {
		t.Errorf("path %q: want fuzz-* in $TMPDIR %q", path, dir)
	}
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if fi.Size() != int64(layout.Size)+1000 || r.Capacity() != 1000 {
		t.Errorf("file size %d, capacity %d: want %d and 1000", fi.Size(), r.Capacity(), layout.Size+1000)
	}
	var st syscall.Stat_t
	if err := syscall.Fstat(int(r.Fd()), &st); err != nil || st.Ino != fi.Sys().(*syscall.Stat_t).Ino {
		t.Errorf("Fd %d is not the file's descriptor (%v)", r.Fd(), err)
	}
	if *r.Header() != (gofuzzshm.Header{}) {
		t.Errorf("new header %+v, want zero", *r.Header())
	}

	if err := r.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(path); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("Close left %s behind (%v)", path, err)
	}
	if err := r.Close(); err != nil {
		t.Errorf("second Close: %v", err)
	}
	if r.Header() != nil || r.Capacity() != 0 || r.Fd() != ^uintptr(0) {
		t.Errorf("closed region: Header %p, Capacity %d, Fd %d", r.Header(), r.Capacity(), r.Fd())
	}
	_, err = r.Value()
	wantErr(t, err, gofuzzshm.ErrClosed, "Value")
	_, err = r.ValueCopy()
	wantErr(t, err, gofuzzshm.ErrClosed, "ValueCopy")
	wantErr(t, r.SetValue(nil), gofuzzshm.ErrClosed, "SetValue")
	wantErr(t, r.SetValueLen(0), gofuzzshm.ErrClosed, "SetValueLen")
	_, err = r.File()
	wantErr(t, err, gofuzzshm.ErrClosed, "File")
}

// Header points into the shared mapping: what one mapping writes through it, another mapping
// of the same file and the file's bytes show at the offsets of Go's layout.
func TestHeaderIsTheSharedMapping(t *testing.T) {
	r := create(t, 64)
	other, err := gofuzzshm.MapFile(r.Path(), 0, false)
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()

	h := r.Header()
	h.Count = -7
	h.ValueLen = 3
	h.RandState = 0x8877665544332211
	h.RandInc = math.MaxUint64
	h.RawInMem = true
	if got := *other.Header(); got != *h {
		t.Errorf("other mapping sees %+v, want %+v", got, *h)
	}

	raw, err := os.ReadFile(r.Path())
	if err != nil {
		t.Fatal(err)
	}
	ne := binary.NativeEndian
	if int64(ne.Uint64(raw[layout.Want.Count:])) != -7 ||
		ne.Uint64(raw[layout.Want.RandState:]) != 0x8877665544332211 ||
		ne.Uint64(raw[layout.Want.RandInc:]) != math.MaxUint64 ||
		raw[layout.Want.RawInMem] != 1 || raw[layout.Want.ValueLen] != 3 {
		t.Errorf("file bytes %x do not hold the fields at %+v", raw[:layout.Size], layout.Want)
	}
}

func TestSetValueAndValue(t *testing.T) {
	r := create(t, 16)
	want := []byte("go test fuzz v1\n")
	if err := r.SetValue(want); err != nil {
		t.Fatal(err)
	}
	if r.Header().ValueLen != len(want) {
		t.Errorf("ValueLen %d, want %d", r.Header().ValueLen, len(want))
	}
	v, err := r.Value()
	if err != nil || !bytes.Equal(v, want) {
		t.Fatalf("Value = %q, %v", v, err)
	}
	c, err := r.ValueCopy()
	if err != nil || !bytes.Equal(c, want) {
		t.Fatalf("ValueCopy = %q, %v", c, err)
	}

	// The value aliases the mapping, the copy does not; the source may be the region itself.
	if err := r.SetValue(v[3:7]); err != nil {
		t.Fatal(err)
	}
	if v[:4:4][0] != 't' || string(c) != string(want) {
		t.Errorf("after SetValue(own bytes): mapping %q, copy %q", v[:4], c)
	}
	if v, _ := r.Value(); string(v) != "test" {
		t.Errorf("Value = %q, want %q", v, "test")
	}

	// Too large: rejected, nothing changes.
	err = r.SetValue(make([]byte, 17))
	wantErr(t, err, gofuzzshm.ErrTooLarge, "Region.SetValue: set value: 17 bytes exceed")
	var e *gofuzzshm.Error
	if !errors.As(err, &e) || e.Status != gofuzzshm.StatusTooLarge {
		t.Errorf("error %#v, want *Error with StatusTooLarge", err)
	}
	if v, _ := r.Value(); string(v) != "test" {
		t.Errorf("rejected SetValue changed the value to %q", v)
	}

	// Exactly the capacity, then empty.
	if err := r.SetValue(bytes.Repeat([]byte{0xff}, 16)); err != nil {
		t.Fatal(err)
	}
	if err := r.SetValue(nil); err != nil {
		t.Fatal(err)
	}
	if v, err := r.Value(); err != nil || len(v) != 0 || r.Header().ValueLen != 0 {
		t.Errorf("empty value: %q, %v, ValueLen %d", v, err, r.Header().ValueLen)
	}
}

func TestSetValueLen(t *testing.T) {
	r := create(t, 11)
	if err := r.SetValue([]byte("hello world")); err != nil {
		t.Fatal(err)
	}
	if err := r.SetValueLen(5); err != nil {
		t.Fatal(err)
	}
	if v, _ := r.Value(); string(v) != "hello" {
		t.Errorf("after SetValueLen(5): %q", v)
	}
	if err := r.SetValueLen(11); err != nil {
		t.Fatal(err)
	}
	if v, _ := r.Value(); string(v) != "hello world" {
		t.Errorf("after SetValueLen(11): %q", v)
	}
	wantErr(t, r.SetValueLen(12), gofuzzshm.ErrTooLarge, "shm_set_value_len")
	wantErr(t, r.SetValueLen(-1), gofuzzshm.ErrInvalidArg, "negative")
	if r.Header().ValueLen != 11 {
		t.Errorf("rejected SetValueLen changed ValueLen to %d", r.Header().ValueLen)
	}
}

// A peer can write any length; reads check it instead of trusting it.
func TestHostileValueLen(t *testing.T) {
	r := create(t, 8)
	for _, n := range []int{-1, math.MinInt, 9, math.MaxInt} {
		r.Header().ValueLen = n
		_, err := r.Value()
		wantErr(t, err, gofuzzshm.ErrCorruptHeader, "Region.Value: read value: header value_len is "+strconv.Itoa(n))
		_, err = r.ValueCopy()
		wantErr(t, err, gofuzzshm.ErrCorruptHeader, "Region.ValueCopy: read value: header value_len is "+strconv.Itoa(n))
	}
	r.Header().ValueLen = 8
	if v, err := r.Value(); err != nil || len(v) != 8 {
		t.Errorf("ValueLen = capacity: %q, %v", v, err)
	}
}

func TestMapFD(t *testing.T) {
	r := create(t, 100)
	if err := r.SetValue([]byte("abc")); err != nil {
		t.Fatal(err)
	}
	f, err := r.File()
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if f.Fd() == r.Fd() {
		t.Fatal("File returned the region's own descriptor")
	}

	m, err := gofuzzshm.MapFD(f.Fd(), 0)
	if err != nil {
		t.Fatal(err)
	}
	if m.Path() != "" || m.Capacity() != 100 {
		t.Errorf("mapped by fd: Path %q, Capacity %d", m.Path(), m.Capacity())
	}
	if v, _ := m.Value(); string(v) != "abc" {
		t.Errorf("mapped by fd: value %q", v)
	}
	if err := m.Close(); err != nil {
		t.Fatal(err)
	}
	// Close closed only its duplicate and removed nothing.
	if _, err := f.Stat(); err != nil {
		t.Errorf("caller's descriptor after Close: %v", err)
	}
	if _, err := os.Stat(r.Path()); err != nil {
		t.Errorf("file after Close of an fd mapping: %v", err)
	}

	small, err := gofuzzshm.MapFD(f.Fd(), int(layout.Size)+10)
	if err != nil {
		t.Fatal(err)
	}
	defer small.Close()
	if small.Capacity() != 10 {
		t.Errorf("size header+10: capacity %d", small.Capacity())
	}
}

func TestMapFileRemoveOnClose(t *testing.T) {
	for _, remove := range []bool{false, true} {
		path := filepath.Join(t.TempDir(), "region")
		if err := os.WriteFile(path, make([]byte, layout.Size+5), 0o600); err != nil {
			t.Fatal(err)
		}
		r, err := gofuzzshm.MapFile(path, 0, remove)
		if err != nil {
			t.Fatal(err)
		}
		if r.Path() != path || r.Capacity() != 5 {
			t.Errorf("Path %q, Capacity %d", r.Path(), r.Capacity())
		}
		if err := r.Close(); err != nil {
			t.Fatal(err)
		}
		_, err = os.Stat(path)
		if gone := errors.Is(err, os.ErrNotExist); gone != remove {
			t.Errorf("removeOnClose %v: file gone after Close = %v", remove, gone)
		}
	}
}

func TestBadArguments(t *testing.T) {
	dir := t.TempDir()
	small := filepath.Join(dir, "small")
	if err := os.WriteFile(small, make([]byte, layout.Size-1), 0o600); err != nil {
		t.Fatal(err)
	}
	exact := filepath.Join(dir, "exact")
	if err := os.WriteFile(exact, make([]byte, layout.Size), 0o600); err != nil {
		t.Fatal(err)
	}
	readOnly, err := os.Open(exact)
	if err != nil {
		t.Fatal(err)
	}
	defer readOnly.Close()
	closed, err := os.Open(exact)
	if err != nil {
		t.Fatal(err)
	}
	closedFd := closed.Fd()
	closed.Close()

	missing := filepath.Join(dir, "missing")
	cases := []struct {
		name     string
		call     func() (*gofuzzshm.Region, error)
		sentinel error
		mention  string
	}{
		{"negative capacity", func() (*gofuzzshm.Region, error) { return gofuzzshm.Create(-1) }, gofuzzshm.ErrInvalidArg, "negative"},
		{"capacity beyond a mapping", func() (*gofuzzshm.Region, error) { return gofuzzshm.CreateIn(dir, math.MaxInt) }, gofuzzshm.ErrTooLarge, "shm_create_in"},
		{"missing dir", func() (*gofuzzshm.Region, error) { return gofuzzshm.CreateIn(missing, 1) }, gofuzzshm.ErrIO, missing},
		{"NUL in dir", func() (*gofuzzshm.Region, error) { return gofuzzshm.CreateIn(dir+"\x00x", 1) }, gofuzzshm.ErrInvalidArg, "NUL"},
		{"missing file", func() (*gofuzzshm.Region, error) { return gofuzzshm.MapFile(missing, 0, false) }, gofuzzshm.ErrIO, missing},
		{"file smaller than the header", func() (*gofuzzshm.Region, error) { return gofuzzshm.MapFile(small, 0, false) }, gofuzzshm.ErrInvalidArg, small},
		{"size beyond the file", func() (*gofuzzshm.Region, error) { return gofuzzshm.MapFile(exact, int(layout.Size)+1, false) }, gofuzzshm.ErrInvalidArg, exact},
		{"directory", func() (*gofuzzshm.Region, error) { return gofuzzshm.MapFile(dir, 0, false) }, gofuzzshm.ErrIO, "directory"},
		{"not a regular file", func() (*gofuzzshm.Region, error) { return gofuzzshm.MapFile(os.DevNull, 0, false) }, gofuzzshm.ErrInvalidArg, os.DevNull},
		{"negative size", func() (*gofuzzshm.Region, error) { return gofuzzshm.MapFile(exact, -1, false) }, gofuzzshm.ErrInvalidArg, "negative"},
		{"NUL in path", func() (*gofuzzshm.Region, error) { return gofuzzshm.MapFile(exact+"\x00", 0, false) }, gofuzzshm.ErrInvalidArg, "NUL"},
		{"descriptor out of range", func() (*gofuzzshm.Region, error) { return gofuzzshm.MapFD(math.MaxUint32, 0) }, gofuzzshm.ErrInvalidArg, "4294967295"},
		{"closed descriptor", func() (*gofuzzshm.Region, error) { return gofuzzshm.MapFD(closedFd, 0) }, gofuzzshm.ErrIO, "shm_map_fd"},
		{"read-only descriptor", func() (*gofuzzshm.Region, error) { return gofuzzshm.MapFD(readOnly.Fd(), 0) }, gofuzzshm.ErrIO, "shm_map_fd"},
		{"negative fd size", func() (*gofuzzshm.Region, error) { return gofuzzshm.MapFD(readOnly.Fd(), -1) }, gofuzzshm.ErrInvalidArg, "negative"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r, err := c.call()
			if r != nil {
				r.Close()
				t.Fatalf("got a region, want an error matching %v", c.sentinel)
			}
			wantErr(t, err, c.sentinel, c.mention)
			t.Log(err)
		})
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 2 {
		t.Errorf("failed calls left files behind: %v", entries)
	}
}

func TestErrorMatchesOnlyItsSentinel(t *testing.T) {
	sentinels := map[gofuzzshm.Status]error{
		gofuzzshm.StatusNullArg:       gofuzzshm.ErrNullArg,
		gofuzzshm.StatusInvalidArg:    gofuzzshm.ErrInvalidArg,
		gofuzzshm.StatusTooLarge:      gofuzzshm.ErrTooLarge,
		gofuzzshm.StatusCorruptHeader: gofuzzshm.ErrCorruptHeader,
		gofuzzshm.StatusIO:            gofuzzshm.ErrIO,
		gofuzzshm.StatusPanic:         gofuzzshm.ErrPanic,
	}
	for status, sentinel := range sentinels {
		err := error(&gofuzzshm.Error{Status: status, Message: "f: why"})
		for _, other := range sentinels {
			if errors.Is(err, other) != (other == sentinel) {
				t.Errorf("%v: errors.Is(%v) = %v", status, other, !(other == sentinel))
			}
		}
		if err.Error() != "gofuzzshm: f: why" || !strings.HasPrefix(status.String(), "SHM_ERR_") {
			t.Errorf("%v: text %q", status.String(), err)
		}
	}
	if errors.Is(&gofuzzshm.Error{Status: 42}, gofuzzshm.ErrIO) || gofuzzshm.Status(42).String() != "Status(42)" {
		t.Error("an unknown status matches a sentinel or has a name")
	}
}

// Readers run in parallel with a writer, then Closes in parallel; run with -race. The value
// paths take no lock (as between two processes, the region has one writer at a time, and a
// reader racing it may see the new length with bytes of the old value), so a copy may be torn,
// but its length is always one that some SetValue published.
func TestConcurrentUse(t *testing.T) {
	r := create(t, 64)
	values := [][]byte{bytes.Repeat([]byte("a"), 10), bytes.Repeat([]byte("b"), 64), {}}
	var wg sync.WaitGroup
	for w := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 300 {
				if w == 0 {
					if err := r.SetValue(values[i%len(values)]); err != nil {
						t.Error(err)
						return
					}
					continue
				}
				c, err := r.ValueCopy()
				if err != nil {
					t.Error(err)
					return
				}
				if len(c) != 0 && len(c) != 10 && len(c) != 64 {
					t.Errorf("value of a length no SetValue published: %q", c)
					return
				}
				_ = r.Capacity() + int(r.Fd()) + len(r.Path())
				_ = r.Header().RandState
			}
		}()
	}
	wg.Wait()
	var closers sync.WaitGroup
	for range 3 {
		closers.Add(1)
		go func() {
			defer closers.Done()
			if err := r.Close(); err != nil {
				t.Error(err)
			}
		}()
	}
	closers.Wait()
}
