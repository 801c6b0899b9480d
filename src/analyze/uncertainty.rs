//! Uncertainty: bootstrap intervals for theme rates and for differences between sources.
//!
//! A source is resampled by document when it has at least
//! `analysis.document_units_from` documents, else by sentence (hits cluster
//! within these units, so resampling words would understate the noise). Each
//! replicate draws as many units as the source has, with replacement, and
//! recomputes every theme's rate from the same draw. The generator is seeded
//! with `analysis.bootstrap_seed` mixed with a hash of the source id, so a
//! source's intervals do not change when other sources are added, and do not
//! depend on the thread count (each source is one sequential loop).
//!
//! The draws depend only on the seed, the source and its units' words, and
//! a theme's replicate sums only on those draws and the theme's hits per
//! unit. A [`BootstrapMemo`] keeps the sums of a run keyed by exactly these
//! inputs, so a re-run after one theme's word list changed resamples only
//! that theme (and no source at all when no hit moved).

use rayon::prelude::*;

use crate::analyze::stats::{self, quantile_type7, SplitMix64};
use crate::count::DocTally;
use crate::report::{RateDifference, SourceReport};

/// Replicate sums of one source: words, and hits per theme.
pub struct Replicates {
    words: Vec<u64>,
    /// `hits[theme][replicate]`.
    hits: Vec<Vec<u64>>,
}

/// The resampling units of one source.
struct Units {
    words: Vec<u64>,
    /// Per unit, (theme, hits) for themes with hits.
    hits: Vec<Vec<(u16, u64)>>,
}

/// True when the source's documents carry per-sentence figures.
pub fn by_sentence(docs: &[&DocTally]) -> bool {
    docs.iter().any(|d| !d.sentence_words.is_empty())
}

/// More units than this are merged into this many blocks of consecutive
/// units (a block bootstrap): the cost of the bootstrap is units x replicates.
const MAX_UNITS: usize = 5_000;

/// Merges consecutive units into at most `MAX_UNITS` blocks of (nearly) equal count.
fn blocks(u: Units) -> Units {
    let n = u.words.len();
    if n <= MAX_UNITS {
        return u;
    }
    let mut out = Units {
        words: vec![0; MAX_UNITS],
        hits: vec![Vec::new(); MAX_UNITS],
    };
    for (k, (words, hits)) in u.words.into_iter().zip(u.hits).enumerate() {
        let b = k * MAX_UNITS / n;
        out.words[b] += words;
        for (t, h) in hits {
            match out.hits[b].iter_mut().find(|(x, _)| *x == t) {
                Some(entry) => entry.1 += h,
                None => out.hits[b].push((t, h)),
            }
        }
    }
    out
}

fn units(docs: &[&DocTally]) -> Units {
    let mut u = Units {
        words: Vec::new(),
        hits: Vec::new(),
    };
    if by_sentence(docs) {
        for d in docs {
            let first = u.words.len();
            u.words
                .extend(d.sentence_words.iter().map(|&w| u64::from(w)));
            u.hits.resize_with(u.words.len(), Vec::new);
            for &(s, list, n) in &d.sentence_hits {
                if list > 0 {
                    u.hits[first + s as usize].push((list - 1, u64::from(n)));
                }
            }
        }
    } else {
        for d in docs {
            u.words.push(d.words);
            u.hits.push(
                d.hits
                    .iter()
                    .enumerate()
                    .skip(1)
                    .filter(|(_, &n)| n > 0)
                    .map(|(list, &n)| ((list - 1) as u16, n))
                    .collect(),
            );
        }
    }
    u
}

/// FNV-1a: a stable hash of the source id for its seed.
fn fnv1a(text: &str) -> u64 {
    text.bytes().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    })
}

/// How often each unit was drawn in each replicate of one source's draws.
/// The draws are most of the cost of the bootstrap and the same on every
/// run with the same seed and units; with them kept, a re-run after a
/// lexicon edit sums the edited theme's hits without drawing again.
///
/// Four bits a count (the counts of n draws from n units are about
/// Poisson(1): a count over 15 has a chance near 10^-13, and a source where
/// one occurs is not kept), two replicates a byte, a row of bytes per unit:
/// a theme's sums read only the rows of the units it has hits in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DrawCounts {
    units: usize,
    replicates: usize,
    /// Unit `k`, replicate `r`: the low (`r` even) or high nibble of byte
    /// `k · ⌈replicates / 2⌉ + r / 2`.
    packed: Vec<u8>,
}

impl DrawCounts {
    /// The counts of `units` units and `replicates` replicates, packed as
    /// [`DrawCounts::packed`] gives them; None when the length does not fit.
    pub fn from_packed(units: usize, replicates: usize, packed: Vec<u8>) -> Option<DrawCounts> {
        let fits = units.checked_mul(Self::row_len(replicates)) == Some(packed.len());
        fits.then_some(DrawCounts {
            units,
            replicates,
            packed,
        })
    }

    pub fn units(&self) -> usize {
        self.units
    }

