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
use crate::analyze::pair_digest::PairDigest;
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
    digest: &PairDigest,
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
        digest,
        &matcher,
        min_count,
        config.raw.analysis.top,
    );
    suggestions.extend(theme_suggestions(config, table, digest, &matcher));
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

/// Lists whose one-word terms match the usual form of `stem` (the anchor
/// is list 0). The form's stem is `stem` itself, so it is not stemmed again
/// (stemming was most of this function's time, run once per stem of the
/// pair table); a stem the table lacks is matched as written.
fn covering_lists(matcher: &Matcher, table: &StemTable, stem: &str) -> Vec<u16> {
    let matches = match table.stems.binary_search_by(|s| s.as_str().cmp(stem)) {
        Ok(i) if crate::stem::form_of(&table.forms[i]) == table.forms[i] => {
            let form = &table.forms[i];
            matcher.match_stemmed(form, form, stem)
        }
        Ok(i) => matcher.match_word(&table.forms[i]),
        Err(_) => matcher.match_word(stem),
    };
    let mut lists: Vec<u16> = matches.single.iter().map(|&(list, _)| list).collect();
    lists.dedup();
    lists
}

fn near_anchor_suggestions(
    tally: &Tally,
    ids: &[String],
    table: &StemTable,
    digest: &PairDigest,
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
    let mut out: Vec<Suggestion> = near
        .into_iter()
        .filter(|&(_, n)| n >= min_count)
        .filter_map(|(id, count)| {
            let stem = tally.stem_text(id);
            if !covering_lists(matcher, table, stem).is_empty() {
                return None;
            }
            let marginal = digest.marginal(stem).unwrap_or(count).max(count);
            Some(Suggestion {
                list: "anchor".into(),
                log_dice: stats::log_dice(count, anchor_total, marginal),
                stem: stem.to_string(),
                form: form_of(table, stem),
                count,
            })
        })
        .collect();
    out.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.stem.cmp(&b.stem)));
    out.truncate(top);
    out
}

