//! The byte mapping (version 1) of `gofuzz_shm::signature`: every kind, several values, the
//! empty input, short inputs, the inverse. The Go side (real Go decoding the entries) is in
//! tests/signature_go.rs.

use gofuzz_shm::corpus::{decode, Value};
use gofuzz_shm::signature::{Kind, Signature, SignatureErrorKind, MAPPING_VERSION, SEPARATOR};

fn sig(types: &str) -> Signature {
    Signature::parse(types).unwrap()
}

#[test]
fn the_version_is_one() {
    assert_eq!(MAPPING_VERSION, 1);
    assert_eq!(SEPARATOR, *b"\xfeGO\xff");
}

#[test]
fn every_kind_alone_reads_its_little_endian_bytes() {
    let input: Vec<u8> = (1..=12).collect();
    let expect = |kind: Kind| -> Value {
        match kind {
            Kind::Bytes => Value::Bytes(input.clone()),
            Kind::String => Value::String(input.clone()),
            Kind::Bool => Value::Bool(true),
            Kind::Byte => Value::Byte(1),
            Kind::Uint8 => Value::Uint8(1),
            Kind::Int8 => Value::Int8(1),
            Kind::Int16 => Value::Int16(0x0201),
            Kind::Uint16 => Value::Uint16(0x0201),
            Kind::Rune => Value::Rune(0x0403_0201),
            Kind::Int32 => Value::Int32(0x0403_0201),
            Kind::Uint32 => Value::Uint32(0x0403_0201),
            Kind::Float32 => Value::Float32(f32::from_bits(0x0403_0201)),
            Kind::Int => Value::Int(0x0807_0605_0403_0201),
            Kind::Int64 => Value::Int64(0x0807_0605_0403_0201),
            Kind::Uint => Value::Uint(0x0807_0605_0403_0201),
            Kind::Uint64 => Value::Uint64(0x0807_0605_0403_0201),
            Kind::Float64 => Value::Float64(f64::from_bits(0x0807_0605_0403_0201)),
        }
    };
    for kind in Kind::ALL {
        let s = Signature::new(vec![kind]).unwrap();
        assert_eq!(s.values_from_bytes(&input), [expect(kind)], "{kind}");
        assert_eq!(s.is_identity(), kind.is_variable(), "{kind}");
        assert_eq!(s.header_len(), kind.width().unwrap_or(0), "{kind}");
        // The empty input is Go's zero value.
        assert_eq!(s.values_from_bytes(b""), [kind.zero()], "{kind}");
        // The inverse gives the canonical input, which maps back to the same value.
        let back = s.bytes_from_values(&[expect(kind)]).unwrap();
        assert_eq!(s.values_from_bytes(&back), [expect(kind)], "{kind}");
        // Extra input past a lone scalar is ignored.
        if let Some(width) = kind.width() {
            assert_eq!(back, input[..width], "{kind}");
        } else {
            assert_eq!(back, input, "{kind}");
        }
    }
}

#[test]
fn signed_values_and_bool_bits() {
    let s = sig("int8,int16,int32,int64,int,bool,bool");
    let mut input = Vec::new();
    input.extend_from_slice(&(-2i8).to_le_bytes());
    input.extend_from_slice(&i16::MIN.to_le_bytes());
    input.extend_from_slice(&(-3i32).to_le_bytes());
    input.extend_from_slice(&i64::MIN.to_le_bytes());
    input.extend_from_slice(&(-1i64).to_le_bytes());
    input.extend_from_slice(&[0xfe, 0x03]);
    assert_eq!(
        s.values_from_bytes(&input),
        [
            Value::Int8(-2),
            Value::Int16(i16::MIN),
            Value::Int32(-3),
            Value::Int64(i64::MIN),
            Value::Int(-1),
            Value::Bool(false),
            Value::Bool(true)
        ]
    );
    // Canonical bools are 0 and 1.
    let canonical = s.bytes_from_values(&s.values_from_bytes(&input)).unwrap();
    assert_eq!(canonical[..input.len() - 2], input[..input.len() - 2]);
    assert_eq!(canonical[input.len() - 2..], [0, 1]);
}

#[test]
fn short_input_reads_missing_bytes_as_zero() {
    let s = sig("uint32,uint16,string");
    assert_eq!(
        s.values_from_bytes(&[0xaa, 0xbb, 0xcc]),
        [
            Value::Uint32(0x00cc_bbaa),
            Value::Uint16(0),
            Value::String(vec![])
        ]
    );
    assert_eq!(
        s.values_from_bytes(&[1, 0, 0, 0, 2]),
        [Value::Uint32(1), Value::Uint16(2), Value::String(vec![])]
    );
}

