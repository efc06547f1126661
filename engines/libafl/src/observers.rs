//! Observers of a Go worker's runs.

use gofuzz_shm::worker::{Outcome, Worker};
use libafl::observers::StdMapObserver;
use libafl::Error;

/// Go's coverage counters of one run, one byte per counter (already rounded down to a power of
/// two by the worker, so LibAFL's hit-count classification adds nothing). The map is owned, so
/// it travels with LibAFL's events between clients and nodes.
pub type GoCountersObserver = StdMapObserver<'static, u8, false>;

/// Makes the counters observer named `name` for the binary `worker` runs.
///
/// The map's size is the binary's counter count. The host reads it from an ELF binary's
/// `.go.fuzzcntrs` section when the worker starts; otherwise it is only known from a run (the
/// worker reports the counters as a snapshot), so this runs `warmup` inputs (encoded corpus
/// entries), each once, until one runs without failing. Fails when the count is still
/// unknown, or is zero (a binary built with plain `go test -c` instead of
/// `go test -c -fuzz=`).
pub fn counters_observer<'e>(
    name: &'static str,
    worker: &mut Worker,
    warmup: impl IntoIterator<Item = &'e [u8]>,
) -> Result<GoCountersObserver, Error> {
    let len = match worker.coverage_len() {
        Some(len) => len,
        None => {
            let mut last = String::from("no warmup input was given");
            for entry in warmup {
                let result = worker
                    .run(entry)
                    .map_err(|e| Error::illegal_state(format!("warmup run: {e}")))?;
                if result.outcome == Outcome::Ok {
                    last.clear();
                    break;
                }
                last = format!("{:?}: {}", result.outcome, result.message);
            }
            worker.coverage_len().ok_or_else(|| {
                Error::illegal_argument(format!(
                    "no warmup input ran without failing, so the number of Go coverage \
                     counters is unknown (last: {last})"
                ))
            })?
        }
    };
    if len == 0 {
        return Err(Error::illegal_argument(format!(
            "{} has no coverage counters: build it with `go test -c -fuzz={}`",
            worker.options().binary.display(),
            worker.options().target
        )));
    }
    Ok(StdMapObserver::owned(name, vec![0; len]))
}
