//! `mockdesign <DESIGN>`: run a timed interview, save it as it goes, grade it at the end. Also the
//! session runner that `resume` shares.
//!
//! A session is run by the one process holding its [`SessionLock`]. A failed save never ends it
//! (the driver warns once and retries); at the end the transcript goes to its file, a fallback file
//! or, failing both, the screen. Ctrl-C, SIGTERM and SIGHUP end every state with exit 130.

use std::fmt::Write as _;
use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;
use std::sync::atomic::AtomicBool;

use anyhow::{Context, Result};
use tokio::sync::mpsc;

use super::Ctx;
use crate::catalog::{Design, Phase};
use crate::cli::{GraderKind, LlmArgs, StartArgs};
use crate::driver::{self, Input};
use crate::error::{Interrupted, UsageError};
use crate::grade::Answers;
use crate::grade::rubric::RubricGrader;
use crate::grade::{curveball, selfscore};
use crate::model::{SelfTick, SessionEnded, Transcript};
use crate::session::{Clock, Event, Options, Session};
use crate::store::{SessionLock, Stored, TranscriptError};
use crate::terminal::checklist::walk_checklist;
use crate::terminal::interactive::TerminalShell;
use crate::terminal::plain::{ChannelLines, PlainShell, is_interrupt, spawn_stdin_lines};
use crate::terminal::scorecard;

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
    let stamp = now.format("%Y%m%d-%H%M%S").to_string();
    let sessions = ctx.paths.sessions();
    let new_session = |id: String| Session::new(design, opts.clone(), id, now);
    if let Some(file) = &args.answers {
        let answers = read_answers(file)?;
        let (session, path, lock) = claim_session(&sessions, &stamp, design.id(), &new_session)?;
        return run_scripted(ctx, session, &path, &lock, &answers, args.grader, &args.llm);
    }
    let (session, path, lock) = claim_session(&sessions, &stamp, design.id(), &new_session)?;
    run_live(ctx, session, &path, &lock, args.grader, &args.llm)
}

/// A new session under `sessions` with a fresh id (`<stamp>-<design>`, then `-2`, `-3`, …): its
/// lock taken and its first transcript written create-exclusive, so two sessions started in the
/// same second never share a file.
fn claim_session(
    sessions: &Path,
    stamp: &str,
    design: &str,
    new_session: &dyn Fn(String) -> Session,
) -> Result<(Session, PathBuf, SessionLock)> {
    for n in 1..1000 {
        let id = if n == 1 { format!("{stamp}-{design}") } else { format!("{stamp}-{design}-{n}") };
        let path = sessions.join(format!("{id}.json"));
        if path.exists() {
            continue;
        }
        let lock = match SessionLock::acquire(&path) {
            Ok(lock) => lock,
            Err(TranscriptError::Busy { .. }) => continue,
            Err(e) => return Err(e.into()),
        };
        let session = new_session(id);
        match crate::store::create_new(&path, session.transcript()) {
            Ok(()) => return Ok((session, path, lock)),
            Err(TranscriptError::Write { source, .. })
                if source.kind() == std::io::ErrorKind::AlreadyExists => {}
            Err(e) => return Err(e.into()),
        }
    }
    anyhow::bail!("cannot find a free session id in {}", sessions.display())
}

/// The written answer of `--answers FILE`; unreadable or empty is a usage error.
fn read_answers(file: &Path) -> Result<Answers> {
    let md = std::fs::read_to_string(file).map_err(|e| {
        // In words, not an OS error number.
        let why = match e.kind() {
            std::io::ErrorKind::NotFound => "there is no such file".to_string(),
            std::io::ErrorKind::InvalidData => "it is not UTF-8 text".to_string(),
            _ => e.to_string(),
        };
        UsageError::new(format!("cannot read the answers file {}: {why}", file.display())).with_hint(
            "give a Markdown file with Requirements / High-level design / Deep dive / Trade-offs headings",
        )
    })?;
    let answers = Answers::from_markdown(&md);
    if answers.phases.iter().all(|p| p.text.trim().is_empty()) {
        return Err(UsageError::new(format!("{} has no answer in it", file.display()))
            .with_hint("write your answer under phase headings such as `## Requirements`")
            .into());
    }
    Ok(answers)
}

/// `--answers FILE`: the whole session from a written answer, without waiting.
fn run_scripted(
    ctx: &Ctx,
    mut session: Session,
    path: &Path,
    lock: &SessionLock,
    answers: &Answers,
    grader: Option<GraderKind>,
    llm: &LlmArgs,
) -> Result<ExitCode> {
    // The engine files each phase's text as written and submits it (a whole answer in the first
    // phase); `finish` saves and grades the transcript, as for any session.
    session.set_whole_answer(answers.whole);
    let clock = Clock { secs: 0.0, wall: super::now() };
    session.handle(Event::Start, clock);
    for phase in Phase::ALL {
        session.handle(Event::Written(answers.said(phase).to_string()), clock);
    }
    let transcript = session.into_transcript();
    finish(ctx, transcript, path, lock, grader, llm, None)
}

