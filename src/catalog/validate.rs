//! Checks beyond parsing: what `mockdesign validate` reports and the test suite enforces on every
//! built-in design. Each problem names its file and, when it can be found, the line (or else the
//! item), so a rubric author can go straight to it.
//!
//! This module only reads the texts it is given: it never touches the disk, the terminal or the
//! network, and it never refuses to look at the rest of a file because one part is wrong.

use std::collections::HashSet;
use std::fmt;

use super::{CatalogError, Design, ModelAnswer, Phase, Prompt, Rubric};

/// How bad a problem is. Errors fail `validate`; warnings are reported but pass.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    Warning,
    Error,
}

/// One thing wrong with a rubric or prompt file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// The file as the user named it (`rubrics/whatsapp.toml`, a path on disk).
    pub file: String,
    /// 1-based line, when known.
    pub line: Option<usize>,
    /// What the problem is about: `item 'est-qps'`, `fact 'users'`, … (none for file-wide problems).
    pub subject: Option<String>,
    pub message: String,
    pub severity: Severity,
}

impl Problem {
    fn new(file: &str, message: impl Into<String>) -> Self {
        Self {
            file: file.to_string(),
            line: None,
            subject: None,
            message: message.into(),
            severity: Severity::Error,
        }
    }
    fn at(mut self, line: Option<usize>) -> Self {
        self.line = line;
        self
    }
    fn about(mut self, subject: String) -> Self {
        self.subject = Some(subject);
        self
    }
    fn warning(mut self) -> Self {
        self.severity = Severity::Warning;
        self
    }
    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

impl fmt::Display for Problem {
    /// `file:line: item 'x': message`, or `file: item 'x': message` when the line is unknown.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.file)?;
        if let Some(line) = self.line {
            write!(f, ":{line}")?;
        }
        f.write_str(": ")?;
        if self.severity == Severity::Warning {
            f.write_str("warning: ")?;
        }
        if let Some(subject) = &self.subject {
            write!(f, "{subject}: ")?;
        }
        f.write_str(&self.message)
    }
}

/// A parse error as a problem, keeping its file and line.
pub fn from_error(err: &CatalogError) -> Problem {
    match err {
        CatalogError::Toml { file, line, message } => Problem::new(file, message.clone()).at(Some(*line)),
        CatalogError::Invalid { file, message } => Problem::new(file, message.clone()),
        CatalogError::Io { path, source } => Problem::new(&path.display().to_string(), source.to_string()),
        CatalogError::Unknown { name, .. } => Problem::new(name, err.to_string()),
    }
}

/// Everything wrong with a loaded design, as plain lines; empty when it is fine (warnings
/// included, so callers that want a spotless design can insist on an empty list).
pub fn problems(design: &Design) -> Vec<String> {
    let file = format!("rubrics/{}.toml", design.id());
    check_rubric(&design.rubric, &file, None, None).iter().map(ToString::to_string).collect()
}

/// Check a rubric file's text: parse errors (with line; unknown keys included), then the content.
/// `expected_id` is the id the file name implies (`rubrics/<id>.toml`).
pub fn check_rubric_text(text: &str, file: &str, expected_id: Option<&str>) -> Vec<Problem> {
    match Rubric::parse(text, file) {
        Ok(rubric) => check_rubric(&rubric, file, Some(text), expected_id),
        Err(e) => vec![from_error(&e)],
    }
}

/// Check a prompt file's text: the four phase prompts and a hint ladder for each.
pub fn check_prompt_text(text: &str, file: &str) -> Vec<Problem> {
    let prompt = match Prompt::parse(text, file) {
        Ok(p) => p,
        Err(e) => return vec![from_error(&e)],
    };
    let mut out = Vec::new();
    if prompt.title.trim().is_empty() {
        out.push(Problem::new(file, "no title: the first line should be `# <Title>`"));
    }
    if prompt.scenario.trim().is_empty() {
        out.push(Problem::new(file, "no scenario: write how the interviewer opens, under the title"));
    }
    for phase in Phase::ALL {
        let hints = &prompt.phase(phase).hints;
        if hints.is_empty() {
            let line = heading_line(text, phase);
            out.push(
                Problem::new(
                    file,
                    format!("phase '{}' has no hints (add `### Hints` with 2–4 nudges)", phase.title()),
                )
                .at(line),
            );
        } else if hints.iter().any(|h| h.trim().is_empty()) {
            out.push(
                Problem::new(file, format!("phase '{}' has an empty hint", phase.title()))
                    .at(heading_line(text, phase)),
            );
        }
    }
    out
}

