//! `mockdesign study <DESIGN> [--phase P] [--yes]`: the design's model answer, a staff-level
//! reference (the user's `DATA/answers/<id>.md` shadows the built-in one).
//!
//! On a terminal it is rendered with termimad and shown through a pager (`$PAGER`, else
//! `less -R`; printed directly when neither runs), after asking once when the user has never
//! practised the design (`--yes` skips the question). Piped, it prints the Markdown and never asks.
//! Markers linking passages to rubric items are never shown.

use std::io::{BufRead, IsTerminal, Write};
use std::process::ExitCode;

use anyhow::{Result, anyhow};

use super::Ctx;
use crate::catalog::{Design, ModelAnswer, Origin, Phase, model_answer};
use crate::error::UsageError;
use crate::terminal::render;

pub fn run(ctx: &Ctx, name: &str, phase: Option<Phase>, yes: bool) -> Result<ExitCode> {
    let design = ctx.design(name)?;
    let id = design.id();
    let answer = load(ctx, design)?.ok_or_else(|| {
        anyhow!(
            "there is no model answer for {id}; write one at {} (check it with `mockdesign validate`)",
            ctx.paths.answers().join(format!("{id}.md")).display()
        )
    })?;
    let md = match phase {
        None => answer.display(),
        Some(p) => answer.phase_section(p).ok_or_else(|| {
            UsageError::new(format!("the model answer for {id} has no '{}' section", p.title()))
                .with_hint(format!("`mockdesign study {id}` shows the whole answer"))
        })?,
    };
    if !ctx.output.terminal {
        super::print(&md)?;
        return Ok(ExitCode::SUCCESS);
    }
    if !yes && std::io::stdin().is_terminal() && !practised(ctx, id) && !confirm(id)? {
        super::print(&format!(
            "Not shown. Practise first with `mockdesign {id}`, or run `mockdesign study {id} --yes`.\n"
        ))?;
        return Ok(ExitCode::SUCCESS);
    }
    let opts = ctx.output.render_opts();
    let text = render::to_terminal(&md, opts.width, opts.color);
    crate::terminal::pager::page(&text, &ctx.output)?;
    Ok(ExitCode::SUCCESS)
}

/// The model answer for a design, if there is one. A user file that cannot be read is an error.
fn load(ctx: &Ctx, design: &Design) -> Result<Option<ModelAnswer>> {
    Ok(model_answer(design.id(), &ctx.paths.answers())?.map(|(a, _)| a))
}

/// The model answer to show beside a grade; a problem reading the user's file is a warning here,
/// never a reason to withhold the scorecard.
pub(crate) fn answer_for_grade(ctx: &Ctx, design: &Design) -> Option<ModelAnswer> {
    match model_answer(design.id(), &ctx.paths.answers()) {
        Ok(found) => found.map(|(a, origin)| {
            if let Origin::User(path) = &origin
                && a.passages.is_empty()
            {
                eprintln!(
                    "mockdesign: warning: {} has no `<!-- items: … -->` markers, so no passage is shown beside your grade",
                    path.display()
                );
            }
            a
        }),
        Err(e) => {
            eprintln!("mockdesign: warning: {e}");
            None
        }
    }
}

/// Whether any saved session (finished or not) is of this design. Transcript files are named
/// `<timestamp>-<design>.json`, so no file is opened.
fn practised(ctx: &Ctx, id: &str) -> bool {
    let suffix = format!("-{id}.json");
    crate::store::list_files(&ctx.paths.sessions())
        .iter()
        .any(|p| p.file_name().and_then(|n| n.to_str()).is_some_and(|n| n.ends_with(&suffix)))
}

/// Ask on the terminal; anything but y/yes (or end of input) is no.
fn confirm(id: &str) -> Result<bool> {
    let mut out = std::io::stdout().lock();
    write!(out, "You haven't practised {id} yet — see the answer anyway? [y/N] ")?;
    out.flush()?;
    let mut line = String::new();
    std::io::stdin().lock().read_line(&mut line)?;
    let answer = line.trim().to_ascii_lowercase();
    Ok(answer == "y" || answer == "yes")
}
