//! The rubric model, as written in `rubrics/<id>.toml`. Unknown keys are errors, so a typo in a
//! user's rubric is caught instead of silently ignored.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use super::CatalogError;

/// The four phases of an interview, in order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Phase {
    Requirements,
    HighLevel,
    DeepDive,
    TradeOffs,
}

impl Phase {
    pub const ALL: [Phase; 4] = [Phase::Requirements, Phase::HighLevel, Phase::DeepDive, Phase::TradeOffs];

    /// The stable id used in files and JSON: `requirements`, `high-level`, `deep-dive`, `trade-offs`.
    pub fn id(self) -> &'static str {
        match self {
            Phase::Requirements => "requirements",
            Phase::HighLevel => "high-level",
            Phase::DeepDive => "deep-dive",
            Phase::TradeOffs => "trade-offs",
        }
    }

    /// The human title.
    pub fn title(self) -> &'static str {
        match self {
            Phase::Requirements => "Requirements",
            Phase::HighLevel => "High-level design",
            Phase::DeepDive => "Deep dive",
            Phase::TradeOffs => "Trade-offs",
        }
    }

    pub fn index(self) -> usize {
        self as usize
    }

    pub fn next(self) -> Option<Phase> {
        Phase::ALL.get(self.index() + 1).copied()
    }

    /// Recognise a Markdown heading's text as a phase, case-insensitively with common variants
    /// (`Requirements`, `High-level design`/`HLD`, `Deep dive`, `Trade-offs`/`Tradeoffs`). Only a
    /// heading that *names* a phase counts: numbering ("2.", "Phase 3:", "Step 1 -") and a trailing
    /// note in brackets ("(10 min)") or a subtitle after a colon or dash ("Deep dive: ordering") are
    /// ignored, but "Architecture of the ranker" or "Bad solution: requirements first" name no phase.
    pub fn from_heading(text: &str) -> Option<Phase> {
        let lower = text.to_lowercase();
        // A subtitle after a colon or a dash belongs to the phase it follows ("Deep dive: ordering").
        let numbering = |part: &str| {
            part.split_whitespace().all(|w| {
                w.chars().all(|c| c.is_ascii_digit() || c == '.' || c == ')')
                    || matches!(w, "phase" | "step" | "part" | "i" | "ii" | "iii" | "iv")
            })
        };
        let lower = lower.split(['(', '[']).next().unwrap_or("");
        let lower =
            lower.split([':', '—', '–']).flat_map(|p| p.split(" - ")).find(|p| !numbering(p)).unwrap_or("");
        let t: String = lower.chars().map(|c| if c.is_alphanumeric() { c } else { ' ' }).collect();
        let mut words: Vec<&str> = t.split_whitespace().collect();
        // Leading numbering: "2", "phase 2", "step 2", "part ii".
        while let Some(first) = words.first() {
            let numbering = first.chars().all(|c| c.is_ascii_digit())
                || matches!(*first, "phase" | "step" | "part" | "i" | "ii" | "iii" | "iv" | "v");
            if !numbering || words.len() == 1 {
                break;
            }
            words.remove(0);
        }
        let joined = words.join(" ");
        let squashed: String = words.concat();
        let phase = match joined.as_str() {
            "requirements"
            | "requirement"
            | "requirements and scope"
            | "scope and requirements"
            | "scope"
            | "requirements and estimates"
            | "requirements and estimation"
            | "clarifying questions"
            | "clarifications"
            | "clarification"
            | "requirements clarification"
            | "requirements gathering" => Phase::Requirements,
            "hld"
            | "high level"
            | "high level design"
            | "high level architecture"
            | "architecture"
            | "design overview"
            | "high level overview" => Phase::HighLevel,
            "deep dive" | "deep dives" | "detailed design" | "deep dive design" => Phase::DeepDive,
            "trade offs"
            | "trade off"
            | "tradeoffs"
            | "tradeoff"
            | "trade offs and alternatives"
            | "tradeoffs and alternatives"
            | "trade offs and wrap up"
            | "tradeoffs and wrap up" => Phase::TradeOffs,
            _ => match squashed.as_str() {
                "highleveldesign" | "highlevel" => Phase::HighLevel,
                "deepdive" | "deepdives" => Phase::DeepDive,
                "tradeoffs" | "tradeoff" => Phase::TradeOffs,
                _ => return None,
            },
        };
        Some(phase)
    }
}

impl fmt::Display for Phase {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.id())
    }
}

impl FromStr for Phase {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Phase::ALL
            .into_iter()
            .find(|p| p.id() == s)
            .or_else(|| Phase::from_heading(s))
            .ok_or_else(|| format!("unknown phase '{s}' (requirements, high-level, deep-dive, trade-offs)"))
    }
}

/// Which candidates an item separates: every passing answer (`core`), senior answers, staff answers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Level {
    Core,
    Senior,
    Staff,
}

impl Level {
    pub fn id(self) -> &'static str {
        match self {
            Level::Core => "core",
            Level::Senior => "senior",
            Level::Staff => "staff",
        }
    }
}

/// The dimension of an estimate's reference range. The grader converts the candidate's figures
/// (230k QPS, 2 PB/year, 40 msgs/day per user) to this base unit before comparing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Unit {
    /// Events per second (QPS, requests/s, messages/s, writes/s).
    PerSecond,
    /// An amount of data in bytes (storage per day or year, state size).
    Bytes,
    /// Throughput in bytes per second (bandwidth, ingest).
    BytesPerSecond,
    /// A plain count (servers, connections, partitions, shards, users).
    Count,
}

