//! Grading speed: a ~1,500-word answer against a 30-item rubric (target: under 200 µs per grade).
//!
//! The rubric is built here so the benchmark does not depend on how far the built-in content has
//! grown: 30 items over four phases, six concepts each in the style the content uses (jargon,
//! plain-language phrasings, `a + b` parts), three of them estimates. The answer is the grader's
//! hand-written WhatsApp fixtures, repeated to about 1,500 words.
//!
//! Run: `cargo bench --bench grade` (or `-- --quick`).

use std::fmt::Write as _;
use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use mockdesign::catalog::{Design, Origin, Phase};
use mockdesign::grade::rubric::{CompiledRubric, RubricGrader, missing};
use mockdesign::grade::{Answers, Grader};

const PROMPT: &str = "# Chat\nDesign a chat service.\n## Requirements\nScope it.\n## High-level design\nSketch it.\n\
                      ## Deep dive\nGo deeper.\n## Trade-offs\nWhat did you trade?\n";

/// An estimate's `(min, max, unit)`.
type Range = Option<(f64, f64, &'static str)>;

/// `(phase, concepts, estimate)`: 30 items.
const ITEMS: &[(&str, &[&str], Range)] = &[
    (
        "requirements",
        &[
            "group chat",
            "read receipt",
            "last seen",
            "one to one + group",
            "out of scope",
            "typing indicator",
        ],
        None,
    ),
    (
        "requirements",
        &[
            "never lose a message",
            "p99",
            "in order + conversation",
            "latency + ms",
            "battery",
            "highly available",
        ],
        None,
    ),
    (
        "requirements",
        &[
            "end to end encryption",
            "e2ee",
            "server cannot read",
            "only + two phones + read",
            "ciphertext",
            "signal protocol",
        ],
        None,
    ),
    (
        "requirements",
        &["multi device", "linked device", "laptop + phone", "each device", "per device", "web client"],
        None,
    ),
    (
        "requirements",
        &[
            "delete after delivery",
            "retention",
            "30 days",
            "only until delivered",
            "history + on the phone",
            "store and forward",
        ],
        None,
    ),
    (
        "requirements",
        &["messages per second", "msgs/s", "qps", "peak + messages", "messages per day", "writes per second"],
        Some((5e5, 5e6, "per-second")),
    ),
    (
        "requirements",
        &[
            "concurrent connections",
            "online at once",
            "online at the same time",
            "open connections",
            "connected at once",
            "connections per server",
        ],
        Some((2e8, 1.5e9, "count")),
    ),
    (
        "requirements",
        &[
            "tb per day",
            "terabytes a day",
            "storage per day",
            "bytes per message",
            "per day + tb",
            "per message + bytes",
        ],
        Some((3e12, 3e13, "bytes")),
    ),
    (
        "high-level",
        &[
            "websocket",
            "persistent connection",
            "long lived connection",
            "connection + stays open",
            "keep + connection open",
            "mqtt",
        ],
        None,
    ),
    (
        "high-level",
        &[
            "session registry",
            "which gateway",
            "which + server + connected",
            "lookup table + connected",
            "routing table",
            "user to server mapping",
        ],
        None,
    ),
    (
        "high-level",
        &[
            "inbox",
            "mailbox",
            "per recipient queue",
            "before we ack",
            "ack + after + written",
            "saved + before + tick",
        ],
        None,
    ),
    (
        "high-level",
        &[
            "message id",
            "client generated id",
            "delivered ack",
            "ack + sender",
            "read event",
            "sent + delivered + read",
        ],
        None,
    ),
    (
        "high-level",
        &["push notification", "apns", "fcm", "wake + app", "notification + apple", "notification + google"],
        None,
    ),
    (
        "high-level",
        &[
            "blob storage",
            "object storage",
            "cdn",
            "upload + link",
            "media + url",
            "photo + upload + reference",
        ],
        None,
    ),
    (
        "high-level",
        &[
            "fan out",
            "group membership",
            "sender key",
            "copy + every member",
            "each member + inbox",
            "one copy per member",
        ],
        None,
    ),
    (
        "deep-dive",
        &[
            "offline queue",
            "when it reconnects",
            "on reconnect",
            "comes back online",
            "delete + after + ack",
            "last sequence number",
        ],
        None,
    ),
    (
        "deep-dive",
        &["at least once", "dedupe", "idempotent", "duplicate + message id", "retry + same id", "shown once"],
        None,
    ),
    (
        "deep-dive",
        &[
            "sequence number",
            "per conversation",
            "lamport",
            "counter + chat",
            "gap + missing",
            "clocks + wrong",
        ],
        None,
    ),
    (
        "deep-dive",
        &[
            "presence",
            "heartbeat",
            "online status",
            "last seen + disconnect",
            "throttle + presence",
            "chat open + status",
        ],
        None,
    ),
    (
        "deep-dive",
        &[
            "partitioned by",
            "consistent hashing",
            "split across + machines",
            "range scan",
            "sorted by time",
            "wide column",
        ],
        None,
    ),
    (
        "deep-dive",
        &[
            "exponential backoff",
            "jitter",
            "thundering herd",
            "random + delay",
            "reconnect + storm",
            "drain connections",
        ],
        None,
    ),
    (
        "deep-dive",
        &[
            "large groups",
            "group log",
            "read cursor",
            "bookmark + member",
            "single copy per group",
            "fan out on read",
        ],
        None,
    ),
    (
        "deep-dive",
        &["prekeys", "key server", "key directory", "public keys", "double ratchet", "identity key"],
        None,
    ),
    (
        "trade-offs",
        &[
            "global order",
            "per conversation ordering",
            "order within a chat",
            "stronger promise + slower",
            "ordering + latency",
            "causal",
        ],
        None,
    ),
    (
        "trade-offs",
        &[
            "polling",
            "push instead of poll",
            "ask every few seconds",
            "connections open + memory",
            "battery + drain",
            "long polling",
        ],
        None,
    ),
    (
        "trade-offs",
        &[
            "fan out on write",
            "write amplification",
            "reading cheap",
            "multiplies writes",
            "fan out on read",
            "group size",
        ],
        None,
    ),
    (
        "trade-offs",
        &[
            "multi region",
            "home region",
            "region outage",
            "active active",
            "failover",
            "asynchronous replication",
        ],
        None,
    ),
    (
        "trade-offs",
        &["cost", "egress", "media storage + bill", "machines + thousand", "cheaper", "money"],
        None,
    ),
    (
        "trade-offs",
        &["keep it simple", "first launch", "one region", "not build + yet", "measure first", "premature"],
        None,
    ),
    (
        "trade-offs",
        &["alert", "p99 + latency", "backlog age", "shed load", "observability", "dashboards"],
        None,
    ),
];

fn rubric_toml() -> String {
    let mut toml =
        String::from("id = \"bench\"\ntitle = \"Chat\"\nsummary = \"A chat service.\"\nversion = 1\n");
    let levels = ["core", "senior", "staff"];
    for (i, (phase, concepts, estimate)) in ITEMS.iter().enumerate() {
        let list: Vec<String> = concepts.iter().map(|c| format!("{c:?}")).collect();
        let _ = write!(
            toml,
            "\n[[items]]\nid = \"item-{i}\"\nphase = \"{phase}\"\ntext = \"Does thing {i}.\"\n\
             why = \"It matters because of {i}.\"\nweight = {}\nlevel = \"{}\"\ncategory = \"architecture\"\n\
             concepts = [{}]\nprobe = \"What about {i}?\"\nhint = \"Think about {i}.\"\n",
            1 + i % 5,
            levels[i % 3],
            list.join(", ")
        );
        if let Some((min, max, unit)) = estimate {
            let _ = write!(toml, "[items.estimate]\nmin = {min:?}\nmax = {max:?}\nunit = \"{unit}\"\n");
        }
    }
    toml
}

fn answer() -> String {
    let reasoned = include_str!("../tests/fixtures/grader/whatsapp-reasoned.md");
    let plain = include_str!("../tests/fixtures/grader/whatsapp-plain.md");
    let mut md = String::new();
    for part in [reasoned, plain, reasoned].iter().cycle() {
        if md.split_whitespace().count() >= 1_450 {
            break;
        }
        md.push_str(part);
        md.push('\n');
    }
    md
}

/// Nanoseconds this thread has spent on a CPU (Linux `/proc/thread-self/schedstat`), if known.
/// Wall-clock timings swing with whatever else the machine runs; on-CPU time barely does.
fn on_cpu_ns() -> Option<u64> {
    let stat = std::fs::read_to_string("/proc/thread-self/schedstat").ok()?;
    stat.split_whitespace().next()?.parse().ok()
}

/// On-CPU microseconds per call of `f`, over `n` calls.
fn cpu_micros(n: u32, mut f: impl FnMut()) -> Option<f64> {
    let start = on_cpu_ns()?;
    for _ in 0..n {
        f();
    }
    Some((on_cpu_ns()? - start) as f64 / f64::from(n) / 1_000.0)
}

fn bench(c: &mut Criterion) {
    let design = Design::parse(&rubric_toml(), PROMPT, "bench.toml", "bench.md", Origin::Builtin)
        .expect("bench rubric");
    assert_eq!(design.rubric.items.len(), 30);
    let md = answer();
    let answers = Answers::from_markdown(&md);
    let words = md.split_whitespace().count();
    let card = RubricGrader.grade(&design, &answers);
    eprintln!("bench answer: {words} words; score {} ({})", card.score, card.verdict);
    if let Some(us) = cpu_micros(2_000, || {
        black_box(RubricGrader.grade(black_box(&design), black_box(&answers)));
    }) {
        eprintln!("on-CPU time per grade (2,000 grades, cached rubric): {us:.1} µs");
    }

    c.bench_function("grade 1.5k words x 30 items (cached rubric)", |b| {
        b.iter(|| RubricGrader.grade(black_box(&design), black_box(&answers)));
    });
    let compiled = CompiledRubric::new(&design);
    c.bench_function("grade 1.5k words x 30 items (precompiled)", |b| {
        b.iter(|| compiled.grade(black_box(&design), black_box(&answers)));
    });
    c.bench_function("compile a 30-item rubric", |b| {
        b.iter(|| CompiledRubric::new(black_box(&design)));
    });
    let deep_dive = answers.text(Phase::DeepDive).to_string();
    c.bench_function("missing items of one phase", |b| {
        b.iter(|| missing(black_box(&design), Phase::DeepDive, black_box(&deep_dive)).len());
    });
    c.bench_function("parse a 1.5k-word answer", |b| b.iter(|| Answers::from_markdown(black_box(&md))));
}

criterion_group!(benches, bench);
criterion_main!(benches);
