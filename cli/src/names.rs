//! Corpus files named as Go names them: the library's naming (`gofuzz_shm::corpus::file_name`),
//! with the command's error type.

use std::path::{Path, PathBuf};

use crate::error::Result;

/// Writes `entry` into `dir` (created if needed) under its Go name and returns the path.
pub fn write_corpus_file(dir: &Path, entry: &[u8]) -> Result<PathBuf> {
    Ok(gofuzz_shm::corpus::write_file(dir, entry)?)
}
