//! Co-occurrence counts as a sorted table: pair keys in, (key, count) rows out.
//!
//! A hash map with millions of pairs spends most of each increment on a cache
//! miss. Here increments are appended to a buffer; a full buffer is sorted
//! with a radix sort (a few sequential passes), run-length encoded and merged
//! into the table, which stays sorted by key with one row per pair. Tables of
//! two tallies merge the same way after their keys are re-mapped.
//!
//! A pair key is `low stem id << 32 | high stem id` (see [`pair_key`]).

/// The key of an unordered pair of stem ids.
pub fn pair_key(x: u32, y: u32) -> u64 {
    let (lo, hi) = if x <= y { (x, y) } else { (y, x) };
    (u64::from(lo) << 32) | u64::from(hi)
}

/// The two stem ids of a key (low first).
pub fn pair_ids(key: u64) -> (u32, u32) {
    ((key >> 32) as u32, key as u32)
}

/// Pair counts: rows sorted by key, one row per pair, every count > 0.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct PairTable {
    rows: Vec<(u64, u64)>,
}

impl PairTable {
    /// A table from rows in any order (keys may repeat: their counts add up).
    pub fn from_rows(mut rows: Vec<(u64, u64)>) -> PairTable {
        sort_rows(&mut rows);
        PairTable {
            rows: combine_sorted(rows),
        }
    }

    /// (key, count) rows in key order.
    pub fn rows(&self) -> &[(u64, u64)] {
        &self.rows
    }

    /// Adds one co-occurrence per key in `keys` (any order; the buffer is left empty).
    pub fn add_keys(&mut self, keys: &mut Vec<u64>) {
        if keys.is_empty() {
            return;
        }
        sort_keys(keys);
        let mut run: Vec<(u64, u64)> = Vec::with_capacity(keys.len() / 2 + 1);
        for &k in keys.iter() {
            match run.last_mut() {
                Some((last, n)) if *last == k => *n += 1,
                _ => run.push((k, 1)),
            }
        }
        keys.clear();
        self.add_sorted(run);
    }

    /// The sum of several tables, merged pairwise (a balanced tree of merges,
    /// so each row is copied about log2(tables) times, not once per table).
    pub fn sum(tables: &[&PairTable]) -> PairTable {
        let rows = match tables {
            [] => Vec::new(),
            [only] => only.rows.clone(),
            [a, b] => merge_rows(&a.rows, &b.rows),
            _ => {
                let (left, right) = tables.split_at(tables.len() / 2);
                merge_rows(&PairTable::sum(left).rows, &PairTable::sum(right).rows)
            }
        };
        PairTable { rows }
    }

    /// Adds every row of `other`.
    pub fn add_table(&mut self, other: PairTable) {
        self.add_sorted(other.rows);
    }

    /// Adds rows sorted by key with distinct keys.
    fn add_sorted(&mut self, rows: Vec<(u64, u64)>) {
        if self.rows.is_empty() {
            self.rows = rows;
            return;
        }
        self.rows = merge_rows(&self.rows, &rows);
    }
}

/// Two tables' rows merged (both sorted by key with distinct keys; equal keys add up).
fn merge_rows(a: &[(u64, u64)], b: &[(u64, u64)]) -> Vec<(u64, u64)> {
    let mut out = Vec::with_capacity(a.len() + b.len());
    let (mut i, mut j) = (0, 0);
    while i < a.len() && j < b.len() {
        let (ka, na) = a[i];
        let (kb, nb) = b[j];
        if ka < kb {
            out.push((ka, na));
            i += 1;
        } else if kb < ka {
            out.push((kb, nb));
            j += 1;
        } else {
            out.push((ka, na + nb));
            i += 1;
            j += 1;
        }
    }
    out.extend_from_slice(&a[i..]);
    out.extend_from_slice(&b[j..]);
    out
}

/// Rows with equal keys next to each other become one row.
fn combine_sorted(rows: Vec<(u64, u64)>) -> Vec<(u64, u64)> {
    let mut out: Vec<(u64, u64)> = Vec::with_capacity(rows.len());
    for (k, n) in rows {
        match out.last_mut() {
            Some((last, m)) if *last == k => *m += n,
            _ => out.push((k, n)),
        }
    }
    out
}

/// Below this many items, a comparison sort beats the radix passes.
const RADIX_FROM: usize = 512;
/// Bits per radix pass: 2,048 counters stay in the L1 cache.
const DIGIT_BITS: u32 = 11;

/// Pair keys packed into `2 * bits` bits, order kept: `low << bits | high`.
struct Packing {
    bits: u32,
}

impl Packing {
    fn for_max_id(max_id: u32) -> Packing {
        Packing {
            bits: (32 - max_id.leading_zeros()).max(1),
        }
    }

    fn pack(&self, key: u64) -> u64 {
        let (lo, hi) = pair_ids(key);
        (u64::from(lo) << self.bits) | u64::from(hi)
    }

    fn unpack(&self, packed: u64) -> u64 {
        let hi = packed & ((1u64 << self.bits) - 1);
        ((packed >> self.bits) << 32) | hi
    }

