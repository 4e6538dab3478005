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
//! - A session's grade is its last scorecard; a session without one (unfinished) has no score. A
//!   self-score that ticked fewer than half the items does not replace an earlier grader's score.
//! - Sessions that are not real practice — quit early, skipped through (three or more phases
//!   skipped, or nothing answered), or shorter than a minute — are marked ([`not_counted`]) and
//!   left out of trends, the weekly goal, statistics and the next session; `history --all` shows
//!   them. A graded written answer (`--answers`, no clock) counts.
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
use crate::model::Transcript;

pub use compare::{CompareError, Comparison, compare, latest_graded, previous_attempt};
pub use history::{Session, Trend, sessions, trends};
pub use stats::{Next, NextKind, Stats, stats};

// `NotCounted` and `not_counted` are defined below.

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

/// A transcript's current grade, if it has one: the last scorecard, unless it is a self-score of
/// fewer than half the items and an earlier grade exists.
pub(crate) fn grade(t: &Transcript) -> Option<&Scorecard> {
    let last = t.scorecard()?;
    let few_ticks = t.self_ticks.as_ref().is_some_and(|ticks| {
        let answered = ticks.iter().filter(|tick| tick.covered.is_some()).count();
        answered * 2 < ticks.len()
    });
    if last.grader == "self" && few_ticks {
        if let Some(earlier) = t.scorecards.iter().rev().skip(1).find(|c| c.grader != "self") {
            return Some(earlier);
        }
    }
    Some(last)
}

/// Why a session is not counted as practice.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum NotCounted {
    /// Left with `/quit` or Ctrl-C, or never finished.
    QuitEarly,
    /// Three or more phases skipped, or nothing answered at all.
    SkippedThrough,
    /// Less than a minute of interview time.
    UnderAMinute,
}

impl NotCounted {
    pub fn words(self) -> &'static str {
        match self {
            NotCounted::QuitEarly => "quit early",
            NotCounted::SkippedThrough => "skipped through",
            NotCounted::UnderAMinute => "under a minute",
        }
    }
}

/// Whether `t` is real practice; `None` when it counts.
pub fn not_counted(t: &Transcript) -> Option<NotCounted> {
    use crate::model::{Ended, Status};
    if t.status != Status::Finished {
        return Some(NotCounted::QuitEarly);
    }
    let skipped = t.phases.iter().filter(|p| p.ended == Some(Ended::Skipped)).count();
    let nothing =
        !t.self_score && t.phases.iter().all(|p| p.ended.is_some() && p.graded_text().trim().is_empty());
    if skipped >= 3 || nothing {
        return Some(NotCounted::SkippedThrough);
    }
    // A written answer graded with `--answers` has no clock (0 s used) and counts.
    let used = t.used_secs();
    if used > 0.0 && used < 60.0 {
        return Some(NotCounted::UnderAMinute);
    }
    None
}

/// The transcripts that count as practice.
pub(crate) fn counted(transcripts: &[Transcript]) -> Vec<Transcript> {
    transcripts.iter().filter(|t| not_counted(t).is_none()).cloned().collect()
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
    use crate::model::{Status, Transcript};

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
            pitfalls: Vec::new(),
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
                                    named: false,
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
mod practice_tests {
    use super::fixture::{designs, now, session};
    use super::*;
    use crate::model::{Ended, SelfTick, Status};

    #[test]
    fn quit_skipped_through_and_sub_minute_sessions_are_not_counted() {
        let real = session("whatsapp", 1, Some(70.0), &[]);
        assert_eq!(not_counted(&real), None);
        let quit = session("whatsapp", 1, None, &[]);
        assert_eq!(not_counted(&quit), Some(NotCounted::QuitEarly));
        let mut skipped = real.clone();
        for p in &mut skipped.phases[1..] {
            p.ended = Some(Ended::Skipped);
        }
        assert_eq!(not_counted(&skipped), Some(NotCounted::SkippedThrough));
        let mut short = real.clone();
        for p in &mut short.phases {
            p.used_secs = 10.0;
        }
        assert_eq!(not_counted(&short), Some(NotCounted::UnderAMinute));
        let mut written = real.clone();
        for p in &mut written.phases {
            p.used_secs = 0.0;
        }
        assert_eq!(not_counted(&written), None, "a graded written answer has no clock and counts");
        assert_eq!(written.status, Status::Finished);
    }

    #[test]
    fn sessions_not_counted_are_left_out_of_trends_the_weekly_goal_and_next() {
        let mut short = session("whatsapp", 1, Some(90.0), &[]);
        for p in &mut short.phases {
            p.used_secs = 5.0;
        }
        let ts = vec![session("whatsapp", 3, Some(50.0), &[]), short];
        let t = trends(&ts);
        assert_eq!(t[0].scores, [50.0], "the sub-minute 90 is not a trend point");
        let s = stats(&ts, &designs(&CORE_PLAN), 2, now());
        assert_eq!(s.weekly.done, 1, "only the real session counts toward the goal");
        let w = s.designs.iter().find(|d| d.design == "whatsapp").unwrap();
        assert_eq!(w.last, Some(50.0));
    }

    #[test]
    fn a_self_score_of_few_items_does_not_replace_the_graders_score() {
        let mut t = session("whatsapp", 1, Some(62.0), &[]);
        let mut mine = t.scorecards[0].clone();
        mine.grader = "self".into();
        mine.score = 100.0;
        t.scorecards.push(mine);
        let tick = |covered| SelfTick { id: "x".into(), covered };
        t.self_ticks = Some(vec![tick(Some(true)), tick(None), tick(None), tick(None)]);
        assert_eq!(grade(&t).map(|c| c.score), Some(62.0), "one tick of four does not replace it");
        t.self_ticks = Some(vec![tick(Some(true)), tick(Some(false)), tick(Some(true)), tick(None)]);
        assert_eq!(grade(&t).map(|c| c.score), Some(100.0), "three of four do");
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
