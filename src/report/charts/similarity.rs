//! `similarity` and `similarity_framing`: sources × sources heatmaps of
//! `analysis.similarity`. `similarity` shows the cosine of the TF-IDF term
//! vectors (shared vocabulary; diagonal 1), `similarity_framing` the
//! Jensen–Shannon divergence of the frame-theme hits (diagonal 0) on a
//! reversed scale, so that in both charts brighter means more alike. Every
//! cell is printed with its value; a pair missing from the report is a grey dash.
//!
//! Size (SVG px; the PNG is `scale` times this): cells 56 × 34 (48 × 34 from
//! 13 sources on); with up to 8 sources widened up to 130 so column labels fit
//! on two lines (else they are rotated and cut at 260) or the grid fills the
//! title's width.
//! - width = 24 + row labels (cut at 240) + 12 + sources × cell + 32 + 18
//!   (colour bar) + 6 + tick labels + 10 + unit label + 24, at least the title;
//! - height = 88 (title) + max(sources × 34 + column label band, 230) + 24.
//!   A single source gets a note instead of a 1 × 1 matrix.

use anyhow::Result;
use plotters::style::colors::colormaps::ViridisRGB;
use plotters::style::text_anchor::{HPos, VPos};
use plotters::style::RGBColor;

use super::render::{
    axis_label_width, color_bar, draw_text, draw_text_up_centered, draw_title, fill_rect,
    note_chart, svg_chart, title_height, title_width, CategoryLabels,
};
use super::style::{
    drawable, format_number, max_width, source_labels, text_color_on, Axis, Font, MARGIN,
};
use crate::report::{Report, Similarity};

/// File name stem of the vocabulary chart.
pub const NAME: &str = "similarity";
/// File name stem of the framing chart.
pub const NAME_FRAMING: &str = "similarity_framing";

const CELL_W: i32 = 56;
/// Cell width from 13 sources on, to keep a large matrix on a screen.
const NARROW_CELL_W: i32 = 48;
/// Widest a cell gets so that column labels fit on two lines.
const MAX_CELL_W: i32 = 130;
/// Up to this many sources, cells may widen for their labels.
const WIDEN_UP_TO: usize = 8;
const CELL_H: i32 = 34;
const MAX_ROW_LABEL_W: f64 = 240.0;
const MIN_BAR_H: i32 = 220;
const BAR_W: i32 = 18;
/// Cell colour for a pair the report lacks (or whose figure is not a number).
const MISSING: RGBColor = RGBColor(0xEE, 0xEE, 0xEE);

/// Which figure of a pair the chart shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Measure {
    /// Cosine of TF-IDF vectors: 1 = same vocabulary.
    Vocabulary,
    /// Jensen–Shannon divergence of frame profiles: 0 = same framing.
    Framing,
}

impl Measure {
    fn of(self, pair: &Similarity) -> Option<f64> {
        match self {
            Measure::Vocabulary => Some(pair.cosine_tfidf),
            Measure::Framing => pair.jsd_frames,
        }
    }

    /// A source compared with itself.
    fn diagonal(self) -> f64 {
        match self {
            Measure::Vocabulary => 1.0,
            Measure::Framing => 0.0,
        }
    }

    /// Viridis, bright for alike: high cosine, low divergence.
    fn color(self, v: f64) -> RGBColor {
        let v = drawable(v).min(1.0);
        ViridisRGB::get_color(match self {
            Measure::Vocabulary => v,
            Measure::Framing => 1.0 - v,
        })
    }
}

/// The symmetric matrix in source order; `None` where the report has no
/// finite figure. A source without frame hits has no frame profile, not
/// even one the same as itself: its framing diagonal is `None` too.
fn matrix(report: &Report, measure: Measure) -> Vec<Vec<Option<f64>>> {
    let ids: Vec<&str> = report.sources.iter().map(|s| s.id.as_str()).collect();
    let mut m = vec![vec![None; ids.len()]; ids.len()];
    let mut profiled = vec![false; ids.len()];
    for pair in &report.analysis.similarity {
        let a = ids.iter().position(|id| *id == pair.source_a);
        let b = ids.iter().position(|id| *id == pair.source_b);
        if let (Some(a), Some(b), Some(v)) = (a, b, measure.of(pair)) {
            if a != b && v.is_finite() {
                m[a][b] = Some(v);
                m[b][a] = Some(v);
            }
        }
        if let (Some(a), Some(b), Some(_)) = (a, b, pair.jsd_frames) {
            profiled[a] = true;
            profiled[b] = true;
        }
    }
    for (i, row) in m.iter_mut().enumerate() {
        if measure == Measure::Vocabulary || profiled[i] {
            row[i] = Some(measure.diagonal());
        }
    }
    m
}

