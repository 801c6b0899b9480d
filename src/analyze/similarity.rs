//! Source similarity: shared vocabulary (cosine of TF-IDF vectors) and shared
//! framing (Jensen-Shannon divergence of frame-theme hit distributions).

use crate::analyze::stats;
use crate::count::StemTable;
use crate::lexicon::Lexicon;
use crate::report::{Similarity, SourceReport};

/// Every pair of sources (a before b in source order).
pub fn similarity(
    lexicon: &Lexicon,
    sources: &[SourceReport],
    table: &StemTable,
) -> Vec<Similarity> {
    let vectors = stats::tfidf(&table.counts);
    let frames: Vec<&str> = {
        let f: Vec<&str> = lexicon
            .themes
            .iter()
            .filter(|t| t.group == "frames")
            .map(|t| t.id.as_str())
            .collect();
        if f.is_empty() {
            lexicon.themes.iter().map(|t| t.id.as_str()).collect()
        } else {
            f
        }
    };
    let profile = |s: &SourceReport| -> Vec<f64> {
        frames
            .iter()
            .map(|id| s.themes.get(*id).map_or(0.0, |t| t.hits as f64))
            .collect()
    };
    let mut out = Vec::new();
    for a in 0..sources.len() {
        for b in a + 1..sources.len() {
            out.push(Similarity {
                source_a: sources[a].id.clone(),
                source_b: sources[b].id.clone(),
                cosine_tfidf: stats::cosine(&vectors[a], &vectors[b]),
                jsd_frames: stats::jensen_shannon(&profile(&sources[a]), &profile(&sources[b])),
            });
        }
    }
    out
}
