//! `config.toml` -> validated [`Config`].
//!
//! [`RawConfig`] mirrors the file one to one (serde, unknown keys rejected) and
//! is echoed into report.json with every default filled in. [`Config::load`]
//! turns it into the types the stages trust: resolved folders, the stopword
//! set, boilerplate patterns and the compiled lexicon. Every error names the
//! file, the line and column, the key, and how to fix it.

use std::collections::BTreeMap;
use std::ops::Range;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use indexmap::IndexMap;
use serde::{Deserialize, Serialize};
use toml::Spanned;

use crate::error::BadInput;
use crate::lexicon::{Lexicon, TermList, Theme};
use crate::normalize::LinePattern;
use crate::stem::Stemmer;

/// The file as written, with defaults for what it leaves out.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct RawConfig {
    /// Folder of articles, relative to the config file.
    #[serde(default = "default_input")]
    pub input: String,
    /// Folder for report.json and charts, relative to the config file.
    #[serde(default = "default_output")]
    pub output: String,
    /// File extensions read as articles (case-insensitive, without the dot).
    #[serde(default = "default_extensions")]
    pub extensions: Vec<String>,
    /// Text clean-up and tokenizer options.
    #[serde(default)]
    pub text: TextConfig,
    /// Co-occurrence counting.
    #[serde(default)]
    pub cooccurrence: CooccurrenceConfig,
    /// Sizes of the lists in the report and the charts.
    #[serde(default)]
    pub report: ReportConfig,
    /// Framing analytics: keyness, collocations, anchor context, uncertainty.
    #[serde(default)]
    pub analysis: AnalysisConfig,
    /// The policy term whose framing is compared.
    pub anchor: AnchorConfig,
    /// Theme id -> theme, in the order written.
    #[serde(default)]
    pub themes: IndexMap<String, Spanned<ThemeConfig>>,
    /// Source id -> display label and metadata (optional, any subset of sources).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub sources: BTreeMap<String, SourceMeta>,
}

/// `[sources.<id>]`: how a source is shown. Every key is optional.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct SourceMeta {
    /// Display name in charts, tables and the HTML page.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
    /// Publication or organisation.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub outlet: Option<String>,
    /// Author(s).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub author: Option<String>,
    /// Publication date, as written.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub date: Option<String>,
    /// Where the article was found.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
}

/// `[text]`
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct TextConfig {
    /// Added to the built-in English stopword list.
    #[serde(default)]
    pub extra_stopwords: Vec<String>,
    /// Lines dropped before tokenizing (case-insensitive; a trailing `*` matches any rest of the line).
    #[serde(default = "default_boilerplate")]
    pub boilerplate: Vec<Spanned<String>>,
}

/// `[cooccurrence]`
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct CooccurrenceConfig {
    /// Pairs are counted between content words at most this many content words apart, within a sentence.
    #[serde(default = "default_window")]
    pub window: Spanned<usize>,
}

/// `[report]`
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct ReportConfig {
    /// Length of each `top_terms` list.
    #[serde(default = "default_top_terms")]
    pub top_terms: usize,
    /// Length of the corpus co-occurrence list.
    #[serde(default = "default_top_pairs")]
    pub top_pairs: usize,
    /// Chart resolution multiplier: 1 or 2.
    #[serde(default = "default_chart_scale")]
    pub chart_scale: Spanned<u32>,
}

/// `[analysis]`
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct AnalysisConfig {
    /// Anchor context: the mention's sentence plus this many words each side.
    #[serde(default = "default_context_window")]
    pub context_window: usize,
    /// Minimum count of a term (keyness) or pair (collocations) to be listed.
    #[serde(default = "default_min_count")]
    pub min_count: Spanned<u64>,
    /// Rows listed each way in keyness, and collocates per source.
    #[serde(default = "default_top")]
    pub top: usize,
    /// Bootstrap replicates for the 95% intervals (0 switches intervals off).
    #[serde(default = "default_replicates")]
    pub bootstrap_replicates: usize,
    /// Seed of the bootstrap: same seed, same intervals.
    #[serde(default = "default_seed")]
    pub bootstrap_seed: u64,
    /// A source with at least this many documents is resampled by document, otherwise by sentence.
    #[serde(default = "default_document_units_from")]
    pub document_units_from: usize,
    /// Evidence sentences kept per source and theme.
    #[serde(default = "default_evidence")]
    pub evidence_sentences: usize,
}

