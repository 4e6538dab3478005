//! Whole-output tests: what a person sees from each command, compared in full with a reviewed
//! snapshot in `tests/it/snapshots/`, so a change of layout (a line printed twice, text cut
//! mid-word, a stray escape code) is a diff someone reads, not a substring that still matches.
//!
//! Every run is the real binary in an isolated home, with no colour, `COLUMNS=100` and `TZ=UTC`;
//! the colour section at the end runs it on a pseudo-terminal with colour allowed instead.
//! Each snapshot holds the command line, the exit code, stdout and stderr. Only what truly varies
//! between runs is redacted: the temporary home and the checkout (`[HOME]`, `[REPO]`), and the
//! wall-clock time of a grade made now (`[NOW]`). Sessions are built with fixed start times, so
//! their ids and dates are part of the snapshot. Accept a reviewed change with
//! `INSTA_UPDATE=always cargo test --test it snapshots` and read every `.snap` it rewrote.

use std::path::Path;

use chrono::{DateTime, Duration, TimeZone, Utc};
use mockdesign::catalog::{Catalog, Phase};
use mockdesign::grade::Scorecard;
use mockdesign::model::{SCHEMA_VERSION, Status, Transcript};
use serde_json::{Value, json};

use crate::common::{Home, fixture};

/// The repository checkout, as `[REPO]` in snapshots.
fn repo() -> &'static str {
    env!("CARGO_MANIFEST_DIR")
}

/// Run `mockdesign ARGS` in `home` with `stdin` (none when empty) and describe the whole outcome:
/// the command line, the exit code, stdout and stderr, with the home and checkout paths redacted.
fn run_in(home: &Home, args: &[&str], stdin: &str) -> String {
    let mut cmd = home.cmd();
    cmd.args(args).env("COLUMNS", "100").env("TZ", "UTC").env_remove("PAGER").env_remove("LESS");
    if !stdin.is_empty() {
        cmd.write_stdin(stdin);
    }
    let out = cmd.output().expect("run mockdesign");
    let code = out.status.code().map_or_else(|| "killed by a signal".to_string(), |c| c.to_string());
    let shown = format!(
        "{}\nexit: {code}\n--- stdout\n{}--- stderr\n{}",
        command_line(args),
        section(&String::from_utf8_lossy(&out.stdout)),
        section(&String::from_utf8_lossy(&out.stderr))
    );
    redact_paths(&shown, home.path())
}

/// `$ mockdesign ARGS`, as a snapshot's first line.
fn command_line(args: &[&str]) -> String {
    format!("$ {}", std::iter::once("mockdesign").chain(args.iter().copied()).collect::<Vec<_>>().join(" "))
}

/// What a stream showed, `(empty)` for nothing.
fn section(text: &str) -> String {
    if text.is_empty() { "(empty)\n".to_string() } else { text.to_string() }
}

fn run(home: &Home, args: &[&str]) -> String {
    run_in(home, args, "")
}

fn redact_paths(text: &str, home: &Path) -> String {
    let home = home.to_string_lossy();
    text.replace(home.as_ref(), "[HOME]").replace(repo(), "[REPO]")
}

/// The wall clock of a grade made during the test, as `[NOW]`.
fn graded_now_filters() -> Vec<(&'static str, &'static str)> {
    vec![
        (r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z", "[NOW]"),
        (r"\d{4}-\d{2}-\d{2} \d{2}:\d{2} UTC", "[NOW]"),
    ]
}

/// Snapshot `value` under `name`, with the wall clock of a grade made during the test redacted.
macro_rules! snapshot_graded_now {
    ($name:expr, $value:expr) => {
        insta::with_settings!({filters => graded_now_filters()}, {
            insta::assert_snapshot!($name, $value);
        });
    };
}

// ---------------------------------------------------------------------------------------------
// Sessions built in code with fixed start times (as in `progress`), so ids and dates are stable.

/// 2026-11-02 09:00 UTC plus `days` days and `hours` hours.
fn at(days: i64, hours: i64) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 2, 9, 0, 0).unwrap() + Duration::days(days) + Duration::hours(hours)
}

