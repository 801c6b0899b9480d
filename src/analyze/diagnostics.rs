//! Lexicon diagnostics: how each word list behaves on this corpus, so the
//! analyst can fix it. For every list (the anchor, then each theme): each
//! term's hits per source and the spellings it matched (the variant table),
//! dead terms, terms listed in several themes, and a dominant term (over half
//! the list's hits: the theme hangs on one word). Across lists: spellings
//! that several themes count (overlaps), and suggestions: frequent content
//! words near the anchor, or strongly collocated with a theme's matches, that
//! no list covers.

use std::collections::BTreeMap;

use rustc_hash::FxHashMap;

use crate::analyze::collocations::form_of;
use crate::analyze::stats;
use crate::config::Config;
use crate::count::{StemTable, Tally};
use crate::lexicon::{Matcher, ANCHOR_LIST};
use crate::report::{
    LexiconDiagnostics, ListDiagnostics, Overlap, Suggestion, TermDiagnostics, Variant,
};

/// A term with more than this share of its list's hits makes the list fragile.
const DOMINANT_SHARE: f64 = 0.5;
/// Suggestions kept per theme (collocates of its matches).
const SUGGESTIONS_PER_THEME: usize = 5;

/// Diagnoses every list.
pub fn diagnose(
    config: &Config,
    tally: &Tally,
    ids: &[String],
    table: &StemTable,
) -> LexiconDiagnostics {
    let lexicon = &config.lexicon;
    let min_count = *config.raw.analysis.min_count.get_ref();
    let lists: Vec<ListDiagnostics> = (0..lexicon.list_count())
        .map(|list| list_diagnostics(config, tally, ids, list))
        .collect();
    let overlaps = overlaps(&lists[1..]);
    let matcher = lexicon.matcher(&config.stemmer);
    let mut suggestions = near_anchor_suggestions(
        tally,
        ids,
        table,
        &matcher,
        min_count,
        config.raw.analysis.top,
    );
    suggestions.extend(theme_suggestions(
        config, tally, ids, table, &matcher, min_count,
    ));
    LexiconDiagnostics {
        lists,
        overlaps,
        suggestions,
    }
}

fn list_id(config: &Config, list: usize) -> String {
    if list == ANCHOR_LIST {
        "anchor".to_string()
    } else {
        config.lexicon.themes[list - 1].id.clone()
    }
}

fn list_diagnostics(
    config: &Config,
    tally: &Tally,
    ids: &[String],
    list: usize,
) -> ListDiagnostics {
    let terms = &config.lexicon.list(list).terms;
    let mut rows: Vec<TermDiagnostics> = terms
        .iter()
        .map(|t| TermDiagnostics {
            term: t.written.clone(),
            hits: 0,
            by_source: BTreeMap::new(),
            dead: true,
            also_in: also_in(config, list, &t.written),
            variants: Vec::new(),
        })
        .collect();
    let mut variants: Vec<BTreeMap<String, BTreeMap<String, u64>>> =
        vec![BTreeMap::new(); terms.len()];
    for (s, id) in ids.iter().enumerate() {
        let counts = tally.sources.get(s).and_then(|x| x.lists.get(list));
        for (t, row) in rows.iter_mut().enumerate() {
            let n = counts.and_then(|l| l.terms.get(t)).copied().unwrap_or(0);
            row.by_source.insert(id.clone(), n);
            row.hits += n;
        }
        for (term, spelling, n) in tally.matched_forms(s, list) {
            *variants[term as usize]
                .entry(spelling)
                .or_default()
                .entry(id.clone())
                .or_insert(0) += n;
        }
    }
    for (row, spellings) in rows.iter_mut().zip(variants) {
        row.dead = row.hits == 0;
        row.variants = spellings
            .into_iter()
            .map(|(spelling, by_source)| Variant {
                count: by_source.values().sum(),
                spelling,
                by_source,
            })
            .collect();
        row.variants.sort_by(|a, b| {
            b.count
                .cmp(&a.count)
                .then_with(|| a.spelling.cmp(&b.spelling))
        });
    }
    let hits: u64 = rows.iter().map(|r| r.hits).sum();
    let top = rows
        .iter()
        .fold(None, |best: Option<&TermDiagnostics>, r| match best {
            Some(b) if b.hits >= r.hits => Some(b),
            _ => Some(r),
        });
    // A theme resting on one of its words is fragile; the anchor is one
    // concept by design, and a one-term list has nothing to compare.
    let comparable = list != ANCHOR_LIST && terms.len() > 1 && hits > 0;
    let (dominant_term, dominant_share) = match top {
        Some(t) if comparable && t.hits as f64 / hits as f64 > DOMINANT_SHARE => {
            (t.term.clone(), t.hits as f64 / hits as f64)
        }
        _ => (String::new(), 0.0),
    };
    ListDiagnostics {
        id: list_id(config, list),
        hits,
        dominant_term,
        dominant_share,
        terms: rows,
    }
}

/// Other themes that list the same term (compared case-insensitively).
fn also_in(config: &Config, list: usize, written: &str) -> Vec<String> {
    let key = written.to_lowercase();
    config
        .lexicon
        .themes
        .iter()
        .enumerate()
        .filter(|(t, theme)| {
            t + 1 != list
                && theme
                    .terms
                    .terms
                    .iter()
                    .any(|x| x.written.to_lowercase() == key)
        })
        .map(|(_, theme)| theme.id.clone())
        .collect()
}