    pub fn replicates(&self) -> usize {
        self.replicates
    }

    pub fn packed(&self) -> &[u8] {
        &self.packed
    }

    fn row_len(replicates: usize) -> usize {
        replicates.div_ceil(2)
    }

    /// The replicate sums of a theme with `column`'s (unit, hits): the same
    /// integers as drawing again. None when a unit is out of range.
    fn sums(&self, column: &[(u32, u64)]) -> Option<Vec<u64>> {
        let row = Self::row_len(self.replicates);
        let mut sums = vec![0u64; 2 * row];
        for &(k, h) in column {
            let start = (k as usize).checked_mul(row)?;
            let bytes = self.packed.get(start..start + row)?;
            for (pair, &b) in sums.chunks_exact_mut(2).zip(bytes) {
                pair[0] += u64::from(b & 15) * h;
                pair[1] += u64::from(b >> 4) * h;
            }
        }
        sums.truncate(self.replicates);
        Some(sums)
    }
}

/// Draws the replicates and sums the hits of `themes` (by index;
/// `out.hits[i]` is theme `themes[i]`'s), and the words when `words` (else
/// `out.words` is empty); with `record`, also how often each unit was drawn
/// (None if a count does not fit in [`DrawCounts`]).
///
/// Replicate `r` takes draws `r·n .. (r+1)·n` of the stream `seed` starts
/// (n units), so blocks of replicates are drawn side by side, each from its
/// own point of the stream ([`SplitMix64::after`]): the same draws and sums
/// as one pass, whatever the threads. A source's draws are most of a
/// re-run's analysis, and a handful of sources on two threads left one
/// thread idle for the last.
fn resample(
    units: &Units,
    themes: &[usize],
    words: bool,
    replicates: usize,
    seed: u64,
    record: bool,
) -> (Replicates, Option<DrawCounts>) {
    let n = units.words.len();
    // Position of each theme in `themes`, if it is summed.
    let mut slot = vec![usize::MAX; themes.iter().max().map_or(0, |&t| t + 1)];
    for (i, &t) in themes.iter().enumerate() {
        slot[t] = i;
    }
    // The summed themes' hits as one flat list of (unit, slot, hits) in
    // unit order: a replicate reads it once, front to back, and a theme
    // that is not summed costs nothing.
    let mut hits: Vec<(u32, u32, u64)> = Vec::new();
    for (k, unit) in units.hits.iter().enumerate() {
        for &(t, h) in unit {
            if let Some(&i) = slot.get(t as usize).filter(|&&i| i != usize::MAX) {
                hits.push((k as u32, i as u32, h));
            }
        }
    }
    let blocks: Vec<(Replicates, Option<Vec<u8>>)> = (0..replicates.div_ceil(REPLICATE_BLOCK))
        .into_par_iter()
        .map(|block| {
            let first = block * REPLICATE_BLOCK;
            let count = REPLICATE_BLOCK.min(replicates - first);
            let rng = SplitMix64::after(seed, (first as u64).wrapping_mul(n as u64));
            resample_block(units, &hits, themes.len(), words, count, rng, record)
        })
        .collect();
    let mut out = Replicates {
        words: Vec::with_capacity(if words { replicates } else { 0 }),
        hits: vec![Vec::with_capacity(replicates); themes.len()],
    };
    let row = DrawCounts::row_len(replicates);
    let mut packed =
        (record && blocks.iter().all(|(_, rec)| rec.is_some())).then(|| vec![0u8; n * row]);
    for (block, (part, rec)) in blocks.into_iter().enumerate() {
        out.words.extend(part.words);
        for (all, part) in out.hits.iter_mut().zip(part.hits) {
            all.extend(part);
        }
        // A block starts at an even replicate (REPLICATE_BLOCK is even), so
        // its rows are whole bytes of the source's rows.
        if let (Some(packed), Some(rec)) = (packed.as_mut(), rec) {
            let offset = block * REPLICATE_BLOCK / 2;
            let block_row = rec.len() / n.max(1);
            for (k, bytes) in rec.chunks_exact(block_row.max(1)).enumerate() {
                packed[k * row + offset..k * row + offset + block_row].copy_from_slice(bytes);
            }
        }
    }
    let counts = packed.and_then(|packed| DrawCounts::from_packed(n, replicates, packed));
    (out, counts)
}

/// Replicates drawn together by one task of [`resample`] (even: see there).
const REPLICATE_BLOCK: usize = 128;

