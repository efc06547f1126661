//! We write, Go reads — inside a real worker: entries our encoder made, of every kind and edge
//! case plus a few thousand seeded random values, reach a real Go fuzz worker through the
//! region with a warmup call, exactly as Go's coordinator sends inputs. The target
//! (`FuzzEchoAllKinds` in testdata/gotargets) fails on purpose with a canonical dump of what it
//! received, which comes back as the run's message and must match what we encoded, bit for bit.

mod worker_common;

use gofuzz_shm::corpus::{encode, Value};
use gofuzz_shm::worker::Outcome;
use worker_common::{have_go, start};

/// The values of one call, in the target's parameter order.
struct Args {
    bytes: Vec<u8>,
    string: Vec<u8>,
    boolean: bool,
    byte: u8,
    rune: i32,
    int: i64,
    int8: i8,
    int16: i16,
    int32: i32,
    int64: i64,
    uint: u64,
    uint8: u8,
    uint16: u16,
    uint32: u32,
    uint64: u64,
    float32: f32,
    float64: f64,
}

impl Args {
    fn values(&self) -> Vec<Value> {
        vec![
            Value::Bytes(self.bytes.clone()),
            Value::String(self.string.clone()),
            Value::Bool(self.boolean),
            Value::Byte(self.byte),
            Value::Rune(self.rune),
            Value::Int(self.int),
            Value::Int8(self.int8),
            Value::Int16(self.int16),
            Value::Int32(self.int32),
            Value::Int64(self.int64),
            Value::Uint(self.uint),
            Value::Uint8(self.uint8),
            Value::Uint16(self.uint16),
            Value::Uint32(self.uint32),
            Value::Uint64(self.uint64),
            Value::Float32(self.float32),
            Value::Float64(self.float64),
        ]
    }

    /// The dump the Go target prints for these values.
    fn expected_dump(&self) -> String {
        let hex = |b: &[u8]| b.iter().map(|x| format!("{x:02x}")).collect::<String>();
        format!(
            "ECHO|{}|{}|{}|{}|{}|{}|{}|{}|{}|{}|{}|{}|{}|{}|{}|{:08x}|{:016x}|END",
            hex(&self.bytes),
            hex(&self.string),
            self.boolean,
            self.byte,
            self.rune,
            self.int,
            self.int8,
            self.int16,
            self.int32,
            self.int64,
            self.uint,
            self.uint8,
            self.uint16,
            self.uint32,
            self.uint64,
            self.float32.to_bits(),
            self.float64.to_bits(),
        )
    }
}

struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn bytes(&mut self) -> Vec<u8> {
        let len = (self.next() % 40) as usize;
        (0..len).map(|_| self.next() as u8).collect()
    }
    /// Random bits most of the time, edge values sometimes.
    fn pick(&mut self, edges: &[u64]) -> u64 {
        let r = self.next();
        if r % 4 == 0 {
            edges[(r >> 8) as usize % edges.len()]
        } else {
            self.next()
        }
    }
}

fn random_args(rng: &mut Rng) -> Args {
    let edges = [
        0,
        1,
        u64::MAX,
        i64::MIN as u64,
        i64::MAX as u64,
        0x7f,
        0x80,
        0xff,
    ];
    let f64_edges = [
        0f64.to_bits(),
        (-0f64).to_bits(),
        f64::INFINITY.to_bits(),
        f64::NEG_INFINITY.to_bits(),
        0x7ff8_0000_0000_0001, // Go's NaN
        0x7ff8_0000_0000_0000, // Rust's NaN
        0x7ff0_0000_0000_0001, // a signaling NaN
        1,                     // the smallest subnormal
    ];
    let f32_edges: Vec<u64> = [0f32, -0f32, f32::INFINITY, f32::MIN_POSITIVE]
        .iter()
        .map(|f| u64::from(f.to_bits()))
        .chain([0x7fc0_0000, 0x7f80_0001, 0xffc0_0001, 1])
        .collect();
    Args {
        bytes: rng.bytes(),
        string: rng.bytes(),
        boolean: rng.next() & 1 == 1,
        byte: rng.pick(&edges) as u8,
        rune: rng.pick(&[0, 0x10FFFF, 0x110000, 0xD800, 0xFFFD, 0x1F600, u64::MAX]) as i32,
        int: rng.pick(&edges) as i64,
        int8: rng.pick(&edges) as i8,
        int16: rng.pick(&edges) as i16,
        int32: rng.pick(&edges) as i32,
        int64: rng.pick(&edges) as i64,
        uint: rng.pick(&edges),
        uint8: rng.pick(&edges) as u8,
        uint16: rng.pick(&edges) as u16,
        uint32: rng.pick(&edges) as u32,
        uint64: rng.pick(&edges),
        float32: f32::from_bits(rng.pick(&f32_edges) as u32),
        float64: f64::from_bits(rng.pick(&f64_edges)),
    }
}

