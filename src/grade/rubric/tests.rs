//! The grader's behaviour, one rule a test: what earns credit, what is named but not explained,
//! what a negation rejects, and how estimates are read.

use std::fmt::Write as _;

use super::*;
use crate::catalog::{Origin, Prompt};
use crate::grade::ItemVerdict;

const PROMPT: &str = "# T\nDesign a chat service where people send messages to each other.\n## Requirements\nWhat should it do?\n### Hints\n- Ask about scale: daily actives, messages per user.\n## High-level design\nSketch the components.\n## Deep dive\nGo deeper on delivery: nothing lost, nothing duplicated.\n## Trade-offs\nWhat did you trade away?\n";

/// One rubric item as TOML: `(id, phase, weight, level, text, concepts)`.
fn item(id: &str, phase: &str, weight: u32, level: &str, text: &str, concepts: &[&str]) -> String {
    let concepts: Vec<String> = concepts.iter().map(|c| format!("{c:?}")).collect();
    format!(
        "[[items]]\nid = {id:?}\nphase = {phase:?}\ntext = {text:?}\nwhy = \"It matters.\"\n\
         weight = {weight}\nlevel = {level:?}\ncategory = \"architecture\"\nconcepts = [{}]\n\
         probe = \"What about {id}?\"\nhint = \"Think of {id}.\"\n",
        concepts.join(", ")
    )
}

fn design(items: &[String]) -> Design {
    let toml = format!("id = \"t\"\ntitle = \"T\"\nsummary = \"s\"\nversion = 1\n{}", items.join("\n"));
    let d = Design::parse(&toml, PROMPT, "t.toml", "t.md", Origin::Builtin).expect("test rubric parses");
    assert!(Prompt::parse(PROMPT, "t.md").is_ok());
    d
}

const PUSH: &str = "Keeps a connection open from each phone to a gateway so the server can push new messages the moment they arrive, instead of the phone polling.";
const DEDUPE: &str = "Makes retries safe: the phone attaches a client-generated message id and the server drops a resend it has already stored.";
const SHARD: &str =
    "Splits the inbox table across machines by user id so each node holds a slice and load spreads evenly.";
const QUEUE: &str =
    "Buffers writes in a durable log so a slow consumer never blocks the sender and bursts wait their turn.";

fn push() -> Design {
    design(&[item("push", "high-level", 3, "core", PUSH, &["websocket", "persistent connection"])])
}

/// The verdict on the first item of `d` for `text` as a deep-dive answer.
fn judge(d: &Design, text: &str) -> ItemVerdict {
    let answers = Answers::from_markdown(&format!("## Deep dive\n{text}\n"));
    let card = RubricGrader.grade(d, &answers);
    card.item(&d.rubric.items[0].id).unwrap().clone()
}

/// Explained, in passing or in depth (not only named).
fn explained(d: &Design, text: &str) -> bool {
    judge(d, text).credit >= BRIEF_CREDIT - 1e-9
}

#[test]
fn a_named_concept_earns_a_small_share_and_says_so() {
    let v = judge(&push(), "We use WebSockets.");
    assert!(!v.covered && v.named, "{v:?}");
    assert!((v.credit - NAMED_CREDIT).abs() < 1e-9);
    assert!(
        v.comment.as_deref().is_some_and(|c| c.contains("named \"WebSockets\" but not what it does")),
        "{v:?}"
    );
    assert_eq!(v.evidence.as_deref(), Some("We use WebSockets."));
}

#[test]
fn a_concept_with_its_mechanism_earns_full_credit() {
    let v = judge(
        &push(),
        "Each phone keeps a WebSocket to its gateway, and the server pushes every new message down it.",
    );
    assert!(v.covered && !v.named, "{v:?}");
    assert!((v.credit - 1.0).abs() < 1e-9);
}

#[test]
fn the_neighbouring_sentence_of_the_same_paragraph_can_explain() {
    let d = push();
    assert!(explained(&d, "We use WebSockets. The gateway pushes updates."));
    assert!(!explained(&d, "We use WebSockets.\n\nThe gateway pushes updates."), "another paragraph");
}

#[test]
fn a_dense_description_elsewhere_lifts_a_bare_name_to_full_credit() {
    // The description alone earns full credit; naming the concept in another paragraph must not
    // cost the candidate three quarters of it.
    let d = push();
    let description = "The gateway pushes each new message to the phone the moment it arrives.";
    assert!(explained(&d, description));
    let v = judge(&d, &format!("We use WebSockets.\n\n{description}"));
    assert!(v.covered && !v.named, "{v:?}");
    assert_eq!(v.evidence.as_deref(), Some(description));
}

