//! Normalisation shared by rubric concepts and answers, so both sides fold the same way: case,
//! punctuation and Markdown ignored (they are separators), hyphen/space variants left to the matcher
//! (`fan-out`, `fan out` and `fanout` become `fan`,`out` or `fanout`, which the matcher joins and
//! splits), and a light stemmer that folds plurals and common word forms
//! (retry/retries/retried/retrying → `retry`, shard/shards/sharded/sharding → `shard`,
//! queue/queues/queued/queueing → `queu`, cache/caches/cached/caching → `cach`).
//!
//! The rubric grader, the facts the interviewer answers from, the catalog's checks and the model
//! answers all fold words here, so a word means the same thing to each of them.
//!
//! Pure functions over strings: no I/O, no allocation beyond the returned values, no state.

use std::ops::Range;

/// Stem one lowercase word in place. Words of three letters or fewer, words that are not ASCII and
/// numbers (`230k`, `3x`) are left alone. Stems are not English words (`cache` → `cach`); they only
/// need to agree between a concept and an answer.
pub fn stem_in_place(s: &mut String) {
    if s.len() <= 3 || !s.is_ascii() || s.as_bytes()[0].is_ascii_digit() {
        return;
    }
    // 1. Plurals and the third person: caches → cach(e), retries → retry, shards → shard.
    if s.ends_with("sses") {
        s.truncate(s.len() - 2);
    } else if s.ends_with("ies") && s.len() > 4 {
        s.truncate(s.len() - 3);
        s.push('y');
    } else if ["xes", "ches", "shes", "zes"].iter().any(|e| s.ends_with(e)) {
        s.truncate(s.len() - 2);
    } else if s.ends_with('s') && !s.ends_with("ss") && !s.ends_with("us") && !s.ends_with("is") {
        s.pop();
    }
    // 2. Past tense and -ing: retried → retry, sharded → shard, dropping → drop.
    if s.ends_with("ied") && s.len() > 4 {
        s.truncate(s.len() - 3);
        s.push('y');
    } else if s.ends_with("ed") && !s.ends_with("eed") && has_vowel(&s[..s.len() - 2]) && s.len() - 2 >= 3 {
        s.truncate(s.len() - 2);
        undouble(s);
        undouble_ell(s);
    } else if s.ends_with("ing") && s.len() - 3 >= 3 && has_vowel(&s[..s.len() - 3]) {
        s.truncate(s.len() - 3);
        undouble(s);
        undouble_ell(s);
    }
    // 3. Derivations that rubric phrasings and answers mix freely.
    if s.ends_with("ization") {
        s.truncate(s.len() - 5);
        s.push('e');
    } else if s.ends_with("ation") && s.len() > 7 {
        s.truncate(s.len() - 3);
        s.push('e');
    }
    if s.ends_with("ly") && s.len() > 5 {
        s.truncate(s.len() - 2);
    }
    for (from, to) in [("ency", "ent"), ("ancy", "ant")] {
        if s.ends_with(from) && s.len() > 5 {
            s.truncate(s.len() - from.len());
            s.push_str(to);
            break;
        }
    }
    // British and American spellings meet: authorise/authorize, analyse/analyze.
    if s.len() > 5 && (s.ends_with("ise") || s.ends_with("yse")) {
        let n = s.len();
        s.replace_range(n - 2..n - 1, "z");
    }
    // -ion after t or s: connection/connected, deletion/delete, compression/compress; not where
    // the stem would be another word (contention is not content, a mission not a cache miss).
    if s.len() > 6 && (s.ends_with("tion") || s.ends_with("sion")) && !KEEP_ION.contains(&s.as_str()) {
        s.truncate(s.len() - 3);
    }
    // 4. A final silent e: cache/caching, store/storing, route/routing meet here.
    if s.ends_with('e') && s.len() > 3 {
        s.pop();
    }
}

/// Words whose `-ion` stays: cut, each would become a different common word.
const KEEP_ION: [&str; 9] =
    ["contention", "edition", "mission", "portion", "question", "station", "tension", "passion", "fiction"];

fn has_vowel(s: &str) -> bool {
    s.bytes().any(|b| matches!(b, b'a' | b'e' | b'i' | b'o' | b'u' | b'y'))
}

/// British doubling before a suffix: `cancelled` → `cancel`, `modelling` → `model` (but `spelled`
/// keeps `spell`: only stems of six letters or more).
fn undouble_ell(s: &mut String) {
    if s.len() >= 6 && s.ends_with("ell") {
        s.pop();
    }
}

/// `dropp` → `drop`, but `poll`, `pass` and `buzz` keep their doubles.
fn undouble(s: &mut String) {
    let b = s.as_bytes();
    if b.len() >= 3 {
        let (x, y) = (b[b.len() - 2], b[b.len() - 1]);
        if x == y && !matches!(y, b'l' | b's' | b'z' | b'a' | b'e' | b'i' | b'o' | b'u') {
            s.pop();
        }
    }
}

/// The stem of one word (lowercased first).
pub fn stem(word: &str) -> String {
    let mut s = word.to_lowercase();
    stem_in_place(&mut s);
    s
}

