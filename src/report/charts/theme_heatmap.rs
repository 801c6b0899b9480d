//! `theme_heatmap_<group>`: one heatmap per theme group. Rows are sources,
//! columns the group's themes in config order, cell colour = theme hits per
//! 1,000 words on viridis (0 = dark purple), each cell printed with its value.
//!
//! Size (SVG px; the PNG is `scale` times this): cells are fixed at 80 × 34.
//! - width = 24 + source labels (cut at 240) + 12 + themes × 80 + 32 + 18
//!   (colour bar) + 6 + tick labels + 10 + unit label + 24, at least the title;
//! - height = 75 (title) + max(sources × 34 + theme label band, 230) + 24.

use anyhow::Result;
use plotters::style::colors::colormaps::ViridisRGB;
use plotters::style::text_anchor::{HPos, VPos};
use plotters::style::RGBColor;

use super::render::{
    axis_label_width, color_bar, draw_text, draw_text_up_centered, draw_title, fill_rect,
    svg_chart, title_height, title_width, CategoryLabels,
};
use super::style::{
    display_name, drawable, format_number, max_width, source_labels, text_color_on, Axis, Font,
    MARGIN,
};
use crate::report::{Report, ThemeInfo};

/// File name stem: the group name is appended.
pub const NAME_PREFIX: &str = "theme_heatmap_";

const CELL_W: i32 = 80;
const CELL_H: i32 = 34;
/// Longest source label before it is abbreviated.
const MAX_ROW_LABEL_W: f64 = 240.0;
/// The colour bar is at least this tall, so its ticks stay readable with few sources.
const MIN_BAR_H: i32 = 220;
const BAR_W: i32 = 18;
/// Cell colour for a theme missing from a source's scores (or not a number).
const MISSING: RGBColor = RGBColor(0xEE, 0xEE, 0xEE);

/// Theme groups in the order their first theme appears in the config.
pub fn groups(report: &Report) -> Vec<&str> {
    let mut groups: Vec<&str> = Vec::new();
    for theme in &report.themes {
        if !groups.contains(&theme.group.as_str()) {
            groups.push(&theme.group);
        }
    }
    groups
}

/// Viridis colour for `v` on `0..=max`.
fn cell_color(v: f64, max: f64) -> RGBColor {
    let t = (drawable(v) / max).clamp(0.0, 1.0);
    ViridisRGB::get_color(t)
}

