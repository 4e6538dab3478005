//! Integration tests for issue 10, the interview as a candidate lives it: what is typed, pasted and
//! left unfinished lands in the phase it was written for; the clock; the scorecard a person reads.

use std::time::Duration;

use serde_json::Value;

use crate::common::Home;

fn phase<'a>(t: &'a Value, id: &str) -> &'a Value {
    t["phases"].as_array().unwrap().iter().find(|p| p["phase"] == id).unwrap()
}

/// A session in a pseudo-terminal, past the opening.
fn pty(home: &Home, args: &[&str]) -> expectrl::session::OsSession {
    use expectrl::Expect;
    let mut p = home.pty(args, &[]);
    p.expect("Press Enter when you are ready").unwrap();
    p.send("\r").unwrap();
    p.expect("Phase 1/4").unwrap();
    p.expect(" left · interview ").unwrap();
    p
}

#[test]
fn a_plain_paste_of_150_lines_does_not_stall_and_quit_is_not_held_behind_it() {
    use expectrl::{Eof, Expect};
    let home = Home::new();
    let mut p = pty(&home, &["whatsapp", "--minutes", "30"]);
    // No bracketed-paste markers: the terminal delivers the lines as keys, each ending in Enter.
    let lines: Vec<String> =
        (1..=150).map(|n| format!("pasted line {n} of the answer, long enough to matter")).collect();
    let paste: String = lines.join("\r") + "\r";
    p.send(&paste).unwrap();
    p.expect("pasted line 150 of the answer").unwrap();
    let started = std::time::Instant::now();
    p.send("/quit\r").unwrap();
    p.expect("Continue with `mockdesign resume").unwrap();
    p.expect(Eof).unwrap();
    assert!(started.elapsed() < Duration::from_secs(5), "/quit waited {:?}", started.elapsed());
    let t = home.latest_transcript();
    let answer = phase(&t, "requirements")["answer"].as_str().unwrap().to_string();
    assert_eq!(answer.lines().count(), 150, "{answer}");
}

#[test]
fn a_bracketed_paste_line_starting_with_a_slash_is_kept_as_answer_text() {
    use expectrl::{Eof, Expect};
    let home = Home::new();
    let mut p = pty(&home, &["whatsapp", "--minutes", "30"]);
    p.send("\x1b[200~/links POST creates a link\r\n  /links/{id} GET resolves it\r\nand caches it\x1b[201~")
        .unwrap();
    p.send("\r").unwrap();
    p.expect("and caches it").unwrap();
    p.send("/quit\r").unwrap();
    p.expect("Continue with `mockdesign resume").unwrap();
    let seen = String::from_utf8_lossy(p.expect(Eof).unwrap().before()).into_owned();
    assert!(!seen.contains("unknown command"), "{seen}");
    let t = home.latest_transcript();
    assert_eq!(
        phase(&t, "requirements")["answer"],
        "/links POST creates a link\n  /links/{id} GET resolves it\nand caches it"
    );
}

#[test]
fn an_unfinished_line_leaks_into_no_later_phase_of_the_saved_transcript() {
    use expectrl::{Eof, Expect};
    let home = Home::new();
    let mut p = pty(&home, &["whatsapp", "--minutes", "0.2"]);
    p.send("a line typed but never entered").unwrap();
    p.expect("Phase 2/4").unwrap();
    p.expect(Eof).unwrap();
    let t = home.latest_transcript();
    assert_eq!(t["status"], "finished");
    assert_eq!(phase(&t, "requirements")["answer"], "a line typed but never entered");
    for id in ["high-level", "deep-dive", "trade-offs"] {
        assert_eq!(phase(&t, id)["answer"], "", "{id}");
    }
}

#[test]
fn the_curveball_is_graded_and_shown_on_the_scorecard_and_in_review_json() {
    let home = Home::new();
    let input = "\
Group chat and receipts.
/skip
Phones keep a websocket open.
/skip
Offline messages wait in a per-user inbox.
/next
We would not change anything.
/next
/next
";
    let out =
        home.cmd().args(["whatsapp", "--minutes", "30", "--seed", "3"]).write_stdin(input).output().unwrap();
    assert!(out.status.success(), "{}", crate::common::stderr(&out));
    let text = crate::common::stdout(&out);
    let t = home.latest_transcript();
    let grade = &t["curveball_grade"];
    assert_eq!(grade["handled"], false, "{grade}");
    let line =
        text.lines().find(|l| l.starts_with("Requirement change: ")).unwrap_or_else(|| panic!("{text}"));
    assert!(line.contains(" — missed, because "), "{line}");
    let out = home.cmd().args(["review", "--json"]).output().unwrap();
    let card: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(card["curveball"]["handled"], false, "{card}");
    assert_eq!(card["curveball"]["id"], grade["id"]);
}

