//! The only place that knows the stage order, the thread pool and the progress bars.
//!
//! discover -> (read -> normalise -> tokenize -> stem -> count, per document,
//! in parallel: fold into tallies, reduce by merging) -> build the report ->
//! write report.json and the charts.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{Context, Result};
use indicatif::{ProgressBar, ProgressStyle};
use rayon::prelude::*;

use crate::analyze::pair_digest::PairDigest;
use crate::analyze::uncertainty::{StoredDraws, SumsFrom};
use crate::analyze::{build_report, Built, Reusable};
use crate::cache::{
    Cache, CachedDocument, CorpusSpellings, FileIndex, Key, SegmentBuffers, SegmentDocument,
    Spellings,
};
use crate::config::Config;
use crate::count::{
    Analyzer, DocumentParts, SourceTextCounts, SpellingIds, Tally, TextCounts, Vocab, Words,
};
use crate::drop_elsewhere;
use crate::error::BadInput;
use crate::ingest::{self, Corpus, Document};
use crate::prepare::{prepare_reusing, PrepareBuffers, Prepared};
use crate::report::{self, DocumentInfo, Report, SkippedFile};
use crate::tokenize::Word;

/// How to run.
#[derive(Debug, Clone, Default)]
pub struct RunOptions {
    /// Worker threads; `None` = all cores.
    pub threads: Option<usize>,
    /// Hide progress bars.
    pub quiet: bool,
    /// Neither read nor write the cache in `<output>/.cache/`.
    pub no_cache: bool,
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
    /// What came from the cache (`None` when it was not used).
    pub cache: Option<CacheUse>,
}

/// Documents larger than this are read and counted in blocks, so memory does
/// not grow with the size of one document.
const LARGE_DOCUMENT_BYTES: u64 = 16 << 20;
/// Block size for large documents.
const BLOCK_BYTES: usize = 4 << 20;

/// Per-worker result of the counting stage.
#[derive(Default)]
struct Partial {
    tally: Tally,
    skipped: Vec<SkippedFile>,
    documents: Vec<DocumentInfo>,
    warnings: Vec<String>,
    /// Documents taken from the cache.
    reused_documents: usize,
    /// Segments whose spelling numbers came from the spellings entry.
    numbered_segments: usize,
    /// Sources with a file whose bytes changed between hashing and counting.
    changed_sources: Vec<usize>,
    /// Cache entries that could not be written.
    cache_errors: Vec<String>,
    /// Each segment entry's table of spellings, kept for the spellings
    /// entry (only when it is to be written).
    segment_spellings: Vec<(Key, Spellings)>,
}

impl Partial {
    fn merge(mut self, other: Partial) -> Partial {
        self.tally = self.tally.merge(other.tally);
        self.skipped.extend(other.skipped);
        self.documents.extend(other.documents);
        self.warnings.extend(other.warnings);
        self.reused_documents += other.reused_documents;
        self.numbered_segments += other.numbered_segments;
        self.changed_sources.extend(other.changed_sources);
        self.cache_errors.extend(other.cache_errors);
        self.segment_spellings.extend(other.segment_spellings);
        self
    }
}

/// What a run took from the cache (`output/.cache/`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct CacheUse {
    /// Documents found.
    pub documents: usize,
    /// Documents whose prepared text came from the cache (not read, decoded or tokenized).
    pub documents_reused: usize,
    /// Sources found.
    pub sources: usize,
    /// Sources whose term and pair counts came from the cache.
    pub sources_reused: usize,
    /// Documents whose file was read to hash it (the others' keys came from the file index).
    pub files_hashed: usize,
    /// Spellings of the vocabulary built from the cache before counting
    /// (`None`: not every source's counts were cached, or the entry was missing).
    pub spellings_reused: Option<usize>,
    /// Segment entries (runs of cached documents) found, and of these, those
    /// whose spellings were numbered by the spellings entry (not looked up).
    pub segments: usize,
    pub segments_numbered: usize,
    /// Charts drawn (0 until the charts are rendered).
    pub charts: usize,
    /// Charts whose PNG came from the cache (the SVG is drawn every run).
    pub charts_reused: usize,
    /// Whether the pair digest came from the cache (then no pair table was read).
    pub digest_reused: bool,
    /// How the bootstrap's sums were come by (sources from the memo, summed
    /// from kept draws, drawn).
    pub bootstrap: SumsFrom,
}

