//! The rubric grader: offline, deterministic (same input, same score, always), and every point
//! backed by a quote from the answer.
//!
//! **Matching** (the contract content authors write to). An item's `concepts` are alternatives;
//! any one matching covers it. Both sides are normalised the same way ([`super::normalize`]):
//! case, punctuation and Markdown ignored, plurals and word forms folded by a light stemmer.
//! Hyphen/space variants meet: a concept word may match two answer words that join to it
//! (`fanout` ↔ `fan out`, `email` ↔ `e-mail`) and two concept words may match one answer word
//! (`read through` ↔ `readthrough`). A concept is a phrase: its words appear in order, in one
//! sentence, with at most [`MAX_FILLER`] filler words between consecutive words (`read receipt` ↔
//! "read the receipts"). `a + b` means every `+`-separated part appears in the same sentence, in
//! any order. The evidence is that sentence, trimmed, in the answer's own words.
//!
//! **Bare lists earn little.** An answer is cut into units (sentences, list items, headings) and
//! units into comma/semicolon-separated segments. A unit is a *list* when it has at least three
//! segments and three quarters of them are terse (three words or fewer). A match counts as
//! *reasoned* when its context — the unit, or for a list its segment — holds a reasoning marker
//! that is not itself a word of some concept match (a list of concept phrases is still a list): a
//! function word or verb (`the`, `we`, `is`, `so`, `because`, `when`, `to`, `via`, `send`, `keep`
//! …), a number, or an arrow (`->`, `→`, `=`). Words glued by hyphens (`read-through`) are names,
//! not reasoning.
//! Terse segments of a list never reason (unless they hold a number). An item matched only
//! without reasoning — `Kafka, Redis, Cassandra, sharding, WebSocket, CDN`, a bullet that is just
//! `- Read receipts`, a heading — earns [`BARE_CREDIT`] of its weight and stays uncovered, with a
//! comment saying so. A keyword-stuffed answer therefore scores about a quarter of a reasoned one.
//!
//! **Estimates** (items with an `estimate` range) count only when a unit that matches one of the
//! item's concepts holds a figure with a compatible unit inside `[min ÷ 3, max × 3]`
//! ([`super::estimate`]). The figure judged is the one in that sentence; only when it has no
//! compatible figure do the next and then the previous sentence speak for it ("Peak QPS:" and the
//! arithmetic on the next line). A figure outside earns nothing, and the verdict's comment quotes
//! it ("figure off: …").
//!
//! Scores, verdict bands and levels: [`super::verdict`]. Rubrics are compiled once (vocabulary,
//! stems, joined and split word forms) and cached by content, so grading a 1,500-word answer
//! against 30 items takes about 150 µs (`benches/grade.rs`).
//!
//! Never touches the terminal, the network, the disk or the clock.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hash, Hasher};
use std::sync::{Arc, Mutex, OnceLock};

use crate::catalog::{Design, Item, Phase, Rubric};

use super::estimate::{self, Figure};
use super::normalize::{self, for_each_word, stem_in_place};
use super::verdict::{self, Judged};
use super::{Answers, Grader, ItemVerdict, Scorecard};

/// The share of an item's weight earned when it is only named in a bare list.
pub const BARE_CREDIT: f64 = 0.25;
/// Filler words allowed between two consecutive words of a concept.
pub const MAX_FILLER: usize = 2;

const NONE: u32 = u32::MAX;

/// Words that show reasoning, data flow or a claim rather than a bare noun: articles, pronouns,
/// auxiliaries, connectives, prepositions of flow and common verbs of design talk. Stemmed at
/// compile time like everything else.
const REASONING: &[&str] = &[
    "the",
    "a",
    "an",
    "i",
    "we",
    "you",
    "it",
    "they",
    "he",
    "she",
    "them",
    "our",
    "their",
    "its",
    "my",
    "your",
    "this",
    "that",
    "these",
    "those",
    "which",
    "who",
    "whose",
    "what",
    "where",
    "when",
    "whenever",
    "while",
    "why",
    "how",
    "is",
    "are",
    "was",
    "were",
    "be",
    "been",
    "being",
    "am",
    "has",
    "have",
    "had",
    "do",
    "does",
    "did",
    "can",
    "could",
    "will",
    "would",
    "shall",
    "should",
    "may",
    "might",
    "must",
    "need",
    "needs",
    "let",
    "because",
    "so",
    "since",
    "therefore",
    "thus",
    "hence",
    "if",
    "unless",
    "until",
    "then",
    "than",
    "but",
    "however",
    "instead",
    "otherwise",
    "whereas",
    "although",
    "though",
    "else",
    "also",
    "even",
    "still",
    "not",
    "never",
    "no",
    "to",
    "into",
    "onto",
    "from",
    "via",
    "through",
    "by",
    "for",
    "with",
    "without",
    "after",
    "before",
    "over",
    "between",
    "across",
    "as",
    "send",
    "receive",
    "get",
    "go",
    "come",
    "keep",
    "hold",
    "use",
    "make",
    "take",
    "give",
    "see",
    "look",
    "find",
    "know",
    "call",
    "return",
    "wait",
    "stay",
    "become",
    "happen",
    "fail",
    "survive",
    "handle",
    "avoid",
    "allow",
    "ensure",
    "prevent",
    "lose",
    "mean",
    "grow",
    "expect",
    "support",
    "serve",
    "show",
    "tell",
    "check",
    "pick",
    "choose",
    "decide",
    "move",
    "own",
    "reach",
    "arrive",
    "say",
    "ask",
    "want",
    "try",
    "work",
    "run",
    "add",
    "remove",
    "lets",
    "cost",
    "costs",
];

/// The grader users get by default.
pub struct RubricGrader;

impl Grader for RubricGrader {
    fn name(&self) -> &'static str {
        "rubric"
    }

    fn grade(&self, design: &Design, answers: &Answers) -> Scorecard {
        compiled(&design.rubric).grade(design, answers)
    }
}

