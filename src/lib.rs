//! gofuzz-shm: the shared-memory region Go's native fuzzer passes between its coordinator and
//! its workers, as a Rust library and a C ABI.
pub mod corpus;
