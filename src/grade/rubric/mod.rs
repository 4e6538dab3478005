//! The rubric grader: offline, deterministic (same input, same score, always), every point backed
//! by a quote from the answer, and credit for what is **explained**, not what is named — in the
//! spirit of concept-based short-answer scoring (ETS c-rater: concepts, paraphrase and negation
//! handled explicitly) rather than keyword counting.
//!
//! Four stages, one file each:
//! 1. `compile`: a rubric and its design's prompt, read through the shared vocabulary
//!    (`lexicon/`, [`lexicon`]), once per distinct content.
//! 2. `analyse`: the answer cut into blocks and sentences; headings, questions, echoes of the
//!    interviewer and negated scopes marked.
//! 3. `matching`: where each item's concepts occur, and which occurrences are rejected.
//! 4. `judge`: explained (full credit), named (a small share, reported as "named, not
//!    explained"), or nothing; estimates checked against their reference range.
//!
//! An item is judged against the whole answer, whatever heading it sits under (headings only pick
//! the quote), so a headless answer grades like the same answer with headings; repeating text earns
//! nothing more. Scores, verdict bands and levels: [`super::verdict`].
//!
//! Never touches the terminal, the network, the disk or the clock.

mod analyse;
mod compile;
mod judge;
pub mod lexicon;
mod matching;

use std::ops::Range;
use std::sync::{Arc, Mutex, OnceLock};

use crate::catalog::{Design, Item, Phase};

use super::verdict::{self, Judged};
use super::{Answers, Grader, Scorecard};

pub use compile::{CompiledRubric, rewards_asking};
pub use judge::{BRIEF_CREDIT, DEPTH_MIN, NAMED_CREDIT, SUPPORT_MIN, UNITLESS_CREDIT};
pub use matching::MAX_FILLER;

/// The grader users get by default.
pub struct RubricGrader;

impl Grader for RubricGrader {
    fn grade(&self, design: &Design, answers: &Answers) -> Scorecard {
        compiled(design).grade(design, answers)
    }
}

/// The compiled form of `design`'s rubric, built once per distinct content and shared.
pub fn compiled(design: &Design) -> Arc<CompiledRubric> {
    static CACHE: OnceLock<Mutex<Vec<Arc<CompiledRubric>>>> = OnceLock::new();
    let key = compile::content_key(design);
    let cache = CACHE.get_or_init(|| Mutex::new(Vec::new()));
    let mut cache = cache.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
    if let Some(c) = cache.iter().find(|c| c.key == key) {
        return Arc::clone(c);
    }
    let c = Arc::new(CompiledRubric::new(design));
    if cache.len() >= 64 {
        cache.remove(0);
    }
    cache.push(Arc::clone(&c));
    c
}

/// An item still to ask about in a phase: missing, named without being explained, or done a
/// known wrong way.
#[derive(Debug, Clone)]
pub struct Gap<'d> {
    pub item: &'d Item,
    /// The candidate's words for it, when it was named but not explained.
    pub named_as: Option<String>,
    /// The candidate's words for the pitfall it committed to.
    pub pitfall_as: Option<String>,
}

impl Gap<'_> {
    /// The interviewer's question about it: the item's probe, led by the candidate's own words
    /// when there are some ("You said \"order by timestamp\" — …", "You mentioned a session
    /// registry — what exactly does that do here? …").
    pub fn question(&self) -> String {
        let probe = &self.item.probe;
        match (&self.pitfall_as, &self.named_as) {
            (Some(words), _) => format!("You said \"{words}\" — {probe}"),
            (None, Some(words)) => format!("You mentioned {words} — what exactly does that do here? {probe}"),
            (None, None) => probe.clone(),
        }
    }
}

/// Items of `phase` that `text` does not earn in full, in the order an interviewer asks about
/// them: a committed pitfall first, then named-but-not-explained (heaviest first), then missing
/// ones by weight, core before senior before staff, then rubric order.
pub fn gaps<'d>(design: &'d Design, phase: Phase, text: &str) -> Vec<Gap<'d>> {
    let compiled = compiled(design);
    let analysis = compiled.analyse(text, &[]);
    let items: Vec<usize> =
        design.rubric.items.iter().enumerate().filter(|(_, i)| i.phase == phase).map(|(k, _)| k).collect();
    let judged = compiled.judge(&analysis, &design.rubric.items, &items);
    let mut out: Vec<(usize, Gap<'d>, bool)> = items
        .iter()
        .zip(judged)
        .filter(|(_, j)| j.verdict.credit < 1.0)
        .map(|(&k, j)| {
            let named = j.verdict.named;
            (k, Gap { item: &design.rubric.items[k], named_as: j.named_as, pitfall_as: j.pitfall_as }, named)
        })
        .collect();
    out.sort_by(|(ka, a, na), (kb, b, nb)| {
        b.pitfall_as
            .is_some()
            .cmp(&a.pitfall_as.is_some())
            .then(nb.cmp(na))
            .then(b.item.weight.cmp(&a.item.weight))
            .then(a.item.level.cmp(&b.item.level))
            .then(ka.cmp(kb))
    });
    out.into_iter().map(|(_, g, _)| g).collect()
}