#[test]
fn a_long_plain_sentence_explains_when_enough_of_it_is_the_item() {
    let d = push();
    // Six of the item's words in a 25-word sentence: an explanation in plain words.
    assert!(explained(
        &d,
        "Every phone holds one line open to a gateway machine for as long as the app runs, and \
         whenever a new message is written for that person the server pushes it straight down the \
         line at the moment it lands."
    ));
    // Three of them lost in a sentence of thirty words about something else: chance.
    assert!(!explained(
        &d,
        "The billing team reconciles invoices every night against the ledger export, checks refunds \
         by hand when a phone number changes, and files a ticket when totals drift, so finance \
         closes the month on time with every gateway fee accounted for."
    ));
}

#[test]
fn another_items_concept_explains_from_the_neighbouring_sentence_only() {
    let d = design(&[
        item("dedupe", "deep-dive", 3, "core", DEDUPE, &["dedupe"]),
        item(
            "retry",
            "deep-dive",
            3,
            "core",
            "Retries failed sends with exponential backoff and jitter so a blip does not become a storm.",
            &["retry"],
        ),
    ]);
    // The dedupe item's own text says retries are what it makes safe.
    assert!(explained(&d, "The server dedupes each message. We retry with backoff."));
    // Strung together in one sentence, the two names explain nothing.
    let v = judge(&d, "The server dedupes each message so that we retry.");
    assert!(!v.covered && v.named, "{v:?}");
}

#[test]
fn filler_and_chained_names_explain_nothing() {
    let d = design(&[
        item("push", "high-level", 3, "core", PUSH, &["websocket"]),
        item("dedupe", "deep-dive", 3, "core", DEDUPE, &["idempotency key"]),
        item("shard", "deep-dive", 3, "core", SHARD, &["sharding"]),
    ]);
    for text in [
        "We use WebSockets because WebSockets are scalable and reliable.",
        "We use WebSockets, therefore idempotency keys, so that sharding works well.",
        "WebSocket WebSocket WebSocket websocket.",
    ] {
        let v = judge(&d, text);
        assert!(!v.covered && v.named, "{text}: {v:?}");
    }
}

#[test]
fn words_and_phrases_fold_through_the_thesaurus() {
    let d = design(&[item(
        "c",
        "deep-dive",
        3,
        "core",
        "Counts the phones connected at once to size the gateway fleet.",
        &["concurrent connections"],
    )]);
    let v =
        judge(&d, "About 600M phones are connected at the same time, so we size the gateway fleet for that.");
    assert!(v.covered, "{v:?}");
    let d = design(&[item(
        "m",
        "deep-dive",
        3,
        "core",
        "Delivers a group message to every member's inbox by fanning out a copy.",
        &["each member"],
    )]);
    assert!(explained(
        &d,
        "The server copies the message into each participant's inbox when the group message arrives."
    ));
    assert!(explained(&d, "A copy goes to every recipient's inbox as soon as the group message lands."));
}

#[test]
fn hyphen_and_space_variants_and_word_forms_fold() {
    let d = design(&[item(
        "f",
        "deep-dive",
        3,
        "core",
        "Copies each post into the timeline of every follower when it is written.",
        &["fan-out on write"],
    )]);
    for text in [
        "We fan out on write: each post is copied into every follower's timeline.",
        "We fanout on write, copying each post into every follower timeline.",
        "Fan-out-on-write copies each post into the follower timelines.",
    ] {
        assert!(explained(&d, text), "{text}");
    }
    let d = design(&[item("s", "deep-dive", 3, "core", SHARD, &["shard"])]);
    assert!(explained(&d, "The inbox table is sharded by user id, so each node holds a slice."));
    assert!(explained(&d, "We split the inbox into shards by user id so load spreads across machines."));
}

#[test]
fn a_phrase_keeps_its_order_and_its_sentence() {
    let d = design(&[item(
        "r",
        "deep-dive",
        3,
        "core",
        "Sends read receipts back to the sender when the recipient opens the chat.",
        &["read receipt"],
    )]);
    assert!(
        explained(&d, "We send the read and the receipt back to the sender when the chat opens."),
        "two fillers are fine"
    );
    assert!(judge(&d, "We read it later; the delivery receipt is stored.").credit < 1e-9, "too far apart");
    assert!(judge(&d, "The receipt is read by the audit job.").credit < 1e-9, "wrong order");
}

