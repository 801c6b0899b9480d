//! `output/index.html`: one self-contained page with every chart, a caption
//! on how to read it, the key tables, the evidence sentences and the run's
//! metadata. No external assets and no JavaScript: charts are embedded as
//! PNG data URIs. Every string that comes from an article or the config is
//! HTML-escaped.

use std::fmt::Write;

use base64::Engine;

use super::charts::RenderedChart;
use super::Report;

/// Escapes text for HTML element content and attribute values.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// How to read each chart, by file name (prefix match for per-group charts).
fn caption(name: &str, report: &Report) -> String {
    let window = report.config.analysis.context_window;
    let text = match name {
        "theme_emphasis" => "Bars: hits of each frame theme per 1,000 words of each source (all words, stopwords included). Whiskers: 95% bootstrap intervals; where two sources' whiskers overlap widely, the difference may be noise (see the differences table).".to_string(),
        n if n.starts_with("theme_heatmap") => "Each cell: theme hits per 1,000 words in that source; brighter = more emphasis. Compare along a column to see which source stresses a theme.".to_string(),
        "top_terms" => "The most frequent stems of each source (shown by their most common spelling), per 10,000 tokens after stopword removal; same scale in every panel.".to_string(),
        "anchor_mentions" => format!("How often each source names the anchor ({}), per 1,000 words; n = raw mentions. Few mentions make the framing profile below rough.", report.anchor.label),
        n if n.starts_with("framing_profile") => format!("What surrounds the anchor: for each source, the shares of theme hits within the sentence and ±{window} words of every mention (each hit counted once)."),
        "vector_balance" => "Shares of the actor themes per source; the balance index is the normalised entropy of the shares (1 = attention spread evenly over all actors, 0 = one actor only).".to_string(),
        "keyness" => "Terms each source uses more (right) or less (left) than all other sources together; bar = log2 ratio of relative frequencies (1 = twice as frequent). Pale bars rest on small counts.".to_string(),
        "anchor_collocates" => "Content words that occur next to the anchor (within the co-occurrence window, same sentence), ranked by log-Dice; n = co-occurrences.".to_string(),
        "similarity" => "Cosine similarity of the sources' TF-IDF term vectors: 1 = same vocabulary, 0 = nothing in common.".to_string(),
        "similarity_framing" => "Jensen-Shannon divergence of the sources' frame-theme profiles: 0 = same mix of frames, 1 = disjoint.".to_string(),
        _ => String::new(),
    };
    escape(&text)
}

const STYLE: &str = "body{font-family:DejaVu Sans,Verdana,sans-serif;max-width:1200px;margin:2em auto;padding:0 1em;color:#222;line-height:1.45}\
h1{font-size:1.6em}h2{margin-top:2em;border-bottom:1px solid #ccc}figure{margin:1.5em 0}img{max-width:100%;height:auto;border:1px solid #eee}\
figcaption{color:#444;font-size:.95em;max-width:900px}table{border-collapse:collapse;margin:1em 0;font-size:.9em}\
th,td{border:1px solid #ddd;padding:.25em .5em;text-align:left;vertical-align:top}td.n{text-align:right;font-variant-numeric:tabular-nums}\
th{background:#f4f4f4}mark{background:#ffe58a}.flag{color:#8a4b00}small{color:#666}";

/// Renders the page.
pub fn render(report: &Report, charts: &[RenderedChart]) -> String {
    let mut h = String::new();
    let title = format!("framescope: how sources frame “{}”", report.anchor.label);
    let _ = write!(
        h,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>{}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n<h1>{}</h1>\n",
        escape(&title),
        escape(&title)
    );
    metadata(&mut h, report);
    flags(&mut h, report);
    sources_table(&mut h, report);
    let _ = writeln!(h, "<h2>Charts</h2>");
    for chart in charts {
        let png = base64::engine::general_purpose::STANDARD.encode(&chart.png);
        let name: &str = &chart.name;
        let _ = writeln!(
            h,
            "<figure id=\"chart-{name}\"><img src=\"data:image/png;base64,{png}\" alt=\"chart {name}\"><figcaption><b>{name}</b> — {cap} <small>(also charts/{name}.png and .svg)</small></figcaption></figure>",
            name = escape(name),
            cap = caption(name, report),
        );
    }
    emphasis_table(&mut h, report);
    keyness_table(&mut h, report);
    framing_table(&mut h, report);
    differences_table(&mut h, report);
    evidence(&mut h, report);
    lexicon(&mut h, report);
    h.push_str("</body>\n</html>\n");
    h
}