/// Items of `phase` that `text` does not cover yet, in the order of [`gaps`].
pub fn missing<'d>(design: &'d Design, phase: Phase, text: &str) -> Vec<&'d Item> {
    gaps(design, phase, text).into_iter().map(|g| g.item).collect()
}

/// Whether `quote` is about `item`: it holds one of the item's concepts (not rejected), or at least
/// [`SUPPORT_MIN`] of its support words. The LLM grader's check that evidence belongs to its item.
pub fn evidence_is_about(design: &Design, item: &Item, quote: &str) -> bool {
    let Some(index) = design.rubric.items.iter().position(|i| i.id == item.id) else { return false };
    let compiled = compiled(design);
    let analysis = compiled.analyse(quote, &[]);
    let judged = compiled.judge(&analysis, &design.rubric.items, &[index]);
    judged[0].verdict.credit > 0.0 || compiled.support_anywhere(&analysis, index) >= SUPPORT_MIN
}

impl CompiledRubric {
    /// Grade every phase of `answers`.
    pub fn grade(&self, design: &Design, answers: &Answers) -> Scorecard {
        let mut warnings = Vec::new();
        let (text, phases) = joined(answers);
        if answers.whole {
            warnings.push(
                "the answer has no phase headings (Requirements, High-level design, Deep dive, Trade-offs), \
                 so it was graded as a whole against every phase"
                    .to_string(),
            );
        } else {
            for phase in Phase::ALL {
                if answers.text(phase).trim().is_empty() {
                    warnings.push(format!("nothing was answered for {}", phase.title()));
                }
            }
        }
        let analysis = self.analyse(&text, &phases);
        let all: Vec<usize> = (0..design.rubric.items.len()).collect();
        let judged = self.judge(&analysis, &design.rubric.items, &all);
        let judged: Vec<Judged<'_>> = design
            .rubric
            .items
            .iter()
            .zip(judged)
            .map(|(item, j)| Judged { item, verdict: j.verdict, counted: true })
            .collect();
        let named = judged.iter().filter(|j| j.verdict.named).count();
        if named > 0 {
            let (s, were, each) = if named == 1 { ("", "was", "it") } else { ("s", "were", "each") };
            warnings.push(format!(
                "{named} item{s} {were} named but not explained and earned {:.0}% of the weight; \
                 say what {each} does, and what happens when it fails, to earn the rest",
                NAMED_CREDIT * 100.0
            ));
        }
        // Only an explanation in passing earns exactly this share (a name earns a quarter, a
        // figure without its unit half).
        let brief = judged.iter().filter(|j| (j.verdict.credit - BRIEF_CREDIT).abs() < 1e-9).count();
        if brief > 0 {
            let (s, were, each) = if brief == 1 { ("", "was", "it") } else { ("s", "were", "each") };
            warnings.push(format!(
                "{brief} item{s} {were} explained only in passing and earned {:.0}% of the weight; \
                 go one level deeper on {each} (how it works, its failure case) for full credit",
                BRIEF_CREDIT * 100.0
            ));
        }
        verdict::assemble(design, "rubric", &judged, answers.hints_used, answers.whole, warnings)
    }

    /// Distinct support words of item `index` anywhere in `a`.
    fn support_anywhere(&self, a: &analyse::Analysis<'_>, index: usize) -> usize {
        let support = &self.items[index].support_set;
        let mut found: Vec<u32> = a
            .toks
            .iter()
            .filter(|t| t.neg == compile::NONE)
            .map(|t| t.id)
            .filter(|&id| support.contains(id))
            .collect();
        found.sort_unstable();
        found.dedup();
        found.len()
    }
}

/// The answer as one text, with each phase's byte range (none for a whole answer).
fn joined(answers: &Answers) -> (String, Vec<(Phase, Range<usize>)>) {
    if answers.whole {
        return (answers.text(Phase::Requirements).to_string(), Vec::new());
    }
    let mut text = String::new();
    let mut ranges = Vec::new();
    for phase in Phase::ALL {
        let t = answers.text(phase);
        let start = text.len();
        text.push_str(t);
        ranges.push((phase, start..text.len()));
        text.push_str("\n\n");
    }
    (text, ranges)
}

#[cfg(test)]
mod tests;

/// The support words of `item` that `text` holds, as the answer spells them (for debugging a
/// rubric: `why an item counts as explained`).
#[doc(hidden)]
pub fn support_words(design: &Design, item: &Item, text: &str) -> Vec<String> {
    let Some(index) = design.rubric.items.iter().position(|i| i.id == item.id) else { return Vec::new() };
    let compiled = compiled(design);
    let a = compiled.analyse(text, &[]);
    let support = &compiled.items[index].support_set;
    let mut out: Vec<String> = a
        .toks
        .iter()
        .enumerate()
        .filter(|(k, t)| {
            std::iter::once(t.id).chain(a.alts_at(*k).iter().map(|x| x.id)).any(|id| support.contains(id))
        })
        .map(|(_, t)| text[t.start as usize..t.end as usize].to_lowercase())
        .collect();
    out.dedup();
    out
}
