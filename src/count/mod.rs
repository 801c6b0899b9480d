//! Integer tallies: one document's text in, counts out; tallies merge.
//!
//! [`Tally::add_document`] is the whole per-document pipeline (normalise,
//! tokenize, stem, count, match the lexicon) and the only place that does it.
//! A `Tally` holds counts for any number of documents of any sources; two
//! tallies [`merge`](Tally::merge) into one with the same counts as if every
//! document had been added to one tally, which is what lets `pipeline` run
//! documents in parallel (fold) and combine the partial tallies (reduce).
//!
//! Terms are interned: each tally has its own vocabulary mapping a surface
//! word to its form, stem and lexicon matches, computed once per distinct
//! word, or shares one built before counting (a cached re-run; see
//! [`Vocab`]). Ids are local to a vocabulary, so nothing outside this module
//! sees them: results leave through string-keyed accessors.

mod interner;
mod pairs;

use std::borrow::Cow;
use std::ops::Range;
use std::sync::Arc;

use compact_str::CompactString;
use rustc_hash::FxHashMap;

use crate::config::Config;
use crate::lexicon::{Match, Matcher, WordMatches, ANCHOR_LIST};
use crate::prepare::{prepare, Prepared};
use crate::stem::form_of;
use crate::tokenize::{TokenView, Word};
use interner::Interner;
use pairs::{pair_ids, pair_key, PairTable, PendingPairs};

/// Everything a document needs that is built once per run and shared.
pub struct Analyzer<'a> {
    /// The validated configuration.
    pub config: &'a Config,
    matcher: Matcher<'a>,
    /// Per source: keep per-sentence figures (for resampling by sentence)?
    sentence_units: Vec<bool>,
}

impl<'a> Analyzer<'a> {
    /// Prepares the lexicon matcher. `documents_per_source` decides which
    /// sources are resampled by sentence (fewer documents than
    /// `analysis.document_units_from`); those keep per-sentence figures.
    pub fn new(config: &'a Config, documents_per_source: &[usize]) -> Analyzer<'a> {
        let from = config.raw.analysis.document_units_from;
        Analyzer {
            config,
            matcher: config.lexicon.matcher(&config.stemmer),
            sentence_units: documents_per_source.iter().map(|&n| n < from).collect(),
        }
    }

    fn keeps_sentences(&self, source: usize) -> bool {
        self.sentence_units.get(source).copied().unwrap_or(true)
    }
}

/// Per cached source: the vocabulary's id of each of its stems and of each
/// of its forms, when it has one.
type KnownIds = (Vec<Option<u32>>, Vec<Option<u32>>);

/// What a distinct surface word is, computed once.
#[derive(Debug, Clone)]
struct WordInfo {
    form: u32,
    stem: u32,
    content: bool,
    matches: KeptMatches,
}

/// A word's lexicon matches, boxed: most words match nothing, and an
/// unboxed [`WordMatches`] (two empty vectors, 48 bytes) was two thirds of
/// every vocabulary entry. Entries are read for each distinct spelling of
/// each document; at 24 bytes instead of 64 more of them stay in cache.
#[derive(Debug, Clone, Default)]
struct KeptMatches(Option<Box<WordMatches>>);

/// What a word without matches matches.
static NO_MATCHES: WordMatches = WordMatches {
    single: Vec::new(),
    phrase_words: Vec::new(),
};

impl KeptMatches {
    fn of(matches: WordMatches) -> KeptMatches {
        KeptMatches((!matches.is_empty()).then(|| Box::new(matches)))
    }

    fn get(&self) -> &WordMatches {
        self.0.as_deref().unwrap_or(&NO_MATCHES)
    }

    fn is_empty(&self) -> bool {
        self.0.is_none()
    }
}

/// A tally's vocabulary: every distinct spelling it met, with its form and
/// stem interned. Tallies hold it behind an [`Arc`] and copy it on the first
/// write, so the workers of a cached re-run can share one vocabulary built
/// before counting ([`Vocab::of_known_forms`]): they then never stem or match a
/// word twice, and merging them needs no re-mapping of stems.
#[derive(Debug, Default, Clone)]
pub struct Vocab {
    /// Spellings are keyed inline (most words fit in 24 bytes), so a lookup
    /// compares bytes already in the table instead of following a pointer.
    by_surface: FxHashMap<CompactString, u32>,
    words: Vec<WordInfo>,
    forms: Interner,
    /// Stem id of each form id.
    form_stem: Vec<u32>,
    stems: Interner,
}

/// What [`Vocab::insert`] needs to know about a new spelling.
struct NewWord {
    form: String,
    stem: String,
    content: bool,
    matches: WordMatches,
}

impl NewWord {
    /// Stems, classifies and matches one spelling.
    #[cfg(test)]
    fn of(surface: &str, analyzer: &Analyzer) -> NewWord {
        let form = form_of(surface);
        let stem = analyzer.config.stemmer.stem(&form);
        NewWord::with_stem(surface, form, stem, analyzer)
    }

    /// The same when the form and its stem are known.
    fn with_stem(surface: &str, form: String, stem: String, analyzer: &Analyzer) -> NewWord {
        let stemmer = &analyzer.config.stemmer;
        NewWord {
            content: !stemmer.is_stopword(&form),
            matches: analyzer.matcher.match_stemmed(surface, &form, &stem),
            form,
            stem,
        }
    }
}

/// What a vocabulary knows of its spellings that does not depend on the
/// lexicons: each spelling (sorted, each once), its form and the stem of that
/// form, the forms and stems numbered in order of first use along the
/// spellings, which is the order a vocabulary built by stemming the sorted
/// spellings one by one interns them in.
/// The cache keeps it ([`Vocab::known_forms`]), so a re-run builds its
/// vocabulary without stemming again ([`Vocab::of_known_forms`]).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct KnownForms<'a> {
    pub spellings: Vec<&'a str>,
    pub forms: Vec<&'a str>,
    pub stems: Vec<&'a str>,
    /// Per spelling: the number of its form.
    pub form_of: Vec<u32>,
    /// Per form: the number of its stem.
    pub stem_of: Vec<u32>,
}

impl KnownForms<'_> {
    /// Whether this can describe a vocabulary: spellings strictly ascending,
    /// one form number per spelling and one stem number per form, each
    /// number in range and the next new one at its first use.
    pub fn is_consistent(&self) -> bool {
        let ascending = self.spellings.windows(2).all(|w| w[0] < w[1]);
        let mut forms_seen = 0;
        let mut stems_seen = 0;
        let first_uses = self.form_of.iter().all(|&f| {
            let f = f as usize;
            if f < forms_seen {
                return true;
            }
            if f > forms_seen {
                return false;
            }
            forms_seen += 1;
            let Some(&stem) = self.stem_of.get(f) else {
                return false;
            };
            let stem = stem as usize;
            if stem == stems_seen {
                stems_seen += 1;
            }
            stem < stems_seen
        });
        ascending
            && first_uses
            && self.form_of.len() == self.spellings.len()
            && forms_seen == self.forms.len()
            && self.stem_of.len() == self.forms.len()
            && stems_seen == self.stems.len()
    }
}

impl Vocab {
    /// The vocabulary of a list of spellings (each listed once), numbered
    /// in list order; the words are stemmed and matched in parallel. The
    /// definition [`Vocab::of_known_forms`] must agree with.
    #[cfg(test)]
    pub fn of_spellings(spellings: &[&str], analyzer: &Analyzer) -> Arc<Vocab> {
        use rayon::prelude::*;
        let described: Vec<NewWord> = spellings
            .par_iter()
            .map(|s| NewWord::of(s, analyzer))
            .collect();
        let mut vocab = Vocab::default();
        vocab.by_surface.reserve(spellings.len());
        for (surface, word) in spellings.iter().zip(described) {
            if !vocab.by_surface.contains_key(*surface) {
                vocab.insert(surface, word);
            }
        }
        Arc::new(vocab)
    }

    /// The same vocabulary built from its spellings' known forms and stems:
    /// only the matching is done again, in parallel with building the
    /// look-up tables. `None` unless `known` is
    /// [consistent](KnownForms::is_consistent) and its forms and its stems
    /// are each distinct.
    pub fn of_known_forms(known: &KnownForms, analyzer: &Analyzer) -> Option<Arc<Vocab>> {
        use rayon::prelude::*;
        if !known.is_consistent() {
            return None;
        }
        let stemmer = &analyzer.config.stemmer;
        let (described, ((by_surface, forms), stems)) = rayon::join(
            || -> Vec<(bool, WordMatches)> {
                known
                    .spellings
                    .par_iter()
                    .zip(&known.form_of)
                    .map(|(surface, &f)| {
                        let form = known.forms[f as usize];
                        let stem = known.stems[known.stem_of[f as usize] as usize];
                        let matches = analyzer.matcher.match_stemmed(surface, form, stem);
                        (!stemmer.is_stopword(form), matches)
                    })
                    .collect()
            },
            || {
                rayon::join(
                    || {
                        rayon::join(
                            || -> FxHashMap<CompactString, u32> {
                                let surfaces = known.spellings.iter().map(|&s| s.into());
                                surfaces.zip(0..).collect()
                            },
                            || Interner::of(&known.forms),
                        )
                    },
                    || Interner::of(&known.stems),
                )
            },
        );
        let words = known
            .form_of
            .iter()
            .zip(described)
            .map(|(&form, (content, matches))| WordInfo {
                form,
                stem: known.stem_of[form as usize],
                content,
                matches: KeptMatches::of(matches),
            })
            .collect();
        // A form or stem listed twice did not come from `known_forms`: refused.
        Some(Arc::new(Vocab {
            by_surface,
            words,
            forms: forms?,
            form_stem: known.stem_of.clone(),
            stems: stems?,
        }))
    }

