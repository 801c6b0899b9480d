//! What the report needs of the co-occurrence tables that no word list
//! changes: the corpus's most frequent pairs, the collocations of each
//! source and of the corpus, each stem's strongest collocates (for the
//! theme suggestions), and the pair marginals of the corpus and of each
//! source (for the suggestions near the anchor and the anchor's collocates).
//!
//! A digest is built once from the pair tables and kept in the cache, so a
//! re-run after a lexicon edit reads a few megabytes instead of summing the
//! corpus's millions of pairs again. Every run, cached or not, reads these
//! figures from a digest, so both give the same report.

use std::ops::Range;

use crate::analyze::collocations;
use crate::count::{StemTable, Tally};
use crate::report::SourceCollocations;

/// Collocates kept per stem, strongest first (log-Dice; ties by stem).
pub const COLLOCATES_PER_STEM: usize = 20;

/// The lexicon-independent pair figures of a corpus (see the module documentation).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct PairDigest {
    /// The corpus's most frequent pairs: (stem, stem, count), stems alphabetical.
    pub top_pairs: Vec<(String, String, u64)>,
    /// Collocations of each source in source order, then of the corpus (`*`).
    pub collocations: Vec<SourceCollocations>,
    /// Every stem that co-occurs with another, alphabetical: the numbering below.
    pub stems: Vec<String>,
    /// Per stem, its co-occurrences with any stem in the corpus (the symmetric
    /// pair matrix's row sum).
    pub marginals: Vec<u64>,
    /// Per source (in order): (stem number, marginal in that source) for
    /// every stem that co-occurs with another there, by stem number.
    pub source_marginals: Vec<Vec<(u32, u64)>>,
    /// Stem `k`'s collocates are `collocates[starts[k]..starts[k + 1]]`.
    pub starts: Vec<u32>,
    /// (stem number, co-occurrences): the stem's [`COLLOCATES_PER_STEM`]
    /// strongest partners in the corpus with at least `min_count`
    /// co-occurrences, strongest first.
    pub collocates: Vec<(u32, u64)>,
}

impl PairDigest {
    /// The digest of `tally`'s pair tables. `min_count` and `top` are
    /// `analysis.min_count` and `analysis.top`; `top_pairs` is `report.top_pairs`.
    pub fn of(
        tally: &Tally,
        table: &StemTable,
        source_ids: &[String],
        min_count: u64,
        top: usize,
        top_pairs: usize,
    ) -> PairDigest {
        let all: Vec<usize> = (0..source_ids.len()).collect();
        // Every stem in any pair (alphabetical), numbered, with its marginal.
        let by_id = tally.pair_marginals(&all);
        let mut ids: Vec<u32> = by_id.nonzero().map(|(id, _)| id).collect();
        ids.sort_unstable_by(|&x, &y| tally.stem_text(x).cmp(tally.stem_text(y)));
        let mut number = vec![u32::MAX; tally.stem_count()];
        for (k, &id) in ids.iter().enumerate() {
            number[id as usize] = k as u32;
        }
        let stems: Vec<String> = ids
            .iter()
            .map(|&id| tally.stem_text(id).to_string())
            .collect();
        let marginals: Vec<u64> = ids.iter().map(|&id| by_id.get(id).unwrap_or(0)).collect();
        drop(by_id);
        let source_marginals = all
            .iter()
            .map(|&s| {
                let mut list: Vec<(u32, u64)> = tally
                    .pair_marginals(&[s])
                    .nonzero()
                    .map(|(id, n)| (number[id as usize], n))
                    .collect();
                list.sort_unstable();
                list
            })
            .collect();
        let ((collocations, top_pairs), (starts, collocates)) = rayon::join(
            || {
                rayon::join(
                    || collocations::collocations(tally, table, source_ids, min_count, top),
                    || tally.pair_counts(&all, top_pairs),
                )
            },
            || strongest_collocates(tally, &all, min_count, &number, &marginals),
        );
        PairDigest {
            top_pairs,
            collocations,
            stems,
            marginals,
            source_marginals,
            starts,
            collocates,
        }
    }

