//! Stage 2, analyse: an answer cut into blocks (paragraphs, list items, table rows, code lines,
//! headings) and units (sentences), its words folded to canonical ids, and each unit and word
//! marked with what the matcher must know:
//!
//! - **kind**: a heading or a question is no claim; a line inside a code fence is text, never a
//!   heading. Sentences end at `.`, `!` or `?` before any word, whatever its case (`e.g.`,
//!   `1.5 PB` and `v1.2` stay whole).
//! - **echo**: a unit that mostly repeats what the interviewer said (the prompt, hints, probes) —
//!   three or more adjacent content-word pairs, at least 60 % of them the interviewer's.
//! - **negation** (NegEx-style, `lexicon/negation.txt`): a word inside the scope of a trigger —
//!   "we don't / won't / never …", "no X is needed", "without X", "instead of X", "rather than X",
//!   "X is out of scope", "a bad option is X", "we considered X but …" — records the trigger that
//!   rejects it. A scope ends at a clause boundary (punctuation or "but", "however", "so", …); a
//!   trigger after "if" / "otherwise" in its clause is a counterfactual that explains ("if we
//!   didn't dedupe, users would see doubles") and rejects nothing.
//! - **alternatives**: where a thesaurus phrase or a split compound starts, the id it spells and
//!   how many words it takes.
//!
//! Pure: no I/O.

use std::ops::Range;

use crate::catalog::Phase;
use crate::text::{for_each_word, stem_in_place};

use super::compile::{CompiledRubric, FastMap, NONE, stem_key};
use super::lexicon::TriggerKind;

/// What a unit is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Kind {
    Text,
    Heading,
    Question,
}

#[derive(Debug, Clone)]
pub(super) struct Unit {
    pub range: Range<usize>,
    pub block: u32,
    pub kind: Kind,
    pub phase: Option<Phase>,
    pub echo: bool,
    pub toks: Range<u32>,
}

#[derive(Debug, Clone, Copy)]
pub(super) struct Tok {
    pub key: u64,
    pub id: u32,
    pub unit: u32,
    /// The token of the trigger that rejects this word, or `NONE`.
    pub neg: u32,
    /// A clause boundary (`,` `;` `:` `(` …) comes before this word.
    pub boundary: bool,
    /// The first of this token's alternatives in `alts`, or `NONE`.
    pub alt: u32,
    /// Its bytes in the answer.
    pub start: u32,
    pub end: u32,
    /// A stop word or a number (no content).
    pub stop: bool,
}

/// A thesaurus phrase or a split compound starting at `tok`: the id it spells over `span` words.
#[derive(Debug, Clone, Copy)]
pub(super) struct Alt {
    pub tok: u32,
    pub id: u32,
    pub span: u32,
}

pub(super) struct Analysis<'t> {
    pub text: &'t str,
    pub units: Vec<Unit>,
    pub toks: Vec<Tok>,
    pub alts: Vec<Alt>,
    index_start: Vec<u32>,
    index_pos: Vec<u32>,
}

/// Abbreviations after which a full stop ends no sentence.
const ABBREVIATIONS: &[&str] = &[
    "e.g", "i.e", "etc", "vs", "approx", "cf", "incl", "al", "eg", "ie", "est", "min", "max", "avg", "mr",
    "dr", "no",
];

/// A unit span before tokenising.
struct Span {
    range: Range<usize>,
    block: u32,
    kind: Kind,
}

