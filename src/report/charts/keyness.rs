//! `keyness`: small multiples, one panel per source, of the terms the source
//! over-uses (bars to the right) and under-uses (to the left) against the rest
//! of the corpus: Hardie's log ratio from `analysis.keyness`. Up to 10 terms
//! each way (the strongest by G², as listed), sorted by log ratio; one x scale
//! for every panel. Rows resting on small counts are drawn lighter.
//!
//! Size (SVG px; the PNG is `scale` times this): panels in a grid of
//! min(sources, 3) columns.
//! - panel width = 2 × max(term labels (cut at 140) + 10, 150 (bars) + 4 +
//!   value room), at least the axis title; panel height = 26 (panel title) +
//!   22 (direction hints) + rows × 24 + 26 (ticks) + 22 (axis title), rows = the
//!   longest list shown (1..=20);
//! - width = 24 + columns × panel + (columns − 1) × 40 + 24, at least the title;
//! - height = title (88) + grid rows × panel + (grid rows − 1) × 28 + 24.

use std::cmp::Ordering;

use anyhow::Result;
use plotters::style::text_anchor::{HPos, VPos};
use plotters::style::RGBColor;

use super::render::{
    draw_note, draw_text, draw_title, fill_rect, line, svg_chart, title_height, title_width, Area,
    PanelGrid,
};
use super::style::{
    ellipsize, finite, max_width, mix, source_color, source_labels, Axis, Font, AXIS, GRID, MARGIN,
    MUTED,
};
use crate::report::{KeyRow, Report, SourceKeyness};

/// File name stem of this chart.
pub const NAME: &str = "keyness";

/// Terms shown each way per source.
const EACH_WAY: usize = 10;
const ROW_H: i32 = 24;
const BAR_H: i32 = 16;
/// Length of a bar at the axis maximum, each side of zero.
const BARS_HALF: i32 = 150;
const MAX_TERM_W: f64 = 140.0;
const PANEL_TITLE_H: i32 = 26;
const HINT_H: i32 = 22;
const TICKS_H: i32 = 26;
const AXIS_TITLE_H: i32 = 22;
/// How far a small-count bar is faded towards white.
const FADE: f64 = 0.6;

const AXIS_TITLE: &str = "log2 ratio vs rest of corpus (1 = twice as frequent)";

/// The rows shown for one source: the first `EACH_WAY` of each direction,
/// sorted by log ratio (over-used at the top, the most under-used at the bottom).
fn shown(keyness: Option<&SourceKeyness>) -> Vec<&KeyRow> {
    let Some(k) = keyness else {
        return Vec::new();
    };
    let pick = |dir: &'static str| {
        k.terms
            .iter()
            .filter(move |t| t.direction == dir)
            .take(EACH_WAY)
    };
    let mut rows: Vec<&KeyRow> = pick("over").chain(pick("under")).collect();
    rows.sort_by(|a, b| {
        finite(b.log_ratio)
            .partial_cmp(&finite(a.log_ratio))
            .unwrap_or(Ordering::Equal)
            .then_with(|| a.label.cmp(&b.label))
    });
    rows
}

/// A signed value with one decimal and a real minus sign: "+5.9", "−4.1".
fn signed(v: f64) -> String {
    let v = finite(v);
    if v < 0.0 {
        format!("−{:.1}", -v)
    } else {
        format!("+{v:.1}")
    }
}

