//! Rendering progress for the terminal: the history table with a sparkline per design, the stats
//! report and a comparison side by side. Pure rendering into `String`s: times are shown in the
//! time zone passed in, colour only when `color` is true, the history's columns chosen for the
//! width passed in. Nothing here reads the clock, the disk, the environment or the terminal.

use std::fmt::Display;
use std::fmt::Write as _;

use chrono::{DateTime, TimeZone, Utc};
use crossterm::style::Stylize;

use crate::catalog::Phase;
use crate::model::Status;
use crate::progress::NotCounted;
use crate::progress::compare::{Comparison, PhaseSide};
use crate::progress::stats::{DesignStats, NextKind};
use crate::progress::{Session, Stats, Trend};

const BLOCKS: [char; 8] = ['▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'];

/// Scores 0–100 as a sparkline, one block per score, on an absolute scale (so a row of low blocks
/// means low scores, not merely the lowest of this design's).
pub fn sparkline(scores: &[f64]) -> String {
    scores
        .iter()
        .map(|s| {
            let i = (s.clamp(0.0, 100.0) / 100.0 * 7.0).round() as usize;
            BLOCKS[i.min(7)]
        })
        .collect()
}

/// A coverage bar of ten cells.
fn bar(percent: f64) -> String {
    let full = (percent.clamp(0.0, 100.0) / 10.0).round() as usize;
    format!("{}{}", "█".repeat(full), "░".repeat(10 - full))
}

/// `41m`, `1h 05m`, `35s`.
pub fn duration(secs: f64) -> String {
    let secs = secs.max(0.0).round() as u64;
    if secs < 60 {
        format!("{secs}s")
    } else if secs < 3600 {
        format!("{}m", (secs + 30) / 60)
    } else {
        let m = (secs + 30) / 60;
        format!("{}h {:02}m", m / 60, m % 60)
    }
}

fn when<Tz: TimeZone>(at: DateTime<Utc>, tz: &Tz) -> String
where
    Tz::Offset: Display,
{
    at.with_timezone(tz).format("%Y-%m-%d %H:%M").to_string()
}

/// A column of the history table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Col {
    When,
    Design,
    Score,
    Verdict,
    Grader,
    Time,
    Status,
    Session,
}

/// The history columns that fit `width` (all of them without one), dropping the least needed first.
fn history_columns(rows: &[Session], design_w: usize, verdict_w: usize, width: Option<usize>) -> Vec<Col> {
    let id_w = rows.iter().map(|r| r.id.chars().count()).max().unwrap_or(0).max("Session".len());
    let w = |c: Col| match c {
        Col::When => 16,
        Col::Design => design_w,
        Col::Score => 5,
        Col::Verdict => verdict_w,
        Col::Grader | Col::Time => 6,
        Col::Status => 12,
        Col::Session => id_w,
    };
    let mut cols = vec![
        Col::When,
        Col::Design,
        Col::Score,
        Col::Verdict,
        Col::Grader,
        Col::Time,
        Col::Status,
        Col::Session,
    ];
    let Some(width) = width else { return cols };
    for drop in [Col::Grader, Col::When, Col::Design, Col::Verdict, Col::Time] {
        let total: usize = cols.iter().map(|&c| w(c)).sum::<usize>() + 2 * (cols.len() - 1);
        if total <= width {
            break;
        }
        cols.retain(|&c| c != drop);
    }
    cols
}

fn status_word(s: Status) -> &'static str {
    match s {
        Status::InProgress => "in progress",
        Status::Finished => "finished",
        Status::Quit => "quit",
    }
}

fn score_text(score: Option<f64>) -> String {
    score.map_or_else(|| "—".to_string(), |s| format!("{s:.0}"))
}

fn signed(delta: f64, color: bool) -> String {
    let text = format!("{delta:+.1}");
    if !color {
        return text;
    }
    if delta > 0.0 {
        text.green().to_string()
    } else if delta < 0.0 {
        text.red().to_string()
    } else {
        text
    }
}