/// Runs the whole job and writes the outputs.
pub fn run(config: &Config, options: &RunOptions) -> Result<RunOutcome> {
    // A wrong input folder must not leave a new, empty output folder behind.
    ingest::check_input_folder(&config.input_dir)?;
    prepare_output(config)?;
    let mut outcome = analyse(config, options)?;
    let report = &outcome.report;
    let cache = (!options.no_cache).then(|| Cache::new(config));
    let spinner = spinner("writing", options.quiet);
    // report.json and the tables, and the charts: independent, so side by side.
    let (data, charts) = thread_pool(options)?.install(|| {
        rayon::join(
            || -> Result<(Vec<PathBuf>, Duration)> {
                let started = Instant::now();
                let json_path = config.output_dir.join("report.json");
                let json = report::json::to_json(report)?;
                report::write::atomic_write(&json_path, json.as_bytes())?;
                let mut written = vec![json_path];
                written.extend(report::tables::write_all(
                    report,
                    &config.output_dir.join("tables"),
                )?);
                Ok((written, started.elapsed()))
            },
            || write_charts(config, report, cache.as_ref()),
        )
    });
    spinner.finish_and_clear();
    let (data_written, data_took) = data?;
    let charts = charts?;
    outcome.written.extend(data_written);
    outcome.written.extend(charts.written);
    outcome.warnings.extend(charts.warnings);
    if let Some(cache_use) = outcome.cache.as_mut() {
        cache_use.charts = charts.drawn;
        cache_use.charts_reused = charts.reused;
    }
    outcome.timings.push(("write json+csv", data_took));
    outcome.timings.push(("charts+html", charts.took));
    Ok(outcome)
}

/// What [`write_charts`] did.
struct ChartsWritten {
    written: Vec<PathBuf>,
    warnings: Vec<String>,
    /// Charts drawn, and of these, PNGs taken from the cache.
    drawn: usize,
    reused: usize,
    took: Duration,
}

/// Renders the charts and writes them and index.html.
fn write_charts(config: &Config, report: &Report, cache: Option<&Cache>) -> Result<ChartsWritten> {
    let started = Instant::now();
    let mut warnings = Vec::new();
    let (charts, reused) = render_charts(report, config.chart_scale, cache, &mut warnings)?;
    let charts_dir = config.output_dir.join("charts");
    let mut written = Vec::with_capacity(charts.len() * 2 + 1);
    for chart in &charts {
        for (ext, bytes) in [("png", chart.png.as_slice()), ("svg", chart.svg.as_bytes())] {
            let path = charts_dir.join(format!("{}.{ext}", chart.name));
            report::write::atomic_write(&path, bytes)?;
            written.push(path);
        }
    }
    let html_path = config.output_dir.join("index.html");
    report::write::atomic_write(&html_path, report::html::render(report, &charts).as_bytes())?;
    written.push(html_path);
    Ok(ChartsWritten {
        written,
        warnings,
        drawn: charts.len(),
        reused,
        took: started.elapsed(),
    })
}

/// The worker threads of a run (`--threads`, else one per core).
fn thread_pool(options: &RunOptions) -> Result<rayon::ThreadPool> {
    rayon::ThreadPoolBuilder::new()
        .num_threads(options.threads.unwrap_or(0))
        .build()
        .context("starting the worker threads")
}

/// Renders every chart, taking the PNGs of unchanged charts from the cache
/// and storing the others; a cache that cannot be written costs a warning.
/// Returns the charts and how many PNGs came from the cache.
fn render_charts(
    report: &Report,
    scale: u32,
    cache: Option<&Cache>,
    warnings: &mut Vec<String>,
) -> Result<(Vec<report::charts::RenderedChart>, usize)> {
    let Some(cache) = cache else {
        return Ok((report::charts::render_all(report, scale)?, 0));
    };
    let known = |svg: &str| {
        let key = cache.chart_key(svg, scale);
        (key, cache.load_chart(key))
    };
    let charts = report::charts::render_all_reusing(report, scale, known)?;
    let mut errors: Vec<std::io::Error> = charts
        .iter()
        .filter(|(_, _, rasterised)| *rasterised)
        .filter_map(|(chart, key, _)| cache.store_chart(*key, &chart.png).err())
        .collect();
    let keys: Vec<Key> = charts.iter().map(|(_, key, _)| *key).collect();
    errors.extend(cache.keep_only_charts(&keys).err());
    warnings.extend(cache_warning(
        cache,
        &errors,
        "chart entries could not be written or removed in",
        "the next run will draw them again",
    ));
    let reused = charts
        .iter()
        .filter(|(_, _, rasterised)| !rasterised)
        .count();
    Ok((
        charts.into_iter().map(|(chart, _, _)| chart).collect(),
        reused,
    ))
}

