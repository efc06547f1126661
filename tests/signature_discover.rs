//! Signature discovery against the real Go toolchain: testdata/sigtargets (targets of many
//! shapes), testdata/sigrefused (callbacks Go refuses or that cannot be resolved),
//! testdata/sigbroken (a package that does not type-check), and net/netip from GOROOT.

mod worker_common;

use std::path::{Path, PathBuf};

use gofuzz_shm::signature::{DiscoverOptions, Signature, SignatureErrorKind};
use worker_common::have_go;

fn testdata(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("testdata")
        .join(name)
}

fn discover(pkg: &str, target: &str) -> Result<Signature, gofuzz_shm::signature::SignatureError> {
    Signature::discover(&testdata(pkg), target)
}

/// Discoveries of this file run one at a time, so that one test can check that discovery
/// leaves no directory behind.
static SERIAL: std::sync::Mutex<()> = std::sync::Mutex::new(());

fn serial() -> std::sync::MutexGuard<'static, ()> {
    SERIAL.lock().unwrap_or_else(|e| e.into_inner())
}

/// What discovery leaves in the temporary directory: it must remove its own.
fn scratch_dirs() -> Vec<String> {
    let mut found: Vec<String> = std::fs::read_dir(std::env::temp_dir())
        .unwrap()
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with("gofuzz-shm-discover-"))
        .collect();
    found.sort();
    found
}

#[test]
fn callbacks_of_every_shape() {
    if !have_go() {
        return;
    }
    let _serial = serial();
    let before = scratch_dirs();
    for (target, want) in [
        ("FuzzLiteral", "string,int64,bool"),
        ("FuzzString", "string"),
        ("FuzzNamedFunc", "[]byte,uint16"),
        ("FuzzMethod", "uint32,float32,string"),
        ("FuzzFuncVar", "int8,int16"),
        ("FuzzHelper", "uint64,bool"),
        ("FuzzAliases", "byte,uint8,rune,int32,[]byte"),
        (
            "FuzzAllKinds",
            "[]byte,string,bool,byte,rune,int,int8,int16,int32,int64,uint,uint8,uint16,uint32,uint64,float32,float64",
        ),
        ("FuzzExternal", "float64,[]byte,string"),
    ] {
        let sig = discover("sigtargets", target).unwrap_or_else(|e| panic!("{target}: {e}"));
        assert_eq!(sig.to_string(), want, "{target}");
    }
    assert_eq!(
        scratch_dirs(),
        before,
        "discovery left its directory behind"
    );
}

#[test]
fn clear_errors() {
    if !have_go() {
        return;
    }
    let _serial = serial();
    let cases: [(&str, &str, &[&str]); 7] = [
        (
            "sigtargets",
            "FuzzNope",
            &["no fuzz target FuzzNope", "FuzzLiteral", "FuzzExternal"],
        ),
        ("sigtargets", "Check", &["not a fuzz target name"]),
        (
            "sigrefused",
            "FuzzAnyVar",
            &[
                "cannot resolve the fuzz callback",
                "has type any",
                "refused_test.go:8",
            ],
        ),
        (
            "sigrefused",
            "FuzzNamedType",
            &[
                "unsupported type for fuzzing sigrefused.Name",
                "refused_test.go:13",
            ],
        ),
        ("sigrefused", "FuzzReturns", &["must not return a value"]),
        ("sigbroken", "FuzzBroken", &["does not", "broken_test.go"]),
        ("no-such-dir", "FuzzX", &["no-such-dir"]),
    ];
    for (pkg, target, words) in cases {
        let err = discover(pkg, target).unwrap_err();
        assert_eq!(
            err.kind(),
            SignatureErrorKind::Discover,
            "{pkg} {target}: {err}"
        );
        for word in words {
            assert!(err.to_string().contains(word), "{pkg} {target}: {err}");
        }
    }
}

#[test]
fn net_netip_fuzz_parse_takes_a_string() {
    if !have_go() {
        return;
    }
    let _serial = serial();
    let goroot = std::process::Command::new("go")
        .args(["env", "GOROOT"])
        .output()
        .unwrap();
    let goroot = String::from_utf8(goroot.stdout).unwrap();
    let netip = Path::new(goroot.trim()).join("src/net/netip");
    let sig = Signature::discover(&netip, "FuzzParse").unwrap();
    assert_eq!(sig.to_string(), "string");
    assert!(sig.is_identity());
}

#[test]
fn build_flags_reach_go_list() {
    if !have_go() {
        return;
    }
    let _serial = serial();
    let options = DiscoverOptions {
        build_flags: vec!["-tags=sigtag".into()],
        ..DiscoverOptions::default()
    };
    let sig = Signature::discover_with(&testdata("sigtargets"), "FuzzTagged", &options).unwrap();
    assert_eq!(sig.to_string(), "rune,string");
    let err = discover("sigtargets", "FuzzTagged").unwrap_err();
    assert!(
        err.to_string().contains("no fuzz target FuzzTagged"),
        "{err}"
    );

    let options = DiscoverOptions {
        go: "/nonexistent/go".into(),
        ..DiscoverOptions::default()
    };
    let err =
        Signature::discover_with(&testdata("sigtargets"), "FuzzString", &options).unwrap_err();
    assert_eq!(err.kind(), SignatureErrorKind::Tooling, "{err}");
}

#[test]
fn the_helper_is_gofmt_and_vet_clean() {
    if !have_go() {
        return;
    }
    let helper = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/signature/discover");
    let gofmt = std::process::Command::new("gofmt")
        .arg("-l")
        .arg(&helper)
        .output()
        .expect("gofmt (installed with go) runs");
    assert!(gofmt.status.success());
    assert_eq!(
        String::from_utf8_lossy(&gofmt.stdout),
        "",
        "not gofmt-clean"
    );
    // go vet needs a module: a copy with the go.mod discovery writes.
    let tmp = tempfile::tempdir().unwrap();
    for entry in std::fs::read_dir(&helper).unwrap() {
        let path = entry.unwrap().path();
        std::fs::copy(&path, tmp.path().join(path.file_name().unwrap())).unwrap();
    }
    std::fs::write(
        tmp.path().join("go.mod"),
        "module gofuzzshm.invalid/discover\n\ngo 1.18\n",
    )
    .unwrap();
    let vet = std::process::Command::new("go")
        .args(["vet", "."])
        .current_dir(tmp.path())
        .env("GOWORK", "off")
        .env("GOFLAGS", "")
        .output()
        .unwrap();
    assert!(
        vet.status.success(),
        "go vet: {}",
        String::from_utf8_lossy(&vet.stderr)
    );
}
