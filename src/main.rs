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
    match cli
        .command
        .as_ref()
        .unwrap_or(&Command::Run { watch: false })
    {
        Command::Run { watch: false } => {
            let options = RunOptions {
                threads: args.threads.map(usize::from),
                quiet: args.quiet,
            };
            let outcome = pipeline::run(&config, &options)?;
            print_outcome(&outcome, args.timings)
        }
        Command::Run { watch: true } => {
            let options = RunOptions {
                threads: args.threads.map(usize::from),
                quiet: args.quiet,
            };
            framescope::watch::watch(&args.config, &overrides, &options, |outcome| {
                print_outcome(outcome, args.timings)
            })
        }
        Command::Check => {
            let outcome = pipeline::check(&config)?;
            let mut text = format!(
                "config {} is valid: anchor {:?}, {} themes\ninput {}: {} sources, {} readable documents\n",
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
            print_text(&text)
        }
        Command::Lexicon => {
            let options = RunOptions {
                threads: args.threads.map(usize::from),
                quiet: args.quiet,
            };
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
    }
    let mut text = headline_table(&outcome.report);
    text.push_str("\nWrote:\n");
    for path in &outcome.written {
        text.push_str(&format!("  {}\n", path.display()));
    }
    print_text(&text)
}

/// Writes to stdout; a closed pipe (`| head`) is not an error.
fn print_text(text: &str) -> anyhow::Result<()> {
    match std::io::stdout().write_all(text.as_bytes()) {
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        other => Ok(other?),
    }
}
