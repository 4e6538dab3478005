//! Integration tests: the timed interview end to end — written answers, piped lines, the clock,
//! kill -9 and resume, corrupt transcripts, and a real pseudo-terminal.

use std::io::Write;
use std::process::Stdio;
use std::time::{Duration, Instant};

use serde_json::Value;

use crate::common::{Home, stderr, stdout};

fn phase<'a>(t: &'a Value, id: &str) -> &'a Value {
    t["phases"].as_array().unwrap().iter().find(|p| p["phase"] == id).unwrap()
}

const WRITTEN: &str = "\
# Requirements
1:1 and group chat with delivery and read receipts. Offline phones get their messages later.

## High-level design
Phones keep a websocket open to a chat server; messages go through a router to the recipient's server.

## Deep dive
/etc/hosts is not a command here.
Undelivered messages wait in an offline queue per user and are acked on delivery.

## Trade-offs
We give per-conversation ordering with sequence numbers, not a global order.
";

#[test]
fn a_scripted_session_from_a_written_answer_is_saved_and_graded() {
    let home = Home::new();
    let file = home.write("answer.md", WRITTEN);
    let out = home.cmd().args(["whatsapp", "--answers"]).arg(&file).output().unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(text.contains("Transcript:"), "{text}");
    let t = home.latest_transcript();
    assert_eq!(t["design"], "whatsapp");
    assert_eq!(t["status"], "finished");
    assert!(phase(&t, "high-level")["answer"].as_str().unwrap().contains("websocket open"));
    assert!(
        phase(&t, "deep-dive")["answer"].as_str().unwrap().starts_with("/etc/hosts is not a command"),
        "a line starting with / in a written answer is text"
    );
    for p in t["phases"].as_array().unwrap() {
        assert_eq!(p["ended"], "submitted", "{p}");
    }
    assert_eq!(t["scorecards"].as_array().unwrap().len(), 1, "the grade is stored with the transcript");
}

#[test]
fn a_blank_line_in_a_written_answer_stays_in_its_phase_when_self_scoring() {
    // Regression: `--answers` with `--self-score` fed the file line by line, and an empty line
    // (Enter: next phase, when self-scoring) moved the rest of the phase into the next one.
    let home = Home::new();
    let file = home.write(
        "answer.md",
        "## Requirements\nUsers chat one to one.\n\nGroups of up to 256.\n\n## High-level design\nGateways hold websockets.\n",
    );
    let out = home.cmd().args(["whatsapp", "--self-score", "--answers"]).arg(&file).output().unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let t = home.latest_transcript();
    assert_eq!(phase(&t, "requirements")["answer"], "Users chat one to one.\n\nGroups of up to 256.");
    assert_eq!(phase(&t, "high-level")["answer"], "Gateways hold websockets.");
}

