//! The designs: interview questions with their prompts (`prompts/<id>.md`), rubrics
//! (`rubrics/<id>.toml`) and model answers (`answers/<id>.md`). Built-ins are compiled into the
//! binary; a user's own files in `DATA/rubrics`, `DATA/prompts` and `DATA/answers` add designs or
//! shadow built-ins of the same id. A broken user file is reported as a warning and never hides the
//! rest of the catalog.
//!
//! This module owns the content model and its checks. It never touches the terminal or the network.

mod answer;
mod model;
mod prompt;
pub mod validate;

use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use include_dir::{Dir, include_dir};
use thiserror::Error;

pub use answer::{MarkerProblem, ModelAnswer, Passage, sentences, strip_markers};
pub use model::{Budget, Curveball, Estimate, Fact, Item, Level, Period, Phase, Pitfall, Rubric, Unit};
pub use prompt::{PhasePrompt, Prompt};

static BUILTIN_RUBRICS: Dir<'_> = include_dir!("$CARGO_MANIFEST_DIR/rubrics");
static BUILTIN_PROMPTS: Dir<'_> = include_dir!("$CARGO_MANIFEST_DIR/prompts");
static BUILTIN_ANSWERS: Dir<'_> = include_dir!("$CARGO_MANIFEST_DIR/answers");

/// Where a design came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Origin {
    Builtin,
    User(PathBuf),
}

/// One interview question: its rubric and its prompts.
#[derive(Debug, Clone)]
pub struct Design {
    pub rubric: Rubric,
    pub prompt: Prompt,
    pub origin: Origin,
}

impl Design {
    pub fn id(&self) -> &str {
        &self.rubric.id
    }
    pub fn title(&self) -> &str {
        &self.rubric.title
    }
    /// Rubric items of one phase, in file order.
    pub fn items(&self, phase: Phase) -> impl Iterator<Item = &Item> {
        self.rubric.items.iter().filter(move |i| i.phase == phase)
    }
    pub fn item(&self, id: &str) -> Option<&Item> {
        self.rubric.items.iter().find(|i| i.id == id)
    }

    /// Parse a design from its two texts. `name` labels errors (a file path or `builtin:<id>`).
    pub fn parse(
        rubric_toml: &str,
        prompt_md: &str,
        rubric_name: &str,
        prompt_name: &str,
        origin: Origin,
    ) -> Result<Self, CatalogError> {
        let rubric = Rubric::parse(rubric_toml, rubric_name)?;
        let prompt = Prompt::parse(prompt_md, prompt_name)?;
        Ok(Self { rubric, prompt, origin })
    }
}

/// Problems with a design file or a design name. Each knows the file (and line, for TOML).
#[derive(Debug, Error)]
pub enum CatalogError {
    #[error("{file}:{line}: {message}")]
    Toml { file: String, line: usize, message: String },
    #[error("{file}: {message}")]
    Invalid { file: String, message: String },
    #[error("cannot read {}: {source}", path.display())]
    Io { path: PathBuf, source: std::io::Error },
    #[error("unknown design '{name}'")]
    Unknown { name: String, suggestion: Option<String>, ids: Vec<String> },
}

impl CatalogError {
    /// The line telling the user what to do.
    pub fn hint(&self) -> Option<String> {
        match self {
            CatalogError::Unknown { suggestion, ids, .. } => Some(match suggestion {
                Some(s) => format!("did you mean {s}? designs: {}", ids.join(", ")),
                None => format!("designs: {} (see `mockdesign list`)", ids.join(", ")),
            }),
            CatalogError::Toml { .. } | CatalogError::Invalid { .. } => {
                Some("fix the file, then check it with `mockdesign validate PATH`".into())
            }
            CatalogError::Io { .. } => None,
        }
    }
}

/// What `list` needs of a design, read without parsing its items.
#[derive(Debug, Clone, PartialEq)]
pub struct Header {
    pub id: String,
    pub title: String,
    pub summary: String,
    pub aliases: Vec<String>,
    /// Default interview length in minutes.
    pub minutes: f64,
    pub builtin: bool,
}

/// The top of a rubric file (everything before the first `[[items]]`), read leniently.
#[derive(Debug, serde::Deserialize)]
struct HeaderToml {
    id: String,
    title: String,
    summary: String,
    #[serde(default)]
    aliases: Vec<String>,
    #[serde(default)]
    budget: Budget,
}

