//! Integration tests: catalog (list, rubric, validate, design names, the user's own designs).
//!
//! The content bar (`builtin_designs_meet_the_content_bar`) and the validate run over every
//! built-in are what keep the interview content honest: a rubric that slips below them fails here.

use std::collections::BTreeSet;
use std::fmt::Write as _;

use mockdesign::catalog::{Catalog, Rubric};
use serde_json::Value;

use crate::common::{Home, stderr, stdout};

/// Every design the product promises (PRODUCT.md), with the short alias each must answer to.
const DESIGNS: [(&str, Option<&str>); 11] = [
    ("whatsapp", None),
    ("payment-system", Some("payments")),
    ("news-feed", Some("feed")),
    ("search", None),
    ("notification-system", Some("notifications")),
    ("booking-system", Some("booking")),
    ("analytics-pipeline", Some("analytics")),
    ("auth-service", Some("auth")),
    ("url-shortener", Some("tinyurl")),
    ("ecommerce-cart", Some("cart")),
    ("order-processing", Some("orders")),
];

fn json_of(out: &std::process::Output) -> Value {
    assert!(out.status.success(), "exit {:?}: {}", out.status.code(), stderr(out));
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("not JSON ({e}): {}", stdout(out)))
}

fn builtin_ids() -> Vec<String> {
    Catalog::builtin().designs().iter().map(|d| d.id().to_string()).collect()
}

/// A small but complete rubric for a user's own design, one item per phase.
fn user_rubric(id: &str, title: &str) -> String {
    let mut s = format!(
        "id = \"{id}\"\ntitle = \"{title}\"\nsummary = \"A design of my own.\"\nversion = 1\naliases = [\"mine\"]\n"
    );
    for (n, phase) in ["requirements", "high-level", "deep-dive", "trade-offs"].iter().enumerate() {
        let _ = write!(
            s,
            "\n[[items]]\nid = \"item-{n}\"\nphase = \"{phase}\"\ntext = \"Does thing {n}.\"\nwhy = \"Because.\"\n\
             weight = 3\nlevel = \"core\"\ncategory = \"architecture\"\n\
             concepts = [\"thing {n}\", \"widget {n}\", \"gadget + {n}\", \"doohickey {n}\"]\n\
             probe = \"What about thing {n}?\"\nhint = \"Think of thing {n}.\"\n"
        );
    }
    s.push_str("\n[[facts]]\nid = \"users\"\ntriggers = [\"how many users\"]\nanswer = \"A thousand.\"\n");
    s
}

fn user_prompt(title: &str) -> String {
    format!(
        "# {title}\nDesign my thing.\n## Requirements\nWhat must it do?\n### Hints\n- Who uses it?\n\
         ## High-level design\nDraw it.\n### Hints\n- Boxes.\n## Deep dive\nGo deep.\n### Hints\n- Failure.\n\
         ## Trade-offs\nWeigh it.\n### Hints\n- Cost.\n"
    )
}

#[test]
fn misspelt_design_exits_2_with_the_nearest_match() {
    let home = Home::new();
    let out = home.cmd().arg("whatsap").output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(err.contains("unknown design 'whatsap'"), "{err}");
    assert!(err.contains("did you mean whatsapp?"), "{err}");
}

#[test]
fn validate_passes_over_every_builtin_design() {
    let home = Home::new();
    let out = home.cmd().arg("validate").output().unwrap();
    let text = stdout(&out);
    assert_eq!(
        out.status.code(),
        Some(0),
        "validate found problems in the built-ins:\n{text}{}",
        stderr(&out)
    );
    assert!(!text.contains("warning"), "the built-ins should be spotless:\n{text}");
    let count = builtin_ids().len();
    let noun = if count == 1 { "design" } else { "designs" };
    assert_eq!(text.trim(), format!("{count} {noun} ok"), "{text}");
}

