//! `mockdesign completions <SHELL>`: clap's completion script, taught to complete design ids and
//! session ids. Both are looked up when Tab is pressed, through the hidden `mockdesign __ids
//! designs|sessions` (so a new session or a user's own design completes without regenerating the
//! script). Bash, zsh and fish get the ids; other shells get clap's script as it is.

use std::process::ExitCode;

use anyhow::Result;
use clap::CommandFactory;

/// Subcommands whose positional argument is a design, and those whose are sessions.
const DESIGN_ARGS: [&str; 2] = ["grade", "rubric"];
const SESSION_ARGS: [&str; 5] = ["review", "resume", "self-score", "delete", "compare"];

pub fn run(shell: clap_complete::Shell) -> Result<ExitCode> {
    let mut cmd = crate::cli::Cli::command();
    let mut out = Vec::new();
    clap_complete::generate(shell, &mut cmd, "mockdesign", &mut out);
    let script = String::from_utf8_lossy(&out).into_owned();
    let script = match shell {
        clap_complete::Shell::Bash => bash(&script),
        clap_complete::Shell::Zsh => zsh(&script),
        clap_complete::Shell::Fish => fish(&script),
        _ => script,
    };
    super::print(&script)?;
    Ok(ExitCode::SUCCESS)
}

/// `mockdesign __ids designs|sessions`: one id a line, for the completion scripts.
pub fn ids(ctx: &super::Ctx, what: &str) -> Result<ExitCode> {
    let ids: Vec<String> = match what {
        "designs" => ctx.catalog.headers().map(|h| h.id.clone()).collect(),
        _ => crate::store::list_files(&ctx.paths.sessions())
            .iter()
            .filter_map(|p| p.file_stem().and_then(|s| s.to_str()).map(str::to_string))
            .chain(std::iter::once("latest".to_string()))
            .collect(),
    };
    let mut text = ids.join("\n");
    text.push('\n');
    super::print(&text)?;
    Ok(ExitCode::SUCCESS)
}

/// What a subcommand's positional argument completes to, if anything.
fn kind_of(sub: &str) -> Option<&'static str> {
    if sub.is_empty() || DESIGN_ARGS.contains(&sub) {
        Some("designs")
    } else if SESSION_ARGS.contains(&sub) {
        Some("sessions")
    } else {
        None
    }
}

/// Bash: each subcommand's word list gains the ids, computed when Tab is pressed.
fn bash(script: &str) -> String {
    let mut out = String::new();
    let mut pending: Option<&str> = None;
    for line in script.lines() {
        let trimmed = line.trim();
        if let Some(case) = trimmed.strip_suffix(')') {
            if case == "mockdesign" {
                pending = kind_of("");
            } else if let Some(sub) = case.strip_prefix("mockdesign__subcmd__") {
                // clap spells `self-score` as `self__subcmd__score`.
                pending = kind_of(&sub.replace("__subcmd__", "-"));
            }
        }
        if let (Some(kind), Some(rest)) = (pending, trimmed.strip_prefix("opts=\"")) {
            let indent = &line[..line.len() - trimmed.len()];
            let words = rest.strip_suffix('"').unwrap_or(rest);
            out.push_str(&format!("{indent}opts=\"{words} $(mockdesign __ids {kind} 2>/dev/null)\"\n"));
            pending = None;
            continue;
        }
        out.push_str(line);
        out.push('\n');
    }
    out
}

/// Zsh: the design and session arguments complete through `_mockdesign_ids`.
fn zsh(script: &str) -> String {
    let helper = "\n_mockdesign_ids() {\n    local -a ids\n    ids=(${(f)\"$(mockdesign __ids $1 2>/dev/null)\"})\n    compadd -a ids\n}\n";
    let mut out = String::new();
    for (n, line) in script.lines().enumerate() {
        let spec = line.trim_start().trim_start_matches('\'').trim_start_matches(':');
        let name = spec.split([' ', ':']).next().unwrap_or_default();
        let kind = match name {
            "design" => Some("designs"),
            "session" | "a" | "b" => Some("sessions"),
            _ => None,
        };
        match kind {
            Some(kind) if line.trim_start().starts_with("':") && line.contains(":_default'") => {
                out.push_str(&line.replace(":_default'", &format!(":_mockdesign_ids {kind}'")));
            }
            _ => out.push_str(line),
        }
        out.push('\n');
        if n == 0 {
            out.push_str(helper);
        }
    }
    out
}

/// Fish: completions for the ids, computed when Tab is pressed.
fn fish(script: &str) -> String {
    let mut out = script.to_string();
    out.push_str(
        "complete -c mockdesign -n \"__fish_mockdesign_needs_command\" -f -a \"(mockdesign __ids designs 2>/dev/null)\"\n",
    );
    for sub in DESIGN_ARGS {
        out.push_str(&format!(
            "complete -c mockdesign -n \"__fish_mockdesign_using_subcommand {sub}\" -f -a \"(mockdesign __ids designs 2>/dev/null)\"\n"
        ));
    }
    for sub in SESSION_ARGS {
        out.push_str(&format!(
            "complete -c mockdesign -n \"__fish_mockdesign_using_subcommand {sub}\" -f -a \"(mockdesign __ids sessions 2>/dev/null)\"\n"
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn script(shell: clap_complete::Shell) -> String {
        let mut out = Vec::new();
        clap_complete::generate(shell, &mut crate::cli::Cli::command(), "mockdesign", &mut out);
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn bash_zsh_and_fish_complete_design_and_session_ids() {
        let b = bash(&script(clap_complete::Shell::Bash));
        assert!(b.contains("$(mockdesign __ids sessions 2>/dev/null)\""), "sessions in bash");
        assert!(b.contains("$(mockdesign __ids designs 2>/dev/null)\""), "designs in bash");
        assert_eq!(b.matches("__ids sessions").count(), SESSION_ARGS.len(), "one per session command");
        let z = zsh(&script(clap_complete::Shell::Zsh));
        assert!(z.contains(":_mockdesign_ids sessions'") && z.contains(":_mockdesign_ids designs'"));
        assert!(z.contains("_mockdesign_ids() {"));
        let f = fish(&script(clap_complete::Shell::Fish));
        assert!(f.contains("__fish_mockdesign_using_subcommand review\" -f -a \"(mockdesign __ids sessions"));
    }
}
