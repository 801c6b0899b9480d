//! Counts -> figures: turns the merged [`Tally`] into the [`Report`].
//!
//! Every float in the report is derived here from integer counts, after
//! merging, and every sum runs in a fixed order (sources by id, stems
//! alphabetically, themes in config order), so the figures do not depend on
//! thread count or file order.

pub mod balance;
pub mod collocations;
pub mod diagnostics;
pub mod emphasis;
pub mod evidence;
pub mod framing;
pub mod keyness;
pub mod pair_digest;
pub mod similarity;
pub mod stats;
pub mod uncertainty;

use std::collections::BTreeMap;

use crate::config::Config;
use crate::count::{SourceTally, StemTable, Tally};
use crate::ingest::Corpus;
use crate::lexicon::ANCHOR_LIST;
use crate::report::{
    Analysis, AnchorInfo, AnchorScore, BootstrapInfo, CorpusReport, DocumentInfo, Flag, Nearest,
    PairCount, Report, Similarity, SkippedFile, SourceReport, TermCount, ThemeInfo, SCHEMA_VERSION,
};
use pair_digest::PairDigest;
use uncertainty::{BootstrapMemo, DrawCounts, StoredDraws, SumsFrom};

/// The `top` best of `items` under `order` (a total order: best first),
/// sorted: a partial selection, then a sort of the few kept, instead of
/// sorting every item.
pub fn best_first<T>(
    mut items: Vec<T>,
    top: usize,
    order: impl Fn(&T, &T) -> std::cmp::Ordering,
) -> Vec<T> {
    if top == 0 {
        return Vec::new();
    }
    if items.len() > top {
        items.select_nth_unstable_by(top - 1, &order);
        items.truncate(top);
    }
    items.sort_by(order);
    items
}

/// Sources whose word counts differ by more than this factor are flagged.
const UNEQUAL_LENGTH_RATIO: f64 = 5.0;
/// Fewer resampling units than this make intervals rough.
const FEW_UNITS: u64 = 20;

/// What an earlier run computed that this one may reuse (from the cache).
pub struct Reusable<'a> {
    /// The tally's pair digest; built from the tally when `None`.
    pub digest: Option<PairDigest>,
    /// Bootstrap sums of earlier runs (each is used only if its inputs match).
    pub bootstrap: &'a BootstrapMemo,
    /// The draw counts earlier runs kept; `None` keeps none (no cache).
    pub draws: Option<&'a StoredDraws<'a>>,
}

/// The report, and what the next run may reuse.
#[derive(Debug)]
pub struct Built {
    pub report: Report,
    pub digest: PairDigest,
    pub bootstrap: BootstrapMemo,
    /// Draw counts made by this run, to keep (see [`uncertainty::DrawCounts`]).
    pub new_draws: Vec<(u128, DrawCounts)>,
    /// How the bootstrap's sums were come by.
    pub bootstrap_sums: SumsFrom,
}

