//! Growing and shrinking regions, peers following with remap, sealed memfd regions, and what a
//! peer that truncates the file can and cannot do.

use std::fs;
use std::os::fd::AsFd;
use std::os::unix::process::CommandExt;
use std::os::unix::process::ExitStatusExt;
use std::process::Command;

use gofuzz_shm::{ErrorKind, SharedMem, HEADER_SIZE};

/// The backing file's size as fstat sees it now.
fn file_len(region: &SharedMem) -> u64 {
    let file = fs::File::from(region.as_fd().try_clone_to_owned().unwrap());
    file.metadata().unwrap().len()
}

#[test]
fn grow_keeps_header_and_value_and_a_peer_remaps_to_see_the_rest() {
    let dir = tempfile::tempdir().unwrap();
    let mut owner = SharedMem::create_in(dir.path(), 16).unwrap();
    let mut peer = SharedMem::map_fd(owner.as_fd(), 0).unwrap();
    owner.set_rand_state(42);
    owner.set_value(b"sixteen bytes!!!").unwrap();

    owner.resize(1 << 20).unwrap();
    assert_eq!(owner.capacity(), 1 << 20);
    assert_eq!(file_len(&owner), (HEADER_SIZE + (1 << 20)) as u64);
    assert_eq!(owner.rand_state(), 42);
    assert_eq!(owner.value_copy().unwrap(), b"sixteen bytes!!!");

    let big: Vec<u8> = (0..1 << 20).map(|i| (i % 251) as u8).collect();
    owner.set_value(&big).unwrap();
    // The peer still maps 16 bytes of value: the new length is out of its range until it remaps.
    assert_eq!(
        peer.value_copy().unwrap_err().kind(),
        ErrorKind::CorruptHeader
    );
    assert!(peer.remap().unwrap());
    assert!(!peer.remap().unwrap(), "a second remap has nothing to do");
    assert_eq!(peer.capacity(), 1 << 20);
    assert_eq!(peer.value_copy().unwrap(), big);
}

#[test]
fn shrink_refuses_to_cut_the_value_and_otherwise_truncates_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let mut region = SharedMem::create_in(dir.path(), 100).unwrap();
    region.set_value(&[7u8; 50]).unwrap();
    let err = region.resize(49).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidArgument);
    assert!(err.to_string().contains("50-byte value"), "{err}");
    assert_eq!(region.capacity(), 100);
    assert_eq!(file_len(&region), (HEADER_SIZE + 100) as u64);

    region.resize(50).unwrap();
    assert_eq!(region.capacity(), 50);
    assert_eq!(file_len(&region), (HEADER_SIZE + 50) as u64);
    assert_eq!(region.value_copy().unwrap(), [7u8; 50]);
    region.resize(50).unwrap();
}

#[test]
fn resize_rejects_corrupt_headers_and_impossible_sizes_without_changing_anything() {
    let dir = tempfile::tempdir().unwrap();
    let mut region = SharedMem::create_in(dir.path(), 8).unwrap();
    let peer = SharedMem::map_fd(region.as_fd(), 0).unwrap();
    let err = region.resize(usize::MAX).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::TooLarge);
    let err = region.resize(1 << 62).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Io, "{err}");
    assert_eq!(file_len(&region), (HEADER_SIZE + 8) as u64);
    assert_eq!(region.capacity(), 8);

    // SAFETY: writes 8 bytes at the value_len offset inside the peer's live mapping.
    unsafe {
        (peer
            .as_ptr()
            .add(std::mem::offset_of!(gofuzz_shm::ShmHeader, value_len)) as *mut isize)
            .write_volatile(-3)
    };
    assert_eq!(
        region.resize(4).unwrap_err().kind(),
        ErrorKind::CorruptHeader
    );
    assert_eq!(region.capacity(), 8);
}

#[test]
fn a_mapping_smaller_than_its_file_grows_without_truncating_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("big");
    fs::File::create(&path).unwrap().set_len(1 << 16).unwrap();
    let mut region = SharedMem::map_path(&path, HEADER_SIZE + 10, false).unwrap();
    region.resize(100).unwrap();
    assert_eq!(region.capacity(), 100);
    assert_eq!(fs::metadata(&path).unwrap().len(), 1 << 16);
}