#[test]
fn fixed_width_values_come_first_whatever_their_position() {
    let s = sig("string,float64,[]byte,byte,rune");
    assert_eq!(s.header_len(), 8 + 1 + 4);
    let mut input = 1.5f64.to_le_bytes().to_vec();
    input.push(b'x');
    input.extend_from_slice(&0x1F600i32.to_le_bytes());
    input.extend_from_slice(b"first");
    input.extend_from_slice(&SEPARATOR);
    input.extend_from_slice(b"second");
    let values = s.values_from_bytes(&input);
    assert_eq!(
        values,
        [
            Value::String(b"first".to_vec()),
            Value::Float64(1.5),
            Value::Bytes(b"second".to_vec()),
            Value::Byte(b'x'),
            Value::Rune(0x1F600),
        ]
    );
    assert_eq!(s.bytes_from_values(&values).unwrap(), input);
    assert_eq!(
        String::from_utf8(s.entry_from_bytes(&input)).unwrap(),
        "go test fuzz v1\nstring(\"first\")\nfloat64(1.5)\n[]byte(\"second\")\nbyte('x')\nrune('😀')\n"
    );
}

#[test]
fn inserting_into_one_variable_value_changes_only_that_value() {
    let s = sig("string,string,int64");
    let values = [
        Value::String(b"abc".to_vec()),
        Value::String(b"xyz".to_vec()),
        Value::Int64(42),
    ];
    let mut input = s.bytes_from_values(&values).unwrap();
    // Insert into the first string, as an engine's insert mutation would.
    input.insert(s.header_len() + 1, b'!');
    assert_eq!(
        s.values_from_bytes(&input),
        [
            Value::String(b"a!bc".to_vec()),
            Value::String(b"xyz".to_vec()),
            Value::Int64(42)
        ]
    );
    // Replace the int64 operand in place, as input-to-state replacement would.
    let at = input
        .windows(8)
        .position(|w| w == 42i64.to_le_bytes())
        .unwrap();
    input[at..at + 8].copy_from_slice(&0x1234_5678_9abc_def0i64.to_le_bytes());
    assert_eq!(
        s.values_from_bytes(&input)[2],
        Value::Int64(0x1234_5678_9abc_def0)
    );
}

#[test]
fn missing_separators_leave_later_values_empty_and_the_last_takes_the_rest() {
    let s = sig("[]byte,string,[]byte");
    assert_eq!(
        s.values_from_bytes(b"no separator"),
        [
            Value::Bytes(b"no separator".to_vec()),
            Value::String(vec![]),
            Value::Bytes(vec![])
        ]
    );
    let input = [
        &b"a"[..],
        &SEPARATOR,
        b"b",
        &SEPARATOR,
        b"c",
        &SEPARATOR,
        b"d",
    ]
    .concat();
    let values = s.values_from_bytes(&input);
    assert_eq!(
        values[2],
        Value::Bytes([&b"c"[..], &SEPARATOR, b"d"].concat())
    );
    assert_eq!(s.bytes_from_values(&values).unwrap(), input);
    assert_eq!(
        s.values_from_bytes(b""),
        [
            Value::Bytes(vec![]),
            Value::String(vec![]),
            Value::Bytes(vec![])
        ]
    );
}

#[test]
fn the_inverse_refuses_values_no_input_maps_to() {
    let s = sig("string,string");
    let err = s
        .bytes_from_values(&[
            Value::String([&b"x"[..], &SEPARATOR].concat()),
            Value::String(vec![]),
        ])
        .unwrap_err();
    assert_eq!(err.kind(), SignatureErrorKind::NoInverse);
    // The last value may hold it.
    let values = [
        Value::String(vec![]),
        Value::String([&b"x"[..], &SEPARATOR].concat()),
    ];
    let input = s.bytes_from_values(&values).unwrap();
    assert_eq!(s.values_from_bytes(&input), values);
}

#[test]
fn the_inverse_checks_values_like_go() {
    let s = sig("[]byte");
    let err = s
        .bytes_from_values(&[Value::Bytes(vec![]), Value::Int(1)])
        .unwrap_err();
    assert_eq!(err.kind(), SignatureErrorKind::Mismatch);
    assert_eq!(
        err.to_string(),
        "wrong number of values in corpus entry: 2, want 1"
    );
    let err = s.bytes_from_values(&[Value::String(vec![])]).unwrap_err();
    assert_eq!(
        err.to_string(),
        "mismatched types in corpus entry: [string], want [[]uint8]"
    );
    // byte = uint8 and rune = int32, as in Go.
    let s = sig("byte,rune");
    let values = [Value::Uint8(7), Value::Int32(-1)];
    let input = s.bytes_from_values(&values).unwrap();
    assert_eq!(
        s.values_from_bytes(&input),
        [Value::Byte(7), Value::Rune(-1)]
    );
}