/// A phrase as the stems of its words: `"Fan-out on **write**"` → `["fan", "out", "on", "writ"]`.
pub fn phrase_stems(phrase: &str) -> Vec<String> {
    let mut out = Vec::new();
    for_each_word(phrase, |w| out.push(stem(&phrase[w.range])));
    out
}

/// A word of the text: its byte range and whether it is glued to its neighbour by a hyphen
/// (`read-through`, `at-least-once`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Word {
    pub range: Range<usize>,
    pub hyphen_before: bool,
}

/// Call `f` for each word of `text`: a maximal run of letters and digits. Everything else
/// (punctuation, Markdown, apostrophes, underscores) separates words.
pub fn for_each_word(text: &str, mut f: impl FnMut(Word)) {
    let bytes = text.as_bytes();
    let mut start: Option<usize> = None;
    let mut hyphen_before = false;
    // The previous two characters: whether a hyphen, whether alphanumeric.
    let (mut prev_hyphen, mut prev_alnum, mut before_prev_alnum) = (false, false, false);
    let mut i = 0;
    while i < bytes.len() {
        // ASCII, the common case, byte by byte; anything else decoded as a char.
        let (alnum, hyphen, len) = if bytes[i] < 0x80 {
            (bytes[i].is_ascii_alphanumeric(), bytes[i] == b'-', 1)
        } else {
            let c = text[i..].chars().next().unwrap_or(' ');
            (c.is_alphanumeric(), false, c.len_utf8())
        };
        if alnum {
            if start.is_none() {
                start = Some(i);
                hyphen_before = prev_hyphen && before_prev_alnum;
            }
        } else if let Some(s) = start.take() {
            f(Word { range: s..i, hyphen_before });
        }
        before_prev_alnum = prev_alnum;
        prev_alnum = alnum;
        prev_hyphen = hyphen;
        i += len;
    }
    if let Some(s) = start {
        f(Word { range: s..text.len(), hyphen_before });
    }
}

/// A unit's text as evidence: the original words, whitespace folded to single spaces, trimmed.
pub fn evidence(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for (i, w) in text.split_whitespace().enumerate() {
        if i > 0 {
            out.push(' ');
        }
        out.push_str(w);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stems(words: &[&str]) -> Vec<String> {
        words.iter().map(|w| stem(w)).collect()
    }

    fn all_same(words: &[&str]) {
        let s = stems(words);
        assert!(s.iter().all(|x| *x == s[0]), "{words:?} stem to {s:?}");
    }

    #[test]
    fn word_forms_fold_together() {
        all_same(&["cancel", "cancelled", "cancelling", "cancels"]);
        all_same(&["model", "modelled", "modelling"]);
        all_same(&["retry", "retries", "retried", "retrying"]);
        all_same(&["shard", "shards", "sharded", "sharding"]);
        all_same(&["queue", "queues", "queued", "queueing", "queuing"]);
        all_same(&["cache", "caches", "caching", "cached"]);
        all_same(&["replicate", "replicated", "replication", "replicating"]);
        all_same(&["consistent", "consistency"]);
        all_same(&["acknowledge", "acknowledged", "acknowledges", "acknowledging"]);
        all_same(&["drop", "dropped", "dropping", "drops"]);
        all_same(&["poll", "polling", "polled"]);
        all_same(&["route", "routing", "routed", "routes"]);
    }

    #[test]
    fn short_words_numbers_and_exceptions_stay() {
        assert_eq!(stem("Redis"), "redis");
        assert_eq!(stem("status"), "status");
        assert_eq!(stem("access"), "access");
        assert_eq!(stem("qps"), "qps");
        assert_eq!(stem("230k"), "230k");
        assert_eq!(stem("used"), "used");
        assert_ne!(stem("string"), "str");
    }

    #[test]
    fn a_word_whose_ion_cut_makes_another_word_keeps_it() {
        // "lock contention" must not read as the "content" a CDN serves.
        assert_ne!(stem("contention"), stem("content"));
        assert_ne!(stem("missions"), stem("miss"));
        assert_ne!(stem("question"), stem("quest"));
        assert_eq!(stem("connection"), stem("connected"));
        assert_eq!(stem("deletion"), stem("delete"));
    }

    #[test]
    fn phrases_ignore_case_punctuation_and_markdown() {
        assert_eq!(phrase_stems("**Read-through** `cache`"), vec!["read", "through", "cach"]);
        assert_eq!(phrase_stems("## Fan-Out on write!"), vec!["fan", "out", "on", "writ"]);
        assert_eq!(phrase_stems("server can't read"), vec!["server", "can", "t", "read"]);
    }

    #[test]
    fn hyphens_are_remembered() {
        let text = "at-least-once or fan out";
        let mut glued = Vec::new();
        for_each_word(text, |w| glued.push((text[w.range].to_string(), w.hyphen_before)));
        assert_eq!(glued[1], ("least".into(), true));
        assert_eq!(glued[2], ("once".into(), true));
        assert_eq!(glued[4], ("fan".into(), false));
    }

    #[test]
    fn evidence_folds_whitespace_only() {
        assert_eq!(evidence("  It is **sharded** by\n  user id.  "), "It is **sharded** by user id.");
    }
}
