//! Turning the engine's messages into Markdown, and Markdown into terminal text. Pure functions:
//! they return strings; the shells decide where the bytes go.

use termimad::MadSkin;

use crate::model::Ended;
use crate::session::{Message, fmt_duration};

/// The Markdown for one message.
pub fn message_markdown(message: &Message) -> String {
    match message {
        Message::Scenario { title, text, minutes } => format!(
            "# Mock interview: {title}\n\n{text}\n\n*{} {} in four phases. Type your answer; /next moves on, /help lists the commands.*\n",
            fmt_minutes(*minutes),
            if (*minutes - 1.0).abs() < 1e-9 { "minute" } else { "minutes" }
        ),
        Message::PhaseStart { phase, number, text, budget_secs, resumed_used_secs } => {
            let mut md =
                format!("## Phase {number}/4 · {} · {}\n\n", phase.title(), fmt_duration(*budget_secs));
            if *resumed_used_secs > 0.0 {
                md.push_str(&format!(
                    "*Resumed with {} of {} left.*\n\n",
                    fmt_duration((budget_secs - resumed_used_secs).max(0.0)),
                    fmt_duration(*budget_secs)
                ));
            }
            md.push_str(text);
            md.push('\n');
            md
        }
        Message::Interviewer(text) => format!("**Interviewer:** {text}\n"),
        Message::Note(text) => format!("{}\n", quote(text)),
        Message::Warning(text) => format!("**!** {text}\n"),
        Message::PhaseEnd { phase, ended, used_secs, budget_secs } => {
            let how = match ended {
                Ended::Submitted => "submitted",
                Ended::TimeUp => "time's up — your answer so far was submitted",
                Ended::Skipped => "skipped",
                Ended::Quit => "left",
            };
            format!(
                "*{} {how} · {} used of {}.*\n",
                phase.title(),
                fmt_duration(*used_secs),
                fmt_duration(*budget_secs)
            )
        }
    }
}

fn quote(text: &str) -> String {
    text.lines()
        .map(|l| if l.is_empty() { ">".to_string() } else { format!("> {l}") })
        .collect::<Vec<_>>()
        .join("\n")
}

/// `45`, `0.1`, `7.5`.
pub fn fmt_minutes(m: f64) -> String {
    if (m - m.round()).abs() < 1e-9 { format!("{m:.0}") } else { format!("{m}") }
}

/// The skin used for the terminal: colours unless plain output was asked for.
pub fn skin(color: bool) -> MadSkin {
    if color { MadSkin::default() } else { MadSkin::no_style() }
}

/// Render Markdown to terminal text of `width` columns.
pub fn to_terminal(md: &str, width: usize, color: bool) -> String {
    let skin = skin(color);
    skin.text(&join_soft_breaks(md), Some(width)).to_string()
}

/// Join the lines of each paragraph (prompts are hard-wrapped in their files), so the terminal
/// wraps them to its own width. Blank lines, headings, list items, quotes, tables and code stay.
pub fn join_soft_breaks(md: &str) -> String {
    let starts_block = |l: &str| {
        let t = l.trim_start();
        t.is_empty()
            || t.starts_with('#')
            || t.starts_with("- ")
            || t.starts_with("* ")
            || t.starts_with('>')
            || t.starts_with('|')
            || t.starts_with("```")
            || t.split_once(". ").is_some_and(|(n, _)| !n.is_empty() && n.chars().all(|c| c.is_ascii_digit()))
    };
    let mut out = String::with_capacity(md.len());
    let mut prev_joinable = false;
    let mut in_code = false;
    for line in md.lines() {
        if line.trim_start().starts_with("```") {
            in_code = !in_code;
        }
        let joinable_here = !in_code && !starts_block(line);
        if prev_joinable && joinable_here {
            out.push(' ');
            out.push_str(line.trim_start());
        } else {
            if !out.is_empty() {
                out.push('\n');
            }
            out.push_str(line);
        }
        // A list item or quote line can continue onto the next plain line; a heading cannot.
        let t = line.trim_start();
        prev_joinable =
            !in_code && !t.is_empty() && !t.starts_with('#') && !t.starts_with('|') && !t.starts_with("```");
    }
    if md.ends_with('\n') {
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paragraphs_are_joined_and_blocks_kept() {
        let md = "# Title\nfirst line\nsecond line\n\n- item one\n  continues\n- item two\n\n> quote\n";
        assert_eq!(
            join_soft_breaks(md),
            "# Title\nfirst line second line\n\n- item one continues\n- item two\n\n> quote\n"
        );
    }
}
