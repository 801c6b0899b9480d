//! The JSON contract (`report.json`) and everything rendered from it.
//!
//! `Report` is built once from the merged counts; the JSON file, the terminal
//! summary and the charts are all rendered from it, never from the counts, so
//! every output shows the same numbers.

pub mod charts;
pub mod html;
pub mod json;
pub mod summary;
pub mod tables;
pub mod write;

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::config::RawConfig;

fn is_default_meta(meta: &crate::config::SourceMeta) -> bool {
    *meta == crate::config::SourceMeta::default()
}

/// Bumped whenever a field changes meaning or disappears.
pub const SCHEMA_VERSION: u32 = 2;

/// Everything one run found. Serialised as `output/report.json`.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Report {
    /// Version of this schema; see `SCHEMA_VERSION`.
    pub schema_version: u32,
    /// The effective configuration: config.toml with every default filled in.
    pub config: RawConfig,
    /// The stopword list in effect (built-in English list plus `extra_stopwords`), sorted.
    pub stopwords: Vec<String>,
    /// One entry per source, sorted by id.
    pub sources: Vec<SourceReport>,
    /// Figures for all sources together.
    pub corpus: CorpusReport,
    /// The lexicon themes in config order.
    pub themes: Vec<ThemeInfo>,
    /// The anchor lexicon.
    pub anchor: AnchorInfo,
    /// Files that were found but not analysed, with the reason, sorted by path.
    pub skipped: Vec<SkippedFile>,
    /// Every analysed document, sorted by path. Most of report.json on a
    /// corpus of many files, so `json::to_json` writes it directly instead
    /// of through a `serde_json::Value` tree (a test holds the two equal).
    #[serde(skip_serializing)]
    pub documents: Vec<DocumentInfo>,
    /// Framing analytics: keyness, collocations, the anchor's framing profile,
    /// balance, similarity, uncertainty, evidence.
    pub analysis: Analysis,
    /// Diagnostics of the word lists: what each term matched, dead terms, overlaps, suggestions.
    pub lexicon: LexiconDiagnostics,
}

/// How the anchor and theme word lists behave on this corpus.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Default)]
pub struct LexiconDiagnostics {
    /// The anchor (id `anchor`) and then every theme, in config order.
    pub lists: Vec<ListDiagnostics>,
    /// Spellings matched by terms of more than one theme.
    pub overlaps: Vec<Overlap>,
    /// Frequent content words no theme covers, near the anchor or collocated with a theme's matches.
    pub suggestions: Vec<Suggestion>,
}

/// One word list.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct ListDiagnostics {
    /// `anchor` or the theme id.
    pub id: String,
    /// Hits of the list in the corpus.
    pub hits: u64,
    /// The term with the most hits, if it has more than half of them (the list is fragile).
    pub dominant_term: String,
    /// Share of the list's hits that `dominant_term` has (0 when there is none).
    pub dominant_share: f64,
    /// Every term, in config order.
    pub terms: Vec<TermDiagnostics>,
}

/// What one term matched.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct TermDiagnostics {
    /// The term as written.
    pub term: String,
    /// Hits credited to the term in the corpus.
    pub hits: u64,
    /// Source id -> hits.
    pub by_source: BTreeMap<String, u64>,
    /// Matches nothing in the corpus.
    pub dead: bool,
    /// The same term (as written, case-insensitive) is also listed in these themes.
    pub also_in: Vec<String>,
    /// The spellings it matched (the variant table), most frequent first.
    pub variants: Vec<Variant>,
}

/// One spelling a term matched.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Variant {
    /// As written in the text.
    pub spelling: String,
    /// Matches in the corpus.
    pub count: u64,
    /// Source id -> matches.
    pub by_source: BTreeMap<String, u64>,
}

/// A spelling counted by several themes.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Overlap {
    /// The spelling, lowercased.
    pub spelling: String,
    /// `theme:term` that matched it, with the matches each got.
    pub matched_by: BTreeMap<String, u64>,
}

/// A word worth adding to a list.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Suggestion {
    /// `anchor` (found near the anchor) or the theme id it collocates with.
    pub list: String,
    /// The stem.
    pub stem: String,
    /// Its most frequent form.
    pub form: String,
    /// Co-occurrences with the anchor or with the theme's matched words.
    pub count: u64,
    /// log-Dice of that co-occurrence.
    pub log_dice: f64,
}

