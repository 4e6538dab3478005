//! `mockdesign list [--json]`: id, title, one-line summary, default length. Reads only the
//! designs' headers, so it starts as fast as `--version`.

use std::fmt::Write as _;
use std::process::ExitCode;

use anyhow::Result;
use serde_json::json;

use super::Ctx;

pub fn run(ctx: &Ctx, json: bool) -> Result<ExitCode> {
    let designs: Vec<_> = ctx.catalog.headers().collect();
    if json {
        let list: Vec<_> = designs
            .iter()
            .map(|d| {
                json!({
                    "id": d.id,
                    "title": d.title,
                    "summary": d.summary,
                    "minutes": d.minutes,
                    "aliases": d.aliases,
                    "builtin": d.builtin,
                })
            })
            .collect();
        super::print(&format!("{}\n", serde_json::to_string_pretty(&list)?))?;
        return Ok(ExitCode::SUCCESS);
    }
    let id_w = designs.iter().map(|d| d.id.len()).max().unwrap_or(0);
    let title_w = designs.iter().map(|d| d.title.chars().count()).max().unwrap_or(0);
    let mut out = String::new();
    for d in &designs {
        let _ =
            writeln!(out, "{:<id_w$}  {:<title_w$}  {:>3.0} min  {}", d.id, d.title, d.minutes, d.summary);
    }
    let _ = writeln!(
        out,
        "\nStart one with `mockdesign <id>`, e.g. `mockdesign {}`.",
        designs.first().map_or("whatsapp", |d| d.id.as_str())
    );
    super::print(&out)?;
    Ok(ExitCode::SUCCESS)
}
