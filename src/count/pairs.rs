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

/// Pair increments are sorted into their table at this many (4 MiB).
const PENDING_PAIRS: usize = 1 << 19;

/// The rows of full buffers are merged into the table once they are this
/// many times fewer than the table's rows.
const RECENT_SHARE: usize = 4;

/// Tables with fewer rows than this in all are summed in one piece (a
/// piece's set-up costs a binary search in every table).
const SUM_IN_ONE_PIECE_MAX: usize = 1 << 16;

/// Pair keys counted but not yet in a table, with the second buffer of
/// their sort, and the rows of earlier full buffers not yet merged into the
/// table.
///
/// A merge rewrites the whole table, and a large source's table holds
/// millions of rows: merging each full buffer into it (half a million keys)
/// spent more time moving the table than sorting the keys. Full buffers go
/// into the smaller table of recent rows instead, which joins the table
/// once it has a quarter of its rows, so the table is rewritten about a
/// quarter as often, for at most a quarter more rows held by the one source
/// being counted.
///
/// The buffers are kept from flush to flush: fresh ones would fault in new
/// pages at every flush, and leave the allocator's free lists scattered with
/// blocks of their size.
#[derive(Debug, Clone)]
pub struct PendingPairs {
    /// Keys are counted once there are this many.
    limit: usize,
    keys: Vec<u64>,
    scratch: Vec<u64>,
    recent: PairTable,
}

impl Default for PendingPairs {
    fn default() -> PendingPairs {
        PendingPairs::holding(PENDING_PAIRS)
    }
}

