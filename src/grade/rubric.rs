//! The rubric grader: offline and deterministic. (A first version: exact phrase matching.
//! Replaced by the full matcher in the grading work.)

use crate::catalog::{Design, Item, Phase};

use super::{Answers, Grader, ItemVerdict, PhaseScore, Scorecard};

pub struct RubricGrader;

impl Grader for RubricGrader {
    fn name(&self) -> &'static str {
        "rubric"
    }

    fn grade(&self, design: &Design, answers: &Answers) -> Scorecard {
        let mut phases = Vec::new();
        let mut earned = 0.0;
        let mut total = 0.0;
        for phase in Phase::ALL {
            let text = answers.text(phase).to_lowercase();
            let mut p_earned = 0.0;
            let mut p_total = 0.0;
            let items = design
                .items(phase)
                .map(|item| {
                    let hit = item.concepts.iter().any(|c| text.contains(&c.to_lowercase()));
                    p_total += f64::from(item.weight);
                    if hit {
                        p_earned += f64::from(item.weight);
                    }
                    ItemVerdict {
                        id: item.id.clone(),
                        covered: hit,
                        credit: if hit { 1.0 } else { 0.0 },
                        evidence: None,
                        comment: None,
                    }
                })
                .collect();
            earned += p_earned;
            total += p_total;
            phases.push(PhaseScore { phase, score: pct(p_earned, p_total), items });
        }
        let score = pct(earned, total);
        Scorecard {
            design: design.id().to_string(),
            grader: "rubric".into(),
            score,
            verdict: if score >= 60.0 { "hire" } else { "no hire" }.into(),
            level: "mid".into(),
            warnings: Vec::new(),
            phases,
            whole_answer: answers.whole,
            hints_used: answers.hints_used,
            next: Vec::new(),
            rubric_version: design.rubric.version,
            graded_at: None,
            model: None,
            feedback: None,
        }
    }
}

fn pct(a: f64, b: f64) -> f64 {
    if b <= 0.0 { 0.0 } else { (a / b * 1000.0).round() / 10.0 }
}

/// Items of `phase` not covered by `text`, heaviest first.
pub fn missing<'d>(design: &'d Design, phase: Phase, text: &str) -> Vec<&'d Item> {
    let lower = text.to_lowercase();
    let mut out: Vec<&Item> = design
        .items(phase)
        .filter(|i| !i.concepts.iter().any(|c| lower.contains(&c.to_lowercase())))
        .collect();
    out.sort_by_key(|i| std::cmp::Reverse(i.weight));
    out
}
