//! The async driver: the thin shell around the pure session engine. It joins the candidate's input,
//! the engine's timers, periodic autosave and the countdown refresh, turns effects into I/O (show,
//! save, have the LLM write a follow-up, open the editor) and timers into events.
//!
//! All waiting goes through tokio's clock, so a whole interview runs under paused time in tests.
//! The driver owns no interview logic: it never decides what a phase is or when it ends.

use std::collections::VecDeque;
use std::future::Future;
use std::pin::Pin;
use std::time::Duration;

use chrono::Utc;
use tokio::sync::mpsc;
use tokio::time::Instant;

use crate::catalog::Phase;
use crate::grade::llm::{LlmSettings, follow_up_question};
use crate::model::{SessionEnded, Transcript};
use crate::session::{Clock, Effect, Event, Message, Session, Timer};

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
pub struct Countdown {
    pub phase: Phase,
    pub phase_left: f64,
    pub phase_budget: f64,
    pub total_left: f64,
    /// The clock is stopped by `/pause`, or waits for Enter after the opening.
    pub paused: bool,
}

/// What the driver needs from the shell around it.
pub trait Shell {
    /// Show a message from the engine.
    fn show(&mut self, message: &Message);
    /// Refresh the countdown.
    fn status(&mut self, status: &Countdown);
    /// Open `text` in an editor; the new text, or why that was not possible.
    fn edit(&mut self, text: &str) -> Result<String, String>;
    /// Empty the line being typed (its phase ended and took it). Shells without one ignore it.
    fn clear_draft(&mut self) {}
    /// The session ended; stop drawing.
    fn finish(&mut self);
}

/// Where `Effect::Persist` goes: the session store ([`crate::store::SessionFile`]) in the
/// program, a recorder in tests. Shells never save.
pub trait Persist {
    fn persist(&mut self, transcript: &Transcript) -> anyhow::Result<()>;
}

/// The longest the interviewer waits for an LLM-written follow-up before asking the rubric's probe.
pub const LLM_FOLLOW_UP: Duration = Duration::from_secs(20);
/// The same for a model on this machine: a CPU reads the prompt in tens of seconds.
pub const LLM_FOLLOW_UP_LOCAL: Duration = Duration::from_secs(60);

/// The phase and the LLM's follow-up being written for it.
type PendingFollowUp = (Phase, Pin<Box<dyn Future<Output = Option<String>>>>);

/// How often a changed draft is saved (the promise is "at most 10 s of typing lost").
pub const AUTOSAVE: Duration = Duration::from_secs(5);
/// How often the countdown is redrawn.
pub const REFRESH: Duration = Duration::from_millis(500);

