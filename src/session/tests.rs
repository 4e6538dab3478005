//! The engine as pure transitions: a simulated clock, timers fired in order, no I/O, no async.

use chrono::{TimeZone, Utc};

use super::*;
use crate::catalog::Catalog;

fn design() -> Design {
    Catalog::builtin().find("whatsapp").expect("whatsapp is built in").clone()
}

fn opts() -> Options {
    Options { minutes: 45.0, soft_timer: false, seed: 7, self_score: false, scripted: false }
}

/// The wall time every test session starts at.
fn wall() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 24, 9, 0, 0).unwrap()
}

/// A new, not yet started session on WhatsApp.
fn session(opts: Options) -> Session {
    Session::new(&design(), opts, "test".into(), wall())
}

/// Drives a session the way the async driver does: keeps the pending timers, advances a fake
/// clock, answers an LLM follow-up request with `written`.
struct Sim {
    s: Session,
    now: f64,
    timers: Vec<Timer>,
    shown: Vec<Message>,
    saves: usize,
    ended: Option<SessionEnded>,
    /// What the LLM interviewer was asked to write from, and what it writes (`None`: it fails).
    briefs: Vec<crate::grade::FollowUpBrief>,
    written: Option<String>,
    /// Times the engine asked the shell to empty its input line.
    clears: usize,
    /// The last text handed to the editor.
    editor: Option<String>,
}

impl Sim {
    fn new(opts: Options) -> Self {
        Self::from(session(opts))
    }

    fn from(s: Session) -> Self {
        let mut sim = Sim {
            s,
            now: 0.0,
            timers: Vec::new(),
            shown: Vec::new(),
            saves: 0,
            ended: None,
            briefs: Vec::new(),
            written: None,
            clears: 0,
            editor: None,
        };
        sim.send(Event::Start);
        sim
    }

    fn clock(&self) -> Clock {
        Clock { secs: self.now, wall: wall() }
    }

    fn send(&mut self, ev: Event) {
        let fx = self.s.handle(ev, self.clock());
        for e in fx {
            match e {
                Effect::Show(m) => self.shown.push(m),
                Effect::Schedule(t) => {
                    self.timers.retain(|x| x.kind != t.kind);
                    self.timers.push(t);
                }
                Effect::Persist => self.saves += 1,
                Effect::WriteFollowUp(brief) => {
                    let phase = brief.phase;
                    self.briefs.push(brief);
                    self.send(Event::FollowUpWritten { phase, question: self.written.clone() });
                }
                Effect::OpenEditor { text } => {
                    self.editor = Some(text);
                    self.send(Event::EditFailed("no editor".into()));
                }
                Effect::ClearDraft => self.clears += 1,
                Effect::End(o) => self.ended = Some(o),
            }
        }
    }

    fn line(&mut self, text: &str) {
        self.send(Event::Line(text.into()));
    }

    /// Advance the clock by `secs`, firing due timers in order.
    fn advance(&mut self, secs: f64) {
        let until = self.now + secs;
        loop {
            self.timers.sort_by(|a, b| a.at.total_cmp(&b.at));
            match self.timers.first().copied() {
                Some(t) if t.at <= until => {
                    self.timers.remove(0);
                    self.now = self.now.max(t.at);
                    self.send(Event::Timer(t));
                }
                _ => break,
            }
        }
        self.now = until;
    }

    fn notes(&self) -> Vec<String> {
        self.shown
            .iter()
            .filter_map(|m| match m {
                Message::Note(n) | Message::Interviewer(n) | Message::Warning(n) => Some(n.clone()),
                _ => None,
            })
            .collect()
    }

    fn rec(&self, phase: Phase) -> &PhaseRecord {
        self.s.transcript().phase(phase).unwrap()
    }

    /// Skip to the deep dive and answer `answer` there.
    fn deep_dive(&mut self, answer: &str) {
        self.line("/skip");
        self.line("/skip");
        assert_eq!(self.s.phase(), Phase::DeepDive);
        if !answer.is_empty() {
            self.line(answer);
        }
    }

