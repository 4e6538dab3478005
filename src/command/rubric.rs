//! `mockdesign rubric <DESIGN> [--json | --toml | --summary]`: print a design's rubric. It is a
//! spoiler, so only this command shows it whole. The default is a readable Markdown rendering;
//! `--json` is the stable shape scripts rely on (PRODUCT.md); `--toml` parses back into an equal
//! rubric, a starting point for the user's own design; `--summary` (for one design, or every
//! design when none is named) is the rubric's shape without its text: items per phase and level,
//! each phase's share of the weight against its share of the time, facts and curveballs.
//!
//! It only renders: it never changes a rubric or writes a file.

use std::fmt::Write as _;
use std::process::ExitCode;

use anyhow::Result;
use serde_json::{Value, json};

use super::Ctx;
use crate::catalog::{Design, Estimate, Item, Level, Phase, Rubric, Unit};

/// What `rubric` prints.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Markdown,
    Json,
    Toml,
    Summary,
}

impl Format {
    /// From the command line's flags (clap keeps them exclusive).
    pub fn from_flags(json: bool, toml: bool, summary: bool) -> Self {
        if summary {
            Format::Summary
        } else if json {
            Format::Json
        } else if toml {
            Format::Toml
        } else {
            Format::Markdown
        }
    }
}

pub fn run(ctx: &Ctx, design: Option<&str>, format: Format) -> Result<ExitCode> {
    let text = match (design, format) {
        (None, _) => summary_all(ctx.catalog.designs()),
        (Some(name), format) => {
            let design = ctx.design(name)?;
            match format {
                Format::Json => format!("{}\n", serde_json::to_string_pretty(&to_json(design))?),
                Format::Toml => to_toml(&design.rubric)?,
                Format::Summary => summary(design),
                Format::Markdown if ctx.output.color => {
                    // Markdown rendered to the terminal's width.
                    crate::terminal::scorecard::styled(&to_markdown(design), ctx.output.render_opts().width)
                }
                Format::Markdown => ctx.output.fit(&to_markdown(design)),
            }
        }
    };
    super::print(&text)?;
    Ok(ExitCode::SUCCESS)
}

/// Each phase's weight, per-level item counts and share of the whole: the numbers `--summary`
/// prints.
struct Shape {
    weight: [u32; 4],
    items: [[usize; 3]; 4],
    total: u32,
}

impl Shape {
    fn of(design: &Design) -> Self {
        let mut shape = Shape { weight: [0; 4], items: [[0; 3]; 4], total: 0 };
        for item in &design.rubric.items {
            let p = item.phase.index();
            shape.weight[p] += item.weight;
            shape.items[p][item.level as usize] += 1;
            shape.total += item.weight;
        }
        shape
    }
    fn weight_share(&self, phase: Phase) -> f64 {
        f64::from(self.weight[phase.index()]) / f64::from(self.total.max(1)) * 100.0
    }
}

fn time_share(rubric: &Rubric, phase: Phase) -> f64 {
    rubric.budget.minutes(phase) / rubric.minutes().max(f64::EPSILON) * 100.0
}

/// One design's shape: a table of phases, then its facts and curveballs by id.
pub fn summary(design: &Design) -> String {
    let r = &design.rubric;
    let shape = Shape::of(design);
    let mut out = String::new();
    let _ = writeln!(
        out,
        "## {} (`{}`) — {} items, weight {}, {} facts, {} curveballs\n",
        r.title,
        r.id,
        r.items.len(),
        shape.total,
        r.facts.len(),
        r.curveballs.len()
    );
    let _ = writeln!(
        out,
        "| phase | minutes | share of time | items (core/senior/staff) | weight | share of weight |"
    );
    let _ = writeln!(out, "|---|---:|---:|---|---:|---:|");
    for phase in Phase::ALL {
        let p = phase.index();
        let [core, senior, staff] = shape.items[p];
        let _ = writeln!(
            out,
            "| {} | {} | {:.0}% | {} ({core}/{senior}/{staff}) | {} | {:.0}% |",
            phase.title(),
            fmt_num(r.budget.minutes(phase)),
            time_share(r, phase),
            core + senior + staff,
            shape.weight[p],
            shape.weight_share(phase),
        );
    }
    let facts: Vec<&str> = r.facts.iter().map(|f| f.id.as_str()).collect();
    let _ = writeln!(out, "\nFacts: {}", if facts.is_empty() { "none".into() } else { facts.join(", ") });
    let curveballs: Vec<String> = r
        .curveballs
        .iter()
        .map(|c| format!("{} ({})", c.id, c.level.unwrap_or(Level::Senior).id()))
        .collect();
    let _ = writeln!(
        out,
        "Curveballs: {}",
        if curveballs.is_empty() { "none".into() } else { curveballs.join(", ") }
    );
    out
}

