//! Answering clarifying questions from a design's facts.
//!
//! Invariants:
//! - A fact answers a question only when one of its triggers occurs in it. A trigger is a phrase
//!   (its words in order) or `a + b` (every part somewhere in the question), folded the way the
//!   grader folds words (case, punctuation, plurals and word forms).
//! - Specific beats generic. Question words and words every design question shares ("how many",
//!   "how long", "users", "system") are *generic*: when a question has any other word, only a fact
//!   that matches one of those other words may answer it, so "how many users are in the largest
//!   group?" is answered by the groups fact, never by the users fact's "how many users", and "how
//!   long is a room held at checkout?" is never answered by retention's "how long".
//! - The topic beats the context. A specific word weighs less the more of the design's answers
//!   mention it: in "what latency do redirects need?" the word "redirects" appears in several
//!   answers of a URL shortener and "latency" in none, so the latency fact wins. The fact covering
//!   the most specific weight wins, a long trigger matched whole adding a little ("how long is a
//!   room held" beats "checkout"), then more words in all, then the fact written first.
//! - No match is a deflection that names the topic the candidate asked about and varies with the
//!   question ([`deflection`]); it never carries another fact's answer.
//!
//! Pure: no I/O, no clock, no randomness (the deflection's wording is a hash of the question).

use crate::catalog::Fact;

/// The words of `text` as the rubric grader folds them (case, punctuation, word forms), so a
/// question says "messages" where the trigger says "message".
fn words(text: &str) -> Vec<String> {
    crate::text::phrase_stems(text)
}

/// Words that say nothing about *which* fact a question is after: question words, auxiliaries,
/// pronouns, prepositions, and the nouns every design shares. Compared after stemming.
const GENERIC: &[&str] = &[
    "how",
    "many",
    "much",
    "long",
    "big",
    "what",
    "which",
    "when",
    "where",
    "who",
    "whom",
    "why",
    "whose",
    "do",
    "does",
    "did",
    "is",
    "are",
    "was",
    "were",
    "be",
    "been",
    "am",
    "the",
    "a",
    "an",
    "of",
    "to",
    "for",
    "in",
    "on",
    "at",
    "by",
    "per",
    "with",
    "from",
    "into",
    "about",
    "as",
    "we",
    "you",
    "i",
    "our",
    "your",
    "us",
    "me",
    "it",
    "its",
    "they",
    "them",
    "their",
    "there",
    "this",
    "that",
    "these",
    "those",
    "any",
    "some",
    "all",
    "should",
    "can",
    "could",
    "would",
    "will",
    "shall",
    "may",
    "might",
    "must",
    "need",
    "needs",
    "have",
    "has",
    "had",
    "and",
    "or",
    "if",
    "so",
    "then",
    "than",
    "also",
    "just",
    "roughly",
    "typical",
    "expect",
    "expected",
    "assume",
    "ok",
    "okay",
    "get",
    "got",
    "user",
    "users",
    "system",
    "service",
    "data",
    "thing",
    "things",
    "there",
    "like",
    "kind",
    "sort",
    "one",
    "each",
    "every",
    "support",
    "supported",
    "handle",
    "allowed",
    "allow",
    "want",
    "care",
    "worry",
    "plan",
    "consider",
    "look",
    "like",
    "today",
    "right",
    "not",
    "no",
    "yes",
    "please",
    "tell",
    "say",
    "know",
    "let",
];

/// Words that name a dimension ("how fast", "how soon") rather than a topic: they count, but a
/// word naming the thing asked about outweighs them ("how fast must a campaign finish?" is about
/// campaigns). Compared after stemming.
const SOFT: &[&str] = &["fast", "quick", "quickly", "soon", "slow", "often", "far", "large", "small", "size"];

fn is_soft(stem: &str) -> bool {
    SOFT.iter().any(|g| crate::text::stem(g) == stem)
}

fn is_generic(stem: &str) -> bool {
    GENERIC.iter().any(|g| crate::text::stem(g) == stem)
}

/// Where the word sequence `needle` occurs in `hay` (start positions).
fn occurrences(hay: &[String], needle: &[String]) -> Vec<usize> {
    if needle.is_empty() || needle.len() > hay.len() {
        return Vec::new();
    }
    hay.windows(needle.len()).enumerate().filter(|(_, w)| *w == needle).map(|(i, _)| i).collect()
}

/// The question positions a trigger covers, or `None` when it does not occur. A `+` trigger needs
/// every part.
fn trigger_cover(q: &[String], trigger: &str) -> Option<Vec<usize>> {
    let mut covered = Vec::new();
    for part in trigger.split('+') {
        let part = words(part);
        let starts = occurrences(q, &part);
        if starts.is_empty() {
            return None;
        }
        for s in starts {
            covered.extend(s..s + part.len());
        }
    }
    Some(covered)
}

/// How well one fact answers a question: (rank: the specific weight covered plus 0.1 for each
/// word of its longest matching trigger beyond the first, in thousandths; specific weight alone;
/// words covered).
type Score = (u64, u64, usize);