/// The line of the `## ` heading that opens `phase`.
fn heading_line(text: &str, phase: Phase) -> Option<usize> {
    text.lines()
        .position(|l| l.strip_prefix("## ").and_then(Phase::from_heading) == Some(phase))
        .map(|i| i + 1)
}

/// Where each `[[items]]`, `[[facts]]` and `[[curveballs]]` entry starts in the source: the line of
/// its `id = …` key, or of its header when it has none.
#[derive(Clone, Copy)]
enum Table {
    Items,
    Facts,
    Curveballs,
    Other,
}

#[derive(Default)]
struct Lines {
    items: Vec<usize>,
    facts: Vec<usize>,
    curveballs: Vec<usize>,
}

impl Lines {
    fn scan(source: &str) -> Self {
        let mut lines = Lines::default();
        let mut table = Table::Other;
        let mut id_seen = true;
        for (i, raw) in source.lines().enumerate() {
            let line = raw.trim();
            if line.starts_with('[') {
                let header: String = line.chars().filter(|c| !c.is_whitespace()).collect();
                // A sub-table of the current entry (`[items.estimate]`) keeps its place.
                if header.starts_with("[items.") {
                    continue;
                }
                table = match header.as_str() {
                    "[[items]]" => Table::Items,
                    "[[facts]]" => Table::Facts,
                    "[[curveballs]]" => Table::Curveballs,
                    _ => Table::Other,
                };
                if let Some(v) = lines.table(table) {
                    v.push(i + 1);
                    id_seen = false;
                }
                continue;
            }
            if !id_seen
                && line.split('=').next().is_some_and(|k| k.trim() == "id")
                && let Some(last) = lines.table(table).and_then(|v| v.last_mut())
            {
                *last = i + 1;
                id_seen = true;
            }
        }
        lines
    }

    fn table(&mut self, table: Table) -> Option<&mut Vec<usize>> {
        match table {
            Table::Items => Some(&mut self.items),
            Table::Facts => Some(&mut self.facts),
            Table::Curveballs => Some(&mut self.curveballs),
            Table::Other => None,
        }
    }
}