fn metadata(h: &mut String, r: &Report) {
    let c = &r.config;
    let _ = writeln!(
        h,
        "<p>{} sources, {} documents, {} words ({} tokens after stopword removal, {} distinct stems). Anchor terms: {}. \
         Co-occurrence window ±{} content words; anchor context: sentence ± {} words; {} bootstrap replicates, seed {}. \
         framescope {}, report schema {}. Every figure is in <code>report.json</code> and <code>tables/*.csv</code>.</p>",
        r.sources.len(),
        r.corpus.documents,
        r.corpus.words,
        r.corpus.tokens,
        r.corpus.types,
        escape(&r.anchor.terms.join(", ")),
        c.cooccurrence.window.get_ref(),
        c.analysis.context_window,
        c.analysis.bootstrap_replicates,
        c.analysis.bootstrap_seed,
        env!("CARGO_PKG_VERSION"),
        r.schema_version
    );
    if !r.skipped.is_empty() {
        let _ = writeln!(h, "<p class=\"flag\">Skipped files:</p><ul>");
        for s in &r.skipped {
            let _ = writeln!(h, "<li>{}: {}</li>", escape(&s.path), escape(&s.reason));
        }
        h.push_str("</ul>\n");
    }
}

fn flags(h: &mut String, r: &Report) {
    if r.analysis.flags.is_empty() {
        return;
    }
    let _ = writeln!(h, "<h2>Read with care</h2><ul>");
    for f in &r.analysis.flags {
        let who = label_of(r, &f.source);
        let _ = writeln!(
            h,
            "<li class=\"flag\">{}{}</li>",
            if who.is_empty() {
                String::new()
            } else {
                format!("{}: ", escape(&who))
            },
            escape(&f.message)
        );
    }
    h.push_str("</ul>\n");
}

fn label_of(r: &Report, id: &str) -> String {
    r.sources
        .iter()
        .find(|s| s.id == id)
        .map_or_else(|| id.to_string(), |s| s.label.clone())
}

fn sources_table(h: &mut String, r: &Report) {
    let _ = writeln!(h, "<h2>Sources</h2><table><tr><th>source</th><th>id</th><th>outlet</th><th>author</th><th>date</th><th>url</th><th>documents</th><th>words</th><th>anchor mentions</th><th>per 1,000 words</th><th>encoding</th></tr>");
    for s in &r.sources {
        let m = &s.meta;
        let opt = |x: &Option<String>| escape(x.as_deref().unwrap_or(""));
        let encodings: Vec<String> = s
            .encodings
            .iter()
            .map(|(e, n)| format!("{e} ({n})"))
            .collect();
        let _ = writeln!(
            h,
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{:.2}</td><td>{}</td></tr>",
            escape(&s.label),
            escape(&s.id),
            opt(&m.outlet),
            opt(&m.author),
            opt(&m.date),
            opt(&m.url),
            s.documents,
            s.words,
            s.anchor.mentions,
            s.anchor.per_1k,
            escape(&encodings.join(", "))
        );
    }
    h.push_str("</table>\n");
}

fn emphasis_table(h: &mut String, r: &Report) {
    let _ = writeln!(h, "<h2>Theme emphasis</h2><p>Hits per 1,000 words [95% interval].</p><table><tr><th>theme</th><th>group</th>");
    for s in &r.sources {
        let _ = write!(h, "<th>{}</th>", escape(&s.label));
    }
    h.push_str("</tr>\n");
    for t in &r.themes {
        let _ = write!(
            h,
            "<tr><td>{}</td><td>{}</td>",
            escape(&t.label),
            escape(&t.group)
        );
        for s in &r.sources {
            let cell =
                s.themes
                    .get(&t.id)
                    .map_or_else(String::new, |x| match (x.ci_low, x.ci_high) {
                        (Some(lo), Some(hi)) => {
                            format!("{:.1} <small>[{lo:.1}–{hi:.1}]</small>", x.per_1k)
                        }
                        _ => format!("{:.1}", x.per_1k),
                    });
            let _ = write!(h, "<td class=\"n\">{cell}</td>");
        }
        h.push_str("</tr>\n");
    }
    h.push_str("</table>\n");
}

