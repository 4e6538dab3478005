//! Grading the requirement change: did the answer to the curveball change the design the way the
//! change demands? The curveball's own text and concepts become a one-item rubric, and the rubric
//! grader (through the [`Grader`] trait, so it keeps working whatever the matcher becomes) judges
//! the curveball answer alone against it. The deep-dive answer before the change cannot earn it.
//!
//! Pure: a transcript and a design in, a [`CurveballGrade`] out.

use serde::{Deserialize, Serialize};

use super::{Answers, Grader, PhaseAnswer};
use crate::catalog::{Curveball, Design, Item, Level, Phase, Rubric};
use crate::model::{CurveballRecord, Transcript};

/// How the candidate handled the requirement change (the scorecard's `curveball`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CurveballGrade {
    pub id: String,
    /// A short name for the change ("Retention", "Region down").
    pub title: String,
    /// What the interviewer said.
    pub text: String,
    /// The answer addresses the change (as a rubric item would be covered).
    pub handled: bool,
    /// 0.0–1.0, as for a rubric item.
    pub credit: f64,
    /// The sentence of the curveball answer that showed it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub evidence: Option<String>,
    /// Why it counts as handled or missed, in a sentence.
    pub because: String,
}

/// The id of the one item of a curveball's rubric.
const ITEM: &str = "curveball";

/// A short name for a curveball: its id in words ("new-year-spike" → "New year spike").
pub fn title(id: &str) -> String {
    let words = id.replace(['-', '_'], " ");
    let mut chars = words.trim().chars();
    chars.next().map_or_else(String::new, |c| c.to_uppercase().chain(chars).collect())
}

/// The curveball as a one-item rubric of `design`: its text is the item, its concepts recognise it.
fn as_design(design: &Design, cb: &Curveball) -> Design {
    let item = Item {
        id: ITEM.to_string(),
        phase: Phase::DeepDive,
        text: cb.text.trim().to_string(),
        why: cb.why.clone().unwrap_or_else(|| {
            "A requirement change tests whether the design bends without breaking.".to_string()
        }),
        weight: 1,
        level: cb.level.unwrap_or(Level::Senior),
        category: "requirement-change".to_string(),
        concepts: cb.concepts.clone(),
        probe: String::new(),
        hint: String::new(),
        estimate: None,
        mechanism: Vec::new(),
        pitfalls: Vec::new(),
    };
    let rubric = Rubric {
        id: design.rubric.id.clone(),
        title: design.rubric.title.clone(),
        summary: String::new(),
        version: design.rubric.version,
        aliases: Vec::new(),
        budget: design.rubric.budget,
        items: vec![item],
        facts: Vec::new(),
        curveballs: Vec::new(),
    };
    Design { rubric, ..design.clone() }
}

/// Grade the curveball a session was given, with `grader` (the rubric grader). `None` when the
/// session had no curveball or its design no longer knows it.
pub fn grade(grader: &dyn Grader, design: &Design, transcript: &Transcript) -> Option<CurveballGrade> {
    let record = transcript.phases.iter().find_map(|p| p.curveball.as_ref())?;
    let cb = design.rubric.curveballs.iter().find(|c| c.id == record.id)?;
    Some(grade_answer(grader, design, cb, record))
}

fn grade_answer(
    grader: &dyn Grader,
    design: &Design,
    cb: &Curveball,
    record: &CurveballRecord,
) -> CurveballGrade {
    let one = as_design(design, cb);
    let answers = Answers {
        phases: Phase::ALL
            .iter()
            .map(|&phase| PhaseAnswer {
                phase,
                text: if phase == Phase::DeepDive { record.answer.clone() } else { String::new() },
            })
            .collect(),
        whole: false,
        hints_used: 0,
    };
    let card = grader.grade(&one, &answers);
    let verdict = card.item(ITEM);
    let (handled, credit, evidence) =
        verdict.map_or((false, 0.0, None), |v| (v.covered, v.credit, v.evidence.clone()));
    let named = |n: usize| {
        cb.concepts
            .iter()
            .take(n)
            .map(|c| c.replace(" + ", " and ").replace('+', " and "))
            .collect::<Vec<_>>()
    };
    let because = if record.answer.trim().is_empty() {
        "the change got no answer — say what changes in the design before moving on".to_string()
    } else if handled {
        "your answer to it changed the design where the change bites".to_string()
    } else if credit > 0.0 {
        format!(
            "it named what the change needs without saying how the design does it (e.g. {})",
            named(3).join(", ")
        )
    } else {
        format!("your answer to it did not change the design where it bites (e.g. {})", named(3).join(", "))
    };
    CurveballGrade {
        id: cb.id.clone(),
        title: title(&cb.id),
        text: cb.text.trim().to_string(),
        handled,
        credit,
        evidence,
        because,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::Catalog;
    use crate::grade::rubric::RubricGrader;

    fn with_curveball(answer: &str) -> (Design, Transcript) {
        let d = Catalog::builtin().find("whatsapp").unwrap().clone();
        let mut t = Transcript::begin(&d, "t".into(), chrono::DateTime::UNIX_EPOCH, 45.0);
        let cb = d.rubric.curveballs.iter().find(|c| c.id == "retention").unwrap().clone();
        let dd = t.phase_mut(Phase::DeepDive).unwrap();
        dd.answer = "Messages are archived to cold storage for seven years.".into();
        dd.curveball =
            Some(CurveballRecord { id: cb.id, text: cb.text, at_secs: 300.0, answer: answer.into() });
        (d, t)
    }

    #[test]
    fn an_answer_that_changes_the_design_handles_the_curveball_with_evidence() {
        let (d, t) = with_curveball(
            "Business chats get a retention policy: each message is copied to an archive in cold storage \
             because audits need seven years, encrypted with a per-business key we escrow.",
        );
        let g = grade(&RubricGrader, &d, &t).expect("graded");
        assert_eq!(g.title, "Retention");
        assert!(g.handled, "{g:?}");
        assert!(g.evidence.as_deref().is_some_and(|e| e.contains("cold storage")), "{g:?}");
    }

    #[test]
    fn the_deep_dive_answer_before_the_change_does_not_earn_it() {
        let (d, t) = with_curveball("We'd think about it later.");
        let g = grade(&RubricGrader, &d, &t).expect("graded");
        assert!(!g.handled, "only the answer to the change counts: {g:?}");
        assert!(g.because.contains("did not change the design"), "{}", g.because);
        let (d, t) = with_curveball("");
        assert!(grade(&RubricGrader, &d, &t).unwrap().because.contains("no answer"));
    }

    #[test]
    fn a_session_without_a_curveball_has_no_curveball_grade() {
        let d = Catalog::builtin().find("whatsapp").unwrap().clone();
        let t = Transcript::begin(&d, "t".into(), chrono::DateTime::UNIX_EPOCH, 45.0);
        assert!(grade(&RubricGrader, &d, &t).is_none());
        assert_eq!(title("new-year-spike"), "New year spike");
    }
}
