//! Fault injection (issue 15, "Nothing lost, nobody in"): kill -9 at random moments of a
//! fifo-fed session, signals in every state, two writers, full disks, hostile input and broken
//! files. Each regression test is named for the defect it pins.

use std::io::{Read, Write};
use std::net::TcpListener;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::{Duration, Instant};

use serde_json::Value;

use crate::common::{Home, fixture, stderr, stdout};

/// Poll `ready` every 50 ms until it holds or `limit` passes.
fn wait_for(limit: Duration, mut ready: impl FnMut() -> bool) -> bool {
    let start = Instant::now();
    while start.elapsed() < limit {
        if ready() {
            return true;
        }
        thread::sleep(Duration::from_millis(50));
    }
    ready()
}

/// Wait for `child` to exit within `limit`; kill it (and fail) if it does not.
fn exit_within(child: &mut Child, limit: Duration) -> std::process::ExitStatus {
    let start = Instant::now();
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            return status;
        }
        if start.elapsed() > limit {
            let _ = child.kill();
            let _ = child.wait();
            panic!("still running after {limit:?}: it hangs");
        }
        thread::sleep(Duration::from_millis(50));
    }
}

fn signal(child: &Child, name: &str) {
    let ok = Command::new("kill").arg(format!("-{name}")).arg(child.id().to_string()).status().unwrap();
    assert!(ok.success(), "kill -{name}");
}

/// Collect a pipe's text on a thread.
fn collect(mut pipe: impl Read + Send + 'static) -> Arc<Mutex<String>> {
    let text = Arc::new(Mutex::new(String::new()));
    let sink = text.clone();
    thread::spawn(move || {
        let mut buf = [0u8; 4096];
        while let Ok(n) = pipe.read(&mut buf) {
            if n == 0 {
                break;
            }
            sink.lock().unwrap().push_str(&String::from_utf8_lossy(&buf[..n]));
        }
    });
    text
}

fn read_json(path: &Path) -> Value {
    serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap()
}

fn answer(t: &Value, phase: &str) -> String {
    let p = t["phases"].as_array().unwrap().iter().find(|p| p["phase"] == phase).unwrap();
    p["answer"].as_str().unwrap().to_string()
}

/// A finished, graded transcript written from a fixture answer; returns its path.
fn finished_session(home: &Home) -> PathBuf {
    let out = home.cmd().args(["whatsapp", "--answers"]).arg(fixture("whatsapp/strong.md")).output().unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    home.sessions().pop().unwrap()
}

fn edit_transcript(path: &Path, edit: impl FnOnce(&mut Value)) {
    let mut t = read_json(path);
    edit(&mut t);
    std::fs::write(path, serde_json::to_vec_pretty(&t).unwrap()).unwrap();
}

// ---------------------------------------------------------------------------------------------
// kill -9 at random moments of a fifo-fed session

/// xorshift64*: a seeded generator, so a failure replays with the same kill points.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

/// How long autosave may take to write a typed line (5 s), plus slack for a busy machine.
const LOSS_BOUND: Duration = Duration::from_millis(6500);