/// A reference range for an estimate item, in the base unit of `unit`. Inclusive.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Estimate {
    pub min: f64,
    pub max: f64,
    pub unit: Unit,
    /// For a `bytes` amount that accrues over time: the period the range is for (`day`, `month`,
    /// `year`). A figure the candidate gives for another period is converted before comparing
    /// ("20 GB a day" answers a per-year range). Absent: an amount held at once (state, memory).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub per: Option<Period>,
}

/// The period of an accruing amount.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Period {
    Day,
    Month,
    Year,
}

impl Period {
    /// Its length in seconds (a month is a twelfth of a year).
    pub fn seconds(self) -> f64 {
        match self {
            Period::Day => 86_400.0,
            Period::Month => 365.0 * 86_400.0 / 12.0,
            Period::Year => 365.0 * 86_400.0,
        }
    }
}

/// One thing a strong answer does in a phase.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Item {
    pub id: String,
    pub phase: Phase,
    /// What a strong candidate does.
    pub text: String,
    /// Why an interviewer cares.
    pub why: String,
    /// Relative importance, 1–5.
    pub weight: u32,
    pub level: Level,
    /// requirements, estimation, api, data-model, architecture, scalability, reliability,
    /// consistency, security, cost, operability, trade-off, …
    pub category: String,
    /// Phrasings that recognise the item, jargon and plain language alike. Alternatives; any one
    /// matching counts. Words joined with `+` must all appear in the same sentence.
    pub concepts: Vec<String>,
    /// The interviewer's follow-up question when the item is missing.
    pub probe: String,
    /// A nudge, not the answer.
    pub hint: String,
    /// For estimate items: the reference range.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub estimate: Option<Estimate>,
    /// Words that show the item is explained rather than named, beyond the content words of
    /// `text` and `why` (which count already): for an author who needs precision.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub mechanism: Vec<String>,
    /// Known wrong ways to do it ("order messages by server timestamp"): an answer that commits to
    /// one, rather than rejecting or questioning it, does not earn the item, and is told why.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub pitfalls: Vec<Pitfall>,
}

/// A classic mistake for an item: how an answer says it, and what it breaks.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Pitfall {
    /// Phrasings of the mistake, written like concepts (`a + b` parts in one sentence).
    pub concepts: Vec<String>,
    /// What goes wrong, as the interviewer would say it: "clocks skew across servers, so a reply
    /// can be stored before its question".
    pub breaks: String,
}

/// What the interviewer answers to a clarifying question.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Fact {
    pub id: String,
    /// Words or phrases in a question that select this fact ("how many users", "dau").
    pub triggers: Vec<String>,
    pub answer: String,
}

/// A requirement change the interviewer introduces during the deep dive.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Curveball {
    pub id: String,
    /// What the interviewer says.
    pub text: String,
    /// What a good response addresses (phrasings, as for items).
    #[serde(default)]
    pub concepts: Vec<String>,
    /// How senior the change is (`core`, `senior`, `staff`); senior when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub level: Option<Level>,
    /// Why it matters: what the change forces in the design (shown on the scorecard).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub why: Option<String>,
}

/// Minutes per phase for a full-length interview (default 8/12/15/10 = 45).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct Budget {
    pub requirements: f64,
    pub high_level: f64,
    pub deep_dive: f64,
    pub trade_offs: f64,
}

impl Default for Budget {
    fn default() -> Self {
        Self { requirements: 8.0, high_level: 12.0, deep_dive: 15.0, trade_offs: 10.0 }
    }
}

impl Budget {
    pub fn minutes(&self, phase: Phase) -> f64 {
        match phase {
            Phase::Requirements => self.requirements,
            Phase::HighLevel => self.high_level,
            Phase::DeepDive => self.deep_dive,
            Phase::TradeOffs => self.trade_offs,
        }
    }
    pub fn total(&self) -> f64 {
        Phase::ALL.iter().map(|p| self.minutes(*p)).sum()
    }
    /// Per-phase seconds when the whole interview lasts `total_minutes`.
    pub fn scaled_secs(&self, total_minutes: f64) -> [f64; 4] {
        let total = self.total().max(f64::EPSILON);
        Phase::ALL.map(|p| self.minutes(p) / total * total_minutes * 60.0)
    }
}

/// A design's rubric: metadata, budgets, items for every phase, facts and curveballs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Rubric {
    pub id: String,
    pub title: String,
    pub summary: String,
    pub version: u32,
    #[serde(default)]
    pub aliases: Vec<String>,
    #[serde(default)]
    pub budget: Budget,
    #[serde(default, rename = "items")]
    pub items: Vec<Item>,
    #[serde(default)]
    pub facts: Vec<Fact>,
    #[serde(default)]
    pub curveballs: Vec<Curveball>,
}

impl Rubric {
    /// Parse TOML; errors carry the file name and line.
    pub fn parse(text: &str, file: &str) -> Result<Self, CatalogError> {
        toml::from_str(text).map_err(|e| {
            // 1-based line of the span's start: newlines before it, plus one.
            let line = e.span().map_or(1, |span| {
                text.as_bytes()[..span.start.min(text.len())].split(|b| *b == b'\n').count()
            });
            CatalogError::Toml { file: file.to_string(), line, message: e.message().trim().to_string() }
        })
    }

    /// Default interview length in minutes.
    pub fn minutes(&self) -> f64 {
        self.budget.total()
    }
}
