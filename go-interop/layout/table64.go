//go:build amd64 || arm64 || ppc64 || ppc64le || s390x || riscv64 || loong64 || mips64 || mips64le

package layout

// Go's layout on 64-bit architectures: every field 8-aligned, valueLen is 8 bytes.
const (
	wantCount     = 0
	wantValueLen  = 8
	wantRandState = 16
	wantRandInc   = 24
	wantRawInMem  = 32
	wantSize      = 40
)