#[test]
fn kill_9_at_random_points_of_a_fifo_fed_session_loses_at_most_five_seconds_of_typing() {
    let seed = std::env::var("FAULTS_SEED").ok().and_then(|s| s.parse().ok()).unwrap_or(0x15_0000_07ea);
    let mut rng = Rng(seed.max(1));
    // One kill early (during start-up), the others at random moments of the typing.
    let mut kills = vec![Duration::from_millis(rng.below(300))];
    for _ in 0..3 {
        kills.push(Duration::from_millis(1500 + rng.below(8000)));
    }
    for (run, kill_at) in kills.into_iter().enumerate() {
        let home = Home::new();
        let fifo = home.path().join("typing.fifo");
        assert!(Command::new("mkfifo").arg(&fifo).status().unwrap().success(), "mkfifo");
        // Opened read-write, the fifo never blocks on open and never reports end of input.
        let mut typing = std::fs::OpenOptions::new().read(true).write(true).open(&fifo).unwrap();
        let mut child = home
            .std_cmd()
            .args(["whatsapp", "--minutes", "45", "--seed", "7"])
            .stdin(std::fs::File::open(&fifo).unwrap())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let started = Instant::now();
        // (when it was sent, the line); `/next` lines submit.
        let mut sent: Vec<(Duration, String)> = Vec::new();
        let mut n = 0;
        while started.elapsed() < kill_at {
            n += 1;
            let line =
                if rng.below(6) == 0 { "/next".to_string() } else { format!("token-{run}-{n:03} typed") };
            writeln!(typing, "{line}").unwrap();
            sent.push((started.elapsed(), line));
            let pause = Duration::from_millis(100 + rng.below(400));
            thread::sleep(pause.min(kill_at.saturating_sub(started.elapsed())));
        }
        child.kill().unwrap(); // SIGKILL: no chance to save
        child.wait().unwrap();
        let killed = started.elapsed();

        let files = home.sessions();
        if files.is_empty() {
            assert!(kill_at < Duration::from_secs(1), "run {run}: no transcript after {killed:?}");
            continue;
        }
        assert_eq!(files.len(), 1, "run {run}");
        // Always a whole transcript that this version reads.
        let loaded = mockdesign::store::load(&files[0]);
        assert!(loaded.is_ok(), "run {run}, seed {seed}: {loaded:?}");
        let text = std::fs::read_to_string(&files[0]).unwrap();
        let last_submit = sent
            .iter()
            .rposition(|(at, l)| l == "/next" && killed.saturating_sub(*at) > Duration::from_secs(2));
        for (i, (at, line)) in sent.iter().enumerate() {
            if line == "/next" {
                continue;
            }
            let submitted = last_submit.is_some_and(|s| i < s);
            let old = killed.saturating_sub(*at) > LOSS_BOUND;
            if submitted || old {
                assert!(
                    text.contains(line.as_str()),
                    "run {run}, seed {seed}: '{line}' sent at {at:?} was lost by a kill at {killed:?}"
                );
            }
        }
        // And the session resumes where it stopped.
        let out = home.cmd().arg("resume").write_stdin("after the crash\n").output().unwrap();
        assert!(out.status.success(), "run {run}: {}", stderr(&out));
        let text = std::fs::read_to_string(&files[0]).unwrap();
        assert!(text.contains("after the crash"), "run {run}");
        drop(typing);
    }
}

// ---------------------------------------------------------------------------------------------
// 1. Invalid UTF-8 on standard input

#[test]
fn invalid_utf8_on_stdin_ends_the_session_as_if_input_had_ended() {
    let home = Home::new();
    let out = home
        .cmd()
        .args(["whatsapp", "--minutes", "30"])
        .write_stdin(&b"caf\xe9 websocket\nmore\n/next\n"[..])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let t = home.latest_transcript();
    assert_eq!(answer(&t, "requirements"), "caf\u{fffd} websocket\nmore", "every answer kept");
    let warned = stderr(&out).matches("not valid UTF-8").count();
    assert_eq!(warned, 1, "one warning: {}", stderr(&out));
}

#[test]
fn invalid_utf8_in_a_terminal_ends_the_session() {
    use expectrl::{ControlCode, Eof, Expect};

    let home = Home::new();
    let mut p = home.pty(&["whatsapp", "--minutes", "10"], &[]);
    p.expect("1/4 Requirements").unwrap();
    p.send(&b"caf\xe9 websocket\r"[..]).unwrap();
    p.send("still here\r").unwrap();
    p.expect("still here").unwrap();
    p.send(ControlCode::EndOfText).unwrap();
    p.expect("Continue with `mockdesign resume").unwrap();
    p.expect(Eof).unwrap();
    let t = home.latest_transcript();
    let req = answer(&t, "requirements");
    assert!(req.contains("websocket") && req.ends_with("still here"), "{req}");
}

