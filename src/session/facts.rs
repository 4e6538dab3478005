//! Answering clarifying questions from a design's facts: the fact whose triggers best match the
//! question wins; no match means the interviewer leaves it to the candidate.

use crate::catalog::Fact;

/// The words of `text` as the rubric grader folds them (case, punctuation, word forms), so a
/// question says "messages" where the trigger says "message".
fn words(text: &str) -> Vec<String> {
    crate::grade::normalize::phrase_stems(text)
}

/// Does the word sequence `needle` occur in `hay`?
fn contains_seq(hay: &[String], needle: &[String]) -> bool {
    !needle.is_empty() && hay.windows(needle.len()).any(|w| w == needle)
}

/// The fact that best answers `question`, if any trigger matches. Longer triggers weigh more, so
/// "peak write rate" beats "rate".
pub fn answer_question<'f>(facts: &'f [Fact], question: &str) -> Option<&'f Fact> {
    let q = words(question);
    facts
        .iter()
        .map(|f| {
            let score: usize = f
                .triggers
                .iter()
                .map(|t| words(t))
                .filter(|t| contains_seq(&q, t))
                .map(|t| t.len() * 2 + 1)
                .sum();
            (f, score)
        })
        .filter(|(_, s)| *s > 0)
        .max_by(|a, b| a.1.cmp(&b.1).then_with(|| b.0.id.cmp(&a.0.id)))
        .map(|(f, _)| f)
}

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
        assert_eq!(answer_question(&facts, "how long do we keep messages").unwrap().id, "retention");
        assert!(answer_question(&facts, "what colour is the logo").is_none());
    }
}
