//! Fuzzes the corpus encoder with values built from arbitrary bytes.
//!
//! Properties: `encode` never panics; its output is UTF-8 and decodes to the normalized values
//! bit for bit (all float bit patterns, all runes, any string bytes).
#![no_main]

use gofuzz_shm::corpus::{decode, encode, Value};
use libfuzzer_sys::fuzz_target;

/// Takes `n` bytes (zero-padded) from the front of `data`.
fn take<const N: usize>(data: &mut &[u8]) -> [u8; N] {
    let mut out = [0u8; N];
    let n = N.min(data.len());
    out[..n].copy_from_slice(&data[..n]);
    *data = &data[n..];
    out
}

fn values_from(mut data: &[u8]) -> Vec<Value> {
    let mut values = Vec::new();
    while let Some((&kind, rest)) = data.split_first() {
        data = rest;
        let value = match kind % 17 {
            0 | 1 => {
                let len = usize::from(take::<1>(&mut data)[0]).min(data.len());
                let (bytes, rest) = data.split_at(len);
                data = rest;
                if kind % 17 == 0 {
                    Value::Bytes(bytes.to_vec())
                } else {
                    Value::String(bytes.to_vec())
                }
            }
            2 => Value::Bool(take::<1>(&mut data)[0] & 1 == 1),
            3 => Value::Byte(take::<1>(&mut data)[0]),
            4 => Value::Rune(i32::from_le_bytes(take(&mut data))),
            5 => Value::Int(i64::from_le_bytes(take(&mut data))),
            6 => Value::Int8(i8::from_le_bytes(take(&mut data))),
            7 => Value::Int16(i16::from_le_bytes(take(&mut data))),
            8 => Value::Int32(i32::from_le_bytes(take(&mut data))),
            9 => Value::Int64(i64::from_le_bytes(take(&mut data))),
            10 => Value::Uint(u64::from_le_bytes(take(&mut data))),
            11 => Value::Uint8(take::<1>(&mut data)[0]),
            12 => Value::Uint16(u16::from_le_bytes(take(&mut data))),
            13 => Value::Uint32(u32::from_le_bytes(take(&mut data))),
            14 => Value::Uint64(u64::from_le_bytes(take(&mut data))),
            15 => Value::Float32(f32::from_bits(u32::from_le_bytes(take(&mut data)))),
            _ => Value::Float64(f64::from_bits(u64::from_le_bytes(take(&mut data)))),
        };
        values.push(value);
    }
    values
}

fuzz_target!(|data: &[u8]| {
    let values = values_from(data);
    let encoded = encode(&values);
    assert!(
        std::str::from_utf8(&encoded).is_ok(),
        "encoding is not UTF-8"
    );
    let back = match decode(&encoded) {
        Ok(v) => v,
        Err(e) => panic!("{e}\n{}", String::from_utf8_lossy(&encoded)),
    };
    let normalized: Vec<Value> = values.iter().map(Value::normalized).collect();
    assert_eq!(back, normalized);
});
