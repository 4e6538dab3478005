//! Scoring arithmetic shared by every grader that judges item by item (rubric and self): item
//! credits to phase and overall scores, the hint cost, the verdict band, the level shown and the
//! three things to work on next.
//!
//! - **Scores.** A phase scores `Σ weight × credit / Σ weight` over its counted items, 0–100 with
//!   one decimal; overall is the same over every counted item, minus the hint cost. Items a
//!   self-scorer skipped are not counted (left out of both sums).
//! - **Hints.** Each hint used costs [`HINT_COST`] points off the overall score, at most
//!   [`HINT_CAP`] in all; the score never goes below 0. A hint costs at least the share of the score
//!   of the item it makes easy, so asking never pays.
//! - **Verdict bands.** `strong hire` ≥ 80, `hire` ≥ 60, `lean no hire` ≥ 40, `no hire` below.
//!   A strong hire must also show at least the senior level; otherwise it is a hire.
//! - **Level shown**, from the share of each level's weight earned: `staff` when core ≥ 70 %,
//!   senior ≥ 70 % and staff ≥ 40 % (and the rubric has staff items); `senior` when core ≥ 60 % and
//!   senior ≥ 50 %; `mid` otherwise. A level with no items in the rubric does not hold anyone back.
//! - **Next.** The three items with the most weight left unearned (`weight × (1 − credit)`), ties
//!   broken core before senior before staff, then rubric order; each as "text — why".
//!
//! Pure: no I/O, no clock.

use crate::catalog::{Design, Item, Level, Phase};

use super::{ItemVerdict, PhaseScore, Scorecard};

/// Points off the overall score per hint used. The rule: a hint costs at least the share of the
/// score of the item it makes easy. A hint points at about one item, and no built-in item carries
/// more than 5.5% of its rubric's weight (checked by a test over every design), so asking for a
/// hint never pays for itself.
pub const HINT_COST: f64 = 6.0;
/// The most the hints can cost in all (five hints).
pub const HINT_CAP: f64 = 30.0;

/// Verdict thresholds on the overall score (strong hire, hire, lean no hire).
pub const STRONG_HIRE: f64 = 80.0;
pub const HIRE: f64 = 60.0;
pub const LEAN_NO_HIRE: f64 = 40.0;

/// One item as judged by a grader. `counted` is false for an item the self-scorer skipped.
#[derive(Debug, Clone)]
pub struct Judged<'d> {
    pub item: &'d Item,
    pub verdict: ItemVerdict,
    pub counted: bool,
}

/// `x` rounded to one decimal.
pub fn round1(x: f64) -> f64 {
    (x * 10.0).round() / 10.0
}

/// `part / whole` as a percentage with one decimal (0 when there is nothing to count).
pub fn percent(part: f64, whole: f64) -> f64 {
    if whole <= 0.0 { 0.0 } else { round1(part / whole * 100.0) }
}

/// The points `hints` hints cost.
pub fn hint_penalty(hints: u32) -> f64 {
    (f64::from(hints) * HINT_COST).min(HINT_CAP)
}

/// The verdict band for an overall score and the level shown.
pub fn verdict(score: f64, level: &str) -> &'static str {
    if score >= STRONG_HIRE && level != "mid" {
        "strong hire"
    } else if score >= HIRE {
        "hire"
    } else if score >= LEAN_NO_HIRE {
        "lean no hire"
    } else {
        "no hire"
    }
}

/// The level shown from the share (0–1) of each level's weight earned; `None` when the rubric has
/// no item of that level.
pub fn level(core: Option<f64>, senior: Option<f64>, staff: Option<f64>) -> &'static str {
    let core = core.unwrap_or(1.0);
    let senior_share = senior.unwrap_or(1.0);
    if core >= 0.7 && senior_share >= 0.7 && staff.is_some_and(|s| s >= 0.4) {
        "staff"
    } else if core >= 0.6 && senior_share >= 0.5 {
        "senior"
    } else {
        "mid"
    }
}