#[test]
fn a_skipped_session_says_so_in_one_line_instead_of_printing_the_rubric() {
    let home = Home::new();
    let out = home
        .cmd()
        .args(["whatsapp", "--minutes", "10"])
        .write_stdin("/skip\n/skip\n/skip\n/skip\n")
        .output()
        .unwrap();
    assert!(out.status.success());
    let text = crate::common::stdout(&out);
    assert!(
        text.contains("Every phase was skipped in this WhatsApp session, so there is nothing to grade."),
        "{text}"
    );
    assert!(
        !text.contains("[ ]") && !text.contains("Work on next"),
        "no rubric for an empty session:\n{text}"
    );
    let out = home.cmd().args(["review", "--full"]).output().unwrap();
    let text = crate::common::stdout(&out);
    assert!(text.contains("nothing to grade"), "{text}");
    assert!(!text.contains("[ ]"), "{text}");
}

#[test]
fn the_session_end_shows_the_summary_before_the_item_detail_and_no_line_twice() {
    let home = Home::new();
    let input = "Users chat one to one and in groups with read receipts.\n/skip\nPhones keep a websocket open.\n/skip\n";
    let out = home.cmd().args(["whatsapp", "--minutes", "10"]).write_stdin(input).output().unwrap();
    let text = crate::common::stdout(&out);
    let (level, next, detail) = (
        text.find("Level ").unwrap(),
        text.find("Work on next").unwrap(),
        text.find("Requirements (").unwrap(),
    );
    assert!(level < next && next < detail, "{text}");
    let mut seen = std::collections::HashSet::new();
    for line in text.lines().map(str::trim).filter(|l| l.len() > 3) {
        assert!(seen.insert(line), "printed twice: {line}\n{text}");
    }
}

/// A piped run that ends at once: under a minute, not practice.
fn throwaway_session(home: &Home) {
    let out = home
        .cmd()
        .args(["whatsapp", "--minutes", "10"])
        .write_stdin("Group chat.\n/next\n/next\n")
        .output()
        .unwrap();
    assert!(out.status.success());
}

#[test]
fn history_leaves_out_throwaway_runs_unless_all_and_delete_removes_one() {
    let home = Home::new();
    throwaway_session(&home);
    let id = home.latest_transcript()["id"].as_str().unwrap().to_string();
    let out = home.cmd().arg("history").output().unwrap();
    let text = crate::common::stdout(&out);
    assert!(!text.contains(&id), "{text}");
    assert!(text.contains("1 session not counted as practice"), "{text}");
    let out = home.cmd().args(["history", "--all"]).output().unwrap();
    let text = crate::common::stdout(&out);
    assert!(text.contains(&id) && text.contains("finished*"), "{text}");
    let out = home.cmd().args(["history", "--all", "--json"]).output().unwrap();
    let rows: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(rows[0]["not_counted"], "under-a-minute");
    // Not a terminal: deletes without asking.
    let out = home.cmd().args(["delete", &id]).output().unwrap();
    assert!(out.status.success(), "{}", crate::common::stderr(&out));
    assert!(crate::common::stdout(&out).starts_with(&format!("Deleted {id}")));
    assert!(home.sessions().is_empty());
    let out = home.cmd().args(["delete", &id]).output().unwrap();
    assert_eq!(out.status.code(), Some(2), "no such session is a usage error");
}

#[test]
fn small_edges_did_you_mean_minutes_and_a_design_followed_by_a_subcommand() {
    use crate::common::stderr;
    let home = Home::new();
    let out = home.cmd().arg("uber").output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(!stderr(&out).contains("did you mean"), "uber is not news-feed: {}", stderr(&out));
    for bad in ["abc", "-5"] {
        let out = home.cmd().args(["whatsapp", "--minutes", bad]).output().unwrap();
        assert_eq!(out.status.code(), Some(2), "--minutes {bad}");
        assert!(stderr(&out).contains("positive number"), "says what is valid: {}", stderr(&out));
    }
    let out = home.cmd().args(["whatsapp", "history"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("a design and a command do not go together"), "{}", stderr(&out));
    assert!(home.sessions().is_empty());
    let out = home.cmd().args(["__ids", "designs"]).output().unwrap();
    assert!(crate::common::stdout(&out).lines().any(|l| l == "news-feed"));
}

#[test]
fn list_history_stats_and_rubric_fit_the_width_without_cutting_words() {
    let home = Home::new();
    throwaway_session(&home);
    for args in [&["list"][..], &["history", "--all"], &["stats"], &["rubric", "whatsapp"]] {
        let narrow = home.cmd().args(args).env("COLUMNS", "60").output().unwrap();
        let wide = home.cmd().args(args).output().unwrap();
        let (narrow, wide) = (crate::common::stdout(&narrow), crate::common::stdout(&wide));
        for line in narrow.lines() {
            assert!(line.chars().count() <= 60 || !line.trim().contains(' '), "{args:?}: {line}");
        }
        let words = |s: &str| s.split_whitespace().map(str::to_string).collect::<Vec<_>>();
        if args[0] != "history" {
            assert_eq!(words(&narrow), words(&wide), "{args:?}: the same words, none cut");
        }
    }
}
