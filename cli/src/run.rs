//! `gofuzz-shm run`: replay corpus files through a real Go fuzz worker.

use std::fs;
use std::io::{self, IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use gofuzz_shm::corpus;
use gofuzz_shm::worker::{Exit, Outcome, Worker, WorkerOptions};
use gofuzz_shm::ErrorKind;
use serde::Serialize;

use crate::args::RunArgs;
use crate::error::{CliError, Result};
use crate::mapping::Inputs;
use crate::names::write_corpus_file;
use crate::out::Out;

/// The exit status after SIGINT or SIGTERM (128 + SIGINT, as shells report it).
const INTERRUPTED_STATUS: u8 = 130;

/// Ctrl-C and SIGTERM end a run between two inputs, so the worker is stopped and what ran is
/// summarized. A second signal ends the process at once (the handler is reset after the
/// first); the worker dies with it (the library arms the kernel's parent-death signal).
mod interrupt {
    use std::sync::atomic::{AtomicBool, Ordering};

    static REQUESTED: AtomicBool = AtomicBool::new(false);

    extern "C" fn on_signal(_: libc::c_int) {
        REQUESTED.store(true, Ordering::SeqCst);
    }

    pub fn catch() {
        for signal in [libc::SIGINT, libc::SIGTERM] {
            // SAFETY: a zeroed sigaction is valid; the handler only stores to an atomic,
            // which is async-signal-safe. SA_RESTART: blocking calls resume (the worker
            // host retries on EINTR as well).
            unsafe {
                let mut action: libc::sigaction = std::mem::zeroed();
                action.sa_sigaction = on_signal as extern "C" fn(libc::c_int) as usize;
                action.sa_flags = libc::SA_RESTART | libc::SA_RESETHAND;
                libc::sigemptyset(&mut action.sa_mask);
                libc::sigaction(signal, &action, std::ptr::null_mut());
            }
        }
    }

    pub fn requested() -> bool {
        REQUESTED.load(Ordering::SeqCst)
    }
}

/// What became of one input.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
enum Status {
    Ok,
    Crash,
    WorkerDied,
    Timeout,
    /// The input could not be run: unreadable, not a corpus entry, refused by the worker.
    Invalid,
}

impl Status {
    fn failed(self) -> bool {
        matches!(self, Status::Crash | Status::WorkerDied | Status::Timeout)
    }

    fn label(self) -> &'static str {
        match self {
            Status::Ok => "OK",
            Status::Crash => "CRASH",
            Status::WorkerDied => "WORKER DIED",
            Status::Timeout => "TIMEOUT",
            Status::Invalid => "INVALID",
        }
    }
}

/// One line of `--json` output.
#[derive(Serialize)]
struct Record<'a> {
    path: String,
    outcome: Status,
    message: &'a str,
    /// Coverage counters this input hit (0 unless the outcome is ok).
    coverage_counters_hit: usize,
    /// Coverage counters in the binary (0: built without `-fuzz`): read from the binary when
    /// the worker starts, so known from the first record on; `null` only for a binary that
    /// is not ELF (a wrapper script) until an input has succeeded.
    coverage_counters: Option<usize>,
    duration_ns: u64,
    crash_file: Option<String>,
    exit_code: Option<i32>,
    signal: Option<i32>,
}

#[derive(Default)]
struct Tally {
    done: usize,
    ok: usize,
    crash: usize,
    died: usize,
    timeout: usize,
    invalid: usize,
    saved: Vec<PathBuf>,
}

impl Tally {
    fn add(&mut self, status: Status) {
        self.done += 1;
        *match status {
            Status::Ok => &mut self.ok,
            Status::Crash => &mut self.crash,
            Status::WorkerDied => &mut self.died,
            Status::Timeout => &mut self.timeout,
            Status::Invalid => &mut self.invalid,
        } += 1;
    }

    fn failed(&self) -> usize {
        self.crash + self.died + self.timeout
    }
}

