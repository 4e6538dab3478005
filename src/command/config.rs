//! `mockdesign config [--init | --show]`: `--init` writes a commented template to
//! DATA/config.toml and never overwrites an existing file; `--show` (the default) prints the
//! effective settings as TOML, each with where it came from, and the key only masked.
//! Never prints a key and never changes an existing config.toml.

use std::fmt::Write as _;
use std::io::Write as _;
use std::process::ExitCode;

use anyhow::{Context, Result};

use super::Ctx;
use crate::cli::LlmArgs;
use crate::config::keys_in_file;
use crate::error::UsageError;
use crate::grade::llm::settings::Sourced;

/// The commented template `config --init` writes. Every line is a comment, so it means the defaults.
pub const TEMPLATE: &str = r#"# mockdesign configuration. Every setting is optional: the values shown (commented out) are the
# defaults. Precedence: this file < environment variables (MOCKDESIGN_*) < command-line flags.
# `mockdesign config --show` prints the effective settings and where each one comes from.

[grader]
# Which grader scores answers: "rubric" (built in, offline, deterministic) or "llm".
# Env MOCKDESIGN_GRADER; flag --grader.
# kind = "rubric"

# The LLM backend: "openai" (OpenAI and compatible servers: Ollama, vLLM, llama.cpp's server,
# LM Studio, OpenRouter), "anthropic", or "http" (a grading service speaking mockdesign's protocol).
# Env MOCKDESIGN_BACKEND; flag --backend.
# backend = "openai"

# The model name, required for openai and anthropic. Env MOCKDESIGN_MODEL; flag --model.
# model = "gpt-4o-mini"

# The base URL. Defaults: https://api.openai.com/v1 (openai), https://api.anthropic.com (anthropic).
# Env MOCKDESIGN_BASE_URL; flag --base-url. Examples:
# base_url = "http://localhost:11434/v1"    # Ollama
# base_url = "http://localhost:8080/v1"     # llama.cpp's server

# Keys come from the environment, not from this file:
#   OPENAI_API_KEY     is sent only to https://api.openai.com
#   ANTHROPIC_API_KEY  is sent only to https://api.anthropic.com
#   MOCKDESIGN_API_KEY (or the variable named below) is sent to any other base_url.
# No key, no key header (local servers need none).
# api_key_env = "MY_GRADER_KEY"

# Seconds to wait for one reply (generous: a local model may still be loading), and to connect.
# Env MOCKDESIGN_TIMEOUT; flag --timeout.
# timeout_secs = 120.0                      # unset: 120, or 300 for a server on this machine
# connect_timeout_secs = 10.0

# Retries after a failed attempt (connection errors, 429, 5xx, 529), waiting backoff_secs, doubling
# up to max_wait_secs, with jitter. A Retry-After longer than max_wait_secs ends the retries.
# max_retries = 3
# backoff_secs = 0.5
# max_wait_secs = 30.0

# Phase requests sent at once.
# concurrency = 4

# Reuse the grade of an identical request, kept in the data folder's cache/ (flag --no-cache skips it).
# cache = true

# Reply length cap, for backends that require one (anthropic).
# max_tokens = 4096

[interviewer]
# Let the LLM write the interviewer's follow-up question after each phase
# (falls back to the rubric's probes).
# llm = false

[session]
# Default interview length in minutes (else the design's own, usually 45).
# minutes = 45.0
# Let phases run over their budget instead of ending them.
# soft_timer = false

[stats]
# Mock interviews a week you aim for.
# weekly_goal = 2
"#;

pub fn run(ctx: &Ctx, init: bool, _show: bool) -> Result<ExitCode> {
    if init {
        return write_template(ctx);
    }
    super::print(&show(ctx)?)?;
    Ok(ExitCode::SUCCESS)
}

fn write_template(ctx: &Ctx) -> Result<ExitCode> {
    let path = ctx.paths.config_file();
    std::fs::create_dir_all(ctx.paths.root())
        .with_context(|| format!("cannot create {}", ctx.paths.root().display()))?;
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut file = match options.open(&path) {
        Ok(f) => f,
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
            return Err(UsageError::new(format!("{} already exists; it was left as it is", path.display()))
                .with_hint("edit it, or move it away and run `mockdesign config --init` again")
                .into());
        }
        Err(e) => return Err(anyhow::Error::new(e).context(format!("cannot create {}", path.display()))),
    };
    file.write_all(TEMPLATE.as_bytes()).with_context(|| format!("cannot write {}", path.display()))?;
    super::print(&format!("wrote {}\n", path.display()))?;
    Ok(ExitCode::SUCCESS)
}

