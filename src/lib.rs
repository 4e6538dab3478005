//! mockdesign — a mock system-design interview simulator for the terminal.
//!
//! Module map (a pure core, a thin shell; `tests/it/architecture.rs` checks that the core —
//! catalog, model, text, session, grade, progress — uses no shell module, disk, socket or clock):
//! - [`cli`]: clap definitions only.
//! - [`command`]: one file per subcommand; the only place that wires core and shell together.
//! - [`catalog`]: designs — embedded `prompts/`, `rubrics/` and model `answers/`, user overrides,
//!   validation. No I/O beyond reading the user's design files.
//! - [`session`]: the interview engine, a pure state machine (events in, effects out). Never touches
//!   the terminal, the clock, the network or the disk.
//! - [`grade`]: the `Grader` trait, the rubric grader (compile, analyse, match, judge; word lists in
//!   `lexicon/`), self-scoring, the curveball's grade and the LLM grader (`grade::llm`, the one
//!   place that touches the network).
//! - [`model`]: the plain data that crosses modules — a session's record, a scorecard, an answer
//!   split into phases. Serde shapes, no I/O.
//! - [`store`]: the only code that touches `DATA/sessions/`: atomic save, load, list, resolve, the
//!   one-writer lock. The driver hands the engine's `Effect::Persist` to it.
//! - [`driver`]: the async loop that turns effects into I/O and timers into events.
//! - [`terminal`]: the shell — input, countdown, Markdown and scorecard rendering.
//! - [`progress`]: history, statistics, the weekly goal, the next session and comparisons, computed
//!   over loaded transcripts with the time passed in. Never reads the clock or the disk.
//! - [`text`]: word folding shared by the grader, the facts, the catalog's checks and the model
//!   answers (a stemmer, word splitting, evidence quotes). Pure.
//! - [`paths`], [`config`]: where data lives and what the user configured.

pub mod catalog;
pub mod cli;
pub mod command;
pub mod config;
pub mod driver;
pub mod error;
pub mod grade;
pub mod model;
pub mod paths;
pub mod progress;
pub mod session;
pub mod store;
pub mod terminal;
pub mod text;

use std::ffi::OsString;
use std::io::Write;
use std::process::ExitCode;

use clap::Parser;

use crate::error::{Interrupted, UsageError, exit};

/// Parse `args`, run the command and turn the result into an exit code, printing any error once
/// as `mockdesign: error: …` with a hint. Never panics for anything a user can cause.
pub fn main_entry(args: impl IntoIterator<Item = OsString>) -> ExitCode {
    let cli = match cli::Cli::try_parse_from(args) {
        Ok(cli) => cli,
        Err(err) => {
            // clap prints help/version to stdout and errors to stderr with its own codes (0 / 2).
            // Help that cannot be written (a full disk, not a closed pipe) is a failure.
            let code = err.exit_code();
            return match err.print() {
                Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => {
                    let _ = writeln!(std::io::stderr(), "mockdesign: error: cannot write the output: {e}");
                    ExitCode::from(exit::FAILED)
                }
                _ => ExitCode::from(code as u8),
            };
        }
    };
    match run(cli) {
        Ok(code) => code,
        Err(err) => ExitCode::from(report(&err)),
    }
}

/// Run a parsed command line.
pub fn run(cli: cli::Cli) -> anyhow::Result<ExitCode> {
    command::dispatch(cli)
}

/// Print an error once and pick its exit code. A broken pipe is not an error.
fn report(err: &anyhow::Error) -> u8 {
    if err.chain().any(|e| {
        e.downcast_ref::<std::io::Error>().is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
    }) {
        return exit::OK;
    }
    if err.chain().any(|e| e.is::<Interrupted>()) {
        return exit::INTERRUPTED;
    }
    let mut stderr = std::io::stderr().lock();
    let _ = writeln!(stderr, "mockdesign: error: {}", chain_message(err));
    if let Some(usage) = err.chain().find_map(|e| e.downcast_ref::<UsageError>()) {
        if let Some(hint) = &usage.hint {
            let _ = writeln!(stderr, "hint: {hint}");
        }
        return exit::USAGE;
    }
    exit::FAILED
}

/// `context: cause: root` on one line, without repeating identical messages.
fn chain_message(err: &anyhow::Error) -> String {
    let mut parts: Vec<String> = Vec::new();
    for cause in err.chain() {
        let text = cause.to_string();
        if !parts.iter().any(|p| p.contains(&text)) {
            parts.push(text);
        }
    }
    parts.join(": ")
}
