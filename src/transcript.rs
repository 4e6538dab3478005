//! The saved record of one session: one JSON file per session under `DATA/sessions/`.
//!
//! Invariants: a transcript is written atomically (temporary file in the same folder, fsync,
//! rename, fsync of the folder), so a crash or a power loss leaves the old or the new version,
//! never half of one. A new session claims its id create-exclusive, so two sessions never share a
//! file. A file that cannot be parsed, that comes from a newer schema, or whose structure is
//! impossible (not the four phases in order, numbers that are not finite, a score outside 0–100) is
//! refused with a clear error and never overwritten.
//!
//! One writer per session: a process that writes a session holds a [`SessionLock`], an advisory
//! lock on `.<id>.lock` beside the transcript. The operating system releases it when the process
//! dies (even by `kill -9`), so it never goes stale; a second writer is refused and told the pid.

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

    /// Everything said in this phase, for grading, in the order it was said: the clarifying
    /// questions asked with `/ask` (as questions, which earn the items that reward asking and
    /// nothing else), the answer, the curveball's answer (it arrives before `/next` can ask a
    /// follow-up), then follow-up answers.
    pub fn graded_text(&self) -> String {
        let mut text = String::new();
        for q in &self.questions {
            let q = q.question.trim().trim_end_matches('?');
            if !q.is_empty() {
                text.push_str(q);
                text.push_str("?\n\n");
            }
        }
        text.push_str(self.answer.trim_end());
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
    #[error("session {id} is open in another mockdesign process{}; finish or quit it there first", pid.map(|p| format!(" (pid {p})")).unwrap_or_default())]
    Busy { id: String, pid: Option<u32> },
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
    let mut transcript: Transcript = serde_json::from_value(value)
        .map_err(|e| TranscriptError::Corrupt { path: path.to_path_buf(), reason: e.to_string() })?;
    check(&mut transcript).map_err(|reason| TranscriptError::Corrupt { path: path.to_path_buf(), reason })?;
    Ok(transcript)
}

/// The structure every reader relies on: the four phases once each, in order; finite, non-negative
/// times; scores within 0–100. Never indexes blindly: an impossible file is refused, not used.
fn check(t: &mut Transcript) -> Result<(), String> {
    let phases: Vec<Phase> = t.phases.iter().map(|p| p.phase).collect();
    if phases != Phase::ALL {
        return Err(format!(
            "its phases are [{}], not the four phases in order",
            phases.iter().map(ToString::to_string).collect::<Vec<_>>().join(", ")
        ));
    }
    let time = |v: f64| v.is_finite() && (0.0..=1.0e7).contains(&v);
    if !(t.minutes.is_finite() && t.minutes > 0.0 && t.minutes <= 1.0e5) {
        return Err(format!("interview length {} is not a number of minutes", t.minutes));
    }
    let curveballs = t.phases.iter().filter_map(|p| p.curveball.as_ref().map(|c| c.at_secs));
    if let Some(at) =
        t.curveball_plan.as_ref().map(|c| c.at_secs).into_iter().chain(curveballs).find(|v| !time(*v))
    {
        return Err(format!("the curveball's time {at} is not a number of seconds"));
    }
    for p in &t.phases {
        for (name, v) in
            [("budget", p.budget_secs), ("time used", p.used_secs), ("overtime", p.overtime_secs)]
        {
            if !time(v) {
                return Err(format!("{} {name} {v} is not a number of seconds", p.phase));
            }
        }
    }
    let score = |v: f64| v.is_finite() && (0.0..=100.0).contains(&v);
    for card in &t.scorecards {
        if !score(card.score) || card.phases.iter().any(|p| !score(p.score)) {
            return Err(format!("a stored score ({}) is outside 0–100", card.score));
        }
        for v in card.phases.iter().flat_map(|p| &p.items) {
            if !(v.credit.is_finite() && (0.0..=1.0).contains(&v.credit)) {
                return Err(format!("item {} has credit {} (outside 0–1)", v.id, v.credit));
            }
        }
    }
    Ok(())
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
    sync_dir(dir).map_err(write_err)
}

/// Write a new transcript at `path`, failing with `AlreadyExists` (as the source of a `Write`
/// error) when a file is already there: how a new session claims its id.
pub fn create_new(path: &Path, transcript: &Transcript) -> Result<(), TranscriptError> {
    let write_err = |source: std::io::Error| TranscriptError::Write { path: path.to_path_buf(), source };
    let dir = path.parent().unwrap_or_else(|| Path::new("."));
    fs::create_dir_all(dir).map_err(write_err)?;
    let json = serde_json::to_vec_pretty(transcript).map_err(|e| write_err(std::io::Error::other(e)))?;
    let mut tmp =
        tempfile::Builder::new().prefix(".tmp-").suffix(".json").tempfile_in(dir).map_err(write_err)?;
    tmp.write_all(&json).map_err(write_err)?;
    tmp.write_all(b"\n").map_err(write_err)?;
    tmp.as_file().sync_all().map_err(write_err)?;
    tmp.persist_noclobber(path).map_err(|e| write_err(e.error))?;
    sync_dir(dir).map_err(write_err)
}

