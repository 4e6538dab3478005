//! `mockdesign grade <DESIGN> <ANSWERS.md> [--json] [--grader …]`: grade a written answer without a
//! session. Reads one file, prints the scorecard (or its JSON); saves nothing.

use std::path::Path;
use std::process::ExitCode;

use anyhow::Result;

use super::Ctx;
use crate::cli::{GraderKind, LlmArgs};
use crate::error::UsageError;
use crate::grade::Answers;
use crate::terminal::scorecard;

pub fn run(
    ctx: &Ctx,
    design: &str,
    answers: &Path,
    json: bool,
    grader: Option<GraderKind>,
    llm: &LlmArgs,
) -> Result<ExitCode> {
    let design = ctx.design(design)?;
    let md = read_answer(answers)?;
    let card = super::grading::grade(ctx, design, &Answers::from_markdown(&md), grader, llm)?;
    if json {
        super::print(&format!("{}\n", serde_json::to_string_pretty(&card)?))?;
    } else {
        let opts = ctx.output.render_opts();
        let mut text = scorecard::render(&card, design, None, opts);
        if let Some(answer) = super::study::answer_for_grade(ctx, design) {
            text.push_str(&crate::terminal::model_answer::strong_answers(
                &card,
                design,
                &answer,
                Some(super::start::STRONG_ANSWERS_SHOWN),
                opts,
            ));
        }
        super::print(&text)?;
    }
    if super::grading::was_interrupted(&card) {
        return Err(crate::error::Interrupted.into());
    }
    Ok(ExitCode::SUCCESS)
}

/// The answer file's text; a missing or unreadable file is a usage error (exit 2).
fn read_answer(path: &Path) -> Result<String> {
    std::fs::read_to_string(path).map_err(|e| {
        let shown = path.display();
        let err = match e.kind() {
            std::io::ErrorKind::NotFound => UsageError::new(format!("no answer file at {shown}")),
            std::io::ErrorKind::InvalidData => UsageError::new(format!("{shown} is not UTF-8 text")),
            _ => UsageError::new(format!("cannot read {shown}: {e}")),
        };
        err.with_hint(
            "give a Markdown answer, e.g. `mockdesign grade whatsapp answer.md` (headings name the phases)",
        )
        .into()
    })
}