#[test]
fn plus_parts_must_share_a_sentence() {
    let d = design(&[item(
        "r",
        "deep-dive",
        3,
        "core",
        "Retries failed sends with exponential backoff and jitter so a struggling provider recovers.",
        &["retry + backoff"],
    )]);
    assert!(explained(
        &d,
        "With exponential backoff and jitter between attempts, a failed send is retried so the provider recovers."
    ));
    assert!(judge(&d, "A job is retried. We also add backoff to the consumer.").credit < 1e-9);
}

/// Each way people reject a mechanism, and the same words used as a claim.
#[test]
fn negation_rejects_and_claims_survive() {
    let d = push();
    let rejected = [
        "We will not use WebSockets; the phone asks for new messages every minute.",
        "No WebSocket is needed here.",
        "We don't need persistent connections at all.",
        "WebSockets are out of scope for v1.",
        "A persistent connection is not needed, phones poll.",
        "Instead of a WebSocket, the phone polls every minute.",
        "The phone polls every minute rather than holding a WebSocket.",
        "A bad option is a WebSocket per phone.",
        "We considered WebSockets but polling is simpler.",
        "We never use WebSockets.",
        "Without WebSockets.",
    ];
    for text in rejected {
        let v = judge(&d, text);
        assert!(v.credit < 1e-9, "rejected: {text}: {v:?}");
        assert!(v.comment.as_deref().is_some_and(|c| c.contains("rejected")), "{text}: {v:?}");
    }
    let claimed = [
        "Instead of polling, each phone keeps a WebSocket open and the server pushes new messages down it.",
        "We don't poll, but we keep a WebSocket open so the server can push each new message.",
        "Without a WebSocket, the phone would have to poll; so each phone keeps one open and we push new messages.",
        "If we didn't keep a WebSocket open, the server could not push new messages the moment they arrive.",
        "We considered the gateway load and keep a WebSocket per phone so the server pushes new messages.",
        "Not only does the WebSocket let the server push new messages, it also saves battery.",
    ];
    for text in claimed {
        assert!(explained(&d, text), "claimed: {text}: {:?}", judge(&d, text));
    }
}

#[test]
fn a_negation_inside_the_concept_is_a_claim() {
    let d = design(&[item(
        "loss",
        "requirements",
        3,
        "core",
        "States that a message acknowledged to the sender is stored durably before the first tick.",
        &["never lose a message"],
    )]);
    assert!(explained(
        &d,
        "We never lose a message: it is stored durably before the sender sees the first tick."
    ));
}

#[test]
fn questions_earn_only_the_items_that_reward_asking() {
    let d = design(&[
        item(
            "ask-e2e",
            "requirements",
            3,
            "senior",
            "Asks about end-to-end encryption and what it rules out on the server.",
            &["end to end encryption"],
        ),
        item("push", "high-level", 3, "core", PUSH, &["websocket"]),
    ]);
    let card = RubricGrader.grade(&d, &Answers::from_markdown("Do we need end-to-end encryption?\nShould the server push new messages over a WebSocket to each phone?"));
    let v = |id: &str| card.item(id).unwrap().clone();
    assert!(v("ask-e2e").covered, "{:?}", v("ask-e2e"));
    assert!(v("push").credit < 1e-9, "{:?}", v("push"));
    assert!(v("push").comment.as_deref().is_some_and(|c| c.contains("only asked about")));
}

#[test]
fn headings_and_bold_lead_ins_claim_nothing() {
    let d = push();
    assert!(judge(&d, "### Bad solution: WebSockets\nThe phone polls.").credit < 1e-9);
    assert!(judge(&d, "**WebSockets.**\n\nThe phone polls.").credit < 1e-9);
    // A numbered bold lead-in is one heading, not a number and then a claim.
    let v = judge(&d, "**1. Phones keep a WebSocket to the gateway.** The phone polls.");
    assert!(v.credit < 1e-9, "{v:?}");
}

#[test]
fn echoing_the_interviewer_earns_nothing() {
    let d = design(&[item(
        "dedupe",
        "deep-dive",
        3,
        "core",
        "Makes sure nothing is duplicated on delivery when phones retry.",
        &["duplicated"],
    )]);
    let v = judge(&d, "Go deeper on delivery: nothing lost, nothing duplicated.");
    assert!(v.credit < 1e-9, "{v:?}");
}

