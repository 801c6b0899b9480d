//! The look every chart shares, and the text arithmetic behind it: sizes and
//! colours, the per-source palette, the embedded font and how wide text will
//! be once resvg lays it out, label abbreviation and wrapping, round value axes.
//!
//! Sizes here are the pixel sizes that end up in the SVG; `Font::style`
//! converts them to plotters' unit (plotters-svg writes `font-size = size / 1.24`).

use anyhow::{anyhow, Result};
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};
use plotters::style::{register_font, FontDesc, FontFamily, FontTransform};
use std::sync::OnceLock;

use crate::report::Report;

/// Space around the whole figure.
pub const MARGIN: i32 = 24;
/// Chart title (bold).
pub const TITLE_PX: f64 = 23.0;
/// Axis titles, legend entries, panel titles.
pub const LABEL_PX: f64 = 16.0;
/// Tick labels and category labels. (15 px cannot be written exactly, see
/// `plotters_size`; 14.5 can.)
pub const TICK_PX: f64 = 14.5;
/// Values printed next to bars or inside cells: the smallest text drawn.
pub const NOTE_PX: f64 = 14.0;
/// Distance between the baselines of the two lines of a wrapped label.
pub const LINE_GAP: f64 = 1.25;

/// Main text colour: near-black reads softer than pure black on white.
pub const INK: RGBColor = RGBColor(0x22, 0x22, 0x22);
/// Secondary text (subtitles, value notes).
pub const MUTED: RGBColor = RGBColor(0x55, 0x55, 0x55);
/// Axis base lines.
pub const AXIS: RGBColor = RGBColor(0x77, 0x77, 0x77);
/// Grid lines: visible enough to read values off, faint enough to ignore.
pub const GRID: RGBColor = RGBColor(0xE2, 0xE2, 0xE2);
/// Alternate category bands behind grouped bars.
pub const BAND: RGBColor = RGBColor(0xF5, 0xF5, 0xF5);

/// Okabe & Ito (2008), the colour-blind-safe qualitative palette, reordered so
/// the first colours are the most distinct on white (yellow and black last).
const OKABE_ITO: [RGBColor; 8] = [
    RGBColor(0x00, 0x72, 0xB2), // blue
    RGBColor(0xE6, 0x9F, 0x00), // orange
    RGBColor(0x00, 0x9E, 0x73), // bluish green
    RGBColor(0xCC, 0x79, 0xA7), // reddish purple
    RGBColor(0x56, 0xB4, 0xE9), // sky blue
    RGBColor(0xD5, 0x5E, 0x00), // vermillion
    RGBColor(0xF0, 0xE4, 0x42), // yellow
    RGBColor(0x00, 0x00, 0x00), // black
];

/// Paul Tol's "muted" scheme (also colour-blind safe), used after Okabe–Ito runs out.
const TOL_MUTED: [RGBColor; 9] = [
    RGBColor(0x33, 0x22, 0x88), // indigo
    RGBColor(0x88, 0xCC, 0xEE), // cyan
    RGBColor(0x44, 0xAA, 0x99), // teal
    RGBColor(0x11, 0x77, 0x33), // green
    RGBColor(0x99, 0x99, 0x33), // olive
    RGBColor(0xDD, 0xCC, 0x77), // sand
    RGBColor(0xCC, 0x66, 0x77), // rose
    RGBColor(0x88, 0x22, 0x55), // wine
    RGBColor(0xAA, 0x44, 0x99), // purple
];

/// The colour of the source at `index` in `report.sources` (sorted by id), the
/// same in every chart. The first 17 are Okabe–Ito then Tol muted; further
/// rounds reuse them darkened, then lightened, so neighbours stay apart.
pub fn source_color(index: usize) -> RGBColor {
    let n = OKABE_ITO.len() + TOL_MUTED.len();
    let i = index % n;
    let base = if i < OKABE_ITO.len() {
        OKABE_ITO[i]
    } else {
        TOL_MUTED[i - OKABE_ITO.len()]
    };
    // Black cannot get darker: its "dark" variant is a mid grey instead.
    let dark = if luminance(base) < 0.01 {
        RGBColor(0x77, 0x77, 0x77)
    } else {
        mix(base, RGBColor(0, 0, 0), 0.45)
    };
    match (index / n) % 3 {
        0 => base,
        1 => dark,
        _ => mix(base, RGBColor(255, 255, 255), 0.5),
    }
}

