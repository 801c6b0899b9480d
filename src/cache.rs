//! The tokenized-corpus cache in `<output>/.cache/`: what a re-run after a
//! lexicon, analysis or chart edit reuses instead of reading, normalising,
//! tokenizing, stemming and counting again.
//!
//! Two kinds of entry, both content-addressed (the file name is the key):
//! - a **segment** entry: a run of consecutive documents of one source, each
//!   prepared for counting ([`Prepared`]: normalised text, words, sentences,
//!   spellings) with its encoding; keyed by the tokenizer settings, the
//!   source id and each document's path and key (a hash of the file's bytes).
//!   One file holds many short articles, so a corpus of 10^5 articles is a few
//!   hundred cache files, not 10^5;
//! - a **source** entry: the source's lexicon-independent counts
//!   ([`SourceTextCounts`]: words, tokens, sentences, terms, pairs), keyed by
//!   the tokenizer settings, the source id and every document's path and key.
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
use std::path::{Path, PathBuf};

use xxhash_rust::xxh3::{xxh3_64, Xxh3};

use crate::config::Config;
use crate::count::SourceTextCounts;
use crate::prepare::Prepared;
use crate::report::write::{TEMP_PREFIX, TEMP_SUFFIX};
use crate::tokenize::{Tokens, Word};

/// Bumped whenever the layout of an entry changes.
const FORMAT_VERSION: u32 = 2;
const MAGIC: &[u8; 8] = b"FSCACHE\0";
const KIND_SEGMENT: u8 = 3;
const KIND_SOURCE: u8 = 2;
/// magic, version, kind, key, payload length, checksum.
const HEADER_LEN: usize = 8 + 4 + 1 + 16 + 8 + 8;

/// A hash of the source code of every stage whose output the cache holds, so
/// that a build with a changed tokenizer never reuses an older build's entries.
const CODE_FINGERPRINT: u64 = fnv1a(&[
    include_str!("ingest.rs"),
    include_str!("normalize.rs"),
    include_str!("tokenize.rs"),
    include_str!("prepare.rs"),
    include_str!("stem.rs"),
    include_str!("count/mod.rs"),
    include_str!("count/pairs.rs"),
    include_str!("cache.rs"),
]);

const fn fnv1a(parts: &[&str]) -> u64 {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    let mut p = 0;
    while p < parts.len() {
        let bytes = parts[p].as_bytes();
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

/// A document as the cache keeps it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CachedDocument {
    /// Encoding the file was decoded with.
    pub encoding: String,
    /// Byte sequences replaced by U+FFFD while decoding.
    pub replaced: u64,
    /// The document prepared for counting.
    pub prepared: Prepared,
}

/// One document of a segment entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SegmentDocument {
    /// Prepared and kept.
    Prepared(CachedDocument),
    /// Not kept (too large to keep, or skipped): read from its file each run.
    Uncached,
}

