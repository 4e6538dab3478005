//! The async driver: the thin shell around the pure session engine. It joins the candidate's input,
//! the engine's timers, periodic autosave and the countdown refresh, turns effects into I/O (show,
//! save, compute a follow-up, open the editor) and timers into events.
//!
//! All waiting goes through tokio's clock, so a whole interview runs under paused time in tests.
//! The driver owns no interview logic: it never decides what a phase is or when it ends.

use std::collections::VecDeque;
use std::time::Duration;

use chrono::Utc;
use tokio::sync::mpsc;
use tokio::time::Instant;

use crate::catalog::Phase;
use crate::session::{Clock, Effect, Event, Message, Outcome, Session, Timer};
use crate::transcript::Transcript;

/// What the shell's input side reports.
#[derive(Debug, Clone, PartialEq)]
pub enum Input {
    /// A line entered (Enter pressed, or one line of a paste or a pipe).
    Line(String),
    /// The line being typed changed (not yet entered); kept for autosave.
    Draft(String),
    /// The input is closed (pipe ended).
    Eof,
    /// Ctrl-C, or the terminal is going away.
    Interrupt,
}

/// The countdown the shell keeps visible.
#[derive(Debug, Clone, PartialEq)]
pub struct Status {
    pub phase: Phase,
    pub phase_left: f64,
    pub phase_budget: f64,
    pub total_left: f64,
}

/// What the driver needs from the shell around it.
pub trait Shell {
    /// Show a message from the engine.
    fn show(&mut self, message: &Message);
    /// Refresh the countdown.
    fn status(&mut self, status: &Status);
    /// Open `text` in an editor; the new text, or why that was not possible.
    fn edit(&mut self, text: &str) -> Result<String, String>;
    /// Write the transcript to disk.
    fn save(&mut self, transcript: &Transcript) -> anyhow::Result<()>;
    /// The interviewer's follow-up for a phase: `(item id, question)`, or `None` when nothing
    /// important is missing.
    fn probe(&mut self, session: &Session, phase: Phase, text: &str) -> Option<(String, String)>;
    /// The session ended; stop drawing.
    fn finish(&mut self);
}

/// How often a changed draft is saved (the promise is "at most 10 s of typing lost").
pub const AUTOSAVE: Duration = Duration::from_secs(5);
/// How often the countdown is redrawn.
pub const REFRESH: Duration = Duration::from_millis(500);

/// Run `session` until it ends. Returns how it ended; the session (with its transcript) is
/// updated in place.
pub async fn run(
    session: &mut Session,
    input: &mut mpsc::UnboundedReceiver<Input>,
    shell: &mut dyn Shell,
) -> anyhow::Result<Outcome> {
    let start = Instant::now();
    let clock = || Clock { secs: start.elapsed().as_secs_f64(), wall: Utc::now() };
    let mut timers: Vec<Timer> = Vec::new();
    let mut draft = String::new();
    let mut autosave = tokio::time::interval_at(start + AUTOSAVE, AUTOSAVE);
    let mut refresh = tokio::time::interval(REFRESH);
    refresh.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Skip);
    autosave.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);

    let mut queue: VecDeque<Event> = VecDeque::from([Event::Start]);
    let mut input_open = true;
    loop {
        // Apply every queued event and its consequences before waiting again.
        while let Some(event) = queue.pop_front() {
            let now = clock();
            for effect in session.handle(event, now) {
                match effect {
                    Effect::Show(message) => shell.show(&message),
                    Effect::Schedule(timer) => {
                        timers.retain(|t| t.kind != timer.kind);
                        timers.push(timer);
                    }
                    Effect::Save => shell.save(session.transcript())?,
                    Effect::RequestProbe { phase, text } => {
                        let found = shell.probe(session, phase, &text);
                        let (item, question) = found.map_or((None, None), |(i, q)| (Some(i), Some(q)));
                        queue.push_back(Event::Probe { phase, item, question });
                    }
                    Effect::OpenEditor { text } => queue.push_back(match shell.edit(&text) {
                        Ok(new) => Event::Edited(new),
                        Err(why) => Event::EditFailed(why),
                    }),
                    Effect::End(outcome) => {
                        shell.finish();
                        return Ok(outcome);
                    }
                }
            }
        }
        timers.sort_by(|a, b| a.at.total_cmp(&b.at));
        let next_timer = timers.first().copied();
        let deadline = next_timer.map(|t| start + Duration::from_secs_f64(t.at.max(0.0)));
        tokio::select! {
            biased;
            got = input.recv(), if input_open => match got {
                Some(Input::Line(line)) => {
                    draft.clear();
                    queue.push_back(Event::Line(line));
                }
                Some(Input::Draft(text)) => draft = text,
                Some(Input::Interrupt) => {
                    // Keep the line being typed: it is saved with the session.
                    queue.push_back(Event::Autosave { draft: draft.clone() });
                    queue.push_back(Event::Interrupt);
                }
                Some(Input::Eof) | None => {
                    input_open = false;
                    if !draft.is_empty() {
                        queue.push_back(Event::Line(std::mem::take(&mut draft)));
                    }
                    queue.push_back(Event::EndOfInput);
                }
            },
            () = sleep_until_opt(deadline), if deadline.is_some() => {
                if let Some(t) = next_timer {
                    timers.retain(|x| x.kind != t.kind);
                    queue.push_back(Event::Timer(t));
                }
            }
            _ = autosave.tick() => queue.push_back(Event::Autosave { draft: draft.clone() }),
            _ = refresh.tick() => {
                let now = clock().secs;
                shell.status(&Status {
                    phase: session.phase(),
                    phase_left: session.phase_left(now),
                    phase_budget: session.phase_budget(),
                    total_left: session.total_left(now),
                });
            }
        }
    }
}

async fn sleep_until_opt(deadline: Option<Instant>) {
    match deadline {
        Some(d) => tokio::time::sleep_until(d).await,
        None => std::future::pending().await,
    }
}

/// Is the phase in its last two minutes (or last quarter)? Shells colour the countdown by it.
pub fn is_urgent(status: &Status) -> bool {
    status.phase_left <= (status.phase_budget * 0.25).min(120.0)
}

/// Where a session is saved; every shell saves through this.
#[derive(Debug, Clone)]
pub struct SessionFiles {
    pub path: std::path::PathBuf,
}

impl SessionFiles {
    pub fn save(&self, transcript: &Transcript) -> anyhow::Result<()> {
        crate::transcript::save(&self.path, transcript)?;
        Ok(())
    }
}

/// The rubric's follow-up: the probe of the most important item still missing.
pub fn rubric_probe(session: &Session, phase: Phase, text: &str) -> Option<(String, String)> {
    crate::grade::missing_items(session.design(), phase, text)
        .first()
        .map(|item| (item.id.clone(), item.probe.clone()))
}
