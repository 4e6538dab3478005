//! The session store: the only code that touches `DATA/sessions/` — one JSON file per session
//! (the record itself is [`crate::model::Transcript`]): save, load, list, resolve, lock.
//!
//! Invariants: a transcript is written atomically (temporary file in the same folder, fsync,
//! rename, fsync of the folder), so a crash or a power loss leaves the old or the new version,
//! never half of one. A new session claims its id create-exclusive, so two sessions never share a
//! file. A file that cannot be parsed, that comes from a newer schema, or whose structure is
//! impossible (not the four phases in order, numbers that are not finite, a score outside 0–100) is
//! refused with a clear error and never overwritten.
//!
//! One writer per session: a process that writes a session holds a [`SessionLock`], an advisory
//! lock on `.<id>.lock` beside the transcript. The operating system releases it when the process
//! dies (even by `kill -9`), so it never goes stale; a second writer is refused and told the pid.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

use thiserror::Error;

use crate::model::{SCHEMA_VERSION, Transcript};

/// A session's file: where the driver's `Effect::Persist` goes.
#[derive(Debug, Clone)]
pub struct SessionFile {
    pub path: PathBuf,
}

impl crate::driver::Persist for SessionFile {
    fn persist(&mut self, transcript: &Transcript) -> anyhow::Result<()> {
        save(&self.path, transcript)?;
        Ok(())
    }
}

#[derive(Debug, Error)]
pub enum TranscriptError {
    #[error("cannot read {}: {source}", path.display())]
    Read { path: PathBuf, source: std::io::Error },
    #[error("{} is not a readable transcript ({reason}); it was left untouched", path.display())]
    Corrupt { path: PathBuf, reason: String },
    #[error("{} was written by a newer mockdesign (schema {found}, this one reads {SCHEMA_VERSION}); it was left untouched", path.display())]
    Newer { path: PathBuf, found: u32 },
    #[error("cannot save {}: {source}", path.display())]
    Write { path: PathBuf, source: std::io::Error },
    #[error("session {id} is open in another mockdesign process{}; finish or quit it there first", pid.map(|p| format!(" (pid {p})")).unwrap_or_default())]
    Busy { id: String, pid: Option<u32> },
}

/// Load and check a transcript.
pub fn load(path: &Path) -> Result<Transcript, TranscriptError> {
    let bytes =
        fs::read(path).map_err(|source| TranscriptError::Read { path: path.to_path_buf(), source })?;
    let value: serde_json::Value = serde_json::from_slice(&bytes)
        .map_err(|e| TranscriptError::Corrupt { path: path.to_path_buf(), reason: e.to_string() })?;
    let schema = value.get("schema").and_then(serde_json::Value::as_u64).ok_or_else(|| {
        TranscriptError::Corrupt { path: path.to_path_buf(), reason: "no schema version".into() }
    })?;
    if schema > u64::from(SCHEMA_VERSION) {
        return Err(TranscriptError::Newer { path: path.to_path_buf(), found: schema as u32 });
    }
    let mut transcript: Transcript = serde_json::from_value(value)
        .map_err(|e| TranscriptError::Corrupt { path: path.to_path_buf(), reason: e.to_string() })?;
    transcript.check().map_err(|reason| TranscriptError::Corrupt { path: path.to_path_buf(), reason })?;
    Ok(transcript)
}

/// Write `transcript` to `path` atomically: temporary file in the same folder, fsync, rename.
pub fn save(path: &Path, transcript: &Transcript) -> Result<(), TranscriptError> {
    write_atomically(path, transcript, false)
}

/// Write a new transcript at `path`, failing with `AlreadyExists` (as the source of a `Write`
/// error) when a file is already there: how a new session claims its id.
pub fn create_new(path: &Path, transcript: &Transcript) -> Result<(), TranscriptError> {
    write_atomically(path, transcript, true)
}

