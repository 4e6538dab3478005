//! Colour and terminal detection. Colour and bars are off when `NO_COLOR` is set, `--no-color` is
//! given, or the output is not a terminal.

use std::io::IsTerminal;
use std::sync::atomic::{AtomicBool, Ordering};

static PLAIN: AtomicBool = AtomicBool::new(false);

/// Called once at startup.
pub fn init(no_color_flag: bool) {
    let no_color_env = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
    PLAIN.store(no_color_flag || no_color_env, Ordering::Relaxed);
}

/// True when colour may be used on stdout.
pub fn color_stdout() -> bool {
    !PLAIN.load(Ordering::Relaxed) && std::io::stdout().is_terminal()
}

/// True when colour may be used on stderr.
pub fn color_stderr() -> bool {
    !PLAIN.load(Ordering::Relaxed) && std::io::stderr().is_terminal()
}

/// True when the user asked for plain output.
pub fn plain_requested() -> bool {
    PLAIN.load(Ordering::Relaxed)
}

/// The width to render to: the terminal's, else 100.
pub fn width() -> usize {
    crossterm::terminal::size().map_or(100, |(w, _)| usize::from(w).clamp(40, 160))
}
