//! Command-line definitions (clap derive) and nothing else: no behaviour lives here.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

const EXAMPLES: &str = "\
Examples:
  mockdesign whatsapp                      a 45-minute interview on WhatsApp
  mockdesign payments --minutes 30         a shorter one, budgets scaled to 30 minutes
  mockdesign feed --self-score             answer aloud or on a whiteboard, then tick the checklist
  mockdesign whatsapp --answers my.md      grade a written answer as a whole session
  mockdesign grade search answer.md --json
  mockdesign resume                        continue the interrupted session
  mockdesign review latest                 the last transcript with its scorecard
  mockdesign study whatsapp                a staff-level model answer (after you have tried)
  mockdesign stats                         progress, weakest areas and what to practise next";

#[derive(Debug, Parser)]
#[command(
    name = "mockdesign",
    version,
    about = "A mock system-design interview simulator for the terminal",
    after_help = EXAMPLES,
    subcommand_negates_reqs = true
)]
pub struct Cli {
    #[command(flatten)]
    pub global: GlobalArgs,

    #[command(subcommand)]
    pub command: Option<Command>,

    /// Start an interview: `mockdesign <DESIGN>`.
    #[command(flatten)]
    pub start: StartArgs,
}

#[derive(Debug, Args, Clone, Default)]
pub struct GlobalArgs {
    /// Folder holding config.toml, sessions/, rubrics/, prompts/ and cache/.
    #[arg(long, global = true, env = "MOCKDESIGN_HOME", value_name = "DIR")]
    pub data_dir: Option<PathBuf>,

    /// Plain output: no colour, no bars (also set by NO_COLOR).
    #[arg(long, global = true)]
    pub no_color: bool,
}

#[derive(Debug, Args, Clone, Default)]
pub struct StartArgs {
    /// The design to practise, e.g. whatsapp, payments, feed (see `mockdesign list`).
    #[arg(value_name = "DESIGN")]
    pub design: Option<String>,

    /// Total length in minutes (any decimal); phase budgets are scaled to it.
    #[arg(long, value_name = "M", allow_negative_numbers = true, value_parser = parse_minutes)]
    pub minutes: Option<f64>,

    /// Run the session from a written Markdown answer instead of typing.
    #[arg(long, value_name = "FILE")]
    pub answers: Option<PathBuf>,

    /// Answer aloud or on a whiteboard, then tick the checklist yourself.
    #[arg(long)]
    pub self_score: bool,

    /// Which grader scores the session.
    #[arg(long, value_enum)]
    pub grader: Option<GraderKind>,

    /// Seed for the curveball and its timing (repeatable sessions).
    #[arg(long, value_name = "N")]
    pub seed: Option<u64>,

    /// Let phases run over their budget instead of ending them; overtime is recorded.
    #[arg(long)]
    pub soft_timer: bool,

    #[command(flatten)]
    pub llm: LlmArgs,
}

