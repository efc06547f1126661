//! A hostile peer process scribbles random headers (negative, huge and odd value_len, random
//! bytes over the whole header) while the parent keeps calling every region operation. Every
//! call must return a value or a documented error; nothing may crash or read out of bounds.

use std::collections::BTreeMap;
use std::os::unix::process::CommandExt;
use std::process::{Command, Stdio};

use gofuzz_shm::{ErrorKind, SharedMem, HEADER_SIZE};

const CAPACITY: usize = 256;
const PEER_WRITES: u64 = 3_000_000;

fn xorshift(state: &mut u64) -> u64 {
    *state ^= *state << 13;
    *state ^= *state >> 7;
    *state ^= *state << 17;
    *state
}

#[test]
#[ignore = "entry point of the hostile child process"]
fn hostile_child_entry() {
    // SAFETY: the parent placed the region's descriptor at fd 5 before exec.
    let fd = unsafe { std::os::fd::BorrowedFd::borrow_raw(5) };
    let region = SharedMem::map_fd(fd, 0).unwrap();
    let base = region.as_ptr();
    let mut state = 0x2545_F491_4F6C_DD1Du64;
    for i in 0..PEER_WRITES {
        let r = xorshift(&mut state);
        let value_len: isize = match i % 4 {
            0 => -((r % 1000) as isize) - 1,
            1 => (CAPACITY as isize) + 1 + (r % 1000) as isize,
            2 => (r % (CAPACITY as u64 + 1)) as isize,
            _ => r as isize,
        };
        // SAFETY: all writes stay inside the header of the live mapping; the peer is meant to
        // race with the parent, which is exactly what is under test.
        unsafe {
            if i % 16 == 0 {
                for off in 0..HEADER_SIZE {
                    base.add(off).write_volatile(xorshift(&mut state) as u8);
                }
            } else {
                (base.add(std::mem::offset_of!(gofuzz_shm::ShmHeader, value_len)) as *mut isize)
                    .write_volatile(value_len);
            }
        }
    }
}

#[test]
fn every_call_survives_a_scribbling_peer() {
    let dir = tempfile::tempdir().unwrap();
    let mut region = SharedMem::create_in(dir.path(), CAPACITY).unwrap();
    let fd = std::os::fd::AsRawFd::as_raw_fd(&region);
    let mut cmd = Command::new(std::env::current_exe().unwrap());
    cmd.args([
        "--ignored",
        "--exact",
        "hostile_child_entry",
        "--test-threads=1",
    ])
    .stdout(Stdio::null());
    // SAFETY: dup2 is async-signal-safe; it gives the child the region as fd 5.
    unsafe {
        cmd.pre_exec(move || match libc::dup2(fd, 5) {
            -1 => Err(std::io::Error::last_os_error()),
            _ => Ok(()),
        });
    }
    let mut child = cmd.spawn().unwrap();

    let mut outcomes: BTreeMap<&str, u64> = BTreeMap::new();
    let mut state = 7u64;
    let mut buf = vec![0u8; CAPACITY];
    let payload = vec![0x5Au8; CAPACITY + 8];
    let mut rounds = 0u64;
    loop {
        rounds += 1;
        let r = xorshift(&mut state);
        let outcome = match r % 6 {
            0 => match region.value_copy() {
                Ok(v) => {
                    assert!(v.len() <= CAPACITY);
                    "copy ok"
                }
                Err(e) => {
                    assert_eq!(e.kind(), ErrorKind::CorruptHeader);
                    "copy corrupt"
                }
            },
            1 => match region.value_copy_into(&mut buf[..(r as usize >> 8) % CAPACITY]) {
                Ok(n) => {
                    assert!(n <= CAPACITY);
                    "copy_into ok"
                }
                Err(e) if e.kind() == ErrorKind::CorruptHeader => "copy_into corrupt",
                Err(e) => {
                    assert_eq!(e.kind(), ErrorKind::TooLarge);
                    "copy_into short buffer"
                }
            },
            2 => match region.set_value(&payload[..(r as usize >> 8) % (CAPACITY + 8)]) {
                Ok(()) => "set ok",
                Err(e) => {
                    assert_eq!(e.kind(), ErrorKind::TooLarge);
                    "set too large"
                }
            },
            3 => match region.value_len() {
                Ok(n) => {
                    assert!(n <= CAPACITY);
                    "len ok"
                }
                Err(e) => {
                    assert_eq!(e.kind(), ErrorKind::CorruptHeader);
                    "len corrupt"
                }
            },
            4 => {
                let h = region.header();
                std::hint::black_box(h);
                "header snapshot"
            }
            _ => match region.set_value_len((r as usize >> 8) % (CAPACITY + 8)) {
                Ok(()) => "set_len ok",
                Err(e) => {
                    assert_eq!(e.kind(), ErrorKind::TooLarge);
                    "set_len too large"
                }
            },
        };
        *outcomes.entry(outcome).or_default() += 1;
        if rounds % 1024 == 0 && child.try_wait().unwrap().is_some() {
            break;
        }
    }
    let status = child.wait().unwrap();
    assert!(status.success(), "hostile child failed: {status}");
    println!("{rounds} calls against a scribbling peer: {outcomes:#?}");
    for expected in ["copy ok", "copy corrupt", "len ok", "len corrupt", "set ok"] {
        assert!(
            outcomes.get(expected).copied().unwrap_or(0) > 0,
            "state {expected:?} never reached: {outcomes:?}"
        );
    }
    region.close().unwrap();
}
