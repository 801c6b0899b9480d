//! Theme and anchor matching: lexicon terms compiled once, matched per word.
//!
//! Term semantics (the README states them for users):
//! - case-insensitive; a plain word matches any word with the same stem;
//! - `word*` matches any word whose lowercase, hyphen-free spelling starts with `word`;
//! - a term written in capitals (`US`, `EU`) matches only words written in capitals;
//! - a term with spaces is a phrase matched on consecutive words of one sentence;
//! - a one-word term also matches a part of a hyphenated compound
//!   ("Ukraine-Russia war" is a hit for `russia`);
//! - within one list (a theme, or the anchor) matches do not overlap: longer
//!   matches win, then the earlier one, then the term listed first; one word may
//!   count for several themes.
//!
//! Matching is split in two so that the expensive part runs once per distinct
//! word rather than per token: [`Lexicon::match_word`] says which term words a
//! surface form matches, and [`Lexicon::find_matches`] combines those per-word
//! answers over a sentence.

use rustc_hash::FxHashMap;

use crate::stem::{fold_apostrophes, form_of, solid, strip_possessive, Stemmer};

/// Index of the anchor among the lists; themes follow from 1.
pub const ANCHOR_LIST: usize = 0;

/// The compiled anchor and themes.
#[derive(Debug)]
pub struct Lexicon {
    /// Display label of the anchor.
    pub anchor_label: String,
    /// Anchor terms.
    pub anchor: TermList,
    /// Themes in config order.
    pub themes: Vec<Theme>,
}

/// A theme: a named list of terms in a group.
#[derive(Debug)]
pub struct Theme {
    /// Config key.
    pub id: String,
    /// Display label.
    pub label: String,
    /// Group ("frames", "actors", ...).
    pub group: String,
    /// Its terms.
    pub terms: TermList,
}

/// Terms of one list, in the order written.
#[derive(Debug, Default)]
pub struct TermList {
    /// The compiled terms.
    pub terms: Vec<Term>,
}

/// One lexicon entry: a word or a phrase.
#[derive(Debug, Clone, PartialEq)]
pub struct Term {
    /// As written in the config.
    pub written: String,
    /// One pattern per word; more than one makes a phrase.
    pub words: Vec<WordPattern>,
}

/// How one word of a term matches a word of the text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum WordPattern {
    /// Same stem (lowercase, hyphen-free, Snowball).
    Stem(String),
    /// Lowercase hyphen-free spelling starts with this.
    Prefix(String),
    /// Written in capitals: the hyphen-free spelling is exactly this, case-sensitive.
    Caps(String),
    /// Capitals with `*`: case-sensitive prefix.
    CapsPrefix(String),
}

/// A word of the text, folded the ways the patterns compare it.
struct WordView {
    cased: String,
    lower: String,
    stem: String,
}

impl WordView {
    fn new(surface: &str, stemmer: &Stemmer) -> WordView {
        let form = form_of(surface);
        let stem = stemmer.stem(&form);
        WordView::with_stem(surface, &form, stem)
    }

    /// The view of `surface` whose form ([`form_of`]) and stem are known.
    fn with_stem(surface: &str, form: &str, stem: String) -> WordView {
        WordView {
            cased: solid(strip_possessive(surface)),
            lower: solid(form),
            stem,
        }
    }
}

impl WordPattern {
    /// What a pattern matches, one pattern at a time: the definition that
    /// [`PatternIndex::find`] must agree with (a test checks it does).
    #[cfg(test)]
    fn matches(&self, w: &WordView) -> bool {
        match self {
            WordPattern::Stem(s) => w.stem == *s,
            WordPattern::Prefix(p) => w.lower.starts_with(p.as_str()),
            WordPattern::Caps(c) => w.cased == *c,
            WordPattern::CapsPrefix(c) => w.cased.starts_with(c.as_str()),
        }
    }
}

