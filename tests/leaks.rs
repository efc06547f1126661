//! Nothing left behind: descriptors and temporary files are counted around many cycles of every
//! way to open and close a region, failure paths included. One test in its own binary, so no
//! other test thread opens descriptors meanwhile.

use std::fs;
use std::os::fd::AsFd;
use std::path::Path;

use gofuzz_shm::{SharedMem, HEADER_SIZE};

fn open_descriptors() -> usize {
    fs::read_dir("/proc/self/fd").unwrap().count()
}

fn files_in(dir: &Path) -> usize {
    fs::read_dir(dir).unwrap().count()
}

#[test]
fn no_descriptor_or_file_survives_any_path() {
    let tmp = tempfile::tempdir().unwrap();
    // `create` uses $TMPDIR; this binary has a single test, so nothing else reads the env.
    std::env::set_var("TMPDIR", tmp.path());
    let fds_before = open_descriptors();
    const CYCLES: usize = 1000;

    for _ in 0..CYCLES {
        let mut region = SharedMem::create(4096).unwrap();
        assert_eq!(region.path().unwrap().parent().unwrap(), tmp.path());
        region.set_value(b"x").unwrap();
        let peer = SharedMem::map_fd(region.as_fd(), 0).unwrap();
        let by_path = SharedMem::map_path(region.path().unwrap(), 0, false).unwrap();
        peer.close().unwrap();
        by_path.close().unwrap();
        region.close().unwrap();
    }
    assert_eq!(files_in(tmp.path()), 0);
    assert_eq!(open_descriptors(), fds_before);

    let kept = tmp.path().join("kept");
    fs::File::create(&kept).unwrap().set_len(100).unwrap();
    for _ in 0..CYCLES {
        assert!(SharedMem::create_in(&tmp.path().join("missing"), 16).is_err());
        assert!(SharedMem::create_in(tmp.path(), usize::MAX).is_err());
        assert!(SharedMem::create_in(tmp.path(), 1 << 62).is_err());
        assert!(SharedMem::map_path(&kept, 101, true).is_err());
        assert!(SharedMem::map_path(&kept, HEADER_SIZE - 1, true).is_err());
        assert!(SharedMem::map_path(Path::new("/dev/null"), 0, false).is_err());
        drop(SharedMem::create_in(tmp.path(), 16).unwrap());
    }
    assert!(kept.exists(), "a failed map_path must not remove the file");
    fs::remove_file(&kept).unwrap();
    assert_eq!(files_in(tmp.path()), 0);
    assert_eq!(open_descriptors(), fds_before);

    // A close whose removal fails still closes the descriptor.
    let region = SharedMem::create(16).unwrap();
    fs::remove_file(region.path().unwrap()).unwrap();
    assert!(region.close().is_err());
    assert_eq!(open_descriptors(), fds_before);
}