    /// Let the deep dive's clock run until the curveball arrives.
    fn until_the_curveball(&mut self) {
        let at = self.s.transcript().curveball_plan.clone().expect("a curveball planned").at_secs;
        self.advance(at + 0.5);
        assert!(self.rec(Phase::DeepDive).curveball.is_some(), "the curveball arrived");
    }
}

#[test]
fn a_silent_45_minute_interview_ends_every_phase_by_its_clock() {
    let mut sim = Sim::new(opts());
    sim.advance(45.0 * 60.0 + 1.0);
    assert_eq!(sim.ended, Some(SessionEnded::Finished));
    let budgets = [8.0, 12.0, 15.0, 10.0];
    for (phase, minutes) in Phase::ALL.iter().zip(budgets) {
        let r = sim.rec(*phase);
        assert_eq!(r.ended, Some(Ended::TimeUp), "{phase}");
        assert!((r.budget_secs - minutes * 60.0).abs() < 1e-6, "{phase} budget {}", r.budget_secs);
        assert!((r.used_secs - minutes * 60.0).abs() < 1e-6, "{phase} used {}", r.used_secs);
    }
    assert_eq!(sim.s.transcript().status, Status::Finished);
    // The curveball arrived during the deep dive, between a quarter and three fifths of it.
    let cb = sim.rec(Phase::DeepDive).curveball.clone().expect("curveball delivered");
    assert!(cb.at_secs >= 0.25 * 900.0 - 1e-6 && cb.at_secs <= 0.6 * 900.0 + 1e-6, "{}", cb.at_secs);
}

#[test]
fn warning_comes_two_minutes_before_the_end_of_a_phase() {
    let mut sim = Sim::new(opts());
    sim.advance(6.0 * 60.0 - 1.0);
    assert!(!sim.notes().iter().any(|n| n.contains("left in this phase")));
    sim.advance(2.0);
    assert!(sim.notes().iter().any(|n| n.contains("2:00 left in this phase")), "{:?}", sim.notes());
}

#[test]
fn minutes_scale_budgets_to_a_six_second_interview() {
    let mut sim = Sim::new(Options { minutes: 0.1, ..opts() });
    let total: f64 = sim.s.transcript().phases.iter().map(|p| p.budget_secs).sum();
    assert!((total - 6.0).abs() < 1e-9);
    sim.advance(6.01);
    assert_eq!(sim.ended, Some(SessionEnded::Finished));
}

#[test]
fn typed_lines_become_the_answer_and_time_up_submits_them() {
    let mut sim = Sim::new(opts());
    sim.line("Users send 1:1 and group messages.");
    sim.line("Receipts matter.");
    sim.advance(8.0 * 60.0);
    let r = sim.rec(Phase::Requirements);
    assert_eq!(r.answer, "Users send 1:1 and group messages.\nReceipts matter.");
    assert_eq!(r.ended, Some(Ended::TimeUp));
    assert_eq!(sim.s.phase(), Phase::HighLevel);
}

#[test]
fn next_asks_the_probe_of_the_most_important_missing_item_and_records_the_reply() {
    let mut sim = Sim::new(opts());
    sim.line("We need group chat and read receipts.");
    sim.advance(60.0);
    sim.line("/next");
    let r = sim.rec(Phase::Requirements);
    assert_eq!(r.followups.len(), 1, "a follow-up was asked");
    let asked = r.followups[0].question.clone();
    let probe = crate::grade::probe(&design(), Phase::Requirements, "We need group chat and read receipts.");
    assert_eq!(Some(asked.clone()), probe.map(|p| p.question), "the rubric's question, at once");
    assert!(sim.briefs.is_empty(), "no LLM was asked");
    assert!(sim.notes().iter().any(|n| n.contains(&asked)));
    assert_eq!(sim.s.phase(), Phase::Requirements, "still answering the follow-up");
    sim.line("About 1M messages per second at peak.");
    sim.line("/next");
    let r = sim.rec(Phase::Requirements);
    assert_eq!(r.followups[0].answer, "About 1M messages per second at peak.");
    assert!(r.graded_text().contains("1M messages per second"), "follow-up answers count toward the phase");
    assert_eq!(r.ended, Some(Ended::Submitted));
    assert!((r.used_secs - 60.0).abs() < 1e-6);
    assert_eq!(sim.s.phase(), Phase::HighLevel);
}