pub fn main(args: &RunArgs) -> Result<u8> {
    let inputs = collect_inputs(&args.inputs)?;
    let kind = Inputs::from_args(args)?;
    if let Some(dir) = &args.workdir {
        if !dir.is_dir() {
            return Err(CliError::file("--workdir", dir, "not a directory"));
        }
    }
    let mut options = WorkerOptions::new(&args.bin, &args.target);
    options.timeout = args.timeout;
    options.dir.clone_from(&args.workdir);
    let mut worker = Worker::start(options)?;

    let mut out = Out::new();
    let mut progress = Progress::new(!args.quiet, inputs.len());
    let mut tally = Tally::default();
    let start = Instant::now();
    let mut fatal = None;
    interrupt::catch();
    for path in &inputs {
        if interrupt::requested() {
            break;
        }
        let run = run_one(
            args,
            &kind,
            &mut worker,
            path,
            &mut out,
            &mut progress,
            &mut tally,
        );
        if let Err(e) = run {
            fatal = Some(e);
            break;
        }
        progress.tick(&tally);
    }
    progress.finish();
    let stopped = worker.stop();
    let interrupted = interrupt::requested();
    if interrupted {
        eprintln!(
            "gofuzz-shm: interrupted: stopped after {} of {} inputs",
            tally.done,
            inputs.len()
        );
    }
    // A usage error on the first input (raw files for a target of other types) is the
    // whole story; a summary of nothing would only hide it.
    if fatal.is_none() || tally.done > 0 {
        summary(args, &tally, start.elapsed(), &mut out)?;
    }
    out.flush()?;
    if let Some(e) = fatal {
        return Err(e);
    }
    if let Err(e) = stopped {
        CliError::new(format!("warning: {e}")).print();
    }
    Ok(if interrupted {
        INTERRUPTED_STATUS
    } else if tally.failed() > 0 {
        1
    } else if tally.invalid > 0 {
        2
    } else {
        0
    })
}

/// The files to run, in order: each file argument, and the files of each directory argument
/// sorted by name (subdirectories are skipped, as Go skips them in a corpus directory).
fn collect_inputs(args: &[PathBuf]) -> Result<Vec<PathBuf>> {
    let mut files = Vec::new();
    for arg in args {
        let meta = fs::metadata(arg).map_err(|e| CliError::file("input", arg, e))?;
        if !meta.is_dir() {
            files.push(arg.clone());
            continue;
        }
        let entries = fs::read_dir(arg).map_err(|e| CliError::file("read directory", arg, e))?;
        let mut found = Vec::new();
        for entry in entries {
            let entry = entry.map_err(|e| CliError::file("read directory", arg, e))?;
            let path = entry.path();
            // Follows symbolic links, as Go's corpus reader does.
            if fs::metadata(&path).map(|m| !m.is_dir()).unwrap_or(true) {
                found.push(path);
            }
        }
        found.sort();
        files.extend(found);
    }
    if files.is_empty() {
        let names: Vec<String> = args.iter().map(|p| p.display().to_string()).collect();
        return Err(CliError::new(format!(
            "no input files: {} holds no files",
            names.join(", ")
        )));
    }
    Ok(files)
}

