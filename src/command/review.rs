//! `mockdesign review [SESSION|FILE|latest]`.

use std::process::ExitCode;

use anyhow::Result;

use super::Ctx;
use crate::cli::{GraderKind, LlmArgs, ReviewFormat};

pub fn run(
    ctx: &Ctx,
    session: Option<&str>,
    json: bool,
    _format: Option<ReviewFormat>,
    _grader: Option<GraderKind>,
    _llm: &LlmArgs,
) -> Result<ExitCode> {
    let path = crate::transcript::resolve(&ctx.paths.sessions(), session)?;
    let t = crate::transcript::load(&path)?;
    if json {
        super::print(&format!("{}\n", serde_json::to_string_pretty(&t)?))?;
    } else {
        super::print(&format!("{} — {}\n", t.id, t.design_title))?;
    }
    Ok(ExitCode::SUCCESS)
}