/// Everything derived beyond counts. Each list is sorted as its doc says.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Default)]
pub struct Analysis {
    /// Terms each source over- and under-uses against the rest of the corpus, by source id.
    pub keyness: Vec<SourceKeyness>,
    /// Co-occurrence scores per source, and corpus-wide under source `*`.
    pub collocations: Vec<SourceCollocations>,
    /// Content words next to the anchor, per source.
    pub anchor_collocates: Vec<SourceCollocations>,
    /// Theme hits near anchor mentions, per source.
    pub framing: Vec<FramingProfile>,
    /// Spread of attention over the themes of each group, per source.
    pub balance: Vec<Balance>,
    /// Every pair of sources (a < b by id).
    pub similarity: Vec<Similarity>,
    /// For each source, the most similar other source by each measure.
    pub nearest: Vec<Nearest>,
    /// Pairwise differences of theme rates with bootstrap intervals.
    pub differences: Vec<RateDifference>,
    /// Sentences in which two themes both have hits, per source (a <= b in config order).
    pub theme_cooccurrence: Vec<ThemePair>,
    /// Top sentences per source and theme.
    pub evidence: Vec<Evidence>,
    /// Warnings about small counts and unequal sources.
    pub flags: Vec<Flag>,
    /// How the intervals were computed.
    pub bootstrap: BootstrapInfo,
}

/// Keyness of one source against the rest of the corpus.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct SourceKeyness {
    /// Source id.
    pub source: String,
    /// Over-used terms (G² desc), then under-used terms (G² desc).
    pub terms: Vec<KeyRow>,
    /// Every theme, in config order.
    pub themes: Vec<KeyRow>,
}

/// One keyness test; carries the counts it was computed from.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct KeyRow {
    /// Stem (terms) or theme id (themes).
    pub item: String,
    /// Most frequent surface form (terms) or theme label (themes).
    pub label: String,
    /// "over" or "under" (relative frequency in the source vs the rest).
    pub direction: String,
    /// Count in the source.
    pub count_source: u64,
    /// Count in all other sources.
    pub count_rest: u64,
    /// Tokens (terms) or words (themes) of the source.
    pub total_source: u64,
    /// Tokens or words of all other sources.
    pub total_rest: u64,
    /// Log-likelihood G² on the full 2x2 table.
    pub g2: f64,
    /// p-value of G² (chi-square, 1 df).
    pub p: f64,
    /// Hardie's log ratio: log2 of the ratio of relative frequencies (0.5 for a zero count).
    pub log_ratio: f64,
    /// Weighted log-odds z-score with an informative Dirichlet prior.
    pub log_odds_z: f64,
    /// Smallest expected cell of the 2x2 table is under 5: read G² and p with care.
    pub small_counts: bool,
}

/// Collocations of one source (or `*` for the corpus).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct SourceCollocations {
    /// Source id, or `*` for the corpus.
    pub source: String,
    /// Sorted by log-Dice desc, then count desc, then a, b.
    pub pairs: Vec<Collocation>,
}

/// A scored pair.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Collocation {
    /// First stem (for anchor collocates: the anchor label).
    pub a: String,
    /// Second stem.
    pub b: String,
    /// Most frequent form of `b`.
    pub form_b: String,
    /// Co-occurrences of a and b.
    pub count: u64,
    /// Co-occurrences of a with anything (pair-table marginal).
    pub count_a: u64,
    /// Co-occurrences of b with anything.
    pub count_b: u64,
    /// Total of the symmetric co-occurrence matrix: twice the number of
    /// pairs, since each pair is in cell (a, b) and in cell (b, a); the row
    /// sums `count_a` over all stems add up to it.
    pub total: u64,
    /// Pointwise mutual information, log2: `log2(count · total / (count_a · count_b))`.
    pub pmi: f64,
    /// log-Dice (Rychlý 2008): 14 + log2(2 count / (count_a + count_b)).
    pub log_dice: f64,
    /// Log-likelihood G² of the pair's 2x2 table.
    pub g2: f64,
}

/// The anchor's framing profile in one source.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct FramingProfile {
    /// Source id.
    pub source: String,
    /// Anchor mentions.
    pub mentions: u64,
    /// Words inside the anchor's context (union of the mention windows).
    pub context_words: u64,
    /// Theme rows in config order.
    pub themes: Vec<FramingRow>,
}

