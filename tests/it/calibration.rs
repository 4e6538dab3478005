//! The grader's calibration (issue "Grader v2"): honest answers written by people who never saw
//! the rubric, and attacks generated from each rubric so they follow it as it changes.
//!
//! `tests/fixtures/calibration/<id>/` holds, for each core design, a strong and a medium answer
//! and a public-style write-up, written from the interviewer's prompt alone, and (`plain.md`) the
//! strong answer paraphrased in plain words; `labels.toml` holds an expert's score for each,
//! assigned before any grader ran. No rubric phrasing was ever added because one of them used it.
//!
//! Thresholds sit just under what was measured; `cargo test --test it calibration -- --nocapture`
//! prints the table the README reports.

use std::fmt::Write as _;

use mockdesign::catalog::{Catalog, Design, Phase, Unit};
use mockdesign::grade::rubric::RubricGrader;
use mockdesign::grade::{Answers, Grader, Scorecard};

use crate::common::fixture;

use mockdesign::catalog::CORE;

fn design(id: &str) -> Design {
    Catalog::builtin().find(id).expect("a built-in design").clone()
}

fn grade(design: &Design, md: &str) -> Scorecard {
    RubricGrader.grade(design, &Answers::from_markdown(md))
}

fn score(design: &Design, md: &str) -> f64 {
    grade(design, md).score
}

fn read(id: &str, kind: &str) -> String {
    std::fs::read_to_string(fixture(&format!("calibration/{id}/{kind}.md")))
        .unwrap_or_else(|e| panic!("tests/fixtures/calibration/{id}/{kind}.md: {e}"))
}

/// A concept as a candidate would type it.
fn say(concept: &str) -> String {
    concept.replace(" + ", " and ").replace('+', " and ")
}

/// One sentence per rubric item: "We use <its first concept>."
pub fn name_drop(design: &Design) -> String {
    let mut md = String::new();
    for phase in Phase::ALL {
        let _ = writeln!(md, "## {}\n", phase.title());
        for item in design.items(phase) {
            let _ = writeln!(md, "We use {}.", say(&item.concepts[0]));
        }
        md.push('\n');
    }
    md
}

/// Every concept of every item named in a sentence of its own.
fn name_drop_all(design: &Design) -> String {
    let mut md = String::new();
    for item in &design.rubric.items {
        for c in &item.concepts {
            let _ = writeln!(md, "We use {}.", say(c));
        }
    }
    md
}

/// Concepts in filler sentences and chained by connectives.
fn filler(design: &Design) -> String {
    let items = &design.rubric.items;
    let mut md = String::new();
    for (k, item) in items.iter().enumerate() {
        let c = say(&item.concepts[0]);
        let next = say(&items[(k + 1) % items.len()].concepts[0]);
        let after = say(&items[(k + 2) % items.len()].concepts[0]);
        let _ = writeln!(md, "We use {c} because {c} is scalable and reliable.");
        let _ = writeln!(md, "We use {c}, therefore {next}, so that {after} works well.");
    }
    md
}

/// Every concept of every item, rejected in one of the ways people reject things.
pub fn negated(design: &Design) -> String {
    let patterns = [
        "We will not use {}.",
        "No {} is needed.",
        "{} is out of scope for v1.",
        "We don't need {} at all.",
        "A bad option is {}.",
        "We considered {} but it is too complex.",
        "Instead of {}, we keep one box.",
        "We never bother with {}.",
        "Rather than {}, we keep it simple.",
        "Without {}.",
    ];
    let mut md = String::new();
    let mut k = 0;
    // A concept that is itself a negation ("never lose a message") cannot be rejected by another.
    let negative = |c: &str| {
        c.split(|ch: char| !ch.is_alphanumeric())
            .any(|w| ["no", "not", "never", "without", "nothing"].contains(&w.to_lowercase().as_str()))
    };
    for item in &design.rubric.items {
        for c in item.concepts.iter().filter(|c| !negative(c)) {
            let _ = writeln!(md, "{}", patterns[k % patterns.len()].replace("{}", &say(c)));
            k += 1;
        }
    }
    md
}

