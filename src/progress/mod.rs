//! Progress across sessions: the history list, per-design and per-category statistics, the weekly
//! goal, the recommended next session, and two attempts compared side by side.
//!
//! Everything here is a pure computation over saved transcripts (`&[Transcript]`) and the designs
//! they were graded against (`&[Design]`, for item weights, categories and texts). The current time
//! is a parameter (`now`), so a test can place sessions days apart without waiting.
//!
//! This module must never read the clock, touch the disk, the terminal or the network: the
//! `history`, `stats` and `compare` commands load the transcripts and pass `Utc::now()` in, and
//! `terminal::progress` renders what it returns.
//!
//! Rules it applies (also shown to the user in the reasons it gives):
//! - A session's grade is its last scorecard; a session without one (unfinished) has no score.
//! - A design counts as *tried* once it has a graded session.
//! - The weekly count is the finished sessions started in the seven days before `now`.
//! - Spaced repetition: a design is due for review [`review_interval`] after its last graded attempt:
//!   14 days after a score of 80 or more, 7 days after 60–79, 3 days below 60.
//! - The next session: the first core design of the plan ([`CORE_PLAN`]) never tried; else the
//!   design most overdue for review; else a design that exercises the weakest category; else the
//!   design that comes due first.

pub mod compare;
pub mod history;
pub mod stats;

use std::collections::HashMap;

use chrono::{DateTime, Duration, Utc};

use crate::catalog::{Design, Phase};
use crate::grade::Scorecard;
use crate::transcript::Transcript;

pub use compare::{CompareError, Comparison, compare, latest_graded, previous_attempt};
pub use history::{Session, Trend, sessions, trends};
pub use stats::{Next, NextKind, Stats, stats};

/// The eight core designs of the plan, in the order the plan practises them.
pub const CORE_PLAN: [&str; 8] = crate::catalog::CORE;

/// How long after an attempt scoring `score` its design is due for review again.
pub fn review_interval(score: f64) -> Duration {
    if score >= 80.0 {
        Duration::days(14)
    } else if score >= 60.0 {
        Duration::days(7)
    } else {
        Duration::days(3)
    }
}

/// The rule of [`review_interval`] in words, for reasons shown to the user.
pub fn review_rule(score: f64) -> &'static str {
    if score >= 80.0 {
        "80 or more → review after 14 days"
    } else if score >= 60.0 {
        "60–79 → review after 7 days"
    } else {
        "below 60 → review after 3 days"
    }
}

/// Sort newest first: by start time, then by id (ids embed the start time).
pub(crate) fn newest_first(transcripts: &[Transcript]) -> Vec<&Transcript> {
    let mut all: Vec<&Transcript> = transcripts.iter().collect();
    all.sort_by(|a, b| b.started_at.cmp(&a.started_at).then_with(|| b.id.cmp(&a.id)));
    all
}

/// A transcript's current grade, if it has one.
pub(crate) fn grade(t: &Transcript) -> Option<&Scorecard> {
    t.scorecard()
}

/// Round to one decimal, as scores are shown.
pub(crate) fn round1(x: f64) -> f64 {
    (x * 10.0).round() / 10.0
}

/// What a rubric item contributes to coverage, with fallbacks for an item or design that is no
/// longer in the catalog (weight 1, category `uncategorised`, its id as text).
#[derive(Debug, Clone, Copy)]
pub(crate) struct ItemInfo<'d> {
    pub weight: f64,
    pub category: &'d str,
    pub text: &'d str,
    pub phase: Phase,
}

/// Designs by id, for quick item look-ups.
pub(crate) struct Designs<'d> {
    by_id: HashMap<&'d str, &'d Design>,
}

impl<'d> Designs<'d> {
    pub fn new(designs: &'d [Design]) -> Self {
        Self { by_id: designs.iter().map(|d| (d.id(), d)).collect() }
    }

    pub fn get(&self, id: &str) -> Option<&'d Design> {
        self.by_id.get(id).copied()
    }

    pub fn item<'a>(&self, design: &str, id: &'a str, phase: Phase) -> ItemInfo<'a>
    where
        'd: 'a,
    {
        match self.get(design).and_then(|d| d.item(id)) {
            Some(item) => ItemInfo {
                weight: f64::from(item.weight.max(1)),
                category: &item.category,
                text: &item.text,
                phase: item.phase,
            },
            None => ItemInfo { weight: 1.0, category: "uncategorised", text: id, phase },
        }
    }
}

/// Whole days from `from` to `to` (negative when `to` is earlier).
pub(crate) fn days_between(from: DateTime<Utc>, to: DateTime<Utc>) -> i64 {
    (to - from).num_days()
}