    /// Its spellings' forms and stems (what [`Vocab::of_known_forms`]
    /// rebuilds it from), numbered as stemming the sorted spellings would.
    pub fn known_forms(&self) -> KnownForms<'_> {
        let mut spellings: Vec<(&str, u32)> = self
            .by_surface
            .iter()
            .map(|(s, &id)| (s.as_str(), id))
            .collect();
        spellings.sort_unstable();
        let mut known = KnownForms::default();
        let mut form_number = vec![u32::MAX; self.forms.len()];
        let mut stem_number = vec![u32::MAX; self.stems.len()];
        for &(surface, id) in &spellings {
            let form = self.words[id as usize].form as usize;
            if form_number[form] == u32::MAX {
                form_number[form] = known.forms.len() as u32;
                known.forms.push(self.forms.get(form as u32));
                let stem = self.form_stem[form] as usize;
                if stem_number[stem] == u32::MAX {
                    stem_number[stem] = known.stems.len() as u32;
                    known.stems.push(self.stems.get(stem as u32));
                }
                known.stem_of.push(stem_number[stem]);
            }
            known.spellings.push(surface);
            known.form_of.push(form_number[form]);
        }
        known
    }

    /// Number of distinct spellings.
    pub fn spelling_count(&self) -> usize {
        self.words.len()
    }

    /// Every spelling, sorted.
    #[cfg(test)]
    pub fn spellings(&self) -> Vec<&str> {
        let mut out: Vec<&str> = self.by_surface.keys().map(|s| s.as_str()).collect();
        out.sort_unstable();
        out
    }

    /// The id of `surface`, adding it (a copy of a shared vocabulary) if it is new.
    fn lookup(vocab: &mut Arc<Vocab>, surface: &str, analyzer: &Analyzer) -> u32 {
        if let Some(&id) = vocab.by_surface.get(surface) {
            return id;
        }
        // Spellings of one form ("The", "the") share its stem: stem once a form.
        let form = form_of(surface);
        let stem = match vocab.forms.id(form.as_str()) {
            Some(f) => vocab.stems.get(vocab.form_stem[f as usize]).to_string(),
            None => analyzer.config.stemmer.stem(&form),
        };
        let word = NewWord::with_stem(surface, form, stem, analyzer);
        Arc::make_mut(vocab).insert(surface, word)
    }

    fn insert(&mut self, surface: &str, word: NewWord) -> u32 {
        let form = self.form_id(&word.form, |stems| stems.intern(&word.stem));
        let info = WordInfo {
            form,
            stem: self.form_stem[form as usize],
            content: word.content,
            matches: KeptMatches::of(word.matches),
        };
        let id = self.words.len() as u32;
        self.words.push(info);
        self.by_surface.insert(CompactString::from(surface), id);
        id
    }

    /// Interns a form, computing its stem id with `stem_of` if the form is new.
    fn form_id(&mut self, form: &str, stem_of: impl FnOnce(&mut Interner) -> u32) -> u32 {
        let before = self.forms.len();
        let id = self.forms.intern(form);
        if self.forms.len() > before {
            let stem = stem_of(&mut self.stems);
            self.form_stem.push(stem);
        }
        id
    }

    /// Adds every stem and form of `other`, and its spellings when
    /// `spellings`; returns the new numbers of `other`'s stem and form ids.
    fn absorb(&mut self, other: &Vocab, spellings: bool) -> (Vec<u32>, Vec<u32>) {
        let stem_map: Vec<u32> = other.stems.iter().map(|s| self.stems.intern(s)).collect();
        let form_map: Vec<u32> = other
            .forms
            .iter()
            .zip(&other.form_stem)
            .map(|(form, &stem)| self.form_id(form, |_| stem_map[stem as usize]))
            .collect();
        // Spellings too, so that a merged tally knows every spelling it
        // counted (the cache keeps them to rebuild the vocabulary).
        if spellings {
            for (surface, &id) in &other.by_surface {
                if !self.by_surface.contains_key(surface) {
                    let theirs = &other.words[id as usize];
                    let word = WordInfo {
                        form: form_map[theirs.form as usize],
                        stem: stem_map[theirs.stem as usize],
                        content: theirs.content,
                        matches: theirs.matches.clone(),
                    };
                    self.by_surface
                        .insert(surface.clone(), self.words.len() as u32);
                    self.words.push(word);
                }
            }
        }
        (stem_map, form_map)
    }

    /// The id of a stem, interning it (in a copy of a shared vocabulary) if it is new.
    fn stem_id(vocab: &mut Arc<Vocab>, stem: &str) -> u32 {
        match vocab.stems.id(stem) {
            Some(id) => id,
            None => Arc::make_mut(vocab).stems.intern(stem),
        }
    }

    /// The same for a form whose stem has id `stem`.
    fn form_id_shared(vocab: &mut Arc<Vocab>, form: &str, stem: u32) -> u32 {
        match vocab.forms.id(form) {
            Some(id) => id,
            None => Arc::make_mut(vocab).form_id(form, |_| stem),
        }
    }
}

/// Counts of one anchor or theme list in one source.
#[derive(Debug, Default, Clone)]
pub struct ListTally {
    /// Non-overlapping matches.
    pub hits: u64,
    /// Matches credited to each term (by term index).
    pub terms: Vec<u64>,
    /// (term index, matched-spelling id) -> matches: which spellings each term matched.
    forms: FxHashMap<(u16, u32), u64>,
}

/// Counts of one source.
#[derive(Debug, Default, Clone)]
pub struct SourceTally {
    /// Documents added.
    pub documents: u64,
    /// Words (tokens with a letter).
    pub words: u64,
    /// Non-stopword words.
    pub tokens: u64,
    /// Sentences with at least one word.
    pub sentences: u64,
    /// Content-token count by stem id.
    stems: Vec<u64>,
    /// Content-token count by form id.
    forms: Vec<u64>,
    /// Co-occurrences by pair of stem ids (see [`Tally::flush_pairs`]).
    pairs: PairTable,
    /// Stem id -> co-occurrences with an anchor mention (same window and sentence rule).
    anchor_pairs: FxHashMap<u32, u64>,
    /// Anchor (index 0) and themes.
    pub lists: Vec<ListTally>,
    /// Per list: matches inside the anchor's context (the union of every
    /// mention's sentence plus `context_window` words each side).
    pub near_anchor: Vec<u64>,
    /// Words inside the anchor's context.
    pub context_words: u64,
    /// Themes x themes (row-major, themes only): sentences in which both
    /// themes have a hit; the diagonal counts sentences with a hit of that theme.
    pub theme_sentences: Vec<u64>,
    /// Per list: the sentences with the most hits (best first).
    pub evidence: Vec<Vec<Evidence>>,
}

/// A sentence that shows a theme at work.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Evidence {
    /// Hits of the theme in the sentence.
    pub hits: u32,
    /// Document index within the source.
    pub document: u32,
    /// Sentence index within the document.
    pub sentence: u32,
    /// Byte offset of the sentence in the normalised document text.
    pub start: u32,
    /// Byte offset just past the sentence.
    pub end: u32,
    /// The sentence as it stands in the normalised text.
    pub text: String,
    /// Byte ranges of the hits within `text`.
    pub marks: Vec<(u32, u32)>,
}

impl Evidence {
    /// Best first: more hits, then earlier document, then earlier sentence.
    fn rank(&self) -> (std::cmp::Reverse<u32>, u32, u32) {
        (std::cmp::Reverse(self.hits), self.document, self.sentence)
    }
}

/// Per-document figures, kept for analyses that resample documents or sentences.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DocTally {
    /// Index of the source.
    pub source: u32,
    /// Index of the document within its source.
    pub document: u32,
    /// Words.
    pub words: u64,
    /// Sentences.
    pub sentences: u64,
    /// Hits per list (anchor first).
    pub hits: Vec<u64>,
    /// Words of each sentence (empty when the source is resampled by document).
    pub sentence_words: Vec<u32>,
    /// (sentence, list, hits) for every sentence and list with hits (same condition).
    pub sentence_hits: Vec<(u32, u16, u32)>,
}

/// A document being counted block by block (see [`Tally::add_part`]).
#[derive(Debug)]
pub struct DocumentParts {
    doc: DocTally,
    /// Bytes of normalised text in the blocks so far (each block counted with a line break).
    bytes: u64,
}

impl DocumentParts {
    /// Starts document `document` of source `source`.
    pub fn new(source: usize, document: usize) -> DocumentParts {
        DocumentParts {
            doc: DocTally {
                source: source as u32,
                document: document as u32,
                words: 0,
                sentences: 0,
                hits: Vec::new(),
                sentence_words: Vec::new(),
                sentence_hits: Vec::new(),
            },
            bytes: 0,
        }
    }

    /// Words counted so far.
    pub fn words(&self) -> u64 {
        self.doc.words
    }

    /// Sentences counted so far.
    pub fn sentences(&self) -> u64 {
        self.doc.sentences
    }
}

/// Counts for any set of documents; see the module documentation.
#[derive(Debug, Default, Clone)]
pub struct Tally {
    vocab: Arc<Vocab>,
    /// Spellings that lexicon terms matched, as written (case kept; phrases joined by spaces).
    matched: Interner,
    /// Whether merging keeps the other tally's spellings (see [`Tally::keeping_spellings`]).
    keeps_spellings: bool,
    /// By source index; grows as documents of higher sources arrive.
    pub sources: Vec<SourceTally>,
    /// One entry per document added, in no particular order (see [`Tally::documents_in_order`]).
    pub documents: Vec<DocTally>,
    /// The pair table of all sources together, built on first use by the
    /// analyses (several of them read it) and dropped when counts change.
    corpus_pairs: std::sync::OnceLock<PairSummary>,
    /// Pair keys counted but not yet in a table; they belong to source `pending_source`.
    pending: PendingPairs,
    pending_source: usize,
    /// Some source's pairs were left out (see [`Tally::lacks_pairs`]).
    lacks_pairs: bool,
    /// Some document's text could not be had (see [`Tally::lost_text`]).
    lost_text: bool,
}