/// Runs one input and reports it. `Err` only when the run cannot go on (the worker cannot
/// be restarted or broke the protocol, a crasher cannot be saved, stdout is gone).
fn run_one(
    args: &RunArgs,
    kind: &Inputs,
    worker: &mut Worker,
    path: &Path,
    out: &mut Out,
    progress: &mut Progress,
    tally: &mut Tally,
) -> Result<()> {
    let coverage_len = worker.coverage_len();
    let reject = |why: &str, out: &mut Out, progress: &mut Progress, tally: &mut Tally| {
        invalid(args, path, why, coverage_len, out, progress, tally)
    };
    let data = match fs::read(path) {
        Ok(data) => data,
        Err(e) => return reject(&format!("read: {e}"), out, progress, tally),
    };
    if !args.raw {
        let why = match corpus::decode(&data) {
            Err(e) => Some(format!(
                "not a go test fuzz v1 corpus entry: {e} (use --raw for raw bytes)"
            )),
            Ok(values) => kind.check_entry(&values),
        };
        if let Some(why) = why {
            return reject(&why, out, progress, tally);
        }
    }
    let result = match kind {
        Inputs::RawBytes => worker.run_bytes(&data),
        Inputs::RawMapped(sig) => worker.run(&sig.entry_from_bytes(&data)),
        Inputs::Entries(_) => worker.run(&data),
    };
    let r = match result {
        Ok(r) => r,
        Err(e) if matches!(e.kind(), ErrorKind::InvalidArgument | ErrorKind::TooLarge) => {
            return reject(&e.to_string(), out, progress, tally);
        }
        Err(e) => return Err(CliError::new(format!("running {}: {e}", path.display()))),
    };
    if r.outcome == Outcome::Crash {
        // Go refusing to call the target with these values is not a bug of the target.
        if let Some(why) = kind.mismatch(&args.target, r.message)? {
            return reject(&why, out, progress, tally);
        }
    }
    let status = match r.outcome {
        Outcome::Ok => Status::Ok,
        Outcome::Crash => Status::Crash,
        Outcome::WorkerDied => Status::WorkerDied,
        Outcome::Timeout => Status::Timeout,
    };
    if interrupt::requested() && matches!(status, Status::WorkerDied | Status::Timeout) {
        // Ctrl-C reaches the worker too (same process group) and Go's worker exits on it:
        // that death, or a call cut short, says nothing about the input.
        return Ok(());
    }
    let crash_file = if status.failed() {
        let saved = write_corpus_file(&args.crash_dir, r.entry)?;
        tally.saved.push(saved.clone());
        Some(saved)
    } else {
        None
    };
    tally.add(status);
    let (exit_code, signal) = match r.exit {
        Some(Exit::Code(code)) => (Some(code), None),
        Some(Exit::Signal(signal)) => (None, Some(signal)),
        None => (None, None),
    };
    if args.json {
        let record = Record {
            path: path.display().to_string(),
            outcome: status,
            message: r.message,
            coverage_counters_hit: r.coverage.iter().filter(|&&c| c != 0).count(),
            coverage_counters: worker_coverage_len(coverage_len, r.coverage.len(), status),
            duration_ns: u64::try_from(r.duration.as_nanos()).unwrap_or(u64::MAX),
            crash_file: crash_file.as_ref().map(|p| p.display().to_string()),
            exit_code,
            signal,
        };
        json_line(out, &record)?;
    } else if let Some(saved) = &crash_file {
        progress.clear();
        out.line(&format!(
            "{} {} (saved as {})",
            status.label(),
            path.display(),
            saved.display()
        ))?;
        let message = if args.verbose {
            r.message.trim_end().to_owned()
        } else {
            elide_stacks(r.message.trim_end())
        };
        for line in message.lines() {
            out.line(&format!("    {line}"))?;
        }
        out.flush()?;
    }
    Ok(())
}

/// Go's failure text with each goroutine stack (a `goroutine N [state]:` line and the frames
/// after it, up to a blank or less indented line) replaced by a one-line note.
pub(crate) fn elide_stacks(message: &str) -> String {
    let indent = |line: &str| line.len() - line.trim_start().len();
    let is_header = |t: &str| t.starts_with("goroutine ") && t.ends_with("]:") && t.contains(" [");
    let mut out = String::new();
    let mut lines = message.lines().peekable();
    while let Some(line) = lines.next() {
        if !is_header(line.trim()) {
            out.push_str(line);
            out.push('\n');
            continue;
        }
        let level = indent(line);
        let mut skipped = 1;
        while let Some(next) = lines.peek() {
            let blank = next.trim().is_empty();
            if blank || indent(next) < level || (indent(next) == level && is_header(next.trim())) {
                break;
            }
            lines.next();
            skipped += 1;
        }
        out.push_str(&format!(
            "{}[goroutine stack: {skipped} lines; --verbose shows them]\n",
            &line[..level]
        ));
    }
    out
}

/// The binary's number of counters: known from an earlier run, or from this one.
fn worker_coverage_len(before: Option<usize>, this_run: usize, status: Status) -> Option<usize> {
    before.or((status == Status::Ok).then_some(this_run))
}

/// Reports an input that could not be run: a line on stderr, a record with `--json`.
fn invalid(
    args: &RunArgs,
    path: &Path,
    why: &str,
    coverage_len: Option<usize>,
    out: &mut Out,
    progress: &mut Progress,
    tally: &mut Tally,
) -> Result<()> {
    tally.add(Status::Invalid);
    progress.clear();
    CliError::file("input", path, why).print();
    if args.json {
        let record = Record {
            path: path.display().to_string(),
            outcome: Status::Invalid,
            message: why,
            coverage_counters_hit: 0,
            coverage_counters: coverage_len,
            duration_ns: 0,
            crash_file: None,
            exit_code: None,
            signal: None,
        };
        json_line(out, &record)?;
    }
    Ok(())
}

