//! Rendering a scorecard (and, for `review`, the transcript it grades) for the terminal, as plain
//! text, or as Markdown for sharing.
//!
//! One layout in two dialects: [`render_markdown`] writes Markdown (also fed to termimad for a
//! colour terminal), the plain renderer writes the same content as wrapped text with ASCII bars and
//! marks (`[x]` covered, `[~]` named only in a bare list, `[ ]` missed) for pipes and `NO_COLOR`.
//! Everything renders into a `String`; nothing here prints, reads the clock or grades.

use std::fmt::Write as _;

use crate::catalog::{Design, Item, Phase};
use crate::grade::selfscore::Calibration;
use crate::grade::{ItemVerdict, Scorecard};
use crate::model::{Ended, PhaseRecord, Transcript};

/// How to render: the width to wrap to, and whether colour (termimad styling) may be used. For
/// standard output it comes from [`super::style::Output::render_opts`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RenderOpts {
    pub width: usize,
    pub color: bool,
}

impl RenderOpts {
    /// Plain text at `width` columns.
    pub fn plain(width: usize) -> Self {
        Self { width, color: false }
    }
}

/// The scorecard for the terminal: the one-screen summary, then the item detail; styled with
/// termimad when `opts.color`, else plain text. Time per phase and hints come from `transcript`.
pub fn render(
    card: &Scorecard,
    design: &Design,
    transcript: Option<&Transcript>,
    opts: RenderOpts,
) -> String {
    // One blank line between them, plain or styled, whatever each ends or starts with.
    let summary = render_summary(card, design, transcript, opts);
    let detail = render_detail(card, design, opts);
    format!("{}\n\n{}", summary.trim_end(), detail.trim_start_matches('\n'))
}

/// The one-screen summary: score, verdict and the level explained, phase bars with time against
/// budget, hints, the requirement change, and the three things to work on with why.
pub fn render_summary(
    card: &Scorecard,
    design: &Design,
    transcript: Option<&Transcript>,
    opts: RenderOpts,
) -> String {
    if opts.color {
        styled(&summary_markdown(card, design, transcript), opts.width)
    } else {
        plain_summary(card, design, transcript, opts.width.max(40))
    }
}

/// The item detail: every rubric item of every phase, with its quote or why it matters.
pub fn render_detail(card: &Scorecard, design: &Design, opts: RenderOpts) -> String {
    if opts.color {
        styled(&detail_markdown(card, design), opts.width)
    } else {
        plain_detail(card, design, opts.width.max(40))
    }
}

/// One line for a session with nothing to grade, instead of a scorecard of missed items.
pub fn nothing_to_grade(t: &Transcript) -> Option<String> {
    if t.self_score || t.phases.iter().any(|p| !p.graded_text().trim().is_empty()) {
        return None;
    }
    let how = if t.phases.iter().all(|p| p.ended == Some(Ended::Skipped)) {
        "Every phase was skipped"
    } else {
        "Nothing was answered"
    };
    Some(format!("{how} in this {} session, so there is nothing to grade.", t.design_title))
}

/// Markdown through termimad's default skin.
pub fn styled(markdown: &str, width: usize) -> String {
    let skin = termimad::MadSkin::default();
    skin.text(markdown, Some(width.max(40))).to_string()
}

/// How an item fared.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mark {
    Covered,
    Bare,
    Missed,
}

fn mark(v: &ItemVerdict) -> Mark {
    if v.covered {
        Mark::Covered
    } else if v.credit > 0.0 {
        Mark::Bare
    } else {
        Mark::Missed
    }
}

/// What a part-credit mark says: named only, explained in passing, or partly shown (an estimate
/// without its unit).
fn partial_label(v: &ItemVerdict) -> &'static str {
    if v.named {
        "named, not explained"
    } else if (v.credit - crate::grade::rubric::BRIEF_CREDIT).abs() < 1e-9 {
        "explained in passing"
    } else {
        "partly shown"
    }
}

/// `mm:ss`.
fn clock(secs: f64) -> String {
    let s = secs.max(0.0).round() as u64;
    format!("{}:{:02}", s / 60, s % 60)
}

