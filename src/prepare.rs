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

use crate::normalize::{normalize_into, LinePattern};
use crate::tokenize::{tokenize_into, TokenView, Tokens, Word};

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
    prepare_reusing(raw, boilerplate, &mut PrepareBuffers::default())
}

/// What a worker preparing one document after another reuses: the arrays
/// of the last document it gave back ([`PrepareBuffers::recycle`]) and the
/// scratch of normalising and numbering. A novel's text, word spans and
/// spelling numbers are megabytes each: allocated afresh for every
/// document, they were mapped and faulted in afresh (with a fixed mmap
/// threshold) or left the allocator's heap fragmented (with glibc's
/// sliding one).
#[derive(Debug, Default)]
pub struct PrepareBuffers {
    /// The last document given back.
    spare: Prepared,
    folded: String,
    slots: Vec<u128>,
    numbers: Vec<u32>,
}

impl PrepareBuffers {
    /// Keeps a document's arrays for a later [`prepare_reusing`].
    pub fn recycle(&mut self, prepared: Prepared) {
        self.spare = prepared;
    }
}

/// [`prepare`] in the arrays of `buffers`.
pub fn prepare_reusing(
    raw: &str,
    boilerplate: &[LinePattern],
    buffers: &mut PrepareBuffers,
) -> Prepared {
    let Prepared {
        mut text,
        mut tokens,
        mut spelling,
        mut first_use,
    } = std::mem::take(&mut buffers.spare);
    normalize_into(raw, boilerplate, &mut buffers.folded, &mut text);
    tokenize_into(&text, &mut tokens);
    // Sized for the distinct spellings a text of this length has (a short
    // article: most of its words; a long text: a small share), so the map
    // is not rehashed as it grows.
    let n = tokens.words.len();
    let mut numbers = SpellingNumbers::new(
        &text,
        n.min(4096).max(n / 8),
        std::mem::take(&mut buffers.slots),
        std::mem::take(&mut buffers.numbers),
    );
    spelling.clear();
    spelling.reserve(n);
    first_use.clear();
    for (i, w) in tokens.words.iter().enumerate() {
        let next = first_use.len() as u32;
        let k = numbers.number(w.start as usize, w.end as usize, next);
        if k == next {
            first_use.push(i as u32);
        }
        spelling.push(k);
    }
    (buffers.slots, buffers.numbers) = numbers.into_arrays();
    Prepared {
        text,
        tokens,
        spelling,
        first_use,
    }
}

/// Longest spelling kept by its bytes in one `u128` (nearly every word).
pub(crate) const PACKED_BYTES: usize = 16;

/// The numbers of a text's distinct spellings, looked up by byte range.
///
/// A spelling of up to 16 bytes is keyed by its bytes packed into a `u128`
/// (zero-padded: no word holds a NUL byte, so the key is never 0 and two
/// spellings share a key only when equal), in an open-addressing table: one
/// multiply hashes it and one compare finds it. A `&str` hash map hashed
/// every byte and compared with `memcmp`, about a tenth of all counting time
/// on long texts. Longer spellings go to such a map.
struct SpellingNumbers<'t> {
    text: &'t str,
    /// Packed spelling per slot, 0 = free; the table is a power of two long.
    keys: Vec<u128>,
    numbers: Vec<u32>,
    used: usize,
    long: FxHashMap<&'t str, u32>,
}

impl<'t> SpellingNumbers<'t> {
    /// An empty table for `expected` spellings of `text`, in the arrays
    /// `keys` and `numbers` (whatever they hold; see [`Self::into_arrays`]).
    fn new(
        text: &'t str,
        expected: usize,
        mut keys: Vec<u128>,
        mut numbers: Vec<u32>,
    ) -> SpellingNumbers<'t> {
        // At most half full, so probe runs stay short.
        let slots = (2 * expected).next_power_of_two().max(16);
        keys.clear();
        keys.resize(slots, 0);
        // A slot's number is read only once its key is set: not cleared.
        numbers.resize(slots, 0);
        SpellingNumbers {
            text,
            keys,
            numbers,
            used: 0,
            long: FxHashMap::default(),
        }
    }

    /// The table's arrays, for the next document's table.
    fn into_arrays(self) -> (Vec<u128>, Vec<u32>) {
        (self.keys, self.numbers)
    }

    /// The number of the spelling `text[start..end]`, or `next` (which it
    /// now has) if it is new.
    fn number(&mut self, start: usize, end: usize, next: u32) -> u32 {
        if end - start > PACKED_BYTES {
            return *self.long.entry(&self.text[start..end]).or_insert(next);
        }
        let key = packed(self.text.as_bytes(), start, end);
        let mask = self.keys.len() - 1;
        let mut slot = slot_of(key, mask);
        loop {
            match self.keys[slot] {
                k if k == key => return self.numbers[slot],
                0 => break,
                _ => slot = (slot + 1) & mask,
            }
        }
        self.keys[slot] = key;
        self.numbers[slot] = next;
        self.used += 1;
        if 2 * self.used > self.keys.len() {
            self.grow();
        }
        next
    }

    fn grow(&mut self) {
        let slots = 2 * self.keys.len();
        let keys = std::mem::replace(&mut self.keys, vec![0; slots]);
        let numbers = std::mem::replace(&mut self.numbers, vec![0; slots]);
        let mask = slots - 1;
        for (key, number) in keys.into_iter().zip(numbers).filter(|&(k, _)| k != 0) {
            let mut slot = slot_of(key, mask);
            while self.keys[slot] != 0 {
                slot = (slot + 1) & mask;
            }
            self.keys[slot] = key;
            self.numbers[slot] = number;
        }
    }
}

