//! Seeds: Go corpus files turned into the engine's bytes, and the mapping back.

use std::fs;
use std::path::{Path, PathBuf};

use gofuzz_shm::corpus::{self, Value};
use gofuzz_shm_libafl::EntryEncoder;

use crate::error::{CliError, Result};

/// How the engine's bytes become the target's arguments. A target of one `[]byte` or one
/// `string` takes the bytes as they are.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mapping {
    Bytes,
    String,
}

impl EntryEncoder for Mapping {
    fn encode_entry(&mut self, bytes: &[u8], entry: &mut Vec<u8>) {
        let value = match self {
            Mapping::Bytes => Value::Bytes(bytes.to_vec()),
            // Go strings hold any bytes, valid UTF-8 or not.
            Mapping::String => Value::String(bytes.to_vec()),
        };
        entry.extend_from_slice(&corpus::encode(&[value]));
    }

    fn bytes_of_entry(&mut self, entry: &[u8]) -> Option<Vec<u8>> {
        match read_entry(entry) {
            Ok((bytes, kind)) if kind == *self => Some(bytes),
            _ => None,
        }
    }
}

/// The seeds found, as engine bytes, with the mapping their types imply.
pub struct Seeds {
    pub inputs: Vec<Vec<u8>>,
    pub mapping: Mapping,
    /// Files that are not corpus entries of a one-argument `[]byte`/`string` target.
    pub skipped: Vec<(PathBuf, String)>,
}

/// Reads every file of `dirs` (a missing directory is skipped when `optional`, an error
/// otherwise; a file is read as itself).
pub fn load(dirs: &[(PathBuf, bool)]) -> Result<Seeds> {
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
    let mut seeds = Seeds {
        inputs: Vec::new(),
        mapping: Mapping::Bytes,
        skipped: Vec::new(),
    };
    let mut mapping = None;
    for path in files {
        match read_seed(&path) {
            Ok((bytes, kind)) if mapping.is_none() || mapping == Some(kind) => {
                mapping = Some(kind);
                seeds.inputs.push(bytes);
            }
            Ok((_, kind)) => seeds.skipped.push((
                path,
                format!("a {kind:?} value where earlier seeds have {mapping:?}"),
            )),
            Err(why) => seeds.skipped.push((path, why)),
        }
    }
    seeds.mapping = mapping.unwrap_or(Mapping::Bytes);
    Ok(seeds)
}

fn read_seed(path: &Path) -> std::result::Result<(Vec<u8>, Mapping), String> {
    read_entry(&fs::read(path).map_err(|e| e.to_string())?)
}

fn read_entry(data: &[u8]) -> std::result::Result<(Vec<u8>, Mapping), String> {
    let values = corpus::decode(data).map_err(|e| format!("not a Go corpus entry: {e}"))?;
    match <[Value; 1]>::try_from(values) {
        Ok([Value::Bytes(b)]) => Ok((b, Mapping::Bytes)),
        Ok([Value::String(s)]) => Ok((s, Mapping::String)),
        _ => Err(
            "the target takes typed arguments; only targets of one []byte or one \
                  string are fuzzed yet"
                .into(),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seeds_map_back_to_the_same_entries() {
        let dir = tempfile::tempdir().unwrap();
        let entry = corpus::encode(&[Value::Bytes(b"a\xffb".to_vec())]);
        fs::write(dir.path().join("one"), &entry).unwrap();
        fs::write(dir.path().join("bad"), b"not a corpus entry").unwrap();
        let seeds = load(&[(dir.path().to_path_buf(), false)]).unwrap();
        assert_eq!(seeds.inputs, [b"a\xffb".to_vec()]);
        assert_eq!(seeds.skipped.len(), 1);
        let mut back = Vec::new();
        seeds
            .mapping
            .clone()
            .encode_entry(&seeds.inputs[0], &mut back);
        assert_eq!(back, entry);
        assert!(load(&[(dir.path().join("missing"), false)]).is_err());
        assert!(load(&[(dir.path().join("missing"), true)]).is_ok());
    }
}
