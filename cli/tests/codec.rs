//! `gofuzz-shm encode` and `decode` through the binary: exact bytes, round trips, Go's file
//! names, errors.

mod common;

use std::io::Write;
use std::process::Stdio;

use common::*;

/// Runs the command with `input` on stdin.
fn with_stdin(args: &[&str], input: &[u8]) -> Ran {
    let mut child = cli()
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(input).unwrap();
    ran(child.wait_with_output().unwrap())
}

#[test]
fn encode_writes_what_go_writes_for_each_value_form() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("bytes");
    std::fs::write(&file, b"\x00\xffA").unwrap();
    let file_arg = format!("[]byte@{}", file.display());
    let r = run_cli(&[
        "encode",
        "int:-5",
        "string:tab\there é",
        "uint8:0xff",
        "rune:'é'",
        "float64(+Inf)",
        "bool:true",
        &file_arg,
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(
        r.stdout,
        "go test fuzz v1\nint(-5)\nstring(\"tab\\there é\")\nbyte('ÿ')\nrune('é')\n\
         float64(+Inf)\nbool(true)\n[]byte(\"\\x00\\xffA\")\n"
    );
}

#[test]
fn raw_bytes_round_trip_through_encode_and_decode() {
    let data: Vec<u8> = (0..=255u8).chain(b"\n\r\"\\".iter().copied()).collect();
    let entry = with_stdin(&["encode", "--raw", "-"], &data);
    assert_eq!(entry.code, 0, "{}", entry.stderr);
    assert!(entry.stdout.starts_with("go test fuzz v1\n[]byte(\""));
    let back = with_stdin(&["decode", "--raw"], &entry.stdout_bytes);
    assert_eq!(back.code, 0, "{}", back.stderr);
    assert_eq!(back.stdout_bytes, data);
}

#[test]
fn decode_prints_go_lines_or_json() {
    let entry = b"go test fuzz v1\nuint8(7)\nstring(\"hi\")\nint64(-0x10)\nfloat32(NaN)\n";
    let r = with_stdin(&["decode"], entry);
    assert_eq!(r.code, 0, "{}", r.stderr);
    // Go's own spelling of each value.
    assert_eq!(
        r.stdout,
        "byte('\\a')\nstring(\"hi\")\nint64(-16)\nfloat32(NaN)\n"
    );

    let r = with_stdin(&["decode", "--json", "-"], entry);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let json: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(json[0]["type"], "uint8");
    assert_eq!(json[0]["value"], 7);
    assert_eq!(json[1]["text"], "hi");
    assert_eq!(json[1]["base64"], "aGk=");
    assert_eq!(json[2]["value"], -16);
    assert_eq!(json[3]["value"], serde_json::Value::Null);
    assert_eq!(json[3]["go"], "float32(NaN)");

    let r = with_stdin(&["decode", "--raw", "--index", "1"], entry);
    assert_eq!((r.code, r.stdout.as_str()), (0, "hi"));
    let r = with_stdin(&["decode", "--raw", "--index", "0"], entry);
    assert_eq!(r.code, 2);
    assert!(
        r.stderr
            .contains("value 0 has type uint8, not []byte or string"),
        "{}",
        r.stderr
    );
}

#[test]
fn to_dir_uses_gos_file_name() {
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("testdata/fuzz/FuzzX");
    let r = run_cli(&["encode", "--to-dir", target.to_str().unwrap(), "[]byte:!"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    // Go names the entry `go test fuzz v1\n[]byte("!")\n` c94ac12daf9859fd (seen in a real
    // `go test -fuzz` run; the run tests check Go's names against a live run too).
    let path = target.join("c94ac12daf9859fd");
    assert_eq!(r.stdout.trim_end(), path.to_str().unwrap());
    assert_eq!(
        std::fs::read(&path).unwrap(),
        b"go test fuzz v1\n[]byte(\"!\")\n"
    );
}

#[test]
fn bad_values_and_entries_exit_2_with_one_line() {
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("bad");
    std::fs::write(&bad, "go test fuzz v1\nint8(128)\n").unwrap();
    let raw_byte = dir.path().join("raw-byte");
    std::fs::write(&raw_byte, b"go test fuzz v1\n[]byte(\"\x89PNG\")\n").unwrap();
    let mixed = dir.path().join("mixed");
    std::fs::write(&mixed, "go test fuzz v1\nstring(\"a\")\nint(5)\n").unwrap();
    let cases: Vec<(Vec<&str>, &str)> = vec![
        (
            vec!["encode", "int8:128"],
            "value 0 (\"int8:128\"): value out of range",
        ),
        (
            vec!["encode", "int:1", "twelve"],
            "value 1 (\"twelve\"): expected TYPE(LITERAL)",
        ),
        (vec!["encode", "uint8('A')"], "integer literal required"),
        (vec!["encode"], "required"),
        (
            vec!["encode", "--raw", "/nonexistent"],
            "read /nonexistent: No such file",
        ),
        (
            vec!["decode", bad.to_str().unwrap()],
            "corpus line 2: value out of range",
        ),
        (
            vec!["decode", "--raw", "--index", "1", mixed.to_str().unwrap()],
            "value 1 has type int, not []byte or string",
        ),
        (
            vec!["decode", "--raw", "--index", "2", mixed.to_str().unwrap()],
            "--index 2, but the entry has 2 value(s)",
        ),
        (
            // Quoted as Go quotes a raw byte, not shown as U+FFFD.
            vec!["decode", raw_byte.to_str().unwrap()],
            r#"in "[]byte(\"\x89PNG\")""#,
        ),
        (
            vec!["decode", "/nonexistent"],
            "read /nonexistent: No such file",
        ),
    ];
    for (args, why) in cases {
        let r = run_cli(&args);
        assert_eq!(r.code, 2, "{args:?}: {}", r.stderr);
        assert!(
            r.stderr.contains(why),
            "{args:?}: want {why:?} in {}",
            r.stderr
        );
        assert!(r.stdout.is_empty(), "{args:?}: {}", r.stdout);
    }
}

#[test]
fn encode_and_decode_count_values_alike_from_0() {
    let r = run_cli(&["encode", "string:a", "int:5", "bogus"]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stderr.contains("value 2 (\"bogus\")"), "{}", r.stderr);
    let dir = tempfile::tempdir().unwrap();
    let entry = dir.path().join("entry");
    let r = run_cli(&[
        "encode",
        "string:a",
        "int:5",
        "[]byte:c",
        "-o",
        entry.to_str().unwrap(),
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let r = run_cli(&["decode", "--raw", "--index", "2", entry.to_str().unwrap()]);
    assert_eq!((r.code, r.stdout.as_str()), (0, "c"), "{}", r.stderr);
    for help in [
        run_cli(&["encode", "--help"]).stdout,
        run_cli(&["decode", "--help"]).stdout,
    ] {
        assert!(help.contains("counted from 0"), "{help}");
    }
}