fn edge_cases() -> Vec<Args> {
    let all_bytes: Vec<u8> = (0..=255).collect();
    let every_escape =
        b"\x07\x08\x0c\n\r\t\x0b\\'\"\x00\x7f\xc3\x28\xe2\x80\x8b\xef\xbf\xbd".to_vec();
    let base = |bytes: Vec<u8>, string: Vec<u8>| Args {
        bytes,
        string,
        boolean: false,
        byte: 0,
        rune: 0,
        int: 0,
        int8: 0,
        int16: 0,
        int32: 0,
        int64: 0,
        uint: 0,
        uint8: 0,
        uint16: 0,
        uint32: 0,
        uint64: 0,
        float32: 0.0,
        float64: 0.0,
    };
    let mut max = base(all_bytes.clone(), all_bytes);
    max.boolean = true;
    (max.byte, max.rune, max.int, max.int8, max.int16) = (255, 0x10FFFF, i64::MAX, 127, 32767);
    (max.int32, max.int64, max.uint, max.uint8) = (i32::MAX, i64::MAX, u64::MAX, 255);
    (max.uint16, max.uint32, max.uint64) = (u16::MAX, u32::MAX, u64::MAX);
    (max.float32, max.float64) = (f32::MAX, f64::MAX);
    let mut min = base(Vec::new(), Vec::new());
    (min.rune, min.int, min.int8, min.int16) = (i32::MIN, i64::MIN, -128, -32768);
    (min.int32, min.int64) = (i32::MIN, i64::MIN);
    (min.float32, min.float64) = (f32::from_bits(0x8000_0001), -f64::MIN_POSITIVE / 4.0);
    let mut nans = base(every_escape.clone(), every_escape);
    nans.float32 = f32::from_bits(0x7fc0_0123);
    nans.float64 = f64::from_bits(0xfff8_dead_beef_0001);
    nans.rune = 0xDFFF;
    let mut infs = base(b"".to_vec(), "é😀\u{200b}".as_bytes().to_vec());
    (infs.float32, infs.float64) = (f32::NEG_INFINITY, f64::INFINITY);
    vec![max, min, nans, infs]
}

#[test]
fn a_real_worker_receives_exactly_what_we_encoded() {
    if !have_go() {
        return;
    }
    let mut worker = start("FuzzEchoAllKinds");
    let mut rng = Rng(0x005E_ED0F_C0DE);
    let cases: Vec<Args> = edge_cases()
        .into_iter()
        .chain((0..2000).map(|_| random_args(&mut rng)))
        .collect();
    for (i, args) in cases.iter().enumerate() {
        let entry = encode(&args.values());
        let result = worker.run(&entry).unwrap();
        assert_eq!(
            result.outcome,
            Outcome::Crash,
            "case {i}: {}",
            result.message
        );
        let message = &result.message;
        let start = message
            .find("ECHO|")
            .unwrap_or_else(|| panic!("case {i}: {message}"));
        let end = message[start..]
            .find("|END")
            .map(|e| start + e + 4)
            .unwrap();
        assert_eq!(
            &message[start..end],
            args.expected_dump(),
            "case {i}: Go received other values from\n{}",
            String::from_utf8_lossy(&entry)
        );
    }
    println!(
        "{} entries decoded by a real worker exactly as encoded",
        cases.len()
    );
}
