//! `mockdesign review [SESSION|FILE|latest] [--json | --format md] [--side-by-side] [--grader …]`:
//! a saved transcript with its stored scorecard (the last in `scorecards`), offline, followed by
//! how the model answer puts each item missed or only named (`--side-by-side`: every item, your
//! evidence next to the model passage).
//!
//! `--grader` regrades and appends the new grade to the transcript (saved atomically). A session
//! that finished without a grade (the process died or was interrupted while grading) is graded now
//! with the configured grader and saved. Otherwise nothing is written: an unfinished session is
//! graded on the spot with the rubric grader, with a warning, and not saved. Writing takes the
//! session's lock, so a session open in another process is not written behind its back. A corrupt
//! or newer-schema transcript is refused (exit 1) and left untouched.
//!
//! Stored text is shown with its control characters escaped: a transcript can hold anything that
//! was typed or pasted, and replaying an escape sequence could clear the screen or set the
//! clipboard.

use std::process::ExitCode;

use anyhow::Result;
use serde::Serialize;
use serde::de::DeserializeOwned;

use super::Ctx;
use crate::catalog::Design;
use crate::cli::{GraderKind, LlmArgs, ReviewFormat};
use crate::grade::rubric::RubricGrader;
use crate::grade::{Grader, Scorecard, curveball};
use crate::model::{Status, Transcript};
use crate::store::{self};
use crate::terminal::model_answer;
use crate::terminal::scorecard;

/// How to show the session.
#[derive(Debug, Clone, Copy)]
pub struct Show {
    pub json: bool,
    pub format: Option<ReviewFormat>,
    /// Every item: the candidate's evidence next to how the model answer puts it.
    pub side_by_side: bool,
    /// Everything straight to standard output, never through the pager.
    pub full: bool,
}

/// Added to a grade made on the spot for a session that has none stored.
pub const UNSAVED_GRADE: &str = "this session has no stored grade yet (it was not finished); graded now with the rubric grader, not saved";

pub fn run(
    ctx: &Ctx,
    session: Option<&str>,
    show: Show,
    grader: Option<GraderKind>,
    llm: &LlmArgs,
) -> Result<ExitCode> {
    let path = store::resolve(&ctx.paths.sessions(), session)?;
    let mut t = store::load(&path)?;
    let finished_ungraded = t.status == Status::Finished && t.scorecards.is_empty() && !t.self_score;
    // Only a writer may grade and save; a session open elsewhere is graded on the spot instead.
    let lock = match grader {
        Some(_) => Some(store::SessionLock::acquire(&path)?),
        None if finished_ungraded => store::SessionLock::acquire(&path).ok(),
        None => None,
    };
    let card = match &lock {
        Some(_) => {
            // Reread under the lock: the file may have changed since it was first read.
            t = store::load(&path)?;
            match t.scorecard() {
                Some(card) if grader.is_none() => card.clone(),
                _ => {
                    if grader.is_none() {
                        eprintln!("Session {} finished without a grade; grading it now.", t.id);
                    }
                    let design = design_of(ctx, &t)?;
                    let card = super::grading::grade(ctx, design, &t.answers(), grader, llm)?;
                    t.scorecards.push(card.clone());
                    t.updated_at = super::now();
                    store::save(&path, &t)?;
                    card
                }
            }
        }
        _ => match t.scorecard() {
            Some(card) => card.clone(),
            None => unsaved_grade(design_of(ctx, &t)?, &t),
        },
    };
    drop(lock);
    let interrupted = super::grading::was_interrupted(&card);
    let text = render(ctx, &mut t, &card, show)?;
    if show.full || show.json || show.format == Some(ReviewFormat::Md) {
        super::print(&text)?;
    } else {
        crate::terminal::pager::page(&text, &ctx.output)?;
    }
    if interrupted {
        eprintln!("\nInterrupted: the LLM grade was cancelled and the rubric grade was saved.");
        return Err(crate::error::Interrupted.into());
    }
    Ok(ExitCode::SUCCESS)
}