/// The interviewer's own words pasted back: the prompt, its hints, every probe and hint.
pub fn echo(design: &Design) -> String {
    let p = &design.prompt;
    let mut md = format!("{}\n\n", p.scenario);
    for phase in Phase::ALL {
        let pp = p.phase(phase);
        let _ = writeln!(md, "## {}\n\n{}\n", phase.title(), pp.text);
        for h in &pp.hints {
            let _ = writeln!(md, "- {h}");
        }
        for item in design.items(phase) {
            let _ = writeln!(md, "{}\n{}", item.probe, item.hint);
        }
        md.push('\n');
    }
    md
}

/// One design-agnostic answer for every design (about 330 words).
pub const TEMPLATE: &str = "A load balancer sits in front of stateless application servers so any instance can take any \
request and we can add capacity by adding boxes. The source of truth is Postgres, sharded by primary key once a \
single node fills up, with read replicas for the read-heavy paths. Redis caches hot reads with a TTL so spikes \
do not reach the database. Writes that trigger downstream work go through Kafka, which decouples producers from \
consumers and absorbs bursts. Consumers are idempotent, and retries use exponential backoff with jitter so a \
failing dependency is not hammered. We use the transactional outbox pattern so the database write and the event \
publish cannot diverge. Rate limiting at the API gateway protects us from abusive clients. On the CAP trade-off \
we choose availability over strict consistency where the product allows it, and strong consistency for money \
or inventory. We deploy multi-region active-active for disaster recovery with asynchronous replication, and we \
monitor p99 latency, error rates and saturation with alerts and dashboards. A CDN serves static content close \
to users. We would start with a simple monolith and split services only when the team or the scale demands it. \
Cost is dominated by storage and egress, so we tier cold data to object storage. We estimate peak traffic at a \
few times the daily average and size capacity with headroom, and we load test before launch. Security means TLS \
everywhere, encryption at rest and least-privilege access between services. Observability comes from \
structured logs, traces and metrics, with runbooks for on-call. Data is backed up daily and restores are \
tested. Schema changes are backward compatible so we can deploy without downtime, using blue-green or canary \
releases with feature flags. Heavy work runs asynchronously in background workers that scale on queue depth. \
Hot keys are spread with consistent hashing, and we shed load gracefully under overload with circuit breakers \
and timeouts on every remote call.";

/// Every estimate item named with a shotgun of magnitudes, and once more at 1000x its range.
fn shotgun_and_thousandfold(design: &Design) -> (String, String) {
    let (mut shot, mut big) = (String::new(), String::new());
    for item in design.rubric.items.iter().filter(|i| i.estimate.is_some()) {
        let e = item.estimate.as_ref().unwrap();
        let unit = match e.unit {
            Unit::PerSecond => "per second",
            Unit::Bytes => "bytes",
            Unit::BytesPerSecond => "bytes per second",
            Unit::Count => "in all",
        };
        let c = say(&item.concepts[0]);
        let v = (e.min * e.max).sqrt();
        let _ = writeln!(
            shot,
            "The {c} is {:.0}, {:.0}, {:.0} or {:.0} {unit}.",
            v / 100.0,
            v / 10.0,
            v,
            v * 10.0
        );
        let _ = writeln!(
            big,
            "The {c} is about {:.0} {unit}, because that is what the traffic needs.",
            v * 1000.0
        );
    }
    (shot, big)
}

/// The answer without its phase headings.
pub fn headless(md: &str) -> String {
    md.lines()
        .filter(|l| !(l.starts_with('#') && Phase::from_heading(l.trim_start_matches('#').trim()).is_some()))
        .collect::<Vec<_>>()
        .join("\n")
}

/// The answer's sections moved under the wrong headings (each phase's text under the next one's).
pub fn wrong_headings(md: &str) -> String {
    let a = Answers::from_markdown(md);
    let mut out = String::new();
    for (k, phase) in Phase::ALL.iter().enumerate() {
        let under = Phase::ALL[(k + 1) % 4];
        let _ = write!(out, "## {}\n\n{}\n\n", under.title(), a.text(*phase));
    }
    out
}