// ---------------------------------------------------------------------------------------------
// 2. Two writers on one transcript

#[test]
fn two_sessions_started_in_the_same_second_share_an_id() {
    let home = Home::new();
    let file = fixture("whatsapp/strong.md");
    for round in 1..=3 {
        let children: Vec<Child> = (0..4)
            .map(|_| {
                home.std_cmd()
                    .args(["whatsapp", "--answers"])
                    .arg(&file)
                    .stdout(Stdio::null())
                    .stderr(Stdio::piped())
                    .spawn()
                    .unwrap()
            })
            .collect();
        for child in children {
            let out = child.wait_with_output().unwrap();
            assert!(out.status.success(), "{}", stderr(&out));
        }
        let files = home.sessions();
        assert_eq!(files.len(), 4 * round, "every session has its own file: {files:?}");
        let ids: std::collections::HashSet<String> =
            files.iter().map(|f| read_json(f)["id"].as_str().unwrap().to_string()).collect();
        assert_eq!(ids.len(), files.len(), "and its own id");
    }
}

/// The real binary with piped standard input, output and error.
fn spawn_piped(home: &Home, args: &[&str]) -> Child {
    home.std_cmd()
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap()
}

/// A live piped session whose input stays open; returns it once its transcript is on disk.
fn open_session(home: &Home, args: &[&str]) -> (Child, std::process::ChildStdin) {
    let mut child = spawn_piped(home, args);
    let stdin = child.stdin.take().unwrap();
    assert!(wait_for(Duration::from_secs(20), || !home.sessions().is_empty()), "the session started");
    (child, stdin)
}

#[test]
fn resume_of_a_session_that_another_process_has_open_loses_its_lines() {
    let home = Home::new();
    // A new session, still open: its lines would be lost to a second writer.
    let (mut first, mut first_in) = open_session(&home, &["whatsapp", "--minutes", "30"]);
    writeln!(first_in, "the first writer's line").unwrap();
    let out = home.cmd().arg("resume").write_stdin("intruder\n").output().unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(stderr(&out).contains(&format!("(pid {})", first.id())), "{}", stderr(&out));
    writeln!(first_in, "/quit").unwrap();
    drop(first_in);
    assert!(exit_within(&mut first, Duration::from_secs(20)).success());

    // A resumed session, open: every other writer is refused, naming the process that has it.
    let (mut holder, mut holder_in) = open_session_again(&home);
    let pid = holder.id();
    for args in [vec!["resume"], vec!["review", "latest", "--grader", "rubric"], vec!["self-score"]] {
        let out = home.cmd().args(&args).write_stdin("y\n").output().unwrap();
        assert_eq!(out.status.code(), Some(1), "{args:?}: {}", stderr(&out));
        let err = stderr(&out);
        assert!(err.contains(&format!("open in another mockdesign process (pid {pid})")), "{args:?}: {err}");
        assert_eq!(err.lines().count(), 1, "one line: {err}");
    }
    writeln!(holder_in, "the resumed line").unwrap();
    // kill -9 never leaves the lock stuck: the OS releases it with the process.
    holder.kill().unwrap();
    holder.wait().unwrap();
    let out = home.cmd().arg("resume").write_stdin("after the kill\n/quit\n").output().unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let req = answer(&home.latest_transcript(), "requirements");
    assert!(req.starts_with("the first writer's line") && req.ends_with("after the kill"), "{req}");
    assert!(!req.contains("intruder"), "{req}");
    drop(holder_in);
}

/// `resume` the latest session in a process that keeps it open.
fn open_session_again(home: &Home) -> (Child, std::process::ChildStdin) {
    let mut child = spawn_piped(home, &["resume"]);
    let stdin = child.stdin.take().unwrap();
    let out = collect(child.stdout.take().unwrap());
    assert!(
        wait_for(Duration::from_secs(20), || out.lock().unwrap().contains("Phase 1/4")),
        "resumed: {}",
        out.lock().unwrap()
    );
    (child, stdin)
}

