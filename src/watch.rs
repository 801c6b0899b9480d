//! `framescope run --watch`: re-run whenever config.toml or an input file
//! changes, and say what changed in the headline figures.
//!
//! Watching is by polling (every half second) a fingerprint of the config
//! file and of every file under the input folder (path, size, modification
//! time): no platform file-event API, so it behaves the same everywhere.

use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

use anyhow::Result;

use crate::config::{Config, Overrides};
use crate::pipeline::{self, RunOptions, RunOutcome};
use crate::report::Report;

/// How often the files are looked at.
const POLL: Duration = Duration::from_millis(500);

/// (path, size, modified) of every file that can change the result.
fn fingerprint(config_path: &Path, input: &Path) -> Vec<(PathBuf, u64, Option<SystemTime>)> {
    let mut out = Vec::new();
    let mut stack = vec![config_path.to_path_buf(), input.to_path_buf()];
    while let Some(path) = stack.pop() {
        let Ok(meta) = std::fs::metadata(&path) else {
            continue;
        };
        if meta.is_dir() {
            if let Ok(entries) = std::fs::read_dir(&path) {
                stack.extend(entries.flatten().map(|e| e.path()));
            }
        } else {
            out.push((path, meta.len(), meta.modified().ok()));
        }
    }
    out.sort();
    out
}

/// Lines "source / theme: old -> new" for every headline figure that changed.
pub fn changes(before: &Report, after: &Report) -> Vec<String> {
    let mut out = Vec::new();
    for s in &after.sources {
        let Some(old) = before.sources.iter().find(|o| o.id == s.id) else {
            out.push(format!("{}: new source", s.label));
            continue;
        };
        if old.anchor.mentions != s.anchor.mentions {
            out.push(format!(
                "{} / anchor mentions: {} -> {}",
                s.label, old.anchor.mentions, s.anchor.mentions
            ));
        }
        for t in after.themes.iter().filter(|t| t.group == "frames") {
            let rate = |r: &crate::report::SourceReport| r.themes.get(&t.id).map(|x| x.per_1k);
            match (rate(old), rate(s)) {
                (Some(a), Some(b)) if (a - b).abs() >= 0.05 => {
                    out.push(format!(
                        "{} / {}: {a:.1} -> {b:.1} per 1,000 words",
                        s.label, t.label
                    ));
                }
                (None, Some(b)) => out.push(format!(
                    "{} / {} (new theme): {b:.1} per 1,000 words",
                    s.label, t.label
                )),
                _ => {}
            }
        }
    }
    for s in &before.sources {
        if !after.sources.iter().any(|n| n.id == s.id) {
            out.push(format!("{}: source removed", s.label));
        }
    }
    out
}

/// Runs, then re-runs on every change until interrupted. `report` prints an
/// outcome; a failing re-run (a config typo mid-edit) is printed and watching goes on.
pub fn watch(
    config_path: &Path,
    overrides: &Overrides,
    options: &RunOptions,
    mut report: impl FnMut(&RunOutcome) -> Result<()>,
) -> Result<()> {
    let config = Config::load(config_path, overrides)?;
    let mut last = pipeline::run(&config, options)?;
    report(&last)?;
    let mut input = config.input_dir.clone();
    let mut seen = fingerprint(config_path, &input);
    eprintln!(
        "watching {} and {} (Ctrl-C to stop)",
        config_path.display(),
        input.display()
    );
    loop {
        std::thread::sleep(POLL);
        let now = fingerprint(config_path, &input);
        if now == seen {
            continue;
        }
        seen = now;
        let run = Config::load(config_path, overrides).and_then(|config| {
            input = config.input_dir.clone();
            pipeline::run(&config, options)
        });
        match run {
            Ok(outcome) => {
                let changed = changes(&last.report, &outcome.report);
                report(&outcome)?;
                if changed.is_empty() {
                    println!("re-run: no headline figure changed");
                } else {
                    println!("re-run: what changed");
                    for line in changed {
                        println!("  {line}");
                    }
                }
                last = outcome;
            }
            Err(err) => eprintln!("error: {err:#} (fix it and save again; still watching)"),
        }
    }
}
