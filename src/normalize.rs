//! Text clean-up before tokenizing: decoded article text in, clean text out.
//!
//! The output has one property the tokenizer relies on: a `\n` is a hard
//! sentence break (a heading, a paragraph end), and every other line break of
//! the input has become a space or disappeared. On the way:
//! - Unicode is put in NFC, typographic apostrophes fold to `'`, quotes to `"`,
//!   hyphen variants (and an en dash between two letters) to `-`, soft
//!   hyphens and zero-width characters vanish, odd spaces become spaces;
//! - boilerplate lines (comment boxes) are dropped, as are lines holding only
//!   a page number or only URLs, which PDF exports put mid-sentence;
//! - URLs and e-mail addresses inside lines are removed;
//! - PDF-style wrapped lines are joined, a word hyphenated across a line
//!   break is rejoined, and a heading stays its own sentence.

use std::borrow::Cow;

use unicode_normalization::{is_nfc_quick, IsNormalized, UnicodeNormalization};

use crate::byte_runs::{self, within, HIGH_BITS};

/// A boilerplate line: the whole (trimmed, case-folded) line, or its start when written with a trailing `*`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LinePattern {
    text: String,
    prefix: bool,
}

impl LinePattern {
    /// Parses a pattern from the config; the error says how to fix it.
    pub fn parse(pattern: &str) -> Result<LinePattern, String> {
        let folded = fold_line(pattern);
        let (text, prefix) = match folded.strip_suffix('*') {
            Some(t) => (t.trim_end().to_string(), true),
            None => (folded, false),
        };
        if text.contains('*') {
            return Err("`*` may only end a pattern".into());
        }
        if text.is_empty() {
            return Err("the pattern is empty and would drop every line".into());
        }
        Ok(LinePattern { text, prefix })
    }

    fn matches(&self, folded_line: &str) -> bool {
        if self.prefix {
            folded_line.starts_with(&self.text)
        } else {
            folded_line == self.text
        }
    }
}

/// Lowercase, trimmed, inner whitespace collapsed, trailing sentence punctuation dropped.
fn fold_line(line: &str) -> String {
    let words: Vec<&str> = line.split_whitespace().collect();
    words
        .join(" ")
        .to_lowercase()
        .trim_end_matches(['.', '!', ':'])
        .to_string()
}

/// Lines of a paragraph-per-line file are longer than this (90th percentile);
/// PDF and e-mail exports wrap at 60–100 characters.
const WRAPPED_MAX_WIDTH: usize = 120;
/// In a wrapped file, a line shorter than this fraction of the wrap width that
/// is followed by a capitalised line is a heading or a paragraph's last line.
const SHORT_LINE_FRACTION: f64 = 0.6;

/// Cleans one document. See the module documentation for what it does.
pub fn normalize(raw: &str, boilerplate: &[LinePattern]) -> String {
    let mut out = String::new();
    normalize_into(raw, boilerplate, &mut String::new(), &mut out);
    out
}

/// [`normalize`] into `out`, with `folded` for the text after character
/// folding: both are emptied and reused, so a worker normalising one
/// document after another does not map a text's worth of new pages twice
/// for each.
pub fn normalize_into(
    raw: &str,
    boilerplate: &[LinePattern],
    folded: &mut String,
    out: &mut String,
) {
    fold_characters(raw, folded);
    let boilerplate = BoilerplateFilter::new(boilerplate);
    let mut addresses = AddressMarks::of(folded);
    let mut kept: Vec<Option<KeptLine>> = Vec::new();
    let mut line_start = 0;
    for line_end in memchr::memchr_iter(b'\n', folded.as_bytes()).chain([folded.len()]) {
        let (start, end) = (line_start, line_end);
        line_start = line_end + 1;
        let line = folded[start..end].trim();
        if line.is_empty() {
            kept.push(None);
            continue;
        }
        if is_page_number(line) {
            continue;
        }
        // A prefix pattern can match a longer line, so compare the line's start.
        if boilerplate.matches(line) {
            kept.push(None);
            continue;
        }
        let text = if addresses.any_within(start, end) {
            remove_urls_and_emails(line)
        } else {
            Cow::Borrowed(line)
        };
        if text.trim().is_empty() {
            // A line of URLs only: PDF footnotes dropped into a sentence.
            continue;
        }
        // `is_ascii` reads a word at a time; counting characters a byte at
        // a time (lines are too short for std's word-wise count) was a
        // tenth of normalising.
        let chars = if text.is_ascii() {
            text.len()
        } else {
            text.chars().count()
        };
        kept.push(Some(KeptLine { text, chars }));
    }
    join_lines(&kept, out);
}

