//! mockdesign's own grading protocol, for a team's grading service or a custom model:
//! `POST {base}` with `{"design","phase","answer","items":[{"id","text"}]}`, answered with the
//! verdict JSON `{"verdicts":[{"id","covered","evidence","comment"}],"feedback"}`. A key, when one
//! is configured (`MOCKDESIGN_API_KEY` or `api_key_env`), goes as `Authorization: Bearer`. The
//! "repair" of an unusable reply is the same request once more. Pure: builds and parses.

use serde_json::{Value, json};

use super::settings::{ApiKey, LlmSettings};
use super::{Backend, Failure, HttpRequest, OutputMode, PhaseJob, Repair, parse};

pub struct HttpGrader {
    url: String,
    key: Option<ApiKey>,
}

impl HttpGrader {
    pub fn new(settings: &LlmSettings) -> Self {
        Self { url: settings.base_url.to_string(), key: settings.key.clone() }
    }
}

impl Backend for HttpGrader {
    fn id(&self) -> &'static str {
        "http"
    }

    fn grade_request(&self, job: &PhaseJob, _mode: OutputMode, _repair: Option<Repair<'_>>) -> HttpRequest {
        let items: Vec<Value> = job.items.iter().map(|(id, text)| json!({"id": id, "text": text})).collect();
        let body = json!({
            "design": job.design_id,
            "phase": job.phase.id(),
            "answer": job.answer,
            "items": items,
        });
        let mut headers = vec![("content-type".to_string(), "application/json".to_string())];
        if let Some(k) = &self.key {
            headers.push(("authorization".into(), format!("Bearer {}", k.expose())));
        }
        HttpRequest { url: self.url.clone(), headers, body }
    }

    fn text_request(&self, _system: &str, _user: &str) -> Option<HttpRequest> {
        None
    }

    fn reply_text(&self, body: &str) -> Result<String, Failure> {
        if let Ok(v) = serde_json::from_str::<Value>(body)
            && let Some(f) = parse::error_envelope(200, &v)
        {
            return Err(f);
        }
        Ok(body.to_string())
    }
}
