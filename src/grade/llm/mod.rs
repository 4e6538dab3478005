//! The optional LLM grader: backends (openai, anthropic, http) behind one trait, requests built as
//! plain data, responses parsed by pure functions; `client` is the one place that touches the
//! network. The model never sets a number: verdicts are checked against the answer and scored here
//! (`verify`), and when no valid grade comes back the caller falls back to the rubric grader.
//!
//! Flow for one grade: one [`PhaseJob`] per phase with an answer, sent concurrently (bounded by
//! `concurrency`); each job is looked up in the cache, else sent (with retries, see `client` and
//! `retry`), its reply parsed tolerantly (`parse`), repaired once when the output is unusable,
//! and cached. Every phase must come back for the grade to count.
//!
//! This module must never put an API key anywhere but a request header: not in a request body,
//! the cache, a warning, an error or a log. Failure texts pass through [`settings::ApiKey::redact`].

mod anthropic;
mod cache;
pub mod check;
mod client;
mod http;
mod openai;
pub mod parse;
pub mod prompt;
pub mod retry;
pub mod settings;
pub mod verify;

use std::fmt;
use std::future::Future;
use std::path::Path;
use std::pin::Pin;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::task::Poll;
use std::time::Duration;

use serde_json::Value;

use crate::catalog::{Design, Phase};
use crate::grade::{Answers, FollowUpBrief, Scorecard};

pub use parse::VerdictSet;
pub use settings::{ApiKey, BackendKind, LlmSettings};

/// Everything a backend needs to grade one phase.
#[derive(Debug, Clone)]
pub struct PhaseJob {
    pub design_id: String,
    pub design_title: String,
    pub summary: String,
    pub phase: Phase,
    /// `(id, text)` of every rubric item of the phase, in rubric order.
    pub items: Vec<(String, String)>,
    pub answer: String,
}

impl PhaseJob {
    /// The jobs for `answers`: one per phase that has both an answer and rubric items.
    pub fn for_answers(design: &Design, answers: &Answers) -> Vec<PhaseJob> {
        Phase::ALL
            .into_iter()
            .filter_map(|phase| {
                let answer = answers.text(phase).trim();
                let items: Vec<(String, String)> =
                    design.items(phase).map(|i| (i.id.clone(), i.text.clone())).collect();
                (!answer.is_empty() && !items.is_empty()).then(|| PhaseJob {
                    design_id: design.id().to_string(),
                    design_title: design.title().to_string(),
                    summary: design.rubric.summary.clone(),
                    phase,
                    items,
                    answer: answer.to_string(),
                })
            })
            .collect()
    }
}

/// A request as plain data. `Debug` masks credential headers.
#[derive(Clone, PartialEq)]
pub struct HttpRequest {
    pub url: String,
    pub headers: Vec<(String, String)>,
    pub body: Value,
}

impl HttpRequest {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(k, _)| k.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }

    /// The body as sent. Object keys keep serde_json's order, except a JSON schema's
    /// `properties`, which follow its `required` list: servers that enforce a schema with a
    /// grammar (llama.cpp, vLLM, Ollama) make the model write properties in the order given, and
    /// verdicts must come before free-text feedback (a small model can ramble in feedback until
    /// its token budget ends; the verdicts are then already written).
    pub fn body_text(&self) -> String {
        let mut out = String::new();
        write_ordered(&self.body, None, &mut out);
        out
    }
}

fn write_ordered(v: &Value, order: Option<&[Value]>, out: &mut String) {
    match v {
        Value::Object(map) => {
            let mut keys: Vec<&String> = map.keys().collect();
            if let Some(order) = order {
                let rank = |k: &str| order.iter().position(|o| o.as_str() == Some(k)).unwrap_or(usize::MAX);
                keys.sort_by_key(|k| rank(k));
            }
            let required = map.get("required").and_then(Value::as_array).map(Vec::as_slice);
            out.push('{');
            for (i, k) in keys.into_iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                out.push_str(&Value::String(k.clone()).to_string());
                out.push(':');
                let inner = if k == "properties" { required } else { None };
                write_ordered(&map[k.as_str()], inner, out);
            }
            out.push('}');
        }
        Value::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_ordered(item, None, out);
            }
            out.push(']');
        }
        other => out.push_str(&other.to_string()),
    }
}

