//! The one place that touches the network: sends a backend's [`HttpRequest`] with reqwest
//! (rustls; `HTTP(S)_PROXY`/`ALL_PROXY`/`NO_PROXY` from the environment, except for a base URL on
//! this machine, which is always reached directly), with separate connect and request timeouts,
//! and retries as `retry` decides. It never follows a redirect (a 3xx is a failure: the key must
//! not travel to a host nobody configured) and never reads more than [`MAX_REPLY_BYTES`] of a
//! reply. It never logs, and never puts a header value in an error.

use std::time::Duration;

use super::retry::{self, Decision, Policy};
use super::settings::LlmSettings;
use super::{Backend, Failure, HttpRequest, parse};

/// The most bytes read from one reply. A grade of a dozen items is a few kilobytes; anything this
/// large is a model looping or a hostile server.
pub const MAX_REPLY_BYTES: u64 = 2 * 1024 * 1024;

/// A configured HTTP client and its retry policy.
pub struct Client {
    http: reqwest::Client,
    policy: Policy,
    timeout: Duration,
}

/// A random number in 0..1 for backoff jitter (no RNG dependency: std's hasher keys are random).
fn jitter() -> f64 {
    use std::hash::BuildHasher;
    let h = std::collections::hash_map::RandomState::new().hash_one(0u8);
    (h >> 11) as f64 / (1u64 << 53) as f64
}

/// A reqwest error as one short line: the URL and the innermost cause ("Connection refused"),
/// which says more than the layers above it. reqwest never puts header values in errors.
fn describe(e: &reqwest::Error) -> String {
    let mut root: &dyn std::error::Error = e;
    while let Some(s) = root.source() {
        root = s;
    }
    let cause = root.to_string();
    match e.url() {
        Some(url) if !cause.contains(url.as_str()) => format!("{url}: {cause}"),
        _ => cause,
    }
}

impl Client {
    pub fn new(settings: &LlmSettings) -> Result<Self, String> {
        let mut builder = reqwest::Client::builder()
            .connect_timeout(settings.connect_timeout)
            .timeout(settings.timeout)
            .redirect(reqwest::redirect::Policy::none())
            .user_agent(concat!("mockdesign/", env!("CARGO_PKG_VERSION")));
        if settings.is_loopback() {
            builder = builder.no_proxy();
        }
        let http = builder.build().map_err(|e| describe(&e))?;
        let policy = Policy {
            max_retries: settings.max_retries,
            backoff: settings.backoff,
            max_wait: settings.max_wait,
        };
        Ok(Self { http, policy, timeout: settings.timeout })
    }

    /// `GET` `req.url` with its headers, once: the 2xx body, or the failure.
    pub async fn get(&self, req: &HttpRequest) -> Result<String, Failure> {
        let mut builder = self.http.get(&req.url);
        for (name, value) in req.headers.iter().filter(|(k, _)| !k.eq_ignore_ascii_case("content-type")) {
            builder = builder.header(name.as_str(), value.as_str());
        }
        let response = builder.send().await.map_err(|e| self.failure_of(&e))?;
        let (status, text) = self.read(response).await?;
        if (200..300).contains(&status) { Ok(text) } else { Err(parse::http_failure(status, &text)) }
    }

    fn failure_of(&self, e: &reqwest::Error) -> Failure {
        if e.is_timeout() {
            Failure::Timeout(self.timeout)
        } else if e.is_connect() {
            Failure::Connect(describe(e))
        } else {
            Failure::Connect(format!("the connection failed: {}", describe(e)))
        }
    }

    /// The status and the body (at most [`MAX_REPLY_BYTES`]); a redirect is a failure.
    async fn read(&self, mut response: reqwest::Response) -> Result<(u16, String), Failure> {
        let status = response.status().as_u16();
        if (300..400).contains(&status) {
            let location = response
                .headers()
                .get(reqwest::header::LOCATION)
                .and_then(|v| v.to_str().ok())
                .map(|l| l.chars().take(200).collect());
            return Err(Failure::Redirect { status, location });
        }
        if let Some(n) = response.content_length().filter(|n| *n > MAX_REPLY_BYTES) {
            return Err(Failure::TooLarge(n));
        }
        let mut bytes = Vec::new();
        while let Some(chunk) = response.chunk().await.map_err(|e| self.failure_of(&e))? {
            bytes.extend_from_slice(&chunk);
            if bytes.len() as u64 > MAX_REPLY_BYTES {
                return Err(Failure::TooLarge(bytes.len() as u64));
            }
        }
        Ok((status, String::from_utf8_lossy(&bytes).into_owned()))
    }

    /// One attempt: the model's text from a 2xx reply, or the failure with the server's
    /// `Retry-After`.
    async fn once(
        &self,
        backend: &dyn Backend,
        req: &HttpRequest,
    ) -> Result<String, (Failure, Option<Duration>)> {
        let mut builder = self.http.post(&req.url).body(req.body_text());
        for (name, value) in &req.headers {
            builder = builder.header(name.as_str(), value.as_str());
        }
        let response = builder.send().await.map_err(|e| (self.failure_of(&e), None))?;
        let header =
            |name: &str| response.headers().get(name).and_then(|v| v.to_str().ok()).map(str::to_string);
        // An HTTP-date Retry-After is relative to now: the network client is shell, it may read the clock.
        #[allow(
            clippy::disallowed_methods,
            reason = "the one network client reads the clock for Retry-After dates"
        )]
        let wait = retry::retry_after(
            header("retry-after-ms").as_deref(),
            header("retry-after").as_deref(),
            chrono::Utc::now(),
        );
        let (status, text) = self.read(response).await.map_err(|f| (f, None))?;
        if (200..300).contains(&status) {
            backend.reply_text(&text).map_err(|f| (f, wait))
        } else {
            Err((parse::http_failure(status, &text), wait))
        }
    }

    /// Send `req` until a usable reply or a failure that retrying will not fix.
    pub async fn call(&self, backend: &dyn Backend, req: &HttpRequest) -> Result<String, Failure> {
        let mut retries = 0;
        loop {
            match self.once(backend, req).await {
                Ok(text) => return Ok(text),
                Err((failure, wait)) => {
                    match retry::decide(&failure, retries, wait, &self.policy, jitter()) {
                        Decision::Retry(d) => {
                            tokio::time::sleep(d).await;
                            retries += 1;
                        }
                        Decision::Stop(None) => return Err(failure),
                        Decision::Stop(Some(note)) => return Err(with_note(failure, &note)),
                    }
                }
            }
        }
    }
}

fn with_note(f: Failure, note: &str) -> Failure {
    match f {
        Failure::Http { status, message, code, kind } => {
            Failure::Http { status, message: format!("{message} ({note})"), code, kind }
        }
        Failure::Connect(m) => Failure::Connect(format!("{m} ({note})")),
        other => other,
    }
}