#[test]
fn an_llm_interviewer_writes_the_follow_up_and_the_rubric_question_stands_in_when_it_fails() {
    let answer = "We need group chat and read receipts.";
    let probe = crate::grade::probe(&design(), Phase::Requirements, answer).expect("something is missing");
    for written in [Some("How many messages a second at peak?".to_string()), None] {
        let mut s = session(opts());
        s.llm_writes_follow_ups();
        let mut sim = Sim::from(s);
        sim.written.clone_from(&written);
        sim.line(answer);
        sim.line("/next");
        let brief = sim.briefs.first().expect("the LLM was asked");
        assert_eq!((brief.phase, brief.answer.as_str()), (Phase::Requirements, answer));
        assert_eq!(brief.design_title, design().title());
        assert_eq!(brief.missing, probe.missing, "told what the rubric found missing");
        let f = &sim.rec(Phase::Requirements).followups[0];
        assert_eq!(f.question, written.unwrap_or_else(|| probe.question.clone()));
        assert_eq!(f.item.as_deref(), Some(probe.item.as_str()), "about the rubric's item either way");
    }
}

#[test]
fn a_follow_up_written_after_its_phase_ended_is_dropped() {
    let at = |secs| Clock { secs, wall: wall() };
    let mut s = session(opts());
    s.llm_writes_follow_ups();
    s.handle(Event::Start, at(0.0));
    s.handle(Event::Line("Group chat.".into()), at(1.0));
    let fx = s.handle(Event::Line("/next".into()), at(2.0));
    assert!(fx.iter().any(|e| matches!(e, Effect::WriteFollowUp(_))), "{fx:?}");
    let time_up = Timer { kind: TimerKind::TimeUp, phase: Phase::Requirements, at: 480.0 };
    s.handle(Event::Timer(time_up), at(480.0));
    assert_eq!(s.phase(), Phase::HighLevel, "time ran out while the LLM wrote");
    let late = Event::FollowUpWritten { phase: Phase::Requirements, question: Some("Too late?".into()) };
    assert_eq!(s.handle(late, at(490.0)), Vec::new());
    assert!(s.transcript().phases.iter().all(|p| p.followups.is_empty()));
}

#[test]
fn soft_timer_runs_over_and_records_overtime() {
    let mut sim = Sim::new(Options { soft_timer: true, ..opts() });
    sim.advance(8.0 * 60.0 + 90.0);
    assert_eq!(sim.s.phase(), Phase::Requirements, "the phase did not end");
    assert!(sim.notes().iter().any(|n| n.contains("overtime")));
    sim.line("/skip");
    let r = sim.rec(Phase::Requirements);
    assert_eq!(r.ended, Some(Ended::Skipped));
    assert!((r.overtime_secs - 90.0).abs() < 1e-6, "{}", r.overtime_secs);
}

#[test]
fn the_curveball_is_the_same_for_the_same_seed_and_its_answer_is_kept_apart() {
    let plan = |seed| Sim::new(Options { seed, ..opts() }).s.transcript().curveball_plan.clone().unwrap();
    assert_eq!(plan(42), plan(42));
    let mut sim = Sim::new(opts());
    sim.deep_dive("Offline messages wait in a per-user inbox.");
    sim.until_the_curveball();
    sim.line("Archive business chats to cold storage.");
    let r = sim.rec(Phase::DeepDive);
    assert_eq!(r.answer, "Offline messages wait in a per-user inbox.");
    assert_eq!(r.curveball.as_ref().unwrap().answer, "Archive business chats to cold storage.");
}

#[test]
fn finishing_the_deep_dive_early_still_brings_the_curveball() {
    let mut sim = Sim::new(opts());
    sim.deep_dive("");
    sim.line("/next");
    assert!(sim.rec(Phase::DeepDive).curveball.is_some());
    assert_eq!(sim.s.phase(), Phase::DeepDive);
}