fn is_credential(name: &str) -> bool {
    name.eq_ignore_ascii_case("authorization") || name.eq_ignore_ascii_case("x-api-key")
}

impl fmt::Debug for HttpRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let headers: Vec<(&str, &str)> = self
            .headers
            .iter()
            .map(|(k, v)| (k.as_str(), if is_credential(k) { "****" } else { v.as_str() }))
            .collect();
        f.debug_struct("HttpRequest")
            .field("url", &self.url)
            .field("headers", &headers)
            .field("body", &self.body)
            .finish()
    }
}

/// How strongly a backend asks for JSON. OpenAI-compatible servers that reject a JSON schema are
/// asked again with plain JSON mode, then with the prompt alone.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OutputMode {
    Schema,
    JsonObject,
    PromptOnly,
}

/// The unusable reply a repair request shows the model, and what was wrong with it.
#[derive(Debug, Clone, Copy)]
pub struct Repair<'a> {
    pub previous: &'a str,
    pub problem: &'a str,
}

/// Why a request gave no usable reply. Displayed in warnings; never holds a key.
#[derive(Debug, Clone, PartialEq)]
pub enum Failure {
    /// An HTTP error status, or an error envelope inside a 2xx reply (status taken from its code).
    Http { status: u16, message: String, code: Option<String>, kind: Option<String> },
    /// The server could not be reached (refused, DNS, TLS, reset).
    Connect(String),
    /// The server answered with a redirect (3xx), which is never followed: a key must not go
    /// to a host nobody configured.
    Redirect { status: u16, location: Option<String> },
    /// The reply is larger than [`client::MAX_REPLY_BYTES`]; it was not read.
    TooLarge(u64),
    /// No complete reply within the request timeout.
    Timeout(Duration),
    /// The model declined to answer.
    Refused(String),
    /// The server's reply is not what the backend speaks (not JSON, no choices, …).
    Protocol(String),
    /// The model's output is not a usable grade, even after the repair request.
    Invalid(String),
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Failure::Http { status, message, code, .. } => {
                write!(f, "HTTP {status}")?;
                if let Some(c) = code.as_deref().filter(|c| !message.contains(*c)) {
                    write!(f, " ({c})")?;
                }
                if !message.is_empty() {
                    write!(f, ": {message}")?;
                }
                Ok(())
            }
            Failure::Connect(m) => write!(f, "cannot connect: {m}"),
            Failure::Redirect { status, location } => {
                write!(f, "HTTP {status} redirect")?;
                if let Some(l) = location {
                    write!(f, " to {l}")?;
                }
                write!(
                    f,
                    ", not followed (API calls never follow redirects; set --base-url to the final address)"
                )
            }
            Failure::TooLarge(n) => write!(
                f,
                "the reply is larger than {} MiB ({n} bytes read), so it was not used",
                client::MAX_REPLY_BYTES / (1024 * 1024)
            ),
            Failure::Timeout(d) => {
                write!(f, "no reply within {} s (raise it with --timeout)", d.as_secs_f64())
            }
            Failure::Refused(m) => write!(f, "the model refused: {m}"),
            Failure::Protocol(m) => write!(f, "unexpected reply: {m}"),
            Failure::Invalid(m) => write!(f, "the model's reply is not a usable grade: {m}"),
        }
    }
}

