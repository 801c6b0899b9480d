//! Strings numbered densely in the order they were first met, all kept end
//! to end in one buffer.
//!
//! A tally's forms and stems (and the spellings its terms matched) are
//! interned here: a large corpus has hundreds of thousands, and each worker
//! of a run interns every one it meets. A map from `Box<str>` to id with a
//! second `Box<str>` per string in a list made four heap blocks of each
//! (about 16 bytes of allocator overhead apiece, and a free per block when
//! a tally is dropped). Here a string costs its bytes, one offset and one
//! 4-byte slot of the hash table.

use std::hash::BuildHasher;

use hashbrown::HashTable;
use rustc_hash::FxBuildHasher;

/// Distinct strings by dense id (0, 1, 2, … in the order they were added).
#[derive(Debug, Default, Clone)]
pub struct Interner {
    /// Every string, end to end.
    text: String,
    /// `ends[id]` is where string `id` ends in `text`; it starts where the
    /// one before it ends (string 0 at 0).
    ends: Vec<usize>,
    /// The ids, found by their string's hash.
    ids: HashTable<u32>,
}

fn hash(s: &str) -> u64 {
    FxBuildHasher.hash_one(s)
}

impl Interner {
    /// The id of `s`, adding it if it is new.
    pub fn intern(&mut self, s: &str) -> u32 {
        let h = hash(s);
        match self.find(h, s) {
            Some(id) => id,
            None => self.push_new(h, s),
        }
    }

    /// The id of `s`, whose hash is `h`, if it was added.
    fn find(&self, h: u64, s: &str) -> Option<u32> {
        self.ids.find(h, |&id| self.get(id) == s).copied()
    }

    /// Adds `s`, known not to be here yet (its hash is `h`).
    fn push_new(&mut self, h: u64, s: &str) -> u32 {
        let id = u32::try_from(self.ends.len()).expect("fewer than 2^32 distinct strings");
        self.text.push_str(s);
        self.ends.push(self.text.len());
        let (text, ends) = (&self.text, &self.ends);
        self.ids
            .insert_unique(h, id, |&other| hash(string_at(text, ends, other)));
        id
    }

    /// The id of `s`, if it was added.
    pub fn id(&self, s: &str) -> Option<u32> {
        self.find(hash(s), s)
    }

    /// String `id`.
    ///
    /// # Panics
    /// If `id` was not given out by this interner.
    pub fn get(&self, id: u32) -> &str {
        string_at(&self.text, &self.ends, id)
    }

    /// Number of strings: ids run from 0 to this, exclusive.
    pub fn len(&self) -> usize {
        self.ends.len()
    }

    pub fn is_empty(&self) -> bool {
        self.ends.is_empty()
    }

    /// Every string, in id order.
    pub fn iter(&self) -> impl ExactSizeIterator<Item = &str> + '_ {
        (0..self.ends.len() as u32).map(|id| self.get(id))
    }

    /// The strings of `strings` numbered in list order, or `None` if one
    /// of them is listed twice.
    pub fn of(strings: &[&str]) -> Option<Interner> {
        let mut interner = Interner {
            text: String::with_capacity(strings.iter().map(|s| s.len()).sum()),
            ends: Vec::with_capacity(strings.len()),
            ids: HashTable::with_capacity(strings.len()),
        };
        for &s in strings {
            let h = hash(s);
            if interner.find(h, s).is_some() {
                return None;
            }
            interner.push_new(h, s);
        }
        Some(interner)
    }
}

fn string_at<'t>(text: &'t str, ends: &[usize], id: u32) -> &'t str {
    let id = id as usize;
    let start = if id == 0 { 0 } else { ends[id - 1] };
    &text[start..ends[id]]
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn ids_are_dense_in_first_seen_order_and_repeats_keep_theirs() {
        let mut interner = Interner::default();
        assert!(interner.is_empty());
        assert_eq!(interner.intern("trade"), 0);
        assert_eq!(interner.intern("road"), 1);
        assert_eq!(interner.intern("trade"), 0);
        // The empty string and a prefix of another are strings of their own.
        assert_eq!(interner.intern(""), 2);
        assert_eq!(interner.intern("tra"), 3);
        assert_eq!(interner.len(), 4);
        assert_eq!(interner.get(0), "trade");
        assert_eq!(interner.get(2), "");
        assert_eq!(interner.get(3), "tra");
        assert_eq!(interner.id("road"), Some(1));
        assert_eq!(interner.id("roads"), None);
        let all: Vec<&str> = interner.iter().collect();
        assert_eq!(all, ["trade", "road", "", "tra"]);
    }

    #[test]
    fn a_list_with_a_repeat_is_refused() {
        let listed = Interner::of(&["b", "a", "c"]).unwrap();
        assert_eq!(listed.iter().collect::<Vec<_>>(), ["b", "a", "c"]);
        assert_eq!(listed.id("c"), Some(2));
        assert!(Interner::of(&["b", "a", "b"]).is_none());
        assert!(Interner::of(&[]).is_some_and(|i| i.is_empty()));
    }

    proptest! {
        /// Against a plain map: the same ids, the same strings back, after
        /// the table has grown many times.
        #[test]
        fn agrees_with_a_map_of_strings(words in prop::collection::vec("[a-c\u{e9}]{0,4}", 0..300)) {
            let mut interner = Interner::default();
            let mut by_string = std::collections::HashMap::new();
            let mut in_order: Vec<String> = Vec::new();
            for w in &words {
                let expected = *by_string.entry(w.clone()).or_insert_with(|| {
                    in_order.push(w.clone());
                    in_order.len() as u32 - 1
                });
                prop_assert_eq!(interner.intern(w), expected);
            }
            prop_assert_eq!(interner.len(), in_order.len());
            for (id, w) in in_order.iter().enumerate() {
                prop_assert_eq!(interner.get(id as u32), w.as_str());
                prop_assert_eq!(interner.id(w), Some(id as u32));
            }
            let listed: Vec<&str> = in_order.iter().map(|s| s.as_str()).collect();
            let rebuilt = Interner::of(&listed).unwrap();
            prop_assert!(rebuilt.iter().eq(interner.iter()));
        }
    }
}
