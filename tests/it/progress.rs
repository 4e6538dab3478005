//! Integration tests: progress across sessions — `history`, `stats`, `compare` — over a history of
//! transcripts generated in code with injected start times and saved into an isolated home.
//!
//! The home gets its own copies of the eight core designs (the built-in WhatsApp rubric under each
//! core id), so the tests know every item and category whatever the built-in content becomes.

use chrono::{DateTime, Duration, Utc};
use mockdesign::catalog::{Catalog, Design, Item, Origin, Phase, Prompt, Rubric};
use mockdesign::grade::{ItemVerdict, PhaseScore, Scorecard};
use mockdesign::model::{SCHEMA_VERSION, Status, Transcript};
use serde_json::Value;

use crate::common::{Home, stderr, stdout};

const CORE: [&str; 8] = mockdesign::catalog::CORE;

/// The rubric every test design uses: the built-in WhatsApp rubric.
fn base_rubric() -> Rubric {
    Catalog::builtin().find("whatsapp").expect("built-in whatsapp").rubric.clone()
}

fn items() -> Vec<Item> {
    base_rubric().items
}

/// A home whose user designs are the eight core ids, each a copy of the WhatsApp rubric.
fn home_with_core_designs() -> Home {
    let home = Home::new();
    let prompt = mockdesign::catalog::builtin_sources()
        .find(|(id, _, _)| *id == "whatsapp")
        .map(|(_, _, md)| md)
        .expect("whatsapp prompt");
    for id in CORE {
        let mut rubric = base_rubric();
        rubric.id = id.to_string();
        rubric.title = format!("Core {id}");
        rubric.aliases.clear();
        home.write(&format!("rubrics/{id}.toml"), &toml::to_string(&rubric).expect("rubric as TOML"));
        home.write(&format!("prompts/{id}.md"), prompt);
    }
    home
}

/// A session of `design` started `ago` before now. Graded when `score` is given, covering the
/// rubric items at the positions in `covered`.
fn transcript(design: &str, ago: Duration, score: Option<f64>, covered: &[usize]) -> Transcript {
    let started: DateTime<Utc> = Utc::now() - ago;
    let items = items();
    let scorecards = score
        .map(|score| Scorecard {
            design: design.into(),
            grader: "rubric".into(),
            score,
            verdict: if score >= 60.0 { "hire".into() } else { "no hire".into() },
            level: "senior".into(),
            warnings: vec![],
            phases: Phase::ALL
                .iter()
                .map(|&phase| PhaseScore {
                    phase,
                    score,
                    items: items
                        .iter()
                        .enumerate()
                        .filter(|(_, i)| i.phase == phase)
                        .map(|(n, i)| ItemVerdict {
                            id: i.id.clone(),
                            covered: covered.contains(&n),
                            named: false,
                            credit: if covered.contains(&n) { 1.0 } else { 0.0 },
                            evidence: None,
                            comment: None,
                        })
                        .collect(),
                })
                .collect(),
            whole_answer: false,
            hints_used: 0,
            next: vec![],
            rubric_version: 1,
            graded_at: Some(started),
            model: None,
            feedback: None,
        })
        .into_iter()
        .collect();
    let mut rubric = base_rubric();
    rubric.id = design.into();
    rubric.title = format!("Core {design}");
    let d = Design { rubric, prompt: Prompt::default(), origin: Origin::Builtin };
    let mut t = Transcript::begin(&d, format!("{}-{design}", started.format("%Y%m%d-%H%M%S")), started, 45.0);
    for p in &mut t.phases {
        p.prompt = "prompt".into();
        p.answer = "answer".into();
        p.budget_secs = 600.0;
        p.used_secs = 240.0 + 60.0 * p.phase.index() as f64;
        p.started_at = Some(started);
        p.ended_at = Some(started);
    }
    t.tool_version = "test".into();
    t.seed = 7;
    t.status = if score.is_some() { Status::Finished } else { Status::InProgress };
    t.current = None;
    t.scorecards = scorecards;
    t
}

