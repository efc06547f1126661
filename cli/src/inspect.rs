//! `gofuzz-shm inspect`: what a region file holds.

use gofuzz_shm::corpus::{self, Value};
use gofuzz_shm::{SharedMem, HEADER_SIZE};
use serde::Serialize;

use crate::args::InspectArgs;
use crate::error::{CliError, Result};
use crate::out::Out;

/// Bytes of the value shown without --full.
const SHOWN: usize = 4096;

#[derive(Serialize)]
struct Report {
    path: String,
    file_size: usize,
    header_size: usize,
    capacity: usize,
    count: i64,
    value_len: isize,
    value_len_valid: bool,
    rand_state: u64,
    rand_inc: u64,
    raw_in_mem: bool,
    /// The value's Go corpus lines, when it decodes as a corpus entry.
    entry: Option<Vec<String>>,
    /// Why the value is not a corpus entry (None when it is one, or value_len is invalid).
    not_an_entry: Option<String>,
    /// The value as a Go quoted string, when it is not a corpus entry.
    bytes: Option<String>,
}

pub fn main(args: &InspectArgs) -> Result<u8> {
    let region = SharedMem::map_path(&args.file, 0, false)
        .map_err(|e| CliError::new(format!("inspect: {e}")))?;
    let header = region.header();
    let value = region.value_copy();
    let mut report = Report {
        path: args.file.display().to_string(),
        file_size: region.mapped_len(),
        header_size: HEADER_SIZE,
        capacity: region.capacity(),
        count: header.count,
        value_len: header.value_len,
        value_len_valid: value.is_ok(),
        rand_state: header.rand_state,
        rand_inc: header.rand_inc,
        raw_in_mem: header.raw_in_mem,
        entry: None,
        not_an_entry: None,
        bytes: None,
    };
    if let Ok(value) = &value {
        match corpus::decode(value) {
            Ok(values) => report.entry = Some(values.iter().map(Value::to_string).collect()),
            Err(e) => {
                report.not_an_entry = Some(if value.is_empty() {
                    "the value is empty".to_owned()
                } else if header.raw_in_mem {
                    "raw_in_mem is set: the value holds raw bytes (Go's minimizer)".to_owned()
                } else {
                    e.to_string()
                });
                let shown = if args.full || args.json {
                    &value[..]
                } else {
                    &value[..value.len().min(SHOWN)]
                };
                report.bytes = Some(quoted(shown));
            }
        }
    }
    drop(region);

    let mut out = Out::new();
    if args.json {
        let text = serde_json::to_string_pretty(&report)
            .map_err(|e| CliError::new(format!("encode JSON output: {e}")))?;
        out.line(&text)?;
    } else {
        print_text(args, &report, value.as_ref().map(Vec::len).ok(), &mut out)?;
    }
    out.flush()?;
    Ok(if report.value_len_valid { 0 } else { 1 })
}

fn print_text(args: &InspectArgs, r: &Report, len: Option<usize>, out: &mut Out) -> Result<()> {
    out.line(&format!("region      {}", r.path))?;
    out.line(&format!(
        "size        {} bytes: {}-byte header + {} bytes of value capacity",
        r.file_size, r.header_size, r.capacity
    ))?;
    out.line(&format!("count       {}", r.count))?;
    out.line(&format!(
        "value_len   {} ({})",
        r.value_len,
        if r.value_len_valid {
            format!("valid: within 0..={}", r.capacity)
        } else {
            format!(
                "INVALID: outside 0..={}, the capacity; the value cannot be read",
                r.capacity
            )
        }
    ))?;
    out.line(&format!("rand_state  {:#018x}", r.rand_state))?;
    out.line(&format!("rand_inc    {:#018x}", r.rand_inc))?;
    out.line(&format!("raw_in_mem  {}", r.raw_in_mem))?;
    if let Some(lines) = &r.entry {
        out.line(&format!(
            "value       a corpus entry with {} value{}:",
            lines.len(),
            if lines.len() == 1 { "" } else { "s" }
        ))?;
        for line in lines {
            out.line(&format!("              {}", shorten(line, args.full)))?;
        }
    } else if let (Some(why), Some(bytes), Some(len)) = (&r.not_an_entry, &r.bytes, len) {
        out.line(&format!(
            "value       {len} bytes, not a corpus entry ({why}):"
        ))?;
        out.line(&format!("              {bytes}"))?;
        if !args.full && len > SHOWN {
            out.line(&format!(
                "              (the first {SHOWN} of {len} bytes; --full shows all)"
            ))?;
        }
    }
    Ok(())
}

/// The bytes as a Go double-quoted string.
fn quoted(bytes: &[u8]) -> String {
    let line = Value::Bytes(bytes.to_vec()).to_string();
    // `[]byte("…")` → `"…"`
    line["[]byte(".len()..line.len() - 1].to_owned()
}

/// A corpus line cut to about SHOWN characters unless `full`.
fn shorten(line: &str, full: bool) -> String {
    if full || line.len() <= SHOWN {
        return line.to_owned();
    }
    let mut end = SHOWN;
    while !line.is_char_boundary(end) {
        end -= 1;
    }
    format!(
        "{}… ({} characters; --full shows all)",
        &line[..end],
        line.len()
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quoted_is_go_quoting() {
        assert_eq!(quoted(b"a\"\x00\xff"), r#""a\"\x00\xff""#);
        assert_eq!(quoted(b""), r#""""#);
    }

    #[test]
    fn long_lines_are_cut_on_a_character_boundary() {
        let line = "é".repeat(SHOWN);
        let short = shorten(&line, false);
        assert!(short.starts_with(&"é".repeat(SHOWN / 2)));
        assert!(short.ends_with("characters; --full shows all)"));
        assert_eq!(shorten(&line, true), line);
    }
}
