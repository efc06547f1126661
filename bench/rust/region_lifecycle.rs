//! Create + map + close of a region of Go's size (100 MiB of value capacity), against a Go
//! program doing what Go's `sharedMemTempFile` and `sharedMem.Close` do (CreateTemp "fuzz-*",
//! Truncate, Mmap; Munmap, Close, Remove), measured in the same run.
//!
//! - `go_shared_mem_temp_file`: the baseline, `bench/golifecycle` (a Go program) running the
//!   cycles in its own process; criterion asks it for N cycles and records the time it reports
//!   (`iter_custom`), so no process start-up is counted.
//! - `create`: `SharedMem::create` + `close` (a `fuzz-*` file in the temp dir, as Go).
//! - `create_memfd`: `SharedMem::create_memfd` + `close` (no file in any directory).
//! - `raw_syscalls`: the same system calls as `create` issued directly through libc, no library:
//!   the floor for a file-backed region.
//!
//! The Go program is found through `GOFUZZ_SHM_BENCH_GO_LIFECYCLE` (bench/run.sh builds it);
//! without it the bench builds it with `go build`, and skips the baseline if that fails. Run
//! alone with `cargo bench --bench region_lifecycle`.

mod support;

use std::ffi::CString;
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, ChildStdout, Command, Stdio};
use std::time::Duration;

use gofuzz_shm::{SharedMem, GO_WORKER_VALUE_CAPACITY, HEADER_SIZE};
use support::{op, Bench, Op};

/// The Go baseline process.
struct GoLifecycle {
    child: Child,
    requests: ChildStdin,
    answers: BufReader<ChildStdout>,
    line: String,
}

impl GoLifecycle {
    fn start(binary: &Path) -> std::io::Result<GoLifecycle> {
        let mut child = Command::new(binary)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()?;
        let requests = child.stdin.take().expect("piped stdin");
        let answers = BufReader::new(child.stdout.take().expect("piped stdout"));
        Ok(GoLifecycle {
            child,
            requests,
            answers,
            line: String::new(),
        })
    }

    /// Runs `iters` cycles in the Go process; returns the time it measured.
    fn run(&mut self, iters: u64) -> Duration {
        writeln!(self.requests, "{iters}").expect("send a request to golifecycle");
        self.line.clear();
        self.answers
            .read_line(&mut self.line)
            .expect("read golifecycle's answer");
        let nanos: u64 = self.line.trim().parse().unwrap_or_else(|_| {
            panic!(
                "golifecycle failed (answer {:?}); see its stderr",
                self.line
            )
        });
        Duration::from_nanos(nanos)
    }
}

impl Drop for GoLifecycle {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The Go program: `$GOFUZZ_SHM_BENCH_GO_LIFECYCLE`, else built here with `go build`.
fn go_binary() -> Option<PathBuf> {
    if let Some(path) = std::env::var_os("GOFUZZ_SHM_BENCH_GO_LIFECYCLE") {
        return Some(PathBuf::from(path));
    }
    let out = Path::new(env!("CARGO_TARGET_TMPDIR")).join("golifecycle");
    let status = Command::new("go")
        .current_dir(Path::new(env!("CARGO_MANIFEST_DIR")).join("bench"))
        .args(["build", "-o"])
        .arg(&out)
        .arg("./golifecycle")
        .status();
    match status {
        Ok(s) if s.success() => Some(out),
        _ => {
            eprintln!("region_lifecycle: cannot build bench/golifecycle; skipping the Go baseline");
            None
        }
    }
}

/// One cycle of the system calls `SharedMem::create` + `close` make for a file-backed region,
/// through libc: open(O_CREAT|O_EXCL), ftruncate, mmap; munmap, close, unlink.
fn raw_cycle(dir: &Path, n: u64, size: usize) {
    let path = CString::new(format!(
        "{}/fuzz-raw-{}-{n}",
        dir.display(),
        std::process::id()
    ))
    .expect("no NUL in the temp dir");
    // SAFETY: plain system calls on a path and descriptor this function owns; every result is
    // checked before use.
    unsafe {
        let fd = libc::open(
            path.as_ptr(),
            libc::O_RDWR | libc::O_CREAT | libc::O_EXCL | libc::O_CLOEXEC,
            0o600,
        );
        assert!(fd >= 0, "open: {}", std::io::Error::last_os_error());
        assert_eq!(libc::ftruncate(fd, size as libc::off_t), 0);
        let p = libc::mmap(
            std::ptr::null_mut(),
            size,
            libc::PROT_READ | libc::PROT_WRITE,
            libc::MAP_SHARED,
            fd,
            0,
        );
        assert_ne!(p, libc::MAP_FAILED);
        assert_eq!(libc::munmap(p, size), 0);
        assert_eq!(libc::close(fd), 0);
        assert_eq!(libc::unlink(path.as_ptr()), 0);
    }
}

fn main() {
    let mut go = go_binary().map(|b| GoLifecycle::start(&b).expect("start golifecycle"));
    let size = HEADER_SIZE + GO_WORKER_VALUE_CAPACITY;
    let dir = std::env::temp_dir();
    let mut n = 0u64;

    let mut ops: Vec<(&str, Op<'_>)> = Vec::new();
    if let Some(go) = go.as_mut() {
        ops.push(("go_shared_mem_temp_file", Box::new(|iters| go.run(iters))));
    }
    ops.push((
        "create",
        op(|| {
            SharedMem::create(GO_WORKER_VALUE_CAPACITY)
                .unwrap()
                .close()
                .unwrap()
        }),
    ));
    ops.push((
        "create_memfd",
        op(|| {
            SharedMem::create_memfd(GO_WORKER_VALUE_CAPACITY)
                .unwrap()
                .close()
                .unwrap()
        }),
    ));
    ops.push((
        "raw_syscalls",
        op(|| {
            n += 1;
            raw_cycle(&dir, n, size)
        }),
    ));
    let mut bench = Bench::new();
    // Creating and removing files on a shared disk varies a lot from block to block.
    bench.set_rounds(41);
    bench.compare("lifecycle", None, None, ops);
    bench.finish();
}
