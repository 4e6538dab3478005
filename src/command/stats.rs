//! `mockdesign stats`.

use std::process::ExitCode;

use anyhow::Result;

use super::Ctx;

pub fn run(_ctx: &Ctx, _json: bool) -> Result<ExitCode> {
    Err(crate::error::usage("not available yet"))
}
