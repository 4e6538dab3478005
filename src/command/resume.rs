//! `mockdesign resume [SESSION]`: continue an interrupted session at the phase where it stopped,
//! with the time that was left. Without an argument, the newest unfinished session. A session that
//! finished without a grade (the process died or was interrupted while grading) is graded now.
//! Only one process writes a session at a time: one that is open elsewhere is refused.

use std::process::ExitCode;

use anyhow::Result;

use super::Ctx;
use crate::cli::{GraderKind, LlmArgs};
use crate::error::UsageError;
use crate::model::Status;
use crate::session::Session;
use crate::store::{self};

pub fn run(ctx: &Ctx, which: Option<&str>, grader: Option<GraderKind>, llm: &LlmArgs) -> Result<ExitCode> {
    let sessions = ctx.paths.sessions();
    let path = match which {
        Some(w) if w != "latest" => store::resolve(&sessions, Some(w))?,
        _ => {
            let (all, warnings) = store::load_all(&sessions);
            for w in warnings {
                eprintln!("mockdesign: warning: {w}");
            }
            all.into_iter().find(|(_, t)| resumable(t)).map(|(p, _)| p).ok_or_else(|| {
                UsageError::new("no unfinished session to resume")
                    .with_hint("start a new one with `mockdesign whatsapp`, or see `mockdesign history`")
            })?
        }
    };
    let lock = store::SessionLock::acquire(&path)?;
    let t = store::load(&path)?;
    if t.status == Status::Finished && t.scorecards.is_empty() {
        eprintln!("Session {} finished without a grade; grading it now.", t.id);
        return super::start::finish(ctx, t, &path, &lock, grader, llm, None);
    }
    if t.status == Status::Finished {
        return Err(UsageError::new(format!("session {} is already finished", t.id))
            .with_hint(format!("see it with `mockdesign review {}`", t.id))
            .into());
    }
    let design = ctx.design(&t.design)?;
    let session = Session::resume(design, t).map_err(UsageError::new)?;
    super::start::run_session(ctx, session, &path, &lock, grader, llm)
}

/// Unfinished, or finished without a grade.
fn resumable(t: &crate::model::Transcript) -> bool {
    t.status != Status::Finished || t.scorecards.is_empty()
}