#[test]
fn two_resumes_at_once_lose_the_others_lines() {
    let home = Home::new();
    let out =
        home.cmd().args(["whatsapp", "--minutes", "30"]).write_stdin("start\n/quit\n").output().unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let (mut a, a_in) = open_session_again(&home);
    let second = home.cmd().arg("resume").write_stdin("second writer\n/quit\n").output().unwrap();
    assert_eq!(second.status.code(), Some(1), "{}", stderr(&second));
    assert!(stderr(&second).contains(&format!("(pid {})", a.id())), "{}", stderr(&second));
    drop(a_in);
    assert!(exit_within(&mut a, Duration::from_secs(20)).success());
    assert!(!answer(&home.latest_transcript(), "requirements").contains("second writer"));
}

// ---------------------------------------------------------------------------------------------
// 10. A piped self-score hangs; signals in every state

#[test]
fn a_piped_self_score_hangs() {
    let home = Home::new();
    let bin = assert_cmd::cargo::cargo_bin("mockdesign");
    let script = format!(
        "{{ printf '/next\\n/next\\n/next\\n/next\\n'; yes y | head -n 400; }} | '{}' whatsapp --self-score",
        bin.display()
    );
    // Its own process group, so a hang is cleaned up whole (the shell and the pipeline).
    let mut child = Command::new("sh")
        .arg("-c")
        .arg(&script)
        .process_group(0)
        .env("MOCKDESIGN_HOME", home.path())
        .env("NO_COLOR", "1")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let ended = wait_for(Duration::from_secs(60), || child.try_wait().unwrap().is_some());
    if !ended {
        let _ = Command::new("kill").args(["-KILL", "--", &format!("-{}", child.id())]).status();
        let _ = child.wait();
        panic!("the piped self-score hangs");
    }
    assert!(child.wait().unwrap().success());
    let t = home.latest_transcript();
    assert_eq!(t["status"], "finished");
    let card = t["scorecards"].as_array().unwrap().last().unwrap().clone();
    assert_eq!(card["grader"], "self");
}

#[test]
fn sigterm_does_not_end_the_self_score_checklist() {
    for sig in ["TERM", "HUP", "INT"] {
        let home = Home::new();
        let mut child = spawn_piped(&home, &["whatsapp", "--self-score", "--minutes", "30"]);
        let mut typing = child.stdin.take().unwrap();
        let out = collect(child.stdout.take().unwrap());
        let err = collect(child.stderr.take().unwrap());
        // Five Enters: four phases and the curveball; then one tick, and the input stays open.
        typing.write_all(b"\n\n\n\n\ny\n").unwrap();
        assert!(
            wait_for(Duration::from_secs(20), || out.lock().unwrap().contains("[2/")),
            "the checklist is waiting: {}",
            out.lock().unwrap()
        );
        signal(&child, sig);
        let status = exit_within(&mut child, Duration::from_secs(10));
        assert_eq!(status.code(), Some(130), "SIG{sig}");
        let t = home.latest_transcript();
        assert_eq!(t["status"], "finished", "SIG{sig}: the session was saved");
        assert!(err.lock().unwrap().contains("mockdesign self-score"), "SIG{sig}: {}", err.lock().unwrap());
        drop(typing);
    }
}

#[test]
fn signals_end_a_piped_session_after_saving() {
    for sig in ["TERM", "HUP", "INT"] {
        let home = Home::new();
        let (mut child, mut typing) = open_session(&home, &["whatsapp", "--minutes", "30"]);
        writeln!(typing, "kept before the signal").unwrap();
        thread::sleep(Duration::from_millis(300));
        signal(&child, sig);
        let status = exit_within(&mut child, Duration::from_secs(10));
        assert_eq!(status.code(), Some(130), "SIG{sig}");
        assert_eq!(answer(&home.latest_transcript(), "requirements"), "kept before the signal");
        drop(typing);
    }
}