/// Hits of one theme near the anchor.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct FramingRow {
    /// Theme id.
    pub theme: String,
    /// Theme group.
    pub group: String,
    /// Hits inside the anchor's context.
    pub hits_near_anchor: u64,
    /// `hits_near_anchor` / the group's hits near the anchor (0 when none).
    pub share: f64,
}

/// Balance of one source over one group.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Balance {
    /// Source id.
    pub source: String,
    /// Group name.
    pub group: String,
    /// Normalised Shannon entropy of the theme shares (1 = even, 0 = one theme).
    pub entropy: f64,
    /// Theme with the most hits (ties: first in config order); empty when no hits.
    pub dominant: String,
    /// Hits summed over the group.
    pub hits: u64,
}

/// How alike two sources are.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Similarity {
    /// First source id.
    pub source_a: String,
    /// Second source id.
    pub source_b: String,
    /// Cosine similarity of TF-IDF term vectors.
    pub cosine_tfidf: f64,
    /// Jensen-Shannon divergence (log2, 0..1) of the frame-theme hit
    /// distributions; absent when either source has no frame-theme hit,
    /// so no distribution (report.json has no nulls: one is a bug).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub jsd_frames: Option<f64>,
}

/// The most similar other source.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Nearest {
    /// Source id.
    pub source: String,
    /// Other source with the highest TF-IDF cosine (ties: first by id).
    pub by_vocabulary: String,
    /// Other source with the lowest frame JSD (ties: first by id).
    pub by_framing: String,
}

/// Difference of one theme's rate between two sources.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct RateDifference {
    /// Theme id.
    pub theme: String,
    /// First source id.
    pub source_a: String,
    /// Second source id.
    pub source_b: String,
    /// log2(rate_a / rate_b), zero hits counted as 0.5.
    pub log_ratio: f64,
    /// 2.5% bootstrap percentile of the log ratio.
    pub ci_low: f64,
    /// 97.5% bootstrap percentile.
    pub ci_high: f64,
    /// The interval excludes 0: the difference is larger than the resampling noise.
    pub beyond_noise: bool,
}

/// Sentences of one source in which two themes both have hits.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct ThemePair {
    /// Source id.
    pub source: String,
    /// Theme id.
    pub a: String,
    /// Theme id (equal to `a`: sentences with a hit of that theme).
    pub b: String,
    /// Number of sentences.
    pub sentences: u64,
}

/// The top sentences of one theme in one source.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Evidence {
    /// Source id.
    pub source: String,
    /// Theme id.
    pub theme: String,
    /// Best first: most hits, then document order, then sentence order.
    pub sentences: Vec<EvidenceSentence>,
}

/// One evidence sentence.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct EvidenceSentence {
    /// Document path relative to the input folder.
    pub document: String,
    /// Sentence number within the document (from 0).
    pub sentence: u32,
    /// Byte offset of the sentence in the document's normalised text.
    pub start: u32,
    /// Byte offset just past it.
    pub end: u32,
    /// Theme hits in the sentence.
    pub hits: u32,
    /// The sentence.
    pub text: String,
    /// The sentence with each hit in [brackets].
    pub marked: String,
    /// Byte ranges of the hits within `text`.
    pub marks: Vec<[u32; 2]>,
}

/// A caution about the numbers.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Flag {
    /// Kind: "unequal_lengths", "small_counts", "single_source_terms", "few_units".
    pub kind: String,
    /// Source id, if the flag is about one source.
    pub source: String,
    /// What it means for the reader.
    pub message: String,
}

/// Bootstrap settings used.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Default)]
pub struct BootstrapInfo {
    /// Replicates (0 = intervals off).
    pub replicates: usize,
    /// Seed.
    pub seed: u64,
    /// Source id -> "sentence" or "document": the resampling unit.
    pub units: BTreeMap<String, String>,
}

