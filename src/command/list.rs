//! `mockdesign list [--json]`: id, title, one-line summary, default length.

use std::fmt::Write as _;
use std::process::ExitCode;

use anyhow::Result;
use serde_json::json;

use super::Ctx;

pub fn run(ctx: &Ctx, json: bool) -> Result<ExitCode> {
    let designs = ctx.catalog.designs();
    if json {
        let list: Vec<_> = designs
            .iter()
            .map(|d| {
                json!({
                    "id": d.id(),
                    "title": d.title(),
                    "summary": d.rubric.summary,
                    "minutes": d.rubric.minutes(),
                    "aliases": d.rubric.aliases,
                    "builtin": d.origin == crate::catalog::Origin::Builtin,
                })
            })
            .collect();
        super::print(&format!("{}\n", serde_json::to_string_pretty(&list)?))?;
        return Ok(ExitCode::SUCCESS);
    }
    let id_w = designs.iter().map(|d| d.id().len()).max().unwrap_or(0);
    let title_w = designs.iter().map(|d| d.title().len()).max().unwrap_or(0);
    let mut out = String::new();
    for d in designs {
        let _ = writeln!(
            out,
            "{:<id_w$}  {:<title_w$}  {:>3.0} min  {}",
            d.id(),
            d.title(),
            d.rubric.minutes(),
            d.rubric.summary
        );
    }
    let _ = writeln!(
        out,
        "\nStart one with `mockdesign <id>`, e.g. `mockdesign {}`.",
        designs.first().map_or("whatsapp", |d| d.id())
    );
    super::print(&out)?;
    Ok(ExitCode::SUCCESS)
}
