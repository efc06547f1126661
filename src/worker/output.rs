//! What the worker prints: its stdout and stderr share one pipe, read without blocking while we
//! wait for responses, and kept in a bounded log (the start and the end of the text, since a Go
//! crash names its cause at the start and a long goroutine dump can follow).

use std::fs::File;
use std::io::{self, Read};

/// Bytes kept from the start of the output.
const HEAD: usize = 4 << 10;
/// Bytes kept from the end of the output.
const TAIL: usize = 12 << 10;

/// A bounded copy of one worker process's output.
#[derive(Debug, Default)]
pub(crate) struct OutputLog {
    head: Vec<u8>,
    /// Ring buffer of the last `TAIL` bytes after the head filled; `tail_start` is its oldest
    /// byte once it has wrapped.
    tail: Vec<u8>,
    tail_start: usize,
    /// Bytes seen in total.
    total: u64,
}

impl OutputLog {
    pub(crate) fn push(&mut self, mut data: &[u8]) {
        self.total += data.len() as u64;
        if self.head.len() < HEAD {
            let n = data.len().min(HEAD - self.head.len());
            self.head.extend_from_slice(&data[..n]);
            data = &data[n..];
        }
        if data.len() >= TAIL {
            self.tail.clear();
            self.tail.extend_from_slice(&data[data.len() - TAIL..]);
            self.tail_start = 0;
            return;
        }
        for &byte in data {
            if self.tail.len() < TAIL {
                self.tail.push(byte);
            } else {
                self.tail[self.tail_start] = byte;
                self.tail_start = (self.tail_start + 1) % TAIL;
            }
        }
    }

    /// Nothing was printed.
    pub(crate) fn is_empty(&self) -> bool {
        self.total == 0
    }

    /// The kept text, with a marker where bytes were dropped; lossy UTF-8, trailing blank space
    /// trimmed.
    pub(crate) fn text(&self) -> String {
        let mut bytes = self.head.clone();
        let kept = (self.head.len() + self.tail.len()) as u64;
        if kept < self.total {
            let dropped = self.total - kept;
            bytes.extend_from_slice(
                format!("\n[... {dropped} bytes of output omitted ...]\n").as_bytes(),
            );
        }
        bytes.extend_from_slice(&self.tail[self.tail_start..]);
        bytes.extend_from_slice(&self.tail[..self.tail_start]);
        String::from_utf8_lossy(&bytes).trim_end().to_owned()
    }

    /// Reads what is available from a non-blocking pipe. Returns `false` at end of file (every
    /// writer closed it), `true` when the pipe is merely empty for now.
    pub(crate) fn drain(&mut self, pipe: &mut File) -> io::Result<bool> {
        let mut buf = [0u8; 8192];
        loop {
            match pipe.read(&mut buf) {
                Ok(0) => return Ok(false),
                Ok(n) => self.push(&buf[..n]),
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => return Ok(true),
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => return Err(e),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_everything_while_it_fits() {
        let mut log = OutputLog::default();
        log.push(b"panic: boom\n");
        log.push(b"goroutine 1\n\n");
        assert_eq!(log.text(), "panic: boom\ngoroutine 1");
    }

    #[test]
    fn keeps_head_and_tail_of_long_output() {
        let mut log = OutputLog::default();
        log.push(b"fatal error: stack overflow\n");
        for i in 0..10_000 {
            log.push(format!("frame {i}\n").as_bytes());
        }
        log.push(b"exit status 2");
        let text = log.text();
        assert!(
            text.starts_with("fatal error: stack overflow\nframe 0\n"),
            "{text}"
        );
        assert!(text.ends_with("frame 9999\nexit status 2"), "{text}");
        assert!(text.contains("bytes of output omitted"));
        assert!(text.len() < HEAD + TAIL + 100);
        // One big write that alone exceeds the tail.
        let mut log = OutputLog::default();
        let big: Vec<u8> = (0..100_000u32).map(|i| b'a' + (i % 26) as u8).collect();
        log.push(&big);
        let text = log.text();
        assert!(text.starts_with("abcdef"));
        assert!(text.ends_with(std::str::from_utf8(&big[big.len() - 10..]).unwrap()));
    }
}
