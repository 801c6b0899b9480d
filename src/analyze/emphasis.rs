//! Theme emphasis per source: hits, rate per 1,000 words, share within the group.

use std::collections::BTreeMap;

use crate::count::SourceTally;
use crate::lexicon::Lexicon;
use crate::report::ThemeScore;

/// `count / words * 1000`, or 0 for a source without words.
pub fn per_thousand(count: u64, words: u64) -> f64 {
    if words == 0 {
        0.0
    } else {
        count as f64 * 1000.0 / words as f64
    }
}

/// `part / whole`, or 0 when `whole` is 0.
pub fn fraction(part: u64, whole: u64) -> f64 {
    if whole == 0 {
        0.0
    } else {
        part as f64 / whole as f64
    }
}

/// Theme id -> score for one source. Themes are lists 1.. of the tally.
pub fn theme_scores(lexicon: &Lexicon, counts: &SourceTally) -> BTreeMap<String, ThemeScore> {
    let hits = |t: usize| counts.lists.get(t + 1).map_or(0, |l| l.hits);
    let mut group_totals: BTreeMap<&str, u64> = BTreeMap::new();
    for (t, theme) in lexicon.themes.iter().enumerate() {
        *group_totals.entry(theme.group.as_str()).or_insert(0) += hits(t);
    }
    lexicon
        .themes
        .iter()
        .enumerate()
        .map(|(t, theme)| {
            let list = counts.lists.get(t + 1);
            let terms = theme
                .terms
                .terms
                .iter()
                .enumerate()
                .map(|(i, term)| {
                    (
                        term.written.clone(),
                        list.and_then(|l| l.terms.get(i)).copied().unwrap_or(0),
                    )
                })
                .collect();
            let score = ThemeScore {
                hits: hits(t),
                per_1k: per_thousand(hits(t), counts.words),
                share: fraction(hits(t), group_totals[theme.group.as_str()]),
                ci_low: None,
                ci_high: None,
                terms,
            };
            (theme.id.clone(), score)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rates_are_zero_not_nan_for_empty_sources() {
        assert_eq!(per_thousand(3, 0), 0.0);
        assert_eq!(per_thousand(3, 1500), 2.0);
        assert_eq!(fraction(0, 0), 0.0);
        assert_eq!(fraction(1, 4), 0.25);
    }
}