impl Term {
    /// Compiles a term as written in the config; the error says how to fix it.
    pub fn parse(written: &str, stemmer: &Stemmer) -> Result<Term, String> {
        let folded = fold_apostrophes(written.trim());
        if folded.is_empty() {
            return Err("the term is empty: write a word or a phrase".into());
        }
        let words = folded
            .split_whitespace()
            .map(|w| parse_word(w, stemmer))
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Term {
            written: written.trim().to_string(),
            words,
        })
    }
}

fn parse_word(word: &str, stemmer: &Stemmer) -> Result<WordPattern, String> {
    let (body, glob) = match word.strip_suffix('*') {
        Some(body) => (body, true),
        None => (word, false),
    };
    if body.contains('*') {
        return Err(format!(
            "`*` may only end a word (write `invest*`, not `*invest` or `in*vest`); found {word:?}"
        ));
    }
    let body = body.trim_end_matches('.');
    if body.is_empty() {
        return Err("a lone `*` would match every word: put letters before it".into());
    }
    if let Some(bad) = body
        .chars()
        .find(|&c| !(c.is_alphanumeric() || c == '-' || c == '\'' || c == '.'))
    {
        return Err(format!(
            "{bad:?} is never part of a word, so {word:?} could never match: use letters, digits, `-` or `'`"
        ));
    }
    if !body.chars().any(char::is_alphanumeric) {
        return Err(format!("{word:?} has no letter or digit"));
    }
    let has_letter = body.chars().any(char::is_alphabetic);
    let all_caps = has_letter
        && body
            .chars()
            .filter(|c| c.is_alphabetic())
            .all(char::is_uppercase);
    let cased = solid(strip_possessive(body));
    let lower = solid(strip_possessive(&body.to_lowercase()));
    Ok(match (all_caps, glob) {
        (true, false) => WordPattern::Caps(cased),
        (true, true) => WordPattern::CapsPrefix(cased),
        (false, true) => WordPattern::Prefix(lower),
        (false, false) => WordPattern::Stem(stemmer.stem(&lower)),
    })
}

/// What one distinct surface form matches, computed once per form.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct WordMatches {
    /// (list, term) of every one-word term the word (or one of its parts) matches.
    pub single: Vec<(u16, u16)>,
    /// Indices into the lexicon's phrase-word table that the whole word matches.
    pub phrase_words: Vec<u32>,
}

impl WordMatches {
    /// Whether the word matches no term word at all.
    pub fn is_empty(&self) -> bool {
        self.single.is_empty() && self.phrase_words.is_empty()
    }
}

/// A match of a term in a document: `len` words from `start`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Match {
    /// Position of the first word in the document's word sequence.
    pub start: u32,
    /// Number of words.
    pub len: u32,
    /// Index of the term within its list.
    pub term: u16,
}

/// Phrase terms flattened for matching.
#[derive(Debug)]
struct Phrase {
    list: u16,
    term: u16,
    /// Indices into `PhraseTable::words`.
    words: Vec<u32>,
}

/// Lexicon plus the precomputed phrase table; built once per run.
#[derive(Debug)]
pub struct Matcher<'a> {
    stemmer: &'a Stemmer,
    phrases: Vec<Phrase>,
    /// Per phrase word, the phrase it is the first word of (each phrase
    /// word belongs to one phrase), so a word tries only the phrases it can start.
    phrase_starting: Vec<Option<u32>>,
    /// (list, term) of every one-word term, by pattern.
    single: PatternIndex<(u16, u16)>,
    /// Index into the phrase-word table, by pattern.
    phrase_words: PatternIndex<u32>,
}

/// Patterns, each with a value, filed so that a word finds the patterns it
/// may match without trying them all: exact patterns (stems, capitals) by
/// their text, prefix patterns by their text under each length a prefix
/// has. A word is matched once per distinct spelling per tally, against
/// every term of every list, so a linear scan made matching the largest cost
/// of a re-run (config.toml has over a hundred `*` terms but only about
/// fifteen prefix lengths).
#[derive(Debug)]
struct PatternIndex<T> {
    by_stem: FxHashMap<String, Vec<T>>,
    by_caps: FxHashMap<String, Vec<T>>,
    /// Lowercase prefixes (`Prefix`), matched on the lowercase spelling.
    by_prefix: PrefixIndex<T>,
    /// Case-sensitive prefixes (`CapsPrefix`), matched on the cased spelling.
    by_caps_prefix: PrefixIndex<T>,
}

