//! `theme_emphasis`: grouped bars, one group per theme of the "frames" group
//! (all themes when there is none), one bar per source, height = theme hits
//! per 1,000 words, with 95% whiskers where the report has intervals.
//!
//! Size (SVG px; the PNG is `scale` times this):
//! - bar = clamp(90 / sources, 10, 32); slot per theme = max(sources × bar + 24,
//!   100), widened up to min(200, 1600 / themes) so every theme label fits on
//!   two lines (else all theme labels are rotated 90° and cut at 260);
//! - width = plot_x0 (24 + y-axis title + tick labels) + themes × slot + 24, at
//!   least the title's and the legend's width (the legend wraps at 1200); slots
//!   then widen to fill, up to 320, and bars with them, up to 48; plots wider
//!   than 1400 repeat the tick labels on the right;
//! - height = 67 (title; 88 with the whisker note) + legend rows × 24 + 24 +
//!   380 (plot) + theme label band + 24.
//!
//! With more than [`GROUPED_MAX_SOURCES`] sources, bars told apart by colour
//! alone stop working (the colour-blind-safe palette has 8 colours, and 30
//! bars per theme are 5,000+ px wide), so the chart becomes small multiples:
//! one panel per theme, sources in rows named on the left, a horizontal bar
//! per source (same colours) with its whisker, one x scale for all panels.
//! Panel = 30 (theme title) + sources × 22 + 28 (ticks); panel width = source
//! labels (cut at 200) + 8 + 240 + tick overhang; three panels per grid row.

use anyhow::Result;
use plotters::style::text_anchor::{HPos, VPos};
use plotters::style::WHITE;

use super::render::{
    axis_label_width, draw_row_label, draw_text, draw_text_up_centered, draw_title,
    draw_value_axis_x, draw_value_axis_y, fill_rect, line, svg_chart, title_height, title_width,
    Area, CategoryLabels, Legend, PanelGrid,
};
use super::style::{
    abbreviate_all, display_name, max_width, source_color, source_labels, Axis, Font, AXIS, BAND,
    INK, MARGIN,
};
use crate::report::{Report, ThemeInfo};

/// File name stem of this chart.
pub const NAME: &str = "theme_emphasis";

/// Height of the plot area: tall enough to compare bars by eye.
const PLOT_H: i32 = 380;
/// Widest a theme's slot gets, for its label or to fill the figure.
const MAX_SLOT_W: i32 = 200;
/// Plot width up to which slots may widen for two-line labels.
const WRAP_BUDGET: i32 = 1600;
/// Widest a slot gets to fill a figure made wide by its title or legend.
const MAX_FILL_SLOT_W: i32 = 320;
/// Plots wider than this get tick labels on the right as well.
const WIDE: i32 = 1400;
/// Widest a bar gets: wider bars only look heavy.
const MAX_BAR_W: i32 = 48;
/// Legends wider than this wrap into rows, so they stay readable on wide charts.
const MAX_LEGEND_W: i32 = 1200;
/// Up to this many sources, grouped bars (told apart by colour); beyond, one
/// panel per theme with the sources named in rows. 8 = the Okabe–Ito colours.
pub const GROUPED_MAX_SOURCES: usize = 8;
/// Panel layout for many sources.
const PANEL_ROW_H: i32 = 22;
const PANEL_BAR_H: i32 = 14;
const PANEL_BARS_W: i32 = 240;
const PANEL_TITLE_H: i32 = 30;
const PANEL_AXIS_H: i32 = 28;
const PANEL_LABEL_W: f64 = 200.0;

/// The themes this chart shows: the "frames" group, or every theme when the
/// report has no such group. Returns whether the frames group was used.
fn shown_themes(report: &Report) -> (Vec<&ThemeInfo>, bool) {
    let frames: Vec<&ThemeInfo> = report
        .themes
        .iter()
        .filter(|t| t.group == "frames")
        .collect();
    if frames.is_empty() {
        (report.themes.iter().collect(), false)
    } else {
        (frames, true)
    }
}