/// Items of `phase` that `text` does not cover yet (bare-list mentions and estimates that are off
/// included), most important first: weight, then core before senior before staff, then rubric
/// order. The session asks the probe of the first.
pub fn missing<'d>(design: &'d Design, phase: Phase, text: &str) -> Vec<&'d Item> {
    let compiled = compiled(&design.rubric);
    let mut analysis = compiled.analyse(text);
    let items: Vec<(usize, &Item)> =
        design.rubric.items.iter().enumerate().filter(|(_, item)| item.phase == phase).collect();
    let verdicts = compiled.judge_items(&mut analysis, &items);
    let mut out: Vec<(usize, &Item)> =
        items.into_iter().zip(verdicts).filter(|(_, v)| v.credit < 1.0).map(|(pair, _)| pair).collect();
    out.sort_by(|(ia, a), (ib, b)| b.weight.cmp(&a.weight).then(a.level.cmp(&b.level)).then(ia.cmp(ib)));
    out.into_iter().map(|(_, item)| item).collect()
}

/// The compiled form of `rubric`, built once per distinct rubric content and shared.
pub fn compiled(rubric: &Rubric) -> Arc<CompiledRubric> {
    static CACHE: OnceLock<Mutex<Vec<Arc<CompiledRubric>>>> = OnceLock::new();
    let key = content_key(rubric);
    let cache = CACHE.get_or_init(|| Mutex::new(Vec::new()));
    let mut cache = cache.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
    if let Some(c) = cache.iter().find(|c| c.key == key) {
        return Arc::clone(c);
    }
    let c = Arc::new(CompiledRubric::new(rubric));
    if cache.len() >= 64 {
        cache.remove(0);
    }
    cache.push(Arc::clone(&c));
    c
}

/// A hash of everything in a rubric that matching depends on.
fn content_key(rubric: &Rubric) -> u64 {
    let mut h = Fx::default();
    rubric.id.hash(&mut h);
    for item in &rubric.items {
        item.id.hash(&mut h);
        item.concepts.hash(&mut h);
    }
    h.finish()
}

/// A fast non-cryptographic hash (the Fx hash of rustc): the vocabulary is looked up once per
/// distinct word of the answer, and the keys are short and never attacker-controlled in a way
/// that matters (a slow lookup is the worst case).
#[derive(Default)]
struct Fx(u64);

impl Fx {
    const K: u64 = 0x517c_c1b7_2722_0a95;
    fn add(&mut self, word: u64) {
        self.0 = (self.0.rotate_left(5) ^ word).wrapping_mul(Self::K);
    }
}

impl Hasher for Fx {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for c in &mut chunks {
            self.add(u64::from_le_bytes(c.try_into().expect("8 bytes")));
        }
        let rest = chunks.remainder();
        if !rest.is_empty() {
            let mut last = [0u8; 8];
            last[..rest.len()].copy_from_slice(rest);
            self.add(u64::from_le_bytes(last));
        }
    }
    fn write_u8(&mut self, i: u8) {
        self.add(u64::from(i));
    }
    fn write_u32(&mut self, i: u32) {
        self.add(u64::from(i));
    }
    fn write_u64(&mut self, i: u64) {
        self.add(i);
    }
    fn write_usize(&mut self, i: usize) {
        self.add(i as u64);
    }
}

type FastMap<K, V> = HashMap<K, V, BuildHasherDefault<Fx>>;

/// A 64-bit key for a stem (its Fx hash).
fn stem_key(stem: &str) -> u64 {
    let mut h = Fx::default();
    h.write(stem.as_bytes());
    h.add(0xff);
    h.finish()
}

const HEAD_BITS: u64 = 8192;

/// What the vocabulary knows about one stem.
#[derive(Debug, Default, Clone)]
struct Entry {
    /// The concept word id, or `NONE`.
    word: u32,
    /// A reasoning marker.
    marker: bool,
}

/// A phrase of stems: `words[i]` must match in order; `joined[i]` is the word that
/// `words[i] + words[i+1]` spell as one (`fan`+`out` → `fanout`), or `NONE`.
#[derive(Debug, Clone)]
struct Phrase {
    words: Vec<u32>,
    joined: Vec<u32>,
}

/// A concept: its `+`-separated parts, all in one sentence.
#[derive(Debug, Clone)]
struct Concept {
    parts: Vec<Phrase>,
}

/// A rubric ready for matching.
#[derive(Debug)]
pub struct CompiledRubric {
    key: u64,
    vocab: FastMap<Box<str>, u32>,
    entries: Vec<Entry>,
    words: u32,
    /// `(head stem key, tail stem key)` → the concept word they spell together (`fan` + `out` →
    /// `fanout`); see [`stem_key`].
    splits: FastMap<(u64, u64), u32>,
    /// A bit per `stem_key % HEAD_BITS` of every head in `splits`: most words are no head, and
    /// this says so without a lookup.
    heads: Vec<u64>,
    /// Per rubric item, in rubric order.
    items: Vec<Vec<Concept>>,
}

impl CompiledRubric {
    /// Compile every concept of `rubric`.
    pub fn new(rubric: &Rubric) -> Self {
        let mut c = CompiledRubric {
            key: content_key(rubric),
            vocab: FastMap::default(),
            entries: Vec::new(),
            words: 0,
            splits: FastMap::default(),
            heads: vec![0; (HEAD_BITS / 64) as usize],
            items: Vec::new(),
        };
        for w in REASONING {
            let e = c.entry(&normalize::stem(w));
            c.entries[e as usize].marker = true;
        }
        for item in &rubric.items {
            let concepts = item.concepts.iter().filter_map(|text| c.concept(text)).collect();
            c.items.push(concepts);
        }
        c
    }

    fn entry(&mut self, stem: &str) -> u32 {
        if let Some(e) = self.vocab.get(stem) {
            return *e;
        }
        let id = self.entries.len() as u32;
        self.entries.push(Entry { word: NONE, marker: false });
        self.vocab.insert(stem.into(), id);
        id
    }

