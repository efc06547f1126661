//! The corpus codec against the real Go toolchain on this machine.
//!
//! - `go_written_files_reencode_byte_for_byte`: `go test -fuzz` writes corpus files (fuzz cache
//!   and a crasher in testdata); we decode each, re-encode it and must get the same bytes, and
//!   Go replaying those files must report the same values we decoded.
//! - `go_reads_what_we_write`: we encode edge-case and random entries, Go replays them and
//!   reports the values it received; they must equal ours bit for bit.
//! - `go_encoder_matches_ours`, `facts_table_matches_go`: Go's own encoder
//!   (`internal/fuzz.marshalCorpusFile`, reached through go-interop/corpus-check/oracle) encodes
//!   values we choose; our bytes must be identical.
//! - `go_decoder_agrees_with_ours`: Go's own decoder and ours must accept and refuse the same
//!   inputs (hand-picked edge cases and thousands of generated near-valid lines), with the same
//!   values.
//! - `unicode_tables_match_go`: the committed printability table is what the installed Go
//!   generates.
//!
//! These tests need `go` on PATH. Without it they print a loud notice and pass, unless
//! GOFUZZSHM_REQUIRE_GO=1 or CI=true is set, in which case they fail (tests/tools). They use
//! the installed Go, whatever GOFUZZSHM_GO_TOOLCHAIN says: they compare with its own codec.

mod corpus_support;
mod tools;

use std::collections::HashMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::Mutex;

use corpus_support::*;
use gofuzz_shm::corpus::{decode, encode, Value};

/// The Go module holding the fuzz targets and the oracle.
fn module_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("go-interop/corpus-check")
}

/// `go`, or `None` (with a loud notice, or a failure when Go is required) when there is none.
fn go() -> Option<PathBuf> {
    tools::have_go().then(|| PathBuf::from("go"))
}

fn go_command(go: &Path) -> Command {
    let mut cmd = Command::new(go);
    cmd.current_dir(module_dir())
        .env("GOWORK", "off")
        .env("GOTOOLCHAIN", "local")
        .env("GOFLAGS", "-mod=mod");
    cmd
}

