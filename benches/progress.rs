//! How long progress takes over a long history: 500 generated transcripts, as a user practising
//! twice a week for years would have. Measures the pure computations (`history`, `stats`,
//! `compare`) and loading the files from disk, which dominates a real `mockdesign history`.

use std::hint::black_box;

use chrono::{DateTime, Duration, TimeZone, Utc};
use criterion::{Criterion, criterion_group, criterion_main};
use mockdesign::catalog::{Catalog, Design, Phase};
use mockdesign::grade::{ItemVerdict, PhaseScore, Scorecard};
use mockdesign::model::{Status, Transcript};
use mockdesign::progress;
use mockdesign::store::{self};

const SESSIONS: usize = 500;

fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 1, 1, 12, 0, 0).unwrap()
}

/// A deterministic pseudo-random sequence (no dependency, same history every run).
struct Lcg(u64);
impl Lcg {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
        self.0 >> 33
    }
}

fn history(designs: &[Design], n: usize) -> Vec<Transcript> {
    let mut rng = Lcg(42);
    (0..n)
        .map(|i| {
            let design = &designs[i % designs.len()];
            let started = now() - Duration::hours(84 * (n - i) as i64);
            let answer = "We keep a WebSocket per phone and an offline queue per user. ".repeat(20);
            let graded = i % 10 != 9;
            let scorecards = if graded {
                let phases: Vec<PhaseScore> = Phase::ALL
                    .iter()
                    .map(|&phase| PhaseScore {
                        phase,
                        score: (rng.next() % 101) as f64,
                        items: design
                            .items(phase)
                            .map(|item| {
                                let covered = rng.next() % 3 != 0;
                                ItemVerdict {
                                    id: item.id.clone(),
                                    covered,
                                    named: false,
                                    credit: if covered { 1.0 } else { 0.0 },
                                    evidence: covered.then(|| "a quoted sentence".to_string()),
                                    comment: None,
                                }
                            })
                            .collect(),
                    })
                    .collect();
                vec![Scorecard {
                    design: design.id().into(),
                    grader: "rubric".into(),
                    score: (rng.next() % 101) as f64,
                    verdict: "hire".into(),
                    level: "senior".into(),
                    warnings: vec![],
                    phases,
                    whole_answer: false,
                    hints_used: 0,
                    next: vec![],
                    rubric_version: 1,
                    graded_at: Some(started),
                    model: None,
                    feedback: None,
                }]
            } else {
                vec![]
            };
            let id = format!("{}-{}", started.format("%Y%m%d-%H%M%S"), design.id());
            let mut t = Transcript::begin(design, id, started, 45.0);
            for p in &mut t.phases {
                p.answer.clone_from(&answer);
                p.budget_secs = 600.0;
                p.used_secs = (300 + rng.next() % 400) as f64;
                p.started_at = Some(started);
                p.ended_at = Some(started);
            }
            t.tool_version = "bench".into();
            t.seed = i as u64;
            t.status = if graded { Status::Finished } else { Status::Quit };
            t.current = None;
            t.scorecards = scorecards;
            t
        })
        .collect()
}

fn bench(c: &mut Criterion) {
    let catalog = Catalog::builtin();
    let designs = catalog.designs();
    let all = history(designs, SESSIONS);

    c.bench_function("history/500 sessions", |b| {
        b.iter(|| {
            let rows = progress::sessions(black_box(&all));
            let trends = progress::trends(black_box(&all));
            black_box((rows, trends))
        });
    });
    c.bench_function("stats/500 sessions", |b| {
        b.iter(|| black_box(progress::stats(black_box(&all), designs, 2, now())));
    });
    c.bench_function("compare/latest vs previous", |b| {
        b.iter(|| {
            let latest = progress::latest_graded(black_box(&all)).expect("graded");
            let previous = progress::previous_attempt(&all, latest).expect("previous");
            black_box(progress::compare(latest, previous, designs))
        });
    });

    let dir = tempfile::tempdir().expect("temp dir");
    for t in &all {
        store::save(&dir.path().join(format!("{}.json", t.id)), t).expect("save");
    }
    let mut group = c.benchmark_group("disk");
    group.sample_size(20);
    group.bench_function("load_all/500 files", |b| {
        b.iter(|| black_box(store::load_all(dir.path())));
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
