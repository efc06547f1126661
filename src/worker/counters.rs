//! How many coverage counters a Go test binary has, read from the binary itself, so that the
//! count is known before any input has run (or when the first inputs all fail: a failing run's
//! answer carries no counters).
//!
//! Go's worker reports as coverage the bytes from the linker-defined symbol
//! `internal/fuzz._counters` to `internal/fuzz._ecounters`, which the linker places at the
//! start and end of one ELF section: `.go.fuzzcntrs` (Go 1.20 through 1.26) or
//! `__libfuzzer_extra_counters` (Go 1.18 and 1.19). The count is the distance between the two
//! symbols when the symbol table is there, else the section's size; a binary without the
//! section (plain `go test -c`) has none. Only ELF is read (Linux and the
//! BSDs); for anything else the count stays unknown until a run succeeds.
//!
//! Cost: a few reads of headers and, when present, the symbol table (a few hundred KiB for a
//! test binary, about a millisecond), once per [`Worker::start`](super::Worker::start).

use std::fs::File;
use std::io;
use std::os::unix::fs::FileExt;
use std::path::Path;

/// The counters' section, by Go release: 1.20 and later, then 1.18 and 1.19.
const SECTIONS: [&[u8]; 2] = [b".go.fuzzcntrs", b"__libfuzzer_extra_counters"];
const START: &[u8] = b"internal/fuzz._counters";
const END: &[u8] = b"internal/fuzz._ecounters";
const SHT_SYMTAB: u32 = 2;
/// Tables larger than this are not read (a Go test binary's symbol table is far smaller).
const MAX_TABLE: u64 = 256 << 20;

/// The number of coverage counters in the Go binary at `path`: `Ok(Some(0))` for an ELF binary
/// without them, `Ok(None)` when the file is not an ELF file this can read.
pub(crate) fn counters_in_binary(path: &Path) -> io::Result<Option<usize>> {
    let file = File::open(path)?;
    let Some(elf) = Elf::open(&file)? else {
        return Ok(None);
    };
    let sections = elf.sections()?;
    let Some(names) = sections.get(elf.shstrndx) else {
        return Ok(None);
    };
    let names = elf.table(names)?;
    let Some(counters) = sections
        .iter()
        .find(|s| name_at(&names, s.name).is_some_and(|n| SECTIONS.contains(&n)))
    else {
        return Ok(Some(0));
    };
    if let Some(symtab) = sections.iter().find(|s| s.kind == SHT_SYMTAB) {
        if let Some(strtab) = sections.get(symtab.link as usize) {
            let (symbols, strings) = (elf.table(symtab)?, elf.table(strtab)?);
            let (mut start, mut end) = (None, None);
            for symbol in symbols.chunks_exact(elf.symbol_size()) {
                let (name, value) = elf.symbol(symbol);
                match name_at(&strings, name) {
                    Some(START) => start = Some(value),
                    Some(END) => end = Some(value),
                    _ => {}
                }
            }
            if let (Some(start), Some(end)) = (start, end) {
                if end >= start {
                    return Ok(usize::try_from(end - start).ok());
                }
            }
        }
    }
    Ok(usize::try_from(counters.size).ok())
}

/// The NUL-terminated name at `offset` in a string table.
fn name_at(table: &[u8], offset: u32) -> Option<&[u8]> {
    let rest = table.get(offset as usize..)?;
    Some(&rest[..rest.iter().position(|&b| b == 0)?])
}

/// The parts of an ELF file's header needed here.
struct Elf<'a> {
    file: &'a File,
    wide: bool,
    little: bool,
    shoff: u64,
    shentsize: usize,
    shnum: usize,
    shstrndx: usize,
}

struct Section {
    name: u32,
    kind: u32,
    offset: u64,
    size: u64,
    link: u32,
}