/// `count` consecutive replicates, drawn from `rng` on: `hits` is the flat
/// (unit, slot, hits) list of the `slots` summed themes. With `record`, also
/// the block's draw counts, a row of `⌈count / 2⌉` bytes per unit as in
/// [`DrawCounts`] (None if a count is over 15).
fn resample_block(
    units: &Units,
    hits: &[(u32, u32, u64)],
    slots: usize,
    words: bool,
    count: usize,
    mut rng: SplitMix64,
    record: bool,
) -> (Replicates, Option<Vec<u8>>) {
    let n = units.words.len();
    let mut out = Replicates {
        words: Vec::with_capacity(if words { count } else { 0 }),
        hits: vec![Vec::with_capacity(count); slots],
    };
    let row = DrawCounts::row_len(count);
    let mut recorded = record.then(|| vec![0u8; n * row]);
    // A replicate first counts how often each unit is drawn, then adds each
    // drawn unit once, times its count: the same draws and the same integer
    // sums as adding unit by unit, but the random accesses go to a small
    // array of counts and the sums run once over the units in order.
    let mut drawn = vec![0u64; n];
    let mut sums = vec![0u64; slots];
    for j in 0..count {
        drawn.iter_mut().for_each(|x| *x = 0);
        for _ in 0..n {
            if let Some(times) = drawn.get_mut(rng.below(n)) {
                *times += 1;
            }
        }
        if let Some(rec) = recorded.as_mut() {
            let (byte, shift) = (j / 2, 4 * (j % 2));
            let mut largest = 0;
            for (cell, &times) in rec.iter_mut().skip(byte).step_by(row).zip(&drawn) {
                largest = largest.max(times);
                *cell |= (times.min(15) as u8) << shift;
            }
            if largest > 15 {
                recorded = None;
            }
        }
        if words {
            // No test for units not drawn (a third of them): adding zero
            // is cheaper than a branch that cannot be predicted.
            let total: u64 = drawn.iter().zip(&units.words).map(|(&t, &w)| t * w).sum();
            out.words.push(total);
        }
        sums.iter_mut().for_each(|x| *x = 0);
        for &(k, i, h) in hits {
            sums[i as usize] += drawn[k as usize] * h;
        }
        for (t, &h) in sums.iter().enumerate() {
            out.hits[t].push(h);
        }
    }
    (out, recorded)
}

/// Replicate sums of earlier runs, each keyed by everything it depends on.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct BootstrapMemo {
    /// Per resampled source (any order).
    pub sources: Vec<MemoSums>,
}

/// The replicate sums of one source's draws.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MemoSums {
    /// Hash of the draws' inputs: seed (mixed with the source id), number
    /// of replicates, and the words of every unit.
    pub draws: u128,
    /// Words per replicate.
    pub words: Vec<u64>,
    /// (hash of `draws` and a theme's hits per unit, hits per replicate).
    pub themes: Vec<(u128, Vec<u64>)>,
}

impl MemoSums {
    /// Every list of sums has one entry per replicate.
    fn is_consistent(&self) -> bool {
        let n = self.words.len();
        self.themes.iter().all(|(_, sums)| sums.len() == n)
    }
}

impl BootstrapMemo {
    /// Whether every source's sums have one entry per replicate.
    pub fn is_consistent(&self) -> bool {
        self.sources.iter().all(MemoSums::is_consistent)
    }
}

/// The draw counts kept by earlier runs, by the hash of the draws' inputs
/// ([`MemoSums::draws`]); None for draws not kept.
pub type StoredDraws<'a> = dyn Fn(u128) -> Option<DrawCounts> + Sync + 'a;

/// At most this many draw counts (units x replicates, summed over the
/// sources in order; 4 bits each, so 32 MiB) are kept for the next run: a
/// source beyond it is drawn again when a theme changes.
const KEPT_DRAW_COUNTS: usize = 64 << 20;

/// The bootstrap of every source, and what the next run may reuse.
pub struct Resampled {
    /// Per source, in order.
    pub replicates: Vec<Replicates>,
    /// This run's sums.
    pub memo: BootstrapMemo,
    /// Draw counts made by this run, to keep (by the hash of their inputs).
    pub new_draws: Vec<(u128, DrawCounts)>,
    /// How the resampled sources' sums were come by.
    pub sources: SumsFrom,
}

/// Of the resampled sources: how many took every sum from the memo, how many
/// summed the themes whose hits moved from kept draws, and how many drew.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SumsFrom {
    pub memo: usize,
    pub kept_draws: usize,
    pub drawn: usize,
}

