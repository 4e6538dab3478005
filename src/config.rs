//! `config.toml` in the data folder: grader, interviewer, session and stats settings. Missing file
//! or keys take defaults; unknown keys, a file that cannot be read as UTF-8 text, an unknown grader
//! `kind` and numbers out of range (NaN, negative, absurdly large) are configuration errors (exit
//! 2) naming the file, so nothing downstream ever sees a value it cannot use.

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
        let hint = "fix config.toml, or see a commented template with `mockdesign config --init`";
        let text = match std::fs::read(path) {
            Ok(bytes) => String::from_utf8(bytes).map_err(|_| {
                UsageError::new(format!("{} is not UTF-8 text", path.display())).with_hint(hint)
            })?,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Self::default()),
            Err(e) => {
                let what = if path.is_dir() { "it is a folder".to_string() } else { e.to_string() };
                return Err(UsageError::new(format!("cannot read {}: {what}", path.display()))
                    .with_hint(hint)
                    .into());
            }
        };
        let config: Self = toml::from_str(&text).map_err(|e| {
            let line = e.span().map_or(1, |s| text[..s.start.min(text.len())].matches('\n').count() + 1);
            UsageError::new(format!("{}:{line}: {}", path.display(), e.message().trim())).with_hint(hint)
        })?;
        config.check().map_err(|problem| {
            let line = problem
                .key
                .and_then(|key| text.lines().position(|l| l.trim_start().starts_with(key) && l.contains('=')))
                .map_or(String::new(), |n| format!(":{}", n + 1));
            UsageError::new(format!("{}{line}: {}", path.display(), problem.message)).with_hint(hint)
        })?;
        Ok(config)
    }

    /// Every value in range: what `load` refuses otherwise.
    fn check(&self) -> Result<(), Problem> {
        let g = &self.grader;
        let kind = g.kind.trim().to_ascii_lowercase();
        if kind != "rubric" && kind != "llm" {
            return Err(Problem::new(
                Some("kind"),
                format!("[grader] kind = \"{}\" is not a grader; use \"rubric\" or \"llm\"", g.kind),
            ));
        }
        for (key, value, min_exclusive, max) in [
            ("timeout_secs", g.timeout_secs, true, 86_400.0),
            ("connect_timeout_secs", g.connect_timeout_secs, true, 86_400.0),
            ("backoff_secs", g.backoff_secs, false, 60.0),
            ("max_wait_secs", g.max_wait_secs, false, 600.0),
        ] {
            let low_ok = if min_exclusive { value > 0.0 } else { value >= 0.0 };
            if !(value.is_finite() && low_ok && value <= max) {
                let low = if min_exclusive { "more than 0" } else { "0" };
                return Err(Problem::new(
                    Some(key),
                    format!("[grader] {key} = {value} must be a number of seconds from {low} to {max}"),
                ));
            }
        }
        if g.concurrency == 0 {
            return Err(Problem::new(Some("concurrency"), "[grader] concurrency must be at least 1".into()));
        }
        if let Some(m) = self.session.minutes
            && !(m.is_finite() && m > 0.0 && m <= 600.0)
        {
            return Err(Problem::new(
                Some("minutes"),
                format!("[session] minutes = {m} must be a number of minutes from more than 0 to 600"),
            ));
        }
        Ok(())
    }
}

/// A value out of range, and the key that holds it.
struct Problem {
    key: Option<&'static str>,
    message: String,
}

impl Problem {
    fn new(key: Option<&'static str>, message: String) -> Self {
        Self { key, message }
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
