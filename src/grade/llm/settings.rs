//! The LLM grader's effective settings: config.toml `[grader]` < environment < flags, each value
//! remembering where it came from (for `config --show`), then checked so that a setting that
//! cannot work is a usage error (exit 2) before anything is sent.
//!
//! Environment: `MOCKDESIGN_GRADER` (rubric|llm), `MOCKDESIGN_BACKEND`, `MOCKDESIGN_MODEL`,
//! `MOCKDESIGN_BASE_URL`, `MOCKDESIGN_TIMEOUT` (seconds).
//!
//! Keys: `OPENAI_API_KEY` and `ANTHROPIC_API_KEY` go only to their providers' own hosts (https);
//! any other base URL gets `MOCKDESIGN_API_KEY` or the variable `api_key_env` names. A key read
//! here is wrapped in [`ApiKey`], whose `Debug` and `Display` never show it. This module never
//! touches the network.

use std::fmt;
use std::time::Duration;

use reqwest::Url;

use crate::config::GraderConfig;
use crate::error::UsageError;

/// The backends mockdesign speaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BackendKind {
    OpenAi,
    Anthropic,
    Http,
}

impl BackendKind {
    pub const ALL: [BackendKind; 3] = [BackendKind::OpenAi, BackendKind::Anthropic, BackendKind::Http];

    pub fn id(self) -> &'static str {
        match self {
            BackendKind::OpenAi => "openai",
            BackendKind::Anthropic => "anthropic",
            BackendKind::Http => "http",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        let s = s.trim().to_ascii_lowercase();
        Self::ALL.into_iter().find(|b| b.id() == s)
    }

    /// The default base URL (none for `http`: a grading service has no well-known address).
    pub fn default_base(self) -> Option<&'static str> {
        match self {
            BackendKind::OpenAi => Some("https://api.openai.com/v1"),
            BackendKind::Anthropic => Some("https://api.anthropic.com"),
            BackendKind::Http => None,
        }
    }

    /// The provider's own host and the variable holding its key.
    fn provider_key(self) -> Option<(&'static str, &'static str)> {
        match self {
            BackendKind::OpenAi => Some(("api.openai.com", "OPENAI_API_KEY")),
            BackendKind::Anthropic => Some(("api.anthropic.com", "ANTHROPIC_API_KEY")),
            BackendKind::Http => None,
        }
    }

    fn needs_model(self) -> bool {
        !matches!(self, BackendKind::Http)
    }
}

/// Where a setting came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    Default,
    ConfigFile,
    Env(&'static str),
    Flag(&'static str),
}

impl fmt::Display for Source {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Source::Default => f.write_str("default"),
            Source::ConfigFile => f.write_str("config.toml"),
            Source::Env(v) => write!(f, "env {v}"),
            Source::Flag(v) => write!(f, "flag {v}"),
        }
    }
}

/// A value and where it came from.
#[derive(Debug, Clone, PartialEq)]
pub struct Sourced<T> {
    pub value: T,
    pub source: Source,
}

impl<T> Sourced<T> {
    fn new(value: T, source: Source) -> Self {
        Self { value, source }
    }
    /// Replace the value when `over` is present.
    fn over(&mut self, over: Option<T>, source: Source) {
        if let Some(v) = over {
            *self = Self::new(v, source);
        }
    }
}

/// An API key. Its `Debug` and `Display` show only a mask.
#[derive(Clone, PartialEq, Eq)]
pub struct ApiKey {
    value: String,
    /// The variable it came from, or `config.toml`.
    pub from: String,
}

impl ApiKey {
    pub fn new(value: impl Into<String>, from: impl Into<String>) -> Self {
        Self { value: value.into(), from: from.into() }
    }
    /// The key itself: only for a request header.
    pub fn expose(&self) -> &str {
        &self.value
    }
    /// `****` and, for a long key, its last four characters.
    pub fn masked(&self) -> String {
        let n = self.value.chars().count();
        if n >= 16 {
            let tail: String = self.value.chars().skip(n - 4).collect();
            format!("****{tail}")
        } else {
            "****".into()
        }
    }
    /// `text` with every occurrence of the key replaced by `[redacted]`.
    pub fn redact(&self, text: &str) -> String {
        if self.value.is_empty() { text.to_string() } else { text.replace(&self.value, "[redacted]") }
    }
}