/// Temporary file in the same folder, fsync, rename (never over an existing file when `exclusive`),
/// fsync of the folder.
fn write_atomically(path: &Path, transcript: &Transcript, exclusive: bool) -> Result<(), TranscriptError> {
    let write_err = |source: std::io::Error| TranscriptError::Write { path: path.to_path_buf(), source };
    let dir = path.parent().unwrap_or_else(|| Path::new("."));
    fs::create_dir_all(dir).map_err(write_err)?;
    let json = serde_json::to_vec_pretty(transcript).map_err(|e| write_err(std::io::Error::other(e)))?;
    let mut tmp =
        tempfile::Builder::new().prefix(".tmp-").suffix(".json").tempfile_in(dir).map_err(write_err)?;
    tmp.write_all(&json).map_err(write_err)?;
    tmp.write_all(b"\n").map_err(write_err)?;
    tmp.as_file().sync_all().map_err(write_err)?;
    if exclusive {
        tmp.persist_noclobber(path).map_err(|e| write_err(e.error))?;
    } else {
        tmp.persist(path).map_err(|e| write_err(e.error))?;
    }
    sync_dir(dir).map_err(write_err)
}

/// Make a rename in `dir` durable: without this a power loss can bring back the old file.
fn sync_dir(dir: &Path) -> std::io::Result<()> {
    fs::File::open(dir)?.sync_all()
}

/// Where a transcript ended up when the session ended.
#[derive(Debug)]
pub enum Stored {
    /// At its own path.
    Saved,
    /// Its own path failed; a copy was written to `path` in the temporary folder.
    Fallback { path: PathBuf, error: TranscriptError },
    /// Nothing could be written anywhere.
    Unsaved(TranscriptError),
}

/// Save `transcript` at `path`, or else to `mockdesign-<id>.json` in the temporary folder.
pub fn save_or_fallback(path: &Path, transcript: &Transcript) -> Stored {
    match save(path, transcript) {
        Ok(()) => Stored::Saved,
        Err(error) => {
            let fallback = std::env::temp_dir().join(format!("mockdesign-{}.json", transcript.id));
            match save(&fallback, transcript) {
                Ok(()) => Stored::Fallback { path: fallback, error },
                Err(_) => Stored::Unsaved(error),
            }
        }
    }
}

/// The one writer of a session; see the module docs. Dropping it removes the lock file and
/// releases the lock (so does the process dying).
#[derive(Debug)]
pub struct SessionLock {
    file: fs::File,
    path: PathBuf,
}

/// The lock file of the transcript at `transcript`: `.<stem>.lock` in the same folder.
pub fn lock_path(transcript: &Path) -> PathBuf {
    let stem = transcript.file_stem().and_then(|s| s.to_str()).unwrap_or("session");
    transcript.with_file_name(format!(".{stem}.lock"))
}

impl SessionLock {
    /// Become the one writer of the session whose transcript is (or will be) at `transcript`, or
    /// learn which process is.
    pub fn acquire(transcript: &Path) -> Result<Self, TranscriptError> {
        let path = lock_path(transcript);
        let id = transcript.file_stem().and_then(|s| s.to_str()).unwrap_or_default().to_string();
        let io_err = |source: std::io::Error| TranscriptError::Write { path: path.clone(), source };
        if let Some(dir) = path.parent() {
            fs::create_dir_all(dir).map_err(io_err)?;
        }
        for _ in 0..10 {
            let mut file = fs::OpenOptions::new()
                .read(true)
                .write(true)
                .create(true)
                .truncate(false)
                .open(&path)
                .map_err(io_err)?;
            match file.try_lock() {
                Ok(()) => {}
                Err(fs::TryLockError::WouldBlock) => {
                    let mut text = String::new();
                    let _ = std::io::Read::read_to_string(&mut file, &mut text);
                    return Err(TranscriptError::Busy { id, pid: text.trim().parse().ok() });
                }
                Err(fs::TryLockError::Error(e)) => return Err(io_err(e)),
            }
            // The previous holder removes the file as it lets go: if the file we locked is no
            // longer the one at `path`, lock the new one instead.
            if !same_file(&file, &path) {
                continue;
            }
            file.set_len(0).map_err(io_err)?;
            write!(file, "{}", std::process::id()).map_err(io_err)?;
            return Ok(Self { file, path });
        }
        Err(TranscriptError::Busy { id, pid: None })
    }
}

fn same_file(file: &fs::File, path: &Path) -> bool {
    use std::os::unix::fs::MetadataExt;
    match (file.metadata(), fs::metadata(path)) {
        (Ok(a), Ok(b)) => a.dev() == b.dev() && a.ino() == b.ino(),
        _ => false,
    }
}

