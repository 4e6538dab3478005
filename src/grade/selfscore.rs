//! Self-scoring: the candidate's own ticks against the checklist, and the calibration between
//! their ticks and the rubric grader's verdicts.
//!
//! - A tick `y` earns the item's full weight, `n` nothing. A skipped item (`s`, or no answer) is
//!   left out of the sums: it neither helps nor hurts, so "all ticked" is 100 and "none ticked"
//!   is 0 whatever was skipped. When every item is skipped the score is 0 with a warning.
//! - The scorecard has grader `self` and uses the same arithmetic as the rubric grader (phase and
//!   overall scores, hint cost, verdict band, level, next) from [`super::verdict`].
//! - Calibration compares each ticked (not skipped) item with the rubric grader's verdict on the
//!   typed answer: the grader "covers" an item only with full credit (a bare-list mention does not
//!   count). Ticking an item the grader did not find is over-confidence; leaving one the grader
//!   found is under-confidence. Both are totalled per category.
//!
//! Pure: no I/O.

use serde::{Deserialize, Serialize};

use super::verdict::{self, Judged};
use super::{ItemVerdict, Scorecard};
use crate::catalog::{Design, Phase};
use crate::model::SelfTick;

/// The candidate's scorecard from their ticks. Ticks for unknown items are ignored; items with no
/// tick count as skipped.
pub fn scorecard(design: &Design, ticks: &[SelfTick], hints_used: u32) -> Scorecard {
    let tick = |id: &str| ticks.iter().find(|t| t.id == id).and_then(|t| t.covered);
    let judged: Vec<Judged<'_>> = design
        .rubric
        .items
        .iter()
        .map(|item| {
            let t = tick(&item.id);
            Judged {
                item,
                verdict: ItemVerdict {
                    id: item.id.clone(),
                    covered: t == Some(true),
                    named: false,
                    credit: if t == Some(true) { 1.0 } else { 0.0 },
                    evidence: None,
                    comment: match t {
                        Some(true) => Some("you ticked it".into()),
                        Some(false) => Some("you left it unticked".into()),
                        None => Some("skipped".into()),
                    },
                },
                counted: t.is_some(),
            }
        })
        .collect();
    let mut warnings = Vec::new();
    let skipped = judged.iter().filter(|j| !j.counted).count();
    if skipped == judged.len() && !judged.is_empty() {
        warnings.push("every item was skipped, so there is nothing to score".to_string());
    } else if skipped > 0 {
        let s = if skipped == 1 { "" } else { "s" };
        warnings.push(format!("{skipped} item{s} skipped and left out of the score"));
    }
    verdict::assemble(design, "self", &judged, hints_used, false, warnings)
}

/// Where the candidate and the rubric grader agree and disagree.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Calibration {
    /// Every item the candidate ticked or unticked (skipped items are left out), in rubric order.
    pub items: Vec<ItemCalibration>,
    /// Per category, in order of first appearance in the rubric.
    pub categories: Vec<CategoryCalibration>,
    /// Share of compared items where both agree, 0–100 with one decimal (0 when none compared).
    pub agreement: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ItemCalibration {
    pub id: String,
    pub phase: Phase,
    pub category: String,
    /// The candidate's tick.
    pub yours: bool,
    /// The rubric grader found it (full credit).
    pub grader: bool,
}

