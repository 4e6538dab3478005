//! Integration tests: model answers — `study`, their link to the rubric (`validate`), their grade,
//! and the passages shown beside a weak attempt's scorecard and review.

use std::path::Path;

use mockdesign::catalog::{Catalog, ModelAnswer, builtin_answer};
use serde_json::Value;

use crate::common::{Home, fixture, stderr, stdout};

fn ids() -> Vec<String> {
    Catalog::builtin().designs().iter().map(|d| d.id().to_string()).collect()
}

fn answer_path(id: &str) -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("answers").join(format!("{id}.md"))
}

/// Whitespace folded to single spaces, so wrapped terminal text compares with prose.
fn fold(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

const HEADINGS: [&str; 4] = ["## Requirements", "## High-level design", "## Deep dive", "## Trade-offs"];

#[test]
fn study_prints_every_designs_model_answer_with_its_phases_and_no_markers() {
    let home = Home::new();
    let ids = ids();
    assert_eq!(ids.len(), 11);
    for id in &ids {
        // Piped, never practised: it prints at once and never asks.
        let out = home.cmd().args(["study", id]).output().unwrap();
        assert!(out.status.success(), "{id}: {}", stderr(&out));
        let text = stdout(&out);
        for h in HEADINGS {
            assert!(text.contains(h), "{id}: no {h}");
        }
        assert!(!text.contains("<!--") && !text.contains("items:"), "{id}: a marker is shown");
        assert!(!text.contains("haven't practised"), "{id}: asked on a pipe");
    }
}

#[test]
fn study_phase_shows_only_that_phase_and_aliases_work() {
    let home = Home::new();
    let out = home.cmd().args(["study", "payments", "--phase", "deep-dive"]).output().unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(text.starts_with("# Payment System"), "{text}");
    assert!(text.contains("## Deep dive"), "{text}");
    for other in ["## Requirements", "## High-level design", "## Trade-offs"] {
        assert!(!text.contains(other), "{other} shown: {text}");
    }
    let bad = home.cmd().args(["study", "payments", "--phase", "lunch"]).output().unwrap();
    assert_eq!(bad.status.code(), Some(2), "{}", stderr(&bad));
}

#[test]
fn every_model_answer_covers_nine_tenths_of_its_rubric_and_is_a_strong_hire() {
    let home = Home::new();
    for id in ids() {
        let rubric: Value =
            serde_json::from_slice(&home.cmd().args(["rubric", &id, "--json"]).output().unwrap().stdout)
                .unwrap();
        let weight = |item: &str| -> f64 {
            rubric["phases"]
                .as_array()
                .unwrap()
                .iter()
                .flat_map(|p| p["items"].as_array().unwrap())
                .find(|i| i["id"] == item)
                .and_then(|i| i["weight"].as_f64())
                .unwrap()
        };
        // The file as written, and the text a reader sees: the markers name item ids, and those
        // words must not be what earns the credit.
        let shown = ModelAnswer::parse(builtin_answer(&id).unwrap()).display();
        let shown_path = home.write(&format!("shown/{id}.md"), &shown);
        for file in [answer_path(&id), shown_path] {
            let out = home.cmd().args(["grade", &id]).arg(&file).arg("--json").output().unwrap();
            assert!(out.status.success(), "{id}: {}", stderr(&out));
            let card: Value = serde_json::from_slice(&out.stdout).unwrap();
            let items: Vec<&Value> = card["phases"]
                .as_array()
                .unwrap()
                .iter()
                .flat_map(|p| p["items"].as_array().unwrap())
                .collect();
            let total: f64 = items.iter().map(|i| weight(i["id"].as_str().unwrap())).sum();
            let covered: f64 = items
                .iter()
                .filter(|i| i["covered"] == true)
                .map(|i| weight(i["id"].as_str().unwrap()))
                .sum();
            let missed: Vec<&str> =
                items.iter().filter(|i| i["covered"] != true).map(|i| i["id"].as_str().unwrap()).collect();
            assert!(
                covered / total >= 0.9,
                "{id}: {:.1}% of the weight covered; missed {missed:?}",
                covered / total * 100.0
            );
            assert_eq!(card["verdict"], "strong hire", "{id}: {} {}", card["score"], card["verdict"]);
        }
    }
}

#[test]
fn model_answers_meet_the_content_bar() {
    for id in ids() {
        let md = builtin_answer(&id).unwrap_or_else(|| panic!("{id} has no built-in model answer"));
        let answer = ModelAnswer::parse(md);
        let shown = answer.display();
        let mut in_code = false;
        let mut prose = String::new();
        let mut fences = 0;
        for line in shown.lines() {
            if line.trim_start().starts_with("```") {
                in_code = !in_code;
                fences += 1;
                continue;
            }
            if in_code {
                assert!(line.chars().count() <= 80, "{id}: diagram line wider than 80 columns: {line}");
            } else {
                prose.push_str(line);
                prose.push('\n');
            }
        }
        assert!(fences >= 2, "{id}: no architecture diagram");
        let words = prose.split_whitespace().count();
        assert!((1_500..=2_200).contains(&words), "{id}: {words} words of prose");
        for h in HEADINGS {
            assert!(md.contains(&format!("\n{h}\n")), "{id}: no {h}");
        }
    }
}

#[test]
fn validate_catches_a_marker_naming_no_item_of_the_design() {
    let home = Home::new();
    let good = builtin_answer("whatsapp").unwrap();
    let bad = good.replacen("<!-- items: dd-ordering -->", "<!-- items: dd-orderin -->", 1);
    assert_ne!(good, bad);
    let path = home.write("answers/whatsapp.md", &bad);
    let line = bad.lines().position(|l| l.contains("dd-orderin ")).unwrap() + 1;
    for args in [vec!["validate".to_string()], vec!["validate".to_string(), path.display().to_string()]] {
        let out = home.cmd().args(&args).output().unwrap();
        assert_eq!(out.status.code(), Some(1), "{args:?}: {}", stdout(&out));
        let text = stdout(&out);
        assert!(
            text.contains(&format!(
                "{}:{line}: the marker names 'dd-orderin', which is not an item of whatsapp (did you mean 'dd-ordering'?)",
                path.display()
            )),
            "{text}"
        );
        // With its only marker broken, the item is demonstrated nowhere: that is reported too.
        assert!(text.contains("item 'dd-ordering': not demonstrated"), "{text}");
    }
}

#[test]
fn validate_reports_an_unreadable_marker_with_its_line() {
    let home = Home::new();
    let text = builtin_answer("url-shortener").unwrap().replacen(
        "<!-- items: hld-api -->",
        "<!-- items hld-api -->",
        1,
    );
    let path = home.write("answers/url-shortener.md", &text);
    let out = home.cmd().arg("validate").arg(&path).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let line = text.lines().position(|l| l.contains("<!-- items hld-api")).unwrap() + 1;
    assert!(
        stdout(&out).contains(&format!(
            "{}:{line}: write the marker as `<!-- items: id-a, id-b -->`",
            path.display()
        )),
        "{}",
        stdout(&out)
    );
}

#[test]
fn a_users_answer_shadows_the_builtin_in_study_and_beside_the_grade() {
    let home = Home::new();
    let mine = "# My WhatsApp\n\n## Requirements\n<!-- items: req-retention -->\nI keep nothing: messages are deleted after delivery, store and forward only.\n\n## High-level design\nBoxes.\n\n## Deep dive\nDepth.\n\n## Trade-offs\nChoices.\n";
    home.write("answers/whatsapp.md", mine);
    let out = home.cmd().args(["study", "whatsapp"]).output().unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stdout(&out).starts_with("# My WhatsApp"), "{}", stdout(&out));
    // validate reports everything the user's answer leaves undemonstrated.
    let v = home.cmd().arg("validate").output().unwrap();
    assert_eq!(v.status.code(), Some(1));
    assert!(stdout(&v).contains("item 'dd-offline-delivery': not demonstrated"), "{}", stdout(&v));
}

