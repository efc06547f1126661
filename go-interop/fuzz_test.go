package gofuzzshm

import (
	"bytes"
	"errors"
	"testing"
)

// FuzzRegionOps drives the package as a sequence of calls on one region while a second
// mapping of the same file (the "peer") scribbles header bytes, as a buggy process would.
// Properties: every call returns nil or one of the documented sentinels, never panics; a
// successful SetValue is read back exactly by both mappings; Value never returns more bytes
// than the capacity.
//
// Run briefly in `make test` (go-interop/run-tests.sh) and longer with
//
//	go-interop/run-tests.sh go test -run='^$' -fuzz=FuzzRegionOps -fuzztime=5m .
func FuzzRegionOps(f *testing.F) {
	f.Add(uint16(64), []byte{0, 5, 0, 3, 2, 0, 1, 9, 3, 8, 200, 4})
	f.Add(uint16(0), []byte{0, 1, 1, 0, 2})
	f.Add(uint16(4096), []byte{3, 8, 255, 3, 16, 1, 2, 0, 200, 0})
	f.Fuzz(func(t *testing.T, capacity uint16, ops []byte) {
		dir := t.TempDir()
		r, err := CreateIn(dir, int(capacity%4097))
		if err != nil {
			t.Fatal(err)
		}
		defer r.Close()
		peer, err := MapFD(r.Fd(), 0)
		if err != nil {
			t.Fatal(err)
		}
		defer peer.Close()

		payload := make([]byte, 8192)
		for i := range payload {
			payload[i] = byte(i * 31)
		}
		var lastSet []byte // what SetValue last wrote, while nobody scribbled since
		next := func() (byte, bool) {
			if len(ops) == 0 {
				return 0, false
			}
			b := ops[0]
			ops = ops[1:]
			return b, true
		}
		for {
			op, ok := next()
			if !ok {
				return
			}
			arg, ok := next()
			if !ok {
				return
			}
			size := int(arg) * 17 % (r.Capacity() + 32)
			switch op % 5 {
			case 0:
				err := r.SetValue(payload[:size])
				switch {
				case err == nil:
					lastSet = payload[:size]
				case errors.Is(err, ErrTooLarge) && size > r.Capacity():
				default:
					t.Fatalf("SetValue(%d bytes): %v", size, err)
				}
			case 1:
				err := r.SetValueLen(size)
				if err != nil && !(errors.Is(err, ErrTooLarge) && size > r.Capacity()) {
					t.Fatalf("SetValueLen(%d): %v", size, err)
				}
				lastSet = nil
			case 2, 3:
				reader := r
				if op%5 == 3 {
					reader = peer
				}
				v, err := reader.ValueCopy()
				switch {
				case err == nil:
					if len(v) > reader.Capacity() {
						t.Fatalf("ValueCopy returned %d bytes, capacity %d", len(v), reader.Capacity())
					}
					if lastSet != nil && !bytes.Equal(v, lastSet) {
						t.Fatalf("read back %d bytes that differ from the %d written", len(v), len(lastSet))
					}
				case errors.Is(err, ErrCorruptHeader):
					if lastSet != nil {
						t.Fatalf("corrupt header right after a successful SetValue: %v", err)
					}
				default:
					t.Fatalf("ValueCopy: %v", err)
				}
			default:
				// The peer scribbles the header: value_len, count or raw_in_mem.
				h := peer.Header()
				switch arg % 3 {
				case 0:
					h.ValueLen = int(int8(arg)) * 1000
				case 1:
					h.Count = int64(arg) << 40
				default:
					h.RawInMem = arg&1 == 1
				}
				lastSet = nil
			}
		}
	})
}
