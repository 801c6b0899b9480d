//! Keyness: what each source says more (or less) than the rest of the corpus.
//!
//! Every source is tested against all other sources pooled, term by term
//! (stems, counted among tokens) and theme by theme (hits, against words).
//! Each row carries the four counts it was computed from.

use crate::analyze::stats;
use crate::count::StemTable;
use crate::lexicon::Lexicon;
use crate::report::{KeyRow, SourceKeyness, SourceReport};

/// Expected counts under this make G² and its p-value unreliable.
const SMALL_EXPECTED: f64 = 5.0;

/// Keyness of every source. `top` rows each way; terms need `min_count` in the corpus.
pub fn keyness(
    lexicon: &Lexicon,
    sources: &[SourceReport],
    table: &StemTable,
    min_count: u64,
    top: usize,
) -> Vec<SourceKeyness> {
    let source_totals: Vec<u64> = table.counts.iter().map(|row| row.iter().sum()).collect();
    let corpus_total: u64 = source_totals.iter().sum();
    let corpus_counts: Vec<u64> = (0..table.stems.len())
        .map(|i| table.counts.iter().map(|row| row[i]).sum())
        .collect();
    let words_total: u64 = sources.iter().map(|s| s.words).sum();
    sources
        .iter()
        .enumerate()
        .map(|(s, source)| {
            let total_source = source_totals.get(s).copied().unwrap_or(0);
            let total_rest = corpus_total - total_source;
            // Every term is ranked on its G² alone; only the `top` each way
            // get a full row (p-value, log-odds, strings).
            let mut over: Vec<(f64, usize)> = Vec::new();
            let mut under: Vec<(f64, usize)> = Vec::new();
            if total_rest > 0 {
                for (i, &all) in corpus_counts.iter().enumerate() {
                    if all < min_count {
                        continue;
                    }
                    let count_source = table.counts[s][i];
                    let (g2, signed) = stats::signed_g2(
                        count_source,
                        total_source,
                        all - count_source,
                        total_rest,
                    );
                    if signed > 0.0 {
                        over.push((g2, i));
                    } else if signed < 0.0 {
                        under.push((g2, i));
                    }
                }
            }
            let row = |i: usize| {
                let count_source = table.counts[s][i];
                key_row(
                    &table.stems[i],
                    &table.forms[i],
                    count_source,
                    corpus_counts[i] - count_source,
                    total_source,
                    total_rest,
                    corpus_total,
                )
            };
            let mut terms: Vec<KeyRow> = strongest(over, &table.stems, top)
                .into_iter()
                .map(row)
                .collect();
            terms.extend(strongest(under, &table.stems, top).into_iter().map(row));
            let words_rest = words_total - source.words;
            let themes = if words_rest > 0 {
                lexicon
                    .themes
                    .iter()
                    .map(|theme| {
                        let hits = |s: &SourceReport| s.themes.get(&theme.id).map_or(0, |t| t.hits);
                        let count_source = hits(source);
                        let count_all: u64 = sources.iter().map(hits).sum();
                        key_row(
                            &theme.id,
                            &theme.label,
                            count_source,
                            count_all - count_source,
                            source.words,
                            words_rest,
                            words_total,
                        )
                    })
                    .collect()
            } else {
                Vec::new()
            };
            SourceKeyness {
                source: source.id.clone(),
                terms,
                themes,
            }
        })
        .collect()
}

/// Of (G², stem index) pairs, the indices of the `top` with the largest G²
/// (ties: stem ascending), best first.
fn strongest(ranked: Vec<(f64, usize)>, stems: &[String], top: usize) -> Vec<usize> {
    let order = |a: &(f64, usize), b: &(f64, usize)| {
        b.0.total_cmp(&a.0)
            .then_with(|| stems[a.1].cmp(&stems[b.1]))
    };
    crate::analyze::best_first(ranked, top, order)
        .into_iter()
        .map(|(_, i)| i)
        .collect()
}

