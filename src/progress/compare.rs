//! Two graded attempts side by side: the score delta, the rubric items gained and lost, and time
//! use per phase. Pure: the command resolves and loads the sessions and passes them in.

use chrono::{DateTime, Utc};
use serde::Serialize;
use thiserror::Error;

use super::{Designs, grade, newest_first, round1};
use crate::catalog::{Design, Phase};
use crate::model::{Status, Transcript};

/// What `compare --json` prints (a contract with scripts: `a`, `b`, `delta`). `a` is always the
/// earlier attempt and `b` the later, whatever order they were named in, so `delta` = `b` − `a`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Comparison {
    pub a: Side,
    pub b: Side,
    /// The later score minus the earlier, one decimal.
    pub delta: f64,
    /// Both attempts answer the same design (otherwise no items are compared).
    pub same_design: bool,
    /// Items covered in the later attempt but not the earlier.
    pub gained: Vec<ItemChange>,
    /// Items covered in the earlier attempt but not the later.
    pub lost: Vec<ItemChange>,
    /// Score and time per phase, in phase order.
    pub phases: Vec<PhaseRow>,
}

/// One attempt's summary.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Side {
    pub id: String,
    pub design: String,
    pub title: String,
    pub started_at: DateTime<Utc>,
    pub status: Status,
    pub grader: String,
    pub score: f64,
    pub verdict: String,
    pub used_secs: f64,
    pub minutes: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ItemChange {
    pub id: String,
    pub phase: Phase,
    pub category: String,
    pub text: String,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PhaseRow {
    pub phase: Phase,
    pub a: Option<PhaseSide>,
    pub b: Option<PhaseSide>,
}

/// One attempt's phase: its score (if graded) and the time it took against its budget.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PhaseSide {
    pub score: Option<f64>,
    pub used_secs: f64,
    pub budget_secs: f64,
}

#[derive(Debug, Error, PartialEq, Eq)]
pub enum CompareError {
    #[error("session {0} has no grade yet")]
    NotGraded(String),
    #[error("both sides are the same session ({0})")]
    Same(String),
}

/// The newest session with a grade.
pub fn latest_graded(transcripts: &[Transcript]) -> Option<&Transcript> {
    newest_first(transcripts).into_iter().find(|t| grade(t).is_some())
}

/// The newest graded attempt at `of`'s design that started before it.
pub fn previous_attempt<'t>(transcripts: &'t [Transcript], of: &Transcript) -> Option<&'t Transcript> {
    newest_first(transcripts).into_iter().find(|t| {
        t.design == of.design
            && t.id != of.id
            && (t.started_at, &t.id) < (of.started_at, &of.id)
            && grade(t).is_some()
    })
}

