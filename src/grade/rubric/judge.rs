//! Stage 4, judge: an item's verdict from its occurrences.
//!
//! - **Claims only.** Occurrences in headings, in text that echoes the interviewer, or rejected
//!   by a negation earn nothing; in a question they earn nothing either, except for an item that
//!   rewards asking ("Asks about end-to-end encryption"), which the candidate's own question earns.
//! - **Explained, not named.** Full credit needs the mechanism: the sentence, or it and a
//!   neighbour in the same paragraph or list item, must hold at least [`SUPPORT_MIN`] distinct
//!   support words of the item (its `text`, `why` and `mechanism`, less stop, generic and concept
//!   words), one of them a plain description word. Another item's concept counts as support only
//!   from the neighbour ("retries reuse the key. The provider dedupes on it."), never in the
//!   naming sentence itself, so concepts strung together ("we use Kafka so that we shard")
//!   explain nothing. A name alone earns [`NAMED_CREDIT`] and is reported as named, not
//!   explained; an explanation in passing (fewer than [`DEPTH_MIN`] support words around every
//!   mention) earns [`BRIEF_CREDIT`].
//! - **In other words.** A sentence that describes an item densely in its own terms explains it
//!   without naming it, and lifts a bare naming elsewhere to full credit: at least
//!   [`PARAPHRASE_MIN`] distinct support words (one more in a fragment under
//!   [`PARAPHRASE_SHORT`] content words), and more the longer the sentence (chance matches
//!   grow with its length, so `n² ≥ PARAPHRASE_SPREAD × content words`), and one sentence stands
//!   in for at most [`PARAPHRASE_PER_SENTENCE`] items.
//! - **Known mistakes.** An item's pitfall said as the plan — not rejected, not a question, not
//!   criticised in its sentence or the next (`lexicon/critique.txt`), not beside the item's own
//!   concept — loses the item, whatever else the answer says; the verdict says what it breaks.
//! - **Anywhere.** An item is judged on the whole answer; among equal occurrences the one under
//!   its own phase's heading is quoted.
//! - **Estimates** need a figure with a compatible unit within the reference range near a claim
//!   that names the item (the naming sentence first, then its neighbours); a per-day or per-month
//!   figure answers a per-year amount after conversion. Several magnitudes offered for one figure
//!   ("1k, 10k or 100k/s") are no estimate; a bare number without a unit earns
//!   [`UNITLESS_CREDIT`].
//!
//! Pure: no I/O.

use crate::catalog::{Estimate, Item, Unit};
use crate::grade::ItemVerdict;
use crate::grade::estimate::{self, Figure, Kind as FigureKind};
use crate::text as normalize;

use super::analyse::{Analysis, Kind};
use super::compile::{CompiledRubric, FastMap, NONE};
use super::matching::Occurrence;

/// The share of an item's weight earned when its concept is named but not explained.
pub const NAMED_CREDIT: f64 = 0.25;
/// The share earned when it is explained only in passing: fewer than [`DEPTH_MIN`] support words
/// around every mention ("Kafka buffers bursts."), and no sentence describes it in its own terms.
pub const BRIEF_CREDIT: f64 = 0.75;
/// Distinct support words around one mention that make an explanation more than a passing one.
pub const DEPTH_MIN: usize = 4;
/// Distinct support words that make a mention an explanation.
pub const SUPPORT_MIN: usize = 2;
/// Distinct words of an item's own description that make a sentence explain it in other words,
/// without naming any of its concepts.
pub const PARAPHRASE_MIN: usize = 3;
/// Content words under which a unit is a fragment (a bullet, a schema line, a table cell): there
/// three of an item's words are what any list of the field's terms holds ("metrics, alerts,
/// dashboards for latency and error rate"), so a fragment needs one more, `PARAPHRASE_MIN + 1`.
pub const PARAPHRASE_SHORT: u32 = 8;
/// How many of a sentence's words must be the item's own for it to explain the item in other
/// words: `n` distinct support words in `c` content words count when `n² ≥ PARAPHRASE_SPREAD × c`.
/// Words that land on an item by chance grow in proportion to the sentence's length, so a fixed
/// share would refuse the long sentences plain explanations are made of (4 words in 30), while
/// a fixed count would accept any long sentence; the square root sits between the two.
pub const PARAPHRASE_SPREAD: f64 = 0.5;
/// How many items one sentence may explain without naming them. A sentence of the field's common
/// words ("reads scale out through replicas and we shard by a high-cardinality key") lands on many
/// items at once; a real explanation in plain words is about one or two.
pub const PARAPHRASE_PER_SENTENCE: usize = 2;
/// The share earned by an in-range estimate given as a bare number, without its unit.
pub const UNITLESS_CREDIT: f64 = 0.5;