/// Renders the heatmap of `group` as SVG; `None` without sources or themes in it.
pub fn render(report: &Report, group: &str) -> Result<Option<String>> {
    let themes: Vec<&ThemeInfo> = report.themes.iter().filter(|t| t.group == group).collect();
    if themes.is_empty() || report.sources.is_empty() {
        return Ok(None);
    }
    let n_rows = i32::try_from(report.sources.len())?;
    let n_cols = i32::try_from(themes.len())?;

    let data_max = report
        .sources
        .iter()
        .flat_map(|s| themes.iter().filter_map(|t| s.themes.get(&t.id)))
        .map(|score| score.per_1k)
        .fold(0.0f64, f64::max);
    // The colour scale ends on a round number so the bar's top tick is labelled.
    let axis = Axis::nice(data_max, 5);

    let title = format!("Theme emphasis by source: {group} (theme hits per 1,000 words)");
    let unit = "Theme hits per 1,000 words";
    let row_labels = source_labels(report, Font::TICK, MAX_ROW_LABEL_W)?;
    let row_label_w = max_width(row_labels.iter().map(String::as_str), Font::TICK)?;
    let theme_labels: Vec<&str> = themes
        .iter()
        .map(|t| display_name(&t.label, &t.id))
        .collect();
    let labels = CategoryLabels::layout(&theme_labels, Font::TICK, CELL_W, CELL_W)?;

    let grid_x0 = MARGIN + row_label_w + 12;
    let grid_x1 = grid_x0 + n_cols * CELL_W;
    let grid_y0 = MARGIN + title_height(false) + 8;
    let grid_y1 = grid_y0 + n_rows * CELL_H;
    let bar_x0 = grid_x1 + 32;
    let bar_y1 = grid_y0 + (n_rows * CELL_H).max(MIN_BAR_H);
    let ticks_x = bar_x0 + BAR_W + 6;
    let unit_x =
        ticks_x + axis_label_width(&axis)? + 10 + (Font::LABEL.line_height() / 2.0).round() as i32;
    let width = (unit_x + (Font::LABEL.line_height() / 2.0).ceil() as i32 + MARGIN)
        .max(title_width(&title, None)?);
    let height = (grid_y1 + labels.height).max(bar_y1 + 10) + MARGIN;

    let svg = svg_chart((u32::try_from(width)?, u32::try_from(height)?), |area| {
        draw_title(area, &title, None)?;
        for (r, (source, label)) in (0..).zip(report.sources.iter().zip(&row_labels)) {
            let y = grid_y0 + r * CELL_H;
            draw_text(
                area,
                label,
                (grid_x0 - 12, y + CELL_H / 2),
                Font::TICK,
                HPos::Right,
                VPos::Center,
            )?;
            for (c, theme) in (0..).zip(&themes) {
                let x = grid_x0 + c * CELL_W;
                // A theme missing from a source, or a broken figure, shows as a
                // grey dash rather than as a misleading 0.
                let (fill, text) = match source.themes.get(&theme.id) {
                    Some(score) if score.per_1k.is_finite() => (
                        cell_color(score.per_1k, axis.max),
                        format_number(score.per_1k, 1),
                    ),
                    _ => (MISSING, "–".to_string()),
                };
                // A 1 px white gap between cells separates equal neighbours.
                fill_rect(area, (x + 1, y + 1), (x + CELL_W - 1, y + CELL_H - 1), fill)?;
                let font = Font::NOTE.colored(text_color_on(fill));
                draw_text(
                    area,
                    &text,
                    (x + CELL_W / 2, y + CELL_H / 2),
                    font,
                    HPos::Center,
                    VPos::Center,
                )?;
            }
        }
        for c in 0..n_cols {
            labels.draw(
                area,
                c as usize,
                grid_x0 + c * CELL_W + CELL_W / 2,
                grid_y1,
                Font::TICK,
            )?;
        }
        let color = |v| cell_color(v, axis.max);
        color_bar(
            area,
            &axis,
            (bar_x0, grid_y0),
            (BAR_W, bar_y1),
            color,
            false,
        )?;
        draw_text_up_centered(area, unit, (unit_x, (grid_y0 + bar_y1) / 2), Font::LABEL)?;
        Ok(())
    })?;
    Ok(Some(svg))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::charts::fixtures;

    #[test]
    fn one_heatmap_per_group_in_config_order() {
        let r = fixtures::report(5, 9, false);
        assert_eq!(groups(&r), vec!["frames", "actors"]);
        assert!(render(&r, "nonexistent").unwrap().is_none());
    }

    /// The size formula: each extra theme adds one 80 px column, each extra
    /// source (past the colour bar's minimum height) one 34 px row.
    #[test]
    fn cells_have_a_fixed_size() {
        let size = |s, t| {
            fixtures::svg_size(
                &render(&fixtures::report(s, t, false), "frames")
                    .unwrap()
                    .unwrap(),
            )
        };
        // 9 and 12 themes give 6 and 8 frames: two more columns.
        assert_eq!(size(8, 12).0 - size(8, 9).0, 2 * CELL_W as u32);
        assert_eq!(size(12, 9).1 - size(10, 9).1, 2 * CELL_H as u32);
    }

    #[test]
    fn cells_print_their_value_with_one_decimal() {
        let r = fixtures::report(2, 2, false);
        let texts = fixtures::texts(&render(&r, "frames").unwrap().unwrap());
        let v = format!("{:.1}", r.sources[1].themes["t01"].per_1k);
        assert!(texts.contains(&v), "{v} missing from {texts:?}");
    }

    #[test]
    fn missing_and_broken_scores_show_a_dash() {
        let mut r = fixtures::report(2, 2, false);
        r.sources[0].themes.remove("t00");
        if let Some(score) = r.sources[1].themes.get_mut("t01") {
            score.per_1k = f64::NAN;
        }
        let texts = fixtures::texts(&render(&r, "frames").unwrap().unwrap());
        assert_eq!(texts.iter().filter(|t| *t == "–").count(), 2);
        assert!(!texts.iter().any(|t| t.contains("NaN")));
    }

    #[test]
    fn colour_scale_ends_are_viridis() {
        assert_eq!(cell_color(0.0, 1.0), RGBColor(68, 1, 84));
        assert_eq!(cell_color(5.0, 1.0), cell_color(1.0, 1.0));
        assert_eq!(cell_color(f64::NAN, 1.0), cell_color(0.0, 1.0));
    }
}
