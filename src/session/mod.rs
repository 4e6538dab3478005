//! The interview engine: a pure state machine. Events in (a line typed, a command, a timer firing,
//! a follow-up written by an LLM), effects out (show this, schedule a timer, save, ask an LLM for a
//! follow-up, open the editor, end).
//!
//! Invariants:
//! - It never touches the terminal, the clock, the network or the disk. Time arrives inside every
//!   event as a [`Clock`] reading taken by the driver, so tests run a 45-minute interview in
//!   microseconds.
//! - The [`Transcript`] it holds is always the whole truth of the session so far; a `Persist` effect
//!   asks the driver to write it, and the engine asks for one after every submitted answer, question,
//!   hint, follow-up and curveball, and whenever the draft changed since the last autosave.
//! - The follow-up after `/next` is worked out here, once, from what the phase left out
//!   ([`crate::grade::probe`]). Only an LLM interviewer ([`Session::llm_writes_follow_ups`]) makes
//!   it a round trip: the driver gets the brief ([`Effect::WriteFollowUp`]), the engine keeps the
//!   rubric's question and asks it if the LLM's does not come ([`Event::FollowUpWritten`]).
//! - The session ends once, with [`Effect::End`] saying how ([`SessionEnded`]); the transcript's
//!   saved state is derived from it ([`SessionEnded::status`]), never set on its own.
//! - A timer that fires late or for a phase that already ended is ignored; the engine re-checks the
//!   time itself, so the driver may fire timers early or twice without harm.
//! - A phase's unfinished line belongs to that phase only: when the phase ends it is filed there and
//!   the shell is told to empty its input ([`Effect::ClearDraft`]); a stale copy arriving later is
//!   dropped. Only typed lines are commands: pasted text reaches the engine `//`-escaped, a written
//!   answer as a whole ([`Event::Written`]).
//! - The clock: time a phase leaves unused carries to the phases not yet reached (in proportion to
//!   their budgets; soft-timer overtime comes off them the same way), and the interview's length
//!   is the hard limit. Time paused (`/pause`) and time before the candidate pressed Enter after the
//!   opening ([`Session::wait_for_enter`]) is not used time.

mod facts;
mod rng;

use chrono::{DateTime, Utc};

use crate::catalog::{Design, Phase};
use crate::grade::{FollowUpBrief, Probe};
use crate::model::{
    CurveballPlan, CurveballRecord, Ended, FollowUp, PhaseRecord, Question, SessionEnded, Status, Transcript,
};

pub use facts::answer_question;
pub use rng::SplitMix64;

/// A reading of the driver's clocks: monotonic seconds since the driver started, and wall time.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Clock {
    pub secs: f64,
    pub wall: DateTime<Utc>,
}

/// How to run a new session.
#[derive(Debug, Clone, PartialEq)]
pub struct Options {
    /// Interview length in minutes; budgets are scaled to it.
    pub minutes: f64,
    pub soft_timer: bool,
    /// Chooses the curveball and when it arrives.
    pub seed: u64,
    /// Answered aloud: an empty line advances, no follow-up probes.
    pub self_score: bool,
    /// Fed from a written answer: no follow-ups, no curveball, no clock.
    pub scripted: bool,
}

/// Something that happened.
#[derive(Debug, Clone, PartialEq)]
pub enum Event {
    /// Show the opening (or, for a resumed session, where it stopped) and start the clock.
    Start,
    /// One line the candidate entered: answer text, or a `/command`.
    Line(String),
    /// The current phase's answer written in full (`--answers`): filed as it stands, no line of it
    /// a command, each line's trailing blanks dropped as if typed; then submitted as by `/next`.
    Written(String),
    /// A timer the engine scheduled has fired.
    Timer(Timer),
    /// The LLM's follow-up for a phase (the reply to [`Effect::WriteFollowUp`]); `None` when it
    /// wrote none in time, and the rubric's question is asked instead.
    FollowUpWritten { phase: Phase, question: Option<String> },
    /// The editor returned the new text of what the candidate was answering.
    Edited(String),
    /// The editor could not be used; the reason is shown.
    EditFailed(String),
    /// Periodic autosave; `draft` is the line being typed but not yet entered.
    Autosave { draft: String },
    /// Ctrl-C: save and leave, resumable.
    Interrupt,
    /// End of input: submit the current phase and end the session.
    EndOfInput,
}

/// What a timer is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TimerKind {
    /// Two minutes left in the phase (less for short interviews).
    Warning,
    /// The phase budget is spent.
    TimeUp,
    /// The deep-dive curveball is due.
    Curveball,
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Timer {
    pub kind: TimerKind,
    pub phase: Phase,
    /// Monotonic seconds (the driver's `Clock::secs`) when it should fire.
    pub at: f64,
}

