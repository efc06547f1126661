package workerprobe

import (
	"bytes"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"strconv"
)

// entryHeader is the first line of every corpus entry.
const entryHeader = "go test fuzz v1"

// DecodeEntry decodes a corpus entry ("go test fuzz v1" followed by one Go conversion
// expression per line) whose arguments have the given types, each one of "[]byte", "string",
// "int64" or "bool". It accepts exactly what a fuzz target with those argument types accepts
// from Go's encoder: the type name as written, a literal of the matching kind, one per line.
func DecodeEntry(b []byte, types ...string) ([]any, error) {
	lines := bytes.Split(b, []byte("\n"))
	if len(lines) > 0 && len(lines[len(lines)-1]) == 0 {
		lines = lines[:len(lines)-1] // the final newline
	}
	if len(lines) == 0 || string(lines[0]) != entryHeader {
		return nil, fmt.Errorf("entry does not start with %q: %q", entryHeader, b)
	}
	lines = lines[1:]
	if len(lines) != len(types) {
		return nil, fmt.Errorf("entry has %d values, want %d: %q", len(lines), len(types), b)
	}
	vals := make([]any, len(types))
	for i, line := range lines {
		v, err := decodeLine(string(line), types[i])
		if err != nil {
			return nil, fmt.Errorf("value %d %q: %v", i, line, err)
		}
		vals[i] = v
	}
	return vals, nil
}

func decodeLine(line, typ string) (any, error) {
	expr, err := parser.ParseExpr(line)
	if err != nil {
		return nil, err
	}
	call, ok := expr.(*ast.CallExpr)
	if !ok || len(call.Args) != 1 || call.Ellipsis.IsValid() {
		return nil, fmt.Errorf("not a conversion T(x)")
	}
	if got := typeName(call.Fun); got != typ {
		return nil, fmt.Errorf("type %q, want %q", got, typ)
	}
	arg := call.Args[0]
	switch typ {
	case "[]byte", "string":
		lit, ok := arg.(*ast.BasicLit)
		if !ok || lit.Kind != token.STRING {
			return nil, fmt.Errorf("not a string literal")
		}
		s, err := strconv.Unquote(lit.Value)
		if err != nil {
			return nil, err
		}
		if typ == "string" {
			return s, nil
		}
		return []byte(s), nil
	case "int64":
		sign := ""
		if u, ok := arg.(*ast.UnaryExpr); ok && (u.Op == token.SUB || u.Op == token.ADD) {
			sign, arg = u.Op.String(), u.X
		}
		lit, ok := arg.(*ast.BasicLit)
		if !ok || lit.Kind != token.INT {
			return nil, fmt.Errorf("not an integer literal")
		}
		return strconv.ParseInt(sign+lit.Value, 0, 64)
	case "bool":
		id, ok := arg.(*ast.Ident)
		if !ok || (id.Name != "true" && id.Name != "false") {
			return nil, fmt.Errorf("not true or false")
		}
		return id.Name == "true", nil
	}
	return nil, fmt.Errorf("unsupported type %q", typ)
}

func typeName(e ast.Expr) string {
	switch e := e.(type) {
	case *ast.Ident:
		return e.Name
	case *ast.ArrayType:
		if e.Len == nil {
			if id, ok := e.Elt.(*ast.Ident); ok {
				return "[]" + id.Name
			}
		}
	case *ast.ParenExpr:
		return typeName(e.X)
	}
	return fmt.Sprintf("%T", e)
}
