//! The model answer beside a grade: "How a strong answer puts it" under each item the candidate
//! missed or only named, and `review --side-by-side`, the candidate's evidence next to the model
//! passage, item by item.
//!
//! Self-contained blocks appended after the scorecard; they never change the scorecard's own
//! layout or its JSON. Everything renders into a `String`; nothing here prints or grades.

use std::fmt::Write as _;

use super::scorecard::RenderOpts;
use crate::catalog::{Design, Item, ModelAnswer, Phase};
use crate::grade::{ItemVerdict, Scorecard};

/// Sentences of the model passage shown for one item.
pub const EXCERPT_SENTENCES: usize = 3;

/// The label before each model passage.
pub const STRONG_ANSWER: &str = "How a strong answer puts it";

/// Heading of the block of passages for missed items.
pub const BLOCK_HEADING: &str = "What you missed, from the model answer";

/// Narrower than this, side-by-side stacks the two texts instead of laying them out in columns.
pub const MIN_SIDE_BY_SIDE_WIDTH: usize = 90;

/// An item to study: what the rubric asks, how the candidate fared, the model's words for it.
struct Study<'a> {
    item: &'a Item,
    verdict: &'a ItemVerdict,
    excerpt: Option<String>,
}

fn missed_or_named(v: &ItemVerdict) -> bool {
    !v.covered
}

/// The items the candidate missed or only named that the model answer demonstrates, heaviest
/// first (rubric order among equals), at most `limit`. Also returns how many were left off.
fn to_study<'a>(
    card: &'a Scorecard,
    design: &'a Design,
    answer: &ModelAnswer,
    limit: Option<usize>,
) -> (Vec<Study<'a>>, usize) {
    let mut out: Vec<(usize, Study<'a>)> = Vec::new();
    for v in card.items().filter(|v| missed_or_named(v)) {
        let Some(item) = design.item(&v.id) else { continue };
        let Some(excerpt) = answer.excerpt(item, EXCERPT_SENTENCES) else { continue };
        let order = design.rubric.items.iter().position(|i| i.id == item.id).unwrap_or(usize::MAX);
        out.push((order, Study { item, verdict: v, excerpt: Some(excerpt) }));
    }
    out.sort_by(|(oa, a), (ob, b)| b.item.weight.cmp(&a.item.weight).then(oa.cmp(ob)));
    let total = out.len();
    let shown = limit.unwrap_or(total).min(total);
    (out.into_iter().take(shown).map(|(_, s)| s).collect(), total - shown)
}

fn status(v: &ItemVerdict) -> &'static str {
    if v.covered {
        "covered"
    } else if v.credit > 0.0 {
        "only named"
    } else {
        "missed"
    }
}

/// "How a strong answer puts it" as Markdown: for each missed or only-named item (heaviest
/// first, at most `limit`), the item and the model passage shortened to its sentences about it.
/// Empty when nothing was missed or no passage demonstrates what was.
pub fn strong_answers_markdown(
    card: &Scorecard,
    design: &Design,
    answer: &ModelAnswer,
    limit: Option<usize>,
) -> String {
    let (items, left) = to_study(card, design, answer, limit);
    if items.is_empty() {
        return String::new();
    }
    let mut md = format!("## {BLOCK_HEADING}\n\n");
    for s in &items {
        let mark = if s.verdict.credit > 0.0 { "◐" } else { "✗" };
        let _ = writeln!(md, "* {mark} **{}** · {}", s.item.phase.title(), s.item.text.trim());
        if let Some(e) = &s.excerpt {
            let _ = writeln!(md, "> *{STRONG_ANSWER}:* {e}");
        }
        md.push('\n');
    }
    if left > 0 {
        let _ = writeln!(md, "*{}*\n", more(left, design));
    }
    md
}

/// The line after a shortened block.
fn more(left: usize, design: &Design) -> String {
    format!(
        "{left} more in `mockdesign review` (`--side-by-side` puts your words next to them); the whole answer: `mockdesign study {}`.",
        design.id()
    )
}

