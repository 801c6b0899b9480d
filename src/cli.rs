//! Command-line arguments. The doc comments are the `--help` text.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

/// framescope: how different sources frame the same policy topic, in numbers and charts.
///
/// Reads the articles in the input folder (a file is a source; a sub-folder is
/// a source of many articles), counts terms, co-occurrences and the themes of
/// config.toml, and writes report.json and charts to the output folder.
#[derive(Debug, Parser)]
#[command(name = "framescope", version, about, long_about)]
pub struct Cli {
    /// What to do; `run` when left out.
    #[command(subcommand)]
    pub command: Option<Command>,
    /// Options shared by every command.
    #[command(flatten)]
    pub common: CommonArgs,
}

/// The commands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Analyse the input folder and write report.json and charts (the default).
    Run {
        /// Re-run whenever config.toml or an input file changes, and print what changed.
        #[arg(long)]
        watch: bool,
    },
    /// Validate the config and the input folder without running the analysis.
    Check,
    /// Diagnose the word lists: hits and spellings per term, dead terms, overlaps, suggestions.
    Lexicon,
    /// Keyword in context: every match of TERM across the sources, with the words around it.
    Kwic {
        /// A lexicon term: a word, `word*`, a phrase, or CAPITALS (same rules as config.toml).
        term: String,
        /// Words shown on each side.
        #[arg(long, short, default_value_t = 8)]
        window: usize,
    },
}

/// Options every command takes.
#[derive(Debug, Args, Clone)]
pub struct CommonArgs {
    /// The config file.
    #[arg(
        long,
        short,
        global = true,
        default_value = "config.toml",
        value_name = "FILE"
    )]
    pub config: PathBuf,
    /// Folder of articles (overrides `input` in the config).
    #[arg(long, short, global = true, value_name = "DIR")]
    pub input: Option<PathBuf>,
    /// Folder for the outputs (overrides `output` in the config).
    #[arg(long, short, global = true, value_name = "DIR")]
    pub output: Option<PathBuf>,
    /// Worker threads (default: all cores).
    #[arg(long, short = 'j', global = true, value_name = "N", value_parser = clap::value_parser!(u16).range(1..))]
    pub threads: Option<u16>,
    /// No progress bars.
    #[arg(long, short, global = true)]
    pub quiet: bool,
    /// Print the wall time of each stage (and what the cache saved) on stderr.
    #[arg(long, global = true)]
    pub timings: bool,
    /// Neither read nor write the cache of tokenized documents in <output>/.cache/.
    #[arg(long, global = true)]
    pub no_cache: bool,
}
