//! Two processes, one region: a child (this test binary run again) maps the region by the
//! descriptor it inherits as fd 5 (as a Go worker does) or by path, and writes or checks header
//! fields and a value, while the parent checks or writes them.

use std::os::unix::process::CommandExt;
use std::process::Command;

use gofuzz_shm::{SharedMem, ShmHeader};

const ROLE: &str = "GOFUZZ_SHM_TEST_CHILD_ROLE";
const PATH: &str = "GOFUZZ_SHM_TEST_CHILD_PATH";
const CHILD_FD: i32 = 5;

const EXPECTED: ShmHeader = ShmHeader {
    count: 1234,
    value_len: 22,
    rand_state: 0xdead_beef_0000_0001,
    rand_inc: 0x1357_9bdf_2468_ace0,
    raw_in_mem: true,
};
const VALUE: &[u8] = b"go test fuzz v1\nint(1)\n";

fn write_expected(region: &mut SharedMem) {
    region.set_count(EXPECTED.count);
    region.set_rand_state(EXPECTED.rand_state);
    region.set_rand_inc(EXPECTED.rand_inc);
    region.set_raw_in_mem(EXPECTED.raw_in_mem);
    region
        .set_value(&VALUE[..EXPECTED.value_len as usize])
        .unwrap();
}

fn check_expected(region: &SharedMem) {
    assert_eq!(region.header(), EXPECTED);
    assert_eq!(
        region.value_copy().unwrap(),
        &VALUE[..EXPECTED.value_len as usize]
    );
}

/// The child's side; only runs when the parent starts it with a role.
#[test]
#[ignore = "entry point of the child process started by the other tests"]
fn child_entry() {
    let role = std::env::var(ROLE).expect("started by a parent test");
    let mut region = match std::env::var_os(PATH) {
        Some(path) => SharedMem::map_path(path.as_ref(), 0, false).unwrap(),
        None => {
            // SAFETY: the parent placed the region's descriptor at CHILD_FD before exec.
            let fd = unsafe { std::os::fd::BorrowedFd::borrow_raw(CHILD_FD) };
            SharedMem::map_fd(fd, 0).unwrap()
        }
    };
    match role.as_str() {
        "write" => write_expected(&mut region),
        "check" => check_expected(&region),
        "remap" => {
            // Tell the parent we hold the old mapping, wait until it has grown the region.
            println!("mapped {}", region.capacity());
            let mut line = String::new();
            std::io::stdin().read_line(&mut line).unwrap();
            assert_eq!(line.trim(), "grown");
            assert!(region.remap().unwrap());
            assert_eq!(region.capacity(), GROWN);
            assert_eq!(region.value_copy().unwrap(), grown_value());
            assert_eq!(region.rand_inc(), EXPECTED.rand_inc);
        }
        other => panic!("unknown role {other}"),
    }
    region.close().unwrap();
}

/// This test binary, started in `role`, with the region as its fd 5 (or, `by_path`, named in
/// the environment instead).
fn child_command(region: &SharedMem, role: &str, by_path: bool) -> Command {
    let mut cmd = Command::new(std::env::current_exe().unwrap());
    cmd.args([
        "--ignored",
        "--exact",
        "child_entry",
        "--nocapture",
        "--test-threads=1",
    ])
    .env(ROLE, role);
    if by_path {
        cmd.env(PATH, region.path().unwrap());
    } else {
        let fd = region.fd();
        // SAFETY: dup2 is async-signal-safe and touches only the child's descriptor table;
        // dup2 clears close-on-exec on CHILD_FD, so the child inherits it.
        unsafe {
            cmd.pre_exec(move || {
                if libc::dup2(fd, CHILD_FD) < 0 {
                    return Err(std::io::Error::last_os_error());
                }
                Ok(())
            });
        }
    }
    cmd
}

fn run_child(region: &SharedMem, role: &str, by_path: bool) {
    let mut cmd = child_command(region, role, by_path);
    let output = cmd.output().unwrap();
    assert!(
        output.status.success(),
        "child ({role}, by_path={by_path}) failed: {}\n{}",
        output.status,
        String::from_utf8_lossy(&output.stdout)
    );
    // The harness prints how many tests ran; make sure the child really ran its entry.
    assert!(
        String::from_utf8_lossy(&output.stdout).contains("1 passed"),
        "child did not run child_entry"
    );
}

fn cross(role_of_child: &str, by_path: bool) {
    let dir = tempfile::tempdir().unwrap();
    let mut region = SharedMem::create_in(dir.path(), 64).unwrap();
    match role_of_child {
        "write" => {
            run_child(&region, "write", by_path);
            check_expected(&region);
        }
        _ => {
            write_expected(&mut region);
            run_child(&region, "check", by_path);
        }
    }
    region.close().unwrap();
}

#[test]
fn child_writes_by_inherited_fd_parent_reads() {
    cross("write", false);
}

#[test]
fn parent_writes_child_reads_by_inherited_fd() {
    cross("check", false);
}

#[test]
fn child_writes_by_path_parent_reads() {
    cross("write", true);
}

#[test]
fn parent_writes_child_reads_by_path() {
    cross("check", true);
}

const GROWN: usize = 1 << 20;

fn grown_value() -> Vec<u8> {
    (0..GROWN).map(|i| (i * 7 % 256) as u8).collect()
}

#[test]
fn a_live_child_remaps_after_the_parent_grows_the_region() {
    use std::io::{BufRead, BufReader, Write};
    use std::process::Stdio;

    let dir = tempfile::tempdir().unwrap();
    let mut region = SharedMem::create_in(dir.path(), 64).unwrap();
    write_expected(&mut region);
    let mut cmd = child_command(&region, "remap", false);
    cmd.stdin(Stdio::piped()).stdout(Stdio::piped());
    let mut child = cmd.spawn().unwrap();
    let mut stdout = BufReader::new(child.stdout.take().unwrap());
    // libtest prints "test child_entry ... " without a newline before the body's output.
    let mut line = String::new();
    while !line.contains("mapped ") {
        line.clear();
        assert_ne!(
            stdout.read_line(&mut line).unwrap(),
            0,
            "child exited early"
        );
    }
    assert!(line.trim_end().ends_with("mapped 64"), "{line}");

    region.resize(GROWN).unwrap();
    region.set_value(&grown_value()).unwrap();
    writeln!(child.stdin.take().unwrap(), "grown").unwrap();
    let mut rest = String::new();
    std::io::Read::read_to_string(&mut stdout, &mut rest).unwrap();
    let status = child.wait().unwrap();
    assert!(status.success(), "child failed: {status}\n{rest}");
    assert!(rest.contains("1 passed"), "{rest}");
}

#[test]
fn a_child_that_sees_a_different_header_fails() {
    // Guards the guard: if the child's check could not fail, the tests above would prove nothing.
    let dir = tempfile::tempdir().unwrap();
    let mut region = SharedMem::create_in(dir.path(), 64).unwrap();
    write_expected(&mut region);
    region.set_rand_inc(1);
    let result = std::panic::catch_unwind(|| run_child(&region, "check", false));
    assert!(result.is_err(), "the child accepted a wrong header");
}