/// Every design: one overview table (share of weight per phase against share of time, staff
/// items, facts, curveballs), then each design's own summary.
pub fn summary_all(designs: &[Design]) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "# Rubrics at a glance\n");
    let _ = writeln!(
        out,
        "Share of weight per phase (requirements / high-level / deep dive / trade-offs) against the \
         share of time (default 8/12/15/10 minutes = 18/27/33/22%).\n"
    );
    let _ = writeln!(
        out,
        "| design | items | weight | req | hld | dd | to | staff items (in deep dive) | facts | curveballs (staff) |"
    );
    let _ = writeln!(out, "|---|---:|---:|---:|---:|---:|---:|---|---:|---|");
    for design in designs {
        let r = &design.rubric;
        let shape = Shape::of(design);
        let pct = |p: Phase| format!("{:.0}%", shape.weight_share(p));
        let staff: usize = shape.items.iter().map(|l| l[2]).sum();
        let staff_dd = shape.items[Phase::DeepDive.index()][2];
        let staff_cb = r.curveballs.iter().filter(|c| c.level == Some(Level::Staff)).count();
        let _ = writeln!(
            out,
            "| `{}` | {} | {} | {} | {} | {} | {} | {staff} ({staff_dd}) | {} | {} ({staff_cb}) |",
            r.id,
            r.items.len(),
            shape.total,
            pct(Phase::Requirements),
            pct(Phase::HighLevel),
            pct(Phase::DeepDive),
            pct(Phase::TradeOffs),
            r.facts.len(),
            r.curveballs.len(),
        );
    }
    for design in designs {
        out.push('\n');
        out.push_str(&summary(design));
    }
    out
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
            for p in &item.pitfalls {
                let _ = writeln!(out, "  - pitfall ({}): {}", p.concepts.join(" · "), p.breaks.trim());
            }
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
            let _ = writeln!(out, "- **{}** [{}]: {}", c.id, c.level.unwrap_or(Level::Senior).id(), c.text);
            if let Some(why) = &c.why {
                let _ = writeln!(out, "  - why: {why}");
            }
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
    fn summary_counts_items_by_phase_and_level_and_weighs_phases_against_time() {
        let catalog = crate::catalog::Catalog::builtin();
        let design = catalog.find("whatsapp").unwrap();
        let text = summary(design);
        let items = design.rubric.items.len();
        assert!(text.contains(&format!("{items} items")), "{text}");
        // The requirements row: 8 of 45 minutes is 18% of the time.
        let req = text.lines().find(|l| l.starts_with("| Requirements |")).unwrap();
        assert!(req.contains("| 8 | 18% |"), "{req}");
        let staff = design.rubric.items.iter().filter(|i| i.level == Level::Staff).count();
        let listed: usize = text
            .lines()
            .filter(|l| l.starts_with("| ") && !l.starts_with("| phase"))
            .filter_map(|l| l.split('(').nth(1)?.split(')').next()?.rsplit('/').next()?.parse::<usize>().ok())
            .sum();
        assert_eq!(listed, staff, "{text}");
        assert!(text.contains("region-down (staff)"), "curveballs show their level: {text}");
        assert!(!text.contains(&design.rubric.items[0].text), "no spoilers");
        let all = summary_all(catalog.designs());
        assert!(catalog.designs().iter().all(|d| all.contains(&format!("| `{}` |", d.id()))), "{all}");
    }

    #[test]
    fn si_reads_like_speech() {
        assert_eq!(si(200_000.0), "200k");
        assert_eq!(si(1.5e12), "1.5T");
        assert_eq!(si(12.0), "12");
    }
}