/// Cut `text` into units: headings, list items, table rows and code lines are blocks of their
/// own; blank lines end a paragraph; a paragraph is cut into sentences.
fn spans(text: &str) -> Vec<Span> {
    let mut out = Vec::new();
    let mut block = 0u32;
    let mut para: Option<Range<usize>> = None;
    let mut fence: Option<&str> = None;
    let mut offset = 0;
    let flush = |para: &mut Option<Range<usize>>, out: &mut Vec<Span>, block: &mut u32| {
        if let Some(r) = para.take() {
            sentences(text, r, *block, out);
            *block += 1;
        }
    };
    for line in text.split_inclusive('\n') {
        let start = offset;
        offset += line.len();
        let body = line.trim_end_matches(['\n', '\r']);
        let trimmed = body.trim_start();
        let indent = body.len() - trimmed.len();
        if let Some(f) = fence {
            if trimmed.starts_with(f) {
                fence = None;
                continue;
            }
            if !trimmed.is_empty() {
                // A code line: a unit of its own, never a heading.
                let r = start + indent..start + body.len();
                out.push(Span { range: r, block, kind: Kind::Text });
                block += 1;
            }
            continue;
        }
        if trimmed.starts_with("```") || trimmed.starts_with("~~~") {
            flush(&mut para, &mut out, &mut block);
            fence = Some(&trimmed[..3]);
            continue;
        }
        let rule = trimmed.len() >= 3
            && trimmed.chars().all(|c| matches!(c, '-' | '*' | '_' | '=' | ' ' | '|' | ':'));
        if trimmed.is_empty() || rule {
            flush(&mut para, &mut out, &mut block);
            continue;
        }
        if trimmed.starts_with('#') {
            flush(&mut para, &mut out, &mut block);
            let n = trimmed.bytes().take_while(|b| *b == b'#').count();
            let lead = trimmed[n..].len() - trimmed[n..].trim_start().len();
            let r = start + indent + n + lead..start + body.len();
            out.push(Span { range: r, block, kind: Kind::Heading });
            block += 1;
            continue;
        }
        if let Some(m) = block_marker(trimmed) {
            flush(&mut para, &mut out, &mut block);
            para = Some(start + indent + m..start + body.len());
            if trimmed.starts_with('|') {
                flush(&mut para, &mut out, &mut block);
            }
            continue;
        }
        match &mut para {
            Some(r) => r.end = start + body.len(),
            None => para = Some(start + indent..start + body.len()),
        }
        if trimmed.ends_with(':') {
            flush(&mut para, &mut out, &mut block);
        }
    }
    flush(&mut para, &mut out, &mut block);
    out
}

/// The length of a Markdown block marker (`- `, `* `, `1. `, `> `, `|`), if the line starts one.
fn block_marker(line: &str) -> Option<usize> {
    let b = line.as_bytes();
    if matches!(b[0], b'-' | b'*' | b'+' | b'>') && b.get(1).is_none_or(|c| *c == b' ') {
        return Some(if b.len() > 1 { 2 } else { 1 });
    }
    if line.starts_with('•') {
        return Some('•'.len_utf8());
    }
    if b[0] == b'|' {
        return Some(0);
    }
    let digits = b.iter().take_while(|c| c.is_ascii_digit()).count();
    if (1..=3).contains(&digits)
        && matches!(b.get(digits), Some(b'.' | b')'))
        && b.get(digits + 1) == Some(&b' ')
    {
        return Some(digits + 2);
    }
    None
}

/// Cut a paragraph into sentences.
fn sentences(text: &str, r: Range<usize>, block: u32, out: &mut Vec<Span>) {
    let para = &text[r.clone()];
    let b = para.as_bytes();
    let mut start = 0;
    let mut i = 0;
    let push = |s: usize, e: usize, out: &mut Vec<Span>| {
        let piece = &para[s..e];
        let t = piece.trim();
        if t.chars().any(char::is_alphanumeric) {
            let lead = piece.len() - piece.trim_start().len();
            let range = r.start + s + lead..r.start + s + lead + t.len();
            let kind = if t.trim_end_matches(['*', '_', '"', ')', '\'']).ends_with('?') {
                Kind::Question
            } else if bold_lead_in(t) {
                Kind::Heading
            } else {
                Kind::Text
            };
            out.push(Span { range, block, kind });
        }
    };
    while i < b.len() {
        if matches!(b[i], b'.' | b'!' | b'?') {
            let mut j = i + 1;
            while j < b.len() && matches!(b[j], b'.' | b'!' | b'?' | b'"' | b'\'' | b')' | b'*' | b'_') {
                j += 1;
            }
            let ws = b[j..].iter().take_while(|c| c.is_ascii_whitespace()).count();
            let next = b.get(j + ws).copied();
            // An elided list in brackets (`WHERE night IN (...) AND …`) ends nothing.
            let elided = i > 0 && b[i - 1] == b'(';
            let ends = ws > 0
                && next.is_some()
                && !elided
                && !(b[i] == b'.' && (abbreviation_before(para, i) || list_number(&para[start..i])));
            if ends {
                push(start, j, out);
                start = j + ws;
                i = start;
                continue;
            }
            i = j;
            continue;
        }
        i += 1;
    }
    push(start, b.len(), out);
}