impl<'a> Elf<'a> {
    fn open(file: &'a File) -> io::Result<Option<Elf<'a>>> {
        let mut ident = [0u8; 64];
        let n = read_up_to(file, &mut ident, 0)?;
        if n < 52 || &ident[..4] != b"\x7fELF" {
            return Ok(None);
        }
        let (wide, little) = match (ident[4], ident[5]) {
            (1 | 2, 1 | 2) => (ident[4] == 2, ident[5] == 1),
            _ => return Ok(None),
        };
        if wide && n < 64 {
            return Ok(None);
        }
        let mut elf = Elf {
            file,
            wide,
            little,
            shoff: 0,
            shentsize: 0,
            shnum: 0,
            shstrndx: 0,
        };
        let h = &ident[..];
        let (shoff, at) = if wide {
            (elf.u64(&h[0x28..]), 0x3a)
        } else {
            (u64::from(elf.u32(&h[0x20..])), 0x2e)
        };
        elf.shoff = shoff;
        elf.shentsize = usize::from(elf.u16(&h[at..]));
        elf.shnum = usize::from(elf.u16(&h[at + 2..]));
        elf.shstrndx = usize::from(elf.u16(&h[at + 4..]));
        let needed = if wide { 64 } else { 40 };
        // Extended numbering (more than 0xff00 sections) is not for Go test binaries.
        if elf.shoff == 0 || elf.shnum == 0 || elf.shentsize < needed || elf.shstrndx >= 0xff00 {
            return Ok(None);
        }
        Ok(Some(elf))
    }

    fn sections(&self) -> io::Result<Vec<Section>> {
        let len = (self.shnum * self.shentsize) as u64;
        let table = self.read(self.shoff, len)?;
        Ok(table
            .chunks_exact(self.shentsize)
            .map(|h| {
                if self.wide {
                    Section {
                        name: self.u32(h),
                        kind: self.u32(&h[4..]),
                        offset: self.u64(&h[24..]),
                        size: self.u64(&h[32..]),
                        link: self.u32(&h[40..]),
                    }
                } else {
                    Section {
                        name: self.u32(h),
                        kind: self.u32(&h[4..]),
                        offset: u64::from(self.u32(&h[16..])),
                        size: u64::from(self.u32(&h[20..])),
                        link: self.u32(&h[24..]),
                    }
                }
            })
            .collect())
    }

    /// A section's bytes (string and symbol tables).
    fn table(&self, section: &Section) -> io::Result<Vec<u8>> {
        self.read(section.offset, section.size)
    }

    fn symbol_size(&self) -> usize {
        if self.wide {
            24
        } else {
            16
        }
    }

    /// A symbol's name offset and value.
    fn symbol(&self, s: &[u8]) -> (u32, u64) {
        if self.wide {
            (self.u32(s), self.u64(&s[8..]))
        } else {
            (self.u32(s), u64::from(self.u32(&s[4..])))
        }
    }

    fn read(&self, offset: u64, len: u64) -> io::Result<Vec<u8>> {
        if len > MAX_TABLE {
            return Err(io::Error::new(
                io::ErrorKind::InvalidData,
                "an ELF table is implausibly large",
            ));
        }
        let mut buf = vec![0; len as usize];
        self.file.read_exact_at(&mut buf, offset)?;
        Ok(buf)
    }

    fn u16(&self, b: &[u8]) -> u16 {
        let b = [b[0], b[1]];
        if self.little {
            u16::from_le_bytes(b)
        } else {
            u16::from_be_bytes(b)
        }
    }

    fn u32(&self, b: &[u8]) -> u32 {
        let b = [b[0], b[1], b[2], b[3]];
        if self.little {
            u32::from_le_bytes(b)
        } else {
            u32::from_be_bytes(b)
        }
    }

    fn u64(&self, b: &[u8]) -> u64 {
        let b: [u8; 8] = b[..8].try_into().expect("8 bytes");
        if self.little {
            u64::from_le_bytes(b)
        } else {
            u64::from_be_bytes(b)
        }
    }
}

/// Reads into `buf` from `offset` until it is full or the file ends; the bytes read.
fn read_up_to(file: &File, buf: &mut [u8], offset: u64) -> io::Result<usize> {
    let mut done = 0;
    while done < buf.len() {
        match file.read_at(&mut buf[done..], offset + done as u64) {
            Ok(0) => break,
            Ok(n) => done += n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(done)
}

#[cfg(test)]
mod tests {
    use super::counters_in_binary;

    /// A minimal little-endian ELF64 file: a null section, the section-name table, and a
    /// NOBITS section `name` of `size` bytes (no symbol table).
    fn elf_with_section(name: &str, size: u64) -> Vec<u8> {
        let mut names = b"\0.shstrtab\0".to_vec();
        let name_at = names.len() as u32;
        names.extend(name.as_bytes());
        names.push(0);
        let names_at = 64u64;
        let shoff = names_at + names.len() as u64;
        let mut f = vec![0u8; 64];
        f[..6].copy_from_slice(b"\x7fELF\x02\x01");
        f[0x28..0x30].copy_from_slice(&shoff.to_le_bytes());
        f[0x3a..0x3c].copy_from_slice(&64u16.to_le_bytes()); // e_shentsize
        f[0x3c..0x3e].copy_from_slice(&3u16.to_le_bytes()); // e_shnum
        f[0x3e..0x40].copy_from_slice(&1u16.to_le_bytes()); // e_shstrndx
        f.extend(&names);
        let section = |name: u32, kind: u32, offset: u64, size: u64| {
            let mut h = vec![0u8; 64];
            h[..4].copy_from_slice(&name.to_le_bytes());
            h[4..8].copy_from_slice(&kind.to_le_bytes());
            h[24..32].copy_from_slice(&offset.to_le_bytes());
            h[32..40].copy_from_slice(&size.to_le_bytes());
            h
        };
        f.extend(section(0, 0, 0, 0));
        f.extend(section(1, 3, names_at, names.len() as u64)); // SHT_STRTAB
        f.extend(section(name_at, 8, 0, size)); // SHT_NOBITS
        f
    }

    #[test]
    fn the_section_of_either_release_family_gives_the_count() {
        let dir = tempfile::tempdir().unwrap();
        for (section, want) in [
            (".go.fuzzcntrs", Some(5393)),
            ("__libfuzzer_extra_counters", Some(4780)),
            (".bss", Some(0)),
        ] {
            let path = dir.path().join(section);
            let size = want.filter(|&n| n > 0).unwrap_or(64) as u64;
            std::fs::write(&path, elf_with_section(section, size)).unwrap();
            assert_eq!(counters_in_binary(&path).unwrap(), want, "{section}");
        }
    }

    #[test]
    fn files_that_are_not_elf_are_unknown_not_errors() {
        let dir = tempfile::tempdir().unwrap();
        for (name, bytes) in [
            ("empty", &b""[..]),
            ("script", b"#!/bin/sh\necho hi\n"),
            ("short-elf", b"\x7fELF\x02\x01\x01"),
            ("bad-class", &[0x7f, b'E', b'L', b'F', 9, 1, 1, 0][..]),
        ] {
            let path = dir.path().join(name);
            std::fs::write(&path, bytes).unwrap();
            assert_eq!(counters_in_binary(&path).unwrap(), None, "{name}");
        }
        // A truncated ELF64 header claiming section headers past the end: an I/O error.
        let mut header = vec![0u8; 64];
        header[..6].copy_from_slice(b"\x7fELF\x02\x01");
        header[0x28] = 0x40; // e_shoff
        header[0x3a] = 64; // e_shentsize
        header[0x3c] = 3; // e_shnum
        header[0x3e] = 1; // e_shstrndx
        let path = dir.path().join("truncated");
        std::fs::write(&path, &header).unwrap();
        assert!(counters_in_binary(&path).is_err());
    }
}