    /// The word id of `stem`, registering it (and the ways an answer may split it) if new.
    fn word(&mut self, raw: &str, stem: &str) -> u32 {
        let e = self.entry(stem) as usize;
        if self.entries[e].word != NONE {
            return self.entries[e].word;
        }
        let id = self.words;
        self.words += 1;
        self.entries[e].word = id;
        // `fanout` may be written `fan out`: remember every way to cut the raw word in two, by
        // the hashes of the two stems (no vocabulary entries, so compiling stays cheap).
        if raw.is_ascii() && raw.len() >= 3 {
            let (mut head, mut tail) = (String::new(), String::new());
            for k in 1..raw.len() {
                head.clear();
                head.push_str(&raw[..k]);
                stem_in_place(&mut head);
                tail.clear();
                tail.push_str(&raw[k..]);
                stem_in_place(&mut tail);
                let h = stem_key(&head);
                self.heads[(h % HEAD_BITS) as usize / 64] |= 1 << (h % 64);
                self.splits.entry((h, stem_key(&tail))).or_insert(id);
            }
        }
        id
    }

    fn concept(&mut self, text: &str) -> Option<Concept> {
        let parts: Vec<Phrase> = text.split('+').filter_map(|p| self.phrase(p)).collect();
        (!parts.is_empty()).then_some(Concept { parts })
    }

    fn phrase(&mut self, text: &str) -> Option<Phrase> {
        let mut raws = Vec::new();
        for_each_word(text, |w| raws.push(text[w.range].to_lowercase()));
        if raws.is_empty() {
            return None;
        }
        let words: Vec<u32> = raws.iter().map(|r| self.word(r, &normalize::stem(r))).collect();
        let joined = (0..raws.len())
            .map(|i| match raws.get(i + 1) {
                Some(next) => {
                    let raw = format!("{}{next}", raws[i]);
                    self.word(&raw, &normalize::stem(&raw))
                }
                None => NONE,
            })
            .collect();
        Some(Phrase { words, joined })
    }

    /// Grade every phase of `answers`.
    pub fn grade(&self, design: &Design, answers: &Answers) -> Scorecard {
        let mut analyses: Vec<Analysis<'_>> = Vec::new();
        let mut of_phase = [0usize; 4];
        let mut judged = Vec::with_capacity(design.rubric.items.len());
        let mut warnings = Vec::new();
        if answers.whole {
            warnings.push(
                "the answer has no phase headings (Requirements, High-level design, Deep dive, Trade-offs), \
                 so it was graded as a whole against every phase"
                    .to_string(),
            );
        }
        for phase in Phase::ALL {
            let text = answers.text(phase);
            if text.trim().is_empty() && !answers.whole {
                warnings.push(format!("nothing was answered for {}", phase.title()));
            }
            // A whole answer is the same text for every phase: analyse it once.
            of_phase[phase.index()] = if let Some(i) = analyses.iter().position(|a| a.text == text) {
                i
            } else {
                analyses.push(self.analyse(text));
                analyses.len() - 1
            };
        }
        let mut verdicts: Vec<Option<ItemVerdict>> = vec![None; design.rubric.items.len()];
        for (ai, analysis) in analyses.iter_mut().enumerate() {
            let items: Vec<(usize, &Item)> = design
                .rubric
                .items
                .iter()
                .enumerate()
                .filter(|(_, item)| of_phase[item.phase.index()] == ai)
                .collect();
            for ((i, _), v) in items.iter().zip(self.judge_items(analysis, &items)) {
                verdicts[*i] = Some(v);
            }
        }
        for (item, verdict) in design.rubric.items.iter().zip(verdicts) {
            judged.push(Judged { item, verdict: verdict.expect("every item judged"), counted: true });
        }
        let bare = judged.iter().filter(|j| !j.verdict.covered && j.verdict.credit > 0.0).count();
        if bare > 0 {
            let (s, were, its, each) =
                if bare == 1 { ("", "was", "its", "it") } else { ("s", "were", "their", "each") };
            warnings.push(format!(
                "{bare} item{s} {were} only named in a bare list of keywords and earned {:.0}% of {its} weight; \
                 say how {each} works and why to earn the rest",
                BARE_CREDIT * 100.0
            ));
        }
        verdict::assemble(design, "rubric", &judged, answers.hints_used, answers.whole, warnings)
    }

    /// Judge `items` (rubric index, item) against an analysed answer. Reasoning markers that are
    /// words of a concept match (of any of these items) do not count as reasoning: a list of
    /// concept phrases is still a list.
    fn judge_items(&self, a: &mut Analysis<'_>, items: &[(usize, &Item)]) -> Vec<ItemVerdict> {
        let mut scratch = Scratch::default();
        let found: Vec<Vec<Hit>> = items
            .iter()
            .map(|(index, _)| {
                let mut hits: Vec<Hit> = Vec::new();
                for concept in self.items.get(*index).map_or(&[][..], Vec::as_slice) {
                    a.concept_hits(concept, &mut scratch, &mut hits);
                }
                hits.sort_unstable();
                hits.dedup();
                hits
            })
            .collect();
        a.settle(found.iter().flatten());
        items.iter().zip(&found).map(|((_, item), hits)| a.verdict(item, hits)).collect()
    }
}

/// One matched word: `(unit, token)`. Lists of hits are kept sorted, so a unit's hits are adjacent.
type Hit = (u32, u32);

/// The units of a sorted hit list, each with its hits.
fn by_unit(hits: &[Hit]) -> impl Iterator<Item = (u32, &[Hit])> {
    hits.chunk_by(|a, b| a.0 == b.0).map(|chunk| (chunk[0].0, chunk))
}

/// The hits of `unit` in a sorted hit list.
fn unit_hits(hits: &[Hit], unit: u32) -> &[Hit] {
    let start = hits.partition_point(|h| h.0 < unit);
    let end = start + hits[start..].partition_point(|h| h.0 == unit);
    &hits[start..end]
}

