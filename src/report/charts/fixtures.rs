//! Test fixtures for the charts: small hand-built `Report`s of a chosen shape
//! (sources × themes), and helpers that read sizes and label boxes back from
//! the rendered SVG, as the viewer will see them.

use std::collections::BTreeMap;

use resvg::usvg;

use super::render::parse_svg;
use crate::report::{
    AnchorInfo, AnchorScore, CorpusReport, Report, SourceReport, TermCount, ThemeInfo, ThemeScore,
    SCHEMA_VERSION,
};

/// The smallest valid config.toml: charts never read it, but a `Report` carries one.
const CONFIG: &str = "[anchor]\nlabel = \"Kazakhstan\"\nterms = [\"kazakhstan\"]\n";

const SOURCE_NAMES: [&str; 6] = [
    "BBC News",
    "The Guardian",
    "Reuters",
    "The Extraordinarily Long Name of a Regional Newspaper",
    "Al Jazeera English",
    "Kazakhstan Today — Independent Business & Politics Weekly",
];

const THEME_NAMES: [&str; 9] = [
    "Security",
    "Economy & trade",
    "Sovereignty & independence",
    "Energy",
    "Human rights and civil liberties under pressure",
    "Multi-vector diplomacy",
    "Government",
    "Foreign investors",
    "Neighbouring states",
];

const TERMS: [&str; 12] = [
    "government",
    "oil",
    "president",
    "international-cooperation",
    "sovereignty",
    "pipeline",
    "china",
    "russia",
    "election",
    "investment",
    "tokayev",
    "reform",
];

/// A report with `sources` sources and `themes` themes; the first two thirds of
/// the themes (rounded up) are in group "frames", the rest in "actors". Every
/// fourth source label is long (30+ characters). With at least 5 sources the
/// last one is empty (0 words, no terms). `with_ci` adds 95% intervals.
pub fn report(sources: usize, themes: usize, with_ci: bool) -> Report {
    let frames = (themes * 2).div_ceil(3);
    let theme_infos: Vec<ThemeInfo> = (0..themes)
        .map(|j| ThemeInfo {
            id: format!("t{j:02}"),
            label: if j < THEME_NAMES.len() {
                THEME_NAMES[j].to_string()
            } else {
                format!("{} {}", THEME_NAMES[j % THEME_NAMES.len()], j)
            },
            group: if j < frames { "frames" } else { "actors" }.to_string(),
            terms: vec![format!("term{j}")],
        })
        .collect();
    let source_reports = (0..sources)
        .map(|i| {
            let empty = sources >= 5 && i == sources - 1;
            source(i, &theme_infos, empty, with_ci)
        })
        .collect();
    Report {
        schema_version: SCHEMA_VERSION,
        config: toml::from_str(CONFIG).expect("the fixture config parses"),
        stopwords: vec!["the".into()],
        sources: source_reports,
        corpus: CorpusReport {
            documents: 0,
            words: 0,
            tokens: 0,
            types: 0,
            sentences: 0,
            top_terms: vec![],
            cooccurrence: vec![],
        },
        themes: theme_infos,
        anchor: AnchorInfo {
            label: "Kazakhstan".into(),
            terms: vec!["kazakhstan".into()],
        },
        skipped: vec![],
        documents: vec![],
        analysis: Default::default(),
        lexicon: Default::default(),
    }
}

fn source(i: usize, themes: &[ThemeInfo], empty: bool, with_ci: bool) -> SourceReport {
    let words: u64 = if empty { 0 } else { 8_000 + 1_733 * i as u64 };
    let tokens = words / 2;
    let per_1k = |hits: u64| {
        if words == 0 {
            0.0
        } else {
            hits as f64 / words as f64 * 1000.0
        }
    };
    let mut scores = BTreeMap::new();
    for (j, theme) in themes.iter().enumerate() {
        // Spread of values with some zeros, deterministic.
        let hits = if empty {
            0
        } else {
            ((i * 7 + j * 13) % 17) as u64 * 6
        };
        let v = per_1k(hits);
        scores.insert(
            theme.id.clone(),
            ThemeScore {
                hits,
                per_1k: v,
                share: 0.0,
                ci_low: with_ci.then_some((v * 0.7).max(0.0)),
                ci_high: with_ci.then_some(v * 1.3 + 0.2),
                terms: BTreeMap::new(),
            },
        );
    }
    let top_terms = if empty {
        vec![]
    } else {
        (0..10)
            .map(|k| {
                let form = TERMS[(i + k) % TERMS.len()].to_string();
                TermCount {
                    stem: form.clone(),
                    form,
                    count: (200 - 15 * k as u64) / (1 + (i as u64 % 3)),
                }
            })
            .collect()
    };
    let mentions = if empty { 0 } else { (i as u64 * 5) % 23 + 1 };
    let name = SOURCE_NAMES[i % SOURCE_NAMES.len()];
    SourceReport {
        id: format!("s{i:02}"),
        label: if i < SOURCE_NAMES.len() {
            name.to_string()
        } else {
            format!("{name} {i}")
        },
        meta: Default::default(),
        documents: if empty { 0 } else { 3 },
        words,
        tokens,
        types: tokens / 3,
        sentences: words / 20,
        encodings: BTreeMap::new(),
        stopwords_removed: words - tokens,
        top_terms,
        themes: scores,
        anchor: AnchorScore {
            mentions,
            per_1k: per_1k(mentions),
            forms: BTreeMap::new(),
        },
    }
}

