//! framescope: how different sources frame the same policy topic.
//!
//! Modules in pipeline order: the command line and config are parsed and
//! validated once; `ingest` finds and decodes documents; `normalize`,
//! `tokenize`, `stem` and `lexicon` turn text into terms and theme matches;
//! `count` tallies them per document and merges tallies; `analyze` derives
//! the figures; `report` writes report.json and the charts. `pipeline` runs
//! the stages in order over a thread pool.

pub mod analyze;
pub mod cache;
pub mod cli;
pub mod config;
pub mod count;
pub mod error;
pub mod ingest;
pub mod kwic;
pub mod lexicon;
pub mod normalize;
pub mod pipeline;
pub mod prepare;
pub mod report;
pub mod stem;
pub mod tokenize;
pub mod watch;

/// Set by a process that exits when its one run ends (see [`exit_frees_memory`]).
static EXIT_FREES_MEMORY: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

/// Tells [`drop_elsewhere`] that the process exits after this run, so large
/// values need not be freed at all: the system takes the memory back at
/// once. Not for `--watch` or a library user, whose process goes on.
pub fn exit_frees_memory() {
    EXIT_FREES_MEMORY.store(true, std::sync::atomic::Ordering::Relaxed);
}

/// Frees `value` on a thread of its own, or not at all once
/// [`exit_frees_memory`] was called. A tally of a large corpus, or the
/// JSON tree of its report, is millions of small allocations, and freeing
/// them took a tenth of a re-run's time; nothing waits for it (a process
/// that ends first just exits, and `--watch` frees it while it waits for
/// changes). Even on its own thread it takes a core from the rest of a run.
pub(crate) fn drop_elsewhere<T: Send + 'static>(value: T) {
    if EXIT_FREES_MEMORY.load(std::sync::atomic::Ordering::Relaxed) {
        std::mem::forget(value);
        return;
    }
    let _ = std::thread::Builder::new()
        .name("drop".into())
        .spawn(move || drop(value));
}
