//! Counts -> figures: turns the merged [`Tally`] into the [`Report`].
//!
//! Every float in the report is derived here from integer counts, after
//! merging, so the figures do not depend on thread count or file order.

pub mod emphasis;

use crate::config::Config;
use crate::count::Tally;
use crate::ingest::Corpus;
use crate::lexicon::ANCHOR_LIST;
use crate::report::{
    AnchorInfo, AnchorScore, CorpusReport, PairCount, Report, SkippedFile, SourceReport, TermCount,
    ThemeInfo, SCHEMA_VERSION,
};

/// Builds the report. `skipped` lists files found but not analysed.
pub fn build_report(
    config: &Config,
    corpus: &Corpus,
    tally: &Tally,
    mut skipped: Vec<SkippedFile>,
) -> Report {
    let top_terms = config.raw.report.top_terms;
    let sources: Vec<SourceReport> = corpus
        .sources
        .iter()
        .enumerate()
        .map(|(i, source)| source_report(config, tally, i, &source.id, top_terms))
        .collect();
    let all: Vec<usize> = (0..corpus.sources.len()).collect();
    let sum = |f: fn(&SourceReport) -> u64| sources.iter().map(f).sum::<u64>();
    let corpus_report = CorpusReport {
        documents: sum(|s| s.documents),
        words: sum(|s| s.words),
        tokens: sum(|s| s.tokens),
        types: tally.type_count(&all),
        sentences: sum(|s| s.sentences),
        top_terms: term_list(tally, &all, top_terms),
        cooccurrence: tally
            .pair_counts(&all)
            .into_iter()
            .take(config.raw.report.top_pairs)
            .map(|(a, b, count)| PairCount { a, b, count })
            .collect(),
    };
    skipped.sort_by(|a, b| a.path.cmp(&b.path));
    Report {
        schema_version: SCHEMA_VERSION,
        config: config.raw.clone(),
        stopwords: config.stemmer.stopword_list(),
        sources,
        corpus: corpus_report,
        themes: config
            .lexicon
            .themes
            .iter()
            .map(|t| ThemeInfo {
                id: t.id.clone(),
                label: t.label.clone(),
                group: t.group.clone(),
                terms: t.terms.terms.iter().map(|t| t.written.clone()).collect(),
            })
            .collect(),
        anchor: AnchorInfo {
            label: config.lexicon.anchor_label.clone(),
            terms: config
                .lexicon
                .anchor
                .terms
                .iter()
                .map(|t| t.written.clone())
                .collect(),
        },
        skipped,
    }
}

fn term_list(tally: &Tally, sources: &[usize], n: usize) -> Vec<TermCount> {
    tally
        .term_counts(sources)
        .into_iter()
        .take(n)
        .map(|(stem, form, count)| TermCount { stem, form, count })
        .collect()
}

fn source_report(
    config: &Config,
    tally: &Tally,
    index: usize,
    id: &str,
    top_terms: usize,
) -> SourceReport {
    let counts = tally.sources.get(index).cloned().unwrap_or_default();
    let list_hits = |list: usize| counts.lists.get(list).map_or(0, |l| l.hits);
    let anchor_forms = tally.matched_forms(index, ANCHOR_LIST).into_iter().fold(
        std::collections::BTreeMap::new(),
        |mut m, (_, form, n)| {
            *m.entry(form).or_insert(0) += n;
            m
        },
    );
    SourceReport {
        id: id.to_string(),
        label: id.to_string(),
        documents: counts.documents,
        words: counts.words,
        tokens: counts.tokens,
        types: tally.type_count(&[index]),
        sentences: counts.sentences,
        stopwords_removed: counts.words - counts.tokens,
        top_terms: term_list(tally, &[index], top_terms),
        themes: emphasis::theme_scores(&config.lexicon, &counts),
        anchor: AnchorScore {
            mentions: list_hits(ANCHOR_LIST),
            per_1k: emphasis::per_thousand(list_hits(ANCHOR_LIST), counts.words),
            forms: anchor_forms,
        },
    }
}
