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
            let mut over = Vec::new();
            let mut under = Vec::new();
            if total_rest > 0 {
                for (i, &all) in corpus_counts.iter().enumerate() {
                    if all < min_count {
                        continue;
                    }
                    let count_source = table.counts[s][i];
                    let row = key_row(
                        &table.stems[i],
                        &table.forms[i],
                        count_source,
                        all - count_source,
                        total_source,
                        total_rest,
                        corpus_total,
                    );
                    if row.direction == "over" {
                        over.push(row);
                    } else if row.direction == "under" {
                        under.push(row);
                    }
                }
            }
            let mut terms = strongest(over, top);
            terms.extend(strongest(under, top));
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

/// The `top` rows with the largest G² (ties: item ascending).
fn strongest(mut rows: Vec<KeyRow>, top: usize) -> Vec<KeyRow> {
    rows.sort_by(|a, b| b.g2.total_cmp(&a.g2).then_with(|| a.item.cmp(&b.item)));
    rows.truncate(top);
    rows
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
