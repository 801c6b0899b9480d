//! `vector_balance`: how evenly each source spreads its attention over the
//! actors. Per source one 100%-stacked bar of the "actors" themes' shares of
//! the source's actor hits in the whole text (`themes[id].share`), with the
//! balance index (`analysis.balance`, normalised entropy) at the bar's end.
//! Without an "actors" group the second group is shown; with a single group
//! the file holds a note instead.
//!
//! Size: see `stacked`.

use anyhow::Result;

use super::framing_profile::counted;
use super::render::note_chart;
use super::stacked::{Row, Stacked, MAX_LEGEND_LABEL_W, MAX_ROW_LABEL_W};
use super::style::{abbreviate_all, display_name, drawable, source_labels, theme_color, Font};
use super::theme_heatmap;
use crate::report::{Report, ThemeInfo};

/// File name stem of this chart.
pub const NAME: &str = "vector_balance";

const TITLE: &str = "Vector balance";

/// The group shown: "actors", else the second group in config order.
fn shown_group(report: &Report) -> Option<&str> {
    let groups = theme_heatmap::groups(report);
    if groups.contains(&"actors") {
        Some("actors")
    } else {
        groups.get(1).copied()
    }
}

/// Renders the chart; `None` without sources or themes.
pub fn render(report: &Report) -> Result<Option<String>> {
    if report.sources.is_empty() || report.themes.is_empty() {
        return Ok(None);
    }
    let Some(group) = shown_group(report) else {
        let only = theme_heatmap::groups(report).first().copied().unwrap_or("");
        let note = format!(
            "The lexicon has one theme group ({only}): balance across actors needs a second \
             group, e.g. themes with group = \"actors\"."
        );
        return note_chart(TITLE, &note).map(Some);
    };
    let themes: Vec<&ThemeInfo> = report.themes.iter().filter(|t| t.group == group).collect();
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
            let scores: Vec<_> = themes.iter().map(|t| source.themes.get(&t.id)).collect();
            let hits: u64 = scores.iter().flatten().map(|s| s.hits).sum();
            let shares: Vec<f64> = scores
                .iter()
                .map(|s| s.map_or(0.0, |s| drawable(s.share)))
                .collect();
            let entropy = report
                .analysis
                .balance
                .iter()
                .find(|b| b.source == source.id && b.group == group)
                .map(|b| b.entropy)
                .filter(|e| e.is_finite());
            // An index over no hits says nothing: show a dash, not "0.00".
            let index = match entropy {
                Some(e) if hits > 0 => format!("{:.2}", e.clamp(0.0, 1.0)),
                _ => "–".to_string(),
            };
            let empty = (hits == 0 || shares.iter().sum::<f64>() <= 0.0)
                .then(|| format!("no hits of the “{group}” themes"));
            Row {
                label,
                shares,
                note: format!("balance {index} ({})", counted(hits, "hit", "hits")),
                empty,
            }
        })
        .collect();

    let chart = Stacked {
        title: format!("{TITLE} across {group}: shares of each source's theme hits (whole text)"),
        subtitle: Some(format!(
            "Balance = normalised entropy of the shares: 1 = even attention to all {} themes \
             of “{group}”, 0 = one theme only",
            themes.len()
        )),
        legend,
        rows,
        axis_title: format!("Share of the source's theme hits in group “{group}”"),
    };
    chart.render().map(Some)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::charts::fixtures;

    #[test]
    fn prints_the_balance_index_at_each_bar() {
        let r = fixtures::report(5, 9, false);
        let texts = fixtures::texts(&render(&r).unwrap().unwrap());
        let b = r
            .analysis
            .balance
            .iter()
            .find(|b| b.source == r.sources[0].id && b.group == "actors")
            .unwrap();
        let expected = format!("balance {:.2} (", b.entropy);
        assert!(texts.iter().any(|t| t.starts_with(&expected)), "{texts:?}");
        // The empty fixture source: no hits, no index.
        assert!(texts.iter().any(|t| t == "balance – (0 hits)"), "{texts:?}");
    }

    #[test]
    fn falls_back_to_the_second_group_or_a_note() {
        let mut r = fixtures::report(2, 6, false);
        for t in &mut r.themes {
            if t.group == "actors" {
                t.group = "who".into();
            }
        }
        assert_eq!(shown_group(&r), Some("who"));
        let one = fixtures::report(2, 2, false);
        assert_eq!(shown_group(&one), None);
        let texts = fixtures::texts(&render(&one).unwrap().unwrap());
        assert!(
            texts.iter().any(|t| t.contains("one theme group")),
            "{texts:?}"
        );
    }
}