// ---------------------------------------------------------------------------------------------
// 4. Signals while an LLM grade runs

/// A grading server that accepts connections and never answers.
fn silent_server() -> (String, Arc<Mutex<usize>>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}/grade", listener.local_addr().unwrap());
    let accepted = Arc::new(Mutex::new(0));
    let count = accepted.clone();
    thread::spawn(move || {
        let mut held = Vec::new();
        for conn in listener.incoming().flatten() {
            *count.lock().unwrap() += 1;
            held.push(conn);
        }
    });
    (url, accepted)
}

fn grading_session(home: &Home, url: &str) -> (Child, Arc<Mutex<String>>) {
    let mut child = home
        .std_cmd()
        .args(["whatsapp", "--minutes", "30", "--grader", "llm", "--backend", "http", "--base-url", url])
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut typing = child.stdin.take().unwrap();
    typing.write_all(b"Phones keep a websocket open to a gateway.\n").unwrap();
    drop(typing); // end of input ends the session; grading starts
    let err = collect(child.stderr.take().unwrap());
    (child, err)
}

#[test]
fn signals_while_grading_lose_the_grade() {
    for sig in ["TERM", "HUP", "INT"] {
        let home = Home::new();
        let (url, accepted) = silent_server();
        let (mut child, err) = grading_session(&home, &url);
        assert!(wait_for(Duration::from_secs(20), || *accepted.lock().unwrap() > 0), "grading started");
        signal(&child, sig);
        let status = exit_within(&mut child, Duration::from_secs(10));
        assert_eq!(status.code(), Some(130), "SIG{sig}: {}", err.lock().unwrap());
        let t = home.latest_transcript();
        assert_eq!(t["status"], "finished");
        let card = t["scorecards"].as_array().unwrap().last().expect("the rubric grade was saved").clone();
        assert_eq!(card["grader"], "rubric", "SIG{sig}");
        assert!(card["warnings"].to_string().contains("interrupted"), "{card}");
        assert!(err.lock().unwrap().contains("LLM grade was cancelled"), "{}", err.lock().unwrap());
    }
}

#[test]
fn a_session_killed_while_grading_is_finished_with_no_score() {
    for command in ["resume", "review"] {
        let home = Home::new();
        let (url, accepted) = silent_server();
        let (mut child, _err) = grading_session(&home, &url);
        assert!(wait_for(Duration::from_secs(20), || *accepted.lock().unwrap() > 0), "grading started");
        child.kill().unwrap();
        child.wait().unwrap();
        let t = home.latest_transcript();
        assert_eq!(t["status"], "finished");
        assert!(t["scorecards"].as_array().unwrap().is_empty());

        let out = home.cmd().arg(command).output().unwrap();
        assert!(out.status.success(), "{command}: {}", stderr(&out));
        assert!(stderr(&out).contains("finished without a grade; grading it now"), "{}", stderr(&out));
        assert!(stdout(&out).contains("Score"), "{command}: {}", stdout(&out));
        let t = home.latest_transcript();
        assert_eq!(t["scorecards"].as_array().unwrap().len(), 1, "{command} saved the grade");
        let history = home.cmd().args(["history", "--json", "--all"]).output().unwrap();
        let h: Value = serde_json::from_slice(&history.stdout).unwrap();
        assert!(h[0]["score"].is_number(), "{command}: history shows the score: {h}");
    }
}

// ---------------------------------------------------------------------------------------------
// 5. Panics