fn days(n: i64) -> Duration {
    Duration::days(n) + Duration::minutes(5)
}

fn hours(n: i64) -> Duration {
    Duration::hours(n)
}

/// Save into the home's sessions folder; returns the transcript back.
fn save(home: &Home, t: Transcript) -> Transcript {
    let path = home.sessions_dir().join(format!("{}.json", t.id));
    mockdesign::store::save(&path, &t).expect("save transcript");
    t
}

fn all_covered() -> Vec<usize> {
    (0..items().len()).collect()
}

fn run_json(home: &Home, args: &[&str]) -> Value {
    let out = home.cmd().args(args).output().unwrap();
    assert!(out.status.success(), "{args:?} failed: {}", stderr(&out));
    assert!(!stderr(&out).contains("warning"), "unexpected warning: {}", stderr(&out));
    serde_json::from_slice(&out.stdout).expect("JSON on stdout")
}

#[test]
fn history_lists_sessions_newest_first_with_unfinished_ones_unscored() {
    let home = home_with_core_designs();
    // Saved out of order on purpose.
    let mid = save(&home, transcript("search", days(3), Some(55.0), &[0]));
    let old = save(&home, transcript("whatsapp", days(10), Some(40.0), &[]));
    let new = save(&home, transcript("whatsapp", hours(2), None, &[]));

    // The unfinished session is not counted as practice: `--all` lists it, marked.
    let json = run_json(&home, &["history", "--json", "--all"]);
    let rows = json.as_array().unwrap();
    let ids: Vec<&str> = rows.iter().map(|r| r["id"].as_str().unwrap()).collect();
    assert_eq!(ids, [new.id.as_str(), mid.id.as_str(), old.id.as_str()]);
    assert_eq!(rows[0]["score"], Value::Null);
    assert_eq!(rows[0]["status"], "in-progress");
    assert_eq!(rows[0]["not_counted"], "quit-early");
    let counted = run_json(&home, &["history", "--json"]);
    assert_eq!(counted.as_array().unwrap().len(), 2, "without --all: real practice only");
    assert_eq!(rows[1]["score"], 55.0);
    assert_eq!(rows[1]["design"], "search");
    assert_eq!(rows[1]["grader"], "rubric");
    assert_eq!(rows[1]["verdict"], "no hire");
    let started: DateTime<Utc> = rows[2]["started_at"].as_str().unwrap().parse().unwrap();
    assert_eq!(started, old.started_at);

    let out = home.cmd().args(["history", "--all"]).output().unwrap();
    assert!(out.status.success());
    let text = stdout(&out);
    let pos = |id: &str| text.find(id).unwrap_or_else(|| panic!("{id} missing from:\n{text}"));
    assert!(pos(&new.id) < pos(&mid.id) && pos(&mid.id) < pos(&old.id), "{text}");
    let new_line = text.lines().find(|l| l.contains(&new.id)).unwrap();
    assert!(new_line.contains("in progress") && new_line.contains('—'), "{new_line}");
    assert!(text.contains("Trend by design"), "{text}");
}

#[test]
fn history_shows_a_trend_per_design() {
    let home = home_with_core_designs();
    for (d, score) in [(9, 30.0), (6, 55.0), (2, 80.0)] {
        save(&home, transcript("whatsapp", days(d), Some(score), &[]));
    }
    let text = stdout(&home.cmd().arg("history").output().unwrap());
    let trend = text.lines().find(|l| l.trim_start().starts_with("whatsapp ") && l.contains('→')).unwrap();
    assert!(trend.contains("30 → 80 (+50.0)"), "{trend}");
    assert!(trend.contains("▃▅▇"), "{trend}");
}

#[test]
fn empty_history_says_how_to_start() {
    let home = Home::new();
    let out = home.cmd().arg("history").output().unwrap();
    assert!(out.status.success());
    assert!(stdout(&out).contains("No sessions yet"), "{}", stdout(&out));
    assert!(stdout(&out).contains("mockdesign whatsapp"), "{}", stdout(&out));
    assert_eq!(run_json(&home, &["history", "--json"]), serde_json::json!([]));

    let stats = run_json(&home, &["stats", "--json"]);
    assert_eq!(stats["weekly"]["done"], 0);
    assert_eq!(stats["next"]["design"], "whatsapp", "the plan starts at its first design");
}