/// A line that stays, with its length in characters (the wrap width is
/// measured in characters).
struct KeptLine<'a> {
    text: Cow<'a, str>,
    chars: usize,
}

/// Where the folded text of a document has `://`, `@` or `www.` (in any
/// case, as [`is_url_or_email`] reads it): the marks of a URL or e-mail
/// address, found for the whole text at once (with memchr's vector search)
/// instead of three searches of every line.
struct AddressMarks<'a> {
    schemes: std::iter::Peekable<memchr::memmem::FindIter<'a, 'static>>,
    ats: std::iter::Peekable<memchr::Memchr<'a>>,
    hosts: std::iter::Peekable<HostMarks<'a>>,
}

/// Where `www.` starts, in any case: each `.` whose three bytes before it
/// are `www` (a case-insensitive substring search would need eight
/// patterns; full stops are few enough to check one by one).
struct HostMarks<'a> {
    dots: memchr::Memchr<'a>,
    bytes: &'a [u8],
}

impl Iterator for HostMarks<'_> {
    type Item = usize;

    fn next(&mut self) -> Option<usize> {
        let bytes = self.bytes;
        self.dots.find_map(|at| {
            let start = at.checked_sub(3)?;
            bytes[start..at]
                .eq_ignore_ascii_case(b"www")
                .then_some(start)
        })
    }
}

impl<'a> AddressMarks<'a> {
    fn of(text: &'a str) -> Self {
        let bytes = text.as_bytes();
        AddressMarks {
            schemes: memchr::memmem::find_iter(bytes, "://").peekable(),
            ats: memchr::memchr_iter(b'@', bytes).peekable(),
            hosts: HostMarks {
                dots: memchr::memchr_iter(b'.', bytes),
                bytes,
            }
            .peekable(),
        }
    }

    /// Whether a mark starts in `start..end`. Calls must come in order of
    /// `start` (lines, top to bottom): marks before `start` are passed for
    /// good. `://` cannot overlap itself, so its non-overlapping search finds
    /// every occurrence.
    fn any_within(&mut self, start: usize, end: usize) -> bool {
        fn next_from(
            marks: &mut std::iter::Peekable<impl Iterator<Item = usize>>,
            start: usize,
        ) -> Option<usize> {
            while marks.next_if(|&at| at < start).is_some() {}
            marks.peek().copied()
        }
        [
            next_from(&mut self.schemes, start),
            next_from(&mut self.ats, start),
            next_from(&mut self.hosts, start),
        ]
        .into_iter()
        .flatten()
        .any(|at| at < end)
    }
}

/// The boilerplate patterns, with what tells most lines apart from all of
/// them without folding the line (an allocation).
struct BoilerplateFilter<'a> {
    patterns: &'a [LinePattern],
    /// The longest pattern's length in bytes.
    longest: usize,
    /// `first_bytes[b]`: some pattern starts with ASCII byte `b`.
    first_bytes: [bool; 128],
    /// Each pattern's first word.
    heads: Vec<&'a str>,
}

impl<'a> BoilerplateFilter<'a> {
    fn new(patterns: &'a [LinePattern]) -> Self {
        let mut first_bytes = [false; 128];
        for p in patterns {
            if let Some(&b) = p.text.as_bytes().first().filter(|b| b.is_ascii()) {
                first_bytes[usize::from(b)] = true;
            }
        }
        BoilerplateFilter {
            patterns,
            longest: patterns.iter().map(|p| p.text.len()).max().unwrap_or(0),
            first_bytes,
            heads: patterns
                .iter()
                .map(|p| p.text.split(' ').next().unwrap_or(""))
                .collect(),
        }
    }