/// For each theme, the uncovered stems most strongly collocated (log-Dice)
/// with a stem the theme covers, drawn from each covered stem's strongest
/// collocates in the digest.
fn theme_suggestions(
    config: &Config,
    table: &StemTable,
    digest: &PairDigest,
    matcher: &Matcher,
) -> Vec<Suggestion> {
    // Which lists cover each stem, decided once per stem on its usual form.
    let coverage: Vec<Vec<u16>> = digest
        .stems
        .iter()
        .map(|stem| covering_lists(matcher, table, stem))
        .collect();
    // Per theme: stem number -> (best log-Dice, its count).
    let mut per_theme: Vec<FxHashMap<u32, (f64, u64)>> =
        vec![FxHashMap::default(); config.lexicon.themes.len()];
    for (covered, lists) in coverage.iter().enumerate() {
        let themes: Vec<u16> = lists
            .iter()
            .copied()
            .filter(|&l| l as usize != ANCHOR_LIST)
            .collect();
        if themes.is_empty() {
            continue;
        }
        let covered_count = digest.marginals[covered];
        for &(other, count) in digest.collocates_of(covered as u32) {
            if !coverage[other as usize].is_empty() {
                continue;
            }
            let dice = stats::log_dice(count, covered_count, digest.marginals[other as usize]);
            for &list in &themes {
                let entry = per_theme[list as usize - 1]
                    .entry(other)
                    .or_insert((dice, count));
                // The maximum of (log-Dice, count): the same whatever order
                // the stems come in.
                if dice > entry.0 || (dice == entry.0 && count > entry.1) {
                    *entry = (dice, count);
                }
            }
        }
    }
    per_theme
        .into_iter()
        .enumerate()
        .flat_map(|(t, found)| {
            let ranked: Vec<(&str, f64, u64)> = found
                .into_iter()
                .map(|(k, (log_dice, count))| (digest.stems[k as usize].as_str(), log_dice, count))
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Overrides;
    use crate::count::Analyzer;
    use std::path::Path;

    /// Theme suggestions straight from the corpus pair table: every pair
    /// with at least `min_count` co-occurrences whose one stem a theme
    /// covers and whose other stem no list covers; per theme and stem the
    /// best (log-Dice, count), ranked by log-Dice then stem.
    fn brute_force(
        config: &Config,
        tally: &Tally,
        table: &StemTable,
    ) -> Vec<(String, String, u64)> {
        let matcher = config.lexicon.matcher(&config.stemmer);
        let min_count = *config.raw.analysis.min_count.get_ref();
        let mut best: BTreeMap<(u16, String), (f64, u64)> = BTreeMap::new();
        tally.for_each_collocation(&[0], min_count, |p| {
            for (c, mc, o, mo) in [
                (p.a, p.count_a, p.b, p.count_b),
                (p.b, p.count_b, p.a, p.count_a),
            ] {
                let other = tally.stem_text(o).to_string();
                if !covering_lists(&matcher, table, &other).is_empty() {
                    continue;
                }
                let dice = stats::log_dice(p.count, mc, mo);
                for list in covering_lists(&matcher, table, tally.stem_text(c)) {
                    if list as usize == ANCHOR_LIST {
                        continue;
                    }
                    let e = best.entry((list, other.clone())).or_insert((dice, p.count));
                    if dice > e.0 || (dice == e.0 && p.count > e.1) {
                        *e = (dice, p.count);
                    }
                }
            }
        });
        let mut out = Vec::new();
        for (t, theme) in config.lexicon.themes.iter().enumerate() {
            let mut ranked: Vec<(&str, f64, u64)> = best
                .iter()
                .filter(|((list, _), _)| *list as usize == t + 1)
                .map(|((_, stem), &(dice, n))| (stem.as_str(), dice, n))
                .collect();
            ranked.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(b.0)));
            ranked.truncate(SUGGESTIONS_PER_THEME);
            out.extend(
                ranked
                    .into_iter()
                    .map(|(s, _, n)| (theme.id.clone(), s.to_string(), n)),
            );
        }
        out
    }

    #[test]
    fn theme_suggestions_from_the_digest_equal_the_whole_pair_table() {
        let text = "[anchor]\nlabel = \"mv\"\nterms = [\"multivector\"]\n\
                    [analysis]\nmin_count = 1\n\
                    [themes.econ]\nterms = [\"trade\", \"oil\"]\n\
                    [themes.power]\nterms = [\"russia\", \"china\"]\n";
        let config =
            Config::from_toml(text, "t.toml", Path::new(""), &Overrides::default()).unwrap();
        let analyzer = Analyzer::new(&config, &[1]);
        let mut tally = Tally::default();
        tally.add_document(
            &analyzer,
            0,
            0,
            "Trade with Russia grows along the pipeline. Oil exports and pipeline tariffs rise.\n\
             China buys oil; Russia sells gas through the pipeline. Trade talks stall in Astana.\n\
             Tariffs and quotas shape trade. Russia and China court Astana with loans.",
        );
        let terms = tally.term_counts(&[0]);
        let table = tally.stem_table(1, &terms);
        let digest = PairDigest::of(&tally, &table, &["s".to_string()], 1, 10, 10);
        let matcher = config.lexicon.matcher(&config.stemmer);
        let got: Vec<(String, String, u64)> = theme_suggestions(&config, &table, &digest, &matcher)
            .into_iter()
            .map(|s| (s.list, s.stem, s.count))
            .collect();
        let expected = brute_force(&config, &tally, &table);
        assert!(!expected.is_empty());
        assert_eq!(got, expected);
        // "pipelin" stands next to trade, oil and russia; no list covers it.
        assert!(
            got.iter()
                .any(|(list, stem, _)| list == "econ" && stem == "pipelin"),
            "{got:?}"
        );
    }
}