#[test]
fn the_week_counts_finished_sessions_of_the_last_seven_days_against_the_goal() {
    let home = home_with_core_designs();
    save(&home, transcript("whatsapp", days(3), Some(62.0), &[0]));
    save(&home, transcript("whatsapp", days(10), Some(48.0), &[]));
    save(&home, transcript("search", hours(1), None, &[]));

    let stats = run_json(&home, &["stats", "--json"]);
    assert_eq!(stats["weekly"]["goal"], 2);
    assert_eq!(stats["weekly"]["done"], 1, "3 days ago counts; 10 days ago and an unfinished one do not");
    let text = stdout(&home.cmd().arg("stats").output().unwrap());
    assert!(text.contains("1 of 2 sessions in the last 7 days"), "{text}");

    home.write("config.toml", "[stats]\nweekly_goal = 1\n");
    let stats = run_json(&home, &["stats", "--json"]);
    assert_eq!(stats["weekly"]["goal"], 1);
    assert_eq!(stats["weekly"]["met"], true);
    assert!(stdout(&home.cmd().arg("stats").output().unwrap()).contains("goal of 1 met"));
}

#[test]
fn stats_report_each_design_with_attempts_best_last_and_trend() {
    let home = home_with_core_designs();
    save(&home, transcript("whatsapp", days(9), Some(40.0), &[0]));
    save(&home, transcript("whatsapp", days(5), Some(82.0), &[0, 1]));
    save(&home, transcript("whatsapp", days(2), Some(71.0), &[0, 1, 2]));
    let stats = run_json(&home, &["stats", "--json"]);
    let designs = stats["designs"].as_array().unwrap();
    let w = designs.iter().find(|d| d["design"] == "whatsapp").unwrap();
    assert_eq!(w["attempts"], 3);
    assert_eq!(w["best"], 82.0);
    assert_eq!(w["last"], 71.0);
    assert_eq!(w["trend"], serde_json::json!([40.0, 82.0, 71.0]));
    let untried = designs.iter().find(|d| d["design"] == "auth-service").unwrap();
    assert_eq!(untried["attempts"], 0, "every core design is listed, tried or not");
    let phases = stats["phases"].as_array().unwrap();
    assert_eq!(phases.len(), 4);
    assert!(stats["categories"].as_array().unwrap().len() > 1);
}

#[test]
fn next_is_the_first_core_design_never_tried() {
    let home = home_with_core_designs();
    save(&home, transcript("whatsapp", days(1), Some(90.0), &all_covered()));
    save(&home, transcript("news-feed", days(1), Some(90.0), &all_covered()));
    let stats = run_json(&home, &["stats", "--json"]);
    assert_eq!(stats["next"]["design"], "payment-system");
    assert_eq!(stats["next"]["kind"], "never-tried");
    assert!(stats["next"]["reason"].as_str().unwrap().contains("never tried"));
    let text = stdout(&home.cmd().arg("stats").output().unwrap());
    assert!(text.contains("Next: `mockdesign payment-system`"), "{text}");
}

#[test]
fn next_is_a_design_due_for_review_once_every_core_design_is_tried() {
    let home = home_with_core_designs();
    for id in CORE.iter().filter(|d| **d != "search") {
        save(&home, transcript(id, days(1), Some(90.0), &all_covered()));
    }
    // Below 60 comes due after 3 days; five days have passed.
    save(&home, transcript("search", days(5), Some(45.0), &all_covered()));
    let stats = run_json(&home, &["stats", "--json"]);
    assert_eq!(stats["next"]["design"], "search");
    assert_eq!(stats["next"]["kind"], "due");
    let reason = stats["next"]["reason"].as_str().unwrap();
    assert!(reason.contains("5 days ago scored 45"), "{reason}");
    let search = stats["designs"].as_array().unwrap().iter().find(|d| d["design"] == "search").unwrap();
    assert_eq!(search["due"], true);
}

