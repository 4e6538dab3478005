//! How things end, in one vocabulary shared by the engine, the transcript and the command layer.
//!
//! - A **phase** ends [`Ended`]: submitted, its time ran out, or skipped. Saved in its record.
//! - A **session run** ends [`SessionEnded`]: finished (every phase ended), quit (`/quit`) or
//!   interrupted (Ctrl-C, SIGTERM, SIGHUP). It is the engine's `Effect::End`, what the driver
//!   returns and what the command layer acts on (grade, "continue with resume", exit 130).
//! - A **session's saved state** is [`Status`]: in progress, or how its last run ended as far as
//!   a later run cares — derived from [`SessionEnded`] by [`SessionEnded::status`] and nowhere
//!   else. Quit and interrupted are the same saved state (`quit`: left early, resumable); only the
//!   exit code tells them apart.
//!
//! The serde values are the transcript's contract (PRODUCT.md) and never change: a phase's `ended`
//! is `submitted`, `time-up`, `skipped` or (read only) `quit`; a session's `status` is
//! `in-progress`, `finished` or `quit`. [`SessionEnded`] is never saved.

use serde::{Deserialize, Serialize};

/// How a phase ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Ended {
    /// `/next`, or the last line of a script.
    Submitted,
    /// Its time ran out.
    TimeUp,
    /// `/skip`.
    Skipped,
    /// Written by the first build when `/quit` closed a phase; no longer written (a quit phase
    /// stays open and resumes), kept so those transcripts still load.
    Quit,
}

/// How a run of a session ended. Never saved: the transcript keeps [`SessionEnded::status`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SessionEnded {
    /// Every phase ended: grade it.
    Finished,
    /// `/quit`: saved, resumable.
    Quit,
    /// Ctrl-C, SIGTERM or SIGHUP: saved, resumable; exit 130.
    Interrupted,
}

impl SessionEnded {
    /// The saved state a run that ended this way leaves.
    pub fn status(self) -> Status {
        match self {
            SessionEnded::Finished => Status::Finished,
            SessionEnded::Quit | SessionEnded::Interrupted => Status::Quit,
        }
    }
}

/// A session's saved state: still going, or how its last run ended ([`SessionEnded::status`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Status {
    /// Started, or resumed, and not ended yet (also what a killed process leaves).
    InProgress,
    /// Every phase ended.
    Finished,
    /// Left early with `/quit` or Ctrl-C; resumable.
    Quit,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn json(v: impl serde::Serialize) -> String {
        serde_json::to_string(&v).unwrap()
    }

    #[test]
    fn the_saved_words_are_the_transcript_contract() {
        let phase = [Ended::Submitted, Ended::TimeUp, Ended::Skipped, Ended::Quit].map(json);
        assert_eq!(phase, ["\"submitted\"", "\"time-up\"", "\"skipped\"", "\"quit\""]);
        let status = [Status::InProgress, Status::Finished, Status::Quit].map(json);
        assert_eq!(status, ["\"in-progress\"", "\"finished\"", "\"quit\""]);
    }

    #[test]
    fn quit_and_interrupted_leave_the_same_resumable_state() {
        assert_eq!(SessionEnded::Finished.status(), Status::Finished);
        assert_eq!(SessionEnded::Quit.status(), Status::Quit);
        assert_eq!(SessionEnded::Interrupted.status(), Status::Quit);
    }
}