/// "6:12 of 8:00 (0:40 over)" for a phase record.
fn time_used(rec: &PhaseRecord) -> String {
    let mut s = format!("{} of {}", clock(rec.used_secs), clock(rec.allowed_secs()));
    let over = if rec.overtime_secs > 0.0 { rec.overtime_secs } else { rec.used_secs - rec.allowed_secs() };
    if over >= 1.0 {
        let _ = write!(s, " ({} over)", clock(over));
    }
    if rec.ended == Some(Ended::TimeUp) {
        s.push_str(", time up");
    } else if rec.ended == Some(Ended::Skipped) {
        s.push_str(", skipped");
    }
    if rec.paused_secs >= 1.0 {
        let _ = write!(s, ", {} paused", clock(rec.paused_secs));
    }
    s
}

fn bar(score: f64, cells: usize, full: char, empty: char) -> String {
    let filled = ((score.clamp(0.0, 100.0) / 100.0) * cells as f64).round() as usize;
    let mut s = String::with_capacity(cells * 3);
    s.extend(std::iter::repeat_n(full, filled));
    s.extend(std::iter::repeat_n(empty, cells - filled));
    s
}

fn headline(card: &Scorecard) -> String {
    format!("{:.1}/100 · {} · level {}", card.score, card.verdict, card.level)
}

fn grader_line(card: &Scorecard) -> String {
    let mut s = format!("graded by {}", card.grader);
    if let Some(m) = &card.model {
        let _ = write!(s, " ({m})");
    }
    if card.rubric_version > 0 {
        let _ = write!(s, ", rubric v{}", card.rubric_version);
    }
    if let Some(at) = card.graded_at {
        let _ = write!(s, ", {}", at.format("%Y-%m-%d %H:%M UTC"));
    }
    s
}

fn hints_line(card: &Scorecard, transcript: Option<&Transcript>) -> Option<String> {
    let hints = transcript.map_or(card.hints_used, Transcript::hints_used).max(card.hints_used);
    (hints > 0).then(|| {
        let cost = crate::grade::verdict::hint_penalty(hints);
        let s = if hints == 1 { "" } else { "s" };
        format!("{hints} hint{s} used ({cost:.1} points off)")
    })
}

/// "Level senior: you earned 82% of the core items, 55% of the senior ones and 10% of the staff
/// ones (by weight)." What the level means, from the card's own credits.
fn level_line(card: &Scorecard, design: &Design) -> String {
    let mut share = [(0.0, 0.0); 3];
    for v in card.items() {
        if let Some(item) = design.item(&v.id) {
            let slot = &mut share[item.level as usize];
            slot.0 += f64::from(item.weight) * v.credit;
            slot.1 += f64::from(item.weight);
        }
    }
    let pct = |(got, of): (f64, f64)| (of > 0.0).then(|| format!("{:.0}%", got / of * 100.0));
    let parts: Vec<String> = ["core", "senior", "staff"]
        .iter()
        .zip(share)
        .filter_map(|(name, s)| pct(s).map(|p| format!("{p} of {name}")))
        .collect();
    let meaning = match card.level.as_str() {
        "staff" => "staff shows in core, senior and staff items alike",
        "senior" => "staff needs 70% of core and senior and 40% of staff",
        _ => "senior needs 60% of core and 50% of senior",
    };
    if parts.is_empty() {
        return format!("Level {} ({meaning}).", card.level);
    }
    format!("Level {}: you earned {} ({meaning}).", card.level, join_and(&parts))
}

fn join_and(parts: &[String]) -> String {
    match parts {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    }
}

/// Advice on time use: the phase that left most of its time unused, or ran furthest over.
fn time_advice(transcript: Option<&Transcript>) -> Option<String> {
    let t = transcript?;
    let short = t
        .phases
        .iter()
        .filter(|p| p.ended.is_some() && p.allowed_secs() >= 60.0 && p.used_secs < 0.25 * p.allowed_secs())
        .min_by(|a, b| (a.used_secs / a.allowed_secs()).total_cmp(&(b.used_secs / b.allowed_secs())));
    if let Some(p) = short {
        return Some(format!(
            "Use the time: {} used {} of {} — a real interviewer reads a rushed phase as a gap; say \
             what you would check, estimate or trade off before moving on.",
            p.phase.title(),
            clock(p.used_secs),
            clock(p.allowed_secs())
        ));
    }
    let over = t
        .phases
        .iter()
        .filter(|p| p.overtime_secs >= 60.0)
        .max_by(|a, b| a.overtime_secs.total_cmp(&b.overtime_secs));
    over.map(|p| {
        format!(
            "Keep to time: {} ran {} over its {} — overtime comes out of the deep dive, where most \
             of the signal is.",
            p.phase.title(),
            clock(p.overtime_secs),
            clock(p.allowed_secs())
        )
    })
}

