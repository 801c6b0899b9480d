//! framescope: how different sources frame the same policy topic.
//!
//! Modules in pipeline order: the command line and config are parsed and
//! validated once; `ingest` finds and decodes documents; `normalize`,
//! `tokenize`, `stem` and `lexicon` turn text into terms and theme matches;
//! `count` tallies them per document and merges tallies; `analyze` derives
//! the figures; `report` writes report.json and the charts. `pipeline` runs
//! the stages in order over a thread pool.

pub mod analyze;
pub mod cache;
pub mod cli;
pub mod config;
pub mod count;
pub mod error;
pub mod ingest;
pub mod kwic;
pub mod lexicon;
pub mod normalize;
pub mod pipeline;
pub mod prepare;
pub mod report;
pub mod stem;
pub mod tokenize;
pub mod watch;
