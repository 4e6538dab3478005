//! Integration tests against a real OpenAI-compatible server: llama.cpp's own HTTP server
//! (`xllamacpp`) serving SmolLM2-135M-Instruct, installed from PyPI by `.ci/llm-server.sh` into
//! `target/llm-venv` (nothing compiled). A real chat template, real tokens, real grammar-enforced
//! structured output, and a model far too small to grade: these tests assert on the protocol and on
//! what mockdesign does with the model's (mostly wrong) output, never on its judgement.
//!
//! Without the venv and without `MOCKDESIGN_REAL_LLM`, every test here returns at once and one line
//! says how to run them. With `MOCKDESIGN_REAL_LLM=1` (`.ci/run` sets it) a missing venv is a
//! failure, so CI never skips them silently. One server is shared by the module (started on first
//! use, on a free loopback port, ended with the test process); each test watches its own requests
//! through a small counting proxy in front of it.

use std::io::{Read, Write};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex, Once, OnceLock};
use std::time::{Duration, Instant};

use serde_json::Value;

use crate::common::{Home, stderr, stdout};

const MODEL: &str = "smollm2-135m-instruct";
/// The per-request timeout the tests give the grader: a 135M model on two busy cores.
const TIMEOUT_SECS: u64 = 300;

use crate::llm::ANSWER;

// ---- the server ---------------------------------------------------------------------------------

fn venv_python() -> PathBuf {
    let venv = std::env::var_os("MOCKDESIGN_LLM_VENV")
        .map_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("target/llm-venv"), PathBuf::from);
    venv.join("bin/python")
}

/// True when the real-server tests should run; prints the one skip line otherwise. Panics when
/// they are required (`MOCKDESIGN_REAL_LLM` set) but the server is not installed.
fn enabled() -> bool {
    static SAID: Once = Once::new();
    if venv_python().is_file() {
        return true;
    }
    assert!(
        std::env::var_os("MOCKDESIGN_REAL_LLM").is_none(),
        "MOCKDESIGN_REAL_LLM is set but {} is missing: run .ci/llm-server.sh first",
        venv_python().display()
    );
    SAID.call_once(|| {
        // Straight to the stream, past the test harness's capture: one line per run.
        let _ = writeln!(
            std::io::stderr(),
            "llm_real: skipped the real-LLM-server tests (no target/llm-venv); run them with \
             `.ci/llm-server.sh && MOCKDESIGN_REAL_LLM=1 cargo test --test it llm_real`"
        );
    });
    false
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

/// A running llama.cpp server; killed when dropped.
struct Server {
    port: u16,
    child: Mutex<Child>,
}

impl Server {
    fn start() -> Server {
        let port = free_port();
        let script = Path::new(env!("CARGO_MANIFEST_DIR")).join(".ci/llm-server.py");
        let log = tempfile::NamedTempFile::new().unwrap();
        // One slot: llama.cpp batches parallel slots together, and a different batch gives a
        // 135M model a different greedy reply (once, under load, one that never closed its JSON).
        // With one slot a reply depends only on its prompt, whatever the machine is doing; the
        // four phase requests still go out at once and queue in the server.
        let child = Command::new(venv_python())
            .arg(&script)
            .args(["--port", &port.to_string(), "--parallel", "1", "--exit-with-parent"])
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(log.reopen().unwrap())
            .spawn()
            .expect("start the llama.cpp server");
        let server = Server { port, child: Mutex::new(child) };
        let started = Instant::now();
        while !health_ok(port) {
            if let Ok(Some(status)) = server.child.lock().unwrap().try_wait() {
                let tail = std::fs::read_to_string(log.path()).unwrap_or_default();
                let tail: String = tail.lines().rev().take(15).collect::<Vec<_>>().join("\n");
                panic!("the llama.cpp server exited ({status}) before it was healthy:\n{tail}");
            }
            assert!(started.elapsed() < Duration::from_secs(90), "the llama.cpp server never became healthy");
            std::thread::sleep(Duration::from_millis(200));
        }
        server
    }

    fn base(&self) -> String {
        format!("http://127.0.0.1:{}/v1", self.port)
    }

    fn kill(&self) {
        let mut child = self.child.lock().unwrap();
        let _ = child.kill();
        let _ = child.wait();
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.kill();
    }
}

/// `GET /health` says `{"status":"ok"}`.
fn health_ok(port: u16) -> bool {
    let Ok(mut s) = TcpStream::connect(("127.0.0.1", port)) else { return false };
    let _ = s.set_read_timeout(Some(Duration::from_secs(2)));
    if s.write_all(b"GET /health HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n").is_err() {
        return false;
    }
    let mut body = String::new();
    let _ = s.read_to_string(&mut body);
    body.contains("\"ok\"")
}

/// The module's shared server, started on first use (and ended with the test process: the
/// server exits when its parent does).
fn server() -> &'static Server {
    static SERVER: OnceLock<Server> = OnceLock::new();
    SERVER.get_or_init(Server::start)
}