fn bold(text: &str, color: bool) -> String {
    if color { text.bold().to_string() } else { text.to_string() }
}

fn plural(n: usize, one: &str, many: &str) -> String {
    if n == 1 { format!("1 {one}") } else { format!("{n} {many}") }
}

/// What `history` prints when there is nothing yet.
pub const EMPTY_HISTORY: &str =
    "No sessions yet. Start one with `mockdesign whatsapp` (`mockdesign list` shows every design).\n";

/// The history table, newest first, then a trend line per design; its columns fit `width` when
/// there is one.
pub fn render_history<Tz: TimeZone>(
    rows: &[Session],
    trends: &[Trend],
    hidden: usize,
    tz: &Tz,
    color: bool,
    width: Option<usize>,
) -> String
where
    Tz::Offset: Display,
{
    if rows.is_empty() && hidden == 0 {
        return EMPTY_HISTORY.to_string();
    }
    let design_w = rows.iter().map(|r| r.design.chars().count()).max().unwrap_or(0).max("Design".len());
    let verdict_w = rows
        .iter()
        .map(|r| r.verdict.as_deref().unwrap_or("—").chars().count())
        .max()
        .unwrap_or(0)
        .max("Verdict".len());
    let mut out = String::new();
    // Columns, dropped from the least needed when the table is wider than the terminal: the
    // session id already holds the date and the design.
    let columns = history_columns(rows, design_w, verdict_w, width);
    let cell = |c: Col, r: Option<&Session>| -> String {
        let status = |r: &Session| {
            if r.not_counted.is_some() {
                format!("{}*", status_word(r.status))
            } else {
                status_word(r.status).to_string()
            }
        };
        match (c, r) {
            (Col::When, None) => format!("{:<16}", "When"),
            (Col::When, Some(r)) => format!("{:<16}", when(r.started_at, tz)),
            (Col::Design, None) => format!("{:<design_w$}", "Design"),
            (Col::Design, Some(r)) => format!("{:<design_w$}", r.design),
            (Col::Score, None) => format!("{:>5}", "Score"),
            (Col::Score, Some(r)) => format!("{:>5}", score_text(r.score)),
            (Col::Verdict, None) => format!("{:<verdict_w$}", "Verdict"),
            (Col::Verdict, Some(r)) => format!("{:<verdict_w$}", r.verdict.as_deref().unwrap_or("—")),
            (Col::Grader, None) => format!("{:<6}", "Grader"),
            (Col::Grader, Some(r)) => format!("{:<6}", r.grader.as_deref().unwrap_or("—")),
            (Col::Time, None) => format!("{:>6}", "Time"),
            (Col::Time, Some(r)) => format!("{:>6}", duration(r.used_secs)),
            (Col::Status, None) => format!("{:<12}", "Status"),
            (Col::Status, Some(r)) => format!("{:<12}", status(r)),
            (Col::Session, None) => "Session".to_string(),
            (Col::Session, Some(r)) => r.id.clone(),
        }
    };
    let line = |r: Option<&Session>| columns.iter().map(|&c| cell(c, r)).collect::<Vec<_>>().join("  ");
    let _ = writeln!(out, "{}", bold(line(None).trim_end(), color));
    for r in rows {
        let _ = writeln!(out, "{}", line(Some(r)).trim_end());
    }
    let marked: Vec<&Session> = rows.iter().filter(|r| r.not_counted.is_some()).collect();
    if !marked.is_empty() {
        let mut why: Vec<&str> = marked.iter().filter_map(|r| r.not_counted.map(NotCounted::words)).collect();
        why.dedup();
        why.sort_unstable();
        why.dedup();
        let _ = writeln!(
            out,
            "* not counted as practice ({}): left out of trends, stats and the weekly goal.",
            why.join(", ")
        );
    }
    if !trends.is_empty() {
        let w = trends.iter().map(|t| t.design.chars().count()).max().unwrap_or(0);
        let spark_w = trends.iter().map(|t| t.scores.len()).max().unwrap_or(0).clamp(1, 24);
        let _ = writeln!(out, "\n{}", bold("Trend by design (oldest → newest, 0–100)", color));
        for t in trends {
            // The sparkline and its summary cover the same, most recent, attempts.
            let tail = &t.scores[t.scores.len().saturating_sub(24)..];
            let mut summary = match (tail.first(), tail.last()) {
                (Some(first), Some(last)) if tail.len() > 1 => {
                    format!("{first:.0} → {last:.0} ({})", signed(last - first, color))
                }
                (Some(only), _) => format!("{only:.0}"),
                _ => "not graded yet".to_string(),
            };
            if tail.len() < t.scores.len() {
                let _ = write!(summary, ", the last {} of {} graded", tail.len(), t.scores.len());
            }
            let _ = writeln!(out, "  {:<w$}  {:<spark_w$}  {summary}", t.design, sparkline(tail));
        }
    }
    let graded = rows.iter().filter(|r| r.score.is_some()).count();
    let _ = writeln!(
        out,
        "\n{}, {} graded. `mockdesign compare` shows what changed since the previous attempt; `mockdesign stats` what to practise next.",
        plural(rows.len(), "session", "sessions"),
        graded
    );
    if hidden > 0 {
        let _ = writeln!(
            out,
            "{} not counted as practice (quit early, skipped through, or under a minute) {} hidden: `mockdesign history --all` shows {}.",
            plural(hidden, "session", "sessions"),
            if hidden == 1 { "is" } else { "are" },
            if hidden == 1 { "it" } else { "them" }
        );
    }
    out
}

