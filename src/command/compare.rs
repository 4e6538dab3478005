//! `mockdesign compare`.

use std::process::ExitCode;

use anyhow::Result;

use super::Ctx;

pub fn run(_ctx: &Ctx, _a: Option<&str>, _b: Option<&str>, _json: bool) -> Result<ExitCode> {
    Err(crate::error::usage("not available yet"))
}