#[test]
fn next_is_the_weakest_area_when_nothing_is_due() {
    let home = home_with_core_designs();
    let items = items();
    let missed = items.len() - 1;
    let partial: Vec<usize> = (0..missed).collect();
    for id in CORE.iter().filter(|d| **d != "booking-system") {
        save(&home, transcript(id, days(1), Some(90.0), &all_covered()));
    }
    save(&home, transcript("booking-system", hours(3), Some(75.0), &partial));
    let stats = run_json(&home, &["stats", "--json"]);
    let weak = &stats["weakest"][0];
    assert_eq!(weak["category"], items[missed].category.as_str());
    assert_eq!(weak["items"][0]["id"], items[missed].id.as_str());
    assert_eq!(weak["items"][0]["text"], items[missed].text.as_str());
    assert_eq!(weak["items"][0]["design"], "booking-system");
    assert_eq!(stats["next"]["design"], "booking-system");
    assert_eq!(stats["next"]["kind"], "weakest");
    assert!(stats["next"]["reason"].as_str().unwrap().contains(&items[missed].category));

    let text = stdout(&home.cmd().arg("stats").output().unwrap());
    assert!(text.contains("Weakest areas"), "{text}");
    assert!(text.contains(&items[missed].text), "the missed item is named: {text}");
}

#[test]
fn compare_defaults_to_the_latest_session_and_the_previous_attempt_at_its_design() {
    let home = home_with_core_designs();
    let items = items();
    let old = save(&home, transcript("whatsapp", days(6), Some(45.0), &[0, 1]));
    save(&home, transcript("search", days(3), Some(70.0), &[]));
    let new = save(&home, transcript("whatsapp", days(1), Some(78.5), &[0, 2]));

    let json = run_json(&home, &["compare", "--json"]);
    assert_eq!(json["a"]["id"], old.id.as_str());
    assert_eq!(json["b"]["id"], new.id.as_str());
    assert_eq!(json["delta"], 33.5);
    assert_eq!(json["gained"][0]["id"], items[2].id.as_str());
    assert_eq!(json["gained"].as_array().unwrap().len(), 1);
    assert_eq!(json["lost"][0]["id"], items[1].id.as_str());
    assert_eq!(json["lost"][0]["text"], items[1].text.as_str());
    assert_eq!(json["phases"][0]["a"]["used_secs"], 240.0);

    let out = home.cmd().arg("compare").output().unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(text.contains("+33.5"), "{text}");
    assert!(text.contains(&format!("+ {:<12} {}", items[2].phase.id(), items[2].text)), "{text}");
    assert!(text.contains(&format!("- {:<12} {}", items[1].phase.id(), items[1].text)), "{text}");
    assert!(text.contains("Requirements"), "time per phase: {text}");
}

#[test]
fn compare_one_session_with_its_previous_attempt_by_id_prefix() {
    let home = home_with_core_designs();
    let first = save(&home, transcript("whatsapp", days(8), Some(50.0), &[0]));
    let second = save(&home, transcript("whatsapp", days(4), Some(60.0), &[0, 1]));
    save(&home, transcript("whatsapp", days(1), Some(20.0), &[]));
    let prefix = &second.id[..15];
    let json = run_json(&home, &["compare", prefix, "--json"]);
    assert_eq!(json["a"]["id"], first.id.as_str());
    assert_eq!(json["b"]["id"], second.id.as_str());
    assert_eq!(json["delta"], 10.0);
}

#[test]
fn compare_two_named_sessions_in_either_order_gives_later_minus_earlier() {
    let home = home_with_core_designs();
    let early = save(&home, transcript("whatsapp", days(8), Some(70.0), &[0, 1]));
    let late = save(&home, transcript("whatsapp", days(1), Some(52.0), &[0]));
    let json = run_json(&home, &["compare", &late.id, &early.id, "--json"]);
    assert_eq!(json["a"]["id"], early.id.as_str());
    assert_eq!(json["delta"], -18.0);
    assert_eq!(json["lost"].as_array().unwrap().len(), 1);
}