/// A pair table with its marginals and total.
#[derive(Debug, Default, Clone)]
struct PairSummary {
    pairs: PairTable,
    marginal: Marginals,
    total: u64,
}

/// Co-occurrences of each stem (by id) with any other stem in a pair table.
#[derive(Debug, Default, Clone)]
pub struct Marginals(Vec<u64>);

impl Marginals {
    /// The stem's marginal; `None` when it co-occurs with nothing.
    pub fn get(&self, id: u32) -> Option<u64> {
        self.0.get(id as usize).copied().filter(|&n| n > 0)
    }

    /// The sum over all stems (twice the table's total: each pair has two stems).
    pub fn sum(&self) -> u64 {
        self.0.iter().sum()
    }

    /// (stem id, marginal) for every stem that co-occurs with something.
    pub fn nonzero(&self) -> impl Iterator<Item = (u32, u64)> + '_ {
        self.0
            .iter()
            .enumerate()
            .filter(|&(_, &n)| n > 0)
            .map(|(id, &n)| (id as u32, n))
    }

    fn at(&self, id: u32) -> u64 {
        self.0[id as usize]
    }
}

impl PairSummary {
    fn of(pairs: PairTable) -> PairSummary {
        let (marginal, total) = marginals_of(pairs.rows());
        PairSummary {
            pairs,
            marginal,
            total,
        }
    }
}

/// Co-occurrences of each stem with any other (stem ids are dense, so a
/// vector indexed by id), and the sum of all pair counts.
fn marginals_of(rows: &[(u64, u64)]) -> (Marginals, u64) {
    let ids = rows.iter().map(|&(k, _)| {
        let (a, b) = pair_ids(k);
        a.max(b) as usize + 1
    });
    let mut marginal = vec![0u64; ids.max().unwrap_or(0)];
    let mut total = 0;
    for &(k, n) in rows {
        let (a, b) = pair_ids(k);
        marginal[a as usize] += n;
        marginal[b as usize] += n;
        total += n;
    }
    (Marginals(marginal), total)
}

/// Stem counts per source in alphabetical stem order.
#[derive(Debug, Clone, PartialEq)]
pub struct StemTable {
    /// Stems, sorted.
    pub stems: Vec<String>,
    /// Most frequent form of each stem, corpus-wide.
    pub forms: Vec<String>,
    /// `counts[source][i]`: tokens of `stems[i]` in the source.
    pub counts: Vec<Vec<u64>>,
}

/// A source's counts that do not depend on the lexicons, with its own stem
/// numbering: what the cache keeps so that a re-run after a lexicon edit does
/// not count terms and pairs again.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SourceTextCounts {
    /// Words.
    pub words: u64,
    /// Non-stopword words.
    pub tokens: u64,
    /// Sentences.
    pub sentences: u64,
    /// (stem, content tokens); the index is the stem's local number.
    pub stems: Vec<(String, u64)>,
    /// (form, local stem number, content tokens).
    pub forms: Vec<(String, u32, u64)>,
    /// (local stem number, local stem number, co-occurrences).
    pub pairs: Vec<(u32, u32, u64)>,
}

impl SourceTextCounts {
    /// Every form and pair refers to a listed stem (checked before cached counts are used).
    pub fn is_consistent(&self) -> bool {
        let n = self.stems.len() as u32;
        self.forms.iter().all(|f| f.1 < n) && self.pairs.iter().all(|p| p.0 < n && p.1 < n)
    }
}

/// A co-occurring pair with the marginals of its pair table (stems as ids of the tally, either order).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PairStats {
    /// One stem.
    pub a: u32,
    /// The other stem.
    pub b: u32,
    /// Co-occurrences.
    pub count: u64,
    /// Co-occurrences of `a` with any stem.
    pub count_a: u64,
    /// Co-occurrences of `b` with any stem.
    pub count_b: u64,
}

/// Whether [`Tally::add_prepared`] counts the lexicon-independent figures.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TextCounts {
    /// Count words, tokens, sentences, terms and pairs too.
    Count,
    /// They are already known (loaded from the cache): count only lexicon matches.
    Skip,
}

/// A document's words, each referring to a table of distinct spellings,
/// and its sentences. The text itself, and where each word is in it, are
/// needed only for phrase matches and evidence sentences (a sixth of BBC's
/// articles after a lexicon edit), so they come on demand ([`DocumentText`]).
#[derive(Clone, Copy)]
pub struct Words<'a> {
    /// For each word, the number of its spelling in the table.
    pub spelling: &'a [u32],
    /// Word ranges of each sentence (covering every word, in order).
    pub sentences: &'a [Range<u32>],
    /// Length of the normalised text in bytes.
    pub text_len: usize,
    /// The table's spellings, and the text with its words.
    pub text: &'a dyn DocumentText,
}

/// The text behind a document's [`Words`].
pub trait DocumentText {
    /// Spelling number `k` of the table the words refer to.
    fn spelling(&self, k: u32) -> &str;
    /// The normalised text and each word's span in it (one per word); `None`
    /// when it cannot be had (a cache entry that does not hold together),
    /// which makes the tally's counts [incomplete](Tally::lost_text).
    fn text(&self) -> Option<(&str, &[Word])>;
}

impl DocumentText for Prepared {
    fn spelling(&self, k: u32) -> &str {
        self.spelling_text(k as usize)
    }

    fn text(&self) -> Option<(&str, &[Word])> {
        Some((&self.text, &self.tokens.words))
    }
}

/// A tally's own numbers for a table of spellings (from [`Tally::spelling_ids`]);
/// meaningful only to the tally that made them.
///
/// What counting needs of a spelling is copied next to its number: a word
/// is then one read of this table, which holds only a document's (or a
/// cached segment's) spellings and so mostly stays in cache. Reading the
/// vocabulary's entry instead was a cache miss for most words of a long
/// text (a large corpus has hundreds of thousands of spellings).
#[derive(Debug, Clone, Default)]
pub struct SpellingIds {
    spellings: Vec<SpellingEntry>,
}

/// One spelling of a [`SpellingIds`] table.
#[derive(Debug, Clone, Copy)]
struct SpellingEntry {
    /// Its number in the tally's vocabulary.
    id: u32,
    /// Its stem's and form's ids.
    stem: u32,
    form: u32,
    /// Not a stopword.
    content: bool,
    /// Whether the spelling matches any term word: a sentence without such
    /// a word needs no matching, which a re-run (that only matches) mostly skips.
    may_match: bool,
}

impl SpellingIds {
    fn push(&mut self, id: u32, info: &WordInfo) {
        self.spellings.push(SpellingEntry {
            id,
            stem: info.stem,
            form: info.form,
            content: info.content,
            may_match: !info.matches.is_empty(),
        });
    }
}

/// Buffers for one document (allocated per document: keeping them in the tally raised peak RSS on Gutenberg x10 by 20-30 MiB).
#[derive(Default)]
struct Scratch {
    content: Vec<u32>,
    content_positions: Vec<u32>,
    candidates: Vec<(u16, Match)>,
    matches: Vec<Vec<Match>>,
    themes_in_sentence: Vec<(u32, u16)>,
}

impl Tally {
    /// Counts one document of source `source`. `raw` is the decoded file text.
    pub fn add_document(&mut self, analyzer: &Analyzer, source: usize, document: usize, raw: &str) {
        let mut part = DocumentParts::new(source, document);
        self.add_part(analyzer, &mut part, raw, TextCounts::Count);
        self.finish_document(part);
        self.flush_pairs();
    }

    /// Sorts the buffered pair increments into their source's table. Every
    /// reader of pair counts needs this done first; [`Tally::merge`] does it.
    pub fn flush_pairs(&mut self) {
        if !self.pending.is_empty() {
            let s = self.pending_source;
            self.pending.flush_into(&mut self.sources[s].pairs);
        }
    }

    /// [`Tally::flush_pairs`], and the pair buffers given back: a worker's
    /// finished tally waits for its merge holding only counts (8 MiB less
    /// each; a later document gets new buffers).
    pub fn finish_counting(&mut self) {
        self.flush_pairs();
        self.pending = PendingPairs::default();
    }

    /// Records a document whose parts were all added with [`Tally::add_part`].
    pub fn finish_document(&mut self, mut part: DocumentParts) {
        if self.sources.len() <= part.doc.source as usize {
            self.sources
                .resize_with(part.doc.source as usize + 1, SourceTally::default);
        }
        self.sources[part.doc.source as usize].documents += 1;
        part.doc.sentence_hits.sort_unstable();
        self.documents.push(part.doc);
    }

    /// Counts one block of a document: a very large document is read in
    /// blocks that end at a line break, so memory stays bounded. Sentences
    /// never cross blocks; an anchor's context window stops at a block edge.
    pub fn add_part(
        &mut self,
        analyzer: &Analyzer,
        part: &mut DocumentParts,
        raw: &str,
        text_counts: TextCounts,
    ) {
        let prepared = prepare(raw, &analyzer.config.boilerplate);
        self.add_prepared(analyzer, part, &prepared, text_counts);
    }

    /// Counts a prepared document (or block). With [`TextCounts::Skip`] only
    /// what depends on the lexicons is counted (theme and anchor matches,
    /// their contexts, evidence and the per-document figures); the source's
    /// word, token, sentence, term and pair counts are left alone, because
    /// they come from the cache.
    pub fn add_prepared(
        &mut self,
        analyzer: &Analyzer,
        part: &mut DocumentParts,
        prepared: &Prepared,
        text_counts: TextCounts,
    ) {
        let spellings = (0..prepared.first_use.len()).map(|k| prepared.spelling_text(k));
        let ids = self.spelling_ids(analyzer, spellings);
        let words = Words {
            spelling: &prepared.spelling,
            sentences: &prepared.tokens.sentences,
            text_len: prepared.text.len(),
            text: prepared,
        };
        self.add_words(analyzer, part, words, &ids, text_counts);
    }