/// `md` with one sentence per pitfall of the rubric appended, each committing to it: "We <its
/// first phrasing>."
fn with_pitfalls(design: &Design, md: &str) -> String {
    let mut out = format!("{md}\n\n");
    for item in &design.rubric.items {
        for p in &item.pitfalls {
            let _ = writeln!(out, "We {}.\n", say(&p.concepts[0]));
        }
    }
    out
}

/// Items of `design` with pitfalls that `md` still earns something for.
fn pitfalls_missed(design: &Design, md: &str) -> Vec<String> {
    let card = grade(design, md);
    let with: Vec<&str> =
        design.rubric.items.iter().filter(|i| !i.pitfalls.is_empty()).map(|i| i.id.as_str()).collect();
    card.items().filter(|v| with.contains(&v.id.as_str()) && v.credit > 0.0).map(|v| v.id.clone()).collect()
}

/// Generic answers that fit any design: [`TEMPLATE`], and six more by two writers who never saw
/// a rubric (`tests/fixtures/calibration/templates/`; t4–t6 were graded only after they were
/// written, and first scored up to 33 on the URL shortener).
fn templates() -> Vec<String> {
    let mut all = vec![TEMPLATE.to_string()];
    for n in 1..=6 {
        let path = fixture(&format!("calibration/templates/t{n}.md"));
        all.push(std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display())));
    }
    all
}

