//! Words and sentences of normalised text (see `normalize`: `\n` is a hard break).
//!
//! A word is a run of letters, digits and combining marks, held together by
//! an apostrophe between letters ("don't", "d'etat"), a hyphen between
//! letters or digits (a compound: "multi-vector", "Ukraine-Russia"), a period
//! between single letters ("U.S", "i.e") or a period or comma between digits
//! ("1,800", "3.5"). Only runs with at least one letter are words: numbers are
//! not. Footnote digits glued to a word ("sovereignty11") are cut off.
//!
//! A sentence ends at `\n`, or at `.`, `!`, `?` or `…` followed (after closing
//! quotes, brackets or footnote digits) by a space and a word that does not
//! start in lower case, unless the period closes an abbreviation ("Mr.",
//! "U.S.") or an initial.

use std::ops::Range;

use unicode_normalization::char::is_combining_mark;

use crate::byte_runs::{self, within, HIGH_BITS, ONES};

/// One word: byte range in the normalised text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Word {
    /// Byte offset of the first character.
    pub start: u32,
    /// Byte offset just past the last character.
    pub end: u32,
}

/// Words of a document and how they group into sentences.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Tokens {
    /// Every word, in text order.
    pub words: Vec<Word>,
    /// Index ranges into `words`, one per sentence; never empty.
    pub sentences: Vec<Range<u32>>,
}

/// [`Tokens`] borrowed: a document's own, or its part of a cached segment's
/// arrays (which hold every document of the segment one after another).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TokenView<'a> {
    /// Every word, in text order.
    pub words: &'a [Word],
    /// Index ranges into `words`, one per sentence; never empty.
    pub sentences: &'a [Range<u32>],
}

impl Tokens {
    /// The words and sentences, borrowed.
    pub fn view(&self) -> TokenView<'_> {
        TokenView {
            words: &self.words,
            sentences: &self.sentences,
        }
    }
}

/// Periods after these (lowercase, without the period) do not end a sentence.
const ABBREVIATIONS: &[&str] = &[
    "mr", "mrs", "ms", "dr", "prof", "st", "jr", "sr", "vs", "gen", "col", "lt", "sgt", "capt",
    "rev", "hon", "gov", "sen", "rep", "inc", "ltd", "co", "corp", "dept", "jan", "feb", "mar",
    "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec", "fig", "approx", "cf", "al",
    "vol", "pp", "ed", "eds", "est", "mt",
];

/// Footnote digits glued to a word are cut when the letters before them are
/// at least this many and include a lower-case letter (keeps "G7", "COVID19").
const FOOTNOTE_MIN_LETTERS: usize = 3;
const FOOTNOTE_MAX_DIGITS: usize = 3;

fn is_word_char(c: char) -> bool {
    c.is_alphanumeric() || (!c.is_ascii() && is_combining_mark(c))
}

/// Splits normalised text into words and sentences.
pub fn tokenize(text: &str) -> Tokens {
    let mut tokens = Tokens::default();
    tokenize_into(text, &mut tokens);
    tokens
}

/// [`tokenize`] into `tokens`, whose arrays are emptied and reused (a
/// worker preparing one document after another keeps their capacity).
pub fn tokenize_into(text: &str, tokens: &mut Tokens) {
    tokens.words.clear();
    tokens.sentences.clear();
    let bytes = text.as_bytes();
    let mut sentence_start = 0u32;
    let mut i = 0usize;
    // Byte offset where the last word ended, to see whether a period touches it.
    let mut last_word_end = usize::MAX;
    while i < text.len() {
        // A space, the commonest byte between words, neither starts a word
        // nor ends a sentence.
        if bytes[i] == b' ' {
            i += 1;
            continue;
        }
        let c = char_at(text, i);
        if is_word_char(c) {
            let (end, has_letter) = scan_word(text, i);
            let word = &text[i..end];
            if has_letter && !is_numeral(word) {
                let kept = strip_footnote_digits(word);
                tokens.words.push(Word {
                    start: i as u32,
                    end: (i + kept.len()) as u32,
                });
                last_word_end = end;
            }
            i = end;
            continue;
        }
        let next = i + c.len_utf8();
        let breaks = match c {
            '\n' => true,
            '.' | '!' | '?' | '\u{2026}' => {
                let abbreviation = c == '.' && last_word_end == i && {
                    let w = tokens
                        .words
                        .last()
                        .map_or("", |w| &text[w.start as usize..w.end as usize]);
                    is_abbreviation(w)
                };
                !abbreviation && sentence_continues_after(bytes, next).is_none()
            }
            _ => false,
        };
        if breaks {
            let n = tokens.words.len() as u32;
            if n > sentence_start {
                tokens.sentences.push(sentence_start..n);
            }
            sentence_start = n;
        }
        i = next;
    }
    let n = tokens.words.len() as u32;
    if n > sentence_start {
        tokens.sentences.push(sentence_start..n);
    }
}

