//! `mockdesign <DESIGN>`: run a timed interview.

use std::process::ExitCode;

use anyhow::Result;

use super::Ctx;
use crate::cli::StartArgs;

pub fn run(ctx: &Ctx, args: &StartArgs) -> Result<ExitCode> {
    let _design = ctx.design(args.design.as_deref().unwrap_or_default())?;
    Err(crate::error::usage("not available yet"))
}
