//! Anthropic's Messages API: `POST {base}/v1/messages` with `x-api-key`, `anthropic-version:
//! 2023-06-01`, `max_tokens`, a top-level `system` prompt and `temperature: 0`. A grading request
//! forces a tool call (`tool_choice: {"type":"tool","name":"record_grade"}`) whose `input_schema`
//! is the verdict shape, so the grade comes back as the tool's input; text blocks are still read
//! for servers that ignore tools. Pure: builds and parses.

use serde_json::{Value, json};

use super::settings::{ApiKey, LlmSettings};
use super::{Backend, Failure, HttpRequest, OutputMode, PhaseJob, Repair, parse, prompt};

pub const VERSION: &str = "2023-06-01";

/// The tool the model is made to call with its grade.
pub const TOOL: &str = "record_grade";

pub struct Anthropic {
    url: String,
    model: String,
    key: Option<ApiKey>,
    max_tokens: u32,
}

impl Anthropic {
    pub fn new(settings: &LlmSettings) -> Self {
        Self {
            url: format!("{}/v1/messages", settings.base_url.as_str().trim_end_matches('/')),
            model: settings.model.clone().unwrap_or_default(),
            key: settings.key.clone(),
            max_tokens: settings.max_tokens,
        }
    }

    fn request(&self, system: &str, messages: Vec<Value>, job: Option<&PhaseJob>) -> HttpRequest {
        let mut body = json!({
            "model": self.model,
            "max_tokens": self.max_tokens,
            "temperature": 0,
            "system": system,
            "messages": Value::Array(messages),
        });
        if let Some(job) = job {
            body["tools"] = json!([{
                "name": TOOL,
                "description": "Record the grade of this phase: one verdict per rubric item, evidence quoted exactly from the answer.",
                "input_schema": prompt::schema(job),
            }]);
            body["tool_choice"] = json!({"type": "tool", "name": TOOL});
        }
        let mut headers = vec![
            ("content-type".to_string(), "application/json".to_string()),
            ("anthropic-version".to_string(), VERSION.to_string()),
        ];
        if let Some(k) = &self.key {
            headers.push(("x-api-key".into(), k.expose().to_string()));
        }
        HttpRequest { url: self.url.clone(), headers, body }
    }
}

impl Backend for Anthropic {
    fn id(&self) -> &'static str {
        "anthropic"
    }

    fn grade_request(&self, job: &PhaseJob, _mode: OutputMode, repair: Option<Repair<'_>>) -> HttpRequest {
        let mut messages = vec![json!({"role": "user", "content": prompt::user_message(job)})];
        if let Some(r) = repair {
            messages.push(json!({"role": "assistant", "content": prompt::previous_reply(r.previous)}));
            messages.push(json!({"role": "user", "content": prompt::repair_message(r.problem)}));
        }
        self.request(prompt::SYSTEM, messages, Some(job))
    }

    fn text_request(&self, system: &str, user: &str) -> Option<HttpRequest> {
        Some(self.request(system, vec![json!({"role": "user", "content": user})], None))
    }

    fn reply_text(&self, body: &str) -> Result<String, Failure> {
        reply_text(body)
    }

    fn models_request(&self) -> Option<HttpRequest> {
        let mut r = self.request("", Vec::new(), None);
        r.url = format!("{}/models", self.url.trim_end_matches("/messages"));
        r.body = Value::Null;
        Some(r)
    }
}

/// The forced tool call's input as JSON text, else the text blocks of a message object. `{"type":"error",…}` is a failure whatever the status;
/// `stop_reason: "refusal"` is a refusal; other stop reasons are left to the output check.
pub fn reply_text(body: &str) -> Result<String, Failure> {
    let v: Value = serde_json::from_str(body).map_err(|_| {
        Failure::Protocol(format!("not a JSON message: {}", body.chars().take(120).collect::<String>()))
    })?;
    if let Some(f) = parse::error_envelope(200, &v) {
        return Err(f);
    }
    let blocks = v
        .get("content")
        .and_then(Value::as_array)
        .ok_or_else(|| Failure::Protocol("the message has no content".into()))?;
    if let Some(input) = blocks
        .iter()
        .find(|b| b.get("type").and_then(Value::as_str) == Some("tool_use"))
        .and_then(|b| b.get("input"))
    {
        return Ok(input.to_string());
    }
    let text: String = blocks
        .iter()
        .filter(|b| b.get("type").and_then(Value::as_str).is_none_or(|t| t == "text"))
        .filter_map(|b| b.get("text").and_then(Value::as_str))
        .collect::<Vec<_>>()
        .join("");
    if v.get("stop_reason").and_then(Value::as_str) == Some("refusal") {
        let why = if text.trim().is_empty() { "stop_reason refusal".to_string() } else { text };
        return Err(Failure::Refused(why));
    }
    Ok(text)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::Phase;

    #[test]
    fn request_shape_and_replies() {
        let none = |_: &str| None;
        let flags = crate::grade::llm::settings::Overrides {
            model: Some("claude-x".into()),
            backend: Some("anthropic".into()),
            ..Default::default()
        };
        let mut s =
            super::super::settings::layer(&crate::config::GraderConfig::default(), &[], &none, &flags)
                .unwrap()
                .check(&none)
                .unwrap();
        s.key = Some(ApiKey::new("sk-ant-secret", "ANTHROPIC_API_KEY"));
        let job = PhaseJob {
            design_id: "d".into(),
            design_title: "D".into(),
            summary: "s".into(),
            phase: Phase::TradeOffs,
            items: vec![("t".into(), "T.".into())],
            answer: "a".into(),
        };
        let r = Anthropic::new(&s).grade_request(&job, OutputMode::PromptOnly, None);
        assert_eq!(r.url, "https://api.anthropic.com/v1/messages");
        assert_eq!(r.header("x-api-key"), Some("sk-ant-secret"));
        assert_eq!(r.header("anthropic-version"), Some("2023-06-01"));
        assert!(r.header("authorization").is_none());
        assert_eq!(r.body["system"], prompt::SYSTEM);
        assert_eq!(r.body["max_tokens"], 4096);
        assert_eq!(r.body["temperature"], 0);
        assert_eq!(r.body["messages"][0]["role"], "user");
        assert_eq!(r.body["tool_choice"], serde_json::json!({"type": "tool", "name": TOOL}));
        assert_eq!(
            r.body["tools"][0]["input_schema"]["properties"]["verdicts"]["items"]["properties"]["id"]["enum"]
                [0],
            "t"
        );
        let tool = r#"{"type":"message","content":[{"type":"tool_use","id":"toolu_1","name":"record_grade",
            "input":{"verdicts":[],"feedback":"f"}}],"stop_reason":"tool_use"}"#;
        assert_eq!(reply_text(tool).unwrap(), r#"{"feedback":"f","verdicts":[]}"#);

        let ok = r#"{"id":"msg_1","type":"message","role":"assistant","model":"claude-x",
            "content":[{"type":"text","text":"{\"verdicts\""},{"type":"text","text":":[]}"}],
            "stop_reason":"end_turn","stop_sequence":null,"usage":{"input_tokens":1,"output_tokens":1}}"#;
        assert_eq!(reply_text(ok).unwrap(), "{\"verdicts\":[]}");
        let overloaded = r#"{"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}"#;
        assert!(
            matches!(reply_text(overloaded), Err(Failure::Http { message, .. }) if message == "Overloaded")
        );
        let refusal = r#"{"type":"message","content":[],"stop_reason":"refusal"}"#;
        assert!(matches!(reply_text(refusal), Err(Failure::Refused(_))));
    }
}
