//! Creating, mapping and closing regions: success paths and every failure path of the contract.

use std::fs;
use std::os::fd::{AsFd, AsRawFd};
use std::os::unix::fs::{MetadataExt, PermissionsExt};

use gofuzz_shm::{ErrorKind, SharedMem, HEADER_SIZE};

fn entries(dir: &std::path::Path) -> Vec<String> {
    let mut names: Vec<String> = fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

#[test]
fn create_in_makes_a_sparse_private_fuzz_file_that_close_removes() {
    let dir = tempfile::tempdir().unwrap();
    let capacity = 100 << 20;
    let region = SharedMem::create_in(dir.path(), capacity).unwrap();
    let path = region.path().unwrap().to_path_buf();
    assert_eq!(path.parent().unwrap(), dir.path());
    assert!(path
        .file_name()
        .unwrap()
        .to_string_lossy()
        .starts_with("fuzz-"));
    let meta = fs::metadata(&path).unwrap();
    assert_eq!(meta.len(), (HEADER_SIZE + capacity) as u64);
    assert_eq!(meta.permissions().mode() & 0o777, 0o600);
    // Sparse: far fewer 512-byte blocks allocated than the 100 MiB size.
    assert!(meta.blocks() * 512 < 1 << 20, "blocks: {}", meta.blocks());
    assert_eq!(region.capacity(), capacity);
    assert_eq!(region.mapped_len(), HEADER_SIZE + capacity);
    assert!(region.removes_on_close());
    assert_eq!(region.header(), gofuzz_shm::ShmHeader::default());
    assert_eq!(region.value_len().unwrap(), 0);
    region.close().unwrap();
    assert!(!path.exists());
    assert!(entries(dir.path()).is_empty());
}

#[test]
fn zero_capacity_region_is_just_a_header() {
    let dir = tempfile::tempdir().unwrap();
    let mut region = SharedMem::create_in(dir.path(), 0).unwrap();
    assert_eq!(region.capacity(), 0);
    region.set_value(b"").unwrap();
    assert_eq!(region.value_copy().unwrap(), b"");
    assert_eq!(
        region.set_value(b"x").unwrap_err().kind(),
        ErrorKind::TooLarge
    );
}

#[test]
fn drop_removes_a_created_file() {
    let dir = tempfile::tempdir().unwrap();
    let path = {
        let region = SharedMem::create_in(dir.path(), 16).unwrap();
        region.path().unwrap().to_path_buf()
    };
    assert!(!path.exists());
}

#[test]
fn create_in_missing_dir_names_the_dir_and_leaves_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("no-such-dir");
    let err = SharedMem::create_in(&missing, 16).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Io);
    assert_eq!(err.path(), Some(missing.as_path()));
    assert_eq!(err.io_error().unwrap().kind(), std::io::ErrorKind::NotFound);
    let text = err.to_string();
    assert!(text.contains("no-such-dir"), "{text}");
    assert!(entries(dir.path()).is_empty());
}

#[test]
fn create_with_unmappable_capacity_is_too_large() {
    let dir = tempfile::tempdir().unwrap();
    for capacity in [usize::MAX, isize::MAX as usize] {
        let err = SharedMem::create_in(dir.path(), capacity).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::TooLarge, "{err}");
    }
    assert!(entries(dir.path()).is_empty());
}

#[test]
fn create_with_capacity_beyond_the_filesystem_fails_with_io_and_cleans_up() {
    // Valid for a mapping, but no filesystem here takes a file of 2^62 bytes: set_len fails.
    let dir = tempfile::tempdir().unwrap();
    let err = SharedMem::create_in(dir.path(), 1 << 62).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Io, "{err}");
    assert!(entries(dir.path()).is_empty());
}

fn file_of_len(dir: &std::path::Path, name: &str, len: u64) -> std::path::PathBuf {
    let path = dir.join(name);
    let file = fs::File::create(&path).unwrap();
    file.set_len(len).unwrap();
    path
}

#[test]
fn map_path_size_zero_maps_the_whole_file_and_keeps_it() {
    let dir = tempfile::tempdir().unwrap();
    let path = file_of_len(dir.path(), "region", 4096);
    let region = SharedMem::map_path(&path, 0, false).unwrap();
    assert_eq!(region.capacity(), 4096 - HEADER_SIZE);
    assert_eq!(region.path(), Some(path.as_path()));
    assert!(!region.removes_on_close());
    region.close().unwrap();
    assert!(path.exists());
}