/// A session of the built-in `design` started at `started`, finished and graded `score` with the
/// rubric items at the positions in `covered` covered, or left in progress when `score` is `None`.
fn session(design: &str, started: DateTime<Utc>, score: Option<f64>, covered: &[usize]) -> Transcript {
    let d = Catalog::builtin().find(design).expect("built-in design").clone();
    let id = format!("{}-{}", started.format("%Y%m%d-%H%M%S"), d.id());
    let mut t = Transcript::begin(&d, id, started, 45.0);
    for p in &mut t.phases {
        p.answer = format!("My {} answer.", p.phase.title().to_lowercase());
        p.used_secs = 300.0 + 60.0 * p.phase.index() as f64;
        p.started_at = Some(started);
        p.ended_at = Some(started);
    }
    t.tool_version = "test".into();
    t.seed = 7;
    t.updated_at = started + Duration::minutes(40);
    t.current = None;
    t.status = if score.is_some() { Status::Finished } else { Status::InProgress };
    if let Some(score) = score {
        let items = &d.rubric.items;
        let phases: Vec<Value> = Phase::ALL
            .iter()
            .map(|&phase| {
                let verdicts: Vec<Value> = items
                    .iter()
                    .enumerate()
                    .filter(|(_, i)| i.phase == phase)
                    .map(|(n, i)| {
                        let hit = covered.contains(&n);
                        json!({
                            "id": i.id,
                            "covered": hit,
                            "credit": if hit { 1.0 } else { 0.0 },
                            "evidence": if hit { Some(format!("My {} answer.", phase.title().to_lowercase())) } else { None },
                        })
                    })
                    .collect();
                json!({"phase": phase, "score": score, "items": verdicts})
            })
            .collect();
        let card: Scorecard = serde_json::from_value(json!({
            "design": d.id(),
            "grader": "rubric",
            "score": score,
            "verdict": if score >= 60.0 { "hire" } else { "no hire" },
            "level": "senior",
            "phases": phases,
            "rubric_version": d.rubric.version,
            "graded_at": started + Duration::minutes(45),
        }))
        .expect("a scorecard");
        t.scorecards = vec![card];
    }
    t
}

fn save(home: &Home, t: &Transcript) {
    let path = home.sessions_dir().join(format!("{}.json", t.id));
    mockdesign::store::save(&path, t).expect("save transcript");
}

/// A practice history: WhatsApp three times (improving), Search once, an unfinished Payments.
fn home_with_history() -> Home {
    let home = Home::new();
    save(&home, &session("whatsapp", at(0, 0), Some(41.5), &[0, 1, 8]));
    save(&home, &session("search", at(3, 2), Some(58.0), &[0, 2, 4, 9]));
    save(&home, &session("whatsapp", at(7, 0), Some(63.0), &[0, 1, 2, 9, 10]));
    save(&home, &session("whatsapp", at(14, 1), Some(77.5), &[0, 2, 3, 9, 10, 11, 20]));
    save(&home, &session("payment-system", at(15, 3), None, &[]));
    home
}

// ---------------------------------------------------------------------------------------------
// The catalog.

#[test]
fn list_shows_every_design_in_columns() {
    insta::assert_snapshot!("list", run(&Home::new(), &["list"]));
}

#[test]
fn list_json_is_the_catalog_for_scripts() {
    insta::assert_snapshot!("list_json", run(&Home::new(), &["list", "--json"]));
}

#[test]
fn rubric_summary_shows_the_shape_without_spoilers() {
    insta::assert_snapshot!(
        "rubric_whatsapp_summary",
        run(&Home::new(), &["rubric", "whatsapp", "--summary"])
    );
}

#[test]
fn study_one_phase_piped_prints_the_model_passage() {
    let home = Home::new();
    insta::assert_snapshot!(
        "study_whatsapp_requirements_piped",
        run_in(&home, &["study", "whatsapp", "--phase", "requirements"], "\n")
    );
}

// ---------------------------------------------------------------------------------------------
// Scorecards.

#[test]
fn grade_prints_the_whole_scorecard() {
    let answers = fixture("whatsapp/plain.md");
    let out = run(&Home::new(), &["grade", "whatsapp", answers.to_str().unwrap()]);
    snapshot_graded_now!("grade_whatsapp_plain", out);
}

