//! framescope: how different sources frame the same policy topic.
//!
//! Modules in pipeline order: the command line and config are parsed and
//! validated once; `ingest` finds and decodes documents; `normalize`,
//! `tokenize`, `stem` and `lexicon` turn text into terms and theme matches;
//! `count` tallies them per document and merges tallies; `analyze` derives
//! the figures; `report` writes report.json and the charts. `pipeline` runs
//! the stages in order over a thread pool.

pub mod analyze;
mod byte_runs;
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

/// Size from which a block gets a mapping of its own (see [`fix_mmap_threshold`]).
const MMAP_THRESHOLD_BYTES: i32 = 4 << 20;

/// Makes glibc's malloc give every block of 4 MiB or more a mapping of its
/// own, returned to the system when freed. glibc starts at 128 KiB but
/// raises the threshold (up to 32 MiB) each time such a block is freed, so
/// after the first few documents a worker's multi-megabyte buffers and
/// the growing pair tables came from its heap arena and stayed there when
/// freed: the peak RSS of a Gutenberg x10 run was 285–344 MiB, with the
/// threshold fixed 232–243 MiB, in the same time (the buffers that were
/// allocated afresh for every document are reused, see
/// `prepare::PrepareBuffers`, so few mappings are made). Call it first
/// thing in `main`, before any other thread starts; on other systems it
/// does nothing.
pub fn fix_mmap_threshold() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: mallopt only sets a parameter of the allocator. glibc marks it
    // MT-unsafe, hence "before any other thread starts"; a value it refuses
    // (it returns 0) leaves the default in place, which is only slower.
    unsafe {
        libc::mallopt(libc::M_MMAP_THRESHOLD, MMAP_THRESHOLD_BYTES);
    }
}

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
