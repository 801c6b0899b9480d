//! The tokenized-corpus cache in `<output>/.cache/`: what a re-run after a
//! lexicon, analysis or chart edit reuses instead of reading, normalising,
//! tokenizing, stemming and counting again.
//!
//! Six kinds of entry, each named by its key (a 128-bit hash):
//! - a **segment** entry: a run of consecutive documents of one source, each
//!   prepared for counting (normalised text, words, sentences) with its
//!   encoding, and one table of the distinct spellings of all its words, which
//!   each word refers to by number: a re-run looks each spelling up once a
//!   segment, not once a document. Laid out in columns, so that a re-run
//!   decodes a document's text and word spans only when it needs them
//!   ([`CachedSegment`]). Keyed by the tokenizer settings, the source
//!   id and each document's path and key (a hash of the file's bytes). One
//!   file holds many short articles, so a corpus of 10^5 articles is a few
//!   hundred cache files, not 10^5;
//! - a **source** entry: the source's lexicon-independent counts
//!   ([`SourceTextCounts`]: words, tokens, sentences, terms, pairs), keyed by
//!   the tokenizer settings, the source id and every document's path and key;
//! - a **spellings** entry: the distinct spellings of the whole corpus
//!   (sorted) with their forms and stems ([`KnownForms`], so a re-run does
//!   not stem them again), and for each segment entry the corpus number of each of its
//!   spellings, keyed by every source's key; when every source is cached, a
//!   re-run builds its vocabulary from it once, before counting, and the
//!   workers share it and take a segment's spelling numbers from it instead
//!   of looking each spelling up;
//! - the **file index** of an input folder (keyed by the tokenizer settings
//!   and the folder's path): for each input file, its [`FileStamp`] (size,
//!   modification and status-change times, inode, device) when its key was
//!   last computed, and that key; a re-run takes a file's key from here instead of
//!   reading and hashing the file again. A row is used only when the stamp is
//!   identical and older than [`RACY_NS`] before the index was taken: the
//!   status-change time is set by the kernel on every write (programs cannot
//!   set it back), but file times have a coarse clock, so a file changed
//!   within a tick of being examined could show the stamp it had before the
//!   change; such rows are hashed again (git's "racily clean" rule).
//!
//! - a **chart** entry: the PNG of a chart, keyed by its SVG, the pixel scale
//!   and a fingerprint of the rasteriser (its source and Cargo.lock). The SVG
//!   is drawn on every run (it is cheap); rasterising it is most of the cost
//!   of the charts, and after a lexicon edit most charts are unchanged;
//! - **analysis** entries: the pair digest (keyed by every source's key and
//!   the settings it depends on), the bootstrap's replicate sums of the last
//!   run (one entry; each sum keyed by its inputs, see
//!   [`crate::analyze::uncertainty`]), and for each source the bootstrap's
//!   draw counts (keyed by a hash of the draws' inputs), so that a theme
//!   whose hits moved is summed without drawing again.
//!
//! Only the last run's segment, source, spellings and chart entries are
//! kept: a run deletes the others (a run on another input folder with the
//! same output folder therefore counts again), and the entries of older
//! cache formats.
//!
//! The tokenizer settings key covers everything that changes those contents:
//! the cache format version, framescope's version, a fingerprint of the source
//! code of the text stages, `text.*` and `cooccurrence.window`. An entry is
//! trusted only when its header (magic, format version, kind, key) matches,
//! the payload has the recorded length and checksum, and the decoded content
//! is internally consistent; anything else is a miss and is rebuilt. Entries
//! are written to a temporary file and renamed into place, so a reader never
//! sees half an entry.

use std::fs;
use std::io::Write;
use std::ops::Range;
use std::path::{Path, PathBuf};

use xxhash_rust::xxh3::{xxh3_64, Xxh3};

use crate::config::Config;
use rustc_hash::FxHashMap;

use crate::analyze::pair_digest::{PairDigest, COLLOCATES_PER_STEM};
use crate::analyze::uncertainty::{BootstrapMemo, DrawCounts, MemoSums};
use crate::count::{DocumentText, KnownForms, SourceTextCounts, Words};
use crate::ingest::FileStamp;
use crate::prepare::{packed, sentences_fit, words_fit, Prepared, PACKED_BYTES};
use crate::report::write::{TEMP_PREFIX, TEMP_SUFFIX};
use crate::report::{Collocation, SourceCollocations};
use crate::tokenize::Word;

/// Bumped whenever the layout of an entry changes.
const FORMAT_VERSION: u32 = 7;
const MAGIC: &[u8; 8] = b"FSCACHE\0";
const KIND_SEGMENT: u8 = 3;
const KIND_SOURCE: u8 = 2;
const KIND_FILES: u8 = 4;
const KIND_CHART: u8 = 5;
const KIND_SPELLINGS: u8 = 6;
const KIND_DIGEST: u8 = 7;
const KIND_BOOTSTRAP: u8 = 8;
const KIND_DRAWS: u8 = 9;
/// A file whose stamp is this close to the time the stamps were taken (or
/// later) is hashed again on the next run: file times tick coarsely (a few
/// milliseconds; 2 s on FAT), so a change within the same tick keeps the stamp.
pub const RACY_NS: i64 = 2_000_000_000;
/// magic, version, kind, key, payload length, checksum.
const HEADER_LEN: usize = 8 + 4 + 1 + 16 + 8 + 8;

/// Source files (paths relative to `src/`) with their text, from one list
/// of literal paths: the fingerprints hash the texts, and a test checks
/// that every module the listed files use is listed or known not to change
/// the cached contents.
macro_rules! source_files {
    ($($path:literal),* $(,)?) => {
        &[$(($path, include_str!($path))),*]
    };
}

/// The code of every stage whose output the document, source and
/// spellings entries hold, so that a build with a changed tokenizer never
/// reuses an older build's entries.
const TEXT_STAGE_FILES: &[(&str, &str)] = source_files![
    "ingest.rs",
    "normalize.rs",
    "tokenize.rs",
    "byte_runs.rs",
    "prepare.rs",
    "stem.rs",
    "count/mod.rs",
    "count/interner.rs",
    "count/pairs.rs",
    "cache.rs",
];
const CODE_FINGERPRINT: u64 = fnv1a(TEXT_STAGE_FILES);

/// The same for the analysis entries (the pair digest, the bootstrap's
/// sums and draw counts): a changed collocation score or resampling scheme
/// must not be answered from an older build's entries. (They are also keyed
/// by the settings key, which covers the text stages.)
const ANALYSIS_FILES: &[(&str, &str)] = source_files![
    "analyze/mod.rs",
    "analyze/pair_digest.rs",
    "analyze/collocations.rs",
    "analyze/stats.rs",
    "analyze/uncertainty.rs",
];
const ANALYSIS_FINGERPRINT: u64 = fnv1a(ANALYSIS_FILES);

/// The same for what turns a chart's SVG into its PNG: the rasteriser and
/// the crates it uses (their versions are in Cargo.lock; the fonts are a crate).
const CHART_FINGERPRINT: u64 = fnv1a(source_files![
    "report/charts/render.rs",
    "report/charts/style.rs",
    "../Cargo.lock",
]);

/// FNV-1a over the texts of `files` (a `const fn`: xxh3 is not one).
const fn fnv1a(files: &[(&str, &str)]) -> u64 {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    let mut p = 0;
    while p < files.len() {
        let bytes = files[p].1.as_bytes();
        let mut i = 0;
        while i < bytes.len() {
            hash ^= bytes[i] as u64;
            hash = hash.wrapping_mul(0x0100_0000_01b3);
            i += 1;
        }
        p += 1;
    }
    hash
}

/// A cache key: a 128-bit hash.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Key(pub u128);

impl Key {
    fn file_name(self) -> String {
        format!("{:032x}.bin", self.0)
    }
}

/// A document as a segment entry keeps it: its spelling numbers and
/// sentences are ranges of the segment's arrays; its text and word spans
/// stay in the entry's bytes until they are needed ([`CachedText`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CachedDocument {
    /// Encoding the file was decoded with.
    pub encoding: String,
    /// Byte sequences replaced by U+FFFD while decoding.
    pub replaced: u64,
    /// Where its text and its word spans are in the entry's bytes.
    text: Range<usize>,
    spans: Range<usize>,
    words: Range<usize>,
    sentences: Range<usize>,
}

/// One document of a segment entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SegmentDocument {
    /// Prepared and kept.
    Prepared(CachedDocument),
    /// Not kept (too large to keep, or skipped): read from its file each run.
    Uncached,
}

/// A segment entry: its documents and the distinct spellings of their words.
///
/// The entry is laid out in columns: the documents' headers, then every
/// word's spelling number, every sentence's end, every text and every
/// word's span (as two LEB128 numbers: the gap after the previous word,
/// and the length). A re-run after a lexicon edit needs the spelling
/// numbers and sentences of every document, decoded here into one array
/// each (a few allocations a segment, not five a document), but the text
/// and spans of only the documents with a phrase match or an evidence
/// sentence; those are decoded, and checked, on demand.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CachedSegment {
    /// The distinct spellings of its words.
    spellings: Spellings,
    /// The documents, in segment order.
    pub documents: Vec<SegmentDocument>,
    /// The entry as read (texts and spans are ranges of it).
    bytes: Vec<u8>,
    /// Word ranges of each sentence, counted from its document's first word.
    sentences: Vec<Range<u32>>,
    spelling: Vec<u32>,
}

/// What one worker reuses from one segment entry to the next: the arrays
/// of a segment it gave back ([`SegmentBuffers::recycle`]), and those an
/// entry is built in ([`SegmentBuffers::start_entry`]). Fresh buffers for
/// each segment cost a page fault per 4 KiB of the entries read or written.
#[derive(Debug, Default)]
pub struct SegmentBuffers {
    spare: Option<CachedSegment>,
    /// The entry being built ([`SegmentBuffers::start_entry`]).
    entry: EntryBuilder,
}

/// A segment entry built one document at a time, so that a document's
/// prepared text can be reused as soon as it is counted: each document's
/// columns are appended as it comes, and its spellings numbered in the
/// segment's table. Holding a segment's prepared documents until its entry
/// was written cost a first run with the cache 45 MiB of peak memory on
/// Gutenberg x10.
#[derive(Debug, Default)]
struct EntryBuilder {
    documents: u64,
    spellings: Spellings,
    numbers: SpellingIndex,
    headers: Vec<u8>,
    /// Every word's spelling number in the segment's table.
    spelling: Vec<u32>,
    sentence_ends: Vec<u8>,
    texts: Vec<u8>,
    spans: Vec<u8>,
    /// The entry as written (the columns one after the other).
    payload: Vec<u8>,
}

/// Numbers of spellings in a segment's table, looked up by their text: a
/// spelling of up to 16 bytes by its bytes packed into a `u128` as
/// `prepare` packs them, a longer one (rare) as a string of its own.
#[derive(Debug, Default)]
struct SpellingIndex {
    short: FxHashMap<u128, u32>,
    long: FxHashMap<Box<str>, u32>,
}

impl SpellingIndex {
    /// The number of `spelling`, added to `table` if it is new.
    fn number(&mut self, spelling: &str, table: &mut Spellings) -> u32 {
        if spelling.len() <= PACKED_BYTES {
            *self
                .short
                .entry(packed(spelling.as_bytes(), 0, spelling.len()))
                .or_insert_with(|| table.push(spelling))
        } else if let Some(&k) = self.long.get(spelling) {
            k
        } else {
            let k = table.push(spelling);
            self.long.insert(spelling.into(), k);
            k
        }
    }
}

