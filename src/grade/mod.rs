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

/// The items of `phase` that `text` does not cover yet, most important first. The session engine
/// asks the probe of the first as the interviewer's follow-up.
pub fn missing_items<'d>(design: &'d Design, phase: Phase, text: &str) -> Vec<&'d Item> {
    rubric::missing(design, phase, text)
}

/// The interviewer's follow-up for `phase` from the rubric: `(item id, question)`, asking about a
/// named-but-unexplained item in the candidate's own words before the missing ones.
pub fn follow_up(design: &Design, phase: Phase, text: &str) -> Option<(String, String)> {
    rubric::follow_up(design, phase, text)
}