/// Counts and analyses the input; writes nothing.
pub fn analyse(config: &Config, options: &RunOptions) -> Result<RunOutcome> {
    let mut timings = Vec::new();
    let pool = thread_pool(options)?;
    let started = Instant::now();
    // The file index of the last run: a file it knows unchanged was
    // readable then and is now (see `ingest::discover_knowing`).
    let cache = (!options.no_cache).then(|| Cache::new(config));
    let index = cache
        .as_ref()
        .map(|cache| cache.load_file_index(&config.input_dir));
    let corpus = pool.install(|| match &index {
        Some(index) => discover_knowing(config, &|rel, stamp| index.key_of(rel, stamp).is_some()),
        None => discover(config),
    })?;
    timings.push(("discover", started.elapsed()));

    let (mut counted, mut cache, digest) = pool.install(|| {
        let mut cache_timings = Vec::new();
        let started = Instant::now();
        let cache = cache.zip(index);
        let counted = count_corpus(config, &corpus, cache, options.quiet, &mut cache_timings);
        let keys_took: Duration = cache_timings.iter().map(|t| t.1).sum();
        timings.extend(cache_timings);
        timings.push(("read+count", started.elapsed().saturating_sub(keys_took)));
        counted
    });

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
    let CachedDigest {
        key: digest_key,
        digest: cached_digest,
    } = digest;
    let digest_was_cached = cached_digest.is_some();
    let store = (!options.no_cache).then(|| Cache::new(config));
    let bootstrap = store
        .as_ref()
        .map(Cache::load_bootstrap)
        .unwrap_or_default();
    let kept_draws = |draws: u128| store.as_ref().and_then(|cache| cache.load_draws(draws));
    let built = pool.install(|| {
        build_report(
            config,
            &corpus,
            &mut counted.tally,
            skipped,
            documents,
            Reusable {
                digest: cached_digest,
                bootstrap: &bootstrap,
                draws: store.is_some().then_some(&kept_draws as &StoredDraws),
            },
        )
    });
    let Built {
        report,
        digest,
        bootstrap: new_bootstrap,
        new_draws,
        bootstrap_sums,
    } = built;
    if let Some(cache_use) = cache.as_mut() {
        cache_use.bootstrap = bootstrap_sums;
    }
    if let Some(cache) = &store {
        let mut failed = Vec::new();
        if let (Some(key), false) = (digest_key, digest_was_cached) {
            failed.extend(cache.store_digest(key, &digest).err());
        }
        // Each source's draw counts are megabytes: written side by side.
        failed.extend(pool.install(|| {
            new_draws
                .par_iter()
                .filter_map(|(draws, counts)| cache.store_draws(*draws, counts).err())
                .collect::<Vec<_>>()
        }));
        if new_bootstrap != bootstrap {
            failed.extend(cache.store_bootstrap(&new_bootstrap).err());
        }
        warnings.extend(cache_warning(
            cache,
            &failed,
            "analysis entries could not be written to",
            "the next run will compute them again",
        ));
    }
    drop_elsewhere(digest);
    warnings.sort();
    spinner.finish_and_clear();
    drop_elsewhere(counted.tally);
    drop_elsewhere(corpus);
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
        cache,
    })
}

/// Finds the sources; an input folder without article files is an error.
pub fn discover(config: &Config) -> Result<Corpus> {
    discover_knowing(config, &|_, _| false)
}

/// The same, told which files an earlier run found readable (see
/// [`ingest::discover_knowing`]).
fn discover_knowing(
    config: &Config,
    seen_readable: &(dyn Fn(&str, &ingest::FileStamp) -> bool + Sync),
) -> Result<Corpus> {
    let corpus = ingest::discover_knowing(&config.input_dir, &config.extensions, seen_readable)?;
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
    let cache = Cache::new(config);
    for dir in cache.folders().into_iter().filter(|d| d.is_dir()) {
        report::write::remove_stale_temporaries(dir)?;
    }
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

/// One document to count, with what the cache knows about it.
struct Job<'a> {
    source: usize,
    index: usize,
    doc: &'a Document,
    /// Cache key of the file's bytes (`None`: no cache, or the file could not be read).
    key: Option<Key>,
    /// Whether the file was read to hash it this run (so needs no read-ahead).
    hashed: bool,
    /// Whether the source's lexicon-independent counts come from the cache.
    text_counts: TextCounts,
}

/// Consecutive documents of one source that share a cache entry.
struct Segment<'a> {
    source: usize,
    jobs: Vec<Job<'a>>,
    /// Cache key of the segment (`None` without a cache).
    key: Option<Key>,
}

