//! Recognizing, in a worker's failure text, that the values did not fit the fuzz callback.
//!
//! A Go worker does not check an entry's values against the target's parameters (only
//! `go test` does, before running a corpus file); it passes them to `reflect.Value.Call`,
//! which panics, and the testing package reports that panic as a failure of the target, an
//! `Err` in the RPC response, like any crash (observed with Go 1.26; the code is the same
//! from 1.18). The panic is one of `reflect: Call using X as type Y`, `reflect: Call with
//! too few input arguments`, `reflect: Call with too many input arguments`, raised by
//! `reflect.Value.Call` called straight from the testing package's fuzz wrapper
//! (`testing.(*F).Fuzz.func…`). A target that misuses `reflect.Value.Call` itself panics
//! with the same words but from its own frame, which is a real bug and stays a crash.

/// Go's reason (e.g. `reflect: Call using []uint8 as type string`) when `failure`, a
/// worker's failure text for a run, says that the entry's values do not fit the target's
/// callback (a wrong number of values or a value of another type): a usage mistake, not a
/// bug of the target. `None` for any other failure.
///
/// ```
/// use gofuzz_shm::signature::call_mismatch;
/// let text = "--- FAIL: FuzzParse (0.00s)
///     testing.go:1927: panic: reflect: Call using []uint8 as type string
///         goroutine 5 [running]:
///         reflect.Value.Call({0x613860?, 0x665a08?, 0x54bac0?}, {0x3f0f0b7a0f0?, 0x2, 0x2?})
///         \t/usr/local/go/src/reflect/value.go:369 +0xb9
///         testing.(*F).Fuzz.func1.1(0x3f0f0b30248?)
///         \t/usr/local/go/src/testing/fuzz.go:341 +0x365
/// ";
/// assert_eq!(call_mismatch(text), Some("reflect: Call using []uint8 as type string"));
/// assert_eq!(call_mismatch("--- FAIL: FuzzParse\n    panic: boom\n"), None);
/// ```
pub fn call_mismatch(failure: &str) -> Option<&str> {
    const REASONS: [&str; 3] = [
        "reflect: Call using ",
        "reflect: Call with too few input arguments",
        "reflect: Call with too many input arguments",
    ];
    let reason = failure.lines().find_map(|line| {
        let at = line.find("panic: reflect: Call ")? + "panic: ".len();
        let reason = line[at..].trim_end();
        let reason = reason.strip_suffix(" [recovered]").unwrap_or(reason);
        REASONS
            .iter()
            .any(|r| reason.starts_with(r))
            .then_some(reason)
    })?;
    // The frame that called reflect.Value.Call must be the testing package's wrapper. Frames
    // are function lines; each is followed by its file line, which starts with a tab.
    let mut frames = failure
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('/') && !l.contains(".go:"));
    frames.find(|l| l.starts_with("reflect.Value.Call("))?;
    let caller = frames.next()?;
    caller
        .starts_with("testing.(*F).Fuzz.func")
        .then_some(reason)
}

#[cfg(test)]
mod tests {
    use super::call_mismatch;

    const STACK_TAIL: &str = "
            reflect.Value.call({0x613860?, 0x665a08?, 0x13?}, {0x653f52, 0x4}, {0x3d1aa8d6a2a0, 0x3, 0x4?})
            \t/usr/local/go/src/reflect/value.go:432 +0x1bd8
            reflect.Value.Call({0x613860?, 0x665a08?, 0x54bac0?}, {0x3d1aa8d6a2a0?, 0x652d40?, 0x3d1aa8e90000?})
            \t/usr/local/go/src/reflect/value.go:369 +0xb9
            testing.(*F).Fuzz.func1.1(0x3d1aa8d18248?)
            \t/usr/local/go/src/testing/fuzz.go:341 +0x365
            testing.tRunner(0x3d1aa8d18248, 0x3d1aa8e8e000)
";

    #[test]
    fn go_wrapper_panics_are_mismatches() {
        for reason in [
            "reflect: Call with too many input arguments",
            "reflect: Call with too few input arguments",
            "reflect: Call using int64 as type int",
        ] {
            let text = format!(
                "--- FAIL: FuzzX (0.00s)\n    testing.go:1927: panic: {reason}\n        goroutine 9 [running]:{STACK_TAIL}"
            );
            assert_eq!(call_mismatch(&text), Some(reason));
        }
    }

    #[test]
    fn the_targets_own_reflect_panics_are_crashes() {
        let text = "--- FAIL: FuzzX (0.00s)
    testing.go:1927: panic: reflect: Call using int64 as type int
        reflect.Value.Call({0x1}, {0x2})
        \t/usr/local/go/src/reflect/value.go:369 +0xb9
        example.com/pkg.helper(...)
        \t/src/pkg/x_test.go:12 +0x20
        testing.(*F).Fuzz.func1.1(0x3d1aa8d18248?)
";
        assert_eq!(call_mismatch(text), None);
        // No stack: cannot tell, so not a mismatch.
        assert_eq!(
            call_mismatch("panic: reflect: Call with too few input arguments"),
            None
        );
        assert_eq!(call_mismatch("panic: reflect: Call of nil"), None);
    }
}