fn char_at(text: &str, i: usize) -> char {
    let b = text.as_bytes()[i];
    if b < 0x80 {
        b as char
    } else {
        text[i..].chars().next().unwrap_or(' ')
    }
}

/// Returns the end of the word starting at `start`, and whether it has a letter.
fn scan_word(text: &str, start: usize) -> (usize, bool) {
    let mut j = start;
    let mut prev = ' ';
    let mut has_letter = false;
    // Length in chars of the current period-separated segment ("U" in "U.S").
    let mut segment = 0usize;
    let bytes = text.as_bytes();
    while j < text.len() {
        // ASCII letters and digits, the bulk of most text, without decoding
        // and eight bytes at a time (see `alphanumeric_bytes`).
        let run = ascii_alphanumeric_run(&bytes[j..]);
        if run > 0 {
            let letters = &bytes[j..j + run];
            has_letter = has_letter || letters.iter().any(u8::is_ascii_alphabetic);
            prev = bytes[j + run - 1] as char;
            segment += run;
            j += run;
            continue;
        }
        let b = bytes[j];
        // Any other ASCII byte but the joiners ends the word (the commonest
        // case: a space), without looking at the character after it.
        if b.is_ascii() && !matches!(b, b'\'' | b'-' | b'.' | b',') {
            break;
        }
        let c = char_at(text, j);
        let len = c.len_utf8();
        if is_word_char(c) {
            has_letter |= c.is_alphabetic();
            prev = c;
            segment += 1;
            j += len;
            continue;
        }
        let next = if j + len < text.len() {
            char_at(text, j + len)
        } else {
            ' '
        };
        let joins = match c {
            '\'' => prev.is_alphabetic() && next.is_alphabetic(),
            '-' => prev.is_alphanumeric() && next.is_alphanumeric(),
            '.' => {
                (prev.is_ascii_digit() && next.is_ascii_digit())
                    || (segment == 1
                        && prev.is_alphabetic()
                        && next.is_alphabetic()
                        && !is_word_char(char_after(text, j + len)))
            }
            ',' => prev.is_ascii_digit() && next.is_ascii_digit(),
            _ => false,
        };
        if !joins {
            break;
        }
        if c == '.' {
            segment = 0;
        }
        prev = c;
        j += len;
    }
    (j, has_letter)
}

/// How many bytes at the start of `bytes` are ASCII letters or digits.
fn ascii_alphanumeric_run(bytes: &[u8]) -> usize {
    byte_runs::leading_run(bytes, alphanumeric_bytes, |b| b.is_ascii_alphanumeric())
}

/// The high bit of each byte of `word` set when the byte is an ASCII letter
/// or digit (the other bits are garbage). A byte-at-a-time loop ended nearly
/// every word with a mispredicted branch (about 40% of the tokenizer's time
/// in a profile).
fn alphanumeric_bytes(word: u64) -> u64 {
    let low7 = word & !HIGH_BITS;
    // `| 0x20` maps 'A'..='Z' onto 'a'..='z' and nothing else onto them.
    let letters = within(low7 | (ONES * 0x20), b'a', b'z');
    let digits = within(low7, b'0', b'9');
    // Bytes of 0x80 and above (parts of non-ASCII characters) are neither.
    (letters | digits) & !word & HIGH_BITS
}

/// The character after the one at byte `i` (a space past the end).
fn char_after(text: &str, i: usize) -> char {
    if i >= text.len() {
        return ' ';
    }
    let c = char_at(text, i);
    if i + c.len_utf8() < text.len() {
        char_at(text, i + c.len_utf8())
    } else {
        ' '
    }
}

fn strip_footnote_digits(word: &str) -> &str {
    if !word.as_bytes().last().is_some_and(u8::is_ascii_digit) {
        return word;
    }
    let letters = word.trim_end_matches(|c: char| c.is_ascii_digit());
    let digits = word.len() - letters.len();
    let ends_in_letter = letters.chars().next_back().is_some_and(char::is_alphabetic);
    if (1..=FOOTNOTE_MAX_DIGITS).contains(&digits)
        && ends_in_letter
        && letters.chars().count() >= FOOTNOTE_MIN_LETTERS
        && letters.chars().any(char::is_lowercase)
    {
        letters
    } else {
        word
    }
}