/// Reads and counts every document in parallel, reusing what the cache holds.
fn count_corpus(
    config: &Config,
    corpus: &Corpus,
    cache: Option<(Cache, FileIndex)>,
    quiet: bool,
    timings: &mut Vec<(&'static str, Duration)>,
) -> (Partial, Option<CacheUse>, CachedDigest) {
    let per_source: Vec<usize> = corpus.sources.iter().map(|s| s.documents.len()).collect();
    let analyzer = Analyzer::new(config, &per_source);
    let (cache, index) = cache.unzip();
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

    // Keys of every file and source, and the sources whose counts are cached.
    let started = Instant::now();
    let mut index_error = None;
    let (keys, hashed): (Vec<Option<Key>>, Vec<bool>) = match cache.as_ref().zip(index) {
        Some((cache, index)) => {
            let found = file_keys(cache, index, config, corpus, &documents);
            index_error = found.store_error;
            (found.keys, found.hashed)
        }
        None => (vec![None; documents.len()], vec![false; documents.len()]),
    };
    let files_hashed = hashed.iter().filter(|&&h| h).count();
    let mut source_keys: Vec<Option<Key>> = vec![None; corpus.sources.len()];
    let mut cached: Vec<Option<SourceTextCounts>> = vec![None; corpus.sources.len()];
    if let Some(cache) = &cache {
        let mut first = 0;
        for (s, source) in corpus.sources.iter().enumerate() {
            let n = source.documents.len();
            let docs = source.documents.iter().zip(&keys[first..first + n]);
            source_keys[s] =
                Some(cache.source_key(&source.id, docs.map(|(d, k)| (d.rel.as_str(), *k))));
            first += n;
        }
    }
    let all_source_keys: Option<Vec<Key>> = source_keys.iter().copied().collect();
    let settings = &config.raw.analysis;
    let digest_key = cache
        .as_ref()
        .zip(all_source_keys.as_ref())
        .map(|(cache, keys)| {
            cache.digest_key(
                keys,
                *settings.min_count.get_ref(),
                settings.top,
                config.raw.report.top_pairs,
            )
        });
    // When every source's counts are cached, so are the corpus's spellings:
    // the workers then share one vocabulary, built here once, instead of
    // each stemming and matching every word it meets.
    let spellings_key = cache
        .as_ref()
        .zip(all_source_keys.as_ref())
        .map(|(cache, keys)| cache.spellings_key(keys));
    let mut corpus_spellings = None;
    let mut shared_vocab = None;
    let mut digest = None;
    if let Some(cache) = &cache {
        timings.push(("cache keys", started.elapsed()));
        let started = Instant::now();
        // The pair digest and the sources' counts are read while the
        // vocabulary is built from the spellings entry (kept only if every
        // source's counts were cached; without them the entry's key finds
        // nothing). With the digest, the analyses need no pair table: the
        // cached sources' pairs (most of their entries) are not decoded.
        let ((loaded_digest, loaded), spellings) = rayon::join(
            || {
                let digest = digest_key.and_then(|key| cache.load_digest(key));
                let pairs = digest.is_none();
                let counts: Vec<Option<SourceTextCounts>> = source_keys
                    .par_iter()
                    .map(|key| key.and_then(|k| cache.load_source(k, pairs)))
                    .collect();
                (digest, counts)
            },
            || {
                let corpus = cache.load_spellings(spellings_key?)?;
                let vocab = Vocab::of_known_forms(&corpus.known_forms(), &analyzer)?;
                Some((corpus, vocab))
            },
        );
        cached = loaded;
        digest = loaded_digest;
        if let (Some((corpus, vocab)), true) = (spellings, cached.iter().all(Option::is_some)) {
            corpus_spellings = Some(corpus);
            shared_vocab = Some(vocab);
        }
        timings.push(("cached counts", started.elapsed()));
    }
    let segment_spellings = match (&corpus_spellings, spellings_key) {
        (Some(corpus), _) => SegmentSpellings::Numbered(corpus),
        (None, Some(_)) => SegmentSpellings::Collect,
        (None, None) => SegmentSpellings::Ignore,
    };
    let jobs =
        documents
            .iter()
            .zip(&keys)
            .zip(&hashed)
            .map(|((&(source, index, doc), &key), &hashed)| Job {
                source,
                index,
                doc,
                key,
                hashed,
                text_counts: if cached[source].is_some() {
                    TextCounts::Skip
                } else {
                    TextCounts::Count
                },
            });
    let segments = segments(jobs, corpus, cache.as_ref());
    let documents_found = documents.len();

    let bar = progress_bar(documents_found as u64, "counting", quiet);
    // Each tally memoises every distinct word it meets (stem, stopword,
    // lexicon matches) and merging tallies re-maps their vocabularies, so a
    // few large chunks per thread beat rayon's fine-grained splitting (four
    // per thread cost more vocabularies built and tallies merged than they
    // saved). rayon gives each thread half of the chunks and a thread takes
    // one of the other's only when it has run out, so the chunks are cut to
    // equal work (see `balanced_chunks`), not equal length. Chunks are runs
    // of consecutive segments, so a tally holds the pairs of one or two
    // sources: handing segments out one at a time from a shared counter made
    // every tally hold every source's pairs (peak RSS on Gutenberg x10 with
    // 2 threads 290 -> 400 MiB).
    let chunks = balanced_chunks(
        &segments.iter().map(Segment::weight).collect::<Vec<_>>(),
        rayon::current_num_threads() * CHUNKS_PER_THREAD,
    );
    // Buffers go from a finished chunk to the next one started, so there
    // are about as many sets as threads, not as chunks; the last chunk to
    // finish gives them all back before the last merges.
    let spare_buffers = std::sync::Mutex::new(Vec::<WorkerBuffers>::new());
    let chunks_left = std::sync::atomic::AtomicUsize::new(0);
    let count_segments = |counting: &SegmentCounting| -> Partial {
        chunks_left.store(chunks.len(), std::sync::atomic::Ordering::Relaxed);
        chunks
            .par_iter()
            .map(|range| {
                let chunk = &segments[range.clone()];
                let tally = match &shared_vocab {
                    Some(vocab) => Tally::with_vocab(Arc::clone(vocab)),
                    // The spellings entry is written from the merged tally.
                    None if spellings_key.is_some() => Tally::keeping_spellings(),
                    None => Tally::default(),
                };
                let mut partial = Partial {
                    tally,
                    ..Partial::default()
                };
                let spare = spare_buffers.lock().ok().and_then(|mut spare| spare.pop());
                let mut buffers = spare.unwrap_or_default();
                for segment in chunk {
                    let id = &corpus.sources[segment.source].id;
                    count_segment(counting, &mut partial, &mut buffers, id, segment);
                }
                let last = chunks_left.fetch_sub(1, std::sync::atomic::Ordering::Relaxed) == 1;
                if let Ok(mut spare) = spare_buffers.lock() {
                    if last {
                        spare.clear();
                    } else {
                        spare.push(buffers);
                    }
                }
                partial.tally.finish_counting();
                partial
            })
            .reduce(Partial::default, Partial::merge)
    };
    let mut counting = SegmentCounting {
        analyzer: &analyzer,
        cache: cache.as_ref(),
        use_entries: true,
        spellings: &segment_spellings,
        bar: &bar,
    };
    let mut partial = count_segments(&counting);
    if partial.tally.lost_text() {
        // A segment entry passed its checks but a document's text or word
        // spans (checked only when needed) did not hold together: the
        // counts are incomplete. Everything is counted again from the
        // files, which also replaces the entries.
        counting.use_entries = false;
        bar.set_position(0);
        partial = count_segments(&counting);
        partial.warnings.push(format!(
            "cache: a segment entry in {} did not hold together; every document was read again from its file",
            cache.as_ref().map_or_else(String::new, |c| c.root().display().to_string())
        ));
    }
    partial.tally.flush_pairs();
    // Whichever worker met an error first, the warning quotes the same one.
    partial.cache_errors.sort();
    bar.finish_and_clear();

    partial.cache_errors.extend(index_error);
    // A file that changed while it was read makes the counts belong to no
    // single state of the input: their digest is neither read nor kept.
    let unchanged = partial.changed_sources.is_empty();
    let cache = cache.map(|cache| {
        let reused: Vec<(usize, &SourceTextCounts)> = cached
            .iter()
            .enumerate()
            .filter_map(|(s, counts)| Some((s, counts.as_ref()?)))
            .collect();
        partial.tally.add_text_counts(&reused);
        if digest.is_some() && !reused.is_empty() {
            partial.tally.lacks_pairs();
        }
        for (s, counts) in cached.iter().enumerate() {
            // A file that changed while it was being counted makes the
            // source's counts belong to no single state of the input.
            if counts.is_none() && !partial.changed_sources.contains(&s) {
                if let Some(key) = source_keys[s] {
                    let counts = partial.tally.text_counts(s);
                    if let Err(e) = cache.store_source(key, &counts) {
                        partial.cache_errors.push(e.to_string());
                    }
                }
            }
        }
        // Stored once the vocabulary holds every spelling of the counted
        // corpus (a run that built it from the entry only read it).
        if let (Some(key), None, true) = (
            spellings_key,
            &shared_vocab,
            partial.changed_sources.is_empty(),
        ) {
            let segments = std::mem::take(&mut partial.segment_spellings);
            let known = partial.tally.vocab().known_forms();
            if let Err(e) = cache.store_spellings(key, &known, &segments) {
                partial.cache_errors.push(e.to_string());
            }
        }
        let segment_keys: Vec<Key> = segments.iter().filter_map(|s| s.key).collect();
        let mut source_keys: Vec<Key> = source_keys.iter().flatten().copied().collect();
        source_keys.extend(spellings_key);
        source_keys.extend(digest_key);
        let pruned = cache
            .keep_only_counts(&segment_keys, &source_keys)
            .and_then(|()| cache.remove_older_formats());
        if let Err(e) = pruned {
            partial.cache_errors.push(e.to_string());
        }
        partial.warnings.extend(cache_warning(
            &cache,
            &partial.cache_errors,
            "entries could not be written to",
            "the next run will count again",
        ));
        CacheUse {
            documents: documents_found,
            documents_reused: partial.reused_documents,
            sources: corpus.sources.len(),
            sources_reused: cached.iter().filter(|c| c.is_some()).count(),
            files_hashed,
            spellings_reused: shared_vocab.as_ref().map(|v| v.spelling_count()),
            segments: segments.len(),
            segments_numbered: partial.numbered_segments,
            charts: 0,
            charts_reused: 0,
            digest_reused: digest.is_some() && unchanged,
            bootstrap: SumsFrom::default(),
        }
    });
    let digest = CachedDigest {
        key: digest_key.filter(|_| unchanged),
        digest: digest.filter(|_| unchanged),
    };
    (partial, cache, digest)
}

/// The warning for cache entries that could not be written (None when all
/// were): how many, where, what the next run does about it, and the first
/// error: "cache: {n} {what} {root} ({then}): {first}".
fn cache_warning(
    cache: &Cache,
    errors: &[impl std::fmt::Display],
    what: &str,
    then: &str,
) -> Option<String> {
    let first = errors.first()?;
    Some(format!(
        "cache: {} {what} {} ({then}): {first}",
        errors.len(),
        cache.root().display()
    ))
}

/// The pair digest of the counted corpus, as far as the cache knows it.
struct CachedDigest {
    /// Its key (None without a cache, or when a file changed while it was read).
    key: Option<Key>,
    /// The digest, when the cache has it.
    digest: Option<PairDigest>,
}

/// Document chunks per worker thread in the counting stage.
const CHUNKS_PER_THREAD: usize = 2;

/// Files hashed for their cache keys are asked for (see
/// [`ingest::read_ahead`]) this many at a time.
const READ_AHEAD_FILES: usize = 64;

/// A segment ends after this many documents...
const SEGMENT_DOCUMENTS: usize = 256;
/// ...or once its files reach this many bytes.
const SEGMENT_BYTES: u64 = 4 << 20;

impl Segment<'_> {
    /// About how much work counting the segment is: its bytes, and a
    /// kibibyte's worth for each file opened (a corpus of many small files
    /// spends a good part of its time opening and reading them).
    fn weight(&self) -> u64 {
        self.jobs.iter().map(|j| j.doc.bytes + 1024).sum()
    }
}