/// The three things to work on, short enough for one screen: what (its first sentence) and why,
/// with time use taking the third place when it matters.
fn work_on(card: &Scorecard, design: &Design, transcript: Option<&Transcript>) -> Vec<String> {
    let mut next: Vec<String> = card
        .next
        .iter()
        .take(3)
        .map(|n| {
            // "text — why": split after the item's own text, which may hold a dash of its own.
            let item = design.rubric.items.iter().find(|i| n.starts_with(i.text.trim()));
            let split = match item {
                Some(i) => n[i.text.trim().len()..].strip_prefix(" — ").map(|why| (i.text.trim(), why)),
                None => n.split_once(" — "),
            };
            match split {
                Some((what, why)) => format!("{} Why: {}", short(what, 90), short(why, 150)),
                None => short(n, 200),
            }
        })
        .collect();
    if let Some(time) = time_advice(transcript) {
        next.truncate(2);
        next.push(time);
    }
    next
}

/// The first sentence of `text`, cut at a word boundary to `max` characters (`…` marks the cut).
fn short(text: &str, max: usize) -> String {
    let text = text.trim();
    let first = text.find(". ").map_or(text, |i| &text[..=i]);
    if first.chars().count() <= max {
        return first.to_string();
    }
    // A whole clause reads better than a cut one: end at the last `:`, `;` or ` — ` that fits.
    let fits = first.char_indices().nth(max).map_or(first.len(), |(i, _)| i);
    let balanced = |cut: usize| first[..cut].matches('(').count() == first[..cut].matches(')').count();
    let cut = [": ", "; ", " — "]
        .iter()
        .flat_map(|sep| first[..fits].match_indices(sep).map(|(i, _)| i))
        .filter(|&i| i > max / 2 && balanced(i))
        .max();
    if let Some(cut) = cut {
        return format!("{}.", first[..cut].trim_end_matches(['.', ',', ';', ':']));
    }
    let mut out = String::new();
    for word in first.split_whitespace() {
        if out.chars().count() + word.chars().count() + 1 > max.saturating_sub(1) {
            break;
        }
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
    }
    out.trim_end_matches([',', ';', ':']).to_string() + "…"
}

/// "Requirement change: Retention — handled, because …" for a session's curveball.
fn curveball_line(transcript: Option<&Transcript>) -> Option<(String, Option<String>)> {
    let g = transcript?.curveball_grade.as_ref()?;
    let how = if g.handled { "handled" } else { "missed" };
    Some((format!("Requirement change: {} — {how}, because {}.", g.title, g.because), g.evidence.clone()))
}

/// The Markdown scorecard (`review --format md`): the summary, then the item detail.
pub fn render_markdown(card: &Scorecard, design: &Design, transcript: Option<&Transcript>) -> String {
    format!("{}{}", summary_markdown(card, design, transcript), detail_markdown(card, design))
}

fn summary_markdown(card: &Scorecard, design: &Design, transcript: Option<&Transcript>) -> String {
    let mut md = String::new();
    let _ = writeln!(md, "# Scorecard: {}\n", design.title());
    let _ = writeln!(md, "**{}** · {}\n", headline(card), grader_line(card));
    let _ = writeln!(md, "{}\n", level_line(card, design));
    for w in &card.warnings {
        let _ = writeln!(md, "> ⚠ {w}");
    }
    if !card.warnings.is_empty() {
        md.push('\n');
    }
    let timed = transcript.is_some();
    md.push_str(if timed {
        "| Phase | Score | | Time |\n|:-|-:|:-|:-|\n"
    } else {
        "| Phase | Score | |\n|:-|-:|:-|\n"
    });
    for p in &card.phases {
        let _ = write!(md, "| {} | {:.1} | {} |", p.phase.title(), p.score, bar(p.score, 10, '█', '░'));
        if let Some(rec) = transcript.and_then(|t| t.phase(p.phase)) {
            let _ = write!(md, " {} |", time_used(rec));
        } else if timed {
            md.push_str(" |");
        }
        md.push('\n');
    }
    md.push('\n');
    if let Some(h) = hints_line(card, transcript) {
        let _ = writeln!(md, "{h}\n");
    }
    if let Some((line, evidence)) = curveball_line(transcript) {
        let _ = writeln!(md, "{line}");
        if let Some(e) = evidence {
            let _ = writeln!(md, "> “{}”", e.trim());
        }
        md.push('\n');
    }
    let next = work_on(card, design, transcript);
    if !next.is_empty() {
        md.push_str("## Work on next\n\n");
        for (i, n) in next.iter().enumerate() {
            let _ = writeln!(md, "{}. {n}", i + 1);
        }
        md.push('\n');
    }
    md
}

