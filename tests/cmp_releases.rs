//! Comparison feedback with other Go releases, fetched from the module proxy by the go
//! command: `GOFUZZSHM_CMP_TOOLCHAINS="go1.18.10 go1.22.12" cargo test --test cmp_releases --
//! --ignored` (`make test-cmp-releases`). Each release is built from scratch with
//! instrumentation (a minute or more each), so CI does not run it; the README lists the
//! results.
#![cfg(all(target_os = "linux", target_arch = "x86_64"))]

mod cmp_common;

use std::path::Path;

use cmp_common::*;
use gofuzz_shm::cmp::{build_test_binary, hooks_unsupported, BuildOptions, CmpRing, Comparison};
use gofuzz_shm::worker::Outcome;

fn check(toolchain: &str) -> Result<String, String> {
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
    let out = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("gocmp-{toolchain}.test"));
    let mut options = BuildOptions::new(manifest.join("testdata/gocmp"), "FuzzMagic", &out);
    options.env = vec![
        ("GOWORK".into(), "off".into()),
        ("GOTOOLCHAIN".into(), toolchain.into()),
        // Go 1.19 toolchains fetched by the go command need it (golang/go#54651).
        ("GODEBUG".into(), "goindex=0".into()),
    ];
    if let Some(why) = hooks_unsupported(&options).map_err(|e| format!("go env: {e}"))? {
        return match build_test_binary(&options) {
            Err(e) if e.kind() == gofuzz_shm::ErrorKind::InvalidArgument => {
                Ok(format!("not supported, refused: {why}"))
            }
            other => Err(format!("unsupported ({why}) but the build gave {other:?}")),
        };
    }
    build_test_binary(&options).map_err(|e| format!("build: {e}"))?;
    let mut ring = CmpRing::new(4096).unwrap();
    let mut seen = gofuzz_shm::cmp::CmpRun::new();
    let mut notes = Vec::new();

    let mut w = start(&out, "FuzzMagic", &ring);
    for n in [1, 2, 3, 7] {
        ring.reset();
        let r = w
            .run(format!("go test fuzz v1\nint64({n})\n").as_bytes())
            .unwrap();
        if r.outcome != Outcome::Ok {
            return Err(format!("FuzzMagic({n}): {:?} {}", r.outcome, r.message));
        }
        ring.collect(&mut seen);
    }
    let ints: Vec<_> = seen
        .comparisons()
        .iter()
        .map(|c| match *c {
            Comparison::Int {
                size,
                is_const,
                a,
                b,
                ..
            } => Some((size, is_const, a, b)),
            _ => None,
        })
        .collect();
    if ints != [Some((8, true, 0x1234abcd, 7))] {
        return Err(format!("FuzzMagic(7) recorded {seen:?}"));
    }
    w.stop().unwrap();

    let mut w = start(&out, "FuzzToken", &ring);
    for s in ["a", "bb", "", "hello"] {
        ring.reset();
        let r = w
            .run(format!("go test fuzz v1\nstring({s:?})\n").as_bytes())
            .unwrap();
        if r.outcome != Outcome::Ok {
            return Err(format!("FuzzToken({s:?}): {:?} {}", r.outcome, r.message));
        }
        ring.collect(&mut seen);
    }
    let strs = seen.strings().count();
    let len = seen.comparisons().iter().any(|c| {
        matches!(
            *c,
            Comparison::Int {
                a: 15,
                b: 5,
                is_const: true,
                ..
            }
        )
    });
    if !len {
        return Err(format!(
            "FuzzToken(\"hello\") recorded no length compare: {seen:?}"
        ));
    }
    if strs != 1 {
        return Err(format!(
            "FuzzToken(\"hello\"): {strs} string compares: {seen:?}"
        ));
    }
    notes.push("integer and string operands exact".to_owned());
    w.stop().unwrap();
    Ok(notes.join(", "))
}

#[test]
#[ignore = "fetches and builds other Go releases; run with --ignored"]
fn releases() {
    if !have_go() {
        return;
    }
    let list = std::env::var("GOFUZZSHM_CMP_TOOLCHAINS").unwrap_or_else(|_| "local".into());
    let mut failed = Vec::new();
    for toolchain in list.split_whitespace() {
        match check(toolchain) {
            Ok(notes) => eprintln!("{toolchain}: ok ({notes})"),
            Err(e) => {
                eprintln!("{toolchain}: FAILED: {e}");
                failed.push(toolchain.to_owned());
            }
        }
    }
    assert!(failed.is_empty(), "failed: {failed:?}");
}