/// Something for the driver to do.
#[derive(Debug, Clone, PartialEq)]
pub enum Effect {
    Show(Message),
    /// Fire `Event::Timer(timer)` at `timer.at`. A new timer of the same kind replaces the old one.
    Schedule(Timer),
    /// Persist the transcript ([`Session::transcript`]) now: the driver hands it to the store.
    Persist,
    /// Have the LLM interviewer write the follow-up from this brief and reply with
    /// `Event::FollowUpWritten` (only after [`Session::llm_writes_follow_ups`]).
    WriteFollowUp(FollowUpBrief),
    /// Open `text` in the user's editor and reply with `Event::Edited` or `Event::EditFailed`.
    OpenEditor {
        text: String,
    },
    /// Empty the line being typed: its phase ended and it was filed there (a draft belongs to
    /// the phase it was typed in, never to the next one).
    ClearDraft,
    /// The session is over (after a final `Persist` of the state it leaves,
    /// [`SessionEnded::status`]).
    End(SessionEnded),
}

/// Text for the candidate. The driver renders it (Markdown on a terminal, plain otherwise).
#[derive(Debug, Clone, PartialEq)]
pub enum Message {
    /// The opening of the interview.
    Scenario { title: String, text: String, minutes: f64 },
    /// A phase begins.
    PhaseStart { phase: Phase, number: usize, text: String, budget_secs: f64, resumed_used_secs: f64 },
    /// The interviewer speaks (answers, follow-ups, curveballs).
    Interviewer(String),
    /// A note from the tool (time, help, status).
    Note(String),
    /// Something went wrong that the candidate should know about.
    Warning(String),
    /// A phase ended.
    PhaseEnd { phase: Phase, ended: Ended, used_secs: f64, budget_secs: f64 },
}

/// Where the candidate's lines go right now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Target {
    Answer,
    Curveball,
    FollowUp,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    NotStarted,
    /// The opening is shown; the clock starts when the candidate presses Enter.
    Opening,
    /// A phase is open.
    Open,
    /// `/pause`: the clock is stopped until `/resume` (or Enter).
    Paused,
    /// `/next` was entered and the LLM interviewer is writing the follow-up (the clock runs).
    AwaitingFollowUp,
    Done,
}

pub const HELP: &str = "\
Commands:
  /next            submit this phase and move on (after a follow-up question, if any)
  /ask QUESTION    ask the interviewer a clarifying question
  /hint            a nudge for this phase (recorded; costs a little score)
  /show            your answer so far in this phase, and the question again
  /time            time left in this phase and in the interview
  /pause           stop the clock (recorded); Enter or /resume starts it again
  /skip            skip the rest of this phase
  /edit            edit your answer so far in $EDITOR
  /quit            save and leave (continue later with `mockdesign resume`)
  /help            this list
Anything else you type is your answer. Start a line with // to type a literal /.";

/// The engine. Holds the design it runs and the transcript it writes.
#[derive(Debug, Clone)]
pub struct Session {
    design: Design,
    transcript: Transcript,
    opts: Options,
    state: State,
    phase: Phase,
    target: Target,
    /// Monotonic seconds when the current phase (re)started on this run.
    phase_started: f64,
    /// Seconds the current phase had used before `phase_started` (resume, pauses).
    used_before: f64,
    /// Wait for Enter after the opening before the clock starts (a terminal; never a pipe).
    wait_for_enter: bool,
    /// An LLM writes the follow-up questions ([`Effect::WriteFollowUp`]).
    llm_follow_ups: bool,
    /// The rubric's `(item, question)` while the LLM writes its own (asked if it does not come).
    pending_probe: Option<(String, String)>,
    /// A resumed session's answer so far was shown before Enter (not again after it).
    recap_shown: bool,
    /// The session is ending with phases never reached: they get no carried time.
    unreached: bool,
    warned: bool,
    time_up_noted: bool,
    hint_index: usize,
    dirty: bool,
    last_draft: String,
    /// The unfinished line a phase took with it when it ended: an autosave or a line still carrying
    /// it arrived from before the shell emptied its input, and is not the new phase's.
    stale_draft: String,
    /// Where the next entered line goes when it was being typed as the curveball arrived: the
    /// answer it was typed for, not the curveball's.
    draft_target: Option<Target>,
}

/// Two minutes, or a quarter of a short phase.
fn warning_lead(budget_secs: f64) -> f64 {
    (budget_secs * 0.25).min(120.0)
}

impl Session {
    /// A new session on `design`. `id` names the transcript; `now` is the wall time it starts.
    pub fn new(design: &Design, opts: Options, id: String, now: DateTime<Utc>) -> Self {
        let budgets = design.rubric.budget.scaled_secs(opts.minutes);
        let mut rng = SplitMix64::new(opts.seed);
        let curveball_plan = if opts.scripted || design.rubric.curveballs.is_empty() {
            None
        } else {
            let cb = &design.rubric.curveballs[rng.below(design.rubric.curveballs.len())];
            // Somewhere between a quarter and three fifths of the deep dive.
            let frac = 0.25 + rng.unit() * 0.35;
            Some(CurveballPlan { id: cb.id.clone(), at_secs: budgets[Phase::DeepDive.index()] * frac })
        };
        let mut transcript = Transcript::begin(design, id, now, opts.minutes);
        transcript.soft_timer = opts.soft_timer;
        transcript.seed = opts.seed;
        transcript.self_score = opts.self_score;
        transcript.curveball_plan = curveball_plan;
        Self::from_parts(design, transcript, opts)
    }