#[test]
fn an_item_counts_wherever_it_is_said_and_quotes_its_own_phase_first() {
    let d = design(&[item("push", "high-level", 3, "core", PUSH, &["websocket"])]);
    let card = RubricGrader.grade(&d, &Answers::from_markdown("## Requirements\nEach phone keeps a WebSocket open to a gateway so the server can push new messages the moment they arrive.\n## Deep dive\nnothing\n"));
    assert!(card.phases[1].items[0].covered, "found under another heading");
    let card = RubricGrader.grade(
        &d,
        &Answers::from_markdown("## Requirements\nEach phone keeps a WebSocket so the server can push new messages.\n## High-level design\nThe gateway holds a WebSocket per phone and pushes each new message.\n"),
    );
    assert!(card.phases[1].items[0].evidence.as_deref().unwrap().starts_with("The gateway"));
}

#[test]
fn repeating_an_answer_earns_nothing_more() {
    let d = design(&[
        item("push", "high-level", 3, "core", PUSH, &["websocket"]),
        item("dedupe", "deep-dive", 3, "core", DEDUPE, &["idempotency key"]),
    ]);
    let once = "We use WebSockets. Each retry carries an idempotency key so the server drops a resend it already stored.\n\n";
    let a = RubricGrader.grade(&d, &Answers::from_markdown(once)).score;
    let b = RubricGrader.grade(&d, &Answers::from_markdown(&once.repeat(20))).score;
    assert!((a - b).abs() < 1e-9, "{a} vs {b}");
}

#[test]
fn a_description_without_the_name_explains_in_other_words() {
    let d = design(&[item("dedupe", "deep-dive", 3, "core", DEDUPE, &["idempotency key"])]);
    let v = judge(
        &d,
        "The phone attaches its own message id to every send, and the server drops a resend whose id it has already stored.",
    );
    assert!(v.covered, "{v:?}");
    assert!(!explained(&d, "The phone sends messages to the server."));
}

fn estimate_design(unit: &str, min: f64, max: f64, per: Option<&str>) -> Design {
    let mut it = item(
        "est",
        "requirements",
        3,
        "core",
        "Estimates the peak message rate from daily actives and messages per user.",
        &["messages per second", "peak + messages", "storage + per year", "storage", "connections"],
    );
    let _ = write!(it, "[items.estimate]\nmin = {min:?}\nmax = {max:?}\nunit = {unit:?}\n");
    if let Some(p) = per {
        let _ = writeln!(it, "per = {p:?}");
    }
    design(&[it])
}

#[test]
fn estimates_read_compact_figures() {
    let rate = estimate_design("per-second", 5e5, 5e6, None);
    for text in [
        "At peak that is about 700k messages per second.",
        "Peak: 60 billion messages a day, so roughly 2M at the busiest hour.",
        "Peak messages run at 1.2M msg/s.",
        "Peak messages: 3 x 10^6/s.",
        "Peak messages reach 900k/second.",
        "The peak is high.\nWe get 1.4 million messages per second then.",
        "At peak we take about 700k\nmessages per second, wrapped by an editor.",
    ] {
        assert!(judge(&rate, text).covered, "{text}: {:?}", judge(&rate, text));
    }
    let conns = estimate_design("count", 1e8, 1e9, None);
    let v = judge(&conns, "We hold 300M concurrent conns at peak.");
    assert!(v.covered, "{v:?}");
}

#[test]
fn a_rate_written_with_a_slash_or_in_words_names_the_estimate() {
    let d = estimate_design("per-second", 5e5, 5e6, None);
    // Not one concept phrase in either: the slash and "a second" say "per second".
    for text in ["That is 700k messages/s on average, 2M/s in the evening.", "About 2M messages a second."] {
        assert!(judge(&d, text).covered, "{text}: {:?}", judge(&d, text));
    }
}

#[test]
fn an_off_figure_in_the_naming_sentence_does_not_hide_the_total_beside_it() {
    let d = estimate_design("bytes", 1e15, 5e15, Some("year"));
    let v =
        judge(&d, "Storage: each message costs about 300 bytes with its index. Over a year that is ~2 PB.");
    assert!(v.covered, "{v:?}");
}