fn keyness_table(h: &mut String, r: &Report) {
    let _ = writeln!(h, "<h2>Keyness</h2><p>Top terms each source over- and under-uses against all others (G² on the full 2×2 table; log ratio = log2 of the relative-frequency ratio).</p><table><tr><th>source</th><th>over-used</th><th>under-used</th></tr>");
    for k in &r.analysis.keyness {
        let list = |dir: &str| -> String {
            k.terms
                .iter()
                .filter(|t| t.direction == dir)
                .take(8)
                .map(|t| {
                    format!(
                        "{} <small>({}/{}, {:+.1})</small>",
                        escape(&t.label),
                        t.count_source,
                        t.count_rest,
                        t.log_ratio
                    )
                })
                .collect::<Vec<_>>()
                .join(", ")
        };
        let _ = writeln!(
            h,
            "<tr><td>{}</td><td>{}</td><td>{}</td></tr>",
            escape(&label_of(r, &k.source)),
            list("over"),
            list("under")
        );
    }
    h.push_str("</table>\n");
}

fn framing_table(h: &mut String, r: &Report) {
    let _ = writeln!(h, "<h2>Framing profile and balance</h2><table><tr><th>source</th><th>mentions</th><th>top frames near the anchor</th><th>top actors near the anchor</th><th>actor balance</th></tr>");
    for f in &r.analysis.framing {
        let top = |group: &str| -> String {
            let mut rows: Vec<_> = f
                .themes
                .iter()
                .filter(|t| t.group == group && t.hits_near_anchor > 0)
                .collect();
            rows.sort_by(|a, b| {
                b.hits_near_anchor
                    .cmp(&a.hits_near_anchor)
                    .then_with(|| a.theme.cmp(&b.theme))
            });
            rows.iter()
                .take(3)
                .map(|t| {
                    format!(
                        "{} {:.0}%",
                        escape(&theme_label(r, &t.theme)),
                        t.share * 100.0
                    )
                })
                .collect::<Vec<_>>()
                .join(", ")
        };
        let balance = r
            .analysis
            .balance
            .iter()
            .find(|b| b.source == f.source && b.group == "actors")
            .map_or_else(String::new, |b| {
                format!(
                    "{:.2} (most: {})",
                    b.entropy,
                    escape(&theme_label(r, &b.dominant))
                )
            });
        let _ = writeln!(
            h,
            "<tr><td>{}</td><td class=\"n\">{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            escape(&label_of(r, &f.source)),
            f.mentions,
            top("frames"),
            top("actors"),
            balance
        );
    }
    h.push_str("</table>\n");
}

fn theme_label(r: &Report, id: &str) -> String {
    r.themes
        .iter()
        .find(|t| t.id == id)
        .map_or_else(|| id.to_string(), |t| t.label.clone())
}

fn differences_table(h: &mut String, r: &Report) {
    let beyond: Vec<_> = r
        .analysis
        .differences
        .iter()
        .filter(|d| d.beyond_noise)
        .collect();
    let _ = writeln!(
        h,
        "<h2>Differences larger than the noise</h2><p>{} of {} pairwise theme differences have a 95% bootstrap interval of the log2 rate ratio that excludes 0. \
         Each interval is a separate 95% statement: even with no real difference anywhere, about 1 in 20 ({} of {}) would exclude 0 by chance, so trust the wide margins more than the count.</p>",
        beyond.len(),
        r.analysis.differences.len(),
        (r.analysis.differences.len() as f64 * 0.05).round(),
        r.analysis.differences.len()
    );
    if beyond.is_empty() {
        return;
    }
    h.push_str("<table><tr><th>theme</th><th>source A</th><th>source B</th><th>log2(A/B)</th><th>95% interval</th></tr>\n");
    for d in beyond {
        let _ = writeln!(
            h,
            "<tr><td>{}</td><td>{}</td><td>{}</td><td class=\"n\">{:+.2}</td><td class=\"n\">{:+.2} to {:+.2}</td></tr>",
            escape(&theme_label(r, &d.theme)),
            escape(&label_of(r, &d.source_a)),
            escape(&label_of(r, &d.source_b)),
            d.log_ratio,
            d.ci_low,
            d.ci_high
        );
    }
    h.push_str("</table>\n");
}