/// Colours of the themes inside one group (stacked bars: colour = theme, not
/// source). Paul Tol's "bright" then "light" schemes, ordered so that
/// neighbours in a stack contrast; none of them is an Okabe–Ito source colour,
/// so a theme is never mistaken for a source.
const THEME_PALETTE: [RGBColor; 14] = [
    RGBColor(0x44, 0x77, 0xAA), // blue
    RGBColor(0xEE, 0x66, 0x77), // red
    RGBColor(0x22, 0x88, 0x33), // green
    RGBColor(0xCC, 0xBB, 0x44), // yellow
    RGBColor(0x66, 0xCC, 0xEE), // cyan
    RGBColor(0xAA, 0x33, 0x77), // purple
    RGBColor(0xEE, 0x88, 0x66), // orange
    RGBColor(0x44, 0xBB, 0x99), // mint
    RGBColor(0xFF, 0xAA, 0xBB), // pink
    RGBColor(0xAA, 0xAA, 0x00), // olive
    RGBColor(0x77, 0xAA, 0xDD), // light blue
    RGBColor(0xEE, 0xDD, 0x88), // light yellow
    RGBColor(0xBB, 0xCC, 0x33), // pear
    RGBColor(0x99, 0xDD, 0xFF), // light cyan
];

/// The colour of the theme at `index` within its group (config order). Past
/// the 14 base colours the palette repeats darkened, then lightened; stacked
/// segments are also parted by a white gap and labelled in the legend.
pub fn theme_color(index: usize) -> RGBColor {
    let n = THEME_PALETTE.len();
    let base = THEME_PALETTE[index % n];
    match (index / n) % 3 {
        0 => base,
        1 => mix(base, RGBColor(0, 0, 0), 0.4),
        _ => mix(base, RGBColor(255, 255, 255), 0.55),
    }
}

/// `a` moved `t` (0..1) of the way towards `b`.
pub fn mix(a: RGBColor, b: RGBColor, t: f64) -> RGBColor {
    let m = |x: u8, y: u8| (f64::from(x) + (f64::from(y) - f64::from(x)) * t).round() as u8;
    RGBColor(m(a.0, b.0), m(a.1, b.1), m(a.2, b.2))
}

/// WCAG relative luminance (0 black .. 1 white).
pub fn luminance(c: RGBColor) -> f64 {
    let lin = |v: u8| {
        let s = f64::from(v) / 255.0;
        if s <= 0.04045 {
            s / 12.92
        } else {
            ((s + 0.055) / 1.055).powf(2.4)
        }
    };
    0.2126 * lin(c.0) + 0.7152 * lin(c.1) + 0.0722 * lin(c.2)
}

/// Black or white, whichever contrasts more with `background`.
pub fn text_color_on(background: RGBColor) -> RGBColor {
    let l = luminance(background);
    let on_white = 1.05 / (l + 0.05);
    let on_black = (l + 0.05) / 0.05;
    if on_black >= on_white {
        RGBColor(0, 0, 0)
    } else {
        RGBColor(255, 255, 255)
    }
}

/// A value safe to draw: NaN, infinities and negatives become 0 so a broken
/// figure can never produce an empty or inverted axis.
pub fn drawable(v: f64) -> f64 {
    if v.is_finite() && v > 0.0 {
        v
    } else {
        0.0
    }
}

/// A signed value safe to draw: NaN and infinities become 0.
pub fn finite(v: f64) -> f64 {
    if v.is_finite() {
        v
    } else {
        0.0
    }
}

/// `share` (0..1) as a whole percentage: "29%".
pub fn percent(share: f64) -> String {
    format!("{:.0}%", drawable(share).min(1.0) * 100.0)
}

/// True when `text` has nothing to draw: only white space and invisible
/// format characters (zero-width space and joiners, soft hyphen, BOM). resvg
/// drops such text, so it is never drawn and never counted by the text guard.
pub fn is_blank(text: &str) -> bool {
    text.chars().all(|c| {
        c.is_whitespace() || matches!(c, '\u{200B}'..='\u{200F}' | '\u{2060}'..='\u{2064}' | '\u{FEFF}' | '\u{AD}')
    })
}

