//! Collocations: which content stems keep company, scored three ways.
//!
//! The table is the co-occurrence table of `count` (pairs of tokens at most
//! `cooccurrence.window` content words apart in one sentence), read as the
//! symmetric stem x stem matrix: a pair counted `n` times is `n` in cell
//! (a, b) and `n` in cell (b, a). For a pair, `count_a` and `count_b` are the
//! matrix's row sums (co-occurrences of each stem with anything) and `total`
//! is the matrix's sum, which is twice the number of pairs. So the three
//! scores come from one consistent 2x2 table, and a pair of words placed at
//! random gets PMI ≈ 0 and G² ≈ 0. (With the number of pairs as `total`, as
//! before, an unrelated pair would score PMI ≈ −1 and a large G².)
//!
//! Large corpora have millions of pairs: they are scored as ids and numbers,
//! the best `top` are selected, and only those become strings.

use std::cmp::Ordering;

use crate::analyze::pair_digest::PairDigest;
use crate::analyze::stats;
use crate::count::{PairStats, StemTable, Tally};
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

impl Candidate {
    /// The pair with its stems in alphabetical order (marginals with them):
    /// which stem is `a` otherwise follows the ids, and ids follow the
    /// order in which the tallies met the words, which depends on the thread
    /// count. `text` reads a stem id.
    fn alphabetical<'t>(&self, text: impl Fn(u32) -> &'t str) -> Candidate {
        let swap = text(self.a) > text(self.b);
        Candidate {
            a: if swap { self.b } else { self.a },
            b: if swap { self.a } else { self.b },
            count_a: if swap { self.count_b } else { self.count_a },
            count_b: if swap { self.count_a } else { self.count_b },
            ..*self
        }
    }

    fn of(p: &PairStats) -> Candidate {
        Candidate {
            a: p.a,
            b: p.b,
            count: p.count,
            count_a: p.count_a,
            count_b: p.count_b,
            log_dice: stats::log_dice(p.count, p.count_a, p.count_b),
        }
    }
}