/// Check a parsed rubric. `source` (the TOML text) lets problems carry line numbers.
pub fn check_rubric(
    rubric: &Rubric,
    file: &str,
    source: Option<&str>,
    expected_id: Option<&str>,
) -> Vec<Problem> {
    let lines = source.map(Lines::scan).unwrap_or_default();
    let mut out = Vec::new();
    let p = |message: String| Problem::new(file, message);

    if let Some(expected) = expected_id
        && rubric.id != expected
    {
        out.push(p(format!(
            "id '{}' does not match the file name (expected id = \"{expected}\", or rename the file to {}.toml)",
            rubric.id, rubric.id
        )));
    }
    if !is_kebab(&rubric.id) {
        out.push(p(format!("id '{}' must be kebab-case (a-z, 0-9 and -)", rubric.id)));
    }
    for (name, value) in [("title", &rubric.title), ("summary", &rubric.summary)] {
        if value.trim().is_empty() {
            out.push(p(format!("{name} is empty")));
        }
    }
    if rubric.version == 0 {
        out.push(p("version must be 1 or more".into()));
    }
    if rubric.aliases.iter().any(|a| a.trim().is_empty()) {
        out.push(p("an alias is empty".into()));
    }
    for phase in Phase::ALL {
        let b = rubric.budget.minutes(phase);
        if !(b > 0.0 && b.is_finite()) {
            out.push(p(format!("budget for {phase} must be a positive number of minutes")));
        }
        if !rubric.items.iter().any(|i| i.phase == phase) {
            out.push(p(format!("phase {phase} has no items")));
        }
    }

    let mut seen = HashSet::new();
    for (n, item) in rubric.items.iter().enumerate() {
        let at = lines.items.get(n).copied();
        let subject = format!("item '{}'", item.id);
        let mut push = |problem: Problem| out.push(problem.at(at).about(subject.clone()));
        if item.id.trim().is_empty() {
            push(p("has an empty id".into()));
        } else if !is_kebab(&item.id) {
            push(p("id must be kebab-case (a-z, 0-9 and -)".into()));
        }
        if !seen.insert(item.id.as_str()) {
            push(p("duplicate item id".into()));
        }
        for (name, value) in [
            ("text", &item.text),
            ("why", &item.why),
            ("probe", &item.probe),
            ("hint", &item.hint),
            ("category", &item.category),
        ] {
            if value.trim().is_empty() {
                push(p(format!("{name} is missing or empty")));
            }
        }
        if !(1..=5).contains(&item.weight) {
            push(p(format!("weight {} is out of range (1–5)", item.weight)));
        }
        if let Some(e) = &item.estimate
            && !(e.min > 0.0 && e.min <= e.max && e.min.is_finite() && e.max.is_finite())
        {
            push(p(format!(
                "bad estimate range {}..{} (need 0 < min <= max, both finite, in base units)",
                e.min, e.max
            )));
        }
        if item.concepts.is_empty() {
            push(p("has no concepts, so nothing can ever match it; give at least 4 phrasings".into()));
        } else if item.concepts.len() < MIN_CONCEPTS {
            push(
                p(format!(
                    "only {} concept(s); give at least {MIN_CONCEPTS}, plain-language phrasings beside the jargon",
                    item.concepts.len()
                ))
                .warning(),
            );
        }
        for c in &item.concepts {
            if let Some(problem) = concept_problem(c) {
                push(problem.into_problem(file));
            }
        }
        let mut dup = HashSet::new();
        for c in &item.concepts {
            // `a + b` (both anywhere in a sentence) differs from the phrase `a b`.
            let key: Vec<String> = c.split('+').map(|part| words(part).join(" ")).collect();
            let key = key.join(" + ");
            if !key.trim_matches([' ', '+']).is_empty() && !dup.insert(key) {
                push(p(format!("concept \"{c}\" is listed twice")).warning());
            }
        }
        for (n, pitfall) in item.pitfalls.iter().enumerate() {
            if pitfall.concepts.is_empty() {
                push(p(format!("pitfall {} has no concepts, so it can never be recognised", n + 1)));
            }
            if pitfall.breaks.trim().is_empty() {
                push(p(format!("pitfall {} does not say what it breaks", n + 1)));
            }
            for c in &pitfall.concepts {
                if let Some(problem) = concept_problem(c) {
                    push(problem.into_problem(file));
                }
            }
        }
    }

    let mut seen = HashSet::new();
    for (n, fact) in rubric.facts.iter().enumerate() {
        let at = lines.facts.get(n).copied();
        let subject = format!("fact '{}'", fact.id);
        let mut push = |problem: Problem| out.push(problem.at(at).about(subject.clone()));
        if fact.id.trim().is_empty() {
            push(p("has an empty id".into()));
        }
        if !seen.insert(fact.id.as_str()) {
            push(p("duplicate fact id".into()));
        }
        if fact.triggers.is_empty() {
            push(p("has no triggers (the words in a question that select it)".into()));
        }
        if fact.triggers.iter().any(|t| words(t).is_empty()) {
            push(p("has an empty trigger".into()));
        }
        if fact.answer.trim().is_empty() {
            push(p("has no answer".into()));
        }
    }

    let mut seen = HashSet::new();
    for (n, curveball) in rubric.curveballs.iter().enumerate() {
        let at = lines.curveballs.get(n).copied();
        let subject = format!("curveball '{}'", curveball.id);
        let mut push = |problem: Problem| out.push(problem.at(at).about(subject.clone()));
        if curveball.id.trim().is_empty() {
            push(p("has an empty id".into()));
        }
        if !seen.insert(curveball.id.as_str()) {
            push(p("duplicate curveball id".into()));
        }
        if curveball.text.trim().is_empty() {
            push(p("has no text (what the interviewer announces)".into()));
        }
        for c in &curveball.concepts {
            if let Some(problem) = concept_problem(c) {
                push(problem.into_problem(file));
            }
        }
    }
    out
}