/// A sentence that is only bold text (`**Traffic spikes.**`, `__Option B:__`) is a heading in
/// disguise: it labels what follows and claims nothing.
fn bold_lead_in(t: &str) -> bool {
    let t = t.trim_end_matches(['.', ':', ' ']);
    let inner = t
        .strip_prefix("**")
        .and_then(|r| r.strip_suffix("**"))
        .or_else(|| t.strip_prefix("__").and_then(|r| r.strip_suffix("__")));
    inner.is_some_and(|i| !i.contains("**") && i.split_whitespace().count() <= 10)
}

/// Whether a sentence so far is only a list number (`**1.` of `**1. Hot rows.**`): its full stop
/// numbers what follows and ends nothing.
fn list_number(so_far: &str) -> bool {
    let n = so_far.trim().trim_start_matches(['*', '_']);
    (1..=3).contains(&n.len()) && n.bytes().all(|c| c.is_ascii_digit())
}

/// Whether the word before the full stop at `dot` is an abbreviation or a single letter.
fn abbreviation_before(para: &str, dot: usize) -> bool {
    let before = &para[..dot];
    let word_start = before.rfind(|c: char| c.is_whitespace() || c == '(').map_or(0, |p| p + 1);
    let word = before[word_start..].to_ascii_lowercase();
    let word = word.trim_start_matches(['(', '"', '\'', '*']);
    word.chars().count() == 1 && word.chars().all(char::is_alphabetic) || ABBREVIATIONS.contains(&word)
}

/// Characters between two words that end a clause.
fn clause_break(gap: &str) -> bool {
    gap.contains([',', ';', ':', '(', ')', '—', '–', '.', '!', '?']) || gap.contains(" - ")
}

