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

/// The width text on standard output must fit: the terminal's, or `COLUMNS` when output is piped
/// and it is set; `None` (no wrapping) otherwise, so scripts get whole lines.
pub fn output_width() -> Option<usize> {
    if std::io::stdout().is_terminal() {
        return Some(width());
    }
    std::env::var("COLUMNS").ok().and_then(|c| c.trim().parse::<usize>().ok()).filter(|w| *w >= 20)
}

/// Printable width of `s`: characters outside ANSI escape sequences.
pub fn visible_len(s: &str) -> usize {
    let mut n = 0;
    let mut in_escape = false;
    for c in s.chars() {
        if in_escape {
            in_escape = !c.is_ascii_alphabetic();
        } else if c == '\u{1b}' {
            in_escape = true;
        } else {
            n += 1;
        }
    }
    n
}

/// Fit `text` to `width` columns: a line that is too long wraps at word boundaries (never inside
/// a word), its continuation indented two more than the line. A single word wider than the line
/// stays whole.
pub fn fit(text: &str, width: usize) -> String {
    let mut out = String::with_capacity(text.len());
    for line in text.split_inclusive('\n') {
        let (body, newline) = match line.strip_suffix('\n') {
            Some(b) => (b, "\n"),
            None => (line, ""),
        };
        if visible_len(body) <= width {
            out.push_str(line);
            continue;
        }
        let indent_len = body.len() - body.trim_start().len();
        let hang = format!("{}  ", &body[..indent_len]);
        let mut row = body[..indent_len].to_string();
        let mut row_len = indent_len;
        let mut fresh = true;
        for word in body.trim_start().split(' ') {
            let w = visible_len(word);
            if !fresh && row_len + 1 + w > width {
                out.push_str(row.trim_end());
                out.push('\n');
                row.clone_from(&hang);
                row_len = hang.len();
                fresh = true;
            }
            if !fresh {
                row.push(' ');
                row_len += 1;
            }
            row.push_str(word);
            row_len += w;
            fresh = false;
        }
        out.push_str(row.trim_end());
        out.push_str(newline);
    }
    out
}

/// [`fit`] to [`output_width`] when there is one.
pub fn fit_output(text: &str) -> String {
    match output_width() {
        Some(w) => fit(text, w),
        None => text.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fit_wraps_long_lines_at_word_boundaries_with_a_hanging_indent() {
        let text = "short\n  a rather long line of words that will not fit in thirty columns at all\n";
        let out = fit(text, 30);
        assert!(out.lines().all(|l| l.chars().count() <= 30), "{out}");
        assert!(out.starts_with("short\n  a rather"), "{out}");
        assert!(out.lines().skip(2).all(|l| l.starts_with("    ")), "hanging indent: {out}");
        let words = |s: &str| s.split_whitespace().map(str::to_string).collect::<Vec<_>>();
        assert_eq!(words(&out), words(text), "no word is cut");
        assert_eq!(visible_len("\u{1b}[1mbold\u{1b}[0m"), 4);
    }
}
