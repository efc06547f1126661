//! Header fields and the value: round trips through a second mapping (as a peer sees them),
//! rejected writes that change nothing, and hostile headers written by a "peer" mapping.

use std::mem::{offset_of, size_of};
use std::os::fd::AsFd;

use gofuzz_shm::{ErrorKind, SharedMem, ShmHeader, HEADER_SIZE};

/// A region and a second, independent mapping of the same file playing the peer.
fn region_and_peer(capacity: usize) -> (tempfile::TempDir, SharedMem, SharedMem) {
    let dir = tempfile::tempdir().unwrap();
    let region = SharedMem::create_in(dir.path(), capacity).unwrap();
    let peer = SharedMem::map_fd(region.as_fd(), 0).unwrap();
    (dir, region, peer)
}

/// Writes raw bytes into the peer's mapping at `offset`, as a buggy process could.
fn scribble(peer: &SharedMem, offset: usize, bytes: &[u8]) {
    assert!(offset + bytes.len() <= peer.mapped_len());
    // SAFETY: in bounds of the peer's live mapping (checked above); no Rust reference into the
    // mapping exists while we write.
    unsafe { std::ptr::copy_nonoverlapping(bytes.as_ptr(), peer.as_ptr().add(offset), bytes.len()) }
}

fn write_value_len(peer: &SharedMem, len: isize) {
    scribble(peer, offset_of!(ShmHeader, value_len), &len.to_ne_bytes());
}

#[test]
fn header_fields_round_trip_through_another_mapping() {
    let (_dir, mut region, peer) = region_and_peer(32);
    region.set_count(-7);
    region.set_rand_state(0x0123_4567_89ab_cdef);
    region.set_rand_inc(u64::MAX);
    region.set_raw_in_mem(true);
    region.set_value(b"abc").unwrap();
    assert_eq!(
        peer.header(),
        ShmHeader {
            count: -7,
            value_len: 3,
            rand_state: 0x0123_4567_89ab_cdef,
            rand_inc: u64::MAX,
            raw_in_mem: true,
        }
    );
    // The bytes sit at Go's offsets, in native order.
    let mut raw = vec![0u8; HEADER_SIZE];
    // SAFETY: the header is HEADER_SIZE bytes at the start of the peer's live mapping.
    unsafe { std::ptr::copy_nonoverlapping(peer.as_ptr(), raw.as_mut_ptr(), HEADER_SIZE) };
    let at = |offset: usize| u64::from_ne_bytes(raw[offset..offset + 8].try_into().unwrap());
    assert_eq!(at(offset_of!(ShmHeader, rand_state)), 0x0123_4567_89ab_cdef);
    assert_eq!(raw[offset_of!(ShmHeader, raw_in_mem)], 1);
    region.set_raw_in_mem(false);
    assert!(!peer.raw_in_mem());
    assert_eq!(peer.value_copy().unwrap(), b"abc");
}

#[test]
fn raw_in_mem_accepts_any_nonzero_byte_from_a_peer() {
    let (_dir, region, peer) = region_and_peer(8);
    scribble(&peer, offset_of!(ShmHeader, raw_in_mem), &[2]);
    assert!(region.raw_in_mem());
    assert!(region.header().raw_in_mem);
}

#[test]
fn value_copy_into_reports_too_large_and_copies_nothing() {
    let (_dir, mut region, _peer) = region_and_peer(16);
    region.set_value(b"0123456789").unwrap();
    let mut small = [0xAAu8; 4];
    let err = region.value_copy_into(&mut small).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::TooLarge);
    assert_eq!(small, [0xAA; 4]);
    let mut exact = [0u8; 10];
    assert_eq!(region.value_copy_into(&mut exact).unwrap(), 10);
    assert_eq!(&exact, b"0123456789");
    // SAFETY: no other process or mapping writes during the borrow.
    assert_eq!(unsafe { region.value_slice() }.unwrap(), b"0123456789");
}