    fn total_bits(&self) -> u32 {
        2 * self.bits
    }
}

fn max_id(keys: impl Iterator<Item = u64>) -> u32 {
    keys.map(|k| {
        let (lo, hi) = pair_ids(k);
        lo.max(hi)
    })
    .max()
    .unwrap_or(0)
}

/// Sorts pair keys ascending.
fn sort_keys(keys: &mut Vec<u64>) {
    if keys.len() < RADIX_FROM {
        keys.sort_unstable();
        return;
    }
    let packing = Packing::for_max_id(max_id(keys.iter().copied()));
    for k in keys.iter_mut() {
        *k = packing.pack(*k);
    }
    radix_sort(keys, packing.total_bits(), |&k| k);
    for k in keys.iter_mut() {
        *k = packing.unpack(*k);
    }
}

/// Sorts rows by key (stable for equal keys, which does not matter here).
fn sort_rows(rows: &mut Vec<(u64, u64)>) {
    if rows.len() < RADIX_FROM {
        rows.sort_unstable_by_key(|r| r.0);
        return;
    }
    let packing = Packing::for_max_id(max_id(rows.iter().map(|r| r.0)));
    for r in rows.iter_mut() {
        r.0 = packing.pack(r.0);
    }
    radix_sort(rows, packing.total_bits(), |r| r.0);
    for r in rows.iter_mut() {
        r.0 = packing.unpack(r.0);
    }
}

/// Least-significant-digit radix sort on the low `bits` bits of `key(item)`.
/// A pass whose digit is the same for every item is skipped.
fn radix_sort<T: Copy + Default>(items: &mut Vec<T>, bits: u32, key: impl Fn(&T) -> u64) {
    let buckets = 1usize << DIGIT_BITS;
    let mask = (buckets - 1) as u64;
    let mut scratch: Vec<T> = vec![T::default(); items.len()];
    let mut counts = vec![0usize; buckets];
    let mut shift = 0;
    while shift < bits {
        counts.iter_mut().for_each(|c| *c = 0);
        for item in items.iter() {
            counts[((key(item) >> shift) & mask) as usize] += 1;
        }
        if counts.contains(&items.len()) {
            shift += DIGIT_BITS;
            continue;
        }
        let mut offset = 0;
        for c in counts.iter_mut() {
            let n = *c;
            *c = offset;
            offset += n;
        }
        for item in items.iter() {
            let d = ((key(item) >> shift) & mask) as usize;
            scratch[counts[d]] = *item;
            counts[d] += 1;
        }
        std::mem::swap(items, &mut scratch);
        shift += DIGIT_BITS;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use std::collections::BTreeMap;

    /// The obvious count the table must equal.
    fn naive(keys: &[u64]) -> Vec<(u64, u64)> {
        let mut m: BTreeMap<u64, u64> = BTreeMap::new();
        for &k in keys {
            *m.entry(k).or_insert(0) += 1;
        }
        m.into_iter().collect()
    }

    #[test]
    fn keys_are_counted_and_sorted() {
        let mut t = PairTable::default();
        let mut keys = vec![pair_key(3, 1), pair_key(1, 3), pair_key(0, 2)];
        t.add_keys(&mut keys);
        assert!(keys.is_empty());
        assert_eq!(t.rows(), &[(pair_key(0, 2), 1), (pair_key(1, 3), 2)]);
        let mut more = vec![pair_key(2, 0), pair_key(5, 4)];
        t.add_keys(&mut more);
        assert_eq!(
            t.rows(),
            &[
                (pair_key(0, 2), 2),
                (pair_key(1, 3), 2),
                (pair_key(4, 5), 1)
            ]
        );
        assert_eq!(pair_ids(pair_key(9, 4)), (4, 9));
    }

    proptest! {
        #[test]
        fn buffered_radix_counting_equals_a_naive_count(
            batches in proptest::collection::vec(
                proptest::collection::vec((0u32..5000, 0u32..5000), 0..3000),
                1..5,
            ),
            big_ids in any::<bool>(),
        ) {
            let scale = if big_ids { 200_000 } else { 1 };
            let mut all = Vec::new();
            let mut t = PairTable::default();
            let mut other = PairTable::default();
            for (i, batch) in batches.iter().enumerate() {
                let mut keys: Vec<u64> =
                    batch.iter().map(|&(a, b)| pair_key(a * scale, b)).collect();
                all.extend_from_slice(&keys);
                if i % 2 == 0 {
                    t.add_keys(&mut keys);
                } else {
                    other.add_keys(&mut keys);
                }
            }
            let summed = PairTable::sum(&[&t, &other, &PairTable::default()]);
            t.add_table(other);
            let expected = naive(&all);
            prop_assert_eq!(summed.rows(), expected.as_slice());
            prop_assert_eq!(t.rows(), expected.as_slice());
            let rows: Vec<(u64, u64)> = all.iter().rev().map(|&k| (k, 1)).collect();
            let table = PairTable::from_rows(rows);
            prop_assert_eq!(table.rows(), expected.as_slice());
        }
    }
}
