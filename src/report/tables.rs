//! Tidy CSV tables (`output/tables/*.csv`): one row per source x item, the
//! same numbers as report.json, for R, pandas and spreadsheets.
//!
//! Fields are quoted as RFC 4180 says (when they hold a comma, a quote or a
//! line break); numbers are written with Rust's shortest round-trip format.

use std::fmt::Display;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};

use super::write::atomic_write;
use super::Report;

/// One CSV file being built.
struct Table {
    name: &'static str,
    text: String,
}

impl Table {
    fn new(name: &'static str, header: &[&str]) -> Table {
        let mut t = Table {
            name,
            text: String::new(),
        };
        t.row(header.iter().map(|h| h as &dyn Display).collect());
        t
    }

    fn row(&mut self, fields: Vec<&dyn Display>) {
        let cells: Vec<String> = fields.iter().map(|f| quote(&f.to_string())).collect();
        self.text.push_str(&cells.join(","));
        self.text.push('\n');
    }
}

/// Quotes a field when it holds a comma, a quote or a line break.
fn quote(field: &str) -> String {
    if field.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", field.replace('"', "\"\""))
    } else {
        field.to_string()
    }
}

/// An interval end, empty when intervals are off.
fn opt(x: Option<f64>) -> String {
    x.map_or_else(String::new, |v| v.to_string())
}

/// One row per source: its display label and `[sources.<id>]` metadata
/// (empty when not given), and its size; the other tables name sources by
/// id, so this is the table to join on `source` for readable names.
fn sources_table(report: &Report) -> Table {
    let mut t = Table::new(
        "sources",
        &[
            "source",
            "label",
            "outlet",
            "author",
            "date",
            "url",
            "documents",
            "words",
            "tokens",
            "sentences",
            "anchor_mentions",
            "anchor_per_1k",
        ],
    );
    for s in &report.sources {
        let m = |x: &Option<String>| x.clone().unwrap_or_default();
        let (outlet, author, date, url) = (
            m(&s.meta.outlet),
            m(&s.meta.author),
            m(&s.meta.date),
            m(&s.meta.url),
        );
        t.row(vec![
            &s.id,
            &s.label,
            &outlet,
            &author,
            &date,
            &url,
            &s.documents,
            &s.words,
            &s.tokens,
            &s.sentences,
            &s.anchor.mentions,
            &s.anchor.per_1k,
        ]);
    }
    t
}