    /// Continue a saved session at the phase where it stopped, with the time it had left.
    pub fn resume(design: &Design, mut transcript: Transcript) -> Result<Self, String> {
        if transcript.status == Status::Finished {
            return Err(format!("session {} is already finished", transcript.id));
        }
        if transcript.design != design.id() {
            return Err(format!(
                "session {} is for design {}, not {}",
                transcript.id,
                transcript.design,
                design.id()
            ));
        }
        let Some(current) = transcript.current else {
            return Err(format!("session {} has no phase left to answer", transcript.id));
        };
        transcript.status = Status::InProgress;
        let opts = Options {
            minutes: transcript.minutes,
            soft_timer: transcript.soft_timer,
            seed: transcript.seed,
            self_score: transcript.self_score,
            scripted: false,
        };
        let mut s = Self::from_parts(design, transcript, opts);
        s.phase = current;
        let rec = s.record().clone();
        s.used_before = rec.used_secs;
        s.hint_index = rec.hints.len();
        s.target = if !rec.followups.is_empty() {
            Target::FollowUp
        } else if rec.curveball.is_some() {
            Target::Curveball
        } else {
            Target::Answer
        };
        // A line that was being typed when the session stopped becomes part of the answer.
        if !rec.draft.trim().is_empty() {
            s.append(&rec.draft);
            s.record_mut().draft.clear();
        }
        s.warned = rec.allowed_secs() - rec.used_secs <= warning_lead(rec.allowed_secs());
        s.time_up_noted = rec.used_secs >= rec.allowed_secs();
        Ok(s)
    }

    fn from_parts(design: &Design, transcript: Transcript, opts: Options) -> Self {
        Self {
            design: design.clone(),
            transcript,
            opts,
            state: State::NotStarted,
            phase: Phase::Requirements,
            target: Target::Answer,
            phase_started: 0.0,
            used_before: 0.0,
            wait_for_enter: false,
            llm_follow_ups: false,
            pending_probe: None,
            recap_shown: false,
            unreached: false,
            warned: false,
            time_up_noted: false,
            hint_index: 0,
            dirty: false,
            last_draft: String::new(),
            stale_draft: String::new(),
            draft_target: None,
        }
    }

    pub fn transcript(&self) -> &Transcript {
        &self.transcript
    }

    /// Start the clock only when the candidate presses Enter after reading the opening (for a
    /// terminal; piped input starts at once).
    pub fn wait_for_enter(&mut self) {
        self.wait_for_enter = true;
    }

    /// Let an LLM write the follow-up questions: `/next` asks the driver for one
    /// ([`Effect::WriteFollowUp`]) instead of asking the rubric's at once.
    pub fn llm_writes_follow_ups(&mut self) {
        self.llm_follow_ups = true;
    }

    /// Mark a scripted session's answer as one text without phase headings.
    pub fn set_whole_answer(&mut self, whole: bool) {
        self.transcript.whole_answer = whole;
    }

    pub fn into_transcript(self) -> Transcript {
        self.transcript
    }

    /// The phase being answered (the last one once the session is done).
    pub fn phase(&self) -> Phase {
        self.phase
    }

    pub fn is_done(&self) -> bool {
        self.state == State::Done
    }

    /// Seconds used in the current phase at `secs` (time paused is not used).
    pub fn phase_used(&self, secs: f64) -> f64 {
        match self.state {
            State::Open | State::AwaitingFollowUp => self.used_before + (secs - self.phase_started).max(0.0),
            State::Paused => self.used_before,
            _ => self.record().used_secs,
        }
    }

    /// Seconds left in the current phase (negative in overtime).
    pub fn phase_left(&self, secs: f64) -> f64 {
        self.phase_budget() - self.phase_used(secs)
    }

    /// The time the current phase may use: its budget plus time carried from earlier phases.
    pub fn phase_budget(&self) -> f64 {
        self.record().allowed_secs()
    }

    /// Is the clock stopped: by `/pause`, or before the candidate pressed Enter after the opening?
    pub fn is_paused(&self) -> bool {
        matches!(self.state, State::Paused | State::Opening)
    }

    /// Seconds left in the whole interview, the hard limit: its length less every second used.
    pub fn total_left(&self, secs: f64) -> f64 {
        let total: f64 = self.transcript.phases.iter().map(|p| p.budget_secs).sum();
        let used: f64 = self
            .transcript
            .phases
            .iter()
            .map(|p| if p.phase == self.phase { self.phase_used(secs) } else { p.used_secs })
            .sum();
        (total - used).max(0.0)
    }

    fn record(&self) -> &PhaseRecord {
        &self.transcript.phases[self.phase.index()]
    }

    fn record_mut(&mut self) -> &mut PhaseRecord {
        &mut self.transcript.phases[self.phase.index()]
    }

