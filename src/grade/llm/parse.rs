//! Reading what servers and models really send, leniently: the verdict JSON inside code fences,
//! after a `<think>` block or with chatter around it; `covered` as a boolean, a string or a number;
//! error envelopes in any status, with integer or string codes. Pure functions, no I/O.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::Failure;

/// One verdict as the model gave it (not yet checked against the answer).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RawVerdict {
    pub id: String,
    pub covered: bool,
    #[serde(default)]
    pub evidence: Option<String>,
    #[serde(default)]
    pub comment: Option<String>,
}

/// A phase's reply: the model's verdicts and feedback.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct VerdictSet {
    pub verdicts: Vec<RawVerdict>,
    #[serde(default)]
    pub feedback: Option<String>,
    /// Verdicts beyond [`MAX_VERDICTS`], ignored.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub dropped: usize,
    /// The reply was cut off (the server's token budget ended inside the JSON); these are the
    /// verdicts that were complete.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub cut_off: bool,
}

#[allow(clippy::trivially_copy_pass_by_ref, reason = "serde's skip_serializing_if passes a reference")]
fn is_zero(n: &usize) -> bool {
    *n == 0
}

/// The most verdicts read from one phase's reply; a phase has a dozen items at most, so anything
/// beyond this is a model looping or a hostile server, and is counted, not read.
pub const MAX_VERDICTS: usize = 200;

/// `text` without `<think>…</think>` blocks (reasoning models served by Ollama, vLLM).
fn strip_think(text: &str) -> String {
    let mut out = String::new();
    let mut rest = text;
    while let Some(start) = rest.find("<think>") {
        out.push_str(&rest[..start]);
        match rest[start..].find("</think>") {
            Some(end) => rest = &rest[start + end + "</think>".len()..],
            None => return out,
        }
    }
    out.push_str(rest);
    out
}

/// The first JSON object or array in `text`: the whole text, a fenced block, or the first
/// parseable value starting at a `{` or `[` (chatter before and after ignored). Objects with a
/// `verdicts` key are preferred.
pub fn extract_json(text: &str) -> Option<Value> {
    let text = strip_think(text);
    let trimmed = text.trim();
    if let Ok(v) = serde_json::from_str::<Value>(trimmed)
        && (v.is_object() || v.is_array())
    {
        return Some(v);
    }
    let mut candidates: Vec<Value> = Vec::new();
    // Fenced blocks: ```json … ``` or ``` … ```.
    let mut parts = trimmed.split("```");
    parts.next();
    while let Some(block) = parts.next() {
        let body = block.split_once('\n').map_or(block, |(first, rest)| {
            if first.trim().chars().all(|c| c.is_ascii_alphanumeric()) { rest } else { block }
        });
        if let Ok(v) = serde_json::from_str::<Value>(body.trim()) {
            candidates.push(v);
        }
        parts.next();
    }
    // The first value starting at a brace or bracket.
    for (i, c) in trimmed.char_indices().filter(|(_, c)| *c == '{' || *c == '[').take(200) {
        let _ = c;
        let mut stream = serde_json::Deserializer::from_str(&trimmed[i..]).into_iter::<Value>();
        if let Some(Ok(v)) = stream.next()
            && (v.is_object() || v.is_array())
        {
            let has_verdicts = v.get("verdicts").is_some();
            candidates.push(v);
            if has_verdicts {
                break;
            }
        }
    }
    let pick = candidates.iter().position(|v| v.get("verdicts").is_some()).unwrap_or(0);
    (pick < candidates.len()).then(|| candidates.swap_remove(pick))
}

fn as_bool(v: &Value) -> Option<bool> {
    match v {
        Value::Bool(b) => Some(*b),
        Value::Number(n) => n.as_f64().map(|x| x > 0.0),
        Value::String(s) => match s.trim().to_ascii_lowercase().as_str() {
            "true" | "yes" | "covered" | "y" | "1" => Some(true),
            "false" | "no" | "missing" | "not covered" | "n" | "0" | "" => Some(false),
            _ => None,
        },
        _ => None,
    }
}