/// Prefixes by their text, with the distinct lengths (in bytes, ascending)
/// they come in: a word's matching prefixes are among its first `n` bytes
/// for each such `n`.
#[derive(Debug)]
struct PrefixIndex<T> {
    by_text: FxHashMap<String, Vec<T>>,
    lengths: Vec<usize>,
}

impl<T: Copy> PrefixIndex<T> {
    fn new() -> PrefixIndex<T> {
        PrefixIndex {
            by_text: FxHashMap::default(),
            lengths: Vec::new(),
        }
    }

    fn insert(&mut self, prefix: String, value: T) {
        if let Err(at) = self.lengths.binary_search(&prefix.len()) {
            self.lengths.insert(at, prefix.len());
        }
        self.by_text.entry(prefix).or_default().push(value);
    }

    /// Appends the value of every prefix `word` starts with.
    fn find(&self, word: &str, out: &mut Vec<T>) {
        for &n in &self.lengths {
            if n > word.len() {
                break;
            }
            if !word.is_char_boundary(n) {
                continue;
            }
            if let Some(values) = self.by_text.get(&word[..n]) {
                out.extend_from_slice(values);
            }
        }
    }
}

impl<T: Copy + Ord> PatternIndex<T> {
    fn new(patterns: impl IntoIterator<Item = (WordPattern, T)>) -> PatternIndex<T> {
        let mut index = PatternIndex {
            by_stem: FxHashMap::default(),
            by_caps: FxHashMap::default(),
            by_prefix: PrefixIndex::new(),
            by_caps_prefix: PrefixIndex::new(),
        };
        for (pattern, value) in patterns {
            match pattern {
                WordPattern::Stem(s) => index.by_stem.entry(s).or_default().push(value),
                WordPattern::Caps(c) => index.by_caps.entry(c).or_default().push(value),
                WordPattern::Prefix(p) => index.by_prefix.insert(p, value),
                WordPattern::CapsPrefix(c) => index.by_caps_prefix.insert(c, value),
            }
        }
        index
    }

    /// Appends the value of every pattern `w` matches (unsorted, maybe
    /// repeated): the same values as trying `WordPattern::matches` on each.
    fn find(&self, w: &WordView, out: &mut Vec<T>) {
        if let Some(values) = self.by_stem.get(w.stem.as_str()) {
            out.extend_from_slice(values);
        }
        if let Some(values) = self.by_caps.get(w.cased.as_str()) {
            out.extend_from_slice(values);
        }
        self.by_prefix.find(&w.lower, out);
        self.by_caps_prefix.find(&w.cased, out);
    }
}

impl Lexicon {
    /// Number of lists: the anchor plus every theme.
    pub fn list_count(&self) -> usize {
        1 + self.themes.len()
    }

    /// Terms of list `i` (0 = anchor).
    pub fn list(&self, i: usize) -> &TermList {
        if i == ANCHOR_LIST {
            &self.anchor
        } else {
            &self.themes[i - 1].terms
        }
    }

    /// Prepares the lexicon for matching.
    pub fn matcher<'a>(&'a self, stemmer: &'a Stemmer) -> Matcher<'a> {
        let mut phrases = Vec::new();
        let mut phrase_words = Vec::new();
        let mut phrase_starting = Vec::new();
        for list in 0..self.list_count() {
            for (t, term) in self.list(list).terms.iter().enumerate() {
                if term.words.len() > 1 {
                    let words = term
                        .words
                        .iter()
                        .map(|w| {
                            phrase_words.push(w);
                            (phrase_words.len() - 1) as u32
                        })
                        .collect();
                    phrases.push(Phrase {
                        list: list as u16,
                        term: t as u16,
                        words,
                    });
                    phrase_starting.resize(phrase_words.len(), None);
                    let first = phrase_words.len() - term.words.len();
                    phrase_starting[first] = Some((phrases.len() - 1) as u32);
                }
            }
        }
        let single = (0..self.list_count()).flat_map(|list| {
            let terms = self.list(list).terms.iter().enumerate();
            terms.filter_map(move |(t, term)| match term.words.as_slice() {
                [pattern] => Some((pattern.clone(), (list as u16, t as u16))),
                _ => None,
            })
        });
        Matcher {
            stemmer,
            phrases,
            phrase_starting,
            single: PatternIndex::new(single),
            phrase_words: PatternIndex::new(
                phrase_words
                    .into_iter()
                    .enumerate()
                    .map(|(i, p)| (p.clone(), i as u32)),
            ),
        }
    }
}

