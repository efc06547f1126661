//! Shared by the tests: the Go targets of `testdata/targets`, built once per test process
//! with the real toolchain (`go test -c -fuzz=…`, so with coverage counters).
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

/// Whether `go` is on PATH. Without it the tests print a loud notice and pass, unless
/// GOFUZZSHM_REQUIRE_GO=1 is set (as in CI), in which case they fail.
pub fn have_go() -> bool {
    static FOUND: OnceLock<bool> = OnceLock::new();
    *FOUND.get_or_init(|| {
        let found = std::env::var_os("PATH")
            .is_some_and(|paths| std::env::split_paths(&paths).any(|dir| dir.join("go").is_file()));
        if !found {
            let required = std::env::var("GOFUZZSHM_REQUIRE_GO").is_ok_and(|v| v == "1");
            assert!(!required, "GOFUZZSHM_REQUIRE_GO=1 but no `go` on PATH");
            eprintln!(
                "\n** SKIPPED: no `go` on PATH — LibAFL was NOT tested against real Go workers **\n"
            );
        }
        found
    })
}

/// The package of Go targets.
pub fn targets_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata/targets")
}

/// The targets' test binary, with coverage counters.
pub fn binary() -> &'static Path {
    static BIN: OnceLock<PathBuf> = OnceLock::new();
    BIN.get_or_init(|| {
        let out_dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("libafl-targets");
        std::fs::create_dir_all(&out_dir).unwrap();
        let out = out_dir.join("targets.test");
        // Built under a name private to this process, then renamed: concurrent test
        // processes never see a half-written binary.
        let tmp = out_dir.join(format!("targets.{}.tmp", std::process::id()));
        let status = Command::new("go")
            .current_dir(targets_dir())
            .env("GOWORK", "off")
            .env("GOTOOLCHAIN", "local")
            .args(["test", "-c", "-fuzz=FuzzFrame", "-o"])
            .arg(&tmp)
            .arg(".")
            .status()
            .expect("the go tool runs");
        assert!(status.success(), "go test -c failed: {status}");
        std::fs::rename(&tmp, &out).unwrap();
        out
    })
}

/// The targets' test binary built with the comparison hooks (`gofuzz_shm::cmp`).
pub fn hooked_binary() -> &'static Path {
    static BIN: OnceLock<PathBuf> = OnceLock::new();
    BIN.get_or_init(|| {
        let out_dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("libafl-targets");
        std::fs::create_dir_all(&out_dir).unwrap();
        let out = out_dir.join("targets-cmp.test");
        let tmp = out_dir.join(format!("targets-cmp.{}.tmp", std::process::id()));
        let mut options = gofuzz_shm::cmp::BuildOptions::new(targets_dir(), "FuzzToken", &tmp);
        options.env = vec![
            ("GOWORK".into(), "off".into()),
            ("GOTOOLCHAIN".into(), "local".into()),
        ];
        gofuzz_shm::cmp::build_test_binary(&options).expect("the hooked build");
        std::fs::rename(&tmp, &out).unwrap();
        out
    })
}
