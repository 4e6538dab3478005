//! Written answers: a Markdown file whose headings name the phases (PRODUCT.md, "Written answers").
//! A file with no phase headings is graded as a whole against every phase: its text is held once
//! and [`Answers::text`] gives it for every phase.

use serde::{Deserialize, Serialize};

use crate::catalog::Phase;

/// What the candidate said in one phase: the answer plus follow-up and curveball answers.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PhaseAnswer {
    pub phase: Phase,
    pub text: String,
}

/// Everything to grade.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Answers {
    /// What was said, phase by phase ([`Answers::said`]). A whole answer is one entry, the first
    /// phase's.
    pub phases: Vec<PhaseAnswer>,
    /// No phase headings: one text, graded against every phase.
    pub whole: bool,
    pub hints_used: u32,
}

impl Answers {
    /// An answer without phase headings: `text`, held once, graded against every phase.
    pub fn whole(text: String, hints_used: u32) -> Self {
        Self { phases: vec![PhaseAnswer { phase: Phase::Requirements, text }], whole: true, hints_used }
    }

    /// The text to grade for `phase`: what was said in it, or the whole answer (empty when nothing
    /// was said).
    pub fn text(&self, phase: Phase) -> &str {
        self.said(if self.whole { Phase::Requirements } else { phase })
    }

    /// What was said in `phase` itself: a whole answer is all said in the first phase.
    pub fn said(&self, phase: Phase) -> &str {
        self.phases.iter().find(|p| p.phase == phase).map_or("", |p| p.text.as_str())
    }

    /// Split a Markdown answer by its phase headings (any level, `#`–`######`, case-insensitive,
    /// common variants; only a heading that names a phase, never a `#` line inside a code fence). Text before the first phase heading belongs to requirements. Repeated
    /// headings of one phase are joined.
    pub fn from_markdown(md: &str) -> Self {
        let without_comments = strip_comments(md);
        let md = without_comments.as_str();
        let mut texts: [String; 4] = Default::default();
        let mut current: Option<Phase> = None;
        let mut preamble = String::new();
        let mut any_heading = false;
        let mut fence: Option<&str> = None;
        for line in md.lines() {
            let trimmed = line.trim_start();
            // Lines inside a code fence are never headings (`# comment` in a code sample).
            if let Some(f) = fence {
                if trimmed.starts_with(f) {
                    fence = None;
                }
            } else if trimmed.starts_with("```") || trimmed.starts_with("~~~") {
                fence = Some(&trimmed[..3]);
            } else if trimmed.starts_with('#') {
                let heading = trimmed.trim_start_matches('#').trim();
                if let Some(phase) = Phase::from_heading(heading) {
                    current = Some(phase);
                    any_heading = true;
                    continue;
                }
            }
            if let Some(p) = current {
                texts[p.index()].push_str(line);
                texts[p.index()].push('\n');
            } else {
                preamble.push_str(line);
                preamble.push('\n');
            }
        }
        if !any_heading {
            return Self::whole(preamble.trim().to_string(), 0);
        }
        if !preamble.trim().is_empty() {
            texts[0] = format!("{}\n{}", preamble.trim(), texts[0]);
        }
        Self {
            phases: Phase::ALL
                .iter()
                .map(|&phase| PhaseAnswer { phase, text: texts[phase.index()].trim().to_string() })
                .collect(),
            whole: false,
            hints_used: 0,
        }
    }
}

/// `md` without HTML comments (`<!-- … -->`, which Markdown never shows): a note to oneself or a
/// passage marker is not part of the answer.
fn strip_comments(md: &str) -> String {
    let mut out = String::with_capacity(md.len());
    let mut rest = md;
    while let Some(start) = rest.find("<!--") {
        out.push_str(&rest[..start]);
        match rest[start..].find("-->") {
            Some(end) => rest = &rest[start + end + 3..],
            None => {
                rest = "";
            }
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headings_split_phases_with_variants() {
        let a = Answers::from_markdown(
            "# Requirements\nusers\n## HLD\nboxes\n### Deep Dive\nshards\n# Tradeoffs\ncost\n",
        );
        assert!(!a.whole);
        assert_eq!(a.text(Phase::Requirements), "users");
        assert_eq!(a.text(Phase::HighLevel), "boxes");
        assert_eq!(a.text(Phase::DeepDive), "shards");
        assert_eq!(a.text(Phase::TradeOffs), "cost");
    }

    #[test]
    fn only_headings_that_name_a_phase_switch_and_never_inside_code() {
        let a = Answers::from_markdown(
            "## Requirements\nusers\n### Bad solution: requirements first\nstill reqs\n## 2. Deep dive (10 min)\n```\n# Trade-offs\n```\nshards\n",
        );
        assert!(a.text(Phase::Requirements).contains("still reqs"));
        assert!(a.text(Phase::DeepDive).contains("# Trade-offs"), "{a:?}");
        assert_eq!(a.text(Phase::TradeOffs), "");
        for not_a_phase in [
            "Architecture of the ranking service",
            "Non-functional requirements notes",
            "Bad solution: sharding",
        ] {
            assert_eq!(Phase::from_heading(not_a_phase), None, "{not_a_phase}");
        }
        for (h, p) in [
            ("HLD", Phase::HighLevel),
            ("Phase 3: Deep Dive", Phase::DeepDive),
            ("TRADEOFFS", Phase::TradeOffs),
            ("1. Requirements", Phase::Requirements),
            ("Deep dive: ordering", Phase::DeepDive),
        ] {
            assert_eq!(Phase::from_heading(h), Some(p), "{h}");
        }
    }

    #[test]
    fn html_comments_are_not_part_of_the_answer() {
        let a = Answers::from_markdown(
            "## Deep dive\n<!-- items: dd-x -->\nWe shard.<!-- note\nspanning lines --> Done.\n",
        );
        assert_eq!(a.text(Phase::DeepDive), "We shard. Done.");
    }

    #[test]
    fn no_headings_is_graded_as_a_whole() {
        let a = Answers::from_markdown("just some text\nabout queues");
        assert!(a.whole);
        assert_eq!(a.text(Phase::DeepDive), "just some text\nabout queues");
        assert_eq!(a.said(Phase::Requirements), "just some text\nabout queues", "said once");
        assert_eq!(a.said(Phase::DeepDive), "");
    }
}