    /// This tally's numbers for a list of distinct spellings (see
    /// [`Tally::add_words`]); each new spelling is stemmed and matched against
    /// the lexicons once.
    pub fn spelling_ids<'s>(
        &mut self,
        analyzer: &Analyzer,
        spellings: impl IntoIterator<Item = &'s str>,
    ) -> SpellingIds {
        let mut out = SpellingIds::default();
        for spelling in spellings {
            let id = Vocab::lookup(&mut self.vocab, spelling, analyzer);
            out.push(id, &self.vocab.words[id as usize]);
        }
        out
    }

    /// The same for spellings given by their numbers in this tally's
    /// vocabulary (a shared one built by [`Vocab::of_known_forms`] numbers
    /// them in list order): nothing is looked up or stemmed.
    ///
    /// # Panics
    /// If a number is not in the vocabulary.
    pub fn numbered_spelling_ids(&self, numbers: &[u32]) -> SpellingIds {
        let mut out = SpellingIds {
            spellings: Vec::with_capacity(numbers.len()),
        };
        for &id in numbers {
            out.push(id, &self.vocab.words[id as usize]);
        }
        out
    }

    /// Counts a document (or block) given as words that refer to a table of
    /// distinct spellings, numbered for this tally by
    /// [`Tally::spelling_ids`]; otherwise as [`Tally::add_prepared`].
    pub fn add_words(
        &mut self,
        analyzer: &Analyzer,
        part: &mut DocumentParts,
        words: Words,
        ids: &SpellingIds,
        text_counts: TextCounts,
    ) {
        let source = part.doc.source as usize;
        let document = part.doc.document as usize;
        let sentence_base = part.doc.sentences as u32;
        let byte_base = part.bytes;
        let config = analyzer.config;
        let sentences = words.sentences;
        let n_words = words.spelling.len();
        let count_text = text_counts == TextCounts::Count;
        if count_text {
            self.corpus_pairs = std::sync::OnceLock::new();
            if self.pending_source != source {
                self.flush_pairs();
                self.pending_source = source;
            }
        }
        let list_count = config.lexicon.list_count();
        let theme_count = list_count - 1;
        let mut scratch = Scratch {
            matches: vec![Vec::new(); list_count],
            ..Scratch::default()
        };

        if self.sources.len() <= source {
            self.sources.resize_with(source + 1, SourceTally::default);
        }
        let vocab = &*self.vocab;
        let matched = &mut self.matched;
        let pending = &mut self.pending;
        let lost_text = &mut self.lost_text;
        let src = &mut self.sources[source];
        src.ensure_lists(list_count);
        if count_text {
            src.words += n_words as u64;
            src.sentences += sentences.len() as u64;
        }

        // One buffer for every sentence's words that match a term word.
        let mut matching: Vec<(u32, &WordMatches)> = Vec::new();
        for sentence in sentences {
            let range = sentence.start as usize..sentence.end as usize;
            let anchor_before = scratch.matches[ANCHOR_LIST].len();
            matching.clear();
            for (&k, position) in words.spelling[range.clone()].iter().zip(sentence.start..) {
                let entry = &ids.spellings[k as usize];
                if entry.may_match {
                    matching.push((position, vocab.words[entry.id as usize].matches.get()));
                }
            }
            if !matching.is_empty() {
                analyzer.matcher.find_matches(
                    &matching,
                    &mut scratch.candidates,
                    &mut scratch.matches,
                );
            }
            let anchors = &scratch.matches[ANCHOR_LIST][anchor_before..];
            // Content words are needed for the term and pair counts, and
            // around anchor mentions; a cached re-run needs only the latter.
            if !count_text && anchors.is_empty() {
                continue;
            }
            scratch.content.clear();
            scratch.content_positions.clear();
            for (&k, position) in words.spelling[range].iter().zip(sentence.start..) {
                let entry = &ids.spellings[k as usize];
                if entry.content {
                    scratch.content.push(entry.stem);
                    scratch.content_positions.push(position);
                    if count_text {
                        bump(&mut src.stems, entry.stem);
                        bump(&mut src.forms, entry.form);
                    }
                }
            }
            if count_text {
                src.tokens += scratch.content.len() as u64;
                let most = scratch.content.len() * config.window;
                let keys = pending.room_for(most, &mut src.pairs);
                count_pairs(&scratch.content, config.window, keys);
            }
            for m in anchors {
                count_anchor_pairs(
                    m,
                    &scratch.content,
                    &scratch.content_positions,
                    config.window,
                    &mut src.anchor_pairs,
                );
            }
        }
        drop(matching);

        // Matches are in text order; find each one's sentence.
        let sentence_of = |position: u32| sentences.partition_point(|s| s.end <= position) as u32;
        let keep_sentences = analyzer.keeps_sentences(source);
        let doc = &mut part.doc;
        doc.words += n_words as u64;
        doc.sentences += sentences.len() as u64;
        doc.hits.resize(list_count, 0);
        if keep_sentences {
            doc.sentence_words
                .extend(sentences.iter().map(|s| s.end - s.start));
        }
        part.bytes += words.text_len as u64 + 1;
        let context = anchor_context(
            &scratch.matches[ANCHOR_LIST],
            sentences,
            n_words as u32,
            config.raw.analysis.context_window as u32,
        );
        src.context_words += context
            .iter()
            .map(|r| u64::from(r.end - r.start))
            .sum::<u64>();
        // (sentence, theme) for every theme hit in a sentence, for the theme x theme table.
        let themes_in_sentence = &mut scratch.themes_in_sentence;

        // (sentence, hits) of one list at a time.
        let mut per_sentence: Vec<(u32, u32)> = Vec::new();
        for (list, matches) in scratch.matches.iter().enumerate() {
            let tally = &mut src.lists[list];
            tally.ensure_terms(config.lexicon.list(list).terms.len());
            tally.hits += matches.len() as u64;
            doc.hits[list] += matches.len() as u64;
            per_sentence.clear();
            for m in matches {
                tally.terms[m.term as usize] += 1;
                // A word is written as its spelling; a phrase as its words
                // and what lies between them, each run of spaces one space.
                let spelling = if m.len == 1 {
                    Some(matched.intern(words.text.spelling(words.spelling[m.start as usize])))
                } else if let Some((text, spans)) = words.text.text() {
                    let first = spans[m.start as usize].start as usize;
                    let last = spans[(m.start + m.len - 1) as usize].end as usize;
                    let spelling = &text[first..last];
                    Some(if spelling.contains(char::is_whitespace) {
                        matched.intern(&spelling.split_whitespace().collect::<Vec<_>>().join(" "))
                    } else {
                        matched.intern(spelling)
                    })
                } else {
                    *lost_text = true;
                    None
                };
                if let Some(spelling) = spelling {
                    *tally.forms.entry((m.term, spelling)).or_insert(0) += 1;
                }
                if context.iter().any(|r| r.contains(&m.start)) {
                    src.near_anchor[list] += 1;
                }
                let s = sentence_of(m.start);
                match per_sentence.last_mut() {
                    Some((last, n)) if *last == s => *n += 1,
                    _ => per_sentence.push((s, 1)),
                }
            }
            for &(s, n) in &per_sentence {
                if keep_sentences {
                    doc.sentence_hits.push((sentence_base + s, list as u16, n));
                }
                if list != ANCHOR_LIST {
                    themes_in_sentence.push((s, (list - 1) as u16));
                }
            }
            if list != ANCHOR_LIST {
                let limit = config.raw.analysis.evidence_sentences;
                for &(s, n) in &per_sentence {
                    let candidate_rank = (std::cmp::Reverse(n), document as u32, sentence_base + s);
                    let kept = &src.evidence[list];
                    if kept.len() >= limit
                        && kept.last().is_some_and(|e| e.rank() <= candidate_rank)
                    {
                        continue;
                    }
                    let Some((text, spans)) = words.text.text() else {
                        *lost_text = true;
                        continue;
                    };
                    let tokens = TokenView {
                        words: spans,
                        sentences,
                    };
                    let mut evidence = make_evidence(text, tokens, matches, s, n, document as u32);
                    evidence.sentence += sentence_base;
                    evidence.start += byte_base as u32;
                    evidence.end += byte_base as u32;
                    insert_ranked(&mut src.evidence[list], evidence, limit);
                }
            }
        }
        // Sorting groups the hits by sentence, each sentence's themes ascending.
        themes_in_sentence.sort_unstable();
        for same in themes_in_sentence.chunk_by(|x, y| x.0 == y.0) {
            for (i, &(_, a)) in same.iter().enumerate() {
                for &(_, b) in &same[i..] {
                    src.theme_sentences[a as usize * theme_count + b as usize] += 1;
                    if a != b {
                        src.theme_sentences[b as usize * theme_count + a as usize] += 1;
                    }
                }
            }
        }
    }

    /// Adds every count of `other` to `self`.
    pub fn merge(mut self, mut other: Tally) -> Tally {
        self.corpus_pairs = std::sync::OnceLock::new();
        self.flush_pairs();
        other.flush_pairs();
        if other.sources.len() > self.sources.len() {
            self.sources
                .resize_with(other.sources.len(), SourceTally::default);
        }
        self.keeps_spellings |= other.keeps_spellings;
        self.lacks_pairs |= other.lacks_pairs;
        self.lost_text |= other.lost_text;
        if self.vocab.words.is_empty() && self.vocab.stems.is_empty() {
            // Nothing of `self` refers to a word or stem yet: take the other's numbering.
            self.vocab = Arc::clone(&other.vocab);
        }
        let (stem_map, form_map): (Vec<u32>, Vec<u32>) = if Arc::ptr_eq(&self.vocab, &other.vocab) {
            // One shared vocabulary: the same numbers on both sides.
            (
                (0..other.vocab.stems.len() as u32).collect(),
                (0..other.vocab.forms.len() as u32).collect(),
            )
        } else {
            Arc::make_mut(&mut self.vocab).absorb(&other.vocab, self.keeps_spellings)
        };
        let matched_map: Vec<u32> = other
            .matched
            .iter()
            .map(|s| self.matched.intern(s))
            .collect();
        // Sources merge independently: side by side, so the last merge of a
        // run (one thread's work while the other waits) is shared.
        use rayon::prelude::*;
        self.sources
            .par_iter_mut()
            .zip(other.sources.into_par_iter())
            .for_each(|(mine, theirs)| mine.merge(theirs, &stem_map, &form_map, &matched_map));
        self.documents.extend(other.documents);
        self
    }

    /// The lexicon-independent counts of source `source` (what the cache keeps).
    pub fn text_counts(&self, source: usize) -> SourceTextCounts {
        let Some(src) = self.sources.get(source) else {
            return SourceTextCounts::default();
        };
        // Local numbering of the stems the source uses, in id order.
        let mut local: Vec<u32> = vec![u32::MAX; self.vocab.stems.len()];
        let mut stems = Vec::new();
        for (id, &n) in src.stems.iter().enumerate() {
            if n > 0 {
                local[id] = stems.len() as u32;
                stems.push((self.stem(id as u32).to_string(), n));
            }
        }
        let forms = src
            .forms
            .iter()
            .enumerate()
            .filter(|&(_, &n)| n > 0)
            .map(|(id, &n)| {
                let stem = local[self.vocab.form_stem[id] as usize];
                (self.vocab.forms.get(id as u32).to_string(), stem, n)
            })
            .collect();
        debug_assert!(self.pending.is_empty(), "flush_pairs before reading pairs");
        let mut pairs: Vec<(u32, u32, u64)> = src
            .pairs
            .rows()
            .iter()
            .map(|&(k, n)| {
                let (x, y) = pair_ids(k);
                (local[x as usize], local[y as usize], n)
            })
            .collect();
        pairs.sort_unstable();
        SourceTextCounts {
            words: src.words,
            tokens: src.tokens,
            sentences: src.sentences,
            stems,
            forms,
            pairs,
        }
    }

    /// Adds lexicon-independent counts (from the cache): `(source, counts)`
    /// for each cached source. Every `counts` must be
    /// [consistent](SourceTextCounts::is_consistent).
    pub fn add_text_counts(&mut self, cached: &[(usize, &SourceTextCounts)]) {
        use rayon::prelude::*;
        debug_assert!(cached.iter().all(|(_, c)| c.is_consistent()));
        self.corpus_pairs = std::sync::OnceLock::new();
        // The ids of each source's stems and forms: looked up side by side
        // (after a cached re-run's vocabulary, built from every spelling,
        // has them all), then the rest interned one source after another,
        // as a new stem or form changes the vocabulary.
        let vocab = &*self.vocab;
        let known: Vec<KnownIds> = cached
            .par_iter()
            .map(|(_, counts)| {
                let stems = counts.stems.iter();
                let forms = counts.forms.iter();
                (
                    stems.map(|(s, _)| vocab.stems.id(s.as_str())).collect(),
                    forms.map(|(f, _, _)| vocab.forms.id(f.as_str())).collect(),
                )
            })
            .collect();
        let maps: Vec<(Vec<u32>, Vec<u32>)> = cached
            .iter()
            .zip(known)
            .map(|((_, counts), (known_stems, known_forms))| {
                let stem_map: Vec<u32> = counts
                    .stems
                    .iter()
                    .zip(known_stems)
                    .map(|((s, _), known)| {
                        known.unwrap_or_else(|| Vocab::stem_id(&mut self.vocab, s))
                    })
                    .collect();
                let form_map: Vec<u32> = counts
                    .forms
                    .iter()
                    .zip(known_forms)
                    .map(|((form, stem, _), known)| {
                        known.unwrap_or_else(|| {
                            Vocab::form_id_shared(&mut self.vocab, form, stem_map[*stem as usize])
                        })
                    })
                    .collect();
                (stem_map, form_map)
            })
            .collect();
        // Re-keying and sorting the pair rows is the costly part: side by side.
        let tables: Vec<PairTable> = cached
            .par_iter()
            .zip(maps.par_iter())
            .map(|((_, counts), (stem_map, _))| {
                let rows: Vec<(u64, u64)> = counts
                    .pairs
                    .iter()
                    .map(|&(a, b, n)| (pair_key(stem_map[a as usize], stem_map[b as usize]), n))
                    .collect();
                PairTable::from_rows(rows)
            })
            .collect();
        for ((&(source, counts), (stem_map, form_map)), table) in
            cached.iter().zip(&maps).zip(tables)
        {
            if self.sources.len() <= source {
                self.sources.resize_with(source + 1, SourceTally::default);
            }
            let src = &mut self.sources[source];
            src.words += counts.words;
            src.tokens += counts.tokens;
            src.sentences += counts.sentences;
            for (&id, (_, n)) in stem_map.iter().zip(&counts.stems) {
                add_at(&mut src.stems, id, *n);
            }
            for (&id, (_, _, n)) in form_map.iter().zip(&counts.forms) {
                add_at(&mut src.forms, id, *n);
            }
            src.pairs.add_table(table);
        }
    }

    /// Whether a document's text was needed (for a phrase match or an
    /// evidence sentence) and its [`DocumentText`] could not give it: the
    /// counts are then incomplete and must not be reported.
    pub fn lost_text(&self) -> bool {
        self.lost_text
    }

    /// Records that some source's counts were added without their pairs
    /// (a re-run whose pair figures come from the cache's digest): reading
    /// a pair table of this tally is then a bug, and panics.
    pub fn lacks_pairs(&mut self) {
        self.lacks_pairs = true;
    }

    /// Gives back the memory of the pair tables, once everything the
    /// report needs of them is in a pair digest: on a large corpus they are
    /// the largest allocations (Gutenberg x10: 110 MiB of 4 million source
    /// rows and the corpus's sum), and the rest of the analysis and the
    /// charts would add to them. Reading a pair table afterwards panics, as
    /// with [`Tally::lacks_pairs`].
    pub fn release_pairs(&mut self) {
        for source in &mut self.sources {
            source.pairs = PairTable::default();
        }
        self.corpus_pairs = std::sync::OnceLock::new();
        self.lacks_pairs = true;
    }

    /// A tally that keeps, through merges, every spelling its vocabulary
    /// meets, so that [`Tally::vocab`] lists them all (what the cache
    /// stores). Without it a merge keeps only stems and forms: the merged
    /// spellings cost 20-30 MiB of peak memory on Gutenberg x10.
    pub fn keeping_spellings() -> Tally {
        Tally {
            keeps_spellings: true,
            ..Tally::default()
        }
    }

    /// A tally whose words are numbered by a shared vocabulary (see [`Vocab`]).
    pub fn with_vocab(vocab: Arc<Vocab>) -> Tally {
        Tally {
            vocab,
            ..Tally::default()
        }
    }

    /// The vocabulary: every spelling counted, with its stem.
    pub fn vocab(&self) -> &Vocab {
        &self.vocab
    }

    /// Every stem with its count per source, in alphabetical stem order (a
    /// canonical order, so float sums over it do not depend on interning order).
    /// `all_terms` is [`Tally::term_counts`] of every source (the caller
    /// needs it too): it gives each stem's most frequent form.
    pub fn stem_table(
        &self,
        source_count: usize,
        all_terms: &[(String, String, u64)],
    ) -> StemTable {
        let mut order: Vec<u32> = (0..self.vocab.stems.len() as u32).collect();
        order.sort_unstable_by(|&a, &b| self.stem(a).cmp(self.stem(b)));
        let counts: Vec<Vec<u64>> = (0..source_count)
            .map(|s| {
                let src = self.sources.get(s).map_or(&[][..], |x| &x.stems[..]);
                order
                    .iter()
                    .map(|&id| src.get(id as usize).copied().unwrap_or(0))
                    .collect()
            })
            .collect();
        let best_form: FxHashMap<&str, &str> = all_terms
            .iter()
            .map(|(stem, form, _)| (stem.as_str(), form.as_str()))
            .collect();
        let stems: Vec<String> = order.iter().map(|&id| self.stem(id).to_string()).collect();
        let forms = stems
            .iter()
            .map(|s| {
                best_form
                    .get(s.as_str())
                    .map_or_else(|| s.clone(), |f| f.to_string())
            })
            .collect();
        StemTable {
            stems,
            forms,
            counts,
        }
    }

    /// Calls `each` for every pair with at least `min_count` co-occurrences
    /// in the given sources, with its pair-table marginals, and returns the
    /// table's total (the sum of all pair counts). Stems are ids (read them
    /// with [`Tally::stem_text`]), in no particular order within a pair or
    /// between pairs. Nothing is collected: a caller keeps what it needs
    /// (with x10 copies of a corpus, every pair passes `min_count`).
    pub fn for_each_collocation(
        &self,
        sources: &[usize],
        min_count: u64,
        mut each: impl FnMut(PairStats),
    ) -> u64 {
        let summed;
        let owned;
        let (rows, marginal, total) = if self.covers_all(sources) {
            let s = self.corpus_pairs();
            (s.pairs.rows(), &s.marginal, s.total)
        } else {
            summed = self.summed_pairs(sources);
            owned = marginals_of(summed.rows());
            (summed.rows(), &owned.0, owned.1)
        };
        for &(k, n) in rows {
            if n >= min_count {
                let (a, b) = pair_ids(k);
                each(PairStats {
                    a,
                    b,
                    count: n,
                    count_a: marginal.at(a),
                    count_b: marginal.at(b),
                });
            }
        }
        total
    }

    /// True when `sources` lists every source of the tally (in order).
    fn covers_all(&self, sources: &[usize]) -> bool {
        let n = self.sources.len();
        sources.len() >= n && (0..n).all(|i| sources[i] == i)
    }

    /// The pair table of all sources, summed once.
    fn corpus_pairs(&self) -> &PairSummary {
        assert!(
            !self.lacks_pairs,
            "pair table read from a tally without pairs"
        );
        self.corpus_pairs.get_or_init(|| {
            let all: Vec<usize> = (0..self.sources.len()).collect();
            PairSummary::of(self.summed_pairs_uncached(&all).into_owned())
        })
    }

    /// Number of stems: ids run from 0 to this, exclusive.
    pub fn stem_count(&self) -> usize {
        self.vocab.stems.len()
    }

    /// The text of a stem id from this tally.
    pub fn stem_text(&self, id: u32) -> &str {
        self.stem(id)
    }

    /// Pair-table marginal of every stem (by id) in the given sources: co-occurrences with anything.
    pub fn pair_marginals(&self, sources: &[usize]) -> Cow<'_, Marginals> {
        if self.covers_all(sources) {
            return Cow::Borrowed(&self.corpus_pairs().marginal);
        }
        debug_assert!(self.pending.is_empty(), "flush_pairs before reading pairs");
        Cow::Owned(marginals_of(self.summed_pairs(sources).rows()).0)
    }

    /// Stem ids co-occurring with the anchor in a source, with counts (any order).
    pub fn anchor_pairs(&self, source: usize) -> Vec<(u32, u64)> {
        self.sources.get(source).map_or_else(Vec::new, |src| {
            src.anchor_pairs.iter().map(|(&id, &n)| (id, n)).collect()
        })
    }

    /// Stem ids are local; this gives (stem, co-occurrences with the anchor)
    /// for a source, sorted by count desc then stem.
    pub fn anchor_pair_counts(&self, source: usize) -> Vec<(String, u64)> {
        let Some(src) = self.sources.get(source) else {
            return Vec::new();
        };
        let mut out: Vec<(String, u64)> = src
            .anchor_pairs
            .iter()
            .map(|(&id, &n)| (self.stem(id).to_string(), n))
            .collect();
        out.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
        out
    }

    /// Sorts the per-document entries by (source, document): resampling needs a fixed order.
    pub fn documents_in_order(&mut self) -> &[DocTally] {
        self.documents
            .sort_unstable_by_key(|d| (d.source, d.document));
        &self.documents
    }

    /// Stem string of a local id.
    fn stem(&self, id: u32) -> &str {
        self.vocab.stems.get(id)
    }

    /// (stem, most frequent form, count) of every stem with a count in the
    /// given sources, sorted by count desc then stem asc.
    pub fn term_counts(&self, sources: &[usize]) -> Vec<(String, String, u64)> {
        self.top_terms(sources, usize::MAX)
    }

    /// The first `top` rows of [`Tally::term_counts`]; only those become strings.
    pub fn top_terms(&self, sources: &[usize], top: usize) -> Vec<(String, String, u64)> {
        // Stem and form ids are dense: counts are summed in vectors.
        let mut stems = vec![0u64; self.vocab.stems.len()];
        let mut forms = vec![0u64; self.vocab.forms.len()];
        for src in sources.iter().filter_map(|&s| self.sources.get(s)) {
            for (total, &n) in stems.iter_mut().zip(&src.stems) {
                *total += n;
            }
            for (total, &n) in forms.iter_mut().zip(&src.forms) {
                *total += n;
            }
        }
        // Most frequent form per stem; ties go to the alphabetically first form.
        let mut best: Vec<Option<(u64, &str)>> = vec![None; stems.len()];
        for (form, &n) in forms.iter().enumerate().filter(|(_, &n)| n > 0) {
            let text = self.vocab.forms.get(form as u32);
            let entry = &mut best[self.vocab.form_stem[form] as usize];
            match entry {
                Some((m, t)) if n < *m || (n == *m && text >= *t) => {}
                _ => *entry = Some((n, text)),
            }
        }
        let mut rows: Vec<(u32, u64)> = stems
            .iter()
            .enumerate()
            .filter(|(_, &n)| n > 0)
            .map(|(id, &n)| (id as u32, n))
            .collect();
        let order = |a: &(u32, u64), b: &(u32, u64)| {
            b.1.cmp(&a.1)
                .then_with(|| self.stem(a.0).cmp(self.stem(b.0)))
        };
        if top < rows.len() {
            if top == 0 {
                return Vec::new();
            }
            rows.select_nth_unstable_by(top - 1, order);
            rows.truncate(top);
        }
        rows.sort_unstable_by(order);
        rows.into_iter()
            .map(|(id, n)| {
                let form = best[id as usize].map_or("", |b| b.1);
                (self.stem(id).to_string(), form.to_string(), n)
            })
            .collect()
    }

    /// The `top` most frequent co-occurrence pairs (a < b alphabetically,
    /// count) summed over the given sources, sorted by count desc then a, b.
    /// Only the pairs that can make the list are turned into strings.
    pub fn pair_counts(&self, sources: &[usize], top: usize) -> Vec<(String, String, u64)> {
        let sum = self.summed_pairs(sources);
        let mut counts: Vec<u64> = sum.rows().iter().map(|r| r.1).collect();
        let threshold = if top == 0 {
            return Vec::new();
        } else if counts.len() > top {
            *counts.select_nth_unstable_by(top - 1, |a, b| b.cmp(a)).1
        } else {
            0
        };
        let mut out: Vec<(String, String, u64)> = sum
            .rows()
            .iter()
            .filter(|&&(_, n)| n >= threshold)
            .map(|&(k, n)| {
                let (a, b) = self.ordered_pair(k);
                (a.to_string(), b.to_string(), n)
            })
            .collect();
        out.sort_by(|a, b| {
            b.2.cmp(&a.2)
                .then_with(|| a.0.cmp(&b.0))
                .then_with(|| a.1.cmp(&b.1))
        });
        out.truncate(top);
        out
    }

    /// The two stems of a pair key, alphabetically.
    fn ordered_pair(&self, key: u64) -> (&str, &str) {
        let (x, y) = (self.stem((key >> 32) as u32), self.stem(key as u32));
        if x <= y {
            (x, y)
        } else {
            (y, x)
        }
    }

    /// Pair counts of the given sources added up (borrowed for one source or all).
    fn summed_pairs(&self, sources: &[usize]) -> Cow<'_, PairTable> {
        assert!(
            !self.lacks_pairs,
            "pair table read from a tally without pairs"
        );
        if self.covers_all(sources) && self.sources.len() > 1 {
            return Cow::Borrowed(&self.corpus_pairs().pairs);
        }
        self.summed_pairs_uncached(sources)
    }

    fn summed_pairs_uncached(&self, sources: &[usize]) -> Cow<'_, PairTable> {
        debug_assert!(self.pending.is_empty(), "flush_pairs before reading pairs");
        let present: Vec<&SourceTally> = sources
            .iter()
            .filter_map(|&s| self.sources.get(s))
            .collect();
        if let [only] = present.as_slice() {
            return Cow::Borrowed(&only.pairs);
        }
        let tables: Vec<&PairTable> = present.iter().map(|src| &src.pairs).collect();
        Cow::Owned(PairTable::sum(&tables))
    }

    /// Number of distinct stems with a count in the given sources.
    pub fn type_count(&self, sources: &[usize]) -> u64 {
        let len = self.vocab.stems.len();
        (0..len)
            .filter(|&id| {
                sources.iter().any(|&s| {
                    self.sources
                        .get(s)
                        .is_some_and(|src| src.stems.get(id).is_some_and(|&n| n > 0))
                })
            })
            .count() as u64
    }

    /// Spellings matched by `list` in `source`: (term index, form, count).
    pub fn matched_forms(&self, source: usize, list: usize) -> Vec<(u16, String, u64)> {
        let Some(tally) = self.sources.get(source).and_then(|s| s.lists.get(list)) else {
            return Vec::new();
        };
        let mut out: Vec<(u16, String, u64)> = tally
            .forms
            .iter()
            .map(|(&(term, spelling), &n)| (term, self.matched.get(spelling).to_string(), n))
            .collect();
        out.sort();
        out
    }
}

