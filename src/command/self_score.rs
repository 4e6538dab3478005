//! `mockdesign self-score [SESSION]` (latest by default): tick the checklist for a saved session
//! (from the terminal, or one line per item from a pipe), store the ticks and the self scorecard in
//! the transcript (saved atomically), and show the self score beside the rubric grader's with the
//! calibration between them. Offline: the rubric grader is the one compared against.

use std::fmt::Write as _;
use std::io::IsTerminal;
use std::process::ExitCode;

use anyhow::Result;

use super::Ctx;
use crate::grade::rubric::RubricGrader;
use crate::grade::{Grader, selfscore};
use crate::store;
use crate::terminal::checklist;
use crate::terminal::scorecard;

pub fn run(ctx: &Ctx, session: Option<&str>) -> Result<ExitCode> {
    let path = store::resolve(&ctx.paths.sessions(), session)?;
    // The one writer of this session while the checklist is walked.
    let _lock = store::SessionLock::acquire(&path)?;
    let mut t = store::load(&path)?;
    let design = ctx.design(&t.design)?;
    let stdin = std::io::stdin();
    let interactive = stdin.is_terminal();
    let rubric = RubricGrader.grade(design, &t.answers());
    let ticks = {
        let mut out = std::io::stdout().lock();
        checklist::walk_checklist(
            design,
            &checklist::said(&rubric),
            &mut stdin.lock(),
            &mut out,
            interactive,
        )?
    };
    let mut card = selfscore::scorecard(design, &ticks, t.hints_used());
    card.graded_at = Some(super::now());
    let calibration = selfscore::calibrate(design, &ticks, &rubric);
    t.self_ticks = Some(ticks);
    t.scorecards.push(card.clone());
    t.updated_at = super::now();
    store::save(&path, &t)?;
    let opts = ctx.output.render_opts();
    let mut text = String::from("\n");
    if t.self_score && t.phases.iter().all(|p| p.graded_text().is_empty()) {
        let _ = writeln!(
            text,
            "Your score: {:.1}/100 · {} · level {}\nThis session was answered aloud, so there is no typed answer to compare with.",
            card.score, card.verdict, card.level
        );
    } else {
        text.push_str(&scorecard::render_calibration(design, &card, &rubric, &calibration, opts));
    }
    let _ = writeln!(text, "Saved to {}", path.display());
    super::print(&text)?;
    Ok(ExitCode::SUCCESS)
}