fn scored(
    tally: &Tally,
    table: &StemTable,
    sources: &[usize],
    id: &str,
    min_count: u64,
    top: usize,
) -> SourceCollocations {
    // Candidates are cut to the best `top` whenever the buffer fills, so
    // memory stays at a few times `top` however many pairs there are; the
    // order is total, so the result is the best `top` of all pairs.
    let keep = top.max(1) * 4 + 1024;
    let mut candidates: Vec<Candidate> = Vec::new();
    let pair_count = tally.for_each_collocation(sources, min_count, |p| {
        candidates.push(Candidate::of(&p));
        if candidates.len() >= keep {
            candidates = best(tally, std::mem::take(&mut candidates), top);
        }
    });
    let total = symmetric_total(pair_count);
    let best = best(tally, candidates, top);
    SourceCollocations {
        source: id.to_string(),
        pairs: best
            .into_iter()
            .map(|c| {
                let c = c.alphabetical(|id| tally.stem_text(id));
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
    digest: &PairDigest,
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
            // The sum of the row sums: the symmetric matrix's total.
            let total: u64 = digest.source_total(s);
            let candidates = near
                .into_iter()
                .filter(|&(_, n)| n >= min_count)
                .map(|(stem, n)| {
                    let count_b = digest
                        .source_marginal(s, tally.stem_text(stem))
                        .unwrap_or(n)
                        .max(n);
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

/// The total of the symmetric co-occurrence matrix: every pair sits in two
/// cells, (a, b) and (b, a), so the row sums `count_a` add up to this.
fn symmetric_total(pairs: u64) -> u64 {
    pairs.saturating_mul(2)
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

/// Best first: log-Dice desc, count desc, then the two stems alphabetically (a
/// total order, so the selection is deterministic). Only `top` survive.
fn best(tally: &Tally, candidates: Vec<Candidate>, top: usize) -> Vec<Candidate> {
    let text = |id: u32| {
        if id == u32::MAX {
            ""
        } else {
            tally.stem_text(id)
        }
    };
    let texts = |c: &Candidate| {
        let c = c.alphabetical(text);
        (text(c.a), text(c.b))
    };
    let order = |x: &Candidate, y: &Candidate| -> Ordering {
        y.log_dice
            .total_cmp(&x.log_dice)
            .then_with(|| y.count.cmp(&x.count))
            .then_with(|| texts(x).cmp(&texts(y)))
    };
    crate::analyze::best_first(candidates, top, order)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::{Config, Overrides};
    use crate::count::Analyzer;
    use std::path::Path;

    fn tally_of(text: &str) -> (Tally, StemTable) {
        let config = Config::from_toml(
            "[anchor]\nlabel = \"a\"\nterms = [\"alpha\"]\n[themes.t]\nterms = [\"bravo\"]\n",
            "test.toml",
            Path::new(""),
            &Overrides::default(),
        )
        .unwrap();
        let analyzer = Analyzer::new(&config, &[]);
        let mut tally = Tally::default();
        tally.add_document(&analyzer, 0, 0, text);
        let table = tally.stem_table(1, &tally.term_counts(&[0]));
        (tally, table)
    }

    /// Distinct words of letters only ("qaaa", "qaab", ...): numbers are not words.
    fn word(i: usize) -> String {
        let letters: Vec<char> = ('a'..='z').collect();
        format!(
            "q{}{}{}",
            letters[i / 676 % 26],
            letters[i / 26 % 26],
            letters[i % 26]
        )
    }

    /// More candidate pairs than the selection buffer holds: cutting the
    /// buffer to the best `top` as it fills must give the same list as
    /// ranking every pair at once.
    #[test]
    fn buffered_selection_equals_ranking_every_pair() {
        // 1,500 words in sentences of 6, shifted so pairs repeat with varied counts.
        let mut text = String::new();
        for s in 0..1500 {
            let ws: Vec<String> = (0..6).map(|k| word((s * 7 + k * k * 3) % 900)).collect();
            text.push_str(&ws.join(" "));
            text.push_str(". ");
        }
        let (tally, table) = tally_of(&text);
        let mut all = Vec::new();
        tally.for_each_collocation(&[0], 1, |p| all.push(Candidate::of(&p)));
        let top = 7;
        assert!(
            all.len() > top * 4 + 1024,
            "{} pairs: too few to fill the buffer",
            all.len()
        );
        let expected: Vec<(String, String, u64)> = best(&tally, all, top)
            .into_iter()
            .map(|c| {
                let (a, b) = (tally.stem_text(c.a), tally.stem_text(c.b));
                let (a, b) = if a <= b { (a, b) } else { (b, a) };
                (a.to_string(), b.to_string(), c.count)
            })
            .collect();
        let got = &collocations(&tally, &table, &["s".to_string()], 1, top)[0].pairs;
        let got: Vec<(String, String, u64)> = got
            .iter()
            .map(|p| (p.a.clone(), p.b.clone(), p.count))
            .collect();
        assert_eq!(got, expected);
    }

    /// Which stem of a pair is `a` must not follow the order in which the
    /// tally met the words (that order depends on the thread count): the
    /// same counts, met in opposite orders, give the same list, each pair
    /// alphabetical with its own marginals.
    #[test]
    fn pairs_are_alphabetical_whatever_order_the_words_came_in() {
        // zulu-yankee twice, yankee-xray once (window 5: one sentence, all pairs).
        let lists = [
            "Zulu yankee. Zulu yankee. Xray yankee.",
            "Xray yankee. Yankee zulu. Yankee zulu.",
        ]
        .map(|text| {
            let (tally, table) = tally_of(text);
            let out = collocations(&tally, &table, &["s".to_string()], 1, 10);
            out[0]
                .pairs
                .iter()
                .map(|p| (p.a.clone(), p.b.clone(), p.count, p.count_a, p.count_b))
                .collect::<Vec<_>>()
        });
        assert_eq!(lists[0], lists[1]);
        // Marginals: xray 1, yankee 3, zulu 2; log-Dice ranks yankee-zulu first.
        assert_eq!(
            lists[0],
            [
                ("yanke".to_string(), "zulu".to_string(), 2, 3, 2),
                ("xray".to_string(), "yanke".to_string(), 1, 1, 3),
            ]
        );
    }

    /// Four words in one sentence, inside the window: each of the 6 pairs once,
    /// the symmetric matrix has total 12 and row sums 3. No pair is more
    /// associated than another, so PMI must be near 0, not near −1.
    #[test]
    fn an_unassociated_pair_scores_near_zero() {
        let (tally, table) = tally_of("Alpha bravo charlie delta.");
        let out = collocations(&tally, &table, &["s".to_string()], 1, 10);
        let pair = &out[0].pairs[0];
        assert_eq!(
            (pair.count, pair.count_a, pair.count_b, pair.total),
            (1, 3, 3, 12)
        );
        // PMI = log2(1 · 12 / (3 · 3)) = log2(4/3): only the self-pairs that
        // cannot occur lift it above 0. The old total (6 pairs) gave log2(2/3) < 0.
        assert!((pair.pmi - (4.0f64 / 3.0).log2()).abs() < 1e-12);
        // G² of the table (1, 2, 2, 7), N = 12; E = 3·3/12 = 0.75, 2.25, 2.25, 6.75.
        let g2 = 2.0
            * (1.0 * (1.0f64 / 0.75).ln()
                + 2.0 * 2.0 * (2.0f64 / 2.25).ln()
                + 7.0 * (7.0f64 / 6.75).ln());
        assert!((pair.g2 - g2).abs() < 1e-12, "{} vs {g2}", pair.g2);
        assert!(pair.g2 < 0.5);
        // log-Dice = 14 + log2(2 / 6) does not depend on the total.
        assert!((pair.log_dice - (14.0 + (1.0f64 / 3.0).log2())).abs() < 1e-12);
    }

    /// A pair that always occurs together, among unrelated words, scores high.
    #[test]
    fn an_associated_pair_scores_above_the_rest() {
        let (tally, table) = tally_of(
            "Alpha bravo charlie. Alpha bravo delta. Alpha bravo echo. Foxtrot charlie delta. Echo foxtrot golf.",
        );
        let out = collocations(&tally, &table, &["s".to_string()], 1, 20);
        let pairs = &out[0].pairs;
        let ab = pairs
            .iter()
            .find(|p| p.a == "alpha" || p.b == "alpha")
            .unwrap();
        assert!([ab.a.as_str(), ab.b.as_str()].contains(&"bravo"), "{ab:?}");
        // 15 pairs -> total 30; alpha and bravo each 6 co-occurrences, 3 together.
        assert_eq!((ab.count, ab.count_a, ab.count_b, ab.total), (3, 6, 6, 30));
        assert!((ab.pmi - (3.0f64 * 30.0 / 36.0).log2()).abs() < 1e-12);
        assert!(ab.pmi > 1.0);
        // First by log-Dice: 14 + log2(6 / 12) = 13.
        assert_eq!(pairs[0], *ab);
        assert!((ab.log_dice - 13.0).abs() < 1e-12);
    }
}
