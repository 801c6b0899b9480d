//! Per-stage throughput on one thread: normalise, tokenize, prepare
//! (normalise + tokenize + number spellings) and count (term, pair and
//! theme counts of prepared documents), each the best of several passes over
//! a whole corpus held in memory, so file reading and the VM's noise across
//! a full run stay out of it. A change to one stage shows here as a change
//! in its MB/s; `bench/run.sh` measures whole runs.
//!
//!     cargo bench --bench stages [-- CORPUS_DIR [PASSES [STAGE]]]
//!
//! With STAGE (normalize, tokenize, prepare or count) only that stage is
//! timed, for a profiler.
//! CORPUS_DIR defaults to ../shared/corpora/gutenberg-novels; the config is
//! the repository's config.toml.

use std::hint::black_box;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use framescope::config::{Config, Overrides};
use framescope::count::{Analyzer, DocumentParts, Tally, TextCounts};
use framescope::normalize::normalize;
use framescope::prepare::prepare;
use framescope::tokenize::tokenize;

fn files_under(dir: &Path, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", dir.display()))
        .map(|e| e.expect("folder entry").path())
        .collect();
    entries.sort();
    for path in entries {
        // framescope skips hidden files (a bench set's `.stamp`, say).
        if path
            .file_name()
            .is_some_and(|n| n.to_string_lossy().starts_with('.'))
        {
            continue;
        }
        if path.is_dir() {
            files_under(&path, out);
        } else {
            out.push(path);
        }
    }
}

/// The shortest of `passes` timings of `f`.
fn best(passes: usize, mut f: impl FnMut()) -> Duration {
    (0..passes)
        .map(|_| {
            let start = Instant::now();
            f();
            start.elapsed()
        })
        .min()
        .expect("at least one pass")
}

fn main() {
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    // `cargo bench` passes `--bench` to the program: skip flags.
    let args: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| !a.starts_with("--"))
        .collect();
    let corpus = args
        .first()
        .map(PathBuf::from)
        .unwrap_or_else(|| repo.join("../shared/corpora/gutenberg-novels"));
    let passes: usize = args
        .get(1)
        .map_or(5, |p| p.parse().expect("PASSES is a number"));
    let only = args.get(2).map(String::as_str);
    let timed = |stage: &str| only.is_none_or(|o| o == stage);
    let config =
        Config::load(&repo.join("config.toml"), &Overrides::default()).expect("config.toml");

    let mut paths = Vec::new();
    files_under(&corpus, &mut paths);
    // A file is a source; a sub-folder is a source of many (as in a run).
    let source_of: Vec<usize> = {
        let mut names: Vec<&std::ffi::OsStr> = Vec::new();
        paths
            .iter()
            .map(|p| {
                let name = p
                    .strip_prefix(&corpus)
                    .expect("under the corpus")
                    .iter()
                    .next();
                let name = name.expect("a file name");
                names.iter().position(|n| *n == name).unwrap_or_else(|| {
                    names.push(name);
                    names.len() - 1
                })
            })
            .collect()
    };
    let sources = source_of.iter().max().map_or(0, |m| m + 1);
    let texts: Vec<String> = paths
        .iter()
        .map(|p| String::from_utf8_lossy(&std::fs::read(p).expect("readable file")).into_owned())
        .collect();
    let bytes: usize = texts.iter().map(String::len).sum();
    println!(
        "{}: {} files in {sources} sources, {:.1} MB, best of {passes} passes, 1 thread",
        corpus.display(),
        texts.len(),
        bytes as f64 / 1e6
    );
    let report = |stage: &str, took: Duration| {
        println!(
            "  {stage:<10} {:>8.3} s {:>8.1} MB/s",
            took.as_secs_f64(),
            bytes as f64 / 1e6 / took.as_secs_f64()
        );
    };

    let boilerplate = &config.boilerplate;
    if timed("normalize") {
        report(
            "normalize",
            best(passes, || {
                for t in &texts {
                    black_box(normalize(t, boilerplate));
                }
            }),
        );
    }
    if timed("tokenize") {
        let normalized: Vec<String> = texts.iter().map(|t| normalize(t, boilerplate)).collect();
        report(
            "tokenize",
            best(passes, || {
                for t in &normalized {
                    black_box(tokenize(t));
                }
            }),
        );
    }
    if timed("prepare") {
        report(
            "prepare",
            best(passes, || {
                for t in &texts {
                    black_box(prepare(t, boilerplate));
                }
            }),
        );
    }
    if timed("count") {
        let prepared: Vec<_> = texts.iter().map(|t| prepare(t, boilerplate)).collect();
        let mut documents_per_source = vec![0; sources];
        for &s in &source_of {
            documents_per_source[s] += 1;
        }
        let analyzer = Analyzer::new(&config, &documents_per_source);
        report(
            "count",
            best(passes, || {
                let mut tally = Tally::default();
                for (document, (p, &source)) in prepared.iter().zip(&source_of).enumerate() {
                    let mut part = DocumentParts::new(source, document);
                    tally.add_prepared(&analyzer, &mut part, p, TextCounts::Count);
                    tally.finish_document(part);
                }
                tally.flush_pairs();
                black_box(tally);
            }),
        );
    }
}
