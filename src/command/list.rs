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
    let width = ctx.output.width();
    // The summary wraps in its own column when there is room for one, else under the row.
    let lead = id_w + 2 + title_w + 2 + 7 + 2;
    let mut out = String::new();
    for d in &designs {
        let row = format!("{:<id_w$}  {:<title_w$}  {:>3.0} min", d.id, d.title, d.minutes);
        match width {
            None => {
                let _ = writeln!(out, "{row}  {}", d.summary);
            }
            Some(w) if w >= lead + 24 => {
                let column = wrap_words(&d.summary, w - lead);
                for (i, part) in column.iter().enumerate() {
                    if i == 0 {
                        let _ = writeln!(out, "{row}  {part}");
                    } else {
                        let _ = writeln!(out, "{:lead$}{part}", "");
                    }
                }
            }
            Some(w) => {
                let _ = writeln!(out, "{row}");
                for part in wrap_words(&d.summary, w.saturating_sub(4).max(16)) {
                    let _ = writeln!(out, "    {part}");
                }
            }
        }
    }
    let _ = writeln!(
        out,
        "\nStart one with `mockdesign <id>`, e.g. `mockdesign {}`.",
        designs.first().map_or("whatsapp", |d| d.id.as_str())
    );
    super::print(&ctx.output.fit(&out))?;
    Ok(ExitCode::SUCCESS)
}

/// `text` in rows of at most `width` characters, broken between words.
fn wrap_words(text: &str, width: usize) -> Vec<String> {
    let mut rows = vec![String::new()];
    for word in text.split_whitespace() {
        let row = rows.last_mut().expect("one row");
        if !row.is_empty() && row.chars().count() + 1 + word.chars().count() > width {
            rows.push(word.to_string());
        } else {
            if !row.is_empty() {
                row.push(' ');
            }
            row.push_str(word);
        }
    }
    rows
}