#[test]
fn study_of_a_design_without_a_model_answer_says_where_to_write_one() {
    let home = Home::new();
    let rubric =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("rubrics/url-shortener.toml"))
            .unwrap()
            .replacen("id = \"url-shortener\"", "id = \"my-shortener\"", 1)
            .replacen("aliases = [", "aliases = [\"mine\", ", 1);
    home.write("rubrics/my-shortener.toml", &rubric);
    let prompt =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("prompts/url-shortener.md"))
            .unwrap();
    home.write("prompts/my-shortener.md", &prompt);
    let out = home.cmd().args(["study", "my-shortener"]).output().unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", stdout(&out));
    let err = stderr(&out);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(
        err.starts_with("mockdesign: error: there is no model answer for my-shortener; write one at "),
        "{err}"
    );
}

/// A weak whatsapp session, played from the weak fixture; returns its end-of-session output.
fn weak_session(home: &Home) -> String {
    let out = home.cmd().arg("whatsapp").arg("--answers").arg(fixture("whatsapp/weak.md")).output().unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    stdout(&out)
}

/// The heaviest items the review's scorecard missed, heaviest first (rubric order among equals).
fn top_missed(home: &Home, n: usize) -> Vec<String> {
    let card: Value =
        serde_json::from_slice(&home.cmd().args(["review", "--json"]).output().unwrap().stdout).unwrap();
    let design = Catalog::builtin().find("whatsapp").unwrap().clone();
    let mut missed: Vec<(u32, usize, String)> = card["phases"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|p| p["items"].as_array().unwrap())
        .filter(|i| i["covered"] != true)
        .map(|i| {
            let id = i["id"].as_str().unwrap();
            let pos = design.rubric.items.iter().position(|x| x.id == id).unwrap();
            (design.rubric.items[pos].weight, pos, id.to_string())
        })
        .collect();
    missed.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
    missed.into_iter().take(n).map(|m| m.2).collect()
}

