//! `gofuzz-shm build --engine libfuzzer`: one self-contained libFuzzer executable for a Go
//! fuzz target.
//!
//! 1. The target's argument types: `--types`, or found in the package source by the
//!    signature module (Go's own type checker); libFuzzer's bytes are mapped to them.
//! 2. `go test -c -fuzz=^FuzzX$` in the package: the unmodified test binary, with Go's
//!    coverage counters (plus any `--go-flag`: the seam for builds that link extra objects,
//!    such as comparison hooks with `-tags=libfuzzer`).
//! 3. The binary is embedded in the output as a read-only ELF section (`.incbin` in a small
//!    generated assembly file), not appended to the file: an ELF section survives `strip` and
//!    packaging tools, and at run time the library copies it into a sealed memfd and runs it
//!    from there, so nothing is ever written to disk.
//! 4. The harness (engines/libfuzzer/harness.c, carried inside this command with the header it
//!    was written against) is compiled without coverage instrumentation and linked by clang with
//!    `-fsanitize=fuzzer` and the static library libgofuzz_shm.a.

use std::ffi::OsString;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use gofuzz_shm::signature::Signature;

use crate::args::BuildArgs;
use crate::error::{CliError, Result};

const HEADER: &str = include_str!("../../include/gofuzz_shm.h");
const LIB_NAME: &str = "libgofuzz_shm.a";
const INSTALL_CLANG: &str = "install clang with libFuzzer (Debian/Ubuntu: `apt-get install \
                             clang-19 libclang-rt-19-dev`), or name one with --cc or CC";

/// An engine's adapter: its C source (carried inside this command) and how it is linked.
struct Engine {
    name: &'static str,
    source: &'static str,
    /// Extra link flags (libFuzzer's runtime); the adapter itself is never instrumented.
    link_flags: &'static [&'static str],
    /// What to tell the user once OUT is built.
    usage: &'static str,
}

const ENGINES: &[Engine] = &[
    Engine {
        name: "libfuzzer",
        source: include_str!("../../engines/libfuzzer/harness.c"),
        link_flags: &["-fsanitize=fuzzer"],
        usage: "a libFuzzer binary: run it as any libFuzzer target, e.g. `{out} \
                -max_total_time=60 corpus/`; Go corpus files of failures go beside the \
                artifacts, or into -go_crashers=DIR",
    },
    Engine {
        name: "afl",
        source: include_str!("../../engines/afl/forkserver.c"),
        link_flags: &[],
        usage: "an AFL++ target with its own forkserver: `afl-fuzz -i seeds -o findings -- \
                {out}`; `{out} -go_crashers=DIR findings/default/crashes/id*` writes Go \
                corpus files of AFL's crashes",
    },
];

pub fn main(args: &BuildArgs) -> Result<u8> {
    let Some(engine) = ENGINES.iter().find(|e| e.name == args.engine) else {
        let names: Vec<&str> = ENGINES.iter().map(|e| e.name).collect();
        return Err(CliError::new(format!(
            "engine {:?} is not supported (supported: {})",
            args.engine,
            names.join(", ")
        )));
    };
    let signature = signature(args)?;
    let lib = find_library(args.lib.as_deref())?;
    let cc = find_clang(args.cc.as_deref())?;
    let work = tempfile::Builder::new()
        .prefix("gofuzz-shm-build-")
        .tempdir()
        .map_err(|e| CliError::new(format!("create a temporary directory: {e}")))?;
    let dir = work.path();
    let go_test = dir.join("go.test");
    build_go_test(args, &go_test)?;
    check_target(&go_test, &args.target)?;
    fs::write(dir.join("harness.c"), engine.source)
        .and_then(|()| fs::write(dir.join("gofuzz_shm.h"), HEADER))
        .and_then(|()| {
            let types = signature.to_string();
            fs::write(
                dir.join("embed.S"),
                embed_asm(&go_test, &args.target, &types),
            )
        })
        .map_err(|e| CliError::file("write into", dir, e))?;
    let harness_o = dir.join("harness.o");
    let mut compile = Command::new(&cc);
    compile
        .args(["-std=c11", "-O2", "-Wall", "-Wextra", "-c", "-I"])
        .arg(dir)
        .arg(dir.join("harness.c"))
        .arg("-o")
        .arg(&harness_o);
    run_tool(compile, &cc, "compile the harness")?;
    let out_tmp = tmp_name(&args.output);
    let mut link = Command::new(&cc);
    link.args(engine.link_flags)
        .arg(&harness_o)
        .arg(dir.join("embed.S"))
        .arg(&lib)
        .args(["-lpthread", "-ldl", "-lm", "-o"])
        .arg(&out_tmp);
    if let Err(e) = run_tool(link, &cc, "link the engine binary") {
        let _ = fs::remove_file(&out_tmp);
        return Err(e);
    }
    fs::rename(&out_tmp, &args.output).map_err(|e| {
        let _ = fs::remove_file(&out_tmp);
        CliError::file("rename into place", &args.output, e)
    })?;
    let size = fs::metadata(&args.output).map(|m| m.len()).unwrap_or(0);
    eprintln!(
        "built {} for {}({signature}) (Go test binary embedded; {:.1} MiB): {}.",
        args.output.display(),
        args.target,
        size as f64 / (1 << 20) as f64,
        engine
            .usage
            .replace("{out}", &args.output.display().to_string()),
    );
    Ok(0)
}