#[test]
fn a_per_day_figure_answers_a_per_year_amount() {
    let d = estimate_design("bytes", 1e15, 5e15, Some("year"));
    for text in [
        "Storage grows by 8TB/day of messages.",
        "Storage is about 8TB a day, ~240 TB a month.",
        "Storage per year is 2 PB.",
    ] {
        assert!(judge(&d, text).covered, "{text}: {:?}", judge(&d, text));
    }
    let v = judge(&d, "Storage is 600GB a year.");
    assert!(!v.covered && v.comment.as_deref().is_some_and(|c| c.contains("per year")), "{v:?}");
}

#[test]
fn shotguns_ratios_and_bare_numbers_are_not_estimates() {
    let d = estimate_design("per-second", 5e5, 5e6, None);
    let v = judge(&d, "Peak messages: 10k, 100k, 1M or 10M per second.");
    assert!(
        v.credit < 1e-9 && v.comment.as_deref().is_some_and(|c| c.contains("several magnitudes")),
        "{v:?}"
    );
    assert!(judge(&d, "Peak messages read:write is 100:1.").credit < 1e-9);
    for arithmetic in [
        "Peak messages: 60 billion a day ÷ 86,400 × 3 ≈ 2M per second.",
        "Peak messages: 60B/day = 700k/s, so 2M/s at peak.",
    ] {
        assert!(judge(&d, arithmetic).covered, "{arithmetic}: {:?}", judge(&d, arithmetic));
    }
    let v = judge(&d, "Peak messages are about 700000.");
    assert!((v.credit - UNITLESS_CREDIT).abs() < 1e-9, "{v:?}");
    let v = judge(&d, "At peak we see about 700 messages per second.");
    assert!(v.credit < 1e-9 && v.comment.as_deref().is_some_and(|c| c.contains("figure off")), "{v:?}");
}

#[test]
fn a_count_of_people_is_not_the_count_an_estimate_asks_for() {
    let whatsapp = crate::catalog::Catalog::builtin().find("whatsapp").unwrap().clone();
    let verdict = |text: &str| {
        let card =
            RubricGrader.grade(&whatsapp, &Answers::from_markdown(&format!("## Requirements\n{text}\n")));
        card.item("est-concurrent-connections").unwrap().clone()
    };
    let v = verdict("We have 500M DAU, so we hold concurrent connections for them.");
    assert!(v.credit < 1e-9, "{v:?}");
    assert!(v.comment.as_deref().is_some_and(|c| c.contains("\"500M DAU\" counts people")), "{v:?}");
    let v = verdict("Concurrent connections: about 20% of 1.5B daily actives, so 300M open sockets.");
    assert!(v.covered, "{v:?}");
}

#[test]
fn case_changes_nothing() {
    let d = design(&[
        item("push", "high-level", 3, "core", PUSH, &["websocket"]),
        item("shard", "deep-dive", 3, "core", SHARD, &["sharding"]),
        item("queue", "deep-dive", 3, "core", QUEUE, &["kafka"]),
    ]);
    let text = "Each phone keeps a WebSocket to a gateway. The gateway pushes new messages. Sharding the inbox table by user id spreads load across machines. Writes go through Kafka, a durable log that buffers them so a slow consumer never blocks the sender.";
    let g = |t: &str| RubricGrader.grade(&d, &Answers::from_markdown(t)).score;
    assert!((g(text) - g(&text.to_uppercase())).abs() < 1e-9);
    assert!((g(text) - g(&text.to_lowercase())).abs() < 1e-9);
    assert!((g(text) - 100.0).abs() < 1e-9, "{}", g(text));
}

#[test]
fn same_input_same_score_and_the_cache_changes_nothing() {
    let d = design(&[
        item("push", "high-level", 3, "core", PUSH, &["websocket"]),
        item("queue", "deep-dive", 2, "senior", QUEUE, &["kafka"]),
    ]);
    let text = "## HLD\nKafka, WebSocket, Redis\n## Deep dive\nWrites go through Kafka, a durable log that buffers them so a slow consumer never blocks the sender.";
    let a = RubricGrader.grade(&d, &Answers::from_markdown(text));
    for _ in 0..5 {
        assert_eq!(RubricGrader.grade(&d, &Answers::from_markdown(text)), a);
    }
    let fresh = CompiledRubric::new(&d).grade(&d, &Answers::from_markdown(text));
    assert_eq!(fresh, a);
}

