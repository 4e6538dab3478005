//! `mockdesign stats [--json]`: progress by design, phase and category, the weekly goal and the
//! recommended next session. The clock is read here, once, and passed to the pure `progress` core.

use std::process::ExitCode;

use anyhow::Result;

use super::Ctx;
use crate::progress;
use crate::terminal;

pub fn run(ctx: &Ctx, json: bool) -> Result<ExitCode> {
    let transcripts = super::history::load(ctx);
    let stats =
        progress::stats(&transcripts, ctx.catalog.designs(), ctx.config.stats.weekly_goal, super::now());
    if json {
        super::print(&format!("{}\n", serde_json::to_string_pretty(&stats)?))?;
    } else {
        let text = terminal::progress::render_stats(&stats, ctx.output.color);
        super::print(&ctx.output.fit(&text))?;
    }
    Ok(ExitCode::SUCCESS)
}