fn as_text(v: Option<&Value>) -> Option<String> {
    match v? {
        Value::String(s) => Some(s.clone()).filter(|s| !s.trim().is_empty()),
        Value::Array(a) => {
            a.iter().find_map(|x| x.as_str().map(str::to_string)).filter(|s| !s.trim().is_empty())
        }
        _ => None,
    }
}

/// The most characters kept of a verdict's evidence or comment.
const MAX_FIELD: usize = 1000;

/// `text` cut to `max` characters, with an ellipsis when cut.
fn capped(text: String, max: usize) -> String {
    if text.chars().count() <= max {
        text
    } else {
        format!("{}…", text.chars().take(max).collect::<String>())
    }
}

/// The model's reply as verdicts, or what is wrong with it (shown to the model in a repair request).
pub fn parse_verdicts(text: &str) -> Result<VerdictSet, String> {
    if text.trim().is_empty() {
        return Err("the reply was empty".into());
    }
    let Some(value) = extract_json(text) else {
        return salvage(text).ok_or_else(|| "the reply contains no JSON object".to_string());
    };
    // A bare list picked out of a reply that opened a `verdicts` object it never closed: the reply
    // was cut off; read it as such.
    if value.is_array()
        && text.contains("\"verdicts\"")
        && let Some(set) = salvage(text)
    {
        return Ok(set);
    }
    let list = match &value {
        Value::Array(a) => a,
        Value::Object(o) => match o.get("verdicts") {
            Some(Value::Array(a)) => a,
            _ => return salvage(text).ok_or_else(|| "the JSON object has no \"verdicts\" list".into()),
        },
        _ => return Err("the reply is not a JSON object".into()),
    };
    let verdicts = read_verdicts(list.iter().take(MAX_VERDICTS));
    if verdicts.is_empty() {
        return Err("the \"verdicts\" list has no verdict with an \"id\"".into());
    }
    let feedback = as_text(value.get("feedback")).map(|t| capped(t, 4 * MAX_FIELD));
    Ok(VerdictSet { verdicts, feedback, dropped: list.len().saturating_sub(MAX_VERDICTS), cut_off: false })
}

/// The complete verdicts at the start of a reply that was cut off inside its JSON:
/// `{"verdicts":[{…},{…},{"id":"x","cov` gives the first two. `None` when there are none.
fn salvage(text: &str) -> Option<VerdictSet> {
    let text = strip_think(text);
    let start = text.find("\"verdicts\"")?;
    let open = start + text[start..].find('[')?;
    let mut rest = &text[open + 1..];
    let mut values = Vec::new();
    loop {
        rest = rest.trim_start_matches(|c: char| c.is_whitespace() || c == ',');
        if rest.is_empty() || rest.starts_with(']') || values.len() > MAX_VERDICTS {
            break;
        }
        let mut stream = serde_json::Deserializer::from_str(rest).into_iter::<Value>();
        match stream.next() {
            Some(Ok(v)) => {
                values.push(v);
                rest = &rest[stream.byte_offset()..];
            }
            _ => break,
        }
    }
    let dropped = values.len().saturating_sub(MAX_VERDICTS);
    let verdicts = read_verdicts(values.iter().take(MAX_VERDICTS));
    (!verdicts.is_empty()).then_some(VerdictSet { verdicts, feedback: None, dropped, cut_off: true })
}

/// The verdicts with an id among `list`, read leniently.
fn read_verdicts<'a>(list: impl Iterator<Item = &'a Value>) -> Vec<RawVerdict> {
    list.filter_map(|v| {
        let id = match v.get("id")? {
            Value::String(s) => s.trim().trim_start_matches('[').trim_end_matches(']').to_string(),
            Value::Number(n) => n.to_string(),
            _ => return None,
        };
        Some(RawVerdict {
            id,
            covered: v.get("covered").and_then(as_bool).unwrap_or(false),
            evidence: as_text(v.get("evidence")).map(|t| capped(t, MAX_FIELD)),
            comment: as_text(v.get("comment")).map(|t| capped(t, MAX_FIELD)),
        })
    })
    .collect()
}

