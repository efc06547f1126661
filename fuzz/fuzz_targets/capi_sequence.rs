//! Fuzzes the C API as a sequence of calls on one region, with a "peer" mapping of the same
//! region scribbling the header in between, as a buggy process would.
//!
//! Properties: no call panics (SHM_ERR_PANIC) or returns a status outside its documented set;
//! a successful set_value is read back exactly; a successful read never claims more bytes than
//! the capacity; resize never cuts the value.
#![no_main]

use gofuzz_shm::capi::atomics::shm_value_len_load;
use gofuzz_shm::capi::corpus::shm_corpus_encode_bytes;
use gofuzz_shm::capi::memfd::{shm_create_memfd, shm_is_sealed};
use gofuzz_shm::capi::region::*;
use gofuzz_shm::capi::resize::{shm_remap, shm_resize};
use gofuzz_shm::capi::shm_status_t::{self, *};
use libfuzzer_sys::fuzz_target;

/// Reads the fuzz input as a stream of small numbers.
struct Ops<'a>(&'a [u8]);

impl Ops<'_> {
    fn byte(&mut self) -> Option<u8> {
        let (&b, rest) = self.0.split_first()?;
        self.0 = rest;
        Some(b)
    }
    fn size(&mut self, max: usize) -> Option<usize> {
        let hi = usize::from(self.byte()?);
        let lo = usize::from(self.byte()?);
        Some(((hi << 8) | lo) % (max + 1))
    }
}

fn expect(status: shm_status_t, allowed: &[shm_status_t], what: &str) {
    assert!(allowed.contains(&status), "{what}: unexpected {status:?}");
}

fuzz_target!(|data: &[u8]| {
    let mut ops = Ops(data);
    let Some(kind) = ops.byte() else { return };
    let Some(capacity) = ops.size(4096) else {
        return;
    };
    let mut region = std::ptr::null_mut();
    let status = if kind & 1 == 0 {
        shm_create(capacity, &mut region)
    } else {
        shm_create_memfd(capacity, &mut region)
    };
    assert_eq!(status, SHM_OK);
    let mut peer = std::ptr::null_mut();
    assert_eq!(shm_map_fd(shm_fd(region), 0, &mut peer), SHM_OK);
    let mut last_set: Option<Vec<u8>> = None;
    let payload: Vec<u8> = (0..=255u8).cycle().take(8192).collect();
    let mut buf = vec![0u8; 8192];

    while let Some(op) = ops.byte() {
        let cap = shm_capacity(region);
        match op % 10 {
            0 => {
                let Some(len) = ops.size(cap + 16) else { break };
                let st = shm_set_value(region, payload.as_ptr(), len);
                expect(st, &[SHM_OK, SHM_ERR_TOO_LARGE], "set_value");
                if st == SHM_OK {
                    last_set = Some(payload[..len].to_vec());
                }
            }
            1 => {
                let Some(len) = ops.size(cap + 16) else { break };
                let st = shm_set_value_len(region, len);
                expect(st, &[SHM_OK, SHM_ERR_TOO_LARGE], "set_value_len");
                last_set = None;
            }
            2 => {
                let Some(buf_len) = ops.size(8192) else { break };
                let mut len = 0;
                let st = shm_value_copy(region, buf.as_mut_ptr(), buf_len, &mut len);
                expect(
                    st,
                    &[SHM_OK, SHM_ERR_TOO_LARGE, SHM_ERR_CORRUPT_HEADER],
                    "value_copy",
                );
                if st == SHM_OK {
                    assert!(len <= cap && len <= buf_len);
                    if let Some(expected) = &last_set {
                        assert_eq!(&buf[..len], &expected[..], "value read back differs");
                    }
                }
            }
            3 => {
                let (mut ptr, mut len) = (std::ptr::null(), 0);
                let st = shm_value_ref(region, &mut ptr, &mut len);
                expect(st, &[SHM_OK, SHM_ERR_CORRUPT_HEADER], "value_ref");
                if st == SHM_OK {
                    assert!(len <= cap);
                    // SAFETY: the library checked len against the mapping's capacity.
                    let view = unsafe { std::slice::from_raw_parts(ptr, len) };
                    std::hint::black_box(view.iter().fold(0u8, |a, b| a ^ b));
                }
            }
            4 => {
                // The peer scribbles one header byte.
                let (Some(offset), Some(value)) = (ops.byte(), ops.byte()) else {
                    break;
                };
                let header = shm_header(peer).cast::<u8>();
                let offset = usize::from(offset) % shm_header_size();
                // SAFETY: inside the peer's live header.
                unsafe { header.add(offset).write_volatile(value) };
                last_set = None;
            }
            5 => {
                let Some(new_cap) = ops.size(4096) else { break };
                let before = shm_value_len_load(region);
                let st = shm_resize(region, new_cap);
                expect(
                    st,
                    &[
                        SHM_OK,
                        SHM_ERR_INVALID_ARG,
                        SHM_ERR_CORRUPT_HEADER,
                        SHM_ERR_IO,
                    ],
                    "resize",
                );
                if st == SHM_OK {
                    assert!(
                        before >= 0 && before as usize <= new_cap,
                        "resize cut the value"
                    );
                    assert_eq!(shm_capacity(region), new_cap);
                }
            }
            6 => {
                let mut changed = false;
                let st = shm_remap(peer, &mut changed);
                expect(st, &[SHM_OK, SHM_ERR_CORRUPT_HEADER], "remap");
            }
            7 => {
                let Some(len) = ops.size(512) else { break };
                let mut area = std::ptr::null_mut();
                let mut area_cap = 0;
                assert_eq!(shm_value_buffer(region, &mut area, &mut area_cap), SHM_OK);
                let mut out_len = 0;
                let st =
                    shm_corpus_encode_bytes(payload.as_ptr(), len, area, area_cap, &mut out_len);
                expect(st, &[SHM_OK, SHM_ERR_TOO_LARGE], "corpus_encode_bytes");
                if st == SHM_OK {
                    assert_eq!(shm_set_value_len(region, out_len), SHM_OK);
                    last_set = None;
                }
            }
            8 => {
                let mut sealed = false;
                assert_eq!(shm_is_sealed(region, &mut sealed), SHM_OK);
                assert_eq!(sealed, kind & 1 == 1);
            }
            _ => {
                // Replace the peer: close and map again, as a restarted worker would.
                assert_eq!(shm_close(peer), SHM_OK);
                peer = std::ptr::null_mut();
                assert_eq!(shm_map_fd(shm_fd(region), 0, &mut peer), SHM_OK);
            }
        }
    }
    assert_eq!(shm_close(peer), SHM_OK);
    assert_eq!(shm_close(region), SHM_OK);
});
