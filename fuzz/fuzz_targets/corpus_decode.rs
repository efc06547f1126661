//! Fuzzes the corpus decoder with arbitrary bytes.
//!
//! Properties: `decode` never panics; whatever it accepts re-encodes to bytes that decode to
//! the same values bit for bit (after `Value::normalized`, since Go's encoder spells `uint8`
//! as `byte(…)` and valid `int32` runes as `rune(…)`); and encoding is a fixpoint.
#![no_main]

use gofuzz_shm::corpus::{decode, encode, Value};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(values) = decode(data) else { return };
    let encoded = encode(&values);
    let again = match decode(&encoded) {
        Ok(v) => v,
        Err(e) => panic!(
            "our own encoding does not decode: {e}\n{}",
            String::from_utf8_lossy(&encoded)
        ),
    };
    let normalized: Vec<Value> = values.iter().map(Value::normalized).collect();
    assert_eq!(again, normalized, "decode(encode(decode(x))) != decode(x)");
    assert_eq!(encode(&again), encoded, "encode is not a fixpoint");
});