/// Renders one of the two heatmaps; `None` without sources.
pub fn render(report: &Report, measure: Measure) -> Result<Option<String>> {
    if report.sources.is_empty() {
        return Ok(None);
    }
    let (title, subtitle, unit) = match measure {
        Measure::Vocabulary => (
            "Vocabulary similarity between sources",
            "Cosine of TF-IDF term vectors: 1 = same words in the same proportions, 0 = no word in common",
            "Cosine similarity",
        ),
        Measure::Framing => (
            "Framing distance between sources",
            "Jensen–Shannon divergence of the frame-theme hits: 0 = same frame profile, 1 = disjoint",
            "Jensen–Shannon divergence",
        ),
    };
    if report.sources.len() == 1 {
        return note_chart(title, "Only one source: there is nothing to compare.").map(Some);
    }
    let n = i32::try_from(report.sources.len())?;
    let m = matrix(report, measure);
    // A grey cell is a pair without a figure: say why, not leave it to guess.
    let subtitle = if m.iter().flatten().any(Option::is_none) {
        let why = match measure {
            Measure::Vocabulary => "– = no figure for the pair",
            Measure::Framing => "– = a source of the pair has no frame-theme hit",
        };
        format!("{subtitle}; {why}")
    } else {
        subtitle.to_string()
    };
    let subtitle = subtitle.as_str();
    let axis = Axis {
        max: 1.0,
        step: 0.2,
        decimals: 1,
    };

    let labels = source_labels(report, Font::TICK, MAX_ROW_LABEL_W)?;
    let row_label_w = max_width(labels.iter().map(String::as_str), Font::TICK)?;
    let label_refs: Vec<&str> = labels.iter().map(String::as_str).collect();
    let grid_x0 = MARGIN + row_label_w + 12;
    let half_line = (Font::LABEL.line_height() / 2.0).ceil() as i32;
    // Colour bar, its ticks and its unit label, right of the grid.
    let right_w = 32 + BAR_W + 6 + axis_label_width(&axis)? + 10 + 2 * half_line + MARGIN;
    let title_w = title_width(title, Some(subtitle))?;
    let (min_cell, widen) = if report.sources.len() <= WIDEN_UP_TO {
        // Few sources: cells widen for their labels, and to fill a figure the title made wide.
        let fill = (title_w - grid_x0 - right_w) / n;
        (CELL_W.max(fill.min(MAX_CELL_W)), MAX_CELL_W)
    } else if report.sources.len() <= 12 {
        (CELL_W, CELL_W)
    } else {
        (NARROW_CELL_W, NARROW_CELL_W)
    };
    let columns = CategoryLabels::layout(&label_refs, Font::TICK, min_cell, widen)?;
    let cell_w = columns.slot_w;

    let grid_x1 = grid_x0 + n * cell_w;
    let grid_y0 = MARGIN + title_height(true) + 8;
    let grid_y1 = grid_y0 + n * CELL_H;
    let bar_x0 = grid_x1 + 32;
    let bar_y1 = grid_y0 + (n * CELL_H).max(MIN_BAR_H);
    let ticks_x = bar_x0 + BAR_W + 6;
    let unit_x = ticks_x + axis_label_width(&axis)? + 10 + half_line;
    let width = (grid_x1 + right_w).max(title_w);
    let height = (grid_y1 + columns.height).max(bar_y1 + 10) + MARGIN;

    let svg = svg_chart((u32::try_from(width)?, u32::try_from(height)?), |area| {
        draw_title(area, title, Some(subtitle))?;
        for (r, (row, label)) in (0..).zip(m.iter().zip(&labels)) {
            let y = grid_y0 + r * CELL_H;
            draw_text(
                area,
                label,
                (grid_x0 - 12, y + CELL_H / 2),
                Font::TICK,
                HPos::Right,
                VPos::Center,
            )?;
            for (c, v) in (0..).zip(row) {
                let x = grid_x0 + c * cell_w;
                let (fill, text) = match v {
                    Some(v) => (measure.color(*v), format_number(*v, 2)),
                    None => (MISSING, "–".to_string()),
                };
                fill_rect(area, (x + 1, y + 1), (x + cell_w - 1, y + CELL_H - 1), fill)?;
                draw_text(
                    area,
                    &text,
                    (x + cell_w / 2, y + CELL_H / 2),
                    Font::NOTE.colored(text_color_on(fill)),
                    HPos::Center,
                    VPos::Center,
                )?;
            }
        }
        for c in 0..n {
            let cx = grid_x0 + c * cell_w + cell_w / 2;
            columns.draw(area, c as usize, cx, grid_y1, Font::TICK)?;
        }
        let color = |v| measure.color(v);
        let reversed = measure == Measure::Framing;
        color_bar(
            area,
            &axis,
            (bar_x0, grid_y0),
            (BAR_W, bar_y1),
            color,
            reversed,
        )?;
        draw_text_up_centered(area, unit, (unit_x, (grid_y0 + bar_y1) / 2), Font::LABEL)
    })?;
    Ok(Some(svg))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::charts::fixtures;

    #[test]
    fn the_matrix_is_symmetric_with_a_fixed_diagonal() {
        let r = fixtures::report(4, 2, false);
        for measure in [Measure::Vocabulary, Measure::Framing] {
            let m = matrix(&r, measure);
            for (i, row) in m.iter().enumerate() {
                assert_eq!(row[i], Some(measure.diagonal()));
                for (j, v) in row.iter().enumerate() {
                    assert_eq!(*v, m[j][i]);
                    assert!(v.is_some());
                }
            }
        }
    }

    #[test]
    fn missing_and_broken_pairs_show_a_dash() {
        let mut r = fixtures::report(3, 2, false);
        r.analysis.similarity.remove(0);
        r.analysis.similarity[0].cosine_tfidf = f64::NAN;
        let texts = fixtures::texts(&render(&r, Measure::Vocabulary).unwrap().unwrap());
        assert_eq!(texts.iter().filter(|t| *t == "–").count(), 4);
        assert_eq!(texts.iter().filter(|t| *t == "1.00").count(), 3);
    }

    #[test]
    fn a_pair_without_frame_hits_is_a_dash_and_the_subtitle_says_why() {
        let mut r = fixtures::report(3, 2, false);
        let texts = fixtures::texts(&render(&r, Measure::Framing).unwrap().unwrap());
        assert!(!texts
            .iter()
            .any(|t| t == "–" || t.contains("no frame-theme hit")));
        // Source 0 without frame hits: its pairs with 1 and with 2.
        for pair in &mut r.analysis.similarity {
            if pair.source_a == r.sources[0].id || pair.source_b == r.sources[0].id {
                pair.jsd_frames = None;
            }
        }
        let texts = fixtures::texts(&render(&r, Measure::Framing).unwrap().unwrap());
        // Two pairs, each shown twice in the symmetric matrix, and source
        // 0's diagonal: it has no profile to be the same as.
        assert_eq!(texts.iter().filter(|t| *t == "–").count(), 5);
        assert_eq!(texts.iter().filter(|t| *t == "0.00").count(), 2);
        assert!(texts
            .iter()
            .any(|t| t.ends_with("– = a source of the pair has no frame-theme hit")));
        // The vocabulary chart of the same report has every figure.
        let texts = fixtures::texts(&render(&r, Measure::Vocabulary).unwrap().unwrap());
        assert!(!texts.iter().any(|t| t == "–"));
    }

    #[test]
    fn brighter_means_more_alike_in_both() {
        let same = Measure::Vocabulary.color(1.0);
        assert_eq!(Measure::Framing.color(0.0), same);
        assert_eq!(
            Measure::Vocabulary.color(f64::NAN),
            Measure::Vocabulary.color(0.0)
        );
        let texts = fixtures::texts(
            &render(&fixtures::report(2, 2, false), Measure::Framing)
                .unwrap()
                .unwrap(),
        );
        assert!(texts
            .iter()
            .any(|t| t.ends_with("0 = same frame profile, 1 = disjoint")));
    }

    #[test]
    fn one_source_gets_a_note() {
        let texts = fixtures::texts(
            &render(&fixtures::report(1, 2, false), Measure::Vocabulary)
                .unwrap()
                .unwrap(),
        );
        assert!(texts.iter().any(|t| t.contains("nothing to compare")));
    }
}