#[test]
fn grade_json_is_the_scorecard_for_scripts() {
    let answers = fixture("whatsapp/weak.md");
    let out = run(&Home::new(), &["grade", "whatsapp", answers.to_str().unwrap(), "--json"]);
    snapshot_graded_now!("grade_whatsapp_weak_json", out);
}

/// A real `--answers` session, its clock and ids then pinned: start 2026-11-20 18:30 UTC, each
/// phase using most of its budget, so `review` shows a session as a person would have had it.
fn home_with_answered_session() -> (Home, String) {
    let home = Home::new();
    let answers = fixture("whatsapp/plain.md");
    let out = home
        .cmd()
        .args(["whatsapp", "--answers", answers.to_str().unwrap(), "--seed", "7"])
        .env("COLUMNS", "100")
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let file = home.sessions().pop().expect("a saved session");
    let mut t: Value = serde_json::from_slice(&std::fs::read(&file).unwrap()).unwrap();
    std::fs::remove_file(&file).unwrap();
    let id = "20261120-183000-whatsapp";
    let started = Utc.with_ymd_and_hms(2026, 11, 20, 18, 30, 0).unwrap();
    t["id"] = json!(id);
    t["tool_version"] = json!("test");
    t["started_at"] = json!(started);
    t["updated_at"] = json!(started + Duration::minutes(44));
    let mut clock = started;
    for p in t["phases"].as_array_mut().unwrap() {
        let used = (p["budget_secs"].as_f64().unwrap() * 0.9).round();
        p["used_secs"] = json!(used);
        p.as_object_mut().unwrap().remove("carried_secs");
        p["started_at"] = json!(clock);
        clock += Duration::seconds(used as i64);
        p["ended_at"] = json!(clock);
    }
    for card in t["scorecards"].as_array_mut().unwrap() {
        card["graded_at"] = json!(clock);
    }
    assert_eq!(t["schema"], json!(SCHEMA_VERSION));
    home.write(&format!("sessions/{id}.json"), &serde_json::to_string_pretty(&t).unwrap());
    (home, id.to_string())
}

#[test]
fn review_format_md_is_the_whole_session_as_markdown() {
    let (home, id) = home_with_answered_session();
    insta::assert_snapshot!("review_format_md", run(&home, &["review", &id, "--format", "md"]));
}

#[test]
fn review_piped_prints_the_scorecard_of_a_saved_session() {
    let (home, _) = home_with_answered_session();
    insta::assert_snapshot!("review_latest", run(&home, &["review", "latest"]));
}

#[test]
fn review_json_is_the_stored_scorecard_for_scripts() {
    let (home, id) = home_with_answered_session();
    insta::assert_snapshot!("review_json", run(&home, &["review", &id, "--json"]));
}

#[test]
fn self_score_piped_compares_the_ticks_with_the_grader() {
    let (home, id) = home_with_answered_session();
    insta::assert_snapshot!("self_score_piped", run_in(&home, &["self-score", &id], &half_ticked()));
}

/// Self-score answers for WhatsApp's checklist: the first half ticked, the rest missed.
fn half_ticked() -> String {
    let items = Catalog::builtin().find("whatsapp").unwrap().rubric.items.len();
    (0..items).map(|n| if n < items / 2 { "y\n" } else { "n\n" }).collect()
}

#[test]
fn help_lists_the_commands_and_examples() {
    insta::assert_snapshot!("help", run(&Home::new(), &["--help"]));
}

#[test]
fn config_show_names_where_each_setting_comes_from() {
    let home = Home::new();
    home.write("config.toml", "[grader]\nmodel = \"llama3.1\"\n\n[stats]\nweekly_goal = 3\n");
    insta::assert_snapshot!("config_show", run(&home, &["config", "--show"]));
}

// ---------------------------------------------------------------------------------------------
// Progress.

#[test]
fn history_lists_sessions_with_a_trend_per_design() {
    let home = home_with_history();
    insta::assert_snapshot!("history", run(&home, &["history"]));
    insta::assert_snapshot!("history_all", run(&home, &["history", "--all"]));
}