#[test]
fn a_missing_answers_file_is_a_usage_error_and_nothing_is_saved() {
    let home = Home::new();
    let out = home.cmd().args(["whatsapp", "--answers", "nope.md"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("cannot read the answers file nope.md"), "{}", stderr(&out));
    assert!(home.sessions().is_empty());
}

#[test]
fn bad_minutes_are_refused_before_anything_starts() {
    let home = Home::new();
    for bad in ["0", "-3", "NaN"] {
        let out = home.cmd().args(["whatsapp", &format!("--minutes={bad}")]).output().unwrap();
        assert_eq!(out.status.code(), Some(2), "--minutes {bad}");
        assert!(stderr(&out).contains("not a usable interview length"), "{}", stderr(&out));
    }
    assert!(home.sessions().is_empty());
}

#[test]
fn piped_lines_answer_phases_ask_questions_and_answer_follow_ups() {
    let home = Home::new();
    let input = "\
We need 1:1 and group chat.
/ask how many daily active users?
/next
Roughly a million messages per second at peak.
/next
Phones keep a websocket open to the chat servers.
/next
";
    let out =
        home.cmd().args(["whatsapp", "--minutes", "30", "--seed", "3"]).write_stdin(input).output().unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(text.contains("Two billion monthly users"), "the fact was answered: {text}");
    let t = home.latest_transcript();
    let req = phase(&t, "requirements");
    assert_eq!(req["answer"], "We need 1:1 and group chat.");
    assert_eq!(req["questions"][0]["fact"], "users");
    let follow = &req["followups"][0];
    assert!(!follow["question"].as_str().unwrap().is_empty());
    assert_eq!(follow["answer"], "Roughly a million messages per second at peak.");
    assert!(text.contains(follow["question"].as_str().unwrap()), "the follow-up was asked");
    assert_eq!(req["ended"], "submitted");
    // End of input submitted the deep dive and ended the session.
    assert_eq!(t["status"], "finished");
    assert_eq!(phase(&t, "trade-offs")["ended"], "skipped");
}

#[test]
fn a_short_interview_ends_every_phase_by_its_clock() {
    let home = Home::new();
    let mut child = home
        .std_cmd()
        .args(["whatsapp", "--minutes", "0.05"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // Keep standard input open and silent, like `sleep 30 | mockdesign …`.
    let stdin = child.stdin.take().unwrap();
    let started = Instant::now();
    let out = child.wait_with_output().unwrap();
    drop(stdin);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(started.elapsed() < Duration::from_secs(20), "it ended by its own clock");
    let t = home.latest_transcript();
    for p in t["phases"].as_array().unwrap() {
        assert_eq!(p["ended"], "time-up", "{p}");
    }
    assert!(stdout(&out).contains("time's up"));
}

#[test]
fn kill_9_mid_session_then_resume_recovers_answers_and_the_draft() {
    let home = Home::new();
    let mut child = home
        .std_cmd()
        .args(["whatsapp", "--minutes", "20", "--seed", "1"])
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    // Requirements: an answer, /next (a follow-up is asked), /next again to submit.
    writeln!(stdin, "Group chat and receipts.\n/next\nAbout 1M messages a second.\n/next").unwrap();
    writeln!(stdin, "Phones hold a websocket open.").unwrap();
    stdin.flush().unwrap();
    // The line above is a draft of the high-level phase: autosave writes it within 5 s.
    std::thread::sleep(Duration::from_millis(6500));
    child.kill().unwrap(); // SIGKILL: no chance to save
    child.wait().unwrap();
    drop(stdin);

    let t = home.latest_transcript();
    assert_eq!(t["status"], "in-progress");
    assert_eq!(t["current"], "high-level");
    assert_eq!(phase(&t, "requirements")["answer"], "Group chat and receipts.");
    assert_eq!(phase(&t, "requirements")["ended"], "submitted");
    assert_eq!(phase(&t, "high-level")["answer"], "Phones hold a websocket open.");

    let out =
        home.cmd().arg("resume").write_stdin("Servers route by user id.\n/next\n/next\n").output().unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stdout(&out).contains("Phones hold a websocket open."), "the answer so far is shown on resume");
    let t = home.latest_transcript();
    assert_eq!(home.sessions().len(), 1, "resume continues the same transcript");
    let hl = phase(&t, "high-level");
    assert_eq!(hl["answer"], "Phones hold a websocket open.\nServers route by user id.");
    assert_eq!(phase(&t, "requirements")["followups"][0]["answer"], "About 1M messages a second.");
}

#[test]
fn quit_saves_and_says_how_to_resume() {
    let home = Home::new();
    let out = home
        .cmd()
        .args(["whatsapp", "--minutes", "10"])
        .write_stdin("first thoughts\n/quit\n")
        .output()
        .unwrap();
    assert!(out.status.success());
    let text = stdout(&out);
    assert!(text.contains("Continue with `mockdesign resume"), "{text}");
    let t = home.latest_transcript();
    assert_eq!(t["status"], "quit");
    assert_eq!(phase(&t, "requirements")["answer"], "first thoughts");
}

#[test]
fn a_corrupt_transcript_is_refused_and_left_untouched() {
    let home = Home::new();
    let path = home.write("sessions/20260101-000000-whatsapp.json", "{\"schema\": 1, \"id\": tru");
    let before = std::fs::read(&path).unwrap();
    for args in [vec!["resume", "20260101-000000-whatsapp"], vec!["resume"]] {
        let out = home.cmd().args(&args).output().unwrap();
        assert_ne!(out.status.code(), Some(0), "{args:?}");
        assert!(!stderr(&out).contains("panicked"));
    }
    let out = home.cmd().args(["resume", "20260101-000000-whatsapp"]).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("is not a readable transcript"), "{}", stderr(&out));
    assert_eq!(std::fs::read(&path).unwrap(), before, "never overwritten");

    let newer = home.write("sessions/20260102-000000-whatsapp.json", "{\"schema\": 99}");
    let out = home.cmd().args(["resume", "20260102"]).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("newer mockdesign"), "{}", stderr(&out));
    assert_eq!(std::fs::read(&newer).unwrap(), b"{\"schema\": 99}");
}

#[test]
fn an_interactive_session_in_a_pseudo_terminal() {
    use expectrl::{ControlCode, Eof, Expect};

    let home = Home::new();
    let mut p = home.pty(&["whatsapp", "--minutes", "10"], &[]);
    // The clock starts when the candidate has read the opening and presses Enter.
    p.expect("Press Enter when you are ready").unwrap();
    p.send("\r").unwrap();
    p.expect("Phase 1/4").unwrap();
    // The countdown is drawn in the footer.
    p.expect("1/4 Requirements").unwrap();
    p.expect(" left · interview ").unwrap();
    p.send("Users chat 1:1 and in groups.\r").unwrap();
    p.send("/next\r").unwrap();
    // The follow-up question arrives from the interviewer.
    p.expect("Interviewer:").unwrap();
    p.send(ControlCode::EndOfText).unwrap(); // Ctrl-C
    p.expect("Continue with `mockdesign resume").unwrap();
    p.expect(Eof).unwrap();
    let t = home.latest_transcript();
    assert_eq!(t["status"], "quit");
    assert_eq!(phase(&t, "requirements")["answer"], "Users chat 1:1 and in groups.");
}

#[test]
fn a_self_score_session_advances_on_empty_lines_then_walks_the_checklist() {
    let design = mockdesign::catalog::Catalog::builtin().find("whatsapp").unwrap().clone();
    let items = design.rubric.items.len();
    for (tick, expected) in [("y", 100.0), ("n", 0.0)] {
        let home = Home::new();
        // Five Enters: four phases, plus one for the curveball the deep dive brings.
        let input = format!("\n\n\n\n\n{}", format!("{tick}\n").repeat(items));
        let out = home
            .cmd()
            .args(["whatsapp", "--self-score", "--minutes", "5"])
            .write_stdin(input)
            .output()
            .unwrap();
        assert!(out.status.success(), "{}", stderr(&out));
        let t = home.latest_transcript();
        assert_eq!(t["self_score"], true);
        assert_eq!(t["self_ticks"].as_array().unwrap().len(), items);
        let card = t["scorecards"].as_array().unwrap().last().unwrap().clone();
        assert_eq!(card["grader"], "self");
        assert_eq!(card["score"].as_f64(), Some(expected), "all {tick}");
        assert!(stdout(&out).contains(&format!("[{items}/{items}]")), "every item was asked");
    }
}