/// Renders the chart as SVG; `None` without sources.
pub fn render(report: &Report) -> Result<Option<String>> {
    if report.sources.is_empty() {
        return Ok(None);
    }
    let per_source: Vec<Vec<&KeyRow>> = report
        .sources
        .iter()
        .map(|s| shown(report.analysis.keyness.iter().find(|k| k.source == s.id)))
        .collect();
    let rows = per_source.iter().map(Vec::len).max().unwrap_or(0).max(1);
    let max_abs = per_source
        .iter()
        .flatten()
        .map(|r| finite(r.log_ratio).abs())
        .fold(0.0f64, f64::max);
    // At least ±1 (twice / half as frequent), so an empty chart still has a readable scale.
    let axis = Axis::nice(max_abs.max(1.0), 3);
    let small = per_source.iter().flatten().any(|r| r.small_counts);

    let mut term_labels = Vec::with_capacity(per_source.len());
    for rows in &per_source {
        let labels: Result<Vec<String>> = rows
            .iter()
            .map(|r| ellipsize(&r.label, Font::TICK, MAX_TERM_W))
            .collect();
        term_labels.push(labels?);
    }
    let term_w = max_width(term_labels.iter().flatten().map(String::as_str), Font::TICK)?;
    let value_w = max_width(
        [signed(axis.max).as_str(), signed(-axis.max).as_str()],
        Font::NOTE,
    )?;
    let half_w = (term_w + 10).max(BARS_HALF + 4 + value_w + 2);
    let hints_w = 2 * (max_width(["← under-used", "over-used →"], Font::NOTE)? + 8);
    let panel_w = (2 * half_w)
        .max(Font::TICK.width(AXIS_TITLE)?.ceil() as i32)
        .max(hints_w);
    let rows_i = i32::try_from(rows)?;
    let panel_h = PANEL_TITLE_H + HINT_H + rows_i * ROW_H + TICKS_H + AXIS_TITLE_H;

    let title = "Key terms by source: over- and under-used against the rest of the corpus";
    let subtitle = if small {
        format!(
            "Up to {EACH_WAY} terms each way, the strongest by G²; lighter bars: small counts \
             (an expected count under 5), read with care"
        )
    } else {
        format!("Up to {EACH_WAY} terms each way, the strongest by G²")
    };
    let grid = PanelGrid::new(
        report.sources.len(),
        (panel_w, panel_h),
        MARGIN + title_height(true),
    )?;
    let width = grid.width().max(title_width(title, Some(&subtitle))?);
    let panel_titles = source_labels(report, Font::LABEL_BOLD, f64::from(panel_w))?;

    let svg = svg_chart(
        (u32::try_from(width)?, u32::try_from(grid.height())?),
        |area| {
            draw_title(area, title, Some(&subtitle))?;
            for (i, source) in report.sources.iter().enumerate() {
                let (x, y) = grid.origin(i)?;
                let panel = Panel {
                    x,
                    y,
                    w: panel_w,
                    rows: rows_i,
                    axis,
                };
                draw_text(
                    area,
                    &panel_titles[i],
                    (x, y),
                    Font::LABEL_BOLD,
                    HPos::Left,
                    VPos::Top,
                )?;
                let empty = if source.tokens == 0 {
                    "no words"
                } else if report.sources.len() == 1 {
                    "one source: no rest of the corpus to compare with"
                } else {
                    "no key terms"
                };
                panel.draw(
                    area,
                    &per_source[i],
                    &term_labels[i],
                    source_color(i),
                    empty,
                )?;
            }
            Ok(())
        },
    )?;
    Ok(Some(svg))
}

/// Where one source's panel sits, and the shared scale.
struct Panel {
    x: i32,
    y: i32,
    w: i32,
    rows: i32,
    axis: Axis,
}