impl ListTally {
    fn ensure_terms(&mut self, n: usize) {
        if self.terms.len() < n {
            self.terms.resize(n, 0);
        }
    }
}

impl SourceTally {
    fn ensure_lists(&mut self, list_count: usize) {
        if self.lists.len() < list_count {
            self.lists.resize_with(list_count, ListTally::default);
            self.near_anchor.resize(list_count, 0);
            self.evidence.resize_with(list_count, Vec::new);
            let themes = list_count - 1;
            self.theme_sentences.resize(themes * themes, 0);
        }
    }

    fn merge(
        &mut self,
        other: SourceTally,
        stem_map: &[u32],
        form_map: &[u32],
        matched_map: &[u32],
    ) {
        self.documents += other.documents;
        self.words += other.words;
        self.tokens += other.tokens;
        self.sentences += other.sentences;
        for (id, n) in other.stems.into_iter().enumerate() {
            if n > 0 {
                add_at(&mut self.stems, stem_map[id], n);
            }
        }
        for (id, n) in other.forms.into_iter().enumerate() {
            if n > 0 {
                add_at(&mut self.forms, form_map[id], n);
            }
        }
        self.pairs.add_table(other.pairs.remapped(stem_map));
        for (k, n) in other.anchor_pairs {
            *self.anchor_pairs.entry(stem_map[k as usize]).or_insert(0) += n;
        }
        self.ensure_lists(other.lists.len());
        self.context_words += other.context_words;
        for (mine, theirs) in self.near_anchor.iter_mut().zip(other.near_anchor) {
            *mine += theirs;
        }
        for (mine, theirs) in self.theme_sentences.iter_mut().zip(other.theme_sentences) {
            *mine += theirs;
        }
        // Each side kept its best `evidence_sentences`; the union holds the
        // best of both, and the report cuts it to length.
        for (mine, theirs) in self.evidence.iter_mut().zip(other.evidence) {
            for e in theirs {
                insert_ranked(mine, e, usize::MAX);
            }
        }
        for (mine, theirs) in self.lists.iter_mut().zip(other.lists) {
            mine.hits += theirs.hits;
            mine.ensure_terms(theirs.terms.len());
            for (t, n) in theirs.terms.into_iter().enumerate() {
                mine.terms[t] += n;
            }
            for ((term, form), n) in theirs.forms {
                *mine
                    .forms
                    .entry((term, matched_map[form as usize]))
                    .or_insert(0) += n;
            }
        }
    }
}

