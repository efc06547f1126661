//! The external tools the tests need, as every test sees them: whether a tool is here, whether
//! its absence must fail the run (never a silent pass), and the `go` command the tests run. One
//! file for the library's test crates (tests/) and the command's (cli/tests/), which include it
//! by path.
#![allow(dead_code)]

use std::path::Path;
use std::process::Command;
use std::sync::OnceLock;

/// Whether `tool` is an executable file on PATH.
pub fn on_path(tool: &str) -> bool {
    std::env::var_os("PATH")
        .is_some_and(|paths| std::env::split_paths(&paths).any(|dir| dir.join(tool).is_file()))
}

/// Whether a missing tool must fail the tests instead of skipping them: when the variable
/// `require_var` is 1 (GOFUZZSHM_REQUIRE_GO for Go), or CI=true (as CI services set it).
pub fn tool_required(require_var: &str) -> bool {
    std::env::var(require_var).is_ok_and(|v| v == "1")
        || std::env::var("CI").is_ok_and(|v| v == "true")
}

/// Whether `tool` is on PATH. Without it a test that needs it prints a loud notice and passes,
/// unless [`tool_required`]`(require_var)`, in which case it fails: a missing tool never
/// passes silently. Such a test starts with `if !have_tool(..) { return; }`; e.g. an engine's
/// tests with `have_tool("clang-19", "GOFUZZSHM_REQUIRE_ENGINES")`.
pub fn have_tool(tool: &str, require_var: &str) -> bool {
    if on_path(tool) {
        return true;
    }
    assert!(
        !tool_required(require_var),
        "no `{tool}` on PATH, and {require_var}=1 or CI=true: the tests that need it cannot run"
    );
    eprintln!(
        "\n*****************************************************************\n\
         ** SKIPPED: no `{tool}` on PATH — this test did NOT run.\n\
         ** Install it, or set {require_var}=1 to make its absence fail.\n\
         *****************************************************************\n"
    );
    false
}

/// Whether a missing `go` must fail the tests (GOFUZZSHM_REQUIRE_GO=1 or CI=true).
pub fn go_required() -> bool {
    tool_required("GOFUZZSHM_REQUIRE_GO")
}

/// [`have_tool`] for `go`, checked once per test process (so the notice shows once).
pub fn have_go() -> bool {
    static FOUND: OnceLock<bool> = OnceLock::new();
    *FOUND.get_or_init(|| have_tool("go", "GOFUZZSHM_REQUIRE_GO"))
}

/// The Go release the tests build Go test binaries with: GOFUZZSHM_GO_TOOLCHAIN (e.g.
/// `go1.18.10`, which the `go` command fetches through the module proxy, as GOTOOLCHAIN does),
/// or `local`, the installed one. `make test-go-releases` sets it.
pub fn toolchain() -> String {
    std::env::var("GOFUZZSHM_GO_TOOLCHAIN")
        .ok()
        .filter(|v| !v.is_empty())
        .unwrap_or_else(|| "local".to_string())
}

/// `go` with the settings the repository's tests use: no workspace, the [`toolchain`].
pub fn go() -> Command {
    let mut command = Command::new("go");
    command.env("GOWORK", "off").env("GOTOOLCHAIN", toolchain());
    command
}

/// Fails unless `binary` was built by the requested [`toolchain`] (any, for `local`): a test
/// meant for one Go release must not quietly run another's binary.
pub fn assert_built_by_toolchain(binary: &Path) {
    let wanted = toolchain();
    if wanted == "local" {
        return;
    }
    let out = Command::new("go")
        .env("GOTOOLCHAIN", "local")
        .arg("version")
        .arg(binary)
        .output()
        .expect("the go tool runs");
    let version = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success() && version.trim_end().ends_with(&format!(": {wanted}")),
        "{} was built by {version:?}, not {wanted}",
        binary.display()
    );
}