#[test]
fn nan_backoff_in_config_toml_panics() {
    let home = Home::new();
    for (key, value) in [
        ("backoff_secs", "nan"),
        ("max_wait_secs", "nan"),
        ("backoff_secs", "-1.0"),
        ("max_wait_secs", "1e300"),
        ("timeout_secs", "inf"),
        ("connect_timeout_secs", "-0.5"),
    ] {
        home.write("config.toml", &format!("[grader]\n{key} = {value}\n"));
        let out = home
            .cmd()
            .args([
                "grade",
                "whatsapp",
                "--grader",
                "llm",
                "--backend",
                "http",
                "--base-url",
                "http://127.0.0.1:9/g",
            ])
            .arg(fixture("whatsapp/strong.md"))
            .output()
            .unwrap();
        let err = stderr(&out);
        assert_eq!(out.status.code(), Some(2), "{key} = {value}: {err}");
        assert!(!err.contains("panicked"), "{err}");
        assert!(
            err.starts_with("mockdesign: error: ") && err.contains(&format!("config.toml:2: [grader] {key}")),
            "{err}"
        );
    }
    home.write("config.toml", "[session]\nminutes = nan\n");
    let out = home.cmd().arg("list").output().unwrap();
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
}

#[test]
fn resume_of_a_transcript_with_empty_phases_panics() {
    let home = Home::new();
    let path = finished_session(&home);
    edit_transcript(&path, |t| {
        t["phases"] = Value::Array(Vec::new());
        t["status"] = "in-progress".into();
    });
    let before = std::fs::read(&path).unwrap();
    for args in [vec!["resume"], vec!["resume", "latest"], vec!["review"], vec!["self-score"]] {
        let out = home.cmd().args(&args).write_stdin("y\n").output().unwrap();
        let err = stderr(&out);
        assert!(!err.contains("panicked"), "{args:?}: {err}");
        assert_ne!(out.status.code(), Some(0), "{args:?}");
    }
    let out = home.cmd().args(["review", "latest"]).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("is not a readable transcript (its phases are []"), "{}", stderr(&out));
    assert_eq!(std::fs::read(&path).unwrap(), before, "left untouched");
}

// ---------------------------------------------------------------------------------------------
// 6. A failed save ends the interview

#[test]
fn a_failed_save_ends_the_interview() {
    for tmp_works in [true, false] {
        let home = Home::new();
        // A temporary folder that works, or a file where one should be.
        let tmp = home.path().join("tmp");
        if tmp_works {
            std::fs::create_dir_all(&tmp).unwrap();
        } else {
            std::fs::write(&tmp, "not a folder").unwrap();
        }
        let mut child = home
            .std_cmd()
            .args(["whatsapp", "--minutes", "30"])
            .env("TMPDIR", &tmp)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let mut typing = child.stdin.take().unwrap();
        assert!(wait_for(Duration::from_secs(20), || !home.sessions().is_empty()));
        let id = home.sessions()[0].file_stem().unwrap().to_string_lossy().into_owned();
        // The disk "fills": the sessions folder becomes a file nothing can be written into.
        std::fs::rename(home.sessions_dir(), home.path().join("sessions.old")).unwrap();
        std::fs::write(home.sessions_dir(), "not a folder").unwrap();
        writeln!(typing, "written after the disk filled\n/next\n/next\nsecond phase line").unwrap();
        thread::sleep(Duration::from_millis(500));
        drop(typing);
        let out = child.wait_with_output().unwrap();
        let (text, err) = (stdout(&out), stderr(&out));
        assert!(out.status.success(), "the interview went on to its end: {err}");
        assert_eq!(text.matches("your answers are kept in memory").count(), 1, "warned once:\n{text}");
        if tmp_works {
            let fallback = tmp.join(format!("mockdesign-{id}.json"));
            assert!(err.contains(&format!("saved to {} instead", fallback.display())), "{err}");
            assert!(text.contains(&format!("Transcript: {}", fallback.display())), "{text}");
            let t = read_json(&fallback);
            assert_eq!(answer(&t, "requirements"), "written after the disk filled");
            assert_eq!(answer(&t, "high-level"), "second phase line");
        } else {
            assert!(err.contains("no copy could be written; your answers follow"), "{err}");
            assert!(
                text.contains("written after the disk filled") && text.contains("second phase line"),
                "{text}"
            );
        }
    }
}

