//! Grading: answers in, a scorecard out. The rubric grader (offline, deterministic, the default),
//! self-scoring, and the optional LLM grader (`llm`, the only module here that touches the network).
//! Nothing here touches the terminal; scorecards are rendered by `terminal::scorecard`.

pub mod answers;
pub mod curveball;
pub mod estimate;
pub mod llm;
pub mod rubric;
pub mod selfscore;
pub mod verdict;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

pub use answers::{Answers, PhaseAnswer};

use crate::catalog::{Design, Item, Phase};

/// A grade. `--json` prints this shape; it is a contract with scripts (PRODUCT.md).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Scorecard {
    pub design: String,
    /// `rubric`, `llm` or `self`.
    pub grader: String,
    /// 0–100, one decimal.
    pub score: f64,
    /// `strong hire`, `hire`, `lean no hire`, `no hire`.
    pub verdict: String,
    /// The level the answer showed: `mid`, `senior`, `staff`.
    pub level: String,
    #[serde(default)]
    pub warnings: Vec<String>,
    pub phases: Vec<PhaseScore>,
    /// The answer had no phase headings and was graded as a whole against every phase.
    #[serde(default)]
    pub whole_answer: bool,
    #[serde(default)]
    pub hints_used: u32,
    /// The three things to work on next, most important first.
    #[serde(default)]
    pub next: Vec<String>,
    #[serde(default)]
    pub rubric_version: u32,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub graded_at: Option<DateTime<Utc>>,
    /// The LLM model that graded, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub model: Option<String>,
    /// Free-text feedback (the LLM grader's), if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub feedback: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PhaseScore {
    pub phase: Phase,
    /// 0–100 for this phase.
    pub score: f64,
    pub items: Vec<ItemVerdict>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ItemVerdict {
    pub id: String,
    pub covered: bool,
    /// The concept was named but not explained: a small share of the credit.
    #[serde(default)]
    pub named: bool,
    /// 0.0–1.0: the share of the item's weight earned (less for a bare list of nouns).
    pub credit: f64,
    /// The sentence of the answer that earned it.
    pub evidence: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
}

impl Scorecard {
    pub fn phase(&self, phase: Phase) -> Option<&PhaseScore> {
        self.phases.iter().find(|p| p.phase == phase)
    }
}

/// A synchronous grader (the rubric and self graders; the LLM grader is async and lives in `llm`).
pub trait Grader {
    /// `rubric`, `llm`, `self`.
    fn name(&self) -> &'static str;
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
