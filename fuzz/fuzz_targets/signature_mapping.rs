//! Fuzzes the signature byte mapping: the first bytes choose a signature (1 to 8 kinds), the
//! rest is the engine input.
//!
//! Properties: `values_from_bytes` never panics and gives values of the signature's kinds;
//! `spans` locates each value in the input;
//! `entry_from_bytes` decodes (with our decoder, checked against Go's by tests/corpus_go.rs
//! and tests/signature_go.rs) to the same values; the inverse exists for every mapped value
//! list and maps back to the same values.
#![no_main]

use gofuzz_shm::corpus::{decode, Value};
use gofuzz_shm::signature::{Kind, Signature};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((&count, rest)) = data.split_first() else {
        return;
    };
    let count = usize::from(count % 8) + 1;
    if rest.len() < count {
        return;
    }
    let (choice, input) = rest.split_at(count);
    let kinds: Vec<Kind> = choice
        .iter()
        .map(|&c| Kind::ALL[usize::from(c) % Kind::ALL.len()])
        .collect();
    let sig = Signature::new(kinds).unwrap();

    let values = sig.values_from_bytes(input);
    sig.check(&values).unwrap();
    for (kind, value) in sig.kinds().iter().zip(&values) {
        assert_eq!(Kind::of(value), *kind);
    }
    // Each value's span holds its bytes (variable-length) or has its width (fixed).
    for ((kind, value), span) in sig.kinds().iter().zip(&values).zip(sig.spans(input)) {
        match value {
            Value::Bytes(b) | Value::String(b) => assert_eq!(&input[span], &b[..]),
            _ => assert_eq!(Some(span.len()), kind.width()),
        }
    }
    let entry = sig.entry_from_bytes(input);
    let decoded =
        decode(&entry).unwrap_or_else(|e| panic!("{e}\n{}", String::from_utf8_lossy(&entry)));
    let normalized: Vec<Value> = values.iter().map(Value::normalized).collect();
    assert_eq!(decoded, normalized);

    // Mapped values never hold the separator inside a value other than the last, so the
    // inverse always exists, and the canonical input is a fixed point.
    let back = sig
        .bytes_from_values(&decoded)
        .unwrap_or_else(|e| panic!("no inverse for mapped values: {e}"));
    assert_eq!(sig.values_from_bytes(&back), values);
    assert_eq!(sig.bytes_from_values(&values).unwrap(), back);
});
