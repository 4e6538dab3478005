//! Model answers, as written in `answers/<id>.md`: a staff-level reference answer in Markdown, its
//! passages linked to the rubric items they demonstrate by markers the reader never sees:
//!
//! ```markdown
//! ## Deep dive
//! <!-- items: dd-offline-delivery, dd-dedupe -->
//! Offline delivery: the message waits in the device's inbox …
//! ```
//!
//! A passage is the text from a marker to the next marker or heading. Parsing never fails: a
//! marker it cannot read is kept as a [`MarkerProblem`] for `validate`, and the rest of the file
//! still parses. Pure functions over strings: no I/O.

use super::{Item, Phase};

/// One marked passage: the items it demonstrates and its text (marker lines removed).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Passage {
    /// Item ids named by the marker, in the order written.
    pub items: Vec<String>,
    /// The passage's Markdown, trimmed.
    pub text: String,
    /// The phase heading it sits under, if any.
    pub phase: Option<Phase>,
    /// 1-based line of its marker.
    pub line: usize,
}

/// A marker that could not be read, kept so `validate` can point at it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MarkerProblem {
    pub line: usize,
    pub message: String,
}

/// A parsed model answer.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ModelAnswer {
    /// The full Markdown as written (markers included).
    pub source: String,
    pub passages: Vec<Passage>,
    pub problems: Vec<MarkerProblem>,
    /// The phases that have a heading, in file order.
    pub phases: Vec<Phase>,
}

/// `<!-- items: a, b -->` on a line of its own: the text between `items:` and `-->`.
/// `Err` for an HTML comment that starts like a marker but is not one.
fn marker(line: &str) -> Option<Result<Vec<String>, String>> {
    let t = line.trim();
    let inner = t.strip_prefix("<!--")?.trim_start();
    let lower = inner.to_ascii_lowercase();
    if !lower.starts_with("items") {
        return None;
    }
    let Some(body) = inner.strip_suffix("-->") else {
        return Some(Err("a marker must end on its own line with `-->`".into()));
    };
    let Some(list) = body["items".len()..].trim_start().strip_prefix(':') else {
        return Some(Err("write the marker as `<!-- items: id-a, id-b -->`".into()));
    };
    let ids: Vec<String> = list.split(',').map(|s| s.trim().to_string()).filter(|s| !s.is_empty()).collect();
    if ids.is_empty() {
        return Some(Err("the marker names no item".into()));
    }
    Some(Ok(ids))
}

impl ModelAnswer {
    /// Parse an answer's Markdown. Headings and fenced code are tracked so that a `#` inside a
    /// diagram neither ends a passage nor switches phase.
    pub fn parse(text: &str) -> Self {
        let mut answer = ModelAnswer { source: text.to_string(), ..Self::default() };
        let mut phase: Option<Phase> = None;
        let mut open: Option<Passage> = None;
        let mut in_code = false;
        let close = |open: &mut Option<Passage>, passages: &mut Vec<Passage>| {
            if let Some(mut p) = open.take() {
                p.text = p.text.trim().to_string();
                passages.push(p);
            }
        };
        for (n, line) in text.lines().enumerate() {
            let line_no = n + 1;
            if line.trim_start().starts_with("```") {
                in_code = !in_code;
            }
            if !in_code && line.starts_with('#') {
                close(&mut open, &mut answer.passages);
                let heading = line.trim_start_matches('#').trim();
                if line.starts_with("## ")
                    && let Some(p) = Phase::from_heading(heading)
                {
                    phase = Some(p);
                    answer.phases.push(p);
                }
                continue;
            }
            if !in_code && let Some(m) = marker(line) {
                close(&mut open, &mut answer.passages);
                match m {
                    Ok(items) => {
                        open = Some(Passage { items, text: String::new(), phase, line: line_no });
                    }
                    Err(message) => answer.problems.push(MarkerProblem { line: line_no, message }),
                }
                continue;
            }
            if let Some(p) = &mut open {
                p.text.push_str(line);
                p.text.push('\n');
            }
        }
        close(&mut open, &mut answer.passages);
        answer
    }