impl SegmentBuffers {
    /// Starts a new segment entry (see [`SegmentBuffers::add_to_entry`]).
    pub fn start_entry(&mut self) {
        let e = &mut self.entry;
        e.documents = 0;
        e.spellings = Spellings::default();
        e.numbers.short.clear();
        e.numbers.long.clear();
        for column in [
            &mut e.headers,
            &mut e.sentence_ends,
            &mut e.texts,
            &mut e.spans,
            &mut e.payload,
        ] {
            column.clear();
        }
        e.spelling.clear();
    }

    /// Adds the segment's next document to the entry: `None` for one that
    /// is not kept, else (encoding, replaced bytes, prepared text).
    pub fn add_to_entry(&mut self, document: Option<(&str, u64, &Prepared)>) {
        let e = &mut self.entry;
        e.documents += 1;
        let Some((encoding, replaced, prepared)) = document else {
            e.headers.push(0);
            return;
        };
        let segment_number: Vec<u32> = (0..prepared.first_use.len())
            .map(|k| {
                e.numbers
                    .number(prepared.spelling_text(k), &mut e.spellings)
            })
            .collect();
        e.spelling.extend(
            prepared
                .spelling
                .iter()
                .map(|&k| segment_number[k as usize]),
        );
        for s in &prepared.tokens.sentences {
            put_u32(&mut e.sentence_ends, s.end);
        }
        e.texts.extend_from_slice(prepared.text.as_bytes());
        let spans_before = e.spans.len();
        let mut previous_end = 0u32;
        for w in &prepared.tokens.words {
            // Wrapping: spans out of order (never made by the
            // tokenizer) are stored as such and rejected when read.
            put_varint(&mut e.spans, w.start.wrapping_sub(previous_end));
            put_varint(&mut e.spans, w.end.wrapping_sub(w.start));
            previous_end = w.end;
        }
        e.headers.push(1);
        put_str(&mut e.headers, encoding);
        put_u64(&mut e.headers, replaced);
        put_u64(&mut e.headers, prepared.text.len() as u64);
        put_u64(&mut e.headers, prepared.tokens.words.len() as u64);
        put_u64(&mut e.headers, prepared.tokens.sentences.len() as u64);
        put_u64(&mut e.headers, (e.spans.len() - spans_before) as u64);
    }

    /// Keeps a segment's arrays for the next [`Cache::load_segment_reusing`].
    pub fn recycle(&mut self, segment: CachedSegment) {
        self.spare = Some(segment);
    }
}

impl CachedSegment {
    /// One of its documents, for counting.
    pub fn document<'a>(&'a self, d: &'a CachedDocument) -> CachedText<'a> {
        self.document_reusing(d, Vec::new())
    }

    /// The same, decoding its word spans (if they are needed) into `spans`,
    /// an earlier document's (see [`CachedText::into_spans`]): a novel's
    /// spans are megabytes, and fresh ones for every document were a new
    /// mapping to fault in each time.
    pub fn document_reusing<'a>(
        &'a self,
        d: &'a CachedDocument,
        spans: Vec<Word>,
    ) -> CachedText<'a> {
        CachedText {
            segment: self,
            document: d,
            spare: std::cell::Cell::new(spans),
            decoded: std::cell::OnceCell::new(),
        }
    }

    /// The distinct spellings, by number.
    pub fn spellings(&self) -> impl Iterator<Item = &str> {
        self.spellings.iter()
    }

    /// The table of distinct spellings.
    pub fn spelling_table(&self) -> &Spellings {
        &self.spellings
    }

    /// The table of distinct spellings, without the documents.
    pub fn into_spelling_table(self) -> Spellings {
        self.spellings
    }

    /// Spelling number `k`.
    #[cfg(test)]
    pub fn spelling(&self, k: usize) -> &str {
        self.spellings.get(k)
    }

    /// A document's text and word spans, if they hold together: the text
    /// is UTF-8, there is a span per word, and each span is inside the
    /// text on character boundaries, after the previous one.
    fn decode_text(&self, d: &CachedDocument, mut words: Vec<Word>) -> Option<(&str, Vec<Word>)> {
        let text = std::str::from_utf8(&self.bytes[d.text.clone()]).ok()?;
        let mut spans = &self.bytes[d.spans.clone()];
        words.clear();
        words.reserve(d.words.len());
        let mut previous_end = 0u32;
        for _ in d.words.clone() {
            let start = previous_end.checked_add(read_varint(&mut spans)?)?;
            let end = start.checked_add(read_varint(&mut spans)?)?;
            words.push(Word { start, end });
            previous_end = end;
        }
        (spans.is_empty() && words_fit(text, &words)).then_some((text, words))
    }
}

/// A cached document as counting sees it ([`DocumentText`]): its spelling
/// numbers and sentences at once, its text and word spans decoded on first
/// use.
pub struct CachedText<'a> {
    segment: &'a CachedSegment,
    document: &'a CachedDocument,
    /// The array the spans are decoded into.
    spare: std::cell::Cell<Vec<Word>>,
    decoded: std::cell::OnceCell<Option<(&'a str, Vec<Word>)>>,
}

impl CachedText<'_> {
    /// The array of its word spans, for the next document's.
    pub fn into_spans(self) -> Vec<Word> {
        match self.decoded.into_inner() {
            Some(Some((_, words))) => words,
            _ => self.spare.into_inner(),
        }
    }

    /// Its words, for [`crate::count::Tally::add_words`].
    pub fn words(&self) -> Words<'_> {
        let d = self.document;
        Words {
            spelling: &self.segment.spelling[d.words.clone()],
            sentences: &self.segment.sentences[d.sentences.clone()],
            text_len: d.text.len(),
            text: self,
        }
    }
}

impl DocumentText for CachedText<'_> {
    fn spelling(&self, k: u32) -> &str {
        self.segment.spellings.get(k as usize)
    }

    fn text(&self) -> Option<(&str, &[Word])> {
        let decoded = self
            .decoded
            .get_or_init(|| self.segment.decode_text(self.document, self.spare.take()));
        decoded
            .as_ref()
            .map(|(text, words)| (*text, words.as_slice()))
    }
}

/// A table of distinct spellings, one after the other in one string: a
/// segment's (its words refer to them by number) or a whole corpus's (the
/// spellings entry, from which a re-run builds its vocabulary).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Spellings {
    text: String,
    /// Where each spelling ends in `text`.
    ends: Vec<u32>,
}

impl Spellings {
    /// Adds a spelling; returns its number.
    fn push(&mut self, spelling: &str) -> u32 {
        self.text.push_str(spelling);
        self.ends.push(self.text.len() as u32);
        self.ends.len() as u32 - 1
    }

    /// Number of spellings.
    pub fn len(&self) -> usize {
        self.ends.len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.ends.is_empty()
    }

    /// Spelling number `k`.
    pub fn get(&self, k: usize) -> &str {
        let start = if k == 0 { 0 } else { self.ends[k - 1] };
        &self.text[start as usize..self.ends[k] as usize]
    }

    /// The spellings, in stored order.
    pub fn iter(&self) -> impl Iterator<Item = &str> {
        (0..self.len()).map(|k| self.get(k))
    }

    /// The spellings, in stored order.
    pub fn list(&self) -> Vec<&str> {
        self.iter().collect()
    }

    /// A hash of the table (its text and where each spelling ends).
    fn fingerprint(&self) -> u64 {
        let mut hasher = Xxh3::new();
        hasher.update(self.text.as_bytes());
        // One update for all the ends (the digest does not depend on how
        // the input is split, and a call per 4 bytes is slow).
        let ends: Vec<u8> = self.ends.iter().flat_map(|e| e.to_le_bytes()).collect();
        hasher.update(&ends);
        hasher.digest()
    }

    fn encode(&self, out: &mut Vec<u8>) {
        put_str(out, &self.text);
        put_u64(out, self.ends.len() as u64);
        for &end in &self.ends {
            put_u32(out, end);
        }
    }

    /// Trusted only if every spelling is non-empty, ends on a character
    /// boundary, and together they are the whole text.
    fn decode(r: &mut Reader) -> Option<Spellings> {
        Spellings::decode_strings(r, false)
    }

    /// The same for a table of strings that may be empty (forms and stems).
    fn decode_strings(r: &mut Reader, empty_allowed: bool) -> Option<Spellings> {
        let text = r.str()?.to_string();
        let n = r.len(4)?;
        let ends = r.u32s(n)?;
        let mut start = 0;
        for &end in &ends {
            let too_short = end < start || (end == start && !empty_allowed);
            if too_short || end as usize > text.len() || !text.is_char_boundary(end as usize) {
                return None;
            }
            start = end;
        }
        (start as usize == text.len()).then_some(Spellings { text, ends })
    }
}

/// A spellings entry: the corpus's distinct spellings with their forms and
/// stems ([`KnownForms`]), and for each segment entry the corpus number of
/// each spelling of its table.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CorpusSpellings {
    /// Sorted, each once.
    pub spellings: Spellings,
    /// The forms and stems, numbered by first use.
    forms: Spellings,
    stems: Spellings,
    /// Per spelling, its form's number; per form, its stem's.
    form_of: Vec<u32>,
    stem_of: Vec<u32>,
    /// Per segment key: the fingerprint of the segment's table, and the
    /// corpus number of each of its spellings.
    segments: FxHashMap<Key, (u64, Vec<u32>)>,
}

impl CorpusSpellings {
    /// The spellings with their forms and stems.
    pub fn known_forms(&self) -> KnownForms<'_> {
        KnownForms {
            spellings: self.spellings.list(),
            forms: self.forms.list(),
            stems: self.stems.list(),
            form_of: self.form_of.clone(),
            stem_of: self.stem_of.clone(),
        }
    }

    /// The corpus number of each spelling of segment `segment`'s `table`,
    /// when the entry has them for this very table (its fingerprint).
    pub fn numbers_of(&self, segment: Key, table: &Spellings) -> Option<&[u32]> {
        let (fingerprint, numbers) = self.segments.get(&segment)?;
        let same = numbers.len() == table.len() && *fingerprint == table.fingerprint();
        same.then_some(numbers.as_slice())
    }
}

/// The cache of one output folder for one set of tokenizer settings.
#[derive(Debug, Clone)]
pub struct Cache {
    segments: PathBuf,
    sources: PathBuf,
    files: PathBuf,
    charts: PathBuf,
    /// The bootstrap memo (one entry, replaced every run) and draw counts.
    analysis: PathBuf,
    settings: Key,
}

/// The keys of the input files as last computed, with the stamps they had
/// (see the module documentation).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FileIndex {
    /// When the stamps were taken (nanoseconds since the epoch), before any file was examined.
    pub taken_ns: i64,
    /// Path relative to the input folder -> (stamp, key).
    pub rows: FxHashMap<String, (FileStamp, Key)>,
}

impl FileIndex {
    /// An empty index for stamps taken at `taken_ns`.
    pub fn new(taken_ns: i64) -> FileIndex {
        FileIndex {
            taken_ns,
            rows: FxHashMap::default(),
        }
    }

    /// The key recorded for `rel`, when its stamp is unchanged and was not racy.
    pub fn key_of(&self, rel: &str, stamp: &FileStamp) -> Option<Key> {
        let (known, key) = self.rows.get(rel)?;
        let settled = |ns: i64| ns < self.taken_ns.saturating_sub(RACY_NS);
        (known == stamp && settled(stamp.modified_ns) && settled(stamp.changed_ns)).then_some(*key)
    }
}