/// Spellings (lowercased) that terms of two or more themes matched.
fn overlaps(themes: &[ListDiagnostics]) -> Vec<Overlap> {
    let mut by_spelling: BTreeMap<String, BTreeMap<String, u64>> = BTreeMap::new();
    for theme in themes {
        for term in &theme.terms {
            for v in &term.variants {
                *by_spelling
                    .entry(v.spelling.to_lowercase())
                    .or_default()
                    .entry(format!("{}:{}", theme.id, term.term))
                    .or_insert(0) += v.count;
            }
        }
    }
    by_spelling
        .into_iter()
        .filter(|(_, by)| {
            let mut themes: Vec<&str> = by.keys().filter_map(|k| k.split(':').next()).collect();
            themes.dedup();
            themes.len() > 1
        })
        .map(|(spelling, matched_by)| Overlap {
            spelling,
            matched_by,
        })
        .collect()
}

/// Lists whose one-word terms match the form (the anchor is list 0).
fn covering_lists(matcher: &Matcher, form: &str) -> Vec<u16> {
    let mut lists: Vec<u16> = matcher
        .match_word(form)
        .single
        .iter()
        .map(|&(list, _)| list)
        .collect();
    lists.dedup();
    lists
}

fn near_anchor_suggestions(
    tally: &Tally,
    ids: &[String],
    table: &StemTable,
    matcher: &Matcher,
    min_count: u64,
    top: usize,
) -> Vec<Suggestion> {
    let all: Vec<usize> = (0..ids.len()).collect();
    let mut near: FxHashMap<u32, u64> = FxHashMap::default();
    for s in &all {
        for (stem, n) in tally.anchor_pairs(*s) {
            *near.entry(stem).or_insert(0) += n;
        }
    }
    let anchor_total: u64 = near.values().sum();
    let marginals = tally.pair_marginals(&all);
    let mut out: Vec<Suggestion> = near
        .into_iter()
        .filter(|&(_, n)| n >= min_count)
        .filter_map(|(id, count)| {
            let stem = tally.stem_text(id);
            let form = form_of(table, stem);
            if !covering_lists(matcher, &form).is_empty() {
                return None;
            }
            let marginal = marginals.get(id).unwrap_or(count).max(count);
            Some(Suggestion {
                list: "anchor".into(),
                log_dice: stats::log_dice(count, anchor_total, marginal),
                stem: stem.to_string(),
                form,
                count,
            })
        })
        .collect();
    out.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.stem.cmp(&b.stem)));
    out.truncate(top);
    out
}

fn theme_suggestions(
    config: &Config,
    tally: &Tally,
    ids: &[String],
    table: &StemTable,
    matcher: &Matcher,
    min_count: u64,
) -> Vec<Suggestion> {
    let all: Vec<usize> = (0..ids.len()).collect();
    // Two passes over the pair table, collecting nothing per pair.
    // Which lists cover each stem, decided once per stem on its usual form.
    // Stem ids are dense, so a vector indexed by id (a hash map cost two
    // lookups per pair in each pass, millions of pairs on a large corpus).
    let mut coverage: Vec<Option<Vec<u16>>> = vec![None; tally.stem_count()];
    tally.for_each_collocation(&all, min_count, |p| {
        for id in [p.a, p.b] {
            coverage[id as usize].get_or_insert_with(|| {
                covering_lists(matcher, &form_of(table, tally.stem_text(id)))
            });
        }
    });
    let covers = |id: u32| coverage[id as usize].as_deref().unwrap_or(&[]);
    // Per theme: stem id -> (best log-Dice, its count).
    let mut per_theme: Vec<FxHashMap<u32, (f64, u64)>> =
        vec![FxHashMap::default(); config.lexicon.themes.len()];
    tally.for_each_collocation(&all, min_count, |p| {
        let sides = [
            (p.a, p.count_a, p.b, p.count_b),
            (p.b, p.count_b, p.a, p.count_a),
        ];
        for (covered, covered_count, other, other_count) in sides {
            if !covers(other).is_empty() {
                continue;
            }
            let dice = stats::log_dice(p.count, covered_count, other_count);
            for &list in covers(covered)
                .iter()
                .filter(|&&l| l as usize != ANCHOR_LIST)
            {
                let entry = per_theme[list as usize - 1]
                    .entry(other)
                    .or_insert((dice, p.count));
                // The maximum of (log-Dice, count): the same whatever order
                // the pairs come in (their order follows interning, which
                // depends on the thread count).
                if dice > entry.0 || (dice == entry.0 && p.count > entry.1) {
                    *entry = (dice, p.count);
                }
            }
        }
    });
    per_theme
        .into_iter()
        .enumerate()
        .flat_map(|(t, found)| {
            // Ranked as (stem text, log-Dice, count) first, and only the
            // few that are kept become strings: a theme can have tens of
            // thousands of candidates.
            let ranked: Vec<(&str, f64, u64)> = found
                .into_iter()
                .map(|(id, (log_dice, count))| (tally.stem_text(id), log_dice, count))
                .collect();
            let order =
                |a: &(&str, f64, u64), b: &(&str, f64, u64)| b.1.total_cmp(&a.1).then(a.0.cmp(b.0));
            crate::analyze::best_first(ranked, SUGGESTIONS_PER_THEME, order)
                .into_iter()
                .map(|(stem, log_dice, count)| Suggestion {
                    list: config.lexicon.themes[t].id.clone(),
                    stem: stem.to_string(),
                    form: form_of(table, stem),
                    count,
                    log_dice,
                })
                .collect::<Vec<_>>()
        })
        .collect()
}
