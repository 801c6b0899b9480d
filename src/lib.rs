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

/// Frees `value` on a thread of its own. A tally of a large corpus, or the
/// JSON tree of its report, is millions of small allocations, and freeing
/// them took a tenth of a re-run's time; nothing waits for it (a process
/// that ends first just exits, and `--watch` frees it while it waits for
/// changes).
pub(crate) fn drop_elsewhere<T: Send + 'static>(value: T) {
    let _ = std::thread::Builder::new()
        .name("drop".into())
        .spawn(move || drop(value));
}