/// Draws the replicates of every source (in parallel; each source alone is
/// sequential), taking from `memo` the sums whose inputs are unchanged, and
/// for a theme whose hits moved, from `stored` the draws (when given and it
/// has them) instead of drawing again.
pub fn replicates(
    sources: &[SourceReport],
    docs: &[DocTally],
    themes: usize,
    replicates: usize,
    seed: u64,
    memo: &BootstrapMemo,
    stored: Option<&StoredDraws>,
) -> Resampled {
    let units: Vec<Units> = (0..sources.len())
        .into_par_iter()
        .map(|s| {
            let mine: Vec<&DocTally> = docs.iter().filter(|d| d.source as usize == s).collect();
            blocks(units(&mine))
        })
        .collect();
    let sizes: Vec<usize> = units.iter().map(|u| u.words.len()).collect();
    let room = if stored.is_some() {
        KEPT_DRAW_COUNTS
    } else {
        0
    };
    let keep = kept_in_room(&sizes, replicates, room);
    type Memoised = (MemoSums, Option<DrawCounts>, Sums);
    let per_source: Vec<(Replicates, Option<Memoised>)> = sources
        .par_iter()
        .zip(&units)
        .zip(&keep)
        .map(|((source, u), &keep)| {
            if u.words.is_empty() || replicates == 0 {
                let none = Replicates {
                    words: Vec::new(),
                    hits: vec![Vec::new(); themes],
                };
                return (none, None);
            }
            let seed = seed ^ fnv1a(&source.id);
            let memoised =
                memoised_sums(u, themes, replicates, seed, memo, stored.filter(|_| keep));
            let sums = &memoised.0;
            let reps = Replicates {
                words: sums.words.clone(),
                hits: sums.themes.iter().map(|(_, h)| h.clone()).collect(),
            };
            (reps, Some(memoised))
        })
        .collect();
    let mut out = Resampled {
        replicates: Vec::with_capacity(sources.len()),
        memo: BootstrapMemo::default(),
        new_draws: Vec::new(),
        sources: SumsFrom::default(),
    };
    for (reps, memoised) in per_source {
        out.replicates.push(reps);
        if let Some((sums, new_draws, from)) = memoised {
            *match from {
                Sums::Memo => &mut out.sources.memo,
                Sums::KeptDraws => &mut out.sources.kept_draws,
                Sums::Drawn => &mut out.sources.drawn,
            } += 1;
            out.new_draws
                .extend(new_draws.map(|counts| (sums.draws, counts)));
            out.memo.sources.push(sums);
        }
    }
    out
}

/// Which sources' draws are kept, by their numbers of units: in source
/// order, each whose `units x replicates` counts still fit in `room`.
fn kept_in_room(units: &[usize], replicates: usize, mut room: usize) -> Vec<bool> {
    units
        .iter()
        .map(|&n| {
            let need = n.saturating_mul(replicates);
            let fits = need <= room;
            if fits {
                room -= need;
            }
            fits
        })
        .collect()
}

/// Where a source's sums came from (see [`SumsFrom`]).
enum Sums {
    Memo,
    KeptDraws,
    Drawn,
}

/// One source's sums: from `memo` where the inputs match; for the others,
/// from the draws `stored` keeps, else drawn (and the draws returned when
/// `stored` is given, for the next run).
fn memoised_sums(
    u: &Units,
    themes: usize,
    replicates: usize,
    seed: u64,
    memo: &BootstrapMemo,
    stored: Option<&StoredDraws>,
) -> (MemoSums, Option<DrawCounts>, Sums) {
    use xxhash_rust::xxh3::Xxh3;
    let mut hasher = Xxh3::new();
    hasher.update(b"bootstrap draws");
    for n in [seed, replicates as u64, u.words.len() as u64] {
        hasher.update(&n.to_le_bytes());
    }
    for &w in &u.words {
        hasher.update(&w.to_le_bytes());
    }
    let draws = hasher.digest128();
    // Each theme's hits per unit, as (unit, hits) for units with hits.
    let mut columns: Vec<Vec<(u32, u64)>> = vec![Vec::new(); themes];
    for (k, unit) in u.hits.iter().enumerate() {
        for &(t, h) in unit {
            columns[t as usize].push((k as u32, h));
        }
    }
    let keys: Vec<u128> = columns
        .iter()
        .map(|column| {
            let mut hasher = Xxh3::new();
            hasher.update(b"bootstrap theme");
            hasher.update(&draws.to_le_bytes());
            for &(k, h) in column {
                hasher.update(&k.to_le_bytes());
                hasher.update(&h.to_le_bytes());
            }
            hasher.digest128()
        })
        .collect();
    let known = memo.sources.iter().find(|m| m.draws == draws);
    let mut found: Vec<Option<Vec<u64>>> = keys
        .iter()
        .map(|key| {
            let (_, sums) = known?.themes.iter().find(|(k, _)| k == key)?;
            Some(sums.clone())
        })
        .collect();
    let missing: Vec<usize> = (0..themes).filter(|&t| found[t].is_none()).collect();
    let mut words = known.map(|m| m.words.clone());
    let mut new_draws = None;
    let mut from = Sums::Memo;
    // Draws are needed for a theme whose hits moved, or for the words of
    // draws never seen; kept ones serve a theme whose hits moved.
    if !missing.is_empty() || words.is_none() {
        let kept = match (&words, stored) {
            (Some(_), Some(stored)) => {
                stored(draws).filter(|c| c.units == u.words.len() && c.replicates == replicates)
            }
            _ => None,
        };
        let summed: Option<Vec<Vec<u64>>> =
            kept.and_then(|counts| missing.iter().map(|&t| counts.sums(&columns[t])).collect());
        match summed {
            Some(summed) => {
                for (&t, sums) in missing.iter().zip(summed) {
                    found[t] = Some(sums);
                }
                from = Sums::KeptDraws;
            }
            None => {
                let (drawn, counts) = resample(
                    u,
                    &missing,
                    words.is_none(),
                    replicates,
                    seed,
                    stored.is_some(),
                );
                for (&t, sums) in missing.iter().zip(drawn.hits) {
                    found[t] = Some(sums);
                }
                words.get_or_insert(drawn.words);
                new_draws = counts;
                from = Sums::Drawn;
            }
        }
    }
    let sums = MemoSums {
        draws,
        words: words.unwrap_or_default(),
        themes: keys
            .into_iter()
            .zip(found)
            .map(|(key, sums)| (key, sums.unwrap_or_default()))
            .collect(),
    };
    (sums, new_draws, from)
}