/// Cuts `weights.len()` items into at most `chunks` runs of consecutive
/// items with about equal sums of weights (no run is empty).
///
/// Two threads given four runs of equal *length* finished up to half a
/// second apart on Gutenberg x10: its sources' documents differ in size,
/// and rayon hands each thread a half of the runs, so a thread that
/// finishes early has nothing left to take.
fn balanced_chunks(weights: &[u64], chunks: usize) -> Vec<std::ops::Range<usize>> {
    let total: u64 = weights.iter().sum();
    let chunks = chunks.clamp(1, weights.len().max(1));
    let mut out = Vec::with_capacity(chunks);
    let mut start = 0;
    let mut sum = 0u64;
    for (i, &w) in weights.iter().enumerate() {
        sum += w;
        // Run k ends once the weight so far reaches k/chunks of the total,
        // with items left for every run still to come.
        let k = out.len() as u64 + 1;
        let left = weights.len() - (i + 1);
        let runs_to_come = chunks - out.len() - 1;
        if runs_to_come > 0 && (sum * chunks as u64 >= k * total || left == runs_to_come) {
            out.push(start..i + 1);
            start = i + 1;
        }
    }
    if start < weights.len() {
        out.push(start..weights.len());
    }
    out
}

/// Groups the jobs (in source order) into segments and keys them.
fn segments<'a>(
    jobs: impl Iterator<Item = Job<'a>>,
    corpus: &Corpus,
    cache: Option<&Cache>,
) -> Vec<Segment<'a>> {
    let mut out: Vec<Segment> = Vec::new();
    let mut bytes = 0;
    for job in jobs {
        let full = out.last().is_none_or(|s| {
            s.source != job.source || s.jobs.len() >= SEGMENT_DOCUMENTS || bytes >= SEGMENT_BYTES
        });
        if full {
            bytes = 0;
            out.push(Segment {
                source: job.source,
                jobs: Vec::new(),
                key: None,
            });
        }
        bytes += job.doc.bytes;
        if let Some(segment) = out.last_mut() {
            segment.jobs.push(job);
        }
    }
    if let Some(cache) = cache {
        for segment in &mut out {
            let id = &corpus.sources[segment.source].id;
            let docs = segment.jobs.iter().map(|j| (j.doc.rel.as_str(), j.key));
            segment.key = Some(cache.segment_key(id, docs));
        }
    }
    out
}

