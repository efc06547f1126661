package layout

import (
	"encoding/binary"
	"runtime"
	"testing"
	"unsafe"
)

func TestCompilerLayoutIsTheTable(t *testing.T) {
	if Got != Want {
		t.Fatalf("GOARCH=%s: compiler layout %+v, table %+v", runtime.GOARCH, Got, Want)
	}
	t.Logf("GOARCH=%s: %+v", runtime.GOARCH, Got)
}

// The bytes a peer reads at the table's offsets are the fields written through a *Header, in
// native byte order, with valueLen exactly pointer-sized.
func TestFieldsLandAtTableOffsets(t *testing.T) {
	backing := make([]uint64, (Size+7)/8+1) // 8-aligned, like the page-aligned mapping
	buf := unsafe.Slice((*byte)(unsafe.Pointer(&backing[0])), len(backing)*8)
	for i := range buf {
		buf[i] = 0xAA
	}
	h := (*Header)(unsafe.Pointer(&buf[0]))
	h.Count = -2
	h.ValueLen = -3
	h.RandState = 0x0102030405060708
	h.RandInc = 0xF1F2F3F4F5F6F7F8
	h.RawInMem = true

	ne := binary.NativeEndian
	if got := int64(ne.Uint64(buf[Want.Count:])); got != -2 {
		t.Errorf("count at %d = %d", Want.Count, got)
	}
	var valueLen int64
	if Want.RandState-Want.ValueLen == 4 {
		valueLen = int64(int32(ne.Uint32(buf[Want.ValueLen:])))
	} else {
		valueLen = int64(ne.Uint64(buf[Want.ValueLen:]))
	}
	if valueLen != -3 {
		t.Errorf("valueLen at %d = %d", Want.ValueLen, valueLen)
	}
	if got := ne.Uint64(buf[Want.RandState:]); got != 0x0102030405060708 {
		t.Errorf("randState at %d = %#x", Want.RandState, got)
	}
	if got := ne.Uint64(buf[Want.RandInc:]); got != 0xF1F2F3F4F5F6F7F8 {
		t.Errorf("randInc at %d = %#x", Want.RandInc, got)
	}
	if got := buf[Want.RawInMem]; got != 1 {
		t.Errorf("rawInMem at %d = %d", Want.RawInMem, got)
	}
	// Nothing is written past the header: the value starts at Size.
	for i := Want.Size; i < uintptr(len(buf)); i++ {
		if buf[i] != 0xAA {
			t.Errorf("byte %d past the header was written: %#x", i, buf[i])
		}
	}
}