impl Analysis<'_> {
    /// Count each context's free markers: reasoning words outside every concept match.
    fn settle<'m>(&mut self, found: impl Iterator<Item = &'m Hit>) {
        let mut in_match = vec![false; self.toks.len()];
        for &(_, k) in found {
            in_match[k as usize] = true;
        }
        for (k, t) in self.toks.iter().enumerate() {
            if t.marker && !in_match[k] {
                self.ctxs[t.ctx as usize].markers += 1;
            }
        }
    }

    /// A match reasons when one of its contexts holds a free marker and is not a terse list part.
    fn reasoned(&self, hits: &[Hit]) -> bool {
        hits.iter().any(|&(_, k)| {
            let ctx = self.ctxs[self.toks[k as usize].ctx as usize];
            !ctx.forced_bare && ctx.markers > 0
        })
    }

    fn verdict(&self, item: &Item, hits: &[Hit]) -> ItemVerdict {
        let mut verdict =
            ItemVerdict { id: item.id.clone(), covered: false, credit: 0.0, evidence: None, comment: None };
        if let Some(e) = &item.estimate {
            let matched: Vec<u32> = by_unit(hits).map(|(unit, _)| unit).collect();
            return judge_estimate(verdict, e, self, &matched);
        }
        if let Some((unit, _)) = by_unit(hits).find(|(_, h)| self.reasoned(h)) {
            verdict.covered = true;
            verdict.credit = 1.0;
            verdict.evidence = Some(self.unit_evidence(unit));
        } else if let Some(&(unit, _)) = hits.first() {
            verdict.credit = BARE_CREDIT;
            verdict.evidence = Some(self.unit_evidence(unit));
            verdict.comment = Some("only named in a bare list, with no reasoning around it".into());
        }
        verdict
    }
}

/// An estimate item: a compatible figure in range near a unit that names it.
fn judge_estimate(
    mut verdict: ItemVerdict,
    e: &crate::catalog::Estimate,
    a: &Analysis<'_>,
    matches: &[u32],
) -> ItemVerdict {
    if matches.is_empty() {
        return verdict;
    }
    let mut best_off: Option<(f64, Figure)> = None;
    let last = a.units.len() as u32 - 1;
    for &unit in matches {
        // The figure that goes with the concept is the one in its sentence; only when that
        // sentence has none do the next and previous sentences speak for it ("Peak QPS:" then
        // the arithmetic on the next line).
        let neighbours = [(unit < last).then(|| unit + 1), unit.checked_sub(1)];
        for u in std::iter::once(unit).chain(neighbours.into_iter().flatten()) {
            let figures: Vec<(f64, Figure)> = estimate::figures(a.unit_text(u))
                .into_iter()
                // A bare number stands for the item's rate only in the sentence that names it.
                .filter_map(|fig| fig.value_in(e.unit, u == unit).map(|v| (estimate::distance(e, v), fig)))
                .collect();
            if figures.is_empty() {
                continue;
            }
            if figures.iter().any(|(d, _)| *d == 0.0) {
                verdict.covered = true;
                verdict.credit = 1.0;
                verdict.evidence = Some(a.unit_evidence(u));
                return verdict;
            }
            for (d, fig) in figures {
                if best_off.as_ref().is_none_or(|(bd, _)| d < *bd) {
                    best_off = Some((d, fig));
                }
            }
            break;
        }
    }
    let expected = format!("expected {}–{}", estimate::human(e.min, e.unit), estimate::human(e.max, e.unit));
    verdict.comment = Some(match best_off {
        Some((_, fig)) => format!("figure off: \"{}\" ({expected})", fig.quote),
        None => format!("named, but no figure with a compatible unit ({expected})"),
    });
    verdict
}

/// One word of an analysed answer.
#[derive(Debug, Clone, Copy)]
struct Tok {
    /// Concept word id or `NONE`.
    word: u32,
    /// The concept word this token and the next spell together (`fan` + `out`), or `NONE`.
    alt2: u32,
    unit: u32,
    ctx: u32,
    marker: bool,
}

/// The context whose reasoning markers count for a match: a unit, or a segment of a list.
#[derive(Debug, Clone, Copy, Default)]
struct Ctx {
    markers: u32,
    forced_bare: bool,
}

/// An answer cut into units and words, with an index from concept word to positions.
struct Analysis<'t> {
    text: &'t str,
    units: Vec<std::ops::Range<usize>>,
    toks: Vec<Tok>,
    ctxs: Vec<Ctx>,
    /// `index_pos[index_start[w]..index_start[w+1]]`: positions where word `w` starts a match.
    index_start: Vec<u32>,
    index_pos: Vec<u32>,
}

#[derive(Default)]
struct Scratch {
    matched: Vec<u32>,
    part_hits: Vec<Vec<Hit>>,
}

/// Per-segment facts while analysing one unit.
#[derive(Clone, Copy, Default)]
struct Seg {
    words: u32,
    digit: bool,
    arrows: u32,
}

