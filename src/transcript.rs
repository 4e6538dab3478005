//! The saved record of one session: one JSON file per session under `DATA/sessions/`.
//!
//! Invariants: a transcript is written atomically (temporary file in the same folder, fsync,
//! rename), so a crash leaves the old or the new version, never half of one. A file that cannot be
//! parsed, or that comes from a newer schema, is refused with a clear error and never overwritten.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use thiserror::Error;

use crate::catalog::{Design, Phase};
use crate::grade::Scorecard;

/// Bump when the format changes incompatibly; older readers refuse newer files.
pub const SCHEMA_VERSION: u32 = 1;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Transcript {
    pub schema: u32,
    pub tool_version: String,
    /// `YYYYMMDD-HHMMSS-<design>`; also the file stem.
    pub id: String,
    pub design: String,
    pub design_title: String,
    pub rubric_version: u32,
    pub started_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// Interview length in minutes (budgets are scaled to it).
    pub minutes: f64,
    pub soft_timer: bool,
    pub seed: u64,
    /// Run from a written answer without phase headings: graded as a whole against every phase.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub whole_answer: bool,
    /// Answered aloud or on a whiteboard; graded by the candidate's own ticks.
    #[serde(default)]
    pub self_score: bool,
    /// `in-progress`, `finished` or `quit` (left early with `/quit` or Ctrl-C; resumable).
    pub status: Status,
    /// Where a resumed session starts.
    pub current: Option<Phase>,
    /// The curveball chosen for the deep dive and when it arrives (seconds into the phase).
    #[serde(default)]
    pub curveball_plan: Option<CurveballPlan>,
    pub phases: Vec<PhaseRecord>,
    /// Stored grades, oldest first; the last is the current one.
    #[serde(default)]
    pub scorecards: Vec<Scorecard>,
    /// The candidate's own checklist ticks, if they self-scored.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub self_ticks: Option<Vec<SelfTick>>,
    /// How the requirement change was handled: the rubric grader on the curveball answer alone,
    /// whatever graded the rest. `review --json` shows it as the scorecard's `curveball`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub curveball_grade: Option<crate::grade::curveball::CurveballGrade>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Status {
    InProgress,
    Finished,
    Quit,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CurveballPlan {
    pub id: String,
    pub at_secs: f64,
}

/// How a phase ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Ended {
    Submitted,
    TimeUp,
    Skipped,
    Quit,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PhaseRecord {
    pub phase: Phase,
    /// The interviewer's prompt as shown.
    pub prompt: String,
    /// The candidate's answer (the draft while the phase is open).
    pub answer: String,
    /// The line being typed but not yet entered, saved by autosave (restored on resume).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub draft: String,
    #[serde(default)]
    pub questions: Vec<Question>,
    #[serde(default)]
    pub followups: Vec<FollowUp>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub curveball: Option<CurveballRecord>,
    /// Hints shown, in order.
    #[serde(default)]
    pub hints: Vec<String>,
    pub budget_secs: f64,
    /// Time not used by earlier phases that this phase was given (negative when earlier phases
    /// ran over with a soft timer). The phase may use `budget_secs + carried_secs`.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub carried_secs: f64,
    pub used_secs: f64,
    #[serde(default)]
    pub overtime_secs: f64,
    /// Seconds spent paused (`/pause`), not counted in `used_secs`.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub paused_secs: f64,
    /// How many times the candidate paused in this phase.
    #[serde(default, skip_serializing_if = "is_zero_u32")]
    pub pauses: u32,
    pub started_at: Option<DateTime<Utc>>,
    pub ended_at: Option<DateTime<Utc>>,
    pub ended: Option<Ended>,
}

#[allow(clippy::trivially_copy_pass_by_ref, reason = "serde's skip_serializing_if passes a reference")]
fn is_zero(x: &f64) -> bool {
    *x == 0.0
}

#[allow(clippy::trivially_copy_pass_by_ref, reason = "serde's skip_serializing_if passes a reference")]
fn is_zero_u32(x: &u32) -> bool {
    *x == 0
}

impl PhaseRecord {
    /// The time this phase may use: its budget plus what earlier phases left it.
    pub fn allowed_secs(&self) -> f64 {
        (self.budget_secs + self.carried_secs).max(0.0)
    }

    /// Everything said in this phase, for grading, in the order it was said: the answer, the
    /// curveball's answer (it arrives before `/next` can ask a follow-up), then follow-up answers.
    pub fn graded_text(&self) -> String {
        let mut text = self.answer.trim_end().to_string();
        let curveball = self.curveball.iter().map(|c| c.answer.as_str());
        for said in curveball.chain(self.followups.iter().map(|f| f.answer.as_str())) {
            if !said.trim().is_empty() {
                text.push_str("\n\n");
                text.push_str(said.trim_end());
            }
        }
        text.trim().to_string()
    }
}

/// A clarifying question and the interviewer's answer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Question {
    pub question: String,
    pub answer: String,
    /// The fact that answered it, if any.
    pub fact: Option<String>,
}