/// A provider. Requests are built as plain data and replies parsed by pure functions, so adding a
/// provider is one new file; `client` sends what these build.
pub trait Backend: Send + Sync {
    /// `openai`, `anthropic`, `http`.
    fn id(&self) -> &'static str;
    /// The output mode of the first request.
    fn first_mode(&self) -> OutputMode {
        OutputMode::PromptOnly
    }
    /// The request grading one phase, or a repair request after an unusable reply.
    fn grade_request(&self, job: &PhaseJob, mode: OutputMode, repair: Option<Repair<'_>>) -> HttpRequest;
    /// A free-text request (the interviewer's follow-up), if the backend can do it.
    fn text_request(&self, system: &str, user: &str) -> Option<HttpRequest>;
    /// The model's text from a 2xx reply body, or why there is none.
    fn reply_text(&self, body: &str) -> Result<String, Failure>;
    /// The request listing the server's models (`GET`, no body), if the backend has one.
    fn models_request(&self) -> Option<HttpRequest> {
        None
    }
    /// After `failure` in `mode`, a weaker output mode to try, if any.
    fn next_mode(&self, mode: OutputMode, failure: &Failure) -> Option<OutputMode> {
        let _ = (mode, failure);
        None
    }
}

/// The backend for `settings`.
pub fn backend_for(settings: &LlmSettings) -> Box<dyn Backend> {
    match settings.backend {
        BackendKind::OpenAi => Box::new(openai::OpenAi::new(settings)),
        BackendKind::Anthropic => Box::new(anthropic::Anthropic::new(settings)),
        BackendKind::Http => Box::new(http::HttpGrader::new(settings)),
    }
}

/// No valid grade came back. `reasons` are ready to show (key redacted).
#[derive(Debug, Clone, PartialEq)]
pub struct Fallback {
    pub reasons: Vec<String>,
}

/// Grade `answers` with the LLM. `cache_dir` is `None` when the cache is off. `progress(done,
/// total)` is called as phases finish. Every phase must come back valid; otherwise `Fallback`.
pub async fn grade(
    settings: &LlmSettings,
    design: &Design,
    answers: &Answers,
    cache_dir: Option<&Path>,
    progress: &dyn Fn(usize, usize),
) -> Result<Scorecard, Fallback> {
    let redact = |s: String| settings.key.as_ref().map_or_else(|| s.clone(), |k| k.redact(&s));
    let client = client::Client::new(settings).map_err(|e| Fallback {
        reasons: vec![redact(format!("the LLM grader could not start an HTTP client: {e}"))],
    })?;
    let backend = backend_for(settings);
    let cache = cache_dir.map(cache::Cache::new);
    let jobs = PhaseJob::for_answers(design, answers);
    let total = jobs.len();
    let done = AtomicUsize::new(0);
    let permits = tokio::sync::Semaphore::new(settings.concurrency.max(1));
    progress(0, total);
    let runs = jobs.iter().map(|job| {
        let (client, backend, cache, done, permits) =
            (&client, backend.as_ref(), cache.as_ref(), &done, &permits);
        async move {
            let result = match permits.acquire().await {
                Ok(_permit) => grade_phase(client, backend, cache, settings, job).await,
                Err(_) => Err(Failure::Protocol("internal: semaphore closed".into())),
            };
            progress(done.fetch_add(1, Ordering::SeqCst) + 1, total);
            (job.phase, result)
        }
    });
    let results = join_all(runs.collect()).await;

    let mut graded = Vec::new();
    let mut failures: Vec<(String, Vec<Phase>)> = Vec::new();
    for (phase, result) in results {
        match result {
            Ok(set) => graded.push((phase, set)),
            Err(f) => {
                let text = redact(f.to_string());
                match failures.iter_mut().find(|(t, _)| *t == text) {
                    Some((_, phases)) => phases.push(phase),
                    None => failures.push((text, vec![phase])),
                }
            }
        }
    }
    if !failures.is_empty() {
        let detail: Vec<String> = failures
            .iter()
            .map(|(text, phases)| {
                let names: Vec<&str> = phases.iter().map(|p| p.id()).collect();
                format!("{}: {text}", names.join(", "))
            })
            .collect();
        return Err(Fallback {
            reasons: vec![format!(
                "the LLM grader ({}) gave no valid grade, so the rubric grader graded this answer — {}",
                redact(settings.describe()),
                detail.join("; ")
            )],
        });
    }
    let checked = verify::scorecard(design, answers, &graded);
    let mut card = checked.card;
    card.warnings = card.warnings.into_iter().map(redact).collect();
    if checked.accepted == 0 {
        // Nothing the model said held up: that is no grade, not a grade of 0.
        let why = if checked.claimed == 0 {
            "it marked no item covered".to_string()
        } else {
            format!("none of the {} items it marked covered held up against the answer", checked.claimed)
        };
        let mut reasons = vec![format!(
            "the LLM grader ({}) gave no valid grade ({why}), so the rubric grader graded this answer",
            redact(settings.describe())
        )];
        reasons.extend(card.warnings);
        return Err(Fallback { reasons });
    }
    card.model.clone_from(&settings.model);
    Ok(card)
}

/// The output mode each base URL needed, for the rest of the process: a server that refused a
/// JSON schema once is not asked for one again.
fn remembered_modes() -> &'static std::sync::Mutex<std::collections::HashMap<String, OutputMode>> {
    static MODES: std::sync::OnceLock<std::sync::Mutex<std::collections::HashMap<String, OutputMode>>> =
        std::sync::OnceLock::new();
    MODES.get_or_init(Default::default)
}