/// Builds the report. `skipped` lists files found but not analysed.
pub fn build_report(
    config: &Config,
    corpus: &Corpus,
    tally: &mut Tally,
    mut skipped: Vec<SkippedFile>,
    documents: Vec<DocumentInfo>,
    reusable: Reusable<'_>,
) -> Built {
    use rayon::prelude::*;
    let top_terms = config.raw.report.top_terms;
    let mut sources: Vec<SourceReport> = corpus
        .sources
        .par_iter()
        .enumerate()
        .map(|(i, source)| source_report(config, tally, i, &source.id, top_terms))
        .collect();
    for doc in &documents {
        if let Some(s) = sources.iter_mut().find(|s| s.id == doc.source) {
            *s.encodings.entry(doc.encoding.clone()).or_insert(0) += 1;
        }
    }
    let all: Vec<usize> = (0..corpus.sources.len()).collect();
    let sum = |f: fn(&SourceReport) -> u64| sources.iter().map(f).sum::<u64>();
    let types = tally.type_count(&all);
    let all_terms = tally.term_counts(&all);
    let table = tally.stem_table(sources.len(), &all_terms);
    let ids: Vec<String> = sources.iter().map(|s| s.id.clone()).collect();
    // Resampling needs the documents in a fixed order.
    tally.documents_in_order();
    // The pair digest (built unless the cache had it) and the bootstrap
    // are the costly parts, and independent: side by side.
    let settings = &config.raw.analysis;
    let Reusable {
        digest,
        bootstrap,
        draws,
    } = reusable;
    let shared: &Tally = tally;
    let (digest, resampled) = rayon::join(
        || {
            digest.unwrap_or_else(|| {
                PairDigest::of(
                    shared,
                    &table,
                    &ids,
                    *settings.min_count.get_ref(),
                    settings.top,
                    config.raw.report.top_pairs,
                )
            })
        },
        || {
            uncertainty::replicates(
                &sources,
                &shared.documents,
                config.lexicon.themes.len(),
                settings.bootstrap_replicates,
                settings.bootstrap_seed,
                bootstrap,
                draws,
            )
        },
    );
    // Nothing after the digest reads a pair table (a re-run with a cached
    // digest has none).
    tally.release_pairs();
    let tally: &Tally = tally;
    let corpus_report = CorpusReport {
        documents: sum(|s| s.documents),
        words: sum(|s| s.words),
        tokens: sum(|s| s.tokens),
        types,
        sentences: sum(|s| s.sentences),
        top_terms: all_terms
            .into_iter()
            .take(top_terms)
            .map(|(stem, form, count)| TermCount { stem, form, count })
            .collect(),
        cooccurrence: digest
            .top_pairs
            .iter()
            .map(|(a, b, count)| PairCount {
                a: a.clone(),
                b: b.clone(),
                count: *count,
            })
            .collect(),
    };
    // The lexicon diagnostics are independent of the analytics: run them side by side.
    let (analysis, lexicon) = rayon::join(
        || {
            analyse(
                config,
                corpus,
                tally,
                &table,
                &digest,
                &resampled.replicates,
                &mut sources,
            )
        },
        || diagnostics::diagnose(config, tally, &ids, &table, &digest),
    );
    skipped.sort_by(|a, b| a.path.cmp(&b.path));
    let report = Report {
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
        documents,
        analysis,
        lexicon,
    };
    Built {
        report,
        digest,
        bootstrap: resampled.memo,
        new_draws: resampled.new_draws,
        bootstrap_sums: resampled.sources,
    }
}

/// The analytics; fills the sources' theme intervals on the way.
fn analyse(
    config: &Config,
    corpus: &Corpus,
    tally: &Tally,
    table: &StemTable,
    digest: &PairDigest,
    reps: &[uncertainty::Replicates],
    sources: &mut [SourceReport],
) -> Analysis {
    let settings = &config.raw.analysis;
    let lexicon = &config.lexicon;
    let min_count = *settings.min_count.get_ref();
    let ids: Vec<String> = sources.iter().map(|s| s.id.clone()).collect();

    let docs = &tally.documents;
    // The anchor's collocates and the keyness tests only read the counts:
    // side by side (the bootstrap's intervals are filled in below).
    let collocations = digest.collocations.clone();
    let (anchor_collocates, keyness) = rayon::join(
        || {
            collocations::anchor_collocates(
                tally,
                table,
                digest,
                &ids,
                &lexicon.anchor_label,
                min_count,
                settings.top,
            )
        },
        || keyness::keyness(lexicon, sources, table, min_count, settings.top),
    );
    for (s, source) in sources.iter_mut().enumerate() {
        let words = source.words;
        for (t, theme) in lexicon.themes.iter().enumerate() {
            if let (Some(interval), Some(score)) = (
                uncertainty::rate_interval(&reps[s], t),
                source.themes.get_mut(&theme.id),
            ) {
                // The bootstrap cannot see past a zero count: it says [0, 0].
                let (lo, hi) = if score.hits == 0 {
                    uncertainty::zero_hits_interval(words).unwrap_or(interval)
                } else {
                    interval
                };
                score.ci_low = Some(lo);
                score.ci_high = Some(hi);
            }
        }
    }
    let theme_ids: Vec<String> = lexicon.themes.iter().map(|t| t.id.clone()).collect();
    let units: BTreeMap<String, String> = ids
        .iter()
        .enumerate()
        .map(|(s, id)| {
            let mine: Vec<&crate::count::DocTally> =
                docs.iter().filter(|d| d.source as usize == s).collect();
            let unit = if uncertainty::by_sentence(&mine) {
                "sentence"
            } else {
                "document"
            };
            (id.clone(), unit.to_string())
        })
        .collect();

    let similarity = similarity::similarity(lexicon, sources, table);
    let flags = flags(sources, &keyness, &units);
    Analysis {
        collocations,
        anchor_collocates,
        framing: framing::profiles(lexicon, tally, &ids),
        balance: balance::balance(lexicon, sources),
        nearest: nearest(&ids, &similarity),
        similarity,
        differences: uncertainty::differences(&theme_ids, sources, reps),
        theme_cooccurrence: framing::theme_pairs(lexicon, tally, &ids),
        evidence: evidence::evidence(lexicon, tally, corpus, settings.evidence_sentences),
        keyness,
        flags,
        bootstrap: BootstrapInfo {
            replicates: settings.bootstrap_replicates,
            seed: settings.bootstrap_seed,
            units,
        },
    }
}