#[test]
fn builtin_designs_meet_the_content_bar() {
    let catalog = Catalog::builtin();
    assert!(catalog.warnings.is_empty(), "broken built-ins: {:#?}", catalog.warnings);
    let mut failures = Vec::new();
    for design in catalog.designs() {
        let r = &design.rubric;
        let mut bad = |msg: String| failures.push(format!("{}: {msg}", r.id));
        for phase in mockdesign::catalog::Phase::ALL {
            let n = design.items(phase).count();
            if n < 5 {
                bad(format!("{n} items in {phase} (need >= 5)"));
            }
        }
        if r.items.len() < 24 {
            bad(format!("{} items (need >= 24)", r.items.len()));
        }
        let estimates = r.items.iter().filter(|i| i.estimate.is_some()).count();
        if estimates < 2 {
            bad(format!("{estimates} estimate items (need >= 2)"));
        }
        if r.facts.len() < 6 {
            bad(format!("{} facts (need >= 6)", r.facts.len()));
        }
        if r.curveballs.len() < 2 {
            bad(format!("{} curveballs (need >= 2)", r.curveballs.len()));
        }
        for item in r.items.iter().filter(|i| i.concepts.len() < 4) {
            bad(format!("item '{}' has {} concepts (need >= 4)", item.id, item.concepts.len()));
        }
        let levels: BTreeSet<_> = r.items.iter().map(|i| i.level).collect();
        if levels.len() < 3 {
            bad(format!("levels {levels:?} (need core, senior and staff)"));
        }
        for phase in mockdesign::catalog::Phase::ALL {
            let hints = design.prompt.phase(phase).hints.len();
            if !(2..=4).contains(&hints) {
                bad(format!("prompt phase {phase} has {hints} hints (need 2–4)"));
            }
        }
    }
    assert!(failures.is_empty(), "built-in designs below the content bar:\n{}", failures.join("\n"));
}

#[test]
fn list_json_has_all_eleven_designs_and_their_aliases_resolve() {
    let home = Home::new();
    let list = json_of(&home.cmd().args(["list", "--json"]).output().unwrap());
    let ids: BTreeSet<&str> = list.as_array().unwrap().iter().map(|d| d["id"].as_str().unwrap()).collect();
    let missing: Vec<&str> = DESIGNS.iter().map(|(id, _)| *id).filter(|id| !ids.contains(id)).collect();
    assert!(missing.is_empty(), "designs missing from `list --json`: {}", missing.join(", "));
    for (id, alias) in DESIGNS {
        let Some(alias) = alias else { continue };
        let rubric = json_of(&home.cmd().args(["rubric", alias, "--json"]).output().unwrap());
        assert_eq!(rubric["design"]["id"], id, "alias {alias}");
    }
}

#[test]
fn rubric_json_has_the_documented_shape() {
    let home = Home::new();
    let id = builtin_ids().into_iter().next().expect("at least one built-in");
    let v = json_of(&home.cmd().args(["rubric", &id, "--json"]).output().unwrap());
    let design = &v["design"];
    assert_eq!(design["id"], id.as_str());
    for key in ["title", "summary"] {
        assert!(design[key].as_str().is_some_and(|s| !s.is_empty()), "design.{key}: {design}");
    }
    assert!(design["version"].as_u64().is_some(), "{design}");
    assert!(design["aliases"].is_array(), "{design}");
    let budget = &design["budget"];
    let sum: f64 = ["requirements", "high-level", "deep-dive", "trade-offs"]
        .iter()
        .map(|k| budget[k].as_f64().unwrap_or_else(|| panic!("budget.{k}: {budget}")))
        .sum();
    assert!((sum - design["minutes"].as_f64().unwrap()).abs() < 1e-9, "{design}");

    let phases = v["phases"].as_array().unwrap();
    let names: Vec<&str> = phases.iter().map(|p| p["phase"].as_str().unwrap()).collect();
    assert_eq!(names, ["requirements", "high-level", "deep-dive", "trade-offs"]);
    for item in phases.iter().flat_map(|p| p["items"].as_array().unwrap()) {
        for key in ["id", "text", "why", "level", "category", "probe", "hint"] {
            assert!(item[key].is_string(), "item.{key}: {item}");
        }
        assert!(item["weight"].is_u64(), "{item}");
        assert!(item["concepts"].is_array(), "{item}");
        assert!(item.get("phase").is_none(), "items are grouped by phase, not tagged: {item}");
        if let Some(e) = item.get("estimate") {
            assert!(e["min"].is_f64() && e["max"].is_f64() && e["unit"].is_string(), "{item}");
        }
    }
    assert!(
        v["facts"].as_array().unwrap().iter().all(|f| f["triggers"].is_array() && f["answer"].is_string())
    );
    assert!(v["curveballs"].as_array().unwrap().iter().all(|c| c["text"].is_string()));
}