impl CompiledRubric {
    fn analyse<'t>(&self, text: &'t str) -> Analysis<'t> {
        let spans = normalize::units(text);
        let mut a = Analysis {
            text,
            units: Vec::with_capacity(spans.len()),
            toks: Vec::with_capacity(text.len() / 5),
            ctxs: Vec::new(),
            index_start: Vec::new(),
            index_pos: Vec::new(),
        };
        let mut buf = String::new();
        let mut seen: FastMap<&'t str, (u32, u64)> = FastMap::default();
        let mut segs: Vec<Seg> = Vec::new();
        let mut tok_seg: Vec<u32> = Vec::new();
        let mut hyphen_glued: Vec<(bool, bool)> = Vec::new();
        for span in spans {
            let unit = a.units.len() as u32;
            let unit_text = &text[span.range.clone()];
            a.units.push(span.range.clone());
            let first = a.toks.len();
            segs.clear();
            segs.push(Seg::default());
            tok_seg.clear();
            hyphen_glued.clear();
            let mut prev_end = 0;
            let mut prev_digits = false;
            let mut prev_head: Option<(u64, usize)> = None;
            for_each_word(unit_text, |w| {
                let gap = &unit_text[prev_end..w.range.start];
                let word = &unit_text[w.range.clone()];
                let numeric_comma =
                    gap == "," && prev_digits && word.len() == 3 && word.bytes().all(|b| b.is_ascii_digit());
                if !numeric_comma {
                    for _ in gap.chars().filter(|c| normalize::is_segment_separator(*c)) {
                        segs.push(Seg::default());
                    }
                }
                let seg = segs.len() - 1;
                if gap.contains("->") || gap.contains('→') || gap.contains("=>") || gap.contains('=') {
                    segs[seg].arrows += 1;
                }
                prev_end = w.range.end;
                prev_digits = word.bytes().all(|b| b.is_ascii_digit());
                let first_byte = word.as_bytes()[0];
                let digit = first_byte.is_ascii_digit();
                let conjunction = word.eq_ignore_ascii_case("and") || word.eq_ignore_ascii_case("or");
                if !w.hyphen_before && !conjunction {
                    segs[seg].words += 1;
                }
                segs[seg].digit |= digit;
                if w.hyphen_before {
                    if let Some(last) = hyphen_glued.last_mut() {
                        last.0 = true;
                    }
                }
                hyphen_glued.push((w.hyphen_before, digit));
                // Answers repeat their words: stem each distinct spelling once per analysis.
                let (entry, key) = *seen.entry(word).or_insert_with(|| {
                    buf.clear();
                    if word.is_ascii() {
                        buf.extend(word.bytes().map(|b| char::from(b.to_ascii_lowercase())));
                    } else {
                        buf.extend(word.chars().flat_map(char::to_lowercase));
                    }
                    stem_in_place(&mut buf);
                    (self.vocab.get(buf.as_str()).copied().unwrap_or(NONE), stem_key(&buf))
                });
                // Split compounds: `fan` followed by `out` spells the concept word `fanout`.
                if let Some((prev_key, prev_tok)) = prev_head {
                    if let Some(w) = self.splits.get(&(prev_key, key)) {
                        a.toks[prev_tok].alt2 = *w;
                    }
                }
                let is_head = self.heads[(key % HEAD_BITS) as usize / 64] & (1 << (key % 64)) != 0;
                prev_head = is_head.then_some((key, a.toks.len()));
                let (word_id, reason) = match entry {
                    NONE => (NONE, false),
                    e => (self.entries[e as usize].word, self.entries[e as usize].marker),
                };
                a.toks.push(Tok { word: word_id, alt2: NONE, unit, ctx: 0, marker: reason || digit });
                tok_seg.push(seg as u32);
            });
            // Hyphen-glued words (`read-through`, `at-least-once`) are part of a name, not reasoning.
            for (k, &(glued, digit)) in hyphen_glued.iter().enumerate() {
                if glued {
                    a.toks[first + k].marker = digit;
                }
            }
            let nonempty = segs.iter().filter(|s| s.words > 0).count();
            let terse = segs.iter().filter(|s| s.words > 0 && s.words <= 3).count();
            let is_list = nonempty >= 3 && terse * 4 >= nonempty * 3;
            let ctx_base = a.ctxs.len() as u32;
            if is_list {
                for s in &segs {
                    a.ctxs.push(Ctx { markers: s.arrows, forced_bare: s.words <= 3 && !s.digit });
                }
            } else {
                a.ctxs.push(Ctx { markers: segs.iter().map(|s| s.arrows).sum(), forced_bare: false });
            }
            for (k, seg) in tok_seg.iter().enumerate() {
                a.toks[first + k].ctx = if is_list { ctx_base + seg } else { ctx_base };
            }
        }
        // Counting sort of (word, position) for `word` and `alt2`.
        let n = self.words as usize;
        let mut counts = vec![0u32; n + 1];
        for t in &a.toks {
            for w in [t.word, t.alt2] {
                if w != NONE {
                    counts[w as usize + 1] += 1;
                }
            }
        }
        for i in 1..=n {
            counts[i] += counts[i - 1];
        }
        let mut fill = counts.clone();
        let mut pos = vec![0u32; counts[n] as usize];
        for (j, t) in a.toks.iter().enumerate() {
            let mut last = NONE;
            for w in [t.word, t.alt2] {
                if w != NONE && w != last {
                    pos[fill[w as usize] as usize] = j as u32;
                    fill[w as usize] += 1;
                    last = w;
                }
            }
        }
        a.index_start = counts;
        a.index_pos = pos;
        a
    }
}

