//! The shell for non-terminal standard input (pipes, scripts): plain lines in, plain text out,
//! no bars, no editor (PRODUCT.md, "Non-terminal input").

use std::io::{BufRead, Write};
use std::path::PathBuf;
use std::thread;

use tokio::sync::mpsc;

use crate::driver::{Input, Shell, Status};
use crate::session::Message;
use crate::transcript::Transcript;

use super::render::message_markdown;

/// Read standard input line by line on a thread, forwarding each line; `Eof` at the end. Lines
/// still unread by the session stay in the channel for whatever reads next (the checklist).
pub fn spawn_stdin_lines(tx: mpsc::UnboundedSender<Input>) {
    thread::spawn(move || {
        let stdin = std::io::stdin();
        let mut lock = stdin.lock();
        let mut buf = String::new();
        loop {
            buf.clear();
            match lock.read_line(&mut buf) {
                Ok(0) | Err(_) => {
                    let _ = tx.send(Input::Eof);
                    return;
                }
                Ok(_) => {
                    let line = buf.trim_end_matches(['\n', '\r']).to_string();
                    if tx.send(Input::Line(line)).is_err() {
                        return;
                    }
                }
            }
        }
    });
}

/// A `BufRead` over the remaining lines of an input channel (blocking), for the checklist walk.
pub struct ChannelLines {
    rx: mpsc::UnboundedReceiver<Input>,
    buf: Vec<u8>,
    pos: usize,
}

impl ChannelLines {
    pub fn new(rx: mpsc::UnboundedReceiver<Input>) -> Self {
        Self { rx, buf: Vec::new(), pos: 0 }
    }
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
            match self.rx.blocking_recv() {
                Some(Input::Line(line)) => {
                    self.buf = format!("{line}\n").into_bytes();
                    self.pos = 0;
                }
                Some(Input::Draft(_)) => {}
                Some(Input::Eof | Input::Interrupt) | None => return Ok(&[]),
            }
        }
        Ok(&self.buf[self.pos..])
    }

    fn consume(&mut self, amt: usize) {
        self.pos += amt;
    }
}

/// Plain text on standard output; saving and probes through [`SessionFiles`](crate::driver::SessionFiles).
pub struct PlainShell {
    pub files: crate::driver::SessionFiles,
}

impl PlainShell {
    pub fn new(path: PathBuf) -> Self {
        Self { files: crate::driver::SessionFiles { path } }
    }
}

impl Shell for PlainShell {
    fn show(&mut self, message: &Message) {
        let mut out = std::io::stdout().lock();
        let _ = writeln!(out, "{}", message_markdown(message));
        let _ = out.flush();
    }

    fn status(&mut self, _status: &Status) {}

    fn edit(&mut self, _text: &str) -> Result<String, String> {
        Err("/edit needs a terminal".into())
    }

    fn save(&mut self, transcript: &Transcript) -> anyhow::Result<()> {
        self.files.save(transcript)
    }

    fn finish(&mut self) {}
}
