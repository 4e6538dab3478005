//! The saved record of one session, as plain data: what was said in each phase, the questions,
//! follow-ups and the curveball, the grades. Serde shape with a schema version; no I/O (the
//! [`crate::store`] owns the files).
//!
//! A record read from disk is checked by [`Transcript::check`] before anything indexes it.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::catalog::{Design, Phase};
use crate::model::{Answers, Ended, PhaseAnswer, Scorecard, Status};

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
    /// `in-progress`, `finished` or `quit` (left early with `/quit` or Ctrl-C; resumable): how
    /// its last run ended ([`crate::model::SessionEnded::status`]).
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

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CurveballPlan {
    pub id: String,
    pub at_secs: f64,
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
    /// How the phase ended; `None` while it is open or not reached.
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
    /// What to grade: what was said in each phase, or for a whole answer everything said, as one
    /// text. The one way a session is graded, whether typed, piped or written.
    pub fn answers(&self) -> Answers {
        let said = self.phases.iter().map(|p| PhaseAnswer { phase: p.phase, text: p.graded_text() });
        if self.whole_answer {
            let texts: Vec<String> = said.map(|p| p.text).filter(|t| !t.is_empty()).collect();
            return Answers::whole(texts.join("\n\n"), self.hints_used());
        }
        Answers { phases: said.collect(), whole: false, hints_used: self.hints_used() }
    }
}

impl Transcript {
    /// The structure every reader relies on: the four phases once each, in order; finite, non-negative
    /// times; scores within 0–100. Never indexes blindly: an impossible file is refused, not used.
    pub fn check(&mut self) -> Result<(), String> {
        let t = self;
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
            for v in card.items() {
                if !(v.credit.is_finite() && (0.0..=1.0).contains(&v.credit)) {
                    return Err(format!("item {} has credit {} (outside 0–1)", v.id, v.credit));
                }
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ask_questions_are_graded_as_the_candidates_own_questions() {
        let design = crate::catalog::Catalog::builtin().find("whatsapp").expect("whatsapp").clone();
        let mut t = Transcript::begin(&design, "t".into(), DateTime::UNIX_EPOCH, 45.0);
        let req = &mut t.phases[0];
        req.questions.push(Question {
            question: "do we need end to end encryption".into(),
            answer: "Yes.".into(),
            fact: None,
        });
        req.answer = "Group chat with receipts.".into();
        let text = t.phases[0].graded_text();
        assert!(text.starts_with("do we need end to end encryption?\n\n"), "{text}");
        let card = crate::grade::Grader::grade(&crate::grade::rubric::RubricGrader, &design, &t.answers());
        let e2e = card.phases[0].items.iter().find(|v| v.id == "req-e2e-encryption").expect("the item");
        assert!(e2e.covered, "asking earns the item that rewards asking: {e2e:?}");
    }
}
