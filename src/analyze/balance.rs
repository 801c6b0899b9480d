//! Vector balance: how evenly a source spreads its attention over a group's themes.

use crate::analyze::stats;
use crate::lexicon::Lexicon;
use crate::report::{Balance, SourceReport};

/// For every source and every theme group (groups in order of first appearance).
pub fn balance(lexicon: &Lexicon, sources: &[SourceReport]) -> Vec<Balance> {
    let mut groups: Vec<&str> = Vec::new();
    for t in &lexicon.themes {
        if !groups.contains(&t.group.as_str()) {
            groups.push(&t.group);
        }
    }
    let mut out = Vec::new();
    for source in sources {
        for &group in &groups {
            let themes: Vec<(&str, u64)> = lexicon
                .themes
                .iter()
                .filter(|t| t.group == group)
                .map(|t| {
                    (
                        t.id.as_str(),
                        source.themes.get(&t.id).map_or(0, |x| x.hits),
                    )
                })
                .collect();
            let counts: Vec<u64> = themes.iter().map(|t| t.1).collect();
            let hits: u64 = counts.iter().sum();
            // First theme with the most hits: `max_by_key` would take the last.
            let dominant = themes
                .iter()
                .fold(None, |best: Option<(&str, u64)>, &(id, n)| match best {
                    Some((_, m)) if m >= n => best,
                    _ if n > 0 => Some((id, n)),
                    _ => best,
                })
                .map_or_else(String::new, |(id, _)| id.to_string());
            out.push(Balance {
                source: source.id.clone(),
                group: group.to_string(),
                entropy: stats::normalized_entropy(&counts),
                dominant,
                hits,
            });
        }
    }
    out
}
