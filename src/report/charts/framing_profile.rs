//! `framing_profile` and `framing_profile_<group>`: the anchor's framing
//! profile. One chart per theme group ("frames", or the first group, is
//! `framing_profile`; every other group gets its own, e.g.
//! `framing_profile_actors`). Per source one 100%-stacked bar: the shares of the
//! group's theme hits within the anchor's context (`analysis.framing`), with
//! the anchor mentions and the hits the shares rest on next to the bar.
//!
//! Size: see `stacked`.

use anyhow::Result;

use super::stacked::{Row, Stacked, MAX_LEGEND_LABEL_W, MAX_ROW_LABEL_W};
use super::style::{
    abbreviate_all, display_name, drawable, ellipsize, source_labels, theme_color, Font,
};
use super::theme_heatmap;
use crate::report::{FramingProfile, Report, ThemeInfo};

/// File name stem of the first group's chart; other groups append `_<group>`.
pub const NAME: &str = "framing_profile";

/// What an empty bar says.
const NO_HITS: &str = "no theme hits near the anchor";
/// Longest the anchor label gets in the title.
const MAX_ANCHOR_W: f64 = 360.0;

/// Theme groups in chart order: "frames" (or the first group) first, then the
/// others in config order.
pub fn groups(report: &Report) -> Vec<&str> {
    let mut groups = theme_heatmap::groups(report);
    if let Some(k) = groups.iter().position(|g| *g == "frames") {
        let frames = groups.remove(k);
        groups.insert(0, frames);
    }
    groups
}

/// "frames" -> "Frames".
pub fn capitalized(text: &str) -> String {
    let mut chars = text.trim().chars();
    chars.next().map_or_else(String::new, |c| {
        c.to_uppercase().chain(chars).collect::<String>()
    })
}

/// `n` with the singular or plural noun: "1 mention", "11 mentions".
pub fn counted(n: u64, singular: &str, plural: &str) -> String {
    format!("{n} {}", if n == 1 { singular } else { plural })
}

/// Renders the chart of `group`; `None` without sources, anchor terms or themes in the group.
pub fn render(report: &Report, group: &str) -> Result<Option<String>> {
    let themes: Vec<&ThemeInfo> = report.themes.iter().filter(|t| t.group == group).collect();
    if themes.is_empty() || report.sources.is_empty() || report.anchor.terms.is_empty() {
        return Ok(None);
    }
    let theme_names: Vec<&str> = themes
        .iter()
        .map(|t| display_name(&t.label, &t.id))
        .collect();
    let legend = abbreviate_all(&theme_names, Font::LABEL, MAX_LEGEND_LABEL_W)?
        .into_iter()
        .enumerate()
        .map(|(k, label)| (label, theme_color(k)))
        .collect();

    let labels = source_labels(report, Font::TICK, MAX_ROW_LABEL_W)?;
    let rows = report
        .sources
        .iter()
        .zip(labels)
        .map(|(source, label)| {
            let profile = report
                .analysis
                .framing
                .iter()
                .find(|f| f.source == source.id);
            let mentions = profile.map_or(source.anchor.mentions, |p| p.mentions);
            let (shares, hits) = shares(profile, &themes);
            let empty = (hits == 0 || shares.iter().sum::<f64>() <= 0.0).then(|| NO_HITS.into());
            Row {
                label,
                shares,
                note: format!(
                    "n = {}, {}",
                    counted(mentions, "mention", "mentions"),
                    counted(hits, "hit", "hits")
                ),
                empty,
            }
        })
        .collect();

    let anchor = ellipsize(
        display_name(&report.anchor.label, "the anchor"),
        Font::TITLE,
        MAX_ANCHOR_W,
    )?;
    let window = report.config.analysis.context_window;
    let chart = Stacked {
        title: format!(
            "{} near “{anchor}”: share of theme hits",
            capitalized(group)
        ),
        subtitle: Some(format!(
            "Theme hits within ±{window} words / the sentence of each mention, each counted once; \
             n = anchor mentions and the hits the shares rest on"
        )),
        legend,
        rows,
        axis_title: format!("Share of the theme hits of group “{group}” near the anchor"),
    };
    chart.render().map(Some)
}

/// The share of each of `themes` near the anchor, and the hits they rest on.
fn shares(profile: Option<&FramingProfile>, themes: &[&ThemeInfo]) -> (Vec<f64>, u64) {
    let Some(profile) = profile else {
        return (vec![0.0; themes.len()], 0);
    };
    let mut hits = 0;
    let shares = themes
        .iter()
        .map(|t| {
            profile
                .themes
                .iter()
                .find(|row| row.theme == t.id)
                .map_or(0.0, |row| {
                    hits += row.hits_near_anchor;
                    drawable(row.share)
                })
        })
        .collect();
    (shares, hits)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::charts::fixtures;

    #[test]
    fn frames_come_first() {
        let mut r = fixtures::report(2, 6, false);
        r.themes.rotate_left(4);
        assert_eq!(groups(&r), vec!["frames", "actors"]);
    }

    #[test]
    fn a_source_without_hits_near_the_anchor_gets_an_empty_bar() {
        let r = fixtures::report(5, 9, false);
        let texts = fixtures::texts(&render(&r, "frames").unwrap().unwrap());
        // Fixture: source 2 names the anchor but has no theme hits near it; source 4 is empty.
        assert_eq!(
            texts.iter().filter(|t| *t == NO_HITS).count(),
            2,
            "{texts:?}"
        );
        let m = r.sources[0].anchor.mentions;
        assert!(
            texts
                .iter()
                .any(|t| t.starts_with(&format!("n = {m} mention"))),
            "{texts:?}"
        );
        assert!(texts.iter().any(|t| t.contains("±25 words")));
    }

    #[test]
    fn no_analysis_means_empty_bars_not_full_ones() {
        let mut r = fixtures::report(3, 4, false);
        r.analysis = Default::default();
        let svg = render(&r, "frames").unwrap().unwrap();
        let texts = fixtures::texts(&svg);
        assert_eq!(texts.iter().filter(|t| *t == NO_HITS).count(), 3);
        // Only the five axis ticks carry a percent sign: no segment was drawn.
        assert_eq!(texts.iter().filter(|t| t.ends_with('%')).count(), 5);
    }

    #[test]
    fn words_are_counted_in_the_right_number() {
        assert_eq!(counted(1, "mention", "mentions"), "1 mention");
        assert_eq!(counted(0, "mention", "mentions"), "0 mentions");
        assert_eq!(capitalized("actors"), "Actors");
        assert_eq!(capitalized(""), "");
    }
}