fn mode_key(backend: &dyn Backend, settings: &LlmSettings) -> String {
    format!("{} {}", backend.id(), settings.base_url)
}

/// The output mode to start with for this backend and base URL.
fn starting_mode(backend: &dyn Backend, settings: &LlmSettings) -> OutputMode {
    let modes = remembered_modes().lock().unwrap_or_else(std::sync::PoisonError::into_inner);
    modes.get(&mode_key(backend, settings)).copied().unwrap_or_else(|| backend.first_mode())
}

fn remember_mode(backend: &dyn Backend, settings: &LlmSettings, mode: OutputMode) {
    let mut modes = remembered_modes().lock().unwrap_or_else(std::sync::PoisonError::into_inner);
    modes.insert(mode_key(backend, settings), mode);
}

/// One phase: cache, then the backend (weaker output modes on rejection, one repair on unusable
/// output), then the cache again.
async fn grade_phase(
    client: &client::Client,
    backend: &dyn Backend,
    cache: Option<&cache::Cache>,
    settings: &LlmSettings,
    job: &PhaseJob,
) -> Result<VerdictSet, Failure> {
    // The cache key is the request in the backend's own first mode, whatever mode this server
    // needs, so the same answer finds its grade again in a later process.
    let canonical = backend.grade_request(job, backend.first_mode(), None);
    let key = cache::key(backend.id(), settings.model.as_deref(), &canonical.url, &canonical.body);
    if let Some(hit) = cache.and_then(|c| c.get(&key)) {
        return Ok(hit);
    }
    let mut mode = starting_mode(backend, settings);
    let mut request = backend.grade_request(job, mode, None);
    let mut repaired = false;
    loop {
        match client.call(backend, &request).await {
            Ok(text) => match parse::parse_verdicts(&text) {
                Ok(set) => {
                    if let Some(c) = cache {
                        c.put(&key, backend.id(), settings.model.as_deref(), &set);
                    }
                    return Ok(set);
                }
                Err(problem) if !repaired => {
                    repaired = true;
                    request =
                        backend.grade_request(job, mode, Some(Repair { previous: &text, problem: &problem }));
                }
                Err(problem) => return Err(Failure::Invalid(problem)),
            },
            Err(failure) => match backend.next_mode(mode, &failure) {
                Some(weaker) => {
                    mode = weaker;
                    remember_mode(backend, settings, mode);
                    repaired = false;
                    request = backend.grade_request(job, mode, None);
                }
                None => return Err(failure),
            },
        }
    }
}

/// The interviewer's follow-up written by the LLM from `brief`: one question about what the
/// answer left out, or `None` when no usable question came back (the session then asks the
/// rubric's, [`crate::grade::Probe::question`]).
pub async fn follow_up_question(settings: &LlmSettings, brief: &FollowUpBrief) -> Option<String> {
    let backend = backend_for(settings);
    let (system, user) = prompt::follow_up(brief);
    let request = backend.text_request(&system, &user)?;
    let client = client::Client::new(settings).ok()?;
    parse::question(&client.call(backend.as_ref(), &request).await.ok()?)
}

