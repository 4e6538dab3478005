//! The self-score checklist: every rubric item, phase by phase (in file order within a phase), and
//! the candidate's tick for each.
//!
//! Answers: `y`/`yes` covered, `n`/`no` missed, `s`/`skip` or an empty line (Enter) skip,
//! `q`/`quit` skips the rest. On a terminal (`interactive`) anything else is asked again. From a
//! pipe (PRODUCT.md, "Non-terminal input") each line answers one item; a line that is not an
//! answer skips its item with a note, and the end of input skips the rest. Skipped items are left
//! out of the self score (see `grade::selfscore`).
//!
//! Reads from and writes to what it is given; never touches the real terminal itself.

use std::io::{self, BufRead, Write};

use crate::catalog::{Design, Item, Phase};
use crate::model::SelfTick;

/// The items in checklist order: phase by phase, in rubric order within a phase.
pub fn items(design: &Design) -> Vec<&Item> {
    Phase::ALL.iter().flat_map(|p| design.items(*p)).collect()
}

enum Reply {
    Tick(Option<bool>),
    Quit,
    Invalid,
}

fn parse(line: &str) -> Reply {
    match line.trim().to_ascii_lowercase().as_str() {
        "y" | "yes" => Reply::Tick(Some(true)),
        "n" | "no" => Reply::Tick(Some(false)),
        "" | "s" | "skip" => Reply::Tick(None),
        "q" | "quit" => Reply::Quit,
        _ => Reply::Invalid,
    }
}

/// Walk the checklist, one tick per rubric item in checklist order (see [`items`]).
/// For a typed session, the candidate's own sentence about each item the rubric grader found it
/// in (item id → sentence); empty for a session answered aloud.
pub type Said = std::collections::HashMap<String, String>;

/// The sentences of `card` that back an item, by item id.
pub fn said(card: &crate::model::Scorecard) -> Said {
    card.items()
        .filter(|v| v.credit > 0.0)
        .filter_map(|v| v.evidence.clone().map(|e| (v.id.clone(), e)))
        .collect()
}

pub fn walk_checklist(
    design: &Design,
    said: &Said,
    input: &mut dyn BufRead,
    out: &mut dyn Write,
    interactive: bool,
) -> io::Result<Vec<SelfTick>> {
    let items = items(design);
    let total = items.len();
    writeln!(
        out,
        "Self-score {}: did your answer cover each item? y = yes, n = no, s or Enter = skip, q = skip the rest.",
        design.title()
    )?;
    let mut ticks = Vec::with_capacity(total);
    let mut phase: Option<Phase> = None;
    let mut done = false;
    for (n, item) in items.iter().enumerate() {
        if done {
            ticks.push(SelfTick { id: item.id.clone(), covered: None });
            continue;
        }
        if phase != Some(item.phase) {
            phase = Some(item.phase);
            writeln!(out, "\n{}", item.phase.title())?;
        }
        if let Some(sentence) = said.get(&item.id) {
            // A typed session: the candidate's own sentence about it, to judge by.
            writeln!(out, "  you wrote: “{sentence}”")?;
        }
        let covered = loop {
            write!(out, "[{}/{total}] {} · {} (y/n/s) ", n + 1, item.phase.title(), item.text.trim())?;
            out.flush()?;
            let mut line = String::new();
            if input.read_line(&mut line)? == 0 {
                writeln!(out)?;
                done = true;
                break None;
            }
            if !interactive {
                writeln!(out, "{}", line.trim())?;
            }
            match parse(&line) {
                Reply::Tick(t) => break t,
                Reply::Quit => {
                    done = true;
                    break None;
                }
                Reply::Invalid if interactive => writeln!(out, "  answer y, n or s (Enter skips)")?,
                Reply::Invalid => {
                    writeln!(out, "  (not y, n or s: skipped)")?;
                    break None;
                }
            }
        };
        ticks.push(SelfTick { id: item.id.clone(), covered });
    }
    if done {
        writeln!(out, "The remaining items were skipped.")?;
    }
    Ok(ticks)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::Catalog;

    fn design() -> Design {
        Catalog::builtin().find("whatsapp").expect("built-in whatsapp").clone()
    }

    fn walk(input: &str, interactive: bool) -> (Vec<Option<bool>>, String) {
        let d = design();
        let mut out = Vec::new();
        let ticks = walk_checklist(&d, &Said::new(), &mut input.as_bytes(), &mut out, interactive).unwrap();
        assert_eq!(ticks.len(), d.rubric.items.len());
        (ticks.into_iter().map(|t| t.covered).collect(), String::from_utf8(out).unwrap())
    }

    #[test]
    fn piped_lines_answer_items_in_order_and_end_of_input_skips_the_rest() {
        let (ticks, out) = walk("y\nno\n\nYES\n", false);
        assert_eq!(&ticks[..4], &[Some(true), Some(false), None, Some(true)]);
        assert!(ticks[4..].iter().all(Option::is_none));
        assert!(out.contains("remaining items were skipped"), "{out}");
        assert!(out.contains("[1/") && out.contains("] Requirements · "), "each item shows its phase: {out}");
    }

    #[test]
    fn piped_nonsense_skips_one_item_but_a_terminal_asks_again() {
        let (ticks, out) = walk("maybe\ny\n", false);
        assert_eq!(&ticks[..2], &[None, Some(true)]);
        assert!(out.contains("not y, n or s"), "{out}");
        let (ticks, out) = walk("maybe\ny\n", true);
        assert_eq!(ticks[0], Some(true));
        assert!(out.contains("answer y, n or s"), "{out}");
    }

    #[test]
    fn quit_skips_the_rest() {
        let (ticks, _) = walk("y\nq\ny\n", false);
        assert_eq!(ticks[0], Some(true));
        assert!(ticks[1..].iter().all(Option::is_none));
    }

    #[test]
    fn items_go_phase_by_phase() {
        let d = design();
        let phases: Vec<Phase> = items(&d).iter().map(|i| i.phase).collect();
        let mut sorted = phases.clone();
        sorted.sort();
        assert_eq!(phases, sorted);
    }

    #[test]
    fn a_typed_sessions_checklist_shows_the_candidates_own_sentence() {
        use crate::grade::Grader;
        let d = design();
        let item = &d.rubric.items[0];
        let md = format!("## Requirements\nWe support {} because {}\n", item.concepts[0], item.why);
        let card = crate::grade::rubric::RubricGrader.grade(&d, &crate::model::Answers::from_markdown(&md));
        let said = said(&card);
        let mut out = Vec::new();
        walk_checklist(&d, &said, &mut "y\n".as_bytes(), &mut out, false).unwrap();
        let out = String::from_utf8(out).unwrap();
        let first = out.find("[1/").unwrap();
        let quote = out.find("you wrote: “We support").expect("the candidate's sentence is shown");
        assert!(quote < first, "before the first item's question:\n{out}");
    }
}
