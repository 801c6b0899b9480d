//! The only place that knows the stage order, the thread pool and the progress bars.
//!
//! discover -> (read -> normalise -> tokenize -> stem -> count, per document,
//! in parallel: fold into tallies, reduce by merging) -> build the report ->
//! write report.json and the charts.

use std::path::PathBuf;
use std::time::{Duration, Instant};

use anyhow::{Context, Result};
use indicatif::{ProgressBar, ProgressStyle};
use rayon::prelude::*;

use crate::analyze::build_report;
use crate::config::Config;
use crate::count::{Analyzer, DocumentParts, Tally};
use crate::error::BadInput;
use crate::ingest::{self, Corpus, Document};
use crate::report::{self, DocumentInfo, Report, SkippedFile};

/// How to run.
#[derive(Debug, Clone, Default)]
pub struct RunOptions {
    /// Worker threads; `None` = all cores.
    pub threads: Option<usize>,
    /// Hide progress bars.
    pub quiet: bool,
}

/// What a run produced.
#[derive(Debug)]
pub struct RunOutcome {
    /// The report as written.
    pub report: Report,
    /// Files written, report.json first.
    pub written: Vec<PathBuf>,
    /// Problems worth telling the user (skipped files, replaced bytes, empty documents).
    pub warnings: Vec<String>,
    /// Wall time of each stage, in order.
    pub timings: Vec<(&'static str, Duration)>,
}

/// Documents larger than this are read and counted in blocks, so memory does
/// not grow with the size of one document.
const LARGE_DOCUMENT_BYTES: u64 = 16 << 20;
/// Block size for large documents.
const BLOCK_BYTES: usize = 4 << 20;

/// Document chunks per worker thread in the counting stage.
const CHUNKS_PER_THREAD: usize = 4;

/// Per-worker result of the counting stage.
#[derive(Default)]
struct Partial {
    tally: Tally,
    skipped: Vec<SkippedFile>,
    documents: Vec<DocumentInfo>,
    warnings: Vec<String>,
}

impl Partial {
    fn merge(mut self, other: Partial) -> Partial {
        self.tally = self.tally.merge(other.tally);
        self.skipped.extend(other.skipped);
        self.documents.extend(other.documents);
        self.warnings.extend(other.warnings);
        self
    }
}

/// Runs the whole job and writes the outputs.
pub fn run(config: &Config, options: &RunOptions) -> Result<RunOutcome> {
    // A wrong input folder must not leave a new, empty output folder behind.
    ingest::check_input_folder(&config.input_dir)?;
    prepare_output(config)?;
    let mut outcome = analyse(config, options)?;
    let report = &outcome.report;

    let started = Instant::now();
    let json_path = config.output_dir.join("report.json");
    report::write::atomic_write(&json_path, report::json::to_json(report)?.as_bytes())?;
    outcome.written.push(json_path);
    let tables = report::tables::write_all(report, &config.output_dir.join("tables"))?;
    outcome.written.extend(tables);
    outcome.timings.push(("write json+csv", started.elapsed()));

    let started = Instant::now();
    let spinner = spinner("charts", options.quiet);
    let charts = report::charts::render_all(report, config.chart_scale)?;
    let charts_dir = config.output_dir.join("charts");
    for chart in &charts {
        for (ext, bytes) in [("png", chart.png.as_slice()), ("svg", chart.svg.as_bytes())] {
            let path = charts_dir.join(format!("{}.{ext}", chart.name));
            report::write::atomic_write(&path, bytes)?;
            outcome.written.push(path);
        }
    }
    let html_path = config.output_dir.join("index.html");
    report::write::atomic_write(&html_path, report::html::render(report, &charts).as_bytes())?;
    outcome.written.push(html_path);
    spinner.finish_and_clear();
    outcome.timings.push(("charts+html", started.elapsed()));
    Ok(outcome)
}

/// Counts and analyses the input; writes nothing.
pub fn analyse(config: &Config, options: &RunOptions) -> Result<RunOutcome> {
    let mut timings = Vec::new();
    let started = Instant::now();
    let corpus = discover(config)?;
    timings.push(("discover", started.elapsed()));

    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(options.threads.unwrap_or(0))
        .build()
        .context("starting the worker threads")?;
    let started = Instant::now();
    let mut counted = pool.install(|| count_corpus(config, &corpus, options.quiet));
    timings.push(("read+count", started.elapsed()));

    let started = Instant::now();
    let mut warnings = std::mem::take(&mut counted.warnings);
    for id in config.raw.sources.keys() {
        if !corpus.sources.iter().any(|s| &s.id == id) {
            warnings.push(format!(
                "config names [sources.{id}], but the input folder has no source {id:?}"
            ));
        }
    }
    warnings.sort();
    let mut skipped = corpus.skipped.clone();
    skipped.append(&mut counted.skipped);
    let mut documents = std::mem::take(&mut counted.documents);
    documents.sort_by(|a, b| a.path.cmp(&b.path));
    let spinner = spinner("analysing", options.quiet);
    let report =
        pool.install(|| build_report(config, &corpus, &mut counted.tally, skipped, documents));
    spinner.finish_and_clear();
    if report.corpus.words == 0 {
        return Err(BadInput(format!(
            "no readable article in {}: every file was skipped or has no words",
            config.input_dir.display()
        ))
        .into());
    }
    timings.push(("analyse", started.elapsed()));
    Ok(RunOutcome {
        report,
        written: Vec::new(),
        warnings,
        timings,
    })
}

/// Finds the sources; an input folder without article files is an error.
pub fn discover(config: &Config) -> Result<Corpus> {
    let corpus = ingest::discover(&config.input_dir, &config.extensions)?;
    if corpus.sources.is_empty() {
        return Err(BadInput(format!(
            "no article files in {} (looked for .{} files)",
            config.input_dir.display(),
            config.extensions.join(", .")
        ))
        .into());
    }
    Ok(corpus)
}

/// Creates the output folders and proves they can be written, before any long work.
fn prepare_output(config: &Config) -> Result<()> {
    for dir in [
        config.output_dir.join("charts"),
        config.output_dir.join("tables"),
    ] {
        std::fs::create_dir_all(&dir).map_err(|e| {
            BadInput(format!(
                "cannot create output folder {}: {e} (set `output` in the config or pass --output)",
                dir.display()
            ))
        })?;
        report::write::remove_stale_temporaries(&dir)?;
    }
    report::write::remove_stale_temporaries(&config.output_dir)?;
    tempfile::Builder::new()
        .prefix(report::write::TEMP_PREFIX)
        .suffix(report::write::TEMP_SUFFIX)
        .tempfile_in(&config.output_dir)
        .map_err(|e| {
            BadInput(format!(
                "cannot write in output folder {}: {e} (set `output` in the config or pass --output)",
                config.output_dir.display()
            ))
        })?;
    Ok(())
}

/// What `framescope check` found.
#[derive(Debug)]
pub struct CheckOutcome {
    /// Sources found.
    pub sources: usize,
    /// Documents that decode as text and have at least one word.
    pub readable: usize,
    /// Files that would be skipped, with the reason.
    pub skipped: Vec<SkippedFile>,
    /// Documents that decode but have no words (a run warns about them), by path.
    pub empty: Vec<String>,
}

/// Validates the input without counting: every document is read, decoded
/// and tokenized (large ones in blocks, as a run reads them), and the output
/// folder is checked for writing (it is created if missing). Like a run, it
/// fails when no document has a word.
pub fn check(config: &Config) -> Result<CheckOutcome> {
    let corpus = discover(config)?;
    prepare_output(config)?;
    let documents: Vec<&Document> = corpus.sources.iter().flat_map(|s| &s.documents).collect();
    let has_words = |text: &str| {
        !crate::tokenize::tokenize(&crate::normalize::normalize(text, &config.boilerplate))
            .words
            .is_empty()
    };
    // Per document: Ok(true) has words, Ok(false) is empty, Err(reason) is skipped.
    let findings: Vec<Result<bool, String>> = documents
        .par_iter()
        .map(|doc| {
            if doc.bytes > LARGE_DOCUMENT_BYTES {
                let mut found = false;
                ingest::read_in_blocks(doc, BLOCK_BYTES, |text| found = found || has_words(text))
                    .map(|_| found)
            } else {
                ingest::read(doc).map(|decoded| has_words(&decoded.text))
            }
        })
        .collect();
    let mut skipped = corpus.skipped;
    let mut empty = Vec::new();
    let mut readable = 0;
    for (doc, finding) in documents.iter().zip(findings) {
        match finding {
            Ok(true) => readable += 1,
            Ok(false) => empty.push(doc.rel.clone()),
            Err(reason) => skipped.push(SkippedFile {
                path: doc.rel.clone(),
                reason,
            }),
        }
    }
    skipped.sort_by(|a, b| a.path.cmp(&b.path));
    if readable == 0 {
        return Err(BadInput(format!(
            "no readable article in {}: every file was skipped or has no words",
            config.input_dir.display()
        ))
        .into());
    }
    Ok(CheckOutcome {
        sources: corpus.sources.len(),
        readable,
        skipped,
        empty,
    })
}

/// Reads and counts every document in parallel.
fn count_corpus(config: &Config, corpus: &Corpus, quiet: bool) -> Partial {
    let per_source: Vec<usize> = corpus.sources.iter().map(|s| s.documents.len()).collect();
    let analyzer = Analyzer::new(config, &per_source);
    let documents: Vec<(usize, usize, &Document)> = corpus
        .sources
        .iter()
        .enumerate()
        .flat_map(|(s, source)| {
            source
                .documents
                .iter()
                .enumerate()
                .map(move |(d, doc)| (s, d, doc))
        })
        .collect();
    let bar = progress_bar(documents.len() as u64, "counting", quiet);
    // Each tally memoises every distinct word it meets (stem, stopword,
    // lexicon matches) and merging tallies re-maps their vocabularies, so a
    // few large chunks per thread beat rayon's fine-grained splitting; several
    // chunks per thread still balance uneven document sizes.
    let chunks = rayon::current_num_threads() * CHUNKS_PER_THREAD;
    let chunk_len = documents.len().div_ceil(chunks).max(1);
    let partial = documents
        .par_chunks(chunk_len)
        .map(|chunk| {
            let mut partial = Partial::default();
            for &(s, d, doc) in chunk {
                count_document(&analyzer, &mut partial, s, &corpus.sources[s].id, d, doc);
                bar.inc(1);
            }
            partial
        })
        .reduce(Partial::default, Partial::merge);
    bar.finish_and_clear();
    partial
}

fn count_document(
    analyzer: &Analyzer,
    partial: &mut Partial,
    source: usize,
    source_id: &str,
    index: usize,
    doc: &Document,
) {
    let mut part = DocumentParts::new(source, index);
    let read = if doc.bytes > LARGE_DOCUMENT_BYTES {
        let tally = &mut partial.tally;
        ingest::read_in_blocks(doc, BLOCK_BYTES, |text| {
            tally.add_part(analyzer, &mut part, text)
        })
    } else {
        ingest::read(doc).map(|decoded| {
            partial.tally.add_part(analyzer, &mut part, &decoded.text);
            (decoded.encoding, decoded.replaced)
        })
    };
    match read {
        Ok((encoding, replaced)) => {
            if replaced > 0 {
                partial.warnings.push(format!(
                    "{}: {replaced} invalid byte sequence(s) replaced with U+FFFD ({encoding})",
                    doc.rel
                ));
            }
            let (words, sentences) = (part.words(), part.sentences());
            partial.tally.finish_document(part);
            if words == 0 {
                partial
                    .warnings
                    .push(format!("{}: no words (empty or not prose)", doc.rel));
            }
            partial.documents.push(DocumentInfo {
                path: doc.rel.clone(),
                source: source_id.to_string(),
                words,
                sentences,
                encoding: encoding.to_string(),
                replaced: replaced as u64,
            });
        }
        Err(reason) => {
            partial
                .warnings
                .push(format!("{}: skipped, {reason}", doc.rel));
            partial.skipped.push(SkippedFile {
                path: doc.rel.clone(),
                reason,
            });
        }
    }
}

/// A ticking spinner for a stage without a count (hidden like the bars).
fn spinner(stage: &'static str, quiet: bool) -> ProgressBar {
    if quiet {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::new_spinner();
    if let Ok(style) = ProgressStyle::with_template("{prefix:>10} {spinner} {elapsed}") {
        bar.set_style(style);
    }
    bar.set_prefix(stage);
    bar.enable_steady_tick(std::time::Duration::from_millis(120));
    bar
}

fn progress_bar(len: u64, stage: &'static str, quiet: bool) -> ProgressBar {
    if quiet {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::new(len);
    if let Ok(style) =
        ProgressStyle::with_template("{prefix:>10} [{bar:40}] {pos}/{len} documents {elapsed}")
    {
        bar.set_style(style.progress_chars("=> "));
    }
    bar.set_prefix(stage);
    bar
}