#[test]
fn history_json_is_the_sessions_for_scripts() {
    insta::assert_snapshot!("history_json", run(&home_with_history(), &["history", "--json"]));
}

#[test]
fn empty_history_says_how_to_start() {
    insta::assert_snapshot!("history_empty", run(&Home::new(), &["history"]));
}

#[test]
fn compare_shows_the_score_change_items_gained_and_lost_and_time() {
    let home = home_with_history();
    insta::assert_snapshot!("compare_latest", run(&home, &["compare"]));
    insta::assert_snapshot!(
        "compare_two_named",
        run(&home, &["compare", "20261102-090000-whatsapp", "20261116-100000-whatsapp"])
    );
}

#[test]
fn compare_json_is_the_comparison_for_scripts() {
    insta::assert_snapshot!("compare_json", run(&home_with_history(), &["compare", "--json"]));
}

/// `stats` counts the last seven days before now, so its sessions are placed relative to now
/// (whole days and a few minutes back, so "3 days ago" never straddles a boundary).
fn home_with_recent_history() -> Home {
    let home = Home::new();
    let now = Utc::now();
    let ago = |days: i64| now - Duration::days(days) - Duration::minutes(5);
    save(&home, &session("whatsapp", ago(12), Some(41.5), &[0, 1, 8]));
    save(&home, &session("search", ago(9), Some(48.0), &[0, 2, 4, 9]));
    save(&home, &session("whatsapp", ago(5), Some(63.0), &[0, 1, 2, 9, 10]));
    save(&home, &session("whatsapp", ago(2), Some(77.5), &[0, 2, 3, 9, 10, 11, 20]));
    home
}

#[test]
fn stats_shows_the_week_each_design_the_weakest_areas_and_what_next() {
    let home = home_with_recent_history();
    insta::assert_snapshot!("stats", run(&home, &["stats"]));
    insta::assert_snapshot!("stats_empty", run(&Home::new(), &["stats"]));
}

#[test]
fn stats_json_is_the_progress_for_scripts() {
    // Its dates are relative to now: redacted, the rest compared in full.
    snapshot_graded_now!("stats_json", run(&home_with_recent_history(), &["stats", "--json"]));
}

// ---------------------------------------------------------------------------------------------
// Every error a user can cause: one line `mockdesign: error: …`, a hint, the exit code.

#[test]
fn errors_naming_a_design() {
    let home = Home::new();
    insta::assert_snapshot!("error_misspelt_design", run(&home, &["whatsap"]));
    insta::assert_snapshot!("error_unknown_design", run(&home, &["quantum-teleporter"]));
    insta::assert_snapshot!("error_misspelt_design_in_grade", run(&home, &["grade", "serch", "answer.md"]));
    insta::assert_snapshot!("error_misspelt_design_in_rubric", run(&home, &["rubric", "paymnts"]));
    insta::assert_snapshot!("error_no_design", run(&home, &[]));
    insta::assert_snapshot!("error_design_then_subcommand", run(&home, &["whatsapp", "history"]));
    insta::assert_snapshot!("error_start_flag_before_subcommand", run(&home, &["--minutes", "30", "list"]));
    insta::assert_snapshot!("error_start_flag_after_subcommand", run(&home, &["list", "--minutes", "30"]));
}

#[test]
fn errors_starting_an_interview() {
    let home = Home::new();
    insta::assert_snapshot!("error_minutes_zero", run(&home, &["whatsapp", "--minutes", "0"]));
    insta::assert_snapshot!("error_minutes_not_a_number", run(&home, &["whatsapp", "--minutes", "ten"]));
    insta::assert_snapshot!("error_minutes_negative", run(&home, &["whatsapp", "--minutes", "-5"]));
    insta::assert_snapshot!(
        "error_missing_answers_file",
        run(&home, &["whatsapp", "--answers", "no-such-answer.md"])
    );
    let empty = home.write("empty.md", "\n\n");
    insta::assert_snapshot!(
        "error_empty_answers_file",
        run(&home, &["whatsapp", "--answers", empty.to_str().unwrap()])
    );
}