impl CompiledRubric {
    /// Analyse `text`; `phases` gives the byte ranges of each phase's part (empty for a whole
    /// answer, where units have no phase).
    pub(super) fn analyse<'t>(&self, text: &'t str, phases: &[(Phase, Range<usize>)]) -> Analysis<'t> {
        let spans = spans(text);
        let mut a = Analysis {
            text,
            units: Vec::with_capacity(spans.len()),
            toks: Vec::with_capacity(text.len() / 5),
            alts: Vec::new(),
            index_start: Vec::new(),
            index_pos: Vec::new(),
        };
        let mut buf = String::new();
        let mut seen: FastMap<&'t str, (u64, u32, bool)> = FastMap::default();
        let mut content: Vec<u64> = Vec::new();
        for span in spans {
            let unit = a.units.len() as u32;
            let unit_text = &text[span.range.clone()];
            let first = a.toks.len() as u32;
            let mut prev_end = 0;
            content.clear();
            for_each_word(unit_text, |w| {
                let gap = &unit_text[prev_end..w.range.start];
                prev_end = w.range.end;
                let word = &unit_text[w.range.clone()];
                let (key, mut id, mut stop) = *seen.entry(word).or_insert_with(|| {
                    buf.clear();
                    buf.extend(word.chars().flat_map(char::to_lowercase));
                    stem_in_place(&mut buf);
                    let key = stem_key(&buf);
                    let stop = self.stop.contains(&key) || buf.as_bytes()[0].is_ascii_digit();
                    (key, self.vocab.get(buf.as_str()).copied().unwrap_or(NONE), stop)
                });
                // `6/s`, `bookings/day`: the slash reads "per".
                if gap.ends_with('/') {
                    if let Some(&group) = self.rates.get(&key) {
                        (id, stop) = (group, false);
                    }
                }
                if !stop {
                    content.push(key);
                }
                let at = span.range.start + w.range.start;
                a.toks.push(Tok {
                    key,
                    id,
                    unit,
                    neg: NONE,
                    boundary: clause_break(gap),
                    alt: NONE,
                    start: at as u32,
                    end: (at + word.len()) as u32,
                    stop,
                });
            });
            let last = a.toks.len() as u32;
            let echo = {
                let pairs = content.len().saturating_sub(1);
                pairs >= 3 && {
                    let said = content.windows(2).filter(|p| self.echo.contains(&(p[0], p[1]))).count();
                    said * 5 >= pairs * 3
                }
            };
            let phase = phases.iter().find(|(_, r)| r.contains(&span.range.start)).map(|(p, _)| *p);
            a.units.push(Unit {
                range: span.range,
                block: span.block,
                kind: span.kind,
                phase,
                echo,
                toks: first..last,
            });
            self.alternatives(&mut a, first as usize..last as usize);
            self.negate(&mut a.toks[first as usize..last as usize], first);
        }
        a.index();
        a
    }

    /// Record where thesaurus phrases and split compounds start in `toks[range]`.
    fn alternatives(&self, a: &mut Analysis<'_>, range: Range<usize>) {
        for k in range.clone() {
            let mut found: Vec<Alt> = Vec::new();
            if k + 1 < range.end && !a.toks[k + 1].boundary {
                if let Some(&id) = self.splits.get(&(a.toks[k].key, a.toks[k + 1].key)) {
                    found.push(Alt { tok: k as u32, id, span: 2 });
                }
            }
            let id = a.toks[k].id;
            if id != NONE {
                if let Some(list) = self.phrases.get(&id) {
                    for (rest, group) in list {
                        let end = k + 1 + rest.len();
                        if end <= range.end && a.toks[k + 1..end].iter().zip(rest).all(|(t, r)| t.id == *r) {
                            found.push(Alt { tok: k as u32, id: *group, span: 1 + rest.len() as u32 });
                        }
                    }
                }
            }
            if !found.is_empty() {
                a.toks[k].alt = a.alts.len() as u32;
                a.alts.extend(found);
            }
        }
    }

    /// The trigger starting at `toks[k]`, if any: its kind and length.
    fn trigger_at(&self, toks: &[Tok], k: usize) -> Option<(TriggerKind, usize)> {
        let list = self.triggers.get(&toks[k].key)?;
        list.iter()
            .find(|t| {
                t.keys.len() <= toks.len() - k
                    && t.keys
                        .iter()
                        .zip(&toks[k..])
                        .enumerate()
                        .all(|(n, (key, tok))| *key == tok.key && (n == 0 || !tok.boundary))
            })
            .map(|t| (t.kind, t.keys.len()))
    }

    /// Mark the words of one unit that a trigger rejects.
    fn negate(&self, toks: &mut [Tok], base: u32) {
        /// The longest scope of a trigger, in words.
        const SCOPE: usize = 8;
        let n = toks.len();
        let mut clause_start = 0;
        let mut cond = false;
        let mut k = 0;
        while k < n {
            // A conditional holds for the rest of its sentence: in "if we didn't X, we could not
            // Y" both negations are the counterfactual's.
            if toks[k].boundary {
                clause_start = k;
            }
            let Some((kind, len)) = self.trigger_at(toks, k) else {
                k += 1;
                continue;
            };
            match kind {
                TriggerKind::Pseudo => {}
                TriggerKind::End => clause_start = k + len,
                TriggerKind::Cond => cond = true,
                TriggerKind::Pre | TriggerKind::Contrast => {
                    // "Without X, Y happens" opens a counterfactual, as does "if we don't …".
                    let end = self.scope_end(toks, k + len, SCOPE);
                    let opening_without = k == clause_start
                        && kind == TriggerKind::Pre
                        && len == 1
                        && toks[k].key == stem_key("without")
                        && end < n
                        && toks[end].boundary;
                    let contrasted = kind == TriggerKind::Pre
                        || end < n
                            && self.trigger_at(toks, end).is_some_and(|(kind, _)| kind == TriggerKind::End);
                    if !cond && !opening_without && contrasted {
                        for t in &mut toks[k + len..end] {
                            if t.neg == NONE {
                                t.neg = base + k as u32;
                            }
                        }
                    }
                }
                TriggerKind::Post => {
                    if !cond {
                        let from = clause_start.max(k.saturating_sub(SCOPE));
                        for t in &mut toks[from..k] {
                            if t.neg == NONE {
                                t.neg = base + k as u32;
                            }
                        }
                    }
                }
            }
            k += len;
        }
    }

    /// Where a scope that starts at `from` ends: a clause boundary, an ending word, or `max` words.
    fn scope_end(&self, toks: &[Tok], from: usize, max: usize) -> usize {
        let limit = (from + max).min(toks.len());
        for k in from..limit {
            if k > from && toks[k].boundary {
                return k;
            }
            if let Some((kind, _)) = self.trigger_at(toks, k) {
                if matches!(kind, TriggerKind::End | TriggerKind::Pre | TriggerKind::Post) && k > from {
                    return k;
                }
            }
        }
        limit
    }
}