    /// Whether the trimmed `line` is boilerplate.
    fn matches(&self, line: &str) -> bool {
        if self.patterns.is_empty() {
            return false;
        }
        // Almost no line is boilerplate: most are told apart by their first
        // letter, the others by their first word, case-insensitively.
        if let Some(&first) = line.as_bytes().first() {
            let first = first.to_ascii_lowercase();
            if first.is_ascii() && !self.first_bytes[usize::from(first)] {
                return false;
            }
        }
        let first_word = line.split_whitespace().next().unwrap_or("");
        let could_match = self.heads.iter().any(|head| {
            first_word.len() >= head.len()
                && first_word
                    .chars()
                    .zip(head.chars())
                    .all(|(a, b)| a.to_lowercase().eq(std::iter::once(b)))
        });
        if !could_match {
            return false;
        }
        // Only lines that could be that short are folded whole; longer lines
        // can only match a prefix pattern.
        let cut = line
            .char_indices()
            .nth(4 * self.longest + 8)
            .map_or(line, |(i, _)| &line[..i]);
        let whole = cut.len() == line.len();
        let folded = fold_line(cut);
        self.patterns.iter().any(|p| {
            if whole {
                p.matches(&folded)
            } else {
                p.prefix && folded.starts_with(&p.text)
            }
        })
    }
}

/// Folds `raw`'s characters (see the module documentation) into `out`.
fn fold_characters(raw: &str, out: &mut String) {
    let nfc;
    // ASCII is NFC; the quick check costs a table lookup per character.
    let text = if is_nfc_by_quick_check(raw) {
        raw
    } else {
        nfc = raw.nfc().collect::<String>();
        &nfc
    };
    let bytes = text.as_bytes();
    out.clear();
    out.reserve(text.len());
    let mut prev = '\n';
    let mut i = 0;
    while i < bytes.len() {
        // Most text is runs of printable ASCII that stay as they are: copy them whole.
        let run = i;
        i += plain_ascii_run(&bytes[i..]);
        if i > run {
            out.push_str(&text[run..i]);
            prev = bytes[i - 1] as char;
            if i == bytes.len() {
                break;
            }
        }
        let mut rest = text[i..].chars();
        let Some(c) = rest.next() else { break };
        i += c.len_utf8();
        if let Some(mapped) = fold_char(c, prev, rest.next()) {
            out.push(mapped);
            prev = mapped;
        }
    }
}

/// Whether the NFC quick check says `text` is NFC, checking only its runs
/// of non-ASCII characters: an ASCII character passes the check and resets
/// its state (it is a starter), so the runs can be checked on their own, and
/// the ASCII between them (nearly all of English text) is skipped 16 bytes
/// at a time instead of decoded one character at a time.
fn is_nfc_by_quick_check(text: &str) -> bool {
    let bytes = text.as_bytes();
    let mut i = 0;
    loop {
        while bytes.get(i..i + 16).is_some_and(<[u8]>::is_ascii) {
            i += 16;
        }
        while i < bytes.len() && bytes[i].is_ascii() {
            i += 1;
        }
        if i == bytes.len() {
            return true;
        }
        // A run of non-ASCII bytes starts and ends on character boundaries.
        let end = bytes[i..]
            .iter()
            .position(u8::is_ascii)
            .map_or(bytes.len(), |n| i + n);
        if is_nfc_quick(text[i..end].chars()) != IsNormalized::Yes {
            return false;
        }
        i = end;
    }
}

/// Bytes that [`fold_char`] leaves alone: printable ASCII but the backtick, and `\n`.
fn is_plain_ascii(b: u8) -> bool {
    (0x20..0x7f).contains(&b) && b != b'`' || b == b'\n'
}

/// How many bytes at the start of `bytes` are [plain](is_plain_ascii).
fn plain_ascii_run(bytes: &[u8]) -> usize {
    byte_runs::leading_run(bytes, plain_ascii_bytes, is_plain_ascii)
}

/// [`is_plain_ascii`] for the eight bytes of `word`: the high bit of each
/// plain byte set (the other bits are garbage). Text is runs of plain bytes
/// between line ends (`\r` in CRLF files) and typographic characters: a
/// byte-at-a-time loop was a fifth of normalising.
fn plain_ascii_bytes(word: u64) -> u64 {
    let low7 = word & !HIGH_BITS;
    let printable_but_backtick = within(low7, 0x20, b'`' - 1) | within(low7, b'`' + 1, 0x7e);
    (printable_but_backtick | within(low7, b'\n', b'\n')) & !word & HIGH_BITS
}

