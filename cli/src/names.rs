//! Corpus files named as Go names them.

use std::fs;
use std::io::ErrorKind;
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

use crate::error::{CliError, Result};

/// The name `go test -fuzz` gives a corpus file: the first 16 hex digits of the SHA-256 of
/// its contents (so the same entry always gets the same name).
pub fn go_corpus_name(entry: &[u8]) -> String {
    let digest = Sha256::digest(entry);
    digest[..8].iter().map(|b| format!("{b:02x}")).collect()
}

/// Writes `entry` into `dir` (created if needed) under its Go name and returns the path.
/// An existing file of that name already holds the same entry (up to a hash collision) and is
/// left alone.
pub fn write_corpus_file(dir: &Path, entry: &[u8]) -> Result<PathBuf> {
    fs::create_dir_all(dir).map_err(|e| CliError::file("create directory", dir, e))?;
    let path = dir.join(go_corpus_name(entry));
    match fs::read(&path) {
        Ok(existing) if existing == entry => return Ok(path),
        Ok(_) => {}
        Err(e) if e.kind() == ErrorKind::NotFound => {}
        Err(e) => return Err(CliError::file("read", &path, e)),
    }
    // Write under a temporary name and rename, so a reader never sees half a file.
    let tmp = dir.join(format!(
        ".{}.tmp{}",
        go_corpus_name(entry),
        std::process::id()
    ));
    fs::write(&tmp, entry).map_err(|e| CliError::file("write", &tmp, e))?;
    fs::rename(&tmp, &path).map_err(|e| {
        let _ = fs::remove_file(&tmp);
        CliError::file("rename into place", &path, e)
    })?;
    Ok(path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_the_sha256_prefix() {
        // sha256("") = e3b0c44298fc1c149afbf4c8996fb924...
        assert_eq!(go_corpus_name(b""), "e3b0c44298fc1c14");
        // sha256("abc") = ba7816bf8f01cfea414140de5dae2223...
        assert_eq!(go_corpus_name(b"abc"), "ba7816bf8f01cfea");
    }

    #[test]
    fn writing_twice_keeps_one_file() {
        let dir = tempfile::tempdir().unwrap();
        let sub = dir.path().join("a/b");
        let p1 = write_corpus_file(&sub, b"go test fuzz v1\nint(1)\n").unwrap();
        let p2 = write_corpus_file(&sub, b"go test fuzz v1\nint(1)\n").unwrap();
        assert_eq!(p1, p2);
        assert_eq!(fs::read(&p1).unwrap(), b"go test fuzz v1\nint(1)\n");
        assert_eq!(fs::read_dir(&sub).unwrap().count(), 1);
    }
}
