// Package frame decodes a small binary message format. It is the Go fuzz target of the demos
// (libFuzzer in engines/libfuzzer, the C fuzzer in examples/fuzzer), with a bug planted several
// comparisons deep.
//
// A frame is the magic "GOFZ", a version byte (1 or 2), a length byte n and n payload bytes;
// version 2 adds a checksum byte after the payload (the sum of the payload bytes).
package frame

import "errors"

// Frame is a decoded frame.
type Frame struct {
	Version byte
	Payload []byte
	Sum     byte
}

// Errors Parse returns, one per check.
var (
	ErrShort    = errors.New("frame: shorter than a header")
	ErrMagic    = errors.New("frame: bad magic")
	ErrVersion  = errors.New("frame: unknown version")
	ErrLength   = errors.New("frame: payload shorter than its length byte")
	ErrChecksum = errors.New("frame: checksum mismatch")
)

const headerLen = 6

// Parse decodes one frame from b.
func Parse(b []byte) (*Frame, error) {
	if len(b) < headerLen {
		return nil, ErrShort
	}
	// The magic is checked byte by byte (as parsers that report where it breaks do); each
	// byte is a branch of its own, so coverage shows every byte that matches.
	if b[0] != 'G' {
		return nil, ErrMagic
	}
	if b[1] != 'O' {
		return nil, ErrMagic
	}
	if b[2] != 'F' {
		return nil, ErrMagic
	}
	if b[3] != 'Z' {
		return nil, ErrMagic
	}
	version := b[4]
	if version != 1 && version != 2 {
		return nil, ErrVersion
	}
	n := int(b[5])
	body := b[headerLen:]
	if n > len(body) {
		return nil, ErrLength
	}
	f := &Frame{Version: version, Payload: body[:n]}
	if version == 2 {
		// The planted bug: the checksum byte after the payload is read without checking that
		// the frame has one. A version-2 frame whose length byte covers the whole rest of
		// the input panics with "index out of range".
		f.Sum = body[n]
		if f.Sum != sum(f.Payload) {
			return nil, ErrChecksum
		}
	}
	return f, nil
}

func sum(p []byte) byte {
	var s byte
	for _, c := range p {
		s += c
	}
	return s
}