#[test]
fn compare_with_a_single_attempt_is_a_usage_error_with_a_hint() {
    let home = home_with_core_designs();
    save(&home, transcript("whatsapp", days(2), Some(70.0), &[0]));
    save(&home, transcript("search", days(1), Some(60.0), &[0]));
    let out = home.cmd().arg("compare").output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(err.starts_with("mockdesign: error: only one graded attempt"), "{err}");
    assert!(err.contains("hint: practise it again with `mockdesign search`"), "{err}");
    assert!(out.stdout.is_empty());

    let empty = Home::new();
    let out = empty.cmd().arg("compare").output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("no sessions to compare yet"), "{}", stderr(&out));
}

#[test]
fn compare_refuses_an_ungraded_session_and_the_same_session_twice() {
    let home = home_with_core_designs();
    let graded = save(&home, transcript("whatsapp", days(2), Some(70.0), &[0]));
    let open = save(&home, transcript("whatsapp", hours(1), None, &[]));
    let out = home.cmd().args(["compare", &open.id]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("has no grade yet"), "{}", stderr(&out));
    assert!(stderr(&out).contains(&format!("mockdesign resume {}", open.id)), "{}", stderr(&out));
    let out = home.cmd().args(["compare", &graded.id, &graded.id]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("same session"), "{}", stderr(&out));
}

#[test]
fn a_corrupt_transcript_is_skipped_with_a_warning_and_left_byte_identical() {
    let home = home_with_core_designs();
    save(&home, transcript("whatsapp", days(4), Some(50.0), &[0]));
    save(&home, transcript("whatsapp", days(1), Some(60.0), &[0, 1]));
    let bad = home.write("sessions/20990101-000000-whatsapp.json", "{\"schema\": 1, \"id\": \"trunc");
    let before = std::fs::read(&bad).unwrap();

    for args in [&["history"][..], &["history", "--json"], &["stats", "--json"], &["compare", "--json"]] {
        let out = home.cmd().args(args).output().unwrap();
        assert!(out.status.success(), "{args:?}: {}", stderr(&out));
        let err = stderr(&out);
        assert!(err.contains("mockdesign: warning: skipped"), "{args:?}: {err}");
        assert!(err.contains("20990101-000000-whatsapp.json"), "{args:?}: {err}");
    }
    let rows =
        serde_json::from_slice::<Value>(&home.cmd().args(["history", "--json"]).output().unwrap().stdout)
            .unwrap();
    assert_eq!(rows.as_array().unwrap().len(), 2);
    assert_eq!(std::fs::read(&bad).unwrap(), before, "the corrupt file is never changed");
}

#[test]
fn a_transcript_from_a_newer_schema_is_skipped_and_left_alone() {
    let home = home_with_core_designs();
    let kept = save(&home, transcript("whatsapp", days(2), Some(50.0), &[0]));
    let newer = save(&home, transcript("search", days(1), Some(60.0), &[0]));
    let path = home.sessions_dir().join(format!("{}.json", newer.id));
    let mut value: Value = serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
    value["schema"] = Value::from(SCHEMA_VERSION + 1);
    let bytes = serde_json::to_vec_pretty(&value).unwrap();
    std::fs::write(&path, &bytes).unwrap();

    let out = home.cmd().args(["history", "--json"]).output().unwrap();
    assert!(out.status.success());
    assert!(stderr(&out).contains("newer mockdesign"), "{}", stderr(&out));
    let rows: Value = serde_json::from_slice(&out.stdout).unwrap();
    let ids: Vec<&str> = rows.as_array().unwrap().iter().map(|r| r["id"].as_str().unwrap()).collect();
    assert_eq!(ids, [kept.id.as_str()]);
    assert_eq!(std::fs::read(&path).unwrap(), bytes);
}