/// Keeps `list` sorted best first and at most `limit` long.
fn insert_ranked(list: &mut Vec<Evidence>, e: Evidence, limit: usize) {
    let at = list.partition_point(|x| x.rank() < e.rank());
    if at < limit {
        list.insert(at, e);
        list.truncate(limit);
    }
}

/// The sentence `s` with the theme's hits in it.
fn make_evidence(
    text: &str,
    tokens: TokenView,
    matches: &[Match],
    s: u32,
    hits: u32,
    document: u32,
) -> Evidence {
    let range = &tokens.sentences[s as usize];
    let first = tokens.words[range.start as usize];
    let last = tokens.words[range.end as usize - 1];
    let (start, end) = (first.start, sentence_end(text, last.end as usize) as u32);
    let marks = matches
        .iter()
        .filter(|m| range.contains(&m.start))
        .map(|m| {
            let a = tokens.words[m.start as usize].start - start;
            let b = tokens.words[(m.start + m.len - 1) as usize].end - start;
            (a, b)
        })
        .collect();
    Evidence {
        hits,
        document,
        sentence: s,
        start,
        end,
        text: text[start as usize..end as usize].to_string(),
        marks,
    }
}

/// Extends a sentence's end over closing punctuation and quotes on its line.
fn sentence_end(text: &str, mut end: usize) -> usize {
    let bytes = text.as_bytes();
    while end < bytes.len() && matches!(bytes[end], b'.' | b'!' | b'?' | b'"' | b'\'' | b')' | b']')
    {
        end += 1;
    }
    end
}

