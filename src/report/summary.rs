//! The compact table printed on stdout at the end of a run.

use std::fmt::Write;

use super::Report;

/// Widest source label shown before it is shortened with "…".
const LABEL_WIDTH: usize = 28;
/// Widest theme column header.
const COLUMN_WIDTH: usize = 9;

/// Headline figures: per source, words, anchor mentions and the rate of each
/// frame theme (hits per 1,000 words).
pub fn headline_table(report: &Report) -> String {
    let frames: Vec<_> = report
        .themes
        .iter()
        .filter(|t| t.group == "frames")
        .collect();
    let themes = if frames.is_empty() {
        report.themes.iter().collect()
    } else {
        frames
    };
    let mut out = String::new();
    let _ = writeln!(
        out,
        "Frame themes per 1,000 words, and anchor ({}) mentions, by source:",
        report.anchor.label
    );
    let _ = write!(
        out,
        "{:<LABEL_WIDTH$} {:>7} {:>7}",
        "source", "words", "anchor"
    );
    for t in &themes {
        let _ = write!(out, " {:>COLUMN_WIDTH$}", shorten(&t.id, COLUMN_WIDTH));
    }
    out.push('\n');
    for s in &report.sources {
        let _ = write!(
            out,
            "{:<LABEL_WIDTH$} {:>7} {:>7}",
            shorten(&s.label, LABEL_WIDTH),
            s.words,
            s.anchor.mentions
        );
        for t in &themes {
            let rate = s.themes.get(&t.id).map_or(0.0, |x| x.per_1k);
            let _ = write!(out, " {rate:>COLUMN_WIDTH$.1}");
        }
        out.push('\n');
    }
    out
}

/// Cuts to `width` characters, ending in "…" when cut.
pub fn shorten(text: &str, width: usize) -> String {
    if text.chars().count() <= width {
        text.to_string()
    } else {
        let mut s: String = text.chars().take(width.saturating_sub(1)).collect();
        s.push('…');
        s
    }
}

/// The lexicon diagnostics as text: per list, each term's hits by source and
/// the spellings it matched; dead and dominant terms; overlaps; suggestions.
pub fn lexicon_report(report: &Report) -> String {
    let mut out = String::new();
    let l = &report.lexicon;
    for list in &l.lists {
        let _ = write!(out, "{} ({} hits)", list.id, list.hits);
        if !list.dominant_term.is_empty() {
            let _ = write!(
                out,
                "  FRAGILE: {:?} has {:.0}% of the hits",
                list.dominant_term,
                list.dominant_share * 100.0
            );
        }
        out.push('\n');
        for t in &list.terms {
            if t.dead {
                let _ = writeln!(
                    out,
                    "  {:<24} {:>6}  DEAD: matches nothing",
                    shorten(&t.term, 24),
                    0
                );
                continue;
            }
            let by: Vec<String> = t
                .by_source
                .iter()
                .filter(|(_, n)| **n > 0)
                .map(|(s, n)| format!("{} {n}", shorten(s, 12)))
                .collect();
            let spellings: Vec<String> = t
                .variants
                .iter()
                .take(6)
                .map(|v| format!("{} {}", v.spelling, v.count))
                .collect();
            let _ = writeln!(
                out,
                "  {:<24} {:>6}  {}",
                shorten(&t.term, 24),
                t.hits,
                by.join(", ")
            );
            let _ = writeln!(
                out,
                "  {:<24} {:>6}  spellings: {}",
                "",
                "",
                spellings.join(", ")
            );
            if !t.also_in.is_empty() {
                let _ = writeln!(
                    out,
                    "  {:<24} {:>6}  also listed in: {}",
                    "",
                    "",
                    t.also_in.join(", ")
                );
            }
        }
    }
    if !l.overlaps.is_empty() {
        out.push_str("\nSpellings counted by more than one theme:\n");
        for o in &l.overlaps {
            let by: Vec<String> = o
                .matched_by
                .iter()
                .map(|(k, n)| format!("{k} {n}"))
                .collect();
            let _ = writeln!(out, "  {:<24} {}", o.spelling, by.join(", "));
        }
    }
    if !l.suggestions.is_empty() {
        out.push_str("\nWords no list covers (co-occurrences, log-Dice), candidates to add:\n");
        for s in &l.suggestions {
            let _ = writeln!(
                out,
                "  {:<16} {:<20} {:>5} {:>6.1}",
                s.list, s.form, s.count, s.log_dice
            );
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shorten_marks_the_cut() {
        assert_eq!(shorten("economy", 9), "economy");
        assert_eq!(shorten("connectivity", 9), "connecti…");
        assert_eq!(shorten("connectivity", 9).chars().count(), 9);
    }
}