/// LLM grader settings, on every command that grades. They override config.toml `[grader]`.
#[derive(Debug, Args, Clone, Default)]
pub struct LlmArgs {
    /// LLM backend: openai (and compatible servers), anthropic, or http (a grading service).
    #[arg(long, value_name = "BACKEND")]
    pub backend: Option<String>,
    /// Base URL of the backend.
    #[arg(long, value_name = "URL")]
    pub base_url: Option<String>,
    /// Model name.
    #[arg(long, value_name = "NAME")]
    pub model: Option<String>,
    /// Per-request timeout in seconds.
    #[arg(long, value_name = "SECS")]
    pub timeout: Option<f64>,
    /// Ask the backend even if the same grade is cached.
    #[arg(long)]
    pub no_cache: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum GraderKind {
    /// Built in, offline, deterministic.
    Rubric,
    /// An LLM behind an HTTP backend; falls back to the rubric grader.
    Llm,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ReviewFormat {
    /// Rendered for the terminal.
    Text,
    /// Markdown, for sharing.
    Md,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// List the designs you can practise.
    List {
        #[arg(long)]
        json: bool,
    },
    /// Grade a written answer (Markdown with phase headings) without a session.
    Grade {
        #[arg(value_name = "DESIGN")]
        design: String,
        #[arg(value_name = "ANSWERS.md")]
        answers: PathBuf,
        #[arg(long)]
        json: bool,
        #[arg(long, value_enum)]
        grader: Option<GraderKind>,
        #[command(flatten)]
        llm: LlmArgs,
    },
    /// Show a saved transcript with its scorecard (latest by default).
    Review {
        /// A session id, a transcript file, or `latest`.
        #[arg(value_name = "SESSION|FILE|latest")]
        session: Option<String>,
        #[arg(long, conflicts_with = "format")]
        json: bool,
        #[arg(long, value_enum)]
        format: Option<ReviewFormat>,
        /// Each rubric item: your evidence next to how the model answer puts it.
        #[arg(long, conflicts_with = "json")]
        side_by_side: bool,
        /// Print it all (summary, item detail, the session) straight, without the pager.
        #[arg(long)]
        full: bool,
        /// Regrade with this grader; the new grade is saved beside the old one.
        #[arg(long, value_enum)]
        grader: Option<GraderKind>,
        #[command(flatten)]
        llm: LlmArgs,
    },
    /// Continue an interrupted session (the latest by default).
    Resume {
        #[arg(value_name = "SESSION")]
        session: Option<String>,
        #[arg(long, value_enum)]
        grader: Option<GraderKind>,
        #[command(flatten)]
        llm: LlmArgs,
    },
    /// Tick the checklist for a saved session and see where you and the grader disagree.
    SelfScore {
        #[arg(value_name = "SESSION")]
        session: Option<String>,
    },
    /// Past sessions, newest first.
    History {
        #[arg(long)]
        json: bool,
        /// Also the sessions not counted as practice (quit early, skipped through, under a minute).
        #[arg(long)]
        all: bool,
    },
    /// Delete a saved session (asks first on a terminal).
    Delete {
        #[arg(value_name = "SESSION")]
        session: String,
        /// Do not ask.
        #[arg(long, short)]
        yes: bool,
    },
    /// Progress by design and category, the weekly goal, and what to practise next.
    Stats {
        #[arg(long)]
        json: bool,
    },
    /// Two attempts side by side (default: the latest and the previous attempt at its design).
    Compare {
        #[arg(value_name = "A")]
        a: Option<String>,
        #[arg(value_name = "B")]
        b: Option<String>,
        #[arg(long)]
        json: bool,
    },
    /// Print a design's rubric (spoilers!).
    Rubric {
        /// The design; with --summary and no design, every design.
        #[arg(value_name = "DESIGN", required_unless_present = "summary")]
        design: Option<String>,
        #[arg(long, conflicts_with_all = ["toml", "summary"])]
        json: bool,
        #[arg(long, conflicts_with = "summary")]
        toml: bool,
        /// A table per design: items per phase and level, weight per phase against its time,
        /// facts and curveballs (no item text: no spoilers).
        #[arg(long)]
        summary: bool,
    },
    /// Read the model answer: a staff-level reference for a design (spoilers!).
    Study {
        #[arg(value_name = "DESIGN")]
        design: String,
        /// Only this phase: requirements, high-level, deep-dive or trade-offs.
        #[arg(long, value_name = "P")]
        phase: Option<crate::catalog::Phase>,
        /// Do not ask before showing the answer to a design you have not practised.
        #[arg(long, short = 'y')]
        yes: bool,
    },
    /// Check rubric, prompt and model-answer files (the built-ins and your own when no path is given).
    Validate {
        #[arg(value_name = "PATH")]
        paths: Vec<PathBuf>,
    },
    /// Show or create config.toml.
    Config {
        /// Write a commented config.toml template (never overwrites).
        #[arg(long, conflicts_with = "show")]
        init: bool,
        /// Print the effective settings, key masked.
        #[arg(long)]
        show: bool,
    },
    /// The LLM grader's backend: `mockdesign llm check` tests that it is reachable and usable.
    Llm {
        #[command(subcommand)]
        action: LlmAction,
    },
    /// Print shell completions (they complete design ids and session ids too).
    Completions {
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// The ids the completion scripts offer: `designs` or `sessions`, one a line.
    #[command(name = "__ids", hide = true)]
    Ids {
        #[arg(value_parser = ["designs", "sessions"])]
        what: String,
    },
}

/// `--minutes`: a number. Whether it is a usable length (positive, up to 600) is checked when the
/// interview starts, with the same message for the config file's `minutes`.
fn parse_minutes(text: &str) -> Result<f64, String> {
    text.trim().parse::<f64>().map_err(|_| {
        format!("'{text}' is not a number of minutes — give a positive number up to 600, e.g. 30 or 0.5")
    })
}

#[derive(Debug, Subcommand)]
pub enum LlmAction {
    /// Is the configured LLM backend reachable and usable? Lists its models, sends one tiny
    /// grading request and times it; never shows the key.
    Check {
        #[command(flatten)]
        llm: LlmArgs,
    },
}
