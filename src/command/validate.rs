//! `mockdesign validate [PATH...]`: check rubric, prompt and model-answer files. Without paths:
//! every built-in design, the user's own in DATA/rubrics, DATA/prompts and DATA/answers, and the
//! grader's shared vocabulary (`lexicon/`: no variant in two groups, no stop word as a variant).
//! With paths: those files (a `.toml` rubric, a `.md` prompt, a `.md` in a folder named `answers`
//! is a model answer, checked against its design's rubric) or every such file in a folder. Prints each problem as
//! `file:line: message`; exit 0 when there are no errors (warnings pass), 1 otherwise.
//!
//! It only reads files; it never changes or skips one because another is broken.

use std::collections::BTreeSet;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Result;

use super::Ctx;
use crate::catalog::validate::{Problem, Severity, check_answer_text, check_prompt_text, check_rubric_text};
use crate::catalog::{Rubric, builtin_answer, builtin_sources};
use crate::error::UsageError;

/// What was checked and what was found.
#[derive(Default)]
struct Report {
    designs: BTreeSet<String>,
    problems: Vec<Problem>,
}

impl Report {
    fn rubric(&mut self, text: &str, file: &str, stem: &str) {
        self.designs.insert(stem.to_string());
        self.problems.extend(check_rubric_text(text, file, Some(stem)));
    }

    fn prompt(&mut self, text: &str, file: &str, stem: &str) {
        self.designs.insert(stem.to_string());
        self.problems.extend(check_prompt_text(text, file));
    }

    /// A model answer, checked against `rubric` (its design's), or a problem when there is none.
    fn answer(&mut self, text: &str, file: &str, stem: &str, rubric: Option<&Rubric>) {
        self.designs.insert(stem.to_string());
        match rubric {
            Some(r) => self.problems.extend(check_answer_text(text, file, r)),
            None => self.problems.push(Problem {
                file: file.to_string(),
                line: None,
                subject: None,
                message: format!(
                    "no design '{stem}' to check this answer against (name it answers/<design id>.md)"
                ),
                severity: Severity::Error,
            }),
        }
    }

    /// Check one file on disk by its extension. Unreadable files are problems, not aborts.
    fn file(&mut self, ctx: &Ctx, path: &Path) {
        let name = path.display().to_string();
        let stem = path.file_stem().and_then(|s| s.to_str()).unwrap_or_default().to_string();
        let text = match std::fs::read_to_string(path) {
            Ok(t) => t,
            Err(e) => {
                self.designs.insert(stem);
                self.problems.push(Problem {
                    file: name,
                    line: None,
                    subject: None,
                    message: format!("cannot read: {e}"),
                    severity: Severity::Error,
                });
                return;
            }
        };
        if has_ext(path, "toml") {
            self.rubric(&text, &name, &stem);
        } else if is_answer(path) {
            let design = ctx.catalog.find(&stem).ok().filter(|d| d.id() == stem);
            self.answer(&text, &name, &stem, design.map(|d| &d.rubric));
        } else {
            self.prompt(&text, &name, &stem);
        }
    }
}

pub fn run(ctx: &Ctx, paths: &[PathBuf]) -> Result<ExitCode> {
    let mut report = Report::default();
    if paths.is_empty() {
        for (id, toml, md) in builtin_sources() {
            report.rubric(toml, &format!("rubrics/{id}.toml"), id);
            report.prompt(md, &format!("prompts/{id}.md"), id);
            if let (Some(answer), Ok(rubric)) = (builtin_answer(id), Rubric::parse(toml, id)) {
                report.answer(answer, &format!("answers/{id}.md"), id, Some(&rubric));
            }
        }
        check_user_designs(ctx, &mut report);
        // The grader's shared vocabulary (lexicon/): every rubric is read through it.
        for message in crate::grade::rubric::lexicon::check() {
            report.problems.push(Problem {
                file: "lexicon".into(),
                line: None,
                subject: None,
                message,
                severity: Severity::Error,
            });
        }
    } else {
        for path in paths {
            for file in files_at(path)? {
                report.file(ctx, &file);
            }
        }
    }
    finish(&report)
}

