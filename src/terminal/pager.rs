//! Long output through the user's pager on a terminal: `$PAGER`, else `less -R`. Never when
//! standard output is not a terminal (pipes and scripts get the text as it is), and never fatal:
//! a pager that cannot start means the text is printed instead.

use std::io::Write;
use std::process::{Command, Stdio};

use super::style::Output;

/// Print `text`, through the pager when standard output (`out`) is a terminal.
pub fn page(text: &str, out: &Output) -> std::io::Result<()> {
    if !out.terminal {
        return print(text);
    }
    let pager = std::env::var("PAGER").ok().filter(|p| !p.trim().is_empty());
    let command = pager.as_deref().unwrap_or("less -R");
    let child = Command::new("sh")
        .arg("-c")
        .arg(command)
        .env("LESS", std::env::var("LESS").unwrap_or_else(|_| "FRX".into()))
        .stdin(Stdio::piped())
        .spawn();
    let Ok(mut child) = child else {
        return print(text);
    };
    let _interrupts = interrupts_to_the_pager();
    if let Some(mut stdin) = child.stdin.take() {
        // The reader quitting early (`q` in less) is not an error.
        let _ = stdin.write_all(text.as_bytes());
    }
    match child.wait() {
        Ok(status) if status.success() => Ok(()),
        _ => print(text),
    }
}

/// While the pager runs, Ctrl-C is the pager's (less uses it to stop a search): this process
/// catches it and keeps waiting, instead of dying and leaving the pager on the terminal beside
/// the shell. Hold the returned value until the pager exits.
fn interrupts_to_the_pager() -> Option<(tokio::runtime::Runtime, tokio::signal::unix::Signal)> {
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().ok()?;
    let signal = {
        let _context = runtime.enter();
        tokio::signal::unix::signal(tokio::signal::unix::SignalKind::interrupt()).ok()?
    };
    Some((runtime, signal))
}

fn print(text: &str) -> std::io::Result<()> {
    let mut out = std::io::stdout().lock();
    out.write_all(text.as_bytes())?;
    out.flush()
}
