//! Stage 1, compile: a rubric (and the design's prompt) turned into what matching needs, once per
//! distinct content. Words are folded by [`crate::text`] and read through the shared
//! thesaurus ([`super::lexicon`]), so a concept written one way meets every variant.
//!
//! - **Vocabulary.** Every stem of a concept, a thesaurus variant or an item's support words gets
//!   a canonical id; the single-word variants of a thesaurus group share the group's id, and a
//!   multi-word variant ("connected at the same time") is a phrase that spells the group's id.
//! - **Compounds.** A concept word may be written as two (`websocket` ↔ `web socket`, `fanout` ↔
//!   `fan out`) and two concept words as one: both ways are registered.
//! - **Concepts** are phrases of ids; `a + b` means both parts in one sentence.
//! - **Support.** What explains an item: the content words of its `text`, `why` and `mechanism`,
//!   without stop words, generic words (`lexicon/generic.txt`) and the item's own concept words.
//! - **Echo.** The pairs of adjacent content words of everything the interviewer says (prompt,
//!   hints, probes, curveballs): text that repeats them is no claim of the candidate's.
//!
//! Pure: no I/O.

use std::collections::{HashMap, HashSet};
use std::hash::{BuildHasherDefault, Hash, Hasher};

use crate::catalog::{Design, Item};
use crate::text::{for_each_word, stem, stem_in_place};

use super::lexicon::{TriggerKind, lexicon};

pub(super) const NONE: u32 = u32::MAX;

/// A word in the text of more than this share of a rubric's items supports none of them.
pub const SPECIFIC_SHARE: f64 = 0.35;

/// A fast non-cryptographic hash (rustc's Fx): words are looked up once per distinct spelling.
#[derive(Default)]
pub(super) struct Fx(u64);

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
            let mut w = [0u8; 8];
            w.copy_from_slice(c);
            self.add(u64::from_le_bytes(w));
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

pub(super) type FastMap<K, V> = HashMap<K, V, BuildHasherDefault<Fx>>;
pub(super) type FastSet<K> = HashSet<K, BuildHasherDefault<Fx>>;

/// A 64-bit key for a stem.
pub(super) fn stem_key(stem: &str) -> u64 {
    let mut h = Fx::default();
    h.write(stem.as_bytes());
    h.add(0xff);
    h.finish()
}

/// A phrase of canonical ids: `words[i]` in order; `joined[i]` is the id that `words[i]` and
/// `words[i+1]` spell as one word (`fan` + `out` → `fanout`), or `NONE`.
#[derive(Debug, Clone)]
pub(super) struct Phrase {
    pub words: Vec<u32>,
    pub joined: Vec<u32>,
}

/// A concept: its `+`-separated parts, all in one sentence.
#[derive(Debug, Clone)]
pub(super) struct Concept {
    pub parts: Vec<Phrase>,
}

/// A set of ids as a bit per id: the support test runs for every word around every mention, and a
/// bit is cheaper than a search.
#[derive(Debug, Clone, Default)]
pub(super) struct IdSet(Vec<u64>);

impl IdSet {
    fn of(ids: &[u32]) -> Self {
        let ids = ids.iter().copied().filter(|&id| id != NONE);
        let mut bits = vec![0u64; ids.clone().max().map_or(0, |m| m as usize / 64 + 1)];
        for id in ids {
            bits[id as usize / 64] |= 1 << (id % 64);
        }
        IdSet(bits)
    }

    pub(super) fn contains(&self, id: u32) -> bool {
        self.0.get(id as usize / 64).is_some_and(|w| w & (1 << (id % 64)) != 0)
    }
}