#[test]
fn rubric_toml_round_trips_for_every_builtin() {
    let home = Home::new();
    for design in Catalog::builtin().designs() {
        let out = home.cmd().args(["rubric", design.id(), "--toml"]).output().unwrap();
        assert!(out.status.success(), "{}", stderr(&out));
        let back = Rubric::parse(&stdout(&out), "stdout").unwrap_or_else(|e| panic!("{}: {e}", design.id()));
        assert_eq!(back, design.rubric, "{} does not round-trip", design.id());
    }
}

#[test]
fn rubric_toml_is_a_starting_point_for_a_users_own_design() {
    let home = Home::new();
    let id = builtin_ids().into_iter().next().unwrap();
    let toml = stdout(&home.cmd().args(["rubric", &id, "--toml"]).output().unwrap());
    let mine = toml.replacen(&format!("id = \"{id}\""), "id = \"my-practice\"", 1);
    let mine = mine.replacen("aliases = [", "aliases = [\"mp\", ", 1);
    home.write("rubrics/my-practice.toml", &mine);
    home.write("prompts/my-practice.md", &user_prompt("My practice"));
    let out = home.cmd().arg("validate").output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    let shown = json_of(&home.cmd().args(["rubric", "mp", "--json"]).output().unwrap());
    assert_eq!(shown["design"]["id"], "my-practice");
}

#[test]
fn rubric_default_rendering_shows_items_probes_facts_and_curveballs() {
    let home = Home::new();
    let design = Catalog::builtin().designs()[0].clone();
    let out = home.cmd().args(["rubric", design.id()]).output().unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(text.contains(&design.rubric.title), "{text}");
    let item = &design.rubric.items[0];
    for needle in [&item.id, &item.probe, &item.why] {
        assert!(text.contains(needle.as_str()), "missing {needle:?} in:\n{text}");
    }
    if let Some(f) = design.rubric.facts.first() {
        assert!(text.contains(&f.answer), "{text}");
    }
    if let Some(c) = design.rubric.curveballs.first() {
        assert!(text.contains(&c.text), "{text}");
    }
}

#[test]
fn rubric_summary_shows_every_designs_shape_without_its_text() {
    let home = Home::new();
    let out = home.cmd().args(["rubric", "--summary"]).output().unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let text = stdout(&out);
    for design in Catalog::builtin().designs() {
        assert!(text.contains(&format!("| `{}` |", design.id())), "{} missing from:\n{text}", design.id());
        assert!(!text.contains(&design.rubric.items[0].probe), "the summary is no spoiler");
    }
    let one = stdout(&home.cmd().args(["rubric", "chat", "--summary"]).output().unwrap());
    assert!(one.contains("| Requirements | 8 | 18% |"), "{one}");
    assert!(one.contains("Curveballs:"), "{one}");
    let out = home.cmd().args(["rubric"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2), "a design or --summary is required");
}

#[test]
fn a_users_own_design_is_listed_graded_and_validated() {
    let home = Home::new();
    home.write("rubrics/my-thing.toml", &user_rubric("my-thing", "My Thing"));
    home.write("prompts/my-thing.md", &user_prompt("My Thing"));
    let list = json_of(&home.cmd().args(["list", "--json"]).output().unwrap());
    let mine = list.as_array().unwrap().iter().find(|d| d["id"] == "my-thing").expect("listed");
    assert_eq!(mine["builtin"], false);
    assert_eq!(mine["title"], "My Thing");

    let out = home.cmd().arg("validate").output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    let count = builtin_ids().len() + 1;
    assert!(stdout(&out).contains(&format!("{count} designs ok")), "{}", stdout(&out));

    let rubric = json_of(&home.cmd().args(["rubric", "mine", "--json"]).output().unwrap());
    assert_eq!(rubric["design"]["id"], "my-thing");
}

#[test]
fn a_users_design_shadows_the_builtin_of_the_same_id() {
    let home = Home::new();
    let id = builtin_ids().into_iter().next().unwrap();
    home.write(&format!("rubrics/{id}.toml"), &user_rubric(&id, "My Own Version"));
    let list = json_of(&home.cmd().args(["list", "--json"]).output().unwrap());
    let entries: Vec<&Value> = list.as_array().unwrap().iter().filter(|d| d["id"] == id.as_str()).collect();
    assert_eq!(entries.len(), 1, "shadowed, not duplicated: {list}");
    assert_eq!(entries[0]["title"], "My Own Version");
    assert_eq!(entries[0]["builtin"], false);
    // Without its own prompt it borrows the built-in one, so validate finds nothing missing.
    let out = home.cmd().arg("validate").output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
}

