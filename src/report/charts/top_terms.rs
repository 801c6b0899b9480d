//! `top_terms`: small multiples, one panel per source, each with horizontal
//! bars for the source's 10 most frequent terms, as a count per 10,000
//! non-stopword tokens so sources of different length compare. All panels
//! share one x scale.
//!
//! Size (SVG px; the PNG is `scale` times this): panels sit in a grid of
//! min(sources, 3) columns.
//! - panel width = term labels (cut at 160) + 8 + 260 (bars) + value room;
//!   panel height = 30 (panel title) + rows × 24 + 28 (ticks), rows = the
//!   longest term list (1..=10);
//! - width = 24 + columns × panel + (columns − 1) × 40 + 24, at least the title;
//! - height = 67 (title) + grid rows × panel + (grid rows − 1) × 28 + 24.

use anyhow::Result;
use plotters::style::text_anchor::{HPos, VPos};

use super::render::{
    draw_note, draw_row_label, draw_text, draw_title, draw_value_axis_x, fill_rect, line,
    svg_chart, title_height, title_width, Area, PanelGrid,
};
use super::style::{
    ellipsize, format_number, max_width, source_color, source_labels, Axis, Font, AXIS, MARGIN,
};
use crate::report::{Report, SourceReport};

/// File name stem of this chart.
pub const NAME: &str = "top_terms";

/// Terms shown per source.
const TERMS: usize = 10;
const ROW_H: i32 = 24;
const BAR_H: i32 = 16;
const BARS_W: i32 = 260;
const MAX_TERM_W: f64 = 160.0;
const PANEL_TITLE_H: i32 = 30;
const AXIS_H: i32 = 28;

/// Count per 10,000 tokens; 0 for a source without tokens.
fn rate(count: u64, source: &SourceReport) -> f64 {
    if source.tokens == 0 {
        0.0
    } else {
        count as f64 / source.tokens as f64 * 10_000.0
    }
}

/// Renders the chart as SVG; `None` without sources.
pub fn render(report: &Report) -> Result<Option<String>> {
    if report.sources.is_empty() {
        return Ok(None);
    }
    let shown = |s: &'_ SourceReport| s.top_terms.len().min(TERMS);
    let rows = report.sources.iter().map(shown).max().unwrap_or(0).max(1);
    let data_max = report
        .sources
        .iter()
        .flat_map(|s| {
            s.top_terms
                .iter()
                .take(TERMS)
                .map(move |t| rate(t.count, s))
        })
        .fold(0.0f64, f64::max);
    let axis = Axis::nice(data_max, 5);

    let mut term_labels = Vec::with_capacity(report.sources.len());
    for s in &report.sources {
        let labels: Result<Vec<String>> = s
            .top_terms
            .iter()
            .take(TERMS)
            .map(|t| ellipsize(&t.form, Font::TICK, MAX_TERM_W))
            .collect();
        term_labels.push(labels?);
    }
    let term_w = max_width(term_labels.iter().flatten().map(String::as_str), Font::TICK)?.max(40);
    // Room right of the longest bar for its value, and for the last tick label's overhang.
    let value_w = max_width([format_number(axis.max, 1).as_str()], Font::NOTE)? + 8;
    let panel_w = term_w + 8 + BARS_W + value_w;
    let rows_i = i32::try_from(rows)?;
    let panel_h = PANEL_TITLE_H + rows_i * ROW_H + AXIS_H;

    let title = "Most frequent terms by source (count per 10,000 words after stopword removal)";
    let panel_titles = source_labels(report, Font::LABEL_BOLD, f64::from(panel_w))?;
    let grid = PanelGrid::new(
        report.sources.len(),
        (panel_w, panel_h),
        MARGIN + title_height(false),
    )?;
    let width = grid.width().max(title_width(title, None)?);

    let svg = svg_chart(
        (u32::try_from(width)?, u32::try_from(grid.height())?),
        |area| {
            draw_title(area, title, None)?;
            for (i, source) in report.sources.iter().enumerate() {
                let (x, y) = grid.origin(i)?;
                let panel = Panel {
                    x,
                    y,
                    term_w,
                    rows: rows_i,
                };
                panel.draw(area, source, i, &panel_titles[i], &term_labels[i], &axis)?;
            }
            Ok(())
        },
    )?;
    Ok(Some(svg))
}

/// Where one source's panel sits.
struct Panel {
    x: i32,
    y: i32,
    term_w: i32,
    rows: i32,
}

impl Panel {
    fn draw(
        &self,
        area: &Area,
        source: &SourceReport,
        index: usize,
        title: &str,
        terms: &[String],
        axis: &Axis,
    ) -> Result<()> {
        draw_text(
            area,
            title,
            (self.x, self.y),
            Font::LABEL_BOLD,
            HPos::Left,
            VPos::Top,
        )?;
        let bars_x0 = self.x + self.term_w + 8;
        let bars_x1 = bars_x0 + BARS_W;
        let rows_y0 = self.y + PANEL_TITLE_H;
        let rows_y1 = rows_y0 + self.rows * ROW_H;
        draw_value_axis_x(area, axis, bars_x0, bars_x1, rows_y0, rows_y1)?;
        if terms.is_empty() {
            let note = if source.tokens == 0 {
                "no words"
            } else {
                "no terms"
            };
            draw_note(area, note, (bars_x0 + 8, rows_y0 + ROW_H / 2), Font::NOTE)?;
        }
        for (r, (term, label)) in (0..).zip(source.top_terms.iter().zip(terms)) {
            let cy = rows_y0 + r * ROW_H + ROW_H / 2;
            draw_row_label(area, label, bars_x0, cy)?;
            let v = rate(term.count, source);
            let end = axis.px(v, bars_x0, bars_x1);
            fill_rect(
                area,
                (bars_x0, cy - BAR_H / 2),
                (end, cy + BAR_H / 2),
                source_color(index),
            )?;
            draw_text(
                area,
                &format_number(v, 1),
                (end + 4, cy),
                Font::NOTE,
                HPos::Left,
                VPos::Center,
            )?;
        }
        line(area, (bars_x0, rows_y0), (bars_x0, rows_y1), AXIS, 1)?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::charts::fixtures;

    #[test]
    fn rates_are_per_ten_thousand_tokens() {
        let r = fixtures::report(1, 2, false);
        let s = &r.sources[0];
        assert_eq!(rate(s.tokens / 100, s), 100.0);
        let empty = &fixtures::all_zero(1, 2).sources[0];
        assert_eq!(rate(5, empty), 0.0);
    }

    /// The size formula: three panels per grid row.
    #[test]
    fn panels_wrap_after_three_columns() {
        let size =
            |n| fixtures::svg_size(&render(&fixtures::report(n, 2, false)).unwrap().unwrap());
        let (w3, h3) = size(3);
        let (w4, h4) = size(4);
        assert_eq!(w3, w4);
        let panel_h = (PANEL_TITLE_H + 10 * ROW_H + AXIS_H + 28) as u32;
        assert_eq!(h4 - h3, panel_h);
        assert_eq!(h4, 67 + 2 * (30 + 10 * 24 + 28) + 28 + 24);
    }

    #[test]
    fn empty_source_gets_a_note_instead_of_bars() {
        let svg = render(&fixtures::report(5, 2, false)).unwrap().unwrap();
        assert!(fixtures::texts(&svg).iter().any(|t| t == "no words"));
    }
}
