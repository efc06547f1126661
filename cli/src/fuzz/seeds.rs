//! Seeds: Go corpus files turned into the engine's bytes by the target's signature.

use std::fs;
use std::path::PathBuf;

use gofuzz_shm::signature::Signature;

use crate::error::{CliError, Result};

/// The seeds found, as engine bytes, with the mapping their types imply.
pub struct Seeds {
    pub inputs: Vec<Vec<u8>>,
    /// The target's argument types: given, discovered, else those of the first seed, else a
    /// lone `[]byte`.
    pub signature: Signature,
    /// Files that are not corpus entries of the signature.
    pub skipped: Vec<(PathBuf, String)>,
}

/// Reads every file of `dirs` (a missing directory is skipped when `optional`, an error
/// otherwise; a file is read as itself).
pub fn load(dirs: &[(PathBuf, bool)], known: Option<Signature>) -> Result<Seeds> {
    let mut files = Vec::new();
    for (dir, optional) in dirs {
        match fs::metadata(dir) {
            Err(_) if *optional => continue,
            Err(e) => return Err(CliError::file("seeds", dir, e)),
            Ok(m) if !m.is_dir() => files.push(dir.clone()),
            Ok(_) => {
                let mut found = Vec::new();
                for entry in fs::read_dir(dir).map_err(|e| CliError::file("read", dir, e))? {
                    let path = entry.map_err(|e| CliError::file("read", dir, e))?.path();
                    if fs::metadata(&path).is_ok_and(|m| m.is_file()) {
                        found.push(path);
                    }
                }
                found.sort();
                files.extend(found);
            }
        }
    }
    let signature = match known {
        Some(sig) => sig,
        None => files
            .iter()
            .find_map(|f| Signature::from_entry(&fs::read(f).ok()?).ok())
            .unwrap_or_else(|| Signature::parse("[]byte").expect("a valid signature")),
    };
    let mut seeds = Seeds {
        inputs: Vec::new(),
        signature,
        skipped: Vec::new(),
    };
    for path in files {
        let read = fs::read(&path).map_err(|e| e.to_string());
        match read.and_then(|data| {
            seeds
                .signature
                .bytes_from_entry(&data)
                .map_err(|e| e.to_string())
        }) {
            Ok(bytes) => seeds.inputs.push(bytes),
            Err(why) => seeds.skipped.push((path, why)),
        }
    }
    Ok(seeds)
}

#[cfg(test)]
mod tests {
    use super::*;
    use gofuzz_shm::corpus::{self, Value};

    #[test]
    fn seeds_map_back_to_the_same_entries() {
        let dir = tempfile::tempdir().unwrap();
        let entry = corpus::encode(&[Value::String(b"go".to_vec()), Value::Int64(1001)]);
        fs::write(dir.path().join("one"), &entry).unwrap();
        fs::write(dir.path().join("bad"), b"not a corpus entry").unwrap();
        let seeds = load(&[(dir.path().to_path_buf(), false)], None).unwrap();
        assert_eq!(seeds.signature.to_string(), "string,int64");
        assert_eq!(seeds.inputs.len(), 1);
        assert_eq!(seeds.skipped.len(), 1);
        assert_eq!(seeds.signature.entry_from_bytes(&seeds.inputs[0]), entry);
        assert!(load(&[(dir.path().join("missing"), false)], None).is_err());
        assert!(load(&[(dir.path().join("missing"), true)], None).is_ok());
    }
}
