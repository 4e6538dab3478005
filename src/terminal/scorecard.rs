//! Rendering a scorecard for the terminal and as Markdown.

use std::fmt::Write as _;

use crate::catalog::Design;
use crate::grade::Scorecard;

/// A plain-text scorecard.
pub fn render_text(card: &Scorecard, design: &Design) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "Scorecard — {} — {:.0}/100 — {} ({})",
        design.title(),
        card.score,
        card.verdict,
        card.grader
    );
    for p in &card.phases {
        let _ = writeln!(out, "  {:<18} {:>5.1}", p.phase.title(), p.score);
    }
    out
}