const MULTI: u32 = u32::MAX - 1;

/// How well one occurrence shows the item.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Strength {
    Rejected,
    Echo,
    Asked,
    Named,
    Explained,
}

/// The verdicts of `items` (rubric indices) on an analysed answer, in that order; with, for each,
/// the answer's words that named it (for the interviewer's follow-up).
pub(super) struct Judgement {
    pub verdict: ItemVerdict,
    pub named_as: Option<String>,
    /// The answer's words for a pitfall it committed to.
    pub pitfall_as: Option<String>,
}

impl CompiledRubric {
    pub(super) fn judge(&self, a: &Analysis<'_>, rubric: &[Item], items: &[usize]) -> Vec<Judgement> {
        let occs: Vec<Vec<Occurrence>> = (0..self.items.len()).map(|i| self.occurrences(a, i)).collect();
        // Which item's concept each word belongs to: support never comes from a name.
        let mut owner = vec![NONE; a.toks.len()];
        for (i, list) in occs.iter().enumerate() {
            for o in list {
                for &(s, e) in &o.toks {
                    for t in &mut owner[s as usize..e as usize] {
                        *t = if *t == NONE || *t == i as u32 { i as u32 } else { MULTI };
                    }
                }
            }
        }
        let ctx = Context::new(a, &owner);
        let described = ctx.paraphrases(self, a, items);
        items
            .iter()
            .zip(described)
            .map(|(&i, d)| self.judge_item(a, &rubric[i], i, &occs[i], &ctx, d))
            .collect()
    }

    fn strength(&self, a: &Analysis<'_>, index: usize, o: &Occurrence, ctx: &Context) -> Strength {
        let unit = &a.units[o.unit as usize];
        if o.rejected {
            return Strength::Rejected;
        }
        match unit.kind {
            Kind::Heading => return Strength::Rejected,
            _ if unit.echo => return Strength::Echo,
            Kind::Question if self.items[index].asking => return Strength::Explained,
            Kind::Question if !answered_by_next(a, o.unit) => return Strength::Asked,
            Kind::Question | Kind::Text => {}
        }
        if self.support(a, index, o.unit, ctx, SUPPORT_MIN) >= SUPPORT_MIN {
            Strength::Explained
        } else {
            Strength::Named
        }
    }

    /// Distinct support words of item `index` around `unit` (it and its neighbours in the block):
    /// 0 unless one of them is a word of the item's text, why or mechanism rather than another of
    /// its names. In a neighbour, another item's concept counts too when the item's description
    /// uses it (the key a retry reuses); in `unit` itself it never does. Counting stops at `enough`.
    fn support(&self, a: &Analysis<'_>, index: usize, unit: u32, ctx: &Context, enough: usize) -> usize {
        let item = &self.items[index];
        let block = a.units[unit as usize].block;
        let lo = unit.saturating_sub(1);
        let hi = (unit + 1).min(a.units.len() as u32 - 1);
        // Only "at least SUPPORT_MIN, one of them descriptive" matters: stop as soon as it holds.
        let mut found = [NONE; 8];
        let mut n = 0;
        let mut described = false;
        for u in lo..=hi {
            let un = &a.units[u as usize];
            if un.block != block || un.kind == Kind::Heading || un.echo {
                continue;
            }
            if u != unit {
                for &(id, owner) in ctx.others(u) {
                    if owner as usize != index
                        && n + 1 < found.len()
                        && !found[..n].contains(&id)
                        && item.support_set.contains(id)
                    {
                        found[n] = id;
                        n += 1;
                    }
                }
            }
            for &id in ctx.words(u) {
                if found[..n].contains(&id) {
                    continue;
                }
                let descriptive = item.support_set.contains(id);
                if descriptive || item.names.contains(id) {
                    described |= descriptive;
                    found[n] = id;
                    n += 1;
                    if n == found.len() || described && n >= enough {
                        return n;
                    }
                }
            }
        }
        if described { n } else { 0 }
    }

