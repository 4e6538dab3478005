//! A grade as plain data: the scorecard, its phases and item verdicts. `--json` prints this shape; it
//! is a contract with scripts (PRODUCT.md). No I/O, no grading logic ([`crate::grade`] fills it).

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::catalog::Phase;

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

    /// Every item's verdict, phase by phase.
    pub fn items(&self) -> impl Iterator<Item = &ItemVerdict> {
        self.phases.iter().flat_map(|p| &p.items)
    }

    /// The verdict on item `id`, if the card has one.
    pub fn item(&self, id: &str) -> Option<&ItemVerdict> {
        self.items().find(|v| v.id == id)
    }
}