/// The most similar other source per measure (ties: first in source order).
fn nearest(ids: &[String], similarity: &[Similarity]) -> Vec<Nearest> {
    ids.iter()
        .filter(|_| ids.len() > 1)
        .map(|id| {
            let mut by_cos: Option<(f64, &str)> = None;
            let mut by_jsd: Option<(f64, &str)> = None;
            for other in ids.iter().filter(|o| *o != id) {
                let Some(pair) = similarity.iter().find(|p| {
                    (&p.source_a == id && &p.source_b == other)
                        || (&p.source_b == id && &p.source_a == other)
                }) else {
                    continue;
                };
                if by_cos.is_none_or(|(c, _)| pair.cosine_tfidf > c) {
                    by_cos = Some((pair.cosine_tfidf, other));
                }
                // A source without frame-theme hits is nearest to none.
                if let Some(jsd) = pair.jsd_frames {
                    if by_jsd.is_none_or(|(j, _)| jsd < j) {
                        by_jsd = Some((jsd, other));
                    }
                }
            }
            Nearest {
                source: id.clone(),
                by_vocabulary: by_cos.map_or_else(String::new, |x| x.1.to_string()),
                by_framing: by_jsd.map_or_else(String::new, |x| x.1.to_string()),
            }
        })
        .collect()
}

/// Cautions a reader needs before comparing the numbers.
fn flags(
    sources: &[SourceReport],
    keyness: &[crate::report::SourceKeyness],
    units: &BTreeMap<String, String>,
) -> Vec<Flag> {
    let mut out = Vec::new();
    let longest = sources.iter().map(|s| s.words).max().unwrap_or(0);
    let shortest = sources.iter().map(|s| s.words).min().unwrap_or(0);
    if shortest > 0 && longest as f64 / shortest as f64 > UNEQUAL_LENGTH_RATIO
        || shortest == 0 && longest > 0
    {
        out.push(Flag {
            kind: "unequal_lengths".into(),
            source: String::new(),
            message: format!(
                "source lengths range from {shortest} to {longest} words: rates are comparable, but the shorter sources' rates are much noisier"
            ),
        });
    }
    for (source, key) in sources.iter().zip(keyness) {
        let small = key.themes.iter().filter(|r| r.small_counts).count();
        if small > 0 {
            out.push(Flag {
                kind: "small_counts".into(),
                source: source.id.clone(),
                message: format!(
                    "{small} of {} theme tests have an expected count under 5: treat their G² and p-values as rough",
                    key.themes.len()
                ),
            });
        }
        let only_here = key
            .terms
            .iter()
            .filter(|r| r.direction == "over" && r.count_rest == 0)
            .count();
        if only_here > 0 {
            out.push(Flag {
                kind: "single_source_terms".into(),
                source: source.id.clone(),
                message: format!("{only_here} of its top over-used terms occur in no other source"),
            });
        }
        let unit = units.get(&source.id).map_or("sentence", String::as_str);
        let count = if unit == "document" {
            source.documents
        } else {
            source.sentences
        };
        if count < FEW_UNITS {
            out.push(Flag {
                kind: "few_units".into(),
                source: source.id.clone(),
                message: format!("only {count} {unit}s to resample: its intervals are rough"),
            });
        }
    }
    out
}