/// "15th", "2nd", "1990s", "70s": numbers with a suffix are numbers, not words.
fn is_numeral(word: &str) -> bool {
    // Only a word that starts with a digit can be one (and most words do not:
    // skip the lowercase copy of the suffix below).
    if !word.as_bytes().first().is_some_and(u8::is_ascii_digit) {
        return false;
    }
    let suffix = word.trim_start_matches(|c: char| c.is_ascii_digit() || c == ',' || c == '.');
    suffix.len() < word.len()
        && ["st", "nd", "rd", "th", "s", "'s"].contains(&suffix.to_ascii_lowercase().as_str())
}

fn is_abbreviation(word: &str) -> bool {
    let mut chars = word.chars();
    let single_letter =
        matches!((chars.next(), chars.next()), (Some(c), None) if c.is_alphabetic());
    single_letter || word.contains('.') || is_listed_abbreviation(word)
}

/// Whether `word`, lowercased, is one of [`ABBREVIATIONS`]. Asked at nearly
/// every sentence end: an ASCII word is compared ignoring case, without a
/// lowercased copy.
fn is_listed_abbreviation(word: &str) -> bool {
    if !word.is_ascii() {
        // (A non-ASCII letter can lowercase to an ASCII one: the Kelvin sign.)
        return ABBREVIATIONS.contains(&word.to_lowercase().as_str());
    }
    ABBREVIATIONS.iter().any(|a| a.eq_ignore_ascii_case(word))
}