impl Cache {
    /// The cache under `config.output_dir`. Nothing is created until an entry is stored.
    pub fn new(config: &Config) -> Cache {
        let root = config
            .output_dir
            .join(".cache")
            .join(format!("v{FORMAT_VERSION}"));
        Cache {
            segments: root.join("segments"),
            sources: root.join("sources"),
            files: root.join("files"),
            charts: root.join("charts"),
            analysis: root.join("analysis"),
            settings: settings_key(config),
        }
    }

    /// The folders entries are written to (a killed run may leave temporary files there).
    pub fn folders(&self) -> [&Path; 5] {
        [
            &self.segments,
            &self.sources,
            &self.files,
            &self.charts,
            &self.analysis,
        ]
    }

    /// The folder holding the entries (for messages).
    pub fn root(&self) -> &Path {
        self.segments.parent().unwrap_or(&self.segments)
    }

    /// Starts the key of a document: feed its bytes to the hasher, then [`DocumentHasher::finish`].
    pub fn document_hasher(&self) -> DocumentHasher {
        let mut hasher = Xxh3::new();
        hasher.update(b"document");
        hasher.update(&self.settings.0.to_le_bytes());
        DocumentHasher(hasher)
    }

    /// The key of a document whose bytes are all in memory.
    pub fn document_key(&self, bytes: &[u8]) -> Key {
        let mut hasher = self.document_hasher();
        hasher.update(bytes);
        hasher.finish()
    }

    /// The key of a source's counts: its id and every document's path and
    /// key (`None` for a file that could not be read), in document order.
    pub fn source_key<'a>(
        &self,
        source_id: &str,
        documents: impl IntoIterator<Item = (&'a str, Option<Key>)>,
    ) -> Key {
        self.list_key(b"source", source_id, documents)
    }

    /// The key of a segment: the same, for the segment's documents.
    pub fn segment_key<'a>(
        &self,
        source_id: &str,
        documents: impl IntoIterator<Item = (&'a str, Option<Key>)>,
    ) -> Key {
        self.list_key(b"segment", source_id, documents)
    }

    fn list_key<'a>(
        &self,
        kind: &[u8],
        source_id: &str,
        documents: impl IntoIterator<Item = (&'a str, Option<Key>)>,
    ) -> Key {
        let mut hasher = Xxh3::new();
        hasher.update(kind);
        hasher.update(&self.settings.0.to_le_bytes());
        put_str_hash(&mut hasher, source_id);
        for (path, key) in documents {
            put_str_hash(&mut hasher, path);
            match key {
                Some(k) => {
                    hasher.update(&[1]);
                    hasher.update(&k.0.to_le_bytes());
                }
                None => hasher.update(&[0]),
            }
        }
        Key(hasher.digest128())
    }

    /// A segment entry of `len` documents, if there is a valid one for `key`
    /// (with buffers of its own; the counting stage reuses them).
    #[cfg(test)]
    pub fn load_segment(&self, key: Key, len: usize) -> Option<CachedSegment> {
        self.load_segment_reusing(key, len, &mut SegmentBuffers::default())
    }

    /// The same, reading and decoding into `buffers` (see [`SegmentBuffers`]).
    pub fn load_segment_reusing(
        &self,
        key: Key,
        len: usize,
        buffers: &mut SegmentBuffers,
    ) -> Option<CachedSegment> {
        let path = self.segments.join(key.file_name());
        let mut segment = match buffers.spare.take() {
            Some(mut spare) => {
                spare.documents.clear();
                spare.sentences.clear();
                spare.spelling.clear();
                spare
            }
            None => CachedSegment {
                spellings: Spellings::default(),
                documents: Vec::with_capacity(len),
                bytes: Vec::new(),
                sentences: Vec::new(),
                spelling: Vec::new(),
            },
        };
        if read_entry_into(&path, KIND_SEGMENT, key, &mut segment.bytes)
            && decode_segment(&mut segment, len).is_some()
        {
            return Some(segment);
        }
        // A miss keeps the arrays for the next segment all the same.
        buffers.recycle(segment);
        None
    }

    /// Stores a segment entry: per document, `None` or (encoding, replaced
    /// bytes, prepared text). The documents' own spelling numbers are
    /// translated into one table for the segment, which is returned with
    /// the outcome of writing (the spellings entry maps it to the corpus's).
    pub fn store_segment(
        &self,
        key: Key,
        documents: &[Option<(&str, u64, &Prepared)>],
    ) -> (Spellings, std::io::Result<()>) {
        let mut buffers = SegmentBuffers::default();
        buffers.start_entry();
        for &document in documents {
            buffers.add_to_entry(document);
        }
        self.store_entry(key, &mut buffers)
    }

    /// Stores the segment entry built in `buffers` (see
    /// [`SegmentBuffers::start_entry`]); returns its table of spellings,
    /// with the outcome of writing, as [`Cache::store_segment`] does.
    pub fn store_entry(
        &self,
        key: Key,
        buffers: &mut SegmentBuffers,
    ) -> (Spellings, std::io::Result<()>) {
        let e = &mut buffers.entry;
        let width = number_width(e.spellings.len());
        let payload = &mut e.payload;
        payload.clear();
        payload.reserve(
            e.headers.len()
                + e.spellings.text.len()
                + 4 * e.spellings.len()
                + width * e.spelling.len()
                + e.sentence_ends.len()
                + e.texts.len()
                + e.spans.len()
                + 64,
        );
        put_u64(payload, e.documents);
        e.spellings.encode(payload);
        payload.extend_from_slice(&e.headers);
        for &k in &e.spelling {
            payload.extend_from_slice(&k.to_le_bytes()[..width]);
        }
        payload.extend_from_slice(&e.sentence_ends);
        payload.extend_from_slice(&e.texts);
        payload.extend_from_slice(&e.spans);
        let written = write_entry(&self.segments, KIND_SEGMENT, key, payload);
        (std::mem::take(&mut e.spellings), written)
    }

    /// The file index of input folder `input` (empty when there is no valid one).
    pub fn load_file_index(&self, input: &Path) -> FileIndex {
        let key = self.file_index_key(input);
        let decoded = read_entry(&self.files.join(key.file_name()), KIND_FILES, key)
            .and_then(|entry| decode_file_index(&mut entry.payload()));
        decoded.unwrap_or_default()
    }

    /// Stores the file index of input folder `input`.
    pub fn store_file_index(&self, input: &Path, index: &FileIndex) -> std::io::Result<()> {
        let mut payload = Vec::new();
        encode_file_index(&mut payload, index);
        write_entry(
            &self.files,
            KIND_FILES,
            self.file_index_key(input),
            &payload,
        )
    }

    fn file_index_key(&self, input: &Path) -> Key {
        let mut hasher = Xxh3::new();
        hasher.update(b"files");
        hasher.update(&self.settings.0.to_le_bytes());
        put_str_hash(&mut hasher, &input.to_string_lossy());
        Key(hasher.digest128())
    }

    /// A source entry, if there is a valid one for `key`; without its pairs
    /// (an empty list) unless `pairs`.
    pub fn load_source(&self, key: Key, pairs: bool) -> Option<SourceTextCounts> {
        let entry = read_entry(&self.sources.join(key.file_name()), KIND_SOURCE, key)?;
        let counts = decode_source(&mut entry.payload(), pairs)?;
        counts.is_consistent().then_some(counts)
    }

    /// The key of a chart's PNG: its SVG and the pixel scale (the tokenizer
    /// settings play no part, so a chart edit alone never misses).
    pub fn chart_key(&self, svg: &str, scale: u32) -> Key {
        let mut hasher = Xxh3::new();
        hasher.update(b"chart");
        hasher.update(&FORMAT_VERSION.to_le_bytes());
        put_str_hash(&mut hasher, env!("CARGO_PKG_VERSION"));
        hasher.update(&CHART_FINGERPRINT.to_le_bytes());
        hasher.update(&scale.to_le_bytes());
        put_str_hash(&mut hasher, svg);
        Key(hasher.digest128())
    }

    /// A chart's PNG, if there is a valid entry for `key`.
    pub fn load_chart(&self, key: Key) -> Option<Vec<u8>> {
        let entry = read_entry(&self.charts.join(key.file_name()), KIND_CHART, key)?;
        Some(entry.0[HEADER_LEN..].to_vec())
    }

    /// Stores a chart's PNG.
    pub fn store_chart(&self, key: Key, png: &[u8]) -> std::io::Result<()> {
        write_entry(&self.charts, KIND_CHART, key, png)
    }

    /// Deletes the chart entries other than `keep` (the current run's), so
    /// that the folder holds one run's charts however often the lexicon is
    /// edited.
    pub fn keep_only_charts(&self, keep: &[Key]) -> std::io::Result<()> {
        keep_only(&self.charts, keep)
    }

    /// Deletes the segment and source entries (spellings are filed with the
    /// sources) other than the current run's,
    /// so that editing articles again and again does not pile up entries
    /// for versions of them that are gone.
    pub fn keep_only_counts(&self, segments: &[Key], sources: &[Key]) -> std::io::Result<()> {
        keep_only(&self.segments, segments)?;
        keep_only(&self.sources, sources)
    }

    /// The key of a corpus's spellings entry: every source's key, in order.
    pub fn spellings_key(&self, source_keys: &[Key]) -> Key {
        let mut hasher = Xxh3::new();
        hasher.update(b"spellings");
        hasher.update(&self.settings.0.to_le_bytes());
        for key in source_keys {
            hasher.update(&key.0.to_le_bytes());
        }
        Key(hasher.digest128())
    }

    /// The key of the pair digest of the sources with keys `source_keys`
    /// (all of them, in order) under the settings the digest depends on:
    /// `analysis.min_count`, `analysis.top` and `report.top_pairs`.
    pub fn digest_key(
        &self,
        source_keys: &[Key],
        min_count: u64,
        top: usize,
        top_pairs: usize,
    ) -> Key {
        let mut hasher = Xxh3::new();
        hasher.update(b"digest");
        hasher.update(&self.settings.0.to_le_bytes());
        hasher.update(&ANALYSIS_FINGERPRINT.to_le_bytes());
        for n in [
            min_count,
            top as u64,
            top_pairs as u64,
            COLLOCATES_PER_STEM as u64,
        ] {
            hasher.update(&n.to_le_bytes());
        }
        for key in source_keys {
            hasher.update(&key.0.to_le_bytes());
        }
        Key(hasher.digest128())
    }

    /// The pair digest for `key`, if there is a valid one.
    pub fn load_digest(&self, key: Key) -> Option<PairDigest> {
        let entry = read_entry(&self.sources.join(key.file_name()), KIND_DIGEST, key)?;
        let mut r = entry.payload();
        let digest = decode_digest(&mut r)?;
        (r.remaining() == 0 && digest.is_consistent()).then_some(digest)
    }

    /// Stores a pair digest (in the sources' folder: it is pruned with them).
    pub fn store_digest(&self, key: Key, digest: &PairDigest) -> std::io::Result<()> {
        let mut payload = Vec::new();
        encode_digest(&mut payload, digest);
        write_entry(&self.sources, KIND_DIGEST, key, &payload)
    }

    fn bootstrap_key(&self) -> Key {
        let mut hasher = Xxh3::new();
        hasher.update(b"bootstrap");
        hasher.update(&self.settings.0.to_le_bytes());
        hasher.update(&ANALYSIS_FINGERPRINT.to_le_bytes());
        Key(hasher.digest128())
    }

    /// The bootstrap sums of the last run (empty if there is no valid
    /// entry). Each is keyed by its inputs, so a stale one is never used.
    pub fn load_bootstrap(&self) -> BootstrapMemo {
        let key = self.bootstrap_key();
        let decoded = read_entry(&self.analysis.join(key.file_name()), KIND_BOOTSTRAP, key)
            .and_then(|entry| {
                let mut r = entry.payload();
                let memo = decode_bootstrap(&mut r)?;
                (r.remaining() == 0 && memo.is_consistent()).then_some(memo)
            });
        decoded.unwrap_or_default()
    }