#[test]
fn errors_grading_a_file() {
    let home = Home::new();
    insta::assert_snapshot!(
        "error_grade_missing_file",
        run(&home, &["grade", "whatsapp", "no-such-answer.md"])
    );
    let binary = home.path().join("binary.md");
    std::fs::write(&binary, [0xff, 0xfe, 0x00, 0x41]).unwrap();
    insta::assert_snapshot!(
        "error_grade_not_utf8",
        run(&home, &["grade", "whatsapp", binary.to_str().unwrap()])
    );
}

#[test]
fn errors_finding_a_session() {
    let empty = Home::new();
    insta::assert_snapshot!("error_review_no_sessions", run(&empty, &["review"]));
    insta::assert_snapshot!("error_resume_nothing_unfinished", run(&empty, &["resume"]));

    let home = home_with_history();
    insta::assert_snapshot!("error_unknown_session", run(&home, &["review", "20250101-no-such"]));
    insta::assert_snapshot!("error_ambiguous_session", run(&home, &["review", "2026110"]));
    insta::assert_snapshot!("error_missing_transcript_file", run(&home, &["review", "gone/session.json"]));
    insta::assert_snapshot!("error_resume_finished", run(&home, &["resume", "20261102-090000-whatsapp"]));
    insta::assert_snapshot!(
        "error_delete_unknown_session",
        run(&home, &["delete", "20250101-no-such", "--yes"])
    );
}

#[test]
fn errors_comparing() {
    insta::assert_snapshot!("error_compare_no_sessions", run(&Home::new(), &["compare"]));
    let home = home_with_history();
    insta::assert_snapshot!(
        "error_compare_single_attempt",
        run(&home, &["compare", "20261105-110000-search"])
    );
    insta::assert_snapshot!(
        "error_compare_ungraded",
        run(&home, &["compare", "20261117-120000-payment-system"])
    );
    insta::assert_snapshot!(
        "error_compare_same_session",
        run(&home, &["compare", "20261109-090000-whatsapp", "20261109-090000-whatsapp"])
    );
}

#[test]
fn errors_reading_transcripts() {
    let home = home_with_history();
    home.write("sessions/20261118-080000-whatsapp.json", "{\"schema\": 1, \"id\": \"trunc");
    insta::assert_snapshot!(
        "error_corrupt_transcript_review",
        run(&home, &["review", "20261118-080000-whatsapp"])
    );
    insta::assert_snapshot!("warning_corrupt_transcript_history", run(&home, &["history"]));

    let newer = Home::new();
    let mut t = serde_json::to_value(session("search", at(1, 0), Some(50.0), &[0])).unwrap();
    t["schema"] = json!(SCHEMA_VERSION + 1);
    newer.write("sessions/20261103-090000-search.json", &serde_json::to_string_pretty(&t).unwrap());
    insta::assert_snapshot!("error_newer_schema_review", run(&newer, &["review", "20261103-090000-search"]));
    insta::assert_snapshot!("error_newer_schema_resume", run(&newer, &["resume", "20261103-090000-search"]));
}

#[test]
fn errors_in_the_configuration() {
    let home = Home::new();
    home.write("config.toml", "[stats]\nweekly_goal = \"two\"\n");
    insta::assert_snapshot!("error_config_bad_value", run(&home, &["list"]));
    home.write("config.toml", "[grader\nbackend = \"openai\"\n");
    insta::assert_snapshot!("error_config_not_toml", run(&home, &["list"]));
    home.write("config.toml", "[stats]\nweekly_gaol = 3\n");
    insta::assert_snapshot!("error_config_unknown_key", run(&home, &["list"]));
    home.write("config.toml", "[session]\nminutes = -3\n");
    insta::assert_snapshot!("error_config_out_of_range", run(&home, &["list"]));
    home.write("config.toml", "[grader]\nkind = \"magic\"\n");
    insta::assert_snapshot!(
        "error_config_unknown_grader",
        run(&home, &["grade", "whatsapp", fixture("whatsapp/weak.md").to_str().unwrap()])
    );
    home.write("config.toml", "[grader]\nbackend = \"carrier-pigeon\"\n");
    let answers = fixture("whatsapp/weak.md");
    insta::assert_snapshot!(
        "error_config_unknown_backend",
        run(&home, &["grade", "whatsapp", answers.to_str().unwrap(), "--grader", "llm"])
    );

    let fresh = Home::new();
    insta::assert_snapshot!(
        "error_llm_http_without_base_url",
        run(
            &fresh,
            &["grade", "whatsapp", answers.to_str().unwrap(), "--grader", "llm", "--backend", "http"]
        )
    );
    insta::assert_snapshot!(
        "error_llm_bad_timeout",
        run(
            &fresh,
            &[
                "grade",
                "whatsapp",
                answers.to_str().unwrap(),
                "--grader",
                "llm",
                "--model",
                "m",
                "--timeout",
                "0"
            ]
        )
    );
    insta::assert_snapshot!(
        "error_llm_bad_base_url",
        run(
            &fresh,
            &[
                "grade",
                "whatsapp",
                answers.to_str().unwrap(),
                "--grader",
                "llm",
                "--base-url",
                "ftp://x",
                "--model",
                "m"
            ]
        )
    );
    std::fs::remove_file(home.path().join("config.toml")).unwrap();
    insta::assert_snapshot!("config_init", run(&home, &["config", "--init"]));
    insta::assert_snapshot!("error_config_init_twice", run(&home, &["config", "--init"]));
}

