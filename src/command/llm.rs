//! `mockdesign llm check`: the configured LLM backend, whether a key is set (never the key), the
//! server's models, and one tiny grading request with its latency. Exit 0 when the grader can use
//! the backend; otherwise exit 1 with one line saying what failed and what to do (exit 2 for
//! settings that cannot work at all, as for every command).

use std::fmt::Write as _;
use std::process::ExitCode;

use anyhow::{Result, anyhow};

use super::Ctx;
use crate::cli::LlmArgs;
use crate::grade::llm::check::{self, Report};
use crate::grade::llm::{LlmSettings, OutputMode};

pub fn check(ctx: &Ctx, llm: &LlmArgs) -> Result<ExitCode> {
    let settings = super::grading::llm_settings(ctx, llm)?;
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build()?;
    super::print(&header(&settings))?;
    let report = runtime.block_on(check::check(&settings));
    super::print(&render(&report, &settings))?;
    match &report.request {
        Ok(_) => Ok(ExitCode::SUCCESS),
        Err(f) => Err(anyhow!("{}", check::advice(f, &settings))),
    }
}

/// The settings as checked: backend, base URL, model, key (set or not, and from where).
fn header(s: &LlmSettings) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "backend   {}", s.backend.id());
    let _ = writeln!(out, "base URL  {}", s.base_url);
    let _ = writeln!(out, "model     {}", s.model.as_deref().unwrap_or("(none)"));
    let key = match &s.key {
        Some(k) => format!("set (from {})", k.from),
        None if s.is_loopback() => "not set (a server on this machine usually needs none)".to_string(),
        None => "not set".to_string(),
    };
    let _ = writeln!(out, "key       {key}");
    let _ = writeln!(out, "timeout   {:.0} s per request", s.timeout.as_secs_f64());
    out
}

fn render(report: &Report, s: &LlmSettings) -> String {
    let mut out = String::new();
    match &report.models {
        None => {}
        Some(Ok(ids)) if ids.is_empty() => {
            let _ = writeln!(out, "models    none listed");
        }
        Some(Ok(ids)) => {
            let listed = s.model.as_deref().is_some_and(|m| ids.iter().any(|id| id == m));
            let shown: Vec<&str> = ids.iter().take(12).map(String::as_str).collect();
            let more = if ids.len() > 12 { format!(" … ({} in all)", ids.len()) } else { String::new() };
            let _ = writeln!(out, "models    {}{more}", shown.join(", "));
            if !listed {
                let _ = writeln!(
                    out,
                    "          (the model '{}' is not in this list; some servers accept any name)",
                    s.model.as_deref().unwrap_or_default()
                );
            }
        }
        Some(Err(f)) => {
            let _ = writeln!(out, "models    no list ({f})");
        }
    }
    match &report.request {
        Ok((latency, mode)) => {
            let how = match mode {
                OutputMode::Schema => "structured output with a JSON schema",
                OutputMode::JsonObject => "JSON mode (the server refused a JSON schema)",
                OutputMode::PromptOnly => "plain text (the server refused JSON modes)",
            };
            let _ = writeln!(out, "request   ok in {:.1} s, {how}", latency.as_secs_f64());
            let _ = writeln!(out, "The LLM grader can use this backend.");
        }
        Err(_) => {
            let _ = writeln!(out, "request   failed");
        }
    }
    out
}