#[test]
fn scores_follow_weights_credits_and_hints() {
    let d = design(&[
        item("queue", "deep-dive", 3, "core", QUEUE, &["kafka"]),
        item("push", "deep-dive", 1, "core", PUSH, &["websocket"]),
    ]);
    let mut answers = Answers::from_markdown(
        "## Deep dive\nWrites go through Kafka, a durable log that buffers them so a slow consumer never blocks the sender.",
    );
    let card = RubricGrader.grade(&d, &answers);
    assert!((card.score - 75.0).abs() < 1e-9, "{}", card.score);
    answers.hints_used = 2;
    let card = RubricGrader.grade(&d, &answers);
    assert!((card.score - (75.0 - 2.0 * crate::grade::verdict::HINT_COST)).abs() < 1e-9, "{}", card.score);
    assert!(card.warnings.iter().any(|w| w.contains("2 hints used")));
}

#[test]
fn the_interviewer_asks_about_named_items_first_in_the_candidates_words() {
    let d = design(&[
        item("shard", "deep-dive", 5, "core", SHARD, &["sharding"]),
        item("dedupe", "deep-dive", 3, "core", DEDUPE, &["idempotency key"]),
        item("queue", "deep-dive", 4, "core", QUEUE, &["kafka"]),
    ]);
    let text = "We add idempotency keys. Writes go through Kafka, a durable log that buffers them so a slow consumer never blocks the sender.";
    let ids: Vec<&str> = missing(&d, Phase::DeepDive, text).iter().map(|i| i.id.as_str()).collect();
    assert_eq!(ids, ["dedupe", "shard"], "named first, then missing by weight");
    let probe = crate::grade::probe(&d, Phase::DeepDive, text).unwrap();
    assert_eq!(probe.item, "dedupe");
    assert!(
        probe.question.starts_with("You mentioned idempotency keys — what exactly does that do"),
        "{probe:?}"
    );
}

#[test]
fn evidence_belongs_to_its_item() {
    let d = design(&[
        item("push", "high-level", 3, "core", PUSH, &["websocket"]),
        item("shard", "deep-dive", 3, "core", SHARD, &["sharding"]),
    ]);
    let push = &d.rubric.items[0];
    assert!(evidence_is_about(&d, push, "each phone keeps a WebSocket"));
    assert!(evidence_is_about(&d, push, "the gateway pushes new messages the moment they arrive"));
    assert!(!evidence_is_about(&d, push, "we shard the inbox table by user id"));
    assert!(!evidence_is_about(&d, push, "we will not use WebSockets"));
}

/// A chat-ordering item whose classic mistake is ordering by timestamp.
fn ordering() -> Design {
    let mut it = item(
        "ordering",
        "deep-dive",
        3,
        "core",
        "Orders each chat with a sequence number from a per-chat counter on the server, so every member sees the same order.",
        &["sequence number", "per chat counter"],
    );
    it.push_str(
        "[[items.pitfalls]]\nconcepts = [\"order + by timestamp\", \"sort + timestamp\"]\n\
         breaks = \"Clocks differ between machines, so a reply can sort above its question.\"\n\
         [[items.pitfalls]]\nconcepts = [\"stored twice\"]\nbreaks = \"A resend shows as a second copy.\"\n",
    );
    design(&[it])
}

#[test]
fn an_answer_that_commits_to_a_pitfall_does_not_earn_the_item_and_is_told_why() {
    let d = ordering();
    let v = judge(&d, "We order messages by timestamp from the server that receives them.");
    assert!(v.credit < 1e-9 && !v.covered, "{v:?}");
    let note = v.comment.as_deref().unwrap_or_default();
    assert!(note.contains("relies on a known mistake") && note.contains("reply can sort above"), "{note}");
    // Put right afterwards (in the answer to the follow-up, say), it earns what a name does.
    let v = judge(
        &d,
        "We order messages by timestamp from the server that receives them.\n\n\
         On reflection, a per-chat counter on the server hands out sequence numbers, so every member sees the same order.",
    );
    assert!((v.credit - NAMED_CREDIT).abs() < 1e-9 && !v.covered, "{v:?}");
    assert!(v.comment.as_deref().is_some_and(|c| c.contains("Put right later")), "{v:?}");
    // A pitfall's own words ("twice") are not a critique of it.
    let v = judge(&d, "A resent message is simply stored twice and shown in arrival order.");
    assert!(v.comment.as_deref().is_some_and(|c| c.contains("second copy")), "{v:?}");
    // The interviewer goes after the wrong choice first, in the candidate's words.
    let probe = crate::grade::probe(&d, Phase::DeepDive, "We order messages by timestamp.").unwrap();
    assert!(
        probe.question.starts_with("You said \"order messages by timestamp\" — What about ordering?"),
        "{probe:?}"
    );
    // Explaining the right mechanism elsewhere does not undo choosing the wrong one.
    let v = judge(
        &d,
        "A per-chat counter hands out sequence numbers so members agree. \
         The client sorts by timestamp when it renders.",
    );
    assert!(v.credit < 1e-9, "{v:?}");
}