#[test]
fn errors_in_study_and_validate() {
    let home = Home::new();
    insta::assert_snapshot!(
        "error_study_unknown_phase",
        run(&home, &["study", "whatsapp", "--phase", "coding"])
    );
    insta::assert_snapshot!("error_validate_missing_path", run(&home, &["validate", "no/such/rubric.toml"]));
    let txt = home.write("notes.txt", "hello\n");
    insta::assert_snapshot!("error_validate_wrong_kind", run(&home, &["validate", txt.to_str().unwrap()]));
    insta::assert_snapshot!("error_unknown_subcommand_flag", run(&home, &["history", "--verbose"]));
    insta::assert_snapshot!("error_completions_unknown_shell", run(&home, &["completions", "cmd.exe"]));
}

/// A user design (the built-in WhatsApp rubric and prompt under another id) with no model answer.
fn home_with_user_design(id: &str) -> Home {
    let home = Home::new();
    let mut rubric = Catalog::builtin().find("whatsapp").unwrap().rubric.clone();
    rubric.id = id.to_string();
    rubric.title = "My chat".to_string();
    rubric.aliases.clear();
    home.write(&format!("rubrics/{id}.toml"), &toml::to_string(&rubric).expect("rubric as TOML"));
    let prompt = mockdesign::catalog::builtin_sources()
        .find(|(design, _, _)| *design == "whatsapp")
        .map(|(_, _, md)| md)
        .unwrap();
    home.write(&format!("prompts/{id}.md"), prompt);
    home
}

#[test]
fn errors_in_the_users_own_designs() {
    let home = home_with_user_design("my-chat");
    insta::assert_snapshot!("error_study_without_a_model_answer", run(&home, &["study", "my-chat"]));
    home.write("rubrics/broken.toml", "id = \"broken\"\ntitle = \n");
    insta::assert_snapshot!("warning_broken_user_rubric_list", run(&home, &["list"]));
}

#[test]
fn validate_names_a_broken_user_design_once_not_also_as_a_warning() {
    let home = Home::new();
    let broken = home.write("rubrics/broken.toml", "id = \"broken\"\ntitle = \n");
    insta::assert_snapshot!(
        "error_validate_broken_rubric",
        run(&home, &["validate", broken.to_str().unwrap()])
    );
}

#[test]
fn delete_from_a_script_names_what_it_deleted() {
    let home = home_with_history();
    insta::assert_snapshot!("delete_piped", run(&home, &["delete", "20261105-110000-search"]));
}