/// Compare two graded attempts (in either order).
pub fn compare(x: &Transcript, y: &Transcript, designs: &[Design]) -> Result<Comparison, CompareError> {
    if x.id == y.id {
        return Err(CompareError::Same(x.id.clone()));
    }
    let (earlier, later) = if (x.started_at, &x.id) <= (y.started_at, &y.id) { (x, y) } else { (y, x) };
    let card_a = grade(earlier).ok_or_else(|| CompareError::NotGraded(earlier.id.clone()))?;
    let card_b = grade(later).ok_or_else(|| CompareError::NotGraded(later.id.clone()))?;
    let lookup = Designs::new(designs);
    let side = |t: &Transcript| {
        let card = grade(t).expect("checked above");
        Side {
            id: t.id.clone(),
            design: t.design.clone(),
            title: t.design_title.clone(),
            started_at: t.started_at,
            status: t.status,
            grader: card.grader.clone(),
            score: card.score,
            verdict: card.verdict.clone(),
            used_secs: t.used_secs(),
            minutes: t.minutes,
        }
    };

    let same_design = earlier.design == later.design;
    let covered = |card: &crate::grade::Scorecard, id: &str| card.items().any(|v| v.id == id && v.covered);
    let change = |design: &str, phase: Phase, id: &str| {
        let info = lookup.item(design, id, phase);
        ItemChange {
            id: id.into(),
            phase: info.phase,
            category: info.category.into(),
            text: info.text.into(),
        }
    };
    let (mut gained, mut lost) = (Vec::new(), Vec::new());
    if same_design {
        for p in &card_b.phases {
            for v in p.items.iter().filter(|v| v.covered && !covered(card_a, &v.id)) {
                gained.push(change(&later.design, p.phase, &v.id));
            }
        }
        for p in &card_a.phases {
            for v in p.items.iter().filter(|v| v.covered && !covered(card_b, &v.id)) {
                lost.push(change(&earlier.design, p.phase, &v.id));
            }
        }
    }

    let phase_side = |t: &Transcript, card: &crate::grade::Scorecard, phase: Phase| {
        t.phase(phase).map(|rec| PhaseSide {
            score: card.phase(phase).map(|p| p.score),
            used_secs: rec.used_secs,
            budget_secs: rec.budget_secs,
        })
    };
    let phases = Phase::ALL
        .iter()
        .map(|&phase| PhaseRow {
            phase,
            a: phase_side(earlier, card_a, phase),
            b: phase_side(later, card_b, phase),
        })
        .collect();

    Ok(Comparison {
        a: side(earlier),
        b: side(later),
        delta: round1(card_b.score - card_a.score),
        same_design,
        gained,
        lost,
        phases,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::progress::fixture::{designs, session};

    #[test]
    fn delta_is_later_minus_earlier_whatever_the_order_given() {
        let ds = designs(&["whatsapp"]);
        let old = session("whatsapp", 5, Some(45.2), &["req", "dd"]);
        let new = session("whatsapp", 1, Some(78.4), &["req", "hld", "to"]);
        for (x, y) in [(&old, &new), (&new, &old)] {
            let c = compare(x, y, &ds).unwrap();
            assert_eq!(c.a.id, old.id);
            assert_eq!(c.b.id, new.id);
            assert!((c.delta - 33.2).abs() < 1e-9, "{}", c.delta);
            let gained: Vec<&str> = c.gained.iter().map(|i| i.id.as_str()).collect();
            let lost: Vec<&str> = c.lost.iter().map(|i| i.id.as_str()).collect();
            assert_eq!(gained, ["whatsapp-hld", "whatsapp-to"]);
            assert_eq!(lost, ["whatsapp-dd"]);
            assert_eq!(c.lost[0].text, "whatsapp dd text");
            assert_eq!(c.lost[0].category, "consistency");
        }
    }

    #[test]
    fn time_per_phase_is_shown_for_both_sides() {
        let ds = designs(&["whatsapp"]);
        let mut old = session("whatsapp", 5, Some(40.0), &[]);
        old.phases[2].used_secs = 1200.0;
        let new = session("whatsapp", 1, Some(60.0), &[]);
        let c = compare(&old, &new, &ds).unwrap();
        let dd = &c.phases[Phase::DeepDive.index()];
        assert!((dd.a.as_ref().unwrap().used_secs - 1200.0).abs() < 1e-9);
        assert!((dd.b.as_ref().unwrap().used_secs - 420.0).abs() < 1e-9);
        assert!((dd.a.as_ref().unwrap().budget_secs - 600.0).abs() < 1e-9);
    }

    #[test]
    fn different_designs_compare_scores_but_not_items() {
        let ds = designs(&["whatsapp", "search"]);
        let a = session("whatsapp", 5, Some(40.0), &["req"]);
        let b = session("search", 1, Some(60.0), &["hld"]);
        let c = compare(&a, &b, &ds).unwrap();
        assert!(!c.same_design);
        assert!(c.gained.is_empty() && c.lost.is_empty());
        assert!((c.delta - 20.0).abs() < 1e-9);
    }

    #[test]
    fn an_ungraded_or_repeated_session_cannot_be_compared() {
        let ds = designs(&["whatsapp"]);
        let graded = session("whatsapp", 5, Some(40.0), &[]);
        let open = session("whatsapp", 1, None, &[]);
        assert_eq!(compare(&graded, &open, &ds), Err(CompareError::NotGraded(open.id.clone())));
        assert_eq!(compare(&graded, &graded, &ds), Err(CompareError::Same(graded.id.clone())));
    }

    #[test]
    fn the_previous_attempt_is_the_newest_graded_one_before_at_the_same_design() {
        let ts = vec![
            session("whatsapp", 9, Some(30.0), &[]),
            session("whatsapp", 6, Some(40.0), &[]),
            session("search", 5, Some(50.0), &[]),
            session("whatsapp", 4, None, &[]),
            session("whatsapp", 2, Some(60.0), &[]),
            session("whatsapp", 1, None, &[]),
        ];
        let latest = latest_graded(&ts).unwrap();
        assert_eq!(latest.id, ts[4].id, "the newest session with a grade");
        assert_eq!(previous_attempt(&ts, latest).unwrap().id, ts[1].id);
        assert_eq!(previous_attempt(&ts, &ts[0]), None);
        assert_eq!(previous_attempt(&ts, &ts[2]), None, "no other search attempt");
    }
}