#[test]
fn a_pitfall_rejected_criticised_or_asked_about_is_not_held_against_the_answer() {
    let d = ordering();
    let right =
        "A per-chat counter on the server hands out sequence numbers, so every member sees the same order.";
    for text in [
        "We don't order by timestamp.",
        "Ordering by timestamp breaks when clocks skew.",
        "Many systems simply sort by timestamp. That fails as soon as two servers drift apart.",
        "Should we order by timestamp?",
        "Sorting by timestamp puts replies above questions, so we use sequence numbers.",
        "If two servers disagree, ordering by timestamp could put a reply first.",
        // A critique between the pitfall's own words still criticises it.
        "Messages sort by the risky timestamp of the server.",
    ] {
        let v = judge(&d, &format!("{text} {right}"));
        assert!(v.covered, "{text}: {v:?}");
    }
}

#[test]
fn a_question_answered_by_the_next_sentence_is_a_decision() {
    let d = push();
    // Asked and decided: the question's words are part of the claim.
    let v = judge(
        &d,
        "Do phones keep a WebSocket open to the gateway? I'll assume yes, so the server pushes each message.",
    );
    assert!(v.covered, "{v:?}");
    // Asked alone, or asked and declined, decides nothing.
    for text in [
        "Do phones keep a WebSocket open to the gateway?",
        "Do phones keep a WebSocket open? We won't do that.",
    ] {
        let v = judge(&d, text);
        assert!(v.credit < 1e-9, "{text}: {v:?}");
    }
}

#[test]
fn one_sentence_stands_in_for_at_most_two_unnamed_items() {
    let d = design(&[
        item(
            "compact",
            "deep-dive",
            3,
            "core",
            "Compacts tombstones during quiet hours.",
            &["leveled compaction"],
        ),
        item(
            "throttle",
            "deep-dive",
            3,
            "core",
            "Throttles retries using jittered backoff.",
            &["retry budget"],
        ),
        item("replay", "deep-dive", 3, "core", "Replays journals after crashes.", &["write ahead log"]),
    ]);
    let card = RubricGrader.grade(
        &d,
        &Answers::from_markdown(
            "## Deep dive\nNightly we compact tombstones in quiet hours, throttle retries with jittered \
             backoff and replay journals after crashes.\n",
        ),
    );
    let covered: Vec<&str> =
        card.phases[2].items.iter().filter(|v| v.covered).map(|v| v.id.as_str()).collect();
    assert_eq!(covered, ["compact", "throttle"], "the densest two; {:?}", card.phases[2].items);
    // Said in sentences of their own, all three count.
    let card = RubricGrader.grade(
        &d,
        &Answers::from_markdown(
            "## Deep dive\nWe compact tombstones in quiet hours. We throttle retries with jittered backoff. \
             We replay journals after crashes.\n",
        ),
    );
    assert!(card.phases[2].items.iter().all(|v| v.covered), "{:?}", card.phases[2].items);
}

#[test]
fn an_explanation_in_passing_earns_three_quarters_and_depth_earns_the_rest() {
    let d = push();
    let v = judge(&d, "We use WebSockets so the server can push new messages.");
    assert!((v.credit - BRIEF_CREDIT).abs() < 1e-9 && !v.covered && !v.named, "{v:?}");
    let card = RubricGrader.grade(
        &d,
        &Answers::from_markdown("## Deep dive\nWe use WebSockets so the server can push new messages.\n"),
    );
    assert!(
        card.warnings.iter().any(|w| w.starts_with("1 item was explained only in passing")),
        "{:?}",
        card.warnings
    );
    let v = judge(
        &d,
        "Each phone keeps a WebSocket open to its gateway, and the server pushes every new message the moment it arrives.",
    );
    assert!(v.covered && (v.credit - 1.0).abs() < 1e-9, "{v:?}");
}
