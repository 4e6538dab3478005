//! The interactive terminal shell: raw-mode line editing under a live countdown.
//!
//! Layout: everything the interviewer says and every line the candidate entered scrolls above a
//! two-line footer drawn by indicatif — the phase countdown with its bar, and the line being typed.
//! Because the typed line is part of the footer, redrawing the countdown never garbles typing.
//! Raw mode turns off the terminal's own `\n` → `\r\n`, so all output goes through [`RawOut`],
//! which puts it back. Bracketed paste delivers a 200-line paste as one event.

use std::io::{self, Write};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread::{self, JoinHandle};
use std::time::Duration;

use crossterm::event::{self, Event as TermEvent, KeyCode, KeyEvent, KeyEventKind, KeyModifiers};
use crossterm::{execute, terminal};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle, TermLike};
use tokio::sync::mpsc;

use crate::driver::{Countdown, Input, Shell, is_urgent};
use crate::session::{Message, fmt_duration, literal_line};

use super::render::{message_markdown, to_terminal};

/// Standard output for raw mode: every `\n` becomes `\r\n`.
#[derive(Debug, Clone, Copy)]
pub struct RawOut;

impl RawOut {
    pub fn write_text(text: &str) -> io::Result<()> {
        let mut out = io::stdout().lock();
        out.write_all(text.replace("\r\n", "\n").replace('\n', "\r\n").as_bytes())?;
        out.flush()
    }
}

impl TermLike for RawOut {
    fn width(&self) -> u16 {
        terminal::size().map_or(80, |(w, _)| w)
    }
    fn height(&self) -> u16 {
        terminal::size().map_or(24, |(_, h)| h)
    }
    fn move_cursor_up(&self, n: usize) -> io::Result<()> {
        if n > 0 { Self::write_text(&format!("\x1b[{n}A")) } else { Ok(()) }
    }
    fn move_cursor_down(&self, n: usize) -> io::Result<()> {
        if n > 0 { Self::write_text(&format!("\x1b[{n}B")) } else { Ok(()) }
    }
    fn move_cursor_right(&self, n: usize) -> io::Result<()> {
        if n > 0 { Self::write_text(&format!("\x1b[{n}C")) } else { Ok(()) }
    }
    fn move_cursor_left(&self, n: usize) -> io::Result<()> {
        if n > 0 { Self::write_text(&format!("\x1b[{n}D")) } else { Ok(()) }
    }
    fn write_line(&self, s: &str) -> io::Result<()> {
        Self::write_text(&format!("{s}\n"))
    }
    fn write_str(&self, s: &str) -> io::Result<()> {
        Self::write_text(s)
    }
    fn clear_line(&self) -> io::Result<()> {
        Self::write_text("\r\x1b[2K")
    }
    fn flush(&self) -> io::Result<()> {
        io::stdout().flush()
    }
}

/// The line being typed.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct LineEditor {
    chars: Vec<char>,
    cursor: usize,
    /// The line starts with pasted text: it is answer text even if it starts with `/`.
    pasted: bool,
    /// Lines entered in this phase, oldest first, for Up and Down.
    history: Vec<String>,
    /// Which of `history` is shown, while recalling.
    recalled: Option<usize>,
    /// The line being typed before Up was pressed.
    stash: String,
}

/// What a key did to the line.
#[derive(Debug, Clone, PartialEq)]
pub enum Edit {
    Changed,
    Unchanged,
    /// Enter: the line is done.
    Submit(String),
    Interrupt,
}

impl LineEditor {
    pub fn text(&self) -> String {
        self.chars.iter().collect()
    }

    /// Insert pasted text at the cursor.
    pub fn paste_str(&mut self, s: &str) {
        if self.chars.is_empty() {
            self.pasted = true;
        }
        self.insert_str(s);
    }

    /// Take the line as entered: a line that began as a paste is answer text.
    fn take_entered(&mut self) -> String {
        let pasted = self.pasted;
        let line = self.take();
        if pasted { literal_line(&line) } else { line }
    }

    pub fn insert_str(&mut self, s: &str) {
        for c in s.chars().filter(|c| !c.is_control() || *c == '\t') {
            let c = if c == '\t' { ' ' } else { c };
            self.chars.insert(self.cursor, c);
            self.cursor += 1;
        }
    }