#[test]
fn a_weak_sessions_review_shows_model_passages_for_its_top_missed_items() {
    let home = Home::new();
    let end = weak_session(&home);
    let design = Catalog::builtin().find("whatsapp").unwrap().clone();
    let answer = ModelAnswer::parse(builtin_answer("whatsapp").unwrap());
    let top = top_missed(&home, 5);
    assert_eq!(top.len(), 5, "the weak answer misses at least five items");
    let passage = |id: &str| fold(&answer.excerpt(design.item(id).unwrap(), 3).unwrap());

    // The end-of-session scorecard offers the five heaviest misses.
    assert!(end.contains("What you missed, from the model answer"), "{end}");
    for id in &top {
        assert!(
            fold(&end).contains(&format!("How a strong answer puts it: \"{}\"", passage(id))),
            "{id}: {end}"
        );
    }

    // The review shows them too (all of them, heaviest first), in text and in Markdown.
    let review = stdout(&home.cmd().arg("review").output().unwrap());
    let folded = fold(&review);
    let mut last = 0;
    for id in &top {
        let at =
            folded.find(&passage(id)).unwrap_or_else(|| panic!("{id} missing from the review: {review}"));
        assert!(at >= last, "{id} is out of order");
        last = at;
    }
    assert!(!review.contains("<!--"), "{review}");
    let md = stdout(&home.cmd().args(["review", "--format", "md"]).output().unwrap());
    assert!(md.contains("## What you missed, from the model answer"), "{md}");
    for id in &top {
        assert!(fold(&md).contains(&format!("*How a strong answer puts it:* {}", passage(id))), "{id}: {md}");
    }
}

#[test]
fn review_side_by_side_puts_the_candidates_words_next_to_the_model_passage() {
    let home = Home::new();
    weak_session(&home);
    let out = home.cmd().args(["review", "--side-by-side"]).env("COLUMNS", "120").output().unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(text.contains("Side by side: your answer and WhatsApp"), "{text}");
    // Piped output is 100 columns wide: two columns, every line fits.
    assert!(text.contains(" │ "), "{text}");
    let side = &text[text.find("Side by side").unwrap()..];
    assert!(side.lines().all(|l| l.chars().count() <= 100), "{side}");
    assert!(text.contains("(not in your answer)"), "{text}");
    // Covered items show the candidate's evidence.
    assert!(text.contains("\"Users should be able to send messages"), "{text}");
    let md = stdout(&home.cmd().args(["review", "--format", "md", "--side-by-side"]).output().unwrap());
    assert!(md.contains("| Item | You | Strong answer |"), "{md}");
    let json = home.cmd().args(["review", "--json", "--side-by-side"]).output().unwrap();
    assert_eq!(json.status.code(), Some(2), "--json and --side-by-side conflict");
}

#[test]
fn on_a_terminal_study_asks_before_showing_an_unpractised_design() {
    use expectrl::{Eof, Expect};

    let home = Home::new();
    let mut p = home.pty(&["study", "whatsapp"], &[("PAGER", "cat")]);
    p.expect("You haven't practised whatsapp yet — see the answer anyway? [y/N] ").unwrap();
    p.send("n\r").unwrap();
    p.expect("Not shown. Practise first with `mockdesign whatsapp`").unwrap();
    p.expect(Eof).unwrap();

    // --yes skips the question; the answer goes through the pager.
    let mut p = home.pty(&["study", "whatsapp", "--yes"], &[("PAGER", "cat")]);
    p.expect("Deep dive").unwrap();
    p.expect(Eof).unwrap();

    // After a session of the design, it no longer asks.
    weak_session(&home);
    let mut p = home.pty(&["study", "whatsapp"], &[("PAGER", "cat")]);
    p.expect("Trade-offs").unwrap();
    p.expect(Eof).unwrap();
}
