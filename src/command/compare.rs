//! `mockdesign compare [A] [B] [--json]`: two graded attempts side by side. By default the latest
//! graded session and the previous graded attempt at its design; with one argument, that session
//! and its previous attempt. Fewer than two attempts is a usage error (exit 2) with a hint.

use std::process::ExitCode;

use anyhow::Result;

use super::Ctx;
use crate::error::UsageError;
use crate::model::Transcript;
use crate::progress::{self, CompareError};
use crate::store::{self};
use crate::terminal;

pub fn run(ctx: &Ctx, a: Option<&str>, b: Option<&str>, json: bool) -> Result<ExitCode> {
    let all = super::history::load(ctx);
    let first = match a {
        Some(which) => named(ctx, which)?,
        None => progress::latest_graded(&all).cloned().ok_or_else(|| nothing_graded(&all))?,
    };
    let second = if let Some(which) = b {
        named(ctx, which)?
    } else {
        if first.scorecard().is_none() {
            return Err(not_graded(&first.id));
        }
        progress::previous_attempt(&all, &first).cloned().ok_or_else(|| only_one(&first))?
    };
    let comparison = progress::compare(&first, &second, ctx.catalog.designs()).map_err(|e| match e {
        CompareError::NotGraded(id) => not_graded(&id),
        CompareError::Same(_) => UsageError::new(e.to_string())
            .with_hint("name two different sessions (see `mockdesign history`)")
            .into(),
    })?;
    if json {
        super::print(&format!("{}\n", serde_json::to_string_pretty(&comparison)?))?;
    } else {
        let text = terminal::progress::render_compare(&comparison, &chrono::Local, ctx.output.color);
        super::print(&ctx.output.fit(&text))?;
    }
    Ok(ExitCode::SUCCESS)
}

/// A session named by id, id prefix, file or `latest`. An unreadable file is a usage error: the
/// user named it, and another one will do.
fn named(ctx: &Ctx, which: &str) -> Result<Transcript> {
    let path = store::resolve(&ctx.paths.sessions(), Some(which))?;
    store::load(&path).map_err(|e| {
        UsageError::new(e.to_string()).with_hint("pick another session from `mockdesign history`").into()
    })
}

fn nothing_graded(all: &[Transcript]) -> anyhow::Error {
    if all.is_empty() {
        UsageError::new("no sessions to compare yet")
            .with_hint("start one with `mockdesign whatsapp`, then another attempt later")
            .into()
    } else {
        UsageError::new("no graded sessions to compare yet")
            .with_hint("finish one with `mockdesign resume`, or start one with `mockdesign whatsapp`")
            .into()
    }
}

fn not_graded(id: &str) -> anyhow::Error {
    UsageError::new(format!("session {id} has no grade yet"))
        .with_hint(format!(
            "finish it with `mockdesign resume {id}`, or pick another from `mockdesign history`"
        ))
        .into()
}

fn only_one(t: &Transcript) -> anyhow::Error {
    UsageError::new(format!(
        "only one graded attempt at {} ({}): nothing to compare it with",
        t.design_title, t.id
    ))
    .with_hint(format!(
        "practise it again with `mockdesign {}`, or name two sessions: `mockdesign compare A B`",
        t.design
    ))
    .into()
}