#[test]
fn nan_payloads_survive_the_mapping_and_the_corpus_codec() {
    let s = sig("float32,float64");
    for (b32, b64) in [
        (0x7fc0_0000u32, 0x7ff8_0000_0000_0001u64),
        (0x7f80_0001, 0x7ff0_0000_0000_0001),
        (0xffc0_1234, 0xfff8_dead_beef_0000),
        (0x8000_0000, 0x8000_0000_0000_0000),
    ] {
        let input = [b32.to_le_bytes().as_slice(), &b64.to_le_bytes()].concat();
        let values = s.values_from_bytes(&input);
        let decoded = decode(&s.entry_from_bytes(&input)).unwrap();
        assert_eq!(decoded, values);
        assert_eq!(s.bytes_from_values(&decoded).unwrap(), input);
    }
}

#[test]
fn parse_display_and_entries() {
    let s = sig(" string , int64,bool ");
    assert_eq!(s.to_string(), "string,int64,bool");
    assert_eq!(s.kinds(), [Kind::String, Kind::Int64, Kind::Bool]);
    assert_eq!(sig("[]uint8").to_string(), "[]byte");
    for bad in ["", " ", "string,", ",int", "int,uintptr", "[]string"] {
        let err = Signature::parse(bad).unwrap_err();
        assert_eq!(err.kind(), SignatureErrorKind::Parse, "{bad:?}");
    }
    let all: Vec<&str> = Kind::ALL.iter().map(|k| k.name()).collect();
    let every = sig(&all.join(","));
    assert_eq!(every.to_string(), all.join(","));

    let from =
        Signature::from_entry(b"go test fuzz v1\nstring(\"a\")\nint64(1)\nbyte('x')\n").unwrap();
    assert_eq!(from.to_string(), "string,int64,byte");
    assert!(from.same_types(&sig("string,int64,uint8")));
    assert!(!from.same_types(&sig("string,int,uint8")));
    assert_eq!(
        Signature::from_entry(b"go test fuzz v1\n")
            .unwrap_err()
            .kind(),
        SignatureErrorKind::Entry
    );
    assert_eq!(
        Signature::from_entry(b"go test fuzz v2\n")
            .unwrap_err()
            .kind(),
        SignatureErrorKind::Entry
    );
}

#[test]
fn every_kind_together_round_trips_through_the_corpus_codec() {
    let all: Vec<&str> = Kind::ALL.iter().map(|k| k.name()).collect();
    let s = sig(&all.join(","));
    assert_eq!(
        s.header_len(),
        1 + 1 + 4 + 8 + 1 + 2 + 4 + 8 + 8 + 1 + 2 + 4 + 8 + 4 + 8
    );
    let mut input: Vec<u8> = (0..s.header_len() as u8)
        .map(|b| b.wrapping_mul(37))
        .collect();
    input.extend_from_slice(b"bytes\x00\xff");
    input.extend_from_slice(&SEPARATOR);
    input.extend_from_slice("string é".as_bytes());
    let values = s.values_from_bytes(&input);
    assert_eq!(values.len(), 17);
    for (kind, value) in s.kinds().iter().zip(&values) {
        assert_eq!(Kind::of(value), *kind);
    }
    let decoded = decode(&s.entry_from_bytes(&input)).unwrap();
    s.check(&decoded).unwrap();
    assert_eq!(
        decoded,
        values.iter().map(Value::normalized).collect::<Vec<_>>()
    );
    assert_eq!(s.bytes_from_values(&decoded).unwrap(), input);
}

#[test]
fn zero_input_seeds_every_value() {
    let s = sig("string,int,[]byte,string");
    let zero = s.zero_input();
    assert_eq!(zero.len(), 8 + 2 * SEPARATOR.len());
    assert_eq!(
        s.values_from_bytes(&zero),
        s.kinds().iter().map(|k| k.zero()).collect::<Vec<_>>()
    );
    assert_eq!(sig("string").zero_input(), b"");
}

#[test]
fn spans_locate_every_value_in_the_input() {
    let s = sig("string,int16,[]byte,bool,string");
    let inputs: Vec<Vec<u8>> = vec![
        vec![],
        vec![1],
        vec![1, 2, 3, 4],
        [&[1u8, 2, 3][..], b"ab", &SEPARATOR, b"cd", &SEPARATOR, b"e"].concat(),
        [&[1u8, 2, 3][..], &SEPARATOR, &SEPARATOR, &SEPARATOR].concat(),
        [&[1u8, 2, 3][..], b"only"].concat(),
    ];
    for input in inputs {
        let spans = s.spans(&input);
        let values = s.values_from_bytes(&input);
        assert_eq!(spans.len(), values.len());
        for (kind, (span, value)) in s.kinds().iter().zip(spans.iter().zip(&values)) {
            match value {
                Value::Bytes(b) | Value::String(b) => assert_eq!(&input[span.clone()], &b[..]),
                _ => {
                    assert_eq!(span.len(), kind.width().unwrap());
                    let mut padded = input.clone();
                    padded.resize(padded.len().max(span.end), 0);
                    let alone = Signature::new(vec![*kind]).unwrap();
                    assert_eq!(
                        alone.values_from_bytes(&padded[span.clone()]),
                        std::slice::from_ref(value)
                    );
                }
            }
        }
    }
}