impl ItemCalibration {
    pub fn agrees(&self) -> bool {
        self.yours == self.grader
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CategoryCalibration {
    pub category: String,
    pub agree: u32,
    /// Ticked, but the grader did not find it.
    pub over: u32,
    /// Not ticked, but the grader found it.
    pub under: u32,
}

impl CategoryCalibration {
    /// `over-confident`, `under-confident`, `mixed` or `calibrated`.
    pub fn leaning(&self) -> &'static str {
        match (self.over, self.under) {
            (0, 0) => "calibrated",
            (o, u) if o > u => "over-confident",
            (o, u) if u > o => "under-confident",
            _ => "mixed",
        }
    }
}

/// Compare the candidate's ticks with the rubric grader's scorecard of the same session.
pub fn calibrate(design: &Design, ticks: &[SelfTick], grader: &Scorecard) -> Calibration {
    let found = |id: &str| grader.items().any(|v| v.id == id && v.covered);
    let mut items = Vec::new();
    let mut categories: Vec<CategoryCalibration> = Vec::new();
    for item in &design.rubric.items {
        let Some(yours) = ticks.iter().find(|t| t.id == item.id).and_then(|t| t.covered) else { continue };
        let c = ItemCalibration {
            id: item.id.clone(),
            phase: item.phase,
            category: item.category.clone(),
            yours,
            grader: found(&item.id),
        };
        let slot = if let Some(i) = categories.iter().position(|k| k.category == item.category) {
            &mut categories[i]
        } else {
            categories.push(CategoryCalibration {
                category: item.category.clone(),
                agree: 0,
                over: 0,
                under: 0,
            });
            categories.last_mut().expect("just pushed")
        };
        match (c.yours, c.grader) {
            (true, false) => slot.over += 1,
            (false, true) => slot.under += 1,
            _ => slot.agree += 1,
        }
        items.push(c);
    }
    let agree = items.iter().filter(|c| c.agrees()).count();
    Calibration { agreement: verdict::percent(agree as f64, items.len() as f64), items, categories }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::Catalog;

    fn design() -> Design {
        Catalog::builtin().find("whatsapp").expect("built-in whatsapp").clone()
    }

    fn ticks(design: &Design, f: impl Fn(usize) -> Option<bool>) -> Vec<SelfTick> {
        design
            .rubric
            .items
            .iter()
            .enumerate()
            .map(|(i, it)| SelfTick { id: it.id.clone(), covered: f(i) })
            .collect()
    }

    #[test]
    fn all_ticked_is_100_and_none_is_0() {
        let d = design();
        let all = scorecard(&d, &ticks(&d, |_| Some(true)), 0);
        assert!((all.score - 100.0).abs() < f64::EPSILON);
        assert_eq!(all.grader, "self");
        assert!(all.phases.iter().all(|p| (p.score - 100.0).abs() < f64::EPSILON));
        let none = scorecard(&d, &ticks(&d, |_| Some(false)), 0);
        assert!(none.score.abs() < f64::EPSILON);
        assert_eq!(none.verdict, "no hire");
    }

    #[test]
    fn skipped_items_leave_the_denominator() {
        let d = design();
        // Tick the first item, skip everything else: 100, not a fraction.
        let card = scorecard(&d, &ticks(&d, |i| (i == 0).then_some(true)), 0);
        assert!((card.score - 100.0).abs() < f64::EPSILON, "{}", card.score);
        assert!(card.warnings.iter().any(|w| w.contains("skipped")), "{:?}", card.warnings);
        let nothing = scorecard(&d, &ticks(&d, |_| None), 0);
        assert!(nothing.score.abs() < f64::EPSILON);
        assert!(nothing.warnings.iter().any(|w| w.contains("every item was skipped")));
    }

    #[test]
    fn hints_cost_the_self_scorer_too() {
        let d = design();
        let card = scorecard(&d, &ticks(&d, |_| Some(true)), 2);
        assert!((card.score - 88.0).abs() < 1e-9, "{}", card.score);
    }

    #[test]
    fn calibration_counts_over_and_under_confidence_by_category() {
        let d = design();
        let mut grader = scorecard(&d, &ticks(&d, |i| Some(i % 2 == 0)), 0);
        grader.grader = "rubric".into();
        // The candidate ticks everything: every odd item is over-confidence.
        let cal = calibrate(&d, &ticks(&d, |_| Some(true)), &grader);
        let n = d.rubric.items.len();
        assert_eq!(cal.items.len(), n);
        let over: u32 = cal.categories.iter().map(|c| c.over).sum();
        assert_eq!(over as usize, n / 2);
        assert!(cal.categories.iter().all(|c| c.under == 0));
        assert!(cal.categories.iter().any(|c| c.leaning() == "over-confident"));
        // Ticking nothing: every even item is under-confidence.
        let cal = calibrate(&d, &ticks(&d, |_| Some(false)), &grader);
        let under: u32 = cal.categories.iter().map(|c| c.under).sum();
        assert_eq!(under as usize, n.div_ceil(2));
        // Skipped items are not compared.
        let cal = calibrate(&d, &ticks(&d, |_| None), &grader);
        assert!(cal.items.is_empty());
        assert!(cal.agreement.abs() < f64::EPSILON);
    }
}