impl Matcher<'_> {
    /// Which term words `surface` matches. `surface` is a word as the
    /// tokenizer cut it (apostrophes folded, case kept).
    pub fn match_word(&self, surface: &str) -> WordMatches {
        self.match_view(surface, &WordView::new(surface, self.stemmer))
    }

    /// [`Matcher::match_word`] for a caller that has already computed the
    /// word's form ([`form_of`]) and the stem of that form.
    pub fn match_stemmed(&self, surface: &str, form: &str, stem: &str) -> WordMatches {
        self.match_view(
            surface,
            &WordView::with_stem(surface, form, stem.to_string()),
        )
    }

    fn match_view(&self, surface: &str, whole: &WordView) -> WordMatches {
        let mut out = WordMatches::default();
        self.single.find(whole, &mut out.single);
        if surface.contains('-') {
            for part in surface
                .split('-')
                .filter(|p| p.chars().any(char::is_alphanumeric))
            {
                self.single
                    .find(&WordView::new(part, self.stemmer), &mut out.single);
            }
        }
        // In list and term order, once each (a word and its parts may match the same term).
        out.single.sort_unstable();
        out.single.dedup();
        self.phrase_words.find(whole, &mut out.phrase_words);
        out.phrase_words.sort_unstable();
        out.phrase_words.dedup();
        out
    }

    /// Finds the non-overlapping matches of every list in one sentence.
    /// `words` are (document position, what the word there matches) in text
    /// order; a word left out matches nothing, so the counting stage passes
    /// only the few words that match a term word.
    /// Appends to `out[list]`; `scratch` is reused between calls.
    pub fn find_matches(
        &self,
        words: &[(u32, &WordMatches)],
        scratch: &mut Vec<(u16, Match)>,
        out: &mut [Vec<Match>],
    ) {
        scratch.clear();
        for (k, &(start, w)) in words.iter().enumerate() {
            for &(list, term) in &w.single {
                scratch.push((
                    list,
                    Match {
                        start,
                        len: 1,
                        term,
                    },
                ));
            }
            // In phrase order: phrase words are numbered phrase by phrase.
            for &pw in &w.phrase_words {
                let Some(&Some(p)) = self.phrase_starting.get(pw as usize) else {
                    continue;
                };
                let p = &self.phrases[p as usize];
                // The phrase's words at consecutive positions (a word that
                // is not listed matches no phrase word).
                let fits = k + p.words.len() <= words.len()
                    && p.words.iter().zip(&words[k..]).zip(start..).all(
                        |((pw, &(position, w)), expected)| {
                            position == expected && w.phrase_words.binary_search(pw).is_ok()
                        },
                    );
                if fits {
                    let len = p.words.len() as u32;
                    scratch.push((
                        p.list,
                        Match {
                            start,
                            len,
                            term: p.term,
                        },
                    ));
                }
            }
        }
        if scratch.is_empty() {
            return;
        }
        // Longest first, then leftmost, then the term listed first.
        scratch
            .sort_unstable_by_key(|(list, m)| (*list, std::cmp::Reverse(m.len), m.start, m.term));
        let mut i = 0;
        while i < scratch.len() {
            let list = scratch[i].0;
            let begin = out[list as usize].len();
            while i < scratch.len() && scratch[i].0 == list {
                let m = scratch[i].1;
                let taken = &out[list as usize][begin..];
                if !taken
                    .iter()
                    .any(|a| m.start < a.start + a.len && a.start < m.start + m.len)
                {
                    out[list as usize].push(m);
                }
                i += 1;
            }
            out[list as usize][begin..].sort_unstable_by_key(|m| m.start);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lexicon(themes: &[(&str, &[&str])], stemmer: &Stemmer) -> Lexicon {
        let list = |terms: &[&str]| TermList {
            terms: terms
                .iter()
                .map(|t| Term::parse(t, stemmer).unwrap())
                .collect(),
        };
        Lexicon {
            anchor_label: "anchor".into(),
            anchor: list(&["multi-vector*", "multivector*"]),
            themes: themes
                .iter()
                .map(|(id, terms)| Theme {
                    id: id.to_string(),
                    label: id.to_string(),
                    group: "frames".into(),
                    terms: list(terms),
                })
                .collect(),
        }
    }

    /// Matches per list for a text split on spaces (one sentence).
    fn run(lex: &Lexicon, stemmer: &Stemmer, text: &str) -> Vec<Vec<(u32, u32, u16)>> {
        let m = lex.matcher(stemmer);
        let per_word: Vec<WordMatches> = text.split(' ').map(|w| m.match_word(w)).collect();
        // Only the words that match something, as the counting stage passes them.
        let refs: Vec<(u32, &WordMatches)> = per_word
            .iter()
            .enumerate()
            .filter(|(_, w)| !w.is_empty())
            .map(|(k, w)| (k as u32, w))
            .collect();
        let mut out = vec![Vec::new(); lex.list_count()];
        m.find_matches(&refs, &mut Vec::new(), &mut out);
        out.into_iter()
            .map(|l| l.into_iter().map(|m| (m.start, m.len, m.term)).collect())
            .collect()
    }

    #[test]
    fn glob_is_hyphen_insensitive_and_covers_derivations() {
        let s = Stemmer::english(&[]);
        let lex = lexicon(&[("x", &["zzz"])], &s);
        let got = run(
            &lex,
            &s,
            "Multi-Vectorial multivectorism multi-vector vector multi",
        );
        // Anchor: positions 0, 1, 2; ties between the two anchor terms go to the first listed.
        assert_eq!(got[ANCHOR_LIST], vec![(0, 1, 0), (1, 1, 0), (2, 1, 0)]);
    }

    #[test]
    fn plain_word_matches_by_stem_and_compound_parts() {
        let s = Stemmer::english(&[]);
        let lex = lexicon(&[("actors", &["russia", "invest"])], &s);
        let got = run(&lex, &s, "Ukraine-Russia war Russia's investments investor");
        // "investor" stems to "investor", not "invest": no match.
        assert_eq!(got[1], vec![(0, 1, 0), (2, 1, 0), (3, 1, 1)]);
    }

    #[test]
    fn capitals_match_only_capitals() {
        let s = Stemmer::english(&[]);
        let lex = lexicon(&[("west", &["US", "EU*"])], &s);
        let got = run(&lex, &s, "us US Us EU's EUropean eu");
        assert_eq!(got[1], vec![(1, 1, 0), (3, 1, 1), (4, 1, 1)]);
    }

    #[test]
    fn phrases_sharing_a_first_word_each_match_where_they_stand() {
        let s = Stemmer::english(&[]);
        let lex = lexicon(
            &[
                ("west", &["United States", "United Kingdom"]),
                ("un", &["United Nations", "nations"]),
            ],
            &s,
        );
        // Positions: the 0 United 1 Nations 2 and 3 United 4 States 5 United 6 Kingdom 7.
        let got = run(
            &lex,
            &s,
            "the United Nations and United States United Kingdom",
        );
        assert_eq!(got[1], vec![(4, 2, 0), (6, 2, 1)]);
        assert_eq!(got[2], vec![(1, 2, 0)]);
    }

    #[test]
    fn phrases_win_over_contained_words_and_do_not_overlap() {
        let s = Stemmer::english(&[]);
        let lex = lexicon(&[("conn", &["road", "Belt and Road", "road map"])], &s);
        let got = run(&lex, &s, "the Belt and Road map road");
        // "Belt and Road" (1..4) beats "road map" (3..5), both length...: 3 > 2, so
        // "road map" overlaps and is dropped; the last "road" stands alone.
        assert_eq!(got[1], vec![(1, 3, 1), (5, 1, 0)]);
    }

    #[test]
    fn one_word_counts_once_per_theme_but_in_several_themes() {
        let s = Stemmer::english(&[]);
        let lex = lexicon(&[("a", &["trade", "trad*"]), ("b", &["trading"])], &s);
        let got = run(&lex, &s, "trading");
        assert_eq!(got[1], vec![(0, 1, 0)]);
        assert_eq!(got[2], vec![(0, 1, 0)]);
    }

    /// The pattern index finds exactly what trying every term in turn finds.
    #[test]
    fn indexed_matching_equals_trying_every_term() {
        let s = Stemmer::english(&[]);
        let lex = lexicon(
            &[
                (
                    "a",
                    &["trade", "trad*", "EU", "EU*", "Belt and Road", "road"],
                ),
                (
                    "b",
                    &["russia", "multi-vector*", "US", "secur*", "road map"],
                ),
                // Prefixes of many lengths, nested and multi-byte, so that a
                // word meets several under one length and byte lengths that
                // fall inside a character.
                (
                    "c",
                    &["a*", "ab*", "abcd*", "sécur*", "sé*", "Ukr*", "ÉU*", "é*"],
                ),
            ],
            &s,
        );
        let m = lex.matcher(&s);
        let words = [
            "trading",
            "Trade",
            "EU",
            "EU's",
            "eu",
            "EUropean",
            "Ukraine-Russia",
            "Russia's",
            "multivectorism",
            "Multi-Vectorial",
            "US",
            "us",
            "securities",
            "Road",
            "roads",
            "map",
            "belt",
            "and",
            "US-EU",
            "trade-road",
            "x",
            "a",
            "ab",
            "abc",
            "abcde",
            "sécurité",
            "sécu",
            "sé",
            "ÉUR",
            "éu",
            "Ukraine",
            "ukraine",
            "ab-Ukr",
        ];
        for word in words {
            let got = m.match_word(word);
            let whole = WordView::new(word, &s);
            let parts: Vec<WordView> = word
                .split('-')
                .filter(|p| word.contains('-') && p.chars().any(char::is_alphanumeric))
                .map(|p| WordView::new(p, &s))
                .collect();
            let mut single = Vec::new();
            let mut phrase_words = Vec::new();
            for list in 0..lex.list_count() {
                for (t, term) in lex.list(list).terms.iter().enumerate() {
                    match term.words.as_slice() {
                        [p] if p.matches(&whole) || parts.iter().any(|v| p.matches(v)) => {
                            single.push((list as u16, t as u16))
                        }
                        [_] => {}
                        phrase => {
                            for p in phrase {
                                phrase_words.push(p.matches(&whole));
                            }
                        }
                    }
                }
            }
            let phrase_words: Vec<u32> = (0..phrase_words.len() as u32)
                .filter(|&i| phrase_words[i as usize])
                .collect();
            assert_eq!(got.single, single, "{word}");
            assert_eq!(got.phrase_words, phrase_words, "{word}");
        }
    }

    #[test]
    fn bad_terms_are_explained() {
        let s = Stemmer::english(&[]);
        assert!(Term::parse("*invest", &s)
            .unwrap_err()
            .contains("may only end"));
        assert!(Term::parse("in*vest", &s)
            .unwrap_err()
            .contains("may only end"));
        assert!(Term::parse("*", &s).unwrap_err().contains("lone"));
        assert!(Term::parse("   ", &s).unwrap_err().contains("empty"));
        assert!(Term::parse("R&D", &s)
            .unwrap_err()
            .contains("never part of a word"));
        assert_eq!(
            Term::parse("Kazakhstan\u{2019}s", &s).unwrap().words,
            vec![WordPattern::Stem("kazakhstan".into())]
        );
    }
}
