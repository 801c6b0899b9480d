//! Collocations: which content stems keep company, scored three ways.
//!
//! The table is the co-occurrence table of `count` (pairs of tokens at most
//! `cooccurrence.window` content words apart in one sentence). For a pair,
//! `count_a` and `count_b` are the pair-table marginals (co-occurrences of
//! each stem with anything) and `total` is the table's sum, so the three
//! scores are computed from one consistent 2x2 table.
//!
//! Large corpora have millions of pairs: they are scored as ids and numbers,
//! the best `top` are selected, and only those become strings.

use std::cmp::Ordering;

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

/// A pair scored, stems still as ids.
struct Candidate {
    a: u32,
    b: u32,
    count: u64,
    count_a: u64,
    count_b: u64,
    log_dice: f64,
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
    let candidates = pairs
        .into_iter()
        .map(|p| Candidate {
            a: p.a,
            b: p.b,
            count: p.count,
            count_a: p.count_a,
            count_b: p.count_b,
            log_dice: stats::log_dice(p.count, p.count_a, p.count_b),
        })
        .collect();
    let best = best(tally, candidates, top);
    SourceCollocations {
        source: id.to_string(),
        pairs: best
            .into_iter()
            .map(|c| {
                let b = tally.stem_text(c.b);
                score(
                    tally.stem_text(c.a).to_string(),
                    b.to_string(),
                    form_of(table, b),
                    c.count,
                    c.count_a,
                    c.count_b,
                    total,
                )
            })
            .collect(),
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
            let near = tally.anchor_pairs(s);
            let count_anchor: u64 = near.iter().map(|(_, n)| n).sum();
            let marginals = tally.pair_marginals(&[s]);
            let total: u64 = marginals.values().sum::<u64>() / 2;
            let candidates = near
                .into_iter()
                .filter(|&(_, n)| n >= min_count)
                .map(|(stem, n)| {
                    let count_b = marginals.get(&stem).copied().unwrap_or(n).max(n);
                    Candidate {
                        a: u32::MAX,
                        b: stem,
                        count: n,
                        count_a: count_anchor,
                        count_b,
                        log_dice: stats::log_dice(n, count_anchor, count_b),
                    }
                })
                .collect();
            let pairs = best(tally, candidates, top)
                .into_iter()
                .map(|c| {
                    let b = tally.stem_text(c.b);
                    score(
                        anchor.to_string(),
                        b.to_string(),
                        form_of(table, b),
                        c.count,
                        c.count_a,
                        c.count_b,
                        total.max(count_anchor),
                    )
                })
                .collect();
            SourceCollocations {
                source: id.clone(),
                pairs,
            }
        })
        .collect()
}

/// The most frequent form of a stem (the stem itself if unknown).
pub fn form_of(table: &StemTable, stem: &str) -> String {
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

/// Best first: log-Dice desc, count desc, then stems a, b alphabetically (a
/// total order, so the selection is deterministic). Only `top` survive.
fn best(tally: &Tally, mut candidates: Vec<Candidate>, top: usize) -> Vec<Candidate> {
    let text = |id: u32| {
        if id == u32::MAX {
            ""
        } else {
            tally.stem_text(id)
        }
    };
    let order = |x: &Candidate, y: &Candidate| -> Ordering {
        y.log_dice
            .total_cmp(&x.log_dice)
            .then_with(|| y.count.cmp(&x.count))
            .then_with(|| text(x.a).cmp(text(y.a)))
            .then_with(|| text(x.b).cmp(text(y.b)))
    };
    if top == 0 {
        return Vec::new();
    }
    if candidates.len() > top {
        candidates.select_nth_unstable_by(top - 1, order);
        candidates.truncate(top);
    }
    candidates.sort_by(order);
    candidates
}