    /// The first of item `index`'s pitfalls the answer commits to, and where: said as a claim, not
    /// rejected, with no critique (`lexicon/critique.txt`) or negation in its sentence or the next
    /// one of its paragraph ("ordering by timestamp breaks when clocks skew"), and not beside the
    /// item's own concept ("offset paging repeats posts, so we use a cursor": the mistake named to
    /// choose the right way).
    fn committed_pitfall(
        &self,
        a: &Analysis<'_>,
        index: usize,
        occs: &[Occurrence],
    ) -> Option<(usize, Occurrence)> {
        if self.items[index].pitfalls.is_empty() {
            return None;
        }
        // The pitfall's own words ("charge twice") are not a critique of it; a filler between
        // them ("is a trap: broadcasting") is.
        let discussed = |unit: u32, own: &[(u32, u32)], words: &[u32]| {
            let u = &a.units[unit as usize];
            (u.toks.start..u.toks.end).any(|k| {
                let t = &a.toks[k as usize];
                let its_word =
                    words.contains(&t.id) || a.alts_at(k as usize).iter().any(|x| words.contains(&x.id));
                let own_word = its_word && own.iter().any(|&(s, e)| (s..e).contains(&k));
                !own_word && (t.neg != NONE || self.critique.contains(&t.key))
            })
        };
        self.pitfall_occurrences(a, index).into_iter().find_map(|(p, o)| {
            let words: Vec<u32> = self.items[index].pitfalls[p]
                .iter()
                .flat_map(|c| &c.parts)
                .flat_map(|ph| ph.words.iter().chain(&ph.joined))
                .copied()
                .filter(|&id| id != NONE)
                .collect();
            let unit = &a.units[o.unit as usize];
            let next =
                a.units.get(o.unit as usize + 1).filter(|n| n.block == unit.block && n.kind == Kind::Text);
            let overlaps =
                |c: &Occurrence| c.toks.iter().any(|&(s, e)| o.toks.iter().any(|&(ps, pe)| s < pe && ps < e));
            let answered = occs.iter().any(|c| c.unit == o.unit && !c.rejected && !overlaps(c));
            let chosen = !o.rejected
                && !answered
                && unit.kind == Kind::Text
                && !unit.echo
                && !discussed(o.unit, &o.toks, &words)
                && next.is_none_or(|_| !discussed(o.unit + 1, &[], &words));
            chosen.then_some((p, o))
        })
    }