    fn take(&mut self) -> String {
        self.cursor = 0;
        self.pasted = false;
        self.recalled = None;
        self.stash.clear();
        let line: String = std::mem::take(&mut self.chars).into_iter().collect();
        if !line.trim().is_empty() && !line.trim_start().starts_with('/') {
            self.history.push(line.clone());
        }
        line
    }

    /// Apply one key press.
    pub fn key(&mut self, key: KeyEvent) -> Edit {
        let edit = self.apply(key);
        if self.chars.is_empty() {
            self.pasted = false;
        }
        edit
    }

    fn apply(&mut self, key: KeyEvent) -> Edit {
        let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
        match key.code {
            KeyCode::Char('c') if ctrl => Edit::Interrupt,
            KeyCode::Char('u') if ctrl => {
                self.chars.drain(..self.cursor);
                self.cursor = 0;
                Edit::Changed
            }
            KeyCode::Char('w') if ctrl => {
                let mut start = self.cursor;
                while start > 0 && self.chars[start - 1].is_whitespace() {
                    start -= 1;
                }
                while start > 0 && !self.chars[start - 1].is_whitespace() {
                    start -= 1;
                }
                self.chars.drain(start..self.cursor);
                self.cursor = start;
                Edit::Changed
            }
            KeyCode::Char('a') if ctrl => self.move_to(0),
            KeyCode::Char('e') if ctrl => self.move_to(self.chars.len()),
            KeyCode::Char('l') if ctrl => Edit::Changed,
            KeyCode::Char(_) if ctrl => Edit::Unchanged,
            KeyCode::Char(c) => {
                self.chars.insert(self.cursor, c);
                self.cursor += 1;
                Edit::Changed
            }
            KeyCode::Enter => Edit::Submit(self.take_entered()),
            KeyCode::Backspace if self.cursor > 0 => {
                self.cursor -= 1;
                self.chars.remove(self.cursor);
                Edit::Changed
            }
            KeyCode::Delete if self.cursor < self.chars.len() => {
                self.chars.remove(self.cursor);
                Edit::Changed
            }
            KeyCode::Left if self.cursor > 0 => self.move_to(self.cursor - 1),
            KeyCode::Right if self.cursor < self.chars.len() => self.move_to(self.cursor + 1),
            KeyCode::Up => self.recall_older(),
            KeyCode::Down => self.recall_newer(),
            KeyCode::Home => self.move_to(0),
            KeyCode::End => self.move_to(self.chars.len()),
            _ => Edit::Unchanged,
        }
    }

    fn move_to(&mut self, pos: usize) -> Edit {
        self.cursor = pos;
        Edit::Changed
    }

    /// The line as the footer shows it for `width` columns: wrapped onto rows (the first after
    /// `› `, the rest indented to match), at most [`MAX_ROWS`] of them — the rows around the cursor,
    /// `…` where rows are hidden — with the cursor's character in reverse video.
    pub fn view(&self, width: usize, color: bool) -> String {
        let room = width.saturating_sub(3).max(8);
        let len = self.chars.len();
        // Rows of `room` characters; the cursor at the very end may open a new row.
        let rows = (len / room + 1).max(1);
        let cursor_row = (self.cursor / room).min(rows - 1);
        let first = cursor_row.saturating_sub(MAX_ROWS - 1).min(rows.saturating_sub(MAX_ROWS));
        let last = (first + MAX_ROWS).min(rows);
        let mut out = String::new();
        for row in first..last {
            if row > first {
                out.push('\n');
            }
            let lead = if row == 0 {
                "› "
            } else if row == first {
                "…"
            } else {
                "  "
            };
            out.push_str(lead);
            if row == first && row > 0 {
                out.push(' ');
            }
            let (a, b) = (row * room, ((row + 1) * room).min(len));
            for i in a..b {
                let c = self.chars[i];
                if color && i == self.cursor {
                    out.push_str(&format!("\x1b[7m{c}\x1b[27m"));
                } else {
                    out.push(c);
                }
            }
        }
        if last < rows {
            out.push_str(" …");
        }
        out
    }

    /// Up: the previous line entered in this phase (the line being typed is kept for Down).
    fn recall_older(&mut self) -> Edit {
        if self.history.is_empty() {
            return Edit::Unchanged;
        }
        let pos = match self.recalled {
            None => {
                self.stash = self.text();
                self.history.len() - 1
            }
            Some(0) => return Edit::Unchanged,
            Some(p) => p - 1,
        };
        self.recalled = Some(pos);
        self.set_text(&self.history[pos].clone());
        Edit::Changed
    }