fn default_context_window() -> usize {
    25
}
fn default_min_count() -> Spanned<u64> {
    Spanned::new(0..0, 3)
}
fn default_top() -> usize {
    15
}
fn default_replicates() -> usize {
    1000
}
fn default_seed() -> u64 {
    20231
}
fn default_document_units_from() -> usize {
    10
}
fn default_evidence() -> usize {
    3
}

impl Default for AnalysisConfig {
    fn default() -> Self {
        AnalysisConfig {
            context_window: default_context_window(),
            min_count: default_min_count(),
            top: default_top(),
            bootstrap_replicates: default_replicates(),
            bootstrap_seed: default_seed(),
            document_units_from: default_document_units_from(),
            evidence_sentences: default_evidence(),
        }
    }
}

/// `[anchor]`
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct AnchorConfig {
    /// Display label.
    pub label: Spanned<String>,
    /// Lexicon terms (see the README for their semantics).
    pub terms: Spanned<Vec<Spanned<String>>>,
}

/// `[themes.<id>]`
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct ThemeConfig {
    /// Display label; defaults to the id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
    /// Group the theme belongs to: "frames" (how) or "actors" (who), or any name.
    #[serde(default = "default_group")]
    pub group: String,
    /// Lexicon terms.
    pub terms: Spanned<Vec<Spanned<String>>>,
}

fn default_input() -> String {
    "input".into()
}
fn default_output() -> String {
    "output".into()
}
fn default_extensions() -> Vec<String> {
    vec!["txt".into(), "md".into()]
}
fn default_window() -> Spanned<usize> {
    Spanned::new(0..0, 5)
}
fn default_top_terms() -> usize {
    50
}
fn default_top_pairs() -> usize {
    50
}
fn default_chart_scale() -> Spanned<u32> {
    Spanned::new(0..0, 1)
}
fn default_group() -> String {
    "frames".into()
}
/// Comment boxes and share widgets of news sites: not part of any article.
fn default_boilerplate() -> Vec<Spanned<String>> {
    [
        "Leave a comment*",
        "Leave a reply*",
        "Be the first to comment*",
        "You may like",
        "You may also like",
        "Your email address will not be published*",
        "Related articles",
        "Read more*",
        "Share this article*",
        "Advertisement",
    ]
    .into_iter()
    .map(|s| Spanned::new(0..0, s.to_string()))
    .collect()
}

impl Default for TextConfig {
    fn default() -> Self {
        TextConfig {
            extra_stopwords: Vec::new(),
            boilerplate: default_boilerplate(),
        }
    }
}
impl Default for CooccurrenceConfig {
    fn default() -> Self {
        CooccurrenceConfig {
            window: default_window(),
        }
    }
}
impl Default for ReportConfig {
    fn default() -> Self {
        ReportConfig {
            top_terms: default_top_terms(),
            top_pairs: default_top_pairs(),
            chart_scale: default_chart_scale(),
        }
    }
}

/// Command-line values that take precedence over the file.
#[derive(Debug, Clone, Default)]
pub struct Overrides {
    /// `--input`
    pub input: Option<PathBuf>,
    /// `--output`
    pub output: Option<PathBuf>,
}

/// The validated configuration the stages use.
#[derive(Debug)]
pub struct Config {
    /// The file as written plus defaults (echoed into the report).
    pub raw: RawConfig,
    /// Folder of articles.
    pub input_dir: PathBuf,
    /// Folder the outputs go to.
    pub output_dir: PathBuf,
    /// Lowercase extensions without the dot.
    pub extensions: Vec<String>,
    /// Lines dropped before tokenizing.
    pub boilerplate: Vec<LinePattern>,
    /// Stemmer and stopwords: the definition of a term.
    pub stemmer: Stemmer,
    /// Co-occurrence window in content words (>= 1).
    pub window: usize,
    /// Anchor and themes, compiled.
    pub lexicon: Lexicon,
    /// Chart resolution multiplier (1 or 2).
    pub chart_scale: u32,
}

impl Config {
    /// Reads, parses and validates the config file.
    pub fn load(path: &Path, overrides: &Overrides) -> Result<Config> {
        let text = std::fs::read_to_string(path).map_err(|e| {
            BadInput(format!(
                "cannot read config file {}: {e} (pass another one with --config)",
                path.display()
            ))
        })?;
        let base = path.parent().unwrap_or(Path::new(""));
        Config::from_toml(&text, &path.display().to_string(), base, overrides)
    }