impl Analysis<'_> {
    fn unit_text(&self, unit: u32) -> &str {
        &self.text[self.units[unit as usize].clone()]
    }

    fn unit_evidence(&self, unit: u32) -> String {
        normalize::evidence(self.unit_text(unit))
    }

    fn positions(&self, word: u32) -> &[u32] {
        if word == NONE || word as usize + 1 >= self.index_start.len() {
            return &[];
        }
        let s = self.index_start[word as usize] as usize;
        let e = self.index_start[word as usize + 1] as usize;
        &self.index_pos[s..e]
    }

    /// Add the hits of `concept` to `out`: for every unit where all its parts match, their words.
    fn concept_hits(&self, concept: &Concept, scratch: &mut Scratch, out: &mut Vec<Hit>) {
        let parts = concept.parts.len();
        if scratch.part_hits.len() < parts {
            scratch.part_hits.resize_with(parts, Vec::new);
        }
        for (p, phrase) in concept.parts.iter().enumerate() {
            let mut hits = std::mem::take(&mut scratch.part_hits[p]);
            hits.clear();
            self.phrase_hits(phrase, &mut scratch.matched, &mut hits);
            let empty = hits.is_empty();
            scratch.part_hits[p] = hits;
            if empty {
                return;
            }
        }
        let (first, others) = scratch.part_hits.split_at(1);
        for (unit, hits) in by_unit(&first[0]) {
            if others[..parts - 1].iter().all(|o| !unit_hits(o, unit).is_empty()) {
                out.extend_from_slice(hits);
                for o in &others[..parts - 1] {
                    out.extend_from_slice(unit_hits(o, unit));
                }
            }
        }
    }

    /// The hits of every alignment of `phrase`, sorted.
    fn phrase_hits(&self, phrase: &Phrase, matched: &mut Vec<u32>, out: &mut Vec<Hit>) {
        let joined = self.positions(phrase.joined[0]);
        for &j in self.positions(phrase.words[0]).iter().chain(joined) {
            matched.clear();
            let unit = self.toks[j as usize].unit;
            if self.align(phrase, 0, j as usize, unit, true, matched) {
                out.extend(matched.iter().map(|&k| (unit, k)));
            }
        }
        if !joined.is_empty() {
            out.sort_unstable();
            out.dedup();
        }
    }

    /// Match `phrase.words[i..]` starting at token `j` (exactly there when `first`, else after at
    /// most `MAX_FILLER` filler words), within `unit`; the matched tokens go to `matched`.
    fn align(
        &self,
        phrase: &Phrase,
        i: usize,
        j: usize,
        unit: u32,
        first: bool,
        matched: &mut Vec<u32>,
    ) -> bool {
        if i == phrase.words.len() {
            return true;
        }
        let gap = if first { 0 } else { MAX_FILLER };
        for k in j..=j + gap {
            let Some(t) = self.toks.get(k) else { break };
            if t.unit != unit {
                break;
            }
            let mark = matched.len();
            if t.word == phrase.words[i] {
                matched.push(k as u32);
                if self.align(phrase, i + 1, k + 1, unit, false, matched) {
                    return true;
                }
                matched.truncate(mark);
            }
            if t.alt2 == phrase.words[i] {
                matched.extend([k as u32, k as u32 + 1]);
                if self.align(phrase, i + 1, k + 2, unit, false, matched) {
                    return true;
                }
                matched.truncate(mark);
            }
            if i + 1 < phrase.words.len() && phrase.joined[i] != NONE && t.word == phrase.joined[i] {
                matched.push(k as u32);
                if self.align(phrase, i + 2, k + 1, unit, false, matched) {
                    return true;
                }
                matched.truncate(mark);
            }
        }
        false
    }
}

/// True when `quote` is about `item` as this grader understands it: graded alone, as the only
/// item of a one-item design, it earns some credit (one of the item's concepts, or for an
/// estimate a figure in range). The LLM grader accepts a verdict's evidence only when this holds,
/// so a generic sentence quoted for every item proves nothing.
pub fn evidence_is_about(design: &Design, item: &Item, quote: &str) -> bool {
    let mut rubric = Rubric { items: Vec::new(), ..design.rubric.clone() };
    rubric.items.push(item.clone());
    let one = Design { rubric, prompt: design.prompt.clone(), origin: design.origin.clone() };
    let answers = Answers {
        phases: vec![super::PhaseAnswer { phase: item.phase, text: quote.to_string() }],
        whole: false,
        hints_used: 0,
    };
    compiled(&one.rubric)
        .grade(&one, &answers)
        .phases
        .iter()
        .flat_map(|p| &p.items)
        .any(|v| v.id == item.id && v.credit > 0.0)
}

#[cfg(test)]
mod tests {
    use std::fmt::Write as _;

    use super::*;
    use crate::catalog::{Origin, Prompt};

    const PROMPT: &str =
        "# T\nScenario.\n## Requirements\nr\n## High-level design\nh\n## Deep dive\nd\n## Trade-offs\nt\n";

    /// One rubric item as TOML: `(id, phase, weight, level, concepts)`.
    fn item(id: &str, phase: &str, weight: u32, level: &str, concepts: &[&str]) -> String {
        let concepts: Vec<String> = concepts.iter().map(|c| format!("{c:?}")).collect();
        format!(
            "[[items]]\nid = {id:?}\nphase = {phase:?}\ntext = \"Does {id}.\"\nwhy = \"Because {id}.\"\n\
             weight = {weight}\nlevel = {level:?}\ncategory = \"architecture\"\nconcepts = [{}]\n\
             probe = \"What about {id}?\"\nhint = \"Think of {id}.\"\n",
            concepts.join(", ")
        )
    }

    fn design(items: &[String]) -> Design {
        let toml = format!("id = \"t\"\ntitle = \"T\"\nsummary = \"s\"\nversion = 1\n{}", items.join("\n"));
        let d = Design::parse(&toml, PROMPT, "t.toml", "t.md", Origin::Builtin).expect("test rubric parses");
        assert!(Prompt::parse(PROMPT, "t.md").is_ok());
        d
    }

    fn one(concepts: &[&str]) -> Design {
        design(&[item("x", "deep-dive", 3, "core", concepts)])
    }

    /// The verdict on the only item of `d` for `text` as a deep-dive answer.
    fn judge(d: &Design, text: &str) -> ItemVerdict {
        let answers = Answers::from_markdown(&format!("## Deep dive\n{text}\n"));
        let card = RubricGrader.grade(d, &answers);
        card.phase(Phase::DeepDive).unwrap().items[0].clone()
    }

    fn covers(concepts: &[&str], text: &str) -> bool {
        judge(&one(concepts), text).covered
    }

    #[test]
    fn plain_language_phrasings_count() {
        let c = &["websocket", "keep + connection open", "socket + open"];
        assert!(covers(
            c,
            "The phone keeps one connection open to our nearest server, so we push messages to it."
        ));
        assert!(covers(c, "We hold a WebSocket per phone so the server can push."));
        assert!(covers(c, "Each phone has a socket that we leave open while the app runs."));
        assert!(!covers(c, "The phone polls the server every few seconds for new messages."));
    }

    #[test]
    fn hyphen_and_space_variants_fold() {
        for text in ["We fan out on write to each inbox.", "We fan-out on write.", "We use fanout on write."]
        {
            assert!(covers(&["fan-out"], text), "fan-out vs {text}");
            assert!(covers(&["fanout"], text), "fanout vs {text}");
            assert!(covers(&["fan out"], text), "fan out vs {text}");
        }
        assert!(covers(
            &["read-through cache"],
            "Profiles sit behind a readthrough cache that we fill on a miss."
        ));
        assert!(covers(&["email"], "We send an e-mail to the user when the job ends."));
        assert!(covers(&["e-mail"], "We send an email to the user when the job ends."));
        assert!(covers(&["web socket"], "The client opens a WebSocket to the gateway."));
    }