/// One rubric item, compiled.
#[derive(Debug, Clone)]
pub(super) struct CItem {
    pub concepts: Vec<Concept>,
    /// Canonical ids that show the item explained: content words of its text, why and mechanism
    /// (sorted, deduplicated), to walk; `support_set` holds the same ids, to test one.
    pub support: Vec<u32>,
    pub support_set: IdSet,
    /// The words of its concepts that are not in `support`: a second name of the mechanism said
    /// beside the first helps explain it, but never alone.
    pub names: IdSet,
    /// The item rewards asking (its text starts with "Asks" or "Clarifies"): the candidate's own
    /// questions earn it.
    pub asking: bool,
    /// Its pitfalls' concepts, by pitfall.
    pub pitfalls: Vec<Vec<Concept>>,
}

/// A trigger phrase of the negation lexicon, as stem keys.
#[derive(Debug, Clone)]
pub(super) struct CTrigger {
    pub kind: TriggerKind,
    pub keys: Vec<u64>,
}

/// How a unit is written after a slash, and the unit it is.
const RATE_UNITS: [(&str, &str); 13] = [
    ("s", "second"),
    ("sec", "second"),
    ("second", "second"),
    ("d", "day"),
    ("day", "day"),
    ("mo", "month"),
    ("month", "month"),
    ("y", "year"),
    ("yr", "year"),
    ("year", "year"),
    ("h", "hour"),
    ("hr", "hour"),
    ("hour", "hour"),
];

/// A rubric ready for matching.
#[derive(Debug)]
pub struct CompiledRubric {
    pub(super) key: u64,
    pub(super) vocab: FastMap<Box<str>, u32>,
    pub(super) ids: u32,
    /// `(head stem key, tail stem key)` → the id they spell together.
    pub(super) splits: FastMap<(u64, u64), u32>,
    /// Multi-word thesaurus variants by their first id: `(the other ids, the group id)`.
    pub(super) phrases: FastMap<u32, Vec<(Vec<u32>, u32)>>,
    pub(super) stop: FastSet<u64>,
    /// Keys of the words that show a sentence discusses a mistake (`lexicon/critique.txt`).
    pub(super) critique: FastSet<u64>,
    pub(super) generic: FastSet<u64>,
    /// Negation triggers by the key of their first word, longest first.
    pub(super) triggers: FastMap<u64, Vec<CTrigger>>,
    pub(super) items: Vec<CItem>,
    /// Adjacent content-word pairs of what the interviewer says.
    pub(super) echo: FastSet<(u64, u64)>,
    /// For each support id, the items it supports (so a paraphrase is found in one pass).
    pub(super) supports: FastMap<u32, Vec<u32>>,
    /// A unit written after a slash (`6/s`, `8TB/day`) by its key: the thesaurus group that says
    /// "per" that unit, so `bookings ≈ 6/s` names "bookings per second".
    pub(super) rates: FastMap<u64, u32>,
    /// Ids of stop words, generic words, numbers and words under three letters.
    noncontent: FastSet<u32>,
}

/// A hash of everything in a design that grading depends on.
pub(super) fn content_key(design: &Design) -> u64 {
    let mut h = Fx::default();
    let r = &design.rubric;
    r.id.hash(&mut h);
    for item in &r.items {
        item.id.hash(&mut h);
        item.concepts.hash(&mut h);
        item.text.hash(&mut h);
        item.why.hash(&mut h);
        item.mechanism.hash(&mut h);
        item.probe.hash(&mut h);
        item.hint.hash(&mut h);
    }
    for c in &r.curveballs {
        c.text.hash(&mut h);
    }
    design.prompt.scenario.hash(&mut h);
    for p in design.prompt.phases.values() {
        p.text.hash(&mut h);
        p.hints.hash(&mut h);
    }
    h.finish()
}

/// Whether an item rewards asking: its text starts with "Asks" or "Clarifies".
pub fn rewards_asking(item: &Item) -> bool {
    let t = item.text.trim_start();
    t.starts_with("Asks") || t.starts_with("Clarifies")
}

