//! OpenAI Chat Completions (`POST {base}/chat/completions`, `Authorization: Bearer KEY`), which
//! also serves Ollama's `/v1`, vLLM, llama.cpp's server, LM Studio and OpenRouter.
//!
//! Output: the first request asks for structured output (`response_format` with a strict JSON
//! schema). A server that rejects it (HTTP 400/422 whose error names `response_format`, a schema
//! or JSON mode) is asked again with `{"type":"json_object"}`, then with the prompt alone; the
//! prompt always describes the JSON, so a server that silently ignores the schema still works.
//! The weaker mode a server needed is remembered per base URL for the rest of the process.
//! `temperature: 0` is always sent (Ollama defaults to 1.0 without it); `max_tokens` only to a
//! server on this machine. Pure: builds and parses.

use serde_json::{Value, json};

use super::settings::{ApiKey, LlmSettings};
use super::{Backend, Failure, HttpRequest, OutputMode, PhaseJob, Repair, parse, prompt};

/// The token budget of a free-text request (the interviewer's one-sentence question) to a local server.
const TEXT_MAX_TOKENS: u32 = 80;

pub struct OpenAi {
    url: String,
    model: String,
    key: Option<ApiKey>,
    /// Sent only to servers on this machine, whose default budget may be unlimited (Ollama);
    /// OpenAI's reasoning models refuse `max_tokens`.
    max_tokens: Option<u32>,
}

impl OpenAi {
    pub fn new(settings: &LlmSettings) -> Self {
        Self {
            url: format!("{}/chat/completions", settings.base_url.as_str().trim_end_matches('/')),
            model: settings.model.clone().unwrap_or_default(),
            key: settings.key.clone(),
            max_tokens: settings.is_loopback().then_some(settings.max_tokens),
        }
    }

    fn request(&self, messages: Vec<Value>, mode: OutputMode, job: Option<&PhaseJob>) -> HttpRequest {
        let mut body = json!({ "model": self.model, "temperature": 0, "messages": Value::Array(messages) });
        if let Some(n) = self.max_tokens {
            body["max_tokens"] = json!(n);
        }
        match (mode, job) {
            (OutputMode::Schema, Some(job)) => {
                body["response_format"] = json!({
                    "type": "json_schema",
                    "json_schema": { "name": "mockdesign_grade", "strict": true, "schema": prompt::schema(job) }
                });
            }
            (OutputMode::JsonObject, _) => body["response_format"] = json!({ "type": "json_object" }),
            (OutputMode::Schema | OutputMode::PromptOnly, _) => {}
        }
        let mut headers = vec![("content-type".to_string(), "application/json".to_string())];
        if let Some(k) = &self.key {
            headers.push(("authorization".into(), format!("Bearer {}", k.expose())));
        }
        HttpRequest { url: self.url.clone(), headers, body }
    }
}

/// A 400/422 that rejects the requested output format.
fn rejects_format(f: &Failure) -> bool {
    let Failure::Http { status: 400 | 422, message, code, .. } = f else { return false };
    let text = format!("{message} {}", code.as_deref().unwrap_or_default()).to_ascii_lowercase();
    ["response_format", "json_schema", "schema", "json_object", "structured", "json mode"]
        .iter()
        .any(|w| text.contains(w))
}

impl Backend for OpenAi {
    fn id(&self) -> &'static str {
        "openai"
    }

    fn first_mode(&self) -> OutputMode {
        OutputMode::Schema
    }

    fn grade_request(&self, job: &PhaseJob, mode: OutputMode, repair: Option<Repair<'_>>) -> HttpRequest {
        let mut messages = vec![
            json!({"role": "system", "content": prompt::SYSTEM}),
            json!({"role": "user", "content": prompt::user_message(job)}),
        ];
        if let Some(r) = repair {
            messages.push(json!({"role": "assistant", "content": prompt::previous_reply(r.previous)}));
            messages.push(json!({"role": "user", "content": prompt::repair_message(r.problem)}));
        }
        self.request(messages, mode, Some(job))
    }

    fn text_request(&self, system: &str, user: &str) -> Option<HttpRequest> {
        let messages =
            vec![json!({"role": "system", "content": system}), json!({"role": "user", "content": user})];
        let mut request = self.request(messages, OutputMode::PromptOnly, None);
        if self.max_tokens.is_some() {
            // One question: a local model on a CPU must not spend a minute rambling.
            request.body["max_tokens"] = json!(TEXT_MAX_TOKENS);
        }
        Some(request)
    }

    fn reply_text(&self, body: &str) -> Result<String, Failure> {
        reply_text(body)
    }

    fn models_request(&self) -> Option<HttpRequest> {
        let mut r = self.request(Vec::new(), OutputMode::PromptOnly, None);
        r.url = format!("{}/models", self.url.trim_end_matches("/chat/completions"));
        r.body = Value::Null;
        Some(r)
    }

    fn next_mode(&self, mode: OutputMode, failure: &Failure) -> Option<OutputMode> {
        if !rejects_format(failure) {
            return None;
        }
        match mode {
            OutputMode::Schema => Some(OutputMode::JsonObject),
            OutputMode::JsonObject => Some(OutputMode::PromptOnly),
            OutputMode::PromptOnly => None,
        }
    }
}