    /// Replaces the bootstrap entry, and removes the entries of other
    /// settings and the draw counts of draws it does not have.
    pub fn store_bootstrap(&self, memo: &BootstrapMemo) -> std::io::Result<()> {
        let mut payload = Vec::new();
        encode_bootstrap(&mut payload, memo);
        let key = self.bootstrap_key();
        write_entry(&self.analysis, KIND_BOOTSTRAP, key, &payload)?;
        let mut keep = vec![key];
        keep.extend(memo.sources.iter().map(|m| self.draws_key(m.draws)));
        keep_only(&self.analysis, &keep)
    }

    fn draws_key(&self, draws: u128) -> Key {
        let mut hasher = Xxh3::new();
        hasher.update(b"draw counts");
        hasher.update(&self.settings.0.to_le_bytes());
        hasher.update(&ANALYSIS_FINGERPRINT.to_le_bytes());
        hasher.update(&draws.to_le_bytes());
        Key(hasher.digest128())
    }

    /// The draw counts of the draws whose inputs hash to `draws`, if kept.
    pub fn load_draws(&self, draws: u128) -> Option<DrawCounts> {
        let key = self.draws_key(draws);
        let Entry(mut bytes) = read_entry(&self.analysis.join(key.file_name()), KIND_DRAWS, key)?;
        let mut r = Entry::payload_of(&bytes);
        let units = usize::try_from(r.u64()?).ok()?;
        let replicates = usize::try_from(r.u64()?).ok()?;
        bytes.drain(..HEADER_LEN + 16);
        DrawCounts::from_packed(units, replicates, bytes)
    }

    /// Keeps draw counts for the next run (in the analysis folder: the next
    /// bootstrap entry stored removes those it no longer needs).
    pub fn store_draws(&self, draws: u128, counts: &DrawCounts) -> std::io::Result<()> {
        let mut payload = Vec::with_capacity(16 + counts.packed().len());
        put_u64(&mut payload, counts.units() as u64);
        put_u64(&mut payload, counts.replicates() as u64);
        payload.extend_from_slice(counts.packed());
        write_entry(&self.analysis, KIND_DRAWS, self.draws_key(draws), &payload)
    }

    /// The spellings entry for `key`, if there is a valid one.
    pub fn load_spellings(&self, key: Key) -> Option<CorpusSpellings> {
        let entry = read_entry(&self.sources.join(key.file_name()), KIND_SPELLINGS, key)?;
        let mut r = entry.payload();
        let spellings = Spellings::decode(&mut r)?;
        let forms = Spellings::decode_strings(&mut r, true)?;
        let stems = Spellings::decode_strings(&mut r, true)?;
        let n = r.len(4)?;
        let form_of = r.u32s(n)?;
        let n = r.len(4)?;
        let stem_of = r.u32s(n)?;
        let n_segments = r.len(16 + 8 + 8)?;
        let mut segments = FxHashMap::default();
        for _ in 0..n_segments {
            let segment = Key(r.u128()?);
            let fingerprint = r.u64()?;
            let n = r.len(4)?;
            let numbers = r.u32s(n)?;
            if numbers.iter().any(|&k| k as usize >= spellings.len()) {
                return None;
            }
            segments.insert(segment, (fingerprint, numbers));
        }
        let corpus = CorpusSpellings {
            spellings,
            forms,
            stems,
            form_of,
            stem_of,
            segments,
        };
        // Strictly ascending spellings (each once, so its number in the list
        // is its number in the vocabulary built from it), numbered forms and stems.
        (r.remaining() == 0 && corpus.known_forms().is_consistent()).then_some(corpus)
    }

    /// Stores the distinct spellings of a corpus with their forms and stems
    /// (`known.spellings`: sorted, each once, none empty) and, for each
    /// segment entry's table of spellings, the number in that list of each
    /// of its spellings (a spelling not in the list leaves its segment out).
    pub fn store_spellings(
        &self,
        key: Key,
        known: &KnownForms,
        segments: &[(Key, Spellings)],
    ) -> std::io::Result<()> {
        use rayon::prelude::*;
        let list = &known.spellings;
        let table = |strings: &[&str]| {
            let mut table = Spellings::default();
            for s in strings {
                table.push(s);
            }
            table
        };
        let spellings = table(list);
        let number: FxHashMap<&str, u32> = list
            .iter()
            .enumerate()
            .map(|(k, &s)| (s, k as u32))
            .collect();
        let mapped: Vec<(Key, u64, Vec<u32>)> = segments
            .par_iter()
            .filter_map(|(segment, table)| {
                let numbers: Option<Vec<u32>> =
                    table.iter().map(|s| number.get(s).copied()).collect();
                numbers.map(|n| (*segment, table.fingerprint(), n))
            })
            .collect();
        let mut payload = Vec::with_capacity(2 * spellings.text.len() + 12 * list.len() + 64);
        spellings.encode(&mut payload);
        table(&known.forms).encode(&mut payload);
        table(&known.stems).encode(&mut payload);
        for numbers in [&known.form_of, &known.stem_of] {
            put_u64(&mut payload, numbers.len() as u64);
            for &k in numbers {
                put_u32(&mut payload, k);
            }
        }
        put_u64(&mut payload, mapped.len() as u64);
        for (segment, fingerprint, numbers) in &mapped {
            payload.extend_from_slice(&segment.0.to_le_bytes());
            put_u64(&mut payload, *fingerprint);
            put_u64(&mut payload, numbers.len() as u64);
            for &k in numbers {
                put_u32(&mut payload, k);
            }
        }
        write_entry(&self.sources, KIND_SPELLINGS, key, &payload)
    }

    /// Deletes the entries that builds with an older cache format left in
    /// `<output>/.cache/v1` ... `v{FORMAT_VERSION - 1}` (no build reads
    /// them again), then those folders if nothing else is in them.
    pub fn remove_older_formats(&self) -> std::io::Result<()> {
        let Some(cache_dir) = self.root().parent() else {
            return Ok(());
        };
        for version in 1..FORMAT_VERSION {
            let root = cache_dir.join(format!("v{version}"));
            for kind in ["segments", "sources", "files", "charts"] {
                let dir = root.join(kind);
                keep_only(&dir, &[])?;
                // Fails (and is ignored) when the folder is not there or
                // holds something else: only empty folders go.
                let _ = fs::remove_dir(&dir);
            }
            let _ = fs::remove_dir(&root);
        }
        Ok(())
    }

    /// Stores a source entry.
    pub fn store_source(&self, key: Key, counts: &SourceTextCounts) -> std::io::Result<()> {
        let mut payload = Vec::new();
        encode_source(&mut payload, counts);
        write_entry(&self.sources, KIND_SOURCE, key, &payload)
    }
}

/// Hashes a document's bytes as they are read (see [`Cache::document_hasher`]).
pub struct DocumentHasher(Xxh3);

impl DocumentHasher {
    /// Adds bytes of the file.
    pub fn update(&mut self, bytes: &[u8]) {
        self.0.update(bytes);
    }

    /// The document's key.
    pub fn finish(self) -> Key {
        Key(self.0.digest128())
    }
}

/// Everything that changes a document entry or a source entry besides the file bytes.
fn settings_key(config: &Config) -> Key {
    let mut hasher = Xxh3::new();
    hasher.update(&FORMAT_VERSION.to_le_bytes());
    put_str_hash(&mut hasher, env!("CARGO_PKG_VERSION"));
    hasher.update(&CODE_FINGERPRINT.to_le_bytes());
    // The text settings as the report echoes them (defaults filled in).
    let text = serde_json::to_string(&config.raw.text).unwrap_or_default();
    put_str_hash(&mut hasher, &text);
    hasher.update(&(config.window as u64).to_le_bytes());
    Key(hasher.digest128())
}

/// Deletes the entry files of `dir` whose key is not in `keep`. Only entry
/// files are touched; a missing folder has nothing to delete.
fn keep_only(dir: &Path, keep: &[Key]) -> std::io::Result<()> {
    let keep: std::collections::HashSet<String> = keep.iter().map(|k| k.file_name()).collect();
    use std::io::ErrorKind::{NotADirectory, NotFound};
    let entries = match fs::read_dir(dir) {
        Ok(entries) => entries,
        // No folder (or a file in its way, which the stores have reported).
        Err(e) if matches!(e.kind(), NotFound | NotADirectory) => return Ok(()),
        Err(e) => return Err(e),
    };
    for entry in entries {
        let entry = entry?;
        let name = entry.file_name().to_string_lossy().into_owned();
        if is_entry_name(&name) && !keep.contains(&name) {
            fs::remove_file(entry.path())?;
        }
    }
    Ok(())
}

/// Whether a file name is one [`Key::file_name`] makes.
fn is_entry_name(name: &str) -> bool {
    name.strip_suffix(".bin")
        .is_some_and(|hex| hex.len() == 32 && hex.bytes().all(|b| b.is_ascii_hexdigit()))
}

fn put_str_hash(hasher: &mut Xxh3, s: &str) {
    hasher.update(&(s.len() as u64).to_le_bytes());
    hasher.update(s.as_bytes());
}

fn read_entry(path: &Path, kind: u8, key: Key) -> Option<Entry> {
    let mut bytes = Vec::new();
    read_entry_into(path, kind, key, &mut bytes).then_some(Entry(bytes))
}

/// Reads the entry at `path` into `bytes` (replacing what they held);
/// true when it is a valid entry of `kind` for `key`.
fn read_entry_into(path: &Path, kind: u8, key: Key, bytes: &mut Vec<u8>) -> bool {
    use std::io::Read;
    bytes.clear();
    let read = fs::File::open(path).and_then(|mut file| file.read_to_end(bytes));
    read.is_ok() && is_valid_entry(bytes, kind, key)
}

fn is_valid_entry(bytes: &[u8], kind: u8, key: Key) -> bool {
    if bytes.len() < HEADER_LEN || &bytes[..8] != MAGIC {
        return false;
    }
    header_fits(&mut Reader::new(&bytes[8..HEADER_LEN]), bytes, kind, key) == Some(true)
}

/// Whether the header read by `header` is that of `bytes` as an entry of
/// `kind` for `key` (the checksum is computed only if the rest matches).
fn header_fits(header: &mut Reader, bytes: &[u8], kind: u8, key: Key) -> Option<bool> {
    Some(
        header.u32()? == FORMAT_VERSION
            && header.u8()? == kind
            && header.u128()? == key.0
            && header.u64()? == (bytes.len() - HEADER_LEN) as u64
            && xxh3_64(&bytes[HEADER_LEN..]) == header.u64()?,
    )
}

/// A validated entry: the file's bytes, header included.
struct Entry(Vec<u8>);

impl Entry {
    fn payload(&self) -> Reader<'_> {
        Entry::payload_of(&self.0)
    }

    fn payload_of(bytes: &[u8]) -> Reader<'_> {
        Reader::new(&bytes[HEADER_LEN..])
    }
}

fn write_entry(dir: &Path, kind: u8, key: Key, payload: &[u8]) -> std::io::Result<()> {
    fs::create_dir_all(dir)?;
    let mut header = Vec::with_capacity(HEADER_LEN);
    header.extend_from_slice(MAGIC);
    header.extend_from_slice(&FORMAT_VERSION.to_le_bytes());
    header.push(kind);
    header.extend_from_slice(&key.0.to_le_bytes());
    header.extend_from_slice(&(payload.len() as u64).to_le_bytes());
    header.extend_from_slice(&xxh3_64(payload).to_le_bytes());
    let mut file = tempfile::Builder::new()
        .prefix(TEMP_PREFIX)
        .suffix(TEMP_SUFFIX)
        .tempfile_in(dir)?;
    file.write_all(&header)?;
    file.write_all(payload)?;
    file.persist(dir.join(key.file_name()))
        .map_err(|e| e.error)?;
    Ok(())
}