#[derive(Debug)]
enum Source {
    /// Compiled in; parsed on first use.
    Builtin { toml: &'static str, md: &'static str },
    /// The user's own, parsed when the catalog was loaded.
    Parsed(Box<Design>),
}

#[derive(Debug)]
struct Entry {
    header: Header,
    source: Source,
    parsed: OnceLock<Result<Design, String>>,
}

impl Entry {
    fn design(&self) -> Result<&Design, CatalogError> {
        match &self.source {
            Source::Parsed(d) => Ok(d),
            Source::Builtin { toml, md } => {
                let id = &self.header.id;
                self.parsed
                    .get_or_init(|| {
                        let (rn, pn) = (format!("rubrics/{id}.toml"), format!("prompts/{id}.md"));
                        Design::parse(toml, md, &rn, &pn, Origin::Builtin).map_err(|e| e.to_string())
                    })
                    .as_ref()
                    .map_err(|e| CatalogError::Invalid {
                        file: format!("built-in design {id}"),
                        message: e.clone(),
                    })
            }
        }
    }
}

/// All designs available: the built-ins, then the user's own (which shadow built-ins by id).
///
/// Built-ins are parsed lazily: `list` reads only their headers and `find` parses the one design
/// asked for, so commands start in a few milliseconds.
#[derive(Debug, Default)]
pub struct Catalog {
    entries: Vec<Entry>,
    all: OnceLock<Vec<Design>>,
    /// Problems with the user's own files; shown, never fatal.
    pub warnings: Vec<String>,
}

impl Clone for Catalog {
    fn clone(&self) -> Self {
        let mut c = Catalog { entries: Vec::new(), all: OnceLock::new(), warnings: self.warnings.clone() };
        for e in &self.entries {
            let source = match &e.source {
                Source::Builtin { toml, md } => Source::Builtin { toml, md },
                Source::Parsed(d) => Source::Parsed(d.clone()),
            };
            c.entries.push(Entry { header: e.header.clone(), source, parsed: OnceLock::new() });
        }
        c
    }
}

impl fmt::Display for Origin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Origin::Builtin => f.write_str("built-in"),
            Origin::User(p) => write!(f, "{}", p.display()),
        }
    }
}

/// Read a built-in's header from the top of its TOML; fall back to a full parse.
fn builtin_header(id: &str, toml: &str) -> Result<Header, CatalogError> {
    let top = toml.find("\n[[").map_or(toml, |i| &toml[..i]);
    if let Ok(h) = toml::from_str::<HeaderToml>(top) {
        return Ok(Header {
            id: h.id,
            title: h.title,
            summary: h.summary,
            aliases: h.aliases,
            minutes: h.budget.total(),
            builtin: true,
        });
    }
    let r = Rubric::parse(toml, &format!("rubrics/{id}.toml"))?;
    Ok(Header {
        minutes: r.minutes(),
        id: r.id,
        title: r.title,
        summary: r.summary,
        aliases: r.aliases,
        builtin: true,
    })
}

impl Catalog {
    /// The built-in designs only. Built-ins are checked by the test suite, so a failure here is a
    /// bug in the binary, reported as a warning rather than a panic.
    pub fn builtin() -> Self {
        let mut catalog = Catalog::default();
        for (id, toml, md) in builtin_sources() {
            match builtin_header(id, toml) {
                Ok(header) => catalog.entries.push(Entry {
                    header,
                    source: Source::Builtin { toml, md },
                    parsed: OnceLock::new(),
                }),
                Err(e) => catalog.warnings.push(format!("built-in design {id} is broken: {e}")),
            }
        }
        catalog.entries.sort_by(|a, b| {
            builtin_rank(&a.header.id).cmp(&builtin_rank(&b.header.id)).then(a.header.id.cmp(&b.header.id))
        });
        catalog
    }

    /// Built-ins plus the user's designs from `rubrics_dir`/`prompts_dir` (missing folders are fine).
    pub fn load(rubrics_dir: &Path, prompts_dir: &Path) -> Self {
        let mut catalog = Self::builtin();
        let Ok(entries) = std::fs::read_dir(rubrics_dir) else {
            return catalog;
        };
        let mut files: Vec<PathBuf> = entries
            .filter_map(Result::ok)
            .map(|e| e.path())
            .filter(|p| p.extension().is_some_and(|e| e == "toml"))
            .collect();
        files.sort();
        for rubric_path in files {
            match load_user_design(&rubric_path, prompts_dir) {
                Ok(design) => catalog.insert(design),
                Err(e) => {
                    // A broken file that shadows a built-in leaves the built-in in place.
                    let stem = rubric_path.file_stem().and_then(|s| s.to_str()).unwrap_or_default();
                    let builtin = catalog.entries.iter().any(|en| en.header.builtin && en.header.id == stem);
                    let instead =
                        if builtin { format!("; using the built-in {stem}") } else { String::new() };
                    catalog.warnings.push(format!("skipped your design: {e}{instead}"));
                }
            }
        }
        catalog
    }