#[test]
fn a_broken_user_file_is_reported_and_the_builtins_still_load() {
    let home = Home::new();
    let mut broken = user_rubric("broken", "Broken");
    broken = broken.replacen("weight = 3\n", "weight = 3\nweight = \n", 1);
    let line = broken.lines().position(|l| l == "weight = ").unwrap() + 1;
    let path = home.write("rubrics/broken.toml", &broken);
    home.write("prompts/broken.md", &user_prompt("Broken"));

    let out = home.cmd().args(["list", "--json"]).output().unwrap();
    assert!(stderr(&out).contains("broken.toml"), "the broken file is named: {}", stderr(&out));
    let list = json_of(&out);
    let ids: Vec<&str> = list.as_array().unwrap().iter().map(|d| d["id"].as_str().unwrap()).collect();
    for id in builtin_ids() {
        assert!(ids.contains(&id.as_str()), "built-in {id} hidden by a broken user file: {ids:?}");
    }

    let out = home.cmd().arg("validate").output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let text = stdout(&out);
    assert!(text.contains(&format!("{}:{line}:", path.display())), "file:line in:\n{text}");
}

#[test]
fn validate_reports_an_unknown_key_with_its_line() {
    let home = Home::new();
    let text = user_rubric("typo", "Typo").replacen("probe = ", "probbe = ", 1);
    let line = text.lines().position(|l| l.starts_with("probbe")).unwrap() + 1;
    let path = home.write("elsewhere/typo.toml", &text);
    let out = home.cmd().arg("validate").arg(&path).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let report = stdout(&out);
    assert!(report.contains(&format!("{}:{line}: unknown field `probbe`", path.display())), "{report}");
}

#[test]
fn validate_reports_content_problems_by_item_and_line() {
    let home = Home::new();
    let text = user_rubric("weak", "Weak")
        .replacen("weight = 3", "weight = 7", 1)
        .replacen("\"doohickey 1\"", "\"**\"", 1)
        .replace("triggers = [\"how many users\"]", "triggers = []");
    let line_of = |id: &str| text.lines().position(|l| l == format!("id = \"{id}\"")).unwrap() + 1;
    let dir = home.path().join("drafts");
    home.write("drafts/weak.toml", &text);
    home.write("drafts/weak.md", "# Weak\nScenario.\n## Requirements\nAsk.\n");
    let out = home.cmd().arg("validate").arg(&dir).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let report = stdout(&out);
    let file = dir.join("weak.toml").display().to_string();
    for expected in [
        format!("{file}:{}: item 'item-0': weight 7 is out of range (1–5)", line_of("item-0")),
        format!("{file}:{}: item 'item-1': concept \"**\" is only punctuation", line_of("item-1")),
        format!("{file}:{}: fact 'users': has no triggers", line_of("users")),
        format!(
            "{}: missing phase prompt(s): High-level design, Deep dive, Trade-offs",
            dir.join("weak.md").display()
        ),
    ] {
        assert!(report.contains(&expected), "expected {expected:?} in:\n{report}");
    }
}

#[test]
fn validate_checks_a_builtin_copy_given_by_path() {
    let home = Home::new();
    let id = builtin_ids().into_iter().next().unwrap();
    let toml = stdout(&home.cmd().args(["rubric", &id, "--toml"]).output().unwrap());
    let path = home.write(&format!("copy/{id}.toml"), &toml);
    let out = home.cmd().arg("validate").arg(&path).output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    assert_eq!(stdout(&out).trim(), "1 design ok");
    let renamed = home.write("copy/renamed.toml", &toml);
    let out = home.cmd().arg("validate").arg(&renamed).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(stdout(&out).contains("does not match the file name"), "{}", stdout(&out));
}

#[test]
fn validate_of_a_missing_path_is_a_usage_error() {
    let home = Home::new();
    let out = home.cmd().args(["validate", "no/such/rubric.toml"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(err.starts_with("mockdesign: error: no such file or folder: no/such/rubric.toml"), "{err}");
    assert!(err.contains("hint:"), "{err}");
}

#[test]
fn data_dir_before_a_subcommand_is_not_taken_for_a_design() {
    let home = Home::new();
    let out = home.cmd().arg("--data-dir").arg(home.path()).arg("list").output().unwrap();
    assert!(out.status.success(), "{}", crate::common::stderr(&out));
    assert!(crate::common::stdout(&out).contains("whatsapp"));
    let out = home.cmd().args(["--minutes", "3", "list"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2), "interview options with a subcommand are refused");
}