impl Drop for SessionLock {
    fn drop(&mut self) {
        // Remove while still holding the lock, so nobody locks a file that is about to vanish.
        let _ = fs::remove_file(&self.path);
        let _ = self.file.unlock();
    }
}

/// The transcript files in `sessions_dir`, newest first (ids sort by start time).
pub fn list_files(sessions_dir: &Path) -> Vec<PathBuf> {
    let Ok(entries) = fs::read_dir(sessions_dir) else {
        return Vec::new();
    };
    let mut files: Vec<PathBuf> = entries
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| {
            p.extension().is_some_and(|e| e == "json")
                && !p.file_name().and_then(|n| n.to_str()).is_some_and(|n| n.starts_with('.'))
        })
        .collect();
    files.sort();
    files.reverse();
    files
}

/// Every readable transcript, newest first, with a warning for each file skipped.
pub fn load_all(sessions_dir: &Path) -> (Vec<(PathBuf, Transcript)>, Vec<String>) {
    let mut ok = Vec::new();
    let mut warnings = Vec::new();
    for path in list_files(sessions_dir) {
        match load(&path) {
            Ok(t) => ok.push((path, t)),
            Err(e) => warnings.push(format!("skipped: {e}")),
        }
    }
    (ok, warnings)
}

/// Find a session by `latest`, an id (or unique id prefix), or a file path.
pub fn resolve(sessions_dir: &Path, which: Option<&str>) -> anyhow::Result<PathBuf> {
    use crate::error::UsageError;
    let which = which.unwrap_or("latest");
    let as_path = Path::new(which);
    if which != "latest"
        && (as_path.is_file()
            || which.contains(std::path::MAIN_SEPARATOR)
            || Path::new(which).extension().is_some_and(|e| e.eq_ignore_ascii_case("json")))
    {
        if as_path.is_file() {
            return Ok(as_path.to_path_buf());
        }
        return Err(UsageError::new(format!("no transcript at {which}"))
            .with_hint("`mockdesign history` lists your sessions")
            .into());
    }
    let files = list_files(sessions_dir);
    if which == "latest" {
        return files.into_iter().next().ok_or_else(|| {
            UsageError::new("no sessions yet").with_hint("start one with `mockdesign whatsapp`").into()
        });
    }
    let matches: Vec<PathBuf> = files
        .into_iter()
        .filter(|p| p.file_stem().and_then(|s| s.to_str()).is_some_and(|s| s.starts_with(which)))
        .collect();
    match matches.len() {
        1 => Ok(matches.into_iter().next().expect("one match")),
        0 => Err(UsageError::new(format!("no session '{which}'"))
            .with_hint("`mockdesign history` lists your sessions")
            .into()),
        n => Err(UsageError::new(format!("'{which}' matches {n} sessions"))
            .with_hint("give more of the id (see `mockdesign history`)")
            .into()),
    }
}

#[cfg(test)]
mod tests {
    use chrono::DateTime;

    use super::*;

    #[test]
    fn a_second_writer_is_refused_with_the_holders_pid() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("sessions/20260101-000000-whatsapp.json");
        let first = SessionLock::acquire(&path).unwrap();
        let err = SessionLock::acquire(&path).unwrap_err();
        let pid = std::process::id();
        assert!(matches!(err, TranscriptError::Busy { pid: Some(p), .. } if p == pid), "{err:?}");
        assert_eq!(
            err.to_string(),
            format!(
                "session 20260101-000000-whatsapp is open in another mockdesign process (pid {pid}); finish or quit it there first"
            )
        );
        drop(first);
        assert!(!lock_path(&path).exists(), "the lock file goes with the lock");
        let again = SessionLock::acquire(&path).unwrap();
        drop(again);
    }

    #[test]
    fn create_new_never_overwrites() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.json");
        let design = crate::catalog::Catalog::builtin().find("whatsapp").unwrap().clone();
        let t = Transcript::begin(&design, "a".into(), DateTime::UNIX_EPOCH, 45.0);
        create_new(&path, &t).unwrap();
        let err = create_new(&path, &t).unwrap_err();
        assert!(
            matches!(&err, TranscriptError::Write { source, .. } if source.kind() == std::io::ErrorKind::AlreadyExists),
            "{err:?}"
        );
        assert_eq!(load(&path).unwrap(), t);
    }
}
