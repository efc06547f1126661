//! `gofuzz-shm encode` and `gofuzz-shm decode`: corpus entries from and to values and bytes.

use std::fs;
use std::io::{self, Read};
use std::path::Path;

use base64::Engine as _;
use gofuzz_shm::corpus::{self, Value};
use gofuzz_shm::signature::Signature;
use serde::Serialize;
use serde_json::json;

use crate::args::{DecodeArgs, EncodeArgs};
use crate::error::{CliError, Result};
use crate::names::write_corpus_file;
use crate::out::Out;

/// The type names a corpus line may use.
const TYPES: [&str; 17] = [
    "[]byte", "string", "bool", "byte", "rune", "int", "int8", "int16", "int32", "int64", "uint",
    "uint8", "uint16", "uint32", "uint64", "float32", "float64",
];

pub fn encode_main(args: &EncodeArgs) -> Result<u8> {
    let values = match (&args.raw, &args.types) {
        (Some(path), Some(types)) => signature(types)?.values_from_bytes(&read_input(path)?),
        (Some(path), None) => vec![Value::Bytes(read_input(path)?)],
        (None, _) => args
            .values
            .iter()
            .enumerate()
            .map(|(i, arg)| parse_value(arg).map_err(|why| bad_value(i, arg, &why)))
            .collect::<Result<Vec<_>>>()?,
    };
    let entry = corpus::encode(&values);
    let mut out = Out::new();
    if let Some(dir) = &args.to_dir {
        let path = write_corpus_file(dir, &entry)?;
        out.line(&path.display().to_string())?;
    } else if let Some(path) = &args.output {
        fs::write(path, &entry).map_err(|e| CliError::file("write", path, e))?;
    } else {
        out.write(&entry)?;
    }
    out.flush()?;
    Ok(0)
}

fn signature(types: &str) -> Result<Signature> {
    Signature::parse(types).map_err(|e| CliError::new(format!("--types: {e}")))
}

/// Values are counted from 0, as `decode --index` and Go's minimizer (`Index`) count them.
fn bad_value(index: usize, arg: &str, why: &str) -> CliError {
    CliError::new(format!("value {index} ({arg:?}): {why}"))
}

/// One VALUE argument: `TYPE(LITERAL)`, `TYPE:TEXT` or `TYPE@FILE` (see `encode --help`).
fn parse_value(arg: &str) -> Result<Value, String> {
    let split = arg
        .find(['(', ':', '@'])
        .ok_or("expected TYPE(LITERAL), TYPE:TEXT or TYPE@FILE, e.g. int(5), string:hi")?;
    let (ty, rest) = arg.split_at(split);
    let (form, text) = (rest.as_bytes()[0], &rest[1..]);
    if form == b'(' {
        // A Go expression exactly as a corpus line holds it; the codec checks it all.
        return decode_line(arg);
    }
    if !TYPES.contains(&ty) {
        return Err(format!("unknown type {ty:?} (one of {})", TYPES.join(" ")));
    }
    let is_bytes = ty == "[]byte" || ty == "string";
    let bytes = match form {
        b'@' if is_bytes => read_input(Path::new(text)).map_err(|e| e.to_string())?,
        b'@' => return Err(format!("TYPE@FILE is for []byte and string, not {ty}")),
        _ if is_bytes => text.as_bytes().to_vec(),
        _ => {
            return decode_line(&format!("{ty}({text})")).map_err(|why| {
                if why.contains("out of range") {
                    return why;
                }
                let hint = match ty {
                    "byte" | "rune" => ", e.g. byte:'x' or byte:120",
                    _ => "",
                };
                format!("{why}; after {ty}: give a Go literal{hint}")
            })
        }
    };
    Ok(if ty == "string" {
        Value::String(bytes)
    } else {
        Value::Bytes(bytes)
    })
}

/// Decodes one corpus line (a Go expression) into its value.
fn decode_line(line: &str) -> Result<Value, String> {
    if line.contains(['\n', '\r']) {
        return Err("a value cannot contain a line break (use \\n inside a Go literal)".into());
    }
    let entry = format!("{}\n{line}\n", corpus::VERSION_LINE);
    let mut values = corpus::decode(entry.as_bytes()).map_err(|e| {
        // Line 2 of the entry is the argument itself: say what is wrong, not where.
        e.kind().to_string()
    })?;
    Ok(values.remove(0))
}