/// Check a model answer's text against the rubric of its design: every marker is readable and
/// names a real item, every passage has text, every rubric item is demonstrated by some passage,
/// and the four phases have their headings (`study --phase` shows one).
pub fn check_answer_text(text: &str, file: &str, rubric: &Rubric) -> Vec<Problem> {
    let answer = ModelAnswer::parse(text);
    let mut out = Vec::new();
    for m in &answer.problems {
        out.push(Problem::new(file, m.message.clone()).at(Some(m.line)));
    }
    let known: HashSet<&str> = rubric.items.iter().map(|i| i.id.as_str()).collect();
    for passage in &answer.passages {
        for id in &passage.items {
            if known.contains(id.as_str()) {
                continue;
            }
            let near = rubric
                .items
                .iter()
                .map(|i| (i.id.as_str(), strsim::damerau_levenshtein(id, &i.id)))
                .filter(|(_, d)| *d <= 3 && *d * 3 <= id.len())
                .min_by_key(|(_, d)| *d)
                .map_or_else(String::new, |(i, _)| format!(" (did you mean '{i}'?)"));
            out.push(
                Problem::new(
                    file,
                    format!("the marker names '{id}', which is not an item of {}{near}", rubric.id),
                )
                .at(Some(passage.line)),
            );
        }
        if passage.text.trim().is_empty() {
            out.push(
                Problem::new(
                    file,
                    "the marker is followed by no text (a passage runs to the next marker or heading)",
                )
                .at(Some(passage.line)),
            );
        }
    }
    for item in &rubric.items {
        if answer.passages_for(&item.id).next().is_none() {
            out.push(
                Problem::new(
                    file,
                    "not demonstrated: no passage names it (add its id to a `<!-- items: … -->` marker)",
                )
                .about(format!("item '{}'", item.id)),
            );
        }
    }
    for phase in Phase::ALL {
        if !answer.phases.contains(&phase) {
            out.push(Problem::new(file, format!("no `## {}` heading", phase.title())));
        }
    }
    out
}

/// Items need at least this many phrasings to recognise answers written in other words.
pub const MIN_CONCEPTS: usize = 4;

/// The longest phrasing (in words, all `+` parts together) that can still plausibly match inside
/// one sentence of an answer.
pub const MAX_CONCEPT_WORDS: usize = 8;

/// Single words so common in any design answer that a concept made of one matches everything.
const GENERIC: [&str; 14] = [
    "data", "server", "servers", "user", "users", "system", "scale", "fast", "service", "database", "api",
    "design", "request", "time",
];

enum ConceptProblem {
    Error(String),
    Warning(String),
}

impl ConceptProblem {
    fn into_problem(self, file: &str) -> Problem {
        match self {
            ConceptProblem::Error(m) => Problem::new(file, m),
            ConceptProblem::Warning(m) => Problem::new(file, m).warning(),
        }
    }
}

/// Why a phrasing could never match (or would match every answer), if it is broken.
fn concept_problem(concept: &str) -> Option<ConceptProblem> {
    if concept.trim().is_empty() {
        return Some(ConceptProblem::Error("has an empty concept".into()));
    }
    let parts: Vec<&str> = concept.split('+').collect();
    if parts.len() > 1 && parts.iter().any(|part| words(part).is_empty()) {
        return Some(ConceptProblem::Error(format!(
            "concept \"{concept}\" has an empty part around '+' (write \"a + b\": both parts in one sentence)"
        )));
    }
    let all: Vec<String> = parts.iter().flat_map(|part| words(part)).collect();
    if all.is_empty() {
        return Some(ConceptProblem::Error(format!(
            "concept \"{concept}\" is only punctuation or Markdown and can never match"
        )));
    }
    if all.len() > MAX_CONCEPT_WORDS {
        return Some(ConceptProblem::Error(format!(
            "concept \"{concept}\" has {} words and will almost never match (keep phrasings to 1–5 words)",
            all.len()
        )));
    }
    if all.len() == 1 && GENERIC.contains(&all[0].as_str()) {
        return Some(ConceptProblem::Warning(format!(
            "concept \"{concept}\" is so generic it matches almost any answer"
        )));
    }
    None
}