/// What character `c` becomes (`None`: it is dropped), given the character
/// written before it and the one after it.
fn fold_char(c: char, prev: char, next: Option<char>) -> Option<char> {
    Some(match c {
        '\r' => {
            if next == Some('\n') {
                return None;
            }
            '\n'
        }
        '\u{000C}' | '\u{2028}' | '\u{2029}' | '\u{0085}' => '\n',
        '\u{2019}' | '\u{2018}' | '\u{02BC}' | '\u{201B}' | '\u{2032}' | '`' | '\u{00B4}' => '\'',
        '\u{201C}' | '\u{201D}' | '\u{201E}' | '\u{201F}' | '\u{00AB}' | '\u{00BB}'
        | '\u{2033}' => '"',
        '\u{2010}' | '\u{2011}' | '\u{2012}' | '\u{2212}' | '\u{FE63}' | '\u{FF0D}' => '-',
        '\u{2013}' if prev.is_alphanumeric() && next.is_some_and(|n| n.is_alphabetic()) => '-',
        '\u{00AD}' | '\u{200B}' | '\u{200C}' | '\u{200D}' | '\u{2060}' | '\u{FEFF}' => return None,
        '\t' => ' ',
        c if c.is_whitespace() && c != '\n' => ' ',
        c if c.is_control() && c != '\n' => ' ',
        c => c,
    })
}

/// "2", "- 14 -", "Page 3", "3 / 12": page furniture, not text.
fn is_page_number(line: &str) -> bool {
    let rest = line
        .strip_prefix("Page ")
        .or_else(|| line.strip_prefix("page "))
        .unwrap_or(line);
    let core = rest.trim_matches(|c: char| c == '-' || c == ' ');
    !core.is_empty()
        && core.len() <= 9
        && core
            .chars()
            .all(|c| c.is_ascii_digit() || c == '/' || c == ' ')
        && core.chars().any(|c| c.is_ascii_digit())
}

fn is_url_or_email(chunk: &str) -> bool {
    let lower = chunk
        .trim_start_matches(['(', '[', '<', '"', '\''])
        .to_ascii_lowercase();
    if lower.contains("://") || lower.starts_with("www.") {
        return true;
    }
    // name@host.tld
    if let Some((user, host)) = lower.split_once('@') {
        let host = host.trim_end_matches(|c: char| !c.is_alphanumeric());
        return !user.is_empty() && host.contains('.') && !host.starts_with('.');
    }
    false
}

/// `line` without its URLs and e-mail addresses (chunks between spaces that
/// [`is_url_or_email`]). Only for a line with a mark of one (see
/// [`AddressMarks`]): the line is copied whether or not a chunk goes.
fn remove_urls_and_emails(line: &str) -> Cow<'_, str> {
    let mut out = String::with_capacity(line.len());
    for chunk in line.split(' ') {
        if is_url_or_email(chunk) {
            // Keep sentence punctuation that followed the address; an
            // address without any leaves no second space behind.
            if let Some(p) = chunk
                .chars()
                .last()
                .filter(|c| matches!(c, '.' | '!' | '?' | ',' | ';'))
            {
                out.push(p);
                out.push(' ');
            }
        } else {
            out.push_str(chunk);
            out.push(' ');
        }
    }
    out.truncate(out.trim_end().len());
    Cow::Owned(out)
}

/// Joins the kept lines (None = blank or boilerplate) into text where `\n`
/// marks a hard sentence break.
fn join_lines(lines: &[Option<KeptLine>], out: &mut String) {
    let mut lengths: Vec<usize> = lines.iter().flatten().map(|l| l.chars).collect();
    let width = if lengths.is_empty() {
        0
    } else {
        // The 90th percentile: the width a wrapped file wraps at.
        let at = lengths.len() * 9 / 10;
        *lengths.select_nth_unstable(at).1
    };
    let wrapped = width <= WRAPPED_MAX_WIDTH;

    // The lines and a separator after each: the most the text can need.
    let most = lines.iter().flatten().map(|l| l.text.len() + 1).sum();
    out.clear();
    out.reserve(most);
    let mut prev: Option<&KeptLine> = None;
    let mut blank_between = false;
    for line in lines {
        let Some(line) = line else {
            blank_between = true;
            continue;
        };
        if let Some(p) = prev {
            out.push_str(separator(p, &line.text, blank_between, wrapped, width));
        }
        out.push_str(&line.text);
        prev = Some(line);
        blank_between = false;
    }
}

