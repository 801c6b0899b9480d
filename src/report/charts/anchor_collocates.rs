//! `anchor_collocates`: small multiples, one panel per source, of the content
//! words that keep the anchor company (`analysis.anchor_collocates`): one bar
//! per collocate, length = log-Dice on a fixed 0–14 scale (14 = the two always
//! occur together), with the co-occurrence count ("n = 9") at the bar's end.
//!
//! Size (SVG px; the PNG is `scale` times this): panels in a grid of
//! min(sources, 3) columns.
//! - panel width = collocate labels (cut at 130) + 8 + 220 (bars) + 6 + widest
//!   "n = …" + 6, at least the axis title; panel height = 30 (panel title) +
//!   rows × 24 + 26 (ticks) + 22 (axis title), rows = the longest list (1..=10);
//! - width = 24 + columns × panel + (columns − 1) × 40 + 24, at least the title;
//! - height = title (88) + grid rows × panel + (grid rows − 1) × 28 + 24.

use anyhow::Result;
use plotters::style::text_anchor::{HPos, VPos};

use super::render::{
    draw_note, draw_row_label, draw_text, draw_title, draw_value_axis_x, fill_rect, line,
    svg_chart, title_height, title_width, PanelGrid,
};
use super::style::{
    display_name, drawable, ellipsize, max_width, source_color, source_labels, Axis, Font, AXIS,
    MARGIN,
};
use crate::report::{Collocation, Report};

/// File name stem of this chart.
pub const NAME: &str = "anchor_collocates";

/// Collocates shown per source.
const SHOWN: usize = 10;
const ROW_H: i32 = 24;
const BAR_H: i32 = 16;
const BARS_W: i32 = 220;
const MAX_TERM_W: f64 = 130.0;
const PANEL_TITLE_H: i32 = 30;
const TICKS_H: i32 = 26;
const AXIS_TITLE_H: i32 = 22;
/// log-Dice cannot exceed 14: a fixed scale makes panels and runs comparable.
const LOG_DICE_MAX: f64 = 14.0;
const AXIS_TITLE: &str = "log-Dice (14 = always together)";

