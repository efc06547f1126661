//! Passing one value to another process and back, through the region against through a pipe.
//!
//! - `roundtrip/region`: the parent writes the value into the region (`set_value`) and sends one
//!   byte over a pipe; the peer reads the byte, copies the value out (`value_copy_into`), writes
//!   it back (`set_value`) and answers with one byte; the parent copies the value out.
//! - `roundtrip/pipe`: the parent writes a length-prefixed message carrying the bytes into a
//!   pipe; the peer reads all of it and writes the same message back; the parent reads it all.
//!
//! Both sides make the same two writes and two reads for small values and end with the bytes in
//! the other process's own buffer and back. One peer process serves both (the first byte of each
//! message says which), so both are measured with the same process placement: on a 2-core VM a
//! wake-up on the other core costs several times one on the same core, and a separate peer per
//! side would measure the scheduler, not the transport. The peer is this bench binary run again
//! with `GOFUZZ_SHM_BENCH_PEER` set to the region's path. Run alone with
//! `cargo bench --bench region_roundtrip`.

mod support;

use std::fs::File;
use std::hint::black_box;
use std::io::{Read, Write};
use std::os::fd::FromRawFd;
use std::path::Path;
use std::process::{Child, ChildStdin, ChildStdout, Command, Stdio};

use criterion::Throughput;
use gofuzz_shm::{SharedMem, GO_WORKER_VALUE_CAPACITY};
use support::{op, Bench};

const PEER_ENV: &str = "GOFUZZ_SHM_BENCH_PEER";
/// A pipe message: the tag byte, the length (u64, little endian), the bytes.
const LEN_PREFIX: usize = 9;
const TAG_PIPE: u8 = b'P';
/// The whole message of the region side: "the value is in the region".
const TAG_REGION: u8 = b'R';

fn main() {
    if let Some(mode) = std::env::var_os(PEER_ENV) {
        peer(Path::new(&mode));
        return;
    }
    let sizes = support::value_sizes();
    let max = sizes.iter().copied().max().unwrap_or(0);
    let src: Vec<u8> = (0..max).map(|i| (i % 253) as u8).collect();
    let mut dst_pipe = vec![1u8; max + LEN_PREFIX];
    let mut dst_region = vec![1u8; max];

    let mut region = SharedMem::create(GO_WORKER_VALUE_CAPACITY).expect("create the region");
    let path = region
        .path()
        .expect("a created region has a path")
        .to_owned();
    let mut peer = Peer::spawn(&path);

    let mut bench = Bench::new();
    for &n in &sizes {
        let value = &src[..n];
        let mut message = Vec::with_capacity(n + LEN_PREFIX);
        message.push(TAG_PIPE);
        message.extend_from_slice(&(n as u64).to_le_bytes());
        message.extend_from_slice(value);

        // Check both paths once, outside the measurement.
        dst_region.fill(0);
        region_round_trip(&mut region, &mut peer, value, &mut dst_region);
        assert_eq!(&dst_region[..n], value, "region round trip of {n} bytes");
        dst_pipe.fill(0);
        assert_eq!(pipe_round_trip(&mut peer, &message, &mut dst_pipe), n);
        assert_eq!(
            &dst_pipe[LEN_PREFIX..LEN_PREFIX + n],
            value,
            "pipe round trip"
        );

        // Both closures need the peer; they never run at the same time.
        let peer = std::cell::RefCell::new(&mut peer);
        let (region, dst_pipe, dst_region) = (&mut region, &mut dst_pipe, &mut dst_region);
        let message = &message;
        bench.compare(
            "roundtrip",
            Some(n as u64),
            Some(Throughput::Bytes(n as u64)),
            vec![
                (
                    "pipe",
                    op(|| pipe_round_trip(&mut peer.borrow_mut(), black_box(message), dst_pipe)),
                ),
                (
                    "region",
                    op(|| region_round_trip(region, &mut peer.borrow_mut(), value, dst_region)),
                ),
            ],
        );
    }
    bench.finish();
    drop(peer);
    region.close().expect("close the region");
}

/// A peer process: this binary in peer mode, spoken to over its stdin and stdout (pipes).
struct Peer {
    child: Child,
    tx: ChildStdin,
    rx: ChildStdout,
}

impl Peer {
    fn spawn(region_path: &Path) -> Peer {
        let exe = std::env::current_exe().expect("the bench binary's path");
        let mut child = Command::new(exe)
            .env(PEER_ENV, region_path)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .expect("start the peer");
        let tx = child.stdin.take().expect("piped stdin");
        let rx = child.stdout.take().expect("piped stdout");
        Peer { child, tx, rx }
    }
}

impl Drop for Peer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn region_round_trip(region: &mut SharedMem, peer: &mut Peer, value: &[u8], out: &mut [u8]) {
    region.set_value(value).unwrap();
    peer.tx.write_all(&[TAG_REGION]).unwrap();
    let mut ack = [0u8; 1];
    peer.rx.read_exact(&mut ack).unwrap();
    debug_assert_eq!(ack[0], TAG_REGION);
    region.value_copy_into(out).unwrap();
}

/// Sends `message` (tag, length, bytes), reads the echo into `out`; returns the length.
fn pipe_round_trip(peer: &mut Peer, message: &[u8], out: &mut [u8]) -> usize {
    peer.tx.write_all(message).unwrap();
    read_message(&mut peer.rx, out)
}

/// Reads one pipe message into `buf` with as few reads as the pipe allows; returns the payload
/// length.
fn read_message(from: &mut impl Read, buf: &mut [u8]) -> usize {
    finish_message(from, buf, 0)
}

/// Completes a pipe message of which `have` bytes are already in `buf`; returns the payload
/// length.
fn finish_message(from: &mut impl Read, buf: &mut [u8], mut have: usize) -> usize {
    let mut want = LEN_PREFIX;
    loop {
        if want == LEN_PREFIX && have >= LEN_PREFIX {
            let mut len = [0u8; 8];
            len.copy_from_slice(&buf[1..LEN_PREFIX]);
            want = LEN_PREFIX + u64::from_le_bytes(len) as usize;
        }
        if have >= want {
            return want - LEN_PREFIX;
        }
        let got = from.read(&mut buf[have..]).unwrap();
        assert!(got > 0, "end of input inside a message");
        have += got;
    }
}

fn peer(region_path: &Path) {
    // Unbuffered descriptors 0 and 1, so each write below is one write(2), as in the parent.
    // SAFETY: this process owns its stdin and stdout and uses them only through these.
    let (mut input, mut output) = unsafe { (File::from_raw_fd(0), File::from_raw_fd(1)) };
    let mut region = SharedMem::map_path(region_path, 0, false).expect("map the region");
    let mut buf = vec![0u8; (64 << 20) + LEN_PREFIX];
    loop {
        // One read returns the region's tag alone, or the start of a pipe message.
        let got = input.read(&mut buf).unwrap();
        match buf[..got] {
            [] => return,
            [TAG_REGION] => {
                let n = region.value_copy_into(&mut buf).unwrap();
                region.set_value(&buf[..n]).unwrap();
                output.write_all(&[TAG_REGION]).unwrap();
            }
            [TAG_PIPE, ..] => {
                let n = finish_message(&mut input, &mut buf, got);
                output.write_all(&buf[..LEN_PREFIX + n]).unwrap();
            }
            _ => panic!("peer: unexpected message start {:?}", &buf[..got.min(16)]),
        }
    }
}
