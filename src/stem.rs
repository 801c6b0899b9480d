//! The one definition of a "term": how a word becomes the key every count uses.
//!
//! A word (as the tokenizer cut it, apostrophes already folded to `'`) is
//! lowercased and loses a possessive `'s` / `'`; that is its *form*
//! ("kazakhstan", "multi-vector"). Its *stem* is the Snowball English stem of
//! the form with hyphens removed, so "Multi-Vector", "multi-vector" and
//! "multivector" are one term, and "Kazakhstan’s", "Kazakhstans" and
//! "Kazakhstan" are another. Stopwords are decided on the form.

use rust_stemmers::Algorithm;
use rustc_hash::FxHashSet;

/// The Snowball project's English stopword list
/// (snowballstem.org/algorithms/english/stop.txt), contractions included.
pub const ENGLISH_STOPWORDS: &[&str] = &[
    "i",
    "me",
    "my",
    "myself",
    "we",
    "our",
    "ours",
    "ourselves",
    "you",
    "your",
    "yours",
    "yourself",
    "yourselves",
    "he",
    "him",
    "his",
    "himself",
    "she",
    "her",
    "hers",
    "herself",
    "it",
    "its",
    "itself",
    "they",
    "them",
    "their",
    "theirs",
    "themselves",
    "what",
    "which",
    "who",
    "whom",
    "this",
    "that",
    "these",
    "those",
    "am",
    "is",
    "are",
    "was",
    "were",
    "be",
    "been",
    "being",
    "have",
    "has",
    "had",
    "having",
    "do",
    "does",
    "did",
    "doing",
    "would",
    "should",
    "could",
    "ought",
    "i'm",
    "you're",
    "he's",
    "she's",
    "it's",
    "we're",
    "they're",
    "i've",
    "you've",
    "we've",
    "they've",
    "i'd",
    "you'd",
    "he'd",
    "she'd",
    "we'd",
    "they'd",
    "i'll",
    "you'll",
    "he'll",
    "she'll",
    "we'll",
    "they'll",
    "isn't",
    "aren't",
    "wasn't",
    "weren't",
    "hasn't",
    "haven't",
    "hadn't",
    "doesn't",
    "don't",
    "didn't",
    "won't",
    "wouldn't",
    "shan't",
    "shouldn't",
    "can't",
    "cannot",
    "couldn't",
    "mustn't",
    "let's",
    "that's",
    "who's",
    "what's",
    "here's",
    "there's",
    "when's",
    "where's",
    "why's",
    "how's",
    "a",
    "an",
    "the",
    "and",
    "but",
    "if",
    "or",
    "because",
    "as",
    "until",
    "while",
    "of",
    "at",
    "by",
    "for",
    "with",
    "about",
    "against",
    "between",
    "into",
    "through",
    "during",
    "before",
    "after",
    "above",
    "below",
    "to",
    "from",
    "up",
    "down",
    "in",
    "out",
    "on",
    "off",
    "over",
    "under",
    "again",
    "further",
    "then",
    "once",
    "here",
    "there",
    "when",
    "where",
    "why",
    "how",
    "all",
    "any",
    "both",
    "each",
    "few",
    "more",
    "most",
    "other",
    "some",
    "such",
    "no",
    "nor",
    "not",
    "only",
    "own",
    "same",
    "so",
    "than",
    "too",
    "very",
];

/// Stemmer and stopword set, built once and shared by reference across threads.
pub struct Stemmer {
    snowball: rust_stemmers::Stemmer,
    stopwords: FxHashSet<String>,
}

impl std::fmt::Debug for Stemmer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Stemmer")
            .field("algorithm", &"snowball-english")
            .field("stopwords", &self.stopwords.len())
            .finish()
    }
}

