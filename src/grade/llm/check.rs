//! `mockdesign llm check`: is the configured backend reachable and usable? Lists the server's
//! models when it offers a list, sends one tiny grading request (one item, one sentence) the way a
//! real grade does, and times it. Every failure becomes one line that says what happened and what
//! to do ([`advice`], pure). Never shows the key, only whether one is set.

use std::time::{Duration, Instant};

use serde_json::Value;

use super::{Backend, Failure, LlmSettings, OutputMode, PhaseJob, backend_for, client, parse};
use crate::catalog::Phase;

/// What the check found.
#[derive(Debug)]
pub struct Report {
    /// The server's model ids; `Err` when the list could not be read, `None` when the backend
    /// has no list (`http`).
    pub models: Option<Result<Vec<String>, Failure>>,
    /// The tiny request: its latency and the output mode that worked, or why it failed.
    pub request: Result<(Duration, OutputMode), Failure>,
}

/// The tiny grading job: one item, one sentence that shows it.
fn tiny_job() -> PhaseJob {
    PhaseJob {
        design_id: "check".into(),
        design_title: "Connection check".into(),
        summary: "A one-item rubric that checks the grader can answer.".into(),
        phase: Phase::HighLevel,
        items: vec![("push".into(), "Keeps a persistent WebSocket connection to push messages.".into())],
        answer: "Each phone keeps a persistent WebSocket connection open to a chat server.".into(),
    }
}

/// The model ids of an OpenAI- or Anthropic-style list (`{"data":[{"id":…}]}`) or Ollama's
/// (`{"models":[{"name":…}]}`).
pub fn model_ids(body: &str) -> Option<Vec<String>> {
    let v: Value = serde_json::from_str(body).ok()?;
    let from = |key: &str, field: &str| {
        v.get(key).and_then(Value::as_array).map(|a| {
            a.iter().filter_map(|m| m.get(field).and_then(Value::as_str).map(str::to_string)).collect()
        })
    };
    from("data", "id").or_else(|| from("models", "name"))
}

/// Run the check. A model list that cannot be read because the server cannot be reached ends the
/// check there (the tiny request would fail the same way).
pub async fn check(settings: &LlmSettings) -> Report {
    let client = match client::Client::new(settings) {
        Ok(c) => c,
        Err(e) => return Report { models: None, request: Err(Failure::Connect(e)) },
    };
    let backend = backend_for(settings);
    let models = match backend.models_request() {
        None => None,
        Some(req) => Some(client.get(&req).await.and_then(|body| {
            model_ids(&body)
                .ok_or_else(|| Failure::Protocol("the model list is not {\"data\":[{\"id\"}]}".into()))
        })),
    };
    if let Some(Err(f @ (Failure::Connect(_) | Failure::Timeout(_) | Failure::Redirect { .. }))) = &models {
        let f = f.clone();
        return Report { models, request: Err(f) };
    }
    #[allow(clippy::disallowed_methods, reason = "the network client times its own request for the check")]
    let started = Instant::now();
    let request =
        tiny_request(&client, backend.as_ref(), settings).await.map(|mode| (started.elapsed(), mode));
    Report { models, request }
}

async fn tiny_request(
    client: &client::Client,
    backend: &dyn Backend,
    settings: &LlmSettings,
) -> Result<OutputMode, Failure> {
    let job = tiny_job();
    let mut mode = super::starting_mode(backend, settings);
    loop {
        let request = backend.grade_request(&job, mode, None);
        match client.call(backend, &request).await {
            Ok(text) => {
                return parse::parse_verdicts(&text).map(|_| mode).map_err(|problem| {
                    Failure::Invalid(format!("{problem}: {}", text.chars().take(120).collect::<String>()))
                });
            }
            Err(failure) => match backend.next_mode(mode, &failure) {
                Some(weaker) => {
                    mode = weaker;
                    super::remember_mode(backend, settings, mode);
                }
                None => return Err(failure),
            },
        }
    }
}

/// One line: what went wrong and what to do about it.
pub fn advice(f: &Failure, settings: &LlmSettings) -> String {
    let model = settings.model.as_deref().unwrap_or("(none)");
    let todo = match f {
        Failure::Connect(m) => {
            let m = m.to_ascii_lowercase();
            let tls = ["certificate", "tls", "ssl", "handshake", "corrupt message", "invalidcontenttype"];
            if tls.iter().any(|w| m.contains(w)) {
                "TLS failed: check the https URL and the server's certificate (a local server usually speaks plain http://)"
            } else if m.contains("refused") {
                "nothing is listening there: start the server (e.g. `ollama serve`, `llama-server --port 8080`) or fix --base-url"
            } else if m.contains("dns") || m.contains("resolve") || m.contains("lookup") {
                "the host name does not resolve: check --base-url"
            } else {
                "check --base-url and that the server is running"
            }
        }
        Failure::Http { status: 401 | 403, .. } => {
            "the server refused the key: set MOCKDESIGN_API_KEY for a custom base URL (or the variable [grader] api_key_env names), OPENAI_API_KEY or ANTHROPIC_API_KEY for the providers' own hosts"
        }
        Failure::Http { status: 404, .. } => {
            "not found: check --model against the server's model list, and that an OpenAI-compatible base URL ends in /v1"
        }
        Failure::Http { status: 429, .. } => {
            "rate limited or out of quota: wait, or check the account's plan"
        }
        Failure::Http { status, .. } if *status >= 500 => "the server failed: check its log, then try again",
        Failure::Http { .. } => "the server rejected the request: check --backend, --model and --base-url",
        Failure::Timeout(_) => {
            "the server is busy or the model is slow: raise --timeout (or [grader] timeout_secs), or use a smaller model"
        }
        Failure::Redirect { .. } => "set --base-url to the address the server redirects to, if you trust it",
        Failure::TooLarge(_) | Failure::Protocol(_) | Failure::Invalid(_) => {
            "the reply is not the expected shape: is --backend right for this server (openai for Ollama, vLLM, llama.cpp, LM Studio)?"
        }
        Failure::Refused(_) => "the model refused the grading prompt: try another model",
    };
    let f = match f {
        Failure::Http { status: 404, .. } => format!("{f} (model '{model}')"),
        _ => f.to_string(),
    };
    let text = format!("{f} — {todo}");
    settings.key.as_ref().map_or(text.clone(), |k| k.redact(&text))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn model_lists_of_each_shape() {
        assert_eq!(
            model_ids(r#"{"object":"list","data":[{"id":"gpt-4o-mini","object":"model"},{"id":"x"}]}"#),
            Some(vec!["gpt-4o-mini".to_string(), "x".to_string()])
        );
        assert_eq!(
            model_ids(r#"{"models":[{"name":"llama3.1:8b"}]}"#),
            Some(vec!["llama3.1:8b".to_string()])
        );
        assert_eq!(model_ids("<html>"), None);
    }
}