// ---------------------------------------------------------------------------------------------
// 7. Broken user rubrics

/// The built-in whatsapp rubric with `edit` applied, as the user's own `rubrics/whatsapp.toml`.
fn user_whatsapp(home: &Home, edit: impl Fn(String) -> String) -> PathBuf {
    let builtin = stdout(&home.cmd().args(["rubric", "whatsapp", "--toml"]).output().unwrap());
    home.write("rubrics/whatsapp.toml", &edit(builtin))
}

#[test]
fn broken_user_rubrics_are_used_silently() {
    type Case = (&'static str, fn(String) -> String, &'static str);
    let cases: [Case; 5] = [
        ("no items", |t| t.split("[[items]]").next().unwrap().to_string(), "has no items"),
        (
            "zero weight",
            |t| {
                let at = t.find("\nweight = ").unwrap() + "\nweight = ".len();
                format!("{}0{}", &t[..at], &t[at + 1..])
            },
            "weight 0",
        ),
        (
            "duplicate ids",
            |t| {
                let ids: Vec<String> = t
                    .split("[[items]]")
                    .skip(1)
                    .map(|item| item.lines().find(|l| l.starts_with("id = ")).unwrap().to_string())
                    .collect();
                t.replacen(&ids[1], &ids[0], 1)
            },
            "duplicate item id",
        ),
        (
            "negative budget",
            |t| t.replacen("requirements = ", "requirements = -", 1),
            "budget for requirements",
        ),
        (
            "empty concepts",
            |t| {
                let start = t.find("concepts = [").unwrap();
                let end = start + t[start..].find(']').unwrap() + 1;
                format!("{}concepts = []{}", &t[..start], &t[end..])
            },
            "has no concepts",
        ),
    ];
    for (what, edit, problem) in cases {
        let home = Home::new();
        let path = user_whatsapp(&home, edit);
        let out = home.cmd().args(["rubric", "whatsapp", "--json"]).output().unwrap();
        assert!(out.status.success(), "{what}: {}", stderr(&out));
        let err = stderr(&out);
        assert!(
            err.contains("skipped your design") && err.contains("using the built-in whatsapp"),
            "{what}: {err}"
        );
        let shown: Value = serde_json::from_slice(&out.stdout).unwrap();
        let builtin = mockdesign::catalog::Catalog::builtin().find("whatsapp").unwrap().rubric.items.len();
        let items: usize =
            shown["phases"].as_array().unwrap().iter().map(|p| p["items"].as_array().unwrap().len()).sum();
        assert_eq!(items, builtin, "{what}: the built-in is used");
        let out = home.cmd().arg("validate").arg(&path).output().unwrap();
        assert_eq!(out.status.code(), Some(1), "{what}: validate fails it:\n{}", stdout(&out));
        assert!(stdout(&out).contains(problem), "{what}:\n{}", stdout(&out));
    }
}

// ---------------------------------------------------------------------------------------------
// 8. Terminal control sequences in stored text

#[test]
fn review_replays_terminal_control_sequences() {
    let home = Home::new();
    let path = finished_session(&home);
    let osc52 = "\u{1b}]52;c;aGFja2Vk\u{7}";
    edit_transcript(&path, |t| {
        let phases = t["phases"].as_array_mut().unwrap();
        phases[0]["answer"] = format!("clipboard {osc52} and clear \u{1b}[2J\u{9b}31m done").into();
        t["scorecards"][0]["phases"][0]["items"][0]["evidence"] = format!("quoted {osc52}").into();
    });
    for args in [vec!["review"], vec!["review", "--format", "md"]] {
        let out = home.cmd().args(&args).output().unwrap();
        assert!(out.status.success(), "{}", stderr(&out));
        let text = stdout(&out);
        assert!(!text.contains('\u{1b}') && !text.contains('\u{7}') && !text.contains('\u{9b}'), "{args:?}");
        assert!(
            text.contains("clipboard \\u{1b}]52;c;aGFja2Vk\\u{7} and clear \\u{1b}[2J"),
            "{args:?}:\n{text}"
        );
    }
    // JSON escapes them already; stored text is never changed.
    let out = home.cmd().args(["review", "--json"]).output().unwrap();
    assert!(!stdout(&out).contains('\u{1b}'));
    assert!(std::fs::read_to_string(&path).unwrap().contains("\\u001b]52"));
}