    /// The number of `stem` (None when it co-occurs with nothing).
    pub fn number(&self, stem: &str) -> Option<u32> {
        self.stems
            .binary_search_by(|s| s.as_str().cmp(stem))
            .ok()
            .map(|k| k as u32)
    }

    /// Co-occurrences of `stem` with any stem in the corpus (None when none).
    pub fn marginal(&self, stem: &str) -> Option<u64> {
        self.number(stem).map(|k| self.marginals[k as usize])
    }

    /// The same in source `source` alone.
    pub fn source_marginal(&self, source: usize, stem: &str) -> Option<u64> {
        let k = self.number(stem)?;
        let list = self.source_marginals.get(source)?;
        let at = list.binary_search_by_key(&k, |&(k, _)| k).ok()?;
        Some(list[at].1)
    }

    /// The sum of source `source`'s marginals: its symmetric pair matrix's total.
    pub fn source_total(&self, source: usize) -> u64 {
        self.source_marginals
            .get(source)
            .map_or(0, |list| list.iter().map(|&(_, n)| n).sum())
    }

    /// Stem `k`'s strongest collocates: (stem number, co-occurrences).
    pub fn collocates_of(&self, k: u32) -> &[(u32, u64)] {
        let k = k as usize;
        &self.collocates[self.starts[k] as usize..self.starts[k + 1] as usize]
    }

    /// Whether the parts fit together (a digest read from the cache is
    /// used only if they do).
    pub fn is_consistent(&self) -> bool {
        let n = self.stems.len();
        self.marginals.len() == n
            && self.starts.len() == n + 1
            && self.starts.first() == Some(&0)
            && self.starts.windows(2).all(|w| w[0] <= w[1])
            && self
                .starts
                .last()
                .is_some_and(|&e| e as usize == self.collocates.len())
            && self.collocates.iter().all(|&(k, _)| (k as usize) < n)
            && self.stems.windows(2).all(|w| w[0] < w[1])
            && self.source_marginals.iter().all(|list| {
                list.windows(2).all(|w| w[0].0 < w[1].0)
                    && list.last().is_none_or(|&(k, _)| (k as usize) < n)
            })
    }
}

/// Each stem's strongest collocates (see [`PairDigest::collocates`]) as
/// (starts, collocates); `number` gives each tally stem id its number in the
/// digest, `marginals` are the corpus marginals by number.
///
/// log-Dice of stem c with partner o is `14 + log2(2 n / (m_c + m_o))`,
/// so for a fixed c, o beats o' when `n / (m_c + m_o) > n' / (m_c + m_o')`:
/// compared exactly in integers, without a logarithm per pair. Each pair
/// is a candidate for both of its stems.
fn strongest_collocates(
    tally: &Tally,
    sources: &[usize],
    min_count: u64,
    number: &[u32],
    marginals: &[u64],
) -> (Vec<u32>, Vec<(u32, u64)>) {
    let stem_count = marginals.len();
    // Stems get slots in the order of their tally ids, the order the rows
    // come in by their low stem: the low stem's list is then the row
    // before's, in cache, and only the high stem's is a cache miss (by stem
    // number, i.e. alphabetically, both were).
    let mut slot = vec![u32::MAX; number.len()];
    let mut slot_of_number = vec![0u32; stem_count];
    let mut slots = 0;
    for (id, &k) in number.iter().enumerate() {
        if k != u32::MAX {
            slot[id] = slots;
            slot_of_number[k as usize] = slots;
            slots += 1;
        }
    }
    // The lists of the two halves of the slots are kept side by side, each
    // half reading every row: this was the longest task of the digest,
    // alone on one thread while the other finished the collocations and
    // waited. A list sees the same candidates in the same order either way.
    let half = slots / 2;
    let keep = |range: Range<u32>| {
        let lists = StrongestLists::new(range);
        lists.fill(tally, sources, min_count, number, &slot, marginals)
    };
    let (low, high) = rayon::join(|| keep(0..half), || keep(half..slots));
    let mut starts = Vec::with_capacity(stem_count + 1);
    let mut collocates = Vec::with_capacity(low.kept_count() + high.kept_count());
    starts.push(0);
    for &s in &slot_of_number {
        let lists = if s < half { &low } else { &high };
        collocates.extend_from_slice(lists.list(s));
        starts.push(collocates.len() as u32);
    }
    (starts, collocates)
}

