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