/// A report whose sources all have 0 words: every figure is 0.
pub fn all_zero(sources: usize, themes: usize) -> Report {
    let mut r = report(sources, themes, false);
    for (i, s) in r.sources.iter_mut().enumerate() {
        *s = source(i, &r.themes, true, false);
    }
    r
}

/// `width` and `height` of the root `<svg>`.
pub fn svg_size(svg: &str) -> (u32, u32) {
    let doc = usvg::roxmltree::Document::parse(svg).expect("chart SVG is XML");
    let attr = |name| {
        doc.root_element()
            .attribute(name)
            .and_then(|v: &str| v.parse().ok())
            .expect("svg has a numeric size")
    };
    (attr("width"), attr("height"))
}

/// Every text's box on the canvas, as resvg laid it out, with its text.
pub fn text_boxes(svg: &str) -> Vec<(usvg::Rect, String)> {
    fn walk(group: &usvg::Group, out: &mut Vec<(usvg::Rect, String)>) {
        for node in group.children() {
            match node {
                usvg::Node::Group(g) => walk(g, out),
                usvg::Node::Text(t) => {
                    let s: String = t.chunks().iter().map(|c| c.text()).collect();
                    out.push((t.abs_bounding_box(), s));
                }
                _ => {}
            }
        }
    }
    let tree = parse_svg(svg).expect("chart SVG parses with its text");
    let mut out = Vec::new();
    walk(tree.root(), &mut out);
    out
}

/// Every text of the chart, in drawing order.
pub fn texts(svg: &str) -> Vec<String> {
    text_boxes(svg).into_iter().map(|(_, s)| s).collect()
}

/// Panics when two texts overlap (more than half a pixel) or a text leaves the
/// canvas; and, except in heatmaps (whose values sit inside their cells on
/// purpose), when a text overlaps a filled shape: a bar, swatch or colour strip.
pub fn assert_text_is_clear(name: &str, svg: &str) {
    let boxes = text_boxes(svg);
    assert_texts_apart(name, svg, &boxes);
    if !name.starts_with("theme_heatmap") {
        assert_text_clear_of_shapes(name, svg, &boxes);
    }
}

fn assert_texts_apart(name: &str, svg: &str, boxes: &[(usvg::Rect, String)]) {
    let (w, h) = svg_size(svg);
    for (b, s) in boxes {
        assert!(
            b.left() >= 0.0 && b.top() >= 0.0 && b.right() <= w as f32 && b.bottom() <= h as f32,
            "{name}: {s:?} at {b:?} leaves the {w}×{h} canvas"
        );
    }
    // Sorting by left edge lets the inner loop stop at the first box that starts
    // to the right, keeping the check fast on 750-cell heatmaps.
    let mut sorted: Vec<&(usvg::Rect, String)> = boxes.iter().collect();
    sorted.sort_by(|a, b| a.0.left().total_cmp(&b.0.left()));
    for (k, (a, sa)) in sorted.iter().map(|p| (&p.0, &p.1)).enumerate() {
        for (b, sb) in sorted[k + 1..].iter().map(|p| (&p.0, &p.1)) {
            if b.left() >= a.right() - 0.5 {
                break;
            }
            let overlap_x = a.right().min(b.right()) - a.left().max(b.left());
            let overlap_y = a.bottom().min(b.bottom()) - a.top().max(b.top());
            assert!(
                overlap_x <= 0.5 || overlap_y <= 0.5,
                "{name}: {sa:?} at {a:?} overlaps {sb:?} at {b:?}"
            );
        }
    }
}

/// The white background and the grey category bands are meant to be behind text.
fn assert_text_clear_of_shapes(name: &str, svg: &str, boxes: &[(usvg::Rect, String)]) {
    let doc = usvg::roxmltree::Document::parse(svg).expect("chart SVG is XML");
    let num =
        |n: &usvg::roxmltree::Node, a| n.attribute(a).and_then(|v: &str| v.parse::<f32>().ok());
    let shapes: Vec<(f32, f32, f32, f32)> = doc
        .descendants()
        .filter(|n| n.has_tag_name("rect"))
        .filter(|n| !matches!(n.attribute("fill"), Some("#FFFFFF" | "#F5F5F5")))
        .filter_map(|n| {
            Some((
                num(&n, "x")?,
                num(&n, "y")?,
                num(&n, "width")?,
                num(&n, "height")?,
            ))
        })
        .collect();
    for (b, s) in boxes {
        for &(x, y, w, h) in &shapes {
            let overlap_x = b.right().min(x + w) - b.left().max(x);
            let overlap_y = b.bottom().min(y + h) - b.top().max(y);
            assert!(
                overlap_x <= 0.5 || overlap_y <= 0.5,
                "{name}: {s:?} at {b:?} overlaps the shape at ({x}, {y}, {w}×{h})"
            );
        }
    }
}
