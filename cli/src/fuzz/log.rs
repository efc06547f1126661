//! LibAFL's own log messages on stderr, when `GOFUZZSHM_LIBAFL_LOG` names a level (`info`,
//! `debug`, `trace`): for finding out what LLMP does between brokers and clients.

struct Stderr;

impl log::Log for Stderr {
    fn enabled(&self, _: &log::Metadata) -> bool {
        true
    }

    fn log(&self, record: &log::Record) {
        eprintln!(
            "[libafl {} pid {}] {}",
            record.level(),
            std::process::id(),
            record.args()
        );
    }

    fn flush(&self) {}
}

pub fn init() {
    let Ok(level) = std::env::var("GOFUZZSHM_LIBAFL_LOG") else {
        return;
    };
    let level = match level.as_str() {
        "error" => log::LevelFilter::Error,
        "warn" => log::LevelFilter::Warn,
        "debug" => log::LevelFilter::Debug,
        "trace" => log::LevelFilter::Trace,
        _ => log::LevelFilter::Info,
    };
    if log::set_logger(&Stderr).is_ok() {
        log::set_max_level(level);
    }
}
