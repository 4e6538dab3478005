//! `mockdesign resume [SESSION]`.

use std::process::ExitCode;

use anyhow::Result;

use super::Ctx;
use crate::cli::{GraderKind, LlmArgs};

pub fn run(
    _ctx: &Ctx,
    _session: Option<&str>,
    _grader: Option<GraderKind>,
    _llm: &LlmArgs,
) -> Result<ExitCode> {
    Err(crate::error::usage("not available yet"))
}