impl Stemmer {
    /// English Snowball stemmer with the built-in stopwords plus `extra`
    /// (which are folded the same way as words: lowercase, curly apostrophes straight).
    pub fn english(extra: &[String]) -> Stemmer {
        let stopwords = ENGLISH_STOPWORDS
            .iter()
            .map(|w| w.to_string())
            .chain(extra.iter().map(|w| form_of(&fold_apostrophes(w.trim()))))
            .filter(|w| !w.is_empty())
            .collect();
        Stemmer {
            snowball: rust_stemmers::Stemmer::create(Algorithm::English),
            stopwords,
        }
    }

    /// True if the form (see [`form_of`]) is a stopword.
    pub fn is_stopword(&self, form: &str) -> bool {
        self.stopwords.contains(form)
    }

    /// The stopword list in effect, sorted.
    pub fn stopword_list(&self) -> Vec<String> {
        let mut list: Vec<String> = self.stopwords.iter().cloned().collect();
        list.sort();
        list
    }

    /// The stem of a form. The form must be lowercase (the Snowball stemmer
    /// leaves upper case alone); hyphens are removed first so compounds and
    /// their solid spellings share a stem.
    pub fn stem(&self, form: &str) -> String {
        let solid = solid(form);
        self.snowball.stem(&solid).into_owned()
    }
}

/// Folds typographic apostrophes to `'` (the only one the stemmer knows).
pub fn fold_apostrophes(word: &str) -> String {
    word.chars()
        .map(|c| match c {
            '\u{2019}' | '\u{2018}' | '\u{02BC}' | '\u{2032}' | '`' | '\u{00B4}' => '\'',
            c => c,
        })
        .collect()
}

/// Lowercase word without a possessive: "Kazakhstan's" -> "kazakhstan",
/// "students'" -> "students". Apostrophes must already be folded.
pub fn form_of(word: &str) -> String {
    let lower = word.to_lowercase();
    strip_possessive(&lower).to_string()
}

/// Drops a trailing `'s` or `'` (the possessive), keeping at least one character.
pub fn strip_possessive(word: &str) -> &str {
    let trimmed = if let Some(rest) = word.strip_suffix("'s").or_else(|| word.strip_suffix("'S")) {
        rest
    } else {
        word.strip_suffix('\'').unwrap_or(word)
    };
    if trimmed.is_empty() {
        word
    } else {
        trimmed
    }
}

/// The word with hyphens removed: "multi-vector" -> "multivector".
pub fn solid(word: &str) -> String {
    word.chars().filter(|&c| c != '-').collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn possessive_and_curly_apostrophe_give_the_plain_stem() {
        let s = Stemmer::english(&[]);
        let curly = form_of(&fold_apostrophes("Kazakhstan\u{2019}s"));
        assert_eq!(curly, "kazakhstan");
        assert_eq!(s.stem(&curly), "kazakhstan");
        assert_eq!(s.stem(&form_of("Kazakhstans")), "kazakhstan");
        assert_eq!(form_of("students'"), "students");
    }

    #[test]
    fn compounds_share_a_stem_with_solid_spelling() {
        let s = Stemmer::english(&[]);
        assert_eq!(s.stem("multi-vector"), "multivector");
        assert_eq!(s.stem("multivector"), "multivector");
        assert_eq!(s.stem("multi-vectored"), "multivector");
        // Snowball does not merge derivations: the glob `multi-vector*` exists for that.
        assert_eq!(s.stem("multi-vectorial"), "multivectori");
    }

    #[test]
    fn stopwords_include_extras_folded() {
        let s = Stemmer::english(&["Also".to_string(), "Mr".to_string()]);
        assert!(s.is_stopword("the"));
        assert!(s.is_stopword("also"));
        assert!(s.is_stopword("mr"));
        assert!(!s.is_stopword("kazakhstan"));
        assert!(s.is_stopword(&form_of(&fold_apostrophes("don\u{2019}t"))));
        let list = s.stopword_list();
        assert!(list.windows(2).all(|w| w[0] < w[1]));
        assert_eq!(list.len(), ENGLISH_STOPWORDS.len() + 2);
    }

    #[test]
    fn a_lone_apostrophe_is_not_emptied() {
        assert_eq!(strip_possessive("'"), "'");
        assert_eq!(strip_possessive("'s"), "'s");
    }
}