impl Panel {
    fn draw(
        &self,
        area: &Area,
        rows: &[&KeyRow],
        labels: &[String],
        color: RGBColor,
        empty: &str,
    ) -> Result<()> {
        let zero = self.x + self.w / 2;
        let hints_y = self.y + PANEL_TITLE_H;
        let rows_y0 = hints_y + HINT_H;
        let rows_y1 = rows_y0 + self.rows * ROW_H;
        let hint = Font::NOTE.colored(MUTED);
        draw_text(
            area,
            "← under-used",
            (zero - 8, hints_y),
            hint,
            HPos::Right,
            VPos::Top,
        )?;
        draw_text(
            area,
            "over-used →",
            (zero + 8, hints_y),
            hint,
            HPos::Left,
            VPos::Top,
        )?;
        let ticks = self.axis.ticks();
        // Label every tick, or every other one when the labels would touch.
        let widest = max_width(
            [format!("−{}", self.axis.label(self.axis.max)).as_str()],
            Font::TICK,
        )?;
        let spacing = BARS_HALF / i32::try_from(ticks.len().saturating_sub(1).max(1))?;
        let stride = usize::try_from((widest + 8 + spacing - 1) / spacing.max(1))?.max(1);
        for (k, &v) in ticks.iter().enumerate() {
            let d = self.axis.px(v, 0, BARS_HALF);
            let label = if v == 0.0 {
                "0".to_string()
            } else {
                self.axis.label(v)
            };
            for (x, text) in [(zero + d, label.clone()), (zero - d, format!("−{label}"))] {
                if v > 0.0 {
                    line(area, (x, rows_y0), (x, rows_y1), GRID, 1)?;
                }
                if k % stride == 0 {
                    draw_text(
                        area,
                        &text,
                        (x, rows_y1 + 6),
                        Font::TICK,
                        HPos::Center,
                        VPos::Top,
                    )?;
                }
                if v == 0.0 {
                    break;
                }
            }
        }
        draw_text(
            area,
            AXIS_TITLE,
            (zero, rows_y1 + TICKS_H),
            Font::TICK,
            HPos::Center,
            VPos::Top,
        )?;
        if rows.is_empty() {
            draw_note(area, empty, (zero + 8, rows_y0 + ROW_H / 2), Font::NOTE)?;
        }
        for (r, (row, label)) in (0..).zip(rows.iter().zip(labels)) {
            let cy = rows_y0 + r * ROW_H + ROW_H / 2;
            let v = finite(row.log_ratio);
            let d = self.axis.px(v.abs(), 0, BARS_HALF);
            let fill = if row.small_counts {
                mix(color, RGBColor(255, 255, 255), FADE)
            } else {
                color
            };
            let (end, label_at, label_pos, value_at, value_pos) = if v >= 0.0 {
                (zero + d, zero - 6, HPos::Right, zero + d + 4, HPos::Left)
            } else {
                (zero - d, zero + 6, HPos::Left, zero - d - 4, HPos::Right)
            };
            fill_rect(
                area,
                (zero.min(end), cy - BAR_H / 2),
                (zero.max(end), cy + BAR_H / 2),
                fill,
            )?;
            draw_text(
                area,
                label,
                (label_at, cy),
                Font::TICK,
                label_pos,
                VPos::Center,
            )?;
            draw_text(
                area,
                &signed(v),
                (value_at, cy),
                Font::NOTE,
                value_pos,
                VPos::Center,
            )?;
        }
        line(area, (zero, rows_y0), (zero, rows_y1), AXIS, 1)?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::charts::fixtures;

    #[test]
    fn shows_ten_each_way_sorted_by_log_ratio() {
        let r = fixtures::report(3, 2, false);
        let rows = shown(r.analysis.keyness.first());
        assert_eq!(rows.len(), 2 * EACH_WAY, "fixture: 12 each way");
        assert!(rows
            .windows(2)
            .all(|w| finite(w[0].log_ratio) >= finite(w[1].log_ratio)));
        assert!(rows[..EACH_WAY].iter().all(|r| r.direction == "over"));
    }

    #[test]
    fn small_counts_are_lighter_and_explained() {
        let r = fixtures::report(2, 2, false);
        let svg = render(&r).unwrap().unwrap();
        let (cr, cg, cb) =
            plotters::style::Color::rgb(&mix(source_color(0), RGBColor(255, 255, 255), FADE));
        assert!(svg.contains(&format!("fill=\"#{cr:02X}{cg:02X}{cb:02X}\"")));
        let texts = fixtures::texts(&svg);
        assert!(texts.iter().any(|t| t.contains("small counts")));
        assert!(texts.iter().any(|t| t == AXIS_TITLE));
    }

    #[test]
    fn signs_are_real_minus_signs() {
        assert_eq!(signed(-4.06), "−4.1");
        assert_eq!(signed(5.86), "+5.9");
        assert_eq!(signed(f64::NAN), "+0.0");
    }

    #[test]
    fn a_source_without_key_terms_gets_a_note() {
        let mut r = fixtures::report(2, 2, false);
        r.analysis.keyness.clear();
        let texts = fixtures::texts(&render(&r).unwrap().unwrap());
        assert_eq!(texts.iter().filter(|t| *t == "no key terms").count(), 2);
        // A lone source has nothing to be key against: the note says so.
        let mut one = fixtures::report(1, 2, false);
        one.analysis.keyness.clear();
        let svg = render(&one).unwrap().unwrap();
        let texts = fixtures::texts(&svg);
        assert!(
            texts.iter().any(|t| t.starts_with("one source: no rest")),
            "{texts:?}"
        );
        fixtures::assert_text_is_clear(NAME, &svg);
    }
}