/// A file's bytes, or stdin's for `-`.
fn read_input(path: &Path) -> Result<Vec<u8>> {
    if path == Path::new("-") {
        let mut data = Vec::new();
        io::stdin()
            .read_to_end(&mut data)
            .map_err(|e| CliError::new(format!("read stdin: {e}")))?;
        Ok(data)
    } else {
        fs::read(path).map_err(|e| CliError::file("read", path, e))
    }
}

#[derive(Serialize)]
struct JsonValue {
    r#type: &'static str,
    /// The Go expression, as a corpus line holds it.
    go: String,
    /// The value as JSON: a number, a bool, or null (for bytes and strings, and non-finite
    /// floats, which JSON cannot hold).
    value: serde_json::Value,
    /// Bytes and strings: the bytes in base64.
    base64: Option<String>,
    /// Bytes and strings that are valid UTF-8: the text.
    text: Option<String>,
}

pub fn decode_main(args: &DecodeArgs) -> Result<u8> {
    let path = args.file.as_deref().unwrap_or(Path::new("-"));
    let data = read_input(path)?;
    let name = if path == Path::new("-") {
        "stdin".to_owned()
    } else {
        path.display().to_string()
    };
    let values = corpus::decode(&data).map_err(|e| {
        CliError::new(format!(
            "decode {name}: not a go test fuzz v1 corpus entry: {e}"
        ))
    })?;
    let mut out = Out::new();
    if let (true, Some(types)) = (args.raw, &args.types) {
        let input = signature(types)?
            .bytes_from_values(&values)
            .map_err(|e| CliError::new(format!("decode {name}: {e}")))?;
        out.write(&input)?;
    } else if args.raw {
        out.write(raw_value(&values, args.index, &name)?)?;
    } else if args.json {
        let list: Vec<JsonValue> = values.iter().map(json_value).collect();
        let text = serde_json::to_string_pretty(&list)
            .map_err(|e| CliError::new(format!("encode JSON output: {e}")))?;
        out.line(&text)?;
    } else {
        for value in &values {
            out.line(&value.to_string())?;
        }
    }
    out.flush()?;
    Ok(0)
}

/// The bytes of the `[]byte` or `string` value `index` (or of the only one).
fn raw_value<'a>(values: &'a [Value], index: Option<usize>, name: &str) -> Result<&'a [u8]> {
    let bytes = |v: &'a Value| match v {
        Value::Bytes(b) | Value::String(b) => Some(&b[..]),
        _ => None,
    };
    match index {
        Some(i) => {
            let value = values.get(i).ok_or_else(|| {
                CliError::new(format!(
                    "decode {name}: --index {i}, but the entry has {} value(s)",
                    values.len()
                ))
            })?;
            bytes(value).ok_or_else(|| {
                CliError::new(format!(
                    "decode {name}: value {i} has type {}, not []byte or string",
                    value.type_name()
                ))
            })
        }
        None => {
            let mut found = values.iter().filter_map(bytes);
            match (found.next(), found.next()) {
                (Some(b), None) => Ok(b),
                (None, _) => Err(CliError::new(format!(
                    "decode {name}: --raw needs a []byte or string value; the entry has none"
                ))),
                (Some(_), Some(_)) => Err(CliError::new(format!(
                    "decode {name}: several []byte/string values; choose one with --index"
                ))),
            }
        }
    }
}