#[test]
fn quit_then_resume_continues_with_the_time_that_was_left() {
    let mut sim = Sim::new(opts());
    sim.line("/skip");
    sim.line("Clients keep a connection open.");
    sim.advance(180.0);
    sim.send(Event::Autosave { draft: "half a sent".into() });
    sim.send(Event::Interrupt);
    assert_eq!(sim.ended, Some(SessionEnded::Interrupted));
    let t = sim.s.transcript().clone();
    assert_eq!(t.status, Status::Quit);
    assert_eq!(t.current, Some(Phase::HighLevel));
    let hl = t.phase(Phase::HighLevel).unwrap();
    assert!((hl.used_secs - 180.0).abs() < 1e-6);
    assert_eq!(hl.draft, "half a sent");

    let resumed = Session::resume(&design(), t).expect("resumable");
    assert_eq!(
        resumed.transcript().phase(Phase::HighLevel).unwrap().answer,
        "Clients keep a connection open.\nhalf a sent"
    );
    let mut sim = Sim::from(resumed);
    // 12:00 planned, plus the 8:00 the skipped requirements left, shared by budget (12 of 37).
    let allowed = 12.0 * 60.0 + 8.0 * 60.0 * 12.0 / 37.0;
    assert!((sim.s.phase_budget() - allowed).abs() < 1e-6, "{}", sim.s.phase_budget());
    assert!((sim.s.phase_left(0.0) - (allowed - 180.0)).abs() < 1e-6);
    sim.advance(allowed - 180.0 - 1.0);
    assert_eq!(sim.s.phase(), Phase::HighLevel);
    sim.advance(1.5);
    let hl = sim.rec(Phase::HighLevel);
    assert_eq!(hl.ended, Some(Ended::TimeUp));
    assert_eq!(hl.answer, "Clients keep a connection open.\nhalf a sent", "the saved draft is kept");
}

#[test]
fn ask_answers_from_facts_or_leaves_it_to_the_candidate() {
    let mut sim = Sim::new(opts());
    sim.line("/ask how many daily active users?");
    sim.line("/ask what colour is the app icon?");
    let q = &sim.rec(Phase::Requirements).questions;
    assert_eq!(q.len(), 2);
    assert_eq!(q[0].fact.as_deref(), Some("users"));
    assert!(q[1].fact.is_none());
    assert!(
        q[1].answer.contains("colour of the app icon"),
        "the deflection names the topic: {}",
        q[1].answer
    );
}

#[test]
fn hints_climb_the_ladder_and_are_recorded() {
    let mut sim = Sim::new(opts());
    let ladder = design().prompt.phase(Phase::Requirements).hints.clone();
    for _ in 0..=ladder.len() {
        sim.line("/hint");
    }
    assert_eq!(sim.rec(Phase::Requirements).hints, ladder);
    assert!(sim.notes().iter().any(|n| n.contains("No more hints")));
}

#[test]
fn end_of_input_submits_the_phase_and_ends_the_session() {
    let mut sim = Sim::new(opts());
    sim.line("Only requirements today.");
    sim.send(Event::EndOfInput);
    assert_eq!(sim.ended, Some(SessionEnded::Finished));
    assert_eq!(sim.rec(Phase::Requirements).ended, Some(Ended::Submitted));
    assert_eq!(sim.rec(Phase::TradeOffs).ended, Some(Ended::Skipped));
}

#[test]
fn autosave_only_saves_when_the_draft_changed() {
    let mut sim = Sim::new(opts());
    let before = sim.saves;
    sim.send(Event::Autosave { draft: String::new() });
    assert_eq!(sim.saves, before);
    sim.send(Event::Autosave { draft: "typing".into() });
    assert_eq!(sim.saves, before + 1);
    sim.send(Event::Autosave { draft: "typing".into() });
    assert_eq!(sim.saves, before + 1);
    sim.line("typed");
    sim.send(Event::Autosave { draft: String::new() });
    assert_eq!(sim.saves, before + 2);
}

#[test]
fn commands_are_not_answers_and_double_slash_is_literal() {
    let mut sim = Sim::new(opts());
    sim.line("/time");
    sim.line("/bogus");
    sim.line("//etc/hosts is a path");
    assert_eq!(sim.rec(Phase::Requirements).answer, "/etc/hosts is a path");
    assert!(sim.notes().iter().any(|n| n.contains("unknown command /bogus")));
    assert!(sim.notes().iter().any(|n| n.contains("This phase: 8:00 left. Interview: 45:00 left.")));
}

