//! Charts rendered from a `Report`: each chart is drawn once as SVG (plotters)
//! and rasterised to PNG (resvg) with the embedded DejaVu Sans, so output is
//! identical on every machine and needs no system fonts.
//!
//! Every chart that colours by source colours a source by its index in
//! `report.sources`, so a source has the same colour everywhere; the stacked
//! bars of `framing_profile*` and `vector_balance` colour by theme instead,
//! with a palette of their own. Which charts exist depends only on the
//! report's shape (sources, themes, groups, anchor terms), never on values:
//! an all-zero report renders the same set of files, with notes where there
//! is nothing to draw.

mod anchor_collocates;
mod anchor_mentions;
mod framing_profile;
mod keyness;
mod render;
mod similarity;
mod stacked;
mod style;
mod theme_emphasis;
mod theme_heatmap;
mod top_terms;
mod vector_balance;

#[cfg(test)]
pub(crate) mod fixtures;

use rayon::prelude::*;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};

use crate::report::write::atomic_write;
use crate::report::Report;
use similarity::Measure;

/// One chart, in both formats.
pub struct RenderedChart {
    /// File name stem, e.g. `theme_emphasis` or `theme_heatmap_frames`.
    pub name: String,
    /// The chart as SVG (vector, publication quality).
    pub svg: String,
    /// The same chart as PNG, `scale` × the SVG's pixel size.
    pub png: Vec<u8>,
}

/// Renders every chart the report has data for. `scale` is 1 or 2 (PNG pixel
/// multiplier; SVG unchanged).
pub fn render_all(report: &Report, scale: u32) -> Result<Vec<RenderedChart>> {
    let charts = render_all_reusing(report, scale, |_| ((), None))?;
    Ok(charts.into_iter().map(|(chart, _, _)| chart).collect())
}

/// [`render_all`], asking `known(svg)` for each chart's key and, when it
/// has one, its PNG (the PNG is a function of the SVG and the scale alone,
/// so a cache keyed by both can supply it). Returns each chart with its key
/// and whether it was rasterised here.
pub fn render_all_reusing<K: Send>(
    report: &Report,
    scale: u32,
    known: impl Fn(&str) -> (K, Option<Vec<u8>>) + Sync,
) -> Result<Vec<(RenderedChart, K, bool)>> {
    // Rasterising is most of the cost and each chart is independent.
    render_svgs(report)?
        .into_par_iter()
        .map(|(name, svg)| {
            let (key, png) = known(&svg);
            if let Some(png) = png {
                return Ok((RenderedChart { name, svg, png }, key, false));
            }
            let png = render::rasterize(&svg, scale)
                .with_context(|| format!("rendering {name} as PNG"))?;
            Ok((RenderedChart { name, svg, png }, key, true))
        })
        .collect()
}

/// Every chart the report has data for, as (name, SVG), in file order.
fn render_svgs(report: &Report) -> Result<Vec<(String, String)>> {
    style::ensure_fonts()?;
    let mut svgs: Vec<(String, Option<String>)> = Vec::new();
    let mut push = |name: &str, svg: Result<Option<String>>| -> Result<()> {
        let svg = svg.with_context(|| format!("drawing {name}"))?;
        svgs.push((name.to_string(), svg));
        Ok(())
    };
    // Group names come from the config: make them file-name safe, and keep two
    // groups that sanitise alike ("a b", "a_b") apart.
    let mut used = BTreeSet::new();
    push(theme_emphasis::NAME, theme_emphasis::render(report))?;
    for group in theme_heatmap::groups(report) {
        let name = unique_name(
            &mut used,
            format!("{}{}", theme_heatmap::NAME_PREFIX, file_safe(group)),
        );
        push(&name, theme_heatmap::render(report, group))?;
    }
    push(top_terms::NAME, top_terms::render(report))?;
    push(anchor_mentions::NAME, anchor_mentions::render(report))?;
    for (k, group) in framing_profile::groups(report).into_iter().enumerate() {
        let base = if k == 0 {
            framing_profile::NAME.to_string()
        } else {
            format!("{}_{}", framing_profile::NAME, file_safe(group))
        };
        let name = unique_name(&mut used, base);
        push(&name, framing_profile::render(report, group))?;
    }
    push(vector_balance::NAME, vector_balance::render(report))?;
    push(keyness::NAME, keyness::render(report))?;
    push(anchor_collocates::NAME, anchor_collocates::render(report))?;
    push(
        similarity::NAME,
        similarity::render(report, Measure::Vocabulary),
    )?;
    push(
        similarity::NAME_FRAMING,
        similarity::render(report, Measure::Framing),
    )?;
    Ok(svgs
        .into_iter()
        .filter_map(|(name, svg)| svg.map(|svg| (name, svg)))
        .collect())
}

