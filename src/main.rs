//! framescope's entry point: parse arguments, load the config, run, report.

use std::io::Write;
use std::process::ExitCode;

use clap::Parser;

use framescope::cli::{Cli, Command};
use framescope::config::{Config, Overrides};
use framescope::error::exit_code;
use framescope::pipeline::{self, RunOptions, RunOutcome};
use framescope::report::summary::headline_table;

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
    match cli.command.as_ref().unwrap_or(&Command::Run) {
        Command::Run => {
            let options = RunOptions {
                threads: args.threads.map(usize::from),
                quiet: args.quiet,
            };
            let outcome = pipeline::run(&config, &options)?;
            print_outcome(&outcome, args.timings)
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
    // A closed pipe (`| head`) is not an error.
    match std::io::stdout().write_all(text.as_bytes()) {
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        other => Ok(other?),
    }
}