/// The sentence with its hits in `<mark>`, every piece escaped.
fn marked(text: &str, marks: &[[u32; 2]]) -> String {
    let mut out = String::new();
    let mut at = 0usize;
    for &[a, b] in marks {
        let (a, b) = (a as usize, b as usize);
        if a < at || b > text.len() || !text.is_char_boundary(a) || !text.is_char_boundary(b) {
            continue;
        }
        out.push_str(&escape(&text[at..a]));
        let _ = write!(out, "<mark>{}</mark>", escape(&text[a..b]));
        at = b;
    }
    out.push_str(&escape(&text[at..]));
    out
}

fn evidence(h: &mut String, r: &Report) {
    let _ = writeln!(h, "<h2>Evidence</h2><p>For each source and theme, the sentences with the most hits (hits marked).</p>");
    for s in &r.sources {
        let _ = writeln!(
            h,
            "<h3>{}</h3><table><tr><th>theme</th><th>sentence</th><th>where</th></tr>",
            escape(&s.label)
        );
        for e in r.analysis.evidence.iter().filter(|e| e.source == s.id) {
            for sentence in &e.sentences {
                let _ = writeln!(
                    h,
                    "<tr><td>{}</td><td>{}</td><td><small>{} sentence {}, bytes {}–{}</small></td></tr>",
                    escape(&theme_label(r, &e.theme)),
                    marked(&sentence.text, &sentence.marks),
                    escape(&sentence.document),
                    sentence.sentence,
                    sentence.start,
                    sentence.end
                );
            }
        }
        h.push_str("</table>\n");
    }
}

fn lexicon(h: &mut String, r: &Report) {
    let l = &r.lexicon;
    let _ = writeln!(h, "<h2>Lexicon diagnostics</h2><table><tr><th>list</th><th>hits</th><th>dead terms</th><th>dominant term</th><th>spellings matched (top)</th></tr>");
    for list in &l.lists {
        let dead: Vec<String> = list
            .terms
            .iter()
            .filter(|t| t.dead)
            .map(|t| escape(&t.term))
            .collect();
        let dominant = if list.dominant_term.is_empty() {
            String::new()
        } else {
            format!(
                "{} ({:.0}% of hits)",
                escape(&list.dominant_term),
                list.dominant_share * 100.0
            )
        };
        let mut spellings: Vec<(&str, u64)> = list
            .terms
            .iter()
            .flat_map(|t| t.variants.iter().map(|v| (v.spelling.as_str(), v.count)))
            .collect();
        spellings.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(b.0)));
        let shown: Vec<String> = spellings
            .iter()
            .take(8)
            .map(|(s, n)| format!("{} ({n})", escape(s)))
            .collect();
        let _ = writeln!(
            h,
            "<tr><td>{}</td><td class=\"n\">{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            escape(&list.id),
            list.hits,
            dead.join(", "),
            dominant,
            shown.join(", ")
        );
    }
    h.push_str("</table>\n");
    if !l.overlaps.is_empty() {
        let _ = writeln!(h, "<p>Spellings counted by more than one theme:</p><ul>");
        for o in &l.overlaps {
            let by: Vec<String> = o
                .matched_by
                .iter()
                .map(|(k, n)| format!("{} ({n})", escape(k)))
                .collect();
            let _ = writeln!(h, "<li>{}: {}</li>", escape(&o.spelling), by.join(", "));
        }
        h.push_str("</ul>\n");
    }
    if !l.suggestions.is_empty() {
        let _ = writeln!(h, "<p>Words no list covers, near the anchor or next to a theme's matches (candidates to add):</p><table><tr><th>list</th><th>word</th><th>co-occurrences</th><th>log-Dice</th></tr>");
        for s in &l.suggestions {
            let _ = writeln!(
                h,
                "<tr><td>{}</td><td>{}</td><td class=\"n\">{}</td><td class=\"n\">{:.1}</td></tr>",
                escape(&s.list),
                escape(&s.form),
                s.count,
                s.log_dice
            );
        }
        h.push_str("</table>\n");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escape_covers_markup_and_quotes() {
        assert_eq!(
            escape("<script>alert('x')</script> & \"q\""),
            "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;q&quot;"
        );
    }

    #[test]
    fn marks_are_escaped_piecewise() {
        assert_eq!(
            marked("a <b> trade & c", &[[6, 11]]),
            "a &lt;b&gt; <mark>trade</mark> &amp; c"
        );
        // A mark that would split a character is ignored, never a panic.
        assert_eq!(marked("é", &[[1, 2]]), "é");
    }
}