/// `base`, or `base_2`, `base_3`, … when an earlier chart took it.
fn unique_name(used: &mut BTreeSet<String>, base: String) -> String {
    let mut name = base.clone();
    let mut k = 2;
    while !used.insert(name.clone()) {
        name = format!("{base}_{k}");
        k += 1;
    }
    name
}

/// Renders and writes `<dir>/<name>.png` and `<dir>/<name>.svg` atomically;
/// creates `dir` if missing. Returns written paths.
pub fn write_all(report: &Report, dir: &Path, scale: u32) -> Result<Vec<PathBuf>> {
    let charts = render_all(report, scale)?;
    std::fs::create_dir_all(dir)
        .with_context(|| format!("creating the chart folder {}", dir.display()))?;
    let mut written = Vec::with_capacity(charts.len() * 2);
    for chart in &charts {
        for (ext, bytes) in [("png", chart.png.as_slice()), ("svg", chart.svg.as_bytes())] {
            let path = dir.join(format!("{}.{ext}", chart.name));
            atomic_write(&path, bytes)?;
            written.push(path);
        }
    }
    Ok(written)
}

/// `name` made safe as a file-name part: lowercase ASCII letters, digits, `-`
/// and `_`; anything else becomes `_`.
fn file_safe(name: &str) -> String {
    let s: String = name
        .trim()
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                c.to_ascii_lowercase()
            } else {
                '_'
            }
        })
        .collect();
    if s.is_empty() {
        "unnamed".to_string()
    } else {
        s
    }
}

#[cfg(test)]
mod tests {
    //! Rasterising is by far the slowest step in a debug build (PNG encoding
    //! above all), so only the small fixtures go through PNG; the 30-source
    //! fixture is checked on its SVG and its parsed text layout.

    use super::*;
    use resvg::tiny_skia::Pixmap;

    /// Every chart of a report with both theme groups, in file order.
    const ALL: [&str; 12] = [
        "theme_emphasis",
        "theme_heatmap_frames",
        "theme_heatmap_actors",
        "top_terms",
        "anchor_mentions",
        "framing_profile",
        "framing_profile_actors",
        "vector_balance",
        "keyness",
        "anchor_collocates",
        "similarity",
        "similarity_framing",
    ];

    /// The charts that colour by source (the others colour by theme or value).
    const BY_SOURCE: [&str; 5] = [
        "theme_emphasis",
        "top_terms",
        "anchor_mentions",
        "keyness",
        "anchor_collocates",
    ];

    fn names(charts: &[RenderedChart]) -> Vec<&str> {
        charts.iter().map(|c| c.name.as_str()).collect()
    }

    fn svg_names(svgs: &[(String, String)]) -> Vec<&str> {
        svgs.iter().map(|(n, _)| n.as_str()).collect()
    }

    /// Every PNG decodes and is `scale` × the SVG size; every label is inside
    /// the canvas and clear of every other label and of the bars.
    fn check(charts: &[RenderedChart], scale: u32) {
        for c in charts {
            let png = Pixmap::decode_png(&c.png).unwrap_or_else(|e| panic!("{}: {e}", c.name));
            let (w, h) = fixtures::svg_size(&c.svg);
            assert_eq!(
                (png.width(), png.height()),
                (w * scale, h * scale),
                "{}",
                c.name
            );
            fixtures::assert_text_is_clear(&c.name, &c.svg);
        }
    }

    #[test]
    fn one_source_two_themes() {
        let charts = render_all(&fixtures::report(1, 2, true), 1).unwrap();
        assert_eq!(
            names(&charts),
            [
                "theme_emphasis",
                "theme_heatmap_frames",
                "top_terms",
                "anchor_mentions",
                "framing_profile",
                "vector_balance",
                "keyness",
                "anchor_collocates",
                "similarity",
                "similarity_framing",
            ]
        );
        check(&charts, 1);
    }

    #[test]
    fn scale_two_doubles_the_png_only() {
        let svgs = render_svgs(&fixtures::report(1, 2, false)).unwrap();
        let (name, svg) = svgs.last().unwrap();
        let chart = RenderedChart {
            name: name.clone(),
            svg: svg.clone(),
            png: render::rasterize(svg, 2).unwrap(),
        };
        check(&[chart], 2);
    }