/// Run every future to completion concurrently on the current task; outputs in input order.
async fn join_all<F: Future>(futures: Vec<F>) -> Vec<F::Output> {
    let mut futures: Vec<Pin<Box<F>>> = futures.into_iter().map(Box::pin).collect();
    let mut outputs: Vec<Option<F::Output>> = futures.iter().map(|_| None).collect();
    std::future::poll_fn(|cx| {
        let mut pending = false;
        for (future, output) in futures.iter_mut().zip(outputs.iter_mut()) {
            if output.is_none() {
                match future.as_mut().poll(cx) {
                    Poll::Ready(v) => *output = Some(v),
                    Poll::Pending => pending = true,
                }
            }
        }
        if pending { Poll::Pending } else { Poll::Ready(()) }
    })
    .await;
    outputs.into_iter().map(|o| o.expect("every future finished")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::Catalog;
    use wiremock::{Mock, MockServer, ResponseTemplate, matchers::method};

    fn settings(backend: &str, base: &str) -> LlmSettings {
        let flags = crate::grade::llm::settings::Overrides {
            backend: Some(backend.into()),
            base_url: Some(base.into()),
            model: Some("m".into()),
            ..Default::default()
        };
        let none = |_: &str| None;
        let mut s = settings::layer(&crate::config::GraderConfig::default(), &[], &none, &flags)
            .unwrap()
            .check(&none)
            .unwrap();
        s.backoff = Duration::from_millis(1);
        s
    }

    #[tokio::test]
    async fn a_server_that_refused_the_schema_is_not_asked_for_it_again_in_this_process() {
        let design = Catalog::builtin().find("whatsapp").unwrap().clone();
        let answers = Answers::from_markdown("# High-level design\nEach phone keeps a WebSocket open.\n");
        let server = MockServer::start().await;
        Mock::given(method("POST"))
            .respond_with(|r: &wiremock::Request| {
                let body: serde_json::Value = r.body_json().unwrap();
                if body["response_format"]["type"] == "json_schema" {
                    ResponseTemplate::new(400).set_body_json(serde_json::json!({"error": {
                        "message": "response_format json_schema is not supported", "type": "invalid_request_error"}}))
                } else {
                    ResponseTemplate::new(200).set_body_json(serde_json::json!({"choices": [{"index": 0,
                        "message": {"role": "assistant", "content": "{\"verdicts\":[{\"id\":\"x\",\"covered\":false}]}"},
                        "finish_reason": "stop"}]}))
                }
            })
            .mount(&server)
            .await;
        let s = settings("openai", &format!("{}/v1", server.uri()));
        let _ = grade(&s, &design, &answers, None, &|_, _| {}).await;
        let first = server.received_requests().await.unwrap().len();
        assert_eq!(first, 2, "the schema, refused, then JSON mode");
        let _ = grade(&s, &design, &answers, None, &|_, _| {}).await;
        let reqs = server.received_requests().await.unwrap();
        assert_eq!(reqs.len(), first + 1, "straight to JSON mode the second time");
        let last: serde_json::Value = reqs[first].body_json().unwrap();
        assert_eq!(last["response_format"]["type"], "json_object");
    }

    #[tokio::test]
    async fn the_follow_up_comes_from_the_llm_else_from_nowhere() {
        let design = Catalog::builtin().find("whatsapp").unwrap().clone();
        let answer = "We store messages in a database.";
        let probe = crate::grade::probe(&design, Phase::HighLevel, answer).expect("something is missing");
        let brief = FollowUpBrief::new(&design, Phase::HighLevel, answer.into(), probe.missing);

        let server = MockServer::start().await;
        Mock::given(method("POST"))
            .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!({
                "choices": [{"index": 0, "message": {"role": "assistant",
                    "content": "Good start.\nHow does a message reach a phone that is online right now?"},
                    "finish_reason": "stop"}]
            })))
            .mount(&server)
            .await;
        let s = settings("openai", &format!("{}/v1", server.uri()));
        let q = follow_up_question(&s, &brief).await;
        assert_eq!(q.as_deref(), Some("How does a message reach a phone that is online right now?"));
        let sent: serde_json::Value = server.received_requests().await.unwrap()[0].body_json().unwrap();
        assert!(sent["messages"][1]["content"].as_str().unwrap().contains(answer));

        let failing = MockServer::start().await;
        Mock::given(method("POST")).respond_with(ResponseTemplate::new(503)).mount(&failing).await;
        let s = settings("openai", &format!("{}/v1", failing.uri()));
        assert_eq!(follow_up_question(&s, &brief).await, None, "the session asks the rubric's instead");

        let s = settings("http", &server.uri());
        assert_eq!(follow_up_question(&s, &brief).await, None, "an http grader writes no questions");
    }
}
