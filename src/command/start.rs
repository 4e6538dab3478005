//! `mockdesign <DESIGN>`: run a timed interview, save it as it goes, grade it at the end. Also the
//! session runner that `resume` shares.

use std::fmt::Write as _;
use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, Result};
use tokio::sync::mpsc;

use super::Ctx;
use crate::cli::{GraderKind, LlmArgs, StartArgs};
use crate::driver::{self, Input};
use crate::error::{Interrupted, UsageError};
use crate::grade::Answers;
use crate::grade::rubric::RubricGrader;
use crate::grade::{curveball, selfscore};
use crate::session::{Clock, Effect, Event, Options, Outcome, Session, literal_line};
use crate::terminal::checklist::walk_checklist;
use crate::terminal::interactive::TerminalShell;
use crate::terminal::plain::{ChannelLines, PlainShell, spawn_stdin_lines};
use crate::terminal::scorecard::{self, RenderOpts};
use crate::terminal::style;
use crate::transcript::Transcript;

pub fn run(ctx: &Ctx, args: &StartArgs) -> Result<ExitCode> {
    let design = ctx.design(args.design.as_deref().unwrap_or_default())?;
    let minutes = match args.minutes.or(ctx.config.session.minutes) {
        Some(m) if m.is_finite() && m > 0.0 && m <= 600.0 => m,
        Some(m) => {
            return Err(UsageError::new(format!("--minutes {m} is not a usable interview length"))
                .with_hint("give a positive number of minutes up to 600, e.g. --minutes 30 or --minutes 0.5")
                .into());
        }
        None => design.rubric.minutes(),
    };
    let seed = args.seed.unwrap_or_else(|| super::now().timestamp_nanos_opt().unwrap_or_default() as u64);
    let opts = Options {
        minutes,
        soft_timer: args.soft_timer || ctx.config.session.soft_timer,
        seed,
        self_score: args.self_score,
        scripted: args.answers.is_some(),
    };
    let now = super::now();
    let (id, path) =
        new_session_path(&ctx.paths.sessions(), &now.format("%Y%m%d-%H%M%S").to_string(), design.id());
    let session = Session::new(design, opts, id, now);
    if let Some(file) = &args.answers {
        return run_scripted(ctx, session, &path, file, args.grader, &args.llm);
    }
    run_live(ctx, session, &path, args.grader, &args.llm)
}

/// A fresh `(id, path)` under `sessions`, never an existing file.
fn new_session_path(sessions: &Path, stamp: &str, design: &str) -> (String, PathBuf) {
    let mut n = 1;
    loop {
        let id = if n == 1 { format!("{stamp}-{design}") } else { format!("{stamp}-{design}-{n}") };
        let path = sessions.join(format!("{id}.json"));
        if !path.exists() {
            return (id, path);
        }
        n += 1;
    }
}

/// `--answers FILE`: the whole session from a written answer, without waiting.
fn run_scripted(
    ctx: &Ctx,
    mut session: Session,
    path: &Path,
    file: &Path,
    grader: Option<GraderKind>,
    llm: &LlmArgs,
) -> Result<ExitCode> {
    let md = std::fs::read_to_string(file).map_err(|e| {
        UsageError::new(format!("cannot read the answers file {}: {e}", file.display())).with_hint(
            "give a Markdown file with Requirements / High-level design / Deep dive / Trade-offs headings",
        )
    })?;
    let answers = Answers::from_markdown(&md);
    if answers.phases.iter().all(|p| p.text.trim().is_empty()) {
        return Err(UsageError::new(format!("{} has no answer in it", file.display()))
            .with_hint("write your answer under phase headings such as `## Requirements`")
            .into());
    }
    session.set_whole_answer(answers.whole);
    let clock = Clock { secs: 0.0, wall: super::now() };
    let mut events = vec![Event::Start];
    for (i, phase) in answers.phases.iter().enumerate() {
        if answers.whole && i > 0 {
            events.push(Event::Line("/next".into()));
            continue;
        }
        for line in phase.text.lines() {
            // A line of the answer that starts with `/` is text, not a command.
            events.push(Event::Line(literal_line(line)));
        }
        events.push(Event::Line("/next".into()));
    }
    for event in events {
        for effect in session.handle(event, clock) {
            if let Effect::End(_) = effect {
                break;
            }
        }
    }
    let transcript = session.into_transcript();
    finish(ctx, transcript, path, grader, llm, None)
}

/// A live session: the terminal shell on a terminal, plain lines otherwise.
fn run_live(
    ctx: &Ctx,
    session: Session,
    path: &Path,
    grader: Option<GraderKind>,
    llm: &LlmArgs,
) -> Result<ExitCode> {
    run_session(ctx, session, path, grader, llm)
}

