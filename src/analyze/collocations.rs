//! Collocations: which content stems keep company, scored three ways.
//!
//! The table is the co-occurrence table of `count` (pairs of tokens at most
//! `cooccurrence.window` content words apart in one sentence). For a pair,
//! `count_a` and `count_b` are the pair-table marginals (co-occurrences of
//! each stem with anything) and `total` is the table's sum, so the three
//! scores are computed from one consistent 2x2 table.

use crate::analyze::stats;
use crate::count::{StemTable, Tally};
use crate::report::{Collocation, SourceCollocations};

/// Per source, then the corpus as `*`: the `top` pairs by log-Dice with at least `min_count`.
pub fn collocations(
    tally: &Tally,
    table: &StemTable,
    source_ids: &[String],
    min_count: u64,
    top: usize,
) -> Vec<SourceCollocations> {
    let mut out: Vec<SourceCollocations> = source_ids
        .iter()
        .enumerate()
        .map(|(s, id)| scored(tally, table, &[s], id, min_count, top))
        .collect();
    let all: Vec<usize> = (0..source_ids.len()).collect();
    out.push(scored(tally, table, &all, "*", min_count, top));
    out
}

fn scored(
    tally: &Tally,
    table: &StemTable,
    sources: &[usize],
    id: &str,
    min_count: u64,
    top: usize,
) -> SourceCollocations {
    let (pairs, total) = tally.collocation_table(sources, min_count);
    let rows = pairs
        .into_iter()
        .map(|p| {
            score(
                p.a,
                p.b.clone(),
                form_of(table, &p.b),
                p.count,
                p.count_a,
                p.count_b,
                total,
            )
        })
        .collect();
    SourceCollocations {
        source: id.to_string(),
        pairs: best(rows, top),
    }
}

/// Per source: content stems within the window of an anchor mention. `a` is the anchor label.
pub fn anchor_collocates(
    tally: &Tally,
    table: &StemTable,
    source_ids: &[String],
    anchor: &str,
    min_count: u64,
    top: usize,
) -> Vec<SourceCollocations> {
    source_ids
        .iter()
        .enumerate()
        .map(|(s, id)| {
            let near = tally.anchor_pair_counts(s);
            let count_anchor: u64 = near.iter().map(|(_, n)| n).sum();
            let marginals = tally.pair_marginals(s);
            let total: u64 = marginals.values().sum::<u64>() / 2;
            let rows = near
                .into_iter()
                .filter(|(_, n)| *n >= min_count)
                .map(|(stem, n)| {
                    let count_b = marginals.get(&stem).copied().unwrap_or(n).max(n);
                    let form = form_of(table, &stem);
                    score(
                        anchor.to_string(),
                        stem,
                        form,
                        n,
                        count_anchor,
                        count_b,
                        total.max(count_anchor),
                    )
                })
                .collect();
            SourceCollocations {
                source: id.clone(),
                pairs: best(rows, top),
            }
        })
        .collect()
}

fn form_of(table: &StemTable, stem: &str) -> String {
    table
        .stems
        .binary_search_by(|s| s.as_str().cmp(stem))
        .map_or_else(|_| stem.to_string(), |i| table.forms[i].clone())
}

fn score(
    a: String,
    b: String,
    form_b: String,
    count: u64,
    count_a: u64,
    count_b: u64,
    total: u64,
) -> Collocation {
    Collocation {
        pmi: stats::pmi(count, count_a, count_b, total),
        log_dice: stats::log_dice(count, count_a, count_b),
        g2: stats::collocation_g2(count, count_a, count_b, total),
        a,
        b,
        form_b,
        count,
        count_a,
        count_b,
        total,
    }
}

/// Sorted by log-Dice desc, count desc, a, b; cut to `top`.
fn best(mut rows: Vec<Collocation>, top: usize) -> Vec<Collocation> {
    rows.sort_by(|x, y| {
        y.log_dice
            .total_cmp(&x.log_dice)
            .then_with(|| y.count.cmp(&x.count))
            .then_with(|| x.a.cmp(&y.a))
            .then_with(|| x.b.cmp(&y.b))
    });
    rows.truncate(top);
    rows
}
