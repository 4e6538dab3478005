//! Stage 3, match: where each item's concepts occur in an analysed answer.
//!
//! A concept is a phrase: its ids in order, in one sentence, with at most [`MAX_FILLER`] words
//! between consecutive ones (`read receipt` ↔ "read the receipts"); a word may be matched by a
//! thesaurus phrase or a split compound that spells it, and two concept words by the one word
//! they join into. `a + b` needs every part in the same sentence, in any order. An occurrence is
//! **rejected** when a word of it lies in the scope of a negation trigger that is not itself part
//! of the occurrence ("never lose a message" is a claim, "we don't shard" a rejection).
//!
//! Pure: no I/O.

use super::analyse::Analysis;
use super::compile::{CompiledRubric, Concept, NONE, Phrase};

/// Filler words allowed between two consecutive words of a concept.
pub const MAX_FILLER: usize = 2;

/// One place a concept occurs: the unit and the token ranges of its parts there (the first is
/// the part's first match; every match of every part is listed).
#[derive(Debug, Clone)]
pub(super) struct Occurrence {
    pub unit: u32,
    pub toks: Vec<(u32, u32)>,
    pub rejected: bool,
}

impl CompiledRubric {
    /// Every occurrence of item `index`'s concepts, rejected ones included, in token order.
    pub(super) fn occurrences(&self, a: &Analysis<'_>, index: usize) -> Vec<Occurrence> {
        let mut out = Vec::new();
        let Some(item) = self.items.get(index) else { return out };
        for concept in &item.concepts {
            concept_occurrences(a, concept, &mut out);
        }
        out.sort_by_key(|o| (o.unit, o.toks.first().map_or(0, |t| t.0)));
        out
    }
}

impl CompiledRubric {
    /// Where item `index`'s pitfalls are said, rejected ones included: `(pitfall, occurrence)`.
    pub(super) fn pitfall_occurrences(&self, a: &Analysis<'_>, index: usize) -> Vec<(usize, Occurrence)> {
        let mut out = Vec::new();
        let Some(item) = self.items.get(index) else { return out };
        for (p, concepts) in item.pitfalls.iter().enumerate() {
            let mut found = Vec::new();
            for concept in concepts {
                concept_occurrences(a, concept, &mut found);
            }
            out.extend(found.into_iter().map(|o| (p, o)));
        }
        out.sort_by_key(|(_, o)| o.unit);
        out
    }
}

/// A phrase's matches: `(unit, start, end)` token ranges, with whether each is rejected.
fn phrase_hits(a: &Analysis<'_>, phrase: &Phrase, out: &mut Vec<(u32, u32, u32, bool)>) {
    let starts = a.positions(phrase.words[0]).iter().chain(a.positions(phrase.joined[0]));
    for &j in starts {
        let unit = a.toks[j as usize].unit;
        if let Some(end) = align(a, phrase, 0, j as usize, unit, true) {
            let range = j..end as u32;
            let rejected = a.toks[range.start as usize..range.end as usize]
                .iter()
                .any(|t| t.neg != NONE && !range.contains(&t.neg));
            out.push((unit, j, end as u32, rejected));
        }
    }
}

fn concept_occurrences(a: &Analysis<'_>, concept: &Concept, out: &mut Vec<Occurrence>) {
    let mut per_part: Vec<Vec<(u32, u32, u32, bool)>> = Vec::with_capacity(concept.parts.len());
    for phrase in &concept.parts {
        let mut hits = Vec::new();
        phrase_hits(a, phrase, &mut hits);
        if hits.is_empty() {
            return;
        }
        per_part.push(hits);
    }
    let mut units: Vec<u32> = per_part[0].iter().map(|h| h.0).collect();
    units.dedup();
    for unit in units {
        let mut toks = Vec::new();
        let mut rejected = false;
        let mut all = true;
        for hits in &per_part {
            let in_unit: Vec<&(u32, u32, u32, bool)> = hits.iter().filter(|h| h.0 == unit).collect();
            if in_unit.is_empty() {
                all = false;
                break;
            }
            // Every place the part occurs in the unit belongs to the concept: a name said twice
            // does not explain itself.
            let kept: Vec<(u32, u32)> = in_unit.iter().filter(|h| !h.3).map(|h| (h.1, h.2)).collect();
            if kept.is_empty() {
                rejected = true;
                toks.push((in_unit[0].1, in_unit[0].2));
            } else {
                toks.extend(kept);
            }
        }
        if all {
            out.push(Occurrence { unit, toks, rejected });
        }
    }
}

/// Match `phrase.words[i..]` from token `j` (exactly there when `first`, else after at most
/// `MAX_FILLER` fillers) within `unit`; the end of the match, exclusive.
fn align(a: &Analysis<'_>, phrase: &Phrase, i: usize, j: usize, unit: u32, first: bool) -> Option<usize> {
    if i == phrase.words.len() {
        return Some(j);
    }
    let gap = if first { 0 } else { MAX_FILLER };
    for k in j..=j + gap {
        let t = a.toks.get(k)?;
        if t.unit != unit {
            return None;
        }
        if t.id == phrase.words[i] {
            if let Some(end) = align(a, phrase, i + 1, k + 1, unit, false) {
                return Some(end);
            }
        }
        for alt in a.alts_at(k) {
            if alt.id == phrase.words[i] {
                if let Some(end) = align(a, phrase, i + 1, k + alt.span as usize, unit, false) {
                    return Some(end);
                }
            }
        }
        if i + 1 < phrase.words.len() && phrase.joined[i] != NONE && t.id == phrase.joined[i] {
            if let Some(end) = align(a, phrase, i + 2, k + 1, unit, false) {
                return Some(end);
            }
        }
    }
    None
}
