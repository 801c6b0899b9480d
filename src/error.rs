//! Exit codes and the error that marks a problem with the user's input.
//!
//! Any error whose chain contains [`BadInput`] exits with code 2 (fix the
//! config or the input); every other error is a run-time failure, code 1.

use std::fmt;

/// Exit code for success.
pub const EXIT_OK: i32 = 0;
/// Exit code for a run-time failure (I/O on output, a bug).
pub const EXIT_FAILURE: i32 = 1;
/// Exit code for bad input or config: the user has something to fix.
pub const EXIT_BAD_INPUT: i32 = 2;

/// A problem the user fixes in their config, command line or input folder.
#[derive(Debug)]
pub struct BadInput(pub String);

impl fmt::Display for BadInput {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for BadInput {}

/// Shorthand for `Err(BadInput(msg).into())`.
pub fn bad_input<T>(msg: impl Into<String>) -> anyhow::Result<T> {
    Err(BadInput(msg.into()).into())
}

/// The exit code an error maps to.
pub fn exit_code(err: &anyhow::Error) -> i32 {
    if err.chain().any(|e| e.is::<BadInput>()) {
        EXIT_BAD_INPUT
    } else {
        EXIT_FAILURE
    }
}