// ---------------------------------------------------------------------------------------------
// 9. Minor

#[test]
fn a_config_toml_folder_or_not_utf8_exits_1() {
    let home = Home::new();
    std::fs::create_dir_all(home.path().join("config.toml")).unwrap();
    let out = home.cmd().arg("list").output().unwrap();
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(stderr(&out).contains("config.toml: it is a folder"), "{}", stderr(&out));
    std::fs::remove_dir(home.path().join("config.toml")).unwrap();
    std::fs::write(home.path().join("config.toml"), b"[grader]\nmodel = \"caf\xe9\"\n").unwrap();
    let out = home.cmd().arg("list").output().unwrap();
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(stderr(&out).contains("is not UTF-8 text"), "{}", stderr(&out));
}

#[test]
fn an_unknown_grader_kind_passes_list_history_and_config_show() {
    let home = Home::new();
    home.write("config.toml", "[grader]\nkind = \"gpt\"\n");
    for args in [vec!["list"], vec!["history"], vec!["config", "--show"]] {
        let out = home.cmd().args(&args).output().unwrap();
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        assert!(stderr(&out).contains("kind = \"gpt\" is not a grader"), "{}", stderr(&out));
    }
}

#[test]
fn help_to_a_full_disk_exits_0() {
    let home = Home::new();
    let full = std::fs::OpenOptions::new().write(true).open("/dev/full").unwrap();
    let out = home.std_cmd().arg("--help").stdout(full).output().unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(stderr(&out).contains("No space left"), "{}", stderr(&out));
}

#[test]
fn an_absurd_score_prints_as_a_score() {
    let home = Home::new();
    let path = finished_session(&home);
    for bad in [1e9, -5.0] {
        edit_transcript(&path, |t| t["scorecards"][0]["score"] = bad.into());
        let out = home.cmd().arg("review").output().unwrap();
        assert_eq!(out.status.code(), Some(1), "{bad}");
        assert!(stderr(&out).contains("outside 0–100"), "{}", stderr(&out));
        assert!(!stdout(&out).contains("1000000000"));
        let out = home.cmd().arg("history").output().unwrap();
        assert!(stderr(&out).contains("skipped"), "history warns about it: {}", stderr(&out));
    }
}

#[test]
fn ctrl_c_and_sigterm_do_not_end_the_checklist_in_a_terminal() {
    use expectrl::process::unix::WaitStatus;
    use expectrl::{ControlCode, Eof, Expect};

    for how in ["ctrl-c", "TERM"] {
        let home = Home::new();
        let mut p = home.pty(&["whatsapp", "--self-score", "--minutes", "10"], &[]);
        p.expect("1/4 Requirements").unwrap();
        // Enter starts the clock after the opening; then one per phase and the curveball.
        for _ in 0..6 {
            p.send("\r").unwrap();
            thread::sleep(Duration::from_millis(200));
        }
        p.expect("[1/").unwrap();
        p.send("y\r").unwrap();
        p.expect("[2/").unwrap();
        if how == "ctrl-c" {
            p.send(ControlCode::EndOfText).unwrap();
        } else {
            let pid = p.get_process().pid().to_string();
            assert!(Command::new("kill").args(["-TERM", &pid]).status().unwrap().success());
        }
        p.expect("mockdesign self-score").unwrap();
        p.expect(Eof).unwrap();
        let status = p.get_process().wait().unwrap();
        assert!(matches!(status, WaitStatus::Exited(_, 130)), "{how}: {status:?}");
        assert_eq!(home.latest_transcript()["status"], "finished", "{how}");
    }
}
