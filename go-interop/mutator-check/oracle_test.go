// Package mutatorcheck gives the Rust tests access to Go's own mutator
// (internal/fuzz's newMutator, (*pcgRand).restore and (*mutator).mutate, the code a
// `go test -fuzz` worker and its coordinator run), so that gofuzz-shm's mutator is compared
// with Go itself.
//
// The functions are internal to the standard library, so they are reached with go:linkname,
// which Go 1.23+ only allows with the linker flag -checklinkname=0 (older linkers do not know
// the flag and need none):
//
//	go test -c -ldflags=-checklinkname=0 -o mutator-oracle.test .
//	MUTATOR_ORACLE_IN=requests MUTATOR_ORACLE_OUT=responses ./mutator-oracle.test -test.run=TestOracle
//
// Each request line is one rebuild, as Go's coordinator does it after a fuzz call:
//
//	<randState hex> <randInc hex> <count> <maxBytes> <hex of the encoded corpus entry>
//
// The entry is decoded with Go's decoder, the generator restored, and the values mutated
// ((count-1)%5)+1 times with maxBytes. The response line is the hex of Go's encoding of the
// result, or "panic <message>" when Go's mutator panicked. As in a worker, one mutator is kept
// per (number of values, maxBytes), so its scratch buffer carries over from case to case.
package mutatorcheck

import (
	"bufio"
	"encoding/hex"
	"fmt"
	"os"
	"strconv"
	"strings"
	"testing"
	"unsafe"
)

// mutator mirrors internal/fuzz.mutator (unchanged from Go 1.18 to 1.26): the generator as
// an interface value, then the scratch slice.
type mutator struct {
	r       iface
	scratch []byte
}

type iface struct {
	tab  unsafe.Pointer
	data unsafe.Pointer // *internal/fuzz.pcgRand
}

//go:linkname newMutator internal/fuzz.newMutator
func newMutator() *mutator

//go:linkname mutate internal/fuzz.(*mutator).mutate
func mutate(m *mutator, vals []interface{}, maxBytes int)

//go:linkname restore internal/fuzz.(*pcgRand).restore
func restore(r unsafe.Pointer, randState, randInc uint64)

//go:linkname marshalCorpusFile internal/fuzz.marshalCorpusFile
func marshalCorpusFile(vals ...interface{}) []byte

//go:linkname unmarshalCorpusFile internal/fuzz.unmarshalCorpusFile
func unmarshalCorpusFile(b []byte) ([]interface{}, error)

const chainedMutations = 5

type key struct{ values, maxBytes int }

func TestOracle(t *testing.T) {
	inPath, outPath := os.Getenv("MUTATOR_ORACLE_IN"), os.Getenv("MUTATOR_ORACLE_OUT")
	if inPath == "" || outPath == "" {
		t.Skip("MUTATOR_ORACLE_IN and MUTATOR_ORACLE_OUT not set")
	}
	in, err := os.Open(inPath)
	if err != nil {
		t.Fatal(err)
	}
	defer in.Close()
	out, err := os.Create(outPath)
	if err != nil {
		t.Fatal(err)
	}
	defer out.Close()
	w := bufio.NewWriter(out)
	defer w.Flush()

	mutators := map[key]*mutator{}
	sc := bufio.NewScanner(in)
	sc.Buffer(make([]byte, 1<<20), 64<<20)
	for n := 1; sc.Scan(); n++ {
		f := strings.Fields(sc.Text())
		if len(f) != 5 {
			t.Fatalf("request %d: malformed %q", n, sc.Text())
		}
		state, err1 := strconv.ParseUint(f[0], 16, 64)
		inc, err2 := strconv.ParseUint(f[1], 16, 64)
		count, err3 := strconv.ParseInt(f[2], 10, 64)
		maxBytes, err4 := strconv.Atoi(f[3])
		data, err5 := hex.DecodeString(f[4])
		for _, err := range []error{err1, err2, err3, err4, err5} {
			if err != nil {
				t.Fatalf("request %d: %v", n, err)
			}
		}
		vals, err := unmarshalCorpusFile(data)
		if err != nil {
			t.Fatalf("request %d: Go cannot decode the entry: %v", n, err)
		}
		k := key{len(vals), maxBytes}
		m := mutators[k]
		if m == nil {
			m = newMutator()
			mutators[k] = m
		}
		fmt.Fprintln(w, rebuild(m, vals, state, inc, count, maxBytes))
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
}

// rebuild does what the coordinator's workerClient.fuzz does with a worker's saved state.
func rebuild(m *mutator, vals []interface{}, state, inc uint64, count int64, maxBytes int) (line string) {
	defer func() {
		if p := recover(); p != nil {
			line = fmt.Sprintf("panic %v", p)
		}
	}()
	restore(m.r.data, state, inc)
	for i := int64(0); i < ((count-1)%chainedMutations)+1; i++ {
		mutate(m, vals, maxBytes)
	}
	return hex.EncodeToString(marshalCorpusFile(vals...))
}