/// Make a rename in `dir` durable: without this a power loss can bring back the old file.
fn sync_dir(dir: &Path) -> std::io::Result<()> {
    fs::File::open(dir)?.sync_all()
}

/// Where a transcript ended up when the session ended.
#[derive(Debug)]
pub enum Stored {
    /// At its own path.
    Saved,
    /// Its own path failed; a copy was written to `path` in the temporary folder.
    Fallback { path: PathBuf, error: TranscriptError },
    /// Nothing could be written anywhere.
    Unsaved(TranscriptError),
}

/// Save `transcript` at `path`, or else to `mockdesign-<id>.json` in the temporary folder.
pub fn save_or_fallback(path: &Path, transcript: &Transcript) -> Stored {
    match save(path, transcript) {
        Ok(()) => Stored::Saved,
        Err(error) => {
            let fallback = std::env::temp_dir().join(format!("mockdesign-{}.json", transcript.id));
            match save(&fallback, transcript) {
                Ok(()) => Stored::Fallback { path: fallback, error },
                Err(_) => Stored::Unsaved(error),
            }
        }
    }
}

/// The one writer of a session; see the module docs. Dropping it removes the lock file and
/// releases the lock (so does the process dying).
#[derive(Debug)]
pub struct SessionLock {
    file: fs::File,
    path: PathBuf,
}

/// The lock file of the transcript at `transcript`: `.<stem>.lock` in the same folder.
pub fn lock_path(transcript: &Path) -> PathBuf {
    let stem = transcript.file_stem().and_then(|s| s.to_str()).unwrap_or("session");
    transcript.with_file_name(format!(".{stem}.lock"))
}

impl SessionLock {
    /// Become the one writer of the session whose transcript is (or will be) at `transcript`, or
    /// learn which process is.
    pub fn acquire(transcript: &Path) -> Result<Self, TranscriptError> {
        let path = lock_path(transcript);
        let id = transcript.file_stem().and_then(|s| s.to_str()).unwrap_or_default().to_string();
        let io_err = |source: std::io::Error| TranscriptError::Write { path: path.clone(), source };
        if let Some(dir) = path.parent() {
            fs::create_dir_all(dir).map_err(io_err)?;
        }
        for _ in 0..10 {
            let mut file = fs::OpenOptions::new()
                .read(true)
                .write(true)
                .create(true)
                .truncate(false)
                .open(&path)
                .map_err(io_err)?;
            match file.try_lock() {
                Ok(()) => {}
                Err(fs::TryLockError::WouldBlock) => {
                    let mut text = String::new();
                    let _ = std::io::Read::read_to_string(&mut file, &mut text);
                    return Err(TranscriptError::Busy { id, pid: text.trim().parse().ok() });
                }
                Err(fs::TryLockError::Error(e)) => return Err(io_err(e)),
            }
            // The previous holder removes the file as it lets go: if the file we locked is no
            // longer the one at `path`, lock the new one instead.
            if !same_file(&file, &path) {
                continue;
            }
            file.set_len(0).map_err(io_err)?;
            write!(file, "{}", std::process::id()).map_err(io_err)?;
            return Ok(Self { file, path });
        }
        Err(TranscriptError::Busy { id, pid: None })
    }
}

fn same_file(file: &fs::File, path: &Path) -> bool {
    use std::os::unix::fs::MetadataExt;
    match (file.metadata(), fs::metadata(path)) {
        (Ok(a), Ok(b)) => a.dev() == b.dev() && a.ino() == b.ino(),
        _ => false,
    }
}

impl Drop for SessionLock {
    fn drop(&mut self) {
        // Remove while still holding the lock, so nobody locks a file that is about to vanish.
        let _ = fs::remove_file(&self.path);
        let _ = self.file.unlock();
    }
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_second_writer_is_refused_with_the_holders_pid() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("sessions/20260101-000000-whatsapp.json");
        let first = SessionLock::acquire(&path).unwrap();
        let err = SessionLock::acquire(&path).unwrap_err();
        let pid = std::process::id();
        assert!(matches!(err, TranscriptError::Busy { pid: Some(p), .. } if p == pid), "{err:?}");
        assert_eq!(
            err.to_string(),
            format!(
                "session 20260101-000000-whatsapp is open in another mockdesign process (pid {pid}); finish or quit it there first"
            )
        );
        drop(first);
        assert!(!lock_path(&path).exists(), "the lock file goes with the lock");
        let again = SessionLock::acquire(&path).unwrap();
        drop(again);
    }

    #[test]
    fn create_new_never_overwrites() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.json");
        let design = crate::catalog::Catalog::builtin().find("whatsapp").unwrap().clone();
        let t = Transcript::begin(&design, "a".into(), DateTime::UNIX_EPOCH, 45.0);
        create_new(&path, &t).unwrap();
        let err = create_new(&path, &t).unwrap_err();
        assert!(
            matches!(&err, TranscriptError::Write { source, .. } if source.kind() == std::io::ErrorKind::AlreadyExists),
            "{err:?}"
        );
        assert_eq!(load(&path).unwrap(), t);
    }
}