fn show(out: &Output) -> String {
    format!(
        "status {}\n--- stdout ---\n{}\n--- stderr ---\n{}",
        out.status,
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

/// Builds stay one at a time: on a cold Go cache the first build compiles the standard library
/// (with fuzzing instrumentation), and the others then reuse it.
static BUILD_LOCK: Mutex<()> = Mutex::new(());

/// `go test -c` of `package` (relative to the module) into `out`.
fn build_test_binary(go: &Path, package: &str, extra: &[&str], out: &Path) {
    let _guard = BUILD_LOCK.lock().unwrap_or_else(|e| e.into_inner());
    let result = go_command(go)
        .args(["test", "-c", "-o"])
        .arg(out)
        .args(extra)
        .arg(package)
        .output()
        .expect("run go test -c");
    assert!(
        result.status.success(),
        "go test -c {package}: {}",
        show(&result)
    );
}

/// The fuzz-target binary, built with coverage instrumentation so `-test.fuzz` works.
fn build_fuzz_binary(go: &Path, dir: &Path) -> PathBuf {
    let bin = dir.join("corpus-check.test");
    build_test_binary(go, ".", &["-fuzz=FuzzAllKinds"], &bin);
    bin
}

/// The oracle binary (links Go's internal encoder/decoder, see oracle/oracle_test.go).
fn build_oracle(go: &Path, dir: &Path) -> PathBuf {
    let bin = dir.join("oracle.test");
    build_test_binary(go, "./oracle", &["-ldflags=-checklinkname=0"], &bin);
    bin
}

/// Sends requests to the oracle; one response per request.
fn oracle(bin: &Path, dir: &Path, requests: &[String]) -> Vec<String> {
    let req = dir.join("oracle-requests.txt");
    let resp = dir.join("oracle-responses.txt");
    fs::write(&req, requests.join("\n") + "\n").unwrap();
    let out = Command::new(bin)
        .current_dir(dir)
        .arg("-test.run=^TestOracle$")
        .env("CORPUS_ORACLE_IN", &req)
        .env("CORPUS_ORACLE_OUT", &resp)
        .output()
        .expect("run oracle");
    assert!(out.status.success(), "oracle: {}", show(&out));
    let text = fs::read_to_string(&resp).expect("oracle responses");
    let lines: Vec<String> = text.lines().map(str::to_owned).collect();
    assert_eq!(lines.len(), requests.len(), "oracle answered every request");
    lines
}

/// Writes `files` as testdata/fuzz/FuzzAllKinds/<name> under `dir`, lets Go replay them with
/// `-test.run`, and returns what FuzzAllKinds received for each file (the dump fields).
fn replay(bin: &Path, dir: &Path, files: &[(String, Vec<u8>)]) -> HashMap<String, Vec<String>> {
    let corpus = dir.join("testdata/fuzz/FuzzAllKinds");
    fs::create_dir_all(&corpus).unwrap();
    for (name, bytes) in files {
        fs::write(corpus.join(name), bytes).unwrap();
    }
    let dump = dir.join("dump.txt");
    let out = Command::new(bin)
        .current_dir(dir)
        .args(["-test.run=^FuzzAllKinds$", "-test.count=1"])
        .env("CORPUS_CHECK_DUMP", &dump)
        .output()
        .expect("run replay");
    assert!(out.status.success(), "Go replay failed: {}", show(&out));
    let text = fs::read_to_string(&dump).expect("dump file");
    let mut received = HashMap::new();
    for line in text.lines() {
        let mut fields = line.split('\t');
        let name = fields.next().unwrap_or_default();
        if let Some(file) = name.strip_prefix("FuzzAllKinds/") {
            received.insert(file.to_owned(), fields.map(str::to_owned).collect());
        }
    }
    received
}

/// Checks that Go received exactly `values` for file `name`.
fn check_received(received: &HashMap<String, Vec<String>>, name: &str, values: &[Value]) {
    let got = received
        .get(name)
        .unwrap_or_else(|| panic!("Go did not run corpus file {name}"));
    let want: Vec<String> = values.iter().map(dump_field).collect();
    for (i, (g, w)) in got.iter().zip(&want).enumerate() {
        assert_eq!(
            g, w,
            "file {name}, value {i} ({}): Go received {g}, we have {w} ({:?})",
            KINDS[i], values[i]
        );
    }
    assert_eq!(got.len(), want.len(), "file {name}: number of values");
}

fn files_in(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut out: Vec<(String, Vec<u8>)> = fs::read_dir(dir)
        .map(|rd| {
            rd.map(|e| {
                let e = e.unwrap();
                (
                    e.file_name().to_string_lossy().into_owned(),
                    fs::read(e.path()).unwrap(),
                )
            })
            .collect()
        })
        .unwrap_or_default();
    out.sort();
    out
}

#[test]
fn go_written_files_reencode_byte_for_byte() {
    let Some(go) = go() else { return };
    let tmp = tempfile::tempdir().unwrap();
    let bin = build_fuzz_binary(&go, tmp.path());
    let work = tmp.path().join("fuzz");
    fs::create_dir_all(&work).unwrap();

    // Coverage-guided fuzzing: every input that finds new coverage goes to the cache, encoded
    // by Go. Minimization is off so the values keep the unusual seeds' strings and floats.
    let out = Command::new(&bin)
        .current_dir(&work)
        .args([
            "-test.run=^$",
            "-test.fuzz=^FuzzAllKinds$",
            "-test.fuzztime=30000x",
            "-test.fuzzminimizetime=0",
            "-test.parallel=2",
        ])
        .arg(format!(
            "-test.fuzzcachedir={}",
            work.join("cache").display()
        ))
        .output()
        .unwrap();
    assert!(out.status.success(), "go fuzz FuzzAllKinds: {}", show(&out));

    // A target that fails on any mutation: Go writes the failing input to testdata.
    let out = Command::new(&bin)
        .current_dir(&work)
        .args([
            "-test.run=^$",
            "-test.fuzz=^FuzzCrash$",
            "-test.fuzztime=30000x",
            "-test.fuzzminimizetime=0",
            "-test.parallel=2",
        ])
        .arg(format!(
            "-test.fuzzcachedir={}",
            work.join("cache").display()
        ))
        .output()
        .unwrap();
    assert!(
        !out.status.success(),
        "FuzzCrash should fail: {}",
        show(&out)
    );

    let cached = files_in(&work.join("cache/FuzzAllKinds"));
    let crashers = files_in(&work.join("testdata/fuzz/FuzzCrash"));
    assert!(
        cached.len() >= 20,
        "expected Go to cache many inputs, got {}: {}",
        cached.len(),
        show(&out)
    );
    assert_eq!(crashers.len(), 1, "one crasher file: {}", show(&out));

    let mut files = Vec::new();
    let mut decoded = Vec::new();
    for (origin, list) in [("cache", &cached), ("crash", &crashers)] {
        for (name, bytes) in list.iter() {
            let values = decode(bytes).unwrap_or_else(|e| {
                panic!(
                    "Go-written {origin}/{name} does not decode: {e}\n{}",
                    String::from_utf8_lossy(bytes)
                )
            });
            assert_eq!(values.len(), KINDS.len(), "{origin}/{name}");
            let again = encode(&values);
            assert!(
                again == *bytes,
                "{origin}/{name}: re-encoding differs\n--- Go ---\n{}--- ours ---\n{}",
                String::from_utf8_lossy(bytes),
                String::from_utf8_lossy(&again)
            );
            let file = format!("{origin}-{name}");
            files.push((file.clone(), bytes.clone()));
            decoded.push((file, values));
        }
    }

    // Cross-check the decoded values with what Go itself hands the fuzz function.
    let replay_dir = tmp.path().join("replay");
    let received = replay(&bin, &replay_dir, &files);
    for (name, values) in &decoded {
        check_received(&received, name, values);
    }
    eprintln!(
        "checked {} Go-written files ({} cached, {} crasher)",
        files.len(),
        cached.len(),
        crashers.len()
    );
}

#[test]
fn go_reads_what_we_write() {
    let Some(go) = go() else { return };
    let tmp = tempfile::tempdir().unwrap();
    let bin = build_fuzz_binary(&go, tmp.path());
    let entries = all_kinds_entries(3000, 0x5eed_0001);
    let files: Vec<(String, Vec<u8>)> = entries
        .iter()
        .enumerate()
        .map(|(i, values)| (format!("ours{i:05}"), encode(values)))
        .collect();
    let received = replay(&bin, tmp.path(), &files);
    for (i, values) in entries.iter().enumerate() {
        check_received(&received, &format!("ours{i:05}"), values);
    }
    eprintln!("Go read {} entries we wrote", entries.len());
}

/// Compares our encoding of each value with Go's; returns a report of the differences.
fn compare_encodings(bin: &Path, dir: &Path, values: &[Value]) -> Vec<String> {
    let requests: Vec<String> = values
        .iter()
        .map(|v| format!("M\t{}", marshal_request(v)))
        .collect();
    let responses = oracle(bin, dir, &requests);
    let mut diffs = Vec::new();
    for (v, resp) in values.iter().zip(&responses) {
        let theirs = unhex(resp);
        let ours = encode(std::slice::from_ref(v));
        if theirs != ours {
            diffs.push(format!(
                "{v:?}\n  Go:   {:?}\n  ours: {:?}",
                String::from_utf8_lossy(&theirs),
                String::from_utf8_lossy(&ours)
            ));
        }
    }
    diffs
}

#[test]
fn facts_table_matches_go() {
    let Some(go) = go() else { return };
    let tmp = tempfile::tempdir().unwrap();
    let bin = build_oracle(&go, tmp.path());
    let table = facts_table();
    let values: Vec<Value> = table.iter().map(|(v, _)| v.clone()).collect();
    let requests: Vec<String> = values
        .iter()
        .map(|v| format!("M\t{}", marshal_request(v)))
        .collect();
    let responses = oracle(&bin, tmp.path(), &requests);
    for ((value, documented), resp) in table.iter().zip(&responses) {
        let go_line = String::from_utf8(unhex(resp)).unwrap();
        let go_line = go_line
            .strip_prefix("go test fuzz v1\n")
            .and_then(|s| s.strip_suffix('\n'))
            .unwrap_or(&go_line);
        assert_eq!(
            go_line, *documented,
            "Go's line for {value:?} vs the facts table"
        );
    }
}

#[test]
fn go_encoder_matches_ours() {
    let Some(go) = go() else { return };
    let tmp = tempfile::tempdir().unwrap();
    let bin = build_oracle(&go, tmp.path());
    let mut values: Vec<Value> = (0..KINDS.len()).flat_map(edge_values).collect();
    // Every code point inside a string, so the whole printability table is compared with
    // Go's; as runes, the first few thousand and a sample of the rest, plus invalid ones.
    values.extend(
        (0..0x3000)
            .chain((0x3000..=0x11_0000).step_by(97))
            .map(Value::Rune),
    );
    values.extend([-1, i32::MIN, i32::MAX, 0x110000].map(Value::Rune));
    let all_chars: Vec<u8> = (0..=0x10ffffu32)
        .filter_map(char::from_u32)
        .collect::<String>()
        .into_bytes();
    values.extend(all_chars.chunks(4096).map(|c| Value::String(c.to_vec())));
    let scale: usize = std::env::var("CORPUS_GO_ENCODE_SCALE")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1);
    let mut rng = Rng::new(0x5eed_0002 + scale as u64);
    for _ in 0..20_000 * scale {
        let kind = rng.index(KINDS.len());
        values.push(random_value(&mut rng, kind));
    }
    // Many floats: shortest formatting has the most room for disagreement.
    for _ in 0..20_000 * scale {
        values.push(Value::Float64(random_f64(&mut rng)));
        values.push(Value::Float32(random_f32(&mut rng)));
    }
    let diffs = compare_encodings(&bin, tmp.path(), &values);
    assert!(
        diffs.is_empty(),
        "{} of {} encodings differ from Go's, first ones:\n{}",
        diffs.len(),
        values.len(),
        diffs[..diffs.len().min(20)].join("\n")
    );
    eprintln!("{} values encoded identically to Go", values.len());
}

/// Lines whose acceptance or meaning is a known trap; Go decides, we must agree.
fn tricky_lines() -> Vec<&'static [u8]> {
    let lines: Vec<&'static str> = vec![
        "int(+5)",
        "int(-0x10)",
        "int(1_000)",
        "int(5 ...)",
        "int(5...)",
        "int(5,)",
        "int(5...,)",
        "int(5,...)",
        "int(,5)",
        "int()",
        "int(5, 6)",
        "int((5))",
        "(int)(5)",
        "int(5) // comment",
        "int(5) /* c */",
        "int(/**/5)",
        "int(5);",
        "int(5) int(6)",
        "\u{feff}int(5)",
        "int(5)\u{feff}",
        "\u{feff}\u{feff}int(5)",
        "int(5)\u{a0}",
        "int(\u{a0}5)",
        "int(5)\x0b",
        "int(\x0b5)",
        "int(5)\x00",
        "int(0)",
        "int(00)",
        "int(08)",
        "int(0_7)",
        "int(0x_1)",
        "int(0b102)",
        "int(1__0)",
        "int(1_)",
        "int(9223372036854775807)",
        "int(9223372036854775808)",
        "int(-9223372036854775808)",
        "int(-9223372036854775809)",
        "int8(128)",
        "int8(-128)",
        "int8(-129)",
        "uint(18446744073709551615)",
        "uint(18446744073709551616)",
        "uint(-0)",
        "uint(-1)",
        "uint8('A')",
        "byte('A')",
        "byte('Ā')",
        "byte('\\u00ff')",
        "byte('\\xff')",
        "byte('\\377')",
        "byte('\\400')",
        "byte(255)",
        "byte(256)",
        "byte(-1)",
        "byte(-'a')",
        "rune(-'a')",
        "rune('\\U0010ffff')",
        "rune('\\U00110000')",
        "rune('\\ud800')",
        "rune(-1)",
        "rune(2147483648)",
        "rune('ab')",
        "rune('')",
        "rune('''')",
        "rune('\\'')",
        "rune('\"')",
        "rune('\\\"')",
        "rune(1.5)",
        "int32('a')",
        "int32(-5)",
        "string(\"\\'\")",
        "string(\"'\")",
        "string(`a\rb`)",
        "string(\"a\rb\")",
        "string(`a`)",
        "string(-\"a\")",
        "string('a')",
        "string(\"a\" \"b\")",
        "string(\"a\"...)",
        "[]byte(\"a\")",
        "[]byte(`a`)",
        "[]byte(-\"a\")",
        "[ ]byte(\"a\")",
        "[]uint8(\"a\")",
        "[5]byte(\"a\")",
        "[]byte('a')",
        "bool(true)",
        "bool(false)",
        "bool(True)",
        "bool(1)",
        "bool(-true)",
        "bool(true...)",
        "bool(!true)",
        "float64(1.5)",
        "float64(-1.5)",
        "float64(017)",
        "float64(0x10)",
        "float64(0b1)",
        "float64(0o7)",
        "float64(1_0.5)",
        "float64(1e-400)",
        "float64(1e400)",
        "float64(-0)",
        "float64(NaN)",
        "float64(-NaN)",
        "float64(+NaN)",
        "float64(nan)",
        "float64(Inf)",
        "float64(+Inf)",
        "float64(-Inf)",
        "float64(!Inf)",
        "float64(^Inf)",
        "float64(&Inf)",
        "float64(~Inf)",
        "float64(<-Inf)",
        "float64(*Inf)",
        "float64(--Inf)",
        "float64(- -Inf)",
        "float64(&^Inf)",
        "float64(-(Inf))",
        "float64(Inf())",
        "float64(5i)",
        "float64(.5)",
        "float64(5.)",
        "float64(5....)",
        "float64(0x1p-2)",
        "float64(0x1.8p1)",
        "float64(0x1.8)",
        "float64(0x_1p4)",
        "float64(1e1_0)",
        "float64(1_e5)",
        "float64(08.5)",
        "float64(08)",
        "float64(08i)",
        "float32(NaN)",
        "float32(1e39)",
        "float32(3.4028235677973366e38)",
        "float32(3.4028235677973367e38)",
        "float32(0x1p-150)",
        "float32(0x1.000001p-150)",
        "float32(1e-46)",
        "float32(-Inf)",
        "float32(16777217)",
        "math.Float64frombits(0x7ff8000000000002)",
        "math.Float64frombits(1.5)",
        "math.Float64frombits(-1)",
        "math.Float64frombits(NaN)",
        "math.Float32frombits(0x7fc00001)",
        "math.Float32frombits(0x100000000)",
        "math.Float32frombits(-0)",
        "math . Float64frombits(0)",
        "math.Sqrt(2)",
        "fmt.Float64frombits(0)",
        "math.Float64frombits[int](0)",
        "uintptr(5)",
        "complex128(1)",
        "Int(5)",
        "int[5](5)",
        "int(5)(6)",
        "int(5)[0]",
        "int(5).x",
        "int(5) + 1",
        "int(x)",
        "int(true)",
        "int('a')",
        "int(\"5\")",
        "int(5i)",
        "int(/*line x:5*/5)",
        "int(/*line x:0*/5)",
        "int(/*line x:5:0*/5)",
        "int(/*line x:5\r*/5)",
        "int(/*line :1:1*/5)",
        "/*line x:99999999999999999999*/int(5)",
        "/*line x:18446744073709551615*/int(5)",
        "int(5) /*",
        "int(5) //",
        "//line x:5\nint(5)",
        "int(\t5\r)",
        "int\t(5)",
        "int(5\x0c)",
    ];
    lines.into_iter().map(str::as_bytes).collect()
}