/// After terminal punctuation ending at byte `i`: `Some(())` if the sentence
/// goes on (no space follows, or the next word starts in lower case).
fn sentence_continues_after(bytes: &[u8], mut i: usize) -> Option<()> {
    // Closing quotes and brackets, more terminal punctuation.
    while i < bytes.len() && matches!(bytes[i], b'"' | b'\'' | b')' | b']' | b'.' | b'!' | b'?') {
        i += 1;
    }
    // Footnote digits: "approach.1 This".
    let digits = bytes[i..].iter().take_while(|b| b.is_ascii_digit()).count();
    if (1..=FOOTNOTE_MAX_DIGITS).contains(&digits)
        && bytes
            .get(i + digits)
            .is_none_or(|b| b.is_ascii_whitespace())
    {
        i += digits;
    }
    if i >= bytes.len() || bytes[i] == b'\n' {
        return None;
    }
    if bytes[i] != b' ' {
        return Some(());
    }
    while i < bytes.len() && bytes[i] == b' ' {
        i += 1;
    }
    if i >= bytes.len() {
        return None;
    }
    // Decode only the next character (at most 4 bytes): validating the whole
    // rest of the text here made long documents quadratic.
    let end = (i + 4).min(bytes.len());
    let next = (i + 1..=end)
        .find_map(|e| std::str::from_utf8(&bytes[i..e]).ok())
        .and_then(|s| s.chars().next());
    match next {
        Some(c) if c.is_lowercase() => Some(()),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(text: &str) -> Vec<&str> {
        tokenize(text)
            .words
            .iter()
            .map(|w| &text[w.start as usize..w.end as usize])
            .collect()
    }

    fn sentences(text: &str) -> Vec<String> {
        let t = tokenize(text);
        t.sentences
            .iter()
            .map(|r| {
                t.words[r.start as usize..r.end as usize]
                    .iter()
                    .map(|w| &text[w.start as usize..w.end as usize])
                    .collect::<Vec<_>>()
                    .join(" ")
            })
            .collect()
    }

    #[test]
    fn words_keep_apostrophes_hyphens_and_acronyms() {
        assert_eq!(
            words("Kazakhstan's multi-vector coup d'etat, the U.S. and i.e. students' books"),
            vec![
                "Kazakhstan's",
                "multi-vector",
                "coup",
                "d'etat",
                "the",
                "U.S",
                "and",
                "i.e",
                "students",
                "books"
            ]
        );
    }

    #[test]
    fn numbers_are_not_words_but_mixed_tokens_are() {
        assert_eq!(
            words("1,800 km, 3.5% of $410 in 2020-2030; G7 and COVID19 and 8-9 June"),
            vec!["km", "of", "in", "G7", "and", "COVID19", "and", "June"]
        );
    }

    #[test]
    fn footnote_digits_are_cut() {
        assert_eq!(
            words("sovereignty11 and conflict9 approach.1 This"),
            vec!["sovereignty", "and", "conflict", "approach", "This"]
        );
    }

    #[test]
    fn hyphen_needs_letters_on_both_sides() {
        assert_eq!(
            words("Route -the Middle Corridor - is well-known"),
            vec!["Route", "the", "Middle", "Corridor", "is", "well-known"]
        );
    }

    #[test]
    fn sentence_ends_respect_abbreviations_initials_and_footnotes() {
        assert_eq!(
            sentences("Mr. Vassilenko met Javier M. Piedra in the U.S. today. It rained! Approach.1 This was new.\nHeading here"),
            vec![
                "Mr Vassilenko met Javier M Piedra in the U.S today",
                "It rained",
                "Approach",
                "This was new",
                "Heading here",
            ]
        );
    }

    #[test]
    fn lowercase_after_period_continues_and_quotes_close() {
        assert_eq!(
            sentences("He said \"no.\" Then e.g. this. and that"),
            vec!["He said no", "Then e.g this and that"]
        );
    }

    #[test]
    fn empty_and_punctuation_only_text_has_no_sentences() {
        assert_eq!(tokenize(""), Tokens::default());
        assert_eq!(tokenize("... 123 !!\n\n"), Tokens::default());
    }

    /// The word rule of the module documentation, one character at a time
    /// (no ASCII fast paths): the end of the word starting at byte `start`.
    fn word_end_by_chars(text: &str, start: usize) -> usize {
        let chars: Vec<(usize, char)> = text[start..]
            .char_indices()
            .map(|(i, c)| (start + i, c))
            .collect();
        let at = |k: usize| chars.get(k).map_or(' ', |&(_, c)| c);
        let (mut k, mut segment) = (0, 0);
        while k < chars.len() {
            let c = at(k);
            if is_word_char(c) {
                segment += 1;
                k += 1;
                continue;
            }
            let (prev, next) = (if k == 0 { ' ' } else { at(k - 1) }, at(k + 1));
            let joins = match c {
                '\'' => prev.is_alphabetic() && next.is_alphabetic(),
                '-' => prev.is_alphanumeric() && next.is_alphanumeric(),
                '.' => {
                    prev.is_ascii_digit() && next.is_ascii_digit()
                        || segment == 1
                            && prev.is_alphabetic()
                            && next.is_alphabetic()
                            && !is_word_char(at(k + 2))
                }
                ',' => prev.is_ascii_digit() && next.is_ascii_digit(),
                _ => false,
            };
            if !joins {
                break;
            }
            if c == '.' {
                segment = 0;
            }
            k += 1;
        }
        chars.get(k).map_or(text.len(), |&(i, _)| i)
    }

    proptest::proptest! {
        #[test]
        fn words_end_where_the_character_rule_ends_them(
            pieces in proptest::collection::vec(
                proptest::sample::select(vec![
                    "a", "Bc", "é", "ß", "7", "42", "x\u{304}", "'", "\u{2019}", "-", ".", ",",
                    " ", "\n", "!", "\"", "U.S.", "3.5", "1,800", "d'", "Ж", "\u{a0}", "_",
                ]),
                0..30,
            ),
        ) {
            let text = pieces.concat();
            for (i, _) in text.char_indices().filter(|&(_, c)| is_word_char(c)) {
                let end = word_end_by_chars(&text, i);
                let has_letter = text[i..end].chars().any(char::is_alphabetic);
                proptest::prop_assert_eq!(scan_word(&text, i), (end, has_letter), "{:?} at {}", text, i);
            }
        }
    }

    #[test]
    fn alphanumeric_runs_end_at_the_first_other_byte_whatever_it_is() {
        byte_runs::assert_run_agrees_with_bytes(
            ascii_alphanumeric_run,
            |b| b.is_ascii_alphanumeric(),
            &b"aZ09zA9m".repeat(3)[..21],
        );
    }

    #[test]
    fn listed_abbreviations_are_found_in_any_case() {
        for word in ["Mr", "MRS", "approx", "Approx", "Sept", "vs"] {
            assert!(is_listed_abbreviation(word), "{word}");
        }
        for word in ["M", "Mister", "approxi", "app", "", "Dré"] {
            assert!(!is_listed_abbreviation(word), "{word}");
        }
    }

    #[test]
    fn unicode_words_stay_whole() {
        assert_eq!(
            words("Iržikevičius café Türkiye"),
            vec!["Iržikevičius", "café", "Türkiye"]
        );
    }
}