/// Word ranges around the anchor mentions: each mention's sentence plus
/// `window` words each side, overlapping ranges merged. Matches are in text order.
fn anchor_context(
    mentions: &[Match],
    sentences: &[Range<u32>],
    n: u32,
    window: u32,
) -> Vec<Range<u32>> {
    let mut ranges: Vec<Range<u32>> = Vec::new();
    for m in mentions {
        let s = &sentences[sentences.partition_point(|s| s.end <= m.start)];
        let lo = s.start.min(m.start.saturating_sub(window));
        let hi = s.end.max((m.start + m.len + window).min(n));
        match ranges.last_mut() {
            Some(last) if lo <= last.end => last.end = last.end.max(hi),
            _ => ranges.push(lo..hi),
        }
    }
    ranges
}

/// Counts content tokens within `window` content positions of an anchor
/// mention (same sentence), skipping the mention's own words.
fn count_anchor_pairs(
    m: &Match,
    stems: &[u32],
    positions: &[u32],
    window: usize,
    out: &mut FxHashMap<u32, u64>,
) {
    let first = positions.partition_point(|&p| p < m.start);
    let after = positions.partition_point(|&p| p < m.start + m.len);
    let lo = first.saturating_sub(window);
    // A mention that is a content word occupies positions first..after.
    let hi = (after + window).min(stems.len());
    for (k, &stem) in stems.iter().enumerate().take(hi).skip(lo) {
        if k < first || k >= after {
            *out.entry(stem).or_insert(0) += 1;
        }
    }
}

fn bump(counts: &mut Vec<u64>, id: u32) {
    add_at(counts, id, 1);
}

fn add_at(counts: &mut Vec<u64>, id: u32, n: u64) {
    let i = id as usize;
    if counts.len() <= i {
        counts.resize(i + 1, 0);
    }
    counts[i] += n;
}