fn json_line(out: &mut Out, record: &Record<'_>) -> Result<()> {
    let line = serde_json::to_string(record)
        .map_err(|e| CliError::new(format!("encode JSON output: {e}")))?;
    out.line(&line)?;
    out.flush()
}

fn summary(args: &RunArgs, t: &Tally, elapsed: Duration, out: &mut Out) -> Result<()> {
    let secs = elapsed.as_secs_f64();
    let mut text = format!(
        "{} in {:.1} s ({:.0} inputs/s): {} ok, {} crashed, {} worker died, {} timed out, {} \
         invalid\n",
        counted(t.done, "input"),
        secs,
        t.done as f64 / secs.max(1e-9),
        t.ok,
        t.crash,
        t.died,
        t.timeout,
        t.invalid
    );
    if let Some(first) = t.saved.first() {
        let name = first.file_name().unwrap_or_default().to_string_lossy();
        text.push_str(&format!(
            "{} saved in {}. To reproduce with go test, copy a file into the package's \
             testdata/fuzz/{target}/ and run: go test -run={target}/{name}\n",
            counted(t.saved.len(), "failing input"),
            args.crash_dir.display(),
            target = args.target,
        ));
    }
    if args.json {
        eprint!("{text}");
        Ok(())
    } else {
        out.write(text.as_bytes())
    }
}

/// "1 input", "2 inputs".
fn counted(n: usize, what: &str) -> String {
    format!("{n} {what}{}", if n == 1 { "" } else { "s" })
}

/// Progress on stderr once a run takes more than a second: a line a second (rewritten in
/// place on a terminal).
struct Progress {
    enabled: bool,
    tty: bool,
    total: usize,
    start: Instant,
    last: Option<Instant>,
    /// A line is on the terminal without its newline.
    open: bool,
}

const PROGRESS_EVERY: Duration = Duration::from_secs(1);

impl Progress {
    fn new(enabled: bool, total: usize) -> Progress {
        Progress {
            enabled,
            tty: io::stderr().is_terminal(),
            total,
            start: Instant::now(),
            last: None,
            open: false,
        }
    }

    fn tick(&mut self, t: &Tally) {
        let now = Instant::now();
        let since = self.last.unwrap_or(self.start);
        if !self.enabled || t.done == self.total || now - since < PROGRESS_EVERY {
            return;
        }
        self.last = Some(now);
        let secs = (now - self.start).as_secs_f64();
        let line = format!(
            "gofuzz-shm: {}/{} inputs, {:.0} inputs/s, {} failing",
            t.done,
            self.total,
            t.done as f64 / secs,
            t.failed()
        );
        let mut err = io::stderr().lock();
        // Progress is best effort: a closed stderr must not stop the run.
        let _ = if self.tty {
            self.open = true;
            write!(err, "\r\x1b[K{line}")
        } else {
            writeln!(err, "{line}")
        };
        let _ = err.flush();
    }

    /// Removes a progress line from the terminal before other output.
    fn clear(&mut self) {
        if self.open {
            let _ = write!(io::stderr(), "\r\x1b[K");
            self.open = false;
        }
    }

    fn finish(&mut self) {
        self.clear();
    }
}

#[cfg(test)]
mod tests {
    use super::elide_stacks;

    #[test]
    fn goroutine_stacks_are_elided_and_the_rest_kept() {
        let message = "--- FAIL: FuzzX (0.00s)
    testing.go:1927: panic: boom
        goroutine 25 [running]:
        runtime/debug.Stack()
        \t/usr/local/go/src/runtime/debug/stack.go:26 +0x9b
        created by testing.(*F).Fuzz.func1 in goroutine 6
        \t/usr/local/go/src/testing/fuzz.go:328 +0x668
        
    more text
goroutine 1 [chan receive]:
main.main()
\t/x.go:1
goroutine 2 [sleep]:
main.f()

after";
        assert_eq!(
            elide_stacks(message),
            "--- FAIL: FuzzX (0.00s)
    testing.go:1927: panic: boom
        [goroutine stack: 5 lines; --verbose shows them]
        
    more text
[goroutine stack: 3 lines; --verbose shows them]
[goroutine stack: 2 lines; --verbose shows them]

after
"
        );
        assert_eq!(elide_stacks("no stack\n"), "no stack\n");
    }
}