/// The interviewer's follow-up on a missing item, and the candidate's reply.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FollowUp {
    pub item: Option<String>,
    pub question: String,
    pub answer: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CurveballRecord {
    pub id: String,
    pub text: String,
    pub at_secs: f64,
    pub answer: String,
}

/// One checklist tick in self-score mode.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SelfTick {
    pub id: String,
    /// `Some(true)` covered, `Some(false)` missed, `None` skipped.
    pub covered: Option<bool>,
}

impl Transcript {
    /// A new transcript of `design`, not yet started: every phase with its prompt and its budget
    /// scaled to `minutes`, in progress at the first phase. The one place a transcript is built.
    pub fn begin(design: &Design, id: String, started_at: DateTime<Utc>, minutes: f64) -> Self {
        let budgets = design.rubric.budget.scaled_secs(minutes);
        let phases = Phase::ALL
            .iter()
            .map(|&phase| PhaseRecord {
                phase,
                prompt: design.prompt.phase(phase).text.clone(),
                answer: String::new(),
                draft: String::new(),
                questions: Vec::new(),
                followups: Vec::new(),
                curveball: None,
                hints: Vec::new(),
                budget_secs: budgets[phase.index()],
                carried_secs: 0.0,
                used_secs: 0.0,
                overtime_secs: 0.0,
                paused_secs: 0.0,
                pauses: 0,
                started_at: None,
                ended_at: None,
                ended: None,
            })
            .collect();
        Transcript {
            schema: SCHEMA_VERSION,
            tool_version: env!("CARGO_PKG_VERSION").to_string(),
            id,
            design: design.id().to_string(),
            design_title: design.title().to_string(),
            rubric_version: design.rubric.version,
            started_at,
            updated_at: started_at,
            minutes,
            soft_timer: false,
            seed: 0,
            whole_answer: false,
            self_score: false,
            status: Status::InProgress,
            current: Some(Phase::Requirements),
            curveball_plan: None,
            phases,
            scorecards: Vec::new(),
            self_ticks: None,
            curveball_grade: None,
        }
    }

    pub fn phase(&self, phase: Phase) -> Option<&PhaseRecord> {
        self.phases.iter().find(|p| p.phase == phase)
    }
    pub fn phase_mut(&mut self, phase: Phase) -> Option<&mut PhaseRecord> {
        self.phases.iter_mut().find(|p| p.phase == phase)
    }
    /// The current grade, if any.
    pub fn scorecard(&self) -> Option<&Scorecard> {
        self.scorecards.last()
    }
    pub fn hints_used(&self) -> u32 {
        self.phases.iter().map(|p| p.hints.len() as u32).sum()
    }
    /// Seconds used across phases.
    pub fn used_secs(&self) -> f64 {
        self.phases.iter().map(|p| p.used_secs).sum()
    }
    /// What to grade.
    pub fn answers(&self) -> crate::grade::Answers {
        if self.whole_answer {
            let whole: Vec<String> =
                self.phases.iter().map(PhaseRecord::graded_text).filter(|t| !t.is_empty()).collect();
            let whole = whole.join("\n\n");
            return crate::grade::Answers {
                phases: self
                    .phases
                    .iter()
                    .map(|p| crate::grade::PhaseAnswer { phase: p.phase, text: whole.clone() })
                    .collect(),
                whole: true,
                hints_used: self.hints_used(),
            };
        }
        crate::grade::Answers {
            phases: self
                .phases
                .iter()
                .map(|p| crate::grade::PhaseAnswer { phase: p.phase, text: p.graded_text() })
                .collect(),
            whole: false,
            hints_used: self.hints_used(),
        }
    }
}

#[derive(Debug, Error)]
pub enum TranscriptError {
    #[error("cannot read {}: {source}", path.display())]
    Read { path: PathBuf, source: std::io::Error },
    #[error("{} is not a readable transcript ({reason}); it was left untouched", path.display())]
    Corrupt { path: PathBuf, reason: String },
    #[error("{} was written by a newer mockdesign (schema {found}, this one reads {SCHEMA_VERSION}); it was left untouched", path.display())]
    Newer { path: PathBuf, found: u32 },
    #[error("cannot save {}: {source}", path.display())]
    Write { path: PathBuf, source: std::io::Error },
}