// ---- a counting proxy -------------------------------------------------------------------------

/// A TCP proxy in front of the server that counts the HTTP requests going through it and notes
/// when each started and when the first reply began, so a test can tell what was sent and whether
/// the requests were in flight together.
struct Proxy {
    port: u16,
    log: Arc<Mutex<ProxyLog>>,
}

#[derive(Default)]
struct ProxyLog {
    /// When each request's first bytes arrived (`POST /…`), in order.
    requests: Vec<Instant>,
    /// When the first reply's first bytes came back.
    first_reply: Option<Instant>,
    /// The request heads and bodies as received, concatenated.
    sent: String,
    /// The replies, concatenated.
    received: String,
}

impl Proxy {
    fn to(upstream: u16) -> Proxy {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let log = Arc::new(Mutex::new(ProxyLog::default()));
        let shared = Arc::clone(&log);
        std::thread::spawn(move || {
            for client in listener.incoming().filter_map(Result::ok) {
                let Ok(server) = TcpStream::connect(("127.0.0.1", upstream)) else {
                    let _ = client.shutdown(Shutdown::Both);
                    continue;
                };
                let (c2, s2) = (client.try_clone().unwrap(), server.try_clone().unwrap());
                let up = Arc::clone(&shared);
                std::thread::spawn(move || pump(client, server, &up, true));
                let down = Arc::clone(&shared);
                std::thread::spawn(move || pump(s2, c2, &down, false));
            }
        });
        Proxy { port, log }
    }

    fn base(&self) -> String {
        format!("http://127.0.0.1:{}/v1", self.port)
    }

    fn requests(&self) -> usize {
        self.log.lock().unwrap().requests.len()
    }

    fn sent(&self) -> String {
        self.log.lock().unwrap().sent.clone()
    }

    fn received(&self) -> String {
        self.log.lock().unwrap().received.clone()
    }
}

fn pump(mut from: TcpStream, mut to: TcpStream, log: &Mutex<ProxyLog>, upstream: bool) {
    let mut buf = vec![0u8; 64 * 1024];
    loop {
        let n = match from.read(&mut buf) {
            Ok(0) | Err(_) => break,
            Ok(n) => n,
        };
        {
            let mut log = log.lock().unwrap();
            let chunk = String::from_utf8_lossy(&buf[..n]);
            if upstream {
                let starts = chunk.matches("POST /").count() + chunk.matches("GET /").count();
                for _ in 0..starts {
                    log.requests.push(Instant::now());
                }
                log.sent.push_str(&chunk);
            } else {
                log.first_reply.get_or_insert_with(Instant::now);
                log.received.push_str(&chunk);
            }
        }
        if to.write_all(&buf[..n]).is_err() {
            break;
        }
    }
    let _ = to.shutdown(Shutdown::Write);
}

// ---- running mockdesign -----------------------------------------------------------------------

fn home() -> (Home, PathBuf) {
    let home = Home::new();
    home.write("config.toml", "[grader]\nbackoff_secs = 0.05\nmax_retries = 1\n");
    let answer = home.write("answer.md", ANSWER);
    (home, answer)
}

