//! The JSON contract (`report.json`) and everything rendered from it.
//!
//! `Report` is built once from the merged counts; the JSON file, the terminal
//! summary and the charts are all rendered from it, never from the counts, so
//! every output shows the same numbers.

pub mod charts;
pub mod json;
pub mod summary;
pub mod write;

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::config::RawConfig;

/// Bumped whenever a field changes meaning or disappears.
pub const SCHEMA_VERSION: u32 = 1;

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
}

/// One source: a file directly in the input folder, or a sub-folder of articles.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct SourceReport {
    /// File name without extension, or folder name.
    pub id: String,
    /// Display name: `[sources.<id>].label` from the config, else the id.
    pub label: String,
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

/// A file that was found in the input folder but not analysed.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct SkippedFile {
    /// Path relative to the input folder, with `/` separators.
    pub path: String,
    /// Why it was skipped.
    pub reason: String,
}