    /// Down: the next line entered in this phase, then back to the line being typed.
    fn recall_newer(&mut self) -> Edit {
        let Some(pos) = self.recalled else { return Edit::Unchanged };
        if pos + 1 < self.history.len() {
            self.recalled = Some(pos + 1);
            self.set_text(&self.history[pos + 1].clone());
        } else {
            self.recalled = None;
            let stash = std::mem::take(&mut self.stash);
            self.set_text(&stash);
        }
        Edit::Changed
    }

    fn set_text(&mut self, text: &str) {
        self.chars = text.chars().collect();
        self.cursor = self.chars.len();
    }

    /// A new phase: the lines entered before are not recalled any more.
    pub fn forget_history(&mut self) {
        self.history.clear();
        self.recalled = None;
        self.stash.clear();
    }
}

/// The most rows the line being typed takes in the footer.
pub const MAX_ROWS: usize = 6;

/// Lines echoed above the footer: wrapped at word boundaries to `width`, the first after two
/// spaces, the rest with a hanging indent of four.
pub fn echo_lines(line: &str, width: usize) -> Vec<String> {
    let room = width.saturating_sub(1).max(20);
    let mut rows = Vec::new();
    let mut row = String::from("  ");
    let mut empty = true;
    for word in line.split(' ') {
        let fits = row.chars().count() + usize::from(!empty) + word.chars().count() <= room;
        if !empty && !fits {
            rows.push(std::mem::replace(&mut row, String::from("    ")));
            empty = true;
        }
        if !empty {
            row.push(' ');
        }
        // A single word longer than a row is cut where it must be.
        let mut word: Vec<char> = word.chars().collect();
        while row.chars().count() + word.len() > room && word.len() > room / 2 {
            let take = room - row.chars().count();
            row.extend(word.drain(..take));
            rows.push(std::mem::replace(&mut row, String::from("    ")));
        }
        row.extend(word);
        empty = false;
    }
    rows.push(row);
    rows
}

/// An entered line as it lands in the answer: `//text` is the literal `/text`.
fn shown_as(line: &str) -> std::borrow::Cow<'_, str> {
    let body = line.trim_start();
    match body.strip_prefix("//") {
        Some(rest) => format!("{}/{rest}", &line[..line.len() - body.len()]).into(),
        None => line.into(),
    }
}

/// The interactive shell: footer, input thread, editor.
pub struct TerminalShell {
    bar: ProgressBar,
    color: bool,
    paused: Arc<AtomicBool>,
    stop: Arc<AtomicBool>,
    /// Set when the phase ended and took the line being typed: the input thread empties it.
    clear: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
    restored: bool,
}

impl TerminalShell {
    /// Enter raw mode, draw the footer and start reading keys into `tx`.
    pub fn start(color: bool, tx: mpsc::UnboundedSender<Input>) -> io::Result<Self> {
        terminal::enable_raw_mode()?;
        let _ = execute!(io::stdout(), event::EnableBracketedPaste);
        let bar = ProgressBar::with_draw_target(
            Some(1000),
            ProgressDrawTarget::term_like_with_hz(Box::new(RawOut), 15),
        );
        // The countdown line is built by `status_line` to fit the width exactly; indicatif draws
        // the footer, rate-limits redraws and clears it around everything printed above.
        let style =
            ProgressStyle::with_template("{prefix}\n{msg}").unwrap_or_else(|_| ProgressStyle::default_bar());
        bar.set_style(style);
        bar.set_message("› ");
        let paused = Arc::new(AtomicBool::new(false));
        let stop = Arc::new(AtomicBool::new(false));
        let clear = Arc::new(AtomicBool::new(false));
        let thread = {
            let flags = Flags { paused: paused.clone(), stop: stop.clone(), clear: clear.clone() };
            let bar = bar.clone();
            thread::spawn(move || read_keys(&bar, &tx, &flags, color))
        };
        Ok(Self { bar, color, paused, stop, clear, thread: Some(thread), restored: false })
    }

    fn print(&self, text: &str) {
        self.bar.suspend(|| {
            let _ = RawOut::write_text(text);
        });
    }

    /// Leave raw mode and stop reading keys (idempotent).
    pub fn restore(&mut self) {
        if self.restored {
            return;
        }
        self.restored = true;
        self.stop.store(true, Ordering::SeqCst);
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
        self.bar.finish_and_clear();
        let _ = execute!(io::stdout(), event::DisableBracketedPaste, crossterm::cursor::Show);
        let _ = terminal::disable_raw_mode();
    }
}