    /// The Markdown a reader sees: marker lines removed (and the blank line a marker leaves).
    pub fn display(&self) -> String {
        strip_markers(&self.source)
    }

    /// The reader's Markdown of one phase: the title, then that phase's section only.
    pub fn phase_section(&self, phase: Phase) -> Option<String> {
        let shown = self.display();
        let mut out = String::new();
        let mut inside = false;
        let mut in_code = false;
        let mut found = false;
        for line in shown.lines() {
            if line.trim_start().starts_with("```") {
                in_code = !in_code;
            }
            if !in_code && line.starts_with("# ") {
                out.push_str(line);
                out.push_str("\n\n");
                continue;
            }
            if !in_code && line.starts_with("## ") {
                inside = Phase::from_heading(&line[3..]) == Some(phase);
                found |= inside;
            }
            if inside {
                out.push_str(line);
                out.push('\n');
            }
        }
        found.then_some(out)
    }

    /// Passages that name `item_id`, in file order.
    pub fn passages_for<'a>(&'a self, item_id: &'a str) -> impl Iterator<Item = &'a Passage> + 'a {
        self.passages.iter().filter(move |p| p.items.iter().any(|i| i == item_id))
    }

    /// How a strong answer puts `item`: its passages' sentences about the item (those that show one
    /// of its concepts or the content words of its text), at most `max` sentences, in file order.
    /// Falls back to the first sentences of its first passage when none shows a concept. `None`
    /// when no passage names the item.
    pub fn excerpt(&self, item: &Item, max: usize) -> Option<String> {
        let passages: Vec<&Passage> = self.passages_for(&item.id).collect();
        if passages.is_empty() {
            return None;
        }
        let concepts: Vec<Vec<Vec<String>>> = item
            .concepts
            .iter()
            .map(|c| c.split('+').map(crate::text::phrase_stems).filter(|p| !p.is_empty()).collect())
            .filter(|parts: &Vec<Vec<String>>| !parts.is_empty())
            .collect();
        let key_words = content_words(&item.text);
        let mut scored: Vec<(usize, usize, String)> = Vec::new(); // (score, order, sentence)
        let mut order = 0;
        for p in &passages {
            for s in sentences(&p.text) {
                let stems = crate::text::phrase_stems(&s);
                let hits =
                    concepts.iter().filter(|c| c.iter().all(|part| contains_seq(&stems, part))).count();
                let words = key_words.iter().filter(|w| stems.contains(w)).count();
                let score = hits * 3 + words.min(3);
                if hits > 0 || words >= 3 {
                    scored.push((score, order, s));
                }
                order += 1;
            }
        }
        if scored.is_empty() {
            let first: Vec<String> = sentences(&passages[0].text).into_iter().take(max).collect();
            return (!first.is_empty()).then(|| first.join(" "));
        }
        // The best `max` sentences, shown in the order they were written.
        scored.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
        scored.truncate(max);
        scored.sort_by_key(|s| s.1);
        Some(scored.into_iter().map(|s| s.2).collect::<Vec<_>>().join(" "))
    }
}

/// Remove marker lines; a blank line left doubled by a removed marker is folded.
pub fn strip_markers(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut in_code = false;
    let mut prev_blank = false;
    for line in text.lines() {
        if line.trim_start().starts_with("```") {
            in_code = !in_code;
        }
        if !in_code && marker(line).is_some() {
            continue;
        }
        let blank = line.trim().is_empty();
        if blank && prev_blank {
            continue;
        }
        prev_blank = blank;
        out.push_str(line);
        out.push('\n');
    }
    out
}

/// Stems of the longer words of an item's text (a rough "what is this about").
fn content_words(text: &str) -> Vec<String> {
    const STOP: [&str; 12] = [
        "which", "their", "there", "where", "about", "every", "would", "could", "should", "these", "those",
        "other",
    ];
    let mut out: Vec<String> = Vec::new();
    for w in text.split(|c: char| !c.is_alphanumeric()) {
        if w.len() >= 5 && !STOP.contains(&w.to_lowercase().as_str()) {
            let s = crate::text::stem(w);
            if !out.contains(&s) {
                out.push(s);
            }
        }
    }
    out
}

