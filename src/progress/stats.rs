//! Statistics across sessions: per design, per phase and per rubric category; the weakest areas
//! with the items most often missed; the weekly goal; and the recommended next session.
//! Pure: `now` is a parameter, nothing here reads the clock or the disk.

use std::collections::HashMap;

use chrono::{DateTime, Duration, Utc};
use serde::Serialize;

use super::history::is_done;
use super::{CORE_PLAN, Designs, days_between, grade, newest_first, review_interval, review_rule, round1};
use crate::catalog::{Design, Phase};
use crate::model::Transcript;

/// How many weak categories `stats` names, and how many missed items under each.
const WEAKEST: usize = 3;
const MISSED_PER_CATEGORY: usize = 3;

/// What `stats --json` prints (a contract with scripts: `weekly.goal`, `weekly.done`, `designs`,
/// `weakest`, `next.design`, `next.reason`).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Stats {
    /// The time the statistics were computed for.
    pub as_of: DateTime<Utc>,
    /// Sessions read, graded or not.
    pub sessions: usize,
    /// Sessions with a grade.
    pub graded: usize,
    pub weekly: Weekly,
    /// Each design practised, and every core design of the plan (attempts 0 when never tried).
    pub designs: Vec<DesignStats>,
    /// Coverage by phase across graded sessions, in phase order.
    pub phases: Vec<PhaseCoverage>,
    /// Coverage by rubric category across graded sessions, weakest first.
    pub categories: Vec<CategoryCoverage>,
    /// The weakest categories (with at least one miss), weakest first, each with its most missed items.
    pub weakest: Vec<Weak>,
    /// What to practise next; null only when there is nothing to recommend.
    pub next: Option<Next>,
}

/// Sessions finished in the seven days before `as_of`, against the goal.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Weekly {
    pub goal: u32,
    pub done: u32,
    /// The start of the seven-day window.
    pub since: DateTime<Utc>,
    pub met: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DesignStats {
    pub design: String,
    pub title: String,
    /// Sessions started, graded or not.
    pub attempts: usize,
    pub graded: usize,
    pub best: Option<f64>,
    /// The latest graded score.
    pub last: Option<f64>,
    /// When the latest graded session started.
    pub last_at: Option<DateTime<Utc>>,
    /// Graded scores, oldest first.
    pub trend: Vec<f64>,
    /// When the design is due for review (spaced repetition on the last score).
    pub review_at: Option<DateTime<Utc>>,
    pub due: bool,
}