/// The target's argument types, which decide how engine bytes become its values (the
/// signature module's byte mapping): `--types`, else discovered from the package source.
fn signature(args: &BuildArgs) -> Result<Signature> {
    let signature = match args.types.as_deref() {
        Some(types) => {
            Signature::parse(types).map_err(|e| CliError::new(format!("--types: {e}")))?
        }
        None => Signature::discover(&args.pkg, &args.target).map_err(|e| {
            CliError::new(format!(
                "the arguments of {} in {}: {e} (give them with --types, e.g. \
                 --types 'string,int64')",
                args.target,
                args.pkg.display()
            ))
        })?,
    };
    if !signature.is_identity() {
        eprintln!(
            "{} takes ({signature}): engine bytes become its values by gofuzz-shm's byte \
             mapping, version {}",
            args.target,
            gofuzz_shm::signature::MAPPING_VERSION
        );
    }
    Ok(signature)
}

/// Where `out` is written before it is renamed into place.
fn tmp_name(out: &Path) -> PathBuf {
    let mut name = OsString::from(".");
    name.push(out.file_name().unwrap_or_else(|| "out".as_ref()));
    name.push(format!(".tmp{}", std::process::id()));
    out.with_file_name(name)
}

fn build_go_test(args: &BuildArgs, out: &Path) -> Result<()> {
    let mut go = Command::new("go");
    go.current_dir(&args.pkg)
        .args(["test", "-c"])
        .arg(format!("-fuzz=^{}$", args.target))
        .args(&args.go_flags)
        .arg("-o")
        .arg(out)
        .arg(".");
    let status = go.status().map_err(|e| {
        CliError::new(format!(
            "run `go test -c`: {e} (is the Go toolchain installed and on PATH?)"
        ))
    })?;
    if !status.success() {
        return Err(CliError::new(format!(
            "`go test -c -fuzz=^{}$` in {} failed ({status}); its output is above",
            args.target,
            args.pkg.display()
        )));
    }
    Ok(())
}

/// `go test -c` succeeds for any -fuzz pattern: make sure the target exists.
fn check_target(go_test: &Path, target: &str) -> Result<()> {
    let output = Command::new(go_test)
        .arg(format!("-test.list=^{target}$"))
        .stdin(Stdio::null())
        .output()
        .map_err(|e| CliError::file("run", go_test, e))?;
    let text = String::from_utf8_lossy(&output.stdout);
    if !text.lines().any(|l| l.trim() == target) {
        return Err(CliError::new(format!(
            "the package has no fuzz target named {target} (a `func {target}(f *testing.F)` in \
             a _test.go file)"
        )));
    }
    Ok(())
}

/// An assembly file defining the symbols the harness reads: the test binary's bytes (an
/// `.incbin` of the file), the target's name and its argument types.
fn embed_asm(go_test: &Path, target: &str, types: &str) -> String {
    format!(
        "\t.section .rodata.gofuzz_shm_go_binary,\"a\",@progbits\n\
         \t.balign 16\n\
         \t.globl gofuzz_shm_go_binary\n\
         gofuzz_shm_go_binary:\n\
         \t.incbin \"{}\"\n\
         \t.globl gofuzz_shm_go_binary_end\n\
         gofuzz_shm_go_binary_end:\n\
         \t.section .rodata.gofuzz_shm_go_info,\"a\",@progbits\n\
         \t.globl gofuzz_shm_go_target\n\
         gofuzz_shm_go_target:\n\
         \t.asciz \"{}\"\n\
         \t.globl gofuzz_shm_go_types\n\
         gofuzz_shm_go_types:\n\
         \t.asciz \"{}\"\n\
         \t.section .note.GNU-stack,\"\",@progbits\n",
        asm_string(&go_test.to_string_lossy()),
        asm_string(target),
        asm_string(types)
    )
}