fn contains_seq(hay: &[String], needle: &[String]) -> bool {
    needle.is_empty() || hay.windows(needle.len()).any(|w| w == needle)
}

/// A passage's prose as sentences: fenced code and table rows dropped, list markers and Markdown
/// emphasis removed, whitespace folded. A sentence ends at `.`, `!` or `?` followed by a space
/// and an upper-case letter, digit or opening quote/parenthesis, or at the end of a list item.
pub fn sentences(md: &str) -> Vec<String> {
    let mut blocks: Vec<String> = Vec::new();
    let mut current = String::new();
    let mut in_code = false;
    for line in md.lines() {
        let t = line.trim();
        if t.starts_with("```") {
            in_code = !in_code;
            continue;
        }
        if in_code || t.starts_with('|') {
            continue;
        }
        let item = t.strip_prefix("- ").or_else(|| t.strip_prefix("* ")).or_else(|| {
            t.split_once(". ")
                .filter(|(n, _)| !n.is_empty() && n.chars().all(|c| c.is_ascii_digit()))
                .map(|(_, r)| r)
        });
        if t.is_empty() || item.is_some() {
            if !current.trim().is_empty() {
                blocks.push(std::mem::take(&mut current));
            }
            current.clear();
        }
        let body = item.unwrap_or(t).trim_start_matches('>').trim();
        if !body.is_empty() {
            current.push(' ');
            current.push_str(body);
        }
    }
    if !current.trim().is_empty() {
        blocks.push(current);
    }
    let mut out = Vec::new();
    for block in blocks {
        let clean: String = block.replace("**", "").replace('`', "");
        let folded = clean.split_whitespace().collect::<Vec<_>>().join(" ");
        let chars: Vec<char> = folded.chars().collect();
        let mut start = 0;
        let mut i = 0;
        while i < chars.len() {
            let end_mark = matches!(chars[i], '.' | '!' | '?');
            let next_starts = i + 2 < chars.len()
                && chars[i + 1] == ' '
                && (chars[i + 2].is_uppercase()
                    || chars[i + 2].is_ascii_digit()
                    || matches!(chars[i + 2], '"' | '“' | '('));
            // "e.g. X" and "i.e. X" do not end a sentence.
            let abbrev =
                i >= 3 && matches!(chars[i - 3..=i].iter().collect::<String>().as_str(), "e.g." | "i.e.");
            if end_mark && next_starts && !abbrev {
                out.push(chars[start..=i].iter().collect::<String>().trim().to_string());
                start = i + 2;
                i += 2;
                continue;
            }
            i += 1;
        }
        let rest: String = chars[start.min(chars.len())..].iter().collect::<String>().trim().to_string();
        if !rest.is_empty() {
            out.push(rest);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const MD: &str = "# Chat\n\n## Requirements\n<!-- items: req-a, req-b -->\nFirst claim. Second claim about retention.\n\n<!-- items: req-c -->\n- one\n- two\n\n## Deep dive\nUnmarked prose.\n<!-- items: dd-x -->\n```\n# not a heading\n<!-- items: not-a-marker -->\n```\nAfter the fence.\n### A sub-heading\nNot in the passage.\n";

    #[test]
    fn a_passage_runs_from_its_marker_to_the_next_marker_or_heading() {
        let a = ModelAnswer::parse(MD);
        assert!(a.problems.is_empty(), "{:?}", a.problems);
        let got: Vec<(Vec<&str>, &str, Option<Phase>, usize)> = a
            .passages
            .iter()
            .map(|p| (p.items.iter().map(String::as_str).collect(), p.text.as_str(), p.phase, p.line))
            .collect();
        assert_eq!(
            got,
            vec![
                (
                    vec!["req-a", "req-b"],
                    "First claim. Second claim about retention.",
                    Some(Phase::Requirements),
                    4
                ),
                (vec!["req-c"], "- one\n- two", Some(Phase::Requirements), 7),
                (
                    vec!["dd-x"],
                    "```\n# not a heading\n<!-- items: not-a-marker -->\n```\nAfter the fence.",
                    Some(Phase::DeepDive),
                    13
                ),
            ]
        );
        assert_eq!(a.phases, vec![Phase::Requirements, Phase::DeepDive]);
    }

    #[test]
    fn markers_are_never_shown_but_fenced_text_is_kept() {
        let a = ModelAnswer::parse(MD);
        let shown = a.display();
        assert!(!shown.contains("items: req"), "{shown}");
        assert!(shown.contains("<!-- items: not-a-marker -->"), "inside a fence it is content: {shown}");
        assert!(!shown.contains("\n\n\n"), "{shown}");
    }

    #[test]
    fn a_phase_section_keeps_the_title_and_only_that_phase() {
        let a = ModelAnswer::parse(MD);
        let dd = a.phase_section(Phase::DeepDive).unwrap();
        assert!(dd.starts_with("# Chat\n"), "{dd}");
        assert!(dd.contains("## Deep dive") && dd.contains("After the fence."), "{dd}");
        assert!(!dd.contains("Requirements"), "{dd}");
        assert_eq!(a.phase_section(Phase::TradeOffs), None);
    }

    #[test]
    fn unreadable_markers_are_problems_with_their_line() {
        let a = ModelAnswer::parse("## Requirements\n<!-- items -->\ntext\n<!-- items: -->\n<!-- items: a\n");
        let lines: Vec<usize> = a.problems.iter().map(|p| p.line).collect();
        assert_eq!(lines, vec![2, 4, 5], "{:?}", a.problems);
    }

    #[test]
    fn sentences_split_on_full_stops_and_list_items_not_abbreviations() {
        assert_eq!(
            sentences(
                "We shard by user, e.g. by hash. Then 3 replicas hold it.\n- a list item\n- another one"
            ),
            vec!["We shard by user, e.g. by hash.", "Then 3 replicas hold it.", "a list item", "another one"]
        );
    }

    #[test]
    fn an_excerpt_keeps_the_sentences_about_the_item() {
        let design = crate::catalog::Catalog::builtin().find("whatsapp").unwrap().clone();
        let item = design.item("req-retention").expect("whatsapp has req-retention").clone();
        let md = format!(
            "## Requirements\n<!-- items: {} -->\nThe weather is nice. The server keeps a message only until delivered, then deletes it. Another aside. And one more.\n",
            item.id
        );
        let a = ModelAnswer::parse(&md);
        let ex = a.excerpt(&item, 3).unwrap();
        assert!(ex.contains("only until delivered"), "{ex}");
        assert!(!ex.contains("weather"), "{ex}");
    }
}

#[cfg(test)]
mod builtin_tests {
    use super::*;
    use crate::catalog::{Catalog, builtin_answer};

    /// Every item of every built-in design has a short passage to show beside a grade: at most
    /// three sentences, none of them a marker.
    #[test]
    fn every_builtin_item_has_a_short_excerpt() {
        let catalog = Catalog::builtin();
        for design in catalog.designs() {
            let answer = ModelAnswer::parse(builtin_answer(design.id()).expect("a built-in answer"));
            for item in &design.rubric.items {
                let ex = answer
                    .excerpt(item, 3)
                    .unwrap_or_else(|| panic!("{}: {} has no passage", design.id(), item.id));
                assert!(!ex.contains("<!--") && !ex.trim().is_empty(), "{}: {ex}", item.id);
                assert!(sentences(&ex).len() <= 3, "{}: {ex}", item.id);
                if std::env::var_os("SHOW_EXCERPTS").is_some() {
                    eprintln!("[{}/{}] {ex}\n", design.id(), item.id);
                }
            }
        }
    }
}
