//! A small builder for running the real binary with an isolated home and scripted input.

#![allow(dead_code)]

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use tempfile::TempDir;

/// An isolated mockdesign data folder; dropped at the end of the test.
pub struct Home {
    dir: TempDir,
}

impl Home {
    pub fn new() -> Self {
        Self { dir: tempfile::tempdir().expect("temp dir") }
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    /// `mockdesign` with this home, no colour, and no provider keys or grader settings from the
    /// developer's shell.
    pub fn cmd(&self) -> Command {
        Command::from_std(self.std_cmd())
    }

    pub fn sessions_dir(&self) -> PathBuf {
        self.path().join("sessions")
    }

    /// Transcript files, oldest first.
    pub fn sessions(&self) -> Vec<PathBuf> {
        let mut files: Vec<PathBuf> = std::fs::read_dir(self.sessions_dir())
            .map(|rd| rd.filter_map(Result::ok).map(|e| e.path()).collect())
            .unwrap_or_default();
        files.retain(|p| {
            p.extension().is_some_and(|e| e == "json")
                && !p.file_name().unwrap().to_string_lossy().starts_with('.')
        });
        files.sort();
        files
    }

    /// The only (or newest) transcript as JSON.
    pub fn latest_transcript(&self) -> serde_json::Value {
        let path = self.sessions().pop().expect("a saved session");
        serde_json::from_slice(&std::fs::read(path).expect("read transcript")).expect("transcript is JSON")
    }

    /// Write a file inside the home and return its path.
    pub fn write(&self, rel: &str, contents: &str) -> PathBuf {
        let path = self.path().join(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, contents).unwrap();
        path
    }
}

/// The path of a file under `tests/fixtures/`.
pub fn fixture(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures").join(rel)
}

/// Stdout as a string.
pub fn stdout(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// Stderr as a string.
pub fn stderr(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

impl Home {
    /// The same command as a `std::process::Command`, for tests that spawn, kill or use a pty.
    /// The real binary in a pseudo-terminal (`TERM=xterm`, 100 columns unless `envs` says
    /// otherwise), waiting at most 20 s for each expected text.
    pub fn pty(&self, args: &[&str], envs: &[(&str, &str)]) -> expectrl::session::OsSession {
        let mut cmd = self.std_cmd();
        cmd.args(args).env("TERM", "xterm").env("COLUMNS", "100");
        for (k, v) in envs {
            cmd.env(k, v);
        }
        let mut p = expectrl::Session::spawn(cmd).expect("spawn in a pty");
        p.set_expect_timeout(Some(std::time::Duration::from_secs(20)));
        p
    }

    pub fn std_cmd(&self) -> std::process::Command {
        let mut cmd = std::process::Command::new(assert_cmd::cargo::cargo_bin("mockdesign"));
        cmd.env("MOCKDESIGN_HOME", self.path())
            .env("NO_COLOR", "1")
            .env_remove("OPENAI_API_KEY")
            .env_remove("ANTHROPIC_API_KEY")
            .env_remove("MOCKDESIGN_API_KEY")
            .env_remove("MOCKDESIGN_GRADER")
            .env_remove("MOCKDESIGN_BACKEND")
            .env_remove("MOCKDESIGN_MODEL")
            .env_remove("MOCKDESIGN_BASE_URL")
            .env_remove("MOCKDESIGN_TIMEOUT")
            .env_remove("EDITOR")
            .env_remove("VISUAL");
        cmd
    }
}
