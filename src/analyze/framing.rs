//! The anchor's framing profile: which themes stand near the anchor.
//!
//! A theme hit is "near the anchor" when it starts inside the anchor's
//! context: the union of every mention's sentence plus `analysis.context_window`
//! words each side (counted in `count`). Each hit counts once, however many
//! mentions it is near. Shares are taken within each theme group.

use std::collections::BTreeMap;

use crate::analyze::emphasis::fraction;
use crate::count::Tally;
use crate::lexicon::{Lexicon, ANCHOR_LIST};
use crate::report::{FramingProfile, FramingRow, ThemePair};

/// One profile per source, in source order.
pub fn profiles(lexicon: &Lexicon, tally: &Tally, source_ids: &[String]) -> Vec<FramingProfile> {
    source_ids
        .iter()
        .enumerate()
        .map(|(s, id)| {
            let src = tally.sources.get(s);
            let near = |list: usize| {
                src.and_then(|x| x.near_anchor.get(list))
                    .copied()
                    .unwrap_or(0)
            };
            let mut group_totals: BTreeMap<&str, u64> = BTreeMap::new();
            for (t, theme) in lexicon.themes.iter().enumerate() {
                *group_totals.entry(theme.group.as_str()).or_insert(0) += near(t + 1);
            }
            FramingProfile {
                source: id.clone(),
                mentions: src
                    .and_then(|x| x.lists.get(ANCHOR_LIST))
                    .map_or(0, |l| l.hits),
                context_words: src.map_or(0, |x| x.context_words),
                themes: lexicon
                    .themes
                    .iter()
                    .enumerate()
                    .map(|(t, theme)| FramingRow {
                        theme: theme.id.clone(),
                        group: theme.group.clone(),
                        hits_near_anchor: near(t + 1),
                        share: fraction(near(t + 1), group_totals[theme.group.as_str()]),
                    })
                    .collect(),
            }
        })
        .collect()
}

/// Theme x theme sentence counts per source, for pairs with at least one sentence (a <= b in config order).
pub fn theme_pairs(lexicon: &Lexicon, tally: &Tally, source_ids: &[String]) -> Vec<ThemePair> {
    let n = lexicon.themes.len();
    let mut out = Vec::new();
    for (s, id) in source_ids.iter().enumerate() {
        let Some(src) = tally.sources.get(s) else {
            continue;
        };
        for a in 0..n {
            for b in a..n {
                let sentences = src.theme_sentences.get(a * n + b).copied().unwrap_or(0);
                if sentences > 0 {
                    out.push(ThemePair {
                        source: id.clone(),
                        a: lexicon.themes[a].id.clone(),
                        b: lexicon.themes[b].id.clone(),
                        sentences,
                    });
                }
            }
        }
    }
    out
}
