//! `mockdesign delete SESSION [--yes]`: remove one saved session. On a terminal it names the
//! session and asks first; from a script (standard input not a terminal) it deletes without asking.

use std::io::{BufRead, IsTerminal, Write};
use std::process::ExitCode;

use anyhow::{Context, Result};

use super::Ctx;
use crate::store;

pub fn run(ctx: &Ctx, session: &str, yes: bool) -> Result<ExitCode> {
    let path = store::resolve(&ctx.paths.sessions(), Some(session))?;
    let what = match store::load(&path) {
        Ok(t) => {
            let score =
                t.scorecard().map_or_else(|| "not graded".to_string(), |c| format!("{:.0}/100", c.score));
            format!("{} ({}, {}, {score})", t.id, t.design_title, t.started_at.format("%Y-%m-%d %H:%M UTC"))
        }
        // An unreadable file can be deleted too: that is how a user gets rid of it.
        Err(_) => path.display().to_string(),
    };
    if !yes && std::io::stdin().is_terminal() {
        let mut out = std::io::stderr().lock();
        write!(out, "Delete session {what}? This cannot be undone. [y/N] ")?;
        out.flush()?;
        let mut answer = String::new();
        std::io::stdin().lock().read_line(&mut answer)?;
        if !matches!(answer.trim().to_ascii_lowercase().as_str(), "y" | "yes") {
            super::print("Nothing deleted.\n")?;
            return Ok(ExitCode::SUCCESS);
        }
    }
    std::fs::remove_file(&path).with_context(|| format!("cannot delete {}", path.display()))?;
    super::print(&format!("Deleted {what}.\n"))?;
    Ok(ExitCode::SUCCESS)
}