/// What [`file_keys`] found.
struct FileKeys {
    /// Per document (`None`: the file could not be read).
    keys: Vec<Option<Key>>,
    /// Per document: whether its file was read to hash it (its key was
    /// not in the index), so it is in the page cache for its counting.
    hashed: Vec<bool>,
    /// Why the file index could not be written, if it could not.
    store_error: Option<String>,
}

/// The key of every document: from the file index when the file's stamp
/// is unchanged, else by hashing the file (and the index is then updated).
fn file_keys(
    cache: &Cache,
    index: FileIndex,
    config: &Config,
    corpus: &Corpus,
    documents: &[(usize, usize, &Document)],
) -> FileKeys {
    // In runs of documents, so that the files to hash are asked for ahead
    // of their reading (a first run reads every file here, from a cold cache).
    let keys: Vec<(Option<Key>, bool)> = documents
        .par_chunks(READ_AHEAD_FILES)
        .map(|run| {
            let known: Vec<Option<Key>> = run
                .iter()
                .map(|&(_, _, doc)| doc.stamp.and_then(|stamp| index.key_of(&doc.rel, &stamp)))
                .collect();
            let unknown = run.iter().zip(&known).filter(|(_, k)| k.is_none());
            ingest::read_ahead(unknown.map(|(&(_, _, doc), _)| doc), LARGE_DOCUMENT_BYTES);
            run.iter()
                .zip(known)
                .map(|(&(_, _, doc), known)| match known {
                    Some(key) => (Some(key), true),
                    None => (file_key(cache, doc), false),
                })
                .collect::<Vec<_>>()
        })
        .collect::<Vec<_>>()
        .into_iter()
        .flatten()
        .collect();
    let hashed: Vec<bool> = keys.iter().map(|&(_, known)| !known).collect();
    let any_hashed = hashed.contains(&true);
    // Rewritten only when something was hashed or the rows changed; a
    // failure to write costs the next run some hashing, nothing else. When
    // nothing was hashed, every document's row was found unchanged (paths
    // are distinct), so the rows are the same exactly when there are as
    // many as documents: a re-run does not build a second index to compare.
    let unchanged = !any_hashed && index.rows.len() == documents.len();
    let store_error = if unchanged {
        None
    } else {
        let mut fresh = FileIndex::new(corpus.stamped_at_ns);
        for (&(_, _, doc), &(key, _)) in documents.iter().zip(&keys) {
            if let (Some(stamp), Some(key)) = (doc.stamp, key) {
                fresh.rows.insert(doc.rel.clone(), (stamp, key));
            }
        }
        (any_hashed || fresh.rows != index.rows)
            .then(|| cache.store_file_index(&config.input_dir, &fresh).err())
            .flatten()
            .map(|e| e.to_string())
    };
    FileKeys {
        keys: keys.into_iter().map(|(key, _)| key).collect(),
        hashed,
        store_error,
    }
}

