//! From the engine's bytes to the corpus entry a Go worker runs.

use gofuzz_shm::corpus::{self, Value};
use gofuzz_shm::signature::Signature;

/// Turns the raw bytes LibAFL mutates into the encoded corpus entry (`go test fuzz v1` and one
/// line per argument) that the Go worker runs. The mapping must be deterministic: the same
/// bytes always give the same entry, so that a saved input reproduces.
pub trait EntryEncoder {
    /// Writes the entry for `bytes` into `entry` (cleared first by the caller).
    fn encode_entry(&mut self, bytes: &[u8], entry: &mut Vec<u8>);

    /// The inverse, where there is one: the engine bytes that encode to `entry` (for seeds, and
    /// for inputs Go's mutator made inside the worker). `None` when `entry` is not of this
    /// mapping's shape, or the mapping has no inverse.
    fn bytes_of_entry(&mut self, entry: &[u8]) -> Option<Vec<u8>> {
        let _ = entry;
        None
    }
}

/// The mapping for a target whose only argument is a `[]byte`: the bytes as they are, as
/// `go test -fuzz` itself would pass them.
#[derive(Debug, Clone, Copy, Default)]
pub struct BytesEntry;

impl EntryEncoder for BytesEntry {
    fn encode_entry(&mut self, bytes: &[u8], entry: &mut Vec<u8>) {
        entry.extend_from_slice(&corpus::encode(&[Value::Bytes(bytes.to_vec())]));
    }

    fn bytes_of_entry(&mut self, entry: &[u8]) -> Option<Vec<u8>> {
        match <[Value; 1]>::try_from(corpus::decode(entry).ok()?) {
            Ok([Value::Bytes(bytes)]) => Some(bytes),
            _ => None,
        }
    }
}

/// A target of any argument types: gofuzz-shm's byte mapping (fixed-width values from a
/// little-endian header, `[]byte`/`string` values from the rest), the identity for a lone
/// `[]byte` or `string`.
impl EntryEncoder for Signature {
    fn encode_entry(&mut self, bytes: &[u8], entry: &mut Vec<u8>) {
        entry.extend_from_slice(&self.entry_from_bytes(bytes));
    }

    fn bytes_of_entry(&mut self, entry: &[u8]) -> Option<Vec<u8>> {
        self.bytes_from_entry(entry).ok()
    }
}

impl<F: FnMut(&[u8], &mut Vec<u8>)> EntryEncoder for F {
    fn encode_entry(&mut self, bytes: &[u8], entry: &mut Vec<u8>) {
        self(bytes, entry)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bytes_entry_is_the_go_encoding() {
        let mut entry = Vec::new();
        BytesEntry.encode_entry(b"a\x00", &mut entry);
        assert_eq!(entry, b"go test fuzz v1\n[]byte(\"a\\x00\")\n");
        assert_eq!(BytesEntry.bytes_of_entry(&entry), Some(b"a\x00".to_vec()));
        assert_eq!(
            BytesEntry.bytes_of_entry(b"go test fuzz v1\nint(1)\n"),
            None
        );
    }
}
