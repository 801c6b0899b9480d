//! Test fixtures for the charts: small hand-built `Report`s of a chosen shape
//! (sources × themes), and helpers that read sizes and label boxes back from
//! the rendered SVG, as the viewer will see them.

use std::collections::BTreeMap;

use resvg::usvg;

use super::render::parse_svg;
use crate::report::{
    Analysis, AnchorInfo, AnchorScore, Balance, Collocation, CorpusReport, FramingProfile,
    FramingRow, KeyRow, Report, Similarity, SourceCollocations, SourceKeyness, SourceReport,
    TermCount, ThemeInfo, ThemeScore, SCHEMA_VERSION,
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

/// Under-used terms in the keyness fixture (distinct from `TERMS`).
const RARE_TERMS: [&str; 12] = [
    "sanctions",
    "neighbours",
    "astana",
    "officials",
    "diplomatic",
    "military",
    "transport",
    "organisation",
    "regional",
    "a-remarkably-long-hyphenated-compound-term",
    "corridor",
    "summit",
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
///
/// The analysis (see `analysis`): source 2 names the anchor but has no theme
/// hits near it; source 1 has no anchor collocate; keyness lists 12 terms each
/// way, every third one on small counts.
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
    let mut report = Report {
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
    };
    report.analysis = analysis(&report);
    report
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
    // Shares within each group, as the analysis computes them.
    let mut group_hits: BTreeMap<&str, u64> = BTreeMap::new();
    for theme in themes {
        *group_hits.entry(theme.group.as_str()).or_insert(0) += scores[&theme.id].hits;
    }
    for theme in themes {
        if let Some(score) = scores.get_mut(&theme.id) {
            score.share = share(score.hits, group_hits[theme.group.as_str()]);
        }
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

/// `part / whole`, 0 for an empty whole.
fn share(part: u64, whole: u64) -> f64 {
    if whole == 0 {
        0.0
    } else {
        part as f64 / whole as f64
    }
}

/// Plausible analytics for the report's sources and themes, consistent with
/// their counts where the charts could tell (mentions, group hits).
fn analysis(report: &Report) -> Analysis {
    let (sources, themes) = (&report.sources, &report.themes);
    let mut groups: Vec<&str> = Vec::new();
    for t in themes {
        if !groups.contains(&t.group.as_str()) {
            groups.push(&t.group);
        }
    }
    let mut a = Analysis::default();
    for (i, s) in sources.iter().enumerate() {
        let empty = s.words == 0;
        let near: Vec<u64> = (0..themes.len())
            .map(|j| {
                if empty || i == 2 {
                    0
                } else {
                    ((i * 5 + j * 3) % 7) as u64
                }
            })
            .collect();
        let group_near = |g: &str| -> u64 {
            themes
                .iter()
                .zip(&near)
                .filter(|(t, _)| t.group == g)
                .map(|(_, n)| n)
                .sum()
        };
        a.framing.push(FramingProfile {
            source: s.id.clone(),
            mentions: s.anchor.mentions,
            context_words: s.anchor.mentions * 40,
            themes: themes
                .iter()
                .zip(&near)
                .map(|(t, &n)| FramingRow {
                    theme: t.id.clone(),
                    group: t.group.clone(),
                    hits_near_anchor: n,
                    share: share(n, group_near(&t.group)),
                })
                .collect(),
        });
        for &g in &groups {
            let members: Vec<(&str, u64)> = themes
                .iter()
                .filter(|t| t.group == g)
                .map(|t| (t.id.as_str(), s.themes[&t.id].hits))
                .collect();
            let hits: u64 = members.iter().map(|m| m.1).sum();
            let h: f64 = members
                .iter()
                .map(|m| share(m.1, hits))
                .filter(|&p| p > 0.0)
                .map(|p| -p * p.log2())
                .sum();
            let entropy = if members.len() > 1 {
                h / (members.len() as f64).log2()
            } else {
                0.0
            };
            let dominant = members
                .iter()
                .filter(|m| m.1 > 0)
                .fold(None, |best: Option<(&str, u64)>, &m| match best {
                    Some(b) if b.1 >= m.1 => Some(b),
                    _ => Some(m),
                })
                .map_or_else(String::new, |m| m.0.to_string());
            a.balance.push(Balance {
                source: s.id.clone(),
                group: g.to_string(),
                entropy,
                dominant,
                hits,
            });
        }
        a.keyness.push(SourceKeyness {
            source: s.id.clone(),
            terms: if empty { vec![] } else { key_rows(i) },
            themes: vec![],
        });
        let n_pairs = if empty || i == 1 { 0 } else { 4 + i % 9 };
        a.anchor_collocates.push(SourceCollocations {
            source: s.id.clone(),
            pairs: (0..n_pairs)
                .map(|k| {
                    let count = 20 - k as u64 - (i % 4) as u64;
                    Collocation {
                        a: report.anchor.label.clone(),
                        b: TERMS[(i + k) % TERMS.len()].to_string(),
                        form_b: TERMS[(i + k) % TERMS.len()].to_string(),
                        count,
                        count_a: 120,
                        count_b: 2 * count + 7 * k as u64,
                        total: 5_000,
                        pmi: 4.0 - 0.2 * k as f64,
                        log_dice: 11.6 - 0.4 * k as f64 - 0.05 * i as f64,
                        g2: 80.0 - 5.0 * k as f64,
                    }
                })
                .collect(),
        });
    }
    for (x, sa) in sources.iter().enumerate() {
        for (y, sb) in sources.iter().enumerate().skip(x + 1) {
            let empty = sa.words == 0 || sb.words == 0;
            a.similarity.push(Similarity {
                source_a: sa.id.clone(),
                source_b: sb.id.clone(),
                cosine_tfidf: if empty {
                    0.0
                } else {
                    0.2 + ((x * 3 + y * 5) % 11) as f64 * 0.06
                },
                jsd_frames: (!empty).then(|| 0.05 + ((x + y * 2) % 9) as f64 * 0.08),
            });
        }
    }
    a
}

/// Keyness of source `i`: 12 over-used then 12 under-used terms, each by G²
/// desc, with log ratios out of order so the chart has to sort them.
fn key_rows(i: usize) -> Vec<KeyRow> {
    let row = |label: &str, over: bool, k: usize| {
        let magnitude = 1.0 + ((k * 7 + i) % 12) as f64 * 0.42;
        let count = 30 - 2 * k as u64;
        KeyRow {
            item: label.to_string(),
            label: label.to_string(),
            direction: if over { "over" } else { "under" }.to_string(),
            count_source: if over { count } else { k as u64 % 3 },
            count_rest: if over { 3 } else { count },
            total_source: 4_000,
            total_rest: 16_000,
            g2: 60.0 - 4.0 * k as f64,
            p: 0.001,
            log_ratio: if over { magnitude } else { -magnitude * 0.9 },
            log_odds_z: 3.0,
            small_counts: (k + i).is_multiple_of(3),
        }
    };
    let over = (0..12).map(|k| row(TERMS[(i + k) % TERMS.len()], true, k));
    let under = (0..12).map(|k| row(RARE_TERMS[(i + k) % RARE_TERMS.len()], false, k));
    over.chain(under).collect()
}

/// A report whose sources all have 0 words: every figure is 0.
pub fn all_zero(sources: usize, themes: usize) -> Report {
    let mut r = report(sources, themes, false);
    for (i, s) in r.sources.iter_mut().enumerate() {
        *s = source(i, &r.themes, true, false);
    }
    r.analysis = analysis(&r);
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
/// canvas, or when a text straddles a filled shape (a bar, swatch or colour
/// strip). A text wholly inside one shape is a label on purpose: a heatmap
/// cell's value, a stacked segment's percentage.
pub fn assert_text_is_clear(name: &str, svg: &str) {
    let boxes = text_boxes(svg);
    assert_texts_apart(name, svg, &boxes);
    assert_text_clear_of_shapes(name, svg, &boxes);
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
            let inside = b.left() >= x - 0.5
                && b.right() <= x + w + 0.5
                && b.top() >= y - 0.5
                && b.bottom() <= y + h + 0.5;
            assert!(
                overlap_x <= 0.5 || overlap_y <= 0.5 || inside,
                "{name}: {s:?} at {b:?} overlaps the shape at ({x}, {y}, {w}×{h})"
            );
        }
    }
}