/// A label to show for something named `label` with identifier `id`: the
/// label, or the id when the label is blank.
pub fn display_name<'a>(label: &'a str, id: &'a str) -> &'a str {
    if is_blank(label) {
        id
    } else {
        label
    }
}

/// Registers DejaVu Sans with plotters' font layer, once per process.
/// Measurement needs it; the SVG itself only names the family.
pub fn ensure_fonts() -> Result<()> {
    static REGISTERED: OnceLock<Result<(), String>> = OnceLock::new();
    REGISTERED
        .get_or_init(|| {
            // `InvalidFont` has no Debug or Display, hence the hand-written messages.
            register_font("sans-serif", FontStyle::Normal, dejavu::sans::regular())
                .map_err(|_| "the embedded DejaVu Sans font could not be parsed".to_string())?;
            register_font("sans-serif", FontStyle::Bold, dejavu::sans::bold())
                .map_err(|_| "the embedded DejaVu Sans Bold font could not be parsed".to_string())
        })
        .clone()
        .map_err(|e| anyhow!(e))
}

/// A text style in SVG pixels.
#[derive(Debug, Clone, Copy)]
pub struct Font {
    /// Font size as written in the SVG.
    pub px: f64,
    /// Bold face.
    pub bold: bool,
    /// Fill colour.
    pub color: RGBColor,
}

impl Font {
    pub const TITLE: Font = Font::new(TITLE_PX, true, INK);
    pub const LABEL: Font = Font::new(LABEL_PX, false, INK);
    pub const LABEL_BOLD: Font = Font::new(LABEL_PX, true, INK);
    pub const TICK: Font = Font::new(TICK_PX, false, INK);
    pub const SUBTITLE: Font = Font::new(TICK_PX, false, MUTED);
    pub const NOTE: Font = Font::new(NOTE_PX, false, MUTED);

    pub const fn new(px: f64, bold: bool, color: RGBColor) -> Font {
        Font { px, bold, color }
    }

    /// The same font in another colour.
    pub const fn colored(self, color: RGBColor) -> Font {
        Font { color, ..self }
    }

    fn font_style(self) -> FontStyle {
        if self.bold {
            FontStyle::Bold
        } else {
            FontStyle::Normal
        }
    }

    /// The plotters style that makes plotters-svg write `font-size = self.px`.
    pub fn style(self, h: HPos, v: VPos, rotate: bool) -> TextStyle<'static> {
        let desc = FontDesc::new(
            FontFamily::SansSerif,
            plotters_size(self.px),
            self.font_style(),
        );
        let desc = if rotate {
            desc.transform(FontTransform::Rotate270)
        } else {
            desc
        };
        desc.color(&self.color).pos(Pos::new(h, v))
    }

    /// Advance width of `text` as resvg will lay it out, in SVG pixels.
    ///
    /// plotters' ab_glyph layer scales glyphs by ascent−descent instead of the
    /// em, which reads 6.5 % wide for DejaVu Sans; measuring at
    /// `px * 1.1641` cancels that. Measuring at ten times the size keeps the
    /// fractional pixel that plotters' integer result would drop.
    pub fn width(self, text: &str) -> Result<f64> {
        ensure_fonts()?;
        let desc = FontDesc::new(FontFamily::SansSerif, self.px * 11.641, self.font_style());
        let (w, _) = desc
            .box_size(text)
            .map_err(|e| anyhow!("measuring {text:?}: {e}"))?;
        Ok(f64::from(w) / 10.0)
    }

    /// Height of one line of text (DejaVu ascent + descent), in SVG pixels.
    pub fn line_height(self) -> f64 {
        self.px * 1.1641
    }
}

/// The size to give plotters so that plotters-svg, which divides by 1.24,
/// writes exactly `px` (`16 * 1.24 / 1.24` is not always 16 in f64, and the
/// noise would end up in every `font-size` attribute). Not every size has such
/// a value (15 has none); the chart sizes are chosen among those that do.
fn plotters_size(px: f64) -> f64 {
    let guess = px * 1.24;
    let bits = guess.to_bits();
    // Neighbouring f64 values map to results less than one ulp apart, so one of
    // the few nearest hits `px` exactly; sizes are positive, so bits order them.
    (0..16u64)
        .flat_map(|k| [bits.wrapping_add(k), bits.wrapping_sub(k)])
        .map(f64::from_bits)
        .find(|v| v / 1.24 == px)
        .unwrap_or(guess)
}