/// Bytes of each spelling number in a segment entry: 2 when the segment's
/// table has at most 65,536 spellings (every segment of news or novels).
fn number_width(spellings: usize) -> usize {
    if spellings <= 1 << 16 {
        2
    } else {
        4
    }
}

/// Decodes the documents, spelling numbers and sentences of the entry in
/// `segment.bytes` (and finds its texts and spans), checking that it has
/// `len` documents, that the columns are exactly as long as the headers
/// say, every spelling number is in the table and the sentences of each
/// document cover its words.
fn decode_segment(segment: &mut CachedSegment, len: usize) -> Option<()> {
    let payload = &segment.bytes[HEADER_LEN..];
    let mut r = Reader::new(payload);
    if r.len(1)? != len {
        return None;
    }
    segment.spellings = Spellings::decode(&mut r)?;
    // (encoding, replaced, text, words, sentences, spans) of each prepared document.
    let mut headers: Vec<Option<(String, u64, [usize; 4])>> = Vec::with_capacity(len);
    let mut totals = [0usize; 4];
    for _ in 0..len {
        headers.push(match r.u8()? {
            0 => None,
            1 => {
                let encoding = r.str()?.to_string();
                let replaced = r.u64()?;
                let mut sizes = [0usize; 4];
                for (size, total) in sizes.iter_mut().zip(&mut totals) {
                    *size = usize::try_from(r.u64()?).ok()?;
                    *total = total.checked_add(*size)?;
                }
                Some((encoding, replaced, sizes))
            }
            _ => return None,
        });
    }
    let [text_total, words_total, sentences_total, spans_total] = totals;
    let width = number_width(segment.spellings.len());
    let numbers = r.take(words_total.checked_mul(width)?)?;
    let n_spellings = segment.spellings.len() as u32;
    segment.spelling.reserve(words_total);
    if width == 2 {
        let numbers = numbers.chunks_exact(2);
        segment
            .spelling
            .extend(numbers.map(|b| u32::from(u16::from_le_bytes([b[0], b[1]]))));
    } else {
        let numbers = numbers.chunks_exact(4);
        segment
            .spelling
            .extend(numbers.map(|b| u32::from_le_bytes([b[0], b[1], b[2], b[3]])));
    }
    if segment.spelling.iter().any(|&k| k >= n_spellings) {
        return None;
    }
    let mut ends = r.take(sentences_total.checked_mul(4)?)?.chunks_exact(4);
    let texts_at = HEADER_LEN + payload.len() - r.remaining();
    r.take(text_total)?;
    let spans_at = HEADER_LEN + payload.len() - r.remaining();
    r.take(spans_total)?;
    if r.remaining() != 0 {
        return None;
    }
    let mut at = [texts_at, 0, 0, spans_at];
    for header in headers {
        let Some((encoding, replaced, [text, words, sentences, spans])) = header else {
            segment.documents.push(SegmentDocument::Uncached);
            continue;
        };
        let first_sentence = segment.sentences.len();
        let mut start = 0;
        for _ in 0..sentences {
            let b = ends.next()?;
            let end = u32::from_le_bytes([b[0], b[1], b[2], b[3]]);
            segment.sentences.push(start..end);
            start = end;
        }
        if !sentences_fit(words, &segment.sentences[first_sentence..]) {
            return None;
        }
        let [text_at, words_at, sentences_at, spans_at] = at;
        segment
            .documents
            .push(SegmentDocument::Prepared(CachedDocument {
                encoding,
                replaced,
                text: text_at..text_at + text,
                spans: spans_at..spans_at + spans,
                words: words_at..words_at + words,
                sentences: sentences_at..sentences_at + sentences,
            }));
        at = [
            text_at + text,
            words_at + words,
            sentences_at + sentences,
            spans_at + spans,
        ];
    }
    Some(())
}

/// Appends `v` as LEB128 (7 bits a byte, low bits first): one byte for
/// most gaps and word lengths.
fn put_varint(out: &mut Vec<u8>, mut v: u32) {
    while v >= 0x80 {
        out.push((v as u8) | 0x80);
        v >>= 7;
    }
    out.push(v as u8);
}

/// Reads a LEB128 number written by [`put_varint`] off the front of `bytes`.
fn read_varint(bytes: &mut &[u8]) -> Option<u32> {
    let mut v: u32 = 0;
    for shift in (0..35).step_by(7) {
        let (&b, rest) = bytes.split_first()?;
        *bytes = rest;
        let low = u32::from(b & 0x7f);
        if shift == 28 && low > 0x0f {
            return None;
        }
        v |= low << shift;
        if b < 0x80 {
            return Some(v);
        }
    }
    None
}

fn encode_source(out: &mut Vec<u8>, c: &SourceTextCounts) {
    put_u64(out, c.words);
    put_u64(out, c.tokens);
    put_u64(out, c.sentences);
    put_u64(out, c.stems.len() as u64);
    for (stem, n) in &c.stems {
        put_str(out, stem);
        put_u64(out, *n);
    }
    put_u64(out, c.forms.len() as u64);
    for (form, stem, n) in &c.forms {
        put_str(out, form);
        put_u32(out, *stem);
        put_u64(out, *n);
    }
    put_u64(out, c.pairs.len() as u64);
    for &(a, b, n) in &c.pairs {
        put_u32(out, a);
        put_u32(out, b);
        put_u64(out, n);
    }
}

/// Decodes a source entry; its pairs only with `pairs` (else they are
/// skipped, and the list is empty).
fn decode_source(r: &mut Reader, pairs: bool) -> Option<SourceTextCounts> {
    let words = r.u64()?;
    let tokens = r.u64()?;
    let sentences = r.u64()?;
    let n = r.len(16)?;
    let stems = (0..n)
        .map(|_| Some((r.str()?.to_string(), r.u64()?)))
        .collect::<Option<Vec<_>>>()?;
    let n = r.len(20)?;
    let forms = (0..n)
        .map(|_| Some((r.str()?.to_string(), r.u32()?, r.u64()?)))
        .collect::<Option<Vec<_>>>()?;
    let n = r.len(16)?;
    let pairs = if pairs {
        (0..n)
            .map(|_| Some((r.u32()?, r.u32()?, r.u64()?)))
            .collect::<Option<Vec<_>>>()?
    } else {
        r.take(n * 16)?;
        Vec::new()
    };
    (r.remaining() == 0).then_some(SourceTextCounts {
        words,
        tokens,
        sentences,
        stems,
        forms,
        pairs,
    })
}

fn encode_file_index(out: &mut Vec<u8>, index: &FileIndex) {
    put_u64(out, index.taken_ns as u64);
    // In path order, so the same index is the same bytes.
    let mut rows: Vec<_> = index.rows.iter().collect();
    rows.sort_by(|a, b| a.0.cmp(b.0));
    put_u64(out, rows.len() as u64);
    for (rel, (stamp, key)) in rows {
        put_str(out, rel);
        put_u64(out, stamp.len);
        put_u64(out, stamp.modified_ns as u64);
        put_u64(out, stamp.changed_ns as u64);
        put_u64(out, stamp.inode);
        put_u64(out, stamp.device);
        out.extend_from_slice(&key.0.to_le_bytes());
    }
}

fn decode_file_index(r: &mut Reader) -> Option<FileIndex> {
    let mut index = FileIndex::new(r.u64()? as i64);
    let n = r.len(8 + 5 * 8 + 16)?;
    index.rows.reserve(n);
    for _ in 0..n {
        let rel = r.str()?.to_string();
        let stamp = FileStamp {
            len: r.u64()?,
            modified_ns: r.u64()? as i64,
            changed_ns: r.u64()? as i64,
            inode: r.u64()?,
            device: r.u64()?,
        };
        index.rows.insert(rel, (stamp, Key(r.u128()?)));
    }
    (r.remaining() == 0).then_some(index)
}

fn encode_digest(out: &mut Vec<u8>, d: &PairDigest) {
    put_u64(out, d.top_pairs.len() as u64);
    for (a, b, n) in &d.top_pairs {
        put_str(out, a);
        put_str(out, b);
        put_u64(out, *n);
    }
    put_u64(out, d.collocations.len() as u64);
    for source in &d.collocations {
        put_str(out, &source.source);
        put_u64(out, source.pairs.len() as u64);
        for c in &source.pairs {
            for s in [&c.a, &c.b, &c.form_b] {
                put_str(out, s);
            }
            for n in [c.count, c.count_a, c.count_b, c.total] {
                put_u64(out, n);
            }
            for x in [c.pmi, c.log_dice, c.g2] {
                put_u64(out, x.to_bits());
            }
        }
    }
    put_u64(out, d.stems.len() as u64);
    for (stem, &m) in d.stems.iter().zip(&d.marginals) {
        put_str(out, stem);
        put_u64(out, m);
    }
    for &start in &d.starts {
        put_u32(out, start);
    }
    put_u64(out, d.collocates.len() as u64);
    for &(k, n) in &d.collocates {
        put_u32(out, k);
        put_u64(out, n);
    }
    put_u64(out, d.source_marginals.len() as u64);
    for list in &d.source_marginals {
        put_u64(out, list.len() as u64);
        for &(k, n) in list {
            put_u32(out, k);
            put_u64(out, n);
        }
    }
}

fn decode_digest(r: &mut Reader) -> Option<PairDigest> {
    let mut d = PairDigest::default();
    for _ in 0..r.len(8 + 8 + 8)? {
        d.top_pairs
            .push((r.str()?.to_string(), r.str()?.to_string(), r.u64()?));
    }
    for _ in 0..r.len(8 + 8)? {
        let source = r.str()?.to_string();
        let mut pairs = Vec::new();
        for _ in 0..r.len(3 * 8 + 7 * 8)? {
            let (a, b, form_b) = (
                r.str()?.to_string(),
                r.str()?.to_string(),
                r.str()?.to_string(),
            );
            let (count, count_a, count_b, total) = (r.u64()?, r.u64()?, r.u64()?, r.u64()?);
            let mut float = || r.u64().map(f64::from_bits);
            let (pmi, log_dice, g2) = (float()?, float()?, float()?);
            pairs.push(Collocation {
                a,
                b,
                form_b,
                count,
                count_a,
                count_b,
                total,
                pmi,
                log_dice,
                g2,
            });
        }
        d.collocations.push(SourceCollocations { source, pairs });
    }
    let n = r.len(8 + 8)?;
    for _ in 0..n {
        d.stems.push(r.str()?.to_string());
        d.marginals.push(r.u64()?);
    }
    d.starts = r.u32s(n.checked_add(1)?)?;
    for _ in 0..r.len(4 + 8)? {
        d.collocates.push((r.u32()?, r.u64()?));
    }
    for _ in 0..r.len(8)? {
        let list = (0..r.len(4 + 8)?)
            .map(|_| Some((r.u32()?, r.u64()?)))
            .collect::<Option<Vec<_>>>()?;
        d.source_marginals.push(list);
    }
    Some(d)
}

fn encode_bootstrap(out: &mut Vec<u8>, memo: &BootstrapMemo) {
    put_u64(out, memo.sources.len() as u64);
    for source in &memo.sources {
        out.extend_from_slice(&source.draws.to_le_bytes());
        put_u64(out, source.words.len() as u64);
        for &w in &source.words {
            put_u64(out, w);
        }
        put_u64(out, source.themes.len() as u64);
        for (key, sums) in &source.themes {
            out.extend_from_slice(&key.to_le_bytes());
            put_u64(out, sums.len() as u64);
            for &h in sums {
                put_u64(out, h);
            }
        }
    }
}