fn toml_value(v: impl Into<toml::Value>) -> String {
    v.into().to_string()
}

fn line(out: &mut String, key: &str, value: Option<String>, source: impl std::fmt::Display) {
    let text = match value {
        Some(v) => format!("{key} = {v}"),
        None => format!("# {key} = (not set)"),
    };
    let _ = writeln!(out, "{text:<46} # {source}");
}

fn sourced<T: Clone + Into<toml::Value>>(out: &mut String, key: &str, s: &Sourced<T>) {
    line(out, key, Some(toml_value(s.value.clone())), s.source);
}

fn sourced_opt(out: &mut String, key: &str, s: &Sourced<Option<String>>) {
    line(out, key, s.value.clone().map(toml_value), s.source);
}

/// The effective settings as TOML with a `# source` comment on each line.
fn show(ctx: &Ctx) -> Result<String> {
    let path = ctx.paths.config_file();
    let l = super::grading::layered(ctx, &LlmArgs::default())?;
    let mut out = String::new();
    let found = if path.exists() { "found" } else { "not found: defaults" };
    let _ = writeln!(out, "# config file: {} ({found})\n", path.display());
    let _ = writeln!(out, "[grader]");
    sourced(&mut out, "kind", &l.kind);
    sourced(&mut out, "backend", &l.backend);
    sourced_opt(&mut out, "model", &l.model);
    sourced_opt(&mut out, "base_url", &l.base_url);
    sourced_opt(&mut out, "api_key_env", &l.api_key_env);
    sourced(&mut out, "timeout_secs", &l.timeout_secs);
    sourced(&mut out, "connect_timeout_secs", &l.connect_timeout_secs);
    line(&mut out, "max_retries", Some(l.max_retries.value.to_string()), l.max_retries.source);
    line(&mut out, "concurrency", Some(l.concurrency.value.to_string()), l.concurrency.source);
    sourced(&mut out, "cache", &l.cache);
    sourced(&mut out, "backoff_secs", &l.backoff_secs);
    sourced(&mut out, "max_wait_secs", &l.max_wait_secs);
    line(&mut out, "max_tokens", Some(l.max_tokens.value.to_string()), l.max_tokens.source);
    if l.config_key.is_some() {
        line(&mut out, "api_key", Some("\"****\"".into()), "config.toml (prefer api_key_env)");
        if crate::config::readable_by_others(&path) {
            let _ = writeln!(
                out,
                "# warning: {} holds a key and others can read it: chmod 600 it",
                path.display()
            );
        }
    }
    let env = |n: &str| std::env::var(n).ok();
    match l.check(&env) {
        Ok(s) => {
            let _ = writeln!(out, "# effective base URL: {}", s.base_url);
            match &s.key {
                Some(k) => {
                    let _ = writeln!(out, "# key: {} (from {}), sent to {}", k.masked(), k.from, s.base_url);
                }
                None => {
                    let _ = writeln!(out, "# key: none (no key header is sent)");
                }
            }
        }
        Err(e) => {
            let _ = writeln!(out, "# the LLM grader cannot run with these settings: {}", e.message);
            if let Some(h) = e.hint {
                let _ = writeln!(out, "#   {h}");
            }
        }
    }
    let c = &ctx.config;
    let src = |section: &str, key: &str| {
        if keys_in_file(&path, section).iter().any(|k| k == key) { "config.toml" } else { "default" }
    };
    let _ = writeln!(out, "\n[interviewer]");
    line(&mut out, "llm", Some(c.interviewer.llm.to_string()), src("interviewer", "llm"));
    let _ = writeln!(out, "\n[session]");
    line(&mut out, "minutes", c.session.minutes.map(toml_value), src("session", "minutes"));
    line(&mut out, "soft_timer", Some(c.session.soft_timer.to_string()), src("session", "soft_timer"));
    let _ = writeln!(out, "\n[stats]");
    line(&mut out, "weekly_goal", Some(c.stats.weekly_goal.to_string()), src("stats", "weekly_goal"));
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_template_parses_to_the_defaults() {
        let cfg: crate::config::Config = toml::from_str(TEMPLATE).unwrap();
        assert_eq!(cfg, crate::config::Config::default());
        for key in
            ["kind", "backend", "model", "base_url", "api_key_env", "timeout_secs", "max_retries", "cache"]
        {
            assert!(TEMPLATE.contains(&format!("# {key} = ")), "{key} is documented");
        }
    }
}
