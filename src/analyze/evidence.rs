//! Evidence: the sentences behind each source's theme figures.

use crate::count::Tally;
use crate::ingest::Corpus;
use crate::lexicon::Lexicon;
use crate::report::{Evidence, EvidenceSentence};

/// For every source and theme with hits, its best sentences (most hits first).
pub fn evidence(lexicon: &Lexicon, tally: &Tally, corpus: &Corpus, limit: usize) -> Vec<Evidence> {
    let mut out = Vec::new();
    for (s, source) in corpus.sources.iter().enumerate() {
        let Some(src) = tally.sources.get(s) else {
            continue;
        };
        for (t, theme) in lexicon.themes.iter().enumerate() {
            let Some(kept) = src.evidence.get(t + 1) else {
                continue;
            };
            if kept.is_empty() {
                continue;
            }
            let sentences = kept
                .iter()
                .take(limit)
                .map(|e| EvidenceSentence {
                    document: source
                        .documents
                        .get(e.document as usize)
                        .map_or_else(String::new, |d| d.rel.clone()),
                    sentence: e.sentence,
                    start: e.start,
                    end: e.end,
                    hits: e.hits,
                    marked: mark(&e.text, &e.marks),
                    text: e.text.clone(),
                    marks: e.marks.iter().map(|&(a, b)| [a, b]).collect(),
                })
                .collect();
            out.push(Evidence {
                source: source.id.clone(),
                theme: theme.id.clone(),
                sentences,
            });
        }
    }
    out
}

/// The text with each byte range in [brackets]. Ranges are sorted and disjoint.
pub fn mark(text: &str, marks: &[(u32, u32)]) -> String {
    let mut out = String::with_capacity(text.len() + 2 * marks.len());
    let mut at = 0usize;
    for &(a, b) in marks {
        let (a, b) = (a as usize, b as usize);
        if a < at || b > text.len() || !text.is_char_boundary(a) || !text.is_char_boundary(b) {
            continue;
        }
        out.push_str(&text[at..a]);
        out.push('[');
        out.push_str(&text[a..b]);
        out.push(']');
        at = b;
    }
    out.push_str(&text[at..]);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn marks_wrap_hits_in_brackets() {
        assert_eq!(
            mark("Russia and trade meet.", &[(0, 6), (11, 16)]),
            "[Russia] and [trade] meet."
        );
        assert_eq!(mark("abc", &[]), "abc");
    }
}