#[test]
fn self_score_mode_advances_on_an_empty_line_without_probes() {
    let mut sim = Sim::new(Options { self_score: true, ..opts() });
    sim.line("");
    sim.line("");
    assert_eq!(sim.s.phase(), Phase::DeepDive);
    assert!(sim.s.transcript().phases.iter().all(|p| p.followups.is_empty()));
}

#[test]
fn an_unfinished_line_at_time_up_is_filed_in_its_phase_only() {
    let mut sim = Sim::new(opts());
    sim.line("Group chat.");
    sim.send(Event::Autosave { draft: "and read rece".into() });
    sim.advance(8.0 * 60.0 + 0.5);
    assert_eq!(sim.s.phase(), Phase::HighLevel);
    assert_eq!(sim.rec(Phase::Requirements).answer, "Group chat.\nand read rece");
    assert!(sim.clears >= 1, "the shell is told to empty its input line");
    // The shell had not emptied its line yet: an autosave and an Enter still carry it.
    sim.send(Event::Autosave { draft: "and read rece".into() });
    assert_eq!(sim.rec(Phase::HighLevel).draft, "", "a stale draft is not the new phase's");
    sim.line("and read rece");
    sim.send(Event::Autosave { draft: String::new() });
    sim.line("Phones hold a websocket.");
    sim.advance(45.0 * 60.0);
    assert_eq!(sim.ended, Some(SessionEnded::Finished));
    assert_eq!(sim.rec(Phase::HighLevel).answer, "Phones hold a websocket.");
    for phase in [Phase::DeepDive, Phase::TradeOffs] {
        assert!(!sim.rec(phase).graded_text().contains("read rece"), "{phase} has the old draft");
    }
}

#[test]
fn a_pasted_line_starting_with_a_slash_is_answer_text() {
    let mut sim = Sim::new(opts());
    sim.line(&literal_line("/links POST creates a link"));
    sim.line(&literal_line("    /links/{id} GET resolves it"));
    sim.line(&literal_line("plain text stays"));
    assert_eq!(
        sim.rec(Phase::Requirements).answer,
        "/links POST creates a link\n    /links/{id} GET resolves it\nplain text stays"
    );
    assert!(!sim.notes().iter().any(|n| n.contains("unknown command")), "{:?}", sim.notes());
}

#[test]
fn a_written_answer_is_filed_as_it_stands_and_submitted() {
    let mut sim = Sim::new(Options { scripted: true, ..opts() });
    sim.send(Event::Written("/links POST creates a link   \n    /links/{id} GET resolves it".into()));
    let r = sim.rec(Phase::Requirements);
    assert_eq!(r.answer, "/links POST creates a link\n    /links/{id} GET resolves it", "text, not commands");
    assert_eq!(r.ended, Some(Ended::Submitted));
    assert_eq!(sim.s.phase(), Phase::HighLevel);
}

#[test]
fn a_blank_line_in_a_written_answer_does_not_submit_the_phase_in_self_score_mode() {
    // Regression: the written answer reached the engine line by line, and in self-score mode an
    // empty line means "next phase", so the rest of the requirements landed in the high-level design.
    let mut sim = Sim::new(Options { scripted: true, self_score: true, ..opts() });
    sim.send(Event::Written("Users chat one to one.\n\nGroups of up to 256.".into()));
    sim.send(Event::Written("Gateways hold websockets.".into()));
    assert_eq!(sim.rec(Phase::Requirements).answer, "Users chat one to one.\n\nGroups of up to 256.");
    assert_eq!(sim.rec(Phase::HighLevel).answer, "Gateways hold websockets.");
    assert_eq!(sim.s.phase(), Phase::DeepDive);
}

#[test]
fn the_edit_buffer_ends_with_a_newline() {
    let mut sim = Sim::new(opts());
    sim.line("first line");
    sim.line("last word");
    sim.line("/edit");
    assert_eq!(sim.editor.as_deref(), Some("first line\nlast word\n"));
}