fn decode_bootstrap(r: &mut Reader) -> Option<BootstrapMemo> {
    let mut memo = BootstrapMemo::default();
    let u64s = |r: &mut Reader| -> Option<Vec<u64>> { (0..r.len(8)?).map(|_| r.u64()).collect() };
    for _ in 0..r.len(16 + 8 + 8)? {
        let draws = r.u128()?;
        let words = u64s(r)?;
        let mut themes = Vec::new();
        for _ in 0..r.len(16 + 8)? {
            let key = r.u128()?;
            themes.push((key, u64s(r)?));
        }
        memo.sources.push(MemoSums {
            draws,
            words,
            themes,
        });
    }
    Some(memo)
}

fn put_u32(out: &mut Vec<u8>, v: u32) {
    out.extend_from_slice(&v.to_le_bytes());
}

fn put_u64(out: &mut Vec<u8>, v: u64) {
    out.extend_from_slice(&v.to_le_bytes());
}

fn put_str(out: &mut Vec<u8>, s: &str) {
    put_u64(out, s.len() as u64);
    out.extend_from_slice(s.as_bytes());
}

/// Reads little-endian values; every read is bounds-checked (`None` past the end).
struct Reader<'a> {
    bytes: &'a [u8],
}

impl<'a> Reader<'a> {
    fn new(bytes: &'a [u8]) -> Reader<'a> {
        Reader { bytes }
    }

    fn remaining(&self) -> usize {
        self.bytes.len()
    }

    fn take(&mut self, n: usize) -> Option<&'a [u8]> {
        if n > self.bytes.len() {
            return None;
        }
        let (head, rest) = self.bytes.split_at(n);
        self.bytes = rest;
        Some(head)
    }

    fn u8(&mut self) -> Option<u8> {
        Some(self.take(1)?[0])
    }

    fn u32(&mut self) -> Option<u32> {
        Some(u32::from_le_bytes(self.take(4)?.try_into().ok()?))
    }

