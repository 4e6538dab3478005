//! `config.toml` in the data folder: grader, interviewer, session and stats settings. Missing file
//! or keys take defaults; unknown keys are a configuration error (exit 2) naming the file and line.

use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::error::UsageError;

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Config {
    pub grader: GraderConfig,
    pub interviewer: InterviewerConfig,
    pub session: SessionConfig,
    pub stats: StatsConfig,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct GraderConfig {
    /// `rubric` (default) or `llm`.
    pub kind: String,
    /// `openai`, `anthropic` or `http`.
    pub backend: String,
    pub model: Option<String>,
    pub base_url: Option<String>,
    /// The environment variable holding the key for a custom `base_url`.
    pub api_key_env: Option<String>,
    pub timeout_secs: f64,
    pub connect_timeout_secs: f64,
    pub max_retries: u32,
    pub concurrency: usize,
    pub cache: bool,
    /// An API key written into config.toml. Discouraged (`api_key_env` is the recommended way);
    /// used only when no key comes from the environment, never serialized, and a config.toml that
    /// others can read while it holds one earns a warning.
    #[serde(skip_serializing)]
    pub api_key: Option<Secret>,
    /// First retry wait in seconds; doubled per retry, with jitter.
    pub backoff_secs: f64,
    /// The longest single wait between attempts; a `Retry-After` longer than this ends the retries.
    pub max_wait_secs: f64,
    /// The reply length cap sent to backends that require one (Anthropic's `max_tokens`).
    pub max_tokens: u32,
}

/// A secret string: deserialized as a plain string, never shown by `Debug` or serialized.
#[derive(Clone, PartialEq, Eq, Deserialize)]
#[serde(transparent)]
pub struct Secret(pub String);

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Secret(****)")
    }
}

impl Default for GraderConfig {
    fn default() -> Self {
        Self {
            kind: "rubric".into(),
            backend: "openai".into(),
            model: None,
            base_url: None,
            api_key_env: None,
            timeout_secs: 120.0,
            connect_timeout_secs: 10.0,
            max_retries: 3,
            concurrency: 4,
            cache: true,
            api_key: None,
            backoff_secs: 0.5,
            max_wait_secs: 30.0,
            max_tokens: 4096,
        }
    }
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct InterviewerConfig {
    /// Let the LLM write the follow-up question after each phase (falls back to the rubric probe).
    pub llm: bool,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct SessionConfig {
    /// Default interview length in minutes (else the design's own budget, usually 45).
    pub minutes: Option<f64>,
    pub soft_timer: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct StatsConfig {
    pub weekly_goal: u32,
}

impl Default for StatsConfig {
    fn default() -> Self {
        Self { weekly_goal: 2 }
    }
}

impl Config {
    /// Read `path`; a missing file gives the defaults.
    pub fn load(path: &Path) -> anyhow::Result<Self> {
        let text = match std::fs::read_to_string(path) {
            Ok(t) => t,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Self::default()),
            Err(e) => return Err(anyhow::Error::new(e).context(format!("cannot read {}", path.display()))),
        };
        toml::from_str(&text).map_err(|e| {
            let line = e.span().map_or(1, |s| text[..s.start.min(text.len())].lines().count().max(1));
            UsageError::new(format!("{}:{line}: {}", path.display(), e.message().trim()))
                .with_hint("fix config.toml, or see a commented template with `mockdesign config --init`")
                .into()
        })
    }
}

/// The keys set in `section` of the TOML file at `path` (empty when the file or section is
/// missing or unreadable). Tells a value written in the file from a default.
pub fn keys_in_file(path: &Path, section: &str) -> Vec<String> {
    std::fs::read_to_string(path)
        .ok()
        .and_then(|text| text.parse::<toml::Table>().ok())
        .and_then(|t| t.get(section).and_then(|s| s.as_table()).map(|s| s.keys().cloned().collect()))
        .unwrap_or_default()
}

/// True when a file others (group or world) can read. Always false off Unix.
pub fn readable_by_others(path: &Path) -> bool {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::metadata(path).is_ok_and(|m| m.permissions().mode() & 0o044 != 0)
    }
    #[cfg(not(unix))]
    {
        let _ = path;
        false
    }
}