fn grade(home: &Home, answer: &Path, base: &str, extra: &[&str]) -> (std::process::Output, Duration) {
    let started = Instant::now();
    let out = home
        .cmd()
        .args(["grade", "whatsapp"])
        .arg(answer)
        .args(["--grader", "llm", "--backend", "openai", "--base-url", base, "--model", MODEL, "--json"])
        .args(["--timeout", &TIMEOUT_SECS.to_string()])
        .args(extra)
        .timeout(Duration::from_secs(TIMEOUT_SECS * 2))
        .output()
        .unwrap();
    (out, started.elapsed())
}

fn json_of(out: &std::process::Output) -> Value {
    serde_json::from_str(&stdout(out))
        .unwrap_or_else(|e| panic!("{e}\nstdout: {}\nstderr: {}", stdout(out), stderr(out)))
}

fn warnings(card: &Value) -> String {
    card["warnings"].as_array().unwrap().iter().map(|w| w.as_str().unwrap()).collect::<Vec<_>>().join("\n")
}

fn fold(s: &str) -> String {
    s.split_whitespace().map(str::to_lowercase).collect::<Vec<_>>().join(" ")
}

/// The first (cold) grade of the answer, shared by the tests that look at it.
struct ColdGrade {
    home: Home,
    answer: PathBuf,
    proxy: Proxy,
    out: std::process::Output,
    elapsed: Duration,
    /// When the four requests started and when the first reply began.
    starts: Vec<Instant>,
    first_reply: Option<Instant>,
}

fn cold_grade() -> &'static ColdGrade {
    static COLD: OnceLock<ColdGrade> = OnceLock::new();
    COLD.get_or_init(|| {
        let proxy = Proxy::to(server().port);
        let (home, answer) = home();
        let (out, elapsed) = grade(&home, &answer, &proxy.base(), &[]);
        let (starts, first_reply) = {
            let log = proxy.log.lock().unwrap();
            (log.requests.clone(), log.first_reply)
        };
        ColdGrade { home, answer, proxy, out, elapsed, starts, first_reply }
    })
}

fn rubric_score() -> f64 {
    let (home, answer) = home();
    let out = home.cmd().args(["grade", "whatsapp"]).arg(&answer).args(["--json"]).output().unwrap();
    json_of(&out)["score"].as_f64().unwrap()
}

// ---- the grader ---------------------------------------------------------------------------------

#[test]
fn real_server_grade_parses_every_phase_and_counts_only_verified_quotes() {
    if !enabled() {
        return;
    }
    let cold = cold_grade();
    assert!(cold.out.status.success(), "{}", stderr(&cold.out));
    let card = json_of(&cold.out);
    let w = warnings(&card);
    // The server accepted every request and each phase's reply was read: no HTTP, protocol or
    // output failure anywhere, whatever the model said.
    for bad in
        ["HTTP 4", "HTTP 5", "unexpected reply", "not a usable grade", "cannot connect", "no reply within"]
    {
        assert!(!w.contains(bad), "{bad}: {w}");
    }
    let sent = cold.proxy.sent();
    assert_eq!(sent.matches("POST /v1/chat/completions").count(), 4, "one request per phase");
    assert!(sent.contains("\"json_schema\""), "structured output was asked for");
    assert!(!w.contains("json_object"), "the real server takes the strict schema: {w}");
    // Every accepted verdict quotes this answer, and is about its item.
    let design = mockdesign::catalog::Catalog::builtin().find("whatsapp").unwrap().clone();
    let answer = fold(ANSWER);
    for phase in card["phases"].as_array().unwrap() {
        for item in phase["items"].as_array().unwrap().iter().filter(|i| i["covered"] == true) {
            let quote = item["evidence"].as_str().unwrap();
            assert!(answer.contains(&fold(quote)), "accepted evidence not in the answer: {quote}");
            if card["grader"] == "llm" {
                let rubric_item = design.item(item["id"].as_str().unwrap()).unwrap();
                assert!(mockdesign::grade::rubric::evidence_is_about(&design, rubric_item, quote), "{quote}");
            }
        }
    }
}