    #[test]
    fn five_sources_nine_themes() {
        let charts = render_all(&fixtures::report(5, 9, true), 1).unwrap();
        assert_eq!(names(&charts), ALL);
        check(&charts, 1);
    }

    #[test]
    fn thirty_sources_twenty_five_themes_with_long_labels() {
        let report = fixtures::report(30, 25, false);
        let svgs = render_svgs(&report).unwrap();
        assert_eq!(svg_names(&svgs), ALL);
        for (name, svg) in &svgs {
            // Parsing runs the text guard; the boxes come from resvg's layout.
            fixtures::assert_text_is_clear(name, svg);
        }
        // Long source labels are abbreviated, and the ones that would collide
        // keep their distinct endings (theme_emphasis names them once per panel).
        let texts = fixtures::texts(&svgs[0].1);
        let cut: BTreeSet<&String> = texts
            .iter()
            .filter(|t| t.starts_with("The Extraor") && t.contains('…'))
            .collect();
        assert_eq!(cut.len(), 5, "{texts:?}");
        assert!(
            cut.iter().any(|t| t.ends_with(" 9")) && cut.iter().any(|t| t.ends_with(" 15")),
            "{cut:?}"
        );
    }

    /// Two themes, five sources: a single group, so `vector_balance` is a note.
    #[test]
    fn five_sources_two_themes_and_one_source_twenty_five_themes() {
        for report in [fixtures::report(5, 2, false), fixtures::report(1, 25, true)] {
            for (name, svg) in render_svgs(&report).unwrap() {
                fixtures::assert_text_is_clear(&name, &svg);
            }
        }
    }

    #[test]
    fn all_zero_report_renders_every_chart() {
        let charts = render_all(&fixtures::all_zero(3, 4), 1).unwrap();
        assert_eq!(names(&charts), ALL);
        check(&charts, 1);
        for c in &charts {
            assert!(
                !c.svg.contains("NaN") && !c.svg.contains("inf"),
                "{}",
                c.name
            );
        }
    }

    /// The file set follows the report's shape, not its values: no analysis at
    /// all, or broken figures, give the same files.
    #[test]
    fn the_file_set_depends_only_on_shape() {
        let full = render_svgs(&fixtures::report(5, 9, false)).unwrap();
        let mut bare = fixtures::report(5, 9, false);
        bare.analysis = Default::default();
        let mut broken = fixtures::report(5, 9, false);
        for k in &mut broken.analysis.keyness {
            for row in &mut k.terms {
                row.log_ratio = f64::NAN;
            }
        }
        for f in &mut broken.analysis.framing {
            for row in &mut f.themes {
                row.share = f64::INFINITY;
            }
        }
        for b in &mut broken.analysis.balance {
            b.entropy = f64::NAN;
        }
        for c in &mut broken.analysis.anchor_collocates {
            for p in &mut c.pairs {
                p.log_dice = f64::NEG_INFINITY;
            }
        }
        for s in &mut broken.analysis.similarity {
            s.jsd_frames = Some(f64::NAN);
        }
        for report in [bare, broken] {
            let svgs = render_svgs(&report).unwrap();
            assert_eq!(svg_names(&svgs), svg_names(&full));
            for (name, svg) in &svgs {
                assert!(!svg.contains("NaN") && !svg.contains("inf"), "{name}");
                fixtures::assert_text_is_clear(name, svg);
            }
        }
    }

    #[test]
    fn same_report_gives_identical_bytes() {
        let report = fixtures::report(5, 9, true);
        let (a, b) = (render_svgs(&report).unwrap(), render_svgs(&report).unwrap());
        assert_eq!(a, b);
        let big = fixtures::report(30, 25, false);
        assert_eq!(render_svgs(&big).unwrap(), render_svgs(&big).unwrap());
        // PNG bytes: one (small) chart is enough to catch a non-deterministic rasteriser.
        let png = |svg: &str| render::rasterize(svg, 1).unwrap();
        let (name, svg) = a.last().unwrap();
        assert!(
            png(svg) == png(&b.last().unwrap().1),
            "{name} PNG differs between runs"
        );
    }