/// `text` cut to at most `max_w` pixels, ending in "…" when cut.
pub fn ellipsize(text: &str, font: Font, max_w: f64) -> Result<String> {
    let text = text.trim();
    if font.width(text)? <= max_w {
        return Ok(text.to_string());
    }
    let chars: Vec<char> = text.chars().collect();
    // Longest prefix that still fits with the ellipsis: binary search on the
    // char count (width grows with the prefix).
    let (mut lo, mut hi) = (0usize, chars.len());
    while lo < hi {
        let mid = (lo + hi).div_ceil(2);
        let candidate: String = chars[..mid].iter().collect();
        if font.width(&format!("{}…", candidate.trim_end()))? <= max_w {
            lo = mid;
        } else {
            hi = mid - 1;
        }
    }
    let prefix: String = chars[..lo].iter().collect();
    Ok(format!("{}…", prefix.trim_end()))
}

/// `text` cut to at most `max_w` pixels by dropping its middle ("The Daily
/// Tele… Weekend Edition"): keeps the ending, which is what tells similar names
/// apart. The ending keeps whole words (up to 45 % of the width, 60 % for a
/// single word) when it can.
pub fn ellipsize_middle(text: &str, font: Font, max_w: f64) -> Result<String> {
    let text = text.trim();
    if font.width(text)? <= max_w {
        return Ok(text.to_string());
    }
    // Longest run of whole final words that fits the tail budget; the last
    // word alone may take a little more, as cutting it would hide the name.
    let mut tail = "";
    for (i, c) in text.char_indices().rev() {
        if c == ' ' {
            let candidate = text[i + 1..].trim_start();
            let budget = if tail.is_empty() { 0.6 } else { 0.45 };
            if font.width(&format!("… {candidate}"))? > budget * max_w {
                break;
            }
            tail = candidate;
        }
    }
    if tail.is_empty() {
        // Not even the last word fits: cut it by characters from its end.
        let chars: Vec<char> = text.chars().collect();
        let mut k = 0;
        while k < chars.len() {
            let t: String = chars[chars.len() - k - 1..].iter().collect();
            if font.width(&format!("…{t}"))? > 0.45 * max_w {
                break;
            }
            k += 1;
        }
        let t: String = chars[chars.len() - k..].iter().collect();
        let head = ellipsize(text, font, max_w - font.width(&t)?)?;
        return Ok(format!("{head}{t}"));
    }
    let head_text = text[..text.len() - tail.len()].trim_end();
    let head = ellipsize(head_text, font, max_w - font.width(&format!(" {tail}"))?)?;
    // ellipsize only adds "…" when it cut; the middle was dropped either way.
    let head = if head.ends_with('…') {
        head
    } else {
        format!("{head}…")
    };
    Ok(format!("{head} {tail}"))
}

/// Labels cut to `max_w` pixels. Labels that become identical when cut at the
/// end (e.g. "The Daily Star — Business" and "… — Politics") are cut in the
/// middle instead, so they stay distinguishable.
pub fn abbreviate_all(labels: &[&str], font: Font, max_w: f64) -> Result<Vec<String>> {
    let mut out: Vec<String> = labels
        .iter()
        .map(|l| ellipsize(l, font, max_w))
        .collect::<Result<_>>()?;
    let clashes: Vec<usize> = (0..out.len())
        .filter(|&i| {
            (0..out.len())
                .any(|j| j != i && out[j] == out[i] && labels[j].trim() != labels[i].trim())
        })
        .collect();
    for i in clashes {
        out[i] = ellipsize_middle(labels[i], font, max_w)?;
    }
    Ok(out)
}