impl Drop for TerminalShell {
    fn drop(&mut self) {
        self.restore();
    }
}

/// A message as the shell prints it above the footer: rendered for `width` columns, set off by a
/// blank line.
pub fn message_text(message: &Message, width: usize, color: bool) -> String {
    let text = to_terminal(&message_markdown(message), width, color);
    format!("\n{}\n", text.trim_matches('\n'))
}

/// The countdown line: phase, time left in it and in the interview, and a bar of the phase's
/// time used, never wider than `width` (a wrapped footer would garble the screen on resize).
pub fn status_line(s: &Countdown, width: usize, color: bool) -> String {
    let left = if s.phase_left < 0.0 {
        format!("overtime {}", fmt_duration(-s.phase_left))
    } else {
        format!("{} left", fmt_duration(s.phase_left))
    };
    let left = if s.paused { format!("paused · {left}") } else { left };
    let mut text = format!(
        "{}/4 {} · {left} · interview {}",
        s.phase.index() + 1,
        s.phase.title(),
        fmt_duration(s.total_left)
    );
    let room = width.saturating_sub(1);
    if text.chars().count() > room {
        text = format!("{}/4 · {left}", s.phase.index() + 1);
    }
    let bar_room = room.saturating_sub(text.chars().count() + 2).min(24);
    let mut bar = String::new();
    if bar_room >= 8 {
        let used = ((s.phase_budget - s.phase_left) / s.phase_budget.max(f64::EPSILON)).clamp(0.0, 1.0);
        let filled = (used * bar_room as f64).round() as usize;
        let (on, off) = if color { ('█', '░') } else { ('#', '-') };
        bar = format!("  {}{}", on.to_string().repeat(filled), off.to_string().repeat(bar_room - filled));
    }
    if color {
        let code = if s.phase_left < 0.0 {
            "31"
        } else if is_urgent(s) {
            "33"
        } else {
            "1"
        };
        format!("\x1b[{code}m{text}\x1b[0m\x1b[36m{bar}\x1b[0m")
    } else {
        format!("{text}{bar}")
    }
}

/// How many more rows than lines the footer `lines` take once reflowed to `width` columns.
fn reflowed_rows(lines: &[String], width: usize) -> usize {
    let width = width.max(1);
    lines
        .iter()
        .flat_map(|l| l.lines())
        .map(|row| super::style::visible_len(row).saturating_sub(1) / width)
        .sum()
}

/// What the shell tells its input thread.
struct Flags {
    paused: Arc<AtomicBool>,
    stop: Arc<AtomicBool>,
    clear: Arc<AtomicBool>,
}

/// The input thread: keys and pastes into the line editor; entered lines to the driver.
fn read_keys(bar: &ProgressBar, tx: &mpsc::UnboundedSender<Input>, flags: &Flags, color: bool) {
    let (paused, stop) = (&flags.paused, &flags.stop);
    let mut editor = LineEditor::default();
    let width = || terminal::size().map_or(80, |(w, _)| usize::from(w));
    let mut last_width = width();
    while !stop.load(Ordering::SeqCst) {
        if flags.clear.swap(false, Ordering::SeqCst) {
            // A new phase: its own empty line, and Up recalls only its own lines.
            editor = LineEditor::default();
            bar.set_message(editor.view(width(), color));
            if tx.send(Input::Draft(String::new())).is_err() {
                return;
            }
        }
        if paused.load(Ordering::SeqCst) || !event::poll(Duration::from_millis(50)).unwrap_or(false) {
            if paused.load(Ordering::SeqCst) {
                thread::sleep(Duration::from_millis(20));
            }
            continue;
        }
        if paused.load(Ordering::SeqCst) {
            continue;
        }
        let Ok(ev) = event::read() else {
            let _ = tx.send(Input::Interrupt);
            return;
        };
        let mut entered: Vec<String> = Vec::new();
        match ev {
            TermEvent::Key(key) if key.kind != KeyEventKind::Release => match editor.key(key) {
                Edit::Changed => {}
                Edit::Unchanged => continue,
                Edit::Submit(line) => entered.push(line),
                Edit::Interrupt => {
                    let _ = tx.send(Input::Interrupt);
                    continue;
                }
            },
            TermEvent::Paste(text) => {
                let text = text.replace("\r\n", "\n").replace('\r', "\n");
                let mut parts = text.split('\n').peekable();
                while let Some(part) = parts.next() {
                    editor.paste_str(part);
                    if parts.peek().is_some() {
                        entered.push(editor.take_entered());
                    }
                }
            }
            TermEvent::Resize(new_width, _) => {
                let new_width = usize::from(new_width);
                if new_width < last_width {
                    // A terminal that reflows on narrowing wraps the old footer onto more rows
                    // than indicatif knows of: clear those too before it redraws.
                    let extra = reflowed_rows(&[bar.prefix(), bar.message()], new_width);
                    if extra > 0 {
                        bar.suspend(|| {
                            let _ = RawOut::write_text(&format!("\x1b[{extra}A\r\x1b[J"));
                        });
                    }
                }
                last_width = new_width;
            }
            _ => continue,
        }
        if !entered.is_empty() {
            // Echo what lands in the answer: a `//` escape shows as the `/` it stands for.
            let w = width();
            let echo: String = entered
                .iter()
                .flat_map(|l| echo_lines(&shown_as(l), w))
                .map(|row| if color { format!("\x1b[2m{row}\x1b[0m\n") } else { format!("{row}\n") })
                .collect();
            bar.suspend(|| {
                let _ = RawOut::write_text(&echo);
            });
            for line in entered {
                if tx.send(Input::Line(line)).is_err() {
                    return;
                }
            }
        }
        bar.set_message(editor.view(width(), color));
        if tx.send(Input::Draft(editor.text())).is_err() {
            return;
        }
    }
}