/// The assistant's text from a chat completion object. An error envelope (even with status 200)
/// is a failure; so is a `refusal` or a content-filter stop. Unknown `finish_reason` values are
/// ignored; content may be a string or a list of text parts.
pub fn reply_text(body: &str) -> Result<String, Failure> {
    let v: Value = serde_json::from_str(body).map_err(|_| {
        Failure::Protocol(format!(
            "not a JSON chat completion: {}",
            body.chars().take(120).collect::<String>()
        ))
    })?;
    if let Some(f) = parse::error_envelope(200, &v) {
        return Err(f);
    }
    let choice = v
        .get("choices")
        .and_then(Value::as_array)
        .and_then(|c| c.first())
        .ok_or_else(|| Failure::Protocol("the chat completion has no choices".into()))?;
    let message = choice.get("message").unwrap_or(&Value::Null);
    if let Some(r) = message.get("refusal").and_then(Value::as_str).filter(|r| !r.trim().is_empty()) {
        return Err(Failure::Refused(r.trim().to_string()));
    }
    let content = match message.get("content") {
        Some(Value::String(s)) => s.clone(),
        Some(Value::Array(parts)) => parts
            .iter()
            .filter_map(|p| p.get("text").and_then(Value::as_str).or_else(|| p.as_str()))
            .collect::<Vec<_>>()
            .join(""),
        _ => String::new(),
    };
    if content.trim().is_empty()
        && choice.get("finish_reason").and_then(Value::as_str) == Some("content_filter")
    {
        return Err(Failure::Refused("the reply was stopped by a content filter".into()));
    }
    Ok(content)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::Phase;

    fn settings(key: Option<&str>) -> LlmSettings {
        let flags = crate::grade::llm::settings::Overrides {
            model: Some("gpt-4o-mini".into()),
            base_url: Some("http://127.0.0.1:8080/v1/".into()),
            ..Default::default()
        };
        let none = |_: &str| None;
        let mut s =
            super::super::settings::layer(&crate::config::GraderConfig::default(), &[], &none, &flags)
                .unwrap()
                .check(&none)
                .unwrap();
        s.key = key.map(|k| ApiKey::new(k, "MOCKDESIGN_API_KEY"));
        s
    }

    fn job() -> PhaseJob {
        PhaseJob {
            design_id: "d".into(),
            design_title: "D".into(),
            summary: "s".into(),
            phase: Phase::Requirements,
            items: vec![("a".into(), "A.".into())],
            answer: "text".into(),
        }
    }

    #[test]
    fn request_shape() {
        let b = OpenAi::new(&settings(Some("sk-test")));
        let r = b.grade_request(&job(), OutputMode::Schema, None);
        assert_eq!(r.url, "http://127.0.0.1:8080/v1/chat/completions");
        assert_eq!(r.header("authorization"), Some("Bearer sk-test"));
        assert_eq!(r.body["temperature"], 0);
        assert_eq!(r.body["model"], "gpt-4o-mini");
        assert_eq!(r.body["messages"][0]["role"], "system");
        assert_eq!(r.body["response_format"]["type"], "json_schema");
        assert_eq!(r.body["response_format"]["json_schema"]["strict"], true);
        assert!(!format!("{r:?}").contains("sk-test"), "Debug masks the key");
        let r = b.grade_request(
            &job(),
            OutputMode::JsonObject,
            Some(Repair { previous: "oops", problem: "no JSON" }),
        );
        assert_eq!(r.body["response_format"]["type"], "json_object");
        assert_eq!(r.body["messages"].as_array().unwrap().len(), 4);
        assert_eq!(r.body["messages"][2]["content"], "oops");
        let r = OpenAi::new(&settings(None)).grade_request(&job(), OutputMode::PromptOnly, None);
        assert!(r.header("authorization").is_none());
        assert!(r.body.get("response_format").is_none());
    }

    #[test]
    fn schema_rejections_step_down_and_other_errors_do_not() {
        let b = OpenAi::new(&settings(None));
        let reject = Failure::Http {
            status: 400,
            message:
                "Invalid parameter: 'response_format' of type 'json_schema' is not supported with this model."
                    .into(),
            code: None,
            kind: Some("invalid_request_error".into()),
        };
        assert_eq!(b.next_mode(OutputMode::Schema, &reject), Some(OutputMode::JsonObject));
        assert_eq!(b.next_mode(OutputMode::JsonObject, &reject), Some(OutputMode::PromptOnly));
        assert_eq!(b.next_mode(OutputMode::PromptOnly, &reject), None);
        let other =
            Failure::Http { status: 400, message: "model 'x' not found".into(), code: None, kind: None };
        assert_eq!(b.next_mode(OutputMode::Schema, &other), None);
    }

    #[test]
    fn replies_success_refusal_envelope_and_oddities() {
        let ok = r#"{"id":"chatcmpl-1","object":"chat.completion","created":1,"model":"m",
            "choices":[{"index":0,"message":{"role":"assistant","content":"{\"verdicts\":[]}","refusal":null},
            "logprobs":null,"finish_reason":"stop"}],"usage":{"prompt_tokens":1,"completion_tokens":1,"total_tokens":2}}"#;
        assert_eq!(reply_text(ok).unwrap(), "{\"verdicts\":[]}");
        let odd = r#"{"choices":[{"message":{"content":[{"type":"text","text":"hi"}]},"finish_reason":"eos_token"}]}"#;
        assert_eq!(reply_text(odd).unwrap(), "hi");
        let refusal = r#"{"choices":[{"message":{"role":"assistant","content":null,"refusal":"I can't help with that."},"finish_reason":"stop"}]}"#;
        assert_eq!(reply_text(refusal), Err(Failure::Refused("I can't help with that.".into())));
        let envelope = r#"{"error":{"message":"Rate limit","type":"requests","param":null,"code":429}}"#;
        assert!(matches!(reply_text(envelope), Err(Failure::Http { status: 429, .. })));
        assert!(matches!(reply_text("<html>"), Err(Failure::Protocol(_))));
    }
}