    fn insert(&mut self, design: Design) {
        let header = Header {
            id: design.id().to_string(),
            title: design.title().to_string(),
            summary: design.rubric.summary.clone(),
            aliases: design.rubric.aliases.clone(),
            minutes: design.rubric.minutes(),
            builtin: false,
        };
        let entry = Entry { header, source: Source::Parsed(Box::new(design)), parsed: OnceLock::new() };
        if let Some(slot) = self.entries.iter_mut().find(|e| e.header.id == entry.header.id) {
            *slot = entry;
        } else {
            self.entries.push(entry);
        }
    }

    /// Id, title, summary and length of every design, without parsing their items.
    pub fn headers(&self) -> impl Iterator<Item = &Header> {
        self.entries.iter().map(|e| &e.header)
    }

    /// Every design, parsed (a broken built-in is left out; `validate` reports it).
    pub fn designs(&self) -> &[Design] {
        self.all.get_or_init(|| self.entries.iter().filter_map(|e| e.design().ok().cloned()).collect())
    }

    /// Find a design by id or alias (case-insensitive). Unknown names get the nearest match.
    pub fn find(&self, name: &str) -> Result<&Design, CatalogError> {
        let wanted = name.trim().to_lowercase();
        if let Some(e) = self
            .entries
            .iter()
            .find(|e| e.header.id == wanted || e.header.aliases.iter().any(|a| a.to_lowercase() == wanted))
        {
            return e.design();
        }
        let ids: Vec<String> = self.headers().map(|h| h.id.clone()).collect();
        let suggestion = self
            .headers()
            .flat_map(|h| {
                std::iter::once(h.id.clone())
                    .chain(h.aliases.iter().cloned())
                    .map(move |n| (h.id.as_str(), n))
            })
            .map(|(id, n)| (id, strsim::damerau_levenshtein(&wanted, &n.to_lowercase())))
            // Close means a slip of the fingers, not a different word: `whatsap`, `paymnets`; never
            // `uber` → news-feed.
            .filter(|(_, dist)| *dist <= (wanted.chars().count() / 3).max(1))
            .min_by_key(|(_, dist)| *dist)
            .map(|(id, _)| id.to_string())
            .or_else(|| {
                // A prefix of a longer id: `payment` → payment-system.
                self.headers().find(|h| wanted.len() >= 3 && h.id.starts_with(&wanted)).map(|h| h.id.clone())
            });
        Err(CatalogError::Unknown { name: name.to_string(), suggestion, ids })
    }
}

fn load_user_design(rubric_path: &Path, prompts_dir: &Path) -> Result<Design, CatalogError> {
    let toml = read(rubric_path)?;
    let stem = rubric_path.file_stem().and_then(|s| s.to_str()).unwrap_or_default();
    let prompt_path = prompts_dir.join(format!("{stem}.md"));
    let rubric_name = rubric_path.display().to_string();
    let rubric = Rubric::parse(&toml, &rubric_name)?;
    // A rubric that parses but that `validate` fails (no items, zero weights, duplicate ids, an
    // impossible budget, …) would grade nonsense: it is refused here, with its first problem.
    let errors: Vec<validate::Problem> = validate::check_rubric(&rubric, &rubric_name, Some(&toml), None)
        .into_iter()
        .filter(validate::Problem::is_error)
        .collect();
    if let Some(first) = errors.first() {
        let more = match errors.len() {
            1 => String::new(),
            n => format!(" (and {} more; `mockdesign validate {rubric_name}` lists them)", n - 1),
        };
        return Err(CatalogError::Invalid {
            file: rubric_name.clone(),
            message: format!(
                "{}{}{}{more}",
                first.line.map_or_else(String::new, |l| format!("line {l}: ")),
                first.subject.as_ref().map_or_else(String::new, |s| format!("{s}: ")),
                first.message
            ),
        });
    }
    // A user rubric without its own prompt may reuse a built-in prompt of the same id.
    let prompt = if prompt_path.exists() {
        Prompt::parse(&read(&prompt_path)?, &prompt_path.display().to_string())?
    } else if let Some((_, _, md)) = builtin_sources().find(|(id, _, _)| *id == rubric.id) {
        Prompt::parse(md, &format!("prompts/{}.md", rubric.id))?
    } else {
        return Err(CatalogError::Invalid {
            file: rubric_name,
            message: format!("no prompt file: expected {}", prompt_path.display()),
        });
    };
    Ok(Design { rubric, prompt, origin: Origin::User(rubric_path.to_path_buf()) })
}