fn score(fact: &Fact, q: &[String], weight: &[f64]) -> Option<Score> {
    let mut covered = vec![false; q.len()];
    let mut longest = 0;
    for t in &fact.triggers {
        if let Some(positions) = trigger_cover(q, t) {
            longest = longest.max(positions.len());
            for p in positions {
                covered[p] = true;
            }
        }
    }
    let all = covered.iter().filter(|c| **c).count();
    if all == 0 {
        return None;
    }
    let specific: f64 = covered.iter().zip(weight).filter(|(c, _)| **c).map(|(_, w)| w).sum();
    #[allow(clippy::cast_precision_loss)]
    let phrase = 0.1 * longest.saturating_sub(1) as f64;
    Some((thousandths(specific + phrase), thousandths(specific), all))
}

#[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
fn thousandths(x: f64) -> u64 {
    (x * 1000.0).round() as u64
}

/// The weight of each question word: 0 for a generic word, else 1 ÷ (1 + the number of facts
/// whose answer mentions it), so the words that set the design's context weigh less than the topic;
/// a word naming a dimension weighs at most 0.3.
fn weights(facts: &[Fact], q: &[String]) -> Vec<f64> {
    let answers: Vec<Vec<String>> = facts.iter().map(|f| words(&f.answer)).collect();
    q.iter()
        .map(|word| {
            if is_generic(word) {
                return 0.0;
            }
            let df = answers.iter().filter(|a| a.contains(word)).count();
            #[allow(clippy::cast_precision_loss)]
            let weight = 1.0 / (1.0 + df as f64);
            if is_soft(word) { weight.min(0.3) } else { weight }
        })
        .collect()
}

/// The fact that best answers `question`, if any (see the module doc for the order).
pub fn answer_question<'f>(facts: &'f [Fact], question: &str) -> Option<&'f Fact> {
    let q = words(question);
    let weight = weights(facts, &q);
    let has_specific = weight.iter().any(|w| *w > 0.0);
    let mut best: Option<(&Fact, Score)> = None;
    for fact in facts {
        let Some(s) = score(fact, &q, &weight) else { continue };
        if has_specific && s.1 == 0 {
            continue;
        }
        // Strictly better only: on a tie the fact written first keeps it.
        if best.is_none_or(|(_, b)| s > b) {
            best = Some((fact, s));
        }
    }
    best.map(|(f, _)| f)
}

/// Words that open a question without saying what it is about; stripped from the front of the
/// question to find its topic (compared lowercase, unstemmed).
const LEAD: &[&str] = &[
    "how", "what", "what's", "whats", "which", "when", "where", "who", "why", "do", "does", "did", "is",
    "are", "was", "were", "will", "would", "should", "shall", "can", "could", "may", "might", "must", "we",
    "i", "you", "our", "us", "it", "there", "the", "a", "an", "any", "need", "needs", "to", "have", "has",
    "support", "handle", "care", "about", "much", "many", "long", "often", "big", "also", "still", "really",
    "be", "allowed", "want", "assume", "worry", "happens", "happen", "if", "of", "for", "kind", "sort", "ok",
    "okay", "so", "and", "then", "consider", "plan", "expect", "offer", "provide", "include", "build",
    "deal", "with", "on", "in", "at",
];

const COPULA: &[&str] = &["is", "are", "was", "were"];
const AUX: &[&str] = &["do", "does", "did", "should", "can", "could", "will", "would", "must", "may"];
const ARTICLE: &[&str] = &["the", "a", "an", "our", "your", "their", "this", "that", "its"];

/// The topic of a question in its own words: the question without its opening question words and
/// its final punctuation, at most eight words ("Do we need end-to-end encryption?" →
/// "end-to-end encryption").
pub fn topic(question: &str) -> String {
    let tokens: Vec<&str> = question.split_whitespace().collect();
    let clean = |t: &str| {
        t.trim_matches(|c: char| !c.is_alphanumeric() && c != '\'' && c != '-')
            .to_lowercase()
            .replace('\u{2019}', "'")
    };
    let start = tokens.iter().position(|t| !LEAD.contains(&clean(t).as_str())).unwrap_or(tokens.len());
    let rest: Vec<&str> = tokens[start..].iter().take(8).copied().collect();
    // "colour is the app icon" → "colour of the app icon"; "processor is down" → "processor being
    // down"; "cloud vendor do we use" → "cloud vendor".
    let split = rest
        .iter()
        .skip(1)
        .position(|t| COPULA.contains(&clean(t).as_str()) || AUX.contains(&clean(t).as_str()));
    let rest: Vec<&str> = match split.map(|i| i + 1) {
        Some(i) if AUX.contains(&clean(rest[i]).as_str()) => rest[..i].to_vec(),
        Some(i) if i + 1 < rest.len() => {
            let joint = if ARTICLE.contains(&clean(rest[i + 1]).as_str()) { "of" } else { "being" };
            rest[..i].iter().copied().chain([joint]).chain(rest[i + 1..].iter().copied()).collect()
        }
        Some(i) => rest[..i].to_vec(),
        None => rest,
    };
    let text = rest.join(" ");
    let text = text.trim_end_matches(|c: char| !c.is_alphanumeric() && c != ')').trim();
    if text.is_empty() { "that".to_string() } else { text.to_string() }
}

