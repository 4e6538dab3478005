//! `mockdesign grade <DESIGN> <ANSWERS.md> [--json]`.

use std::path::Path;
use std::process::ExitCode;

use anyhow::{Context, Result};

use super::Ctx;
use crate::cli::{GraderKind, LlmArgs};
use crate::grade::Answers;

pub fn run(
    ctx: &Ctx,
    design: &str,
    answers: &Path,
    json: bool,
    grader: Option<GraderKind>,
    llm: &LlmArgs,
) -> Result<ExitCode> {
    let design = ctx.design(design)?;
    let md =
        std::fs::read_to_string(answers).with_context(|| format!("cannot read {}", answers.display()))?;
    let card = super::grading::grade(ctx, design, &Answers::from_markdown(&md), grader, llm)?;
    if json {
        super::print(&format!("{}\n", serde_json::to_string_pretty(&card)?))?;
    } else {
        super::print(&crate::terminal::scorecard::render_text(&card, design))?;
    }
    Ok(ExitCode::SUCCESS)
}
