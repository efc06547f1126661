package gofuzzshm

import (
	"os"
	"runtime"
	"testing"
	"time"
	"unsafe"

	"github.com/gofuzz-shm/gofuzz-shm/go-interop/layout"
)

// The cgo view of shm_header_t, the library's header size, this package's Header and the
// cgo-free mirror all have the layout of the offset table for this GOARCH.
func TestCgoViewOfTheCHeaderIsGosLayout(t *testing.T) {
	header := layout.Offsets{
		Count:     unsafe.Offsetof(Header{}.Count),
		ValueLen:  unsafe.Offsetof(Header{}.ValueLen),
		RandState: unsafe.Offsetof(Header{}.RandState),
		RandInc:   unsafe.Offsetof(Header{}.RandInc),
		RawInMem:  unsafe.Offsetof(Header{}.RawInMem),
		Size:      unsafe.Sizeof(Header{}),
	}
	for name, got := range map[string]layout.Offsets{"C shm_header_t": cHeaderLayout(), "Header": header, "layout.Header": layout.Got} {
		if got != layout.Want {
			t.Errorf("GOARCH=%s: %s has %+v, want %+v", runtime.GOARCH, name, got, layout.Want)
		}
	}
	if cHeaderSize() != layout.Want.Size {
		t.Errorf("shm_header_size() = %d, want %d", cHeaderSize(), layout.Want.Size)
	}
	t.Logf("GOARCH=%s: %+v", runtime.GOARCH, layout.Want)
}

// A region dropped without Close is closed by the cleanup: its temporary file disappears.
func TestCleanupClosesDroppedRegion(t *testing.T) {
	closed := make(chan struct{}, 1)
	hook := func() { closed <- struct{}{} }
	testHookDropped.Store(&hook)
	defer testHookDropped.Store(nil)

	path := func() string {
		r, err := CreateIn(t.TempDir(), 10)
		if err != nil {
			t.Fatal(err)
		}
		return r.Path()
	}()
	runtime.GC()
	select {
	case <-closed:
	case <-time.After(time.Minute): // a bound, not a synchronization
		t.Fatal("the cleanup did not run")
	}
	if _, err := os.Stat(path); !os.IsNotExist(err) {
		t.Errorf("dropped region's file %s still exists (%v)", path, err)
	}
}
