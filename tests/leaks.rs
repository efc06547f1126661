//! Nothing left behind: descriptors, temporary files and memory are measured around 10,000
//! cycles of every way to open and close a region, failure paths included. One test in its own
//! binary, so no other test thread opens descriptors or allocates meanwhile.

use std::fs;
use std::os::fd::AsFd;
use std::os::unix::process::CommandExt;
use std::path::Path;
use std::process::Command;

use gofuzz_shm::{ErrorKind, SharedMem, HEADER_SIZE};

const CYCLES: usize = 10_000;

fn open_descriptors() -> usize {
    fs::read_dir("/proc/self/fd").unwrap().count()
}

fn files_in(dir: &Path) -> usize {
    fs::read_dir(dir).unwrap().count()
}

fn resident_kib() -> u64 {
    let status = fs::read_to_string("/proc/self/status").unwrap();
    let line = status.lines().find(|l| l.starts_with("VmRSS:")).unwrap();
    line.split_whitespace().nth(1).unwrap().parse().unwrap()
}

/// Runs `cycle` CYCLES times and checks descriptors, files in `dir` and resident memory.
fn no_growth(label: &str, dir: &Path, mut cycle: impl FnMut()) {
    // Warm up allocator pools and lazily initialised state before measuring.
    for _ in 0..100 {
        cycle();
    }
    let fds = open_descriptors();
    let files = files_in(dir);
    let rss = resident_kib();
    for _ in 0..CYCLES {
        cycle();
    }
    assert_eq!(open_descriptors(), fds, "{label}: descriptors leaked");
    assert_eq!(files_in(dir), files, "{label}: files left behind");
    let grown = resident_kib().saturating_sub(rss);
    println!("{label}: {CYCLES} cycles, resident memory grew {grown} KiB");
    assert!(grown < 2048, "{label}: resident memory grew {grown} KiB");
}

#[test]
#[ignore = "entry point of a child process with a small RLIMIT_FSIZE"]
fn child_with_file_size_limit() {
    let dir = std::env::var("GOFUZZ_SHM_TEST_DIR").unwrap();
    let err = SharedMem::create_in(dir.as_ref(), 1 << 20).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Io);
    assert_eq!(err.io_error().unwrap().raw_os_error(), Some(libc::EFBIG));
    // A region within the limit still works.
    SharedMem::create_in(dir.as_ref(), 1024)
        .unwrap()
        .close()
        .unwrap();
}

#[test]
fn nothing_survives_any_path() {
    let tmp = tempfile::tempdir().unwrap();
    // `create` uses $TMPDIR; this binary runs one test at a time, so nothing else reads it.
    std::env::set_var("TMPDIR", tmp.path());
    let base_fds = open_descriptors();

    no_growth("create", tmp.path(), || {
        let mut region = SharedMem::create(4096).unwrap();
        region.set_value(b"x").unwrap();
        region.close().unwrap();
    });
    no_growth("create_in", tmp.path(), || {
        SharedMem::create_in(tmp.path(), 4096)
            .unwrap()
            .close()
            .unwrap();
    });
    no_growth("create_memfd + resize", tmp.path(), || {
        let mut region = SharedMem::create_memfd(4096).unwrap();
        region.resize(8192).unwrap();
        region.close().unwrap();
    });
    let owner = SharedMem::create_in(tmp.path(), 4096).unwrap();
    no_growth("map_fd", tmp.path(), || {
        SharedMem::map_fd(owner.as_fd(), 0)
            .unwrap()
            .close()
            .unwrap();
    });
    no_growth("map_path", tmp.path(), || {
        SharedMem::map_path(owner.path().unwrap(), 0, false)
            .unwrap()
            .close()
            .unwrap();
    });
    owner.close().unwrap();

    let kept = tmp.path().join("kept");
    fs::File::create(&kept).unwrap().set_len(100).unwrap();
    let unwritable = Path::new("/proc/self");
    no_growth("failure paths", tmp.path(), || {
        assert!(SharedMem::create_in(&tmp.path().join("missing"), 16).is_err());
        assert!(SharedMem::create_in(unwritable, 16).is_err());
        assert!(SharedMem::create_in(tmp.path(), usize::MAX).is_err());
        assert!(SharedMem::create_in(tmp.path(), 1 << 62).is_err());
        assert!(SharedMem::create_memfd(usize::MAX).is_err());
        assert!(SharedMem::map_path(&kept, 101, true).is_err());
        assert!(SharedMem::map_path(&kept, HEADER_SIZE - 1, true).is_err());
        assert!(SharedMem::map_path(Path::new("/dev/null"), 0, false).is_err());
    });
    assert!(kept.exists(), "a failed map_path must not remove the file");
    fs::remove_file(&kept).unwrap();

    // The unwritable directory's error names it.
    let err = SharedMem::create_in(unwritable, 16).unwrap_err();
    assert!(err.to_string().contains("/proc/self"), "{err}");

    // A close whose removal fails still closes the descriptor.
    let region = SharedMem::create(16).unwrap();
    fs::remove_file(region.path().unwrap()).unwrap();
    assert!(region.close().is_err());
    assert_eq!(files_in(tmp.path()), 0);
    assert_eq!(open_descriptors(), base_fds);

    // A full filesystem, as RLIMIT_FSIZE makes it: the error says so and nothing is left.
    let mut cmd = Command::new(std::env::current_exe().unwrap());
    cmd.args(["--ignored", "--exact", "child_with_file_size_limit"])
        .env("GOFUZZ_SHM_TEST_DIR", tmp.path());
    // SAFETY: setrlimit and signal are async-signal-safe; SIGXFSZ is ignored so that the
    // oversized ftruncate returns EFBIG instead of killing the child.
    unsafe {
        cmd.pre_exec(|| {
            let limit = libc::rlimit {
                rlim_cur: 64 * 1024,
                rlim_max: 64 * 1024,
            };
            if libc::setrlimit(libc::RLIMIT_FSIZE, &limit) != 0 {
                return Err(std::io::Error::last_os_error());
            }
            libc::signal(libc::SIGXFSZ, libc::SIG_IGN);
            Ok(())
        });
    }
    let out = cmd.output().unwrap();
    assert!(
        out.status.success() && String::from_utf8_lossy(&out.stdout).contains("1 passed"),
        "{}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(files_in(tmp.path()), 0);
}
