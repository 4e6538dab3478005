//! The interviewer's prompts, as written in `prompts/<id>.md`:
//!
//! ```markdown
//! # Title
//! The scenario, as the interviewer opens it.
//! ## Requirements
//! The phase prompt.
//! ### Hints
//! - a nudge
//! - a stronger nudge
//! ## High-level design
//! …
//! ```

use std::collections::BTreeMap;

use super::{CatalogError, Phase};

/// A phase's prompt and its hint ladder (mildest first).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PhasePrompt {
    pub text: String,
    pub hints: Vec<String>,
}

/// All prompts of a design.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Prompt {
    pub title: String,
    pub scenario: String,
    pub phases: BTreeMap<Phase, PhasePrompt>,
}

impl Prompt {
    pub fn phase(&self, phase: Phase) -> &PhasePrompt {
        static EMPTY: PhasePrompt = PhasePrompt { text: String::new(), hints: Vec::new() };
        self.phases.get(&phase).unwrap_or(&EMPTY)
    }

    pub fn parse(text: &str, file: &str) -> Result<Self, CatalogError> {
        let mut prompt = Prompt::default();
        let mut current: Option<Phase> = None;
        let mut in_hints = false;
        let mut scenario = String::new();
        for line in text.lines() {
            if let Some(title) = line.strip_prefix("# ") {
                prompt.title = title.trim().to_string();
                continue;
            }
            if let Some(h) = line.strip_prefix("## ") {
                let phase = Phase::from_heading(h).ok_or_else(|| CatalogError::Invalid {
                    file: file.to_string(),
                    message: format!("heading '## {}' is not a phase (Requirements, High-level design, Deep dive, Trade-offs)", h.trim()),
                })?;
                current = Some(phase);
                in_hints = false;
                prompt.phases.entry(phase).or_default();
                continue;
            }
            if let Some(h) = line.strip_prefix("### ") {
                if h.trim().eq_ignore_ascii_case("hints") {
                    in_hints = true;
                    continue;
                }
            }
            match current {
                None => {
                    scenario.push_str(line);
                    scenario.push('\n');
                }
                Some(phase) => {
                    let entry = prompt.phases.entry(phase).or_default();
                    if in_hints {
                        let t = line.trim();
                        if let Some(hint) = t.strip_prefix("- ").or_else(|| t.strip_prefix("* ")) {
                            entry.hints.push(hint.trim().to_string());
                        } else if !t.is_empty() {
                            if let Some(last) = entry.hints.last_mut() {
                                last.push(' ');
                                last.push_str(t);
                            }
                        }
                    } else {
                        entry.text.push_str(line);
                        entry.text.push('\n');
                    }
                }
            }
        }
        prompt.scenario = scenario.trim().to_string();
        for p in prompt.phases.values_mut() {
            p.text = p.text.trim().to_string();
        }
        let missing: Vec<&str> =
            Phase::ALL.iter().filter(|p| prompt.phase(**p).text.is_empty()).map(|p| p.title()).collect();
        if !missing.is_empty() {
            return Err(CatalogError::Invalid {
                file: file.to_string(),
                message: format!("missing phase prompt(s): {}", missing.join(", ")),
            });
        }
        Ok(prompt)
    }
}