/// The review as text, Markdown or JSON, with the stored text's control characters escaped: the
/// one-screen summary first, then the item detail, what was said, and how the model answer puts
/// what was missed.
fn render(ctx: &Ctx, t: &mut Transcript, card: &Scorecard, show: Show) -> Result<String> {
    if show.json {
        let shown = CardJson { card, curveball: t.curveball_grade.as_ref() };
        return Ok(format!("{}\n", serde_json::to_string_pretty(&shown)?));
    }
    let design = design_of(ctx, t)?;
    // Sessions saved before the curveball was graded: graded now for the page, not saved (and
    // not added to `--json`, which reproduces what is stored).
    if t.curveball_grade.is_none() {
        t.curveball_grade = curveball::grade(&RubricGrader, design, t);
    }
    let (t, card) = (&escape_controls(&*t), &escape_controls(card));
    let answer = super::study::answer_for_grade(ctx, design);
    let nothing = scorecard::nothing_to_grade(t);
    let mut text = match show.format {
        Some(ReviewFormat::Md) => {
            let card_md = match &nothing {
                Some(line) => format!("{line}\n"),
                None => scorecard::render_markdown(card, design, Some(t)),
            };
            format!("{}\n\n{}", card_md.trim_end(), scorecard::transcript_markdown(t))
        }
        Some(ReviewFormat::Text) | None => {
            let opts = ctx.output.render_opts();
            let session = scorecard::transcript_markdown(t);
            // Plain, the session is its Markdown, ending in one newline (what follows opens with
            // its own blank line); on a terminal (NO_COLOR) fitted to its width like the scorecard
            // above it, so the terminal never cuts an answer mid-word. A pipe gets whole lines.
            let session = if opts.color {
                scorecard::styled(&session, opts.width)
            } else if ctx.output.terminal {
                crate::terminal::style::fit(session.trim_end(), opts.width) + "\n"
            } else {
                format!("{}\n", session.trim_end())
            };
            let card_text = match &nothing {
                Some(line) => format!("{line}\n"),
                None => scorecard::render(card, design, Some(t), opts),
            };
            format!("{card_text}\n{session}")
        }
    };
    if let (Some(answer), None) = (&answer, &nothing) {
        text.push_str(&match (show.format, show.side_by_side) {
            (Some(ReviewFormat::Md), false) => {
                model_answer::strong_answers_markdown(card, design, answer, None)
            }
            (Some(ReviewFormat::Md), true) => model_answer::side_by_side_markdown(card, design, answer),
            (_, false) => model_answer::strong_answers(card, design, answer, None, ctx.output.render_opts()),
            (_, true) => model_answer::side_by_side(card, design, answer, ctx.output.render_opts().width),
        });
    }
    Ok(text)
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

/// A copy of `value` whose strings have their control characters (other than newline and tab)
/// written as visible escapes such as `\u{1b}`.
pub fn escape_controls<T: Serialize + DeserializeOwned + Clone>(value: &T) -> T {
    fn walk(v: &mut serde_json::Value) {
        match v {
            serde_json::Value::String(s) if s.chars().any(is_unsafe) => {
                *s = s
                    .chars()
                    .map(|c| if is_unsafe(c) { c.escape_default().to_string() } else { c.to_string() })
                    .collect();
            }
            serde_json::Value::Array(items) => items.iter_mut().for_each(walk),
            serde_json::Value::Object(map) => map.values_mut().for_each(walk),
            _ => {}
        }
    }
    fn is_unsafe(c: char) -> bool {
        c.is_control() && c != '\n' && c != '\t'
    }
    let Ok(mut v) = serde_json::to_value(value) else { return value.clone() };
    walk(&mut v);
    serde_json::from_value(v).unwrap_or_else(|_| value.clone())
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