/// Splits `text` at the space that makes its wider half narrowest; returns the
/// lines and the width they need. One line when it has no space or fits `one_line_w`.
pub fn wrap_two_lines(text: &str, font: Font, one_line_w: f64) -> Result<(Vec<String>, f64)> {
    let text = text.trim();
    let whole = font.width(text)?;
    if whole <= one_line_w {
        return Ok((vec![text.to_string()], whole));
    }
    let mut best: Option<(Vec<String>, f64)> = None;
    for (i, c) in text.char_indices() {
        if c != ' ' {
            continue;
        }
        let (a, b) = (text[..i].trim_end(), text[i + 1..].trim_start());
        if a.is_empty() || b.is_empty() {
            continue;
        }
        let w = font.width(a)?.max(font.width(b)?);
        if best.as_ref().is_none_or(|(_, bw)| w < *bw) {
            best = Some((vec![a.to_string(), b.to_string()], w));
        }
    }
    Ok(best.unwrap_or_else(|| (vec![text.to_string()], whole)))
}

/// A value axis from 0 to a round maximum with round steps.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Axis {
    /// Top of the axis (a multiple of `step`, never 0).
    pub max: f64,
    /// Distance between ticks.
    pub step: f64,
    /// Decimals the tick labels need.
    pub decimals: usize,
}

impl Axis {
    /// The axis for data up to `data_max`, with about `target` steps.
    /// Empty, zero or broken data gets 0..1 so the scale is never empty.
    pub fn nice(data_max: f64, target: u32) -> Axis {
        let data_max = drawable(data_max);
        if data_max <= 0.0 {
            return Axis {
                max: 1.0,
                step: 0.2,
                decimals: 1,
            };
        }
        let raw = data_max / f64::from(target.max(1));
        let exp = raw.log10().floor() as i32;
        let mag = 10f64.powi(exp);
        let (mant, exp) = [1.0, 2.0, 2.5, 5.0, 10.0]
            .into_iter()
            .find(|m| m * mag >= raw * (1.0 - 1e-9))
            .map_or((10.0, exp), |m| {
                if m == 10.0 {
                    (1.0, exp + 1)
                } else {
                    (m, exp)
                }
            });
        let step = mant * 10f64.powi(exp);
        let steps = (data_max / step * (1.0 - 1e-9)).ceil().max(1.0);
        let extra = usize::from(mant == 2.5);
        let decimals = usize::try_from(-exp).unwrap_or(0) + if exp <= 0 { extra } else { 0 };
        Axis {
            max: steps * step,
            step,
            decimals,
        }
    }

    /// Tick values from 0 to `max`, computed from integers so they do not drift.
    pub fn ticks(&self) -> Vec<f64> {
        let n = (self.max / self.step).round() as u32;
        (0..=n).map(|k| f64::from(k) * self.step).collect()
    }

    /// A tick label: fixed decimals, thousands separated by commas.
    pub fn label(&self, v: f64) -> String {
        format_number(v, self.decimals)
    }

    /// Position of `v` on a pixel range (`at0` is where 0 goes), clamped to the axis.
    pub fn px(self, v: f64, at0: i32, at_max: i32) -> i32 {
        let t = (drawable(v) / self.max).min(1.0);
        (f64::from(at0) + t * f64::from(at_max - at0)).round() as i32
    }
}

/// `v` with `decimals` decimals and comma thousands separators ("1,234.5").
pub fn format_number(v: f64, decimals: usize) -> String {
    let s = format!("{:.*}", decimals, v);
    let (sign, s) = s.strip_prefix('-').map_or(("", s.as_str()), |r| ("-", r));
    let (int, frac) = s.split_once('.').map_or((s, None), |(i, f)| (i, Some(f)));
    let mut grouped = String::new();
    for (k, c) in int.chars().enumerate() {
        if k > 0 && (int.len() - k) % 3 == 0 {
            grouped.push(',');
        }
        grouped.push(c);
    }
    match frac {
        Some(f) => format!("{sign}{grouped}.{f}"),
        None => format!("{sign}{grouped}"),
    }
}

/// Widest of `texts` in `font`, in whole pixels (0 for none).
pub fn max_width<'s>(texts: impl IntoIterator<Item = &'s str>, font: Font) -> Result<i32> {
    let mut w = 0.0f64;
    for t in texts {
        w = w.max(font.width(t)?);
    }
    Ok(w.ceil() as i32)
}

