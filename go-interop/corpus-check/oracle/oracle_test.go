// Package oracle gives the Rust tests access to Go's own corpus-file encoder and decoder
// (internal/fuzz.marshalCorpusFile and unmarshalCorpusFile, the functions `go test -fuzz`
// uses), so that the Rust codec is compared with Go itself, not with a reimplementation.
//
// The functions are internal to the Go standard library, so they are reached with
// go:linkname, which Go 1.23+ only allows with the linker flag -checklinkname=0:
//
//	go test -c -ldflags=-checklinkname=0 -o oracle.test ./oracle
//	CORPUS_ORACLE_IN=requests CORPUS_ORACLE_OUT=responses ./oracle.test -test.run=TestOracle
//
// Each request line gets exactly one response line, in order:
//
//	M <tab> <type> <tab> <canonical value>  ->  hex of marshalCorpusFile(value)
//	U <tab> <hex of a whole corpus file>     ->  ok <tab> <type>:<canonical value> ...
//	                                           or err <tab> <Go's error message, quoted>
//
// Types are Go's own type names ([]byte, string, bool, uint8, int32, int, ...), except that
// in M requests byte and rune are accepted as the aliases they are. Canonical values are as
// in dump_test.go of the parent package.
package oracle

import (
	"bufio"
	"encoding/hex"
	"fmt"
	"math"
	"os"
	"strconv"
	"strings"
	"testing"
	_ "unsafe" // for go:linkname
)

//go:linkname marshalCorpusFile internal/fuzz.marshalCorpusFile
func marshalCorpusFile(vals ...any) []byte

//go:linkname unmarshalCorpusFile internal/fuzz.unmarshalCorpusFile
func unmarshalCorpusFile(b []byte) ([]any, error)

func TestOracle(t *testing.T) {
	inPath, outPath := os.Getenv("CORPUS_ORACLE_IN"), os.Getenv("CORPUS_ORACLE_OUT")
	if inPath == "" || outPath == "" {
		t.Skip("CORPUS_ORACLE_IN and CORPUS_ORACLE_OUT not set")
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

	sc := bufio.NewScanner(in)
	sc.Buffer(make([]byte, 1<<20), 64<<20)
	for n := 1; sc.Scan(); n++ {
		req := strings.Split(sc.Text(), "\t")
		switch {
		case len(req) == 3 && req[0] == "M":
			v, err := parseValue(req[1], req[2])
			if err != nil {
				t.Fatalf("request %d: %v", n, err)
			}
			fmt.Fprintf(w, "%x\n", marshalCorpusFile(v))
		case len(req) == 2 && req[0] == "U":
			data, err := hex.DecodeString(req[1])
			if err != nil {
				t.Fatalf("request %d: %v", n, err)
			}
			vals, err := unmarshalCorpusFile(data)
			if err != nil {
				fmt.Fprintf(w, "err\t%q\n", err.Error())
				continue
			}
			fields := []string{"ok"}
			for _, v := range vals {
				fields = append(fields, canon(v))
			}
			fmt.Fprintln(w, strings.Join(fields, "\t"))
		default:
			t.Fatalf("request %d: malformed %q", n, sc.Text())
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
}

func parseValue(typ, s string) (any, error) {
	switch typ {
	case "[]byte":
		return hex.DecodeString(s)
	case "string":
		b, err := hex.DecodeString(s)
		return string(b), err
	case "bool":
		return strconv.ParseBool(s)
	case "float32":
		u, err := strconv.ParseUint(s, 16, 32)
		return math.Float32frombits(uint32(u)), err
	case "float64":
		u, err := strconv.ParseUint(s, 16, 64)
		return math.Float64frombits(u), err
	}
	if strings.HasPrefix(typ, "uint") || typ == "byte" {
		bits := map[string]int{"uint": 64, "uint8": 8, "byte": 8, "uint16": 16, "uint32": 32, "uint64": 64}[typ]
		u, err := strconv.ParseUint(s, 10, bits)
		switch typ {
		case "uint":
			return uint(u), err
		case "uint8", "byte":
			return uint8(u), err
		case "uint16":
			return uint16(u), err
		case "uint32":
			return uint32(u), err
		default:
			return u, err
		}
	}
	bits := map[string]int{"int": 64, "int8": 8, "int16": 16, "int32": 32, "rune": 32, "int64": 64}[typ]
	if bits == 0 {
		return nil, fmt.Errorf("unknown type %q", typ)
	}
	i, err := strconv.ParseInt(s, 10, bits)
	switch typ {
	case "int":
		return int(i), err
	case "int8":
		return int8(i), err
	case "int16":
		return int16(i), err
	case "int32", "rune":
		return int32(i), err
	default:
		return i, err
	}
}

func canon(v any) string {
	switch v := v.(type) {
	case []byte:
		return "[]byte:" + hex.EncodeToString(v)
	case string:
		return "string:" + hex.EncodeToString([]byte(v))
	case bool:
		return "bool:" + strconv.FormatBool(v)
	case float32:
		return fmt.Sprintf("float32:%08x", math.Float32bits(v))
	case float64:
		return fmt.Sprintf("float64:%016x", math.Float64bits(v))
	default:
		return fmt.Sprintf("%T:%v", v, v)
	}
}