/// Collocates kept per stem (in [`StrongestLists`]).
const K: usize = COLLOCATES_PER_STEM;

/// Up to K (partner, count) per stem, best first, for the stems whose
/// slots are in `range`, in one flat array: slot s's at (s - start) * K,
/// `len` of them. Partners are stem numbers, in alphabetical order: a tie
/// in strength goes to the alphabetically first.
struct StrongestLists {
    range: Range<u32>,
    kept: Vec<(u32, u64)>,
    len: Vec<u8>,
}

impl StrongestLists {
    fn new(range: Range<u32>) -> StrongestLists {
        let n = range.len();
        StrongestLists {
            range,
            kept: vec![(0, 0); n * K],
            len: vec![0; n],
        }
    }

    /// Slot `s`'s list (`s` in the range).
    fn list(&self, s: u32) -> &[(u32, u64)] {
        let i = (s - self.range.start) as usize;
        &self.kept[i * K..i * K + self.len[i] as usize]
    }

    fn kept_count(&self) -> usize {
        self.len.iter().map(|&n| n as usize).sum()
    }

    /// The lists, from every pair with at least `min_count` co-occurrences.
    fn fill(
        mut self,
        tally: &Tally,
        sources: &[usize],
        min_count: u64,
        number: &[u32],
        slot: &[u32],
        marginals: &[u64],
    ) -> StrongestLists {
        // Whether partner o (count n) beats o2 (count n2), given the
        // marginal sums m_c + m_o and m_c + m_o2.
        let wins = |(o, n): (u32, u64), sum: u128, (o2, n2): (u32, u64), sum2: u128| {
            let (left, right) = (u128::from(n) * sum2, u128::from(n2) * sum);
            left > right || (left == right && o < o2)
        };
        let sum_of =
            |c: usize, o: u32| u128::from(marginals[c]) + u128::from(marginals[o as usize]);
        let beats =
            |c: usize, x: (u32, u64), y: (u32, u64)| wins(x, sum_of(c, x.0), y, sum_of(c, y.0));
        // The weakest kept collocate of each full list, with its marginal
        // sum: most candidates lose to it, and this test reads one entry of
        // a compact array instead of the list and the partner's marginal.
        let mut weakest: Vec<((u32, u64), u128)> = vec![((0, 0), 0); self.len.len()];
        let range = self.range.clone();
        tally.for_each_collocation(sources, min_count, |p| {
            let (a, b) = (number[p.a as usize], number[p.b as usize]);
            let (slot_a, slot_b) = (slot[p.a as usize], slot[p.b as usize]);
            for (c, s, o) in [(a, slot_a, b), (b, slot_b, a)] {
                if !range.contains(&s) {
                    continue;
                }
                let (c, i) = (c as usize, (s - range.start) as usize);
                let n = self.len[i] as usize;
                let candidate = (o, p.count);
                if n == K {
                    let (weakest_kept, its_sum) = weakest[i];
                    if !wins(candidate, sum_of(c, o), weakest_kept, its_sum) {
                        continue;
                    }
                }
                let list = &mut self.kept[i * K..(i + 1) * K];
                let at = list[..n].partition_point(|&k| beats(c, k, candidate));
                let end = (n + 1).min(K);
                list.copy_within(at..end - 1, at + 1);
                list[at] = candidate;
                self.len[i] = end as u8;
                if end == K {
                    weakest[i] = (list[K - 1], sum_of(c, list[K - 1].0));
                }
            }
        });
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::{Config, Overrides};
    use crate::count::Analyzer;
    use std::path::Path;

    fn config() -> Config {
        let text = "[anchor]\nlabel = \"mv\"\nterms = [\"multivector\"]\n[themes.hub]\nterms = [\"hubword\"]\n";
        Config::from_toml(text, "test.toml", Path::new(""), &Overrides::default()).unwrap()
    }

    /// 25 partners the stemmer leaves alone; partner k (0-based) shares a
    /// two-word sentence with "hubword" k + 1 times, except that the 24th
    /// ("zarkg") shares as many as the 25th ("zarkh"): a tie.
    const PARTNERS: [&str; 25] = [
        "zorkb", "zorkc", "zorkd", "zorkf", "zorkg", "zorkh", "zorkj", "zorkk", "zorkl", "zorkm",
        "zorkn", "zorkp", "zorkq", "zorkr", "zorkt", "zorkv", "zorkw", "zorkx", "zorkz", "zarkb",
        "zarkc", "zarkd", "zarkf", "zarkg", "zarkh",
    ];

    fn times(k: usize) -> usize {
        if k == 23 {
            25
        } else {
            k + 1
        }
    }

    fn tally(c: &Config) -> Tally {
        let a = Analyzer::new(c, &[1]);
        let mut t = Tally::default();
        let mut text = String::new();
        for (k, partner) in PARTNERS.iter().enumerate() {
            for _ in 0..times(k) {
                text.push_str(&format!("Hubword {partner}.\n"));
            }
        }
        t.add_document(&a, 0, 0, &text);
        t
    }

    fn digest(t: &Tally, min_count: u64) -> PairDigest {
        let terms = t.term_counts(&[0]);
        let table = t.stem_table(1, &terms);
        PairDigest::of(t, &table, &["s".to_string()], min_count, 10, 10)
    }

    /// The stems of `stem`'s collocates, strongest first.
    fn collocate_names<'d>(d: &'d PairDigest, stem: &str) -> Vec<&'d str> {
        let k = d.number(stem).unwrap();
        d.collocates_of(k)
            .iter()
            .map(|&(partner, _)| d.stems[partner as usize].as_str())
            .collect()
    }

    #[test]
    fn each_stem_keeps_its_strongest_collocates_best_first() {
        let c = config();
        let t = tally(&c);
        let d = digest(&t, 1);
        assert!(d.is_consistent());
        // Hand counts: hubword meets partner k k + 1 times, the 24th 25
        // times: 1 + ... + 25 - 24 + 25 = 326.
        assert_eq!(d.marginal("hubword"), Some(326));
        assert_eq!(d.marginal("zorkd"), Some(3));
        assert_eq!(d.source_marginal(0, "zarkg"), Some(25));
        assert_eq!(d.source_total(0), 2 * 326);
        let hub = d.number("hubword").unwrap();
        let names = collocate_names(&d, "hubword");
        // log-Dice 14 + log2(2n / (326 + n)) grows with n: the 20 most
        // frequent partners, zarkg and zarkh tied at 25 (alphabetical
        // first), then the 23rd (23 times) down to the 6th (6 times); the
        // five rarest are cut.
        let mut expected = vec!["zarkg", "zarkh"];
        expected.extend(PARTNERS[5..23].iter().rev());
        assert_eq!(names, expected);
        assert_eq!(names.len(), COLLOCATES_PER_STEM);
        // The same order from the logarithm itself.
        let dice: Vec<f64> = d
            .collocates_of(hub)
            .iter()
            .map(|&(k, n)| crate::analyze::stats::log_dice(n, 326, d.marginals[k as usize]))
            .collect();
        assert!(dice.windows(2).all(|w| w[0] >= w[1]), "{dice:?}");
        // A partner's one collocate is the hub.
        let third = d.number("zorkd").unwrap();
        assert_eq!(d.collocates_of(third), &[(hub, 3)]);
    }

    proptest::proptest! {
        /// Every stem's list against a ranking written from the definition:
        /// all of its partners with at least `min_count` co-occurrences,
        /// sorted by log-Dice (n / (m_c + m_o), compared as fractions),
        /// ties alphabetical, the first 20. Sentences of 2-7 of 26 words
        /// give stems with more partners than a list keeps, many ties, and
        /// stems in both halves of the slots.
        #[test]
        fn every_list_is_the_top_of_an_independent_ranking(
            sentences in proptest::collection::vec(proptest::collection::vec(0usize..26, 2..8), 1..80),
            min_count in 1u64..3,
        ) {
            let c = config();
            let a = Analyzer::new(&c, &[1]);
            let mut t = Tally::default();
            let word = |w: usize| if w == 25 { "hubword" } else { PARTNERS[w] };
            let mut text = String::new();
            for sentence in &sentences {
                let words: Vec<&str> = sentence.iter().map(|&w| word(w)).collect();
                text.push_str(&format!("{}.\n", words.join(" ")));
            }
            t.add_document(&a, 0, 0, &text);
            let d = digest(&t, min_count);
            let pairs = t.pair_counts(&[0], usize::MAX);
            let mut marginal: std::collections::BTreeMap<&str, u64> = Default::default();
            for (x, y, n) in &pairs {
                *marginal.entry(x.as_str()).or_insert(0) += n;
                *marginal.entry(y.as_str()).or_insert(0) += n;
            }
            for (&stem, &m_c) in &marginal {
                let mut partners: Vec<(&str, u64)> = pairs
                    .iter()
                    .filter(|p| p.2 >= min_count)
                    .filter_map(|(x, y, n)| {
                        if x == stem { Some((y.as_str(), *n)) }
                        else if y == stem { Some((x.as_str(), *n)) }
                        else { None }
                    })
                    .collect();
                partners.sort_by(|&(o, n), &(o2, n2)| {
                    let left = u128::from(n) * u128::from(m_c + marginal[o2]);
                    let right = u128::from(n2) * u128::from(m_c + marginal[o]);
                    right.cmp(&left).then(o.cmp(o2))
                });
                partners.truncate(COLLOCATES_PER_STEM);
                let kept: Vec<(&str, u64)> = d
                    .collocates_of(d.number(stem).unwrap())
                    .iter()
                    .map(|&(k, n)| (d.stems[k as usize].as_str(), n))
                    .collect();
                proptest::prop_assert_eq!(kept, partners, "collocates of {}", stem);
            }
        }
    }

    #[test]
    fn a_tie_with_the_weakest_kept_collocate_goes_to_the_alphabetically_first() {
        // 21 partners, each met twice, first met in reverse alphabetical
        // order: all tie, so the list (full after 20) must take in the
        // last one met, the alphabetically first, and drop the last.
        let c = config();
        let a = Analyzer::new(&c, &[1]);
        let mut t = Tally::default();
        let mut partners: Vec<&str> = PARTNERS[..21].to_vec();
        partners.sort_unstable_by(|x, y| y.cmp(x));
        let mut text = String::new();
        for partner in &partners {
            text.push_str(&format!("Hubword {partner}.\nHubword {partner}.\n"));
        }
        t.add_document(&a, 0, 0, &text);
        let d = digest(&t, 1);
        let mut expected = partners.clone();
        expected.sort_unstable();
        expected.truncate(COLLOCATES_PER_STEM);
        assert_eq!(collocate_names(&d, "hubword"), expected);
    }

    #[test]
    fn collocates_under_min_count_are_left_out() {
        let c = config();
        let t = tally(&c);
        let d = digest(&t, 24);
        // Only the two with 25 co-occurrences (no partner has 24).
        assert_eq!(collocate_names(&d, "hubword"), ["zarkg", "zarkh"]);
        // Marginals still count every pair.
        assert_eq!(d.marginal("hubword"), Some(326));
    }
}