/// Build the scorecard from judged items (in rubric order).
pub fn assemble(
    design: &Design,
    grader: &str,
    judged: &[Judged<'_>],
    hints_used: u32,
    whole_answer: bool,
    mut warnings: Vec<String>,
) -> Scorecard {
    let earned = |j: &Judged<'_>| f64::from(j.item.weight) * j.verdict.credit;
    let mut phases = Vec::new();
    for phase in Phase::ALL {
        let of_phase: Vec<&Judged<'_>> = judged.iter().filter(|j| j.item.phase == phase).collect();
        let counted = of_phase.iter().filter(|j| j.counted);
        let (got, total) =
            counted.fold((0.0, 0.0), |(g, t), j| (g + earned(j), t + f64::from(j.item.weight)));
        phases.push(PhaseScore {
            phase,
            score: percent(got, total),
            items: of_phase.iter().map(|j| j.verdict.clone()).collect(),
        });
    }
    let (got, total) = judged
        .iter()
        .filter(|j| j.counted)
        .fold((0.0, 0.0), |(g, t), j| (g + earned(j), t + f64::from(j.item.weight)));
    let penalty = hint_penalty(hints_used);
    if hints_used > 0 {
        let s = if hints_used == 1 { "" } else { "s" };
        warnings.push(format!("{hints_used} hint{s} used: {penalty:.1} points off the overall score"));
    }
    let raw = if total > 0.0 { got / total * 100.0 } else { 0.0 };
    let score = round1((raw - penalty).max(0.0));
    let share = |level: Level| {
        let (g, t) = judged
            .iter()
            .filter(|j| j.counted && j.item.level == level)
            .fold((0.0, 0.0), |(g, t), j| (g + earned(j), t + f64::from(j.item.weight)));
        (t > 0.0).then(|| g / t)
    };
    let level = level(share(Level::Core), share(Level::Senior), share(Level::Staff));
    Scorecard {
        design: design.id().to_string(),
        grader: grader.to_string(),
        score,
        verdict: verdict(score, level).to_string(),
        level: level.to_string(),
        warnings,
        phases,
        whole_answer,
        hints_used,
        next: next(judged),
        rubric_version: design.rubric.version,
        graded_at: None,
        model: None,
        feedback: None,
    }
}

/// The three things to work on next: the counted items with the most weight left unearned.
fn next(judged: &[Judged<'_>]) -> Vec<String> {
    let mut open: Vec<(usize, &Judged<'_>)> =
        judged.iter().enumerate().filter(|(_, j)| j.counted && j.verdict.credit < 1.0).collect();
    open.sort_by(|(ia, a), (ib, b)| {
        let lost = |j: &Judged<'_>| f64::from(j.item.weight) * (1.0 - j.verdict.credit);
        lost(b).total_cmp(&lost(a)).then(a.item.level.cmp(&b.item.level)).then(ia.cmp(ib))
    });
    open.into_iter().take(3).map(|(_, j)| format!("{} — {}", j.item.text.trim(), j.item.why.trim())).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bands_follow_the_documented_thresholds() {
        assert_eq!(verdict(80.0, "senior"), "strong hire");
        assert_eq!(verdict(95.0, "mid"), "hire", "a strong hire must show at least senior");
        assert_eq!(verdict(79.9, "staff"), "hire");
        assert_eq!(verdict(60.0, "mid"), "hire");
        assert_eq!(verdict(59.9, "mid"), "lean no hire");
        assert_eq!(verdict(40.0, "mid"), "lean no hire");
        assert_eq!(verdict(39.9, "senior"), "no hire");
    }

    #[test]
    fn levels_need_the_shares_the_doc_states() {
        assert_eq!(level(Some(0.9), Some(0.8), Some(0.5)), "staff");
        assert_eq!(level(Some(0.9), Some(0.6), Some(0.9)), "senior", "staff needs most senior items");
        assert_eq!(level(Some(0.9), Some(0.9), Some(0.3)), "senior");
        assert_eq!(level(Some(0.9), Some(0.9), None), "senior", "no staff items: staff is out of reach");
        assert_eq!(level(Some(0.5), Some(0.9), Some(0.9)), "mid", "core first");
        assert_eq!(level(Some(0.7), Some(0.4), None), "mid");
    }

    #[test]
    fn hints_cost_six_points_each_up_to_thirty() {
        assert!((hint_penalty(0) - 0.0).abs() < f64::EPSILON);
        assert!((hint_penalty(3) - 18.0).abs() < f64::EPSILON);
        assert!((hint_penalty(40) - HINT_CAP).abs() < f64::EPSILON);
    }

    #[test]
    fn percentages_round_to_one_decimal() {
        assert!((percent(2.0, 3.0) - 66.7).abs() < 1e-9);
        assert!((percent(0.0, 0.0)).abs() < 1e-9);
        assert!((percent(5.0, 5.0) - 100.0).abs() < 1e-9);
    }
}
