//! Choosing and running a grader for a command: the rubric grader by default, the LLM grader when
//! asked (`--grader llm`, `MOCKDESIGN_GRADER=llm` or config `[grader] kind = "llm"`), falling back
//! to the rubric grader's scorecard with the reason in `warnings` when no valid LLM grade comes
//! back. Settings that cannot work are usage errors (exit 2) raised before anything is sent.
//! This is the shell around `grade::llm`: it owns the tokio runtime and the spinner.

use std::time::Duration;

use anyhow::Result;

use super::Ctx;
use crate::catalog::Design;
use crate::cli::{GraderKind, LlmArgs};
use crate::error::UsageError;
use crate::grade::llm::settings::{self, Layered, LlmSettings};
use crate::grade::{Answers, Grader, Scorecard, llm, rubric::RubricGrader};

fn env(name: &str) -> Option<String> {
    std::env::var(name).ok()
}

/// config.toml `[grader]` < environment < flags, with sources.
pub fn layered(ctx: &Ctx, llm: &LlmArgs) -> Result<Layered> {
    let keys = crate::config::keys_in_file(&ctx.paths.config_file(), "grader");
    Ok(settings::layer(&ctx.config.grader, &keys, &env, &overrides(llm))?)
}

/// The grader kind a layered `kind` names.
pub fn kind_of(l: &Layered) -> Result<GraderKind, UsageError> {
    match l.kind.value.trim().to_ascii_lowercase().as_str() {
        "rubric" => Ok(GraderKind::Rubric),
        "llm" => Ok(GraderKind::Llm),
        other => Err(UsageError::new(format!("unknown grader '{other}' ({})", l.kind.source)).with_hint(
            "use rubric (built in) or llm (set up [grader] in config.toml, see `mockdesign config --init`)",
        )),
    }
}

/// Warn (once per command) when config.toml holds a key and others can read it.
fn warn_key_in_config(ctx: &Ctx, l: &Layered) {
    let path = ctx.paths.config_file();
    if l.config_key.is_some() && crate::config::readable_by_others(&path) {
        eprintln!(
            "mockdesign: warning: {} holds an API key and other users can read it; run `chmod 600 {}`, \
             or better, move the key to an environment variable named by [grader] api_key_env",
            path.display(),
            path.display()
        );
    }
}

/// Checked LLM settings for `llm` (a usage error when they cannot work).
#[allow(dead_code, reason = "for the session engine's LLM interviewer, through `interviewer_settings`")]
pub fn llm_settings(ctx: &Ctx, llm: &LlmArgs) -> Result<LlmSettings> {
    let l = layered(ctx, llm)?;
    let s = l.check(&env)?;
    warn_key_in_config(ctx, &l);
    Ok(s)
}

/// The settings for the LLM interviewer (`[interviewer] llm = true`), if it is on; pass them to
/// `grade::llm::follow_up_question`.
#[allow(dead_code, reason = "for the session engine's LLM interviewer ([interviewer] llm = true)")]
pub fn interviewer_settings(ctx: &Ctx, llm: &LlmArgs) -> Result<Option<LlmSettings>> {
    if ctx.config.interviewer.llm { llm_settings(ctx, llm).map(Some) } else { Ok(None) }
}

/// Grade `answers` with the grader the user chose. Configuration that cannot work is a usage error.
pub fn grade(
    ctx: &Ctx,
    design: &Design,
    answers: &Answers,
    kind: Option<GraderKind>,
    llm: &LlmArgs,
) -> Result<Scorecard> {
    let mut card = if kind == Some(GraderKind::Rubric) {
        RubricGrader.grade(design, answers)
    } else {
        let l = layered(ctx, llm)?;
        match kind.map_or_else(|| kind_of(&l), Ok)? {
            GraderKind::Rubric => RubricGrader.grade(design, answers),
            GraderKind::Llm => {
                let settings = l.check(&env)?;
                warn_key_in_config(ctx, &l);
                grade_llm(ctx, &settings, design, answers)?
            }
        }
    };
    card.graded_at = Some(super::now());
    Ok(card)
}

/// The spinner on standard error while the LLM grades, when it may be drawn there.
fn spinner(settings: &LlmSettings, color_stderr: bool) -> Option<indicatif::ProgressBar> {
    if !color_stderr {
        return None;
    }
    let bar = indicatif::ProgressBar::with_draw_target(None, indicatif::ProgressDrawTarget::stderr());
    bar.set_style(indicatif::ProgressStyle::with_template("{spinner} {msg} {elapsed}").ok()?);
    bar.set_message(format!("grading with {}{}", settings.describe(), patience(settings)));
    bar.enable_steady_tick(Duration::from_millis(100));
    Some(bar)
}

/// The warning on the rubric grade that stands in for an LLM grade cancelled by a signal.
pub const INTERRUPTED_GRADE: &str =
    "the LLM grade was interrupted; this is the rubric grader's grade (regrade with `review --grader llm`)";

/// Whether `card` stands in for an LLM grade that a signal cancelled (the command then exits 130).
pub fn was_interrupted(card: &Scorecard) -> bool {
    card.warnings.iter().any(|w| w == INTERRUPTED_GRADE)
}

/// The first of Ctrl-C, SIGTERM and SIGHUP.
async fn any_signal() {
    use tokio::signal::unix::{SignalKind, signal};
    let (Ok(mut term), Ok(mut hup)) = (signal(SignalKind::terminate()), signal(SignalKind::hangup())) else {
        return std::future::pending().await;
    };
    tokio::select! {
        _ = tokio::signal::ctrl_c() => {}
        _ = term.recv() => {}
        _ = hup.recv() => {}
    }
}

/// What to expect of a model on this machine, for the spinner.
fn patience(settings: &LlmSettings) -> &'static str {
    if settings.is_loopback() { " (a local model on a CPU can take a minute or two)" } else { "" }
}

fn grade_llm(ctx: &Ctx, settings: &LlmSettings, design: &Design, answers: &Answers) -> Result<Scorecard> {
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build()?;
    let bar = spinner(settings, ctx.output.color_stderr);
    let what = settings.describe();
    let progress = |done: usize, total: usize| {
        if let Some(b) = &bar {
            b.set_message(format!("grading with {what}: {done}/{total} phases{}", patience(settings)));
        }
    };
    let cache = settings.cache.then(|| ctx.paths.cache());
    // Ctrl-C, SIGTERM or SIGHUP cancel the requests: the rubric grade stands in, marked as such.
    let result = runtime.block_on(async {
        tokio::select! {
            r = llm::grade(settings, design, answers, cache.as_deref(), &progress) => Some(r),
            () = any_signal() => None,
        }
    });
    if let Some(b) = &bar {
        b.finish_and_clear();
    }
    Ok(match result {
        Some(Ok(card)) => card,
        None => {
            let mut card = RubricGrader.grade(design, answers);
            card.warnings.push(INTERRUPTED_GRADE.to_string());
            card
        }
        Some(Err(fallback)) => {
            for reason in &fallback.reasons {
                eprintln!("mockdesign: warning: {reason}");
            }
            let mut card = RubricGrader.grade(design, answers);
            card.warnings.extend(fallback.reasons);
            card
        }
    })
}

/// The command line's LLM flags as the plain overrides the settings layer takes.
pub fn overrides(flags: &LlmArgs) -> settings::Overrides {
    settings::Overrides {
        backend: flags.backend.clone(),
        base_url: flags.base_url.clone(),
        model: flags.model.clone(),
        timeout: flags.timeout,
        no_cache: flags.no_cache,
    }
}