/// A live session: the terminal shell on a terminal, plain lines otherwise.
fn run_live(
    ctx: &Ctx,
    session: Session,
    path: &Path,
    lock: &SessionLock,
    grader: Option<GraderKind>,
    llm: &LlmArgs,
) -> Result<ExitCode> {
    run_session(ctx, session, path, lock, grader, llm)
}

/// Run a (new or resumed) session to its end, then summarise and grade it. `lock` is the proof
/// that this process is the session's one writer.
pub(crate) fn run_session(
    ctx: &Ctx,
    mut session: Session,
    path: &Path,
    lock: &SessionLock,
    grader: Option<GraderKind>,
    llm: &LlmArgs,
) -> Result<ExitCode> {
    let interactive = std::io::stdin().is_terminal() && ctx.output.terminal;
    // `[interviewer] llm = true`: settings that cannot work are refused before the session starts.
    let interviewer = super::grading::interviewer_settings(ctx, llm)?;
    let color = interactive && ctx.output.color;
    if interactive {
        session.wait_for_enter();
    }
    // Save before the first prompt, so even an immediate kill leaves a resumable session. A new
    // session's file is already there; a failure here is warned about by the first save that follows.
    let _ = crate::store::save(path, session.transcript());
    let (tx, mut rx) = mpsc::unbounded_channel::<Input>();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .context("cannot start the session")?;
    let mut stdin_ended = None;
    let mut sink = crate::store::SessionFile { path: path.to_path_buf() };
    let ended = runtime.block_on(async {
        spawn_signal_watch(tx.clone(), !interactive);
        if interactive {
            let mut shell = TerminalShell::start(color, tx.clone()).context("cannot use the terminal")?;
            let ended = driver::run(&mut session, &mut rx, &mut shell, &mut sink, interviewer.as_ref()).await;
            shell.restore();
            ended
        } else {
            stdin_ended = Some(spawn_stdin_lines(tx.clone()));
            let mut shell = PlainShell::new();
            driver::run(&mut session, &mut rx, &mut shell, &mut sink, interviewer.as_ref()).await
        }
    })?;
    // Its signal watchers go with it; whatever runs next watches for itself.
    drop(runtime);
    let transcript = session.into_transcript();
    match ended {
        SessionEnded::Finished => {
            let rest = Rest { tx, rx, stdin_ended };
            finish(ctx, transcript, path, lock, grader, llm, Some(rest))
        }
        SessionEnded::Quit => {
            let stored = store(path, &transcript);
            super::print(&left_message(&transcript, path, &stored))?;
            Ok(ExitCode::SUCCESS)
        }
        SessionEnded::Interrupted => {
            let stored = store(path, &transcript);
            eprint!("{}", left_message(&transcript, path, &stored));
            Err(Interrupted.into())
        }
    }
}

