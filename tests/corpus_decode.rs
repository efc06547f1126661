//! Decoder behaviour without Go: accepted spellings, refusals with the line at fault, and
//! robustness on arbitrary input (tests/corpus_go.rs compares all of this with real Go).

mod corpus_support;

use corpus_support::*;
use gofuzz_shm::corpus::{decode, encode, DecodeError, DecodeErrorKind, Value};

fn one(line: &str) -> Result<Value, DecodeError> {
    let file = format!("go test fuzz v1\n{line}\n");
    decode(file.as_bytes()).map(|mut v| {
        assert_eq!(v.len(), 1, "{line}");
        v.remove(0)
    })
}

fn refused(line: &str) -> DecodeErrorKind {
    let err = one(line).expect_err(line);
    assert_eq!(err.line(), 2, "{line}: {err}");
    err.kind().clone()
}

#[test]
fn file_level_errors_name_line_1() {
    for (input, kind) in [
        (&b""[..], DecodeErrorKind::Empty),
        (b"go test fuzz v1", DecodeErrorKind::NoNewline),
        (
            b"go test fuzz v2\nint(1)\n",
            DecodeErrorKind::UnknownVersion,
        ),
        (
            b" go test fuzz v1\nint(1)\n",
            DecodeErrorKind::UnknownVersion,
        ),
        (
            b"go test fuzz v1 \nint(1)\n",
            DecodeErrorKind::UnknownVersion,
        ),
        (
            b"go test fuzz v1\r\r\nint(1)\n",
            DecodeErrorKind::UnknownVersion,
        ),
        (
            b"\xef\xbb\xbfgo test fuzz v1\nint(1)\n",
            DecodeErrorKind::UnknownVersion,
        ),
    ] {
        let err = decode(input).unwrap_err();
        assert_eq!(err.line(), 1, "{err}");
        assert_eq!(*err.kind(), kind, "{err}");
        assert!(err.to_string().starts_with("corpus line 1: "), "{err}");
    }
}

#[test]
fn value_errors_name_their_line() {
    let file = b"go test fuzz v1\r\n\r\nint(1)\n\n  bool(true)  \nint8(128)\nint(2)\n";
    let err = decode(file).unwrap_err();
    assert_eq!(err.line(), 6);
    assert_eq!(*err.kind(), DecodeErrorKind::OutOfRange);
    assert_eq!(err.excerpt(), "int8(128)");
    assert_eq!(
        err.to_string(),
        "corpus line 6: value out of range for the type in \"int8(128)\""
    );
    let boxed: Box<dyn std::error::Error> = Box::new(err);
    assert!(boxed.source().is_none());
}