    /// Handle one event at `now`.
    pub fn handle(&mut self, event: Event, now: Clock) -> Vec<Effect> {
        let mut fx = Vec::new();
        match event {
            Event::Start => self.start(now, &mut fx),
            Event::Line(line) => self.line(&line, now, &mut fx),
            Event::Written(text) => {
                if self.is_active() {
                    let lines: Vec<&str> = text.lines().map(str::trim_end).collect();
                    self.append(&lines.join("\n"));
                    self.next(now, &mut fx);
                }
            }
            Event::Timer(timer) => self.timer(timer, now, &mut fx),
            Event::FollowUpWritten { phase, question } => {
                self.follow_up_written(phase, question, now, &mut fx);
            }
            Event::Edited(text) => {
                if self.is_active() {
                    *self.target_text_mut() = text.trim_end().to_string();
                    self.dirty = true;
                    fx.push(Effect::Show(Message::Note("Your answer was updated from the editor.".into())));
                    self.save(now, &mut fx);
                }
            }
            Event::EditFailed(reason) => {
                fx.push(Effect::Show(Message::Warning(format!("{reason} — keep typing here."))));
            }
            Event::Autosave { mut draft } => {
                if !self.stale_draft.is_empty() {
                    if draft == self.stale_draft {
                        draft.clear();
                    } else {
                        // The shell has emptied its input since: nothing stale is in flight.
                        self.stale_draft.clear();
                    }
                }
                if self.is_active() && (self.dirty || draft != self.last_draft) {
                    self.last_draft.clone_from(&draft);
                    self.record_mut().draft = draft;
                    self.save(now, &mut fx);
                }
            }
            Event::Interrupt => {
                if self.state != State::Done {
                    self.leave(SessionEnded::Interrupted, now, &mut fx);
                }
            }
            Event::EndOfInput => {
                if self.state == State::Opening {
                    let resumed = self.record().started_at.is_some();
                    self.begin(resumed, now, &mut fx);
                }
                if self.is_active() {
                    // Whatever was never reached was not answered; no time is carried to it.
                    self.unreached = true;
                    self.end_phase(Ended::Submitted, now, &mut fx);
                    while self.state != State::Done {
                        self.end_phase(Ended::Skipped, now, &mut fx);
                    }
                }
            }
        }
        fx
    }

    fn is_active(&self) -> bool {
        matches!(self.state, State::Open | State::AwaitingFollowUp | State::Paused)
    }

    fn start(&mut self, now: Clock, fx: &mut Vec<Effect>) {
        if self.state != State::NotStarted {
            return;
        }
        let resumed = self.record().started_at.is_some();
        if !resumed {
            fx.push(Effect::Show(Message::Scenario {
                title: self.design.title().to_string(),
                text: self.design.prompt.scenario.clone(),
                minutes: self.opts.minutes,
            }));
        }
        if self.opts.self_score && !resumed {
            fx.push(Effect::Show(Message::Note(
                "Self-score mode: answer aloud or on a whiteboard — nothing needs typing. Press Enter \
                 to move to the next phase; at the end you tick what you covered, item by item."
                    .into(),
            )));
        }
        if self.wait_for_enter {
            self.state = State::Opening;
            let what = if resumed { "continue" } else { "start" };
            // A returning candidate sees where they left off before the clock restarts.
            let so_far = self.record().graded_text();
            if resumed && !so_far.is_empty() {
                fx.push(Effect::Show(Message::Note(format!(
                    "You left off in {}. Your answer so far in this phase:\n\n{so_far}",
                    self.phase.title()
                ))));
                self.recap_shown = true;
            }
            fx.push(Effect::Show(Message::Note(format!(
                "Press Enter when you are ready to {what} — the clock starts then."
            ))));
            return;
        }
        self.begin(resumed, now, fx);
    }

    /// Open the phase and start its clock (after the opening, or at once).
    fn begin(&mut self, resumed: bool, now: Clock, fx: &mut Vec<Effect>) {
        self.open_phase(now, fx);
        let so_far = self.record().graded_text();
        if resumed && !so_far.is_empty() && !self.recap_shown {
            fx.push(Effect::Show(Message::Note(format!("Your answer so far in this phase:\n\n{so_far}"))));
        }
        if resumed {
            if let Some(f) = self.record().followups.last() {
                fx.push(Effect::Show(Message::Interviewer(format!("(Still open) {}", f.question))));
            }
        }
    }

    fn open_phase(&mut self, now: Clock, fx: &mut Vec<Effect>) {
        self.state = State::Open;
        self.phase_started = now.secs;
        self.transcript.current = Some(self.phase);
        let phase = self.phase;
        let rec = self.record_mut();
        if rec.started_at.is_none() {
            rec.started_at = Some(now.wall);
        }
        let (text, budget, used, carried) =
            (rec.prompt.clone(), rec.allowed_secs(), rec.used_secs, rec.carried_secs);
        self.used_before = used;
        fx.push(Effect::Show(Message::PhaseStart {
            phase,
            number: phase.index() + 1,
            text,
            budget_secs: budget,
            resumed_used_secs: used,
        }));
        if carried >= 1.0 && used == 0.0 {
            fx.push(Effect::Show(Message::Note(format!(
                "This phase has {} more than planned: time earlier phases did not use.",
                fmt_duration(carried)
            ))));
        } else if carried <= -1.0 && used == 0.0 {
            fx.push(Effect::Show(Message::Note(format!(
                "This phase has {} less than planned: earlier phases ran over.",
                fmt_duration(-carried)
            ))));
        }
        self.schedule_timers(now, fx);
        self.save(now, fx);
    }

