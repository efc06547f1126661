//! Encode/decode round trips and the facts-table lines, without Go (tests/corpus_go.rs checks
//! the same table against real Go).

mod corpus_support;

use corpus_support::*;
use gofuzz_shm::corpus::{decode, encode, Value};

#[test]
fn facts_table_lines() {
    for (value, line) in facts_table() {
        let entry = encode(std::slice::from_ref(&value));
        let want = format!("go test fuzz v1\n{line}\n");
        assert_eq!(String::from_utf8(entry).unwrap(), want, "{value:?}");
        // And the line reads back as the same value.
        assert_eq!(decode(want.as_bytes()).unwrap(), vec![value.normalized()]);
    }
}

fn check_round_trip(values: &[Value]) {
    let bytes = encode(values);
    let back = decode(&bytes).unwrap_or_else(|e| {
        panic!("{e}\n{}", String::from_utf8_lossy(&bytes));
    });
    let want: Vec<Value> = values.iter().map(Value::normalized).collect();
    assert_eq!(back, want, "{}", String::from_utf8_lossy(&bytes));
    // Encoding is a fixpoint.
    assert_eq!(encode(&back), bytes);
}

#[test]
fn edge_values_round_trip_bit_for_bit() {
    for kind in 0..KINDS.len() {
        for v in edge_values(kind) {
            check_round_trip(&[v]);
        }
    }
    for entry in all_kinds_entries(0, 1) {
        check_round_trip(&entry);
    }
}

#[test]
fn random_values_round_trip_bit_for_bit() {
    let mut rng = Rng::new(0xC0FFEE);
    for _ in 0..20_000 {
        let n = 1 + rng.index(5);
        let values: Vec<Value> = (0..n)
            .map(|_| {
                let kind = rng.index(KINDS.len());
                random_value(&mut rng, kind)
            })
            .collect();
        check_round_trip(&values);
    }
}

#[test]
fn every_code_point_round_trips() {
    // Every code point inside strings; as rune values, planes 0 and 1 completely and a
    // sample of the rest (a debug build is slow at a million separate values).
    let all: Vec<char> = (0..=0x10_ffff).filter_map(char::from_u32).collect();
    for chunk in all.chunks(8192) {
        check_round_trip(&[Value::String(chunk.iter().collect::<String>().into_bytes())]);
    }
    let runes: Vec<i32> = (0..0x2_0000)
        .chain((0x2_0000..=0x11_0000).step_by(13))
        .chain([0x10_ffff, 0x11_0000, -1, i32::MIN, i32::MAX])
        .collect();
    for chunk in runes.chunks(4096) {
        check_round_trip(&chunk.iter().map(|&cp| Value::Rune(cp)).collect::<Vec<_>>());
    }
    check_round_trip(&[Value::Bytes((0..=255).collect())]);
}

#[test]
fn floats_round_trip_bit_for_bit() {
    let mut rng = Rng::new(7);
    for _ in 0..50_000 {
        let b64 = rng.next_u64();
        check_round_trip(&[
            Value::Float64(f64::from_bits(b64)),
            Value::Float32(f32::from_bits(b64 as u32)),
        ]);
    }
    for exp in 0..2047u64 {
        for frac in [0, 1, 2, (1 << 52) - 1, 1 << 51] {
            check_round_trip(&[Value::Float64(f64::from_bits(exp << 52 | frac))]);
        }
    }
    for exp in 0..255u32 {
        for frac in [0, 1, 2, (1 << 23) - 1, 1 << 22] {
            check_round_trip(&[Value::Float32(f32::from_bits(exp << 23 | frac))]);
        }
    }
}

#[test]
fn empty_list_is_just_the_version_line() {
    assert_eq!(encode(&[]), b"go test fuzz v1\n");
    assert_eq!(decode(b"go test fuzz v1\n").unwrap(), vec![]);
}

#[test]
fn display_is_the_line() {
    for (value, line) in facts_table() {
        assert_eq!(value.to_string(), line);
    }
}