/// Run `session` until it ends. Returns how it ended; the session (with its transcript) is
/// updated in place.
///
/// With `interviewer` set (`[interviewer] llm = true`), the LLM writes the follow-up question while
/// the clock keeps running and the candidate keeps typing; when it fails or takes too long the
/// engine asks the rubric's question.
pub async fn run(
    session: &mut Session,
    input: &mut mpsc::UnboundedReceiver<Input>,
    shell: &mut dyn Shell,
    store: &mut dyn Persist,
    interviewer: Option<&LlmSettings>,
) -> anyhow::Result<SessionEnded> {
    if interviewer.is_some() {
        session.llm_writes_follow_ups();
    }
    let start = Instant::now();
    #[allow(clippy::disallowed_methods, reason = "the driver is the shell that reads the wall clock")]
    let clock = || Clock { secs: start.elapsed().as_secs_f64(), wall: Utc::now() };
    let mut timers: Vec<Timer> = Vec::new();
    let mut draft = String::new();
    let mut autosave = tokio::time::interval_at(start + AUTOSAVE, AUTOSAVE);
    let mut refresh = tokio::time::interval(REFRESH);
    refresh.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Skip);
    autosave.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);

    let mut queue: VecDeque<Event> = VecDeque::from([Event::Start]);
    let mut input_open = true;
    let mut pending: Option<PendingFollowUp> = None;
    let mut held: VecDeque<Input> = VecDeque::new();
    // A save that fails never ends the interview: warned once, retried on every change.
    let mut save_failed = false;
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
                    Effect::Persist => persist(store, shell, session.transcript(), &mut save_failed),
                    Effect::WriteFollowUp(brief) => {
                        let phase = brief.phase;
                        match interviewer {
                            Some(settings) => {
                                let settings = settings.clone();
                                let wait =
                                    if settings.is_loopback() { LLM_FOLLOW_UP_LOCAL } else { LLM_FOLLOW_UP };
                                pending = Some((
                                    phase,
                                    Box::pin(async move {
                                        let ask = follow_up_question(&settings, &brief);
                                        tokio::time::timeout(wait, ask).await.ok().flatten()
                                    }),
                                ));
                            }
                            None => queue.push_back(Event::FollowUpWritten { phase, question: None }),
                        }
                    }
                    Effect::OpenEditor { text } => queue.push_back(match shell.edit(&text) {
                        Ok(new) => Event::Edited(new),
                        Err(why) => Event::EditFailed(why),
                    }),
                    Effect::ClearDraft => {
                        draft.clear();
                        shell.clear_draft();
                    }
                    Effect::End(how) => {
                        shell.finish();
                        return Ok(how);
                    }
                }
            }
        }
        timers.sort_by(|a, b| a.at.total_cmp(&b.at));
        let next_timer = timers.first().copied();
        let deadline = next_timer.map(|t| start + Duration::from_secs_f64(t.at.max(0.0)));
        tokio::select! {
            biased;
            // While the interviewer writes a follow-up, typed input is held back so every line
            // lands after the question it answers; Ctrl-C is never held back.
            got = input.recv(), if input_open => match got {
                Some(Input::Interrupt) => {
                    take_input(Input::Interrupt, &mut queue, &mut draft);
                }
                Some(other) if pending.is_some() => held.push_back(other),
                Some(other) => input_open = take_input(other, &mut queue, &mut draft),
                None => input_open = take_input(Input::Eof, &mut queue, &mut draft),
            },
            written = async { pending.as_mut().expect("guarded").1.as_mut().await }, if pending.is_some() => {
                if let Some((phase, _)) = pending.take() {
                    queue.push_back(Event::FollowUpWritten { phase, question: written });
                }
                while let Some(input) = held.pop_front() {
                    input_open &= take_input(input, &mut queue, &mut draft);
                }
            }
            () = sleep_until_opt(deadline), if deadline.is_some() => {
                if let Some(t) = next_timer {
                    timers.retain(|x| x.kind != t.kind);
                    // What was typed up to now is the engine's before the timer ends the phase or
                    // brings the curveball: lines already entered, then the unfinished line.
                    while pending.is_none() && input_open {
                        match input.try_recv() {
                            Ok(got) => input_open = take_input(got, &mut queue, &mut draft),
                            Err(_) => break,
                        }
                    }
                    queue.push_back(Event::Autosave { draft: draft.clone() });
                    queue.push_back(Event::Timer(t));
                }
            }
            _ = autosave.tick() => queue.push_back(Event::Autosave { draft: draft.clone() }),
            _ = refresh.tick() => {
                let now = clock().secs;
                shell.status(&Countdown {
                    phase: session.phase(),
                    phase_left: session.phase_left(now),
                    phase_budget: session.phase_budget(),
                    total_left: session.total_left(now),
                    paused: session.is_paused(),
                });
            }
        }
    }
}

/// Hand the transcript to the store. The first failure is shown as a warning; the session goes on
/// with everything in memory, and every later change tries again (the command layer finds a
/// fallback when the session ends).
fn persist(store: &mut dyn Persist, shell: &mut dyn Shell, transcript: &Transcript, failed: &mut bool) {
    match store.persist(transcript) {
        Ok(()) if *failed => {
            *failed = false;
            shell.show(&Message::Note("Saved again.".into()));
        }
        Err(e) if !*failed => {
            *failed = true;
            shell.show(&Message::Warning(format!(
                "{e:#}. Keep going: your answers are kept in memory, saving is retried on every change, \
                 and when the session ends you are told where they went."
            )));
        }
        Ok(()) | Err(_) => {}
    }
}

/// Turn one input into events. Returns whether the input is still open.
fn take_input(input: Input, queue: &mut VecDeque<Event>, draft: &mut String) -> bool {
    match input {
        Input::Line(line) => {
            draft.clear();
            queue.push_back(Event::Line(line));
        }
        Input::Draft(text) => *draft = text,
        Input::Interrupt => {
            // Keep the line being typed: it is saved with the session.
            queue.push_back(Event::Autosave { draft: draft.clone() });
            queue.push_back(Event::Interrupt);
        }
        Input::Eof => {
            if !draft.is_empty() {
                queue.push_back(Event::Line(std::mem::take(draft)));
            }
            queue.push_back(Event::EndOfInput);
            return false;
        }
    }
    true
}

async fn sleep_until_opt(deadline: Option<Instant>) {
    match deadline {
        Some(d) => tokio::time::sleep_until(d).await,
        None => std::future::pending().await,
    }
}

