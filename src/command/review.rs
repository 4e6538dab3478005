//! `mockdesign review [SESSION|FILE|latest] [--json | --format md] [--grader …]`: a saved
//! transcript with its stored scorecard (the last in `scorecards`), offline.
//!
//! `--grader` regrades and appends the new grade to the transcript (saved atomically). Without it
//! nothing is written: a session with no stored grade yet is graded on the spot with the rubric
//! grader, with a warning, and not saved. A corrupt or newer-schema transcript is refused (exit 1)
//! and left untouched.

use std::process::ExitCode;

use anyhow::Result;

use super::Ctx;
use crate::catalog::Design;
use crate::cli::{GraderKind, LlmArgs, ReviewFormat};
use crate::grade::rubric::RubricGrader;
use crate::grade::{Grader, Scorecard, curveball};
use crate::terminal::scorecard::{self, RenderOpts};
use crate::transcript::{self, Transcript};

/// Added to a grade made on the spot for a session that has none stored.
pub const UNSAVED_GRADE: &str = "this session has no stored grade yet (it was not finished); graded now with the rubric grader, not saved";

/// How to show the session.
#[derive(Debug, Clone, Copy)]
pub struct Show {
    pub json: bool,
    pub format: Option<ReviewFormat>,
    /// Everything straight to standard output, never through the pager.
    pub full: bool,
}

pub fn run(
    ctx: &Ctx,
    session: Option<&str>,
    show: Show,
    grader: Option<GraderKind>,
    llm: &LlmArgs,
) -> Result<ExitCode> {
    let Show { json, format, full } = show;
    let path = transcript::resolve(&ctx.paths.sessions(), session)?;
    let mut t = transcript::load(&path)?;
    let card = match grader {
        Some(kind) => {
            let design = design_of(ctx, &t)?;
            let card = super::grading::grade(ctx, design, &t.answers(), Some(kind), llm)?;
            t.scorecards.push(card.clone());
            t.updated_at = super::now();
            transcript::save(&path, &t)?;
            card
        }
        None => match t.scorecard() {
            Some(card) => card.clone(),
            None => unsaved_grade(design_of(ctx, &t)?, &t),
        },
    };
    if json {
        let shown = CardJson { card: &card, curveball: t.curveball_grade.as_ref() };
        super::print(&format!("{}\n", serde_json::to_string_pretty(&shown)?))?;
        return Ok(ExitCode::SUCCESS);
    }
    let design = design_of(ctx, &t)?;
    // Sessions saved before the curveball was graded: graded now for the page, not saved (and
    // not added to `--json`, which reproduces what is stored).
    if t.curveball_grade.is_none() {
        t.curveball_grade = curveball::grade(&RubricGrader, design, &t);
    }
    let nothing = scorecard::nothing_to_grade(&t);
    let text = match format {
        Some(ReviewFormat::Md) => {
            let card_md = match &nothing {
                Some(line) => format!("{line}\n"),
                None => scorecard::render_markdown(&card, design, Some(&t)),
            };
            format!("{card_md}\n{}", scorecard::transcript_markdown(&t))
        }
        Some(ReviewFormat::Text) | None => {
            // The one-screen summary first, then the item detail, then what was said.
            let opts = RenderOpts::for_stdout();
            let session = scorecard::transcript_markdown(&t);
            let session = if opts.color { scorecard::styled(&session, opts.width) } else { session };
            let card_text = match &nothing {
                Some(line) => format!("{line}\n"),
                None => scorecard::render(&card, design, Some(&t), opts),
            };
            format!("{card_text}\n{session}")
        }
    };
    if full || format == Some(ReviewFormat::Md) {
        super::print(&text)?;
    } else {
        crate::terminal::pager::page(&text)?;
    }
    Ok(ExitCode::SUCCESS)
}

/// The scorecard as `--json` prints it: its fields in order, then the session's `curveball` (when
/// it had one and it was graded).
#[derive(serde::Serialize)]
struct CardJson<'a> {
    #[serde(flatten)]
    card: &'a Scorecard,
    #[serde(skip_serializing_if = "Option::is_none")]
    curveball: Option<&'a curveball::CurveballGrade>,
}

/// The rubric grader's grade of a session that has none stored, marked as not saved.
fn unsaved_grade(design: &Design, t: &Transcript) -> Scorecard {
    let mut card = RubricGrader.grade(design, &t.answers());
    card.warnings.push(UNSAVED_GRADE.to_string());
    card
}

fn design_of<'c>(ctx: &'c Ctx, t: &Transcript) -> Result<&'c Design> {
    ctx.design(&t.design)
}
