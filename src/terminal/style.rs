//! How output may look, decided once at startup: [`Output`] says whether standard output is a
//! terminal, whether colour (and bars) may be used on it and on standard error, and how wide its
//! text must be. Colour is off when `NO_COLOR` is set, `--no-color` is given, or the stream is not
//! a terminal. [`Output::detect`] is the one place that reads the environment and asks the
//! terminal; renderers are handed colour and width as values and never ask themselves.
//! Also the pure helpers for fitting text to a width.

use std::io::IsTerminal;

use super::scorecard::RenderOpts;

/// What the output streams are and may show. Built by [`Output::detect`] at startup (or directly,
/// in tests) and passed to whatever renders.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Output {
    /// Standard output is a terminal.
    pub terminal: bool,
    /// Colour, styled Markdown and block bars may be used on standard output.
    pub color: bool,
    /// A spinner (and colour) may be drawn on standard error.
    pub color_stderr: bool,
    /// `COLUMNS`, for standard output that is not a terminal; a terminal's own width is read
    /// when text is laid out (see [`Output::width`]).
    pub columns: Option<usize>,
}

impl Output {
    /// Decide from `--no-color` (`no_color_flag`), `NO_COLOR`, whether standard output and standard
    /// error are terminals, and `COLUMNS`.
    pub fn detect(no_color_flag: bool) -> Self {
        let plain = no_color_flag || std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
        let terminal = std::io::stdout().is_terminal();
        Self {
            terminal,
            color: !plain && terminal,
            color_stderr: !plain && std::io::stderr().is_terminal(),
            columns: std::env::var("COLUMNS")
                .ok()
                .and_then(|c| c.trim().parse::<usize>().ok())
                .filter(|w| *w >= 20),
        }
    }

    /// The width text on standard output must fit: the terminal's (read now: a terminal can be
    /// resized during a session), or `COLUMNS` when output is piped and it is set; `None` (no
    /// wrapping) otherwise, so scripts get whole lines.
    pub fn width(&self) -> Option<usize> {
        if self.terminal { Some(terminal_width()) } else { self.columns }
    }

    /// How to render a scorecard: the terminal's width and colour on a terminal (colour when
    /// allowed), else plain text at 100 columns.
    pub fn render_opts(&self) -> RenderOpts {
        if self.terminal {
            RenderOpts { width: terminal_width(), color: self.color }
        } else {
            RenderOpts::plain(100)
        }
    }

    /// [`fit`] `text` to [`Output::width`] when there is one.
    pub fn fit(&self, text: &str) -> String {
        match self.width() {
            Some(w) => fit(text, w),
            None => text.to_string(),
        }
    }
}

/// The terminal's width, else 100. Never asked of a pipe (crossterm would fall back to spawning
/// `tput`).
fn terminal_width() -> usize {
    crossterm::terminal::size().map_or(100, |(w, _)| usize::from(w).clamp(40, 160))
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

    #[test]
    fn piped_output_fits_columns_when_set_and_scorecards_stay_plain_at_100() {
        let piped = |columns| Output { terminal: false, color: false, color_stderr: false, columns };
        let long = format!("{}\n", "word ".repeat(20).trim_end());
        assert_eq!(piped(None).fit(&long), long, "no COLUMNS: whole lines for scripts");
        assert!(piped(Some(30)).fit(&long).lines().all(|l| l.len() <= 30));
        assert_eq!(piped(Some(30)).render_opts(), RenderOpts::plain(100), "a scorecard ignores COLUMNS");
    }
}