    fn schedule_timers(&mut self, now: Clock, fx: &mut Vec<Effect>) {
        if self.opts.scripted {
            return;
        }
        let left = self.phase_left(now.secs).min(self.total_left(now.secs));
        let budget = self.phase_budget();
        let lead = warning_lead(budget);
        if !self.warned && left > lead {
            fx.push(Effect::Schedule(Timer {
                kind: TimerKind::Warning,
                phase: self.phase,
                at: now.secs + left - lead,
            }));
        }
        let total = self.total_left(now.secs);
        let until = if self.time_up_noted { total } else { left.min(total) };
        fx.push(Effect::Schedule(Timer {
            kind: TimerKind::TimeUp,
            phase: self.phase,
            at: now.secs + until.max(0.0),
        }));
        if self.phase == Phase::DeepDive && self.record().curveball.is_none() {
            if let Some(plan) = &self.transcript.curveball_plan {
                let wait = (plan.at_secs - self.phase_used(now.secs)).max(0.0);
                fx.push(Effect::Schedule(Timer {
                    kind: TimerKind::Curveball,
                    phase: self.phase,
                    at: now.secs + wait,
                }));
            }
        }
    }

    fn line(&mut self, line: &str, now: Clock, fx: &mut Vec<Effect>) {
        if self.state == State::Opening {
            let cmd = line.trim().to_lowercase();
            if cmd == "/quit" || cmd == "/exit" {
                fx.push(Effect::Show(Message::Note("Nothing was started; see you next time.".into())));
                self.leave(SessionEnded::Quit, now, fx);
                return;
            }
            let resumed = self.record().started_at.is_some();
            self.begin(resumed, now, fx);
            if line.trim().is_empty() {
                return;
            }
        }
        if self.state == State::Paused {
            let cmd = line.trim().to_lowercase();
            let stays = matches!(cmd.as_str(), "/pause" | "/show" | "/time" | "/t" | "/help" | "/h" | "/?");
            if !stays && !cmd.starts_with("/quit") && !cmd.starts_with("/exit") {
                self.unpause(now, fx);
                if line.trim().is_empty() || cmd == "/resume" || cmd == "/r" {
                    return;
                }
            }
        }
        if !self.is_active() {
            return;
        }
        // The line that was being typed when the phase ended was filed in that phase already.
        let stale = std::mem::take(&mut self.stale_draft);
        if !stale.is_empty() && line.trim_end() == stale.trim_end() {
            return;
        }
        let trimmed = line.trim();
        let body = line.trim_start();
        if let Some(literal) = body.strip_prefix("//") {
            let indent = &line[..line.len() - body.len()];
            self.append_as_typed(&format!("{indent}/{literal}"));
            return;
        }
        if let Some(command) = trimmed.strip_prefix('/') {
            self.draft_target = None;
            let (name, rest) = command.split_once(char::is_whitespace).unwrap_or((command, ""));
            self.command(&name.to_lowercase(), rest.trim(), now, fx);
            return;
        }
        if self.opts.self_score && trimmed.is_empty() {
            self.command("next", "", now, fx);
            return;
        }
        self.append_as_typed(line);
    }

    /// Append an entered line to the answer it was typed for: the one that was open when the
    /// curveball interrupted it, else the current one.
    fn append_as_typed(&mut self, line: &str) {
        match self.draft_target.take() {
            Some(typed_for) => {
                let now_target = std::mem::replace(&mut self.target, typed_for);
                self.append(line);
                self.target = now_target;
            }
            None => self.append(line),
        }
    }

    fn append(&mut self, line: &str) {
        let text = self.target_text_mut();
        if !text.is_empty() {
            text.push('\n');
        }
        text.push_str(line.trim_end());
        self.record_mut().draft.clear();
        self.last_draft.clear();
        self.dirty = true;
    }

    fn target_text_mut(&mut self) -> &mut String {
        let target = self.target;
        let rec = self.record_mut();
        match target {
            Target::Curveball if rec.curveball.is_some() => {
                &mut rec.curveball.as_mut().expect("checked").answer
            }
            Target::FollowUp if !rec.followups.is_empty() => {
                &mut rec.followups.last_mut().expect("checked").answer
            }
            _ => &mut rec.answer,
        }
    }