/// Whole files exercising the header and line rules.
fn tricky_files() -> Vec<Vec<u8>> {
    let files: Vec<&[u8]> = vec![
        b"",
        b"go test fuzz v1",
        b"go test fuzz v1\n",
        b"go test fuzz v1\r\n",
        b"go test fuzz v1\r\r\nint(1)\n",
        b"go test fuzz v2\nint(1)\n",
        b" go test fuzz v1\nint(1)\n",
        b"go test fuzz v1 \nint(1)\n",
        b"\xef\xbb\xbfgo test fuzz v1\nint(1)\n",
        b"go test fuzz v1\nint(1)",
        b"go test fuzz v1\r\nint(1)\r\nint(2)\r\n",
        b"go test fuzz v1\n\n\nint(1)\n\n\nint(2)\n\n",
        b"go test fuzz v1\n  \t \nint(1)\n",
        b"go test fuzz v1\n\xc2\xa0int(1)\xc2\x85\n",
        b"go test fuzz v1\nint(1)\n\xff\n",
        b"go test fuzz v1\nint(1)\r\r\r\n",
        b"go test fuzz v1\nint(1)\nint(2) int(3)\n",
    ];
    files.into_iter().map(<[u8]>::to_vec).collect()
}

/// Our decoding of a file in the oracle's response format.
fn our_verdict(file: &[u8]) -> String {
    match decode(file) {
        Ok(values) => std::iter::once("ok".to_owned())
            .chain(values.iter().map(canon))
            .collect::<Vec<_>>()
            .join("\t"),
        Err(e) => format!("err\t{e}"),
    }
}