/// One source: a file directly in the input folder, or a sub-folder of articles.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct SourceReport {
    /// File name without extension, or folder name.
    pub id: String,
    /// Display name: `[sources.<id>].label` from the config, else the id.
    pub label: String,
    /// Metadata from `[sources.<id>]` (outlet, author, date, url), if given.
    #[serde(default, skip_serializing_if = "is_default_meta")]
    pub meta: crate::config::SourceMeta,
    /// Number of documents (articles) read for this source.
    pub documents: u64,
    /// Word tokens: tokens with at least one letter (numbers, URLs, e-mail addresses excluded).
    pub words: u64,
    /// Words left after stopword removal.
    pub tokens: u64,
    /// Distinct stems among `tokens`.
    pub types: u64,
    /// Sentences that contain at least one word.
    pub sentences: u64,
    /// Encoding -> number of this source's documents detected in it.
    pub encodings: BTreeMap<String, u64>,
    /// Words removed as stopwords (`words - tokens`).
    pub stopwords_removed: u64,
    /// Most frequent stems, by count desc then stem asc.
    pub top_terms: Vec<TermCount>,
    /// Theme id -> emphasis of that theme in this source.
    pub themes: BTreeMap<String, ThemeScore>,
    /// How often this source names the anchor.
    pub anchor: AnchorScore,
}

/// A stem with its most frequent surface form.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct TermCount {
    /// The stem: the unit every count uses.
    pub stem: String,
    /// The most frequent lowercase surface form of the stem (ties: alphabetically first).
    pub form: String,
    /// Occurrences among the non-stopword tokens.
    pub count: u64,
}

/// A theme's emphasis in one source.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct ThemeScore {
    /// Non-overlapping lexicon matches of the theme.
    pub hits: u64,
    /// `hits / words * 1000` of the source (0 when the source has no words).
    pub per_1k: f64,
    /// `hits` divided by the source's hits summed over all themes of the same group (0 when that sum is 0).
    pub share: f64,
    /// Lower end of the 95% interval of `per_1k` (absent until intervals are computed).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ci_low: Option<f64>,
    /// Upper end of the 95% interval of `per_1k`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ci_high: Option<f64>,
    /// Lexicon term (as written in config) -> hits credited to it.
    pub terms: BTreeMap<String, u64>,
}

/// The anchor's frequency in one source.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct AnchorScore {
    /// Anchor matches (every spelling the anchor terms cover).
    pub mentions: u64,
    /// `mentions / words * 1000`.
    pub per_1k: f64,
    /// Lowercase surface form -> count: the spellings that were matched.
    pub forms: BTreeMap<String, u64>,
}

/// Corpus-wide figures.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct CorpusReport {
    /// Number of documents analysed.
    pub documents: u64,
    /// Word tokens in all sources.
    pub words: u64,
    /// Words after stopword removal.
    pub tokens: u64,
    /// Distinct stems among `tokens`.
    pub types: u64,
    /// Sentences with at least one word.
    pub sentences: u64,
    /// Most frequent stems corpus-wide.
    pub top_terms: Vec<TermCount>,
    /// Most frequent co-occurring stem pairs, by count desc then a, b asc.
    pub cooccurrence: Vec<PairCount>,
}

/// An unordered pair of stems that occur within the co-occurrence window.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct PairCount {
    /// The alphabetically first stem.
    pub a: String,
    /// The other stem.
    pub b: String,
    /// Number of token pairs (positions i < j, j - i <= window, same sentence) with these stems.
    pub count: u64,
}

/// A theme as configured.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct ThemeInfo {
    /// The key under `[themes.<id>]`.
    pub id: String,
    /// Display label.
    pub label: String,
    /// Group name, e.g. "frames" (how) or "actors" (who).
    pub group: String,
    /// Lexicon terms as written.
    pub terms: Vec<String>,
}

/// The anchor as configured.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct AnchorInfo {
    /// Display label.
    pub label: String,
    /// Lexicon terms as written.
    pub terms: Vec<String>,
}

/// One analysed document.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct DocumentInfo {
    /// Path relative to the input folder, with `/` separators.
    pub path: String,
    /// Source id.
    pub source: String,
    /// Words (0 for an empty or whitespace-only file).
    pub words: u64,
    /// Sentences.
    pub sentences: u64,
    /// Detected encoding: "UTF-8", "UTF-8 (BOM)", "UTF-16LE", "UTF-16BE" or "windows-1252".
    pub encoding: String,
    /// Invalid byte sequences replaced by U+FFFD.
    pub replaced: u64,
}

/// A file that was found in the input folder but not analysed.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct SkippedFile {
    /// Path relative to the input folder, with `/` separators.
    pub path: String,
    /// Why it was skipped.
    pub reason: String,
}