    fn command(&mut self, name: &str, arg: &str, now: Clock, fx: &mut Vec<Effect>) {
        match name {
            "next" | "n" | "submit" => self.next(now, fx),
            "skip" => self.end_phase(Ended::Skipped, now, fx),
            "ask" | "q" => self.ask(arg, now, fx),
            "hint" => self.hint(now, fx),
            "time" | "t" => {
                let note = time_note(self.phase_left(now.secs), self.total_left(now.secs));
                fx.push(Effect::Show(Message::Note(note)));
            }
            "edit" | "e" => {
                // An editor appends after the last line, so the buffer ends with one.
                let mut text = self.target_text_mut().clone();
                if !text.is_empty() && !text.ends_with('\n') {
                    text.push('\n');
                }
                fx.push(Effect::OpenEditor { text });
            }
            "quit" | "exit" => self.leave(SessionEnded::Quit, now, fx),
            "show" => self.show(fx),
            "pause" | "p" => self.pause(now, fx),
            "resume" | "r" => fx.push(Effect::Show(Message::Note("The clock is running.".into()))),
            "help" | "h" | "?" => fx.push(Effect::Show(Message::Note(HELP.to_string()))),
            other => fx.push(Effect::Show(Message::Warning(format!(
                "unknown command /{other} — /help lists the commands (start a line with // to type a literal /)"
            )))),
        }
    }

    /// `/show`: the answer so far in this phase (with the curveball's and follow-ups'), then the
    /// question again.
    fn show(&self, fx: &mut Vec<Effect>) {
        let rec = self.record();
        let so_far = rec.graded_text();
        let answer = if so_far.is_empty() { "(nothing yet)".to_string() } else { so_far };
        fx.push(Effect::Show(Message::Note(format!("Your answer so far in this phase:\n\n{answer}"))));
        let mut question = format!("The question ({}): {}", self.phase.title(), rec.prompt.trim());
        if let Some(c) = &rec.curveball {
            question.push_str(&format!("\n\nRequirement change: {}", c.text.trim()));
        }
        if let Some(f) = rec.followups.last() {
            question.push_str(&format!("\n\nFollow-up: {}", f.question.trim()));
        }
        fx.push(Effect::Show(Message::Interviewer(question)));
    }

    /// Stop the clock: what was used is kept, the pause is recorded and not counted.
    fn pause(&mut self, now: Clock, fx: &mut Vec<Effect>) {
        if self.state != State::Open {
            let why = if self.state == State::Paused {
                "Already paused — press Enter (or /resume) to go on."
            } else {
                "The clock cannot be paused while the interviewer is writing a question."
            };
            fx.push(Effect::Show(Message::Note(why.into())));
            return;
        }
        self.used_before = self.phase_used(now.secs);
        self.phase_started = now.secs;
        self.state = State::Paused;
        self.record_mut().pauses += 1;
        fx.push(Effect::Show(Message::Note(
            "Paused — the clock is stopped. Press Enter (or /resume) to go on.".into(),
        )));
        self.save(now, fx);
    }

    /// Start the clock again after `/pause`; the time paused is recorded, not used.
    fn unpause(&mut self, now: Clock, fx: &mut Vec<Effect>) {
        if self.state != State::Paused {
            return;
        }
        let paused = (now.secs - self.phase_started).max(0.0);
        self.record_mut().paused_secs += paused;
        self.state = State::Open;
        self.phase_started = now.secs;
        fx.push(Effect::Show(Message::Note(format!(
            "Resumed after {} paused. {}",
            fmt_duration(paused),
            time_note(self.phase_left(now.secs), self.total_left(now.secs))
        ))));
        self.schedule_timers(now, fx);
        self.save(now, fx);
    }

    fn next(&mut self, now: Clock, fx: &mut Vec<Effect>) {
        if self.state == State::AwaitingFollowUp {
            return;
        }
        // Finishing the deep dive before the curveball arrived: it arrives now.
        if self.phase == Phase::DeepDive
            && self.record().curveball.is_none()
            && self.transcript.curveball_plan.is_some()
        {
            self.deliver_curveball(now, fx);
            return;
        }
        let asked = !self.record().followups.is_empty();
        if asked || self.opts.self_score || self.opts.scripted || self.phase_left(now.secs) <= 0.0 {
            self.end_phase(Ended::Submitted, now, fx);
            return;
        }
        let text = self.record().graded_text();
        let Some(Probe { item, question, missing }) = crate::grade::probe(&self.design, self.phase, &text)
        else {
            self.end_phase(Ended::Submitted, now, fx);
            return;
        };
        if self.llm_follow_ups && !text.trim().is_empty() {
            self.state = State::AwaitingFollowUp;
            self.pending_probe = Some((item, question));
            fx.push(Effect::WriteFollowUp(FollowUpBrief::new(&self.design, self.phase, text, missing)));
        } else {
            self.ask_follow_up(item, question, now, fx);
        }
    }

    /// The LLM's follow-up arrived (or did not): ask it, else the rubric's question kept for it.
    fn follow_up_written(&mut self, phase: Phase, written: Option<String>, now: Clock, fx: &mut Vec<Effect>) {
        if self.state != State::AwaitingFollowUp || phase != self.phase {
            return;
        }
        let Some((item, rubric)) = self.pending_probe.take() else { return };
        self.state = State::Open;
        self.ask_follow_up(item, written.unwrap_or(rubric), now, fx);
    }