fn separator(
    prev: &KeptLine,
    next: &str,
    blank_between: bool,
    wrapped: bool,
    width: usize,
) -> &'static str {
    let mut prev_tail = prev.text.chars().rev();
    let last = prev_tail.next().unwrap_or(' ');
    let before_last = prev_tail.next().unwrap_or(' ');
    let first = next.chars().next().unwrap_or(' ');
    // "trans-" + "border": a word hyphenated at the line end.
    if last == '-' && before_last.is_alphabetic() && first.is_alphabetic() {
        return "";
    }
    if first.is_lowercase() || matches!(first, ',' | ';' | ')' | '.') {
        return " ";
    }
    if last == ':' {
        return "\n";
    }
    if !wrapped {
        // One paragraph (or heading) per line.
        return "\n";
    }
    let short = (prev.chars as f64) < SHORT_LINE_FRACTION * width as f64;
    let starts_block =
        first.is_uppercase() || first.is_ascii_digit() || matches!(first, '"' | '\'' | '(' | '[');
    if short && starts_block && !ends_sentence(last) || (blank_between && ends_sentence(last)) {
        return "\n";
    }
    " "
}

fn ends_sentence(c: char) -> bool {
    matches!(c, '.' | '!' | '?' | '\u{2026}' | '"' | ')')
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// The straightforward character loop that the ASCII-run fast path of
    /// `fold_characters` must agree with.
    fn fold_characters_char_by_char(raw: &str) -> String {
        let text: String = if is_nfc_quick(raw.chars()) == IsNormalized::Yes {
            raw.to_string()
        } else {
            raw.nfc().collect()
        };
        let chars: Vec<char> = text.chars().collect();
        let mut out = String::new();
        let mut prev = '\n';
        for (k, &c) in chars.iter().enumerate() {
            if let Some(mapped) = fold_char(c, prev, chars.get(k + 1).copied()) {
                out.push(mapped);
                prev = mapped;
            }
        }
        out
    }

    proptest! {
        #[test]
        fn fast_folding_equals_the_character_loop(
            raw in proptest::collection::vec(
                prop_oneof![
                    Just("Kazakhstan\u{2019}s ".to_string()),
                    Just("multi\u{2010}vector".to_string()),
                    Just("A\u{2013}b 3\u{2013}4 ".to_string()),
                    Just("\r\n".to_string()),
                    Just("\r".to_string()),
                    Just("\t`x`\u{7f}".to_string()),
                    Just("cafe\u{0301} ".to_string()),
                    Just("soft\u{00AD}hyphen\u{200B}".to_string()),
                    "[ -~]{0,12}",
                    any::<String>(),
                ],
                0..12,
            )
        ) {
            let raw = raw.concat();
            // Into a buffer that holds an earlier document's text, as a worker's does.
            let mut folded = "left over from an earlier document".to_string();
            fold_characters(&raw, &mut folded);
            prop_assert_eq!(folded, fold_characters_char_by_char(&raw));
        }

        #[test]
        fn quick_check_of_non_ascii_runs_equals_the_whole_check(
            pieces in proptest::collection::vec(
                prop_oneof![
                    Just("a long run of plain ascii text ".to_string()),
                    Just("e\u{301}".to_string()),
                    Just("\u{301}\u{316}".to_string()),
                    Just("\u{316}\u{301}".to_string()),
                    Just("\u{e9}\u{2019}".to_string()),
                    Just("\u{212b}".to_string()),
                    "[ -~]{0,20}",
                    any::<String>(),
                ],
                0..10,
            )
        ) {
            let text = pieces.concat();
            prop_assert_eq!(
                is_nfc_by_quick_check(&text),
                is_nfc_quick(text.chars()) == IsNormalized::Yes
            );
        }

        #[test]
        fn first_letter_check_agrees_with_the_full_check(line in "[ -~\u{e9}\u{130}\u{212a}]{0,30}") {
            let line = line.trim();
            let patterns: Vec<LinePattern> = ["Leave a reply*", "You may like", "\u{c9}dition*", "Kelvin"]
                .iter()
                .map(|p| LinePattern::parse(p).unwrap())
                .collect();
            let folded = fold_line(line);
            let full = patterns.iter().any(|p| p.matches(&folded));
            prop_assert_eq!(BoilerplateFilter::new(&patterns).matches(line), full);
        }
    }

    #[test]
    fn plain_runs_end_at_the_first_byte_that_folding_may_change() {
        byte_runs::assert_run_agrees_with_bytes(
            plain_ascii_run,
            is_plain_ascii,
            b"Ab 9_{~\n!a ".repeat(2).as_slice(),
        );
    }

    proptest! {
        #[test]
        fn address_marks_agree_with_a_search_of_each_line(
            pieces in proptest::collection::vec(
                prop::sample::select(vec!["://", ":/", "/", "@", "www.", "WwW.", "ww", "w", "W", ".", "\n", " ", "a"]),
                0..40,
            ),
            asked in proptest::collection::vec(any::<bool>(), 40),
        ) {
            let text = pieces.concat();
            let mut marks = AddressMarks::of(&text);
            let mut start = 0;
            for (k, line) in text.split('\n').enumerate() {
                let end = start + line.len();
                // Lines that are not asked about (blank, boilerplate) are skipped.
                if asked[k % asked.len()] {
                    let lower = line.to_ascii_lowercase();
                    let expected = line.contains("://") || line.contains('@') || lower.contains("www.");
                    prop_assert_eq!(marks.any_within(start, end), expected, "line {:?}", line);
                }
                start = end + 1;
            }
        }
    }

    fn norm(raw: &str) -> String {
        let bp: Vec<LinePattern> = ["Leave a reply*", "You may like"]
            .iter()
            .map(|p| LinePattern::parse(p).unwrap())
            .collect();
        normalize(raw, &bp)
    }

    #[test]
    fn typography_folds() {
        assert_eq!(
            norm("Kazakhstan\u{2019}s \u{201C}multi\u{2010}vector\u{201D} Russia\u{2013}Ukraine 2020 \u{2013} 2030"),
            "Kazakhstan's \"multi-vector\" Russia-Ukraine 2020 \u{2013} 2030"
        );
        assert_eq!(norm("co\u{00AD}operation\u{00A0}now"), "cooperation now");
        // NFD e + combining acute -> NFC é
        assert_eq!(norm("cafe\u{0301}"), "caf\u{00E9}");
    }

    #[test]
    fn wrapped_pdf_lines_join_and_page_numbers_vanish() {
        let long_a =
            "Secondly, as a Eurasian Economic Union (EAEU) member country, Kazakhstan feels the";
        let long_b = "negative impacts of the anti-Russian sanctions of the collective West. In addition to these,";
        let raw =
            format!("{long_a}\n\n{long_b}\n\n2\n\n\n\nallegations about the trans-\nborder role\n");
        let got = norm(&raw);
        assert_eq!(
            got,
            format!("{long_a} {long_b} allegations about the trans-border role")
        );
    }

    #[test]
    fn headings_stay_separate_in_wrapped_text() {
        let long = "Astana strives to overcome this challenge by developing trans-border transport infrastructures.";
        let long2 = "Deputy Minister Vassilenko described the Astana International Forum as the voice of the";
        let raw = format!("{long}\n\nLess Polarized World Order\n\n{long2}\ncountries\n");
        assert_eq!(
            norm(&raw),
            format!("{long}\nLess Polarized World Order\n{long2} countries")
        );
    }

    #[test]
    fn paragraph_per_line_files_break_at_every_line() {
        let para = format!("P{}", "x".repeat(199));
        let raw = format!("Conclusion\n{para}\nHeading: \n{para}");
        assert_eq!(norm(&raw), format!("Conclusion\n{para}\nHeading:\n{para}"));
    }

    #[test]
    fn boilerplate_and_urls_are_removed() {
        let raw = "Good text.\n\nLeave a Reply\n\nYou may like\nhttps://avim.org.tr/en/Yorum/X-Y\nMail me at a.b@example.org. Or see www.example.com/x, then go.";
        assert_eq!(norm(raw), "Good text.\nMail me at . Or see , then go.");
        // An address in capitals, on a line with no other mark, goes too.
        assert_eq!(norm("Visit WWW.EXAMPLE.COM today."), "Visit today.");
    }

    #[test]
    fn line_patterns_fold_case_and_punctuation() {
        let p = LinePattern::parse("Your email address will not be published*").unwrap();
        assert!(p.matches(&fold_line(
            "Your email  address will not be published. Required fields"
        )));
        let exact = LinePattern::parse("You may like").unwrap();
        assert!(exact.matches(&fold_line("YOU MAY LIKE:")));
        assert!(!exact.matches(&fold_line("You may like this")));
        assert!(LinePattern::parse("*").is_err());
        assert!(LinePattern::parse("a*b").is_err());
    }

    #[test]
    fn page_numbers_are_recognised() {
        for p in ["2", "- 14 -", "Page 3", "3 / 12"] {
            assert!(is_page_number(p), "{p}");
        }
        for p in ["2023 was a year", "G7", "1,800"] {
            assert!(!is_page_number(p), "{p}");
        }
    }
}