impl Shell for TerminalShell {
    fn show(&mut self, message: &Message) {
        let width = usize::from(RawOut.width()).clamp(30, 120);
        self.print(&message_text(message, width, self.color));
    }

    fn status(&mut self, s: &Countdown) {
        let width = usize::from(RawOut.width());
        self.bar.set_prefix(status_line(s, width, self.color));
    }

    fn edit(&mut self, text: &str) -> Result<String, String> {
        let editor = std::env::var("VISUAL")
            .ok()
            .filter(|v| !v.trim().is_empty())
            .or_else(|| std::env::var("EDITOR").ok().filter(|v| !v.trim().is_empty()))
            .ok_or_else(|| "no editor: set $EDITOR (or $VISUAL) to use /edit".to_string())?;
        let file = tempfile::Builder::new()
            .prefix("mockdesign-")
            .suffix(".md")
            .tempfile()
            .map_err(|e| e.to_string())?;
        std::fs::write(file.path(), text).map_err(|e| e.to_string())?;
        self.paused.store(true, Ordering::SeqCst);
        thread::sleep(Duration::from_millis(80));
        let result = self.bar.suspend(|| {
            let _ = terminal::disable_raw_mode();
            let status = std::process::Command::new("sh")
                .arg("-c")
                .arg(format!("{editor} \"$1\""))
                .arg("sh")
                .arg(file.path())
                .status();
            let _ = terminal::enable_raw_mode();
            status
        });
        self.paused.store(false, Ordering::SeqCst);
        match result {
            Ok(s) if s.success() => std::fs::read_to_string(file.path()).map_err(|e| e.to_string()),
            Ok(s) => Err(format!("the editor ({editor}) exited with {s}; your answer is unchanged")),
            Err(e) => Err(format!("cannot start the editor ({editor}): {e}")),
        }
    }

    fn clear_draft(&mut self) {
        self.clear.store(true, Ordering::SeqCst);
        self.bar.set_message("› ");
    }