fn rate(hits: u64, words: u64) -> f64 {
    if words == 0 {
        0.0
    } else {
        hits as f64 * 1000.0 / words as f64
    }
}

/// 95% percentile interval of theme `t`'s rate per 1,000 words, or None without replicates.
pub fn rate_interval(r: &Replicates, t: usize) -> Option<(f64, f64)> {
    if r.words.is_empty() {
        return None;
    }
    let mut rates: Vec<f64> = r
        .words
        .iter()
        .zip(&r.hits[t])
        .map(|(&w, &h)| rate(h, w))
        .collect();
    rates.sort_by(f64::total_cmp);
    Some((quantile_type7(&rates, 0.025), quantile_type7(&rates, 0.975)))
}

/// Upper end of the exact two-sided 95% Poisson interval for 0 events:
/// `χ²(0.975; 2) / 2 = −ln 0.025` (Garwood 1936). A theme a source never
/// mentions is resampled as 0 in every replicate, so the percentile
/// bootstrap says [0, 0], as if the rate were known exactly; with `words`
/// words, any rate below `3.689 / words` is still compatible with 0 hits.
const ZERO_HITS_UPPER: f64 = 3.688_879_454_113_936;

/// The 95% interval of a rate per 1,000 words from 0 hits in `words` words:
/// `[0, 3.689 / words × 1000]`; None for a source without words.
pub fn zero_hits_interval(words: u64) -> Option<(f64, f64)> {
    (words > 0).then(|| (0.0, ZERO_HITS_UPPER / words as f64 * 1000.0))
}

/// log2 of the ratio of two rates: [`stats::log_ratio`], so a zero hit count
/// is taken as 0.5, and zero hits on both sides give 0 (no evidence either
/// way; smoothing both would report the ratio of the sources' lengths).
fn log_ratio(hits_a: u64, words_a: u64, hits_b: u64, words_b: u64) -> f64 {
    stats::log_ratio(hits_a, words_a, hits_b, words_b)
}