/// Run a (new or resumed) session to its end, then summarise and grade it.
pub(crate) fn run_session(
    ctx: &Ctx,
    mut session: Session,
    path: &Path,
    grader: Option<GraderKind>,
    llm: &LlmArgs,
) -> Result<ExitCode> {
    let interactive = std::io::stdin().is_terminal() && std::io::stdout().is_terminal();
    // `[interviewer] llm = true`: settings that cannot work are refused before the session starts.
    let interviewer = super::grading::interviewer_settings(ctx, llm)?;
    let color = interactive && !style::plain_requested();
    if interactive {
        session.wait_for_enter();
    }
    // Save before the first prompt, so even an immediate kill leaves a resumable session.
    crate::transcript::save(path, session.transcript())?;
    let (tx, mut rx) = mpsc::unbounded_channel::<Input>();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .context("cannot start the session")?;
    let outcome = runtime.block_on(async {
        spawn_signal_watch(tx.clone(), !interactive);
        if interactive {
            let mut shell = TerminalShell::start(path.to_path_buf(), color, tx.clone())
                .context("cannot use the terminal")?;
            let outcome = driver::run(&mut session, &mut rx, &mut shell, interviewer.as_ref()).await;
            shell.restore();
            outcome
        } else {
            spawn_stdin_lines(tx.clone());
            let mut shell = PlainShell::new(path.to_path_buf());
            driver::run(&mut session, &mut rx, &mut shell, interviewer.as_ref()).await
        }
    })?;
    drop(runtime);
    let transcript = session.into_transcript();
    match outcome {
        Outcome::Finished => {
            let rest = if interactive { None } else { Some(ChannelLines::new(rx)) };
            finish(ctx, transcript, path, grader, llm, rest)
        }
        Outcome::Quit => {
            super::print(&left_message(&transcript, path))?;
            Ok(ExitCode::SUCCESS)
        }
        Outcome::Interrupted => {
            eprint!("{}", left_message(&transcript, path));
            Err(Interrupted.into())
        }
    }
}

/// Ctrl-C (for pipes; a terminal in raw mode sends it as a key), and the terminal going away.
fn spawn_signal_watch(tx: mpsc::UnboundedSender<Input>, ctrl_c: bool) {
    use tokio::signal::unix::{SignalKind, signal};
    for kind in [SignalKind::hangup(), SignalKind::terminate()] {
        if let Ok(mut sig) = signal(kind) {
            let tx = tx.clone();
            tokio::spawn(async move {
                if sig.recv().await.is_some() {
                    let _ = tx.send(Input::Interrupt);
                }
            });
        }
    }
    if ctrl_c {
        tokio::spawn(async move {
            if tokio::signal::ctrl_c().await.is_ok() {
                let _ = tx.send(Input::Interrupt);
            }
        });
    }
}

fn left_message(t: &Transcript, path: &Path) -> String {
    format!("\nSaved to {}.\nContinue with `mockdesign resume {}`.\n", path.display(), t.id)
}

/// After the last phase: the grade (stored in the transcript) and the scorecard with time used
/// per phase against its budget and hints. A self-score session walks the checklist instead, on
/// the rest of the piped input or on the terminal.
fn finish(
    ctx: &Ctx,
    mut transcript: Transcript,
    path: &Path,
    grader: Option<GraderKind>,
    llm: &LlmArgs,
    rest: Option<ChannelLines>,
) -> Result<ExitCode> {
    let design = ctx.design(&transcript.design)?;
    transcript.curveball_grade = curveball::grade(&RubricGrader, design, &transcript);
    crate::transcript::save(path, &transcript)?;
    let opts = RenderOpts::for_stdout();
    let card = if transcript.self_score {
        let ticks = {
            let mut stdout = std::io::stdout().lock();
            match rest {
                Some(mut lines) => walk_checklist(design, &mut lines, &mut stdout, false)?,
                None => walk_checklist(design, &mut std::io::stdin().lock(), &mut stdout, true)?,
            }
        };
        let mut card = selfscore::scorecard(design, &ticks, transcript.hints_used());
        card.graded_at = Some(super::now());
        transcript.self_ticks = Some(ticks);
        card
    } else {
        super::grading::grade(ctx, design, &transcript.answers(), grader, llm)?
    };
    transcript.scorecards.push(card.clone());
    crate::transcript::save(path, &transcript)?;
    let mut out = String::new();
    if let Some(line) = scorecard::nothing_to_grade(&transcript) {
        let _ = writeln!(out, "\n{line}");
    } else {
        // The one-screen summary; on a terminal the item detail is for `review` (paged), in a
        // pipe it follows.
        out.push('\n');
        out.push_str(&scorecard::render_summary(&card, design, Some(&transcript), opts));
        if std::io::stdout().is_terminal() {
            let _ = writeln!(out, "\nItem by item: `mockdesign review {}`.", transcript.id);
        } else {
            out.push_str(&scorecard::render_detail(&card, design, opts));
        }
    }
    let _ = writeln!(out, "\nTranscript: {}", path.display());
    super::print(&out)?;
    Ok(ExitCode::SUCCESS)
}