/// The words of a phrasing after normalising: lower case, Markdown and punctuation dropped.
/// Hyphens and slashes separate words (`fan-out` → `fan out`), apostrophes do not (`don't`).
/// The words of a phrasing exactly as the rubric grader sees them (case, punctuation and word
/// forms folded), so "could never match" and "listed twice" mean what the matcher would do.
fn words(text: &str) -> Vec<String> {
    crate::text::phrase_stems(text)
}

fn is_kebab(id: &str) -> bool {
    !id.is_empty()
        && !id.starts_with('-')
        && !id.ends_with('-')
        && !id.contains("--")
        && id.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
}

#[cfg(test)]
mod tests {
    use super::*;

    const GOOD: &str = r#"
id = "tiny"
title = "Tiny"
summary = "A tiny design."
version = 1

[[items]]
id = "a"
phase = "requirements"
text = "t"
why = "w"
weight = 3
level = "core"
category = "requirements"
concepts = ["one thing", "two things", "three + four", "five"]
probe = "p?"
hint = "h"

[[items]]
id = "b"
phase = "high-level"
text = "t"
why = "w"
weight = 3
level = "core"
category = "architecture"
concepts = ["one thing", "two things", "three + four", "five"]
probe = "p?"
hint = "h"
[items.estimate]
min = 1.0
max = 10.0
unit = "count"

[[items]]
id = "c"
phase = "deep-dive"
text = "t"
why = "w"
weight = 3
level = "core"
category = "reliability"
concepts = ["one thing", "two things", "three + four", "five"]
probe = "p?"
hint = "h"

[[items]]
id = "d"
phase = "trade-offs"
text = "t"
why = "w"
weight = 3
level = "core"
category = "trade-off"
concepts = ["one thing", "two things", "three + four", "five"]
probe = "p?"
hint = "h"

[[facts]]
id = "users"
triggers = ["how many users"]
answer = "Ten."
"#;

    fn check(text: &str) -> Vec<String> {
        check_rubric_text(text, "rubrics/tiny.toml", Some("tiny")).iter().map(ToString::to_string).collect()
    }

    #[test]
    fn a_clean_rubric_has_no_problems() {
        assert_eq!(check(GOOD), Vec::<String>::new());
    }

    #[test]
    fn item_problems_carry_the_line_of_the_item_id() {
        let text = GOOD.replacen("weight = 3", "weight = 9", 2);
        let problems = check(&text);
        let line_of_b = text.lines().position(|l| l == "id = \"b\"").unwrap() + 1;
        assert!(
            problems.contains(&format!(
                "rubrics/tiny.toml:{line_of_b}: item 'b': weight 9 is out of range (1–5)"
            )),
            "{problems:#?}"
        );
    }

    #[test]
    fn estimate_sub_table_does_not_shift_later_lines() {
        let text = GOOD.replace("concepts = [\"one thing\", \"two things\", \"three + four\", \"five\"]\nprobe = \"p?\"\nhint = \"h\"\n\n[[items]]\nid = \"d\"", "concepts = [\"x\"]\nprobe = \"p?\"\nhint = \"h\"\n\n[[items]]\nid = \"d\"");
        let problems = check(&text);
        let line_of_c = text.lines().position(|l| l == "id = \"c\"").unwrap() + 1;
        assert!(
            problems
                .iter()
                .any(|p| p.starts_with(&format!("rubrics/tiny.toml:{line_of_c}: warning: item 'c': only 1"))),
            "{problems:#?}"
        );
    }