#[test]
fn memfd_regions_are_sealed_pathless_and_can_grow_but_not_shrink() {
    let mut region = SharedMem::create_memfd(4096).unwrap();
    assert!(region.path().is_none());
    assert!(region.is_shrink_sealed());
    assert_eq!(region.capacity(), 4096);
    region.set_value(b"in memory").unwrap();

    let peer = SharedMem::map_fd(region.as_fd(), 0).unwrap();
    assert!(
        peer.is_shrink_sealed(),
        "a mapped descriptor reports its seal"
    );
    assert_eq!(peer.value_copy().unwrap(), b"in memory");

    region.resize(1 << 20).unwrap();
    assert_eq!(region.capacity(), 1 << 20);
    let err = region.resize(100).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Io);
    assert_eq!(err.io_error().unwrap().raw_os_error(), Some(libc::EPERM));
    assert_eq!(
        region.capacity(),
        1 << 20,
        "a refused shrink changes nothing"
    );
    assert_eq!(region.value_copy().unwrap(), b"in memory");

    let dir = tempfile::tempdir().unwrap();
    let plain = SharedMem::create_in(dir.path(), 8).unwrap();
    assert!(!plain.is_shrink_sealed());
}

#[test]
fn a_peer_cannot_truncate_a_sealed_memfd() {
    let mut owner = SharedMem::create_memfd(1 << 16).unwrap();
    owner.set_value(&[1u8; 1 << 16]).unwrap();
    // The peer holds its own descriptor, as a worker process would.
    let peer_file = fs::File::from(owner.as_fd().try_clone_to_owned().unwrap());
    let err = peer_file.set_len(HEADER_SIZE as u64).unwrap_err();
    assert_eq!(err.raw_os_error(), Some(libc::EPERM));
    assert_eq!(owner.value_copy().unwrap(), vec![1u8; 1 << 16]);
}

#[test]
fn after_a_peer_truncates_a_file_remap_shrinks_and_value_checks_hold() {
    let dir = tempfile::tempdir().unwrap();
    let mut region = SharedMem::create_in(dir.path(), 4096).unwrap();
    region.set_value(&[5u8; 1000]).unwrap();
    fs::OpenOptions::new()
        .write(true)
        .open(region.path().unwrap())
        .unwrap()
        .set_len((HEADER_SIZE + 10) as u64)
        .unwrap();
    assert!(region.remap().unwrap());
    assert_eq!(region.capacity(), 10);
    // The header survived (it is inside the file); the length no longer fits.
    assert_eq!(region.value_len_raw(), 1000);
    assert_eq!(
        region.value_copy().unwrap_err().kind(),
        ErrorKind::CorruptHeader
    );

    fs::OpenOptions::new()
        .write(true)
        .open(region.path().unwrap())
        .unwrap()
        .set_len(3)
        .unwrap();
    let err = region.remap().unwrap_err();
    assert_eq!(err.kind(), ErrorKind::CorruptHeader, "{err}");
    assert_eq!(region.capacity(), 10, "the old mapping is kept");
}

/// Child side of the next test.
#[test]
#[ignore = "entry point of the child process started by the next test"]
fn child_reads_after_truncation() {
    let dir = std::env::var("GOFUZZ_SHM_TEST_DIR").unwrap();
    let mut region = SharedMem::create_in(dir.as_ref(), 1 << 16).unwrap();
    region.set_value(&[9u8; 1 << 16]).unwrap();
    fs::OpenOptions::new()
        .write(true)
        .open(region.path().unwrap())
        .unwrap()
        .set_len(HEADER_SIZE as u64)
        .unwrap();
    // value_len is in the header, still mapped and in range for the stale mapping; the bytes
    // are not backed by the file any more.
    let _ = region.value_copy();
    std::process::exit(0);
}

#[test]
fn reading_a_file_backed_region_truncated_under_it_faults_which_memfd_prevents() {
    let dir = tempfile::tempdir().unwrap();
    let mut cmd = Command::new(std::env::current_exe().unwrap());
    cmd.args([
        "--ignored",
        "--exact",
        "child_reads_after_truncation",
        "--test-threads=1",
    ])
    .env("GOFUZZ_SHM_TEST_DIR", dir.path());
    // SAFETY: only restores the default SIGBUS disposition in the child before exec.
    unsafe {
        cmd.pre_exec(|| {
            libc::signal(libc::SIGBUS, libc::SIG_DFL);
            Ok(())
        });
    }
    let status = cmd.output().unwrap().status;
    assert_eq!(
        status.signal(),
        Some(libc::SIGBUS),
        "documented limit: a file-backed region truncated by a peer faults; got {status}"
    );
}
