//! framescope's entry point: parse arguments, load the config, run, report.

use std::io::Write;
use std::process::ExitCode;

use clap::Parser;

use framescope::cli::{Cli, Command};
use framescope::config::{Config, Overrides};
use framescope::error::exit_code;
use framescope::kwic;
use framescope::pipeline::{self, RunOptions, RunOutcome};
use framescope::report::summary::{headline_table, lexicon_report};

fn main() -> ExitCode {
    framescope::fix_mmap_threshold();
    let cli = Cli::parse();
    match run(&cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("error: {err:#}");
            ExitCode::from(exit_code(&err) as u8)
        }
    }
}

fn run(cli: &Cli) -> anyhow::Result<()> {
    let args = &cli.common;
    let overrides = Overrides {
        input: args.input.clone(),
        output: args.output.clone(),
    };
    let config = Config::load(&args.config, &overrides)?;
    let options = RunOptions {
        threads: args.threads.map(usize::from),
        quiet: args.quiet,
        no_cache: args.no_cache,
    };
    match cli
        .command
        .as_ref()
        .unwrap_or(&Command::Run { watch: false })
    {
        Command::Run { watch: false } => {
            // The process ends with this run: handing its many small
            // allocations back one by one would cost a re-run 5% of its time.
            framescope::exit_frees_memory();
            let outcome = pipeline::run(&config, &options)?;
            let printed = print_outcome(&outcome, args.timings);
            std::mem::forget(outcome);
            printed
        }
        Command::Run { watch: true } => {
            framescope::watch::watch(&args.config, &overrides, &options, |outcome| {
                print_outcome(outcome, args.timings)
            })
        }
        Command::Check => {
            let outcome = pipeline::check(&config)?;
            let mut text = format!(
                "config {} is valid: anchor {:?}, {} themes\ninput {}: {} sources, {} readable documents with words\n",
                args.config.display(),
                config.lexicon.anchor_label,
                config.lexicon.themes.len(),
                config.input_dir.display(),
                outcome.sources,
                outcome.readable
            );
            for s in &outcome.skipped {
                text.push_str(&format!("would skip {}: {}\n", s.path, s.reason));
            }
            for path in &outcome.empty {
                text.push_str(&format!("no words in {path} (empty or not prose)\n"));
            }
            print_text(&text)
        }
        Command::Lexicon => {
            let outcome = pipeline::analyse(&config, &options)?;
            print_text(&lexicon_report(&outcome.report))
        }
        Command::Kwic { term, window } => {
            let corpus = pipeline::discover(&config)?;
            let lines = kwic::concordance(&config, &corpus, term, *window)?;
            let mut text = kwic::format(&lines);
            text.push_str(&format!("{} matches of {term:?}\n", lines.len()));
            print_text(&text)
        }
    }
}

fn print_outcome(outcome: &RunOutcome, timings: bool) -> anyhow::Result<()> {
    for warning in &outcome.warnings {
        eprintln!("warning: {warning}");
    }
    if timings {
        for (stage, took) in &outcome.timings {
            eprintln!("timing: {stage:<12} {:>9.3} s", took.as_secs_f64());
        }
        if let Some(cache) = &outcome.cache {
            eprintln!(
                "cache: {} of {} documents and {} of {} sources' term counts reused",
                cache.documents_reused, cache.documents, cache.sources_reused, cache.sources
            );
            eprintln!(
                "cache: {} of {} files read to hash them (the others' stamps were unchanged)",
                cache.files_hashed, cache.documents
            );
            eprintln!(
                "cache: {} of {} charts' images reused (the others were rasterised)",
                cache.charts_reused, cache.charts
            );
            match cache.spellings_reused {
                Some(n) => eprintln!(
                    "cache: the vocabulary ({n} spellings) was rebuilt from the cache and shared by the workers; {} of {} segments took their spelling numbers from it",
                    cache.segments_numbered, cache.segments
                ),
                None => eprintln!("cache: no vocabulary reused (each worker stems the words it meets)"),
            }
            if cache.digest_reused {
                eprintln!("cache: the pair digest was reused (no pair table was read or summed)");
            } else {
                eprintln!("cache: the pair digest was built from the pair tables");
            }
            let b = cache.bootstrap;
            eprintln!(
                "cache: bootstrap of {} sources: {} took every sum from the last run, {} summed the changed themes from kept draws, {} drew",
                b.memo + b.kept_draws + b.drawn,
                b.memo,
                b.kept_draws,
                b.drawn
            );
        }
    }
    let mut text = headline_table(&outcome.report);
    text.push_str(&written_summary(&outcome.written));
    print_text(&text)
}

/// Where the outputs are: single files by path, folders with a count per extension.
fn written_summary(paths: &[std::path::PathBuf]) -> String {
    use std::collections::BTreeMap;
    let mut folders: BTreeMap<String, BTreeMap<String, usize>> = BTreeMap::new();
    let mut files = Vec::new();
    for path in paths {
        let parent = path
            .parent()
            .map(|p| p.display().to_string())
            .unwrap_or_default();
        let ext = path
            .extension()
            .map(|e| e.to_string_lossy().into_owned())
            .unwrap_or_default();
        if matches!(ext.as_str(), "png" | "svg" | "csv") {
            *folders.entry(parent).or_default().entry(ext).or_insert(0) += 1;
        } else {
            files.push(path.display().to_string());
        }
    }
    let mut text = String::from("\nWrote:\n");
    for file in files {
        text.push_str(&format!("  {file}\n"));
    }
    for (folder, counts) in folders {
        let counts: Vec<String> = counts.iter().map(|(ext, n)| format!("{n} {ext}")).collect();
        text.push_str(&format!("  {folder}/ ({})\n", counts.join(", ")));
    }
    text
}

/// Writes to stdout; a closed pipe (`| head`) is not an error.
fn print_text(text: &str) -> anyhow::Result<()> {
    match std::io::stdout().write_all(text.as_bytes()) {
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        other => Ok(other?),
    }
}