#[test]
fn rejected_writes_leave_the_region_unchanged() {
    let (_dir, mut region, peer) = region_and_peer(8);
    region.set_value(b"keep").unwrap();
    let before = peer.header();
    let err = region.set_value(b"123456789").unwrap_err();
    assert_eq!(err.kind(), ErrorKind::TooLarge);
    assert!(err.to_string().contains("capacity of 8"), "{err}");
    let err = region.set_value_len(9).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::TooLarge);
    assert_eq!(peer.header(), before);
    assert_eq!(peer.value_copy().unwrap(), b"keep");
    // Exactly the capacity fits.
    region.set_value(b"12345678").unwrap();
    assert_eq!(peer.value_copy().unwrap(), b"12345678");
}

#[test]
fn value_filled_in_place_is_published_by_set_value_len() {
    let (_dir, mut region, peer) = region_and_peer(8);
    // SAFETY: value_ptr has capacity() writable bytes; nothing else writes meanwhile.
    unsafe { std::ptr::copy_nonoverlapping(b"raw".as_ptr(), region.value_ptr(), 3) };
    region.set_value_len(3).unwrap();
    assert_eq!(peer.value_copy().unwrap(), b"raw");
}

#[test]
fn set_value_from_the_region_itself_is_a_memmove() {
    let (_dir, mut region, _peer) = region_and_peer(16);
    region.set_value(b"abcdef").unwrap();
    // SAFETY: the slice borrows the region's own bytes; set_value copies with memmove.
    let own = unsafe { std::slice::from_raw_parts(region.value_ptr().add(2), 4) };
    region.set_value(own).unwrap();
    assert_eq!(region.value_copy().unwrap(), b"cdef");
}

#[test]
fn hostile_value_lengths_are_corrupt_header_for_every_reader() {
    let (_dir, mut region, peer) = region_and_peer(16);
    region.set_value(b"fine").unwrap();
    let hostile = [-1, isize::MIN, 17, isize::MAX, i32::MAX as isize];
    for len in hostile {
        write_value_len(&peer, len);
        assert_eq!(region.value_len_raw(), len);
        assert_eq!(
            region.value_len().unwrap_err().kind(),
            ErrorKind::CorruptHeader
        );
        let err = region.value_copy().unwrap_err();
        assert_eq!(err.kind(), ErrorKind::CorruptHeader);
        assert!(err.to_string().contains(&len.to_string()), "{err}");
        let mut buf = [0u8; 64];
        assert_eq!(
            region.value_copy_into(&mut buf).unwrap_err().kind(),
            ErrorKind::CorruptHeader
        );
        // SAFETY: no writer during the (failed) borrow.
        assert!(unsafe { region.value_slice() }.is_err());
        assert_eq!(region.header().value_len, len);
    }
    // A writer repairs the header by publishing a valid length.
    region.set_value(b"ok").unwrap();
    assert_eq!(peer.value_copy().unwrap(), b"ok");
}

#[test]
fn random_header_garbage_never_reads_out_of_bounds() {
    let (_dir, region, peer) = region_and_peer(64);
    let mut state = 0x9E37_79B9_7F4A_7C15u64;
    let mut accepted = 0;
    for _ in 0..10_000 {
        let mut header = [0u8; HEADER_SIZE];
        for byte in header.iter_mut() {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            *byte = state as u8;
        }
        // Half the time keep value_len small, so the valid path is exercised too.
        if state & 1 == 0 {
            let len = (state >> 8) as isize % 80;
            header[offset_of!(ShmHeader, value_len)..][..size_of::<isize>()]
                .copy_from_slice(&len.to_ne_bytes());
        }
        scribble(&peer, 0, &header);
        let raw = region.value_len_raw();
        match region.value_copy() {
            Ok(value) => {
                assert!((0..=64).contains(&raw));
                assert_eq!(value.len() as isize, raw);
                accepted += 1;
            }
            Err(err) => {
                assert_eq!(err.kind(), ErrorKind::CorruptHeader);
                assert!(!(0..=64).contains(&raw));
            }
        }
    }
    assert!(accepted > 1000, "valid states tried: {accepted}");
}