/// The text as the body of an assembler string literal.
fn asm_string(text: &str) -> String {
    let mut out = String::new();
    for b in text.bytes() {
        match b {
            b'"' | b'\\' => {
                out.push('\\');
                out.push(b as char);
            }
            0x20..=0x7e => out.push(b as char),
            _ => out.push_str(&format!("\\{b:03o}")),
        }
    }
    out
}

/// The static library: --lib, $GOFUZZSHM_LIB, next to this executable (cargo puts both in
/// target/<profile>/), or an installed one found by pkg-config.
fn find_library(explicit: Option<&Path>) -> Result<PathBuf> {
    if let Some(path) = explicit {
        return if path.is_file() {
            Ok(path.to_path_buf())
        } else {
            Err(CliError::file("--lib", path, "no such file"))
        };
    }
    let mut tried = Vec::new();
    if let Some(path) = std::env::var_os("GOFUZZSHM_LIB") {
        let path = PathBuf::from(path);
        if path.is_file() {
            return Ok(path);
        }
        tried.push(format!("$GOFUZZSHM_LIB ({})", path.display()));
    }
    if let Some(dir) = std::env::current_exe()
        .ok()
        .and_then(|e| e.parent().map(Path::to_path_buf))
    {
        let path = dir.join(LIB_NAME);
        if path.is_file() {
            return Ok(path);
        }
        tried.push(path.display().to_string());
    }
    match Command::new("pkg-config")
        .args(["--variable=libdir", "gofuzz_shm"])
        .stderr(Stdio::null())
        .output()
    {
        Ok(out) if out.status.success() => {
            let libdir = String::from_utf8_lossy(&out.stdout).trim().to_owned();
            let path = Path::new(&libdir).join(LIB_NAME);
            if path.is_file() {
                return Ok(path);
            }
            tried.push(path.display().to_string());
        }
        _ => tried.push("pkg-config gofuzz_shm (not installed)".into()),
    }
    Err(CliError::new(format!(
        "the static library {LIB_NAME} was not found (tried {}). Build it with `cargo build \
         --release` (it lands next to gofuzz-shm in target/release/), install it with `cargo \
         cinstall`, or pass --lib PATH",
        tried.join(", ")
    )))
}

/// clang that can link libFuzzer: --cc, $CC when it is a clang, then clang-19 and clang.
fn find_clang(explicit: Option<&Path>) -> Result<PathBuf> {
    let mut candidates: Vec<PathBuf> = Vec::new();
    match explicit {
        Some(cc) => candidates.push(cc.to_path_buf()),
        None => {
            if let Some(cc) = std::env::var_os("CC").filter(|cc| {
                Path::new(cc)
                    .file_name()
                    .is_some_and(|n| n.to_string_lossy().contains("clang"))
            }) {
                candidates.push(cc.into());
            }
            candidates.extend(["clang-19", "clang"].map(PathBuf::from));
        }
    }
    for cc in &candidates {
        let works = Command::new(cc)
            .arg("--version")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|s| s.success());
        if works {
            return Ok(cc.clone());
        }
    }
    let names: Vec<String> = candidates.iter().map(|c| c.display().to_string()).collect();
    Err(CliError::new(format!(
        "no C compiler with libFuzzer found (tried {}): {INSTALL_CLANG}",
        names.join(", ")
    )))
}

fn run_tool(mut command: Command, cc: &Path, what: &str) -> Result<()> {
    let output = command.output().map_err(|e| CliError::file("run", cc, e))?;
    if output.status.success() {
        return Ok(());
    }
    let text = String::from_utf8_lossy(&output.stderr);
    let hint = if text.contains("libclang_rt.fuzzer") || text.contains("fuzzer") {
        format!(" ({} cannot link libFuzzer: {INSTALL_CLANG})", cc.display())
    } else {
        String::new()
    };
    Err(CliError::new(format!(
        "{what} with {} failed ({}){hint}\n{}",
        cc.display(),
        output.status,
        text.trim_end()
    )))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn assembler_strings_are_escaped() {
        assert_eq!(asm_string("a\"b\\c"), "a\\\"b\\\\c");
        assert_eq!(asm_string("é\n"), "\\303\\251\\012");
        let asm = embed_asm(Path::new("/x/go.test"), "FuzzX", "");
        assert!(asm.contains(".incbin \"/x/go.test\""), "{asm}");
        assert!(asm.contains(".asciz \"FuzzX\""), "{asm}");
    }

    #[test]
    fn output_is_written_beside_its_place() {
        let tmp = tmp_name(Path::new("out/fuzz_frame"));
        assert_eq!(tmp.parent(), Some(Path::new("out")));
        assert!(tmp
            .file_name()
            .unwrap()
            .to_string_lossy()
            .starts_with(".fuzz_frame.tmp"));
    }
}