/// Appends the key of each pair of positions i < j with j - i <= window and different stems.
fn count_pairs(stems: &[u32], window: usize, keys: &mut Vec<u64>) {
    for (i, &a) in stems.iter().enumerate() {
        for &b in stems.iter().skip(i + 1).take(window) {
            if a != b {
                keys.push(pair_key(a, b));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::{Config, Overrides};
    use std::path::Path;

    fn config(themes: &str) -> Config {
        let text = format!(
            "[anchor]\nlabel = \"mv\"\nterms = [\"multi-vector*\", \"multivector*\"]\n{themes}"
        );
        Config::from_toml(&text, "test.toml", Path::new(""), &Overrides::default()).unwrap()
    }

    const THEMES: &str = "[themes.econ]\nterms = [\"trade\", \"Belt and Road\"]\n[themes.russia]\ngroup = \"actors\"\nterms = [\"russia\"]\n";

    #[test]
    fn counts_words_tokens_sentences_and_hits() {
        let c = config(THEMES);
        let a = Analyzer::new(&c, &[]);
        let mut t = Tally::default();
        // 13 words, 4 stopwords (The, of, and, with), 2 sentences.
        t.add_document(&a, 0, 0, "The multi-vector policy of Kazakhstan\u{2019}s trade. Russia's Belt and Road trade with Russia-China.");
        let s = &t.sources[0];
        assert_eq!((s.documents, s.words, s.tokens, s.sentences), (1, 13, 9, 2));
        assert_eq!(s.lists[0].hits, 1);
        // econ: trade, Belt and Road, trade = 3; russia: Russia's, Russia-China = 2
        assert_eq!((s.lists[1].hits, s.lists[1].terms.clone()), (3, vec![2, 1]));
        assert_eq!(s.lists[2].hits, 2);
        let terms = t.term_counts(&[0]);
        assert_eq!(terms[0], ("trade".to_string(), "trade".to_string(), 2));
        assert!(terms.contains(&("kazakhstan".into(), "kazakhstan".into(), 1)));
        assert!(terms.contains(&("multivector".into(), "multi-vector".into(), 1)));
        assert_eq!(
            t.matched_forms(0, 0),
            vec![(0, "multi-vector".to_string(), 1)]
        );
        assert_eq!(
            t.matched_forms(0, 1),
            vec![(0, "trade".into(), 2), (1, "Belt and Road".into(), 1)]
        );
    }

    #[test]
    fn released_pairs_leave_the_other_counts_and_cannot_be_read() {
        let c = config(THEMES);
        let a = Analyzer::new(&c, &[]);
        let mut t = Tally::default();
        t.add_document(&a, 0, 0, "Trade with Russia. Trade and trade policy.");
        t.add_document(&a, 1, 0, "Russia trade.");
        t.finish_counting();
        // "trade" and "russia" co-occur once in each source; each "trade"
        // of the second sentence with "policy": 2.
        let pairs = vec![
            ("polici".to_string(), "trade".to_string(), 2),
            ("russia".to_string(), "trade".to_string(), 2),
        ];
        assert_eq!(t.pair_counts(&[0, 1], 2), pairs);
        let terms = t.term_counts(&[0, 1]);
        t.release_pairs();
        assert_eq!(t.term_counts(&[0, 1]), terms);
        assert_eq!(t.sources[1].lists[2].hits, 1);
        let read =
            std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| t.pair_counts(&[0, 1], 2)));
        assert!(read.is_err(), "a released pair table was read");
    }

    #[test]
    fn pairs_stay_inside_window_and_sentence() {
        let mut keys = Vec::new();
        count_pairs(&[1, 2, 3, 1], 2, &mut keys);
        let mut pairs = PairTable::default();
        pairs.add_keys(&mut keys);
        // (1,2) (1,3) (2,3) (2,1) (3,1); 1-1 at distance 3 is outside and self-pairs never count.
        assert_eq!(
            pairs.rows(),
            &[
                (pair_key(1, 2), 2),
                (pair_key(1, 3), 2),
                (pair_key(2, 3), 1)
            ]
        );

        let c = config(THEMES);
        let a = Analyzer::new(&c, &[]);
        let mut t = Tally::default();
        t.add_document(&a, 0, 0, "alpha beta. gamma delta");
        // "beta. gamma" continues the sentence (lower case), "alpha beta.\nGamma" would not.
        assert_eq!(t.pair_counts(&[0], 100).len(), 6);
        let mut t = Tally::default();
        t.add_document(&a, 0, 0, "alpha beta.\nGamma delta");
        assert_eq!(
            t.pair_counts(&[0], 100),
            vec![
                ("alpha".into(), "beta".into(), 1),
                ("delta".into(), "gamma".into(), 1)
            ]
        );
    }

    #[test]
    fn tallies_sharing_a_built_vocabulary_count_as_their_own_would() {
        let c = config(THEMES);
        let a = Analyzer::new(&c, &[]);
        let docs = [
            (0, "Trade with Russia grows. The multivector policy holds."),
            (1, "Belt and Road trade, Russia and trade again."),
            (0, "Multi-vectorial diplomacy: Russia, Russia. The Trade."),
        ];
        let mut own = Tally::default();
        for (i, (s, d)) in docs.iter().enumerate() {
            own.add_document(&a, *s, i, d);
        }
        // The vocabulary of every spelling, built apart (in sorted order, as
        // the cache stores it), then shared by two tallies.
        let spellings = own.vocab().spellings();
        assert!(spellings.contains(&"Trade") && spellings.contains(&"trade"));
        assert!(spellings.windows(2).all(|w| w[0] < w[1]));
        let shared = Vocab::of_spellings(&spellings, &a);
        let mut left = Tally::with_vocab(Arc::clone(&shared));
        let mut right = Tally::with_vocab(Arc::clone(&shared));
        left.add_document(&a, 0, 0, docs[0].1);
        right.add_document(&a, 1, 1, docs[1].1);
        left.add_document(&a, 0, 2, docs[2].1);
        // Every spelling was known: neither tally copied the vocabulary.
        assert!(Arc::ptr_eq(&left.vocab, &shared) && Arc::ptr_eq(&right.vocab, &shared));
        // A new word makes a tally's own copy and leaves the shared one alone.
        let mut third = Tally::with_vocab(Arc::clone(&shared));
        third.add_document(&a, 1, 3, "Entirely unheard-of vocabulary.");
        assert!(!Arc::ptr_eq(&third.vocab, &shared));
        assert_eq!(shared.words.len(), spellings.len());
        let merged = Tally::default().merge(left).merge(right);
        for s in [0, 1] {
            assert_eq!(merged.term_counts(&[s]), own.term_counts(&[s]));
            assert_eq!(merged.pair_counts(&[s], 100), own.pair_counts(&[s], 100));
            for (m, o) in merged.sources[s].lists.iter().zip(&own.sources[s].lists) {
                assert_eq!((m.hits, &m.terms), (o.hits, &o.terms));
            }
            assert_eq!(merged.matched_forms(s, 0), own.matched_forms(s, 0));
            assert_eq!(merged.anchor_pair_counts(s), own.anchor_pair_counts(s));
        }
        assert_eq!(merged.vocab().spellings(), spellings);
    }

    #[test]
    fn a_vocabulary_rebuilt_from_known_forms_equals_one_stemmed_again() {
        let c = config(THEMES);
        let a = Analyzer::new(&c, &[]);
        let mut own = Tally::default();
        // Other documents first, so the tally's own numbering differs from
        // the sorted one the rebuilt vocabulary uses.
        own.add_document(&a, 1, 0, "Russia's trading partners: the trades of Russia.");
        own.add_document(&a, 0, 1, "Trade, TRADE and trade. The Belt and Road.");
        let known = own.vocab().known_forms();
        assert!(known.is_consistent());
        let form = |w: &str| {
            let k = known.spellings.iter().position(|&s| s == w).unwrap();
            known.form_of[k]
        };
        let stem = |w: &str| known.stems[known.stem_of[form(w) as usize] as usize];
        // Hand facts: three spellings of one form; "trades" another form of
        // the same stem; "Russia's" the form "russia".
        assert_eq!(form("Trade"), form("TRADE"));
        assert_eq!(form("Trade"), form("trade"));
        assert_ne!(form("trade"), form("trades"));
        assert_eq!((stem("trades"), stem("trade")), ("trade", "trade"));
        assert_eq!(known.forms[form("Russia's") as usize], "russia");
        // Russia's trading partners the trades of Russia | Trade TRADE and
        // trade The Belt Road.
        assert_eq!(known.spellings.len(), 7 + 7);

        let rebuilt = Vocab::of_known_forms(&known, &a).unwrap();
        let stemmed = Vocab::of_spellings(&known.spellings, &a);
        assert_eq!(rebuilt.by_surface, stemmed.by_surface);
        assert!(rebuilt.forms.iter().eq(stemmed.forms.iter()));
        assert!(rebuilt.stems.iter().eq(stemmed.stems.iter()));
        assert_eq!(rebuilt.form_stem, stemmed.form_stem);
        let describe = |v: &Vocab| -> Vec<(u32, u32, bool, WordMatches)> {
            v.words
                .iter()
                .map(|w| (w.form, w.stem, w.content, w.matches.get().clone()))
                .collect()
        };
        assert_eq!(describe(&rebuilt), describe(&stemmed));
        // Matching was done again: "trade" and "Russia" match their themes.
        let id = |w: &str| rebuilt.by_surface[w] as usize;
        assert!(!rebuilt.words[id("trade")].matches.is_empty());
        assert!(!rebuilt.words[id("Russia")].matches.is_empty());
        assert!(rebuilt.words[id("partners")].matches.is_empty());
        // Forms that are not distinct describe no vocabulary.
        let mut twice = known.clone();
        twice.forms[1] = twice.forms[0];
        assert!(Vocab::of_known_forms(&twice, &a).is_none());
    }

    #[test]
    fn merged_tallies_equal_one_tally() {
        let c = config(THEMES);
        let a = Analyzer::new(&c, &[]);
        let docs = [
            (0, "Trade with Russia grows. The multivector policy holds."),
            (1, "Belt and Road trade, Russia and trade again."),
            (0, "Nothing here but words and more words about trade."),
            (1, "Multi-vectorial diplomacy: Russia, Russia."),
        ];
        let mut one = Tally::default();
        for (i, (s, d)) in docs.iter().enumerate() {
            one.add_document(&a, *s, i, d);
        }
        let mut left = Tally::keeping_spellings();
        let mut right = Tally::default();
        for (i, (s, d)) in docs.iter().enumerate() {
            // Reverse order into the right half so local ids differ.
            if i % 2 == 0 {
                left.add_document(&a, *s, i, d);
            }
        }
        for (i, (s, d)) in docs.iter().enumerate().rev() {
            if i % 2 == 1 {
                right.add_document(&a, *s, i, d);
            }
        }
        let merged = right.merge(left);
        for s in [0, 1] {
            assert_eq!(merged.term_counts(&[s]), one.term_counts(&[s]));
            assert_eq!(merged.pair_counts(&[s], 100), one.pair_counts(&[s], 100));
            for (m, o) in merged.sources[s].lists.iter().zip(&one.sources[s].lists) {
                assert_eq!((m.hits, &m.terms), (o.hits, &o.terms));
            }
            let (m, o) = (&merged.sources[s], &one.sources[s]);
            assert_eq!(
                (&m.near_anchor, m.context_words),
                (&o.near_anchor, o.context_words)
            );
            assert_eq!(m.theme_sentences, o.theme_sentences);
            assert_eq!(m.evidence, o.evidence);
            assert_eq!(merged.anchor_pair_counts(s), one.anchor_pair_counts(s));
            assert_eq!(merged.matched_forms(s, 0), one.matched_forms(s, 0));
        }
        assert_eq!(merged.type_count(&[0, 1]), one.type_count(&[0, 1]));
        // Kept by one side, the merged vocabulary knows every spelling either side met.
        assert_eq!(merged.vocab().spellings(), one.vocab().spellings());
        let mut no_keeping = Tally::default();
        no_keeping.add_document(&a, 0, 0, docs[0].1);
        let mut other = Tally::default();
        other.add_document(&a, 1, 1, docs[1].1);
        let forgetful = no_keeping.merge(other);
        assert!(!forgetful.vocab().spellings().contains(&"Belt"));
        assert!(one.sources[0].context_words > 0 && !one.sources[1].evidence[1].is_empty());
        let (mut merged, mut one) = (merged, one);
        assert_eq!(merged.documents_in_order(), one.documents_in_order());
    }

    #[test]
    fn anchor_context_collocates_theme_sentences_and_evidence() {
        let c = config(&format!("[analysis]\ncontext_window = 2\n{THEMES}"));
        let a = Analyzer::new(&c, &[1]);
        let mut t = Tally::default();
        // Sentence 0 = words 0..7: Russia(0) and the(1) trade(2) meet(3) the(4) multivector(5) idea(6).
        // Sentence 1 = words 7..18, "trade" at 17.
        let text = "Russia and trade meet the multivector idea. Later long words follow here: alpha beta gamma delta epsilon trade.";
        t.add_document(&a, 0, 0, text);
        let s = &t.sources[0];
        // Context: sentence 0..7 joined with 5-2..5+1+2 = 3..8 -> 0..8.
        assert_eq!(s.context_words, 8);
        // econ: trade@2 inside, trade@17 outside; russia@0 inside.
        assert_eq!(s.near_anchor, vec![1, 1, 1]);
        // Content words of sentence 0: russia trade meet multivector idea; all four others within 5.
        let pairs = t.anchor_pair_counts(0);
        assert_eq!(
            pairs,
            vec![
                ("idea".to_string(), 1),
                ("meet".into(), 1),
                ("russia".into(), 1),
                ("trade".into(), 1)
            ]
        );
        // themes: econ (0), russia (1). Sentence 0 has both, sentence 1 has econ.
        assert_eq!(s.theme_sentences, vec![2, 1, 1, 1]);
        let best = &s.evidence[1][0];
        assert_eq!((best.hits, best.sentence), (1, 0));
        assert_eq!(best.text, "Russia and trade meet the multivector idea.");
        assert_eq!(best.marks, vec![(11, 16)]);
        assert_eq!(s.evidence[1].len(), 2);
        // Sentence-level units were kept (1 document < document_units_from).
        let doc = &t.documents[0];
        assert_eq!(doc.sentence_words, vec![7, 11]);
        assert_eq!(
            doc.sentence_hits,
            vec![(0, 0, 1), (0, 1, 1), (0, 2, 1), (1, 1, 1)]
        );
    }

    #[test]
    fn a_document_counted_in_blocks_equals_the_whole() {
        let c = config(THEMES);
        let a = Analyzer::new(&c, &[1]);
        let first = "Trade with Russia grows. The multivector policy holds.";
        let second = "Belt and Road trade, Russia and trade again.";
        let mut whole = Tally::default();
        whole.add_document(&a, 0, 0, &format!("{first}\n\n{second}"));
        let mut blocks = Tally::default();
        let mut part = DocumentParts::new(0, 0);
        blocks.add_part(&a, &mut part, first, TextCounts::Count);
        blocks.add_part(&a, &mut part, second, TextCounts::Count);
        blocks.finish_document(part);
        blocks.flush_pairs();
        assert_eq!(blocks.term_counts(&[0]), whole.term_counts(&[0]));
        assert_eq!(blocks.pair_counts(&[0], 100), whole.pair_counts(&[0], 100));
        assert_eq!(blocks.documents, whole.documents);
        let (b, w) = (&blocks.sources[0], &whole.sources[0]);
        assert_eq!(
            (b.documents, b.words, b.sentences),
            (w.documents, w.words, w.sentences)
        );
        // Evidence offsets point into the same normalised text.
        assert_eq!(b.evidence, w.evidence);
    }
}
