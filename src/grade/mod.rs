//! Grading: answers in, a scorecard out. The rubric grader (offline, deterministic, the default),
//! self-scoring, and the optional LLM grader (`llm`, the only module here that touches the network).
//! Nothing here touches the terminal; scorecards are rendered by `terminal::scorecard`.

pub mod curveball;
pub mod estimate;
pub mod llm;
pub mod rubric;
pub mod selfscore;
pub mod verdict;

pub use crate::model::{Answers, ItemVerdict, PhaseAnswer, PhaseScore, Scorecard};

use crate::catalog::{Design, Item, Phase};

/// A synchronous grader (the rubric and self graders; the LLM grader is async and lives in `llm`).
pub trait Grader {
    fn grade(&self, design: &Design, answers: &Answers) -> Scorecard;
}

/// The items of `phase` that `text` does not cover yet, most important first.
pub fn missing_items<'d>(design: &'d Design, phase: Phase, text: &str) -> Vec<&'d Item> {
    rubric::missing(design, phase, text)
}

/// The interviewer's follow-up when a phase is submitted, worked out once from what the phase's
/// answer left out. The session engine asks `question`, or hands `missing` to an LLM interviewer
/// ([`FollowUpBrief`]) and asks `question` if that fails.
#[derive(Debug, Clone, PartialEq)]
pub struct Probe {
    /// The rubric item it asks about.
    pub item: String,
    /// The rubric's question: about the heaviest item named but not explained, in the candidate's
    /// own words ("You mentioned a session registry — …"), else the probe of the most important
    /// item still missing.
    pub question: String,
    /// What the answer left out, most important first ([`FOLLOW_UP_MISSING`] at most): the texts
    /// of the items an LLM interviewer writes its own question about.
    pub missing: Vec<String>,
}

/// How many missing items an LLM interviewer is told about.
pub const FOLLOW_UP_MISSING: usize = 3;

/// The follow-up for `phase` of `design` after `text`, or `None` when nothing is left to ask.
pub fn probe(design: &Design, phase: Phase, text: &str) -> Option<Probe> {
    let gaps = rubric::gaps(design, phase, text);
    let first = gaps.first()?;
    Some(Probe {
        item: first.item.id.clone(),
        question: first.question(),
        missing: gaps.iter().take(FOLLOW_UP_MISSING).map(|g| g.item.text.clone()).collect(),
    })
}

/// Everything an LLM interviewer is told to write its follow-up question from: plain data, so the
/// engine can hand it to the driver without the design.
#[derive(Debug, Clone, PartialEq)]
pub struct FollowUpBrief {
    pub design_title: String,
    /// The design's one-paragraph summary.
    pub summary: String,
    pub phase: Phase,
    /// What the candidate said in the phase ([`crate::model::PhaseRecord::graded_text`]).
    pub answer: String,
    /// [`Probe::missing`].
    pub missing: Vec<String>,
}

impl FollowUpBrief {
    pub fn new(design: &Design, phase: Phase, answer: String, missing: Vec<String>) -> Self {
        Self {
            design_title: design.title().to_string(),
            summary: design.rubric.summary.clone(),
            phase,
            answer,
            missing,
        }
    }
}