fn term_list(tally: &Tally, sources: &[usize], n: usize) -> Vec<TermCount> {
    tally
        .top_terms(sources, n)
        .into_iter()
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
    let empty = SourceTally::default();
    let counts = tally.sources.get(index).unwrap_or(&empty);
    let list_hits = |list: usize| counts.lists.get(list).map_or(0, |l| l.hits);
    let anchor_forms = tally.matched_forms(index, ANCHOR_LIST).into_iter().fold(
        BTreeMap::new(),
        |mut m, (_, form, n)| {
            *m.entry(form).or_insert(0) += n;
            m
        },
    );
    let meta = config.raw.sources.get(id).cloned().unwrap_or_default();
    SourceReport {
        id: id.to_string(),
        label: meta.label.clone().unwrap_or_else(|| id.to_string()),
        meta,
        documents: counts.documents,
        words: counts.words,
        tokens: counts.tokens,
        types: tally.type_count(&[index]),
        sentences: counts.sentences,
        encodings: BTreeMap::new(),
        stopwords_removed: counts.words - counts.tokens,
        top_terms: term_list(tally, &[index], top_terms),
        themes: emphasis::theme_scores(&config.lexicon, counts),
        anchor: AnchorScore {
            mentions: list_hits(ANCHOR_LIST),
            per_1k: emphasis::per_thousand(list_hits(ANCHOR_LIST), counts.words),
            forms: anchor_forms,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::charts::fixtures;
    use crate::report::{KeyRow, SourceKeyness};

    #[test]
    fn a_source_without_frame_hits_is_nobodys_nearest_by_framing() {
        let ids: Vec<String> = ["a", "b", "c"].map(String::from).to_vec();
        let pair = |a: &str, b: &str, cosine: f64, jsd: Option<f64>| Similarity {
            source_a: a.into(),
            source_b: b.into(),
            cosine_tfidf: cosine,
            jsd_frames: jsd,
        };
        // c has no frame hits; by vocabulary it is a's nearest.
        let similarity = [
            pair("a", "b", 0.2, Some(0.4)),
            pair("a", "c", 0.9, None),
            pair("b", "c", 0.1, None),
        ];
        let near = nearest(&ids, &similarity);
        let of = |id: &str| near.iter().find(|n| n.source == id).unwrap();
        assert_eq!(
            (of("a").by_vocabulary.as_str(), of("a").by_framing.as_str()),
            ("c", "b")
        );
        assert_eq!(of("b").by_framing, "a");
        assert_eq!(
            (of("c").by_vocabulary.as_str(), of("c").by_framing.as_str()),
            ("a", "")
        );
    }

    /// Two sources: "short" (100 words, 12 sentences) and "long" (1,000 words,
    /// 300 sentences), 10x apart. short has one theme test with a small
    /// expected count and two over-used terms absent from the rest (an
    /// under-used row with count_rest 0 does not count); long has none.
    #[test]
    fn flags_name_each_caution_once_where_it_applies() {
        let mut sources = fixtures::report(2, 2, false).sources;
        for (s, (id, words, sentences)) in sources
            .iter_mut()
            .zip([("short", 100, 12), ("long", 1_000, 300)])
        {
            s.id = id.into();
            s.words = words;
            s.sentences = sentences;
        }
        let template = fixtures::report(2, 2, false).analysis.keyness[0].terms[0].clone();
        let row = |direction: &str, count_rest: u64, small: bool| KeyRow {
            direction: direction.into(),
            count_rest,
            small_counts: small,
            ..template.clone()
        };
        let keyness = vec![
            SourceKeyness {
                source: "short".into(),
                terms: vec![
                    row("over", 0, true),
                    row("over", 0, true),
                    row("over", 4, false),
                    row("under", 0, false),
                ],
                themes: vec![row("over", 3, true), row("under", 9, false)],
            },
            SourceKeyness {
                source: "long".into(),
                terms: vec![row("over", 7, false)],
                themes: vec![row("under", 3, false), row("over", 9, false)],
            },
        ];
        let units: BTreeMap<String, String> = [("short", "sentence"), ("long", "sentence")]
            .into_iter()
            .map(|(a, b)| (a.to_string(), b.to_string()))
            .collect();
        let got: Vec<(String, String, String)> = flags(&sources, &keyness, &units)
            .into_iter()
            .map(|f| (f.kind, f.source, f.message))
            .collect();
        let kinds: Vec<(&str, &str)> = got.iter().map(|f| (f.0.as_str(), f.1.as_str())).collect();
        assert_eq!(
            kinds,
            [
                ("unequal_lengths", ""),
                ("small_counts", "short"),
                ("single_source_terms", "short"),
                ("few_units", "short"),
            ]
        );
        assert!(got[0].2.contains("from 100 to 1000 words"), "{}", got[0].2);
        assert!(got[1].2.starts_with("1 of 2 theme tests"), "{}", got[1].2);
        assert!(
            got[2].2.starts_with("2 of its top over-used"),
            "{}",
            got[2].2
        );
        assert!(got[3].2.contains("only 12 sentences"), "{}", got[3].2);

        // Lengths within 5x: no length flag.
        sources[1].words = 500;
        assert!(flags(&sources, &keyness, &units)
            .iter()
            .all(|f| f.kind != "unequal_lengths"));
    }
}
