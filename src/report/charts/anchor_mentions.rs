//! `anchor_mentions`: one horizontal bar per source, length = mentions of the
//! anchor per 1,000 words, with the raw count ("n = 12") at the bar's end.
//!
//! Size (SVG px; the PNG is `scale` times this):
//! - width = 24 + source labels (cut at 260) + 12 + 520 (bars) + 6 + widest
//!   "n = …" + 12 + 24, at least the title;
//! - height = 71 (title) + sources × 30 + 28 (ticks) + 30 (axis title) + 24.

use anyhow::Result;
use plotters::style::text_anchor::{HPos, VPos};

use super::render::{
    draw_text, draw_title, draw_value_axis_x, fill_rect, line, svg_chart, title_height, title_width,
};
use super::style::{max_width, source_color, source_labels, Axis, Font, AXIS, MARGIN};
use crate::report::Report;

/// File name stem of this chart.
pub const NAME: &str = "anchor_mentions";

const ROW_H: i32 = 30;
const BAR_H: i32 = 20;
const BARS_W: i32 = 520;
const MAX_LABEL_W: f64 = 260.0;

/// Renders the chart as SVG; `None` without sources or anchor terms.
pub fn render(report: &Report) -> Result<Option<String>> {
    if report.sources.is_empty() || report.anchor.terms.is_empty() {
        return Ok(None);
    }
    let n_rows = i32::try_from(report.sources.len())?;
    let data_max = report
        .sources
        .iter()
        .map(|s| s.anchor.per_1k)
        .fold(0.0f64, f64::max);
    let axis = Axis::nice(data_max, 5);

    let anchor = report.anchor.label.trim();
    let title = if anchor.is_empty() {
        "Anchor mentions by source (per 1,000 words)".to_string()
    } else {
        format!("Mentions of {anchor} by source (per 1,000 words)")
    };
    let labels = source_labels(report, Font::TICK, MAX_LABEL_W)?;
    let label_w = max_width(labels.iter().map(String::as_str), Font::TICK)?;
    let counts: Vec<String> = report
        .sources
        .iter()
        .map(|s| format!("n = {}", s.anchor.mentions))
        .collect();
    let count_w = max_width(counts.iter().map(String::as_str), Font::NOTE)?;

    let bars_x0 = MARGIN + label_w + 12;
    let bars_x1 = bars_x0 + BARS_W;
    let rows_y0 = MARGIN + title_height(false) + 4;
    let rows_y1 = rows_y0 + n_rows * ROW_H;
    let axis_title_y = rows_y1 + 28;
    let width = (bars_x1 + 6 + count_w + 12 + MARGIN).max(title_width(&title, None)?);
    let height = axis_title_y + 30 + MARGIN;

    let svg = svg_chart((u32::try_from(width)?, u32::try_from(height)?), |area| {
        draw_title(area, &title, None)?;
        draw_value_axis_x(area, &axis, bars_x0, bars_x1, rows_y0, rows_y1)?;
        for (r, ((source, label), count)) in
            (0..).zip(report.sources.iter().zip(&labels).zip(&counts))
        {
            let cy = rows_y0 + r * ROW_H + ROW_H / 2;
            draw_text(
                area,
                label,
                (bars_x0 - 12, cy),
                Font::TICK,
                HPos::Right,
                VPos::Center,
            )?;
            let end = axis.px(source.anchor.per_1k, bars_x0, bars_x1);
            fill_rect(
                area,
                (bars_x0, cy - BAR_H / 2),
                (end, cy + BAR_H / 2),
                source_color(r as usize),
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
        let axis_title = "Mentions per 1,000 words";
        draw_text(
            area,
            axis_title,
            ((bars_x0 + bars_x1) / 2, axis_title_y),
            Font::LABEL,
            HPos::Center,
            VPos::Top,
        )?;
        if data_max <= 0.0 {
            let at = ((bars_x0 + bars_x1) / 2, (rows_y0 + rows_y1) / 2);
            draw_text(
                area,
                "No mentions in any source",
                at,
                Font::SUBTITLE,
                HPos::Center,
                VPos::Center,
            )?;
        }
        Ok(())
    })?;
    Ok(Some(svg))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::charts::fixtures;

    #[test]
    fn prints_the_raw_count_per_source() {
        let r = fixtures::report(5, 2, false);
        let texts = fixtures::texts(&render(&r).unwrap().unwrap());
        for s in &r.sources {
            let n = format!("n = {}", s.anchor.mentions);
            assert!(texts.contains(&n), "{n} missing");
        }
    }

    /// The size formula: one 30 px row per source.
    #[test]
    fn height_grows_by_one_row_per_source() {
        let h = |n| fixtures::svg_size(&render(&fixtures::report(n, 2, false)).unwrap().unwrap()).1;
        assert_eq!(h(12) - h(11), ROW_H as u32);
        assert_eq!(h(5), 71 + 5 * 30 + 28 + 30 + 24);
    }

    #[test]
    fn no_chart_without_anchor_terms() {
        let mut r = fixtures::report(2, 2, false);
        r.anchor.terms.clear();
        assert!(render(&r).unwrap().is_none());
    }
}
