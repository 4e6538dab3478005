//! Errors that decide the exit code. Commands return `anyhow::Error`; these typed errors, found
//! anywhere in its chain, pick the code: usage/configuration 2, interrupted 130, anything else 1.

use thiserror::Error;

/// Exit codes are a contract with scripts (PRODUCT.md).
pub mod exit {
    pub const OK: u8 = 0;
    pub const FAILED: u8 = 1;
    pub const USAGE: u8 = 2;
    pub const INTERRUPTED: u8 = 130;
}

/// A mistake in how the command was called or configured: exit 2.
#[derive(Debug, Error)]
#[error("{message}")]
pub struct UsageError {
    pub message: String,
    /// A second line telling the user what to do.
    pub hint: Option<String>,
}

impl UsageError {
    pub fn new(message: impl Into<String>) -> Self {
        Self { message: message.into(), hint: None }
    }
    #[must_use]
    pub fn with_hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }
}

/// The session was interrupted (Ctrl-C) after everything was saved: exit 130.
#[derive(Debug, Error)]
#[error("interrupted")]
pub struct Interrupted;