    #[test]
    fn plurals_and_word_forms_fold() {
        assert!(covers(&["retry"], "Failed sends are retried with a delay."));
        assert!(covers(&["retries"], "The worker is retrying the send."));
        assert!(covers(&["shard"], "The table is sharded by user id."));
        assert!(covers(&["sharding"], "We split the data into shards by user id."));
        assert!(covers(&["queue"], "Requests are queued until a worker is free."));
        assert!(covers(&["caching"], "Hot profiles are cached in memory for speed."));
        assert!(covers(&["read receipt"], "The app sends read receipts when the chat opens."));
    }

    #[test]
    fn case_punctuation_and_markdown_are_ignored() {
        let v = judge(
            &one(&["consistent hashing"]),
            "We place keys with **Consistent** `hashing`, so adding a node moves few keys.",
        );
        assert!(v.covered);
        assert_eq!(
            v.evidence.as_deref(),
            Some("We place keys with **Consistent** `hashing`, so adding a node moves few keys."),
            "evidence is the original sentence"
        );
    }

    #[test]
    fn a_phrase_keeps_its_order_and_its_sentence() {
        let c = &["read receipt"];
        assert!(
            covers(c, "We send the read and the receipt together to the sender."),
            "two fillers are fine"
        );
        assert!(!covers(c, "We read it later; the delivery receipt goes to the sender."), "too far apart");
        assert!(!covers(c, "The receipt is read by the sender."), "wrong order");
        assert!(!covers(c, "Users read messages. A receipt goes back."), "across sentences");
    }

    #[test]
    fn plus_parts_must_share_a_sentence_in_any_order() {
        let c = &["retry + backoff"];
        assert!(covers(
            c,
            "With exponential backoff between attempts, the client will retry up to five times."
        ));
        assert!(!covers(c, "The client will retry. We also add backoff to the queue consumer."));
    }

    #[test]
    fn a_bare_list_of_nouns_earns_a_quarter() {
        let d = one(&["kafka"]);
        for text in [
            "Kafka, Redis, Cassandra, sharding, WebSocket, CDN.",
            "We use Kafka, Redis, Cassandra, sharding, WebSocket and CDN.",
            "- Kafka\n- Redis\n- Cassandra",
            "### Kafka",
        ] {
            let v = judge(&d, text);
            assert!(!v.covered, "{text}");
            assert!((v.credit - BARE_CREDIT).abs() < f64::EPSILON, "{text}: {}", v.credit);
            assert!(v.comment.as_deref().is_some_and(|c| c.contains("bare list")), "{text}");
            assert!(v.evidence.is_some());
        }
        let v = judge(&d, "- Kafka\n- Writes go through Kafka so a slow consumer never blocks the API.");
        assert!(v.covered, "a reasoned mention anywhere earns full credit");
        assert_eq!(
            v.evidence.as_deref(),
            Some("Writes go through Kafka so a slow consumer never blocks the API.")
        );
    }

    #[test]
    fn concept_words_are_not_reasoning_for_each_other() {
        // A list of multi-word concepts is still a list, even if the concepts contain verbs.
        let d = design(&[
            item("a", "deep-dive", 3, "core", &["deliver when they reconnect"]),
            item("b", "deep-dive", 3, "core", &["connection + stays open"]),
        ]);
        let answers =
            Answers::from_markdown("## Deep dive\n- deliver when they reconnect\n- connection stays open\n");
        let card = RubricGrader.grade(&d, &answers);
        for v in &card.phase(Phase::DeepDive).unwrap().items {
            assert!(!v.covered, "{v:?}");
            assert!(v.credit > 0.0);
        }
    }

    #[test]
    fn a_stuffed_answer_scores_far_below_a_reasoned_one_of_the_same_length() {
        let d = design(&[
            item("queue", "deep-dive", 4, "core", &["kafka", "message queue"]),
            item("cache", "deep-dive", 3, "core", &["redis", "cache"]),
            item("shard", "deep-dive", 4, "senior", &["sharding", "partition by"]),
            item("push", "deep-dive", 5, "core", &["websocket", "socket + open"]),
            item("cdn", "deep-dive", 2, "senior", &["cdn"]),
            item("dedupe", "deep-dive", 3, "staff", &["idempotency", "dedupe"]),
        ]);
        let reasoned = "Writes go into Kafka so bursts never reach the database directly. \
            Profiles are read from Redis because they change rarely. \
            The inbox table is sharded by user id, which keeps one user on one node. \
            Each phone keeps a WebSocket open, and we push over it. \
            Media is served from a CDN near the user. \
            Consumers dedupe on the message id, so a retried send is shown once.";
        let words = reasoned.split_whitespace().count();
        let mut stuffed = String::new();
        while stuffed.split_whitespace().count() < words {
            stuffed.push_str("Kafka, Redis, sharding, WebSocket, CDN, idempotency, message queue, cache.\n");
        }
        let grade = |text: &str| {
            RubricGrader.grade(&d, &Answers::from_markdown(&format!("## Deep dive\n{text}"))).score
        };
        let (r, s) = (grade(reasoned), grade(&stuffed));
        assert!((r - 100.0).abs() < f64::EPSILON, "reasoned {r}");
        assert!(s < 35.0, "stuffed {s}");
        assert!(r - s > 50.0, "reasoned {r} vs stuffed {s}");
    }

    fn estimate_design(unit: &str, min: f64, max: f64) -> Design {
        let mut it = item(
            "est",
            "deep-dive",
            3,
            "core",
            &["messages per second", "peak + messages", "storage per year"],
        );
        let _ = write!(it, "[items.estimate]\nmin = {min:?}\nmax = {max:?}\nunit = {unit:?}\n");
        design(&[it])
    }