    #[test]
    fn concepts_that_can_never_match_are_errors() {
        for (concept, needle) in [
            ("**", "only punctuation"),
            ("retry + ", "empty part"),
            ("one two three four five six seven eight nine", "9 words"),
            ("   ", "empty concept"),
        ] {
            let text = GOOD.replacen("\"five\"", &format!("{concept:?}"), 1);
            let problems = check(&text);
            assert!(
                problems.iter().any(|p| p.contains(needle) && !p.contains("warning")),
                "{concept}: {problems:#?}"
            );
        }
    }

    #[test]
    fn a_generic_single_word_is_a_warning() {
        let problems = check(&GOOD.replacen("\"five\"", "\"Data\"", 1));
        assert!(problems.iter().any(|p| p.contains("warning") && p.contains("generic")), "{problems:#?}");
    }

    #[test]
    fn duplicates_and_missing_parts_are_reported() {
        let text = GOOD
            .replacen("id = \"b\"", "id = \"a\"", 1)
            .replacen("probe = \"p?\"", "probe = \"\"", 1)
            .replace("triggers = [\"how many users\"]", "triggers = []");
        let problems = check(&text);
        let all = problems.join("\n");
        assert!(all.contains("item 'a': duplicate item id"), "{all}");
        assert!(all.contains("item 'a': probe is missing or empty"), "{all}");
        assert!(all.contains("fact 'users': has no triggers"), "{all}");
    }

    #[test]
    fn bad_ranges_and_empty_phases_are_reported() {
        let text = GOOD
            .replace("min = 1.0", "min = 20.0")
            .replace("phase = \"trade-offs\"", "phase = \"deep-dive\"");
        let all = check(&text).join("\n");
        assert!(all.contains("bad estimate range 20..10"), "{all}");
        assert!(all.contains("phase trade-offs has no items"), "{all}");
    }

    #[test]
    fn an_id_that_does_not_match_the_file_name_is_reported() {
        let all = check_rubric_text(GOOD, "mine/other.toml", Some("other"))
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join("\n");
        assert!(all.contains("id 'tiny' does not match the file name"), "{all}");
    }

    #[test]
    fn an_answer_is_checked_against_its_rubric_marker_by_marker() {
        let rubric = Rubric::parse(GOOD, "rubrics/tiny.toml").unwrap();
        let md = "# Tiny\n## Requirements\n<!-- items: a, x -->\nText.\n<!-- items: b -->\n## Deep dive\n<!-- items: c, d -->\nMore.\n";
        let problems: Vec<String> =
            check_answer_text(md, "answers/tiny.md", &rubric).iter().map(ToString::to_string).collect();
        assert_eq!(
            problems,
            vec![
                "answers/tiny.md:3: the marker names 'x', which is not an item of tiny",
                "answers/tiny.md:5: the marker is followed by no text (a passage runs to the next marker or heading)",
                "answers/tiny.md: no `## High-level design` heading",
                "answers/tiny.md: no `## Trade-offs` heading",
            ]
        );
        let missing: Vec<String> =
            check_answer_text("## Requirements\n<!-- items: a -->\nText.\n", "f.md", &rubric)
                .iter()
                .filter(|p| p.subject.is_some())
                .map(ToString::to_string)
                .collect();
        assert_eq!(missing.len(), 3, "b, c and d are not demonstrated: {missing:?}");
        assert!(missing[0].starts_with("f.md: item 'b': not demonstrated"), "{missing:?}");
    }

    #[test]
    fn a_prompt_without_hints_names_the_phase_and_line() {
        let md = "# T\nScenario.\n## Requirements\nAsk.\n### Hints\n- a\n## High-level design\nDraw.\n## Deep dive\nGo.\n### Hints\n- b\n## Trade-offs\nWeigh.\n### Hints\n- c\n";
        let problems: Vec<String> = check_prompt_text(md, "p.md").iter().map(ToString::to_string).collect();
        assert_eq!(
            problems,
            vec!["p.md:7: phase 'High-level design' has no hints (add `### Hints` with 2–4 nudges)"]
        );
    }
}
