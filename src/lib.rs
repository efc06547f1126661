//! gofuzz-shm: the shared-memory region Go's native fuzzer (`go test -fuzz`) passes between its
//! coordinator and its workers, as a Rust library and a C ABI.
//!
//! The region is a file mapped by both processes: a fixed header ([`layout::ShmHeader`], laid
//! out byte for byte as Go's `sharedMemHeader`) followed by the value. [`SharedMem`] creates and
//! maps such regions; the `capi` module exports the same operations to C as `shm_*` functions
//! (see `include/gofuzz_shm.h`). [`corpus`] encodes and decodes the `go test fuzz v1` entries a
//! Go worker expects in the value.

#![deny(missing_docs)]

pub mod capi;
pub mod cmp;
pub mod corpus;
pub mod error;
pub mod layout;
pub mod mutator;
pub mod region;
pub mod signature;
pub mod target;
pub mod worker;

pub use error::{Error, ErrorKind, Result};
pub use layout::{ShmHeader, GO_WORKER_VALUE_CAPACITY, HEADER_SIZE};
pub use region::SharedMem;