impl CompiledRubric {
    /// Compile `design`'s rubric against the built-in lexicon.
    pub fn new(design: &Design) -> Self {
        let lex = lexicon();
        let mut c = CompiledRubric {
            key: content_key(design),
            vocab: FastMap::default(),
            ids: 0,
            splits: FastMap::default(),
            phrases: FastMap::default(),
            stop: lex.stop.iter().map(|s| stem_key(s)).collect(),
            critique: lex.critique.iter().map(|s| stem_key(s)).collect(),
            generic: lex.generic.iter().map(|s| stem_key(s)).collect(),
            triggers: FastMap::default(),
            items: Vec::new(),
            echo: FastSet::default(),
            supports: FastMap::default(),
            rates: FastMap::default(),
            noncontent: FastSet::default(),
        };
        for t in &lex.triggers {
            let keys: Vec<u64> = t.stems.iter().map(|s| stem_key(s)).collect();
            c.triggers.entry(keys[0]).or_default().push(CTrigger { kind: t.kind, keys });
        }
        for list in c.triggers.values_mut() {
            // Longest first; a pseudo-trigger beats a trigger of the same length.
            list.sort_by_key(|t| (std::cmp::Reverse(t.keys.len()), t.kind != TriggerKind::Pseudo));
        }
        // Thesaurus: single-word variants share the group id (all of them first, so a word that
        // also appears inside another group's phrase keeps its group); longer ones are phrases.
        let group_ids: Vec<u32> = lex.groups.iter().map(|_| c.fresh()).collect();
        for (group, &id) in lex.groups.iter().zip(&group_ids) {
            for variant in group {
                if let [one] = variant.as_slice() {
                    if !c.vocab.contains_key(one.as_str()) {
                        c.vocab.insert(one.as_str().into(), id);
                        c.register_splits(one, id);
                    }
                }
            }
        }
        for (group, &id) in lex.groups.iter().zip(&group_ids) {
            for variant in group.iter().filter(|v| v.len() > 1) {
                let ids: Vec<u32> = variant.iter().map(|s| c.word(s)).collect();
                c.phrases.entry(ids[0]).or_default().push((ids[1..].to_vec(), id));
            }
        }
        for list in c.phrases.values_mut() {
            list.sort_by_key(|(rest, _)| std::cmp::Reverse(rest.len()));
        }
        for (after_slash, unit) in RATE_UNITS {
            let per = c.vocab.get("per").copied();
            let unit = c.vocab.get(stem(unit).as_str()).copied();
            let group = per.zip(unit).and_then(|(per, unit)| {
                c.phrases.get(&per)?.iter().find(|(rest, _)| rest.as_slice() == [unit]).map(|(_, g)| *g)
            });
            if let Some(group) = group {
                c.rates.insert(stem_key(&stem(after_slash)), group);
            }
        }
        let mut raw_ids: Vec<FastSet<u32>> = Vec::new();
        let mut concepts_of: Vec<Vec<Concept>> = Vec::new();
        let mut pitfalls_of: Vec<Vec<Vec<Concept>>> = Vec::new();
        for item in &design.rubric.items {
            let mut own = FastSet::default();
            concepts_of.push(item.concepts.iter().filter_map(|t| c.concept(t, &mut own)).collect());
            // A pitfall's words are not the item's names: saying them explains nothing either way.
            pitfalls_of.push(
                item.pitfalls
                    .iter()
                    .map(|p| p.concepts.iter().filter_map(|t| c.pitfall(t)).collect())
                    .collect(),
            );
            raw_ids.push(own);
            // Register the description's words first, so the analysis below knows them.
            for text in [item.text.as_str(), item.why.as_str()]
                .into_iter()
                .chain(item.mechanism.iter().map(String::as_str))
            {
                for_each_word(text, |w| {
                    c.word(&stem(&text[w.range]));
                });
            }
        }
        // Support is what the description claims: words it rejects ("instead of the phone
        // polling") explain nothing, and neither do the negation words themselves.
        let trigger_words: FastSet<u64> =
            c.triggers.values().flatten().flat_map(|t| t.keys.iter().copied()).collect();
        let mut per_item: Vec<(Vec<Concept>, Vec<u32>)> = Vec::new();
        for (item, concepts) in design.rubric.items.iter().zip(concepts_of) {
            let mut support: Vec<u32> = Vec::new();
            let sources = [item.text.as_str(), item.why.as_str()]
                .into_iter()
                .chain(item.mechanism.iter().map(String::as_str));
            for text in sources {
                let a = c.analyse(text, &[]);
                for (k, t) in a.toks.iter().enumerate() {
                    if t.neg != NONE || trigger_words.contains(&t.key) {
                        continue;
                    }
                    for alt in a.alts_at(k) {
                        support.push(alt.id);
                    }
                    if t.id != NONE && c.content_id(t.id) {
                        support.push(t.id);
                    }
                }
            }
            support.sort_unstable();
            support.dedup();
            per_item.push((concepts, support));
        }
        // A word in the text of many items is the design's own subject ("message" in a chat
        // design), not what explains one item: only words specific to a few items support.
        let mut df: FastMap<u32, usize> = FastMap::default();
        for (_, support) in &per_item {
            for id in support {
                *df.entry(*id).or_default() += 1;
            }
        }
        let limit = (per_item.len() as f64 * SPECIFIC_SHARE).ceil().max(2.0) as usize;
        for ((((concepts, support), item), own), pitfalls) in
            per_item.into_iter().zip(&design.rubric.items).zip(&raw_ids).zip(pitfalls_of)
        {
            // The item's own concept words support it too (a second name of the mechanism, said
            // beside the first, is an explanation); the words of the occurrence itself never do.
            let support: Vec<u32> = support.into_iter().filter(|id| df[id] <= limit).collect();
            let names: Vec<u32> = own
                .iter()
                .copied()
                .filter(|&id| id != NONE && c.content_id(id) && support.binary_search(&id).is_err())
                .collect();
            let (support_set, names) = (IdSet::of(&support), IdSet::of(&names));
            c.items.push(CItem {
                concepts,
                support,
                support_set,
                names,
                asking: rewards_asking(item),
                pitfalls,
            });
        }
        for (i, item) in c.items.iter().enumerate() {
            for &id in &item.support {
                c.supports.entry(id).or_default().push(i as u32);
            }
        }
        let mut said: Vec<&str> = vec![design.prompt.scenario.as_str()];
        for p in design.prompt.phases.values() {
            said.push(&p.text);
            said.extend(p.hints.iter().map(String::as_str));
        }
        for item in &design.rubric.items {
            said.push(&item.probe);
            said.push(&item.hint);
        }
        for cb in &design.rubric.curveballs {
            said.push(&cb.text);
        }
        for text in said {
            let keys = c.content_keys(text);
            for pair in keys.windows(2) {
                c.echo.insert((pair[0], pair[1]));
            }
        }
        c
    }