/// The cache key of a file's bytes, read in pieces so a large file is never
/// held whole; `None` when it cannot be read (counting reports that).
fn file_key(cache: &Cache, doc: &Document) -> Option<Key> {
    use std::io::Read;
    let mut file = ingest::open(doc).ok()?;
    let mut hasher = cache.document_hasher();
    let mut buf = vec![0u8; (doc.bytes as usize).clamp(1, 1 << 20) + 1];
    loop {
        match file.read(&mut buf) {
            Ok(0) => return Some(hasher.finish()),
            Ok(n) => hasher.update(&buf[..n]),
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(_) => return None,
        }
    }
}

/// What the spellings entry does while segments are counted.
enum SegmentSpellings<'a> {
    /// It was loaded: a cached segment's spelling numbers come from it.
    Numbered(&'a CorpusSpellings),
    /// It is written after counting: each segment's table of spellings is kept.
    Collect,
    /// Neither (no cache, or an entry that will not be written).
    Ignore,
}

/// What every segment is counted with.
struct SegmentCounting<'a> {
    analyzer: &'a Analyzer<'a>,
    cache: Option<&'a Cache>,
    /// Whether segment entries are read (else every document is read from
    /// its file, and its segment's entry written again).
    use_entries: bool,
    spellings: &'a SegmentSpellings<'a>,
    bar: &'a ProgressBar,
}

/// What one counting worker reuses from segment to segment and from
/// document to document.
#[derive(Default)]
struct WorkerBuffers {
    segment: SegmentBuffers,
    prepare: PrepareBuffers,
    /// A file's bytes (the last document's text, given back).
    bytes: Vec<u8>,
    /// A cached document's word spans, when they are decoded.
    spans: Vec<Word>,
}

/// Counts a segment's documents, from its cache entry when there is a valid
/// one, else from the files (and then stores the entry).
fn count_segment(
    counting: &SegmentCounting,
    partial: &mut Partial,
    buffers: &mut WorkerBuffers,
    source_id: &str,
    segment: &Segment,
) {
    let SegmentCounting {
        analyzer,
        cache,
        use_entries,
        spellings,
        bar,
    } = *counting;
    let entry = match (cache, segment.key) {
        (Some(cache), Some(key)) if use_entries => cache
            .load_segment_reusing(key, segment.jobs.len(), &mut buffers.segment)
            .map(|e| (key, e)),
        _ => None,
    };
    if let Some((key, entry)) = entry {
        let numbers = match spellings {
            SegmentSpellings::Numbered(corpus) => corpus.numbers_of(key, entry.spelling_table()),
            _ => None,
        };
        let ids = match numbers {
            // The numbers of the shared vocabulary: no lookup at all.
            Some(numbers) => {
                partial.numbered_segments += 1;
                partial.tally.numbered_spelling_ids(numbers)
            }
            None => partial.tally.spelling_ids(analyzer, entry.spellings()),
        };
        for (job, cached) in segment.jobs.iter().zip(&entry.documents) {
            let text = match cached {
                SegmentDocument::Prepared(d) => {
                    partial.reused_documents += 1;
                    let spans = std::mem::take(&mut buffers.spans);
                    Some((d, entry.document_reusing(d, spans)))
                }
                SegmentDocument::Uncached => None,
            };
            let cached = text.as_ref().map(|(d, text)| (*d, text.words(), &ids));
            count_document(analyzer, None, partial, buffers, source_id, job, cached);
            if let Some((_, text)) = text {
                buffers.spans = text.into_spans();
            }
            bar.inc(1);
        }
        if let SegmentSpellings::Collect = spellings {
            partial
                .segment_spellings
                .push((key, entry.into_spelling_table()));
        } else {
            buffers.segment.recycle(entry);
        }
        return;
    }
    // Files just hashed for their keys are in the page cache already.
    let unread = segment.jobs.iter().filter(|j| !j.hashed);
    ingest::read_ahead(unread.map(|j| j.doc), LARGE_DOCUMENT_BYTES);
    // Each document goes into the segment's entry as soon as it is counted.
    let store = cache.zip(segment.key);
    if store.is_some() {
        buffers.segment.start_entry();
    }
    let mut changed = false;
    for job in &segment.jobs {
        let before = partial.changed_sources.len();
        let kept = count_document(analyzer, cache, partial, buffers, source_id, job, None);
        changed |= partial.changed_sources.len() > before;
        if store.is_some() {
            let document = kept.as_ref().map(|(e, r, p)| (*e, *r, p));
            buffers.segment.add_to_entry(document);
        }
        if let Some((_, _, prepared)) = kept {
            buffers.prepare.recycle(prepared);
        }
        bar.inc(1);
    }
    if let (Some((cache, key)), false) = (store, changed) {
        match cache.store_entry(key, &mut buffers.segment) {
            (table, Ok(())) => {
                if let SegmentSpellings::Collect = spellings {
                    partial.segment_spellings.push((key, table));
                }
            }
            (_, Err(e)) => partial.cache_errors.push(e.to_string()),
        }
    }
}

