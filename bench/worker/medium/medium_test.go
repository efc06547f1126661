// Package medium links more of the standard library (about 15k coverage counters: Go's
// counters cover the instrumented code linked in, whether the target runs it or not).
package medium

import (
	"encoding/json"
	"encoding/xml"
	"net/netip"
	"regexp"
	"testing"
	"text/template"
)

func FuzzRun(f *testing.F) {
	f.Fuzz(func(t *testing.T, b []byte) {
		if len(b) > 3 && b[0] == 'x' {
			var v any
			_ = json.Unmarshal(b, &v)
			_ = xml.Unmarshal(b, &v)
			_, _ = netip.ParseAddr(string(b))
			_, _ = regexp.Compile(string(b))
			_, _ = template.New("t").Parse(string(b))
		}
	})
}