impl fmt::Debug for ApiKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "ApiKey({} from {})", self.masked(), self.from)
    }
}

impl fmt::Display for ApiKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} (from {})", self.masked(), self.from)
    }
}

/// Every grader setting with its source, before checking. `config --show` prints this.
#[derive(Debug, Clone)]
pub struct Layered {
    pub kind: Sourced<String>,
    pub backend: Sourced<String>,
    pub model: Sourced<Option<String>>,
    pub base_url: Sourced<Option<String>>,
    pub api_key_env: Sourced<Option<String>>,
    pub timeout_secs: Sourced<f64>,
    pub connect_timeout_secs: Sourced<f64>,
    pub max_retries: Sourced<u32>,
    pub concurrency: Sourced<usize>,
    pub cache: Sourced<bool>,
    pub backoff_secs: Sourced<f64>,
    pub max_wait_secs: Sourced<f64>,
    pub max_tokens: Sourced<u32>,
    /// A key written in config.toml (discouraged).
    pub config_key: Option<String>,
}

/// What the command line overrides, as plain values (the command layer builds it from its flags;
/// nothing here knows the command-line parser).
#[derive(Debug, Clone, Default)]
pub struct Overrides {
    pub backend: Option<String>,
    pub base_url: Option<String>,
    pub model: Option<String>,
    pub timeout: Option<f64>,
    pub no_cache: bool,
}

/// Layer `cfg` (whose keys present in the file are `file_keys`), the environment (`env`) and the
/// flags. Values that do not parse are usage errors.
pub fn layer(
    cfg: &GraderConfig,
    file_keys: &[String],
    env: &dyn Fn(&str) -> Option<String>,
    flags: &Overrides,
) -> Result<Layered, UsageError> {
    let src = |key: &str| {
        if file_keys.iter().any(|k| k == key) { Source::ConfigFile } else { Source::Default }
    };
    let env_nonempty = |name: &str| env(name).map(|v| v.trim().to_string()).filter(|v| !v.is_empty());
    let mut l = Layered {
        kind: Sourced::new(cfg.kind.clone(), src("kind")),
        backend: Sourced::new(cfg.backend.clone(), src("backend")),
        model: Sourced::new(cfg.model.clone(), src("model")),
        base_url: Sourced::new(cfg.base_url.clone(), src("base_url")),
        api_key_env: Sourced::new(cfg.api_key_env.clone(), src("api_key_env")),
        timeout_secs: Sourced::new(cfg.timeout_secs, src("timeout_secs")),
        connect_timeout_secs: Sourced::new(cfg.connect_timeout_secs, src("connect_timeout_secs")),
        max_retries: Sourced::new(cfg.max_retries, src("max_retries")),
        concurrency: Sourced::new(cfg.concurrency, src("concurrency")),
        cache: Sourced::new(cfg.cache, src("cache")),
        backoff_secs: Sourced::new(cfg.backoff_secs, src("backoff_secs")),
        max_wait_secs: Sourced::new(cfg.max_wait_secs, src("max_wait_secs")),
        max_tokens: Sourced::new(cfg.max_tokens, src("max_tokens")),
        config_key: cfg.api_key.as_ref().map(|s| s.0.clone()).filter(|k| !k.trim().is_empty()),
    };
    l.kind.over(env_nonempty("MOCKDESIGN_GRADER"), Source::Env("MOCKDESIGN_GRADER"));
    l.backend.over(env_nonempty("MOCKDESIGN_BACKEND"), Source::Env("MOCKDESIGN_BACKEND"));
    l.model.over(env_nonempty("MOCKDESIGN_MODEL").map(Some), Source::Env("MOCKDESIGN_MODEL"));
    l.base_url.over(env_nonempty("MOCKDESIGN_BASE_URL").map(Some), Source::Env("MOCKDESIGN_BASE_URL"));
    if let Some(t) = env_nonempty("MOCKDESIGN_TIMEOUT") {
        let secs = t.parse::<f64>().map_err(|_| {
            UsageError::new(format!("MOCKDESIGN_TIMEOUT='{t}' is not a number of seconds"))
                .with_hint("set it to e.g. 120, or unset it")
        })?;
        l.timeout_secs = Sourced::new(secs, Source::Env("MOCKDESIGN_TIMEOUT"));
    }
    l.backend.over(flags.backend.clone(), Source::Flag("--backend"));
    l.model.over(flags.model.clone().map(Some), Source::Flag("--model"));
    l.base_url.over(flags.base_url.clone().map(Some), Source::Flag("--base-url"));
    l.timeout_secs.over(flags.timeout, Source::Flag("--timeout"));
    if flags.no_cache {
        l.cache = Sourced::new(false, Source::Flag("--no-cache"));
    }
    Ok(l)
}

