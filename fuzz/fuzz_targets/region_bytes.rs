//! Fuzzes region bytes mapped from a file: the input is the whole file (header + value), as a
//! buggy or hostile peer could leave it.
//!
//! Properties: mapping fails cleanly for files shorter than the header; every read agrees with
//! the raw header (value_len valid exactly when 0 <= value_len <= capacity); the value read is
//! the file's bytes at the value offset; a value that is an entry decodes without panicking.
#![no_main]

use std::io::{Seek, SeekFrom, Write};
use std::os::fd::{AsFd, FromRawFd};
use std::sync::Mutex;

use gofuzz_shm::{corpus, ErrorKind, SharedMem, HEADER_SIZE};
use libfuzzer_sys::fuzz_target;

/// One memfd reused for every input: cheaper than a file per execution, and still a file.
static FILE: Mutex<Option<std::fs::File>> = Mutex::new(None);

fuzz_target!(|data: &[u8]| {
    let mut guard = FILE.lock().unwrap();
    let file = guard.get_or_insert_with(|| {
        // SAFETY: memfd_create with a literal name; the fresh descriptor is owned by File.
        let fd = unsafe { libc::memfd_create(c"region-bytes".as_ptr(), libc::MFD_CLOEXEC) };
        assert!(fd >= 0);
        unsafe { std::fs::File::from_raw_fd(fd) }
    });
    file.set_len(0).unwrap();
    file.seek(SeekFrom::Start(0)).unwrap();
    file.write_all(data).unwrap();

    let region = match SharedMem::map_fd(file.as_fd(), 0) {
        Ok(region) => region,
        Err(err) => {
            assert!(
                data.len() < HEADER_SIZE,
                "mapping {} bytes failed: {err}",
                data.len()
            );
            assert_eq!(err.kind(), ErrorKind::InvalidArgument);
            return;
        }
    };
    assert!(data.len() >= HEADER_SIZE);
    let capacity = data.len() - HEADER_SIZE;
    assert_eq!(region.capacity(), capacity);
    let raw = region.value_len_raw();
    let header = region.header();
    assert_eq!(header.value_len, raw);
    match region.value_copy() {
        Ok(value) => {
            assert!(raw >= 0 && raw as usize <= capacity);
            assert_eq!(&value[..], &data[HEADER_SIZE..HEADER_SIZE + raw as usize]);
            let _ = corpus::decode(&value);
        }
        Err(err) => {
            assert_eq!(err.kind(), ErrorKind::CorruptHeader);
            assert!(raw < 0 || raw as usize > capacity);
        }
    }
    region.close().unwrap();
});