    fn judge_item(
        &self,
        a: &Analysis<'_>,
        item: &Item,
        index: usize,
        occs: &[Occurrence],
        ctx: &Context,
        paraphrase: Option<u32>,
    ) -> Judgement {
        let mut verdict = ItemVerdict {
            id: item.id.clone(),
            covered: false,
            named: false,
            credit: 0.0,
            evidence: None,
            comment: None,
        };
        if let Some((p, o)) = self.committed_pitfall(a, index, occs) {
            // The answer chose a known wrong way: the item is not earned. Put right afterwards (an
            // answer to the interviewer's follow-up, say), it earns what a name does.
            let corrected = paraphrase.is_some_and(|u| u > o.unit)
                || occs
                    .iter()
                    .any(|c| c.unit > o.unit && self.strength(a, index, c, ctx) == Strength::Explained);
            verdict.comment = Some(format!(
                "relies on a known mistake: \"{}\" — {}{}",
                short(&normalize::evidence(a.unit_text(o.unit))),
                item.pitfalls[p].breaks.trim(),
                if corrected { " Put right later in the answer, for a quarter of the weight." } else { "" }
            ));
            if corrected {
                verdict.credit = NAMED_CREDIT;
            }
            return Judgement { verdict, named_as: None, pitfall_as: Some(spoken(a, &o)) };
        }
        let judged: Vec<(Strength, &Occurrence)> =
            occs.iter().map(|o| (self.strength(a, index, o, ctx), o)).collect();
        let own_phase = |o: &Occurrence| a.units[o.unit as usize].phase == Some(item.phase);
        if let Some(e) = &item.estimate {
            let usable: Vec<u32> =
                judged.iter().filter(|(s, _)| *s >= Strength::Named).map(|(_, o)| o.unit).collect();
            judge_estimate(&mut verdict, e, a, ctx, &usable);
            if verdict.credit == 0.0 {
                comment_unusable(&mut verdict, &judged, a);
            }
            return Judgement { verdict, named_as: None, pitfall_as: None };
        }
        let best = judged.iter().max_by(|(sa, oa), (sb, ob)| {
            sa.cmp(sb).then(own_phase(oa).cmp(&own_phase(ob))).then(ob.unit.cmp(&oa.unit))
        });
        let mut named_as = None;
        let best_strength = best.map_or(Strength::Rejected, |(s, _)| *s);
        if best_strength < Strength::Explained {
            // No claim explains it: a sentence that describes the mechanism in the item's own
            // terms (its text, why and mechanism words, several of them) explains it in other
            // words, whether or not a name was dropped elsewhere.
            if let Some(u) = paraphrase {
                verdict.covered = true;
                verdict.credit = 1.0;
                verdict.evidence = Some(normalize::evidence(a.unit_text(u)));
                return Judgement { verdict, named_as, pitfall_as: None };
            }
        }
        match best {
            Some((Strength::Explained, o)) => {
                verdict.evidence = Some(normalize::evidence(a.unit_text(o.unit)));
                // Full credit for the item said in depth somewhere, or described in its own terms.
                let deepest = judged
                    .iter()
                    .filter(|(s, _)| *s == Strength::Explained)
                    .map(|(_, x)| self.support(a, index, x.unit, ctx, DEPTH_MIN))
                    .max()
                    .unwrap_or(0);
                if deepest >= DEPTH_MIN || paraphrase.is_some() || self.items[index].asking {
                    verdict.covered = true;
                    verdict.credit = 1.0;
                } else {
                    // Said in passing: the scorecard's warning says what earns the rest.
                    verdict.credit = BRIEF_CREDIT;
                }
            }
            Some((Strength::Named, o)) => {
                let words = named_words(a, o);
                verdict.named = true;
                verdict.credit = NAMED_CREDIT;
                verdict.evidence = Some(normalize::evidence(a.unit_text(o.unit)));
                verdict.comment = Some(format!("named \"{words}\" but not what it does here"));
                named_as = Some(words);
            }
            _ => comment_unusable(&mut verdict, &judged, a),
        }
        Judgement { verdict, named_as, pitfall_as: None }
    }
}

/// Whether the question `unit` is answered by the candidate's next sentence in its paragraph, a
/// plain claim with no negation ("Do we sell rooms or room types? I'll assume room types."): asked
/// and decided, the question's words are part of the claim.
fn answered_by_next(a: &Analysis<'_>, unit: u32) -> bool {
    let (q, next) = (&a.units[unit as usize], a.units.get(unit as usize + 1));
    next.is_some_and(|n| {
        n.block == q.block
            && n.kind == Kind::Text
            && !n.echo
            && a.toks[n.toks.start as usize..n.toks.end as usize].iter().all(|t| t.neg == NONE)
    })
}

/// The answer's words of an occurrence, first part to last ("order messages by timestamp").
fn spoken(a: &Analysis<'_>, o: &Occurrence) -> String {
    let start = o.toks.iter().map(|t| t.0).min().unwrap_or(0);
    let end = o.toks.iter().map(|t| t.1).max().unwrap_or(start + 1);
    if end - start > 8 {
        return named_words(a, o);
    }
    normalize::evidence(&a.text[a.toks[start as usize].start as usize..a.toks[end as usize - 1].end as usize])
}

/// The answer's words of an occurrence (its first part).
fn named_words(a: &Analysis<'_>, o: &Occurrence) -> String {
    let (s, e) = o.toks[0];
    let start = a.toks[s as usize].start as usize;
    let end = a.toks[e as usize - 1].end as usize;
    normalize::evidence(&a.text[start..end])
}

