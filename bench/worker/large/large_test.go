// Package large links much of the standard library (about 50k coverage counters).
package large

import (
	"archive/zip"
	"bytes"
	"crypto/tls"
	"crypto/x509"
	"database/sql"
	"debug/elf"
	"encoding/json"
	"encoding/xml"
	"go/ast"
	"go/importer"
	"go/parser"
	"go/token"
	"go/types"
	"html/template"
	"image/jpeg"
	"image/png"
	"net/http"
	"net/mail"
	"net/netip"
	"regexp"
	"testing"
)

func FuzzRun(f *testing.F) {
	f.Fuzz(func(t *testing.T, b []byte) {
		if len(b) > 3 && b[0] == 'x' {
			var v any
			_ = json.Unmarshal(b, &v)
			_ = xml.Unmarshal(b, &v)
			_, _ = netip.ParseAddr(string(b))
			_, _ = regexp.Compile(string(b))
			fset := token.NewFileSet()
			if file, err := parser.ParseFile(fset, "x.go", b, 0); err == nil {
				conf := types.Config{Importer: importer.Default()}
				_, _ = conf.Check("x", fset, []*ast.File{file}, nil)
			}
			_, _ = template.New("t").Parse(string(b))
			_, _ = http.ReadRequest(nil)
			_ = tls.VersionName(uint16(len(b)))
			_, _ = x509.ParseCertificate(b)
			_, _ = zip.NewReader(bytes.NewReader(b), int64(len(b)))
			_, _ = png.Decode(bytes.NewReader(b))
			_, _ = jpeg.Decode(bytes.NewReader(b))
			_, _ = elf.NewFile(bytes.NewReader(b))
			_, _ = mail.ParseAddress(string(b))
			_, _ = sql.Open("none", string(b))
		}
	})
}