#[test]
fn map_path_with_explicit_size_and_remove_on_close() {
    let dir = tempfile::tempdir().unwrap();
    let path = file_of_len(dir.path(), "region", 4096);
    let region = SharedMem::map_path(&path, HEADER_SIZE + 10, true).unwrap();
    assert_eq!(region.capacity(), 10);
    region.close().unwrap();
    assert!(!path.exists());
}

#[test]
fn map_path_rejects_sizes_outside_header_to_file_len() {
    let dir = tempfile::tempdir().unwrap();
    let path = file_of_len(dir.path(), "region", 100);
    for size in [101, 1 << 40, HEADER_SIZE - 1, 1] {
        let err = SharedMem::map_path(&path, size, true).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::InvalidArgument, "size {size}: {err}");
        assert!(err.to_string().contains(&size.to_string()), "{err}");
    }
    // A failed call with remove_on_close must not remove the file.
    assert!(path.exists());
}

#[test]
fn map_path_of_a_file_shorter_than_the_header_is_invalid() {
    let dir = tempfile::tempdir().unwrap();
    let path = file_of_len(dir.path(), "short", (HEADER_SIZE - 1) as u64);
    let err = SharedMem::map_path(&path, 0, false).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidArgument);
    assert!(err.to_string().contains("smaller than the"), "{err}");
    let empty = file_of_len(dir.path(), "empty", 0);
    let err = SharedMem::map_path(&empty, 0, false).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidArgument);
}

#[test]
fn map_path_errors_name_the_path() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("missing");
    let err = SharedMem::map_path(&missing, 0, false).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Io);
    assert_eq!(err.path(), Some(missing.as_path()));
    // A directory cannot be opened read-write.
    let err = SharedMem::map_path(dir.path(), 0, false).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Io);
    // A character device opens read-write but is not a regular file.
    let err = SharedMem::map_path(std::path::Path::new("/dev/null"), 0, false).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidArgument, "{err}");
    assert!(err.to_string().contains("/dev/null"), "{err}");
}

#[test]
fn map_fd_duplicates_the_descriptor_and_shares_the_memory() {
    let dir = tempfile::tempdir().unwrap();
    let mut owner = SharedMem::create_in(dir.path(), 64).unwrap();
    let peer = SharedMem::map_fd(owner.as_fd(), 0).unwrap();
    assert_ne!(peer.fd(), owner.fd());
    assert_eq!(peer.path(), None);
    assert!(!peer.removes_on_close());
    assert_eq!(peer.capacity(), 64);
    owner.set_value(b"shared").unwrap();
    assert_eq!(peer.value_copy().unwrap(), b"shared");
    let owner_fd = owner.fd();
    peer.close().unwrap();
    // The owner's descriptor is untouched by closing the peer's duplicate.
    // SAFETY: fcntl F_GETFD on a descriptor number only queries it.
    assert!(unsafe { libc::fcntl(owner_fd, libc::F_GETFD) } >= 0);
    owner.set_value(b"still").unwrap();
    let path = owner.path().unwrap().to_path_buf();
    owner.close().unwrap();
    assert!(!path.exists());
}

#[test]
fn map_fd_applies_the_size_rules_and_rejects_non_files() {
    let dir = tempfile::tempdir().unwrap();
    let path = file_of_len(dir.path(), "region", 100);
    let file = fs::OpenOptions::new()
        .read(true)
        .write(true)
        .open(&path)
        .unwrap();
    for size in [101, HEADER_SIZE - 1] {
        let err = SharedMem::map_fd(file.as_fd(), size).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::InvalidArgument, "{err}");
    }
    let region = SharedMem::map_fd(file.as_fd(), HEADER_SIZE).unwrap();
    assert_eq!(region.capacity(), 0);
    drop(region);

    let (reader, _writer) = std::io::pipe().unwrap();
    let err = SharedMem::map_fd(reader.as_fd(), 0).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidArgument, "{err}");

    let read_only = fs::File::open(&path).unwrap();
    let err = SharedMem::map_fd(read_only.as_fd(), 0).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Io, "{err}");
    assert!(read_only.as_raw_fd() >= 0);
}

#[test]
fn close_attempts_every_step_and_reports_the_first_failure() {
    let dir = tempfile::tempdir().unwrap();
    let region = SharedMem::create_in(dir.path(), 16).unwrap();
    let path = region.path().unwrap().to_path_buf();
    fs::remove_file(&path).unwrap();
    let err = region.close().unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Io);
    assert_eq!(err.path(), Some(path.as_path()));
    assert_eq!(err.io_error().unwrap().kind(), std::io::ErrorKind::NotFound);
    // That the descriptor was still closed is checked in tests/leaks.rs, where no other test
    // thread can reuse the descriptor number meanwhile.
}