/// Say why mentions that earned nothing did not count.
fn comment_unusable(verdict: &mut ItemVerdict, judged: &[(Strength, &Occurrence)], a: &Analysis<'_>) {
    let Some((s, o)) = judged.iter().max_by_key(|(s, _)| *s) else { return };
    let quote = normalize::evidence(a.unit_text(o.unit));
    let why = match s {
        Strength::Rejected if a.units[o.unit as usize].kind == Kind::Heading => "only in a heading",
        Strength::Rejected => "only mentioned as rejected, negated or out of scope",
        Strength::Echo => "only in text that repeats the interviewer's words",
        Strength::Asked => "only asked about, never decided",
        _ => return,
    };
    if verdict.comment.is_none() {
        verdict.comment = Some(format!("{why}: \"{}\"", short(&quote)));
    }
}

fn short(text: &str) -> String {
    if text.chars().count() > 90 {
        format!("{}…", text.chars().take(90).collect::<String>())
    } else {
        text.to_string()
    }
}

/// A figure's value in the estimate's terms, if its unit is compatible.
fn value(e: &Estimate, fig: &Figure, naming: bool) -> Option<(f64, bool)> {
    if let (Unit::Bytes, Some(per), FigureKind::Bytes { per_second: Some(r), .. }) = (e.unit, e.per, fig.kind)
    {
        return Some((r * per.seconds(), true));
    }
    let bare = matches!(fig.kind, FigureKind::Number(_)) && e.unit == Unit::PerSecond;
    fig.value_in(e.unit, naming).map(|v| (v, !bare))
}

/// Several magnitudes offered for one quantity ("1k, 10k or 100k/s"): two compatible figures at
/// least 10× apart with nothing but separators ("," "or" "and") between them. Arithmetic between
/// figures ("60 billion × 300 bytes ≈ 18 TB") and ranges ("20–30k") are not guesses.
fn shotgun(figs: &[(f64, bool, &Figure)], text: &str) -> bool {
    let mut at = 0;
    let mut placed: Vec<(usize, usize, f64)> = Vec::new();
    for (v, _, f) in figs {
        if let Some(p) = text[at..].find(f.quote.as_str()) {
            let start = at + p;
            at = start + f.quote.len();
            placed.push((start, at, *v));
        }
    }
    placed.windows(2).any(|w| {
        let between = &text[w[0].1..w[1].0];
        // Arithmetic (×, ÷, =, ≈) and ranges (–) join figures of one computation, not guesses.
        let only_separators = between
            .chars()
            .all(|c| c.is_alphanumeric() || c.is_whitespace() || matches!(c, ',' | ';' | '(' | ')' | '~'))
            && between.split(|c: char| !c.is_alphanumeric()).all(|word| {
                matches!(
                    word.to_ascii_lowercase().as_str(),
                    "" | "or" | "and" | "maybe" | "perhaps" | "even" | "possibly"
                )
            });
        let (lo, hi) = if w[0].2 < w[1].2 { (w[0].2, w[1].2) } else { (w[1].2, w[0].2) };
        only_separators && lo > 0.0 && hi / lo >= 10.0
    })
}