#[cfg(test)]
pub(crate) mod fixture {
    //! Designs and transcripts built in code for the unit tests.

    use chrono::{DateTime, Duration, TimeZone, Utc};

    use crate::catalog::{Budget, Design, Item, Level, Origin, Phase, Prompt, Rubric};
    use crate::grade::{ItemVerdict, PhaseScore, Scorecard};
    use crate::transcript::{Status, Transcript};

    pub fn now() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2025, 6, 30, 12, 0, 0).unwrap()
    }

    /// A design with four items, one per phase: `<id>-req` (requirements), `<id>-hld`
    /// (architecture), `<id>-dd` (consistency), `<id>-to` (trade-off), weights 2, 3, 4, 1.
    pub fn design(id: &str) -> Design {
        let item = |suffix: &str, phase: Phase, category: &str, weight: u32| Item {
            id: format!("{id}-{suffix}"),
            phase,
            text: format!("{id} {suffix} text"),
            why: String::new(),
            weight,
            level: Level::Core,
            category: category.into(),
            concepts: vec!["x".into()],
            probe: String::new(),
            hint: String::new(),
            estimate: None,
            mechanism: Vec::new(),
        };
        Design {
            rubric: Rubric {
                id: id.into(),
                title: format!("Title {id}"),
                summary: String::new(),
                version: 1,
                aliases: vec![],
                budget: Budget::default(),
                items: vec![
                    item("req", Phase::Requirements, "requirements", 2),
                    item("hld", Phase::HighLevel, "architecture", 3),
                    item("dd", Phase::DeepDive, "consistency", 4),
                    item("to", Phase::TradeOffs, "trade-off", 1),
                ],
                facts: vec![],
                curveballs: vec![],
            },
            prompt: Prompt::default(),
            origin: Origin::Builtin,
        }
    }

    pub fn designs(ids: &[&str]) -> Vec<Design> {
        ids.iter().map(|id| design(id)).collect()
    }

    /// A finished session of `design` started `days_ago` days before [`now`], graded with the
    /// items whose suffix is in `covered`, and the score given.
    pub fn session(design: &str, days_ago: i64, score: Option<f64>, covered: &[&str]) -> Transcript {
        let started = now() - Duration::days(days_ago) - Duration::minutes(1);
        let d = self::design(design);
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
                        items: d
                            .items(phase)
                            .map(|i| {
                                let hit = covered.iter().any(|c| i.id == format!("{design}-{c}"));
                                ItemVerdict {
                                    id: i.id.clone(),
                                    covered: hit,
                                    credit: if hit { 1.0 } else { 0.0 },
                                    evidence: None,
                                    comment: None,
                                }
                            })
                            .collect(),
                    })
                    .collect(),
                whole_answer: false,
                hints_used: 0,
                next: vec![],
                rubric_version: 1,
                graded_at: None,
                model: None,
                feedback: None,
            })
            .into_iter()
            .collect();
        let mut t =
            Transcript::begin(&d, format!("{}-{design}", started.format("%Y%m%d-%H%M%S")), started, 45.0);
        for p in &mut t.phases {
            p.budget_secs = 600.0;
            p.used_secs = 300.0 + 60.0 * p.phase.index() as f64;
        }
        t.tool_version = "test".into();
        t.seed = 1;
        t.status = if score.is_some() { Status::Finished } else { Status::Quit };
        t.current = None;
        t.scorecards = scorecards;
        t
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn review_interval_grows_with_the_score() {
        assert_eq!(review_interval(45.0), Duration::days(3));
        assert_eq!(review_interval(59.9), Duration::days(3));
        assert_eq!(review_interval(60.0), Duration::days(7));
        assert_eq!(review_interval(79.9), Duration::days(7));
        assert_eq!(review_interval(80.0), Duration::days(14));
        assert_eq!(review_interval(100.0), Duration::days(14));
    }

    #[test]
    fn an_item_missing_from_the_catalog_still_counts_with_weight_one() {
        let designs = fixture::designs(&["whatsapp"]);
        let lookup = Designs::new(&designs);
        let known = lookup.item("whatsapp", "whatsapp-dd", Phase::DeepDive);
        assert!((known.weight - 4.0).abs() < f64::EPSILON);
        assert_eq!(known.category, "consistency");
        let gone = lookup.item("whatsapp", "retired-item", Phase::HighLevel);
        assert!((gone.weight - 1.0).abs() < f64::EPSILON);
        assert_eq!(gone.category, "uncategorised");
        assert_eq!(gone.text, "retired-item");
        let other = lookup.item("no-such-design", "x", Phase::TradeOffs);
        assert_eq!(other.phase, Phase::TradeOffs);
    }
}