    /// Parses and validates config text. `name` is used in messages; relative
    /// folders are resolved against `base`.
    pub fn from_toml(text: &str, name: &str, base: &Path, overrides: &Overrides) -> Result<Config> {
        let raw: RawConfig =
            toml::from_str(text).map_err(|e| BadInput(describe_toml_error(name, text, &e)))?;
        let at = |span: Range<usize>| Location::of(name, text, span);
        validate(raw, base, overrides, &at).context("invalid configuration")
    }
}

fn validate(
    raw: RawConfig,
    base: &Path,
    overrides: &Overrides,
    at: &dyn Fn(Range<usize>) -> Location,
) -> Result<Config> {
    let window = *raw.cooccurrence.window.get_ref();
    if window == 0 {
        return Err(at(raw.cooccurrence.window.span())
            .error("cooccurrence.window = 0: the window must be at least 1 content word (the default is 5)"));
    }
    let chart_scale = *raw.report.chart_scale.get_ref();
    if !(1..=2).contains(&chart_scale) {
        return Err(at(raw.report.chart_scale.span()).error(format!(
            "report.chart_scale = {chart_scale}: use 1 (normal) or 2 (double resolution)"
        )));
    }
    if *raw.analysis.min_count.get_ref() == 0 {
        return Err(at(raw.analysis.min_count.span())
            .error("analysis.min_count = 0: use at least 1 (the default is 3)"));
    }
    let extensions: Vec<String> = raw
        .extensions
        .iter()
        .map(|e| e.trim_start_matches('.').to_lowercase())
        .collect();
    if extensions.iter().any(String::is_empty) || extensions.is_empty() {
        return Err(BadInput(
            "extensions: give at least one non-empty extension, e.g. [\"txt\", \"md\"]".into(),
        )
        .into());
    }
    let boilerplate = raw
        .text
        .boilerplate
        .iter()
        .map(|p| {
            LinePattern::parse(p.get_ref()).map_err(|why| {
                at(p.span()).error(format!("text.boilerplate entry {:?}: {why}", p.get_ref()))
            })
        })
        .collect::<Result<Vec<_>>>()?;
    let stemmer = Stemmer::english(&raw.text.extra_stopwords);

    let anchor_terms = compile_terms("anchor", &raw.anchor.terms, &stemmer, at)?;
    if raw.anchor.label.get_ref().trim().is_empty() {
        return Err(at(raw.anchor.label.span()).error(
            "anchor.label is empty: name the policy term, e.g. label = \"multi-vector policy\"",
        ));
    }
    let mut themes = Vec::with_capacity(raw.themes.len());
    for (id, theme) in &raw.themes {
        let key = format!("themes.{id}");
        if id.trim().is_empty() {
            return Err(at(theme.span())
                .error("a theme id is empty: write [themes.<id>] with a short name"));
        }
        let spec = theme.get_ref();
        if spec.group.trim().is_empty() {
            return Err(at(theme.span()).error(format!(
                "{key}.group is empty: use \"frames\", \"actors\" or another group name"
            )));
        }
        themes.push(Theme {
            id: id.clone(),
            label: spec.label.clone().unwrap_or_else(|| id.clone()),
            group: spec.group.clone(),
            terms: compile_terms(&key, &spec.terms, &stemmer, at)?,
        });
    }
    if themes.is_empty() {
        return Err(BadInput(
            "no themes: add at least one [themes.<id>] table with a label, a group and terms"
                .into(),
        )
        .into());
    }

    let input_dir = overrides
        .input
        .clone()
        .unwrap_or_else(|| base.join(&raw.input));
    let output_dir = overrides
        .output
        .clone()
        .unwrap_or_else(|| base.join(&raw.output));
    Ok(Config {
        lexicon: Lexicon {
            anchor_label: raw.anchor.label.get_ref().clone(),
            anchor: anchor_terms,
            themes,
        },
        raw,
        input_dir,
        output_dir,
        extensions,
        boilerplate,
        stemmer,
        window,
        chart_scale,
    })
}

