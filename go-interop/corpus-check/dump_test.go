package corpuscheck

import (
	"encoding/hex"
	"fmt"
	"math"
	"os"
	"strings"
	"sync"
	"testing"
)

// The canonical text form of each value, shared with the Rust tests:
// []byte and string as lowercase hex (empty for an empty value), bool as true/false,
// integers in decimal, floats as the hex of their IEEE bits (8 or 16 digits).

func canonBytes(b []byte) string    { return hex.EncodeToString(b) }
func canonFloat32(f float32) string { return fmt.Sprintf("%08x", math.Float32bits(f)) }
func canonFloat64(f float64) string { return fmt.Sprintf("%016x", math.Float64bits(f)) }

var dumpMu sync.Mutex

// dump appends one line "<test name>\t<value>\t<value>..." to $CORPUS_CHECK_DUMP, if set.
func dump(t *testing.T, fields ...string) {
	path := os.Getenv("CORPUS_CHECK_DUMP")
	if path == "" {
		return
	}
	dumpMu.Lock()
	defer dumpMu.Unlock()
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o644)
	if err != nil {
		t.Fatalf("open dump file: %v", err)
	}
	defer f.Close()
	line := t.Name() + "\t" + strings.Join(fields, "\t") + "\n"
	if _, err := f.WriteString(line); err != nil {
		t.Fatalf("write dump file: %v", err)
	}
}