/// The session's input after its last phase: what is left of a pipe (`stdin_ended` is its
/// reader's end flag), or nothing read yet from a terminal (`None`).
pub(crate) struct Rest {
    tx: mpsc::UnboundedSender<Input>,
    rx: mpsc::UnboundedReceiver<Input>,
    stdin_ended: Option<Arc<AtomicBool>>,
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

/// Save at `path`, or else somewhere; a warning for anything but a normal save.
fn store(path: &Path, transcript: &Transcript) -> Stored {
    let stored = crate::store::save_or_fallback(path, transcript);
    match &stored {
        Stored::Saved => {}
        Stored::Fallback { path: fallback, error } => {
            eprintln!(
                "mockdesign: warning: {error}; the session was saved to {} instead",
                fallback.display()
            );
        }
        Stored::Unsaved(error) => {
            eprintln!("mockdesign: warning: {error}, and no copy could be written; your answers follow");
            // The text itself, so that nothing typed is lost with the disk.
            let _ = super::print(&crate::terminal::scorecard::transcript_markdown(transcript));
        }
    }
    stored
}

fn left_message(t: &Transcript, path: &Path, stored: &Stored) -> String {
    match stored {
        Stored::Saved => {
            format!("\nSaved to {}.\nContinue with `mockdesign resume {}`.\n", path.display(), t.id)
        }
        Stored::Fallback { path: fallback, .. } => format!(
            "\nSaved to {} (not {}).\nCopy it back into {} to continue with `mockdesign resume {}`.\n",
            fallback.display(),
            path.display(),
            path.parent().map_or_else(String::new, |d| d.display().to_string()),
            t.id
        ),
        Stored::Unsaved(_) => "\nNot saved: your answers are printed above.\n".to_string(),
    }
}

/// After the last phase: the grade (stored in the transcript) and the scorecard with time used
/// per phase against its budget and hints. A self-score session walks the checklist instead, on
/// the rest of the piped input or on the terminal. Ctrl-C, SIGTERM and SIGHUP end it at any point
/// with exit 130, after saving: an interrupted LLM grade leaves the rubric grade (and says so), an
/// interrupted checklist leaves the session to `mockdesign self-score`.
pub(crate) fn finish(
    ctx: &Ctx,
    mut transcript: Transcript,
    path: &Path,
    _lock: &SessionLock,
    grader: Option<GraderKind>,
    llm: &LlmArgs,
    rest: Option<Rest>,
) -> Result<ExitCode> {
    let design = ctx.design(&transcript.design)?;
    transcript.curveball_grade = curveball::grade(&RubricGrader, design, &transcript);
    // Saved as finished before grading; where it finally went is reported once, below.
    let _ = crate::store::save(path, &transcript);
    let opts = ctx.output.render_opts();
    let mut out = String::new();
    let mut interrupted = false;
    let card = if transcript.self_score {
        let said = crate::terminal::checklist::said(&crate::grade::Grader::grade(
            &RubricGrader,
            design,
            &transcript.answers(),
        ));
        let ticks = match walk_checklist_interruptibly(design, said, rest) {
            Ok(ticks) => ticks,
            Err(e) if e.chain().any(|c| c.is::<Interrupted>()) => {
                let stored = store(path, &transcript);
                eprint!(
                    "\nThe checklist was not finished.{}Tick it later with `mockdesign self-score {}`.\n",
                    left_message(&transcript, path, &stored)
                        .lines()
                        .nth(1)
                        .map_or_else(String::new, |l| format!("\n{l}\n")),
                    transcript.id
                );
                return Err(Interrupted.into());
            }
            Err(e) => return Err(e),
        };
        let mut card = selfscore::scorecard(design, &ticks, transcript.hints_used());
        card.graded_at = Some(super::now());
        transcript.self_ticks = Some(ticks);
        card
    } else {
        drop(rest);
        let card = super::grading::grade(ctx, design, &transcript.answers(), grader, llm)?;
        interrupted = super::grading::was_interrupted(&card);
        card
    };
    transcript.scorecards.push(card.clone());
    let stored = store(path, &transcript);
    if let Some(line) = scorecard::nothing_to_grade(&transcript) {
        let _ = writeln!(out, "\n{line}");
    } else {
        // The one-screen summary; on a terminal the item detail (and how the model answer puts
        // what was missed) is for `review` (paged), in a pipe it follows.
        out.push('\n');
        out.push_str(&scorecard::render_summary(&card, design, Some(&transcript), opts));
        if ctx.output.terminal {
            let _ = writeln!(out, "\nItem by item: `mockdesign review {}`.", transcript.id);
        } else {
            out.push_str(&scorecard::render_detail(&card, design, opts));
            if let Some(answer) = super::study::answer_for_grade(ctx, design) {
                out.push_str(&crate::terminal::model_answer::strong_answers(
                    &card,
                    design,
                    &answer,
                    Some(STRONG_ANSWERS_SHOWN),
                    opts,
                ));
            }
        }
    }
    let shown = match &stored {
        Stored::Fallback { path, .. } => path.as_path(),
        Stored::Saved | Stored::Unsaved(_) => path,
    };
    if !matches!(stored, Stored::Unsaved(_)) {
        let _ = writeln!(out, "\nTranscript: {}", shown.display());
    }
    super::print(&out)?;
    if interrupted {
        eprintln!(
            "\nInterrupted: the LLM grade was cancelled and the rubric grade above was saved.\nRegrade with `mockdesign review {} --grader llm`.",
            transcript.id
        );
        return Err(Interrupted.into());
    }
    Ok(ExitCode::SUCCESS)
}

/// Missed items shown with the model answer's passage on a scorecard (the end of a session,
/// `grade`), heaviest first; `review` shows them all.
pub(crate) const STRONG_ANSWERS_SHOWN: usize = 5;

/// Walk the checklist on the rest of the input (a terminal's lines are read from here on), on a
/// blocking thread while a runtime watches for Ctrl-C, SIGTERM and SIGHUP.
fn walk_checklist_interruptibly(
    design: &Design,
    said: crate::terminal::checklist::Said,
    rest: Option<Rest>,
) -> Result<Vec<SelfTick>> {
    let interactive = std::io::stdin().is_terminal();
    let Rest { tx, rx, stdin_ended } = rest.unwrap_or_else(|| {
        let (tx, rx) = mpsc::unbounded_channel();
        Rest { tx, rx, stdin_ended: None }
    });
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .context("cannot start the checklist")?;
    let design = design.clone();
    runtime.block_on(async move {
        spawn_signal_watch(tx.clone(), true);
        let ended = stdin_ended.unwrap_or_else(|| spawn_stdin_lines(tx.clone()));
        drop(tx);
        let walk = tokio::task::spawn_blocking(move || {
            let mut lines = ChannelLines::new(rx, ended);
            let mut stdout = std::io::stdout().lock();
            walk_checklist(&design, &said, &mut lines, &mut stdout, interactive)
        });
        match walk.await {
            Ok(Ok(ticks)) => Ok(ticks),
            Ok(Err(e)) if is_interrupt(&e) => Err(Interrupted.into()),
            Ok(Err(e)) => Err(e.into()),
            Err(e) => Err(anyhow::anyhow!("the checklist stopped: {e}")),
        }
    })
}