#[test]
fn excerpts_quote_bytes_as_go_does() {
    // A raw byte that is not UTF-8 is written \x89 (Go's %q), never U+FFFD; quotes and
    // non-printable characters are escaped as Go escapes them.
    let err = decode(b"go test fuzz v1\n[]byte(\"\x89PNG\")\xe2\x80\x8b\n").unwrap_err();
    assert_eq!(err.line(), 2);
    assert_eq!(err.excerpt(), r#"[]byte(\"\x89PNG\")\u200b"#);
    let text = err.to_string();
    assert!(
        text.ends_with(r#" in "[]byte(\"\x89PNG\")\u200b""#),
        "{text}"
    );
    assert!(!text.contains('\u{fffd}'), "{text}");
    // Cut after 60 characters (an invalid byte counts as one), the ellipsis outside the quotes.
    let mut long = b"go test fuzz v1\nstring(\"".to_vec();
    long.extend([0xff; 70]);
    long.extend(b"\")\n");
    let text = decode(&long).unwrap_err().to_string();
    let want = format!(r#" in "string(\"{}"…"#, r"\xff".repeat(52));
    assert!(text.ends_with(&want), "{text}");
}

#[test]
fn refusals_and_their_kinds() {
    use DecodeErrorKind::*;
    let wrong = |line: &str| matches!(refused(line), WrongLiteral(_));
    let syntax = |line: &str| matches!(refused(line), Syntax(_));
    assert!(wrong("uint8('A')"));
    assert!(wrong("int(1.5)"));
    assert!(wrong("int(+5)"));
    assert!(wrong("uint(-1)"));
    assert!(wrong("uint(-0)"));
    assert!(wrong("float64(0x10)"));
    assert!(wrong("float64(0b1)"));
    assert!(wrong("bool(1)"));
    assert!(wrong("string('a')"));
    assert!(wrong("[]byte(-\"a\")"));
    assert!(wrong("rune(-'a')"));
    assert!(wrong("float64(nan)"));
    assert!(wrong("float64(-NaN)"));
    assert!(wrong("int32('a')"));
    assert!(wrong("math.Float64frombits(1.5)"));
    assert!(wrong("float64(5i)"));
    assert_eq!(refused("int8(128)"), OutOfRange);
    assert_eq!(refused("byte('Ā')"), OutOfRange);
    assert_eq!(refused("byte(256)"), OutOfRange);
    assert_eq!(refused("float32(1e39)"), OutOfRange);
    assert_eq!(refused("float64(1e309)"), OutOfRange);
    assert_eq!(refused("int(9223372036854775808)"), OutOfRange);
    assert_eq!(refused("math.Float32frombits(0x100000000)"), OutOfRange);
    assert_eq!(refused("uintptr(1)"), UnsupportedType);
    assert_eq!(refused("[]uint8(\"\")"), UnsupportedType);
    assert_eq!(refused("math.Sqrt(2)"), UnsupportedType);
    assert!(syntax("int(5"));
    assert!(syntax("int(5, 6)"));
    assert!(syntax("int((5))"));
    assert!(syntax("(int)(5)"));
    assert!(syntax("int(5);"));
    assert!(syntax("int(08)"));
    assert!(syntax("int(1__0)"));
    assert!(syntax("string(\"\\q\")"));
    assert!(syntax("string(\"\\'\")"));
    assert!(syntax("rune('ab')"));
    assert!(syntax("rune('\\ud800')"));
    assert!(syntax("string(\"\u{feff}\")"));
    assert!(syntax("int(5)\u{feff}"));
    assert!(syntax("float64(--Inf)"));
    assert!(syntax("int(/*line x:0*/5)"));
    assert!(syntax("int(5) /*"));
    assert!(matches!(
        decode(b"go test fuzz v1\nstring(\"\xff\")\n")
            .unwrap_err()
            .kind(),
        Syntax(_)
    ));
    assert!(matches!(
        decode(b"go test fuzz v1\nint(5)\x00\n").unwrap_err().kind(),
        Syntax(_)
    ));
}

#[test]
fn accepted_spellings() {
    let f64_bits = |line: &str| match one(line).unwrap() {
        Value::Float64(f) => f.to_bits(),
        other => panic!("{line}: {other:?}"),
    };
    assert_eq!(one("int(-0x10)").unwrap(), Value::Int(-16));
    assert_eq!(one("int(1_000)").unwrap(), Value::Int(1000));
    assert_eq!(one("int(0o17)").unwrap(), Value::Int(15));
    assert_eq!(one("int(017)").unwrap(), Value::Int(15));
    assert_eq!(one("int(0b101)").unwrap(), Value::Int(5));
    assert_eq!(one("int(5 ...)").unwrap(), Value::Int(5));
    assert_eq!(one("int(5,)").unwrap(), Value::Int(5));
    assert_eq!(one("int( - /* c */ 5 ) // x").unwrap(), Value::Int(-5));
    assert_eq!(one("\u{feff}int(5)").unwrap(), Value::Int(5));
    assert_eq!(one("uint8(7)").unwrap(), Value::Uint8(7));
    assert_eq!(one("byte(7)").unwrap(), Value::Byte(7));
    assert_eq!(one("byte('\\377')").unwrap(), Value::Byte(255));
    assert_eq!(one("byte('ÿ')").unwrap(), Value::Byte(255));
    assert_eq!(one("rune(-5)").unwrap(), Value::Rune(-5));
    assert_eq!(one("rune('\\xff')").unwrap(), Value::Rune(255));
    assert_eq!(one("int32(-5)").unwrap(), Value::Int32(-5));
    assert_eq!(
        one("string(`a\\n`)").unwrap(),
        Value::String(b"a\\n".to_vec())
    );
    assert_eq!(
        one("string(\"\\a\\b\\f\\n\\r\\t\\v\\\\\\\"\\x00\\101\\u00e9\\U0001F600\")").unwrap(),
        Value::String("\x07\x08\x0c\n\r\t\x0b\\\"\x00Aé😀".as_bytes().to_vec())
    );
    assert_eq!(one("[]byte(\"\\xff\")").unwrap(), Value::Bytes(vec![0xff]));
    assert_eq!(one("bool(false)").unwrap(), Value::Bool(false));
    assert_eq!(f64_bits("float64(017)"), 17f64.to_bits());
    assert_eq!(f64_bits("float64(-0)"), (-0f64).to_bits());
    assert_eq!(f64_bits("float64(NaN)"), 0x7ff8_0000_0000_0001);
    assert_eq!(f64_bits("float64(!Inf)"), f64::INFINITY.to_bits());
    assert_eq!(f64_bits("float64(<-Inf)"), f64::INFINITY.to_bits());
    assert_eq!(f64_bits("float64(- Inf)"), f64::NEG_INFINITY.to_bits());
    assert_eq!(f64_bits("float64(0x1.8p1)"), 3f64.to_bits());
    assert_eq!(f64_bits("float64(1e-400)"), 0);
    assert_eq!(
        f64_bits("math.Float64frombits(0x7ff8000000000002)"),
        0x7ff8_0000_0000_0002
    );
    assert_eq!(
        one("float32(NaN)").unwrap(),
        Value::Float32(f32::from_bits(0x7fc0_0000))
    );
    assert_eq!(
        one("math.Float32frombits(0x7fc00001)").unwrap(),
        Value::Float32(f32::from_bits(0x7fc0_0001))
    );
    // Blank lines, CRLF, Unicode spaces around values, no final newline.
    let values =
        decode(b"go test fuzz v1\r\n\r\n\xc2\xa0int(1)\xe2\x80\xa8\r\n\n\tint(2)").unwrap();
    assert_eq!(values, vec![Value::Int(1), Value::Int(2)]);
}

#[test]
fn arbitrary_input_never_panics_and_reencodes() {
    let mut rng = Rng::new(99);
    let mut accepted = 0;
    for i in 0..100_000 {
        let file = if i % 2 == 0 {
            random_file(&mut rng, &mut random_line)
        } else {
            let n = rng.index(64);
            (0..n).map(|_| rng.next_u64() as u8).collect()
        };
        if let Ok(values) = decode(&file) {
            accepted += 1;
            let again = decode(&encode(&values)).expect("our own encoding decodes");
            let normalized: Vec<Value> = values.iter().map(Value::normalized).collect();
            assert_eq!(again, normalized);
        }
    }
    assert!(accepted > 1000, "only {accepted} inputs decoded");
}