#[test]
fn the_curveball_answer_and_follow_ups_are_recorded_in_the_order_they_were_said() {
    let mut sim = Sim::new(opts());
    sim.deep_dive("Offline messages wait in a per-user inbox.");
    sim.line("/next"); // brings the curveball first
    sim.line("Archive to cold storage after 30 days.");
    sim.line("/next"); // then the follow-up
    let r = sim.rec(Phase::DeepDive).clone();
    assert_eq!(r.followups.len(), 1, "a follow-up was asked after the curveball");
    sim.line("Fan-out happens per device.");
    let r = sim.rec(Phase::DeepDive).clone();
    let text = r.graded_text();
    let (a, c, f) = (
        text.find("per-user inbox").unwrap(),
        text.find("cold storage").unwrap(),
        text.find("per device").unwrap(),
    );
    assert!(a < c && c < f, "answer, curveball, follow-up: {text}");
}

#[test]
fn the_sentence_typed_when_the_curveball_arrived_stays_in_the_deep_dive_answer() {
    let mut sim = Sim::new(opts());
    sim.deep_dive("Offline messages wait in a per-user inbox.");
    sim.send(Event::Autosave { draft: "Each device acks its own".into() });
    sim.until_the_curveball();
    assert!(sim.notes().iter().any(|n| n.contains("Finish the line you are typing")), "{:?}", sim.notes());
    sim.line("Each device acks its own messages.");
    sim.line("Archive to cold storage after 30 days.");
    let r = sim.rec(Phase::DeepDive);
    assert_eq!(r.answer, "Offline messages wait in a per-user inbox.\nEach device acks its own messages.");
    assert_eq!(r.curveball.as_ref().unwrap().answer, "Archive to cold storage after 30 days.");
}

#[test]
fn unused_phase_time_carries_to_later_phases_and_the_interview_length_is_fixed() {
    let mut sim = Sim::new(opts());
    sim.advance(120.0);
    sim.line("/skip"); // 6:00 of the requirements' 8:00 unused
    let hl = sim.rec(Phase::HighLevel);
    assert!((hl.carried_secs - 360.0 * 12.0 / 37.0).abs() < 1e-6, "{}", hl.carried_secs);
    assert!(sim.notes().iter().any(|n| n.contains("more than planned")), "{:?}", sim.notes());
    let dd = sim.rec(Phase::DeepDive);
    assert!(dd.allowed_secs() > 15.0 * 60.0, "a short requirements phase buys a longer deep dive");
    assert!((sim.s.total_left(sim.now) - (45.0 * 60.0 - 120.0)).abs() < 1e-6);
    sim.advance(45.0 * 60.0 - 120.0 - 1.0);
    assert_eq!(sim.ended, None, "still in the last phase a second before 45:00");
    sim.advance(1.5);
    assert_eq!(sim.ended, Some(SessionEnded::Finished));
    let used: f64 = sim.s.transcript().phases.iter().map(|p| p.used_secs).sum();
    assert!((used - 45.0 * 60.0).abs() < 1e-6, "{used}");
}

#[test]
fn pause_stops_the_clock_and_is_recorded_not_counted() {
    let mut sim = Sim::new(opts());
    sim.advance(60.0);
    sim.line("/pause");
    assert!(sim.s.is_paused());
    sim.advance(600.0); // longer than the phase: nothing ends while paused
    assert_eq!(sim.s.phase(), Phase::Requirements);
    assert!((sim.s.phase_left(sim.now) - 420.0).abs() < 1e-6);
    sim.line(""); // Enter goes on
    assert!(!sim.s.is_paused());
    assert!(sim.notes().iter().any(|n| n.contains("Resumed after 10:00 paused")), "{:?}", sim.notes());
    sim.line("Group chat.");
    sim.advance(420.0 + 0.5);
    let r = sim.rec(Phase::Requirements);
    assert_eq!(r.ended, Some(Ended::TimeUp));
    assert_eq!(r.answer, "Group chat.");
    assert!((r.used_secs - 480.0).abs() < 1e-6, "{}", r.used_secs);
    assert_eq!(r.pauses, 1);
    assert!((r.paused_secs - 600.0).abs() < 1e-6, "{}", r.paused_secs);
}

