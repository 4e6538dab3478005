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