#[test]
fn real_model_lies_are_rejected_counted_and_never_raise_the_score() {
    if !enabled() {
        return;
    }
    let cold = cold_grade();
    let card = json_of(&cold.out);
    let w = warnings(&card);
    let rubric = rubric_score();
    if card["grader"] == "rubric" {
        // Nothing the model said held up: the rubric grade, and the reason.
        assert!(w.contains("gave no valid grade"), "{w}");
        assert!((card["score"].as_f64().unwrap() - rubric).abs() < 1e-9);
    }
    // Whatever it claimed that did not hold up is counted, with reasons.
    if let Some(summary) = w.lines().find(|l| l.starts_with("the LLM marked ")) {
        assert!(summary.contains("accepted") && summary.contains("rejected and not counted ("), "{summary}");
    }
    // The LLM's score comes only from accepted verdicts, a rejected one adds nothing: every item
    // the LLM grade covers holds a verified quote (checked in the test above), and every other
    // item earns nothing.
    if card["grader"] == "llm" {
        for phase in card["phases"].as_array().unwrap() {
            for item in phase["items"].as_array().unwrap() {
                let covered = item["covered"] == true;
                assert_eq!(covered, item["evidence"].is_string(), "{item}");
                let want = if covered { 1.0 } else { 0.0 };
                assert!((item["credit"].as_f64().unwrap() - want).abs() < 1e-9, "{item}");
            }
        }
    }
}

#[test]
fn real_server_gets_the_four_phases_at_once_within_the_timeout() {
    if !enabled() {
        return;
    }
    let cold = cold_grade();
    assert_eq!(cold.starts.len(), 4, "{}", stderr(&cold.out));
    let first_reply = cold.first_reply.expect("a reply");
    assert!(
        cold.starts.iter().all(|s| *s < first_reply),
        "all four requests were in flight before the first reply"
    );
    assert!(cold.elapsed < Duration::from_secs(TIMEOUT_SECS), "took {:?}", cold.elapsed);
}

#[test]
fn real_server_second_grade_comes_from_the_cache_with_no_request() {
    if !enabled() {
        return;
    }
    let cold = cold_grade();
    let first = json_of(&cold.out);
    let proxy = Proxy::to(server().port);
    let (out, _) = grade(&cold.home, &cold.answer, &cold.proxy.base(), &[]);
    let second = json_of(&out);
    assert_eq!(proxy.requests(), 0);
    assert_eq!(cold.proxy.requests(), 4, "no new request through the first proxy either");
    assert_eq!(second["score"], first["score"]);
    assert_eq!(second["grader"], first["grader"]);
}

#[test]
fn real_server_stopped_mid_grade_warns_and_uses_the_rubric_grade() {
    if !enabled() {
        return;
    }
    let doomed = Server::start();
    let proxy = Proxy::to(doomed.port);
    let (home, answer) = home();
    let child = home
        .std_cmd()
        .args(["grade", "whatsapp"])
        .arg(&answer)
        .args(["--grader", "llm", "--backend", "openai", "--base-url", &proxy.base(), "--model", MODEL])
        .args(["--json", "--no-cache", "--timeout", &TIMEOUT_SECS.to_string()])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let waited = Instant::now();
    while proxy.requests() < 4 && waited.elapsed() < Duration::from_secs(30) {
        std::thread::sleep(Duration::from_millis(50));
    }
    assert_eq!(proxy.requests(), 4, "the grade was under way");
    doomed.kill();
    let stopped = Instant::now();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success(), "exit 0: {}", stderr(&out));
    assert!(stopped.elapsed() < Duration::from_secs(60), "gave up in {:?}", stopped.elapsed());
    let card = json_of(&out);
    assert_eq!(card["grader"], "rubric");
    assert!((card["score"].as_f64().unwrap() - rubric_score()).abs() < 1e-9);
    let w = warnings(&card);
    assert!(w.contains("gave no valid grade, so the rubric grader graded this answer"), "{w}");
    assert!(stderr(&out).contains("mockdesign: warning: the LLM grader"), "{}", stderr(&out));
}

// ---- the interviewer ---------------------------------------------------------------------------