    #[test]
    fn a_source_has_the_same_colour_in_every_chart() {
        let report = fixtures::report(5, 9, false);
        let svgs = render_svgs(&report).unwrap();
        // Source 4 is the fixture's empty source: it has no bar to colour.
        for i in 0..4 {
            let (r, g, b) = plotters::style::Color::rgb(&style::source_color(i));
            let fill = format!("fill=\"#{r:02X}{g:02X}{b:02X}\"");
            for (name, svg) in svgs.iter().filter(|(n, _)| BY_SOURCE.contains(&n.as_str())) {
                // The fixture gives source 1 no anchor collocates.
                if name == "anchor_collocates"
                    && report.analysis.anchor_collocates[i].pairs.is_empty()
                {
                    continue;
                }
                assert!(svg.contains(&fill), "{name} lacks source {i}'s {fill}");
            }
        }
    }

    /// Titles 22–24 px and no text under 14 px, as written in the SVG.
    #[test]
    fn text_sizes_are_legible() {
        for (name, svg) in render_svgs(&fixtures::report(5, 9, true)).unwrap() {
            let doc = resvg::usvg::roxmltree::Document::parse(&svg).unwrap();
            let sizes: Vec<f64> = doc
                .descendants()
                .filter_map(|n| n.attribute("font-size"))
                .map(|v| v.parse().unwrap())
                .collect();
            let largest = sizes.iter().copied().fold(0.0, f64::max);
            assert!(
                (22.0..=24.0).contains(&largest),
                "{name}: title {largest}px"
            );
            assert!(sizes.iter().all(|&s| s >= 14.0), "{name}: {sizes:?}");
        }
    }

    #[test]
    fn empty_report_renders_nothing() {
        let mut report = fixtures::report(1, 2, false);
        report.sources.clear();
        assert!(render_all(&report, 1).unwrap().is_empty());
    }

    #[test]
    fn clashing_group_names_get_distinct_files() {
        let mut report = fixtures::report(2, 3, false);
        report.themes[0].group = "a b".into();
        report.themes[1].group = "a_b".into();
        report.themes[2].group = "frames".into();
        let svgs = render_svgs(&report).unwrap();
        let names = svg_names(&svgs);
        for expected in [
            "theme_heatmap_a_b",
            "theme_heatmap_a_b_2",
            "framing_profile",
            "framing_profile_a_b",
            "framing_profile_a_b_2",
        ] {
            assert!(
                names.contains(&expected),
                "{expected} missing from {names:?}"
            );
        }
    }

    #[test]
    fn write_all_creates_the_folder_and_both_formats() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("charts");
        let written = write_all(&fixtures::report(1, 2, false), &out, 1).unwrap();
        assert_eq!(written.len(), 20);
        assert!(written.iter().all(|p| p.exists()));
        assert!(out.join("theme_emphasis.svg").exists() && out.join("keyness.png").exists());
    }

    #[test]
    fn file_names_are_safe() {
        assert_eq!(file_safe("Frames"), "frames");
        assert_eq!(file_safe("who/what ?"), "who_what__");
        assert_eq!(file_safe(" "), "unnamed");
        let mut used = BTreeSet::new();
        assert_eq!(unique_name(&mut used, "a".into()), "a");
        assert_eq!(unique_name(&mut used, "a".into()), "a_2");
    }

    #[test]
    fn bad_scale_is_an_error() {
        let err = render::rasterize(
            "<svg xmlns='http://www.w3.org/2000/svg' width='2' height='2'/>",
            0,
        );
        assert!(err.is_err());
    }

    /// Writes the fixtures' charts to `$FRAMESCOPE_CHART_PREVIEW` for a visual
    /// check; does nothing when the variable is unset.
    #[test]
    fn preview() {
        let Some(dir) = std::env::var_os("FRAMESCOPE_CHART_PREVIEW") else {
            return;
        };
        for (tag, report) in [
            ("s1_t2", fixtures::report(1, 2, true)),
            ("s5_t9", fixtures::report(5, 9, true)),
            ("s30_t25", fixtures::report(30, 25, false)),
            ("s30_t9", fixtures::report(30, 9, true)),
            ("zero", fixtures::all_zero(3, 4)),
            ("s1_t25", fixtures::report(1, 25, false)),
            ("s5_t25", fixtures::report(5, 25, true)),
            ("s2_t3", fixtures::report(2, 3, false)),
            ("s5_t2", fixtures::report(5, 2, false)),
        ] {
            write_all(&report, &Path::new(&dir).join(tag), 1).unwrap();
        }
    }
}