fn detail_markdown(card: &Scorecard, design: &Design) -> String {
    let mut md = String::new();
    let mut quoted = Quoted::new();
    for p in &card.phases {
        let _ = writeln!(md, "## {} · {:.1}\n", p.phase.title(), p.score);
        for v in &p.items {
            let item = design.item(&v.id);
            let text = item.map_or(v.id.as_str(), |i| i.text.trim());
            match mark(v) {
                Mark::Covered => {
                    let _ = writeln!(md, "* ✓ {text}");
                    if let Some(e) = &v.evidence {
                        let _ = writeln!(md, "> {}", quote_once(&mut quoted, e, text));
                    }
                }
                Mark::Bare => {
                    let why = partial_label(v);
                    let _ = writeln!(md, "* ◐ *{why} ({:.0}% credit):* {text}", v.credit * 100.0);
                    if let Some(c) = v.comment.as_deref().filter(|_| !v.named) {
                        let _ = writeln!(md, "> {}", c.trim());
                    }
                    if let Some(e) = &v.evidence {
                        let _ = writeln!(md, "> {}", quote_once(&mut quoted, e, text));
                    }
                    if let Some(i) = item {
                        let _ = writeln!(md, "> *Why it matters:* {}", i.why.trim());
                    }
                }
                Mark::Missed => {
                    let _ = writeln!(md, "* ✗ {text}");
                    if let Some(i) = item {
                        let _ = writeln!(md, "> *Why it matters:* {}", i.why.trim());
                        let _ = writeln!(md, "> *Probe:* {}", i.probe.trim());
                    }
                }
            }
            if let Some(c) = v.comment.as_deref().filter(|_| mark(v) != Mark::Bare || v.named) {
                let _ = writeln!(md, "> *Note:* {}", c.trim());
            }
        }
        md.push('\n');
    }
    if let Some(f) = &card.feedback {
        let _ = writeln!(md, "## Feedback\n\n{}\n", f.trim());
    }
    md
}

/// Wrap `text` to `width`, the first line after `first`, the rest after `rest` (both indents).
fn wrap_into(out: &mut String, text: &str, width: usize, first: &str, rest: &str) {
    let mut line = String::from(first);
    let mut empty = true;
    for word in text.split_whitespace() {
        let len = line.chars().count();
        if !empty && len + 1 + word.chars().count() > width {
            out.push_str(line.trim_end());
            out.push('\n');
            line = String::from(rest);
            empty = true;
        }
        if !empty {
            line.push(' ');
        }
        line.push_str(word);
        empty = false;
    }
    out.push_str(line.trim_end());
    out.push('\n');
}

fn plain_summary(card: &Scorecard, design: &Design, transcript: Option<&Transcript>, width: usize) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "Scorecard: {} ({})", design.title(), grader_line(card));
    let _ = writeln!(out, "Score {}", headline(card));
    wrap_into(&mut out, &level_line(card, design), width, "", "  ");
    out.push('\n');
    for w in &card.warnings {
        wrap_into(&mut out, w, width, "! ", "  ");
    }
    if !card.warnings.is_empty() {
        out.push('\n');
    }
    out.push_str("Phases\n");
    for p in &card.phases {
        let _ = write!(out, "  {:<18} {:>5.1}  [{}]", p.phase.title(), p.score, bar(p.score, 20, '#', '-'));
        if let Some(rec) = transcript.and_then(|t| t.phase(p.phase)) {
            let _ = write!(out, "  {}", time_used(rec));
        }
        out.push('\n');
    }
    if let Some(h) = hints_line(card, transcript) {
        let _ = writeln!(out, "  {h}");
    }
    if let Some((line, evidence)) = curveball_line(transcript) {
        out.push('\n');
        wrap_into(&mut out, &line, width, "", "  ");
        if let Some(e) = evidence {
            wrap_into(&mut out, &format!("\"{}\"", e.trim()), width, "  ", "   ");
        }
    }
    let next = work_on(card, design, transcript);
    if !next.is_empty() {
        out.push_str("\nWork on next\n");
        for (i, n) in next.iter().enumerate() {
            wrap_into(&mut out, n, width, &format!("  {}. ", i + 1), "     ");
        }
    }
    out
}