impl Analysis<'_> {
    /// Index every token by its id and its alternatives' ids.
    fn index(&mut self) {
        let n = self
            .toks
            .iter()
            .map(|t| t.id)
            .chain(self.alts.iter().map(|a| a.id))
            .filter(|&i| i != NONE)
            .max()
            .map_or(0, |m| m as usize + 1);
        let mut counts = vec![0u32; n + 1];
        for t in &self.toks {
            if t.id != NONE {
                counts[t.id as usize + 1] += 1;
            }
        }
        for a in &self.alts {
            counts[a.id as usize + 1] += 1;
        }
        for i in 1..=n {
            counts[i] += counts[i - 1];
        }
        let mut fill = counts.clone();
        let mut pos = vec![0u32; counts[n] as usize];
        for (j, t) in self.toks.iter().enumerate() {
            if t.id != NONE {
                pos[fill[t.id as usize] as usize] = j as u32;
                fill[t.id as usize] += 1;
            }
        }
        for a in &self.alts {
            pos[fill[a.id as usize] as usize] = a.tok;
            fill[a.id as usize] += 1;
        }
        // Alternatives were appended after plain tokens: keep each id's positions sorted.
        for w in 0..n {
            let (s, e) = (counts[w] as usize, counts[w + 1] as usize);
            if e - s > 1 {
                pos[s..e].sort_unstable();
            }
        }
        self.index_start = counts;
        self.index_pos = pos;
    }

    /// The token positions where `id` starts (as a word or an alternative), ascending.
    pub(super) fn positions(&self, id: u32) -> &[u32] {
        if id == NONE || id as usize + 1 >= self.index_start.len() {
            return &[];
        }
        &self.index_pos[self.index_start[id as usize] as usize..self.index_start[id as usize + 1] as usize]
    }

    /// The alternatives that start at token `k`.
    pub(super) fn alts_at(&self, k: usize) -> &[Alt] {
        let first = self.toks[k].alt;
        if first == NONE {
            return &[];
        }
        let start = first as usize;
        let len = self.alts[start..].iter().take_while(|a| a.tok as usize == k).count();
        &self.alts[start..start + len]
    }

    pub(super) fn unit_text(&self, unit: u32) -> &str {
        &self.text[self.units[unit as usize].range.clone()]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(text: &str) -> Vec<(&str, Kind)> {
        spans(text).into_iter().map(|s| (&text[s.range], s.kind)).collect()
    }

    #[test]
    fn sentences_end_whatever_the_case() {
        let lower = texts("we shard by user id. the inbox is a queue. e.g. this stays whole at 1.5 pb.");
        assert_eq!(lower.len(), 3, "{lower:?}");
        let upper = texts("WE SHARD BY USER ID. THE INBOX IS A QUEUE.");
        assert_eq!(upper.len(), 2, "{upper:?}");
        // Elided SQL is one sentence, not two.
        let sql = texts("UPDATE inv SET n = n + 1 WHERE night IN (...) AND n < total. Then commit.");
        assert_eq!(sql.len(), 2, "{sql:?}");
    }

    #[test]
    fn code_fences_hold_no_headings_and_questions_are_marked() {
        let t = texts("## Deep dive\n```\n# not a heading\nclient -> gateway\n```\nDo we need E2E? We push.");
        assert_eq!(t[0], ("Deep dive", Kind::Heading));
        assert_eq!(t[1], ("# not a heading", Kind::Text));
        assert_eq!(t[2], ("client -> gateway", Kind::Text));
        assert_eq!(t[3], ("Do we need E2E?", Kind::Question));
        assert_eq!(t[4], ("We push.", Kind::Text));
    }
}
