//! Corpus files named as Go names them, so that a file dropped into a package's
//! `testdata/fuzz/<Target>/` is a regression test `go test -run=<Target>/<name>` runs.

use std::fs;
use std::io::ErrorKind as IoKind;
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

use crate::error::{Error, Result};

const WRITE: &str = "write corpus file";

/// The name `go test -fuzz` gives a corpus file: the first 16 hex digits of the SHA-256 of its
/// contents (the same entry always gets the same name).
pub fn file_name(entry: &[u8]) -> String {
    let digest = Sha256::digest(entry);
    digest[..8].iter().map(|b| format!("{b:02x}")).collect()
}

/// Writes `entry` into `dir` (created if needed) under its Go name and returns the path. The
/// file appears whole or not at all (written under a temporary name, then renamed), so a
/// reader, or a process killed half-way, never leaves half an entry under a Go name. An
/// existing file of that name already holds the same entry (up to a hash collision) and is
/// left alone.
pub fn write_file(dir: &Path, entry: &[u8]) -> Result<PathBuf> {
    fs::create_dir_all(dir).map_err(|e| Error::io("create directory", e).with_path(dir))?;
    let name = file_name(entry);
    let path = dir.join(&name);
    match fs::read(&path) {
        Ok(existing) if existing == entry => return Ok(path),
        Ok(_) => {}
        Err(e) if e.kind() == IoKind::NotFound => {}
        Err(e) => return Err(Error::io(WRITE, e).with_path(&path)),
    }
    let tmp = dir.join(format!(".{name}.tmp{}", std::process::id()));
    fs::write(&tmp, entry).map_err(|e| {
        let _ = fs::remove_file(&tmp);
        Error::io(WRITE, e).with_path(&tmp)
    })?;
    fs::rename(&tmp, &path).map_err(|e| {
        let _ = fs::remove_file(&tmp);
        Error::io("rename corpus file into place", e).with_path(&path)
    })?;
    Ok(path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_the_sha256_prefix() {
        // sha256("") = e3b0c44298fc1c149afbf4c8996fb924...
        assert_eq!(file_name(b""), "e3b0c44298fc1c14");
        // sha256("abc") = ba7816bf8f01cfea414140de5dae2223...
        assert_eq!(file_name(b"abc"), "ba7816bf8f01cfea");
    }

    #[test]
    fn writing_twice_keeps_one_file() {
        let dir = tempfile::tempdir().unwrap();
        let sub = dir.path().join("a/b");
        let p1 = write_file(&sub, b"go test fuzz v1\nint(1)\n").unwrap();
        let p2 = write_file(&sub, b"go test fuzz v1\nint(1)\n").unwrap();
        assert_eq!(p1, p2);
        assert_eq!(fs::read(&p1).unwrap(), b"go test fuzz v1\nint(1)\n");
        assert_eq!(fs::read_dir(&sub).unwrap().count(), 1);
    }
}