/// Is the phase in its last two minutes (or last quarter)? Shells colour the countdown by it.
pub fn is_urgent(status: &Countdown) -> bool {
    status.phase_left <= (status.phase_budget * 0.25).min(120.0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::Catalog;
    use crate::model::{Ended, Status};
    use crate::session::Options;

    /// A shell that records what it was asked to do.
    #[derive(Default)]
    struct Fake {
        shown: Vec<Message>,
        statuses: usize,
        clears: usize,
    }

    impl Shell for Fake {
        fn show(&mut self, message: &Message) {
            self.shown.push(message.clone());
        }
        fn status(&mut self, _status: &Countdown) {
            self.statuses += 1;
        }
        fn edit(&mut self, _text: &str) -> Result<String, String> {
            Err("no editor in tests".into())
        }
        fn clear_draft(&mut self) {
            self.clears += 1;
        }
        fn finish(&mut self) {}
    }

    /// A store that records every transcript it was handed.
    #[derive(Default)]
    struct Saves(Vec<Transcript>);

    impl Persist for Saves {
        fn persist(&mut self, transcript: &Transcript) -> anyhow::Result<()> {
            self.0.push(transcript.clone());
            Ok(())
        }
    }

    /// A store on a full disk.
    #[derive(Default)]
    struct Full {
        attempts: usize,
    }

    impl Persist for Full {
        fn persist(&mut self, _transcript: &Transcript) -> anyhow::Result<()> {
            self.attempts += 1;
            anyhow::bail!("cannot save /data/sessions/x.json: No space left on device")
        }
    }

    fn session() -> Session {
        let design = Catalog::builtin().find("whatsapp").unwrap().clone();
        let opts = Options { minutes: 45.0, soft_timer: false, seed: 11, self_score: false, scripted: false };
        Session::new(&design, opts, "t".into(), chrono::DateTime::UNIX_EPOCH)
    }

    /// Run `s` to its end with `shell` and `store` while `candidate` types into its input. The
    /// input stays open until the session ends (by its clock, a command, `Input::Eof` or
    /// `Input::Interrupt`), however soon the candidate stops typing.
    async fn drive<F: Future<Output = ()>>(
        s: &mut Session,
        shell: &mut dyn Shell,
        store: &mut dyn Persist,
        candidate: impl FnOnce(mpsc::UnboundedSender<Input>) -> F,
    ) -> SessionEnded {
        let (tx, mut rx) = mpsc::unbounded_channel();
        let typing = candidate(tx.clone());
        let (ended, ()) = tokio::join!(run(s, &mut rx, shell, store, None), typing);
        drop(tx);
        ended.expect("the driver ends the session")
    }

    /// Type `lines` at once, then nothing more.
    fn types(lines: &[Input]) -> impl FnOnce(mpsc::UnboundedSender<Input>) -> std::future::Ready<()> {
        let lines = lines.to_vec();
        move |tx| {
            for line in lines {
                tx.send(line).unwrap();
            }
            std::future::ready(())
        }
    }

    fn line(text: &str) -> Input {
        Input::Line(text.into())
    }

    #[tokio::test(start_paused = true)]
    async fn a_full_45_minute_interview_runs_under_paused_time() {
        let (mut s, mut shell, mut saves) = (session(), Fake::default(), Saves::default());
        let started = Instant::now();
        let ended = drive(&mut s, &mut shell, &mut saves, types(&[line("Group chat and receipts.")])).await;
        assert_eq!(ended, SessionEnded::Finished);
        // Tokio's clock advanced by exactly the interview's length; the wall clock did not.
        let took = started.elapsed().as_secs_f64();
        assert!((took - 45.0 * 60.0).abs() < 1.0, "{took}");
        let t = s.transcript();
        assert_eq!(t.status, Status::Finished);
        assert!(t.phases.iter().all(|p| p.ended == Some(Ended::TimeUp)));
        assert_eq!(t.phases[0].answer, "Group chat and receipts.");
        assert!(shell.statuses > 1000, "the countdown was refreshed throughout");
        assert!(
            shell
                .shown
                .iter()
                .any(|m| matches!(m, Message::Note(n) if n.contains("2:00 left in this phase")))
        );
        assert!(t.phases[2].curveball.is_some(), "the curveball arrived in the deep dive");
    }

    #[tokio::test(start_paused = true)]
    async fn a_draft_is_autosaved_within_ten_seconds() {
        let (mut s, mut shell, mut saves) = (session(), Fake::default(), Saves::default());
        drive(&mut s, &mut shell, &mut saves, |tx| async move {
            tx.send(Input::Draft("half a thou".into())).unwrap();
            tokio::time::sleep(Duration::from_secs(10)).await;
            tx.send(Input::Interrupt).unwrap();
        })
        .await;
        let saved_draft_at =
            saves.0.iter().find(|t| t.phases[0].draft == "half a thou").map(|t| t.updated_at);
        assert!(saved_draft_at.is_some(), "autosave wrote the draft before the interrupt");
        assert_eq!(saves.0.last().unwrap().status, Status::Quit);
    }

    #[tokio::test(start_paused = true)]
    async fn a_failed_save_does_not_end_the_interview() {
        // Regression (issue 15, item 6): the first failed save ended the session with exit 1.
        let (mut s, mut shell, mut disk) = (session(), Fake::default(), Full::default());
        let mut lines: Vec<Input> =
            ["first answer", "/next", "more", "/next", "second phase", "/next"].map(line).to_vec();
        lines.push(Input::Eof);
        let ended = drive(&mut s, &mut shell, &mut disk, types(&lines)).await;
        assert_eq!(ended, SessionEnded::Finished, "the interview ran to its end");
        let warnings = shell
            .shown
            .iter()
            .filter(|m| matches!(m, Message::Warning(w) if w.contains("No space left")))
            .count();
        assert_eq!(warnings, 1, "warned once");
        assert!(disk.attempts > 3, "retried on every change ({})", disk.attempts);
        assert_eq!(s.transcript().phases[0].answer, "first answer", "kept in memory");
        assert!(s.transcript().phases[1].answer.contains("second phase"));
    }

    #[tokio::test(start_paused = true)]
    async fn end_of_input_keeps_the_unfinished_line() {
        let (mut s, mut shell, mut saves) = (session(), Fake::default(), Saves::default());
        let typed = [line("first"), Input::Draft("second, not entered".into()), Input::Eof];
        let ended = drive(&mut s, &mut shell, &mut saves, types(&typed)).await;
        assert_eq!(ended, SessionEnded::Finished);
        assert_eq!(s.transcript().phases[0].answer, "first\nsecond, not entered");
    }

    #[tokio::test(start_paused = true)]
    async fn an_unfinished_line_at_time_up_does_not_leak_into_later_phases() {
        let (mut s, mut shell, mut saves) = (session(), Fake::default(), Saves::default());
        drive(&mut s, &mut shell, &mut saves, |tx| async move {
            // Typed 1 s before the requirements time up, after the last autosave: never entered.
            tokio::time::sleep(Duration::from_secs(8 * 60 - 1)).await;
            tx.send(Input::Draft("a high-level design typed as nothing".into())).unwrap();
        })
        .await;
        assert!(shell.clears >= 4, "the shell was told to empty its line at each phase end");
        // Every save, not just the last: the draft never sat in another phase's record.
        for t in &saves.0 {
            for p in &t.phases[1..] {
                assert!(!p.answer.contains("typed as nothing"), "{:?}: {}", p.phase, p.answer);
                assert!(p.draft.is_empty(), "{:?} draft: {}", p.phase, p.draft);
            }
        }
        let last = saves.0.last().unwrap();
        assert_eq!(last.phases[0].answer, "a high-level design typed as nothing");
        assert_eq!(last.status, Status::Finished);
    }

    #[tokio::test(start_paused = true)]
    async fn the_clock_starts_at_enter_carries_unused_time_and_stops_while_paused() {
        let (mut s, mut shell, mut saves) = (session(), Fake::default(), Saves::default());
        s.wait_for_enter();
        let started = Instant::now();
        drive(&mut s, &mut shell, &mut saves, |tx| async move {
            tokio::time::sleep(Duration::from_secs(5 * 60)).await; // reads the opening
            tx.send(line("")).unwrap();
            tokio::time::sleep(Duration::from_secs(2 * 60)).await;
            tx.send(line("/skip")).unwrap(); // 6:00 of requirements unused
            tokio::time::sleep(Duration::from_secs(60)).await;
            tx.send(line("/pause")).unwrap();
            tokio::time::sleep(Duration::from_secs(10 * 60)).await; // the doorbell
            tx.send(line("")).unwrap();
        })
        .await;
        // 5:00 reading + 45:00 interview + 10:00 paused, by tokio's clock.
        let took = started.elapsed().as_secs_f64();
        assert!((took - 60.0 * 60.0).abs() < 1.0, "{took}");
        let t = saves.0.last().unwrap();
        assert_eq!(t.status, Status::Finished);
        assert!((t.phases[0].used_secs - 120.0).abs() < 1.0, "{}", t.phases[0].used_secs);
        assert!((t.phases[1].paused_secs - 600.0).abs() < 1.0);
        assert!(t.phases[2].allowed_secs() > 15.0 * 60.0, "the deep dive got some of the unused time");
        let used: f64 = t.phases.iter().map(|p| p.used_secs).sum();
        assert!((used - 45.0 * 60.0).abs() < 1.0, "{used}");
    }
}
