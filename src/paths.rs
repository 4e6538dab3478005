//! Where mockdesign keeps its data: `--data-dir`/`MOCKDESIGN_HOME`, else the platform's data
//! directory (XDG on Linux). One folder holds `config.toml`, `sessions/`, `rubrics/`, `prompts/`,
//! `answers/` and `cache/`.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result};

/// The resolved data folder and the paths inside it.
#[derive(Debug, Clone)]
pub struct Paths {
    root: PathBuf,
}

impl Paths {
    /// Resolve the data folder: an explicit folder (flag or `MOCKDESIGN_HOME`, already merged by
    /// clap), else the platform default.
    pub fn resolve(explicit: Option<&Path>) -> Result<Self> {
        if let Some(dir) = explicit {
            return Ok(Self { root: dir.to_path_buf() });
        }
        let dirs = directories::ProjectDirs::from("", "", "mockdesign").context(
            "cannot find a home directory for mockdesign's data; pass --data-dir DIR or set MOCKDESIGN_HOME",
        )?;
        Ok(Self { root: dirs.data_dir().to_path_buf() })
    }

    /// A `Paths` rooted at `root` (tests, benches).
    pub fn at(root: impl Into<PathBuf>) -> Self {
        Self { root: root.into() }
    }

    pub fn root(&self) -> &Path {
        &self.root
    }
    pub fn config_file(&self) -> PathBuf {
        self.root.join("config.toml")
    }
    pub fn sessions(&self) -> PathBuf {
        self.root.join("sessions")
    }
    pub fn rubrics(&self) -> PathBuf {
        self.root.join("rubrics")
    }
    pub fn prompts(&self) -> PathBuf {
        self.root.join("prompts")
    }
    pub fn answers(&self) -> PathBuf {
        self.root.join("answers")
    }
    pub fn cache(&self) -> PathBuf {
        self.root.join("cache")
    }
}
