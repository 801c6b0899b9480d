//! The layout `framing_profile` and `vector_balance` share: one horizontal
//! 100%-stacked bar per source, coloured by theme (not by source) with a theme
//! legend above, each segment's percentage printed inside it when it fits, and
//! a note right of each bar ("n = 11 mentions", "balance 0.83"). A source with
//! nothing to split gets an empty grey bar that says why, never a full bar.
//!
//! Size (SVG px; the PNG is `scale` times this):
//! - width = 24 + source labels (cut at 240) + 12 + 560 (bars) + 12 + widest
//!   note + 24, at least the title's and the legend's width (bars widen to fill);
//! - height = title (67, or 88 with a subtitle) + legend rows × 24 + 16 +
//!   sources × 34 + 30 (ticks) + 22 (axis title) + 24.

use anyhow::Result;
use plotters::style::text_anchor::{HPos, VPos};
use plotters::style::RGBColor;

use super::render::{
    draw_text, draw_title, fill_rect, line, svg_chart, title_height, title_width, Area, Legend,
};
use super::style::{
    drawable, max_width, percent, text_color_on, Font, AXIS, BAND, GRID, MARGIN, MUTED,
};

const ROW_H: i32 = 34;
const BAR_H: i32 = 22;
/// Narrowest the bars get; a wide title or legend widens them.
const MIN_BAR_W: i32 = 560;
/// Longest source label before it is abbreviated.
pub const MAX_ROW_LABEL_W: f64 = 240.0;
/// Longest theme label in the legend before it is abbreviated.
pub const MAX_LEGEND_LABEL_W: f64 = 280.0;
/// A segment's percentage is printed when the segment is this much wider than the text.
const LABEL_PAD: f64 = 8.0;

/// One source's bar.
pub struct Row {
    /// Source label, already cut to `MAX_ROW_LABEL_W`.
    pub label: String,
    /// Share of each theme (legend order), 0..1; ignored when `empty` is set.
    pub shares: Vec<f64>,
    /// Text right of the bar.
    pub note: String,
    /// Why there is no bar: drawn inside an empty grey bar.
    pub empty: Option<String>,
}

/// A whole stacked-bar chart.
pub struct Stacked {
    /// Chart title (bold).
    pub title: String,
    /// Muted line under the title.
    pub subtitle: Option<String>,
    /// Theme label and colour, in stacking order.
    pub legend: Vec<(String, RGBColor)>,
    /// One bar per source, top to bottom.
    pub rows: Vec<Row>,
    /// Under the percentage ticks.
    pub axis_title: String,
}

impl Stacked {
    /// Renders the chart as SVG.
    pub fn render(&self) -> Result<String> {
        let n_rows = i32::try_from(self.rows.len().max(1))?;
        let label_w = max_width(self.rows.iter().map(|r| r.label.as_str()), Font::TICK)?;
        let note_w = max_width(self.rows.iter().map(|r| r.note.as_str()), Font::NOTE)?;
        let bars_x0 = MARGIN + label_w + 12;
        let right_w = 12 + note_w + MARGIN;
        let legend = Legend::layout(self.legend.clone(), MIN_BAR_W + right_w - MARGIN)?;
        let subtitle = self.subtitle.as_deref();
        let width = (bars_x0 + MIN_BAR_W + right_w)
            .max(title_width(&self.title, subtitle)?)
            .max(bars_x0 + legend.width + MARGIN)
            .max(bars_x0 + Font::LABEL.width(&self.axis_title)?.ceil() as i32 + MARGIN);
        let bar_w = width - bars_x0 - right_w;
        // A title that widened the figure leaves room for more legend columns.
        let legend = Legend::layout(self.legend.clone(), width - bars_x0 - MARGIN)?;

        let legend_y = MARGIN + title_height(subtitle.is_some());
        let rows_y0 = legend_y + legend.height() + 16;
        let rows_y1 = rows_y0 + n_rows * ROW_H;
        let axis_title_y = rows_y1 + 30;
        let height = axis_title_y + 22 + MARGIN;

        svg_chart((u32::try_from(width)?, u32::try_from(height)?), |area| {
            draw_title(area, &self.title, subtitle)?;
            legend.draw(area, bars_x0, legend_y)?;
            for k in 0..=4 {
                let x = bars_x0 + bar_w * k / 4;
                if k > 0 {
                    line(area, (x, rows_y0), (x, rows_y1), GRID, 1)?;
                }
                draw_text(
                    area,
                    &format!("{}%", k * 25),
                    (x, rows_y1 + 6),
                    Font::TICK,
                    HPos::Center,
                    VPos::Top,
                )?;
            }
            for (r, row) in (0..).zip(&self.rows) {
                let cy = rows_y0 + r * ROW_H + ROW_H / 2;
                let bar = (bars_x0, bar_w, cy - BAR_H / 2, cy + BAR_H / 2);
                draw_row(area, row, bar, &self.legend)?;
                draw_text(
                    area,
                    &row.label,
                    (bars_x0 - 12, cy),
                    Font::TICK,
                    HPos::Right,
                    VPos::Center,
                )?;
                draw_text(
                    area,
                    &row.note,
                    (bars_x0 + bar_w + 12, cy),
                    Font::NOTE.colored(MUTED),
                    HPos::Left,
                    VPos::Center,
                )?;
            }
            line(area, (bars_x0, rows_y0), (bars_x0, rows_y1), AXIS, 1)?;
            draw_text(
                area,
                &self.axis_title,
                (bars_x0 + bar_w / 2, axis_title_y),
                Font::LABEL,
                HPos::Center,
                VPos::Top,
            )
        })
    }
}

/// One bar: segments left to right, parted by a 1 px white gap, each with its
/// percentage when it fits; or the empty bar with its reason.
fn draw_row(
    area: &Area,
    row: &Row,
    (x0, w, y0, y1): (i32, i32, i32, i32),
    legend: &[(String, RGBColor)],
) -> Result<()> {
    if let Some(why) = &row.empty {
        fill_rect(area, (x0, y0), (x0 + w, y1), BAND)?;
        for (a, b) in [
            ((x0, y0), (x0 + w, y0)),
            ((x0, y1), (x0 + w, y1)),
            ((x0 + w, y0), (x0 + w, y1)),
        ] {
            line(area, a, b, GRID, 1)?;
        }
        return draw_text(
            area,
            why,
            (x0 + 10, (y0 + y1) / 2),
            Font::NOTE,
            HPos::Left,
            VPos::Center,
        );
    }
    let shares: Vec<f64> = row.shares.iter().map(|&s| drawable(s)).collect();
    let last = shares.iter().rposition(|&s| s > 0.0);
    let mut cum = 0.0f64;
    for (k, (&share, (_, color))) in shares.iter().zip(legend).enumerate() {
        let start = x0 + (cum.min(1.0) * f64::from(w)).round() as i32;
        cum += share;
        let end = x0 + (cum.min(1.0) * f64::from(w)).round() as i32;
        // The gap keeps two similar colours apart; the last segment keeps its edge.
        let right = if Some(k) == last { end } else { end - 1 };
        if right <= start {
            continue;
        }
        fill_rect(area, (start, y0), (right, y1), *color)?;
        let text = percent(share);
        if Font::NOTE.width(&text)? + LABEL_PAD <= f64::from(right - start) {
            draw_text(
                area,
                &text,
                ((start + right) / 2, (y0 + y1) / 2),
                Font::NOTE.colored(text_color_on(*color)),
                HPos::Center,
                VPos::Center,
            )?;
        }
    }
    Ok(())
}