/// The same block for the terminal: styled Markdown with colour, else wrapped plain text.
pub fn strong_answers(
    card: &Scorecard,
    design: &Design,
    answer: &ModelAnswer,
    limit: Option<usize>,
    opts: RenderOpts,
) -> String {
    if opts.color {
        let md = strong_answers_markdown(card, design, answer, limit);
        return if md.is_empty() { md } else { super::scorecard::styled(&md, opts.width) };
    }
    let (items, left) = to_study(card, design, answer, limit);
    if items.is_empty() {
        return String::new();
    }
    let width = opts.width.max(40);
    let mut out = format!("\n{BLOCK_HEADING}\n");
    for s in &items {
        let mark = if s.verdict.credit > 0.0 { "[~]" } else { "[ ]" };
        let head = format!("{}: {}", s.item.phase.title(), s.item.text.trim());
        wrap(&mut out, &head, width, &format!("  {mark} "), "      ");
        if let Some(e) = &s.excerpt {
            wrap(&mut out, &format!("{STRONG_ANSWER}: \"{e}\""), width, "      ", "      ");
        }
    }
    if left > 0 {
        wrap(&mut out, &more(left, design), width, "  ", "  ");
    }
    out
}

/// Every item, phase by phase: the candidate's evidence next to the model passage, in two columns
/// that fit `width`, stacked when the width is under [`MIN_SIDE_BY_SIDE_WIDTH`]. Plain text.
pub fn side_by_side(card: &Scorecard, design: &Design, answer: &ModelAnswer, width: usize) -> String {
    let width = width.max(40);
    let columns = width >= MIN_SIDE_BY_SIDE_WIDTH;
    let mut out = format!("\nSide by side: your answer and {}\n", design.title());
    let _ = writeln!(out, "(left: what you wrote; right: how a strong answer puts it)");
    for phase in Phase::ALL {
        let Some(p) = card.phase(phase) else { continue };
        let _ = writeln!(out, "\n{}", phase.title());
        for v in &p.items {
            let Some(item) = design.item(&v.id) else { continue };
            let mark = if v.covered {
                "[x]"
            } else if v.credit > 0.0 {
                "[~]"
            } else {
                "[ ]"
            };
            let head = format!("{} ({})", item.text.trim(), status(v));
            wrap(&mut out, &head, width, &format!("  {mark} "), "      ");
            let yours = v
                .evidence
                .as_deref()
                .map_or_else(|| "(not in your answer)".to_string(), |e| format!("\"{}\"", e.trim()));
            let theirs = answer
                .excerpt(item, EXCERPT_SENTENCES)
                .unwrap_or_else(|| "(the model answer has no passage for this item)".to_string());
            if columns {
                two_columns(&mut out, &yours, &theirs, width, "      ");
            } else {
                wrap(&mut out, &format!("You: {yours}"), width, "      ", "        ");
                wrap(&mut out, &format!("Strong answer: {theirs}"), width, "      ", "        ");
            }
        }
    }
    out
}

/// Side by side as Markdown: one table per phase, `| Item | You | Strong answer |`.
pub fn side_by_side_markdown(card: &Scorecard, design: &Design, answer: &ModelAnswer) -> String {
    let mut md = String::from("## Side by side: your answer and a strong answer\n\n");
    for phase in Phase::ALL {
        let Some(p) = card.phase(phase) else { continue };
        let _ = writeln!(md, "### {}\n\n| Item | You | Strong answer |\n|:-|:-|:-|", phase.title());
        for v in &p.items {
            let Some(item) = design.item(&v.id) else { continue };
            let yours = v
                .evidence
                .as_deref()
                .map_or_else(|| "*(not in your answer)*".to_string(), |e| format!("“{}”", e.trim()));
            let theirs = answer.excerpt(item, EXCERPT_SENTENCES).unwrap_or_default();
            let _ = writeln!(
                md,
                "| {} *({})* | {} | {} |",
                cell(item.text.trim()),
                status(v),
                cell(&yours),
                cell(&theirs)
            );
        }
        md.push('\n');
    }
    md
}

/// Text safe inside a Markdown table cell.
fn cell(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ").replace('|', "\\|")
}

