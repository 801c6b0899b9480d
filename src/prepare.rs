//! A document made ready for counting: normalised text, its words and
//! sentences, and each word's distinct-spelling index. This is everything
//! about a document that does not depend on the lexicons, so it is what the
//! cache (`cache`) keeps between runs (with the spellings renumbered into one
//! table per segment of documents).
//!
//! Distinct spellings are numbered per document in order of first use
//! (`spelling[i]` for word `i`; `first_use[k]` is the word where spelling `k`
//! first occurs), so a tally looks each spelling up once per document instead
//! of once per word.

use std::ops::Range;

use rustc_hash::FxHashMap;

use crate::normalize::{normalize, LinePattern};
use crate::tokenize::{tokenize, TokenView, Tokens, Word};

/// One document (or one block of a large document) ready for counting.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Prepared {
    /// The normalised text.
    pub text: String,
    /// Words and sentences of `text`.
    pub tokens: Tokens,
    /// For each word, the index of its spelling among the document's distinct spellings.
    pub spelling: Vec<u32>,
    /// For each distinct spelling, the index of the word where it first occurs.
    pub first_use: Vec<u32>,
}

impl Prepared {
    /// The text of word `i`.
    pub fn word(&self, i: usize) -> &str {
        let w = self.tokens.words[i];
        &self.text[w.start as usize..w.end as usize]
    }

    /// The text of distinct spelling `k`.
    pub fn spelling_text(&self, k: usize) -> &str {
        self.word(self.first_use[k] as usize)
    }
}

/// Whether `tokens` can be the words and sentences of `text`: every word's
/// span inside the text on character boundaries, after the previous word's,
/// and sentences covering the words in order without gaps.
pub fn tokens_fit(text: &str, tokens: TokenView) -> bool {
    words_fit(text, tokens.words) && sentences_fit(tokens.words.len(), tokens.sentences)
}

/// Whether every word's span is inside `text` on character boundaries,
/// after the previous word's.
pub fn words_fit(text: &str, words: &[Word]) -> bool {
    let text_len = text.len();
    // In ASCII text every offset is a character boundary: one fast pass
    // instead of two look-ups per word (most of this check's time in a
    // re-run of English news).
    let ascii = text.is_ascii();
    let mut previous_end = 0;
    words.iter().all(|w| {
        let ok = previous_end <= w.start
            && w.start <= w.end
            && (w.end as usize) <= text_len
            && (ascii
                || text.is_char_boundary(w.start as usize)
                    && text.is_char_boundary(w.end as usize));
        previous_end = w.end;
        ok
    })
}

/// Whether `sentences` cover `n_words` words in order, without gaps, none empty.
pub fn sentences_fit(n_words: usize, sentences: &[Range<u32>]) -> bool {
    let mut expected_start = 0u32;
    sentences.iter().all(|s| {
        let ok = s.start == expected_start && s.start < s.end && s.end as usize <= n_words;
        expected_start = s.end;
        ok
    }) && expected_start as usize == n_words
}

/// Normalises and tokenizes decoded text.
pub fn prepare(raw: &str, boilerplate: &[LinePattern]) -> Prepared {
    let text = normalize(raw, boilerplate);
    let tokens = tokenize(&text);
    // Sized for the distinct spellings a text of this length has (a short
    // article: most of its words; a long text: a small share), so the map
    // is not rehashed as it grows.
    let n = tokens.words.len();
    let mut index: FxHashMap<&str, u32> =
        FxHashMap::with_capacity_and_hasher(n.min(4096).max(n / 8), Default::default());
    let mut spelling = Vec::with_capacity(tokens.words.len());
    let mut first_use = Vec::new();
    for (i, w) in tokens.words.iter().enumerate() {
        let surface = &text[w.start as usize..w.end as usize];
        let next = first_use.len() as u32;
        let k = *index.entry(surface).or_insert(next);
        if k == next {
            first_use.push(i as u32);
        }
        spelling.push(k);
    }
    drop(index);
    Prepared {
        text,
        tokens,
        spelling,
        first_use,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spellings_are_numbered_by_first_use() {
        let p = prepare("The cat saw the cat. The end.", &[]);
        // Words: The cat saw the cat The end -> spellings The=0 cat=1 saw=2 the=3 end=4.
        assert_eq!(p.spelling, vec![0, 1, 2, 3, 1, 0, 4]);
        assert_eq!(p.first_use, vec![0, 1, 2, 3, 6]);
        assert_eq!(p.spelling_text(3), "the");
        assert_eq!(p.tokens.sentences.len(), 2);
        assert!(tokens_fit(&p.text, p.tokens.view()));
    }

    #[test]
    fn broken_tokens_do_not_fit() {
        let p = prepare("One two. Three.", &[]);
        assert!(tokens_fit(&p.text, p.tokens.view()));
        let mut t = p.tokens.clone();
        t.words[1].end = 999;
        assert!(!tokens_fit(&p.text, t.view()));
        let mut t = p.tokens.clone();
        t.sentences.pop();
        assert!(!tokens_fit(&p.text, t.view()));
        let mut t = p.tokens.clone();
        t.sentences[0].end += 1;
        assert!(!tokens_fit(&p.text, t.view()));
        // Words out of order (a phrase match would slice the text backwards).
        let mut t = p.tokens.clone();
        t.words.swap(0, 1);
        assert!(!tokens_fit(&p.text, t.view()));
        // A span that cuts a character in two.
        let q = prepare("café au lait", &[]);
        let mut t = q.tokens.clone();
        t.words[0].end = 4;
        assert!(!tokens_fit(&q.text, t.view()));
    }
}