    fn fresh(&mut self) -> u32 {
        let id = self.ids;
        self.ids += 1;
        id
    }

    /// The id of `stem`, registering it if new.
    fn word(&mut self, stem: &str) -> u32 {
        if let Some(&id) = self.vocab.get(stem) {
            return id;
        }
        let id = self.fresh();
        self.vocab.insert(stem.into(), id);
        let key = stem_key(stem);
        if self.stop.contains(&key)
            || self.generic.contains(&key)
            || stem.len() < 3
            || stem.as_bytes()[0].is_ascii_digit()
        {
            self.noncontent.insert(id);
        }
        id
    }

    /// A raw concept word: its id, and the ways an answer may split it in two.
    fn raw_word(&mut self, raw: &str) -> u32 {
        let s = stem(raw);
        let new = !self.vocab.contains_key(s.as_str());
        let id = self.word(&s);
        if new {
            self.register_splits(raw, id);
        }
        id
    }

    /// `websocket` may be written `web socket`: remember every cut of the word, by stem keys.
    fn register_splits(&mut self, raw: &str, id: u32) {
        if !raw.is_ascii() || raw.len() < 5 {
            return;
        }
        let (mut head, mut tail) = (String::new(), String::new());
        for k in 2..raw.len() - 1 {
            head.clear();
            head.push_str(&raw[..k]);
            stem_in_place(&mut head);
            tail.clear();
            tail.push_str(&raw[k..]);
            stem_in_place(&mut tail);
            self.splits.entry((stem_key(&head), stem_key(&tail))).or_insert(id);
        }
    }