fn judge_estimate(verdict: &mut ItemVerdict, e: &Estimate, a: &Analysis<'_>, ctx: &Context, units: &[u32]) {
    if units.is_empty() {
        return;
    }
    let last = a.units.len() as u32 - 1;
    let mut best_off: Option<(f64, String)> = None;
    let mut partial: Option<u32> = None;
    let mut scattered: Option<u32> = None;
    let mut people: Option<String> = None;
    for &unit in units {
        let block = a.units[unit as usize].block;
        let neighbours = [(unit < last).then(|| unit + 1), unit.checked_sub(1)];
        for u in std::iter::once(unit).chain(neighbours.into_iter().flatten()) {
            if u != unit && a.units[u as usize].block != block && a.units[u as usize].kind == Kind::Heading {
                continue;
            }
            let text = a.unit_text(u);
            if e.unit == Unit::Count && people.is_none() {
                people = ctx
                    .figures(a, u)
                    .iter()
                    .find(|f| matches!(f.kind, FigureKind::Population(_)))
                    .map(|f| f.quote.clone());
            }
            let figs: Vec<(f64, bool, &Figure)> = ctx
                .figures(a, u)
                .iter()
                .filter_map(|f| value(e, f, u == unit).map(|(v, unit_given)| (v, unit_given, f)))
                .collect();
            if figs.is_empty() {
                continue;
            }
            if shotgun(&figs, text) {
                scattered.get_or_insert(u);
                break;
            }
            if let Some((_, unit_given, _)) = figs.iter().find(|(v, _, _)| estimate::distance(e, *v) == 0.0) {
                if *unit_given {
                    verdict.covered = true;
                    verdict.credit = 1.0;
                    verdict.evidence = Some(normalize::evidence(text));
                    verdict.comment = None;
                    return;
                }
                partial.get_or_insert(u);
            }
            for (v, _, fig) in &figs {
                let d = estimate::distance(e, *v);
                if d > 0.0 && best_off.as_ref().is_none_or(|(bd, _)| d < *bd) {
                    best_off = Some((d, fig.quote.clone()));
                }
            }
            // An off figure in the naming sentence (the bytes per post) does not hide the
            // neighbour's total ("≈ 110 TB"): keep looking.
        }
    }
    let expected = format!("expected {}–{}", estimate::human(e.min, e.unit), estimate::human(e.max, e.unit));
    let period = e.per.map_or(String::new(), |p| {
        format!(
            " per {}",
            match p {
                crate::catalog::Period::Day => "day",
                crate::catalog::Period::Month => "month",
                crate::catalog::Period::Year => "year",
            }
        )
    });
    if let Some(u) = partial {
        verdict.credit = UNITLESS_CREDIT;
        verdict.evidence = Some(normalize::evidence(a.unit_text(u)));
        verdict.comment =
            Some(format!("the figure is right but has no unit ({expected}{period}); say what it counts"));
        return;
    }
    verdict.comment = Some(if let Some(u) = scattered {
        format!(
            "several magnitudes offered for one figure, which is no estimate: \"{}\"",
            short(a.unit_text(u))
        )
    } else if let Some((_, quote)) = best_off {
        format!("figure off: \"{quote}\" ({expected}{period})")
    } else if let Some(quote) = people {
        format!("\"{quote}\" counts people, not this; work it out from them ({expected}{period})")
    } else {
        format!("named, but no figure with a compatible unit ({expected}{period})")
    });
}

/// What every judgement on one analysed answer shares: for each unit, the ids said there outside
/// every concept's name and every rejected scope (a thesaurus phrase or joined compound once, not
/// also its words), the ids of words that name exactly one item's concept with that item, and how
/// many content words it has.
pub(super) struct Context {
    /// Each unit's figures, read the first time an estimate looks at it.
    figures: Vec<std::cell::OnceCell<Vec<Figure>>>,
    ids: Vec<u32>,
    start: Vec<u32>,
    named: Vec<(u32, u32)>,
    named_start: Vec<u32>,
    content: Vec<u32>,
}

impl Context {
    fn new(a: &Analysis<'_>, owner: &[u32]) -> Self {
        let mut ctx = Context {
            figures: vec![std::cell::OnceCell::new(); a.units.len()],
            ids: Vec::with_capacity(a.toks.len()),
            start: Vec::with_capacity(a.units.len() + 1),
            named: Vec::new(),
            named_start: Vec::with_capacity(a.units.len() + 1),
            content: Vec::with_capacity(a.units.len()),
        };
        for unit in &a.units {
            ctx.start.push(ctx.ids.len() as u32);
            ctx.named_start.push(ctx.named.len() as u32);
            let range = unit.toks.clone();
            for k in range.clone() {
                let (t, item) = (&a.toks[k as usize], owner[k as usize]);
                if t.neg == NONE && item != NONE && item != MULTI {
                    let ids = std::iter::once(t.id).chain(a.alts_at(k as usize).iter().map(|x| x.id));
                    ctx.named.extend(ids.filter(|&id| id != NONE).map(|id| (id, item)));
                }
            }
            ctx.content.push(range.clone().filter(|&k| !a.toks[k as usize].stop).count() as u32);
            let mut k = range.start;
            while k < range.end {
                let t = &a.toks[k as usize];
                if t.neg != NONE || owner[k as usize] != NONE {
                    k += 1;
                    continue;
                }
                if let Some(alt) =
                    a.alts_at(k as usize).iter().filter(|x| k + x.span <= range.end).max_by_key(|x| x.span)
                {
                    ctx.ids.push(alt.id);
                    k += alt.span;
                    continue;
                }
                if t.id != NONE {
                    ctx.ids.push(t.id);
                }
                k += 1;
            }
        }
        ctx.start.push(ctx.ids.len() as u32);
        ctx.named_start.push(ctx.named.len() as u32);
        ctx
    }