impl PendingPairs {
    /// A buffer of `limit` keys.
    fn holding(limit: usize) -> PendingPairs {
        PendingPairs {
            limit,
            keys: Vec::new(),
            scratch: Vec::new(),
            recent: PairTable::default(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.keys.is_empty() && self.recent.rows.is_empty()
    }

    /// The buffer, with room for `more` keys: when they would not fit, the
    /// buffered keys are counted first, towards `table` (a buffer that grew
    /// would double its capacity, 4 MiB more for each tally alive).
    pub fn room_for(&mut self, more: usize, table: &mut PairTable) -> &mut Vec<u64> {
        if self.keys.len() + more > self.limit && !self.keys.is_empty() {
            self.recent
                .add_keys_reusing(&mut self.keys, &mut self.scratch);
            if RECENT_SHARE * self.recent.rows.len() > table.rows.len() {
                table.take_rows_of(&mut self.recent);
            }
        }
        if self.keys.capacity() == 0 {
            self.keys.reserve_exact(self.limit.max(more));
        }
        &mut self.keys
    }

    /// Adds every buffered key and recent row to `table`, leaving none.
    pub fn flush_into(&mut self, table: &mut PairTable) {
        self.recent
            .add_keys_reusing(&mut self.keys, &mut self.scratch);
        table.take_rows_of(&mut self.recent);
    }
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

    /// The table with every stem id replaced by `map[id]` (an injective
    /// map, so keys stay distinct), re-sorted. The rows are re-keyed where
    /// they are: a merge of two workers' tallies is the peak of a run's
    /// memory, and a copy of the largest source's table is most of it.
    pub fn remapped(mut self, map: &[u32]) -> PairTable {
        let mut sorted = true;
        let mut previous = None;
        for row in self.rows.iter_mut() {
            let (x, y) = pair_ids(row.0);
            row.0 = pair_key(map[x as usize], map[y as usize]);
            sorted &= previous < Some(row.0);
            previous = Some(row.0);
        }
        if !sorted {
            sort_rows(&mut self.rows);
        }
        debug_assert!(self.rows.windows(2).all(|w| w[0].0 < w[1].0));
        self
    }

    /// Adds one co-occurrence per key in `keys` (any order; the buffer is left empty).
    #[cfg(test)]
    pub fn add_keys(&mut self, keys: &mut Vec<u64>) {
        self.add_keys_reusing(keys, &mut Vec::new());
    }

    /// Adds one co-occurrence per key in `keys` (any order; the buffer is
    /// left empty), with `scratch` as the sort's second buffer (see
    /// [`PendingPairs`]). The two may trade allocations.
    fn add_keys_reusing(&mut self, keys: &mut Vec<u64>, scratch: &mut Vec<u64>) {
        if keys.is_empty() {
            return;
        }
        sort_keys(keys, scratch);
        // Runs of equal keys (the merge reads them from the back).
        let runs = keys.chunk_by(|a, b| a == b);
        let distinct = runs.clone().count();
        if self.rows.is_empty() {
            // Into the table's own buffer, sized once: collecting into a
            // fresh vector grew it by doubling, a copy and a table's worth
            // of new pages at every flush.
            self.rows.reserve_exact(distinct);
            self.rows.extend(runs.map(|run| (run[0], run.len() as u64)));
        } else {
            let rows_from_back = runs.rev().map(|run| (run[0], run.len() as u64));
            merge_into(&mut self.rows, distinct, rows_from_back);
        }
        keys.clear();
    }

    /// The sum of several tables, in one k-way merge: each row is read once
    /// and the sum written once, into a buffer of its own (a balanced tree of
    /// pairwise merges wrote every row about log2(tables) times and held the
    /// intermediate tables, at the peak of a run's memory).
    pub fn sum(tables: &[&PairTable]) -> PairTable {
        let most: usize = tables.iter().map(|t| t.rows.len()).sum();
        // Summing the sources' tables of a large corpus took a quarter of
        // a second on one core while the other waited: the key range is
        // cut into pieces merged side by side.
        let pieces = if most < SUM_IN_ONE_PIECE_MAX {
            1
        } else {
            4 * rayon::current_num_threads()
        };
        Self::sum_in_pieces(tables, pieces)
    }

    /// [`PairTable::sum`] with the key range cut into `pieces` at keys of
    /// the largest table (so the pieces hold similar numbers of rows). A sum
    /// is exact, so the rows do not depend on `pieces`.
    fn sum_in_pieces(tables: &[&PairTable], pieces: usize) -> PairTable {
        use rayon::prelude::*;
        let rows = match tables {
            [] => Vec::new(),
            [only] => only.rows.clone(),
            _ => {
                let most: usize = tables.iter().map(|t| t.rows.len()).sum();
                let largest = tables.iter().map(|t| &t.rows).max_by_key(|r| r.len());
                let largest = largest.map_or(&[][..], |r| r.as_slice());
                let mut cuts: Vec<u64> = (1..pieces.max(1))
                    .filter_map(|i| largest.get(largest.len() * i / pieces).map(|r| r.0))
                    .collect();
                cuts.dedup();
                // Piece i holds the keys from cut i - 1 (inclusive) to cut i.
                let piece_rows = |i: usize| -> Vec<&[(u64, u64)]> {
                    tables
                        .iter()
                        .map(|t| {
                            let at = |cut: Option<&u64>| {
                                cut.map_or(t.rows.len(), |&c| t.rows.partition_point(|r| r.0 < c))
                            };
                            let start = if i == 0 { 0 } else { at(cuts.get(i - 1)) };
                            &t.rows[start..at(cuts.get(i))]
                        })
                        .collect()
                };
                let pieces: Vec<Vec<&[(u64, u64)]>> = (0..=cuts.len()).map(piece_rows).collect();
                // Each piece is merged into its own stretch of one buffer, as
                // long as its rows in all tables; the stretches are then
                // closed up. (Merging into a buffer per piece and copying
                // those into one table cost as much as the merge saved: the
                // copy wrote fresh memory on one core.) Zeroed memory is
                // mapped on first write, by the thread that writes it.
                let mut out: Vec<(u64, u64)> = vec![(0, 0); most];
                let mut stretches: Vec<&mut [(u64, u64)]> = Vec::with_capacity(pieces.len());
                let mut rest = out.as_mut_slice();
                for piece in &pieces {
                    let (stretch, after) =
                        rest.split_at_mut(piece.iter().map(|rows| rows.len()).sum());
                    stretches.push(stretch);
                    rest = after;
                }
                let written: Vec<usize> = pieces
                    .par_iter()
                    .zip(stretches)
                    .map(|(piece, stretch)| merge_sorted_tables(piece, stretch))
                    .collect();
                let mut len = 0;
                let mut start = 0;
                for (piece, n) in pieces.iter().zip(written) {
                    out.copy_within(start..start + n, len);
                    len += n;
                    start += piece.iter().map(|rows| rows.len()).sum::<usize>();
                }
                // The stretches' unused ends were never written, so never
                // mapped; but the rows moved left leave mapped pages behind
                // `len`: given back.
                out.truncate(len);
                out.shrink_to_fit();
                out
            }
        };
        PairTable { rows }
    }

    /// Adds every row of `other` (a merge of two tallies). Where the two
    /// share most pairs (a source counted by two workers) the merged table
    /// is much shorter than the room made for it, whose pages the merge
    /// wrote: given back, as nothing is added to a merged table often.
    pub fn add_table(&mut self, other: PairTable) {
        self.add_sorted(other.rows);
        if self.rows.capacity() - self.rows.len() > self.rows.len() / 8 {
            self.rows.shrink_to_fit();
        }
    }

    /// Adds every row of `other`, leaving it empty with its buffer kept.
    fn take_rows_of(&mut self, other: &mut PairTable) {
        if self.rows.is_empty() {
            std::mem::swap(&mut self.rows, &mut other.rows);
        } else {
            merge_into(
                &mut self.rows,
                other.rows.len(),
                other.rows.iter().rev().copied(),
            );
        }
        other.rows.clear();
    }

    /// Adds rows sorted by key with distinct keys.
    fn add_sorted(&mut self, rows: Vec<(u64, u64)>) {
        if self.rows.is_empty() {
            self.rows = rows;
            return;
        }
        merge_into(&mut self.rows, rows.len(), rows.iter().rev().copied());
    }
}

/// Merges `m` rows (given from the largest key down, distinct keys) into
/// `a` (sorted by key, distinct keys; equal keys add up) in `a`'s own
/// buffer: from the back, into room made at its end, then the rows moved to
/// the front past the gap the equal keys left. A merge into a fresh buffer
/// held both tables at once and faulted in a table's worth of new pages at
/// every flush of the pair buffer.
fn merge_into(a: &mut Vec<(u64, u64)>, m: usize, mut from_back: impl Iterator<Item = (u64, u64)>) {
    let n = a.len();
    if m == 0 {
        return;
    }
    // Exactly: a table that doubled its capacity would hold up to twice its
    // rows (a large buffer grows in place, without a copy).
    a.reserve_exact(m);
    a.resize(n + m, (0, 0));
    // Invariant: the write position `w` is past the unread rows of `a`
    // (`..i`) by the rows still to come plus the equal keys met so far, so no
    // unread row is overwritten.
    let (mut i, mut w) = (n, n + m);
    let mut next = from_back.next();
    while let Some((kb, nb)) = next {
        w -= 1;
        if i > 0 && a[i - 1].0 > kb {
            a[w] = a[i - 1];
            i -= 1;
            continue;
        }
        if i > 0 && a[i - 1].0 == kb {
            a[w] = (kb, a[i - 1].1 + nb);
            i -= 1;
        } else {
            a[w] = (kb, nb);
        }
        next = from_back.next();
    }
    // a[..i] are the smallest rows; the merged ones are a[w..].
    let gap = w - i;
    if gap > 0 {
        a.copy_within(w.., i);
        a.truncate(n + m - gap);
    }
}

/// Rows with equal keys next to each other become one row (in place).
fn combine_sorted(mut rows: Vec<(u64, u64)>) -> Vec<(u64, u64)> {
    rows.dedup_by(|row, kept| {
        let same = row.0 == kept.0;
        if same {
            kept.1 += row.1;
        }
        same
    });
    rows
}

/// Below this many items, a comparison sort beats the radix passes.
const RADIX_FROM: usize = 512;
/// Most bits a radix pass sorts on: 4,096 counters (32 KiB) stay in the L1 cache.
const MAX_DIGIT_BITS: u32 = 12;

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

/// Sorts pair keys ascending (`scratch`: the radix sort's second buffer).
fn sort_keys(keys: &mut Vec<u64>, scratch: &mut Vec<u64>) {
    if keys.len() < RADIX_FROM {
        keys.sort_unstable();
        return;
    }
    let packing = Packing::for_max_id(max_id(keys.iter().copied()));
    for k in keys.iter_mut() {
        *k = packing.pack(*k);
    }
    radix_sort(keys, scratch, packing.total_bits(), |&k| k);
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
    radix_sort(rows, &mut Vec::new(), packing.total_bits(), |r| r.0);
    for r in rows.iter_mut() {
        r.0 = packing.unpack(r.0);
    }
}

/// Least-significant-digit radix sort on the low `bits` bits of `key(item)`,
/// in as few passes of at most [`MAX_DIGIT_BITS`] as cover them (34-bit
/// packed keys: 3 passes of 12 bits, not 4 of 11). Every pass's counts come
/// from one read of the items (a scatter keeps the digits' multiset); a pass
/// whose digit is the same for every item is skipped.
fn radix_sort<T: Copy + Default>(
    items: &mut Vec<T>,
    scratch: &mut Vec<T>,
    bits: u32,
    key: impl Fn(&T) -> u64,
) {
    let passes = bits.div_ceil(MAX_DIGIT_BITS).max(1) as usize;
    let digit_bits = bits.div_ceil(passes as u32).max(1);
    let buckets = 1usize << digit_bits;
    let mask = (buckets - 1) as u64;
    let digit = |k: u64, pass: usize| ((k >> (pass as u32 * digit_bits)) & mask) as usize;
    scratch.clear();
    // As large as `items` can be: the two buffers trade places.
    scratch.reserve_exact(items.capacity());
    scratch.resize(items.len(), T::default());
    let mut counts = vec![0usize; buckets * passes];
    for item in items.iter() {
        let k = key(item);
        for pass in 0..passes {
            counts[pass * buckets + digit(k, pass)] += 1;
        }
    }
    for (pass, counts) in counts.chunks_mut(buckets).enumerate() {
        if counts.contains(&items.len()) {
            continue;
        }
        let mut offset = 0;
        for c in counts.iter_mut() {
            let n = *c;
            *c = offset;
            offset += n;
        }
        for item in items.iter() {
            let d = digit(key(item), pass);
            scratch[counts[d]] = *item;
            counts[d] += 1;
        }
        std::mem::swap(items, scratch);
    }
}

/// The rows of sorted tables (one row per key in each) summed into `out`,
/// sorted, by a k-way merge through a heap of each table's next key; returns
/// the number of rows written (`out` has room for all of the tables' rows).
fn merge_sorted_tables(tables: &[&[(u64, u64)]], out: &mut [(u64, u64)]) -> usize {
    use std::cmp::Reverse;
    use std::collections::binary_heap::{BinaryHeap, PeekMut};
    let mut len = 0;
    // (next key, table) of every table not yet read to its end.
    let mut next: Vec<usize> = vec![0; tables.len()];
    let mut heap: BinaryHeap<Reverse<(u64, usize)>> = tables
        .iter()
        .enumerate()
        .filter_map(|(t, rows)| Some(Reverse((rows.first()?.0, t))))
        .collect();
    // The smallest key's table gives its next key in place, one sift down
    // per row (a pop and a push were two, and this loop is most of the
    // time of summing a large corpus's tables).
    while let Some(mut smallest) = heap.peek_mut() {
        let Reverse((key, t)) = *smallest;
        let n = tables[t][next[t]].1;
        if len > 0 && out[len - 1].0 == key {
            out[len - 1].1 += n;
        } else {
            out[len] = (key, n);
            len += 1;
        }
        next[t] += 1;
        match tables[t].get(next[t]) {
            Some(&(k, _)) => *smallest = Reverse((k, t)),
            None => {
                PeekMut::pop(smallest);
            }
        }
    }
    len
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

    #[test]
    fn a_remapped_table_counts_the_same_pairs_under_the_new_ids() {
        // Ids 0..4 become 3, 0, 2, 1 (order not kept).
        let map = [3, 0, 2, 1];
        let mut t = PairTable::default();
        let mut keys = vec![
            pair_key(0, 1),
            pair_key(0, 1),
            pair_key(2, 3),
            pair_key(1, 2),
        ];
        t.add_keys(&mut keys);
        let got = t.remapped(&map);
        // (0,1) -> (3,0); (2,3) -> (2,1); (1,2) -> (0,2).
        assert_eq!(
            got.rows(),
            &[
                (pair_key(0, 2), 1),
                (pair_key(0, 3), 2),
                (pair_key(1, 2), 1)
            ]
        );
        // A map that keeps the order keeps the rows as they are, re-keyed.
        let mut t = PairTable::default();
        t.add_keys(&mut vec![pair_key(0, 1), pair_key(1, 2)]);
        let got = t.remapped(&[5, 7, 9]);
        assert_eq!(got.rows(), &[(pair_key(5, 7), 1), (pair_key(7, 9), 1)]);
    }

    #[test]
    fn merging_in_place_adds_equal_keys_and_closes_the_gap_they_leave() {
        let mut a = vec![(1, 1), (3, 1), (5, 1), (9, 1)];
        let b = [(0, 2), (3, 2), (9, 2), (10, 2)];
        merge_into(&mut a, b.len(), b.iter().rev().copied());
        assert_eq!(a, vec![(0, 2), (1, 1), (3, 3), (5, 1), (9, 3), (10, 2)]);
        let mut a = vec![(4, 1), (6, 1)];
        let b = [(1, 1), (2, 1)];
        merge_into(&mut a, b.len(), b.iter().rev().copied());
        assert_eq!(a, vec![(1, 1), (2, 1), (4, 1), (6, 1)]);
        let mut a = vec![(1, 1), (2, 1)];
        merge_into(&mut a, b.len(), b.iter().rev().copied());
        assert_eq!(a, vec![(1, 2), (2, 2)]);
    }

    proptest! {
        #[test]
        fn radix_sort_equals_a_comparison_sort(
            keys in proptest::collection::vec(any::<u64>(), 0..3000),
            bits in 1u32..=64,
            narrow in any::<bool>(),
        ) {
            // Narrow keys repeat digits, so whole passes are skipped.
            let mask = if bits == 64 { u64::MAX } else { (1u64 << bits) - 1 };
            let mut keys: Vec<u64> = keys
                .iter()
                .map(|&k| if narrow { (k % 7) << (bits / 2) & mask } else { k & mask })
                .collect();
            let mut expected = keys.clone();
            expected.sort_unstable();
            radix_sort(&mut keys, &mut Vec::new(), bits, |&k| k);
            prop_assert_eq!(keys, expected);
        }

        #[test]
        fn pending_pairs_count_every_key_once(
            batches in proptest::collection::vec(
                proptest::collection::vec((0u32..300, 0u32..300), 0..40),
                0..200,
            ),
            limit in 1usize..100,
        ) {
            // A small buffer: many flushes, the recent rows merged into the
            // table now and then, and a batch larger than the buffer.
            let mut pending = PendingPairs::holding(limit);
            let mut table = PairTable::default();
            let mut all = Vec::new();
            for batch in &batches {
                let keys: Vec<u64> = batch.iter().map(|&(a, b)| pair_key(a, b)).collect();
                all.extend_from_slice(&keys);
                pending.room_for(keys.len(), &mut table).extend_from_slice(&keys);
            }
            pending.flush_into(&mut table);
            prop_assert!(pending.is_empty());
            let expected = naive(&all);
            prop_assert_eq!(table.rows(), expected.as_slice());
        }

        #[test]
        fn a_sum_in_pieces_counts_every_key_of_every_table(
            tables in proptest::collection::vec(
                proptest::collection::vec((0u32..60, 0u32..60), 0..300),
                0..6,
            ),
            pieces in 1usize..12,
        ) {
            let all: Vec<u64> = tables.iter().flatten().map(|&(a, b)| pair_key(a, b)).collect();
            let tables: Vec<PairTable> = tables
                .iter()
                .map(|keys| {
                    let mut t = PairTable::default();
                    t.add_keys(&mut keys.iter().map(|&(a, b)| pair_key(a, b)).collect());
                    t
                })
                .collect();
            let refs: Vec<&PairTable> = tables.iter().collect();
            let summed = PairTable::sum_in_pieces(&refs, pieces);
            let expected = naive(&all);
            prop_assert_eq!(summed.rows(), expected.as_slice());
        }

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
            // Ids reversed (small ids only: the map has an entry per id): the
            // re-keyed table counts the reversed pairs.
            if !big_ids {
                let top = 5000;
                let reversed: Vec<u32> = (0..top).rev().collect();
                let keys_of_t: Vec<u64> = batches
                    .iter()
                    .step_by(2)
                    .flatten()
                    .map(|&(a, b)| pair_key(top - 1 - a, top - 1 - b))
                    .collect();
                let remapped = t.clone().remapped(&reversed);
                let expected_remapped = naive(&keys_of_t);
                prop_assert_eq!(remapped.rows(), expected_remapped.as_slice());
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