/// A share of rubric weight covered, 0–100.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PhaseCoverage {
    pub phase: Phase,
    pub coverage: f64,
    /// Item verdicts counted.
    pub items: usize,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CategoryCoverage {
    pub category: String,
    /// 0–100: credit earned over weight asked, across graded sessions.
    pub coverage: f64,
    /// Item verdicts counted.
    pub items: usize,
    /// Of those, not covered.
    pub missed: usize,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Weak {
    pub category: String,
    pub coverage: f64,
    /// The items of this category missed most often, most missed first.
    pub items: Vec<MissedItem>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MissedItem {
    pub design: String,
    pub id: String,
    pub text: String,
    /// Graded sessions that missed it.
    pub missed: usize,
    /// Graded sessions that asked for it.
    pub seen: usize,
}

/// Why a design is recommended next.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum NextKind {
    /// A core design of the plan with no graded session yet.
    NeverTried,
    /// Its review date (spaced repetition) has passed.
    Due,
    /// Nothing is due; it exercises the weakest category.
    Weakest,
    /// Nothing is due or weak; it comes due first.
    Soonest,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Next {
    pub design: String,
    pub title: String,
    pub kind: NextKind,
    pub reason: String,
}

/// Per-design accumulator.
struct Acc<'t> {
    stats: DesignStats,
    /// The latest graded session.
    last: Option<&'t Transcript>,
    /// The latest session, graded or not.
    latest: &'t Transcript,
}

/// Credit earned and weight asked.
#[derive(Default, Clone, Copy)]
struct Share {
    earned: f64,
    asked: f64,
    items: usize,
    missed: usize,
}

impl Share {
    fn add(&mut self, credit: f64, weight: f64, covered: bool) {
        self.earned += credit.clamp(0.0, 1.0) * weight;
        self.asked += weight;
        self.items += 1;
        if !covered {
            self.missed += 1;
        }
    }
    fn percent(self) -> f64 {
        if self.asked > 0.0 { round1(self.earned / self.asked * 100.0) } else { 0.0 }
    }
}

/// Compute the statistics of `transcripts` (any order) as of `now`, with the designs of the catalog
/// (for item weights, categories and texts, and to recommend only designs that can be started).
pub fn stats(transcripts: &[Transcript], designs: &[Design], weekly_goal: u32, now: DateTime<Utc>) -> Stats {
    let lookup = Designs::new(designs);
    // Only real practice counts: quit, skipped-through and sub-minute sessions are left out.
    let practice = super::counted(transcripts);
    let ordered = newest_first(&practice);

    // Per design, newest first.
    let mut accs: Vec<Acc> = Vec::new();
    let mut index: HashMap<&str, usize> = HashMap::new();
    for &t in &ordered {
        let i = *index.entry(t.design.as_str()).or_insert_with(|| {
            accs.push(Acc {
                stats: DesignStats {
                    design: t.design.clone(),
                    title: lookup.get(&t.design).map_or_else(|| t.design_title.clone(), |d| d.title().into()),
                    attempts: 0,
                    graded: 0,
                    best: None,
                    last: None,
                    last_at: None,
                    trend: Vec::new(),
                    review_at: None,
                    due: false,
                },
                last: None,
                latest: t,
            });
            accs.len() - 1
        });
        let acc = &mut accs[i];
        acc.stats.attempts += 1;
        if let Some(card) = grade(t) {
            acc.stats.graded += 1;
            acc.stats.trend.push(card.score);
            acc.stats.best = Some(acc.stats.best.map_or(card.score, |b: f64| b.max(card.score)));
            if acc.last.is_none() {
                acc.last = Some(t);
                acc.stats.last = Some(card.score);
                acc.stats.last_at = Some(t.started_at);
                let review = t.started_at + review_interval(card.score);
                acc.stats.review_at = Some(review);
                acc.stats.due = review <= now;
            }
        }
    }
    for acc in &mut accs {
        acc.stats.trend.reverse();
    }

    // Coverage by phase, category and item, across graded sessions.
    let mut phases: [Share; 4] = [Share::default(); 4];
    let mut categories: HashMap<&str, Share> = HashMap::new();
    let mut items: HashMap<(&str, &str), (MissedItem, &str)> = HashMap::new();
    for &t in &ordered {
        let Some(card) = grade(t) else { continue };
        for ps in &card.phases {
            for v in &ps.items {
                let info = lookup.item(&t.design, &v.id, ps.phase);
                phases[ps.phase.index()].add(v.credit, info.weight, v.covered);
                categories.entry(info.category).or_default().add(v.credit, info.weight, v.covered);
                let entry = items.entry((t.design.as_str(), v.id.as_str())).or_insert_with(|| {
                    (
                        MissedItem {
                            design: t.design.clone(),
                            id: v.id.clone(),
                            text: info.text.to_string(),
                            missed: 0,
                            seen: 0,
                        },
                        info.category,
                    )
                });
                entry.0.seen += 1;
                if !v.covered {
                    entry.0.missed += 1;
                }
            }
        }
    }
    let phases: Vec<PhaseCoverage> = Phase::ALL
        .iter()
        .map(|&p| {
            let s = phases[p.index()];
            PhaseCoverage { phase: p, coverage: s.percent(), items: s.items }
        })
        .collect();
    let mut categories: Vec<CategoryCoverage> = categories
        .into_iter()
        .map(|(c, s)| CategoryCoverage {
            category: c.to_string(),
            coverage: s.percent(),
            items: s.items,
            missed: s.missed,
        })
        .collect();
    categories.sort_by(|a, b| {
        a.coverage.total_cmp(&b.coverage).then(b.missed.cmp(&a.missed)).then(a.category.cmp(&b.category))
    });
    let weakest: Vec<Weak> = categories
        .iter()
        .filter(|c| c.missed > 0)
        .take(WEAKEST)
        .map(|c| {
            let mut missed: Vec<&MissedItem> = items
                .values()
                .filter(|(m, cat)| *cat == c.category && m.missed > 0)
                .map(|(m, _)| m)
                .collect();
            missed.sort_by(|a, b| {
                b.missed
                    .cmp(&a.missed)
                    .then((b.missed * a.seen).cmp(&(a.missed * b.seen)))
                    .then(a.design.cmp(&b.design))
                    .then(a.id.cmp(&b.id))
            });
            Weak {
                category: c.category.clone(),
                coverage: c.coverage,
                items: missed.into_iter().take(MISSED_PER_CATEGORY).cloned().collect(),
            }
        })
        .collect();

    // A design whose only sessions were left unfinished is still offered for resuming.
    let resumable = newest_first(transcripts)
        .into_iter()
        .filter(|t| t.status != crate::model::Status::Finished && super::grade(t).is_none())
        .collect::<Vec<_>>();
    let next = recommend(&accs, &resumable, designs, &lookup, weakest.first(), now);

    // The designs table: the catalog's order (the plan's first), with every core design listed;
    // designs no longer in the catalog last, by id.
    let mut table: Vec<DesignStats> = Vec::new();
    for d in designs {
        if let Some(&i) = index.get(d.id()) {
            table.push(accs[i].stats.clone());
        } else if CORE_PLAN.contains(&d.id()) {
            table.push(DesignStats {
                design: d.id().into(),
                title: d.title().into(),
                attempts: 0,
                graded: 0,
                best: None,
                last: None,
                last_at: None,
                trend: Vec::new(),
                review_at: None,
                due: false,
            });
        }
    }
    let mut orphans: Vec<DesignStats> =
        accs.iter().filter(|a| lookup.get(&a.stats.design).is_none()).map(|a| a.stats.clone()).collect();
    orphans.sort_by(|a, b| a.design.cmp(&b.design));
    table.extend(orphans);

    let since = now - Duration::days(7);
    let done = ordered.iter().filter(|t| is_done(t) && t.started_at > since).count() as u32;
    Stats {
        as_of: now,
        sessions: transcripts.len(),
        graded: ordered.iter().filter(|t| grade(t).is_some()).count(),
        weekly: Weekly { goal: weekly_goal, done, since, met: done >= weekly_goal },
        designs: table,
        phases,
        categories,
        weakest,
        next,
    }
}

/// The next session: a core design never tried; else the most overdue review; else the design
/// whose last attempt lost the most in the weakest category; else the design that comes due first.
fn recommend(
    accs: &[Acc],
    resumable: &[&Transcript],
    designs: &[Design],
    lookup: &Designs,
    weakest: Option<&Weak>,
    now: DateTime<Utc>,
) -> Option<Next> {
    let acc_of = |id: &str| accs.iter().find(|a| a.stats.design == id);
    let core: Vec<&Design> =
        CORE_PLAN.iter().filter_map(|id| designs.iter().find(|d| d.id() == *id)).collect();
    let tried = core.iter().filter(|d| acc_of(d.id()).is_some_and(|a| a.stats.graded > 0)).count();

    // 1. A core design never tried, in plan order.
    if let Some(d) = core.iter().find(|d| acc_of(d.id()).is_none_or(|a| a.stats.graded == 0)) {
        let plan = format!(
            "it is next in the plan ({tried} of {} tried so far)",
            plural(core.len() as i64, "core design")
        );
        let unfinished = resumable.iter().copied().find(|t| t.design == d.id());
        let reason = match (acc_of(d.id()).map(|a| a.latest), unfinished) {
            (_, Some(t)) | (Some(t), None) => format!(
                "started {} but never graded — `mockdesign resume {}` picks it up; {plan}",
                ago(t.started_at, now),
                t.id
            ),
            (None, None) => format!("never tried; {plan}"),
        };
        return Some(Next {
            design: d.id().into(),
            title: d.title().into(),
            kind: NextKind::NeverTried,
            reason,
        });
    }

    // Only designs that can be started again are recommended.
    let startable: Vec<&Acc> =
        accs.iter().filter(|a| a.stats.last.is_some() && lookup.get(&a.stats.design).is_some()).collect();

    // 2. The most overdue review (ties: the lower score).
    if let Some(a) = startable.iter().filter(|a| a.stats.due).min_by(|a, b| {
        a.stats
            .review_at
            .cmp(&b.stats.review_at)
            .then(a.stats.last.unwrap_or(0.0).total_cmp(&b.stats.last.unwrap_or(0.0)))
    }) {
        let score = a.stats.last.unwrap_or(0.0);
        let reason = format!(
            "due for review: last attempt {} scored {score:.0} ({})",
            ago(a.stats.last_at.unwrap_or(now), now),
            review_rule(score)
        );
        return Some(Next {
            design: a.stats.design.clone(),
            title: a.stats.title.clone(),
            kind: NextKind::Due,
            reason,
        });
    }

    // 3. The weakest category: the design whose last attempt left the most of it uncovered.
    if let Some(w) = weakest {
        let lost = |a: &Acc| -> f64 {
            a.last.and_then(grade).map_or(0.0, |card| {
                card.phases
                    .iter()
                    .flat_map(|p| p.items.iter().map(move |v| (p.phase, v)))
                    .map(|(phase, v)| (lookup.item(&a.stats.design, &v.id, phase), v))
                    .filter(|(info, _)| info.category == w.category)
                    .map(|(info, v)| (1.0 - v.credit.clamp(0.0, 1.0)) * info.weight)
                    .sum()
            })
        };
        if let Some((a, _)) = startable
            .iter()
            .map(|a| (a, lost(a)))
            .filter(|(_, l)| *l > 0.0)
            .max_by(|(a, la), (b, lb)| la.total_cmp(lb).then(b.stats.last_at.cmp(&a.stats.last_at)))
        {
            let reason = format!(
                "nothing is due for review; your weakest area is {} ({:.0}% covered across sessions) and your last {} session missed the most of it",
                w.category, w.coverage, a.stats.title
            );
            return Some(Next {
                design: a.stats.design.clone(),
                title: a.stats.title.clone(),
                kind: NextKind::Weakest,
                reason,
            });
        }
    }

    // 4. Whatever comes due first.
    startable.iter().min_by_key(|a| a.stats.review_at).map(|a| {
        let days = days_between(now, a.stats.review_at.unwrap_or(now)).max(0);
        Next {
            design: a.stats.design.clone(),
            title: a.stats.title.clone(),
            kind: NextKind::Soonest,
            reason: format!(
                "nothing is due or weak; it comes due for review first, in {}",
                plural(days, "day")
            ),
        }
    })
}

/// `today`, `yesterday`, `3 days ago`.
fn ago(then: DateTime<Utc>, now: DateTime<Utc>) -> String {
    match days_between(then, now) {
        i64::MIN..=0 => "today".into(),
        1 => "yesterday".into(),
        n => format!("{n} days ago"),
    }
}

fn plural(n: i64, word: &str) -> String {
    if n == 1 { format!("1 {word}") } else { format!("{n} {word}s") }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::progress::fixture::{designs, now, session};

    fn all_core() -> Vec<Design> {
        designs(&CORE_PLAN)
    }

    #[test]
    fn the_weekly_count_takes_finished_sessions_of_the_last_seven_days() {
        let ts = vec![
            session("whatsapp", 3, Some(50.0), &[]),
            session("whatsapp", 10, Some(50.0), &[]),
            session("search", 1, None, &[]), // quit, not done
        ];
        let s = stats(&ts, &all_core(), 2, now());
        assert_eq!(s.weekly.goal, 2);
        assert_eq!(s.weekly.done, 1, "3 days ago counts, 10 days ago and an unfinished one do not");
        assert!(!s.weekly.met);
        let s = stats(&ts, &all_core(), 1, now());
        assert!(s.weekly.met);
    }

    #[test]
    fn per_design_attempts_best_last_and_trend() {
        let ts = vec![
            session("whatsapp", 9, Some(40.0), &[]),
            session("whatsapp", 5, Some(82.0), &[]),
            session("whatsapp", 2, Some(71.0), &[]),
            session("whatsapp", 1, None, &[]),
        ];
        let s = stats(&ts, &all_core(), 2, now());
        let w = s.designs.iter().find(|d| d.design == "whatsapp").unwrap();
        assert_eq!((w.attempts, w.graded), (3, 3), "the session quit early is not an attempt");
        assert_eq!(w.best, Some(82.0));
        assert_eq!(w.last, Some(71.0));
        assert_eq!(w.trend, [40.0, 82.0, 71.0]);
        // 71 → review after 7 days; last graded 2 days ago.
        assert_eq!(w.review_at, Some(ts[2].started_at + Duration::days(7)));
        assert!(!w.due);
        // Every core design is listed, in plan order, untried ones with no attempts.
        let ids: Vec<&str> = s.designs.iter().map(|d| d.design.as_str()).collect();
        assert_eq!(ids, CORE_PLAN);
        assert_eq!(s.designs[1].attempts, 0);
        assert_eq!(s.designs[1].best, None);
    }

    #[test]
    fn coverage_is_weighted_by_rubric_weight_and_the_weakest_category_names_its_missed_items() {
        // Fixture weights: req 2 (requirements), hld 3 (architecture), dd 4 (consistency), to 1 (trade-off).
        let ts = vec![
            session("whatsapp", 4, Some(50.0), &["req", "hld"]),
            session("search", 2, Some(60.0), &["req", "hld", "to"]),
            session("whatsapp", 1, Some(70.0), &["req", "hld", "dd"]),
        ];
        let s = stats(&ts, &all_core(), 2, now());
        let cat = |c: &str| s.categories.iter().find(|x| x.category == c).unwrap();
        assert!((cat("consistency").coverage - 33.3).abs() < 1e-9);
        assert_eq!(cat("consistency").missed, 2);
        assert!((cat("requirements").coverage - 100.0).abs() < 1e-9);
        assert_eq!(s.categories[0].category, "consistency", "weakest first");
        let dd = s.phases.iter().find(|p| p.phase == Phase::DeepDive).unwrap();
        assert!((dd.coverage - 33.3).abs() < 1e-9);
        assert_eq!(dd.items, 3);

        assert_eq!(s.weakest[0].category, "consistency");
        assert_eq!(s.weakest[1].category, "trade-off");
        assert_eq!(s.weakest.len(), 2, "categories never missed are not weak");
        let missed = &s.weakest[0].items;
        // Both missed once; search's every time, whatsapp's once in two.
        assert_eq!(missed[0].id, "search-dd");
        assert_eq!((missed[0].missed, missed[0].seen), (1, 1));
        assert_eq!(missed[1].id, "whatsapp-dd");
        assert_eq!((missed[1].missed, missed[1].seen), (1, 2));
        assert_eq!(missed[1].text, "whatsapp dd text");
    }

    #[test]
    fn next_is_the_first_core_design_never_tried_in_plan_order() {
        let ts = vec![session("whatsapp", 1, Some(90.0), &[]), session("news-feed", 1, Some(90.0), &[])];
        let s = stats(&ts, &all_core(), 2, now());
        let next = s.next.unwrap();
        assert_eq!(next.design, "payment-system");
        assert_eq!(next.kind, NextKind::NeverTried);
        assert!(next.reason.contains("never tried"), "{}", next.reason);
        assert!(next.reason.contains("(2 of 8 core designs tried so far)"), "{}", next.reason);
    }

    #[test]
    fn with_no_history_the_plan_starts_at_its_first_design() {
        let s = stats(&[], &all_core(), 2, now());
        assert_eq!(s.next.unwrap().design, "whatsapp");
        assert_eq!(s.weekly.done, 0);
        assert!(s.weakest.is_empty());
    }

    #[test]
    fn a_core_design_started_but_never_graded_is_offered_for_resuming() {
        let ts = vec![session("whatsapp", 2, None, &[])];
        let next = stats(&ts, &all_core(), 2, now()).next.unwrap();
        assert_eq!(next.design, "whatsapp");
        assert_eq!(next.kind, NextKind::NeverTried);
        assert!(next.reason.contains(&format!("mockdesign resume {}", ts[0].id)), "{}", next.reason);
    }

    #[test]
    fn a_core_design_missing_from_the_catalog_is_not_recommended() {
        let ds = designs(&["whatsapp", "search"]);
        let s = stats(&[session("whatsapp", 1, Some(90.0), &[])], &ds, 2, now());
        assert_eq!(s.next.unwrap().design, "search");
    }

    #[test]
    fn once_every_core_design_is_tried_the_most_overdue_review_comes_next() {
        let mut ts: Vec<Transcript> = CORE_PLAN
            .iter()
            .filter(|d| !["search", "news-feed"].contains(d))
            .map(|d| session(d, 1, Some(90.0), &["req", "hld", "dd", "to"]))
            .collect();
        // 55 four days ago → due a day ago; 65 nine days ago → due two days ago (most overdue).
        ts.push(session("search", 4, Some(55.0), &[]));
        ts.push(session("news-feed", 9, Some(65.0), &[]));
        let s = stats(&ts, &all_core(), 2, now());
        let next = s.next.unwrap();
        assert_eq!(next.kind, NextKind::Due);
        assert_eq!(next.design, "news-feed");
        assert!(next.reason.contains("9 days ago scored 65"), "{}", next.reason);
        assert!(next.reason.contains("7 days"), "{}", next.reason);
    }

    #[test]
    fn a_low_score_comes_due_sooner_than_a_high_one() {
        let mut ts: Vec<Transcript> = CORE_PLAN.iter().map(|d| session(d, 20, Some(85.0), &[])).collect();
        ts.retain(|t| t.design != "auth-service" && t.design != "search");
        // 85 ten days ago: not due (14). 45 four days ago: due (3).
        ts.push(session("auth-service", 10, Some(85.0), &[]));
        ts.push(session("search", 4, Some(45.0), &[]));
        let s = stats(&ts, &all_core(), 2, now());
        let by = |id: &str| s.designs.iter().find(|d| d.design == id).unwrap().due;
        assert!(!by("auth-service"));
        assert!(by("search"));
    }

    #[test]
    fn when_nothing_is_due_the_weakest_area_decides() {
        // Every design tried in the last two days, so nothing is due. Consistency (`dd`) is missed
        // twice, trade-off once: consistency is the weakest area. Booking and search both lost all
        // of it last time; search was practised longer ago, so it comes first.
        let mut ts: Vec<Transcript> = CORE_PLAN
            .iter()
            .filter(|d| !["booking-system", "search"].contains(d))
            .map(|d| session(d, 1, Some(95.0), &["req", "hld", "dd", "to"]))
            .collect();
        ts.push(session("booking-system", 0, Some(60.0), &["req", "hld"]));
        ts.push(session("search", 2, Some(70.0), &["req", "hld", "to"]));
        let s = stats(&ts, &all_core(), 2, now());
        assert_eq!(s.weakest[0].category, "consistency");
        assert_eq!(s.weakest[1].category, "trade-off");
        let next = s.next.unwrap();
        assert_eq!(next.kind, NextKind::Weakest);
        assert_eq!(next.design, "search");
        assert!(next.reason.contains("weakest area is consistency (75% covered"), "{}", next.reason);
    }

    #[test]
    fn the_weakest_area_goes_to_the_design_that_lost_most_of_it() {
        // Same as above, but search's last attempt covered consistency after all.
        let mut ts: Vec<Transcript> = CORE_PLAN
            .iter()
            .filter(|d| !["booking-system", "search"].contains(d))
            .map(|d| session(d, 1, Some(95.0), &["req", "hld", "dd", "to"]))
            .collect();
        ts.push(session("booking-system", 0, Some(60.0), &["req", "hld"]));
        ts.push(session("search", 3, Some(70.0), &["req", "hld", "to"]));
        ts.push(session("search", 2, Some(75.0), &["req", "hld", "dd", "to"]));
        let next = stats(&ts, &all_core(), 2, now()).next.unwrap();
        assert_eq!(next.kind, NextKind::Weakest);
        assert_eq!(next.design, "booking-system");
    }

    #[test]
    fn with_nothing_due_or_weak_the_design_due_first_is_next() {
        let mut ts: Vec<Transcript> =
            CORE_PLAN.iter().map(|d| session(d, 1, Some(95.0), &["req", "hld", "dd", "to"])).collect();
        ts.retain(|t| t.design != "search");
        ts.push(session("search", 10, Some(95.0), &["req", "hld", "dd", "to"]));
        let next = stats(&ts, &all_core(), 2, now()).next.unwrap();
        assert_eq!(next.kind, NextKind::Soonest);
        assert_eq!(next.design, "search");
        assert!(next.reason.contains("in 3 days"), "{}", next.reason);
    }

    #[test]
    fn a_design_no_longer_in_the_catalog_is_listed_but_never_recommended() {
        let ds = designs(&["whatsapp"]);
        let ts = vec![session("whatsapp", 1, Some(90.0), &[]), session("retired", 30, Some(10.0), &[])];
        let s = stats(&ts, &ds, 2, now());
        assert_eq!(s.designs.last().unwrap().design, "retired");
        assert_eq!(s.next.unwrap().design, "whatsapp");
    }
}