/// Counts one document: `cached` when its entry was loaded, else read from
/// its file. Returns what a segment entry keeps of it (`None` when it is too
/// large to keep or was skipped). With `cache`, a file read here is hashed
/// again and a change since its key was taken is recorded.
fn count_document(
    analyzer: &Analyzer,
    cache: Option<&Cache>,
    partial: &mut Partial,
    buffers: &mut WorkerBuffers,
    source_id: &str,
    job: &Job,
    cached: Option<(&CachedDocument, Words, &SpellingIds)>,
) -> Option<(&'static str, u64, Prepared)> {
    let doc = job.doc;
    let boilerplate = &analyzer.config.boilerplate;
    let mut part = DocumentParts::new(job.source, job.index);
    let tally = &mut partial.tally;
    let mut keep = None;
    let read: Result<(String, u64), String> = if let Some((entry, words, ids)) = cached {
        tally.add_words(analyzer, &mut part, words, ids, job.text_counts);
        Ok((entry.encoding.clone(), entry.replaced))
    } else if doc.bytes > LARGE_DOCUMENT_BYTES {
        // Read in blocks and never cached: an entry would be as large as the file.
        ingest::read_in_blocks(doc, BLOCK_BYTES, |text| {
            tally.add_part(analyzer, &mut part, text, job.text_counts)
        })
        .map(|(encoding, replaced)| (encoding.to_string(), replaced as u64))
    } else {
        let bytes = std::mem::take(&mut buffers.bytes);
        ingest::read_bytes_into(doc, bytes).and_then(|bytes| {
            if let Some(cache) = cache {
                if Some(cache.document_key(&bytes)) != job.key {
                    partial.changed_sources.push(job.source);
                }
            }
            let decoded = ingest::decode_owned(bytes)?;
            let prepared = prepare_reusing(&decoded.text, boilerplate, &mut buffers.prepare);
            tally.add_prepared(analyzer, &mut part, &prepared, job.text_counts);
            let replaced = decoded.replaced as u64;
            let encoding = decoded.encoding.to_string();
            buffers.bytes = decoded.text.into_bytes();
            if cache.is_some() {
                // Kept until the segment entry is stored.
                keep = Some((decoded.encoding, replaced, prepared));
            } else {
                buffers.prepare.recycle(prepared);
            }
            Ok((encoding, replaced))
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
                encoding,
                replaced,
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
    keep
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

#[cfg(test)]
mod tests {
    use super::balanced_chunks;
    use proptest::prelude::*;

    #[test]
    fn equal_weights_are_cut_into_equal_runs() {
        assert_eq!(balanced_chunks(&[1; 4], 2), vec![0..2, 2..4]);
        assert_eq!(balanced_chunks(&[3; 6], 3), vec![0..2, 2..4, 4..6]);
    }

    #[test]
    fn a_heavy_item_makes_a_run_of_its_own() {
        // 10 of the 20 is half: the first run ends after it.
        let weights = [10, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1];
        assert_eq!(balanced_chunks(&weights, 2), vec![0..1, 1..11]);
        // Runs by length would have been 0..6 (15 of 20) and 6..11 (5).
    }

    #[test]
    fn every_run_gets_an_item_even_past_a_heavy_one() {
        // The light first item must end its run: three more runs need the three items left.
        assert_eq!(
            balanced_chunks(&[1, 100, 1, 1], 4),
            vec![0..1, 1..2, 2..3, 3..4]
        );
    }

    #[test]
    fn fewer_items_than_runs_and_no_items() {
        assert_eq!(balanced_chunks(&[5, 5], 4), vec![0..1, 1..2]);
        assert_eq!(balanced_chunks(&[7], 1), vec![0..1]);
        assert!(balanced_chunks(&[], 4).is_empty());
        assert_eq!(balanced_chunks(&[0, 0, 0], 2).len(), 2);
    }

    proptest! {
        /// The runs are consecutive, non-empty, cover every item, and there
        /// are as many as asked for (or items); no run but the last passes
        /// its share of the total by more than its own last item.
        #[test]
        fn runs_cover_the_items_in_order(
            weights in prop::collection::vec(0u64..1000, 0..60),
            chunks in 1usize..10,
        ) {
            let runs = balanced_chunks(&weights, chunks);
            prop_assert_eq!(runs.len(), chunks.min(weights.len()));
            let mut next = 0;
            for run in &runs {
                prop_assert_eq!(run.start, next);
                prop_assert!(run.end > run.start);
                next = run.end;
            }
            prop_assert_eq!(next, weights.len());
            let total: u64 = weights.iter().sum();
            let mut before = 0u64;
            for (k, run) in runs.iter().enumerate().take(runs.len().saturating_sub(1)) {
                let sum: u64 = weights[run.clone()].iter().sum();
                let without_last = before + sum - weights[run.end - 1];
                // Had the run ended one item earlier, it would have been short of its share.
                prop_assert!(
                    run.len() == 1 || (without_last as u128) * (runs.len() as u128)
                        < (k as u128 + 1) * total as u128
                );
                before += sum;
            }
        }
    }
}