/// Load and check a transcript.
pub fn load(path: &Path) -> Result<Transcript, TranscriptError> {
    let bytes =
        fs::read(path).map_err(|source| TranscriptError::Read { path: path.to_path_buf(), source })?;
    let value: serde_json::Value = serde_json::from_slice(&bytes)
        .map_err(|e| TranscriptError::Corrupt { path: path.to_path_buf(), reason: e.to_string() })?;
    let schema = value.get("schema").and_then(serde_json::Value::as_u64).ok_or_else(|| {
        TranscriptError::Corrupt { path: path.to_path_buf(), reason: "no schema version".into() }
    })?;
    if schema > u64::from(SCHEMA_VERSION) {
        return Err(TranscriptError::Newer { path: path.to_path_buf(), found: schema as u32 });
    }
    serde_json::from_value(value)
        .map_err(|e| TranscriptError::Corrupt { path: path.to_path_buf(), reason: e.to_string() })
}

/// Write `transcript` to `path` atomically: temporary file in the same folder, fsync, rename.
pub fn save(path: &Path, transcript: &Transcript) -> Result<(), TranscriptError> {
    let write_err = |source: std::io::Error| TranscriptError::Write { path: path.to_path_buf(), source };
    let dir = path.parent().unwrap_or_else(|| Path::new("."));
    fs::create_dir_all(dir).map_err(write_err)?;
    let json = serde_json::to_vec_pretty(transcript).map_err(|e| write_err(std::io::Error::other(e)))?;
    let mut tmp =
        tempfile::Builder::new().prefix(".tmp-").suffix(".json").tempfile_in(dir).map_err(write_err)?;
    tmp.write_all(&json).map_err(write_err)?;
    tmp.write_all(b"\n").map_err(write_err)?;
    tmp.as_file().sync_all().map_err(write_err)?;
    tmp.persist(path).map_err(|e| write_err(e.error))?;
    Ok(())
}

/// The transcript files in `sessions_dir`, newest first (ids sort by start time).
pub fn list_files(sessions_dir: &Path) -> Vec<PathBuf> {
    let Ok(entries) = fs::read_dir(sessions_dir) else {
        return Vec::new();
    };
    let mut files: Vec<PathBuf> = entries
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| {
            p.extension().is_some_and(|e| e == "json")
                && !p.file_name().and_then(|n| n.to_str()).is_some_and(|n| n.starts_with('.'))
        })
        .collect();
    files.sort();
    files.reverse();
    files
}

/// Every readable transcript, newest first, with a warning for each file skipped.
pub fn load_all(sessions_dir: &Path) -> (Vec<(PathBuf, Transcript)>, Vec<String>) {
    let mut ok = Vec::new();
    let mut warnings = Vec::new();
    for path in list_files(sessions_dir) {
        match load(&path) {
            Ok(t) => ok.push((path, t)),
            Err(e) => warnings.push(format!("skipped {e}")),
        }
    }
    (ok, warnings)
}

/// Find a session by `latest`, an id (or unique id prefix), or a file path.
pub fn resolve(sessions_dir: &Path, which: Option<&str>) -> anyhow::Result<PathBuf> {
    use crate::error::UsageError;
    let which = which.unwrap_or("latest");
    let as_path = Path::new(which);
    if which != "latest"
        && (as_path.is_file()
            || which.contains(std::path::MAIN_SEPARATOR)
            || Path::new(which).extension().is_some_and(|e| e.eq_ignore_ascii_case("json")))
    {
        if as_path.is_file() {
            return Ok(as_path.to_path_buf());
        }
        return Err(UsageError::new(format!("no transcript at {which}"))
            .with_hint("`mockdesign history` lists your sessions")
            .into());
    }
    let files = list_files(sessions_dir);
    if which == "latest" {
        return files.into_iter().next().ok_or_else(|| {
            UsageError::new("no sessions yet").with_hint("start one with `mockdesign whatsapp`").into()
        });
    }
    let matches: Vec<PathBuf> = files
        .into_iter()
        .filter(|p| p.file_stem().and_then(|s| s.to_str()).is_some_and(|s| s.starts_with(which)))
        .collect();
    match matches.len() {
        1 => Ok(matches.into_iter().next().expect("one match")),
        0 => Err(UsageError::new(format!("no session '{which}'"))
            .with_hint("`mockdesign history` lists your sessions")
            .into()),
        n => Err(UsageError::new(format!("'{which}' matches {n} sessions"))
            .with_hint("give more of the id (see `mockdesign history`)")
            .into()),
    }
}