#[test]
fn go_decoder_agrees_with_ours() {
    let Some(go) = go() else { return };
    let tmp = tempfile::tempdir().unwrap();
    let bin = build_oracle(&go, tmp.path());

    let mut files: Vec<Vec<u8>> = tricky_files();
    for line in tricky_lines() {
        let mut f = b"go test fuzz v1\n".to_vec();
        f.extend_from_slice(line);
        f.push(b'\n');
        files.push(f);
    }
    let lines: usize = std::env::var("CORPUS_GO_DIFF_LINES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(30_000);
    let mut rng = Rng::new(0x5eed_0003 + lines as u64);
    for i in 0..lines {
        let file = if i % 7 == 1 {
            // A float literal at a rounding boundary, for the float type it was made for.
            let (literal, wide) = boundary_literal(&mut rng);
            let ty = if wide { "float64" } else { "float32" };
            format!("go test fuzz v1\n{ty}({literal})\n").into_bytes()
        } else if i % 3 == 0 {
            // Our own encoding of a random value, sometimes damaged.
            random_file(&mut rng, &mut |rng| {
                let kind = rng.index(KINDS.len());
                let v = random_value(rng, kind);
                let mut line = encode(&[v])[16..].to_vec();
                line.pop();
                if rng.chance(2) {
                    mutate(rng, &mut line);
                }
                line
            })
        } else {
            random_file(&mut rng, &mut random_line)
        };
        files.push(file);
    }

    let requests: Vec<String> = files.iter().map(|f| format!("U\t{}", hex(f))).collect();
    let responses = oracle(&bin, tmp.path(), &requests);
    let mut diffs = Vec::new();
    let (mut accepted, mut refused) = (0, 0);
    for (file, theirs) in files.iter().zip(&responses) {
        let ours = our_verdict(file);
        let same = if theirs.starts_with("ok") {
            accepted += 1;
            *theirs == ours
        } else {
            refused += 1;
            ours.starts_with("err")
        };
        if !same {
            diffs.push(format!(
                "{:?}\n  Go:   {theirs}\n  ours: {ours}",
                String::from_utf8_lossy(file)
            ));
        }
    }
    assert!(
        diffs.is_empty(),
        "{} of {} inputs decoded differently, first ones:\n{}",
        diffs.len(),
        files.len(),
        diffs[..diffs.len().min(30)].join("\n")
    );
    // The generator must exercise both sides, or the comparison says little.
    assert!(
        accepted > files.len() / 10 && refused > files.len() / 10,
        "the generator is lopsided: {accepted} accepted, {refused} refused"
    );
    eprintln!(
        "{} inputs: Go and we agree ({accepted} accepted, {refused} refused)",
        files.len()
    );
}

#[test]
fn unicode_tables_match_go() {
    let Some(go) = go() else { return };
    let out = go_command(&go)
        .args(["run", "./cmd/gen-tables"])
        .output()
        .expect("go run gen-tables");
    assert!(out.status.success(), "gen-tables: {}", show(&out));
    let committed =
        fs::read(Path::new(env!("CARGO_MANIFEST_DIR")).join("src/corpus/unicode_tables.rs"))
            .unwrap();
    assert!(
        out.stdout == committed,
        "src/corpus/unicode_tables.rs is stale for this Go; regenerate it with\n  \
         (cd go-interop/corpus-check && go run ./cmd/gen-tables > ../../src/corpus/unicode_tables.rs)"
    );
}