/// Evidence already quoted, with the start of the item it was first quoted for.
type Quoted = std::collections::HashMap<String, String>;

/// A quote the first time a sentence is evidence; after that, a pointer to the item it was quoted
/// for (one sentence may back a few items, and no line of a scorecard is printed twice).
fn quote_once(quoted: &mut Quoted, evidence: &str, item_text: &str) -> String {
    let e = evidence.trim();
    if let Some(first) = quoted.get(e) {
        return format!("(the sentence quoted above for “{first}”)");
    }
    quoted.insert(e.to_string(), short(item_text, 60));
    format!("“{e}”")
}

fn plain_detail(card: &Scorecard, design: &Design, width: usize) -> String {
    let mut out = String::new();
    let mut quoted = Quoted::new();
    for p in &card.phases {
        let _ = writeln!(out, "\n{} ({:.1})", p.phase.title(), p.score);
        for v in &p.items {
            let item: Option<&Item> = design.item(&v.id);
            let text = item.map_or(v.id.as_str(), |i| i.text.trim());
            match mark(v) {
                Mark::Covered => {
                    wrap_into(&mut out, text, width, "  [x] ", "      ");
                    if let Some(e) = &v.evidence {
                        wrap_into(&mut out, &quote_once(&mut quoted, e, text), width, "      ", "       ");
                    }
                }
                Mark::Bare => {
                    let why = partial_label(v);
                    let t = format!("{why} ({:.0}% credit): {text}", v.credit * 100.0);
                    wrap_into(&mut out, &t, width, "  [~] ", "      ");
                    if let Some(c) = v.comment.as_deref().filter(|_| !v.named) {
                        wrap_into(&mut out, c.trim(), width, "      ", "      ");
                    }
                    if let Some(e) = &v.evidence {
                        wrap_into(&mut out, &quote_once(&mut quoted, e, text), width, "      ", "       ");
                    }
                    if let Some(i) = item {
                        wrap_into(&mut out, i.why.trim(), width, "      why: ", "           ");
                    }
                }
                Mark::Missed => {
                    wrap_into(&mut out, text, width, "  [ ] ", "      ");
                    if let Some(i) = item {
                        wrap_into(&mut out, i.why.trim(), width, "      why: ", "           ");
                        wrap_into(&mut out, i.probe.trim(), width, "      probe: ", "             ");
                    }
                }
            }
            if let Some(c) = v.comment.as_deref().filter(|_| mark(v) != Mark::Bare || v.named) {
                wrap_into(&mut out, c.trim(), width, "      note: ", "            ");
            }
        }
    }
    if let Some(f) = &card.feedback {
        out.push_str("\nFeedback\n");
        wrap_into(&mut out, f.trim(), width, "  ", "  ");
    }
    out
}

