package workerprobe

import (
	"reflect"
	"testing"
)

func TestDecodeEntry(t *testing.T) {
	types := []string{"[]byte", "string", "int64", "bool"}
	good := "go test fuzz v1\n[]byte(\"\\x00\\xff\\n\")\nstring(\"é\\u200b\")\nint64(-9223372036854775808)\nbool(true)\n"
	got, err := DecodeEntry([]byte(good), types...)
	want := []any{[]byte{0, 0xff, '\n'}, "é\u200b", int64(-1 << 63), true}
	if err != nil || !reflect.DeepEqual(got, want) {
		t.Fatalf("DecodeEntry = %#v, %v; want %#v", got, err, want)
	}
	for _, bad := range []string{
		"",
		"go test fuzz v2\n[]byte(\"\")\nstring(\"\")\nint64(0)\nbool(false)\n",
		"go test fuzz v1\n[]byte(\"\")\nstring(\"\")\nint64(0)\n",
		"go test fuzz v1\n[]byte(\"\")\nstring(\"\")\nint64(0)\nbool(false)\nbool(false)\n",
		"go test fuzz v1\nstring(\"\")\nstring(\"\")\nint64(0)\nbool(false)\n",
		"go test fuzz v1\n[]byte(\"\")\nstring(\"\")\nint64(9223372036854775808)\nbool(false)\n",
		"go test fuzz v1\n[]byte(\"\")\nstring(\"\")\nint64(0)\nbool(1)\n",
		"go test fuzz v1\n[]byte(\"\\q\")\nstring(\"\")\nint64(0)\nbool(false)\n",
	} {
		if vals, err := DecodeEntry([]byte(bad), types...); err == nil {
			t.Errorf("DecodeEntry(%q) = %#v, want an error", bad, vals)
		}
	}
}