/// The user's own designs: each rubric, each prompt, and that every rubric has a prompt (its own
/// or a built-in one of the same id).
fn check_user_designs(ctx: &Ctx, report: &mut Report) {
    let rubrics = ctx.paths.rubrics();
    let prompts = ctx.paths.prompts();
    for file in listing(&rubrics, "toml") {
        report.file(ctx, &file);
        let stem = file.file_stem().and_then(|s| s.to_str()).unwrap_or_default();
        let own_prompt = prompts.join(format!("{stem}.md"));
        if !own_prompt.exists() && !builtin_sources().any(|(id, _, _)| id == stem) {
            report.problems.push(Problem {
                file: file.display().to_string(),
                line: None,
                subject: None,
                message: format!("no prompt file: expected {}", own_prompt.display()),
                severity: Severity::Error,
            });
        }
    }
    for file in listing(&prompts, "md") {
        report.file(ctx, &file);
    }
    for file in listing(&ctx.paths.answers(), "md") {
        report.file(ctx, &file);
    }
}

/// Files to check at a path the user gave: the file itself, or the `.toml`/`.md` files in a
/// folder and its sub-folders (so a DATA folder with rubrics/ and prompts/ works too).
fn files_at(path: &Path) -> Result<Vec<PathBuf>> {
    if path.is_dir() {
        let mut out = Vec::new();
        collect(path, &mut out);
        if out.is_empty() {
            return Err(UsageError::new(format!("no .toml rubrics or .md prompts in {}", path.display()))
                .with_hint("point at a rubric file, a prompt file, or a folder holding them")
                .into());
        }
        return Ok(out);
    }
    if !path.exists() {
        return Err(UsageError::new(format!("no such file or folder: {}", path.display()))
            .with_hint("`mockdesign validate` without arguments checks the built-ins and your own designs")
            .into());
    }
    if has_ext(path, "toml") || has_ext(path, "md") {
        return Ok(vec![path.to_path_buf()]);
    }
    Err(UsageError::new(format!("cannot check {}: not a .toml rubric or a .md prompt", path.display()))
        .with_hint("rubrics are rubrics/<id>.toml, prompts are prompts/<id>.md")
        .into())
}

fn collect(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    let mut paths: Vec<PathBuf> = entries.filter_map(Result::ok).map(|e| e.path()).collect();
    paths.sort();
    for p in paths {
        if p.is_dir() {
            collect(&p, out);
        } else if has_ext(&p, "toml") || has_ext(&p, "md") {
            out.push(p);
        }
    }
}

/// Files with one extension directly in `dir`, sorted; none when the folder is missing.
fn listing(dir: &Path, ext: &str) -> Vec<PathBuf> {
    let Ok(entries) = std::fs::read_dir(dir) else { return Vec::new() };
    let mut files: Vec<PathBuf> =
        entries.filter_map(Result::ok).map(|e| e.path()).filter(|p| p.is_file() && has_ext(p, ext)).collect();
    files.sort();
    files
}

/// A `.md` file in a folder named `answers` is a model answer; other `.md` files are prompts.
fn is_answer(path: &Path) -> bool {
    has_ext(path, "md") && path.parent().and_then(Path::file_name).is_some_and(|n| n == "answers")
}

fn has_ext(path: &Path, ext: &str) -> bool {
    path.extension().is_some_and(|e| e.eq_ignore_ascii_case(ext))
}

fn finish(report: &Report) -> Result<ExitCode> {
    let mut out = String::new();
    for p in &report.problems {
        let _ = writeln!(out, "{p}");
    }
    let errors = report.problems.iter().filter(|p| p.is_error()).count();
    let warnings = report.problems.len() - errors;
    let designs = report.designs.len();
    let noun = if designs == 1 { "design" } else { "designs" };
    let warned = match warnings {
        0 => String::new(),
        1 => ", 1 warning".to_string(),
        n => format!(", {n} warnings"),
    };
    if errors == 0 {
        let _ = writeln!(out, "{designs} {noun} ok{warned}");
        super::print(&out)?;
        return Ok(ExitCode::SUCCESS);
    }
    let files: BTreeSet<&str> =
        report.problems.iter().filter(|p| p.is_error()).map(|p| p.file.as_str()).collect();
    let _ = writeln!(
        out,
        "{errors} problem{} in {} file{} ({designs} {noun} checked{warned})",
        if errors == 1 { "" } else { "s" },
        files.len(),
        if files.len() == 1 { "" } else { "s" },
    );
    super::print(&out)?;
    Ok(ExitCode::from(crate::error::exit::FAILED))
}