/// A piped session whose requirements answer misses most items, with the LLM interviewer at
/// `base`; the follow-up the transcript recorded and the rubric's probe for its item.
fn piped_follow_up(base: &str) -> (String, String) {
    let home = Home::new();
    home.write(
        "config.toml",
        &format!(
            "[grader]\nbackend = \"openai\"\nbase_url = \"{base}\"\nmodel = \"{MODEL}\"\nmax_retries = 0\n\n[interviewer]\nllm = true\n"
        ),
    );
    let out = home
        .cmd()
        .args(["whatsapp", "--minutes", "45"])
        .write_stdin(
            "Users send chat messages to each other.\n/next\nWe keep the messages in a database.\n/next\n",
        )
        .timeout(Duration::from_secs(120))
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let t = home.latest_transcript();
    let f = &t["phases"][0]["followups"][0];
    let item = f["item"].as_str().expect("a follow-up about an item").to_string();
    let design = mockdesign::catalog::Catalog::builtin().find("whatsapp").unwrap().clone();
    (f["question"].as_str().unwrap().to_string(), design.item(&item).unwrap().probe.clone())
}

/// The session's first answer.
const FIRST_ANSWER: &str = "Users send chat messages to each other.";

/// Send the interviewer's follow-up request for [`FIRST_ANSWER`] once and wait for it without a
/// time limit, so the server's prompt cache holds the prompt: the session's interviewer waits a
/// bounded time for its question, which a busy two-core machine may not meet with a cold cache.
fn warm_the_follow_up_prompt(port: u16) {
    use mockdesign::catalog::Phase;
    let design = mockdesign::catalog::Catalog::builtin().find("whatsapp").unwrap().clone();
    let probe = mockdesign::grade::probe(&design, Phase::Requirements, FIRST_ANSWER).expect("a gap");
    let brief = mockdesign::grade::FollowUpBrief::new(
        &design,
        Phase::Requirements,
        FIRST_ANSWER.into(),
        probe.missing,
    );
    let (system, user) = mockdesign::grade::llm::prompt::follow_up(&brief);
    let body = serde_json::json!({
        "model": MODEL, "temperature": 0, "max_tokens": 80,
        "messages": [{"role": "system", "content": system}, {"role": "user", "content": user}],
    })
    .to_string();
    let mut s = TcpStream::connect(("127.0.0.1", port)).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(TIMEOUT_SECS))).unwrap();
    write!(
        s,
        "POST /v1/chat/completions HTTP/1.0\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    )
    .unwrap();
    let mut reply = String::new();
    let _ = s.read_to_string(&mut reply);
}

#[test]
fn real_model_writes_the_interviewers_follow_up_and_a_bad_reply_falls_back_to_the_probe() {
    if !enabled() {
        return;
    }
    // After the shared grade, so the model is not busy with it, and with the prompt cached.
    let _ = cold_grade();
    warm_the_follow_up_prompt(server().port);
    let proxy = Proxy::to(server().port);
    let (mut question, mut probe) = piped_follow_up(&proxy.base());
    if question == probe {
        (question, probe) = piped_follow_up(&proxy.base());
    }
    let sent = proxy.sent();
    assert!(sent.contains("POST /v1/chat/completions"), "the interviewer asked the server");
    assert_ne!(question, probe, "the follow-up came from the model; it said:\n{}", proxy.received());
    assert!(question.ends_with('?') && question.chars().count() <= 300, "{question}");

    // A real server that answers the wrong path: the rubric's probe.
    let wrong = format!("http://127.0.0.1:{}/no/such/v1", server().port);
    let (question, probe) = piped_follow_up(&wrong);
    assert_eq!(question, probe);
}

// ---- llm check ---------------------------------------------------------------------------------

#[test]
fn real_server_passes_llm_check() {
    if !enabled() {
        return;
    }
    let home = Home::new();
    let out = home
        .cmd()
        .args(["llm", "check", "--backend", "openai", "--base-url", &server().base(), "--model", MODEL])
        .args(["--timeout", &TIMEOUT_SECS.to_string()])
        .output()
        .unwrap();
    let text = stdout(&out);
    assert!(out.status.success(), "{text}{}", stderr(&out));
    assert!(text.contains(&format!("models    {MODEL}")), "{text}");
    assert!(text.contains("request   ok in "), "{text}");
    assert!(text.contains("structured output with a JSON schema"), "{text}");
    assert!(text.contains("key       not set"), "{text}");
}