    /// `n` consecutive u32 values.
    fn u32s(&mut self, n: usize) -> Option<Vec<u32>> {
        let bytes = self.take(n.checked_mul(4)?)?;
        Some(
            bytes
                .chunks_exact(4)
                .map(|b| u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
                .collect(),
        )
    }

    fn u64(&mut self) -> Option<u64> {
        Some(u64::from_le_bytes(self.take(8)?.try_into().ok()?))
    }

    fn u128(&mut self) -> Option<u128> {
        Some(u128::from_le_bytes(self.take(16)?.try_into().ok()?))
    }

    /// A count of items each at least `min_item_bytes` long: rejected when
    /// the rest of the entry could not hold them (no huge allocation from a
    /// corrupt count).
    fn len(&mut self, min_item_bytes: usize) -> Option<usize> {
        let n = usize::try_from(self.u64()?).ok()?;
        (n.checked_mul(min_item_bytes)? <= self.remaining()).then_some(n)
    }

    fn str(&mut self) -> Option<&'a str> {
        let n = usize::try_from(self.u64()?).ok()?;
        std::str::from_utf8(self.take(n)?).ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Overrides;
    use crate::prepare::prepare;

    /// The module files (relative to `src/`) that the non-test code of
    /// `file` uses: each `crate::a::b::…` path resolved to the deepest of
    /// `a.rs`, `a/mod.rs`, `a/b.rs`, … that exists, and in a `mod.rs`,
    /// each child module it declares and names (`child::`).
    fn modules_used(file: &str, text: &str) -> std::collections::BTreeSet<String> {
        let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
        let code = text.split("#[cfg(test)]\nmod tests").next().unwrap_or(text);
        let resolve = |segments: &[&str]| -> Option<String> {
            let mut dir = PathBuf::new();
            let mut found = None;
            for seg in segments {
                if src.join(&dir).join(seg).is_dir() {
                    dir.push(seg);
                    found = Some(dir.join("mod.rs"));
                } else if src.join(&dir).join(format!("{seg}.rs")).is_file() {
                    found = Some(dir.join(format!("{seg}.rs")));
                    break;
                } else {
                    break;
                }
            }
            found.map(|f| f.to_string_lossy().replace('\\', "/"))
        };
        let mut used = std::collections::BTreeSet::new();
        let ident = |c: char| c.is_ascii_alphanumeric() || c == '_' || c == ':';
        for (at, _) in code.match_indices("crate::") {
            let path: String = code[at + 7..].chars().take_while(|&c| ident(c)).collect();
            let segments: Vec<&str> = path.split("::").filter(|s| !s.is_empty()).collect();
            used.extend(resolve(&segments));
        }
        if let Some(dir) = file.strip_suffix("mod.rs") {
            for line in code.lines() {
                let line = line
                    .trim_start_matches("pub ")
                    .trim_start_matches("pub(crate) ");
                if let Some(child) = line.strip_prefix("mod ").and_then(|l| l.strip_suffix(';')) {
                    if code.contains(&format!("{child}::")) {
                        used.insert(format!("{dir}{child}.rs"));
                    }
                }
            }
        }
        used.remove(file);
        used
    }

    /// A fingerprint that misses a module its files use lets a build whose
    /// change is in that module reuse an older build's entries (byte_runs.rs
    /// was missed once). Each module left out is listed with the reason it
    /// cannot change what an entry holds.
    #[test]
    fn the_code_fingerprints_cover_the_modules_their_files_use() {
        let not_in_entries = [
            (
                "config.rs",
                "the settings an entry depends on are in its key",
            ),
            ("error.rs", "error types and messages"),
            (
                "lexicon.rs",
                "theme and anchor matches, which no entry holds",
            ),
            (
                "report/mod.rs",
                "types, whose layout cache.rs's encoders and decoders spell out",
            ),
            ("report/write.rs", "the names of temporary files"),
            // analyze/mod.rs assembles the report from these; no entry holds their figures.
            ("analyze/balance.rs", "report figures of each run"),
            ("analyze/diagnostics.rs", "report figures of each run"),
            ("analyze/emphasis.rs", "report figures of each run"),
            ("analyze/evidence.rs", "report figures of each run"),
            ("analyze/framing.rs", "report figures of each run"),
            ("analyze/keyness.rs", "report figures of each run"),
            ("analyze/similarity.rs", "report figures of each run"),
        ];
        let listed = |files: &[(&str, &str)], name: &str| files.iter().any(|(f, _)| *f == name);
        // Text-stage entries are keyed by the text stages' fingerprint;
        // analysis entries by both (cache.rs encodes both kinds).
        let text_only: &[&[(&str, &str)]] = &[TEXT_STAGE_FILES];
        let both: &[&[(&str, &str)]] = &[TEXT_STAGE_FILES, ANALYSIS_FILES];
        let checked = TEXT_STAGE_FILES
            .iter()
            .map(|f| (f, if f.0 == "cache.rs" { both } else { text_only }))
            .chain(ANALYSIS_FILES.iter().map(|f| (f, both)));
        let mut missing = Vec::new();
        for (&(file, text), covering) in checked {
            for used in modules_used(file, text) {
                let covered = covering.iter().any(|files| listed(files, &used))
                    || not_in_entries.iter().any(|(m, _)| *m == used);
                if !covered {
                    missing.push(format!("{file} uses {used}"));
                }
            }
        }
        assert!(missing.is_empty(), "not fingerprinted: {missing:?}");
    }

    #[test]
    fn the_module_scan_finds_crate_paths_and_named_children() {
        let text = "use crate::analyze::stats::log_dice;\nuse crate::report::{A, B};\nmod pairs;\nmod unused;\nfn f() { pairs::x(); crate::byte_runs::within(0, 0, 0); }\n#[cfg(test)]\nmod tests { use crate::kwic::X; }";
        let used: Vec<String> = modules_used("count/mod.rs", text).into_iter().collect();
        assert_eq!(
            used,
            [
                "analyze/stats.rs",
                "byte_runs.rs",
                "count/pairs.rs",
                "report/mod.rs"
            ]
        );
    }

    #[test]
    fn a_segments_spellings_are_numbered_by_first_use_whatever_their_length() {
        // 15, 16 and 17 bytes, prefixes of each other, multi-byte
        // characters, repeats: numbered as a map from the text would.
        let words = [
            "internationally",
            "internationalise",
            "internationalised",
            "intern",
            "Iržikevičius",
            "internationalised",
            "Iržikevičiusas-kind",
            "intern",
            "internationally",
            "Iržikevičiusas-kind",
            "a",
        ];
        let mut index = SpellingIndex::default();
        let mut table = Spellings::default();
        let mut naive: FxHashMap<&str, u32> = FxHashMap::default();
        for w in words {
            let next = naive.len() as u32;
            let want = *naive.entry(w).or_insert(next);
            assert_eq!(index.number(w, &mut table), want, "{w}");
        }
        assert_eq!(table.len(), 7);
        assert_eq!(table.get(2), "internationalised");
        assert_eq!(table.get(5), "Iržikevičiusas-kind");
    }

    fn stamp(changed_ns: i64) -> FileStamp {
        FileStamp {
            len: 10,
            modified_ns: changed_ns - 5,
            changed_ns,
            inode: 7,
            device: 1,
        }
    }

    #[test]
    fn file_index_trusts_only_unchanged_settled_stamps() {
        let taken = 100 * RACY_NS;
        let mut index = FileIndex::new(taken);
        let settled = stamp(taken - RACY_NS - 1);
        let racy = stamp(taken - RACY_NS + 1);
        index.rows.insert("s/a.txt".into(), (settled, Key(1)));
        index.rows.insert("s/b.txt".into(), (racy, Key(2)));
        assert_eq!(index.key_of("s/a.txt", &settled), Some(Key(1)));
        // Changed within a clock tick of being examined: hashed again.
        assert_eq!(index.key_of("s/b.txt", &racy), None);
        // Any field of the stamp changed, or another path: hashed again.
        let changes = [
            FileStamp { len: 11, ..settled },
            FileStamp {
                modified_ns: settled.modified_ns + 1,
                ..settled
            },
            FileStamp {
                changed_ns: settled.changed_ns - 1,
                ..settled
            },
            FileStamp {
                inode: 8,
                ..settled
            },
            FileStamp {
                device: 2,
                ..settled
            },
        ];
        for changed in changes {
            assert_eq!(index.key_of("s/a.txt", &changed), None, "{changed:?}");
        }
        assert_eq!(index.key_of("s/c.txt", &settled), None);
    }

    #[test]
    fn file_index_round_trips_per_input_folder() {
        let dir = tempfile::tempdir().unwrap();
        let cache = Cache::new(&config(dir.path(), ""));
        let input = Path::new("/corpus/in");
        assert_eq!(cache.load_file_index(input), FileIndex::default());
        let mut index = FileIndex::new(42 * RACY_NS);
        index.rows.insert("s/a.txt".into(), (stamp(5), Key(9)));
        index.rows.insert("b.md".into(), (stamp(6), Key(u128::MAX)));
        cache.store_file_index(input, &index).unwrap();
        assert_eq!(cache.load_file_index(input), index);
        // Another input folder, or other tokenizer settings, have their own index.
        assert_eq!(
            cache.load_file_index(Path::new("/corpus/other")),
            FileIndex::default()
        );
        let window = Cache::new(&config(dir.path(), "[cooccurrence]\nwindow = 3"));
        assert_eq!(window.load_file_index(input), FileIndex::default());
        // A damaged index is an empty one (every file is hashed again).
        let path = cache.files.join(cache.file_index_key(input).file_name());
        let mut bytes = fs::read(&path).unwrap();
        let last = bytes.len() - 1;
        bytes[last] ^= 1;
        fs::write(&path, bytes).unwrap();
        assert_eq!(cache.load_file_index(input), FileIndex::default());
    }

    fn config(dir: &Path, text_section: &str) -> Config {
        let toml = format!(
            "output = {:?}\n{text_section}\n[anchor]\nlabel = \"mv\"\nterms = [\"multi-vector*\"]\n[themes.t]\nlabel = \"T\"\ngroup = \"frames\"\nterms = [\"trade\"]\n",
            dir.display().to_string()
        );
        Config::from_toml(&toml, "test.toml", Path::new("."), &Overrides::default()).unwrap()
    }

    /// The distinct spellings of [`segment`]'s words, by hand from its two
    /// texts: normalised (the curly apostrophe becomes ASCII), in first-use
    /// order; "Trade" and "trade" are two spellings.
    const SEGMENT_SPELLINGS: [&str; 11] = [
        "Kazakhstan's",
        "multi-vector",
        "policy",
        "A",
        "second",
        "line",
        "here",
        "Trade",
        "trade",
        "and",
        "the",
    ];

    /// A segment as it is stored: per document, `None` or (encoding, replaced, prepared).
    fn segment() -> Vec<Option<(&'static str, u64, Prepared)>> {
        vec![
            Some((
                "UTF-8",
                2,
                prepare(
                    "Kazakhstan’s multi-vector policy.\nA second line here.",
                    &[],
                ),
            )),
            None,
            Some((
                "windows-1252",
                0,
                prepare("Trade, trade and the policy.", &[]),
            )),
        ]
    }

    /// Stores a segment entry; returns its table of spellings.
    fn store(cache: &Cache, key: Key, segment: &[Option<(&str, u64, Prepared)>]) -> Spellings {
        let parts: Vec<Option<(&str, u64, &Prepared)>> = segment
            .iter()
            .map(|d| d.as_ref().map(|(e, r, p)| (*e, *r, p)))
            .collect();
        let (table, written) = cache.store_segment(key, &parts);
        written.unwrap();
        table
    }

    /// A loaded segment holds each stored document's text, tokens and
    /// encoding, and each word's spelling number leads to the word as written.
    fn assert_holds(loaded: &CachedSegment, stored: &[Option<(&str, u64, Prepared)>]) {
        assert_eq!(loaded.documents.len(), stored.len());
        for (got, want) in loaded.documents.iter().zip(stored) {
            match (got, want) {
                (SegmentDocument::Uncached, None) => {}
                (SegmentDocument::Prepared(d), Some((encoding, replaced, p))) => {
                    assert_eq!((d.encoding.as_str(), d.replaced), (*encoding, *replaced));
                    let text = loaded.document(d);
                    let words = text.words();
                    assert_eq!(words.sentences, &p.tokens.sentences[..]);
                    assert_eq!(words.text_len, p.text.len());
                    assert_eq!(text.text(), Some((p.text.as_str(), &p.tokens.words[..])));
                    assert_eq!(words.spelling.len(), p.tokens.words.len());
                    for (i, &k) in words.spelling.iter().enumerate() {
                        assert_eq!(loaded.spelling(k as usize), p.word(i));
                        assert_eq!(text.spelling(k), p.word(i));
                    }
                }
                _ => panic!("document kinds differ"),
            }
        }
    }

    #[test]
    fn segment_entries_round_trip() {
        let dir = tempfile::tempdir().unwrap();
        let cache = Cache::new(&config(dir.path(), ""));
        let key = cache.segment_key("s", [("s/a.txt", Some(Key(1)))]);
        assert!(cache.load_segment(key, 3).is_none());
        store(&cache, key, &segment());
        let loaded = cache.load_segment(key, 3).unwrap();
        assert_holds(&loaded, &segment());
        // One table for the segment: "policy" and "Trade" are listed once
        // though they occur in two documents or twice in one.
        let spellings: Vec<&str> = loaded.spellings().collect();
        assert_eq!(spellings, SEGMENT_SPELLINGS);
        // The wrong length, or another key in the same folder: a miss.
        assert!(cache.load_segment(key, 2).is_none());
        let other = cache.segment_key("s", [("s/a.txt", Some(Key(2)))]);
        assert!(cache.load_segment(other, 3).is_none());
    }

    #[test]
    fn numbers_round_trip_in_leb128() {
        for v in [0, 1, 127, 128, 300, 16_383, 16_384, u32::MAX >> 1, u32::MAX] {
            let mut out = Vec::new();
            put_varint(&mut out, v);
            // 7 bits a byte.
            let expected_len = match v {
                0..=127 => 1,
                128..=16_383 => 2,
                _ if v < 1 << 21 => 3,
                _ if v < 1 << 28 => 4,
                _ => 5,
            };
            assert_eq!(out.len(), expected_len, "{v}");
            let mut bytes = &out[..];
            assert_eq!(read_varint(&mut bytes), Some(v));
            assert!(bytes.is_empty());
        }
        // 300 = 0b10_0101100: low seven bits first, with the high bit set.
        let mut out = Vec::new();
        put_varint(&mut out, 300);
        assert_eq!(out, [0xac, 0x02]);
        // Cut short, or past 32 bits: no number.
        for bad in [&[0x80][..], &[0xff, 0xff, 0xff, 0xff, 0x1f], &[0x80; 6]] {
            let mut bytes = bad;
            assert_eq!(read_varint(&mut bytes), None, "{bad:?}");
        }
    }

    #[test]
    fn a_segment_of_more_than_65536_spellings_round_trips() {
        let dir = tempfile::tempdir().unwrap();
        let cache = Cache::new(&config(dir.path(), ""));
        let text: String = (0..70_000).map(|i| format!("w{i} ")).collect();
        let stored = vec![Some(("UTF-8", 0, prepare(&text, &[]))), None];
        let table = store(&cache, Key(3), &stored);
        assert_eq!(table.len(), 70_000);
        assert_eq!(number_width(table.len()), 4);
        assert_eq!(number_width(1 << 16), 2);
        let loaded = cache.load_segment(Key(3), 2).unwrap();
        assert_holds(&loaded, &stored);
    }

    #[test]
    fn source_entries_round_trip() {
        let dir = tempfile::tempdir().unwrap();
        let cache = Cache::new(&config(dir.path(), ""));
        let counts = SourceTextCounts {
            words: 7,
            tokens: 4,
            sentences: 2,
            stems: vec![("kazakhstan".into(), 1), ("polici".into(), 2)],
            forms: vec![("kazakhstan".into(), 0, 1), ("policy".into(), 1, 2)],
            pairs: vec![(0, 1, 3)],
        };
        let key = cache.source_key("s", [("s/a.txt", Some(Key(1))), ("s/b.txt", None)]);
        cache.store_source(key, &counts).unwrap();
        assert_eq!(cache.load_source(key, true), Some(counts.clone()));
        let without_pairs = SourceTextCounts {
            pairs: Vec::new(),
            ..counts
        };
        assert_eq!(cache.load_source(key, false), Some(without_pairs));
    }

    #[test]
    fn keys_change_with_content_settings_and_document_list() {
        let dir = tempfile::tempdir().unwrap();
        let plain = Cache::new(&config(dir.path(), ""));
        let stop = Cache::new(&config(
            dir.path(),
            "[text]\nextra_stopwords = [\"policy\"]",
        ));
        let window = Cache::new(&config(dir.path(), "[cooccurrence]\nwindow = 3"));
        let a = plain.document_key(b"abc");
        assert_eq!(a, plain.document_key(b"abc"));
        assert_ne!(a, plain.document_key(b"abd"));
        assert_ne!(a, stop.document_key(b"abc"));
        assert_ne!(a, window.document_key(b"abc"));
        // Streaming the bytes in pieces gives the same key.
        let mut h = plain.document_hasher();
        h.update(b"a");
        h.update(b"bc");
        assert_eq!(h.finish(), a);
        let one = plain.source_key("s", [("s/a.txt", Some(a))]);
        assert_ne!(one, plain.segment_key("s", [("s/a.txt", Some(a))]));
        assert_ne!(one, plain.source_key("t", [("s/a.txt", Some(a))]));
        assert_ne!(one, plain.source_key("s", [("s/b.txt", Some(a))]));
        assert_ne!(one, plain.source_key("s", [("s/a.txt", None)]));
        assert_ne!(
            one,
            plain.source_key("s", [("s/a.txt", Some(a)), ("s/b.txt", Some(a))])
        );
    }

    #[test]
    fn spelling_entries_round_trip_and_damage_is_a_miss() {
        let dir = tempfile::tempdir().unwrap();
        let cache = Cache::new(&config(dir.path(), ""));
        let key = cache.spellings_key(&[Key(1), Key(2)]);
        assert_ne!(key, cache.spellings_key(&[Key(2), Key(1)]));
        // "Trade" and "trade" share a form; "trades" has its own form, with
        // the same stem; "the" is its own; an empty stem is allowed.
        let known = KnownForms {
            spellings: vec!["Kazakhstan’s", "Trade", "the", "trade", "trades"],
            forms: vec!["kazakhstan", "trade", "the", "trades"],
            stems: vec!["kazakhstan", "trade", ""],
            form_of: vec![0, 1, 2, 1, 3],
            stem_of: vec![0, 1, 2, 1],
        };
        assert!(known.is_consistent());
        cache.store_spellings(key, &known, &[]).unwrap();
        assert_eq!(cache.load_spellings(key).unwrap().known_forms(), known);
        let path = cache.sources.join(key.file_name());
        let mut bytes = fs::read(&path).unwrap();
        let last = bytes.len() - 1;
        bytes[last] ^= 0x55;
        fs::write(&path, &bytes).unwrap();
        assert!(cache.load_spellings(key).is_none());
        // Well formed, but a spelling ends inside a character: the first
        // spelling's end follows the text and the count of spellings.
        cache.store_spellings(key, &known, &[]).unwrap();
        let mut bytes = fs::read(&path).unwrap();
        let text_len: usize = known.spellings.iter().map(|s| s.len()).sum();
        let at = HEADER_LEN + 8 + text_len + 8;
        assert_eq!(bytes[at..at + 4], 14u32.to_le_bytes());
        bytes[at..at + 4].copy_from_slice(&11u32.to_le_bytes());
        rewrite_checksum(&path, &mut bytes);
        assert!(cache.load_spellings(key).is_none());
        // Not in order, or a spelling twice: numbers would not be vocabulary
        // ids. A form number that is not the next new one, a stem number
        // out of range, or a number too few: forms and stems would not be
        // those the spellings give.
        let mut broken = Vec::new();
        for spellings in [
            vec!["Kazakhstan’s", "Trade", "the", "trades", "trade"],
            vec!["Kazakhstan’s", "Trade", "the", "the", "trades"],
        ] {
            broken.push(KnownForms {
                spellings,
                ..known.clone()
            });
        }
        for form_of in [vec![0, 2, 1, 1, 3], vec![0, 1, 2, 1, 4], vec![0, 1, 2, 1]] {
            broken.push(KnownForms {
                form_of,
                ..known.clone()
            });
        }
        for stem_of in [vec![0, 1, 3, 1], vec![0, 2, 1, 1], vec![0, 1, 2]] {
            broken.push(KnownForms {
                stem_of,
                ..known.clone()
            });
        }
        for bad in broken {
            assert!(!bad.is_consistent(), "{bad:?}");
            cache.store_spellings(key, &bad, &[]).unwrap();
            assert!(cache.load_spellings(key).is_none(), "{bad:?}");
        }
    }

    /// Each spelling its own form and stem.
    fn known<'a>(list: &[&'a str]) -> KnownForms<'a> {
        let numbers: Vec<u32> = (0..list.len() as u32).collect();
        KnownForms {
            spellings: list.to_vec(),
            forms: list.to_vec(),
            stems: list.to_vec(),
            form_of: numbers.clone(),
            stem_of: numbers,
        }
    }

    #[test]
    fn bootstrap_entries_round_trip_and_bad_ones_are_empty() {
        let dir = tempfile::tempdir().unwrap();
        let cache = Cache::new(&config(dir.path(), ""));
        assert_eq!(cache.load_bootstrap(), BootstrapMemo::default());
        let memo = BootstrapMemo {
            sources: vec![MemoSums {
                draws: 7,
                words: vec![100, 110],
                themes: vec![(8, vec![1, 2]), (9, vec![0, 0])],
            }],
        };
        // An entry of other settings is removed when this one is stored.
        let other = Cache::new(&config(dir.path(), "[text]\nextra_stopwords = [\"oil\"]"));
        other.store_bootstrap(&memo).unwrap();
        cache.store_bootstrap(&memo).unwrap();
        assert_eq!(fs::read_dir(&cache.analysis).unwrap().count(), 1);
        assert_eq!(cache.load_bootstrap(), memo);
        // Sums of another length than the words: not used.
        let mut short = memo.clone();
        short.sources[0].themes[1].1.pop();
        cache.store_bootstrap(&short).unwrap();
        assert_eq!(cache.load_bootstrap(), BootstrapMemo::default());
        // A flipped byte fails the checksum.
        cache.store_bootstrap(&memo).unwrap();
        let path = cache.analysis.join(cache.bootstrap_key().file_name());
        let mut bytes = fs::read(&path).unwrap();
        let last = bytes.len() - 1;
        bytes[last] ^= 1;
        fs::write(&path, &bytes).unwrap();
        assert_eq!(cache.load_bootstrap(), BootstrapMemo::default());
    }

    /// A small digest whose parts fit together (two stems, one pair).
    fn small_digest() -> PairDigest {
        PairDigest {
            top_pairs: vec![("multivector".into(), "polici".into(), 3)],
            collocations: vec![SourceCollocations {
                source: "*".into(),
                pairs: vec![Collocation {
                    a: "multivector".into(),
                    b: "polici".into(),
                    form_b: "policy".into(),
                    count: 3,
                    count_a: 3,
                    count_b: 3,
                    total: 6,
                    pmi: 1.0,
                    log_dice: 14.0,
                    g2: 8.317_766_166_719_343,
                }],
            }],
            stems: vec!["multivector".into(), "polici".into()],
            marginals: vec![3, 3],
            source_marginals: vec![vec![(0, 3), (1, 3)]],
            starts: vec![0, 1, 2],
            collocates: vec![(1, 3), (0, 3)],
        }
    }

    #[test]
    fn digest_entries_round_trip_and_inconsistent_ones_are_a_miss() {
        let dir = tempfile::tempdir().unwrap();
        let cache = Cache::new(&config(dir.path(), ""));
        let key = cache.digest_key(&[Key(1), Key(2)], 3, 10, 20);
        // Another order of sources, or another setting, is another digest.
        assert_ne!(key, cache.digest_key(&[Key(2), Key(1)], 3, 10, 20));
        assert_ne!(key, cache.digest_key(&[Key(1), Key(2)], 2, 10, 20));
        assert_ne!(key, cache.digest_key(&[Key(1), Key(2)], 3, 11, 20));
        assert_ne!(key, cache.digest_key(&[Key(1), Key(2)], 3, 10, 21));
        assert!(cache.load_digest(key).is_none());
        let digest = small_digest();
        assert!(digest.is_consistent());
        cache.store_digest(key, &digest).unwrap();
        assert_eq!(cache.load_digest(key), Some(digest.clone()));
        // A collocate numbered past the stems, stems out of order, or a
        // source's marginals out of order: well formed, but not used.
        let mut past = digest.clone();
        past.collocates[0].0 = 2;
        let mut unordered = digest.clone();
        unordered.stems.swap(0, 1);
        let mut marginals = digest.clone();
        marginals.source_marginals[0].swap(0, 1);
        for bad in [past, unordered, marginals] {
            assert!(!bad.is_consistent());
            cache.store_digest(key, &bad).unwrap();
            assert!(cache.load_digest(key).is_none());
        }
        // A flipped byte fails the checksum.
        cache.store_digest(key, &digest).unwrap();
        let path = cache.sources.join(key.file_name());
        let mut bytes = fs::read(&path).unwrap();
        bytes[HEADER_LEN + 3] ^= 0x55;
        fs::write(&path, &bytes).unwrap();
        assert!(cache.load_digest(key).is_none());
    }

    /// Writes `bytes` to `path` with the checksum their payload now has.
    fn rewrite_checksum(path: &Path, bytes: &mut [u8]) {
        let checksum = xxh3_64(&bytes[HEADER_LEN..]);
        bytes[HEADER_LEN - 8..HEADER_LEN].copy_from_slice(&checksum.to_le_bytes());
        fs::write(path, &bytes).unwrap();
    }

    #[test]
    fn spellings_entry_numbers_each_segments_spellings_in_the_corpus_list() {
        let dir = tempfile::tempdir().unwrap();
        let cache = Cache::new(&config(dir.path(), ""));
        let table = store(&cache, Key(1), &segment());
        let words = SEGMENT_SPELLINGS;
        assert_eq!(table.list(), words);
        let mut list = words.to_vec();
        list.push("zebra");
        list.sort_unstable();
        let other = Spellings::default();
        let mut missing = Spellings::default();
        missing.push("not-in-the-list");
        let key = Key(9);
        let segments = [(Key(1), table.clone()), (Key(2), other), (Key(3), missing)];
        cache
            .store_spellings(key, &known(&list), &segments)
            .unwrap();
        let loaded = cache.load_spellings(key).unwrap();
        assert_eq!(loaded.spellings.list(), list);
        let numbers = loaded.numbers_of(Key(1), &table).unwrap();
        let expected: Vec<u32> = words
            .iter()
            .map(|w| list.iter().position(|s| s == w).unwrap() as u32)
            .collect();
        assert_eq!(numbers, expected);
        // Another table under the same key, an unknown segment, and a segment
        // with a spelling the list lacks (left out) have no numbers.
        let mut changed = Spellings::default();
        for w in words.iter().rev() {
            changed.push(w);
        }
        assert!(loaded.numbers_of(Key(1), &changed).is_none());
        assert!(loaded.numbers_of(Key(4), &table).is_none());
        assert_eq!(
            loaded.numbers_of(Key(2), &Spellings::default()),
            Some(&[][..])
        );
        let mut missing = Spellings::default();
        missing.push("not-in-the-list");
        assert!(loaded.numbers_of(Key(3), &missing).is_none());
        // A number past the end of the list makes the entry a miss.
        let path = cache.sources.join(key.file_name());
        let mut bytes = fs::read(&path).unwrap();
        let n = bytes.len();
        let at = (0..n - 4)
            .rev()
            .find(|&i| bytes[i..i + 4] == (expected[0]).to_le_bytes())
            .unwrap();
        bytes[at..at + 4].copy_from_slice(&(list.len() as u32).to_le_bytes());
        rewrite_checksum(&path, &mut bytes);
        assert!(cache.load_spellings(key).is_none());
    }

    #[test]
    fn entries_of_older_formats_are_deleted_and_nothing_else() {
        let dir = tempfile::tempdir().unwrap();
        let cache = Cache::new(&config(dir.path(), ""));
        let old = dir.path().join(".cache/v3/segments");
        fs::create_dir_all(&old).unwrap();
        fs::write(old.join(Key(5).file_name()), "old entry").unwrap();
        let kept = dir.path().join(".cache/v2/sources");
        fs::create_dir_all(&kept).unwrap();
        fs::write(kept.join("notes.txt"), "not an entry").unwrap();
        fs::write(kept.join(Key(6).file_name()), "old entry").unwrap();
        let current = cache.sources.join(Key(7).file_name());
        cache.store_spellings(Key(7), &known(&["a"]), &[]).unwrap();
        cache.remove_older_formats().unwrap();
        assert!(!dir.path().join(".cache/v3").exists());
        assert!(kept.join("notes.txt").exists() && !kept.join(Key(6).file_name()).exists());
        assert!(current.exists());
    }

    #[test]
    fn damaged_entries_are_misses() {
        let dir = tempfile::tempdir().unwrap();
        let cache = Cache::new(&config(dir.path(), ""));
        let key = cache.segment_key("s", [("s/a.txt", Some(Key(7)))]);
        store(&cache, key, &segment());
        let path = cache.segments.join(key.file_name());
        let good = fs::read(&path).unwrap();
        // Truncated, one payload byte flipped, wrong format version, empty.
        let mut flipped = good.clone();
        let last = flipped.len() - 1;
        flipped[last] ^= 0x55;
        let mut version = good.clone();
        version[8] ^= 1;
        for bad in [
            good[..good.len() - 3].to_vec(),
            flipped,
            version,
            Vec::new(),
        ] {
            fs::write(&path, &bad).unwrap();
            assert!(cache.load_segment(key, 3).is_none());
        }
        // A well-formed entry whose content breaks the invariants is not trusted
        // either: a sentence past the last word.
        let mut broken = segment();
        if let Some((_, _, p)) = &mut broken[2] {
            p.tokens.sentences[0].end = 99;
        }
        store(&cache, key, &broken);
        assert!(cache.load_segment(key, 3).is_none());
        // A word past the text, or before the previous one: the text and
        // spans are checked when a document's text is asked for, and that
        // document has none (the other documents do).
        for (word, span) in [
            (
                3,
                Word {
                    start: 16,
                    end: 999,
                },
            ),
            (4, Word { start: 1, end: 2 }),
        ] {
            let mut broken = segment();
            let mut p = prepare("the trade and the trade.", &[]);
            // Not the first use of its spelling, so storing never reads it.
            p.tokens.words[word] = span;
            broken[2] = Some(("UTF-8", 0, p));
            store(&cache, key, &broken);
            let loaded = cache.load_segment(key, 3).unwrap();
            let text_of = |i: usize| match &loaded.documents[i] {
                SegmentDocument::Prepared(d) => loaded.document(d).text().is_some(),
                SegmentDocument::Uncached => panic!("document {i} is kept"),
            };
            assert!(text_of(0) && !text_of(2), "{span:?}");
        }
        // Text that is not UTF-8 (the last document's text is the end of
        // the texts column, just before the spans): no text either.
        store(&cache, key, &segment());
        let mut bytes = fs::read(&path).unwrap();
        let loaded = cache.load_segment(key, 3).unwrap();
        let SegmentDocument::Prepared(last) = &loaded.documents[2] else {
            panic!("document 2 is kept");
        };
        bytes[last.text.start] = 0xff;
        rewrite_checksum(&path, &mut bytes);
        let loaded = cache.load_segment(key, 3).unwrap();
        let SegmentDocument::Prepared(last) = &loaded.documents[2] else {
            panic!("document 2 is kept");
        };
        assert!(loaded.document(last).text().is_none());
        // An entry stored under one key and renamed to another is rejected.
        let other = cache.segment_key("s", [("s/b.txt", Some(Key(7)))]);
        store(&cache, key, &segment());
        fs::copy(&path, cache.segments.join(other.file_name())).unwrap();
        assert!(cache.load_segment(other, 3).is_none());
    }
}