    fn finish(&mut self) {
        self.restore();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::Phase;

    fn press(e: &mut LineEditor, code: KeyCode) -> Edit {
        e.key(KeyEvent::new(code, KeyModifiers::NONE))
    }

    #[test]
    fn typing_editing_and_enter() {
        let mut e = LineEditor::default();
        for c in "helo".chars() {
            press(&mut e, KeyCode::Char(c));
        }
        press(&mut e, KeyCode::Left);
        press(&mut e, KeyCode::Char('l'));
        assert_eq!(e.text(), "hello");
        e.key(KeyEvent::new(KeyCode::Char('w'), KeyModifiers::CONTROL));
        assert_eq!(e.text(), "o");
        assert_eq!(press(&mut e, KeyCode::Enter), Edit::Submit("o".into()));
        assert_eq!(e.text(), "");
        assert_eq!(e.key(KeyEvent::new(KeyCode::Char('c'), KeyModifiers::CONTROL)), Edit::Interrupt);
    }

    #[test]
    fn a_pasted_line_starting_with_a_slash_is_entered_as_text_and_a_typed_one_as_a_command() {
        let mut e = LineEditor::default();
        e.paste_str("/links POST creates a link");
        assert_eq!(press(&mut e, KeyCode::Enter), Edit::Submit("//links POST creates a link".into()));
        for c in "/next".chars() {
            press(&mut e, KeyCode::Char(c));
        }
        assert_eq!(press(&mut e, KeyCode::Enter), Edit::Submit("/next".into()), "typed: a command");
        assert_eq!(shown_as("  //links"), "  /links", "echoed as it lands in the answer");
    }

    #[test]
    fn a_long_line_wraps_onto_rows_within_the_width_showing_the_cursor_end() {
        let mut e = LineEditor::default();
        e.insert_str(&"word ".repeat(30));
        let v = e.view(60, false);
        assert_eq!(v.lines().count(), 3, "{v}");
        assert!(v.lines().all(|l| l.chars().count() <= 60), "{v}");
        assert!(v.starts_with("› word"));
        e.insert_str(&"x".repeat(600));
        e.insert_str("END");
        let v = e.view(60, false);
        assert_eq!(v.lines().count(), MAX_ROWS, "{v}");
        assert!(v.lines().all(|l| l.chars().count() <= 60), "{v}");
        assert!(v.starts_with("… "), "earlier rows are hidden: {v}");
        assert!(v.trim_end().ends_with("END"), "{v}");
    }

    #[test]
    fn echoed_lines_wrap_at_word_boundaries_with_a_hanging_indent() {
        let line =
            "Each phone keeps a persistent connection to a chat gateway so messages are pushed not polled";
        let rows = echo_lines(line, 40);
        assert!(rows.len() > 1);
        assert!(rows[0].starts_with("  Each"), "{rows:?}");
        assert!(rows[1..].iter().all(|r| r.starts_with("    ") && !r.starts_with("     ")), "{rows:?}");
        assert!(rows.iter().all(|r| r.chars().count() < 40), "{rows:?}");
        let words: Vec<&str> = rows.iter().flat_map(|r| r.split_whitespace()).collect();
        assert_eq!(words.join(" "), line, "no word is cut");
    }

    #[test]
    fn a_footer_reflowed_onto_a_narrower_terminal_counts_its_extra_rows() {
        let footer = ["x".repeat(99), format!("› {}\n  {}", "y".repeat(97), "z".repeat(10))];
        assert_eq!(reflowed_rows(&footer, 100), 0, "no narrower: nothing extra");
        assert_eq!(reflowed_rows(&footer, 50), 2, "two long lines take a row more each");
        let s = Countdown {
            phase: Phase::Requirements,
            phase_left: 60.0,
            phase_budget: 480.0,
            total_left: 2000.0,
            paused: true,
        };
        assert!(
            status_line(&s, 100, false).contains("paused · 1:00 left"),
            "the footer says the clock is stopped"
        );
    }

    #[test]
    fn up_and_down_recall_the_lines_entered_in_this_phase() {
        let mut e = LineEditor::default();
        for line in ["first line", "second line"] {
            e.insert_str(line);
            press(&mut e, KeyCode::Enter);
        }
        e.insert_str("typing");
        press(&mut e, KeyCode::Up);
        assert_eq!(e.text(), "second line");
        press(&mut e, KeyCode::Up);
        assert_eq!(e.text(), "first line");
        assert_eq!(press(&mut e, KeyCode::Up), Edit::Unchanged, "no older line");
        press(&mut e, KeyCode::Down);
        press(&mut e, KeyCode::Down);
        assert_eq!(e.text(), "typing", "back to the line being typed");
        e.forget_history();
        assert_eq!(press(&mut e, KeyCode::Up), Edit::Unchanged, "a new phase recalls nothing");
    }

    #[test]
    fn the_countdown_line_fits_any_width() {
        let s = Countdown {
            phase: Phase::DeepDive,
            phase_left: 125.0,
            phase_budget: 900.0,
            total_left: 725.0,
            paused: false,
        };
        for width in [20, 40, 60, 100] {
            let line = status_line(&s, width, false);
            assert!(line.chars().count() < width, "{width}: {line}");
            assert!(line.contains("2:05 left"), "{line}");
        }
        assert!(status_line(&s, 100, false).contains("3/4 Deep dive · 2:05 left · interview 12:05  ####"));
    }
}