fn compile_terms(
    key: &str,
    terms: &Spanned<Vec<Spanned<String>>>,
    stemmer: &Stemmer,
    at: &dyn Fn(Range<usize>) -> Location,
) -> Result<TermList> {
    if terms.get_ref().is_empty() {
        return Err(at(terms.span()).error(format!(
            "{key}.terms is empty: list at least one word or phrase"
        )));
    }
    let mut seen = BTreeMap::new();
    let mut list = TermList::default();
    for (i, term) in terms.get_ref().iter().enumerate() {
        let written = term.get_ref();
        if let Some(first) = seen.insert(written.trim().to_string(), i) {
            return Err(at(term.span()).error(format!(
                "{key}.terms[{i}] {written:?} repeats {key}.terms[{first}]: remove one"
            )));
        }
        let compiled = crate::lexicon::Term::parse(written, stemmer)
            .map_err(|why| at(term.span()).error(format!("{key}.terms[{i}] {written:?}: {why}")))?;
        list.terms.push(compiled);
    }
    Ok(list)
}

/// A place in the config file, for messages.
pub struct Location {
    name: String,
    line: usize,
    column: usize,
    known: bool,
}

impl Location {
    fn of(name: &str, text: &str, span: Range<usize>) -> Location {
        let known = span != (0..0);
        let upto = &text[..span.start.min(text.len())];
        let line = upto.matches('\n').count() + 1;
        let column = upto.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
        Location {
            name: name.to_string(),
            line,
            column,
            known,
        }
    }

    fn error(&self, msg: impl std::fmt::Display) -> anyhow::Error {
        if self.known {
            BadInput(format!(
                "{}:{}:{}: {msg}",
                self.name, self.line, self.column
            ))
            .into()
        } else {
            BadInput(format!("{}: {msg}", self.name)).into()
        }
    }
}

/// toml's message already has line, column and a caret snippet; add the file
/// name and, for an unknown key, the closest valid key.
fn describe_toml_error(name: &str, text: &str, err: &toml::de::Error) -> String {
    let mut msg = String::new();
    if let Some(span) = err.span() {
        let loc = Location::of(name, text, span);
        msg.push_str(&format!("{}:{}:{}: ", loc.name, loc.line, loc.column));
    } else {
        msg.push_str(&format!("{name}: "));
    }
    msg.push_str(err.message());
    if let Some(hint) = suggest_key(err.message()) {
        msg.push_str(&format!("; did you mean `{hint}`?"));
    }
    if let Some(hint) = missing_field_hint(err.message()) {
        msg.push_str(&format!("; {hint}"));
    }
    if err.message().starts_with("duplicate key") {
        msg.push_str("; each key and each [themes.<id>] table may appear only once");
    }
    if let Some(span) = err.span() {
        let line_start = text[..span.start].rfind('\n').map_or(0, |i| i + 1);
        let line_end = text[span.start..]
            .find('\n')
            .map_or(text.len(), |i| span.start + i);
        let col = text[line_start..span.start].chars().count();
        msg.push_str(&format!(
            "\n    {}\n    {}^",
            &text[line_start..line_end],
            " ".repeat(col)
        ));
    }
    msg
}

/// How to add a required key that serde reports as "missing field `x`".
fn missing_field_hint(message: &str) -> Option<String> {
    let field = message.strip_prefix("missing field `")?.split('`').next()?;
    Some(match field {
        "anchor" => {
            "add an [anchor] table with `label` and `terms` (see config.toml in the repository)"
                .into()
        }
        "terms" => "add `terms = [\"a word\", \"word*\", \"a phrase\"]` to this table".into(),
        "label" => "add `label = \"...\"` (the name shown in charts)".into(),
        other => format!("add `{other} = ...` to this table"),
    })
}

/// From "unknown field `windw`, expected one of `window`, ..." picks the expected
/// key with the smallest edit distance, if it is close enough to be a typo.
fn suggest_key(message: &str) -> Option<String> {
    let rest = message.strip_prefix("unknown field `")?;
    let (unknown, rest) = rest.split_once('`')?;
    let expected: Vec<&str> = rest.split('`').skip(1).step_by(2).collect();
    expected
        .into_iter()
        .map(|k| (edit_distance(unknown, k), k))
        .filter(|(d, k)| *d <= 2.max(k.len() / 3))
        .min()
        .map(|(_, k)| k.to_string())
}