fn short(s: &str) -> String {
    let one: String = s.split_whitespace().collect::<Vec<_>>().join(" ");
    if one.chars().count() > 300 { format!("{}…", one.chars().take(300).collect::<String>()) } else { one }
}

fn code_text(v: Option<&Value>) -> Option<String> {
    match v? {
        Value::String(s) if !s.is_empty() => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// An error envelope in a JSON body, whatever the status: OpenAI's
/// `{"error":{"message","type","param","code"}}`, Anthropic's `{"type":"error","error":{"type","message"}}`,
/// `{"error":"text"}`; Anthropic's `error.details.error_code` counts as the code. `status` is the HTTP status; an envelope inside a 2xx reply takes its status
/// from an integer code (OpenRouter) when there is one.
pub fn error_envelope(status: u16, body: &Value) -> Option<Failure> {
    let err = body.get("error")?;
    let (message, code, kind) = match err {
        Value::Object(o) => (
            o.get("message").and_then(Value::as_str).map(short).unwrap_or_default(),
            code_text(o.get("code"))
                .or_else(|| code_text(o.get("details").and_then(|d| d.get("error_code")))),
            o.get("type").and_then(Value::as_str).map(str::to_string),
        ),
        Value::String(s) => (short(s), None, None),
        Value::Null => return None,
        other => (short(&other.to_string()), None, None),
    };
    let status = if (200..300).contains(&status) {
        code.as_deref()
            .and_then(|c| c.parse::<u16>().ok())
            .filter(|c| (400..600).contains(c))
            .unwrap_or(status)
    } else {
        status
    };
    Some(Failure::Http { status, message, code, kind })
}

/// A non-2xx reply as a failure: its envelope if any, else the start of its text.
pub fn http_failure(status: u16, body: &str) -> Failure {
    if let Ok(v) = serde_json::from_str::<Value>(body) {
        if let Some(f) = error_envelope(status, &v) {
            return f;
        }
        for key in ["detail", "message"] {
            if let Some(m) = v.get(key).and_then(Value::as_str) {
                return Failure::Http { status, message: short(m), code: None, kind: None };
            }
        }
    }
    Failure::Http { status, message: short(body), code: None, kind: None }
}

/// The interviewer's question from a model's free text: the first line with a `?`, cut after its
/// last `?`, between 10 and 300 characters, and not an echo of the prompt's answer markers. `None`
/// (the caller asks the rubric's probe) when there is no such line.
pub fn question(text: &str) -> Option<String> {
    let text = strip_think(text);
    let line = text
        .lines()
        .map(|l| l.trim().trim_matches(|c| c == '"' || c == '*' || c == '>').trim())
        .find(|l| l.contains('?'))?;
    let q = &line[..=line.rfind('?')?];
    let n = q.chars().count();
    ((10..=300).contains(&n) && !q.contains("<<<")).then(|| q.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    const REPLY: &str = r#"{"verdicts":[{"id":"a","covered":true,"evidence":"we shard by user","comment":"ok"}],"feedback":"Good."}"#;

    #[test]
    fn plain_fenced_and_chatty_json_are_read() {
        for text in [
            REPLY.to_string(),
            format!("```json\n{REPLY}\n```"),
            format!("Sure! Here is the grade:\n\n```\n{REPLY}\n```\nLet me know if you need more."),
            format!("Here you go: {REPLY} Hope this helps {{not json}}."),
            format!("<think>the answer says {{maybe}}</think>\n{REPLY}"),
        ] {
            let set = parse_verdicts(&text).unwrap_or_else(|e| panic!("{e}: {text}"));
            assert_eq!(set.verdicts.len(), 1, "{text}");
            assert_eq!(set.verdicts[0].evidence.as_deref(), Some("we shard by user"));
            assert_eq!(set.feedback.as_deref(), Some("Good."));
        }
    }

    #[test]
    fn lenient_fields_and_a_bare_list() {
        let set = parse_verdicts(
            r#"[{"id":"[a]","covered":"yes","evidence":["quote"]},{"id":"b","covered":0},{"covered":true}]"#,
        )
        .unwrap();
        assert_eq!(set.verdicts.len(), 2);
        assert_eq!(set.verdicts[0].id, "a");
        assert!(set.verdicts[0].covered);
        assert_eq!(set.verdicts[0].evidence.as_deref(), Some("quote"));
        assert!(!set.verdicts[1].covered);
    }

    #[test]
    fn a_reply_cut_off_inside_its_json_keeps_its_complete_verdicts() {
        let cut = r#"{"verdicts":[{"id":"a","covered":true,"evidence":"we shard","comment":""},{"id":"b","covered":false,"evidence":"","comment":""}],"feedback":"The answer is a resp"#;
        let set = parse_verdicts(cut).unwrap();
        assert_eq!((set.verdicts.len(), set.cut_off), (2, true));
        let mid =
            r#"{"verdicts":[{"id":"a","covered":true,"evidence":"we shard","comment":""},{"id":"b","cov"#;
        let set = parse_verdicts(mid).unwrap();
        assert_eq!((set.verdicts.len(), set.cut_off), (1, true));
        assert!(!parse_verdicts(REPLY).unwrap().cut_off);
    }

    #[test]
    fn unusable_replies_say_what_is_wrong() {
        assert!(parse_verdicts("").unwrap_err().contains("empty"));
        assert!(parse_verdicts("I think the candidate did well.").unwrap_err().contains("no JSON"));
        assert!(parse_verdicts(r#"{"score": 90}"#).unwrap_err().contains("verdicts"));
        assert!(parse_verdicts(r#"{"verdicts": []}"#).is_err());
        assert!(parse_verdicts(r#"{"verdicts":[{"id":"a","covered":tr"#).is_err());
    }

    #[test]
    fn error_envelopes_with_string_and_integer_codes() {
        let openai: Value = serde_json::from_str(
            r#"{"error":{"message":"Incorrect API key provided.","type":"invalid_request_error","param":null,"code":"invalid_api_key"}}"#,
        )
        .unwrap();
        let Some(Failure::Http { status, code, kind, message }) = error_envelope(401, &openai) else {
            panic!()
        };
        assert_eq!(
            (status, code.as_deref(), kind.as_deref()),
            (401, Some("invalid_api_key"), Some("invalid_request_error"))
        );
        assert_eq!(message, "Incorrect API key provided.");

        let router: Value =
            serde_json::from_str(r#"{"error":{"code":502,"message":"Upstream error"}}"#).unwrap();
        let Some(Failure::Http { status, .. }) = error_envelope(200, &router) else { panic!() };
        assert_eq!(status, 502, "an integer code inside a 200 reply is the real status");

        let anthropic: Value = serde_json::from_str(
            r#"{"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}"#,
        )
        .unwrap();
        let f = error_envelope(529, &anthropic).unwrap();
        assert_eq!(f.to_string(), "HTTP 529: Overloaded");

        let spent: Value = serde_json::from_str(
            r#"{"type":"error","error":{"type":"rate_limit_error","message":"Spend limit","details":{"error_code":"enforced_spend_limit_reached"}},"request_id":"req_1"}"#,
        )
        .unwrap();
        let Some(Failure::Http { code, .. }) = error_envelope(429, &spent) else { panic!() };
        assert_eq!(code.as_deref(), Some("enforced_spend_limit_reached"));

        assert!(error_envelope(200, &serde_json::json!({"error": null, "choices": []})).is_none());
        assert_eq!(
            http_failure(502, "<html>Bad gateway</html>").to_string(),
            "HTTP 502: <html>Bad gateway</html>"
        );
        assert_eq!(http_failure(404, r#"{"detail":"Not Found"}"#).to_string(), "HTTP 404: Not Found");
    }

    #[test]
    fn a_question_is_picked_from_free_text() {
        assert_eq!(
            question("Good start.\n\"How do you keep ordering within a chat?\"\n").as_deref(),
            Some("How do you keep ordering within a chat?")
        );
        assert_eq!(question("  \n"), None);
        assert_eq!(question("The answer is fine."), None, "no question, no follow-up");
        assert_eq!(question("?"), None);
        assert_eq!(question("Why a queue? Explain.").as_deref(), Some("Why a queue?"));
    }
}