/// Builds every table from the report.
fn tables(report: &Report) -> Vec<Table> {
    let a = &report.analysis;
    let mut emphasis = Table::new(
        "theme_emphasis",
        &[
            "source", "theme", "group", "hits", "words", "per_1k", "ci_low", "ci_high", "share",
        ],
    );
    let mut terms = Table::new(
        "term_frequencies",
        &["source", "stem", "form", "count", "per_10k"],
    );
    for s in &report.sources {
        for t in &report.themes {
            if let Some(x) = s.themes.get(&t.id) {
                let (lo, hi) = (opt(x.ci_low), opt(x.ci_high));
                emphasis.row(vec![
                    &s.id, &t.id, &t.group, &x.hits, &s.words, &x.per_1k, &lo, &hi, &x.share,
                ]);
            }
        }
        for t in &s.top_terms {
            let per_10k = if s.tokens == 0 {
                0.0
            } else {
                t.count as f64 * 10_000.0 / s.tokens as f64
            };
            terms.row(vec![&s.id, &t.stem, &t.form, &t.count, &per_10k]);
        }
    }

    // The same columns for terms and themes; only the first two are named for what they hold.
    let key_columns = |item: &'static str, label: &'static str| {
        [
            "source",
            item,
            label,
            "direction",
            "count_source",
            "count_rest",
            "total_source",
            "total_rest",
            "g2",
            "p",
            "log_ratio",
            "log_odds_z",
            "small_counts",
        ]
    };
    let mut keyness = Table::new("keyness", &key_columns("term", "form"));
    let mut theme_keyness = Table::new("theme_keyness", &key_columns("theme", "label"));
    for k in &a.keyness {
        for (table, rows) in [(&mut keyness, &k.terms), (&mut theme_keyness, &k.themes)] {
            for r in rows {
                table.row(vec![
                    &k.source,
                    &r.item,
                    &r.label,
                    &r.direction,
                    &r.count_source,
                    &r.count_rest,
                    &r.total_source,
                    &r.total_rest,
                    &r.g2,
                    &r.p,
                    &r.log_ratio,
                    &r.log_odds_z,
                    &r.small_counts,
                ]);
            }
        }
    }

    let colloc_header = [
        "source", "a", "b", "form_b", "count", "count_a", "count_b", "total", "pmi", "log_dice",
        "g2",
    ];
    let mut collocations = Table::new("collocations", &colloc_header);
    let mut anchor = Table::new("anchor_collocates", &colloc_header);
    for (table, sets) in [
        (&mut collocations, &a.collocations),
        (&mut anchor, &a.anchor_collocates),
    ] {
        for set in sets {
            for p in &set.pairs {
                table.row(vec![
                    &set.source,
                    &p.a,
                    &p.b,
                    &p.form_b,
                    &p.count,
                    &p.count_a,
                    &p.count_b,
                    &p.total,
                    &p.pmi,
                    &p.log_dice,
                    &p.g2,
                ]);
            }
        }
    }

    let mut framing = Table::new(
        "framing",
        &[
            "source",
            "group",
            "theme",
            "hits_near_anchor",
            "share",
            "mentions",
            "context_words",
        ],
    );
    for f in &a.framing {
        for t in &f.themes {
            framing.row(vec![
                &f.source,
                &t.group,
                &t.theme,
                &t.hits_near_anchor,
                &t.share,
                &f.mentions,
                &f.context_words,
            ]);
        }
    }
    let mut balance = Table::new(
        "balance",
        &["source", "group", "entropy", "dominant", "hits"],
    );
    for b in &a.balance {
        balance.row(vec![&b.source, &b.group, &b.entropy, &b.dominant, &b.hits]);
    }
    let mut similarity = Table::new(
        "similarity",
        &["source_a", "source_b", "cosine_tfidf", "jsd_frames"],
    );
    for s in &a.similarity {
        similarity.row(vec![
            &s.source_a,
            &s.source_b,
            &s.cosine_tfidf,
            &opt(s.jsd_frames),
        ]);
    }
    let mut differences = Table::new(
        "differences",
        &[
            "theme",
            "source_a",
            "source_b",
            "log_ratio",
            "ci_low",
            "ci_high",
            "beyond_noise",
        ],
    );
    for d in &a.differences {
        differences.row(vec![
            &d.theme,
            &d.source_a,
            &d.source_b,
            &d.log_ratio,
            &d.ci_low,
            &d.ci_high,
            &d.beyond_noise,
        ]);
    }
    let mut cooccurrence = Table::new(
        "theme_cooccurrence",
        &["source", "theme_a", "theme_b", "sentences"],
    );
    for p in &a.theme_cooccurrence {
        cooccurrence.row(vec![&p.source, &p.a, &p.b, &p.sentences]);
    }
    let mut evidence = Table::new(
        "evidence",
        &[
            "source", "theme", "rank", "document", "sentence", "start", "end", "hits", "marked",
        ],
    );
    for e in &a.evidence {
        for (rank, s) in e.sentences.iter().enumerate() {
            let rank = rank + 1;
            evidence.row(vec![
                &e.source,
                &e.theme,
                &rank,
                &s.document,
                &s.sentence,
                &s.start,
                &s.end,
                &s.hits,
                &s.marked,
            ]);
        }
    }
    vec![
        sources_table(report),
        emphasis,
        terms,
        keyness,
        theme_keyness,
        collocations,
        anchor,
        framing,
        balance,
        similarity,
        differences,
        cooccurrence,
        evidence,
    ]
}

/// Writes every table into `dir` (created if missing). Returns the paths.
pub fn write_all(report: &Report, dir: &Path) -> Result<Vec<PathBuf>> {
    std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    tables(report)
        .into_iter()
        .map(|t| {
            let path = dir.join(format!("{}.csv", t.name));
            atomic_write(&path, t.text.as_bytes())?;
            Ok(path)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_are_quoted_only_when_needed() {
        assert_eq!(quote("plain"), "plain");
        assert_eq!(quote("a, b"), "\"a, b\"");
        assert_eq!(quote("say \"no\""), "\"say \"\"no\"\"\"");
        assert_eq!(quote("two\nlines"), "\"two\nlines\"");
    }

    #[test]
    fn sources_table_carries_labels_and_metadata() {
        let mut report = crate::report::charts::fixtures::report(2, 2, false);
        report.sources[0].label = "Outlet, \"quoted\"".into();
        report.sources[0].meta.outlet = Some("The Outlet".into());
        report.sources[0].meta.url = Some("https://example.com/a?b=1,2".into());
        let all = tables(&report);
        let t = all.iter().find(|t| t.name == "sources").unwrap();
        let lines: Vec<&str> = t.text.lines().collect();
        assert_eq!(
            lines[0],
            "source,label,outlet,author,date,url,documents,words,tokens,sentences,anchor_mentions,anchor_per_1k"
        );
        assert_eq!(lines.len(), 3);
        let s = &report.sources[0];
        assert!(
            lines[1].starts_with(&format!(
                "{},\"Outlet, \"\"quoted\"\"\",The Outlet,,,\"https://example.com/a?b=1,2\",{},{}",
                s.id, s.documents, s.words
            )),
            "{}",
            lines[1]
        );
    }

    #[test]
    fn rows_join_with_commas() {
        let mut t = Table::new("x", &["a", "b"]);
        t.row(vec![&1, &"x,y"]);
        assert_eq!(t.text, "a,b\n1,\"x,y\"\n");
    }
}