/// Renders the chart as SVG; `None` when the report has no sources or themes.
pub fn render(report: &Report) -> Result<Option<String>> {
    let (themes, frames) = shown_themes(report);
    if themes.is_empty() || report.sources.is_empty() {
        return Ok(None);
    }
    let n_sources = i32::try_from(report.sources.len())?;
    let n_themes = i32::try_from(themes.len())?;

    let mut data_max = 0.0f64;
    let mut has_ci = false;
    for source in &report.sources {
        for theme in &themes {
            if let Some(score) = source.themes.get(&theme.id) {
                data_max = data_max.max(score.per_1k);
                if let (Some(_), Some(high)) = (score.ci_low, score.ci_high) {
                    data_max = data_max.max(high);
                    has_ci = true;
                }
            }
        }
    }
    let axis = Axis::nice(data_max, 5);

    let title = if frames {
        "Frame emphasis by source (theme hits per 1,000 words)"
    } else {
        "Theme emphasis by source (theme hits per 1,000 words)"
    };
    if report.sources.len() > GROUPED_MAX_SOURCES {
        return panels(report, &themes, title, has_ci, &axis).map(Some);
    }
    let subtitle = has_ci.then_some("Whiskers: 95% interval");
    let y_title = "Theme hits per 1,000 words";

    let plot_x0 =
        MARGIN + Font::LABEL.line_height().ceil() as i32 + 12 + axis_label_width(&axis)? + 8;
    let entries: Vec<_> = source_labels(report, Font::LABEL, Legend::MAX_LABEL_W)?
        .into_iter()
        .enumerate()
        .map(|(i, label)| (label, source_color(i)))
        .collect();

    // Slots first fit the bars and the theme labels; when the title or legend
    // make the figure wider, slots (and, for few sources, bars) widen to fill it
    // rather than leave a blank right half.
    let min_bar_w = (90 / n_sources).clamp(10, 32);
    let theme_labels: Vec<&str> = themes
        .iter()
        .map(|t| display_name(&t.label, &t.id))
        .collect();
    // Widening slots so labels fit on two lines is worth it while the plot
    // stays moderate; past that, rotated labels cost less width.
    let bars_slot = (n_sources * min_bar_w + 24).max(100);
    let label_slot = (WRAP_BUDGET / n_themes).min(MAX_SLOT_W).max(bars_slot);
    let natural = CategoryLabels::layout(&theme_labels, Font::TICK, bars_slot, label_slot)?;
    let legend = Legend::layout(
        entries,
        (n_themes * natural.slot_w).clamp(560, MAX_LEGEND_W),
    )?;
    let min_w = (plot_x0 + (n_themes * natural.slot_w).max(legend.width) + MARGIN)
        .max(title_width(title, subtitle)?);
    let slot_w = ((min_w - plot_x0 - MARGIN) / n_themes)
        .clamp(natural.slot_w, natural.slot_w.max(MAX_FILL_SLOT_W));
    let labels = CategoryLabels::layout(&theme_labels, Font::TICK, slot_w, slot_w)?;
    let bar_w = ((slot_w - 24) / n_sources).clamp(min_bar_w, MAX_BAR_W.max(min_bar_w));
    let bars_w = n_sources * bar_w;
    let plot_w = n_themes * slot_w;
    // On very wide charts the values are far from the left axis: repeat it on the right.
    let right_axis = plot_w > WIDE;
    let right_w = if right_axis {
        axis_label_width(&axis)? + 8
    } else {
        0
    };
    let width = min_w.max(plot_x0 + plot_w + right_w + MARGIN);

    let legend_y = MARGIN + title_height(subtitle.is_some());
    // Room for half a tick label above the plot keeps the top label clear of the legend.
    let plot_y0 = legend_y + legend.height() + 24;
    let plot_y1 = plot_y0 + PLOT_H;
    let height = plot_y1 + labels.height + MARGIN;

    let svg = svg_chart((u32::try_from(width)?, u32::try_from(height)?), |area| {
        draw_title(area, title, subtitle)?;
        legend.draw(area, plot_x0, legend_y)?;

        if n_sources > 1 {
            for g in (1..n_themes).step_by(2) {
                let x = plot_x0 + g * slot_w;
                fill_rect(area, (x, plot_y0), (x + slot_w, plot_y1), BAND)?;
            }
        }
        draw_value_axis_y(area, &axis, plot_x0, plot_x0 + plot_w, plot_y1, plot_y0)?;
        if right_axis {
            for v in axis.ticks() {
                let y = axis.px(v, plot_y1, plot_y0);
                draw_text(
                    area,
                    &axis.label(v),
                    (plot_x0 + plot_w + 8, y),
                    Font::TICK,
                    HPos::Left,
                    VPos::Center,
                )?;
            }
        }
        let y_title_x = MARGIN + (Font::LABEL.line_height() / 2.0).round() as i32;
        draw_text_up_centered(
            area,
            y_title,
            (y_title_x, (plot_y0 + plot_y1) / 2),
            Font::LABEL,
        )?;

        let gap = if bar_w >= 14 { 2 } else { 1 };
        for (g, theme) in (0..).zip(&themes) {
            let group_x = plot_x0 + g * slot_w + (slot_w - bars_w + gap) / 2;
            for (i, source) in (0..).zip(&report.sources) {
                let Some(score) = source.themes.get(&theme.id) else {
                    continue;
                };
                let x = group_x + i * bar_w;
                let top = axis.px(score.per_1k, plot_y1, plot_y0);
                fill_rect(
                    area,
                    (x, top),
                    (x + bar_w - gap, plot_y1),
                    source_color(i as usize),
                )?;
                if let (Some(low), Some(high)) = (score.ci_low, score.ci_high) {
                    let cx = x + (bar_w - gap) / 2;
                    let lo = axis.px(low, plot_y1, plot_y0);
                    let hi = axis.px(high, plot_y1, plot_y0);
                    let cap = ((bar_w - gap) / 2 - 2).clamp(2, 6);
                    whisker(area, cx, lo, hi, cap)?;
                }
            }
            let cx = plot_x0 + g * slot_w + slot_w / 2;
            labels.draw(area, g as usize, cx, plot_y1, Font::TICK)?;
        }
        line(
            area,
            (plot_x0, plot_y1),
            (plot_x0 + plot_w, plot_y1),
            AXIS,
            1,
        )?;
        if data_max <= 0.0 {
            let at = (plot_x0 + plot_w / 2, (plot_y0 + plot_y1) / 2);
            draw_text(
                area,
                "No theme hits in any source",
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

/// Small multiples for many sources: one panel per theme, one row per source.
fn panels(
    report: &Report,
    themes: &[&ThemeInfo],
    title: &str,
    has_ci: bool,
    axis: &Axis,
) -> Result<String> {
    let subtitle = if has_ci {
        "One panel per theme, one row per source, same scale; whiskers: 95% interval"
    } else {
        "One panel per theme, one row per source, same scale"
    };
    let labels = source_labels(report, Font::TICK, PANEL_LABEL_W)?;
    let label_w = max_width(labels.iter().map(String::as_str), Font::TICK)?;
    let theme_names: Vec<&str> = themes
        .iter()
        .map(|t| display_name(&t.label, &t.id))
        .collect();
    // The last tick label is centred on the bars' right end: room for its half.
    let overhang = axis_label_width(axis)? / 2 + 4;
    let panel_w = label_w + 8 + PANEL_BARS_W + overhang;
    let rows = i32::try_from(report.sources.len())?;
    let panel_h = PANEL_TITLE_H + rows * PANEL_ROW_H + PANEL_AXIS_H;
    let grid = PanelGrid::new(
        themes.len(),
        (panel_w, panel_h),
        MARGIN + title_height(true),
    )?;
    let width = grid.width().max(title_width(title, Some(subtitle))?);
    let panel_titles = abbreviate_all(&theme_names, Font::LABEL_BOLD, f64::from(panel_w))?;
    let svg = svg_chart(
        (u32::try_from(width)?, u32::try_from(grid.height())?),
        |area| {
            draw_title(area, title, Some(subtitle))?;
            for (k, (theme, name)) in themes.iter().zip(&panel_titles).enumerate() {
                let (x, y) = grid.origin(k)?;
                draw_text(area, name, (x, y), Font::LABEL_BOLD, HPos::Left, VPos::Top)?;
                let bars_x0 = x + label_w + 8;
                let bars_x1 = bars_x0 + PANEL_BARS_W;
                let rows_y0 = y + PANEL_TITLE_H;
                let rows_y1 = rows_y0 + rows * PANEL_ROW_H;
                draw_value_axis_x(area, axis, bars_x0, bars_x1, rows_y0, rows_y1)?;
                for (r, (source, label)) in (0..).zip(report.sources.iter().zip(&labels)) {
                    let cy = rows_y0 + r * PANEL_ROW_H + PANEL_ROW_H / 2;
                    draw_row_label(area, label, bars_x0, cy)?;
                    let Some(score) = source.themes.get(&theme.id) else {
                        continue;
                    };
                    let end = axis.px(score.per_1k, bars_x0, bars_x1);
                    fill_rect(
                        area,
                        (bars_x0, cy - PANEL_BAR_H / 2),
                        (end, cy + PANEL_BAR_H / 2),
                        source_color(r as usize),
                    )?;
                    if let (Some(low), Some(high)) = (score.ci_low, score.ci_high) {
                        let lo = axis.px(low, bars_x0, bars_x1);
                        let hi = axis.px(high, bars_x0, bars_x1);
                        for (color, w) in [(WHITE, 3), (INK, 1)] {
                            line(area, (lo, cy), (hi, cy), color, w)?;
                            line(area, (lo, cy - 4), (lo, cy + 4), color, w)?;
                            line(area, (hi, cy - 4), (hi, cy + 4), color, w)?;
                        }
                    }
                }
                line(area, (bars_x0, rows_y0), (bars_x0, rows_y1), AXIS, 1)?;
            }
            Ok(())
        },
    )?;
    Ok(svg)
}

/// An interval whisker with end caps, drawn over a white halo so it stays
/// visible on dark bars as well as on the white background.
fn whisker(area: &Area, cx: i32, lo: i32, hi: i32, cap: i32) -> Result<()> {
    for (color, w) in [(WHITE, 3), (INK, 1)] {
        line(area, (cx, lo), (cx, hi), color, w)?;
        line(area, (cx - cap, lo), (cx + cap, lo), color, w)?;
        line(area, (cx - cap, hi), (cx + cap, hi), color, w)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::charts::fixtures;

    #[test]
    fn uses_the_frames_group_or_all_themes() {
        let r = fixtures::report(5, 9, false);
        assert_eq!(shown_themes(&r).0.len(), 6, "fixture: 6 frames + 3 actors");
        let mut r = fixtures::report(1, 2, false);
        for t in &mut r.themes {
            t.group = "other".into();
        }
        assert_eq!(shown_themes(&r).0.len(), 2);
    }

    #[test]
    fn width_grows_with_themes_and_sources() {
        let w = |s, t| {
            let svg = render(&fixtures::report(s, t, false)).unwrap().unwrap();
            fixtures::svg_size(&svg).0
        };
        assert!(w(5, 18) > w(5, 9));
        assert!(w(30, 9) > w(5, 9));
    }

    #[test]
    fn whiskers_and_subtitle_only_with_intervals() {
        let with = fixtures::texts(&render(&fixtures::report(5, 9, true)).unwrap().unwrap());
        let without = fixtures::texts(&render(&fixtures::report(5, 9, false)).unwrap().unwrap());
        assert!(with.iter().any(|t| t.contains("95% interval")));
        assert!(!without.iter().any(|t| t.contains("95% interval")));
    }

    /// Past 8 sources, colour alone cannot name a bar: one panel per theme
    /// with every source named in its row.
    #[test]
    fn many_sources_get_one_panel_per_theme_with_named_rows() {
        let grouped = fixtures::texts(&render(&fixtures::report(8, 9, true)).unwrap().unwrap());
        assert!(!grouped.iter().any(|t| t.starts_with("One panel per theme")));
        let r = fixtures::report(30, 9, true);
        let svg = render(&r).unwrap().unwrap();
        let texts = fixtures::texts(&svg);
        assert!(texts.iter().any(|t| t.starts_with("One panel per theme")));
        let (themes, _) = shown_themes(&r);
        let labels = source_labels(&r, Font::TICK, PANEL_LABEL_W).unwrap();
        for label in &labels {
            let rows = texts.iter().filter(|t| *t == label).count();
            assert_eq!(
                rows,
                themes.len(),
                "{label} should name a row in every panel"
            );
        }
        // Three panels per grid row keep the width moderate.
        assert!(
            fixtures::svg_size(&svg).0 < 2000,
            "{:?}",
            fixtures::svg_size(&svg)
        );
        fixtures::assert_text_is_clear(NAME, &svg);
    }

    #[test]
    fn nothing_to_draw_without_themes() {
        let mut r = fixtures::report(3, 2, false);
        r.themes.clear();
        assert!(render(&r).unwrap().is_none());
    }
}