/// Levenshtein distance over chars.
fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1; b.len() + 1];
        for (j, cb) in b.iter().enumerate() {
            cur[j + 1] = (prev[j] + usize::from(ca != *cb))
                .min(prev[j + 1] + 1)
                .min(cur[j] + 1);
        }
        prev = cur;
    }
    prev[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    const MINIMAL: &str = r#"
[anchor]
label = "multi-vector policy"
terms = ["multi-vector*"]

[themes.economy]
label = "Economy"
terms = ["trade", "invest*"]
"#;

    fn load(text: &str) -> Result<Config> {
        Config::from_toml(text, "config.toml", Path::new(""), &Overrides::default())
    }

    fn error_of(text: &str) -> String {
        format!("{:#}", load(text).unwrap_err())
    }

    #[test]
    fn minimal_config_gets_defaults() {
        let c = load(MINIMAL).unwrap();
        assert_eq!(c.window, 5);
        assert_eq!(c.raw.analysis.context_window, 25);
        assert_eq!(c.raw.report.top_terms, 50);
        assert_eq!(c.extensions, vec!["txt", "md"]);
        assert_eq!(c.input_dir, PathBuf::from("input"));
        assert_eq!(c.lexicon.themes[0].group, "frames");
        assert_eq!(c.lexicon.themes[0].terms.terms.len(), 2);
    }

    #[test]
    fn themes_keep_the_written_order() {
        let text =
            format!("{MINIMAL}\n[themes.zeta]\nterms = [\"z\"]\n[themes.alpha]\nterms = [\"a\"]\n");
        let ids: Vec<String> = load(&text)
            .unwrap()
            .lexicon
            .themes
            .iter()
            .map(|t| t.id.clone())
            .collect();
        assert_eq!(ids, vec!["economy", "zeta", "alpha"]);
    }

    #[test]
    fn unknown_key_is_named_with_line_and_suggestion() {
        let text = MINIMAL.replace("[anchor]", "[cooccurrence]\nwindw = 3\n\n[anchor]");
        let err = error_of(&text);
        assert!(err.contains("config.toml:3:1"), "{err}");
        assert!(err.contains("windw"), "{err}");
        assert!(err.contains("did you mean `window`"), "{err}");
    }

    #[test]
    fn syntax_error_names_line_and_column() {
        let err = error_of("[anchor\nlabel = 1");
        assert!(err.starts_with("config.toml:1:"), "{err}");
    }

    #[test]
    fn zero_window_is_rejected_at_its_line() {
        let text = format!("[cooccurrence]\nwindow = 0\n{MINIMAL}");
        let err = error_of(&text);
        assert!(err.contains("config.toml:2:10"), "{err}");
        assert!(err.contains("at least 1"), "{err}");
    }

    #[test]
    fn bad_glob_and_empty_theme_are_rejected() {
        let err = error_of(&MINIMAL.replace("\"invest*\"", "\"*invest\""));
        assert!(err.contains("themes.economy.terms[1]"), "{err}");
        assert!(err.contains("config.toml:8:"), "{err}");
        let err = error_of(&MINIMAL.replace("[\"trade\", \"invest*\"]", "[]"));
        assert!(err.contains("themes.economy.terms is empty"), "{err}");
        let err = error_of(&MINIMAL.replace("[\"multi-vector*\"]", "[]"));
        assert!(err.contains("anchor.terms is empty"), "{err}");
    }

    #[test]
    fn duplicate_theme_id_is_a_toml_error() {
        let text = format!("{MINIMAL}\n[themes.economy]\nterms = [\"x\"]\n");
        let err = error_of(&text);
        assert!(err.contains("config.toml:10:"), "{err}");
        assert!(err.contains("only once"), "{err}");
    }

    #[test]
    fn empty_anchor_label_points_at_the_label() {
        let err = error_of(&MINIMAL.replace("label = \"multi-vector policy\"", "label = \" \""));
        assert!(err.contains("config.toml:3:9"), "{err}");
        assert!(err.contains("anchor.label is empty"), "{err}");
    }

    #[test]
    fn missing_keys_say_what_to_add() {
        let err = error_of(&MINIMAL.replace("terms = [\"trade\", \"invest*\"]", ""));
        assert!(err.contains("config.toml:6:1"), "{err}");
        assert!(err.contains("missing field `terms`"), "{err}");
        assert!(err.contains("add `terms = ["), "{err}");
        let err = error_of("[themes.economy]\nterms = [\"trade\"]\n");
        assert!(err.contains("add an [anchor] table"), "{err}");
    }

    /// The shipped config.toml documents every key inline: each key line is
    /// preceded by a comment (or sits in a commented block), and every key
    /// the program knows appears in it.
    #[test]
    fn shipped_config_documents_every_key() {
        let text = include_str!("../config.toml");
        let config = load(text).unwrap();
        let effective = toml::Value::try_from(&config.raw).unwrap();
        let mut keys = Vec::new();
        collect_keys(&effective, "", &mut keys);
        let lines: Vec<&str> = text.lines().collect();
        for key in keys {
            let (table, leaf) = key.rsplit_once('.').unwrap_or(("", key.as_str()));
            // The key's own table: `[text]`, or the first `[themes.` table.
            let from = match table.strip_suffix(".*") {
                _ if table.is_empty() => Some(0),
                Some(t) => lines.iter().position(|l| l.starts_with(&format!("[{t}."))),
                None => lines.iter().position(|l| *l == format!("[{table}]")),
            }
            .unwrap_or_else(|| panic!("no table for {key} in config.toml"));
            let at = from
                + lines[from..]
                    .iter()
                    .position(|l| l.trim_start().starts_with(&format!("{leaf} =")))
                    .unwrap_or_else(|| panic!("{key} is not in config.toml"));
            // Walk up over the key's own table header and earlier keys of
            // the block: a comment must come before any blank line.
            let documented = lines[..at]
                .iter()
                .rev()
                .take_while(|l| !l.trim().is_empty())
                .any(|l| l.trim_start().starts_with('#'));
            assert!(documented, "{key} (line {}) has no comment", at + 1);
        }
    }

    /// Dotted key paths of a TOML value; the per-theme and per-source tables
    /// count once (`themes.*.label`), by the first one's keys.
    fn collect_keys(value: &toml::Value, prefix: &str, out: &mut Vec<String>) {
        let Some(table) = value.as_table() else {
            out.push(prefix.to_string());
            return;
        };
        for (k, v) in table {
            // Under themes and sources the keys are ids: one `*` stands for all.
            let k = if prefix == "themes" || prefix == "sources" {
                "*"
            } else {
                k.as_str()
            };
            let path = if prefix.is_empty() {
                k.to_string()
            } else {
                format!("{prefix}.{k}")
            };
            if !out.iter().any(|p| p.starts_with(&path)) {
                collect_keys(v, &path, out);
            }
        }
    }

    /// The default lexicon has the frames and actors the pipeline issue lists.
    #[test]
    fn shipped_lexicon_has_the_required_frames_and_actors() {
        let config = load(include_str!("../config.toml")).unwrap();
        let group_of = |id: &str| {
            config
                .lexicon
                .themes
                .iter()
                .find(|t| t.id == id)
                .map(|t| t.group.clone())
                .unwrap_or_else(|| panic!("theme {id} missing"))
        };
        for id in [
            "economy",
            "connectivity",
            "security",
            "sovereignty",
            "multilateralism",
            "pragmatism",
            "ukraine_war",
            "identity",
            "energy",
        ] {
            assert_eq!(group_of(id), "frames", "{id}");
        }
        for id in [
            "russia",
            "china",
            "west",
            "turkic",
            "central_asia",
            "global_south",
        ] {
            assert_eq!(group_of(id), "actors", "{id}");
        }
        let terms = |id: &str| -> Vec<String> {
            let theme = config.lexicon.themes.iter().find(|t| t.id == id).unwrap();
            theme
                .terms
                .terms
                .iter()
                .map(|t| t.written.clone())
                .collect()
        };
        for (id, term) in [
            ("west", "EU"),
            ("west", "US"),
            ("west", "europ*"),
            ("global_south", "BRICS"),
            ("global_south", "India*"),
            ("global_south", "Iran*"),
            ("global_south", "Gulf"),
        ] {
            assert!(terms(id).iter().any(|t| t == term), "{id} lacks {term}");
        }
    }

    #[test]
    fn edit_distance_counts_single_edits() {
        assert_eq!(edit_distance("window", "window"), 0);
        assert_eq!(edit_distance("windw", "window"), 1);
        assert_eq!(edit_distance("kitten", "sitting"), 3);
    }
}
