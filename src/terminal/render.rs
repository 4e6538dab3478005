//! Turning the engine's messages into Markdown, and Markdown into terminal text. Pure functions:
//! they return strings; the shells decide where the bytes go.

use termimad::MadSkin;

use crate::session::{Message, fmt_duration};
use crate::transcript::Ended;

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
    skin.text(md, Some(width)).to_string()
}