/// A saved session as Markdown: prompts, answers, clarifying questions, follow-ups, the curveball
/// and the answer to it, hints and timings, phase by phase.
pub fn transcript_markdown(t: &Transcript) -> String {
    let mut md = String::new();
    let _ = writeln!(md, "# {} · {}\n", t.design_title, t.id);
    let status = match t.status {
        crate::model::Status::Finished => "finished",
        crate::model::Status::InProgress => "in progress",
        crate::model::Status::Quit => "left early",
    };
    let _ = writeln!(
        md,
        "Started {} · {} minutes · {status}{}{}\n",
        t.started_at.format("%Y-%m-%d %H:%M UTC"),
        trim_minutes(t.minutes),
        if t.self_score { " · self-scored" } else { "" },
        if t.soft_timer { " · soft timer" } else { "" },
    );
    for phase in Phase::ALL {
        let Some(rec) = t.phase(phase) else { continue };
        let _ = writeln!(md, "## {} · {}\n", phase.title(), time_used(rec));
        for line in rec.prompt.trim().lines() {
            let _ = writeln!(md, "> {line}");
        }
        md.push('\n');
        for q in &rec.questions {
            let _ = writeln!(md, "**You asked:** {}  ", q.question.trim());
            let _ = writeln!(md, "**Interviewer:** {}\n", q.answer.trim());
        }
        if rec.answer.trim().is_empty() {
            md.push_str("*(no answer)*\n\n");
        } else {
            let _ = writeln!(md, "{}\n", rec.answer.trim());
        }
        // In the order they were said: the curveball arrives before /next asks a follow-up.
        if let Some(c) = &rec.curveball {
            let _ = writeln!(md, "**Curveball** at {}: {}\n", clock(c.at_secs), c.text.trim());
            if c.answer.trim().is_empty() {
                md.push_str("*(no answer)*\n\n");
            } else {
                let _ = writeln!(md, "{}\n", c.answer.trim());
            }
        }
        for f in &rec.followups {
            let _ = writeln!(md, "**Follow-up:** {}\n", f.question.trim());
            if f.answer.trim().is_empty() {
                md.push_str("*(no answer)*\n\n");
            } else {
                let _ = writeln!(md, "{}\n", f.answer.trim());
            }
        }
        if !rec.hints.is_empty() {
            md.push_str("**Hints shown:**\n");
            for h in &rec.hints {
                let _ = writeln!(md, "- {}", h.trim());
            }
            md.push('\n');
        }
    }
    md
}

fn trim_minutes(m: f64) -> String {
    if (m - m.round()).abs() < 1e-9 { format!("{m:.0}") } else { format!("{m:.1}") }
}

/// The calibration between a self score and the rubric grader's, as text (or Markdown styled by
/// termimad when `opts.color`).
pub fn render_calibration(
    design: &Design,
    yours: &Scorecard,
    grader: &Scorecard,
    cal: &Calibration,
    opts: RenderOpts,
) -> String {
    let mut md = String::new();
    let _ = writeln!(md, "Your score: {}", headline(yours));
    let _ = writeln!(md, "Rubric grader: {}", headline(grader));
    if cal.items.is_empty() {
        md.push_str("No item was ticked either way, so there is nothing to compare.\n");
        return finish(&md, opts);
    }
    let _ = writeln!(
        md,
        "You and the grader agree on {:.1}% of the {} items you ticked or left.\n",
        cal.agreement,
        cal.items.len()
    );
    md.push_str("By category:\n");
    for c in &cal.categories {
        let _ = writeln!(
            md,
            "- {}: {} (agree {}, over-confident {}, under-confident {})",
            c.category,
            c.leaning(),
            c.agree,
            c.over,
            c.under
        );
    }
    let over: Vec<_> = cal.items.iter().filter(|c| c.yours && !c.grader).collect();
    let under: Vec<_> = cal.items.iter().filter(|c| !c.yours && c.grader).collect();
    let text = |id: &str| design.item(id).map_or_else(|| id.to_string(), |i| i.text.trim().to_string());
    if !over.is_empty() {
        md.push_str("\nYou ticked, the grader found no evidence:\n");
        for c in over {
            let _ = writeln!(md, "- {}", text(&c.id));
        }
    }
    if !under.is_empty() {
        md.push_str("\nThe grader found, you did not tick:\n");
        for c in under {
            let _ = writeln!(md, "- {}", text(&c.id));
        }
    }
    finish(&md, opts)
}

