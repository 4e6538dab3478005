//! `mockdesign validate [PATH...]`.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Result;

use super::Ctx;

pub fn run(ctx: &Ctx, _paths: &[PathBuf]) -> Result<ExitCode> {
    let mut bad = 0;
    for d in ctx.catalog.designs() {
        for p in crate::catalog::validate::problems(d) {
            bad += 1;
            eprintln!("{}: {p}", d.id());
        }
    }
    if bad > 0 || !ctx.catalog.warnings.is_empty() {
        return Ok(ExitCode::from(1));
    }
    super::print(&format!("{} designs ok\n", ctx.catalog.designs().len()))?;
    Ok(ExitCode::SUCCESS)
}