/// Words of `text` broken into lines of at most `width` characters (a longer word gets a line).
fn lines_of(text: &str, width: usize) -> Vec<String> {
    let mut lines = Vec::new();
    let mut line = String::new();
    for word in text.split_whitespace() {
        let len = line.chars().count();
        if len > 0 && len + 1 + word.chars().count() > width {
            lines.push(std::mem::take(&mut line));
        }
        if !line.is_empty() {
            line.push(' ');
        }
        // A word longer than the column is cut so the columns never spill.
        let mut word: String = word.to_string();
        while word.chars().count() > width {
            let head: String = word.chars().take(width).collect();
            word = word.chars().skip(width).collect();
            if !line.is_empty() {
                lines.push(std::mem::take(&mut line));
            }
            lines.push(head);
        }
        line.push_str(&word);
    }
    if !line.is_empty() {
        lines.push(line);
    }
    lines
}

fn wrap(out: &mut String, text: &str, width: usize, first: &str, rest: &str) {
    let indent = first.chars().count().max(rest.chars().count());
    for (i, l) in lines_of(text, width.saturating_sub(indent).max(20)).iter().enumerate() {
        out.push_str(if i == 0 { first } else { rest });
        out.push_str(l);
        out.push('\n');
    }
}

fn two_columns(out: &mut String, left: &str, right: &str, width: usize, indent: &str) {
    let gutter = " │ ";
    let inner = width.saturating_sub(indent.chars().count() + gutter.chars().count());
    let col = inner / 2;
    let l = lines_of(left, col);
    let r = lines_of(right, inner - col);
    for i in 0..l.len().max(r.len()) {
        let a = l.get(i).map_or("", String::as_str);
        let b = r.get(i).map_or("", String::as_str);
        let pad = col.saturating_sub(a.chars().count());
        let line = format!("{indent}{a}{}{gutter}{b}", " ".repeat(pad));
        out.push_str(line.trim_end());
        out.push('\n');
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::Catalog;
    use crate::grade::rubric::RubricGrader;
    use crate::grade::{Answers, Grader};

    fn setup() -> (Design, ModelAnswer) {
        let design = Catalog::builtin().find("whatsapp").unwrap().clone();
        let md = crate::catalog::builtin_answer("whatsapp").expect("a built-in whatsapp answer");
        (design, ModelAnswer::parse(md))
    }

    #[test]
    fn a_weak_answer_gets_model_passages_for_its_heaviest_misses() {
        let (d, a) = setup();
        let card = RubricGrader.grade(&d, &Answers::from_markdown("## Requirements\nUsers send messages.\n"));
        let out = strong_answers(&card, &d, &a, Some(3), RenderOpts::plain(100));
        assert_eq!(out.matches("How a strong answer puts it: \"").count(), 3, "{out}");
        assert!(out.contains("more in `mockdesign review`"), "{out}");
        assert!(!out.contains("<!--"), "{out}");
        assert!(out.lines().all(|l| l.chars().count() <= 100), "{out}");
    }

    #[test]
    fn side_by_side_fits_the_width_and_stacks_when_narrow() {
        let (d, a) = setup();
        let card = RubricGrader
            .grade(&d, &Answers::from_markdown("## Requirements\nWe must never lose a message.\n"));
        let wide = side_by_side(&card, &d, &a, 120);
        assert!(wide.contains(" │ "), "{wide}");
        assert!(wide.lines().all(|l| l.chars().count() <= 120), "{wide}");
        let narrow = side_by_side(&card, &d, &a, 60);
        assert!(!narrow.contains(" │ ") && narrow.contains("Strong answer: "), "{narrow}");
        assert!(narrow.lines().all(|l| l.chars().count() <= 60), "{narrow}");
    }

    #[test]
    fn nothing_missed_means_no_block() {
        let (d, a) = setup();
        let card = RubricGrader.grade(&d, &Answers::from_markdown(a.display().as_str()));
        let missed = card.items().filter(|v| !v.covered).count();
        let out = strong_answers_markdown(&card, &d, &a, None);
        assert_eq!(out.is_empty(), missed == 0, "{out}");
    }
}
