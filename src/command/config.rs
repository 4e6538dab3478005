//! `mockdesign config [--init | --show]`.

use std::process::ExitCode;

use anyhow::Result;

use super::Ctx;

pub fn run(ctx: &Ctx, _init: bool, _show: bool) -> Result<ExitCode> {
    super::print(&toml::to_string_pretty(&ctx.config)?)?;
    Ok(ExitCode::SUCCESS)
}