fn review_text(d: &DesignStats, now: DateTime<Utc>) -> String {
    match d.review_at {
        None if d.attempts == 0 => "never tried".into(),
        None => "not graded yet".into(),
        Some(_) if d.due => "due now".into(),
        Some(at) => {
            let days = ((at - now).num_hours() + 23) / 24;
            format!("due in {}", plural(days.max(1) as usize, "day", "days"))
        }
    }
}

/// The stats report.
pub fn render_stats(s: &Stats, color: bool) -> String {
    let mut out = String::new();
    let w = &s.weekly;
    let weekly = if w.met {
        format!(
            "This week: {} in the last 7 days — goal of {} met.",
            plural(w.done as usize, "session", "sessions"),
            w.goal
        )
    } else {
        let left = w.goal - w.done;
        format!(
            "This week: {} of {} in the last 7 days — {} more to reach your goal.",
            w.done,
            plural(w.goal as usize, "session", "sessions"),
            left
        )
    };
    let _ = writeln!(out, "{}", bold(&weekly, color));

    if !s.designs.is_empty() {
        let dw = s.designs.iter().map(|d| d.design.chars().count()).max().unwrap_or(0).max("Design".len());
        let tw = s.designs.iter().map(|d| d.trend.len()).max().unwrap_or(0).clamp("trend".len(), 16);
        let _ = writeln!(
            out,
            "\n{}",
            bold(&format!("{:<dw$}  tries  best  last  {:<tw$}  review", "Design", "trend"), color)
        );
        for d in &s.designs {
            let tail = &d.trend[d.trend.len().saturating_sub(16)..];
            let _ = writeln!(
                out,
                "{:<dw$}  {:>5}  {:>4}  {:>4}  {:<tw$}  {}",
                d.design,
                d.attempts,
                score_text(d.best),
                score_text(d.last),
                sparkline(tail),
                review_text(d, s.as_of)
            );
        }
    }

    if s.graded == 0 {
        let _ =
            writeln!(out, "\nNo graded sessions yet: coverage and weak areas show up after your first one.");
    } else {
        let _ = writeln!(out, "\n{}", bold("Coverage by phase", color));
        for p in s.phases.iter().filter(|p| p.items > 0) {
            let _ = writeln!(out, "  {:<18} {:>5.0}%  {}", p.phase.title(), p.coverage, bar(p.coverage));
        }
        let cw = s.categories.iter().map(|c| c.category.chars().count()).max().unwrap_or(0).max(18);
        let _ = writeln!(out, "\n{}", bold("Coverage by category (weakest first)", color));
        for c in &s.categories {
            let _ = writeln!(
                out,
                "  {:<cw$} {:>5.0}%  {}  missed {} of {}",
                c.category,
                c.coverage,
                bar(c.coverage),
                c.missed,
                c.items
            );
        }
        if !s.weakest.is_empty() {
            let _ = writeln!(out, "\n{}", bold("Weakest areas, with the items missed most often", color));
            for (n, weak) in s.weakest.iter().enumerate() {
                let _ = writeln!(out, "  {}. {} — {:.0}% covered", n + 1, weak.category, weak.coverage);
                for m in &weak.items {
                    let _ = writeln!(out, "     missed {} of {}  {}: {}", m.missed, m.seen, m.design, m.text);
                }
            }
        }
    }

    match &s.next {
        Some(next) => {
            let label = match next.kind {
                NextKind::NeverTried => "new design",
                NextKind::Due => "review",
                NextKind::Weakest => "weakest area",
                NextKind::Soonest => "next review",
            };
            let _ = writeln!(
                out,
                "\n{} `mockdesign {}` ({label})\n  {}",
                bold("Next:", color),
                next.design,
                next.reason
            );
        }
        None => {
            let _ = writeln!(out, "\nNext: `mockdesign list` shows the designs to start with.");
        }
    }
    out
}