fn read(path: &Path) -> Result<String, CatalogError> {
    std::fs::read_to_string(path).map_err(|source| CatalogError::Io { path: path.to_path_buf(), source })
}

/// `(id, rubric TOML, prompt Markdown)` for each built-in design with both files.
pub fn builtin_sources() -> impl Iterator<Item = (&'static str, &'static str, &'static str)> {
    BUILTIN_RUBRICS.files().filter_map(|f| {
        let id = f.path().file_stem()?.to_str()?;
        if f.path().extension()? != "toml" {
            return None;
        }
        let toml = f.contents_utf8()?;
        let md = BUILTIN_PROMPTS.get_file(format!("{id}.md"))?.contents_utf8()?;
        Some((id, toml, md))
    })
}

/// The built-in model answer of a design, if it has one.
pub fn builtin_answer(id: &str) -> Option<&'static str> {
    BUILTIN_ANSWERS.get_file(format!("{id}.md"))?.contents_utf8()
}

/// `(id, Markdown)` of every built-in model answer.
pub fn builtin_answers() -> impl Iterator<Item = (&'static str, &'static str)> {
    BUILTIN_ANSWERS.files().filter_map(|f| {
        if f.path().extension()? != "md" {
            return None;
        }
        Some((f.path().file_stem()?.to_str()?, f.contents_utf8()?))
    })
}

/// The model answer for design `id`: the user's `answers_dir/<id>.md` when it exists (it shadows
/// the built-in), else the built-in one; `None` when there is neither. The origin says which.
pub fn model_answer(id: &str, answers_dir: &Path) -> Result<Option<(ModelAnswer, Origin)>, CatalogError> {
    let user = answers_dir.join(format!("{id}.md"));
    if user.is_file() {
        let text = read(&user)?;
        return Ok(Some((ModelAnswer::parse(&text), Origin::User(user))));
    }
    Ok(builtin_answer(id).map(|md| (ModelAnswer::parse(md), Origin::Builtin)))
}

/// The eight core designs of the plan, in the order the plan practises them.
pub const CORE: [&str; 8] = [
    "whatsapp",
    "payment-system",
    "news-feed",
    "search",
    "notification-system",
    "booking-system",
    "analytics-pipeline",
    "auth-service",
];

/// The warm-up designs the plan practises first.
pub const WARM_UPS: [&str; 3] = ["url-shortener", "ecommerce-cart", "order-processing"];

/// The plan's order: the core designs, then the warm-ups, then anything else.
fn builtin_rank(id: &str) -> usize {
    CORE.iter().chain(WARM_UPS.iter()).position(|o| *o == id).unwrap_or(CORE.len() + WARM_UPS.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headers_read_without_parsing_agree_with_the_full_rubrics() {
        let catalog = Catalog::builtin();
        assert!(catalog.warnings.is_empty(), "{:?}", catalog.warnings);
        let headers: Vec<Header> = catalog.headers().cloned().collect();
        assert_eq!(headers.len(), catalog.designs().len());
        for (h, d) in headers.iter().zip(catalog.designs()) {
            assert_eq!(h.id, d.id());
            assert_eq!(h.title, d.title());
            assert_eq!(h.summary, d.rubric.summary);
            assert_eq!(h.aliases, d.rubric.aliases);
            assert!((h.minutes - d.rubric.minutes()).abs() < 1e-9, "{}", h.id);
        }
    }

    #[test]
    fn aliases_and_near_misses() {
        let catalog = Catalog::builtin();
        assert_eq!(catalog.find("PAYMENTS").unwrap().id(), "payment-system");
        assert_eq!(catalog.find("tinyurl").unwrap().id(), "url-shortener");
        match catalog.find("notifcation-system") {
            Err(CatalogError::Unknown { suggestion, .. }) => {
                assert_eq!(suggestion.as_deref(), Some("notification-system"));
            }
            other => panic!("{other:?}"),
        }
    }
}