    fn figures(&self, a: &Analysis<'_>, unit: u32) -> &[Figure] {
        self.figures[unit as usize].get_or_init(|| estimate::figures(a.unit_text(unit)))
    }

    fn words(&self, unit: u32) -> &[u32] {
        &self.ids[self.start[unit as usize] as usize..self.start[unit as usize + 1] as usize]
    }

    /// The words of `unit` that name one item's concept, with that item.
    fn others(&self, unit: u32) -> &[(u32, u32)] {
        &self.named[self.named_start[unit as usize] as usize..self.named_start[unit as usize + 1] as usize]
    }

    /// For each of `items`, the unit that describes it best in its own terms, if one does: at
    /// least [`PARAPHRASE_MIN`] distinct support words, more in a longer unit (see
    /// [`PARAPHRASE_SPREAD`]), so a long sentence that collects a few by chance does not; and no
    /// unit for more than [`PARAPHRASE_PER_SENTENCE`] items, the densest matches first.
    fn paraphrases(&self, c: &CompiledRubric, a: &Analysis<'_>, items: &[usize]) -> Vec<Option<u32>> {
        let mut wanted = vec![u32::MAX; c.items.len()];
        for (slot, &i) in items.iter().enumerate() {
            wanted[i] = slot as u32;
        }
        let mut best: Vec<Option<(usize, u32)>> = vec![None; items.len()];
        let mut seen: Vec<(u32, u32)> = Vec::new();
        let mut found: Vec<(usize, usize, u32)> = Vec::new();
        for (u, unit) in a.units.iter().enumerate() {
            if unit.kind != Kind::Text || unit.echo {
                continue;
            }
            seen.clear();
            for &id in self.words(u as u32) {
                if let Some(list) = c.supports.get(&id) {
                    for &item in list {
                        if wanted[item as usize] != u32::MAX {
                            seen.push((item, id));
                        }
                    }
                }
            }
            seen.sort_unstable();
            seen.dedup();
            let content = f64::from(self.content[u]);
            for group in seen.chunk_by(|x, y| x.0 == y.0) {
                let n = group.len();
                // A fragment needs one word more, or every word of a description that short.
                let whole = c.items[group[0].0 as usize].support.len();
                let least = if content < f64::from(PARAPHRASE_SHORT) {
                    (PARAPHRASE_MIN + 1).min(whole)
                } else {
                    PARAPHRASE_MIN
                };
                if n >= least && (n * n) as f64 >= PARAPHRASE_SPREAD * content {
                    let slot = wanted[group[0].0 as usize] as usize;
                    found.push((n, slot, u as u32));
                }
            }
        }
        // Densest first; a sentence stands in for at most PARAPHRASE_PER_SENTENCE items.
        found.sort_by(|x, y| y.0.cmp(&x.0).then(x.1.cmp(&y.1)).then(x.2.cmp(&y.2)));
        let mut load: FastMap<u32, usize> = FastMap::default();
        for (n, slot, u) in found {
            if best[slot].is_some() {
                continue;
            }
            let used = load.entry(u).or_default();
            if *used < PARAPHRASE_PER_SENTENCE {
                *used += 1;
                best[slot] = Some((n, u));
            }
        }
        best.into_iter().map(|b| b.map(|(_, u)| u)).collect()
    }
}
