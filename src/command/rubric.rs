//! `mockdesign rubric <DESIGN> [--json | --toml]`.

use std::process::ExitCode;

use anyhow::Result;

use super::Ctx;

pub fn run(ctx: &Ctx, design: &str, _json: bool, _toml: bool) -> Result<ExitCode> {
    let design = ctx.design(design)?;
    super::print(&format!("{}\n", toml::to_string_pretty(&design.rubric)?))?;
    Ok(ExitCode::SUCCESS)
}