fn phase_cell(side: Option<&PhaseSide>) -> String {
    match side {
        None => "—".into(),
        Some(p) => {
            format!("{:>3}  {:>5} / {}", score_text(p.score), duration(p.used_secs), duration(p.budget_secs))
        }
    }
}

/// Two attempts side by side: the earlier on the left.
pub fn render_compare<Tz: TimeZone>(c: &Comparison, tz: &Tz, color: bool) -> String
where
    Tz::Offset: Display,
{
    let mut out = String::new();
    let title = if c.same_design {
        format!("{} — two attempts compared", c.a.title)
    } else {
        format!("{} vs {}", c.a.title, c.b.title)
    };
    let _ = writeln!(out, "{}\n", bold(&title, color));
    let col = c.a.id.chars().count().max(24);
    let row = |out: &mut String, label: &str, a: String, b: String| {
        let _ = writeln!(out, "{label:<18}  {a:<col$}  {b}");
    };
    row(&mut out, "", "earlier".into(), "later".into());
    row(&mut out, "Session", c.a.id.clone(), c.b.id.clone());
    row(&mut out, "When", when(c.a.started_at, tz), when(c.b.started_at, tz));
    row(&mut out, "Grader", c.a.grader.clone(), c.b.grader.clone());
    row(
        &mut out,
        "Score",
        format!("{:.0} ({})", c.a.score, c.a.verdict),
        format!("{:.0} ({})  {}", c.b.score, c.b.verdict, signed(c.delta, color)),
    );
    row(
        &mut out,
        "Time used",
        format!("{} of {}", duration(c.a.used_secs), duration(c.a.minutes * 60.0)),
        format!("{} of {}", duration(c.b.used_secs), duration(c.b.minutes * 60.0)),
    );

    let _ = writeln!(out, "\n{}", bold("Per phase: score, time used / budget", color));
    for p in &c.phases {
        if p.a.is_none() && p.b.is_none() {
            continue;
        }
        let line = format!(
            "{:<18}  {:<col$}  {}",
            p.phase.title(),
            phase_cell(p.a.as_ref()),
            phase_cell(p.b.as_ref())
        );
        let _ = writeln!(out, "{}", line.trim_end());
    }

    if !c.same_design {
        let _ = writeln!(out, "\nDifferent designs: rubric items are not compared.");
        return out;
    }
    let item = |out: &mut String, mark: String, phase: Phase, text: &str| {
        let _ = writeln!(out, "  {mark} {:<12} {text}", phase.id());
    };
    if c.gained.is_empty() && c.lost.is_empty() {
        let _ = writeln!(out, "\nThe same rubric items were covered both times.");
    }
    if !c.gained.is_empty() {
        let _ = writeln!(out, "\n{}", bold(&format!("Gained ({})", c.gained.len()), color));
        for g in &c.gained {
            let mark = if color { "+".green().to_string() } else { "+".to_string() };
            item(&mut out, mark, g.phase, &g.text);
        }
    }
    if !c.lost.is_empty() {
        let _ = writeln!(out, "\n{}", bold(&format!("Lost ({})", c.lost.len()), color));
        for l in &c.lost {
            let mark = if color { "-".red().to_string() } else { "-".to_string() };
            item(&mut out, mark, l.phase, &l.text);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::progress::fixture::{designs, now, session};
    use crate::progress::{compare, sessions, stats, trends};

    #[test]
    fn the_sparkline_uses_an_absolute_scale() {
        assert_eq!(sparkline(&[0.0, 50.0, 100.0]), "▁▅█");
        assert_eq!(sparkline(&[90.0, 95.0]), "▇█", "high scores stay high even when close together");
        assert_eq!(sparkline(&[]), "");
    }

    #[test]
    fn durations_read_like_a_clock() {
        assert_eq!(duration(35.0), "35s");
        assert_eq!(duration(41.0 * 60.0 + 10.0), "41m");
        assert_eq!(duration(65.0 * 60.0), "1h 05m");
    }

    #[test]
    fn history_shows_newest_first_with_a_trend_and_dashes_for_unfinished() {
        let ts = vec![
            session("whatsapp", 5, Some(45.0), &[]),
            session("whatsapp", 1, Some(78.0), &[]),
            session("search", 0, None, &[]),
        ];
        let text = render_history(&sessions(&ts), &trends(&ts), 0, &Utc, false, None);
        let lines: Vec<&str> = text.lines().collect();
        assert!(lines[1].contains(&ts[2].id) && lines[1].contains("quit*"), "marked: {text}");
        assert!(text.contains("* not counted as practice (quit early)"), "{text}");
        assert!(lines[1].contains('—'), "no score for an unfinished session: {text}");
        assert!(lines[2].contains(&ts[1].id) && lines[2].contains("78"), "{text}");
        assert!(lines[3].contains(&ts[0].id), "{text}");
        assert!(text.contains("▄▆  45 → 78 (+33.0)"), "{text}");
        assert!(!text.contains("not graded yet"), "a quit session makes no trend: {text}");
        assert!(!text.contains('\u{1b}'), "no escape codes without colour");
    }

    #[test]
    fn stats_name_the_weekly_goal_and_the_next_session() {
        let ts = vec![session("whatsapp", 3, Some(50.0), &["req"]), session("whatsapp", 10, Some(40.0), &[])];
        let s = stats(&ts, &designs(&crate::progress::CORE_PLAN), 2, now());
        let text = render_stats(&s, false);
        assert!(text.contains("1 of 2 sessions in the last 7 days — 1 more"), "{text}");
        assert!(text.contains("`mockdesign payment-system` (new design)"), "{text}");
        assert!(text.contains("never tried"), "{text}");
        assert!(text.contains("Weakest areas"), "{text}");
    }

    #[test]
    fn compare_lists_gained_and_lost_items_by_text() {
        let ds = designs(&["whatsapp"]);
        let a = session("whatsapp", 5, Some(40.0), &["dd"]);
        let b = session("whatsapp", 1, Some(60.0), &["hld"]);
        let text = render_compare(&compare(&a, &b, &ds).unwrap(), &Utc, false);
        assert!(text.contains("Gained (1)\n  + high-level   whatsapp hld text"), "{text}");
        assert!(text.contains("Lost (1)\n  - deep-dive    whatsapp dd text"), "{text}");
        assert!(text.contains("+20.0"), "{text}");
    }
}