    fn concept(&mut self, text: &str, own: &mut FastSet<u32>) -> Option<Concept> {
        let parts: Vec<Phrase> = text.split('+').filter_map(|p| self.phrase(p, own, true)).collect();
        (!parts.is_empty()).then_some(Concept { parts })
    }

    /// A pitfall's phrasing: matched like a concept, but it teaches the vocabulary no compounds
    /// (`messagetext`) or word cuts, so listing a mistake never changes how anything else is read.
    fn pitfall(&mut self, text: &str) -> Option<Concept> {
        let mut scratch = FastSet::default();
        let parts: Vec<Phrase> =
            text.split('+').filter_map(|p| self.phrase(p, &mut scratch, false)).collect();
        (!parts.is_empty()).then_some(Concept { parts })
    }

    /// A phrase; every id it is made of (its words and what they collapse to) goes to `own`.
    /// `compounds`: also register its words' cuts and adjacent words joined (`web socket` ↔
    /// `websocket`).
    fn phrase(&mut self, text: &str, own: &mut FastSet<u32>, compounds: bool) -> Option<Phrase> {
        let mut raws = Vec::new();
        for_each_word(text, |w| raws.push(text[w.range].to_lowercase()));
        if raws.is_empty() {
            return None;
        }
        let ids: Vec<u32> =
            raws.iter().map(|r| if compounds { self.raw_word(r) } else { self.word(&stem(r)) }).collect();
        own.extend(ids.iter().copied());
        // Collapse thesaurus phrases to their group id, longest first, so a concept written
        // "connected at the same time" is the group every variant spells.
        let mut words = Vec::with_capacity(ids.len());
        let mut kept_raws: Vec<Option<&str>> = Vec::with_capacity(ids.len());
        let mut i = 0;
        while i < ids.len() {
            let hit = self.phrases.get(&ids[i]).and_then(|list| {
                list.iter().find(|(rest, _)| ids.get(i + 1..i + 1 + rest.len()) == Some(rest.as_slice()))
            });
            if let Some((rest, group)) = hit {
                words.push(*group);
                kept_raws.push(None);
                i += 1 + rest.len();
            } else {
                words.push(ids[i]);
                kept_raws.push(Some(raws[i].as_str()));
                i += 1;
            }
        }
        let kept: Vec<Option<String>> = kept_raws.iter().map(|r| r.map(str::to_string)).collect();
        let joined: Vec<u32> = (0..words.len())
            .map(|i| match (&kept[i], kept.get(i + 1)) {
                (Some(a), Some(Some(b))) if compounds => self.raw_word(&format!("{a}{b}")),
                _ => NONE,
            })
            .collect();
        own.extend(words.iter().copied());
        own.extend(joined.iter().copied().filter(|&j| j != NONE));
        Some(Phrase { words, joined })
    }

    /// Whether `id` names a content word (not a stop or generic word, not a number).
    fn content_id(&self, id: u32) -> bool {
        !self.noncontent.contains(&id)
    }

    /// The stem keys of the content words of `text` (for echo pairs).
    pub(super) fn content_keys(&self, text: &str) -> Vec<u64> {
        let mut out = Vec::new();
        for_each_word(text, |w| {
            let s = stem(&text[w.range]);
            let key = stem_key(&s);
            if !self.stop.contains(&key) && !s.as_bytes()[0].is_ascii_digit() {
                out.push(key);
            }
        });
        out
    }
}
