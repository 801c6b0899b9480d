//! Charts (placeholder until the renderer lands).

use std::path::{Path, PathBuf};

use crate::report::Report;

/// A rendered chart.
pub struct RenderedChart {
    /// File name without extension.
    pub name: &'static str,
    /// SVG text.
    pub svg: String,
    /// PNG bytes.
    pub png: Vec<u8>,
}

/// Renders every chart.
pub fn render_all(_report: &Report, _scale: u32) -> anyhow::Result<Vec<RenderedChart>> {
    Ok(Vec::new())
}

/// Renders and writes every chart.
pub fn write_all(_report: &Report, _dir: &Path, _scale: u32) -> anyhow::Result<Vec<PathBuf>> {
    Ok(Vec::new())
}
