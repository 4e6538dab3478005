//! `mockdesign rubric <DESIGN> [--json | --toml]`: print a design's rubric. It is a spoiler, so
//! only this command shows it whole. The default is a readable Markdown rendering; `--json` is the
//! stable shape scripts rely on (PRODUCT.md); `--toml` parses back into an equal rubric, a starting
//! point for the user's own design.
//!
//! It only renders: it never changes a rubric or writes a file.

use std::fmt::Write as _;
use std::process::ExitCode;

use anyhow::Result;
use serde_json::{Value, json};

use super::Ctx;
use crate::catalog::{Design, Estimate, Item, Phase, Rubric, Unit};

pub fn run(ctx: &Ctx, design: &str, json: bool, toml: bool) -> Result<ExitCode> {
    let design = ctx.design(design)?;
    let text = if json {
        format!("{}\n", serde_json::to_string_pretty(&to_json(design))?)
    } else if toml {
        to_toml(&design.rubric)?
    } else if crate::terminal::style::color_stdout() {
        // Markdown rendered to the terminal's width.
        crate::terminal::scorecard::styled(&to_markdown(design), crate::terminal::style::width())
    } else {
        crate::terminal::style::fit_output(&to_markdown(design))
    };
    super::print(&text)?;
    Ok(ExitCode::SUCCESS)
}

/// The PRODUCT.md shape: `{"design":{…},"phases":[{"phase","items":[…]}],"facts":[…],"curveballs":[…]}`.
pub fn to_json(design: &Design) -> Value {
    let r = &design.rubric;
    let phases: Vec<Value> = Phase::ALL
        .iter()
        .map(|&phase| {
            let items: Vec<Value> = design.items(phase).map(item_json).collect();
            json!({ "phase": phase.id(), "items": items })
        })
        .collect();
    json!({
        "design": {
            "id": r.id,
            "title": r.title,
            "summary": r.summary,
            "version": r.version,
            "aliases": r.aliases,
            "minutes": r.minutes(),
            "budget": r.budget,
        },
        "phases": phases,
        "facts": r.facts,
        "curveballs": r.curveballs,
    })
}

fn item_json(item: &Item) -> Value {
    let mut v = json!({
        "id": item.id,
        "text": item.text,
        "why": item.why,
        "weight": item.weight,
        "level": item.level.id(),
        "category": item.category,
        "concepts": item.concepts,
        "probe": item.probe,
        "hint": item.hint,
    });
    if let (Some(e), Some(obj)) = (&item.estimate, v.as_object_mut()) {
        obj.insert("estimate".into(), json!(e));
    }
    v
}

/// TOML that `Rubric::parse` reads back into an equal rubric, with a header saying how to use it.
pub fn to_toml(rubric: &Rubric) -> Result<String> {
    let body = toml::to_string_pretty(rubric)?;
    Ok(format!(
        "# Rubric for '{id}', version {version}. To make your own design from it, save it as\n\
         # DATA/rubrics/<id>.toml with a prompt in DATA/prompts/<id>.md (same id: it replaces the\n\
         # built-in one), then check it with `mockdesign validate`.\n\n{body}",
        id = rubric.id,
        version = rubric.version,
    ))
}

/// A readable rendering: title, summary, budgets, the items of each phase, facts and curveballs.
pub fn to_markdown(design: &Design) -> String {
    let r = &design.rubric;
    let mut out = String::new();
    let _ = writeln!(out, "# {} — rubric (spoilers)\n", r.title);
    let _ = writeln!(out, "{}\n", r.summary);
    let aliases =
        if r.aliases.is_empty() { String::new() } else { format!(" · also: {}", r.aliases.join(", ")) };
    let _ = writeln!(out, "id `{}` · version {} · {} min{aliases}\n", r.id, r.version, fmt_num(r.minutes()));
    for phase in Phase::ALL {
        let items: Vec<&Item> = design.items(phase).collect();
        let weight: u32 = items.iter().map(|i| i.weight).sum();
        let _ = writeln!(
            out,
            "## {} — {} min, {} item{}, weight {weight}\n",
            phase.title(),
            fmt_num(r.budget.minutes(phase)),
            items.len(),
            if items.len() == 1 { "" } else { "s" },
        );
        for item in items {
            let _ = writeln!(
                out,
                "- **{}** [{}, weight {}, {}] {}",
                item.id,
                item.level.id(),
                item.weight,
                item.category,
                item.text
            );
            let _ = writeln!(out, "  - why: {}", item.why);
            if let Some(e) = &item.estimate {
                let _ = writeln!(out, "  - reference range: {}", fmt_range(e));
            }
            let _ = writeln!(out, "  - probe: {}", item.probe);
            let _ = writeln!(out, "  - hint: {}", item.hint);
            let _ = writeln!(out, "  - recognised by: {}", item.concepts.join(" · "));
        }
        out.push('\n');
    }
    if !r.facts.is_empty() {
        let _ = writeln!(out, "## Facts (answers to clarifying questions)\n");
        for f in &r.facts {
            let _ = writeln!(out, "- **{}** (asked as: {}): {}", f.id, f.triggers.join(", "), f.answer);
        }
        out.push('\n');
    }
    if !r.curveballs.is_empty() {
        let _ = writeln!(out, "## Curveballs\n");
        for c in &r.curveballs {
            let _ = writeln!(out, "- **{}**: {}", c.id, c.text);
            if !c.concepts.is_empty() {
                let _ = writeln!(out, "  - a good response covers: {}", c.concepts.join(" · "));
            }
        }
    }
    out
}

fn fmt_range(e: &Estimate) -> String {
    let unit = match e.unit {
        Unit::PerSecond => "/s",
        Unit::Bytes => " bytes",
        Unit::BytesPerSecond => " bytes/s",
        Unit::Count => "",
    };
    format!("{} – {}{unit}", si(e.min), si(e.max))
}

/// 2e5 → "200k", 1.5e12 → "1.5T": estimates read as people say them.
fn si(x: f64) -> String {
    const STEPS: [(f64, &str); 5] = [(1e15, "P"), (1e12, "T"), (1e9, "G"), (1e6, "M"), (1e3, "k")];
    for (scale, suffix) in STEPS {
        if x.abs() >= scale {
            return format!("{}{suffix}", fmt_num(x / scale));
        }
    }
    fmt_num(x)
}

fn fmt_num(x: f64) -> String {
    if (x - x.round()).abs() < 1e-9 { format!("{x:.0}") } else { format!("{x:.1}") }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn si_reads_like_speech() {
        assert_eq!(si(200_000.0), "200k");
        assert_eq!(si(1.5e12), "1.5T");
        assert_eq!(si(12.0), "12");
    }
}
