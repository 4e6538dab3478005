//! One file per subcommand, mirroring the CLI. Commands wire the pure core (catalog, session,
//! grade) to the shell (terminal, disk, network) and return an exit code or an error.

mod compare;
mod completions;
mod config;
mod delete;
mod grade;
pub(crate) mod grading;
mod history;
mod list;
mod llm;
mod resume;
mod review;
mod rubric;
mod self_score;
pub(crate) mod start;
mod stats;
pub(crate) mod study;
mod validate;

use std::process::ExitCode;

use anyhow::Result;

use crate::catalog::{Catalog, CatalogError, Design};
use crate::cli::{Cli, Command, GlobalArgs};
use crate::config::Config;
use crate::error::UsageError;
use crate::paths::Paths;
use crate::terminal::style::Output;

/// What every command needs: where data lives, the configuration, the designs, and what standard
/// output is and may show (decided here, once, for every renderer).
pub struct Ctx {
    pub global: GlobalArgs,
    pub paths: Paths,
    pub config: Config,
    pub catalog: Catalog,
    pub output: Output,
}

impl Ctx {
    pub fn new(global: &GlobalArgs) -> Result<Self> {
        let paths = Paths::resolve(global.data_dir.as_deref())?;
        let config = Config::load(&paths.config_file())?;
        let catalog = Catalog::load(&paths.rubrics(), &paths.prompts());
        let output = Output::detect(global.no_color);
        Ok(Self { global: global.clone(), paths, config, catalog, output })
    }

    /// Find a design, turning an unknown name into a usage error with the nearest match.
    pub fn design(&self, name: &str) -> Result<&Design> {
        self.catalog.find(name).map_err(|e| catalog_usage_error(&e))
    }
}

/// A catalog error as a usage error (exit 2) with its hint.
pub fn catalog_usage_error(e: &CatalogError) -> anyhow::Error {
    let mut err = UsageError::new(e.to_string());
    if let Some(h) = e.hint() {
        err = err.with_hint(h);
    }
    err.into()
}

/// The subcommand's name as typed.
fn command_name(command: &Command) -> String {
    use clap::CommandFactory;
    let debug = format!("{command:?}");
    let variant = debug.split([' ', '{', '(']).next().unwrap_or_default().to_lowercase();
    Cli::command()
        .get_subcommands()
        .map(|c| c.get_name().to_string())
        .find(|n| n.replace('-', "") == variant)
        .unwrap_or(variant)
}

pub fn dispatch(cli: Cli) -> Result<ExitCode> {
    if let Some(Command::Completions { shell }) = &cli.command {
        return completions::run(*shell);
    }
    let s = &cli.start;
    if let (Some(design), Some(command)) = (&s.design, &cli.command) {
        let name = command_name(command);
        return Err(UsageError::new(format!("'{design} {name}': a design and a command do not go together"))
            .with_hint(format!("run `mockdesign {name} …` on its own, or `mockdesign {design}` to practise"))
            .into());
    }
    if cli.command.is_some()
        && (s.minutes.is_some() || s.answers.is_some() || s.self_score || s.seed.is_some() || s.soft_timer)
    {
        return Err(UsageError::new(
            "--minutes, --answers, --self-score, --seed and --soft-timer start an interview",
        )
        .with_hint("use them as `mockdesign <DESIGN> --minutes 30`, not with a subcommand")
        .into());
    }
    let ctx = Ctx::new(&cli.global)?;
    // A user design that could not be loaded is a warning on every command but `validate`, whose
    // report names the same problem (it would otherwise be printed twice).
    if !matches!(cli.command, Some(Command::Validate { .. })) {
        for w in &ctx.catalog.warnings {
            eprintln!("mockdesign: warning: {w}");
        }
    }
    match cli.command {
        None => match cli.start.design.clone() {
            Some(_) => start::run(&ctx, &cli.start),
            None => Err(UsageError::new("which design? e.g. `mockdesign whatsapp`")
                .with_hint("`mockdesign list` shows the designs, `mockdesign --help` the commands")
                .into()),
        },
        Some(Command::List { json }) => list::run(&ctx, json),
        Some(Command::Grade { design, answers, json, grader, llm }) => {
            grade::run(&ctx, &design, &answers, json, grader, &llm)
        }
        Some(Command::Review { session, json, format, side_by_side, full, grader, llm }) => review::run(
            &ctx,
            session.as_deref(),
            review::Show { json, format, side_by_side, full },
            grader,
            &llm,
        ),
        Some(Command::Resume { session, grader, llm }) => resume::run(&ctx, session.as_deref(), grader, &llm),
        Some(Command::SelfScore { session }) => self_score::run(&ctx, session.as_deref()),
        Some(Command::History { json, all }) => history::run(&ctx, json, all),
        Some(Command::Delete { session, yes }) => delete::run(&ctx, &session, yes),
        Some(Command::Ids { what }) => completions::ids(&ctx, &what),
        Some(Command::Stats { json }) => stats::run(&ctx, json),
        Some(Command::Compare { a, b, json }) => compare::run(&ctx, a.as_deref(), b.as_deref(), json),
        Some(Command::Rubric { design, json, toml, summary }) => {
            rubric::run(&ctx, design.as_deref(), rubric::Format::from_flags(json, toml, summary))
        }
        Some(Command::Study { design, phase, yes }) => study::run(&ctx, &design, phase, yes),
        Some(Command::Validate { paths }) => validate::run(&ctx, &paths),
        Some(Command::Config { init, show }) => config::run(&ctx, init, show),
        Some(Command::Llm { action: crate::cli::LlmAction::Check { llm } }) => llm::check(&ctx, &llm),
        Some(Command::Completions { .. }) => unreachable!("handled above"),
    }
}

/// Write to stdout; a closed pipe ends quietly (the caller maps BrokenPipe to success).
pub fn print(text: &str) -> Result<()> {
    use std::io::Write;
    let mut out = std::io::stdout().lock();
    out.write_all(text.as_bytes())?;
    out.flush()?;
    Ok(())
}

/// The wall clock, read only here in the command layer and passed into the core as data.
#[allow(clippy::disallowed_methods, reason = "the shell is where time is read")]
pub fn now() -> chrono::DateTime<chrono::Utc> {
    chrono::Utc::now()
}