/// Source labels cut to `max_w` pixels, in report order.
pub fn source_labels(report: &Report, font: Font, max_w: f64) -> Result<Vec<String>> {
    let labels: Vec<&str> = report
        .sources
        .iter()
        .map(|s| display_name(&s.label, &s.id))
        .collect();
    abbreviate_all(&labels, font, max_w)
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use super::*;
    #[test]
    fn nice_axes_are_round_and_cover_the_data() {
        assert_eq!(
            Axis::nice(0.0, 5),
            Axis {
                max: 1.0,
                step: 0.2,
                decimals: 1
            }
        );
        assert_eq!(Axis::nice(f64::NAN, 5).max, 1.0);
        let a = Axis::nice(7.3, 5);
        assert_eq!((a.step, a.max, a.decimals), (2.0, 8.0, 0));
        let a = Axis::nice(10.0, 5);
        assert_eq!((a.step, a.max), (2.0, 10.0));
        let a = Axis::nice(0.9, 4);
        assert_eq!((a.step, a.max, a.decimals), (0.25, 1.0, 2));
        let a = Axis::nice(123.0, 5);
        assert_eq!((a.step, a.max, a.decimals), (25.0, 125.0, 0));
        let a = Axis::nice(0.031, 5);
        assert_eq!((a.step, a.decimals), (0.01, 2));
        assert_eq!(a.ticks().len(), 5);
        assert_eq!(a.label(a.ticks()[3]), "0.03");
    }
    #[test]
    fn numbers_get_thousands_separators() {
        assert_eq!(format_number(1234567.891, 1), "1,234,567.9");
        assert_eq!(format_number(999.0, 0), "999");
        assert_eq!(format_number(-1000.0, 0), "-1,000");
        assert_eq!(format_number(0.25, 2), "0.25");
    }
    #[test]
    fn palette_is_distinct_for_thirty_sources() {
        let colors: BTreeSet<(u8, u8, u8)> = (0..30).map(|i| source_color(i).rgb()).collect();
        assert_eq!(colors.len(), 30);
        assert_eq!(source_color(0), source_color(51));
    }
    #[test]
    fn text_colour_follows_background_luminance() {
        assert_eq!(
            text_color_on(RGBColor(0x44, 0x01, 0x54)),
            RGBColor(255, 255, 255)
        );
        assert_eq!(text_color_on(RGBColor(0xFD, 0xE7, 0x25)), RGBColor(0, 0, 0));
    }
    #[test]
    fn ellipsis_fits_the_width_and_keeps_short_text() {
        let long = "The Extraordinarily Long Name of a Regional Newspaper Group";
        let cut = ellipsize(long, Font::LABEL, 150.0).unwrap();
        assert!(cut.ends_with('…') && cut.len() < long.len(), "{cut}");
        assert!(Font::LABEL.width(&cut).unwrap() <= 150.0);
        assert_eq!(ellipsize("BBC", Font::LABEL, 150.0).unwrap(), "BBC");
    }
    #[test]
    fn wrapping_balances_the_two_lines() {
        let (lines, _) = wrap_two_lines("Sovereignty & independence", Font::TICK, 60.0).unwrap();
        assert_eq!(lines, vec!["Sovereignty &", "independence"]);
        let (lines, _) = wrap_two_lines("Security", Font::TICK, 200.0).unwrap();
        assert_eq!(lines, vec!["Security"]);
    }
    #[test]
    fn font_sizes_are_written_exactly() {
        for px in [TITLE_PX, LABEL_PX, TICK_PX, NOTE_PX] {
            assert_eq!(plotters_size(px) / 1.24, px);
        }
    }
    #[test]
    fn names_that_clash_when_cut_are_cut_in_the_middle() {
        let labels = [
            "The Extraordinarily Long Name of a Regional Newspaper 3",
            "The Extraordinarily Long Name of a Regional Newspaper 9",
            "BBC",
        ];
        let cut = abbreviate_all(&labels, Font::TICK, 200.0).unwrap();
        assert_ne!(cut[0], cut[1]);
        assert!(cut[0].ends_with(" 3") && cut[1].ends_with(" 9"), "{cut:?}");
        assert_eq!(cut[2], "BBC");
        for c in &cut {
            assert!(Font::TICK.width(c).unwrap() <= 200.0);
        }
    }
}