    fn ask_follow_up(&mut self, item: String, question: String, now: Clock, fx: &mut Vec<Effect>) {
        fx.push(Effect::Show(Message::Interviewer(format!(
            "{question}\n\n(Answer, then /next to move on.)"
        ))));
        self.record_mut().followups.push(FollowUp { item: Some(item), question, answer: String::new() });
        self.target = Target::FollowUp;
        self.save(now, fx);
    }

    fn ask(&mut self, question: &str, now: Clock, fx: &mut Vec<Effect>) {
        if question.is_empty() {
            fx.push(Effect::Show(Message::Warning(
                "ask what? e.g. /ask how many daily active users?".into(),
            )));
            return;
        }
        let (fact, answer) = match answer_question(&self.design.rubric.facts, question) {
            Some(f) => (Some(f.id.clone()), f.answer.clone()),
            None => (None, facts::deflection(question)),
        };
        fx.push(Effect::Show(Message::Interviewer(answer.clone())));
        self.record_mut().questions.push(Question { question: question.to_string(), answer, fact });
        self.save(now, fx);
    }

    fn hint(&mut self, now: Clock, fx: &mut Vec<Effect>) {
        let hints = &self.design.prompt.phase(self.phase).hints;
        let Some(hint) = hints.get(self.hint_index).cloned() else {
            fx.push(Effect::Show(Message::Note("No more hints for this phase.".into())));
            return;
        };
        self.hint_index += 1;
        let n = self.hint_index;
        let of = hints.len();
        fx.push(Effect::Show(Message::Interviewer(format!("Hint {n}/{of}: {hint}"))));
        self.record_mut().hints.push(hint);
        self.save(now, fx);
    }

    fn timer(&mut self, timer: Timer, now: Clock, fx: &mut Vec<Effect>) {
        if !matches!(self.state, State::Open | State::AwaitingFollowUp) || timer.phase != self.phase {
            return;
        }
        let left = self.phase_left(now.secs);
        match timer.kind {
            TimerKind::Warning => {
                let left = left.min(self.total_left(now.secs));
                if self.warned || left > warning_lead(self.phase_budget()) + 0.5 {
                    return;
                }
                self.warned = true;
                fx.push(Effect::Show(Message::Note(format!(
                    "{} left in this phase — start wrapping up.",
                    fmt_duration(left.max(0.0))
                ))));
            }
            TimerKind::TimeUp => {
                let total = self.total_left(now.secs);
                if total <= 0.05 {
                    // The whole interview's clock is the hard limit, soft timer or not.
                    if self.phase.next().is_some() {
                        fx.push(Effect::Show(Message::Note(
                            "The interview's time is up — the remaining phases were not reached.".into(),
                        )));
                    }
                    while self.is_active() {
                        self.end_phase(Ended::TimeUp, now, fx);
                    }
                    return;
                }
                let due = if self.time_up_noted { total } else { left.min(total) };
                if due > 0.05 {
                    // Fired early: try again at the right time.
                    fx.push(Effect::Schedule(Timer { at: now.secs + due, ..timer }));
                    return;
                }
                self.time_up_noted = true;
                if self.opts.soft_timer {
                    fx.push(Effect::Show(Message::Note(
                        "Time's up for this phase — you are now in overtime (it is recorded, and comes off the later phases). /next when ready.".into(),
                    )));
                    fx.push(Effect::Schedule(Timer { at: now.secs + total, ..timer }));
                } else {
                    self.end_phase(Ended::TimeUp, now, fx);
                }
            }
            TimerKind::Curveball => {
                if self.phase == Phase::DeepDive && self.record().curveball.is_none() {
                    self.deliver_curveball(now, fx);
                }
            }
        }
    }

    fn deliver_curveball(&mut self, now: Clock, fx: &mut Vec<Effect>) {
        let Some(plan) = self.transcript.curveball_plan.clone() else {
            return;
        };
        let Some(cb) = self.design.rubric.curveballs.iter().find(|c| c.id == plan.id).cloned() else {
            return;
        };
        let at_secs = self.phase_used(now.secs);
        // A line half typed when the change arrives finishes the answer it was typed for.
        let typing = !self.record().draft.trim().is_empty();
        let finish =
            if typing { " Finish the line you are typing first: it stays in your answer." } else { "" };
        fx.push(Effect::Show(Message::Interviewer(format!(
            "Requirement change: {}\n\n(Answer how your design changes, then /next.{finish})",
            cb.text
        ))));
        if typing {
            self.draft_target = Some(self.target);
        }
        self.record_mut().curveball =
            Some(CurveballRecord { id: cb.id, text: cb.text, at_secs, answer: String::new() });
        self.target = Target::Curveball;
        self.save(now, fx);
    }

