//! Checks beyond parsing: what `mockdesign validate` reports and the test suite enforces on every
//! built-in design. Problems are plain strings naming the item, so a rubric author can fix them.

use std::collections::HashSet;

use super::{Design, Phase};

/// Everything wrong with a design; empty when it is fine.
pub fn problems(design: &Design) -> Vec<String> {
    let r = &design.rubric;
    let mut out = Vec::new();
    let mut seen = HashSet::new();
    for item in &r.items {
        if !seen.insert(item.id.as_str()) {
            out.push(format!("duplicate item id '{}'", item.id));
        }
        if item.concepts.is_empty() {
            out.push(format!("item '{}' has no concepts", item.id));
        }
        if item.concepts.iter().any(|c| c.trim().is_empty()) {
            out.push(format!("item '{}' has an empty concept", item.id));
        }
        if item.probe.trim().is_empty() {
            out.push(format!("item '{}' has no probe", item.id));
        }
        if !(1..=5).contains(&item.weight) {
            out.push(format!("item '{}' has weight {} (must be 1–5)", item.id, item.weight));
        }
        if let Some(e) = &item.estimate {
            if !(e.min > 0.0 && e.min <= e.max && e.max.is_finite()) {
                out.push(format!("item '{}' has a bad estimate range {}..{}", item.id, e.min, e.max));
            }
        }
    }
    for phase in Phase::ALL {
        if design.items(phase).next().is_none() {
            out.push(format!("phase {phase} has no items"));
        }
    }
    for phase in Phase::ALL {
        let b = r.budget.minutes(phase);
        if !(b > 0.0 && b.is_finite()) {
            out.push(format!("budget for {phase} must be a positive number of minutes"));
        }
    }
    out
}