/// Checked settings, ready to send.
#[derive(Debug, Clone)]
pub struct LlmSettings {
    pub backend: BackendKind,
    pub model: Option<String>,
    pub base_url: Url,
    pub key: Option<ApiKey>,
    pub timeout: Duration,
    pub connect_timeout: Duration,
    pub max_retries: u32,
    pub concurrency: usize,
    pub cache: bool,
    pub backoff: Duration,
    pub max_wait: Duration,
    pub max_tokens: u32,
}

impl LlmSettings {
    /// `openai gpt-4o-mini at https://api.openai.com/v1`, for messages.
    pub fn describe(&self) -> String {
        match &self.model {
            Some(m) => format!("{} {m} at {}", self.backend.id(), self.base_url),
            None => format!("{} at {}", self.backend.id(), self.base_url),
        }
    }
    /// True when the base URL points at this machine (no proxy is used for it).
    pub fn is_loopback(&self) -> bool {
        is_loopback(&self.base_url)
    }
}

fn secs(value: &Sourced<f64>, name: &str) -> Result<Duration, UsageError> {
    let v = value.value;
    if v.is_finite() && v > 0.0 && v <= 86_400.0 {
        Ok(Duration::from_secs_f64(v))
    } else {
        Err(UsageError::new(format!("{name} = {v} ({}) must be a positive number of seconds", value.source))
            .with_hint("e.g. --timeout 120; `mockdesign config --show` shows where each setting comes from"))
    }
}

impl Layered {
    /// Check every setting; `env` is read for the key.
    pub fn check(&self, env: &dyn Fn(&str) -> Option<String>) -> Result<LlmSettings, UsageError> {
        let backend = BackendKind::parse(&self.backend.value).ok_or_else(|| {
            UsageError::new(format!("unknown LLM backend '{}' ({})", self.backend.value, self.backend.source))
                .with_hint(
                    "use --backend openai (also Ollama, vLLM, llama.cpp, LM Studio), anthropic or http",
                )
        })?;
        let base = match (&self.base_url.value, backend.default_base()) {
            (Some(b), _) => b.trim().to_string(),
            (None, Some(d)) => d.to_string(),
            (None, None) => {
                return Err(UsageError::new("the http backend needs a base URL").with_hint(
                    "pass --base-url http://HOST:PORT/grade, or set [grader] base_url in config.toml",
                ));
            }
        };
        let base_url = Url::parse(&base)
            .ok()
            .filter(|u| matches!(u.scheme(), "http" | "https") && u.host().is_some())
            .ok_or_else(|| {
                UsageError::new(format!("base URL '{base}' ({}) is not an http(s) URL", self.base_url.source))
                    .with_hint("e.g. --base-url http://localhost:11434/v1 for Ollama")
            })?;
        let model = self.model.value.as_ref().map(|m| m.trim().to_string()).filter(|m| !m.is_empty());
        if model.is_none() && backend.needs_model() {
            return Err(UsageError::new(format!("the {} backend needs a model name", backend.id())).with_hint(
                "pass --model NAME (e.g. gpt-4o-mini, claude-sonnet-4-5, llama3.1), set MOCKDESIGN_MODEL, or [grader] model in config.toml",
            ));
        }
        if self.concurrency.value == 0 {
            return Err(UsageError::new("[grader] concurrency must be at least 1")
                .with_hint("set concurrency = 4 in config.toml"));
        }
        let key = resolve_key(
            backend,
            &base_url,
            self.api_key_env.value.as_deref(),
            self.config_key.as_deref(),
            env,
        );
        let timeout = local_timeout(secs(&self.timeout_secs, "timeout")?, &self.timeout_secs, &base_url);
        Ok(LlmSettings {
            backend,
            model,
            base_url,
            key,
            timeout,
            connect_timeout: secs(&self.connect_timeout_secs, "connect_timeout_secs")?,
            max_retries: self.max_retries.value.min(10),
            concurrency: self.concurrency.value.min(16),
            cache: self.cache.value,
            backoff: Duration::from_secs_f64(self.backoff_secs.value.clamp(0.0, 60.0)),
            max_wait: Duration::from_secs_f64(self.max_wait_secs.value.clamp(0.0, 600.0)),
            max_tokens: self.max_tokens.value.max(256),
        })
    }
}

