//! `mockdesign history [--json] [--all]`: the saved sessions, newest first, with a trend per design.
//! Sessions not counted as practice (quit early, skipped through, under a minute) are left out
//! unless `--all`; they are marked (`not_counted` in JSON) when shown.
//! Reads transcripts only; a file it cannot read is reported as a warning and left untouched.

use std::process::ExitCode;

use anyhow::Result;

use super::Ctx;
use crate::model::Transcript;
use crate::progress;
use crate::terminal;

pub fn run(ctx: &Ctx, json: bool, all: bool) -> Result<ExitCode> {
    let transcripts = load(ctx);
    let mut rows = progress::sessions(&transcripts);
    let before = rows.len();
    if !all {
        rows.retain(|r| r.not_counted.is_none());
    }
    let hidden = before - rows.len();
    if json {
        super::print(&format!("{}\n", serde_json::to_string_pretty(&rows)?))?;
    } else {
        let trends = progress::trends(&transcripts);
        let out = &ctx.output;
        let text = terminal::progress::render_history(
            &rows,
            &trends,
            hidden,
            &chrono::Local,
            out.color,
            out.width(),
        );
        super::print(&out.fit(&text))?;
    }
    Ok(ExitCode::SUCCESS)
}

/// Every readable transcript, printing a warning for each file skipped (never fatal).
pub(super) fn load(ctx: &Ctx) -> Vec<Transcript> {
    let (loaded, warnings) = crate::store::load_all(&ctx.paths.sessions());
    for w in warnings {
        eprintln!("mockdesign: warning: {w}");
    }
    loaded.into_iter().map(|(_, t)| t).collect()
}