    fn end_phase(&mut self, ended: Ended, now: Clock, fx: &mut Vec<Effect>) {
        if !self.is_active() {
            return;
        }
        if self.state == State::Paused {
            let paused = (now.secs - self.phase_started).max(0.0);
            self.record_mut().paused_secs += paused;
        }
        let used = self.phase_used(now.secs);
        let phase = self.phase;
        let rec = self.record_mut();
        rec.used_secs = used;
        rec.overtime_secs = (used - rec.allowed_secs()).max(0.0);
        if ended == Ended::TimeUp && rec.overtime_secs <= 0.05 {
            rec.overtime_secs = 0.0;
            rec.used_secs = rec.allowed_secs().min(used);
        }
        let unused = rec.allowed_secs() - rec.used_secs;
        // A draft line still being typed is part of the answer.
        let draft = std::mem::take(&mut rec.draft);
        rec.ended = Some(ended);
        rec.ended_at = Some(now.wall);
        let budget = rec.allowed_secs();
        let used = rec.used_secs;
        self.carry(unused);
        if !draft.trim().is_empty() {
            self.append_as_typed(&draft);
            self.stale_draft = draft;
        }
        self.draft_target = None;
        self.pending_probe = None;
        fx.push(Effect::ClearDraft);
        fx.push(Effect::Show(Message::PhaseEnd { phase, ended, used_secs: used, budget_secs: budget }));
        self.target = Target::Answer;
        self.warned = false;
        self.time_up_noted = false;
        self.hint_index = 0;
        self.last_draft.clear();
        if let Some(next) = phase.next() {
            self.phase = next;
            self.used_before = 0.0;
            self.open_phase(now, fx);
        } else {
            self.transcript.current = None;
            self.end_session(SessionEnded::Finished, now, fx);
        }
    }

    /// Give the time a phase left unused (or, with a soft timer, took over) to the phases not yet
    /// reached, in proportion to their budgets: the interview's length never changes.
    fn carry(&mut self, secs: f64) {
        if secs.abs() < 0.5 || self.unreached {
            return;
        }
        let later: Vec<usize> = self
            .transcript
            .phases
            .iter()
            .enumerate()
            .filter(|(_, p)| p.phase > self.phase && p.ended.is_none())
            .map(|(i, _)| i)
            .collect();
        let weight: f64 = later.iter().map(|&i| self.transcript.phases[i].budget_secs).sum();
        if weight <= 0.0 {
            return;
        }
        for i in later {
            let p = &mut self.transcript.phases[i];
            p.carried_secs += secs * p.budget_secs / weight;
        }
    }

    /// Leave early (`/quit`, Ctrl-C): stop the clock without ending the phase, save, end (resumable).
    fn leave(&mut self, how: SessionEnded, now: Clock, fx: &mut Vec<Effect>) {
        if self.state == State::Paused {
            let paused = (now.secs - self.phase_started).max(0.0);
            self.record_mut().paused_secs += paused;
        }
        if self.is_active() {
            let used = self.phase_used(now.secs);
            let rec = self.record_mut();
            rec.used_secs = used;
            rec.overtime_secs = (used - rec.allowed_secs()).max(0.0);
        }
        self.end_session(how, now, fx);
    }

    /// The session is over: the saved state follows from how it ended, saved once more, then `End`.
    fn end_session(&mut self, how: SessionEnded, now: Clock, fx: &mut Vec<Effect>) {
        self.state = State::Done;
        self.transcript.status = how.status();
        self.save(now, fx);
        fx.push(Effect::End(how));
    }

    fn save(&mut self, now: Clock, fx: &mut Vec<Effect>) {
        if self.is_active() {
            let used = self.phase_used(now.secs);
            self.record_mut().used_secs = used;
        }
        self.transcript.updated_at = now.wall;
        self.dirty = false;
        // Keep one Save, after every change.
        fx.retain(|e| *e != Effect::Persist);
        fx.push(Effect::Persist);
    }
}

/// A line that is answer text whatever it starts with (pasted text, a written answer): a line
/// starting with `/` gets the `//` escape, indentation kept.
pub fn literal_line(line: &str) -> String {
    let body = line.trim_start();
    if body.starts_with('/') {
        let indent = &line[..line.len() - body.len()];
        format!("{indent}/{body}")
    } else {
        line.to_string()
    }
}

/// `12:05` or `1:02:03`.
pub fn fmt_duration(secs: f64) -> String {
    let s = secs.abs().round() as u64;
    let sign = if secs < -0.5 { "-" } else { "" };
    if s >= 3600 {
        format!("{sign}{}:{:02}:{:02}", s / 3600, s / 60 % 60, s % 60)
    } else {
        format!("{sign}{}:{:02}", s / 60, s % 60)
    }
}

fn time_note(phase_left: f64, total_left: f64) -> String {
    if phase_left < 0.0 {
        format!(
            "Overtime in this phase: {}. Interview left: {}.",
            fmt_duration(-phase_left),
            fmt_duration(total_left)
        )
    } else {
        format!(
            "This phase: {} left. Interview: {} left.",
            fmt_duration(phase_left),
            fmt_duration(total_left)
        )
    }
}

#[cfg(test)]
mod tests;
