//! The shell for non-terminal standard input (pipes, scripts): plain lines in, plain text out,
//! no bars, no editor (PRODUCT.md, "Non-terminal input").

use std::io::{BufRead, Write};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread;

use tokio::sync::mpsc;

use crate::driver::{Countdown, Input, Shell};
use crate::session::Message;

use super::render::message_markdown;

/// Read standard input line by line on a thread, forwarding each line; `Eof` at the end. Lines
/// still unread by the session stay in the channel for whatever reads next (the checklist).
///
/// Bytes that are not UTF-8 are replaced (with one warning), never taken for the end of input.
/// The returned flag is set once the input has ended, before `Eof` is sent.
pub fn spawn_stdin_lines(tx: mpsc::UnboundedSender<Input>) -> Arc<AtomicBool> {
    let ended = Arc::new(AtomicBool::new(false));
    let flag = ended.clone();
    thread::spawn(move || {
        let stdin = std::io::stdin();
        let mut lock = stdin.lock();
        let mut buf = Vec::new();
        let mut warned = false;
        loop {
            buf.clear();
            match lock.read_until(b'\n', &mut buf) {
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                Ok(0) | Err(_) => {
                    flag.store(true, Ordering::SeqCst);
                    let _ = tx.send(Input::Eof);
                    return;
                }
                Ok(_) => {
                    let (line, lossy) = decode_line(&buf);
                    if lossy && !warned {
                        warned = true;
                        eprintln!(
                            "mockdesign: warning: standard input is not valid UTF-8; the bytes that are not were replaced with \u{fffd}"
                        );
                    }
                    if tx.send(Input::Line(line)).is_err() {
                        return;
                    }
                }
            }
        }
    });
    ended
}

/// One line of input without its line ending, and whether bytes that are not UTF-8 were replaced.
pub fn decode_line(bytes: &[u8]) -> (String, bool) {
    let text = String::from_utf8_lossy(bytes);
    let lossy = matches!(text, std::borrow::Cow::Owned(_));
    (text.trim_end_matches(['\n', '\r']).to_string(), lossy)
}

/// A `BufRead` over the remaining lines of an input channel (blocking), for the checklist walk.
/// Call it off the async runtime (`spawn_blocking`) so signals keep arriving: an
/// `Input::Interrupt` is an error wrapping [`Interrupted`](crate::error::Interrupted).
pub struct ChannelLines {
    rx: mpsc::UnboundedReceiver<Input>,
    buf: Vec<u8>,
    pos: usize,
    /// Set once standard input has ended (the session may have taken its `Eof` already).
    ended: Arc<AtomicBool>,
    interrupted: bool,
}

impl ChannelLines {
    pub fn new(rx: mpsc::UnboundedReceiver<Input>, ended: Arc<AtomicBool>) -> Self {
        Self { rx, buf: Vec::new(), pos: 0, ended, interrupted: false }
    }
}

/// Whether an I/O error is the checklist being interrupted by a signal.
pub fn is_interrupt(e: &std::io::Error) -> bool {
    e.get_ref().is_some_and(|inner| inner.is::<crate::error::Interrupted>())
}

impl std::io::Read for ChannelLines {
    fn read(&mut self, out: &mut [u8]) -> std::io::Result<usize> {
        let available = std::io::BufRead::fill_buf(self)?;
        let n = available.len().min(out.len());
        out[..n].copy_from_slice(&available[..n]);
        self.consume(n);
        Ok(n)
    }
}

impl BufRead for ChannelLines {
    fn fill_buf(&mut self) -> std::io::Result<&[u8]> {
        while self.pos >= self.buf.len() {
            if self.interrupted {
                return Err(std::io::Error::other(crate::error::Interrupted));
            }
            let next = match self.rx.try_recv() {
                Ok(input) => Some(input),
                Err(mpsc::error::TryRecvError::Empty) if self.ended.load(Ordering::SeqCst) => None,
                Err(mpsc::error::TryRecvError::Empty) => self.rx.blocking_recv(),
                Err(mpsc::error::TryRecvError::Disconnected) => None,
            };
            match next {
                Some(Input::Line(line)) => {
                    self.buf = format!("{line}\n").into_bytes();
                    self.pos = 0;
                }
                Some(Input::Draft(_)) => {}
                Some(Input::Interrupt) => self.interrupted = true,
                Some(Input::Eof) | None => return Ok(&[]),
            }
        }
        Ok(&self.buf[self.pos..])
    }

    fn consume(&mut self, amt: usize) {
        self.pos += amt;
    }
}

/// Plain text on standard output (the store saves; the driver asks for probes).
#[derive(Debug, Default)]
pub struct PlainShell;

impl PlainShell {
    pub fn new() -> Self {
        Self
    }
}

impl Shell for PlainShell {
    fn show(&mut self, message: &Message) {
        let mut out = std::io::stdout().lock();
        let _ = writeln!(out, "{}", message_markdown(message));
        let _ = out.flush();
    }

    fn status(&mut self, _status: &Countdown) {}

    fn edit(&mut self, _text: &str) -> Result<String, String> {
        Err("/edit needs a terminal".into())
    }

    fn finish(&mut self) {}
}