    #[test]
    fn estimates_count_within_the_order_of_magnitude() {
        let d = estimate_design("per-second", 5e5, 5e6);
        let v = judge(&d, "At peak that is about 700k messages per second.");
        assert!(v.covered, "{v:?}");
        let v = judge(&d, "Peak: 60 billion messages a day, so roughly 2M at the busiest hour.");
        assert!(v.covered, "per-day figures are converted: {v:?}");
        let v = judge(&d, "The peak is high.\nWe get 1.4 million messages per second then.");
        assert!(v.covered, "a figure in the next sentence counts: {v:?}");
    }

    #[test]
    fn the_figure_in_the_naming_sentence_is_the_one_judged() {
        let d = estimate_design("per-second", 5e5, 5e6);
        // The neighbour holds an in-range rate, but the candidate's own figure is 1000x off.
        let v = judge(&d, "Writes arrive at 900k events per second.\nPeak messages: 700 per second.");
        assert!(!v.covered, "{v:?}");
        assert!(v.comment.unwrap().contains("700 per second"));
    }

    #[test]
    fn an_estimate_off_by_1000x_earns_nothing_and_is_quoted() {
        let d = estimate_design("per-second", 5e5, 5e6);
        let v = judge(&d, "At peak we see about 700 messages per second.");
        assert!(!v.covered);
        assert!(v.credit.abs() < f64::EPSILON);
        let c = v.comment.expect("a comment");
        assert!(c.contains("figure off") && c.contains("700 messages per second"), "{c}");
        assert!(c.contains("500k/s"), "the expected range is shown: {c}");
    }

    #[test]
    fn estimates_need_a_compatible_unit() {
        let d = estimate_design("per-second", 5e5, 5e6);
        let v = judge(&d, "Messages per second at peak need 2 TB of buffer.");
        assert!(!v.covered);
        assert!(v.comment.unwrap().contains("no figure with a compatible unit"));
        let d = estimate_design("bytes", 1e14, 1e15);
        assert!(
            judge(&d, "Storage per year is 2 PB/year of chat history, before replication.").covered,
            "as written"
        );
        assert!(!judge(&d, "Storage per year is 2 GB, tiny.").covered);
    }

    #[test]
    fn same_input_same_score_always() {
        let d = design(&[
            item("a", "requirements", 3, "core", &["read receipt"]),
            item("b", "high-level", 5, "core", &["websocket"]),
            item("c", "deep-dive", 2, "senior", &["kafka"]),
        ]);
        let text = "## Requirements\nUsers see read receipts.\n## HLD\nKafka, WebSocket, Redis\n## Deep dive\nWe use Kafka to buffer.";
        let a = RubricGrader.grade(&d, &Answers::from_markdown(text));
        for _ in 0..5 {
            assert_eq!(RubricGrader.grade(&d, &Answers::from_markdown(text)), a);
        }
        let fresh = CompiledRubric::new(&d.rubric).grade(&d, &Answers::from_markdown(text));
        assert_eq!(fresh, a, "the cache changes nothing");
    }

    #[test]
    fn scores_follow_weights_credits_and_hints() {
        let d = design(&[
            item("heavy", "deep-dive", 3, "core", &["kafka"]),
            item("light", "deep-dive", 1, "core", &["redis"]),
        ]);
        let mut answers = Answers::from_markdown("## Deep dive\nWe put every write through Kafka first.");
        let card = RubricGrader.grade(&d, &answers);
        assert!((card.score - 75.0).abs() < 1e-9, "{}", card.score);
        assert!((card.phase(Phase::DeepDive).unwrap().score - 75.0).abs() < 1e-9);
        assert!(card.phase(Phase::Requirements).unwrap().score.abs() < 1e-9, "no items: 0");
        answers.hints_used = 2;
        let card = RubricGrader.grade(&d, &answers);
        assert!((card.score - 71.0).abs() < 1e-9, "{}", card.score);
        assert!(card.warnings.iter().any(|w| w.contains("2 hints used")));
        let bare = RubricGrader.grade(&d, &Answers::from_markdown("## Deep dive\nKafka, Redis, Cassandra"));
        assert!((bare.score - 25.0).abs() < 1e-9, "{}", bare.score);
        assert_eq!(card.next.len(), 1, "only the missed item: {:?}", card.next);
        assert!(card.next[0].starts_with("Does light."));
    }

    #[test]
    fn whole_answers_are_graded_against_every_phase_and_say_so() {
        let d = design(&[
            item("a", "requirements", 3, "core", &["read receipt"]),
            item("b", "trade-offs", 3, "core", &["kafka"]),
        ]);
        let answers =
            Answers::from_markdown("Users see read receipts. We buffer writes in Kafka so spikes wait.");
        let card = RubricGrader.grade(&d, &answers);
        assert!(card.whole_answer);
        assert!(card.warnings.iter().any(|w| w.contains("graded as a whole")));
        assert!((card.score - 100.0).abs() < f64::EPSILON);
    }

    #[test]
    fn missing_items_come_most_important_first() {
        let d = design(&[
            item("staff5", "deep-dive", 5, "staff", &["zzz"]),
            item("core3", "deep-dive", 3, "core", &["yyy"]),
            item("core5", "deep-dive", 5, "core", &["xxx"]),
            item("senior5", "deep-dive", 5, "senior", &["www"]),
            item("covered", "deep-dive", 5, "core", &["kafka"]),
            item("other-phase", "requirements", 5, "core", &["vvv"]),
        ]);
        let ids: Vec<&str> = missing(&d, Phase::DeepDive, "We send writes through Kafka.")
            .iter()
            .map(|i| i.id.as_str())
            .collect();
        assert_eq!(ids, ["core5", "senior5", "staff5", "core3"]);
        let ids: Vec<&str> =
            missing(&d, Phase::DeepDive, "Kafka, Redis, CDN").iter().map(|i| i.id.as_str()).collect();
        assert!(ids.contains(&"covered"), "a bare mention is still missing: {ids:?}");
    }
}