#[test]
fn with_a_soft_timer_the_whole_interview_clock_is_still_the_hard_limit() {
    let mut sim = Sim::new(Options { soft_timer: true, ..opts() });
    sim.advance(20.0 * 60.0);
    assert_eq!(sim.s.phase(), Phase::Requirements, "a soft timer runs the phase over");
    sim.line("/next");
    sim.line("/next");
    // 12:00 over came off the later phases.
    let later: f64 = [Phase::HighLevel, Phase::DeepDive, Phase::TradeOffs]
        .iter()
        .map(|p| sim.rec(*p).allowed_secs())
        .sum();
    assert!((later - 25.0 * 60.0).abs() < 1.0, "{later}");
    sim.advance(25.0 * 60.0 + 1.0);
    assert_eq!(sim.ended, Some(SessionEnded::Finished), "ended by the 45-minute clock");
}

#[test]
fn the_clock_starts_when_the_candidate_presses_enter_after_the_opening() {
    let mut s = session(opts());
    s.wait_for_enter();
    let mut sim = Sim::from(s);
    assert!(matches!(sim.shown[0], Message::Scenario { .. }));
    assert!(!sim.shown.iter().any(|m| matches!(m, Message::PhaseStart { .. })), "not yet");
    assert!(sim.notes().iter().any(|n| n.contains("Press Enter")));
    sim.advance(600.0); // reading the opening
    assert!(sim.s.transcript().phases[0].started_at.is_none());
    sim.line("");
    assert!(sim.shown.iter().any(|m| matches!(m, Message::PhaseStart { number: 1, .. })));
    sim.advance(45.0 * 60.0 - 1.0);
    assert_eq!(sim.ended, None);
    sim.advance(1.5);
    assert_eq!(sim.ended, Some(SessionEnded::Finished));
    assert!((sim.rec(Phase::Requirements).used_secs - 480.0).abs() < 1e-6);
}

#[test]
fn show_prints_the_answer_so_far_and_the_question_again() {
    let mut sim = Sim::new(opts());
    sim.line("Group chat and receipts.");
    sim.line("Offline delivery.");
    let before = sim.rec(Phase::Requirements).answer.clone();
    sim.line("/show");
    let notes = sim.notes();
    assert!(
        notes.iter().any(|n| n
            .contains("Your answer so far in this phase:\n\nGroup chat and receipts.\nOffline delivery.")),
        "{notes:?}"
    );
    let prompt = sim.rec(Phase::Requirements).prompt.trim().to_string();
    assert!(notes.iter().any(|n| n.contains(&prompt)), "the question again: {notes:?}");
    assert_eq!(sim.rec(Phase::Requirements).answer, before, "/show is not part of the answer");
}

#[test]
fn self_score_mode_says_to_answer_aloud() {
    let sim = Sim::new(Options { self_score: true, ..opts() });
    assert!(sim.notes().iter().any(|n| n.contains("answer aloud")), "{:?}", sim.notes());
}

#[test]
fn a_resumed_session_shows_where_it_left_off_before_enter_and_not_twice() {
    let mut sim = Sim::new(opts());
    sim.line("/skip");
    sim.line("Clients keep a connection open.");
    sim.send(Event::Interrupt);
    let mut resumed = Session::resume(&design(), sim.s.transcript().clone()).expect("resumable");
    resumed.wait_for_enter();
    let mut sim = Sim::from(resumed);
    let before: Vec<String> = sim.notes();
    let recap = before.iter().position(|n| n.contains("You left off in High-level design"));
    let ready = before.iter().position(|n| n.contains("Press Enter"));
    assert!(recap.is_some() && recap < ready, "the recap comes before the Enter prompt: {before:?}");
    assert!(before.iter().any(|n| n.contains("Clients keep a connection open.")));
    sim.line("");
    let after = sim.notes();
    let recaps = after.iter().filter(|n| n.contains("Clients keep a connection open.")).count();
    assert_eq!(recaps, 1, "not shown again after Enter: {after:?}");
}