/// One test. The informative prior of the log-odds uses the corpus counts
/// (alpha_w = the item's corpus count, alpha_0 = the corpus total), as in
/// Monroe, Colaresi & Quinn (2008) with the corpus itself as background.
fn key_row(
    item: &str,
    label: &str,
    count_source: u64,
    count_rest: u64,
    total_source: u64,
    total_rest: u64,
    total: u64,
) -> KeyRow {
    let k = stats::keyness(count_source, total_source, count_rest, total_rest);
    let count_all = count_source + count_rest;
    let alpha_w = stats::informative_prior(count_all, total, total as f64);
    let z = stats::log_odds_z(
        count_source,
        total_source,
        count_rest,
        total_rest,
        alpha_w,
        total as f64,
    );
    let direction = if k.signed_g2 > 0.0 {
        "over"
    } else if k.signed_g2 < 0.0 {
        "under"
    } else {
        "equal"
    };
    KeyRow {
        item: item.to_string(),
        label: label.to_string(),
        direction: direction.to_string(),
        count_source,
        count_rest,
        total_source,
        total_rest,
        g2: k.g2,
        p: k.p,
        log_ratio: k.log_ratio,
        log_odds_z: z,
        small_counts: smallest_expected(count_source, count_rest, total_source, total_rest)
            < SMALL_EXPECTED,
    }
}

/// Smallest expected cell of the 2x2 table (item / other x source / rest).
fn smallest_expected(a: u64, b: u64, total_source: u64, total_rest: u64) -> f64 {
    let n = (total_source + total_rest) as f64;
    if n == 0.0 {
        return 0.0;
    }
    let item = (a + b) as f64;
    let other = n - item;
    [
        item * total_source as f64,
        item * total_rest as f64,
        other * total_source as f64,
        other * total_rest as f64,
    ]
    .into_iter()
    .map(|x| x / n)
    .fold(f64::INFINITY, f64::min)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn smallest_expected_cell_by_hand() {
        // a=10 b=5, totals 100 and 200: item row 15, E = 15*100/300 = 5 and 15*200/300 = 10.
        assert!((smallest_expected(10, 5, 100, 200) - 5.0).abs() < 1e-12);
        assert_eq!(smallest_expected(0, 0, 0, 0), 0.0);
    }

    /// Ranking terms on G² before building rows keeps exactly the rows
    /// that building every row and sorting them keeps (ties on G² go to the
    /// alphabetically first stem; `min_count` drops rare stems first).
    #[test]
    fn top_rows_equal_ranking_every_row() {
        let stems: Vec<String> = (b'a'..=b'l').map(|c| format!("{}x", c as char)).collect();
        // Source 0 and source 1; "dx" and "ex" have equal counts (a G² tie among the
        // strongest), "lx" is rare.
        let counts = vec![
            vec![9, 1, 5, 20, 20, 0, 3, 12, 2, 8, 4, 1],
            vec![1, 9, 5, 0, 0, 6, 3, 1, 10, 8, 0, 0],
        ];
        let table = StemTable {
            forms: stems.clone(),
            stems: stems.clone(),
            counts: counts.clone(),
        };
        let lexicon = Lexicon {
            anchor_label: "a".into(),
            anchor: Default::default(),
            themes: Vec::new(),
        };
        let sources = crate::report::charts::fixtures::report(2, 0, false).sources;
        let (min_count, top) = (2, 3);
        let got = keyness(&lexicon, &sources, &table, min_count, top);
        let totals: Vec<u64> = counts.iter().map(|r| r.iter().sum()).collect();
        let total = totals[0] + totals[1];
        for s in 0..2 {
            let mut rows: Vec<KeyRow> = (0..stems.len())
                .filter(|&i| counts[0][i] + counts[1][i] >= min_count)
                .map(|i| {
                    let rest = counts[1 - s][i];
                    key_row(
                        &stems[i],
                        &stems[i],
                        counts[s][i],
                        rest,
                        totals[s],
                        total - totals[s],
                        total,
                    )
                })
                .collect();
            rows.sort_by(|a, b| b.g2.total_cmp(&a.g2).then_with(|| a.item.cmp(&b.item)));
            let mut expected: Vec<KeyRow> = rows
                .iter()
                .filter(|r| r.direction == "over")
                .take(top)
                .cloned()
                .collect();
            expected.extend(
                rows.iter()
                    .filter(|r| r.direction == "under")
                    .take(top)
                    .cloned(),
            );
            assert_eq!(got[s].terms, expected, "source {s}");
        }
    }

    #[test]
    fn rows_carry_their_counts_and_direction() {
        let r = key_row("trade", "trade", 10, 5, 100, 200, 300);
        assert_eq!(
            (r.count_source, r.count_rest, r.total_source, r.total_rest),
            (10, 5, 100, 200)
        );
        assert_eq!(r.direction, "over");
        // log ratio = log2((10/100) / (5/200)) = log2(4) = 2
        assert!((r.log_ratio - 2.0).abs() < 1e-12);
        assert!(r.log_odds_z > 0.0);
        let u = key_row("x", "x", 1, 20, 100, 200, 300);
        assert_eq!(u.direction, "under");
        assert!(u.log_odds_z < 0.0);
    }
}
