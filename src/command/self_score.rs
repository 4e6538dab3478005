//! `mockdesign self-score [SESSION]`.

use std::process::ExitCode;

use anyhow::Result;

use super::Ctx;

pub fn run(_ctx: &Ctx, _session: Option<&str>) -> Result<ExitCode> {
    Err(crate::error::usage("not available yet"))
}