fn json_value(v: &Value) -> JsonValue {
    let number = |n: serde_json::Value| (n, None, None);
    let (value, base64, text) = match v {
        Value::Bytes(b) | Value::String(b) => (
            serde_json::Value::Null,
            Some(base64::engine::general_purpose::STANDARD.encode(b)),
            std::str::from_utf8(b).ok().map(str::to_owned),
        ),
        Value::Bool(b) => number(json!(b)),
        Value::Byte(n) | Value::Uint8(n) => number(json!(n)),
        Value::Rune(n) | Value::Int32(n) => number(json!(n)),
        Value::Int(n) | Value::Int64(n) => number(json!(n)),
        Value::Int8(n) => number(json!(n)),
        Value::Int16(n) => number(json!(n)),
        Value::Uint(n) | Value::Uint64(n) => number(json!(n)),
        Value::Uint16(n) => number(json!(n)),
        Value::Uint32(n) => number(json!(n)),
        // json! turns non-finite floats into null.
        Value::Float32(x) => number(json!(x)),
        Value::Float64(x) => number(json!(x)),
    };
    JsonValue {
        r#type: v.type_name(),
        go: v.to_string(),
        value,
        base64,
        text,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_three_value_forms() {
        assert_eq!(parse_value("int(-5)"), Ok(Value::Int(-5)));
        assert_eq!(parse_value("int:-5"), Ok(Value::Int(-5)));
        assert_eq!(parse_value("uint8:0xff"), Ok(Value::Uint8(255)));
        assert_eq!(parse_value("byte:'x'"), Ok(Value::Byte(b'x')));
        assert_eq!(parse_value("rune:'é'"), Ok(Value::Rune('é' as i32)));
        assert_eq!(parse_value("bool:true"), Ok(Value::Bool(true)));
        assert_eq!(parse_value("float64:1.5"), Ok(Value::Float64(1.5)));
        assert_eq!(
            parse_value("string:a:b(c)@d \\x00"),
            Ok(Value::String(b"a:b(c)@d \\x00".to_vec()))
        );
        assert_eq!(parse_value("[]byte:"), Ok(Value::Bytes(Vec::new())));
        assert_eq!(
            parse_value(r#"[]byte("a\x00")"#),
            Ok(Value::Bytes(b"a\x00".to_vec()))
        );
        assert_eq!(
            parse_value("math.Float64frombits(0x7ff8000000000000)").map(|v| v.to_string()),
            Ok("math.Float64frombits(0x7ff8000000000000)".to_owned())
        );
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("in");
        fs::write(&file, b"\x00\xff").unwrap();
        assert_eq!(
            parse_value(&format!("[]byte@{}", file.display())),
            Ok(Value::Bytes(b"\x00\xff".to_vec()))
        );
    }

    #[test]
    fn bad_values_say_why() {
        for (arg, why) in [
            ("5", "expected TYPE(LITERAL)"),
            ("integer:5", "unknown type \"integer\""),
            ("int:five", "give a Go literal"),
            ("int8:128", "out of range"),
            ("uint8('A')", "integer literal required"),
            ("byte:x", "e.g. byte:'x'"),
            ("int@file", "for []byte and string"),
            ("int(1)\nint(2)", "line break"),
            ("[]byte@/nonexistent/file", "read /nonexistent/file"),
        ] {
            let err = parse_value(arg).unwrap_err();
            assert!(err.contains(why), "{arg:?}: {err}");
        }
    }

    #[test]
    fn raw_picks_the_only_or_the_chosen_byte_value() {
        let v = [Value::Int(1), Value::String(b"s".to_vec())];
        assert_eq!(raw_value(&v, None, "x").unwrap(), b"s");
        assert_eq!(raw_value(&v, Some(1), "x").unwrap(), b"s");
        assert!(raw_value(&v, Some(0), "x").is_err());
        assert!(raw_value(&v, Some(2), "x").is_err());
        let two = [Value::Bytes(vec![1]), Value::String(vec![2])];
        assert!(raw_value(&two, None, "x").is_err());
        assert!(raw_value(&[Value::Bool(true)], None, "x").is_err());
    }

    #[test]
    fn json_values() {
        let j = json_value(&Value::Bytes(b"hi".to_vec()));
        assert_eq!(
            (
                j.r#type,
                j.go.as_str(),
                j.base64.as_deref(),
                j.text.as_deref()
            ),
            ("[]byte", "[]byte(\"hi\")", Some("aGk="), Some("hi"))
        );
        assert_eq!(json_value(&Value::Bytes(vec![0xff])).text, None);
        assert_eq!(json_value(&Value::Uint64(u64::MAX)).value, json!(u64::MAX));
        assert_eq!(
            json_value(&Value::Float64(f64::INFINITY)).value,
            json!(null)
        );
        assert_eq!(json_value(&Value::Rune(-1)).go, "int32(-1)");
    }
}