fn finish(md: &str, opts: RenderOpts) -> String {
    if opts.color {
        styled(md, opts.width)
    } else {
        let mut out = String::new();
        for line in md.lines() {
            if let Some(rest) = line.strip_prefix("- ") {
                wrap_into(&mut out, rest, opts.width.max(40), "  - ", "    ");
            } else if line.is_empty() {
                out.push('\n');
            } else {
                wrap_into(&mut out, line, opts.width.max(40), "", "  ");
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::Catalog;
    use crate::grade::rubric::RubricGrader;
    use crate::grade::{Answers, Grader};

    fn design() -> Design {
        Catalog::builtin().find("whatsapp").expect("built-in whatsapp").clone()
    }

    fn card(design: &Design, md: &str) -> Scorecard {
        RubricGrader.grade(design, &Answers::from_markdown(md))
    }

    #[test]
    fn a_part_credit_note_is_printed_once() {
        let d = design();
        let c = card(
            &d,
            "## Requirements\nWe order messages by their server timestamp.\n\nPeak messages per second are about 700000.\n",
        );
        let partial = c.items().find(|v| !v.named && v.credit > 0.0 && v.credit < 1.0 && v.comment.is_some());
        let note = partial.and_then(|v| v.comment.clone()).expect("a part-credit item with a note");
        let first_words: String = note.chars().take(30).collect();
        for out in [render(&c, &d, None, RenderOpts::plain(100)), render_markdown(&c, &d, None)] {
            assert_eq!(out.matches(first_words.as_str()).count(), 1, "{first_words}\n{out}");
        }
    }

    #[test]
    fn plain_shows_bars_marks_evidence_and_probes() {
        let d = design();
        let first = &d.rubric.items[0];
        let md = format!(
            "## Requirements\nWe must support {}: {} It matters because {}\n",
            first.concepts[0], first.text, first.why
        );
        let c = card(&d, &md);
        let out = render(&c, &d, None, RenderOpts::plain(100));
        assert!(out.contains("[x] "), "{out}");
        assert!(out.contains("“We must support"), "the quote: {out}");
        assert!(out.contains("[ ] "), "{out}");
        assert!(out.contains("probe: "), "{out}");
        let row = out.lines().find(|l| l.trim_start().starts_with("Requirements ")).expect("a phase row");
        assert!(row.contains("[#") && row.ends_with("-]"), "a partly filled bar: {row}");
        assert!(out.contains("Work on next"), "{out}");
        assert!(!out.contains('\u{1b}'), "no escape codes in plain output");
        assert!(out.lines().all(|l| l.chars().count() <= 100), "{out}");
    }

    #[test]
    fn colour_goes_through_termimad_and_keeps_the_content() {
        let d = design();
        let c = card(
            &d,
            "## Deep dive\nOffline phones get their inbox when they reconnect, with an ack per message.",
        );
        let out = render(&c, &d, None, RenderOpts { width: 90, color: true });
        assert!(out.contains('\u{1b}'), "styled output: {out}");
        assert!(out.contains("Scorecard: WhatsApp"), "{out}");
        assert!(out.contains("Deep dive"), "{out}");
    }

    #[test]
    fn whole_answers_and_bare_lists_show_their_warnings() {
        let d = design();
        let concepts: Vec<&str> = d.rubric.items.iter().map(|i| i.concepts[0].as_str()).collect();
        let c = card(&d, &concepts.join(", "));
        let out = render(&c, &d, None, RenderOpts::plain(80));
        assert!(out.contains("graded as a whole"), "{out}");
        assert!(out.contains("[~] "), "{out}");
        let md = render_markdown(&c, &d, None);
        assert!(md.contains("> ⚠"), "{md}");
        assert!(md.contains("| Requirements |"), "{md}");
    }
}

#[cfg(test)]
mod review_tests {
    use super::*;
    use crate::catalog::Catalog;
    use crate::model::{CurveballRecord, FollowUp};

    #[test]
    fn review_shows_the_curveball_before_the_follow_up_that_came_after_it() {
        let d = Catalog::builtin().find("whatsapp").unwrap().clone();
        let mut t = Transcript::begin(&d, "t".into(), chrono::DateTime::UNIX_EPOCH, 45.0);
        let dd = t.phase_mut(Phase::DeepDive).unwrap();
        dd.answer = "Inbox per user.".into();
        dd.curveball = Some(CurveballRecord {
            id: "c".into(),
            text: "Keep chats for 7 years.".into(),
            at_secs: 300.0,
            answer: "Cold storage.".into(),
        });
        dd.followups.push(FollowUp {
            item: None,
            question: "How do acks work?".into(),
            answer: "Per device.".into(),
        });
        let md = transcript_markdown(&t);
        let order: Vec<usize> =
            ["Inbox per user.", "**Curveball**", "Cold storage.", "**Follow-up:**", "Per device."]
                .iter()
                .map(|s| md.find(s).unwrap_or_else(|| panic!("{s} missing:\n{md}")))
                .collect();
        assert!(order.windows(2).all(|w| w[0] < w[1]), "{md}");
    }
}

#[cfg(test)]
mod summary_tests {
    use super::*;
    use crate::catalog::Catalog;
    use crate::grade::rubric::RubricGrader;
    use crate::grade::{Answers, Grader};

    fn session() -> (Design, Transcript, Scorecard) {
        let d = Catalog::builtin().find("whatsapp").unwrap().clone();
        let mut t = Transcript::begin(&d, "t".into(), chrono::DateTime::UNIX_EPOCH, 45.0);
        let texts = [
            "Users chat one to one and in groups with read receipts. At peak 2M messages per second.",
            "Each phone keeps a persistent connection to a chat server so we push messages.",
            "Messages for an offline phone wait in its inbox and are sent when it reconnects.",
            "We keep per-conversation ordering with a sequence number instead of a global order.",
        ];
        for (p, text) in t.phases.iter_mut().zip(texts) {
            p.answer = text.into();
            p.used_secs = p.budget_secs;
            p.ended = Some(Ended::TimeUp);
        }
        t.phases[1].used_secs = 12.0;
        t.phases[1].ended = Some(Ended::Submitted);
        let card = RubricGrader.grade(&d, &t.answers());
        (d, t, card)
    }

    #[test]
    fn the_summary_fits_one_screen_explains_the_level_and_speaks_about_time_use() {
        let (d, t, card) = session();
        let out = render_summary(&card, &d, Some(&t), RenderOpts::plain(100));
        assert!(out.lines().count() <= 24, "one screen:\n{out}");
        assert!(out.contains(&format!("Level {}:", card.level)), "{out}");
        assert!(out.contains("% of core"), "{out}");
        assert!(out.contains("High-level design used 0:12 of 12:00"), "{out}");
        assert!(out.contains("Work on next"), "{out}");
        assert!(!out.contains("[x] "), "the item detail is not in the summary:\n{out}");
        assert!(out.lines().all(|l| l.chars().count() <= 100));
    }

    #[test]
    fn no_line_of_the_scorecard_is_printed_twice() {
        let (d, t, card) = session();
        let out = render(&card, &d, Some(&t), RenderOpts::plain(100));
        let mut seen = std::collections::HashSet::new();
        for line in out.lines().map(str::trim).filter(|l| l.len() > 3) {
            assert!(seen.insert(line), "printed twice: {line}\n{out}");
        }
        let summary_at = out.find("Work on next").unwrap();
        let detail_at = out.find("[x] ").unwrap();
        assert!(summary_at < detail_at, "summary first, then the item detail");
    }

    #[test]
    fn the_plain_scorecard_has_one_blank_line_between_the_summary_and_the_detail() {
        let (d, t, card) = session();
        let out = render(&card, &d, Some(&t), RenderOpts::plain(100));
        assert!(!out.contains("\n\n\n"), "two blank lines in a row:\n{out}");
    }

    #[test]
    fn a_sentence_quoted_again_points_to_the_item_it_was_quoted_for_not_to_its_own_id() {
        let (d, _, mut card) = session();
        let sentence = "One sentence that backs two items.";
        let ids: Vec<String> = card.phases[0].items[..2].iter().map(|v| v.id.clone()).collect();
        for v in &mut card.phases[0].items[..2] {
            v.covered = true;
            v.named = false;
            v.credit = 1.0;
            v.evidence = Some(sentence.into());
        }
        let first = d.item(&ids[0]).unwrap().text.trim();
        let start: String = first.chars().take(20).collect();
        let plain = render(&card, &d, None, RenderOpts::plain(100));
        let markdown = render_markdown(&card, &d, None);
        for out in [plain, markdown] {
            assert_eq!(out.matches(sentence).count(), 1, "quoted once:\n{out}");
            let pointer = out.lines().find(|l| l.contains("quoted above")).expect("a pointer");
            assert!(pointer.contains(&start), "names the first item: {pointer}");
            assert!(!ids.iter().any(|id| out.contains(id.as_str())), "no item ids:\n{out}");
        }
    }

    #[test]
    fn an_empty_or_skipped_session_says_so_in_one_line() {
        let d = Catalog::builtin().find("whatsapp").unwrap().clone();
        let mut t = Transcript::begin(&d, "t".into(), chrono::DateTime::UNIX_EPOCH, 45.0);
        for p in &mut t.phases {
            p.ended = Some(Ended::Skipped);
        }
        let line = nothing_to_grade(&t).expect("nothing to grade");
        assert_eq!(line, "Every phase was skipped in this WhatsApp session, so there is nothing to grade.");
        t.phases[0].answer = "Group chat.".into();
        assert!(nothing_to_grade(&t).is_none());
        let _ = RubricGrader.grade(&d, &Answers::default());
    }
}