/// `bytes[start..end]` (at most 16 bytes) as a little-endian number, zero-padded.
pub(crate) fn packed(bytes: &[u8], start: usize, end: usize) -> u128 {
    let len = end - start;
    debug_assert!((1..=PACKED_BYTES).contains(&len));
    match bytes.get(start..start + PACKED_BYTES) {
        // One unaligned load and a mask (the text goes on past the word).
        Some(window) => {
            let all = u128::from_le_bytes(window.try_into().expect("16 bytes"));
            if len == PACKED_BYTES {
                all
            } else {
                all & ((1u128 << (8 * len)) - 1)
            }
        }
        None => {
            let mut padded = [0u8; PACKED_BYTES];
            padded[..len].copy_from_slice(&bytes[start..end]);
            u128::from_le_bytes(padded)
        }
    }
}

/// Fibonacci hashing of a packed spelling onto a table of `mask + 1` slots.
fn slot_of(key: u128, mask: usize) -> usize {
    let folded = (key as u64) ^ ((key >> 64) as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    let mixed = folded.wrapping_mul(0xD6E8_FEB8_6659_FD93);
    // The high bits are the well-mixed ones.
    (mixed >> 32) as usize & mask
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

    /// The obvious numbering: a map from the spelling's text.
    fn naive_numbers(p: &Prepared) -> (Vec<u32>, Vec<u32>) {
        let mut index = std::collections::HashMap::new();
        let (mut spelling, mut first_use) = (Vec::new(), Vec::new());
        for i in 0..p.tokens.words.len() {
            let next = first_use.len() as u32;
            let k = *index.entry(p.word(i).to_string()).or_insert(next);
            if k == next {
                first_use.push(i as u32);
            }
            spelling.push(k);
        }
        (spelling, first_use)
    }

    #[test]
    fn spellings_of_every_length_are_told_apart() {
        // 15, 16 and 17 bytes; a prefix of another word; multi-byte
        // characters; the last word ends the text (no 16 bytes after it).
        let text = "internationally internationalise internationalised intern \
                    Iržikevičius Iržikevičiusas intern internationalise \
                    internationalised internationally a ab abc ab a Iržikevičius";
        let p = prepare(text, &[]);
        assert_eq!((p.spelling.clone(), p.first_use.clone()), naive_numbers(&p));
        assert_eq!(p.first_use.len(), 9);
        assert_eq!(p.spelling_text(8), "abc");
    }

    proptest::proptest! {
        #[test]
        fn numbering_equals_a_map_from_spelling_text(
            words in proptest::collection::vec(
                proptest::sample::select(vec![
                    "a", "b", "ab", "ba", "trade", "Trade", "tradé", "ç", "x1",
                    "fifteen-letters", "sixteen-letters!", "seventeen-letters",
                    "multi-vector-policy-making", "Kazakhstan's", "déjà-vu-déjà-vu",
                ]),
                0..400,
            ),
        ) {
            // Enough distinct spellings to grow the table from its 16 slots.
            let words: Vec<String> = words
                .iter()
                .enumerate()
                .map(|(i, w)| if i % 3 == 0 { format!("{w}{}", i % 40) } else { w.to_string() })
                .collect();
            let p = prepare(&words.join(" "), &[]);
            proptest::prop_assert_eq!((p.spelling.clone(), p.first_use.clone()), naive_numbers(&p));
        }
    }

    proptest::proptest! {
        #[test]
        fn documents_prepared_in_reused_buffers_equal_ones_prepared_afresh(
            documents in proptest::collection::vec(
                proptest::collection::vec(
                    proptest::sample::select(vec![
                        "Trade", "trade.", "Kazakhstan\u{2019}s", "multi-\nvector", "12",
                        "https://example.org/x", "\n\n", "café", "a", "policy!", "Mr.",
                    ]),
                    0..60,
                ),
                1..6,
            ),
        ) {
            // Long, short and empty documents in turn: each is prepared in
            // the arrays the one before it left (longer or shorter, stale
            // slots in the numbering table).
            let mut buffers = PrepareBuffers::default();
            for words in &documents {
                let raw = words.join(" ");
                let reused = prepare_reusing(&raw, &[], &mut buffers);
                proptest::prop_assert_eq!(&reused, &prepare(&raw, &[]));
                buffers.recycle(reused);
            }
        }
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
