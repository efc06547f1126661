//! The `go test fuzz v1` corpus-entry codec: typed values to and from the bytes Go's native
//! fuzzer stores in `testdata/fuzz/<Target>/…`, in its fuzz cache, and in the shared-memory
//! region it gives each worker.
//!
//! ```text
//! go test fuzz v1
//! []byte("hello\x00")
//! int(-5)
//! ```
//!
//! [`encode`] writes byte for byte what Go writes; [`decode`] accepts exactly what Go
//! accepts. Both were written from observed facts about Go (see `GO-FUZZ-FACTS.md`,
//! section 5) and are checked against the real Go toolchain by `tests/corpus_go.rs`.
//!
//! The set of characters Go prints unescaped comes from the Unicode tables of a Go release;
//! `unicode_tables.rs` is generated from the installed Go by
//! `go-interop/corpus-check/cmd/gen-tables`, and a test fails when it is out of date.

#![forbid(unsafe_code)]
#![deny(missing_docs)]

mod decode;
mod encode;
mod error;
mod file;
mod float_format;
mod float_parse;
mod integer;
mod lexer;
mod line;
mod quote;
mod unicode;
mod unicode_tables;
mod unquote;
mod value;

pub use decode::decode;
pub use encode::encode;
pub use error::{DecodeError, DecodeErrorKind};
pub use file::{file_name, write_file};
pub use value::Value;

/// The first line of every corpus entry (without its `\n`).
pub const VERSION_LINE: &str = "go test fuzz v1";

/// The bits of Go's `math.NaN()`: the only `float64` NaN written as `float64(NaN)`, and what
/// `float64(NaN)` decodes to. Other NaNs (Rust's `f64::NAN` is `0x7ff8000000000000`) are
/// written `math.Float64frombits(0x…)`.
pub const GO_NAN_F64_BITS: u64 = 0x7ff8_0000_0000_0001;

/// The bits of Go's `float32(math.NaN())` on amd64 and arm64: the only `float32` NaN written
/// as `float32(NaN)`, and what `float32(NaN)` decodes to.
pub const GO_NAN_F32_BITS: u32 = 0x7fc0_0000;
