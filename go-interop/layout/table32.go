//go:build 386 || arm || mips || mipsle

package layout

// Go's layout on 32-bit architectures: valueLen is 4 bytes and Go aligns the 8-byte fields
// only to 4, so randState follows valueLen directly (C on 32-bit ARM would put it at 16).
const (
	wantCount     = 0
	wantValueLen  = 8
	wantRandState = 12
	wantRandInc   = 20
	wantRawInMem  = 28
	wantSize      = 32
)