/// The shortest default request timeout for a server on this machine: a local model on a CPU
/// reads a 1,500-token prompt in tens of seconds and, serving one request at a time, answers the
/// fourth phase only after the other three.
pub const LOCAL_TIMEOUT: Duration = Duration::from_secs(300);

/// True when `url` points at this machine.
fn is_loopback(url: &Url) -> bool {
    let host = url.host_str().unwrap_or_default().trim_start_matches('[').trim_end_matches(']');
    host.eq_ignore_ascii_case("localhost")
        || host.parse::<std::net::IpAddr>().is_ok_and(|ip| ip.is_loopback())
}

/// `timeout`, raised to [`LOCAL_TIMEOUT`] when nobody set it and `base` is on this machine.
fn local_timeout(timeout: Duration, set: &Sourced<f64>, base: &Url) -> Duration {
    if is_loopback(base) && set.source == Source::Default { timeout.max(LOCAL_TIMEOUT) } else { timeout }
}

/// The key for `backend` at `base`: the variable `api_key_env` names; else the provider's own
/// variable when `base` is the provider's own host over https; else `MOCKDESIGN_API_KEY`; else a
/// key written in config.toml. Empty values count as unset.
pub fn resolve_key(
    backend: BackendKind,
    base: &Url,
    api_key_env: Option<&str>,
    config_key: Option<&str>,
    env: &dyn Fn(&str) -> Option<String>,
) -> Option<ApiKey> {
    let get = |name: &str| env(name).map(|v| v.trim().to_string()).filter(|v| !v.is_empty());
    if let Some(name) = api_key_env.map(str::trim).filter(|n| !n.is_empty())
        && let Some(v) = get(name)
    {
        return Some(ApiKey::new(v, name));
    }
    if let Some((host, var)) = backend.provider_key()
        && base.scheme() == "https"
        && base.host_str().is_some_and(|h| h.eq_ignore_ascii_case(host))
        && let Some(v) = get(var)
    {
        return Some(ApiKey::new(v, var));
    }
    if let Some(v) = get("MOCKDESIGN_API_KEY") {
        return Some(ApiKey::new(v, "MOCKDESIGN_API_KEY"));
    }
    config_key.map(|k| ApiKey::new(k.trim(), "config.toml"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env_of(pairs: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> {
        let pairs: Vec<(String, String)> = pairs.iter().map(|(k, v)| ((*k).into(), (*v).into())).collect();
        move |name| pairs.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone())
    }

    fn url(s: &str) -> Url {
        Url::parse(s).unwrap()
    }

    #[test]
    fn provider_keys_go_only_to_their_own_hosts() {
        let env = env_of(&[("OPENAI_API_KEY", "sk-openai"), ("ANTHROPIC_API_KEY", "sk-ant")]);
        let official = resolve_key(BackendKind::OpenAi, &url("https://api.openai.com/v1"), None, None, &env);
        assert_eq!(official.unwrap().expose(), "sk-openai");
        for base in [
            "http://localhost:11434/v1",
            "https://api.openai.com.evil.example/v1",
            "http://api.openai.com/v1",
        ] {
            assert!(resolve_key(BackendKind::OpenAi, &url(base), None, None, &env).is_none(), "{base}");
        }
        let ant = resolve_key(BackendKind::Anthropic, &url("https://api.anthropic.com"), None, None, &env);
        assert_eq!(ant.unwrap().expose(), "sk-ant");
        assert!(
            resolve_key(BackendKind::Anthropic, &url("https://api.openai.com"), None, None, &env).is_none()
        );
    }

    #[test]
    fn custom_hosts_use_mockdesign_key_or_the_named_variable() {
        let env =
            env_of(&[("OPENAI_API_KEY", "sk-openai"), ("MOCKDESIGN_API_KEY", "md"), ("TEAM_KEY", "team")]);
        let base = url("http://127.0.0.1:8080/v1");
        assert_eq!(resolve_key(BackendKind::OpenAi, &base, None, None, &env).unwrap().expose(), "md");
        let named = resolve_key(BackendKind::OpenAi, &base, Some("TEAM_KEY"), None, &env).unwrap();
        assert_eq!((named.expose(), named.from.as_str()), ("team", "TEAM_KEY"));
        let none = env_of(&[]);
        assert!(resolve_key(BackendKind::Http, &base, None, None, &none).is_none());
        let cfg = resolve_key(BackendKind::Http, &base, None, Some("from-file"), &none).unwrap();
        assert_eq!(cfg.from, "config.toml");
    }

    #[test]
    fn keys_are_masked_in_debug_and_display() {
        let k = ApiKey::new("sk-abcdefghijklmnopqrstuvwxyz", "OPENAI_API_KEY");
        for shown in [format!("{k:?}"), format!("{k}"), k.masked()] {
            assert!(!shown.contains("abcdefghij"), "{shown}");
        }
        assert_eq!(k.redact("bad key sk-abcdefghijklmnopqrstuvwxyz!"), "bad key [redacted]!");
    }

    #[test]
    fn flags_beat_environment_beats_config() {
        let cfg = GraderConfig { model: Some("from-config".into()), ..GraderConfig::default() };
        let env = env_of(&[("MOCKDESIGN_MODEL", "from-env"), ("MOCKDESIGN_BACKEND", "anthropic")]);
        let keys = vec!["model".to_string()];
        let l = layer(&cfg, &keys, &env, &Overrides::default()).unwrap();
        assert_eq!(l.model.value.as_deref(), Some("from-env"));
        assert_eq!(l.model.source, Source::Env("MOCKDESIGN_MODEL"));
        assert_eq!(l.backend.value, "anthropic");
        let flags = Overrides { model: Some("from-flag".into()), no_cache: true, ..Overrides::default() };
        let l = layer(&cfg, &keys, &env, &flags).unwrap();
        assert_eq!(l.model.value.as_deref(), Some("from-flag"));
        assert!(!l.cache.value);
        let l = layer(&cfg, &keys, &env_of(&[]), &Overrides::default()).unwrap();
        assert_eq!(l.model.source, Source::ConfigFile);
        assert_eq!(l.timeout_secs.source, Source::Default);
    }

    #[test]
    fn settings_that_cannot_work_are_usage_errors() {
        let none = env_of(&[]);
        let check = |flags: Overrides| {
            layer(&GraderConfig::default(), &[], &none, &flags).unwrap().check(&none).map(|_| ()).unwrap_err()
        };
        let e = check(Overrides { backend: Some("gemini".into()), ..Overrides::default() });
        assert!(e.message.contains("unknown LLM backend 'gemini'"), "{}", e.message);
        let e = check(Overrides {
            model: Some("m".into()),
            base_url: Some("not a url".into()),
            ..Overrides::default()
        });
        assert!(e.message.contains("not an http(s) URL"), "{}", e.message);
        let e = check(Overrides::default());
        assert!(e.message.contains("needs a model"), "{}", e.message);
        let e = check(Overrides { model: Some("m".into()), timeout: Some(0.0), ..Overrides::default() });
        assert!(e.message.contains("positive number of seconds"), "{}", e.message);
        let e = check(Overrides { backend: Some("http".into()), ..Overrides::default() });
        assert!(e.message.contains("needs a base URL"), "{}", e.message);
        let ok = layer(
            &GraderConfig::default(),
            &[],
            &none,
            &Overrides {
                backend: Some("http".into()),
                base_url: Some("http://127.0.0.1:9/g".into()),
                ..Overrides::default()
            },
        )
        .unwrap()
        .check(&none)
        .unwrap();
        assert!(ok.is_loopback() && ok.model.is_none());
        assert_eq!(ok.timeout, LOCAL_TIMEOUT, "a local server gets time for a CPU model");
    }
}