/// Renders the chart as SVG; `None` without sources or anchor terms.
pub fn render(report: &Report) -> Result<Option<String>> {
    if report.sources.is_empty() || report.anchor.terms.is_empty() {
        return Ok(None);
    }
    let per_source: Vec<&[Collocation]> = report
        .sources
        .iter()
        .map(|s| {
            report
                .analysis
                .anchor_collocates
                .iter()
                .find(|c| c.source == s.id)
                .map_or(&[][..], |c| &c.pairs[..c.pairs.len().min(SHOWN)])
        })
        .collect();
    let rows = per_source.iter().map(|p| p.len()).max().unwrap_or(0).max(1);
    let data_max = per_source
        .iter()
        .flat_map(|p| p.iter())
        .map(|c| drawable(c.log_dice))
        .fold(0.0f64, f64::max);
    let axis = if data_max <= LOG_DICE_MAX {
        Axis {
            max: LOG_DICE_MAX,
            step: 2.0,
            decimals: 0,
        }
    } else {
        Axis::nice(data_max, 7)
    };

    let mut term_labels = Vec::with_capacity(per_source.len());
    let mut counts = Vec::with_capacity(per_source.len());
    for pairs in &per_source {
        let labels: Result<Vec<String>> = pairs
            .iter()
            .map(|c| ellipsize(display_name(&c.form_b, &c.b), Font::TICK, MAX_TERM_W))
            .collect();
        term_labels.push(labels?);
        counts.push(
            pairs
                .iter()
                .map(|c| format!("n = {}", c.count))
                .collect::<Vec<_>>(),
        );
    }
    let term_w = max_width(term_labels.iter().flatten().map(String::as_str), Font::TICK)?.max(40);
    let count_w = max_width(counts.iter().flatten().map(String::as_str), Font::NOTE)?;
    let min_count = *report.config.analysis.min_count.get_ref();
    let none = format!("no collocate occurs ≥ {min_count} times");
    let panel_w = (term_w + 8 + BARS_W + 6 + count_w + 6)
        .max(Font::TICK.width(AXIS_TITLE)?.ceil() as i32)
        .max(term_w + 8 + Font::NOTE.width(&none)?.ceil() as i32 + 16);
    let rows_i = i32::try_from(rows)?;
    let panel_h = PANEL_TITLE_H + rows_i * ROW_H + TICKS_H + AXIS_TITLE_H;

    let anchor = ellipsize(
        display_name(&report.anchor.label, "the anchor"),
        Font::TITLE,
        360.0,
    )?;
    let title = format!("Words next to “{anchor}” by source (log-Dice)");
    let window = *report.config.cooccurrence.window.get_ref();
    let subtitle = format!(
        "Up to {SHOWN} content words within {window} content words of a mention (same sentence), \
         seen there ≥ {min_count} times; n = co-occurrences"
    );
    let grid = PanelGrid::new(
        report.sources.len(),
        (panel_w, panel_h),
        MARGIN + title_height(true),
    )?;
    let width = grid.width().max(title_width(&title, Some(&subtitle))?);
    let panel_titles = source_labels(report, Font::LABEL_BOLD, f64::from(panel_w))?;

    let svg = svg_chart(
        (u32::try_from(width)?, u32::try_from(grid.height())?),
        |area| {
            draw_title(area, &title, Some(&subtitle))?;
            for (i, source) in report.sources.iter().enumerate() {
                let (x, y) = grid.origin(i)?;
                draw_text(
                    area,
                    &panel_titles[i],
                    (x, y),
                    Font::LABEL_BOLD,
                    HPos::Left,
                    VPos::Top,
                )?;
                let bars_x0 = x + term_w + 8;
                let bars_x1 = bars_x0 + BARS_W;
                let rows_y0 = y + PANEL_TITLE_H;
                let rows_y1 = rows_y0 + rows_i * ROW_H;
                draw_value_axis_x(area, &axis, bars_x0, bars_x1, rows_y0, rows_y1)?;
                draw_text(
                    area,
                    AXIS_TITLE,
                    ((bars_x0 + bars_x1) / 2, rows_y1 + TICKS_H),
                    Font::TICK,
                    HPos::Center,
                    VPos::Top,
                )?;
                if per_source[i].is_empty() {
                    let note = if source.anchor.mentions == 0 {
                        "no mentions of the anchor"
                    } else {
                        none.as_str()
                    };
                    draw_note(area, note, (bars_x0 + 8, rows_y0 + ROW_H / 2), Font::NOTE)?;
                }
                for (r, ((pair, label), count)) in
                    (0..).zip(per_source[i].iter().zip(&term_labels[i]).zip(&counts[i]))
                {
                    let cy = rows_y0 + r * ROW_H + ROW_H / 2;
                    draw_row_label(area, label, bars_x0, cy)?;
                    let end = axis.px(pair.log_dice, bars_x0, bars_x1);
                    fill_rect(
                        area,
                        (bars_x0, cy - BAR_H / 2),
                        (end, cy + BAR_H / 2),
                        source_color(i),
                    )?;
                    draw_text(
                        area,
                        count,
                        (end + 6, cy),
                        Font::NOTE,
                        HPos::Left,
                        VPos::Center,
                    )?;
                }
                line(area, (bars_x0, rows_y0), (bars_x0, rows_y1), AXIS, 1)?;
            }
            Ok(())
        },
    )?;
    Ok(Some(svg))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::charts::fixtures;

    #[test]
    fn prints_counts_and_says_when_nothing_passes_min_count() {
        let r = fixtures::report(5, 2, false);
        let texts = fixtures::texts(&render(&r).unwrap().unwrap());
        let first = &r.analysis.anchor_collocates[0].pairs[0];
        assert!(texts.contains(&format!("n = {}", first.count)));
        // Fixture: source 1 has mentions but no collocate; source 4 has no mentions.
        assert!(
            texts.contains(&"no collocate occurs ≥ 3 times".to_string()),
            "{texts:?}"
        );
        assert!(texts.contains(&"no mentions of the anchor".to_string()));
    }

    #[test]
    fn the_scale_is_fixed_at_fourteen() {
        let texts = fixtures::texts(&render(&fixtures::report(1, 2, false)).unwrap().unwrap());
        assert!(texts.contains(&"14".to_string()), "{texts:?}");
    }
}