/// Every theme (by id, in config order) x every pair of sources with words.
pub fn differences(
    theme_ids: &[String],
    sources: &[SourceReport],
    reps: &[Replicates],
) -> Vec<RateDifference> {
    let mut out = Vec::new();
    for (t, theme) in theme_ids.iter().enumerate() {
        for a in 0..sources.len() {
            for b in a + 1..sources.len() {
                let (sa, sb) = (&sources[a], &sources[b]);
                if sa.words == 0 || sb.words == 0 {
                    continue;
                }
                let hits = |s: &SourceReport| s.themes.get(theme).map_or(0, |x| x.hits);
                let point = log_ratio(hits(sa), sa.words, hits(sb), sb.words);
                let (ra, rb) = (&reps[a], &reps[b]);
                let (ci_low, ci_high) = if ra.words.is_empty() || rb.words.is_empty() {
                    (point, point)
                } else {
                    let mut values: Vec<f64> = (0..ra.words.len())
                        .map(|r| log_ratio(ra.hits[t][r], ra.words[r], rb.hits[t][r], rb.words[r]))
                        .collect();
                    values.sort_by(f64::total_cmp);
                    (
                        quantile_type7(&values, 0.025),
                        quantile_type7(&values, 0.975),
                    )
                };
                out.push(RateDifference {
                    theme: theme.clone(),
                    source_a: sa.id.clone(),
                    source_b: sb.id.clone(),
                    log_ratio: point,
                    ci_low,
                    ci_high,
                    beyond_noise: ci_low > 0.0 || ci_high < 0.0,
                });
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc(words: u64, hits: Vec<u64>) -> DocTally {
        DocTally {
            source: 0,
            document: 0,
            words,
            sentences: 1,
            hits,
            sentence_words: Vec::new(),
            sentence_hits: Vec::new(),
        }
    }

    /// A replicate is `n` draws with replacement, summed: the same as adding
    /// each drawn unit in turn from one stream, which is what this checks
    /// against, for units with several themes, units without hits, and
    /// replicates drawn in blocks side by side.
    #[test]
    fn resampling_equals_adding_each_draw_in_turn() {
        let units = Units {
            words: (0..50).map(|k| 10 + k * 7 % 13).collect(),
            hits: (0..50u64)
                .map(|k| match k % 4 {
                    0 => Vec::new(),
                    1 => vec![(0, k)],
                    2 => vec![(2, 1), (0, 3)],
                    _ => vec![(1, k * k), (2, 2)],
                })
                .collect(),
        };
        // More replicates than one block, and a last block part-filled.
        let (themes, replicates, seed) = (3, 2 * REPLICATE_BLOCK + 44, 11);
        let got = resample(&units, &[0, 1, 2], true, replicates, seed, false).0;
        let mut rng = SplitMix64::new(seed);
        for r in 0..replicates {
            let (mut words, mut sums) = (0, vec![0u64; themes]);
            for _ in 0..units.words.len() {
                let k = rng.below(units.words.len());
                words += units.words[k];
                for &(t, h) in &units.hits[k] {
                    sums[t as usize] += h;
                }
            }
            assert_eq!(got.words[r], words, "replicate {r}");
            for (t, &sum) in sums.iter().enumerate() {
                assert_eq!(got.hits[t][r], sum, "replicate {r}, theme {t}");
            }
        }
    }

    /// Sums of one theme alone, or without the words, are those of the
    /// whole resample: the draws do not depend on what is summed.
    #[test]
    fn a_subset_of_themes_sums_the_same_draws() {
        let units = Units {
            words: (0..30).map(|k| 5 + k % 7).collect(),
            hits: (0..30u64)
                .map(|k| {
                    if k % 3 == 0 {
                        vec![(0, k), (2, 1)]
                    } else {
                        vec![(1, 2)]
                    }
                })
                .collect(),
        };
        let all = resample(&units, &[0, 1, 2], true, 25, 3, false).0;
        let some = resample(&units, &[2, 0], false, 25, 3, false).0;
        assert!(some.words.is_empty());
        assert_eq!(some.hits, vec![all.hits[2].clone(), all.hits[0].clone()]);
    }

    /// Twelve documents of one source; only the last list's hits move with `shift`.
    fn twelve_documents(shift: u64) -> Vec<DocTally> {
        (0..12)
            .map(|i| doc(100 + i, vec![0, i % 3, (i + shift) % 4]))
            .collect()
    }

    /// A re-run takes from the memo exactly the sums whose inputs did not
    /// change: with one theme's hits moved, the others' sums are reused, and
    /// the result equals resampling everything.
    #[test]
    fn the_memo_reuses_unchanged_themes_and_equals_a_fresh_resample() {
        let docs = twelve_documents;
        let sources = crate::report::charts::fixtures::report(1, 2, false).sources;
        let empty = BootstrapMemo::default();
        let (first, memo) = both(replicates(&sources, &docs(0), 2, 50, 9, &empty, None));
        assert_eq!(memo.sources.len(), 1);
        assert!(memo.is_consistent());
        // The same input again: everything from the memo, nothing drawn.
        let (again, memo_again) = both(replicates(&sources, &docs(0), 2, 50, 9, &memo, None));
        assert_eq!(
            (again[0].words.clone(), again[0].hits.clone()),
            (first[0].words.clone(), first[0].hits.clone())
        );
        assert_eq!(memo_again, memo);
        // The second theme's hits move: its sums change, the first's are kept.
        let (edited, memo_edited) = both(replicates(&sources, &docs(1), 2, 50, 9, &memo, None));
        let (fresh, _) = both(replicates(&sources, &docs(1), 2, 50, 9, &empty, None));
        assert_eq!(edited[0].hits, fresh[0].hits);
        assert_eq!(edited[0].words, fresh[0].words);
        assert_eq!(memo_edited.sources[0].themes[0], memo.sources[0].themes[0]);
        assert_ne!(memo_edited.sources[0].themes[1], memo.sources[0].themes[1]);
        // A fake memo entry under the true key is taken as it stands: the
        // key, not the sums, decides (so a key must cover every input).
        let mut forged = memo.clone();
        forged.sources[0].themes[0].1[0] += 1;
        let (taken, _) = both(replicates(&sources, &docs(0), 2, 50, 9, &forged, None));
        assert_eq!(taken[0].hits[0][0], first[0].hits[0][0] + 1);
        // Another seed or replicate count is another key: nothing is reused.
        let (other_seed, m) = both(replicates(&sources, &docs(0), 2, 50, 10, &forged, None));
        assert_ne!(m.sources[0].draws, memo.sources[0].draws);
        assert_eq!(other_seed[0].hits[0].len(), 50);
        let (_, m) = both(replicates(&sources, &docs(0), 2, 51, 9, &forged, None));
        assert_ne!(m.sources[0].draws, memo.sources[0].draws);
    }

    fn both(r: Resampled) -> (Vec<Replicates>, BootstrapMemo) {
        (r.replicates, r.memo)
    }

    impl DrawCounts {
        fn count(&self, unit: usize, replicate: usize) -> u8 {
            let byte = self.packed[unit * Self::row_len(self.replicates) + replicate / 2];
            (byte >> (4 * (replicate % 2))) & 15
        }
    }

    /// The recorded counts are how often each unit was drawn, replicate by
    /// replicate, in the one stream: counted here draw by draw, over
    /// several blocks and an odd number of replicates.
    #[test]
    fn recorded_draws_count_each_unit_in_each_replicate() {
        let units = Units {
            words: vec![7; 23],
            hits: vec![Vec::new(); 23],
        };
        let (replicates, seed) = (2 * REPLICATE_BLOCK + 45, 5);
        let (_, counts) = resample(&units, &[], true, replicates, seed, true);
        let counts = counts.expect("no unit is drawn 16 times here");
        assert_eq!((counts.units(), counts.replicates()), (23, replicates));
        let mut rng = SplitMix64::new(seed);
        for r in 0..replicates {
            let mut times = [0u8; 23];
            for _ in 0..23 {
                times[rng.below(23)] += 1;
            }
            for (k, &t) in times.iter().enumerate() {
                assert_eq!(counts.count(k, r), t, "unit {k}, replicate {r}");
            }
        }
        assert!(resample(&units, &[], true, replicates, seed, false)
            .1
            .is_none());
    }

    /// With the draws kept, a re-run after an edit sums the edited theme
    /// from them: the same sums as drawing again, and taken from the kept
    /// counts (a forged count shows in the sums). Draws that do not fit
    /// the units are not used.
    #[test]
    fn kept_draws_give_the_sums_of_drawing_again() {
        let docs = twelve_documents;
        let sources = crate::report::charts::fixtures::report(1, 2, false).sources;
        let empty = BootstrapMemo::default();
        let none = |_: u128| None;
        let first = replicates(&sources, &docs(0), 2, 51, 9, &empty, Some(&none));
        assert_eq!(first.new_draws.len(), 1);
        let (draws, counts) = first.new_draws[0].clone();
        assert_eq!(draws, first.memo.sources[0].draws);
        // Without a store nothing is recorded.
        assert!(replicates(&sources, &docs(0), 2, 51, 9, &empty, None)
            .new_draws
            .is_empty());
        let kept = |d: u128| (d == draws).then(|| counts.clone());
        let edited = replicates(&sources, &docs(1), 2, 51, 9, &first.memo, Some(&kept));
        let fresh = replicates(&sources, &docs(1), 2, 51, 9, &empty, None);
        assert_eq!(edited.replicates[0].hits, fresh.replicates[0].hits);
        assert_eq!(edited.replicates[0].words, fresh.replicates[0].words);
        assert!(
            edited.new_draws.is_empty(),
            "kept draws are not recorded again"
        );
        let from = |memo, kept_draws, drawn| SumsFrom {
            memo,
            kept_draws,
            drawn,
        };
        assert_eq!(first.sources, from(0, 0, 1));
        assert_eq!(edited.sources, from(0, 1, 0));
        let again = replicates(&sources, &docs(1), 2, 51, 9, &edited.memo, Some(&kept));
        assert_eq!(again.sources, from(1, 0, 0));
        // Unit 0 drawn once more in replicate 0: theme 1's first sum gains
        // unit 0's hits of theme 1 (shift 1: (0 + 1) % 4 = 1).
        let mut forged = counts.clone();
        forged.packed[0] = forged.packed[0].wrapping_add(1);
        let forged_store = |_: u128| Some(forged.clone());
        let taken = replicates(
            &sources,
            &docs(1),
            2,
            51,
            9,
            &first.memo,
            Some(&forged_store),
        );
        assert_eq!(
            taken.replicates[0].hits[1][0],
            fresh.replicates[0].hits[1][0] + 1
        );
        assert_eq!(
            taken.replicates[0].hits[1][1..],
            fresh.replicates[0].hits[1][1..]
        );
        // Counts of another shape are ignored: drawn again, and recorded.
        let short = DrawCounts::from_packed(11, 51, vec![0; 11 * 26]).unwrap();
        let wrong = |_: u128| Some(short.clone());
        let redrawn = replicates(&sources, &docs(1), 2, 51, 9, &first.memo, Some(&wrong));
        assert_eq!(redrawn.replicates[0].hits, fresh.replicates[0].hits);
        assert_eq!(redrawn.new_draws.len(), 1);
        assert_eq!(redrawn.sources, from(0, 0, 1));
    }

    #[test]
    fn draw_counts_check_their_shape() {
        assert!(DrawCounts::from_packed(3, 5, vec![0; 9]).is_some());
        assert!(DrawCounts::from_packed(3, 5, vec![0; 8]).is_none());
        assert!(DrawCounts::from_packed(3, 4, vec![0; 9]).is_none());
        let counts = DrawCounts::from_packed(2, 3, vec![0x21, 0x03, 0x54, 0x06]).unwrap();
        // Unit 0 drawn (1, 2, 3) times, unit 1 (4, 5, 6).
        assert_eq!(counts.sums(&[(0, 10), (1, 1)]), Some(vec![14, 25, 36]));
        assert_eq!(counts.sums(&[(2, 1)]), None);
    }

    #[test]
    fn draws_are_kept_in_source_order_while_they_fit() {
        assert_eq!(
            kept_in_room(&[4, 10, 3, 2], 2, 15),
            vec![true, false, true, false]
        );
        assert_eq!(kept_in_room(&[4], 2, 0), vec![false]);
    }

    #[test]
    fn constant_rate_units_give_a_zero_width_interval() {
        // Every document: 100 words, 2 hits of theme 0 -> 20 per 1,000 in every replicate.
        let docs: Vec<DocTally> = (0..8).map(|_| doc(100, vec![0, 2])).collect();
        let refs: Vec<&DocTally> = docs.iter().collect();
        let r = resample(&units(&refs), &[0], true, 200, 7, false).0;
        assert_eq!(rate_interval(&r, 0), Some((20.0, 20.0)));
    }

    #[test]
    fn same_seed_same_interval_and_it_covers_the_estimate() {
        let docs: Vec<DocTally> = (0..40).map(|i| doc(100 + i, vec![0, i % 5])).collect();
        let refs: Vec<&DocTally> = docs.iter().collect();
        let a = rate_interval(&resample(&units(&refs), &[0], true, 500, 42, false).0, 0).unwrap();
        let b = rate_interval(&resample(&units(&refs), &[0], true, 500, 42, false).0, 0).unwrap();
        assert_eq!(a, b);
        let hits: u64 = (0..40).map(|i| i % 5).sum();
        let words: u64 = (0..40).map(|i| 100 + i).sum();
        let point = rate(hits, words);
        assert!(a.0 < point && point < a.1, "{a:?} {point}");
    }

    #[test]
    fn zero_hits_get_the_exact_poisson_upper_bound() {
        // −ln 0.025 = 3.6888794541139363; per 1,000 words of 1,444: 2.5546...
        assert!((ZERO_HITS_UPPER - (-(0.025f64).ln())).abs() < 1e-15);
        let (lo, hi) = zero_hits_interval(1_444).unwrap();
        assert_eq!(lo, 0.0);
        assert!((hi - 3.688_879_454_113_936 / 1.444).abs() < 1e-12, "{hi}");
        assert_eq!(zero_hits_interval(0), None);
    }

    #[test]
    fn log_ratio_smooths_zero_hits() {
        // (0.5/100) / (1/100) = 0.5 -> -1
        assert_eq!(log_ratio(0, 100, 1, 100), -1.0);
        assert_eq!(log_ratio(4, 100, 1, 100), 2.0);
        assert_eq!(log_ratio(4, 0, 1, 100), 0.0);
        // Nothing on either side: no difference, whatever the lengths.
        assert_eq!(log_ratio(0, 100, 0, 10_000), 0.0);
    }

    /// A theme neither source mentions is not a difference, however unequal
    /// the sources' lengths (smoothing both zeros gave log2 of the length
    /// ratio, here about -6.6, and an interval that excluded 0).
    #[test]
    fn zero_hits_on_both_sides_are_no_difference() {
        let mut sources = crate::report::charts::fixtures::report(2, 1, false).sources;
        let theme = sources[0].themes.keys().next().unwrap().clone();
        for (s, words) in sources.iter_mut().zip([1_000, 100_000]) {
            s.words = words;
            s.themes.get_mut(&theme).unwrap().hits = 0;
        }
        let reps = [
            Replicates {
                words: vec![900, 1_000, 1_100],
                hits: vec![vec![0; 3]],
            },
            Replicates {
                words: vec![90_000, 100_000, 110_000],
                hits: vec![vec![0; 3]],
            },
        ];
        let d = differences(&[theme], &sources, &reps);
        assert_eq!(d.len(), 1);
        assert_eq!((d[0].log_ratio, d[0].ci_low, d[0].ci_high), (0.0, 0.0, 0.0));
        assert!(!d[0].beyond_noise);
    }

    #[test]
    fn sentence_units_are_used_when_present() {
        let mut d = doc(10, vec![0, 1]);
        d.sentence_words = vec![4, 6];
        d.sentence_hits = vec![(1, 1, 1)];
        let u = units(&[&d]);
        assert_eq!(u.words, vec![4, 6]);
        assert_eq!(u.hits, vec![vec![], vec![(0, 1)]]);
    }

    #[test]
    fn many_units_merge_into_blocks_keeping_totals() {
        let n = MAX_UNITS * 2 + 1;
        let u = Units {
            words: vec![3; n],
            hits: (0..n)
                .map(|k| if k % 2 == 0 { vec![(0, 1)] } else { vec![] })
                .collect(),
        };
        let b = blocks(u);
        assert_eq!(b.words.len(), MAX_UNITS);
        assert_eq!(b.words.iter().sum::<u64>(), 3 * n as u64);
        let hits: u64 = b.hits.iter().flatten().map(|&(_, h)| h).sum();
        assert_eq!(hits, n.div_ceil(2) as u64);
    }
}