/// On a terminal without colour the session's own text (the answers) was printed as long lines,
/// so the terminal cut them mid-word; it is fitted to the terminal like the scorecard above it.
#[test]
fn review_on_a_terminal_without_colour_fits_the_answers_to_its_width() {
    use expectrl::{Eof, Expect};

    let (home, id) = home_with_answered_session();
    let mut cmd = home.std_cmd();
    cmd.args(["review", &id]).env("TERM", "xterm").env("PAGER", "cat").env_remove("COLUMNS");
    let mut p = expectrl::Session::spawn(cmd).expect("spawn in a pty");
    p.set_expect_timeout(Some(std::time::Duration::from_secs(20)));
    let seen = p.expect(Eof).expect("the review ends");
    let text = String::from_utf8_lossy(seen.as_bytes()).replace('\r', "");
    assert!(text.contains("First I want to agree on what we build now."), "the answers are shown:\n{text}");
    // The pseudo-terminal is expectrl's default, 80 columns.
    let long: Vec<&str> = text.lines().filter(|l| l.chars().count() > 80).collect();
    assert!(long.is_empty(), "lines wider than the terminal's 80 columns:\n{}", long.join("\n"));
}

// ---------------------------------------------------------------------------------------------
// On a terminal, with colour: the real binary in a pseudo-terminal of 100 columns (`TERM=xterm`,
// no `NO_COLOR`, `PAGER=cat`), so whether colour is used, and how wide the text is laid out, is
// decided by the binary exactly as on a person's screen. Standard output and standard error share
// the terminal, so they come as one stream; escape codes are shown as `␛` so a snapshot is
// readable, and the terminal's `\r\n` as `\n`.

/// Run `mockdesign ARGS` on a pseudo-terminal with colour allowed, typing `stdin` (with the
/// terminal's echo off, so what is typed does not interleave with what is printed).
fn run_tty(home: &Home, args: &[&str], stdin: &str) -> String {
    use expectrl::process::Termios;
    use expectrl::process::unix::WaitStatus;
    use expectrl::{Eof, Expect};

    let mut cmd = home.std_cmd();
    cmd.args(args)
        .env_remove("NO_COLOR")
        .env("TERM", "xterm")
        .env("COLUMNS", "100")
        .env("TZ", "UTC")
        .env("PAGER", "cat")
        .env_remove("LESS");
    let mut p = expectrl::Session::spawn(cmd).expect("spawn in a pty");
    p.set_expect_timeout(Some(std::time::Duration::from_secs(60)));
    if !stdin.is_empty() {
        p.get_process_mut().set_echo(false).expect("echo off");
        p.send(stdin).expect("type the input");
    }
    let seen = p.expect(Eof).expect("the command ends");
    let text = String::from_utf8_lossy(seen.as_bytes()).replace("\r\n", "\n").replace('\u{1b}', "␛");
    let code = match p.get_process().wait() {
        Ok(WaitStatus::Exited(_, code)) => code.to_string(),
        other => format!("{other:?}"),
    };
    let shown =
        format!("{} (on a terminal)\nexit: {code}\n--- terminal\n{}", command_line(args), section(&text));
    redact_paths(&shown, home.path())
}

#[test]
fn colour_grade_on_a_terminal_styles_the_whole_scorecard() {
    let answers = fixture("whatsapp/plain.md");
    let out = run_tty(&Home::new(), &["grade", "whatsapp", answers.to_str().unwrap()], "");
    snapshot_graded_now!("colour_grade_whatsapp", out);
}

#[test]
fn colour_is_off_on_a_terminal_with_no_color() {
    let answers = fixture("whatsapp/plain.md");
    let out = run_tty(&Home::new(), &["grade", "whatsapp", answers.to_str().unwrap(), "--no-color"], "");
    snapshot_graded_now!("colour_off_grade_whatsapp_no_color_flag", out);
    let home = home_with_history();
    insta::assert_snapshot!(
        "colour_off_history_no_color_flag",
        run_tty(&home, &["--no-color", "history"], "")
    );
}

#[test]
fn colour_session_end_shows_the_styled_summary() {
    let answers = fixture("whatsapp/plain.md");
    let out = run_tty(&Home::new(), &["whatsapp", "--answers", answers.to_str().unwrap(), "--seed", "7"], "");
    // A session started now: its id and its grade's time are the wall clock's.
    let mut filters = graded_now_filters();
    filters.push((r"\d{8}-\d{6}-whatsapp", "[SESSION]"));
    insta::with_settings!({filters => filters}, {
        insta::assert_snapshot!("colour_session_end", out);
    });
}