struct Row {
    id: &'static str,
    figures: Vec<(&'static str, f64)>,
}

fn measure(id: &'static str) -> Row {
    let d = design(id);
    let s = |md: &str| score(&d, md);
    let strong = read(id, "strong");
    let writeup = read(id, "writeup");
    let medium = read(id, "medium");
    let plain = std::fs::read_to_string(fixture(&format!("calibration/{id}/plain.md"))).ok();
    let (shot, big) = shotgun_and_thousandfold(&d);
    let mut figures = vec![
        ("strong", s(&strong)),
        ("writeup", s(&writeup)),
        ("medium", s(&medium)),
        ("plain", plain.as_deref().map_or(f64::NAN, s)),
        ("name-drop", s(&name_drop(&d))),
        ("name-all", s(&name_drop_all(&d))),
        ("filler", s(&filler(&d))),
        ("repeated", s(&name_drop(&d).repeat(10))),
        ("negated", s(&negated(&d))),
        ("echo", s(&echo(&d))),
        ("template", templates().iter().map(|t| s(t)).fold(0.0, f64::max)),
        ("shotgun", s(&shot)),
        ("x1000", s(&big)),
    ];
    let mut worst_headless: f64 = 0.0;
    let mut worst_wrong: f64 = 0.0;
    let mut worst_case: f64 = 0.0;
    for md in [&strong, &writeup, &medium] {
        let base = s(md);
        worst_headless = worst_headless.max((s(&headless(md)) - base).abs());
        worst_wrong = worst_wrong.max((s(&wrong_headings(md)) - base).abs());
        worst_case =
            worst_case.max((s(&md.to_uppercase()) - base).abs()).max((s(&md.to_lowercase()) - base).abs());
    }
    figures.push(("pitfalls", s(&with_pitfalls(&d, &strong))));
    figures.push(("|headless|", worst_headless));
    figures.push(("|wrong-h|", worst_wrong));
    figures.push(("|case|", worst_case));
    Row { id, figures }
}

#[test]
fn calibration_holds_for_every_core_design() {
    let rows: Vec<Row> = CORE.iter().map(|id| measure(id)).collect();
    let mut table = format!("{:<20}", "design");
    for (name, _) in &rows[0].figures {
        let _ = write!(table, "{name:>11}");
    }
    table.push('\n');
    for r in &rows {
        let _ = write!(table, "{:<20}", r.id);
        for (_, v) in &r.figures {
            let _ = write!(table, "{v:>11.1}");
        }
        table.push('\n');
    }
    println!("{table}");
    let mut failures = Vec::new();
    for r in &rows {
        let f = |name: &str| r.figures.iter().find(|(n, _)| *n == name).map(|(_, v)| *v).unwrap();
        let mut check = |ok: bool, what: String| {
            if !ok {
                failures.push(format!("{}: {what}", r.id));
            }
        };
        // Just under (or over) what was measured; the issue's own limits are looser.
        check(f("strong") >= 77.5, format!("strong {} < 77.5", f("strong")));
        check(f("writeup") >= 66.0, format!("writeup {} < 66", f("writeup")));
        check(
            f("strong") - f("medium") >= 13.0,
            format!("strong {} not 13 above medium {}", f("strong"), f("medium")),
        );
        // The plain-words paraphrase of the strong answer: at least halfway from medium to strong.
        let halfway = f("medium") + (f("strong") - f("medium")) / 2.0;
        check(f("plain") >= halfway, format!("plain {} below halfway {halfway:.1}", f("plain")));
        check(f("name-drop") <= 25.0, format!("name-drop {}", f("name-drop")));
        check(f("name-all") <= 28.0, format!("all concepts named {}", f("name-all")));
        check(f("filler") <= 26.0, format!("filler {}", f("filler")));
        check(f("repeated") <= f("name-drop") + 0.05, format!("repeating earned more: {}", f("repeated")));
        check(f("negated") <= 6.0, format!("negated {}", f("negated")));
        check(f("echo") <= 11.0, format!("echo {}", f("echo")));
        check(f("template") <= 29.5, format!("template {}", f("template")));
        check(f("shotgun") <= 5.0, format!("shotgun estimates {}", f("shotgun")));
        check(f("x1000") <= 4.0, format!("estimates at 1000x {}", f("x1000")));
        // Every pitfall said as the plan costs its item, however strong the rest.
        let missed = pitfalls_missed(&design(r.id), &with_pitfalls(&design(r.id), &read(r.id, "strong")));
        check(missed.is_empty(), format!("pitfalls committed but still credited: {missed:?}"));
        check(f("|headless|") <= 8.0, format!("headless moves {}", f("|headless|")));
        check(f("|wrong-h|") <= 8.0, format!("wrong headings move {}", f("|wrong-h|")));
        check(f("|case|") <= 3.0, format!("case moves {}", f("|case|")));
    }
    assert!(failures.is_empty(), "{table}\n{}", failures.join("\n"));
}

/// The attacks hold on every built-in design, not only the core eight: the limits (name-drop
/// ≤ 35, negated ≤ 30, echo ≤ 20, template ≤ 30), with the same margins as above; the template's
/// is the issue's own, as the URL shortener (a design made of the field's common parts) measures
/// 29.9 with its worst template.
#[test]
fn attacks_hold_for_every_built_in_design() {
    let templates = templates();
    let mut failures = Vec::new();
    let mut table = String::new();
    for d in Catalog::builtin().designs() {
        let s = |md: &str| score(d, md);
        let template = templates.iter().map(|t| s(t)).fold(0.0, f64::max);
        let figures = [
            ("name-drop", s(&name_drop(d)), 25.0),
            ("name-all", s(&name_drop_all(d)), 28.0),
            ("filler", s(&filler(d)), 26.0),
            ("negated", s(&negated(d)), 6.0),
            ("echo", s(&echo(d)), 11.0),
            ("template", template, 30.0),
        ];
        let _ = write!(table, "{:<20}", d.id());
        for (name, v, limit) in figures {
            let _ = write!(table, " {name} {v:>5.1}");
            if v > limit {
                failures.push(format!("{}: {name} {v:.1} > {limit}", d.id()));
            }
        }
        table.push('\n');
    }
    println!("{table}");
    assert!(failures.is_empty(), "{table}\n{}", failures.join("\n"));
}

/// What a later calibration set must show, just under what was measured.
struct SetBounds {
    strong: f64,
    strong_over_medium: f64,
    plain_over_medium: f64,
    /// Designs whose plain rewrite reaches halfway from medium to strong.
    halfway_met: usize,
    /// How far below halfway the others may fall.
    halfway_slack: f64,
}

/// Grade a set (`tests/fixtures/<dir>/<id>/{strong,medium,plain}.md`) and check it against `bounds`.
fn check_set(dir: &str, bounds: &SetBounds) {
    let mut table = String::new();
    let mut failures = Vec::new();
    let mut met = 0;
    for id in CORE {
        let d = design(id);
        let read_set = |kind: &str| {
            let path = fixture(&format!("{dir}/{id}/{kind}.md"));
            std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
        };
        let [strong, medium, plain] = ["strong", "medium", "plain"].map(|k| score(&d, &read_set(k)));
        let halfway = medium + (strong - medium) / 2.0;
        let _ = writeln!(
            table,
            "{id:<20} strong {strong:5.1}  medium {medium:5.1}  plain {plain:5.1}  halfway {halfway:5.1}"
        );
        if strong < bounds.strong {
            failures.push(format!("{id}: strong {strong} < {}", bounds.strong));
        }
        if strong - medium < bounds.strong_over_medium {
            failures.push(format!(
                "{id}: strong {strong} not {} above medium {medium}",
                bounds.strong_over_medium
            ));
        }
        if plain - medium < bounds.plain_over_medium {
            failures
                .push(format!("{id}: plain {plain} not {} above medium {medium}", bounds.plain_over_medium));
        }
        if plain >= halfway {
            met += 1;
        } else if plain < halfway - bounds.halfway_slack {
            failures.push(format!(
                "{id}: plain {plain} more than {} below halfway {halfway:.1}",
                bounds.halfway_slack
            ));
        }
    }
    if met < bounds.halfway_met {
        failures.push(format!("plain reaches halfway on {met} designs, fewer than {}", bounds.halfway_met));
    }
    println!("{dir}\n{table}");
    assert!(failures.is_empty(), "{table}\n{}", failures.join("\n"));
}

/// The second set (`tests/fixtures/calibration-b/`): other writers, another reviewer (strong 90–92,
/// plain 87–89, medium 50–60). Graded while the grader was being improved.
#[test]
fn the_second_calibration_set_keeps_the_experts_order() {
    let bounds = SetBounds {
        strong: 84.0,
        strong_over_medium: 20.0,
        plain_over_medium: 14.0,
        halfway_met: 8,
        halfway_slack: 0.0,
    };
    check_set("calibration-b", &bounds);
}

/// The third set (`tests/fixtures/calibration-c/`), held out: measured, never tuned for (its
/// `labels.toml` says the one exception); labels strong 91–93, plain 89–91, medium 48–60. Its
/// figures are the honest ones (README).
#[test]
fn the_held_out_calibration_set_keeps_the_experts_order() {
    let bounds = SetBounds {
        strong: 72.0,
        strong_over_medium: 8.0,
        plain_over_medium: 8.0,
        halfway_met: 8,
        halfway_slack: 0.0,
    };
    check_set("calibration-c", &bounds);
}

/// The fourth set (`tests/fixtures/calibration-d/`), held out: written after the grader's last
/// change of mechanism by two more writers (one typing live, one in design-doc form), labelled by
/// another reviewer (strong 91–93, plain 88–90, medium 47–60).
#[test]
fn the_fourth_calibration_set_keeps_the_experts_order() {
    let bounds = SetBounds {
        strong: 74.0,
        strong_over_medium: 12.0,
        plain_over_medium: 12.5,
        halfway_met: 8,
        halfway_slack: 0.0,
    };
    check_set("calibration-d", &bounds);
}

/// The fifth set (`tests/fixtures/calibration-e/`): written by two more writers from the prompt
/// alone, labelled by another reviewer (strong 88–92, plain 87–92, medium 48–60) and first graded
/// by the grader of ac907a5 (8 of 8 halfway); graded again while the thesaurus review and the
/// fragment rule were chosen, so no longer held out.
#[test]
fn the_fifth_calibration_set_keeps_the_experts_order() {
    let bounds = SetBounds {
        strong: 75.0,
        strong_over_medium: 15.5,
        plain_over_medium: 15.0,
        halfway_met: 8,
        halfway_slack: 0.0,
    };
    check_set("calibration-e", &bounds);
}

/// The sixth set (`tests/fixtures/calibration-f/`), held out: written after the last change of
/// mechanism (the thesaurus review and the fragment rule) by two more writers, one typing tersely
/// as if live and one in flowing prose, labelled by another reviewer (strong 91–93, plain 89–91,
/// medium 48–60) and graded once.
#[test]
fn the_sixth_calibration_set_keeps_the_experts_order() {
    let bounds = SetBounds {
        strong: 84.0,
        strong_over_medium: 18.5,
        plain_over_medium: 10.5,
        halfway_met: 8,
        halfway_slack: 0.0,
    };
    check_set("calibration-f", &bounds);
}

/// Public-style write-ups (`tests/fixtures/calibration-pub/`): strong designs in the structure of
/// published walk-throughs (book-chapter steps, interview-guide sections, blog prose, a design
/// doc), not the prompt's four headings, by writers who never saw a rubric. The issue asks ≥ 60
/// of a strong answer; they scored 81.6–92.8 when first graded.
#[test]
fn public_style_write_ups_score_as_strong_answers() {
    let mut table = String::new();
    let mut failures = Vec::new();
    for id in CORE {
        let path = fixture(&format!("calibration-pub/{id}/writeup.md"));
        let md = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let s = score(&design(id), &md);
        let _ = writeln!(table, "{id:<20} {s:5.1}");
        if s < 80.0 {
            failures.push(format!("{id}: public-style write-up {s} < 80"));
        }
    }
    println!("{table}");
    assert!(failures.is_empty(), "{table}\n{}", failures.join("\n"));
}

/// Two strong URL-shortener answers by a writer who never saw the rubric (one in the prompt's
/// headings, one as a published walk-through), written after its generic concepts were tied to
/// links, clicks and redirects against the template attack: that narrowing must not cost a real
/// answer its hire (they scored 73.9 and 72.0; 73.9 and 73.9 on the rubric before the narrowing).
#[test]
fn blind_url_shortener_answers_keep_their_hire() {
    let d = design("url-shortener");
    for kind in ["strong", "writeup"] {
        let path = fixture(&format!("calibration-pub/url-shortener/{kind}.md"));
        let md = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let s = score(&d, &md);
        assert!(s >= 71.5, "url-shortener {kind}: {s} < 71.5");
    }
}

/// A hint costs at least the share of the score of the item it makes easy (README): no built-in
/// item may carry more of its rubric's weight than a hint costs.
#[test]
fn no_item_is_worth_more_than_the_hint_that_unlocks_it() {
    let catalog = Catalog::builtin();
    for design in catalog.designs() {
        let total: u32 = design.rubric.items.iter().map(|i| i.weight).sum();
        for item in &design.rubric.items {
            let share = f64::from(item.weight) * 100.0 / f64::from(total);
            assert!(
                share <= mockdesign::grade::verdict::HINT_COST,
                "{}: {} carries {share:.1}% of the weight, more than a hint costs",
                design.id(),
                item.id
            );
        }
    }
}

/// Where `md` commits to a pitfall: `item: comment`.
fn pitfalls_fired(design: &Design, md: &str) -> Vec<String> {
    grade(design, md)
        .items()
        .filter_map(|v| {
            v.comment.as_deref().filter(|c| c.contains("known mistake")).map(|c| format!("{}: {c}", v.id))
        })
        .collect()
}

/// A pitfall is a mistake whatever the requirements: the model answers never commit one, and
/// neither does what a curveball asks for (reserving stock at add-to-cart is right for a console
/// drop, so it cannot be an ecommerce pitfall).
#[test]
fn model_answers_and_curveball_answers_commit_no_pitfall() {
    let catalog = Catalog::builtin();
    let mut found = Vec::new();
    for design in catalog.designs() {
        let id = design.id();
        if let Some(answer) = mockdesign::catalog::builtin_answer(id) {
            found.extend(
                pitfalls_fired(design, answer).into_iter().map(|f| format!("{id} model answer: {f}")),
            );
        }
        for cb in &design.rubric.curveballs {
            let mut md = String::from("## Deep dive\n\n");
            for c in &cb.concepts {
                let _ = writeln!(md, "For this change we {}.\n", say(c));
            }
            found.extend(
                pitfalls_fired(design, &md).into_iter().map(|f| format!("{id} curveball {}: {f}", cb.id)),
            );
        }
    }
    assert!(found.is_empty(), "{}", found.join("\n"));
}