/// The cache of one output folder for one set of tokenizer settings.
#[derive(Debug, Clone)]
pub struct Cache {
    segments: PathBuf,
    sources: PathBuf,
    settings: Key,
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
            settings: settings_key(config),
        }
    }

    /// The folders entries are written to (a killed run may leave temporary files there).
    pub fn folders(&self) -> [&Path; 2] {
        [&self.segments, &self.sources]
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

    /// A segment entry of `len` documents, if there is a valid one for `key`.
    pub fn load_segment(&self, key: Key, len: usize) -> Option<Vec<SegmentDocument>> {
        let payload = read_entry(&self.segments.join(key.file_name()), KIND_SEGMENT, key)?;
        let mut r = Reader::new(&payload);
        if r.len(1)? != len {
            return None;
        }
        let mut documents = Vec::with_capacity(len);
        for _ in 0..len {
            documents.push(match r.u8()? {
                0 => SegmentDocument::Uncached,
                1 => {
                    let d = decode_document(&mut r)?;
                    if !d.prepared.is_consistent() {
                        return None;
                    }
                    SegmentDocument::Prepared(d)
                }
                _ => return None,
            });
        }
        (r.remaining() == 0).then_some(documents)
    }

    /// Stores a segment entry: per document, `None` or (encoding, replaced bytes, prepared text).
    pub fn store_segment(
        &self,
        key: Key,
        documents: &[Option<(&str, u64, &Prepared)>],
    ) -> std::io::Result<()> {
        let mut payload = Vec::new();
        put_u64(&mut payload, documents.len() as u64);
        for d in documents {
            match d {
                None => payload.push(0),
                Some((encoding, replaced, prepared)) => {
                    payload.push(1);
                    encode_document(&mut payload, encoding, *replaced, prepared);
                }
            }
        }
        write_entry(&self.segments, KIND_SEGMENT, key, &payload)
    }

    /// A source entry, if there is a valid one for `key`.
    pub fn load_source(&self, key: Key) -> Option<SourceTextCounts> {
        let payload = read_entry(&self.sources.join(key.file_name()), KIND_SOURCE, key)?;
        let counts = decode_source(&mut Reader::new(&payload))?;
        counts.is_consistent().then_some(counts)
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

fn put_str_hash(hasher: &mut Xxh3, s: &str) {
    hasher.update(&(s.len() as u64).to_le_bytes());
    hasher.update(s.as_bytes());
}

fn read_entry(path: &Path, kind: u8, key: Key) -> Option<Vec<u8>> {
    let bytes = fs::read(path).ok()?;
    if bytes.len() < HEADER_LEN || &bytes[..8] != MAGIC {
        return None;
    }
    let mut header = Reader::new(&bytes[8..HEADER_LEN]);
    let valid = header.u32()? == FORMAT_VERSION
        && header.u8()? == kind
        && header.u128()? == key.0
        && header.u64()? == (bytes.len() - HEADER_LEN) as u64;
    let checksum = header.u64()?;
    let payload = &bytes[HEADER_LEN..];
    (valid && xxh3_64(payload) == checksum).then(|| payload.to_vec())
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

fn encode_document(out: &mut Vec<u8>, encoding: &str, replaced: u64, p: &Prepared) {
    put_str(out, encoding);
    put_u64(out, replaced);
    put_str(out, &p.text);
    put_u64(out, p.tokens.words.len() as u64);
    for w in &p.tokens.words {
        put_u32(out, w.start);
        put_u32(out, w.end);
    }
    put_u64(out, p.tokens.sentences.len() as u64);
    for s in &p.tokens.sentences {
        put_u32(out, s.end);
    }
    put_u64(out, p.first_use.len() as u64);
    for &w in &p.first_use {
        put_u32(out, w);
    }
    for &k in &p.spelling {
        put_u32(out, k);
    }
}

fn decode_document(r: &mut Reader) -> Option<CachedDocument> {
    let encoding = r.str()?.to_string();
    let replaced = r.u64()?;
    let text = r.str()?.to_string();
    let n_words = r.len(8)?;
    let mut words = Vec::with_capacity(n_words);
    for _ in 0..n_words {
        words.push(Word {
            start: r.u32()?,
            end: r.u32()?,
        });
    }
    let n_sentences = r.len(4)?;
    let mut sentences = Vec::with_capacity(n_sentences);
    let mut start = 0;
    for _ in 0..n_sentences {
        let end = r.u32()?;
        sentences.push(start..end);
        start = end;
    }
    let n_spellings = r.len(4)?;
    let first_use = (0..n_spellings)
        .map(|_| r.u32())
        .collect::<Option<Vec<u32>>>()?;
    if r.remaining() < n_words * 4 {
        return None;
    }
    let spelling = (0..n_words)
        .map(|_| r.u32())
        .collect::<Option<Vec<u32>>>()?;
    Some(CachedDocument {
        encoding,
        replaced,
        prepared: Prepared {
            text,
            tokens: Tokens { words, sentences },
            spelling,
            first_use,
        },
    })
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

fn decode_source(r: &mut Reader) -> Option<SourceTextCounts> {
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
    let pairs = (0..n)
        .map(|_| Some((r.u32()?, r.u32()?, r.u64()?)))
        .collect::<Option<Vec<_>>>()?;
    (r.remaining() == 0).then_some(SourceTextCounts {
        words,
        tokens,
        sentences,
        stems,
        forms,
        pairs,
    })
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

    fn config(dir: &Path, text_section: &str) -> Config {
        let toml = format!(
            "output = {:?}\n{text_section}\n[anchor]\nlabel = \"mv\"\nterms = [\"multi-vector*\"]\n[themes.t]\nlabel = \"T\"\ngroup = \"frames\"\nterms = [\"trade\"]\n",
            dir.display().to_string()
        );
        Config::from_toml(&toml, "test.toml", Path::new("."), &Overrides::default()).unwrap()
    }

    fn document(text: &str) -> CachedDocument {
        CachedDocument {
            encoding: "UTF-8".into(),
            replaced: 2,
            prepared: prepare(text, &[]),
        }
    }

    fn segment() -> Vec<SegmentDocument> {
        vec![
            SegmentDocument::Prepared(document(
                "Kazakhstan’s multi-vector policy.\nA second line here.",
            )),
            SegmentDocument::Uncached,
            SegmentDocument::Prepared(document("Trade, trade and oil.")),
        ]
    }

    fn store(cache: &Cache, key: Key, segment: &[SegmentDocument]) {
        let parts: Vec<Option<(&str, u64, &Prepared)>> = segment
            .iter()
            .map(|d| match d {
                SegmentDocument::Prepared(c) => {
                    Some((c.encoding.as_str(), c.replaced, &c.prepared))
                }
                SegmentDocument::Uncached => None,
            })
            .collect();
        cache.store_segment(key, &parts).unwrap();
    }

    #[test]
    fn segment_entries_round_trip() {
        let dir = tempfile::tempdir().unwrap();
        let cache = Cache::new(&config(dir.path(), ""));
        let key = cache.segment_key("s", [("s/a.txt", Some(Key(1)))]);
        assert!(cache.load_segment(key, 3).is_none());
        store(&cache, key, &segment());
        assert_eq!(cache.load_segment(key, 3), Some(segment()));
        // The wrong length, or another key in the same folder: a miss.
        assert!(cache.load_segment(key, 2).is_none());
        let other = cache.segment_key("s", [("s/a.txt", Some(Key(2)))]);
        assert!(cache.load_segment(other, 3).is_none());
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
        assert_eq!(cache.load_source(key), Some(counts));
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
        // A well-formed entry whose content breaks the invariants is not trusted either.
        let mut broken = segment();
        if let SegmentDocument::Prepared(d) = &mut broken[2] {
            d.prepared.spelling[0] = 99;
        }
        store(&cache, key, &broken);
        assert!(cache.load_segment(key, 3).is_none());
        // An entry stored under one key and renamed to another is rejected.
        let other = cache.segment_key("s", [("s/b.txt", Some(Key(7)))]);
        store(&cache, key, &segment());
        fs::copy(&path, cache.segments.join(other.file_name())).unwrap();
        assert!(cache.load_segment(other, 3).is_none());
    }
}