/// The interviewer's reply when no fact answers: it names the topic and its wording varies with
/// the question, so two different questions do not get the same canned line.
pub fn deflection(question: &str) -> String {
    let topic = topic(question);
    // FNV-1a over the folded question: the same question always gets the same wording.
    let hash = question
        .to_lowercase()
        .bytes()
        .fold(0xcbf2_9ce4_8422_2325_u64, |h, b| (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3));
    match hash % 4 {
        0 => format!("I'd leave {topic} to you — state your assumption and carry on."),
        1 => format!(
            "I have no fixed requirement on {topic}; pick a reasonable assumption, say it, and move on."
        ),
        2 => format!("Your call on {topic} — tell me what you assume and why, then carry on."),
        _ => format!("Nothing specific on {topic} from me: decide what is reasonable and state it."),
    }
}

#[cfg(test)]
mod tables;

#[cfg(test)]
mod tests {
    use super::*;

    fn fact(id: &str, triggers: &[&str]) -> Fact {
        Fact {
            id: id.into(),
            triggers: triggers.iter().map(|t| (*t).to_string()).collect(),
            answer: id.into(),
        }
    }

    #[test]
    fn best_trigger_wins_and_plurals_fold() {
        let facts =
            [fact("users", &["users", "daily active"]), fact("retention", &["how long", "retention"])];
        assert_eq!(answer_question(&facts, "How many daily active users?").unwrap().id, "users");
        assert_eq!(answer_question(&facts, "what is the retention of messages").unwrap().id, "retention");
        assert!(answer_question(&facts, "what colour is the logo").is_none());
    }

    #[test]
    fn a_generic_trigger_never_captures_a_question_about_something_else() {
        let facts = [
            fact("users", &["how many users", "users"]),
            fact("groups", &["group", "largest group"]),
            fact("retention", &["how long", "retention"]),
            fact("checkout", &["hold + checkout"]),
        ];
        let id = |q: &str| answer_question(&facts, q).map(|f| f.id.as_str());
        assert_eq!(id("How many users are in the largest group?"), Some("groups"));
        assert_eq!(id("How many users?"), Some("users"));
        assert_eq!(id("How long?"), Some("retention"));
        assert_eq!(id("How long is a room held during checkout?"), None, "'how long' alone is not the topic");
        assert_eq!(id("How long do we hold the room at checkout?"), Some("checkout"));
    }

    #[test]
    fn the_topic_beats_a_word_every_answer_mentions() {
        let mut volume = fact("volume", &["redirects", "clicks"]);
        volume.answer = "10 billion redirects a month.".into();
        let mut latency = fact("latency", &["latency"]);
        latency.answer = "Redirects within 50 ms at p99.".into();
        let mut availability = fact("availability", &["availability"]);
        availability.answer = "Redirects need 99.99%.".into();
        let facts = [volume, latency, availability];
        let id = |q: &str| answer_question(&facts, q).map(|f| f.id.as_str());
        assert_eq!(id("What latency do redirects need?"), Some("latency"));
        assert_eq!(id("How many redirects?"), Some("volume"));
    }

    #[test]
    fn plus_triggers_need_every_part_in_any_order() {
        let facts = [fact("outage", &["processor + down"]), fact("methods", &["processor"])];
        let id = |q: &str| answer_question(&facts, q).map(|f| f.id.as_str());
        assert_eq!(id("What happens if the processor is down?"), Some("outage"));
        assert_eq!(id("Which processor do we use?"), Some("methods"));
    }

    #[test]
    fn a_deflection_names_the_topic_and_varies() {
        assert_eq!(topic("Do we need end-to-end encryption?"), "end-to-end encryption");
        assert_eq!(topic("Should we support read receipts?"), "read receipts");
        assert_eq!(topic("?"), "that");
        assert_eq!(topic("What colour is the app icon?"), "colour of the app icon");
        assert_eq!(topic("What happens if the processor is down?"), "processor being down");
        assert_eq!(topic("Which cloud vendor do we use?"), "cloud vendor");
        let d = deflection("Do we need end-to-end encryption?");
        assert!(d.contains("end-to-end encryption"), "{d}");
        let many: std::collections::HashSet<String> = [
            "Do we need end-to-end encryption?",
            "Should we support read receipts?",
            "What colour is the app icon?",
            "Do we support stickers?",
            "Is there a budget?",
            "Which cloud are we on?",
        ]
        .iter()
        .map(|q| deflection(q).replace(&topic(q), "…"))
        .collect();
        assert!(many.len() >= 2, "the wording varies: {many:?}");
    }
}
