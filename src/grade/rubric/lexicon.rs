//! The grader's word lists, compiled in from `lexicon/` (data, not code): the shared thesaurus of
//! system-design words, stop words, generic words that never show an explanation, and the
//! negation triggers. Parsed once; `mockdesign validate` checks them with [`check`].
//!
//! Every word is folded the way answers are ([`crate::text`]), so a list holds one
//! form of a word and its plurals and word forms follow.
//!
//! Pure: the files are compiled in; nothing here reads the disk.

use std::collections::HashSet;
use std::sync::OnceLock;

use crate::text::phrase_stems as stems;

pub const THESAURUS: &str = include_str!("../../../lexicon/thesaurus.txt");
pub const STOPWORDS: &str = include_str!("../../../lexicon/stopwords.txt");
pub const GENERIC: &str = include_str!("../../../lexicon/generic.txt");
pub const NEGATION: &str = include_str!("../../../lexicon/negation.txt");
pub const CRITIQUE: &str = include_str!("../../../lexicon/critique.txt");

/// What a negation-file phrase does (see `lexicon/negation.txt`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TriggerKind {
    /// Rejects what follows, to the end of its clause.
    Pre,
    /// Rejects what precedes, back to the start of its clause.
    Post,
    /// Rejects what follows only when a contrast ends the clause.
    Contrast,
    /// Looks like a trigger and is not one.
    Pseudo,
    /// Ends a scope.
    End,
    /// Before a trigger in its clause, makes it a counterfactual.
    Cond,
}

/// A phrase of the negation file, as stems.
#[derive(Debug, Clone)]
pub struct Trigger {
    pub kind: TriggerKind,
    pub stems: Vec<String>,
}

/// The parsed word lists.
#[derive(Debug)]
pub struct Lexicon {
    pub stop: HashSet<String>,
    pub generic: HashSet<String>,
    /// Thesaurus groups: each a list of variants, each variant a list of stems. The first variant
    /// names the group.
    pub groups: Vec<Vec<Vec<String>>>,
    pub triggers: Vec<Trigger>,
    /// Words that show a sentence discusses a mistake rather than choosing it.
    pub critique: HashSet<String>,
}

fn content_lines(text: &str) -> impl Iterator<Item = (usize, &str)> {
    text.lines()
        .enumerate()
        .map(|(i, l)| (i + 1, l.split('#').next().unwrap_or("").trim()))
        .filter(|(_, l)| !l.is_empty())
}

/// Parse the four lists; an error names the file and line.
pub fn parse(
    thesaurus: &str,
    stop: &str,
    generic: &str,
    negation: &str,
    critique: &str,
) -> Result<Lexicon, String> {
    let words = |text: &str| -> HashSet<String> { content_lines(text).flat_map(|(_, l)| stems(l)).collect() };
    let mut groups = Vec::new();
    for (n, line) in content_lines(thesaurus) {
        let variants: Vec<Vec<String>> =
            line.split('|').map(stems).filter(|v: &Vec<String>| !v.is_empty()).collect();
        if variants.len() < 2 {
            return Err(format!(
                "lexicon/thesaurus.txt:{n}: a group needs at least two variants separated by `|`"
            ));
        }
        groups.push(variants);
    }
    let mut triggers = Vec::new();
    for (n, line) in content_lines(negation) {
        let Some((kind, phrase)) = line.split_once(':') else {
            return Err(format!("lexicon/negation.txt:{n}: expected `kind: phrase`"));
        };
        let kind = match kind.trim() {
            "pre" => TriggerKind::Pre,
            "post" => TriggerKind::Post,
            "contrast" => TriggerKind::Contrast,
            "pseudo" => TriggerKind::Pseudo,
            "end" => TriggerKind::End,
            "cond" => TriggerKind::Cond,
            other => {
                return Err(format!(
                    "lexicon/negation.txt:{n}: unknown kind `{other}` (pre, post, contrast, pseudo, end, cond)"
                ));
            }
        };
        let stems = stems(phrase);
        if stems.is_empty() {
            return Err(format!("lexicon/negation.txt:{n}: empty phrase"));
        }
        triggers.push(Trigger { kind, stems });
    }
    // A thesaurus variant that holds a trigger word ("not connected") is itself no negation.
    let trigger_words: HashSet<&String> = triggers
        .iter()
        .filter(|t| matches!(t.kind, TriggerKind::Pre | TriggerKind::Post) && t.stems.len() == 1)
        .map(|t| &t.stems[0])
        .collect();
    let mut pseudo = Vec::new();
    for variant in groups.iter().flatten() {
        if variant.len() > 1 && variant.iter().any(|s| trigger_words.contains(s)) {
            pseudo.push(Trigger { kind: TriggerKind::Pseudo, stems: variant.clone() });
        }
    }
    triggers.extend(pseudo);
    Ok(Lexicon { stop: words(stop), generic: words(generic), groups, triggers, critique: words(critique) })
}

/// The built-in lexicon.
pub fn lexicon() -> &'static Lexicon {
    static LEX: OnceLock<Lexicon> = OnceLock::new();
    LEX.get_or_init(|| {
        parse(THESAURUS, STOPWORDS, GENERIC, NEGATION, CRITIQUE).unwrap_or_else(|e| {
            // The files are compiled in and checked by a test; a broken one is a build defect.
            panic!("built-in lexicon: {e}")
        })
    })
}

/// Problems with the built-in lexicon, one line each (for `mockdesign validate`): a variant in two
/// groups, a stop word as a whole variant, a generic word as a group's only form.
pub fn check() -> Vec<String> {
    let lex = match parse(THESAURUS, STOPWORDS, GENERIC, NEGATION, CRITIQUE) {
        Ok(l) => l,
        Err(e) => return vec![e],
    };
    let mut problems = Vec::new();
    let mut seen: std::collections::HashMap<&[String], usize> = std::collections::HashMap::new();
    for (g, group) in lex.groups.iter().enumerate() {
        for variant in group {
            if let Some(&other) = seen.get(variant.as_slice()) {
                if other != g {
                    problems.push(format!(
                        "lexicon/thesaurus.txt: `{}` is in two groups (`{}` and `{}`)",
                        variant.join(" "),
                        lex.groups[other][0].join(" "),
                        group[0].join(" ")
                    ));
                }
            }
            seen.insert(variant, g);
            if variant.len() == 1 && lex.stop.contains(&variant[0]) {
                problems.push(format!("lexicon/thesaurus.txt: `{}` is a stop word", variant[0]));
            }
        }
    }
    problems
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::stem;

    #[test]
    fn the_built_in_lexicon_parses_and_checks_clean() {
        let lex = lexicon();
        assert!(lex.groups.len() > 50);
        assert!(lex.stop.contains("the"));
        assert!(lex.generic.contains(&stem("scalable")));
        assert_eq!(check(), Vec::<String>::new());
    }

    #[test]
    fn broken_lists_say_where() {
        let e = parse("lonely\n", "", "", "", "").unwrap_err();
        assert!(e.contains("thesaurus.txt:1"), "{e}");
        let e = parse("", "", "", "maybe: perhaps\n", "").unwrap_err();
        assert!(e.contains("negation.txt:1") && e.contains("unknown kind"), "{e}");
    }
}