#[test]
fn colour_review_styles_the_scorecard_and_the_session() {
    let (home, id) = home_with_answered_session();
    insta::assert_snapshot!("colour_review", run_tty(&home, &["review", &id], ""));
    insta::assert_snapshot!(
        "colour_review_side_by_side",
        run_tty(&home, &["review", &id, "--side-by-side"], "")
    );
}

#[test]
fn colour_self_score_styles_the_calibration() {
    let (home, id) = home_with_answered_session();
    insta::assert_snapshot!("colour_self_score", run_tty(&home, &["self-score", &id], &half_ticked()));
}

#[test]
fn colour_progress_bolds_headings_and_colours_changes() {
    let home = home_with_history();
    insta::assert_snapshot!("colour_history", run_tty(&home, &["history", "--all"], ""));
    insta::assert_snapshot!("colour_compare", run_tty(&home, &["compare"], ""));
    insta::assert_snapshot!("colour_stats", run_tty(&home_with_recent_history(), &["stats"], ""));
}

#[test]
fn colour_catalog_on_a_terminal() {
    let home = Home::new();
    insta::assert_snapshot!("colour_list", run_tty(&home, &["list"], ""));
    insta::assert_snapshot!("colour_rubric_whatsapp", run_tty(&home, &["rubric", "whatsapp"], ""));
    insta::assert_snapshot!(
        "colour_study_whatsapp_requirements",
        run_tty(&home, &["study", "whatsapp", "--phase", "requirements", "--yes"], "")
    );
}

#[test]
fn colour_errors_and_warnings_on_a_terminal_are_one_plain_line() {
    let home = Home::new();
    insta::assert_snapshot!(
        "colour_error_missing_answers",
        run_tty(&home, &["grade", "whatsapp", "no-such.md"], "")
    );
    home.write("sessions/20261118-080000-whatsapp.json", "{ not json");
    insta::assert_snapshot!("colour_warning_corrupt_transcript", run_tty(&home, &["history"], ""));
}

/// The interview's own screen, in colour: each message as the terminal shell shows it at 100
/// columns, the countdown line (calm, urgent, overtime) and the line being typed with its cursor.
/// In process: a live session's timing is not reproducible, what it draws is.
#[test]
fn colour_session_prompts_countdown_and_typed_line() {
    use mockdesign::driver::Countdown;
    use mockdesign::session::{Clock, Effect, Event, Options, Session};
    use mockdesign::terminal::interactive::{LineEditor, message_text, status_line};

    // The binary decides colour itself; this process must not let crossterm read `NO_COLOR`.
    crossterm::style::force_color_output(true);
    let design = Catalog::builtin().find("whatsapp").unwrap().clone();
    let opts = Options { minutes: 45.0, soft_timer: false, seed: 7, self_score: false, scripted: false };
    let mut session = Session::new(&design, opts, "20261120-183000-whatsapp".into(), at(18, 0));
    session.wait_for_enter();
    let clock = Clock { secs: 0.0, wall: at(18, 0) };
    let mut screen = String::new();
    let mut queue: std::collections::VecDeque<Event> = [
        Event::Start,
        Event::Line(String::new()),
        Event::Line("/help".into()),
        Event::Line("Users send 1:1 and group messages; delivery receipts matter.".into()),
        Event::Line("/next".into()),
    ]
    .into();
    while let Some(event) = queue.pop_front() {
        for effect in session.handle(event, clock) {
            // The engine asks the rubric's follow-up itself.
            if let Effect::Show(m) = effect {
                screen.push_str(&message_text(&m, 100, true));
            }
        }
    }
    let countdown = |phase_left: f64| Countdown {
        phase: mockdesign::catalog::Phase::HighLevel,
        phase_left,
        phase_budget: 720.0,
        total_left: 1800.0 + phase_left,
        paused: false,
    };
    screen.push_str("\n--- countdown\n");
    for left in [600.0, 90.0, -30.0] {
        screen.push_str(&format!("{}\n", status_line(&countdown(left), 100, true)));
    }
    let mut editor = LineEditor::default();
    editor.insert_str("A gateway keeps one connection per phone");
    screen.push_str("--- typed line\n");
    screen.push_str(&format!("{}\n", editor.view(100, true)));
    insta::assert_snapshot!("colour_session_screen", screen.replace('\u{1b}', "␛"));
}
