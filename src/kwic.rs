//! Keyword in context: every match of one term, with the words around it.
//!
//! The term follows the lexicon semantics (stems, `word*`, phrases, capitals,
//! compound parts), and the text goes through the same normalising and
//! tokenizing as a run, so a concordance line exists exactly where a theme
//! hit would be counted.

use anyhow::Result;
use rayon::prelude::*;

use crate::config::Config;
use crate::error::BadInput;
use crate::ingest::{self, Corpus};
use crate::lexicon::{Lexicon, Term, TermList, WordMatches, ANCHOR_LIST};
use crate::normalize::normalize;
use crate::tokenize::tokenize;

/// One concordance line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KwicLine {
    /// Source id.
    pub source: String,
    /// Document path relative to the input folder.
    pub document: String,
    /// Up to `window` words before the match (same sentence not required).
    pub left: String,
    /// The matched words as written.
    pub keyword: String,
    /// Up to `window` words after.
    pub right: String,
}

/// Finds every match of `term` in the corpus, in source, document and text order.
pub fn concordance(
    config: &Config,
    corpus: &Corpus,
    term: &str,
    window: usize,
) -> Result<Vec<KwicLine>> {
    let compiled = Term::parse(term, &config.stemmer)
        .map_err(|why| BadInput(format!("term {term:?}: {why}")))?;
    let lexicon = Lexicon {
        anchor_label: term.to_string(),
        anchor: TermList {
            terms: vec![compiled],
        },
        themes: Vec::new(),
    };
    let matcher = lexicon.matcher(&config.stemmer);
    let documents: Vec<(&str, &ingest::Document)> = corpus
        .sources
        .iter()
        .flat_map(|s| s.documents.iter().map(move |d| (s.id.as_str(), d)))
        .collect();
    let lines = documents
        .par_iter()
        .map(|(source, doc)| {
            let Ok(decoded) = ingest::read(doc) else {
                return Vec::new();
            };
            let text = normalize(&decoded.text, &config.boilerplate);
            let tokens = tokenize(&text);
            let word =
                |i: usize| &text[tokens.words[i].start as usize..tokens.words[i].end as usize];
            let per_word: Vec<WordMatches> = (0..tokens.words.len())
                .map(|i| matcher.match_word(word(i)))
                .collect();
            let mut found = vec![Vec::new()];
            let mut scratch = Vec::new();
            for s in &tokens.sentences {
                let refs: Vec<(u32, &WordMatches)> = (s.start..s.end)
                    .map(|k| (k, &per_word[k as usize]))
                    .collect();
                matcher.find_matches(&refs, &mut scratch, &mut found);
            }
            found[ANCHOR_LIST]
                .iter()
                .map(|m| {
                    let (a, b) = (m.start as usize, (m.start + m.len) as usize);
                    let join =
                        |r: std::ops::Range<usize>| r.map(word).collect::<Vec<_>>().join(" ");
                    KwicLine {
                        source: source.to_string(),
                        document: doc.rel.clone(),
                        left: join(a.saturating_sub(window)..a),
                        keyword: join(a..b),
                        right: join(b..(b + window).min(tokens.words.len())),
                    }
                })
                .collect::<Vec<_>>()
        })
        .collect::<Vec<_>>()
        .concat();
    Ok(lines)
}

/// Aligned lines: source, right-aligned left context, [keyword], right context.
pub fn format(lines: &[KwicLine]) -> String {
    let left_width = lines
        .iter()
        .map(|l| l.left.chars().count())
        .max()
        .unwrap_or(0);
    let source_width = lines
        .iter()
        .map(|l| l.source.chars().count())
        .max()
        .unwrap_or(0);
    let mut out = String::new();
    for l in lines {
        out.push_str(&format!(
            "{:<source_width$}  {:>left_width$} [{}] {}\n",
            l.source, l.left, l.keyword, l.right
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn format_aligns_the_keyword_column() {
        let line = |s: &str, l: &str| KwicLine {
            source: s.into(),
            document: String::new(),
            left: l.into(),
            keyword: "trade".into(),
            right: "grows".into(),
        };
        let text = format(&[line("a", "more"), line("bbb", "so much more")]);
        let cols: Vec<usize> = text.lines().map(|l| l.find('[').unwrap()).collect();
        assert_eq!(cols[0], cols[1]);
        assert!(text.starts_with("a    "), "{text}");
    }
}
