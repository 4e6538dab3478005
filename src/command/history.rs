//! `mockdesign history [--json]`: every saved session, newest first, with a trend per design.
//! Reads transcripts only; a file it cannot read is reported as a warning and left untouched.

use std::process::ExitCode;

use anyhow::Result;

use super::Ctx;
use crate::progress;
use crate::terminal;
use crate::transcript::Transcript;

pub fn run(ctx: &Ctx, json: bool) -> Result<ExitCode> {
    let transcripts = load(ctx);
    let rows = progress::sessions(&transcripts);
    if json {
        super::print(&format!("{}\n", serde_json::to_string_pretty(&rows)?))?;
    } else {
        let trends = progress::trends(&transcripts);
        let color = terminal::style::color_stdout();
        super::print(&terminal::progress::render_history(&rows, &trends, &chrono::Local, color))?;
    }
    Ok(ExitCode::SUCCESS)
}

/// Every readable transcript, printing a warning for each file skipped (never fatal).
pub(super) fn load(ctx: &Ctx) -> Vec<Transcript> {
    let (loaded, warnings) = crate::transcript::load_all(&ctx.paths.sessions());
    for w in warnings {
        eprintln!("mockdesign: warning: {w}");
    }
    loaded.into_iter().map(|(_, t)| t).collect()
}
